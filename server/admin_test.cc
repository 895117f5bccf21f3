// `strata admin` against a data directory, end to end: RunAdmin with real arguments, then
// the tenant store checked directly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/merchant_settings.h"
#include "server/admin_target.h"
#include "server/auth/admin_json.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/commands.h"
#include "server/http/http_server.h"

namespace strata::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct AdminRun {
  int exit = -1;
  std::string out, err;
};

AdminRun Admin(std::vector<std::string> args) {
  AdminRun run;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  run.exit = RunAdmin(args);
  std::fflush(stdout);
  std::fflush(stderr);
  run.out = ::testing::internal::GetCapturedStdout();
  run.err = ::testing::internal::GetCapturedStderr();
  return run;
}

std::unique_ptr<auth::TenantStore> OpenStore(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<auth::TenantStore>> store = auth::TenantStore::Open(dir, {});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

class AdminCommandTest : public ::testing::Test {
 protected:
  // `strata admin merchant ACTION ARGS... --data-dir DIR`
  AdminRun Merchant(const std::string& action, std::vector<std::string> args) {
    args.insert(args.begin(), {"merchant", action});
    args.push_back("--data-dir");
    args.push_back(dir_.path());
    return Admin(args);
  }

  auth::Credentials AddJson(const std::string& name, std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), name);
    flags.push_back("--format=json");
    AdminRun run = Merchant("add", flags);
    EXPECT_EQ(run.exit, 0) << run.err;
    EXPECT_THAT(run.err, HasSubstr("not shown again"));
    absl::StatusOr<auth::Credentials> creds = auth::ParseCredentialsJson(run.out);
    EXPECT_TRUE(creds.ok()) << creds.status() << run.out;
    return creds.ok() ? *creds : auth::Credentials{};
  }

  TempDir dir_;
};

TEST_F(AdminCommandTest, AddPrintsWorkingCredentialsOnce) {
  auth::Credentials creds = AddJson(
      "shop-1",
      {"--max-connections", "4", "--statement-timeout-ms=2000", "--memory-limit-mb", "128"});
  EXPECT_EQ(creds.merchant, "shop-1");
  EXPECT_FALSE(creds.password.empty());
  EXPECT_FALSE(creds.api_token.empty());
  auto store = OpenStore(dir_.path());
  EXPECT_EQ(store->MerchantForWriteKey(creds.write_key), "shop-1");
  std::optional<auth::Principal> principal = store->AuthenticatePassword("shop-1", creds.password);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->limits.max_connections, 4);
  EXPECT_EQ(principal->limits.statement_timeout_ms, 2000);
  EXPECT_EQ(principal->limits.memory_limit_mb, 128);
  EXPECT_EQ(store->AuthenticateToken(creds.api_token)->merchant, "shop-1");
}

TEST_F(AdminCommandTest, AddWithProcessingSettings) {
  AddJson("shop", {"--session-timeout-minutes", "45", "--time-zone", "Europe/Paris",
                   "--conversion-events", "purchase, signup"});
  auto store = OpenStore(dir_.path());
  std::vector<auth::MerchantInfo> list = store->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].limits.session_timeout_minutes, 45);
  EXPECT_EQ(list[0].limits.time_zone, "Europe/Paris");
  EXPECT_EQ(list[0].limits.conversion_events,
            (std::vector<std::string>{"purchase", "signup"}));  // spaces trimmed
  std::shared_ptr<const engine::MerchantSettings> settings =
      store->ProcessingSettings(engine::MerchantSettings())("shop");
  EXPECT_EQ(settings->session_timeout_us, 45 * engine::kMicrosPerMinute);
  EXPECT_EQ(settings->time_zone, "Europe/Paris");
  EXPECT_TRUE(settings->IsConversion("signup"));
  store.reset();

  AdminRun bad_zone = Merchant("add", {"m", "--time-zone", "Mars/Olympus"});
  EXPECT_EQ(bad_zone.exit, 1);
  EXPECT_THAT(bad_zone.err, HasSubstr("time_zone \"Mars/Olympus\""));
  AdminRun bad_timeout = Merchant("add", {"m", "--session-timeout-minutes", "0"});
  EXPECT_EQ(bad_timeout.exit, 1);
  EXPECT_THAT(bad_timeout.err, HasSubstr("session_timeout_minutes must be 1-10080"));
  AdminRun not_number = Merchant("add", {"m", "--session-timeout-minutes", "soon"});
  EXPECT_EQ(not_number.exit, 2);
  EXPECT_THAT(not_number.err, HasSubstr("--session-timeout-minutes"));
  AdminRun empty_event = Merchant("add", {"m", "--conversion-events", "a,,b"});
  EXPECT_EQ(empty_event.exit, 1);
  EXPECT_THAT(empty_event.err, HasSubstr("conversion_events"));
  EXPECT_EQ(OpenStore(dir_.path())->List().size(), 1u);
}

