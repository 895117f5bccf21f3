// /healthz, /metrics, the query API and the admin API against a real server.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/http_test_util.h"

namespace strata::server::http {
namespace {

using ::testing::HasSubstr;
using testing::TestServer;

std::string Event(const std::string& merchant, const std::string& client = "c1") {
  return absl::StrCat(R"({"merchant":")", merchant,
                      R"(","ts":1793534400000,"event":"page_view","client_id":")", client, R"("})");
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = client_->Request(
        "POST", "/collect",
        absl::StrCat("[", Event("m1", "a"), ",", Event("m1", "b"), ",", Event("m2"), "]"),
        {{"Authorization", client::BasicAuthorization("strata", "strata")}});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << r->body;
  }
  absl::StatusOr<client::HttpResponse> Query(std::string_view body, client::HttpHeaders headers) {
    return client_->Request("POST", "/api/v1/query", body, headers);
  }
  client::HttpHeaders Admin() {
    return {{"Authorization", client::BasicAuthorization("strata", "strata")}};
  }
  client::HttpHeaders Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  TestServer server_;
  std::unique_ptr<client::HttpClient> client_ = server_.Client();
};

TEST_F(ApiTest, Healthz) {
  auto r = client_->Request("GET", "/healthz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  EXPECT_EQ(r->Header("Content-Type"), "text/plain; charset=utf-8");
  r = client_->Request("POST", "/healthz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
}

TEST_F(ApiTest, Metrics) {
  ASSERT_TRUE(client_->Request("GET", "/healthz").ok());
  auto r = client_->Request("GET", "/metrics");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(r->body, HasSubstr("strata_ingest_events_total 3\n"));
  EXPECT_THAT(r->body, ::testing::ContainsRegex(
                           "strata_http_requests_total\\{[^}]*code=\"200\"[^}]*\\} 1\n"));
  EXPECT_THAT(r->body, ::testing::ContainsRegex(
                           "strata_http_requests_total\\{[^}]*path=\"/healthz\"[^}]*\\} 1\n"));
  EXPECT_THAT(r->body, HasSubstr("# TYPE strata_http_request_seconds histogram"));
  EXPECT_THAT(r->body, HasSubstr("strata_ingest_batch_events_count 1\n"));
  EXPECT_THAT(r->body, HasSubstr("strata_ingest_append_seconds_count 1\n"));
  EXPECT_THAT(r->body, HasSubstr("strata_http_connections 1\n"));
  EXPECT_THAT(r->body, HasSubstr("strata_http_inflight_bytes 0\n"));
  EXPECT_THAT(r->body, HasSubstr("strata_http_throttled_total 0\n"));
}

TEST_F(ApiTest, UnknownPathIs404) {
  auto r = client_->Request("GET", "/nope");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, R"({"error":{"message":"no such endpoint: /nope"}})");
}

TEST_F(ApiTest, QueryAsAdmin) {
  auto r = Query("SELECT merchant, count(*) AS n FROM events GROUP BY merchant ORDER BY merchant",
                 Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body,
              ::testing::StartsWith(R"({"columns":[{"name":"merchant","type":"text"},)"
                                    R"({"name":"n","type":"bigint"}],"rows":[["m1",2],["m2",1]],)"
                                    R"("tag":"SELECT 2","elapsed_ms":)"));
}

TEST_F(ApiTest, QueryValueTypes) {
  auto r = Query(
      "SELECT min(ts) AS t, interval '1 day 2 hours' AS i, 'NaN'::float8 AS f, 2.5 AS d, "
      "true AS b, NULL AS z, 'a\"b' AS s FROM events",
      Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[["2026-11-01T12:00:00Z","1 day 02:00:00","NaN",2.5,)"
                                 R"(true,null,"a\"b"]])"));
  EXPECT_THAT(r->body, HasSubstr(R"({"name":"t","type":"timestamp with time zone"})"));
}

