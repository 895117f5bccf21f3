#include "server/auth/tenants.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "server/auth/limits.h"
#include "server/auth/scram_internal.h"
#include "server/auth/tenants_file.h"
#include "server/base/log.h"
#include "storage/file.h"

namespace strata::server::auth {

using tenants_file::MerchantRecord;

struct TenantStore::Tables {
  uint64_t generation = 1;  // the loaded file's; +1 per published change
  absl::flat_hash_map<std::string, MerchantRecord> merchants;
  absl::flat_hash_map<std::string, std::string> write_keys;  // write key -> merchant
  absl::flat_hash_map<std::string, std::string> tokens;      // SHA-256 of token -> merchant

  // Inserts or replaces `record`, keeping the indexes in step.
  void Put(MerchantRecord record) {
    Erase(record.merchant);
    write_keys[record.write_key] = record.merchant;
    tokens[record.api_token_sha256] = record.merchant;
    std::string name = record.merchant;
    merchants.insert_or_assign(std::move(name), std::move(record));
  }
  void Erase(const std::string& merchant) {
    auto it = merchants.find(merchant);
    if (it == merchants.end()) return;
    write_keys.erase(it->second.write_key);
    tokens.erase(it->second.api_token_sha256);
    merchants.erase(it);
  }
};

// The processing settings of the merchants with overrides, resolved against one set of
// defaults; rebuilt on the first lookup after the tables change.
class TenantStore::SettingsCache {
 public:
  SettingsCache(const TenantStore* store, const engine::MerchantSettings& defaults)
      : store_(store), defaults_(std::make_shared<const engine::MerchantSettings>(defaults)) {}

  std::shared_ptr<const engine::MerchantSettings> Get(std::string_view merchant) {
    const uint64_t generation = store_->tables()->generation;
    {
      absl::ReaderMutexLock lock(&mu_);
      if (generation <= built_generation_) return Find(merchant);
    }
    absl::MutexLock lock(&mu_);
    // Another thread may have rebuilt meanwhile, from these tables or newer ones.
    if (built_generation_ < generation) Rebuild();
    return Find(merchant);
  }

 private:
  std::shared_ptr<const engine::MerchantSettings> Find(std::string_view merchant) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = by_merchant_.find(absl::string_view(merchant.data(), merchant.size()));
    return it == by_merchant_.end() ? defaults_ : it->second;
  }

  void Rebuild() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::shared_ptr<const Tables> tables = store_->tables();
    by_merchant_.clear();
    for (const auto& [name, record] : tables->merchants) {
      if (!HasProcessingOverrides(record.limits)) continue;
      bool bad_zone = false;
      by_merchant_[name] = std::make_shared<const engine::MerchantSettings>(
          ProcessingSettingsOf(*defaults_, record.limits, &bad_zone));
      if (bad_zone) {
        Log(LogLevel::kWarn, "a merchant's time zone is unknown here; using the default")
            .Kv("merchant", name)
            .Kv("time_zone", *record.limits.time_zone)
            .Kv("default", defaults_->time_zone);
      }
    }
    built_generation_ = tables->generation;
  }

  const TenantStore* const store_;
  const std::shared_ptr<const engine::MerchantSettings> defaults_;
  absl::Mutex mu_;
  uint64_t built_generation_ ABSL_GUARDED_BY(mu_) = 0;  // 0 = not built (tables start at 1)
  absl::flat_hash_map<std::string, std::shared_ptr<const engine::MerchantSettings>> by_merchant_
      ABSL_GUARDED_BY(mu_);
};

namespace {

constexpr char kFileName[] = "tenants.json";
constexpr char kLockName[] = "tenants.lock";
constexpr size_t kMaxPasswordLength = 1024;

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string NewSecretText() {  // passwords and API tokens: 24 random bytes, base64url
  return absl::WebSafeBase64Escape(scram_internal::RandomBytes(24));
}

std::string NewWriteKey() {
  return absl::StrCat("wk_", absl::BytesToHexString(scram_internal::RandomBytes(20)));
}

// Passwords are printable ASCII: for those, SASLprep (which clients such as libpq apply
// before SCRAM) changes nothing, so the secret made from the bytes is the one clients use.
absl::Status ValidatePassword(std::string_view password, std::string_view what) {
  if (password.empty() || password.size() > kMaxPasswordLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(what), " must be 1-", kMaxPasswordLength, " characters"));
  }
  for (char c : password) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(AsAbsl(what), " must be printable ASCII characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateMerchantName(const std::string& merchant, const std::string& admin_user) {
  if (!tenants_file::IsValidMerchantName(merchant)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid merchant name \"", absl::CHexEscape(merchant),
                     "\": must be 1-64 characters of [A-Za-z0-9_.-], not \".\" or \"..\""));
  }
  if (merchant == admin_user) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", merchant, "\" is the admin user's name, not a merchant name"));
  }
  return absl::OkStatus();
}