TEST_F(AdminCommandTest, SetChangesSomeSettings) {
  AddJson("m", {"--max-connections", "4", "--time-zone", "Asia/Tokyo"});
  AdminRun run = Merchant("set", {"m", "--conversion-events", "signup", "--session-timeout-minutes",
                                  "90", "--reset", "max-connections"});
  ASSERT_EQ(run.exit, 0) << run.err;
  EXPECT_EQ(run.out,
            "Updated merchant \"m\": session_timeout_minutes=90 time_zone=Asia/Tokyo "
            "conversion_events=signup\n");
  AdminRun json = Merchant("set", {"m", "--time-zone=UTC", "--format", "json"});
  ASSERT_EQ(json.exit, 0) << json.err;
  absl::StatusOr<auth::MerchantInfo> info = auth::ParseMerchantInfoJson(json.out);
  ASSERT_TRUE(info.ok()) << info.status() << json.out;
  EXPECT_EQ(info->limits.time_zone, "UTC");
  EXPECT_EQ(info->limits.session_timeout_minutes, 90);

  AdminRun list = Merchant("list", {});
  ASSERT_EQ(list.exit, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("limits and settings"));
  EXPECT_THAT(list.out,
              HasSubstr("session_timeout_minutes=90 time_zone=UTC conversion_events=signup\n"));

  auto store = OpenStore(dir_.path());
  auth::MerchantLimits limits = store->List()[0].limits;
  EXPECT_FALSE(limits.max_connections.has_value());
  EXPECT_EQ(limits.conversion_events, std::vector<std::string>{"signup"});
}

TEST_F(AdminCommandTest, SetErrors) {
  AddJson("m", {"--time-zone", "Asia/Tokyo"});
  AdminRun nothing = Merchant("set", {"m"});
  EXPECT_EQ(nothing.exit, 2);
  EXPECT_THAT(nothing.err, HasSubstr("nothing to change"));
  EXPECT_EQ(Merchant("set", {"--time-zone", "UTC"}).exit, 2);  // no NAME
  AdminRun unknown = Merchant("set", {"nobody", "--time-zone", "UTC"});
  EXPECT_EQ(unknown.exit, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no merchant \"nobody\""));
  AdminRun bad_reset = Merchant("set", {"m", "--reset", "colour"});
  EXPECT_EQ(bad_reset.exit, 1);
  EXPECT_THAT(bad_reset.err, HasSubstr("unknown limit \"colour\""));
  AdminRun both = Merchant("set", {"m", "--time-zone", "UTC", "--reset", "time_zone"});
  EXPECT_EQ(both.exit, 1);
  EXPECT_THAT(both.err, HasSubstr("both set and reset"));
  AdminRun bad_zone = Merchant("set", {"m", "--time-zone", "Nowhere"});
  EXPECT_EQ(bad_zone.exit, 1);
  EXPECT_THAT(bad_zone.err, HasSubstr("time_zone"));
  EXPECT_EQ(OpenStore(dir_.path())->List()[0].limits.time_zone, "Asia/Tokyo");
  AdminRun help = Admin({"merchant", "set", "--help"});
  EXPECT_EQ(help.exit, 0);
  EXPECT_THAT(help.out, HasSubstr("--reset"));
  EXPECT_THAT(help.out, HasSubstr("--conversion-events"));
}

