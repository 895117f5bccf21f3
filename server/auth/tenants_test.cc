#include "server/auth/tenants.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/crc32c.h"
#include "common/temp_dir.h"
#include "server/auth/tenants_file.h"
#include "storage/file.h"

namespace strata::server::auth {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<TenantStore> OpenStore(const std::string& dir,
                                       const TenantStoreOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<TenantStore>> store = TenantStore::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

MerchantLimits Limits(std::optional<int> max_connections,
                      std::optional<int64_t> statement_timeout_ms = std::nullopt,
                      std::optional<int64_t> memory_limit_mb = std::nullopt) {
  MerchantLimits limits;
  limits.max_connections = max_connections;
  limits.statement_timeout_ms = statement_timeout_ms;
  limits.memory_limit_mb = memory_limit_mb;
  return limits;
}

TenantStoreOptions Admin(std::string user, std::string password, std::string token = "") {
  TenantStoreOptions options;
  options.admin_user = std::move(user);
  options.admin_password = std::move(password);
  options.admin_token = std::move(token);
  return options;
}

// Logs in over SCRAM as a PG client would.
bool ScramLogin(const TenantStore& store, const std::string& user, const std::string& password) {
  std::optional<TenantStore::UserEntry> entry = store.FindUser(user);
  ScramExchange server(entry ? &entry->secret : nullptr);
  ScramClient client(password);
  absl::StatusOr<std::string> first = server.HandleClientFirst(client.ClientFirst());
  if (!first.ok()) return false;
  absl::StatusOr<std::string> final_message = client.ClientFinal(*first);
  if (!final_message.ok()) return false;
  absl::StatusOr<std::string> server_final = server.HandleClientFinal(*final_message);
  return server_final.ok() && client.VerifyServerFinal(*server_final).ok();
}

TEST(TenantStoreTest, AddGivesWorkingCredentials) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> creds = store->AddMerchant("shop-1");
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->merchant, "shop-1");
  EXPECT_EQ(creds->password.size(), 32u);  // 24 bytes in base64url
  EXPECT_EQ(creds->api_token.size(), 32u);
  EXPECT_EQ(creds->write_key.size(), 43u);  // "wk_" + 40 hex digits
  EXPECT_EQ(creds->write_key.rfind("wk_", 0), 0u);
  EXPECT_EQ(creds->password.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);

  EXPECT_EQ(store->MerchantForWriteKey(creds->write_key), "shop-1");
  EXPECT_FALSE(store->MerchantForWriteKey("wk_nope").has_value());

  std::optional<Principal> by_password = store->AuthenticatePassword("shop-1", creds->password);
  ASSERT_TRUE(by_password.has_value());
  EXPECT_FALSE(by_password->admin);
  EXPECT_EQ(by_password->merchant, "shop-1");
  EXPECT_EQ(by_password->user, "shop-1");
  EXPECT_FALSE(store->AuthenticatePassword("shop-1", creds->password + "x").has_value());

  std::optional<Principal> by_token = store->AuthenticateToken(creds->api_token);
  ASSERT_TRUE(by_token.has_value());
  EXPECT_EQ(by_token->merchant, "shop-1");
  EXPECT_FALSE(by_token->admin);
  EXPECT_FALSE(store->AuthenticateToken(creds->password).has_value());
  EXPECT_FALSE(store->AuthenticateToken("").has_value());

  EXPECT_TRUE(ScramLogin(*store, "shop-1", creds->password));
  EXPECT_FALSE(ScramLogin(*store, "shop-1", "guess"));
}

TEST(TenantStoreTest, GivenPasswordAndDistinctCredentials) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> a = store->AddMerchant("a", "pass word!");
  absl::StatusOr<Credentials> b = store->AddMerchant("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->password, "pass word!");
  EXPECT_NE(a->write_key, b->write_key);
  EXPECT_NE(a->api_token, b->api_token);
  EXPECT_TRUE(store->AuthenticatePassword("a", "pass word!").has_value());
  EXPECT_FALSE(store->AuthenticatePassword("b", "pass word!").has_value());
  EXPECT_EQ(store->AuthenticateToken(b->api_token)->merchant, "b");
}