absl::Status UnknownMerchant(const std::string& merchant) {
  return absl::NotFoundError(absl::StrCat("no merchant \"", absl::CHexEscape(merchant), "\""));
}

// The pid recorded in the lock file by its holder, or "unknown".
std::string LockHolder(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  int pid = 0;
  if (n > 0 && absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::string_view(buf, n)), &pid)) {
    return absl::StrCat("pid ", pid);
  }
  return "pid unknown";
}

absl::StatusOr<int> LockStore(const std::string& dir) {
  std::string path = storage::JoinPath(dir, kLockName);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder = LockHolder(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return absl::InternalError(absl::StrCat("flock ", path, ": ", std::strerror(err)));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "the tenant store of ", dir, " is in use by another Strata process (", holder,
        "), such as a running `strata serve`; manage merchants through that server instead: "
        "strata admin merchant ... --server http://HOST:PORT --user ADMIN --admin-password ..."));
  }
  // Only a hint for the message above, so a failure to write it is ignored.
  std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return fd;
}

MerchantInfo InfoOf(const MerchantRecord& r) {
  return MerchantInfo{r.merchant, r.write_key, r.created_us, r.limits};
}

Principal MerchantPrincipal(const MerchantRecord& r) {
  return Principal{r.merchant, /*admin=*/false, r.merchant, r.limits};
}

}  // namespace

TenantStore::TenantStore(TenantStoreOptions options) : options_(std::move(options)) {}

TenantStore::~TenantStore() {
  if (lock_fd_ >= 0) {
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
  }
}

absl::StatusOr<std::unique_ptr<TenantStore>> TenantStore::Open(const std::string& data_dir,
                                                               const TenantStoreOptions& options) {
  if (options.admin_user.empty()) return absl::InvalidArgumentError("the admin user is empty");
  RETURN_IF_ERROR(ValidatePassword(options.admin_password, "the admin password"));
  if (!options.admin_token.empty()) {
    RETURN_IF_ERROR(ValidatePassword(options.admin_token, "the admin token"));
  }
  RETURN_IF_ERROR(storage::CreateDirs(data_dir));
  std::unique_ptr<TenantStore> store(new TenantStore(options));
  store->dir_ = data_dir;
  ASSIGN_OR_RETURN(store->lock_fd_, LockStore(data_dir));
  RETURN_IF_ERROR(store->Load());
  store->admin_secret_ = MakeScramSecret(options.admin_password);
  if (!options.admin_token.empty()) {
    store->admin_token_sha256_ = scram_internal::Sha256(options.admin_token);
  }
  store->unknown_user_secret_ = MakeScramSecret(scram_internal::RandomBytes(16));
  store->cache_key_ = scram_internal::RandomBytes(32);
  return store;
}

absl::Status TenantStore::Load() {
  std::string path = storage::JoinPath(dir_, kFileName);
  auto tables = std::make_shared<Tables>();
  if (!storage::FileExists(path)) {
    RETURN_IF_ERROR(storage::WriteFileAtomic(path, tenants_file::Encode({})));
  } else {
    ASSIGN_OR_RETURN(std::string bytes, storage::ReadFileToString(path));
    ASSIGN_OR_RETURN(std::vector<MerchantRecord> records, tenants_file::Decode(bytes, path));
    for (MerchantRecord& r : records) {
      if (r.merchant == options_.admin_user) {
        return absl::InvalidArgumentError(absl::StrCat("the admin user \"", options_.admin_user,
                                                       "\" is also the name of a merchant in ",
                                                       path, "; choose another auth.admin_user"));
      }
      tables->Put(std::move(r));
    }
  }
  absl::MutexLock lock(&mu_);
  tables_ = std::move(tables);
  return absl::OkStatus();
}

std::shared_ptr<const TenantStore::Tables> TenantStore::tables() const {
  absl::ReaderMutexLock lock(&mu_);
  return tables_;
}

