// Tenants: who may read and write what.
//
// Principals:
// - A merchant logs in (PG wire, HTTP Basic) as the user named like its merchant id, with
//   its password, and reads only its own rows. Its tracker write key appends events for
//   that merchant only. Its API token (HTTP Bearer) reads like its user.
// - The admin (config auth.admin_user / auth.admin_password, default strata/strata) reads
//   every merchant, may write events of any merchant, and manages merchants. An optional
//   admin API token (config auth.admin_token) is the admin's Bearer token.
//
// Storage: DIR/tenants.json, rewritten whole on every change (write to a temp file,
// fsync, rename, fsync the directory) and protected by a CRC32C of its content, so a torn
// or damaged file is DataLoss at open, never half-read. Passwords are kept only as SCRAM
// secrets (scram.h) and API tokens only as SHA-256 digests; write keys are not secret
// (they ship in web pages) and are kept as is. The store holds an exclusive lock on
// DIR/tenants.lock while open, so `strata admin` cannot edit the file under a running
// server (it then talks to the server's admin API instead).
//
// Credentials are generated with OpenSSL's RAND_bytes: passwords and API tokens of 24
// random bytes in base64url, write keys "wk_" + 20 random bytes in hex.
//
// Thread safety: every method is thread-safe; lookups run concurrently (reader lock) and
// take no lock that an update holds while doing I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/merchant_settings.h"
#include "server/auth/scram.h"

namespace strata::server::auth {

// Per-merchant overrides of server-wide settings; unset = the server's value. The query
// limits override query.* / pg.*; the processing settings override processing.* (they
// become the merchant's engine::MerchantSettings, see ProcessingSettings). Rules:
// server/auth/limits.h ValidateLimits.
struct MerchantLimits {
  std::optional<int> max_connections;
  std::optional<int64_t> statement_timeout_ms;
  std::optional<int64_t> memory_limit_mb;
  std::optional<int64_t> session_timeout_minutes;
  std::optional<std::string> time_zone;  // IANA name
  std::optional<std::vector<std::string>> conversion_events;
};

// A change of some of a merchant's overrides (`strata admin merchant set`, PATCH in the
// admin API): the fields set in `set` take those values, the fields named in `reset`
// (limits.h kLimitNames) return to the server's value, the others keep theirs.
struct LimitsChange {
  MerchantLimits set;
  std::vector<std::string> reset;
};

struct Principal {
  std::string user;
  bool admin = false;
  std::string merchant;  // the merchant a non-admin principal reads/writes; empty for admin
  MerchantLimits limits;
};

struct MerchantInfo {  // what `strata admin merchant list` shows (no secrets)
  std::string merchant;
  std::string write_key;
  int64_t created_us = 0;
  MerchantLimits limits;
};

// Shown once, when created or rotated; never stored in clear.
struct Credentials {
  std::string merchant;
  std::string password;   // empty when not (re)generated
  std::string write_key;  // empty when not (re)generated
  std::string api_token;  // empty when not (re)generated
};

struct TenantStoreOptions {
  std::string admin_user = "strata";
  std::string admin_password = "strata";
  std::string admin_token;  // empty = no admin Bearer token
};

class TenantStore {
 public:
  // Opens (creating if absent) DIR/tenants.json and locks it. FailedPrecondition if another
  // process holds the lock (the message names its pid and suggests `--server`);
  // DataLoss if the file is damaged. InvalidArgument if admin_user is a merchant's name.
  static absl::StatusOr<std::unique_ptr<TenantStore>> Open(const std::string& data_dir,
                                                           const TenantStoreOptions& options);
  ~TenantStore();

  // Management. AddMerchant: InvalidArgument unless `merchant` is a valid merchant id
  // (ingest's rules: 1-64 of [A-Za-z0-9_.-]) and not the admin user; AlreadyExists if
  // present. An empty password is generated. Each change is durable before returning.
  absl::StatusOr<Credentials> AddMerchant(const std::string& merchant,
                                          const std::string& password = "",
                                          const MerchantLimits& limits = {});
  // Rotate*: NotFound if the merchant is unknown. The old key/password/token stops working
  // at once.
  absl::StatusOr<Credentials> RotateWriteKey(const std::string& merchant);
  absl::StatusOr<Credentials> RotatePassword(const std::string& merchant,
                                             const std::string& password = "");
  absl::StatusOr<Credentials> RotateApiToken(const std::string& merchant);
  // SetLimits replaces all overrides; ChangeLimits applies `change` atomically and returns
  // the merchant's resulting overrides. NotFound / InvalidArgument (limits.h rules).
  absl::Status SetLimits(const std::string& merchant, const MerchantLimits& limits);
  absl::StatusOr<MerchantLimits> ChangeLimits(const std::string& merchant,
                                              const LimitsChange& change);
  absl::Status RemoveMerchant(const std::string& merchant);
  std::vector<MerchantInfo> List() const;  // sorted by merchant

  // Authentication (hot paths: no I/O).
  // The SCRAM secret and principal of a PG user (merchant or admin); nullopt if unknown.
  struct UserEntry {
    Principal principal;
    ScramSecret secret;
  };
  std::optional<UserEntry> FindUser(std::string_view user) const;
  // The merchant a write key belongs to.
  std::optional<std::string> MerchantForWriteKey(std::string_view write_key) const;
  // HTTP Bearer token -> principal (merchant API token or the admin token).
  std::optional<Principal> AuthenticateToken(std::string_view token) const;
  // HTTP Basic user/password -> principal. Verified results are cached (by a salted
  // digest of the password) so repeated requests do not pay PBKDF2 again.
  std::optional<Principal> AuthenticatePassword(std::string_view user,
                                                std::string_view password) const;

  const std::string& admin_user() const { return options_.admin_user; }

  // The engine's view of the merchants' processing overrides: a thread-safe provider that
  // gives a merchant its session_timeout_minutes / time_zone / conversion_events on top of
  // `defaults` (the processing.* configuration), and `defaults` to merchants without
  // overrides or unknown to the store. Changes apply from the next call. A call takes two
  // reader locks and copies a shared_ptr, without allocating, except the first call after a
  // change, which rebuilds the overridden merchants' settings. The provider holds a pointer
  // to this store: the store must outlive every use of the provider (open it before the
  // engine, destroy it after).
  engine::MerchantSettingsProvider ProcessingSettings(
      const engine::MerchantSettings& defaults) const;

 private:
  struct Tables;        // merchants and their indexes; immutable once published
  class SettingsCache;  // behind ProcessingSettings
  explicit TenantStore(TenantStoreOptions options);
  absl::Status Load();
  std::shared_ptr<const Tables> tables() const;
  // Applies `change` to a copy of the tables, writes the file, then publishes the copy.
  // Updates are serialized by update_mu_, which lookups never take.
  absl::Status Update(const std::function<absl::Status(Tables&)>& change);

  TenantStoreOptions options_;
  std::string dir_;
  int lock_fd_ = -1;
  ScramSecret admin_secret_;
  std::string admin_token_sha256_;   // empty = no admin token
  ScramSecret unknown_user_secret_;  // verified against for unknown users (same cost)
  std::string cache_key_;            // HMAC key of the password cache's digests
  absl::Mutex update_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Tables> tables_ ABSL_GUARDED_BY(mu_);
  // user -> HMAC(cache_key_, StoredKey + password) of the last password that verified.
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, std::string> password_cache_ ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace strata::server::auth
