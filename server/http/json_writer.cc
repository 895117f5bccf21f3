#include "server/http/json_writer.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "ingest/event_json.h"

namespace strata::server::http {
void AppendJsonDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

void AppendJsonValue(const query::Value& value, std::string* out) {
  if (value.null) {
    out->append("null");
    return;
  }
  switch (value.type) {
    case query::Type::kNull:
      out->append("null");
      return;
    case query::Type::kBool:
      out->append(value.i != 0 ? "true" : "false");
      return;
    case query::Type::kInt64:
      absl::StrAppend(out, value.i);
      return;
    case query::Type::kFloat64:
      AppendJsonDouble(value.f, out);
      return;
    case query::Type::kString:
      AppendJsonString(value.s, out);
      return;
    case query::Type::kTimestamp:
      AppendJsonString(ingest::FormatRfc3339(value.i), out);
      return;
    case query::Type::kInterval:
      AppendJsonString(value.ToString(), out);
      return;
  }
}

}  // namespace strata::server::http