TEST(TenantStoreTest, AddErrors) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->AddMerchant("m1").ok());
  EXPECT_EQ(store->AddMerchant("m1").status().code(), absl::StatusCode::kAlreadyExists);
  for (const std::string& bad :
       {std::string(""), std::string(65, 'a'), std::string("has space"), std::string("a/b"),
        std::string("caf\xc3\xa9"), std::string("x\0y", 3), std::string("quote\""),
        std::string("."), std::string("..")}) {
    absl::Status status = store->AddMerchant(bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("[A-Za-z0-9_.-]"));
  }
  EXPECT_TRUE(store->AddMerchant(std::string(64, 'z')).ok());
  EXPECT_TRUE(store->AddMerchant("A.b_c-9").ok());
  EXPECT_EQ(store->AddMerchant("strata").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->AddMerchant("m2", "caf\xc3\xa9").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->AddMerchant("m2", "tab\there").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->AddMerchant("m2", std::string(1025, 'p')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->List().size(), 3u);  // the failures left nothing behind
}

TEST(TenantStoreTest, ListIsSortedAndHasNoSecrets) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t before = absl::ToUnixMicros(absl::Now());
  absl::StatusOr<Credentials> c = store->AddMerchant("c");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(store->AddMerchant("a").ok());
  ASSERT_TRUE(store->AddMerchant("b", "", Limits(3)).ok());
  std::vector<MerchantInfo> list = store->List();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].merchant, "a");
  EXPECT_EQ(list[1].merchant, "b");
  EXPECT_EQ(list[2].merchant, "c");
  EXPECT_EQ(list[2].write_key, c->write_key);
  EXPECT_GE(list[2].created_us, before);
  EXPECT_LE(list[2].created_us, absl::ToUnixMicros(absl::Now()));
  EXPECT_EQ(list[1].limits.max_connections, 3);
  EXPECT_FALSE(list[0].limits.max_connections.has_value());
}

TEST(TenantStoreTest, RotateWriteKey) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> old_creds = store->AddMerchant("m");
  ASSERT_TRUE(old_creds.ok());
  absl::StatusOr<Credentials> rotated = store->RotateWriteKey("m");
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_TRUE(rotated->password.empty());
  EXPECT_TRUE(rotated->api_token.empty());
  EXPECT_NE(rotated->write_key, old_creds->write_key);
  EXPECT_FALSE(store->MerchantForWriteKey(old_creds->write_key).has_value());
  EXPECT_EQ(store->MerchantForWriteKey(rotated->write_key), "m");
  // The rest is untouched.
  EXPECT_TRUE(store->AuthenticatePassword("m", old_creds->password).has_value());
  EXPECT_TRUE(store->AuthenticateToken(old_creds->api_token).has_value());
  EXPECT_EQ(store->List()[0].write_key, rotated->write_key);
  EXPECT_EQ(store->RotateWriteKey("nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST(TenantStoreTest, RotatePasswordDefeatsTheCache) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> old_creds = store->AddMerchant("m");
  ASSERT_TRUE(old_creds.ok());
  ASSERT_TRUE(store->AuthenticatePassword("m", old_creds->password).has_value());  // cached
  absl::StatusOr<Credentials> rotated = store->RotatePassword("m");
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->password, old_creds->password);
  EXPECT_TRUE(rotated->write_key.empty());
  EXPECT_FALSE(store->AuthenticatePassword("m", old_creds->password).has_value());
  EXPECT_FALSE(ScramLogin(*store, "m", old_creds->password));
  EXPECT_TRUE(store->AuthenticatePassword("m", rotated->password).has_value());
  EXPECT_TRUE(ScramLogin(*store, "m", rotated->password));

  absl::StatusOr<Credentials> chosen = store->RotatePassword("m", "chosen one");
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->password, "chosen one");
  EXPECT_TRUE(store->AuthenticatePassword("m", "chosen one").has_value());
  EXPECT_FALSE(store->AuthenticatePassword("m", rotated->password).has_value());
  EXPECT_EQ(store->RotatePassword("m", "\x01").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->RotatePassword("x").status().code(), absl::StatusCode::kNotFound);
}

