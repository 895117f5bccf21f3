#include "server/auth/admin_json.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "common/json_text.h"
#include "common/status.h"

namespace strata::server::auth {
namespace {

absl::Status Invalid(std::string_view what, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": ", std::string(reason)));
}

void AppendLimits(const MerchantLimits& limits, std::string* out) {
  out->push_back('{');
  const char* sep = "";
  if (limits.max_connections) {
    absl::StrAppend(out, sep, "\"max_connections\":", *limits.max_connections);
    sep = ",";
  }
  if (limits.statement_timeout_ms) {
    absl::StrAppend(out, sep, "\"statement_timeout_ms\":", *limits.statement_timeout_ms);
    sep = ",";
  }
  if (limits.memory_limit_mb) {
    absl::StrAppend(out, sep, "\"memory_limit_mb\":", *limits.memory_limit_mb);
  }
  out->push_back('}');
}

absl::Status ParseLimits(simdjson::dom::element value, std::string_view what,
                         MerchantLimits* limits) {
  simdjson::dom::object obj;
  if (value.get_object().get(obj)) return Invalid(what, "\"limits\" must be an object");
  for (simdjson::dom::key_value_pair field : obj) {
    int64_t v = 0;
    if (field.value.get_int64().get(v)) {
      return Invalid(what,
                     absl::StrCat("limit \"", std::string(field.key), "\" must be an integer"));
    }
    if (field.key == "max_connections") {
      if (v < INT32_MIN || v > INT32_MAX) return Invalid(what, "max_connections out of range");
      limits->max_connections = static_cast<int>(v);
    } else if (field.key == "statement_timeout_ms") {
      limits->statement_timeout_ms = v;
    } else if (field.key == "memory_limit_mb") {
      limits->memory_limit_mb = v;
    } else {
      return Invalid(what, absl::StrCat("unknown limit \"", std::string(field.key), "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<simdjson::dom::object> ParseObject(simdjson::dom::parser& parser,
                                                  std::string_view json, std::string_view what) {
  simdjson::dom::element doc;
  if (simdjson::error_code err = parser.parse(json.data(), json.size()).get(doc)) {
    return Invalid(what, absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return Invalid(what, "expected a JSON object");
  return obj;
}

}  // namespace

std::string AddMerchantRequestToJson(const AddMerchantRequest& request) {
  std::string out = "{\"merchant\":";
  AppendJsonString(request.merchant, &out);
  if (!request.password.empty()) {
    out.append(",\"password\":");
    AppendJsonString(request.password, &out);
  }
  out.append(",\"limits\":");
  AppendLimits(request.limits, &out);
  out.push_back('}');
  return out;
}

absl::StatusOr<AddMerchantRequest> ParseAddMerchantRequest(std::string_view json) {
  constexpr std::string_view kWhat = "add merchant request";
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object obj, ParseObject(parser, json, kWhat));
  AddMerchantRequest request;
  bool has_merchant = false;
  for (simdjson::dom::key_value_pair field : obj) {
    std::string_view text;
    if (field.key == "merchant") {
      if (field.value.get_string().get(text))
        return Invalid(kWhat, "\"merchant\" must be a string");
      request.merchant = std::string(text);
      has_merchant = true;
    } else if (field.key == "password") {
      if (field.value.is_null()) continue;
      if (field.value.get_string().get(text))
        return Invalid(kWhat, "\"password\" must be a string");
      request.password = std::string(text);
    } else if (field.key == "limits") {
      RETURN_IF_ERROR(ParseLimits(field.value, kWhat, &request.limits));
    } else {
      return Invalid(kWhat, absl::StrCat("unknown field \"", std::string(field.key), "\""));
    }
  }
  if (!has_merchant) return Invalid(kWhat, "\"merchant\" is required");
  return request;
}

std::string CredentialsToJson(const Credentials& c) {
  std::string out = "{\"merchant\":";
  AppendJsonString(c.merchant, &out);
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    absl::StrAppend(&out, ",\"", name, "\":");
    AppendJsonString(value, &out);
  };
  add("password", c.password);
  add("write_key", c.write_key);
  add("api_token", c.api_token);
  out.push_back('}');
  return out;
}

absl::StatusOr<Credentials> ParseCredentialsJson(std::string_view json) {
  constexpr std::string_view kWhat = "credentials";
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object obj, ParseObject(parser, json, kWhat));
  Credentials c;
  for (simdjson::dom::key_value_pair field : obj) {
    std::string* target = field.key == "merchant"    ? &c.merchant
                          : field.key == "password"  ? &c.password
                          : field.key == "write_key" ? &c.write_key
                          : field.key == "api_token" ? &c.api_token
                                                     : nullptr;
    if (target == nullptr) continue;  // fields a newer server adds
    std::string_view text;
    if (field.value.get_string().get(text)) {
      return Invalid(kWhat, absl::StrCat("\"", std::string(field.key), "\" must be a string"));
    }
    *target = std::string(text);
  }
  if (c.merchant.empty()) return Invalid(kWhat, "\"merchant\" is missing");
  return c;
}

std::string MerchantListToJson(const std::vector<MerchantInfo>& merchants) {
  std::string out = "{\"merchants\":[";
  for (size_t i = 0; i < merchants.size(); ++i) {
    const MerchantInfo& m = merchants[i];
    if (i > 0) out.push_back(',');
    out.append("{\"merchant\":");
    AppendJsonString(m.merchant, &out);
    out.append(",\"write_key\":");
    AppendJsonString(m.write_key, &out);
    absl::StrAppend(&out, ",\"created_us\":", m.created_us, ",\"limits\":");
    AppendLimits(m.limits, &out);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

absl::StatusOr<std::vector<MerchantInfo>> ParseMerchantListJson(std::string_view json) {
  constexpr std::string_view kWhat = "merchant list";
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object obj, ParseObject(parser, json, kWhat));
  simdjson::dom::array items;
  if (obj["merchants"].get_array().get(items)) return Invalid(kWhat, "\"merchants\" is missing");
  std::vector<MerchantInfo> out;
  for (simdjson::dom::element item : items) {
    simdjson::dom::object m;
    if (item.get_object().get(m)) return Invalid(kWhat, "expected objects");
    MerchantInfo info;
    std::string_view text;
    if (m["merchant"].get_string().get(text)) return Invalid(kWhat, "\"merchant\" is missing");
    info.merchant = std::string(text);
    if (m["write_key"].get_string().get(text)) return Invalid(kWhat, "\"write_key\" is missing");
    info.write_key = std::string(text);
    if (m["created_us"].get_int64().get(info.created_us)) {
      return Invalid(kWhat, "\"created_us\" is missing");
    }
    simdjson::dom::element limits;
    if (!m["limits"].get(limits)) RETURN_IF_ERROR(ParseLimits(limits, kWhat, &info.limits));
    out.push_back(std::move(info));
  }
  return out;
}

std::string RemovedToJson(std::string_view merchant) {
  std::string out = "{\"removed\":";
  AppendJsonString(merchant, &out);
  out.push_back('}');
  return out;
}

absl::StatusOr<std::string> ParseRemovedJson(std::string_view json) {
  constexpr std::string_view kWhat = "remove answer";
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object obj, ParseObject(parser, json, kWhat));
  std::string_view text;
  if (obj["removed"].get_string().get(text)) return Invalid(kWhat, "\"removed\" is missing");
  return std::string(text);
}

std::string ErrorToJson(std::string_view message) {
  std::string out = "{\"error\":{\"message\":";
  AppendJsonString(message, &out);
  out.append("}}");
  return out;
}

std::string ParseErrorJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(json.data(), json.size()).get(doc) ||
      doc["error"]["message"].get_string().get(text)) {
    return "";
  }
  return std::string(text);
}

}  // namespace strata::server::auth
