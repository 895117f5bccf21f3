// `strata admin` against a data directory, end to end: RunAdmin with real arguments, then
// the tenant store checked directly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "server/admin_target.h"
#include "server/auth/admin_json.h"
#include "server/auth/tenants.h"
#include "server/commands.h"

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