TEST(TenantStoreTest, RotateApiToken) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> old_creds = store->AddMerchant("m");
  ASSERT_TRUE(old_creds.ok());
  absl::StatusOr<Credentials> rotated = store->RotateApiToken("m");
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->api_token, old_creds->api_token);
  EXPECT_FALSE(store->AuthenticateToken(old_creds->api_token).has_value());
  EXPECT_EQ(store->AuthenticateToken(rotated->api_token)->merchant, "m");
  EXPECT_EQ(store->MerchantForWriteKey(old_creds->write_key), "m");
  EXPECT_EQ(store->RotateApiToken("x").status().code(), absl::StatusCode::kNotFound);
}

TEST(TenantStoreTest, Remove) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> creds = store->AddMerchant("m");
  ASSERT_TRUE(creds.ok());
  ASSERT_TRUE(store->AddMerchant("keep").ok());
  ASSERT_TRUE(store->AuthenticatePassword("m", creds->password).has_value());
  ASSERT_TRUE(store->RemoveMerchant("m").ok());
  EXPECT_FALSE(store->FindUser("m").has_value());
  EXPECT_FALSE(store->MerchantForWriteKey(creds->write_key).has_value());
  EXPECT_FALSE(store->AuthenticateToken(creds->api_token).has_value());
  EXPECT_FALSE(store->AuthenticatePassword("m", creds->password).has_value());
  EXPECT_EQ(store->RemoveMerchant("m").code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(store->List().size(), 1u);
  // The name can be used again, with new credentials.
  absl::StatusOr<Credentials> again = store->AddMerchant("m");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(store->AuthenticatePassword("m", creds->password).has_value());
}

TEST(TenantStoreTest, Limits) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  MerchantLimits limits = Limits(5, 1500, 256);
  absl::StatusOr<Credentials> creds = store->AddMerchant("m", "pw", limits);
  ASSERT_TRUE(creds.ok());
  std::optional<TenantStore::UserEntry> user = store->FindUser("m");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->principal.limits.max_connections, 5);
  EXPECT_EQ(user->principal.limits.statement_timeout_ms, 1500);
  EXPECT_EQ(user->principal.limits.memory_limit_mb, 256);
  EXPECT_EQ(store->AuthenticateToken(creds->api_token)->limits.memory_limit_mb, 256);

  ASSERT_TRUE(store->SetLimits("m", Limits(std::nullopt, 0)).ok());
  user = store->FindUser("m");
  EXPECT_FALSE(user->principal.limits.max_connections.has_value());
  EXPECT_EQ(user->principal.limits.statement_timeout_ms, 0);
  EXPECT_EQ(store->SetLimits("nobody", {}).code(), absl::StatusCode::kNotFound);

  for (const MerchantLimits& bad :
       {Limits(0), Limits(-3), Limits(std::nullopt, -1), Limits(std::nullopt, std::nullopt, 0)}) {
    EXPECT_EQ(store->SetLimits("m", bad).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(store->AddMerchant("n", "", bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(TenantStoreTest, PersistsAcrossReopen) {
  TempDir dir;
  Credentials a, b;
  {
    auto store = OpenStore(dir.path());
    a = *store->AddMerchant("a", "", Limits(7));
    b = *store->AddMerchant("b", "b's password");
    ASSERT_TRUE(store->AddMerchant("gone").ok());
    ASSERT_TRUE(store->RemoveMerchant("gone").ok());
    b.write_key = store->RotateWriteKey("b")->write_key;
  }
  auto store = OpenStore(dir.path());
  std::vector<MerchantInfo> list = store->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].limits.max_connections, 7);
  EXPECT_EQ(store->MerchantForWriteKey(a.write_key), "a");
  EXPECT_EQ(store->MerchantForWriteKey(b.write_key), "b");
  EXPECT_TRUE(store->AuthenticatePassword("a", a.password).has_value());
  EXPECT_TRUE(store->AuthenticatePassword("b", "b's password").has_value());
  EXPECT_EQ(store->AuthenticateToken(a.api_token)->merchant, "a");
  EXPECT_TRUE(ScramLogin(*store, "b", "b's password"));
  EXPECT_FALSE(store->FindUser("gone").has_value());
}

MerchantLimits ProcessingLimits(int64_t timeout_minutes, std::string zone,
                                std::vector<std::string> events) {
  MerchantLimits limits;
  limits.session_timeout_minutes = timeout_minutes;
  limits.time_zone = std::move(zone);
  limits.conversion_events = std::move(events);
  return limits;
}

TEST(TenantStoreTest, ProcessingSettingsPersist) {
  TempDir dir;
  const std::string path = dir.File("tenants.json");
  {
    auto store = OpenStore(dir.path());
    ASSERT_TRUE(store->AddMerchant("plain", "", Limits(3)).ok());
    // Without processing settings the file stays readable by older releases.
    EXPECT_THAT(*storage::ReadFileToString(path), ::testing::StartsWith("{\"version\":1,"));
    ASSERT_TRUE(
        store->AddMerchant("shop", "", ProcessingLimits(45, "Europe/Paris", {"purchase", "signup"}))
            .ok());
    EXPECT_THAT(*storage::ReadFileToString(path), ::testing::StartsWith("{\"version\":2,"));
    EXPECT_THAT(*storage::ReadFileToString(path),
                HasSubstr(R"("limits":{"session_timeout_minutes":45,"time_zone":"Europe/Paris",)"
                          R"("conversion_events":["purchase","signup"]})"));
  }
  auto store = OpenStore(dir.path());
  std::vector<MerchantInfo> list = store->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].limits.max_connections, 3);
  EXPECT_FALSE(list[0].limits.time_zone.has_value());
  EXPECT_EQ(list[1].limits.session_timeout_minutes, 45);
  EXPECT_EQ(list[1].limits.time_zone, "Europe/Paris");
  EXPECT_EQ(list[1].limits.conversion_events, (std::vector<std::string>{"purchase", "signup"}));
  EXPECT_EQ(store->FindUser("shop")->principal.limits.time_zone, "Europe/Paris");

  // Removing the last processing settings writes version 1 again.
  ASSERT_TRUE(store->SetLimits("shop", {}).ok());
  EXPECT_THAT(*storage::ReadFileToString(path), ::testing::StartsWith("{\"version\":1,"));
}