// `strata admin --server`: the same actions through a running server's admin API.
class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions eo;
    eo.data_dir = dir_.path();
    eo.wal_sync = engine::WalSyncMode::kRelaxed;
    absl::StatusOr<std::unique_ptr<engine::Engine>> engine = engine::Engine::Open(eo);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    tenants_ = OpenStore(dir_.path());
    ASSERT_NE(tenants_, nullptr);
    http::HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<http::HttpServer>(options, engine_.get(), tenants_.get(), &metrics_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    server_.reset();
    if (engine_) (void)engine_->Close();
  }

  AdminRun Merchant(const std::string& action, std::vector<std::string> args) {
    args.insert(args.begin(), {"merchant", action});
    args.push_back("--server");
    args.push_back(absl::StrCat("http://127.0.0.1:", server_->port()));
    args.push_back("--admin-password=strata");
    return Admin(args);
  }

  TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<auth::TenantStore> tenants_;
  MetricsRegistry metrics_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(AdminServerTest, AddSetAndListProcessingSettings) {
  engine::MerchantSettingsProvider provider = tenants_->ProcessingSettings({});
  AdminRun add = Merchant("add", {"shop", "--time-zone", "Asia/Tokyo", "--conversion-events",
                                  "purchase,signup", "--max-connections", "3"});
  ASSERT_EQ(add.exit, 0) << add.err;
  EXPECT_EQ(provider("shop")->time_zone, "Asia/Tokyo");
  EXPECT_TRUE(provider("shop")->IsConversion("signup"));

  AdminRun set = Merchant(
      "set", {"shop", "--session-timeout-minutes", "15", "--reset", "time_zone,max_connections"});
  ASSERT_EQ(set.exit, 0) << set.err;
  EXPECT_EQ(set.out,
            "Updated merchant \"shop\": session_timeout_minutes=15 "
            "conversion_events=purchase,signup\n");
  // A running server's engine sees the change at once.
  EXPECT_EQ(provider("shop")->session_timeout_us, 15 * engine::kMicrosPerMinute);
  EXPECT_EQ(provider("shop")->time_zone, "UTC");
  EXPECT_FALSE(tenants_->List()[0].limits.max_connections.has_value());

  AdminRun list = Merchant("list", {"--format", "json"});
  ASSERT_EQ(list.exit, 0) << list.err;
  absl::StatusOr<std::vector<auth::MerchantInfo>> merchants = auth::ParseMerchantListJson(list.out);
  ASSERT_TRUE(merchants.ok()) << merchants.status();
  ASSERT_EQ(merchants->size(), 1u);
  EXPECT_EQ((*merchants)[0].limits.session_timeout_minutes, 15);
  EXPECT_EQ((*merchants)[0].limits.conversion_events,
            (std::vector<std::string>{"purchase", "signup"}));

  AdminRun bad = Merchant("set", {"shop", "--time-zone", "Nowhere"});
  EXPECT_EQ(bad.exit, 1);
  EXPECT_THAT(bad.err, HasSubstr("HTTP 400"));
  EXPECT_THAT(bad.err, HasSubstr("time_zone"));
  AdminRun bad_reset = Merchant("set", {"shop", "--reset", "colour"});
  EXPECT_EQ(bad_reset.exit, 1);
  EXPECT_THAT(bad_reset.err, HasSubstr("HTTP 400"));
  AdminRun unknown = Merchant("set", {"nobody", "--time-zone", "UTC"});
  EXPECT_EQ(unknown.exit, 1);
  EXPECT_THAT(unknown.err, HasSubstr("HTTP 404"));
}

TEST_F(AdminCommandTest, AddTableOutput) {
  AdminRun run = Merchant("add", {"m1", "--password", "chosen pw"});
  ASSERT_EQ(run.exit, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Added merchant \"m1\""));
  EXPECT_THAT(run.out, HasSubstr("password   chosen pw"));
  EXPECT_THAT(run.out, HasSubstr("write key  wk_"));
  EXPECT_THAT(run.out, HasSubstr("API token  "));
  EXPECT_THAT(run.out, HasSubstr("Store these now; they are not shown again."));
  auto store = OpenStore(dir_.path());
  EXPECT_TRUE(store->AuthenticatePassword("m1", "chosen pw").has_value());
}

TEST_F(AdminCommandTest, AddErrors) {
  AddJson("dup");
  AdminRun again = Merchant("add", {"dup"});
  EXPECT_EQ(again.exit, 1);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  AdminRun bad_name = Merchant("add", {"no/slash"});
  EXPECT_EQ(bad_name.exit, 1);
  EXPECT_THAT(bad_name.err, HasSubstr("[A-Za-z0-9_.-]"));
  AdminRun admin_name = Merchant("add", {"strata"});
  EXPECT_EQ(admin_name.exit, 1);
  EXPECT_THAT(admin_name.err, HasSubstr("admin"));
  AdminRun bad_limit = Merchant("add", {"m", "--max-connections", "0"});
  EXPECT_EQ(bad_limit.exit, 1);
  EXPECT_THAT(bad_limit.err, HasSubstr("max_connections"));
  AdminRun not_number = Merchant("add", {"m", "--memory-limit-mb", "lots"});
  EXPECT_EQ(not_number.exit, 2);
  EXPECT_THAT(not_number.err, HasSubstr("--memory-limit-mb"));
  AdminRun bad_password = Merchant("add", {"m", "--password", "tab\there"});
  EXPECT_EQ(bad_password.exit, 1);
  EXPECT_THAT(bad_password.err, HasSubstr("printable ASCII"));
  EXPECT_EQ(OpenStore(dir_.path())->List().size(), 1u);
}

