#include "server/auth/admin_json.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "common/json_text.h"
#include "common/status.h"
#include "server/auth/limits.h"

namespace strata::server::auth {
namespace {

absl::Status Invalid(std::string_view what, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": ", std::string(reason)));
}

// The admin API's limits objects may reset a field with null; in an add request that is
// the same as leaving it out.
absl::Status ParseLimits(simdjson::dom::element value, std::string_view what,
                         MerchantLimits* limits, std::vector<std::string>* reset) {
  std::vector<std::string> ignored;
  absl::Status status = ParseLimitsJson(value, limits, reset != nullptr ? reset : &ignored);
  if (!status.ok()) return Invalid(what, std::string(status.message()));
  return absl::OkStatus();
}

void AppendMerchantInfo(const MerchantInfo& m, std::string* out) {
  out->append("{\"merchant\":");
  AppendJsonString(m.merchant, out);
  out->append(",\"write_key\":");
  AppendJsonString(m.write_key, out);
  absl::StrAppend(out, ",\"created_us\":", m.created_us, ",\"limits\":");
  AppendLimitsJson(m.limits, out);
  out->push_back('}');
}

absl::StatusOr<MerchantInfo> ParseMerchantInfo(simdjson::dom::element item, std::string_view what) {
  simdjson::dom::object m;
  if (item.get_object().get(m)) return Invalid(what, "expected objects");
  MerchantInfo info;
  std::string_view text;
  if (m["merchant"].get_string().get(text)) return Invalid(what, "\"merchant\" is missing");
  info.merchant = std::string(text);
  if (m["write_key"].get_string().get(text)) return Invalid(what, "\"write_key\" is missing");
  info.write_key = std::string(text);
  if (m["created_us"].get_int64().get(info.created_us)) {
    return Invalid(what, "\"created_us\" is missing");
  }
  simdjson::dom::element limits;
  if (!m["limits"].get(limits)) {
    RETURN_IF_ERROR(ParseLimits(limits, what, &info.limits, /*reset=*/nullptr));
  }
  return info;
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
  AppendLimitsJson(request.limits, &out);
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
      RETURN_IF_ERROR(ParseLimits(field.value, kWhat, &request.limits, /*reset=*/nullptr));
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

std::string LimitsChangeToJson(const LimitsChange& change) {
  std::string out = "{\"limits\":";
  AppendLimitsJson(change.set, &out);
  out.pop_back();  // '}'
  for (const std::string& name : change.reset) {
    if (out.back() != '{') out.push_back(',');
    AppendJsonString(name, &out);
    out.append(":null");
  }
  out.append("}}");
  return out;
}

absl::StatusOr<LimitsChange> ParseLimitsChangeJson(std::string_view json) {
  constexpr std::string_view kWhat = "limits change";
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::object obj, ParseObject(parser, json, kWhat));
  LimitsChange change;
  bool has_limits = false;
  for (simdjson::dom::key_value_pair field : obj) {
    if (field.key != "limits") {
      return Invalid(kWhat, absl::StrCat("unknown field \"", std::string(field.key), "\""));
    }
    RETURN_IF_ERROR(ParseLimits(field.value, kWhat, &change.set, &change.reset));
    has_limits = true;
  }
  if (!has_limits) return Invalid(kWhat, "\"limits\" is required");
  return change;
}

std::string MerchantInfoToJson(const MerchantInfo& merchant) {
  std::string out;
  AppendMerchantInfo(merchant, &out);
  return out;
}

absl::StatusOr<MerchantInfo> ParseMerchantInfoJson(std::string_view json) {
  constexpr std::string_view kWhat = "merchant";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (simdjson::error_code err = parser.parse(json.data(), json.size()).get(doc)) {
    return Invalid(kWhat, absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
  }
  return ParseMerchantInfo(doc, kWhat);
}

std::string MerchantListToJson(const std::vector<MerchantInfo>& merchants) {
  std::string out = "{\"merchants\":[";
  for (size_t i = 0; i < merchants.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendMerchantInfo(merchants[i], &out);
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
    ASSIGN_OR_RETURN(MerchantInfo info, ParseMerchantInfo(item, kWhat));
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
