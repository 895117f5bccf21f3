// POST /collect against a real server, engine and tenant store.
#include <zlib.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/http_test_util.h"

namespace strata::server::http {
namespace {

using ::testing::HasSubstr;
using testing::RawConnection;
using testing::StatusOf;
using testing::TestServer;

std::string Event(const std::string& merchant, const std::string& client = "c1") {
  return absl::StrCat(R"({"merchant":")", merchant,
                      R"(","ts":1793534400000,"event":"page_view","client_id":")", client, R"("})");
}

std::string Gzip(std::string_view in) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

class CollectTest : public ::testing::Test {
 protected:
  absl::StatusOr<client::HttpResponse> Post(std::string_view body, client::HttpHeaders headers,
                                            std::string_view target = "/collect") {
    return client_->Request("POST", target, body, headers);
  }
  client::HttpHeaders Key(std::string content_type = "application/json") {
    client::HttpHeaders h = {{"X-Strata-Key", server_.m1().write_key}};
    if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
    return h;
  }

  TestServer server_;
  std::unique_ptr<client::HttpClient> client_ = server_.Client();
};

TEST_F(CollectTest, SingleObject) {
  auto r = Post(Event("m1"), Key());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"accepted":1,"rejected":0,"errors":[]})");
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(server_.Count("merchant = 'm1'"), 1);
}

TEST_F(CollectTest, ArrayNdjsonTextPlainAndNoContentType) {
  auto r = Post(absl::StrCat("[", Event("m1", "a"), ",", Event("m1", "b"), "]"), Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, R"({"accepted":2,"rejected":0,"errors":[]})");

  r = Post(absl::StrCat(Event("m1", "c"), "\n", Event("m1", "d"), "\r\n\n", Event("m1", "e")),
           Key("application/x-ndjson"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, R"({"accepted":3,"rejected":0,"errors":[]})");

  // navigator.sendBeacon: text/plain, the key in the URL (URL-encoded).
  std::string key = server_.m1().write_key;
  key.replace(0, 1, "%77");  // "w" as an escape
  r = Post(absl::StrCat("[", Event("m1", "f"), "]"), {{"Content-Type", "text/plain;charset=UTF-8"}},
           "/collect?v=1&key=" + key);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"accepted":1,"rejected":0,"errors":[]})");

  r = Post(Event("m1", "g"), Key(""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(server_.Count("merchant = 'm1'"), 7);
}

TEST_F(CollectTest, Gzip) {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += Event("m1", absl::StrCat("c", i)) + "\n";
  client::HttpHeaders h = Key("application/x-ndjson");
  h.emplace_back("Content-Encoding", "gzip");
  auto r = Post(Gzip(body), h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"accepted":1000,"rejected":0,"errors":[]})");
  EXPECT_EQ(server_.Count("merchant = 'm1'"), 1000);
}