TEST_F(AdminCommandTest, AdminUserNameFollowsUserFlag) {
  AdminRun run = Merchant("add", {"strata", "--user", "root"});
  EXPECT_EQ(run.exit, 0) << run.err;  // with admin "root", "strata" is a merchant name
  AdminRun clash = Merchant("add", {"root", "--user", "root"});
  EXPECT_EQ(clash.exit, 1);
}

TEST_F(AdminCommandTest, List) {
  AdminRun empty = Merchant("list", {});
  ASSERT_EQ(empty.exit, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("(0 merchants)"));

  auth::Credentials b = AddJson("b");
  AddJson("a", {"--max-connections", "2"});
  AdminRun table = Merchant("list", {});
  ASSERT_EQ(table.exit, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("merchant"));
  EXPECT_THAT(table.out, HasSubstr(b.write_key));
  EXPECT_THAT(table.out, HasSubstr("max_connections=2"));
  EXPECT_THAT(table.out, HasSubstr("(2 merchants)"));
  EXPECT_LT(table.out.find("\na "), table.out.find("\nb "));  // sorted
  EXPECT_THAT(table.out, Not(HasSubstr(b.password)));
  EXPECT_THAT(table.out, Not(HasSubstr(b.api_token)));

  AdminRun json = Merchant("list", {"--format", "json"});
  ASSERT_EQ(json.exit, 0) << json.err;
  absl::StatusOr<std::vector<auth::MerchantInfo>> list = auth::ParseMerchantListJson(json.out);
  ASSERT_TRUE(list.ok()) << list.status() << json.out;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].merchant, "a");
  EXPECT_EQ((*list)[0].limits.max_connections, 2);
  EXPECT_EQ((*list)[1].write_key, b.write_key);
  EXPECT_GT((*list)[1].created_us, 0);

  EXPECT_EQ(Merchant("list", {"extra"}).exit, 2);
}

TEST_F(AdminCommandTest, RotateKeyPasswordAndToken) {
  auth::Credentials old_creds = AddJson("m");

  AdminRun key = Merchant("rotate-key", {"m", "--format", "json"});
  ASSERT_EQ(key.exit, 0) << key.err;
  absl::StatusOr<auth::Credentials> new_key = auth::ParseCredentialsJson(key.out);
  ASSERT_TRUE(new_key.ok());
  EXPECT_TRUE(new_key->password.empty());
  EXPECT_NE(new_key->write_key, old_creds.write_key);

  AdminRun password = Merchant("rotate-key", {"m", "--password", "--format", "json"});
  ASSERT_EQ(password.exit, 0) << password.err;
  absl::StatusOr<auth::Credentials> new_password = auth::ParseCredentialsJson(password.out);
  ASSERT_TRUE(new_password.ok());
  EXPECT_TRUE(new_password->write_key.empty());
  EXPECT_FALSE(new_password->password.empty());

  AdminRun token = Merchant("rotate-key", {"m", "--token"});
  ASSERT_EQ(token.exit, 0) << token.err;
  EXPECT_THAT(token.out, HasSubstr("API token  "));
  EXPECT_THAT(token.out, HasSubstr("not shown again"));
  std::string new_token = token.out.substr(token.out.find("API token  ") + 11);
  new_token = new_token.substr(0, new_token.find('\n'));

  auto store = OpenStore(dir_.path());
  EXPECT_FALSE(store->MerchantForWriteKey(old_creds.write_key).has_value());
  EXPECT_EQ(store->MerchantForWriteKey(new_key->write_key), "m");
  EXPECT_FALSE(store->AuthenticatePassword("m", old_creds.password).has_value());
  EXPECT_TRUE(store->AuthenticatePassword("m", new_password->password).has_value());
  EXPECT_FALSE(store->AuthenticateToken(old_creds.api_token).has_value());
  EXPECT_EQ(store->AuthenticateToken(new_token)->merchant, "m");
  store.reset();

  EXPECT_EQ(Merchant("rotate-key", {"m", "--password", "--token"}).exit, 2);
  AdminRun unknown = Merchant("rotate-key", {"nobody"});
  EXPECT_EQ(unknown.exit, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no merchant \"nobody\""));
}