TEST(TenantStoreTest, ProcessingSettingsAreValidated) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  for (const MerchantLimits& bad :
       {ProcessingLimits(0, "UTC", {"purchase"}), ProcessingLimits(10081, "UTC", {"purchase"}),
        ProcessingLimits(30, "Atlantis/Capital", {"purchase"}), ProcessingLimits(30, "UTC", {}),
        ProcessingLimits(30, "UTC", {std::string(65, 'x')})}) {
    EXPECT_EQ(store->AddMerchant("m", "", bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(store->List().empty());
  ASSERT_TRUE(store->AddMerchant("m").ok());
  EXPECT_EQ(store->SetLimits("m", ProcessingLimits(30, "Atlantis/Capital", {"x"})).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TenantStoreTest, ChangeLimits) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  MerchantLimits initial = ProcessingLimits(45, "Europe/Paris", {"purchase"});
  initial.max_connections = 4;
  ASSERT_TRUE(store->AddMerchant("m", "", initial).ok());

  LimitsChange change;
  change.set.time_zone = "Asia/Tokyo";
  change.set.memory_limit_mb = 64;
  change.reset = {"max_connections", "session_timeout_minutes"};
  absl::StatusOr<MerchantLimits> changed = store->ChangeLimits("m", change);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->time_zone, "Asia/Tokyo");
  EXPECT_EQ(changed->memory_limit_mb, 64);
  EXPECT_FALSE(changed->max_connections.has_value());
  EXPECT_FALSE(changed->session_timeout_minutes.has_value());
  EXPECT_EQ(changed->conversion_events, std::vector<std::string>{"purchase"});
  EXPECT_EQ(store->List()[0].limits.time_zone, "Asia/Tokyo");

  EXPECT_EQ(store->ChangeLimits("nobody", change).status().code(), absl::StatusCode::kNotFound);
  LimitsChange bad;
  bad.set.session_timeout_minutes = 0;
  EXPECT_EQ(store->ChangeLimits("m", bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad = LimitsChange();
  bad.reset = {"colour"};
  EXPECT_EQ(store->ChangeLimits("m", bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad = LimitsChange();
  bad.set.time_zone = "Atlantis/Capital";
  EXPECT_EQ(store->ChangeLimits("m", bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->List()[0].limits.time_zone, "Asia/Tokyo");  // refused changes change nothing
}

TEST(TenantStoreTest, ProcessingSettingsProvider) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->AddMerchant("plain", "", Limits(2)).ok());
  ASSERT_TRUE(store->AddMerchant("shop", "", ProcessingLimits(45, "Asia/Tokyo", {"signup"})).ok());
  MerchantLimits zone_only;
  zone_only.time_zone = "America/New_York";
  ASSERT_TRUE(store->AddMerchant("ny", "", zone_only).ok());

  engine::MerchantSettings defaults;
  defaults.session_timeout_us = 20 * engine::kMicrosPerMinute;
  defaults.conversion_events = {"purchase", "order"};
  defaults.time_zone = "Europe/Berlin";
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &defaults.zone));
  engine::MerchantSettingsProvider provider = store->ProcessingSettings(defaults);

  std::shared_ptr<const engine::MerchantSettings> unknown = provider("nobody");
  EXPECT_EQ(unknown->session_timeout_us, 20 * engine::kMicrosPerMinute);
  EXPECT_EQ(unknown->time_zone, "Europe/Berlin");
  EXPECT_TRUE(unknown->IsConversion("order"));
  EXPECT_EQ(provider("plain"), unknown);  // no processing overrides: the shared defaults

  std::shared_ptr<const engine::MerchantSettings> shop = provider("shop");
  EXPECT_EQ(shop->session_timeout_us, 45 * engine::kMicrosPerMinute);
  EXPECT_EQ(shop->time_zone, "Asia/Tokyo");
  EXPECT_EQ(absl::ToCivilHour(absl::FromUnixSeconds(0), shop->zone),
            absl::CivilHour(1970, 1, 1, 9));
  EXPECT_TRUE(shop->IsConversion("signup"));
  EXPECT_FALSE(shop->IsConversion("purchase"));
  EXPECT_EQ(provider("shop"), shop);  // cached: the same object until the tables change

  std::shared_ptr<const engine::MerchantSettings> ny = provider("ny");
  EXPECT_EQ(ny->time_zone, "America/New_York");
  EXPECT_EQ(ny->session_timeout_us, 20 * engine::kMicrosPerMinute);  // the rest: defaults
  EXPECT_TRUE(ny->IsConversion("order"));

  // Changes are visible from the next call.
  ASSERT_TRUE(store->SetLimits("plain", ProcessingLimits(5, "UTC", {"lead"})).ok());
  EXPECT_EQ(provider("plain")->session_timeout_us, 5 * engine::kMicrosPerMinute);
  EXPECT_TRUE(provider("plain")->IsConversion("lead"));
  LimitsChange change;
  change.set.conversion_events = std::vector<std::string>{"checkout"};
  ASSERT_TRUE(store->ChangeLimits("shop", change).ok());
  EXPECT_TRUE(provider("shop")->IsConversion("checkout"));
  EXPECT_EQ(provider("shop")->time_zone, "Asia/Tokyo");
  EXPECT_EQ(shop->conversion_events, std::vector<std::string>{"signup"});  // old copy intact
  ASSERT_TRUE(store->SetLimits("ny", {}).ok());
  EXPECT_EQ(provider("ny")->time_zone, "Europe/Berlin");
  ASSERT_TRUE(store->RemoveMerchant("shop").ok());
  EXPECT_EQ(provider("shop")->time_zone, "Europe/Berlin");

  // Each provider has its own defaults.
  engine::MerchantSettingsProvider other = store->ProcessingSettings(engine::MerchantSettings());
  EXPECT_EQ(other("nobody")->time_zone, "UTC");
  EXPECT_EQ(other("plain")->time_zone, "UTC");
  EXPECT_TRUE(other("plain")->IsConversion("lead"));
}

TEST(TenantStoreTest, ProcessingSettingsProviderUnderConcurrentChanges) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->AddMerchant("m", "", ProcessingLimits(1, "UTC", {"e"})).ok());
  engine::MerchantSettingsProvider provider = store->ProcessingSettings(engine::MerchantSettings());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!stop.load()) {
        int64_t timeout = provider("m")->session_timeout_us / engine::kMicrosPerMinute;
        // Values only rise (each change raises the timeout), and "other" has the defaults.
        if (timeout < last ||
            provider("other")->session_timeout_us != 30 * engine::kMicrosPerMinute) {
          failures.fetch_add(1);
        }
        last = timeout;
        calls.fetch_add(1);
      }
    });
  }
  for (int i = 2; i <= 30; ++i) {
    ASSERT_TRUE(store->SetLimits("m", ProcessingLimits(i, "UTC", {"e"})).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(provider("m")->session_timeout_us, 30 * engine::kMicrosPerMinute);
}

TEST(TenantStoreTest, FileHoldsNoCleartextSecrets) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> creds = store->AddMerchant("m", "visible?");
  ASSERT_TRUE(creds.ok());
  absl::StatusOr<std::string> bytes = storage::ReadFileToString(dir.File("tenants.json"));
  ASSERT_TRUE(bytes.ok());
  EXPECT_THAT(*bytes, HasSubstr("SCRAM-SHA-256$4096:"));
  EXPECT_THAT(*bytes, HasSubstr(creds->write_key));  // not a secret
  EXPECT_EQ(bytes->find("visible?"), std::string::npos);
  EXPECT_EQ(bytes->find(creds->api_token), std::string::npos);
  EXPECT_FALSE(storage::FileExists(dir.File("tenants.json.tmp")));
}

