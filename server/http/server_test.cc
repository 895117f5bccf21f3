// The HTTP layer itself: malformed requests, limits, keep-alive, pipelining,
// 100-continue, connection limits, idle timeout, start errors and graceful Stop.
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/http_test_util.h"

namespace strata::server::http {
namespace {

using testing::BodyOf;
using ::testing::HasSubstr;
using testing::RawConnection;
using testing::StatusOf;
using testing::TestServer;

const char kEvent[] =
    R"({"merchant":"m1","ts":1793534400000,"event":"page_view","client_id":"c1"})";

std::string CollectRequest(const std::string& key, const std::string& extra_headers = "") {
  return absl::StrCat("POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: ", key,
                      "\r\nContent-Length: ", std::strlen(kEvent), "\r\n", extra_headers, "\r\n",
                      kEvent);
}

TEST(HttpServerProtocol, MalformedRequestIs400AndCloses) {
  TestServer server;
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 400) << response;
  EXPECT_THAT(BodyOf(response), HasSubstr(R"({"error":{"message":"malformed HTTP request: )"));
  EXPECT_THAT(response, HasSubstr("Content-Type: application/json"));
  EXPECT_TRUE(c.ReadsEof());

  RawConnection bad_length(server.port());
  ASSERT_TRUE(bad_length.Send("POST /collect HTTP/1.1\r\nContent-Length: abc\r\n\r\n"));
  EXPECT_EQ(StatusOf(bad_length.ReadResponse()), 400);
}

TEST(HttpServerProtocol, HugeHeaderIs431) {
  TestServer server;
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send(
      absl::StrCat("GET /healthz HTTP/1.1\r\nX-Big: ", std::string(20000, 'a'), "\r\n\r\n")));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 431) << response;
}

TEST(HttpServerProtocol, PipelinedRequestsAnswerInOrder) {
  TestServer server;
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send(absl::StrCat(CollectRequest(server.m1().write_key),
                                  "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", CollectRequest("wk_bad"),
                                  "GET /healthz HTTP/1.1\r\n\r\n")));
  const std::string first = c.ReadResponse();
  EXPECT_EQ(StatusOf(first), 200) << first;
  EXPECT_EQ(BodyOf(first), R"({"accepted":1,"rejected":0,"errors":[]})");
  EXPECT_EQ(StatusOf(c.ReadResponse()), 404);
  EXPECT_EQ(StatusOf(c.ReadResponse()), 401);
  const std::string last = c.ReadResponse();
  EXPECT_EQ(StatusOf(last), 200);
  EXPECT_EQ(BodyOf(last), "ok\n");
  EXPECT_EQ(server.Count(), 1);
}

TEST(HttpServerProtocol, ConnectionCloseAndHttp10) {
  TestServer server;
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
  EXPECT_TRUE(c.ReadsEof());
  RawConnection old(server.port());
  ASSERT_TRUE(old.Send("GET /healthz HTTP/1.0\r\n\r\n"));
  const std::string response = old.ReadResponse();
  EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.0 200"));
  EXPECT_TRUE(old.ReadsEof());
}

TEST(HttpServerProtocol, ExpectContinue) {
  TestServer server;
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send(absl::StrCat(
      "POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: ", server.m1().write_key,
      "\r\nContent-Length: ", std::strlen(kEvent), "\r\nExpect: 100-continue\r\n\r\n")));
  const std::string interim = c.ReadResponse();
  EXPECT_EQ(StatusOf(interim), 100) << interim;
  ASSERT_TRUE(c.Send(kEvent));
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);

  // Rejected before the body: the final status instead of 100, then the connection closes
  // (the client may or may not send the body now).
  RawConnection rejected(server.port());
  ASSERT_TRUE(
      rejected.Send(absl::StrCat("POST /collect HTTP/1.1\r\nHost: x\r\nX-Strata-Key: bad",
                                 "\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")));
  EXPECT_EQ(StatusOf(rejected.ReadResponse()), 401);
  EXPECT_TRUE(rejected.ReadsEof());
}

