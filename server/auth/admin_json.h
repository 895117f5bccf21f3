// The JSON bodies of the admin API (/api/v1/admin/merchants), written and read by one piece
// of code so the server (server/http) and its client (`strata admin --server`) cannot
// disagree. docs/security.md shows every shape.
//
//   add request    {"merchant":"m1","password":"optional","limits":{"max_connections":5,
//                   "statement_timeout_ms":1000,"memory_limit_mb":256,
//                   "session_timeout_minutes":45,"time_zone":"Europe/Paris",
//                   "conversion_events":["purchase"]}}   (limits optional, limits.h)
//   limits change  {"limits":{"time_zone":"Asia/Tokyo","max_connections":null}}
//                  (PATCH: the fields named change, null = back to the server's value)
//   merchant       {"merchant":..,"write_key":..,"created_us":..,"limits":{..}}
//   credentials    {"merchant":..,"password":..,"write_key":..,"api_token":..}
//                  (only what was set or generated: rotate-key answers merchant+write_key)
//   list           {"merchants":[merchant, ...]}
//   remove         {"removed":"m1"}
//   error          {"error":{"message":".."}}
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/tenants.h"

namespace strata::server::auth {

struct AddMerchantRequest {
  std::string merchant;
  std::string password;  // empty = generate one
  MerchantLimits limits;
};

std::string AddMerchantRequestToJson(const AddMerchantRequest& request);
// InvalidArgument naming the problem (bad JSON, missing "merchant", unknown field, a limit
// that is not an integer). Limit ranges are the TenantStore's to check.
absl::StatusOr<AddMerchantRequest> ParseAddMerchantRequest(std::string_view json);

std::string CredentialsToJson(const Credentials& credentials);
absl::StatusOr<Credentials> ParseCredentialsJson(std::string_view json);

std::string LimitsChangeToJson(const LimitsChange& change);
// InvalidArgument for bad JSON, a missing "limits", an unknown field or limit, or a value
// of the wrong type. Ranges and reset names are the TenantStore's to check.
absl::StatusOr<LimitsChange> ParseLimitsChangeJson(std::string_view json);

std::string MerchantInfoToJson(const MerchantInfo& merchant);
absl::StatusOr<MerchantInfo> ParseMerchantInfoJson(std::string_view json);

std::string MerchantListToJson(const std::vector<MerchantInfo>& merchants);
absl::StatusOr<std::vector<MerchantInfo>> ParseMerchantListJson(std::string_view json);

std::string RemovedToJson(std::string_view merchant);
absl::StatusOr<std::string> ParseRemovedJson(std::string_view json);

std::string ErrorToJson(std::string_view message);
// The message of an error body, or "" if `json` is not one.
std::string ParseErrorJson(std::string_view json);

}  // namespace strata::server::auth