TEST(TenantStoreTest, EmptyStoreIsCreatedAtOpen) {
  TempDir dir;
  std::string sub = dir.File("new/data");
  auto store = OpenStore(sub);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(storage::FileExists(sub + "/tenants.json"));
  EXPECT_TRUE(store->List().empty());
}

TEST(TenantStoreTest, DamagedFileIsDataLoss) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    ASSERT_TRUE(store->AddMerchant("m1").ok());
    ASSERT_TRUE(store->AddMerchant("m2").ok());
  }
  const std::string path = dir.File("tenants.json");
  absl::StatusOr<std::string> good = storage::ReadFileToString(path);
  ASSERT_TRUE(good.ok());
  auto overwrite = [&](const std::string& bytes) {  // no fsync: only this process reads it
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  };
  // Flip one bit at a spread of offsets (content and checksum line alike), then truncate.
  for (size_t offset = 0; offset < good->size(); offset += 7) {
    std::string bad = *good;
    bad[offset] ^= 0x04;
    overwrite(bad);
    absl::Status status = TenantStore::Open(dir.path(), {}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "offset " << offset << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr("tenants.json"));
  }
  for (size_t keep : {size_t{0}, good->size() / 2, good->size() - 1}) {
    overwrite(good->substr(0, keep));
    EXPECT_EQ(TenantStore::Open(dir.path(), {}).status().code(), absl::StatusCode::kDataLoss)
        << keep;
  }
  ASSERT_TRUE(storage::WriteFileAtomic(path, *good).ok());
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->List().size(), 2u);
}