absl::Status TenantStore::Update(const std::function<absl::Status(Tables&)>& change) {
  absl::MutexLock update(&update_mu_);
  auto next = std::make_shared<Tables>(*tables());
  ++next->generation;
  RETURN_IF_ERROR(change(*next));
  std::vector<const MerchantRecord*> sorted;
  sorted.reserve(next->merchants.size());
  for (const auto& [name, record] : next->merchants) sorted.push_back(&record);
  std::sort(sorted.begin(), sorted.end(), [](const MerchantRecord* a, const MerchantRecord* b) {
    return a->merchant < b->merchant;
  });
  RETURN_IF_ERROR(
      storage::WriteFileAtomic(storage::JoinPath(dir_, kFileName), tenants_file::Encode(sorted)));
  absl::MutexLock lock(&mu_);
  tables_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<Credentials> TenantStore::AddMerchant(const std::string& merchant,
                                                     const std::string& password,
                                                     const MerchantLimits& limits) {
  RETURN_IF_ERROR(ValidateMerchantName(merchant, options_.admin_user));
  if (!password.empty()) RETURN_IF_ERROR(ValidatePassword(password, "the password"));
  RETURN_IF_ERROR(ValidateLimits(limits));
  Credentials creds;
  creds.merchant = merchant;
  creds.password = password.empty() ? NewSecretText() : password;
  creds.api_token = NewSecretText();
  // Secrets are made before taking the update lock: PBKDF2 is the slow part.
  ScramSecret secret = MakeScramSecret(creds.password);
  RETURN_IF_ERROR(Update([&](Tables& t) {
    if (t.merchants.contains(merchant)) {
      return absl::AlreadyExistsError(absl::StrCat("merchant \"", merchant, "\" already exists"));
    }
    do {
      creds.write_key = NewWriteKey();
    } while (t.write_keys.contains(creds.write_key));
    MerchantRecord r;
    r.merchant = merchant;
    r.created_us = absl::ToUnixMicros(absl::Now());
    r.secret = secret;
    r.write_key = creds.write_key;
    r.api_token_sha256 = scram_internal::Sha256(creds.api_token);
    r.limits = limits;
    t.Put(std::move(r));
    return absl::OkStatus();
  }));
  return creds;
}

absl::StatusOr<Credentials> TenantStore::RotateWriteKey(const std::string& merchant) {
  Credentials creds;
  creds.merchant = merchant;
  RETURN_IF_ERROR(Update([&](Tables& t) {
    auto it = t.merchants.find(merchant);
    if (it == t.merchants.end()) return UnknownMerchant(merchant);
    do {
      creds.write_key = NewWriteKey();
    } while (t.write_keys.contains(creds.write_key));
    MerchantRecord r = it->second;
    r.write_key = creds.write_key;
    t.Put(std::move(r));
    return absl::OkStatus();
  }));
  return creds;
}

absl::StatusOr<Credentials> TenantStore::RotatePassword(const std::string& merchant,
                                                        const std::string& password) {
  if (!password.empty()) RETURN_IF_ERROR(ValidatePassword(password, "the password"));
  Credentials creds;
  creds.merchant = merchant;
  creds.password = password.empty() ? NewSecretText() : password;
  ScramSecret secret = MakeScramSecret(creds.password);
  RETURN_IF_ERROR(Update([&](Tables& t) {
    auto it = t.merchants.find(merchant);
    if (it == t.merchants.end()) return UnknownMerchant(merchant);
    it->second.secret = secret;
    return absl::OkStatus();
  }));
  return creds;
}

absl::StatusOr<Credentials> TenantStore::RotateApiToken(const std::string& merchant) {
  Credentials creds;
  creds.merchant = merchant;
  creds.api_token = NewSecretText();
  RETURN_IF_ERROR(Update([&](Tables& t) {
    auto it = t.merchants.find(merchant);
    if (it == t.merchants.end()) return UnknownMerchant(merchant);
    MerchantRecord r = it->second;
    r.api_token_sha256 = scram_internal::Sha256(creds.api_token);
    t.Put(std::move(r));
    return absl::OkStatus();
  }));
  return creds;
}

absl::Status TenantStore::SetLimits(const std::string& merchant, const MerchantLimits& limits) {
  RETURN_IF_ERROR(ValidateLimits(limits));
  return Update([&](Tables& t) {
    auto it = t.merchants.find(merchant);
    if (it == t.merchants.end()) return UnknownMerchant(merchant);
    it->second.limits = limits;
    return absl::OkStatus();
  });
}

absl::StatusOr<MerchantLimits> TenantStore::ChangeLimits(const std::string& merchant,
                                                         const LimitsChange& change) {
  // The new values are checked here, outside the update lock (loading a time zone reads
  // tzdata); the merged result only for its names, as a stored zone is not re-loaded.
  RETURN_IF_ERROR(ValidateLimits(change.set));
  MerchantLimits result;
  absl::Status status = Update([&](Tables& t) {
    auto it = t.merchants.find(merchant);
    if (it == t.merchants.end()) return UnknownMerchant(merchant);
    MerchantLimits limits = it->second.limits;
    RETURN_IF_ERROR(ApplyLimitsChange(change, &limits));
    RETURN_IF_ERROR(ValidateLimits(limits, ZoneCheck::kNameOnly));
    it->second.limits = limits;
    result = std::move(limits);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status TenantStore::RemoveMerchant(const std::string& merchant) {
  RETURN_IF_ERROR(Update([&](Tables& t) {
    if (!t.merchants.contains(merchant)) return UnknownMerchant(merchant);
    t.Erase(merchant);
    return absl::OkStatus();
  }));
  absl::MutexLock lock(&cache_mu_);
  password_cache_.erase(merchant);
  return absl::OkStatus();
}

engine::MerchantSettingsProvider TenantStore::ProcessingSettings(
    const engine::MerchantSettings& defaults) const {
  auto cache = std::make_shared<SettingsCache>(this, defaults);
  return [cache](std::string_view merchant) { return cache->Get(merchant); };
}

std::vector<MerchantInfo> TenantStore::List() const {
  std::shared_ptr<const Tables> t = tables();
  std::vector<MerchantInfo> out;
  out.reserve(t->merchants.size());
  for (const auto& [name, record] : t->merchants) out.push_back(InfoOf(record));
  std::sort(out.begin(), out.end(),
            [](const MerchantInfo& a, const MerchantInfo& b) { return a.merchant < b.merchant; });
  return out;
}

std::optional<TenantStore::UserEntry> TenantStore::FindUser(std::string_view user) const {
  if (user == options_.admin_user) {
    return UserEntry{Principal{options_.admin_user, /*admin=*/true, "", {}}, admin_secret_};
  }
  std::shared_ptr<const Tables> t = tables();
  auto it = t->merchants.find(AsAbsl(user));
  if (it == t->merchants.end()) return std::nullopt;
  return UserEntry{MerchantPrincipal(it->second), it->second.secret};
}

std::optional<std::string> TenantStore::MerchantForWriteKey(std::string_view write_key) const {
  std::shared_ptr<const Tables> t = tables();
  auto it = t->write_keys.find(AsAbsl(write_key));
  if (it == t->write_keys.end()) return std::nullopt;
  return it->second;
}

std::optional<Principal> TenantStore::AuthenticateToken(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  std::string digest = scram_internal::Sha256(token);
  if (!admin_token_sha256_.empty() && ConstantTimeEqual(digest, admin_token_sha256_)) {
    return Principal{options_.admin_user, /*admin=*/true, "", {}};
  }
  std::shared_ptr<const Tables> t = tables();
  auto it = t->tokens.find(digest);
  if (it == t->tokens.end()) return std::nullopt;
  auto merchant = t->merchants.find(it->second);
  if (merchant == t->merchants.end()) return std::nullopt;
  return MerchantPrincipal(merchant->second);
}

std::optional<Principal> TenantStore::AuthenticatePassword(std::string_view user,
                                                           std::string_view password) const {
  std::optional<UserEntry> entry = FindUser(user);
  if (!entry) {
    // The same PBKDF2 work as for a known user, so timing does not reveal unknown users.
    VerifyScramPassword(unknown_user_secret_, password);
    return std::nullopt;
  }
  // The digest covers StoredKey, so a rotated password never matches an old entry.
  std::string digest = scram_internal::HmacSha256(
      cache_key_, absl::StrCat(entry->secret.stored_key, AsAbsl(password)));
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = password_cache_.find(AsAbsl(user));
    if (it != password_cache_.end() && ConstantTimeEqual(it->second, digest)) {
      return std::move(entry->principal);
    }
  }
  if (!VerifyScramPassword(entry->secret, password)) return std::nullopt;
  absl::MutexLock lock(&cache_mu_);
  password_cache_[AsAbsl(user)] = std::move(digest);
  return std::move(entry->principal);
}

}  // namespace strata::server::auth
