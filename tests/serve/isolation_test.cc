// Tenant isolation through the real front ends: merchant shop-a cannot read shop-b's rows
// by any query text, over PG wire (psql) or the JSON query API (its token or Basic
// credentials); the admin sees both. shop-a's write key cannot write shop-b's events.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_fixture.h"
#include "tests/serve/test_data.h"

namespace strata::serve_test {
namespace {

struct ScopedQuery {
  std::string sql;
  std::string as_a;      // what shop-a must get (psql -At output, one line)
  std::string as_admin;  // what the admin must get
};

const std::vector<ScopedQuery>& Queries() {
  static const auto* queries = new std::vector<ScopedQuery>{
      {"SELECT count(*) FROM events", "40", "65"},
      {"SELECT count(*) FROM events WHERE merchant = 'shop-b'", "0", "25"},
      {"SELECT count(*) FROM events WHERE merchant = 'shop-a' OR merchant = 'shop-b'", "40", "65"},
      {"SELECT count(*) FROM events WHERE merchant = 'shop-b' OR 1 = 1", "40", "65"},
      {"SELECT count(*) FROM events WHERE NOT (merchant = 'shop-a')", "0", "25"},
      {"SELECT count(*) FROM events WHERE merchant IN ('shop-b', 'x')", "0", "25"},
      {"SELECT count(*) FROM events WHERE lower(merchant) = 'shop-b'", "0", "25"},
      {"SELECT count(*) FROM events WHERE page LIKE '/shop-b/%'", "0", "25"},
      {"SELECT count(*) FROM events WHERE merchant IS NULL OR merchant IS NOT NULL", "40", "65"},
      {"SELECT count(*) FROM (SELECT * FROM events WHERE merchant = 'shop-b') t", "0", "25"},
      {"SELECT count(*) FROM events WHERE merchant IN (SELECT merchant FROM events WHERE "
       "merchant = 'shop-b')",
       "0", "25"},
      {"SELECT (SELECT count(*) FROM events WHERE merchant = 'shop-b')", "0", "25"},
      {"WITH b AS (SELECT * FROM events WHERE merchant = 'shop-b') SELECT count(*) FROM b", "0",
       "25"},
      {"SELECT count(*) FROM (SELECT merchant FROM events WHERE merchant = 'shop-b' UNION ALL "
       "SELECT merchant FROM events WHERE merchant <> 'shop-a') t",
       "0", "50"},
      {"SELECT count(*) FROM (SELECT merchant FROM events UNION ALL SELECT merchant FROM events) t",
       "80", "130"},
      {"SELECT count(DISTINCT merchant) FROM events", "1", "2"},
      {"SELECT max(page) FROM events WHERE merchant >= ''", "/shop-a/9", "/shop-b/9"},
      {"SELECT coalesce(sum(value), 0) FROM events WHERE merchant = 'shop-b'", "0", "136.5"},
  };
  return *queries;
}

class IsolationTest : public DatasetServerTest {};

// One psql session runs every query; -At prints each result as one line.
std::vector<std::string> PsqlLines(const std::string& user, const std::string& password,
                                   const ServeProcess& server, ProgramResult* result) {
  std::string script;
  for (const ScopedQuery& q : Queries()) absl::StrAppend(&script, q.sql, ";\n");
  *result = RunPsql(server, user, password, script, {"-At", "-v", "ON_ERROR_STOP=1"});
  return absl::StrSplit(result->out, '\n', absl::SkipEmpty());
}

TEST_F(IsolationTest, MerchantSeesOnlyItsRowsOverPgWire) {
  ProgramResult r;
  std::vector<std::string> lines = PsqlLines(kMerchantA, kPasswordA, server(), &r);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(lines.size(), Queries().size()) << r.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i], Queries()[i].as_a) << Queries()[i].sql;
  }
}

TEST_F(IsolationTest, AdminSeesEveryMerchant) {
  ProgramResult r;
  std::vector<std::string> lines = PsqlLines(kAdminUser, kAdminPassword, server(), &r);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(lines.size(), Queries().size()) << r.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i], Queries()[i].as_admin) << Queries()[i].sql;
  }
}