// A file with a valid checksum but content that breaks the rules is still refused.
TEST(TenantStoreTest, ValidChecksumBadContentIsDataLoss) {
  TempDir dir;
  auto write = [&](const std::string& json) {
    std::string bytes = json + absl::StrFormat("crc32c %08x\n", crc32c::Value(json));
    ASSERT_TRUE(storage::WriteFileAtomic(dir.File("tenants.json"), bytes).ok());
  };
  const std::string secret = FormatScramSecret(MakeScramSecret("x", 1));
  const std::string token(64, 'a');
  auto record = [&](const std::string& name, const std::string& key) {
    return absl::StrCat("{\"merchant\":\"", name, "\",\"created_us\":1,\"password\":\"", secret,
                        "\",\"write_key\":\"", key, "\",\"api_token_sha256\":\"", token,
                        "\",\"limits\":{}}");
  };
  const std::vector<std::string> bad = {
      "not json\n",
      "[]\n",
      "{\"merchants\":[]}\n",
      absl::StrCat("{\"version\":1,\"merchants\":[", record("a b", "k"), "]}\n"),
      absl::StrCat("{\"version\":1,\"merchants\":[", record("a", "k"), ",", record("a", "j"),
                   "]}\n"),
      absl::StrCat("{\"version\":1,\"merchants\":[", record("a", "k"), ",", record("b", "k"),
                   "]}\n"),
      "{\"version\":1,\"merchants\":[{\"merchant\":\"a\"}]}\n",
      absl::StrCat("{\"version\":1,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"SCRAM", "MD5"}}), "]}\n"),
      absl::StrCat("{\"version\":1,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"{}", "{\"max_connections\":0}"}}),
                   "]}\n"),
      absl::StrCat("{\"version\":1,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"\"limits\"", "\"extra\""}}), "]}\n"),
      absl::StrCat(
          "{\"version\":2,\"merchants\":[",
          absl::StrReplaceAll(record("a", "k"), {{"{}", "{\"session_timeout_minutes\":0}"}}),
          "]}\n"),
      absl::StrCat("{\"version\":2,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"{}", "{\"time_zone\":\"../x\"}"}}),
                   "]}\n"),
      absl::StrCat("{\"version\":2,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"{}", "{\"conversion_events\":[]}"}}),
                   "]}\n"),
      absl::StrCat("{\"version\":2,\"merchants\":[",
                   absl::StrReplaceAll(record("a", "k"), {{"{}", "{\"time_zone\":null}"}}), "]}\n"),
  };
  for (const std::string& json : bad) {
    write(json);
    EXPECT_EQ(TenantStore::Open(dir.path(), {}).status().code(), absl::StatusCode::kDataLoss)
        << json;
  }
  write("{\"version\":3,\"merchants\":[]}\n");
  EXPECT_EQ(TenantStore::Open(dir.path(), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  write(absl::StrCat("{\"version\":1,\"merchants\":[", record("a", "k"), "]}\n"));
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->MerchantForWriteKey("k"), "a");
  EXPECT_TRUE(store->AuthenticatePassword("a", "x").has_value());
  store.reset();

  // A zone this machine's tzdata lacks does not make the store unreadable; the provider
  // falls back to the default zone.
  write(
      absl::StrCat("{\"version\":2,\"merchants\":[",
                   absl::StrReplaceAll(
                       record("a", "k"),
                       {{"{}", "{\"time_zone\":\"Nowhere/Gone\",\"session_timeout_minutes\":5}"}}),
                   "]}\n"));
  store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->List()[0].limits.time_zone, "Nowhere/Gone");
  std::shared_ptr<const engine::MerchantSettings> settings =
      store->ProcessingSettings(engine::MerchantSettings())("a");
  EXPECT_EQ(settings->time_zone, "UTC");
  EXPECT_EQ(settings->session_timeout_us, 5 * engine::kMicrosPerMinute);
}

