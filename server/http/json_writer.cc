#include "server/http/json_writer.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "ingest/event_json.h"

namespace strata::server::http {
namespace {

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7f; }

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out->append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default: {
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(escape, sizeof(escape));
      }
    }
  }
  out->append(text.data() + run_start, text.size() - run_start);
  out->push_back('"');
}

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
