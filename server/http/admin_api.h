// /api/v1/admin/merchants: merchant management over HTTP, and /api/v1/admin/status, for
// the admin only (docs/http.md, "Admin API").
//
//   GET    /api/v1/admin/status                        200 {"engine":{..},"kafka":{..}}
//   GET    /api/v1/admin/merchants                     200 {"merchants":[...]}
//   POST   /api/v1/admin/merchants                     201 {"merchant","password","write_key",
//          {"merchant":..,"password":..,"limits":{..}}      "api_token"}
//   GET    /api/v1/admin/merchants/NAME                200 one entry of the list
//   PATCH  /api/v1/admin/merchants/NAME                200 the entry after the change
//          {"limits":{"time_zone":"Asia/Tokyo","max_connections":null}}  (null = reset)
//   DELETE /api/v1/admin/merchants/NAME                200 {"removed":NAME}
//   POST   /api/v1/admin/merchants/NAME/rotate-key     200 {"merchant","write_key"}
//   POST   /api/v1/admin/merchants/NAME/rotate-password  200 {"merchant","password"}
//          (optional body {"password":..})
//   POST   /api/v1/admin/merchants/NAME/rotate-token   200 {"merchant","api_token"}
//
// Errors: 401 without (valid) credentials, 403 for a merchant, 404 unknown merchant or
// path, 405 wrong method, 409 merchant exists, 400 invalid input.
//
// Thread safety: Handle may run on many threads at once (TenantStore is thread-safe).
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "server/auth/tenants.h"
#include "server/http/request.h"

namespace strata::server::http {

inline constexpr std::string_view kAdminMerchantsPath = "/api/v1/admin/merchants";
inline constexpr std::string_view kAdminStatusPath = "/api/v1/admin/status";

// The body of GET /api/v1/admin/status (a JSON object), made at request time.
using StatusJsonFn = std::function<std::string()>;

class AdminApi {
 public:
  // A null `status` answers /api/v1/admin/status with 404.
  AdminApi(auth::TenantStore* tenants, StatusJsonFn status)
      : tenants_(tenants), status_(std::move(status)) {}

  // Runs the request (blocking: changes are fsync'ed; call it off the I/O threads).
  HttpReply Handle(const HttpRequest& request);

 private:
  auth::TenantStore* const tenants_;
  const StatusJsonFn status_;
};

}  // namespace strata::server::http