TEST(TenantStoreTest, SecondOpenWhileLockedNamesThePid) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<std::unique_ptr<TenantStore>> second = TenantStore::Open(dir.path(), {});
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr(absl::StrCat("pid ", ::getpid())));
  EXPECT_THAT(second.status().message(), HasSubstr("--server"));
  store.reset();  // releases the lock
  EXPECT_TRUE(TenantStore::Open(dir.path(), {}).ok());
}

TEST(TenantStoreTest, LockIsHeldAgainstOtherProcesses) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<std::unique_ptr<TenantStore>> s = TenantStore::Open(dir.path(), {});
    ::_exit(s.status().code() == absl::StatusCode::kFailedPrecondition ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(TenantStoreTest, AdminUser) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->admin_user(), "strata");
  std::optional<TenantStore::UserEntry> admin = store->FindUser("strata");
  ASSERT_TRUE(admin.has_value());
  EXPECT_TRUE(admin->principal.admin);
  EXPECT_EQ(admin->principal.user, "strata");
  EXPECT_TRUE(admin->principal.merchant.empty());
  EXPECT_TRUE(VerifyScramPassword(admin->secret, "strata"));
  EXPECT_FALSE(VerifyScramPassword(admin->secret, "Strata"));
  EXPECT_TRUE(ScramLogin(*store, "strata", "strata"));
  std::optional<Principal> basic = store->AuthenticatePassword("strata", "strata");
  ASSERT_TRUE(basic.has_value());
  EXPECT_TRUE(basic->admin);
  EXPECT_FALSE(store->AuthenticatePassword("strata", "wrong").has_value());
  EXPECT_FALSE(store->AuthenticateToken("strata").has_value());  // no admin token configured
  EXPECT_FALSE(store->FindUser("nobody").has_value());
  EXPECT_FALSE(store->AuthenticatePassword("nobody", "strata").has_value());
}