TEST_F(CollectTest, MixedGoodAndBadEvents) {
  const std::string body = absl::StrCat(
      Event("m1", "good1"), "\n",
      R"({"merchant":"m1","ts":"yesterday","event":"x","client_id":"c"})", "\n", "not json\n",
      Event("m2", "other"), "\n", R"({"merchant":"m1","event":"x","client_id":"c"})", "\n",
      Event("m1", "good2"), "\n");
  auto r = Post(body, Key("application/x-ndjson"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(
      r->body,
      R"({"accepted":2,"rejected":4,"errors":[)"
      R"({"index":1,"field":"ts","reason":"must be an RFC 3339 timestamp such as 2026-11-01T12:00:00Z"},)"
      R"({"index":2,"field":"","reason":"must be a JSON object"},)"
      R"({"index":3,"field":"merchant","reason":"does not belong to this write key"},)"
      R"({"index":4,"field":"ts","reason":"required"}]})");
  // The good ones are visible as soon as the reply came.
  EXPECT_EQ(server_.Count("merchant = 'm1'"), 2);
  EXPECT_EQ(server_.Count("merchant = 'm2'"), 0);
  const std::string metrics = server_.metrics().Render();
  EXPECT_THAT(metrics, HasSubstr("strata_ingest_rejected_total{reason=\"ts\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("strata_ingest_rejected_total{reason=\"merchant\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("strata_ingest_rejected_total{reason=\"json\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("strata_ingest_events_total 2"));
}

TEST_F(CollectTest, AllBadIs400) {
  auto r = Post(R"([{"merchant":"m1"}, 5])", Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body,
            R"j({"error":{"message":"no event accepted (2 rejected)"},"accepted":0,"rejected":2,)j"
            R"("errors":[{"index":0,"field":"ts","reason":"required"},)"
            R"({"index":1,"field":"","reason":"must be a JSON object"}]})");
  r = Post("  \n", Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("the body holds no events"));
  r = Post(R"([{"a":1} {"b":2}])", Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("malformed JSON array: expected ',' or ']' at byte 9"));
  EXPECT_EQ(server_.Count(), 0);
}

TEST_F(CollectTest, ErrorsListIsCapped) {
  std::string body;
  for (int i = 0; i < 150; ++i) body += "{}\n";
  body += Event("m1") + "\n";
  auto r = Post(body, Key("application/x-ndjson"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr(R"("accepted":1,"rejected":150,)"));
  EXPECT_THAT(r->body, HasSubstr(R"({"index":99,"field":"merchant","reason":"required"}],)"
                                 R"("errors_truncated":true})"));
  EXPECT_THAT(r->body, ::testing::Not(HasSubstr(R"("index":100,)")));
}

TEST_F(CollectTest, Unauthorized) {
  auto r = Post(Event("m1"), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body,
            R"j({"error":{"message":"missing write key (X-Strata-Key header or ?key=)"}})j");
  r = Post(Event("m1"), {{"X-Strata-Key", "wk_nope"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, R"({"error":{"message":"unknown write key"}})");
  r = Post(Event("m1"), {{"Authorization", client::BasicAuthorization("strata", "wrong")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  r = Post(Event("m1"), {}, "/collect?key=");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(server_.Count(), 0);
}

TEST_F(CollectTest, WriteKeyOfAnotherMerchant) {
  auto r = Post(Event("m2"), {{"X-Strata-Key", server_.m1().write_key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(
      r->body,
      HasSubstr(R"({"index":0,"field":"merchant","reason":"does not belong to this write key"})"));
  r = Post(Event("m2"), {{"X-Strata-Key", server_.m2().write_key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server_.Count("merchant = 'm2'"), 1);
}

TEST_F(CollectTest, AdminBasicWritesAnyMerchant) {
  const std::string body =
      absl::StrCat("[", Event("m1"), ",", Event("m2"), ",", Event("unknown.shop"), "]");
  auto r = Post(body, {{"Authorization", client::BasicAuthorization("strata", "strata")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"accepted":3,"rejected":0,"errors":[]})");
  // A merchant's own Basic credentials write only its events.
  r = Post(body, {{"Authorization", client::BasicAuthorization("m2", "pw2")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr(R"("accepted":1,"rejected":2)"));
  EXPECT_EQ(server_.Count(), 4);
}

TEST_F(CollectTest, CorruptGzipIs400) {
  client::HttpHeaders h = Key();
  h.emplace_back("Content-Encoding", "gzip");
  auto r = Post("definitely not gzip", h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("corrupt gzip body"));
  const std::string gz = Gzip(Event("m1"));
  r = Post(gz.substr(0, gz.size() - 5), h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("truncated gzip body"));
  h.back().second = "br";
  r = Post(Event("m1"), h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 415);
}

TEST_F(CollectTest, UnsupportedContentTypeAndMethod) {
  auto r = Post(Event("m1"), Key("application/x-www-form-urlencoded"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 415);
  r = client_->Request("GET", "/collect", "", Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("Allow"), "POST, OPTIONS");
}

TEST_F(CollectTest, AppendFailureIs503AndClaimsNothing) {
  server_.engine().FailAppends(true);
  auto r = Post(Event("m1"), Key());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, R"({"error":{"message":"events not stored: injected WAL failure"}})");
  EXPECT_THAT(server_.metrics().Render(), HasSubstr("strata_ingest_events_total 0"));
}

TEST(CollectLimits, BodyTooLargeByContentLength) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  TestServer server(o);
  auto client = server.Client();
  auto r = client->Request("POST", "/collect", std::string(1001, ' '),
                           {{"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"error":{"message":"body larger than 1000 bytes"}})");
  // The client reconnects; exactly at the limit is fine.
  std::string body = Event("m1");
  body.resize(1000, ' ');
  r = client->Request("POST", "/collect", body, {{"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(CollectLimits, ChunkedBodyTooLarge) {
  HttpServerOptions o;
  o.max_body_bytes = 100 << 10;
  TestServer server(o);
  RawConnection c(server.port());
  std::string request =
      absl::StrCat("POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: ", server.m1().write_key,
                   "\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(10 << 10, ' ');
  for (int i = 0; i < 20; ++i) absl::StrAppend(&request, "2800\r\n", chunk, "\r\n");
  request += "0\r\n\r\n";
  ASSERT_TRUE(c.Send(request));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_THAT(response, HasSubstr("Connection: close"));
  // A chunked body under the limit works.
  RawConnection ok(server.port());
  const std::string event = Event("m1");
  ASSERT_TRUE(ok.Send(
      absl::StrCat("POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: ", server.m1().write_key,
                   "\r\nTransfer-Encoding: chunked\r\n\r\n", absl::Hex(event.size() - 10), "\r\n",
                   event.substr(0, event.size() - 10), "\r\n", absl::Hex(10), "\r\n",
                   event.substr(event.size() - 10), "\r\n0\r\n\r\n")));
  const std::string good = ok.ReadResponse();
  EXPECT_EQ(StatusOf(good), 200) << good;
}

TEST(CollectLimits, GzipBombIs413) {
  HttpServerOptions o;
  o.max_decoded_body_bytes = 1 << 20;
  TestServer server(o);
  auto client = server.Client();
  const std::string bomb = Gzip(std::string(32 << 20, ' '));
  auto r = client->Request("POST", "/collect", bomb,
                           {{"X-Strata-Key", server.m1().write_key}, {"Content-Encoding", "gzip"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"error":{"message":"decoded body larger than 1048576 bytes"}})");
  EXPECT_THAT(server.metrics().Render(), HasSubstr("strata_http_inflight_bytes 0"));
}

TEST(CollectLimits, OverloadIs429WithRetryAfter) {
  HttpServerOptions o;
  o.max_inflight_bytes = 1000;
  o.retry_after_seconds = 7;
  TestServer server(o);
  server.engine().HoldAppends(true);
  std::string body = Event("m1") + "\n" + Event("m1") + "\n";
  body.resize(240, ' ');
  // Four requests are held in Append (960 bytes in flight) ...
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    senders.emplace_back([&] {
      auto c = server.Client();
      auto r = c->Request("POST", "/collect", body, {{"X-Strata-Key", server.m1().write_key}});
      if (r.ok() && r->status == 200) ok++;
    });
  }
  server.engine().AwaitHeldAppends(4);
  // ... so the next one is over the bound.
  auto client = server.Client();
  auto r = client->Request("POST", "/collect", body, {{"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->Header("Retry-After"), "7");
  EXPECT_THAT(r->body, HasSubstr("retry later"));
  const std::string metrics = server.metrics().Render();
  EXPECT_THAT(metrics, HasSubstr("strata_http_throttled_total 1"));
  EXPECT_THAT(metrics, HasSubstr("strata_http_inflight_bytes 960\n"));
  // The connection that got 429 stays usable once the load is gone.
  server.engine().HoldAppends(false);
  for (std::thread& t : senders) t.join();
  EXPECT_EQ(ok.load(), 4);
  r = client->Request("POST", "/collect", body, {{"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.Count(), 10);
  EXPECT_THAT(server.metrics().Render(), HasSubstr("strata_http_inflight_bytes 0"));
}

TEST(CollectLimits, ChunkedBodyOverTheInflightBoundIs429) {
  HttpServerOptions o;
  o.max_inflight_bytes = 100 << 10;
  TestServer server(o);
  server.engine().HoldAppends(true);
  std::thread holder([&] {
    auto c = server.Client();
    std::string body = Event("m1");
    body.resize(90 << 10, '\n');  // blank lines: one event
    auto r = c->Request("POST", "/collect", body, {{"X-Strata-Key", server.m1().write_key}});
    EXPECT_TRUE(r.ok() && r->status == 200);
  });
  server.engine().AwaitHeldAppends(1);
  // A chunked body has no length to check up front: it is refused when it grows past the
  // bound (the first 64 KiB of room would already exceed it).
  RawConnection c(server.port());
  std::string request =
      absl::StrCat("POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: ", server.m1().write_key,
                   "\r\nTransfer-Encoding: chunked\r\n\r\n");
  absl::StrAppend(&request, absl::Hex(Event("m1").size()), "\r\n", Event("m1"), "\r\n0\r\n\r\n");
  ASSERT_TRUE(c.Send(request));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 429) << response;
  EXPECT_THAT(response, HasSubstr("Retry-After: 1"));
  server.engine().HoldAppends(false);
  holder.join();
  EXPECT_EQ(server.Count(), 1);
}

TEST(CollectCors, PreflightAndReplies) {
  HttpServerOptions o;
  o.cors_allowed_origins = {"https://shop.example"};
  TestServer server(o);
  auto client = server.Client();
  auto r = client->Request("OPTIONS", "/collect", "",
                           {{"Origin", "https://shop.example"},
                            {"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type, x-strata-key"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(r->Header("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_EQ(r->Header("Access-Control-Allow-Headers"),
            "Content-Type, Content-Encoding, X-Strata-Key, Authorization");
  EXPECT_EQ(r->Header("Access-Control-Max-Age"), "86400");
  EXPECT_EQ(r->Header("Vary"), "Origin");

  r = client->Request("OPTIONS", "/collect", "", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "");

  r = client->Request(
      "POST", "/collect", Event("m1"),
      {{"Origin", "https://shop.example"}, {"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "https://shop.example");
  // Errors carry the CORS headers too, so the page can read them.
  r = client->Request("POST", "/collect", Event("m1"),
                      {{"Origin", "https://shop.example"}, {"X-Strata-Key", "wk_bad"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "https://shop.example");

  r = client->Request(
      "POST", "/collect", Event("m1"),
      {{"Origin", "https://evil.example"}, {"X-Strata-Key", server.m1().write_key}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(server.Count(), 1);
}

TEST(CollectCors, WildcardOrigin) {
  TestServer server;
  auto client = server.Client();
  auto r = client->Request("OPTIONS", "/collect", "", {{"Origin", "https://any.example"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(r->Header("Content-Type").empty());
}

}  // namespace
}  // namespace strata::server::http
