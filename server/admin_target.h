// Where `strata admin` manages merchants: the tenant store of a stopped server's data
// directory (opened directly, under its lock), or a running server's admin API over HTTP
// (/api/v1/admin/merchants, JSON shapes in server/auth/admin_json.h).
//
// Thread safety: one thread at a time per target.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/auth/admin_json.h"
#include "server/auth/tenants.h"

namespace strata::server {

enum class RotateWhat { kWriteKey, kPassword, kApiToken };

class AdminTarget {
 public:
  virtual ~AdminTarget() = default;
  virtual absl::StatusOr<auth::Credentials> Add(const auth::AddMerchantRequest& request) = 0;
  virtual absl::StatusOr<std::vector<auth::MerchantInfo>> List() = 0;
  virtual absl::StatusOr<auth::Credentials> Rotate(const std::string& merchant,
                                                   RotateWhat what) = 0;
  virtual absl::Status Remove(const std::string& merchant) = 0;
  // Changes some overrides (TenantStore::ChangeLimits); the merchant as it is afterwards.
  virtual absl::StatusOr<auth::MerchantInfo> ChangeLimits(const std::string& merchant,
                                                          const auth::LimitsChange& change) = 0;
  // A running server's GET /api/v1/admin/status body; FailedPrecondition for a data
  // directory (a stopped server has no ingest state to report).
  virtual absl::StatusOr<std::string> StatusJson() = 0;
};

// The store in `data_dir` (which must exist). `admin_user` is the server's auth.admin_user:
// no merchant may take its name. FailedPrecondition, naming `--server`, while a server
// holds the store.
absl::StatusOr<std::unique_ptr<AdminTarget>> OpenStoreTarget(const std::string& data_dir,
                                                             const std::string& admin_user);

// A running server at `url` ("http://HOST:PORT"), as the admin `user`/`password`. Nothing
// is sent until the first call. Server answers map to statuses: 400 InvalidArgument, 401
// Unauthenticated, 403 PermissionDenied, 404 NotFound, 409 AlreadyExists; an unreachable
// server is Unavailable.
absl::StatusOr<std::unique_ptr<AdminTarget>> OpenServerTarget(
    std::string_view url, const std::string& user, const std::string& password,
    absl::Duration timeout = absl::Seconds(30));

// "http://HOST:PORT" (a trailing '/' is allowed; HOST may be a bracketed IPv6 address; the
// port defaults to 8080) -> {host, port}. InvalidArgument otherwise (https included: the
// server has no TLS).
absl::StatusOr<std::pair<std::string, uint16_t>> ParseServerUrl(std::string_view url);

// The admin credentials a command uses against a running server when no flag gives them:
// $STRATA_AUTH_ADMIN_USER / $STRATA_AUTH_ADMIN_PASSWORD when set and not empty, else
// "strata" (the server's defaults). AdminPassword returns `flag` itself when not empty.
std::string DefaultAdminUser();
std::string AdminPassword(const std::string& flag);

}  // namespace strata::server