TEST_F(ApiTest, QueryJsonBodyWithParams) {
  auto r = Query(
      R"({"sql":"SELECT count(*) AS n, $2 AS s, $3 + 0.5 AS f FROM events WHERE merchant = $1",)"
      R"("params":["m1","x",1]})",
      Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[[2,"x",1.5]])"));

  r = client_->Request("POST", "/api/v1/query",
                       R"({"sql":"SELECT $1 AS a, $2 AS b","params":[true,null]})",
                       {{"Content-Type", "application/json"},
                        {"Authorization", client::BasicAuthorization("strata", "strata")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[[true,null]])"));

  for (std::string_view bad : {R"({"sql":1})", R"({"params":[]})", R"({"sql":"SELECT 1","x":1})",
                               R"({"sql":"SELECT $1","params":[[1]]})", "{nope"}) {
    r = Query(bad, Admin());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_THAT(r->body, HasSubstr(R"({"error":{"message":)")) << bad;
  }
}

TEST_F(ApiTest, QuerySqlErrors) {
  auto r = Query("SELECT nope FROM events", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"error":{"sqlstate":"42703","message":"column \"nope\" does not exist",)"
                     R"("position":8}})");
  r = Query("SELEC 1", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr(R"("sqlstate":"42601")"));
  EXPECT_THAT(r->body, HasSubstr(R"("position":1)"));
  EXPECT_THAT(server_.metrics().Render(), HasSubstr("strata_query_api_total{status=\"error\"} 2"));
}

TEST_F(ApiTest, MerchantTokenIsScoped) {
  auto r =
      Query("SELECT merchant, count(*) FROM events GROUP BY 1", Bearer(server_.m1().api_token));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[["m1",2]])"));
  r = Query("SELECT count(*) FROM events WHERE merchant = 'm2'", Bearer(server_.m1().api_token));
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[[0]])"));
  r = Query("SELECT count(*) FROM events",
            {{"Authorization", client::BasicAuthorization("m2", "pw2")}});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[[1]])"));
}

