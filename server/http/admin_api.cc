#include "server/http/admin_api.h"

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/auth/admin_json.h"
#include "server/auth/limits.h"
#include "server/http/json_writer.h"

namespace strata::server::http {
namespace {

HttpReply StatusReply(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ErrorReply(404, std::string(status.message()));
    case absl::StatusCode::kAlreadyExists:
      return ErrorReply(409, std::string(status.message()));
    case absl::StatusCode::kInvalidArgument:
      return ErrorReply(400, std::string(status.message()));
    default:
      return ErrorReply(500, std::string(status.message()));
  }
}

HttpReply MethodNotAllowed(std::string_view allow) {
  HttpReply reply =
      ErrorReply(405, absl::StrCat("method not allowed (allowed: ", std::string(allow), ")"));
  reply.headers.emplace_back("Allow", std::string(allow));
  return reply;
}

// {"merchant":..} plus the non-empty secrets of `c`, in a fixed order.
std::string CredentialsJson(const auth::Credentials& c) {
  std::string out = "{\"merchant\":";
  AppendJsonString(c.merchant, &out);
  auto field = [&out](std::string_view name, const std::string& value) {
    if (value.empty()) return;
    absl::StrAppend(&out, ",\"", std::string(name), "\":");
    AppendJsonString(value, &out);
  };
  field("password", c.password);
  field("write_key", c.write_key);
  field("api_token", c.api_token);
  out += "}";
  return out;
}

// The fields of an add / rotate-password body.
struct MerchantRequest {
  std::string merchant;
  std::string password;
  auth::MerchantLimits limits;
};

// Parses `body` (may be empty when nothing is required). An error message on failure.
std::optional<std::string> ParseMerchantRequest(const std::string& body, bool allow_merchant,
                                                bool allow_limits, MerchantRequest* out) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto error = parser.parse(padded).get(doc); error) {
    return absl::StrCat("invalid JSON body: ", simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return "the JSON body must be an object";
  for (simdjson::dom::key_value_pair field : object) {
    std::string_view text;
    if (field.key == "merchant" && allow_merchant) {
      if (field.value.get_string().get(text)) return "\"merchant\" must be a string";
      out->merchant = std::string(text);
    } else if (field.key == "password") {
      if (field.value.is_null()) continue;
      if (field.value.get_string().get(text)) return "\"password\" must be a string";
      out->password = std::string(text);
    } else if (field.key == "limits" && allow_limits) {
      // null resets a field: for a new merchant, the same as leaving it out.
      std::vector<std::string> reset;
      if (absl::Status s = auth::ParseLimitsJson(field.value, &out->limits, &reset); !s.ok()) {
        return std::string(s.message());
      }
    } else {
      return absl::StrCat("unknown field \"", std::string(field.key), "\"");
    }
  }
  return std::nullopt;
}

}  // namespace

HttpReply AdminApi::Handle(const HttpRequest& request) {
  std::optional<auth::Principal> principal = Authenticate(*tenants_, request.authorization);
  if (!principal.has_value()) {
    HttpReply reply = ErrorReply(401, request.authorization.empty()
                                          ? "authentication required (admin Basic or Bearer)"
                                          : "invalid credentials");
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"strata\"");
    return reply;
  }
  if (!principal->admin) return ErrorReply(403, "the admin API is for the admin only");
  if (request.path == kAdminStatusPath) {
    if (!status_) return ErrorReply(404, "no such admin endpoint");
    if (request.method != "GET") return MethodNotAllowed("GET");
    return JsonReply(status_());
  }

  // The path below /api/v1/admin/merchants: "", "/NAME" or "/NAME/ACTION".
  std::string_view rest = std::string_view(request.path).substr(kAdminMerchantsPath.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) {
    if (request.method == "GET") return JsonReply(auth::MerchantListToJson(tenants_->List()));
    if (request.method != "POST") return MethodNotAllowed("GET, POST");
    MerchantRequest add;
    if (std::optional<std::string> error = ParseMerchantRequest(
            request.body, /*allow_merchant=*/true, /*allow_limits=*/true, &add)) {
      return ErrorReply(400, *error);
    }
    if (add.merchant.empty()) return ErrorReply(400, "the JSON body needs \"merchant\"");
    absl::StatusOr<auth::Credentials> c =
        tenants_->AddMerchant(add.merchant, add.password, add.limits);
    if (!c.ok()) return StatusReply(c.status());
    return JsonReply(CredentialsJson(*c), 201);
  }

  std::vector<std::string> parts = absl::StrSplit(std::string(rest.substr(1)), '/');
  if (parts.size() > 2 || parts[0].empty()) return ErrorReply(404, "no such admin endpoint");
  const std::string merchant = UrlDecode(parts[0]);
  if (parts.size() == 1) {
    if (request.method == "PATCH") {  // then answers like GET
      absl::StatusOr<auth::LimitsChange> change = auth::ParseLimitsChangeJson(request.body);
      if (!change.ok()) return ErrorReply(400, std::string(change.status().message()));
      absl::Status s = tenants_->ChangeLimits(merchant, *change).status();
      if (!s.ok()) return StatusReply(s);
    }
    if (request.method == "GET" || request.method == "PATCH") {
      for (const auth::MerchantInfo& info : tenants_->List()) {
        if (info.merchant == merchant) return JsonReply(auth::MerchantInfoToJson(info));
      }
      return ErrorReply(404, absl::StrCat("merchant \"", merchant, "\" does not exist"));
    }
    if (request.method != "DELETE") return MethodNotAllowed("GET, PATCH, DELETE");
    if (absl::Status s = tenants_->RemoveMerchant(merchant); !s.ok()) return StatusReply(s);
    std::string out = "{\"removed\":";
    AppendJsonString(merchant, &out);
    out += "}";
    return JsonReply(std::move(out));
  }

  const std::string& action = parts[1];
  absl::StatusOr<auth::Credentials> c;
  if (action == "rotate-key") {
    if (request.method != "POST") return MethodNotAllowed("POST");
    c = tenants_->RotateWriteKey(merchant);
  } else if (action == "rotate-token") {
    if (request.method != "POST") return MethodNotAllowed("POST");
    c = tenants_->RotateApiToken(merchant);
  } else if (action == "rotate-password") {
    if (request.method != "POST") return MethodNotAllowed("POST");
    MerchantRequest body;
    if (std::optional<std::string> error = ParseMerchantRequest(
            request.body, /*allow_merchant=*/false, /*allow_limits=*/false, &body)) {
      return ErrorReply(400, *error);
    }
    c = tenants_->RotatePassword(merchant, body.password);
  } else {
    return ErrorReply(404, "no such admin endpoint");
  }
  if (!c.ok()) return StatusReply(c.status());
  return JsonReply(CredentialsJson(*c));
}

}  // namespace strata::server::http