TEST(TenantStoreTest, ConfiguredAdmin) {
  TempDir dir;
  TenantStoreOptions options{
      .admin_user = "root", .admin_password = "hunter2", .admin_token = "admin-token-123"};
  {
    auto store = OpenStore(dir.path(), options);
    EXPECT_FALSE(store->FindUser("strata").has_value());
    EXPECT_TRUE(store->AuthenticatePassword("root", "hunter2")->admin);
    std::optional<Principal> token = store->AuthenticateToken("admin-token-123");
    ASSERT_TRUE(token.has_value());
    EXPECT_TRUE(token->admin);
    EXPECT_EQ(token->user, "root");
    EXPECT_FALSE(store->AuthenticateToken("admin-token-12").has_value());
    EXPECT_EQ(store->AddMerchant("root").status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_TRUE(store->AddMerchant("strata").ok());  // not the admin's name here
  }
  // A merchant now bears the default admin name: opening with that admin is refused.
  absl::Status status = TenantStore::Open(dir.path(), {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("admin_user"));

  EXPECT_EQ(TenantStore::Open(dir.path(), Admin("", "pw")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TenantStore::Open(dir.path(), Admin("x", "")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TenantStoreTest, PasswordCacheSkipsPbkdf2) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> creds = store->AddMerchant("m");
  ASSERT_TRUE(creds.ok());
  using Clock = std::chrono::steady_clock;
  // Wrong passwords are never cached: each pays PBKDF2.
  auto start = Clock::now();
  constexpr int kUncached = 5;
  for (int i = 0; i < kUncached; ++i) {
    ASSERT_FALSE(store->AuthenticatePassword("m", "wrong").has_value());
  }
  auto uncached = (Clock::now() - start) / kUncached;
  ASSERT_TRUE(store->AuthenticatePassword("m", creds->password).has_value());
  constexpr int kCached = 200;
  start = Clock::now();
  for (int i = 0; i < kCached; ++i) {
    ASSERT_TRUE(store->AuthenticatePassword("m", creds->password).has_value());
  }
  auto cached = (Clock::now() - start) / kCached;
  EXPECT_LT(cached * 20, uncached)
      << "cached " << cached.count() << " uncached " << uncached.count();
  // A cached entry does not let a different password in.
  EXPECT_FALSE(store->AuthenticatePassword("m", creds->password + "!").has_value());
  EXPECT_TRUE(store->AuthenticatePassword("m", creds->password).has_value());
}

TEST(TenantStoreTest, ConcurrentLookupsDuringUpdates) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  absl::StatusOr<Credentials> stable = store->AddMerchant("stable", "stable-pw");
  ASSERT_TRUE(stable.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        bool ok = store->MerchantForWriteKey(stable->write_key) == "stable" &&
                  store->FindUser("stable").has_value() &&
                  store->AuthenticateToken(stable->api_token).has_value() &&
                  store->AuthenticatePassword("stable", "stable-pw").has_value();
        if (!ok) failures.fetch_add(1);
        store->List();
        lookups.fetch_add(1);
      }
    });
  }
  // A writer churns other merchants and rotates the stable one's write key's neighbours.
  for (int i = 0; i < 40; ++i) {
    std::string name = absl::StrCat("churn", i % 5);
    if (store->FindUser(name)) {
      ASSERT_TRUE(store->RotateWriteKey(name).ok());
      ASSERT_TRUE(store->RemoveMerchant(name).ok());
    } else {
      ASSERT_TRUE(store->AddMerchant(name, "pw").ok());
    }
    ASSERT_TRUE(store->SetLimits("stable", Limits(i + 1)).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(lookups.load(), 0);
  EXPECT_EQ(store->FindUser("stable")->principal.limits.max_connections, 40);
}

TEST(TenantStoreTest, ConcurrentUpdatesAreAllKept) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < 5; ++i) {
          EXPECT_TRUE(store->AddMerchant(absl::StrCat("w", w, "-", i), "pw").ok());
        }
      });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(store->List().size(), 20u);
  }
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->List().size(), 20u);
}

}  // namespace
}  // namespace strata::server::auth