TEST_F(AdminCommandTest, Remove) {
  auth::Credentials creds = AddJson("m");
  AddJson("keep");
  AdminRun run = Merchant("remove", {"m"});
  ASSERT_EQ(run.exit, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Removed merchant \"m\""));
  AdminRun again = Merchant("remove", {"m"});
  EXPECT_EQ(again.exit, 1);
  EXPECT_THAT(again.err, HasSubstr("no merchant"));
  auto store = OpenStore(dir_.path());
  EXPECT_FALSE(store->FindUser("m").has_value());
  EXPECT_FALSE(store->MerchantForWriteKey(creds.write_key).has_value());
  EXPECT_EQ(store->List().size(), 1u);
}

TEST_F(AdminCommandTest, RunningServerHoldsTheStore) {
  auto store = OpenStore(dir_.path());  // what `strata serve` holds while it runs
  AdminRun run = Merchant("list", {});
  EXPECT_EQ(run.exit, 1);
  EXPECT_THAT(run.err, HasSubstr("--server"));
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat("pid ", ::getpid())));
  store.reset();
  EXPECT_EQ(Merchant("list", {}).exit, 0);
}

TEST_F(AdminCommandTest, MissingDataDirectory) {
  AdminRun run = Admin({"merchant", "list", "--data-dir", dir_.File("absent")});
  EXPECT_EQ(run.exit, 1);
  EXPECT_THAT(run.err, HasSubstr("does not exist"));
}

TEST_F(AdminCommandTest, UsageErrors) {
  EXPECT_EQ(Admin({}).exit, 2);
  EXPECT_EQ(Admin({"merchant"}).exit, 2);
  EXPECT_EQ(Admin({"tenant", "list"}).exit, 2);
  EXPECT_EQ(Admin({"merchant", "frobnicate"}).exit, 2);
  EXPECT_EQ(Admin({"merchant", "list"}).exit, 2);  // no target
  AdminRun both =
      Admin({"merchant", "list", "--data-dir", dir_.path(), "--server", "http://127.0.0.1:1"});
  EXPECT_EQ(both.exit, 2);
  EXPECT_THAT(both.err, HasSubstr("either --data-dir"));
  EXPECT_EQ(Merchant("list", {"--format", "xml"}).exit, 2);
  EXPECT_EQ(Merchant("add", {}).exit, 2);
  EXPECT_EQ(Merchant("add", {"a", "b"}).exit, 2);
  EXPECT_EQ(Merchant("remove", {}).exit, 2);
  EXPECT_EQ(Merchant("add", {"a", "--no-such-flag"}).exit, 2);
  AdminRun https = Admin({"merchant", "list", "--server", "https://127.0.0.1:8080"});
  EXPECT_EQ(https.exit, 2);
  EXPECT_THAT(https.err, HasSubstr("TLS"));

  AdminRun help = Admin({"--help"});
  EXPECT_EQ(help.exit, 0);
  EXPECT_THAT(help.out, HasSubstr("rotate-key NAME"));
  AdminRun add_help = Admin({"merchant", "add", "--help"});
  EXPECT_EQ(add_help.exit, 0);
  EXPECT_THAT(add_help.out, HasSubstr("--max-connections"));
}

TEST_F(AdminCommandTest, UnreachableServer) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  AdminRun run = Admin({"merchant", "list", "--server", "http://127.0.0.1:1"});
  EXPECT_EQ(run.exit, 1);
  EXPECT_THAT(run.err, HasSubstr("cannot reach the server at http://127.0.0.1:1"));
}

TEST(ParseServerUrlTest, Forms) {
  using Address = std::pair<std::string, uint16_t>;
  EXPECT_EQ(*ParseServerUrl("http://127.0.0.1:8081"), Address("127.0.0.1", 8081));
  EXPECT_EQ(*ParseServerUrl("http://localhost:9000/"), Address("localhost", 9000));
  EXPECT_EQ(*ParseServerUrl("http://example.com"), Address("example.com", 8080));
  EXPECT_EQ(*ParseServerUrl("http://[::1]:8082"), Address("::1", 8082));
  EXPECT_EQ(*ParseServerUrl("http://[::1]"), Address("::1", 8080));
  for (const char* bad :
       {"", "127.0.0.1:8080", "https://h:1", "http://", "http://:80", "http://h:", "http://h:0",
        "http://h:65536", "http://h:8x", "http://h:80/api", "http://[::1", "http://[::1]x"}) {
    EXPECT_EQ(ParseServerUrl(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace strata::server