TEST(HttpServerProtocol, UnreadBodiesAreSkippedOnKeepAlive) {
  TestServer server;
  RawConnection c(server.port());
  // 401 before the body is read: the body is drained and the next request works.
  ASSERT_TRUE(c.Send(absl::StrCat(CollectRequest("wk_bad"), "GET /healthz HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(StatusOf(c.ReadResponse()), 401);
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
}

TEST(HttpServerProtocol, MaxConnections) {
  HttpServerOptions o;
  o.max_connections = 2;
  TestServer server(o);
  RawConnection a(server.port());
  RawConnection b(server.port());
  ASSERT_TRUE(a.Send("GET /healthz HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(b.Send("GET /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(a.ReadResponse()), 200);
  EXPECT_EQ(StatusOf(b.ReadResponse()), 200);
  RawConnection c(server.port());
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 503) << response;
  EXPECT_EQ(BodyOf(response), R"({"error":{"message":"too many connections"}})");
}

TEST(HttpServerProtocol, IdleConnectionsTimeOut) {
  HttpServerOptions o;
  o.idle_timeout = absl::Milliseconds(200);
  TestServer server(o);
  RawConnection c(server.port());
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
  const absl::Time start = absl::Now();
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(HttpServerLifecycle, PortInUse) {
  TestServer first;
  MetricsRegistry metrics;
  HttpServerOptions o;
  o.port = first.port();
  HttpServer second(o, &first.engine(), &first.tenants(), &metrics);
  const absl::Status s = second.Start();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("127.0.0.1:", first.port())));
}

TEST(HttpServerLifecycle, GracefulStopFinishesInFlightRequests) {
  TestServer server;
  server.engine().HoldAppends(true);
  // An ingest held in Append, and a request whose first bytes arrived before Stop.
  RawConnection busy(server.port());
  ASSERT_TRUE(busy.Send(CollectRequest(server.m1().write_key)));
  server.engine().AwaitHeldAppends(1);
  RawConnection health(server.port());
  ASSERT_TRUE(health.Send("GET /healthz HTTP/1.1\r\n"));
  RawConnection idle(server.port());
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(idle.ReadResponse()), 200);
  absl::SleepFor(absl::Milliseconds(100));  // the partial request has been read

  absl::Notification stopped;
  std::thread stopper([&] {
    server.server().Stop(absl::Seconds(10));
    stopped.Notify();
  });
  // Idle connections close at once; new ones are refused.
  EXPECT_TRUE(idle.ReadsEof());
  absl::SleepFor(absl::Milliseconds(100));
  RawConnection late(server.port());
  EXPECT_TRUE(!late.connected() || late.ReadsEof());
  // The started request is answered (503: shutting down), with Connection: close.
  ASSERT_TRUE(health.Send("\r\n"));
  const std::string health_response = health.ReadResponse();
  EXPECT_EQ(StatusOf(health_response), 503) << health_response;
  EXPECT_THAT(health_response, HasSubstr("Connection: close"));
  EXPECT_FALSE(stopped.HasBeenNotified());
  // The ingest finishes, durably, and is answered.
  server.engine().HoldAppends(false);
  const std::string response = busy.ReadResponse();
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response), R"({"accepted":1,"rejected":0,"errors":[]})");
  stopped.WaitForNotification();
  stopper.join();
  EXPECT_EQ(server.Count(), 1);
}

TEST(HttpServerLifecycle, StopGivesUpAfterTheGrace) {
  TestServer server;
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.Send("POST /collect HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"));
  absl::SleepFor(absl::Milliseconds(100));
  const absl::Time start = absl::Now();
  server.server().Stop(absl::Milliseconds(200));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_TRUE(slow.ReadsEof());
  server.server().Stop();  // idempotent
}

}  // namespace
}  // namespace strata::server::http
