#include "engine/schema.h"

#include <cmath>
#include <cstdio>

#include "common/json_text.h"

namespace strata::engine {

using storage::ColumnType;

const std::array<EventColumnDef, kNumEventColumns>& EventColumns() {
  static const std::array<EventColumnDef, kNumEventColumns> kColumns = {{
      {"merchant", ColumnType::kInt64, false, nullptr},
      {"ts", ColumnType::kInt64, false, nullptr},
      {"event", ColumnType::kString, true, &Event::event},
      {"client", ColumnType::kInt64, false, nullptr},
      {"user_id", ColumnType::kString, false, &Event::user_id},
      {"session_id", ColumnType::kString, false, &Event::session_id},
      {"page", ColumnType::kString, false, &Event::page},
      {"title", ColumnType::kString, false, &Event::title},
      {"referrer", ColumnType::kString, false, &Event::referrer},
      {"utm_source", ColumnType::kString, true, &Event::utm_source},
      {"utm_medium", ColumnType::kString, false, &Event::utm_medium},
      {"utm_campaign", ColumnType::kString, false, &Event::utm_campaign},
      {"device", ColumnType::kString, true, &Event::device},
      {"os", ColumnType::kString, true, &Event::os},
      {"browser", ColumnType::kString, true, &Event::browser},
      {"country", ColumnType::kString, true, &Event::country},
      {"language", ColumnType::kString, false, &Event::language},
      {"item_id", ColumnType::kString, false, &Event::item_id},
      {"value", ColumnType::kDouble, false, nullptr},
      {"event_id", ColumnType::kString, false, &Event::event_id},
      {"params", ColumnType::kString, false, nullptr},
  }};
  return kColumns;
}

int FindEventColumn(std::string_view name) {
  const auto& cols = EventColumns();
  for (int i = 0; i < kNumEventColumns; ++i)
    if (name == cols[i].name) return i;
  return -1;
}

std::string EncodeParams(const std::vector<Param>& params) {
  if (params.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(params[i].key, &out);
    out.push_back(':');
    if (params[i].is_number) {
      char buf[32];
      double v = params[i].num;
      if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof(buf), "%.0f", v);
      } else {
        std::snprintf(buf, sizeof(buf), "%.17g", v);
      }
      out.append(buf);
    } else {
      AppendJsonString(params[i].str, &out);
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace strata::engine