TEST_F(ApiTest, QueryAuthFailures) {
  auto r = Query("SELECT 1", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->Header("WWW-Authenticate"), "Basic realm=\"strata\"");
  r = Query("SELECT 1", Bearer("not-a-token"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  r = Query("SELECT 1", {{"Authorization", client::BasicAuthorization("m1", "wrong")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  r = client_->Request("GET", "/api/v1/query", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_THAT(server_.metrics().Render(),
              HasSubstr("strata_query_api_total{status=\"unauthorized\"} 3"));
}

TEST(QueryTimeout, StatementTimeoutIs57014) {
  HttpServerOptions o;
  o.statement_timeout = absl::Milliseconds(50);
  TestServer server(o);
  server.engine().SetSnapshotDelay(absl::Milliseconds(300));
  auto client = server.Client();
  auto r = client->Request("POST", "/api/v1/query", "SELECT count(*) FROM events",
                           {{"Authorization", client::BasicAuthorization("strata", "strata")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body,
            R"({"error":{"sqlstate":"57014","message":"canceling statement due to statement )"
            R"(timeout"}})");
  EXPECT_THAT(server.metrics().Render(), HasSubstr("strata_query_api_total{status=\"timeout\"} 1"));
  // A merchant's own limit overrides the server's.
  auth::MerchantLimits limits;
  limits.statement_timeout_ms = 5000;
  ASSERT_TRUE(server.tenants().SetLimits("m1", limits).ok());
  r = client->Request("POST", "/api/v1/query", "SELECT count(*) FROM events",
                      {{"Authorization", client::BasicAuthorization("m1", "pw1")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ApiTest, AdminAuth) {
  auto r = client_->Request("GET", "/api/v1/admin/merchants");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  r = client_->Request("GET", "/api/v1/admin/merchants", "",
                       {{"Authorization", client::BasicAuthorization("m1", "pw1")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
  r = client_->Request("GET", "/api/v1/admin/merchants", "", Bearer(server_.m1().api_token));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
  r = client_->Request("GET", "/api/v1/admin/merchants", "",
                       {{"Authorization", client::BasicAuthorization("strata", "nope")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
}

TEST_F(ApiTest, AdminMerchantLifecycle) {
  const std::string base = "/api/v1/admin/merchants";
  auto r = client_->Request(
      "POST", base,
      R"({"merchant":"m3","limits":{"statement_timeout_ms":5000,"memory_limit_mb":64}})", Admin());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_THAT(r->body, ::testing::MatchesRegex(
                           R"(\{"merchant":"m3","password":"[^"]+","write_key":"wk_[0-9a-f]+",)"
                           R"("api_token":"[^"]+"\})"));
  auto created = server_.tenants().List();
  ASSERT_EQ(created.size(), 3u);
  const std::string key = created[2].write_key;

  r = client_->Request("POST", "/collect", Event("m3"), {{"X-Strata-Key", key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);

  r = client_->Request("POST", base, R"({"merchant":"m3"})", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409);
  for (std::string_view bad : {R"({"merchant":"bad name!"})", R"({"password":"x"})", "[1]",
                               R"({"merchant":"m4","limits":{"nope":1}})",
                               R"({"merchant":"m4","limits":{"max_connections":-1}})", "{"}) {
    r = client_->Request("POST", base, bad, Admin());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
  }

  r = client_->Request("GET", base, "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, ::testing::StartsWith(R"({"merchants":[{"merchant":"m1","write_key":")"));
  EXPECT_THAT(r->body, HasSubstr(absl::StrCat(R"({"merchant":"m3","write_key":")", key,
                                              R"(","created_us":)")));
  EXPECT_THAT(r->body,
              HasSubstr(R"("limits":{"statement_timeout_ms":5000,"memory_limit_mb":64}}]})"));
  r = client_->Request("GET", base + "/m3", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, ::testing::StartsWith(R"({"merchant":"m3",)"));

  // PATCH changes the named limits and settings only; null resets one.
  r = client_->Request(
      "PATCH", base + "/m3",
      R"({"limits":{"time_zone":"Asia/Tokyo","conversion_events":["signup"],"memory_limit_mb":null}})",
      Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body,
              HasSubstr(R"("limits":{"statement_timeout_ms":5000,"time_zone":"Asia/Tokyo",)"
                        R"("conversion_events":["signup"]}})"));
  EXPECT_EQ(server_.tenants().ProcessingSettings({})("m3")->time_zone, "Asia/Tokyo");
  for (std::string_view bad : {R"({"limits":{"time_zone":"Nowhere"}})", R"({"limits":{"x":1}})",
                               R"({"limits":{"session_timeout_minutes":0}})", R"({})", "{"}) {
    r = client_->Request("PATCH", base + "/m3", bad, Admin());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << bad << " " << r->body;
  }
  r = client_->Request("PATCH", base + "/nobody", R"({"limits":{}})", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);

  // rotate-key: the old key stops working at once.
  r = client_->Request("POST", base + "/m3/rotate-key", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body,
              ::testing::MatchesRegex(R"(\{"merchant":"m3","write_key":"wk_[0-9a-f]+"\})"));
  r = client_->Request("POST", "/collect", Event("m3"), {{"X-Strata-Key", key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);

  // rotate-password, with a chosen password.
  r = client_->Request("POST", base + "/m3/rotate-password", R"({"password":"s3cret"})", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"merchant":"m3","password":"s3cret"})");
  r = Query("SELECT count(*) FROM events",
            {{"Authorization", client::BasicAuthorization("m3", "s3cret")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("rows":[[1]])"));
  r = client_->Request("POST", base + "/m3/rotate-password", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->body, ::testing::MatchesRegex(R"(\{"merchant":"m3","password":"[^"]+"\})"));

  // rotate-token.
  r = client_->Request("POST", base + "/m3/rotate-token", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  const std::string prefix = R"({"merchant":"m3","api_token":")";
  ASSERT_THAT(r->body, ::testing::StartsWith(prefix));
  const std::string token = r->body.substr(prefix.size(), r->body.size() - prefix.size() - 2);
  r = Query("SELECT count(*) FROM events", Bearer(token));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;

  // Errors of the path and method.
  r = client_->Request("POST", base + "/m3/rotate-everything", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  r = client_->Request("GET", base + "/m3/rotate-key", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  r = client_->Request("PUT", base, "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);

  // remove.
  r = client_->Request("DELETE", base + "/m3", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"removed":"m3"})");
  r = client_->Request("DELETE", base + "/m3", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  r = client_->Request("POST", base + "/m3/rotate-key", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  r = client_->Request("GET", base + "/m3", "", Admin());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  r = Query("SELECT 1", Bearer(token));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
}

}  // namespace
}  // namespace strata::server::http