TEST_F(IsolationTest, OtherMerchantSeesOnlyItsRows) {
  ProgramResult r = RunPsql(server(), kMerchantB, kPasswordB, "",
                            {"-At", "-c",
                             "SELECT count(*), count(DISTINCT merchant) FROM events WHERE "
                             "merchant = 'shop-a' OR true"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "25|1\n");
}

TEST_F(IsolationTest, MerchantSeesOnlyItsRowsOverTheJsonApi) {
  absl::StatusOr<MerchantCredentials> c = AddMerchant(server(), "shop-c", "pc-secret");
  ASSERT_TRUE(c.ok()) << c.status();
  // shop-a's Basic credentials see shop-a's rows only; shop-c (no events) sees nothing
  // with its token.
  for (const ScopedQuery& q : Queries()) {
    auto integer = [](const std::string& s) {
      return s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!integer(q.as_a) || !integer(q.as_admin)) continue;  // counts only
    absl::StatusOr<client::HttpResponse> basic =
        QueryApi(server(), client::BasicAuthorization(kMerchantA, kPasswordA), q.sql);
    ASSERT_TRUE(basic.ok()) << basic.status();
    ASSERT_EQ(basic->status, 200) << q.sql << ": " << basic->body;
    EXPECT_EQ(absl::StrCat(FirstInteger(basic->body)), q.as_a) << q.sql << ": " << basic->body;

    absl::StatusOr<client::HttpResponse> token =
        QueryApi(server(), absl::StrCat("Bearer ", c->api_token), q.sql);
    ASSERT_TRUE(token.ok()) << token.status();
    ASSERT_EQ(token->status, 200) << q.sql << ": " << token->body;
    EXPECT_EQ(FirstInteger(token->body), 0) << "shop-c's token: " << q.sql << ": " << token->body;

    absl::StatusOr<client::HttpResponse> admin = QueryApi(server(), AdminAuthorization(), q.sql);
    ASSERT_TRUE(admin.ok()) << admin.status();
    EXPECT_EQ(absl::StrCat(FirstInteger(admin->body)), q.as_admin) << q.sql << ": " << admin->body;
  }
  // Wrong credentials.
  absl::StatusOr<client::HttpResponse> bad =
      QueryApi(server(), "Bearer not-a-token", "SELECT count(*) FROM events");
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_EQ(bad->status, 401) << bad->body;
  bad = QueryApi(server(), client::BasicAuthorization(kMerchantA, "wrong"),
                 "SELECT count(*) FROM events");
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_EQ(bad->status, 401) << bad->body;
}

// Its own server: the events it writes would change the admin's counts above.
class WriteKeyTest : public DatasetServerTest {};

TEST_F(WriteKeyTest, WriteKeyWritesOnlyItsMerchant) {
  absl::StatusOr<MerchantCredentials> d = AddMerchant(server(), "shop-d", "pd-secret");
  ASSERT_TRUE(d.ok()) << d.status();
  client::HttpClient http("127.0.0.1", server().http_port());
  std::string body = DatasetNdjson("shop-d", 3) + DatasetNdjson(kMerchantB, 2);
  absl::StatusOr<CollectReply> r = Collect(
      http, body, {{"X-Strata-Key", d->write_key}, {"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->accepted, 3) << r->body;
  EXPECT_EQ(r->rejected, 2) << r->body;
  EXPECT_NE(r->body.find("\"field\":\"merchant\""), std::string::npos) << r->body;
  // ?key= works too; an unknown key is 401.
  r = Collect(http, DatasetNdjson("shop-d", 1), {{"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401) << r->body;
  absl::StatusOr<client::HttpResponse> by_query =
      http.Request("POST", absl::StrCat("/collect?key=", d->write_key), DatasetNdjson("shop-d", 1));
  ASSERT_TRUE(by_query.ok());
  EXPECT_EQ(by_query->status, 200) << by_query->body;
  absl::StatusOr<int64_t> b = CountEvents(server(), "merchant = 'shop-b'");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b, kEventsB);
  absl::StatusOr<int64_t> dcount = CountEvents(server(), "merchant = 'shop-d'");
  ASSERT_TRUE(dcount.ok()) << dcount.status();
  EXPECT_EQ(*dcount, 4);
}

}  // namespace
}  // namespace strata::serve_test
