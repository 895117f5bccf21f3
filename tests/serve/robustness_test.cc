// The server under abuse: bad SQL, malformed bytes on both ports, clients that vanish
// mid-query, 200 concurrent PG connections, oversized and malformed /collect bodies. After
// each, the server keeps serving and nothing it accepted is lost; an acknowledged event is
// visible to the next query.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "tests/serve/serve_fixture.h"
#include "tests/serve/test_data.h"

namespace strata::serve_test {
namespace {

class RobustnessTest : public DatasetServerTest {
 protected:
  // The server still answers both protocols, and shop-a still has its 40 events.
  void ExpectServing() {
    PgConnection conn = ConnectPg(server(), kMerchantA, kPasswordA);
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    PgResult r = Exec(conn.get(), "SELECT count(*) FROM events");
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
    EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "40");
    client::HttpClient http("127.0.0.1", server().http_port());
    absl::StatusOr<client::HttpResponse> health = http.Request("GET", "/healthz");
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(health->status, 200);
  }
};

// A raw TCP connection to 127.0.0.1:port; -1 on failure.
int ConnectRaw(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

struct RawExchange {
  std::string received;
  bool closed_by_server = false;
};

// Sends `bytes`, then reads until the server closes or `timeout` passes.
RawExchange SendRaw(uint16_t port, const std::string& bytes,
                    absl::Duration timeout = absl::Seconds(10)) {
  RawExchange out;
  int fd = ConnectRaw(port);
  if (fd < 0) return out;
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close before reading everything
    sent += static_cast<size_t>(n);
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      out.closed_by_server = true;
      break;
    }
    out.received.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string BigEndian32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

TEST_F(RobustnessTest, BadSqlKeepsTheConnection) {
  PgConnection conn = ConnectPg(server(), kMerchantA, kPasswordA);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"SELEC 1", "42601"},
      {"SELECT * FROM no_such_table", "42P01"},
      {"SELECT no_such_column FROM events", "42703"},
      {"SELECT no_such_function(1)", "42883"},
      {"SELECT 1 / 0", "22012"},
      {"SELECT 'abc'::bigint", "22P02"},
      {"SELECT ts + 1 FROM events", "42883"},
      {"SELECT page, count(*) FROM events", "42803"},
      {"SELECT count(*) FROM events ORDER BY 5", "42P10"},
      {"SELECT regexp_like(page, '(') FROM events", "2201B"},
      {"SELECT * FROM events a JOIN events b ON true", "0A000"},
      {"SELECT 9223372036854775807 + 1", "22003"},
      {"SELECT timestamptz 'yesterday-ish'", "22007"},
      {"SELECT 'unterminated", "42601"},
      {std::string("SELECT '\xff\xfe'"), ""},  // invalid UTF-8: an error of some kind
  };
  for (int round = 0; round < 3; ++round) {
    for (const auto& [sql, state] : bad) {
      PgResult r = Exec(conn.get(), sql);
      EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR) << sql;
      if (!state.empty()) {
        EXPECT_EQ(SqlState(r.get()), state) << sql << ": " << PQresultErrorMessage(r.get());
      }
      EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << sql;
    }
  }
  PgResult r = Exec(conn.get(), "SELECT count(*) FROM events");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "40");
  // A multi-statement message stops at the first error; the session lives on.
  r = Exec(conn.get(), "SELECT 1; SELECT 1/0; SELECT 2");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  r = Exec(conn.get(), "SELECT 3");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
  EXPECT_STREQ(PQgetvalue(r.get(), 0, 0), "3");
}

TEST_F(RobustnessTest, MalformedBytesOnThePgPort) {
  const uint16_t port = server().pg_port();
  struct Case {
    const char* name;
    std::string bytes;
  };
  std::string startup_body =
      std::string("\x00\x03\x00\x00", 4) + "user" + '\0' + "shop-a" + '\0' + '\0';
  const std::vector<Case> cases = {
      {"http on the pg port", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"length too small", BigEndian32(3) + "xxxx"},
      {"length zero", BigEndian32(0)},
      {"huge length", BigEndian32(0x7fffffff) + "abcd"},
      {"unknown protocol version", BigEndian32(8) + BigEndian32(0x00090000)},
      {"startup without terminator",
       BigEndian32(static_cast<uint32_t>(4 + startup_body.size() - 1)) +
           startup_body.substr(0, startup_body.size() - 1)},
      {"random bytes", std::string("\x13\x37\xde\xad\xbe\xef\x00\x01\x02\x03\x04\x05", 12)},
  };
  for (const Case& c : cases) {
    RawExchange r = SendRaw(port, c.bytes);
    EXPECT_TRUE(r.closed_by_server) << c.name << ": the server did not close the connection";
    if (!r.received.empty()) {
      // PostgreSQL answers a bad startup with an ErrorResponse ('E') or nothing.
      EXPECT_EQ(r.received[0], 'E') << c.name;
    }
  }
  // Half a startup packet, then the client goes away.
  int fd = ConnectRaw(port);
  ASSERT_GE(fd, 0);
  std::string half =
      BigEndian32(static_cast<uint32_t>(4 + startup_body.size())) + startup_body.substr(0, 5);
  ASSERT_EQ(::send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
  ::close(fd);
  ExpectServing();
}

TEST_F(RobustnessTest, MalformedMessageAfterLogin) {
  for (const std::string& garbage :
       {std::string("\x01\x00\x00\x00\x04", 5), std::string("Q\x00\x00\x00\x02", 5),
        std::string("Q\x7f\xff\xff\xff", 5) + "SELECT 1",
        std::string("P\x00\x00\x00\x09"
                    "abcd\x00",
                    10)}) {
    PgConnection conn = ConnectPg(server(), kMerchantA, kPasswordA);
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    ASSERT_EQ(::send(PQsocket(conn.get()), garbage.data(), garbage.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(garbage.size()));
    // The server answers with an error and closes; libpq reports the broken connection.
    PgResult r = Exec(conn.get(), "SELECT 1");
    EXPECT_NE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
    EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD) << "the server kept a broken connection";
  }
  ExpectServing();
}

TEST_F(RobustnessTest, MalformedHttp) {
  const uint16_t port = server().http_port();
  struct Case {
    const char* name;
    std::string bytes;
    std::string status;  // expected status line prefix, or "" for "any or none"
  };
  const std::vector<Case> cases = {
      {"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n", ""},
      {"bad request line", "HELLO\r\n\r\n", "HTTP/1.1 400"},
      {"bad content length", "POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
       "HTTP/1.1 400"},
      {"huge header",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n", ""},
      {"oversized content length",
       "POST /collect HTTP/1.1\r\nHost: x\r\nAuthorization: " + AdminAuthorization() +
           "\r\nContent-Length: 999999999999\r\n\r\n",
       "HTTP/1.1 413"},
      {"bad chunk",
       "POST /collect HTTP/1.1\r\nHost: x\r\nAuthorization: " + AdminAuthorization() +
           "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       ""},
  };
  for (const Case& c : cases) {
    RawExchange r = SendRaw(port, c.bytes);
    EXPECT_TRUE(r.closed_by_server) << c.name << ": got " << r.received;
    if (!c.status.empty()) {
      EXPECT_EQ(r.received.substr(0, c.status.size()), c.status) << c.name << ": " << r.received;
    }
  }
  // A body shorter than its Content-Length, then the client goes away.
  int fd = ConnectRaw(port);
  ASSERT_GE(fd, 0);
  std::string partial = "POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"a\":";
  ASSERT_GT(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), 0);
  ::close(fd);
  ExpectServing();
}

TEST_F(RobustnessTest, ClientsVanishingMidQuery) {
  // PG: a long statement, then the socket is shut down without a Terminate message.
  for (int i = 0; i < 2; ++i) {
    PgConnection conn = ConnectPg(server(), kMerchantA, kPasswordA);
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    ASSERT_TRUE(PQsendQuery(conn.get(), LongRunningSql().c_str()));
    absl::SleepFor(absl::Milliseconds(200));
    ::shutdown(PQsocket(conn.get()), SHUT_RDWR);
  }
  // HTTP: a long query API request, abandoned.
  int fd = ConnectRaw(server().http_port());
  ASSERT_GE(fd, 0);
  std::string sql = LongRunningSql();
  std::string request =
      absl::StrCat("POST /api/v1/query HTTP/1.1\r\nHost: x\r\nAuthorization: ",
                   client::BasicAuthorization(kMerchantA, kPasswordA),
                   "\r\nContent-Type: text/plain\r\nContent-Length: ", sql.size(), "\r\n\r\n", sql);
  ASSERT_GT(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), 0);
  absl::SleepFor(absl::Milliseconds(200));
  ::close(fd);
  // The server serves other clients at once, while the abandoned statements may still run.
  const absl::Time start = absl::Now();
  ExpectServing();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // The vanished clients' connections are released (once their statements end).
  EXPECT_TRUE(WaitForMetric(server(), "strata_pg_connections", 0, absl::Seconds(60)))
      << "strata_pg_connections stays at " << MetricValue(server(), "strata_pg_connections");
}

TEST_F(RobustnessTest, TwoHundredConcurrentPgConnections) {
  constexpr int kConnections = 200;
  // Every slot free (connections of earlier tests may still be closing).
  ASSERT_TRUE(WaitForMetric(server(), "strata_pg_connections", 0, absl::Seconds(60)));
  std::atomic<int> connected{0}, answered{0};
  std::vector<std::string> errors(kConnections);
  std::barrier all_connected(kConnections + 1);
  std::barrier all_done(kConnections + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kConnections; ++t) {
    threads.emplace_back([&, t] {
      // 150 admin sessions, 25 each for shop-a and shop-b (under the per-merchant limit).
      const bool admin = t < 150;
      const char* user = admin ? kAdminUser : (t % 2 == 0 ? kMerchantA : kMerchantB);
      const char* password = admin ? kAdminPassword : (t % 2 == 0 ? kPasswordA : kPasswordB);
      PgConnection conn = ConnectPg(server(), user, password);
      if (PQstatus(conn.get()) == CONNECTION_OK) {
        ++connected;
      } else {
        errors[t] = PQerrorMessage(conn.get());
      }
      all_connected.arrive_and_wait();
      if (PQstatus(conn.get()) == CONNECTION_OK) {
        PgResult r = Exec(conn.get(),
                          "SELECT count(*), max(page) FROM events WHERE ts >= "
                          "'2026-11-01 10:05:00+00'");
        std::string want = admin ? "55" : (t % 2 == 0 ? "35" : "20");
        if (PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQgetvalue(r.get(), 0, 0) == want) {
          ++answered;
        } else {
          errors[t] = absl::StrCat("query: ", PQresultErrorMessage(r.get()),
                                   PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "");
        }
      }
      all_done.arrive_and_wait();
    });
  }
  all_connected.arrive_and_wait();
  // Every slot is taken: one more connection is refused with 53300.
  PgConnection extra = ConnectPg(server(), kAdminUser, kAdminPassword);
  EXPECT_NE(PQstatus(extra.get()), CONNECTION_OK);
  EXPECT_NE(std::string(PQerrorMessage(extra.get())).find("too many connections"),
            std::string::npos)
      << PQerrorMessage(extra.get());
  extra.reset();
  all_done.arrive_and_wait();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(connected.load(), kConnections);
  EXPECT_EQ(answered.load(), kConnections);
  for (int t = 0; t < kConnections; ++t) EXPECT_EQ(errors[t], "") << "connection " << t;
  // Slots are released when clients go.
  absl::SleepFor(absl::Milliseconds(200));
  ExpectServing();
}

TEST_F(RobustnessTest, OversizedAndMalformedCollectBodies) {
  client::HttpClient http("127.0.0.1", server().http_port());
  // Over the default 8 MiB body limit.
  std::string big;
  while (big.size() <= (9u << 20)) big += DatasetNdjson("shop-big", 100);
  absl::StatusOr<CollectReply> r = Collect(http, big);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 413) << r->body;
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
    int status;
  };
  const std::vector<Case> cases = {
      {"empty", "", "application/x-ndjson", 400},
      {"not json", "hello world", "text/plain", 400},
      {"truncated object", "{\"merchant\":\"shop-x\",\"ts\":", "application/json", 400},
      {"array of garbage", "[1, 2, \"three\"]", "application/json", 400},
      {"missing fields", "{\"merchant\":\"shop-x\"}", "application/json", 400},
      {"bad merchant", "{\"merchant\":\"bad merchant!\",\"ts\":1793527200000,\"event\":\"x\"}",
       "application/json", 400},
      {"nul bytes", std::string("{\"merchant\":\"a\0b\"}", 18), "application/json", 400},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CollectReply> reply = Collect(
        http, c.body, {{"Authorization", AdminAuthorization()}, {"Content-Type", c.content_type}});
    ASSERT_TRUE(reply.ok()) << c.name << ": " << reply.status();
    EXPECT_EQ(reply->status, c.status) << c.name << ": " << reply->body;
    EXPECT_NE(reply->body.find("\"error"), std::string::npos) << c.name << ": " << reply->body;
  }
  // Corrupt gzip.
  absl::StatusOr<client::HttpResponse> gz =
      http.Request("POST", "/collect", std::string("\x1f\x8b\x08\x00garbage", 11),
                   {{"Authorization", AdminAuthorization()}, {"Content-Encoding", "gzip"}});
  ASSERT_TRUE(gz.ok()) << gz.status();
  EXPECT_EQ(gz->status, 400) << gz->body;
  // Wrong method and unknown path.
  absl::StatusOr<client::HttpResponse> get = http.Request("GET", "/collect");
  ASSERT_TRUE(get.ok());
  EXPECT_TRUE(get->status == 405 || get->status == 400) << get->status;
  absl::StatusOr<client::HttpResponse> missing = http.Request("GET", "/no/such/path");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  // None of it was stored.
  absl::StatusOr<int64_t> count = CountEvents(server());
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, kEventsA + kEventsB);
  ExpectServing();
}

// Concurrent ingest of good and bad events through keep-alive connections: the count
// afterwards is exactly the sum of what the server acknowledged.
TEST_F(RobustnessTest, NothingAcceptedIsLost) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 40;
  std::atomic<int64_t> accepted{0}, rejected{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ingest::GeneratorOptions g;
      g.events = kBatches * 250;
      g.merchants = 20;
      g.days = 1;
      g.seed = 100 + static_cast<uint64_t>(t);
      ingest::Generator generator(g);
      engine::Event e;
      client::HttpClient http("127.0.0.1", server().http_port());
      for (int b = 0; b < kBatches; ++b) {
        std::string body;
        for (int i = 0; i < 250 && generator.Next(&e); ++i) {
          ingest::Generator::AppendJson(e, &body);
          if (i % 50 == 7) body += "{\"merchant\":\"shop-x\",\"ts\":\"not a time\"}\n";
        }
        absl::StatusOr<CollectReply> r = Collect(http, body);
        if (!r.ok() || r->status != 200) {
          ++failures;
          continue;
        }
        accepted += r->accepted;
        rejected += r->rejected;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(accepted.load(), kThreads * kBatches * 250);
  EXPECT_EQ(rejected.load(), kThreads * kBatches * 5);
  absl::StatusOr<int64_t> count = CountEvents(server());
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, accepted.load() + kEventsA + kEventsB);
}

// An event is visible over PG wire as soon as /collect acknowledged it.
TEST_F(RobustnessTest, AcknowledgedEventIsVisibleAtOnce) {
  client::HttpClient http("127.0.0.1", server().http_port());
  PgConnection conn = ConnectPg(server(), kAdminUser, kAdminPassword);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  for (int i = 0; i < 50; ++i) {
    std::string id = absl::StrCat("fresh-", i);
    std::string body =
        absl::StrCat("{\"merchant\":\"shop-a\",\"ts\":", now_ms + i,
                     ",\"event\":\"page_view\",\"client_id\":\"c\",\"event_id\":\"", id, "\"}");
    absl::StatusOr<CollectReply> r = Collect(http, body);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->status, 200) << r->body;
    ASSERT_EQ(r->accepted, 1) << r->body;
    PgResult q =
        Exec(conn.get(), absl::StrCat("SELECT count(*) FROM events WHERE event_id = '", id, "'"));
    ASSERT_EQ(PQresultStatus(q.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(q.get());
    EXPECT_STREQ(PQgetvalue(q.get(), 0, 0), "1") << id << " not visible right after the 200";
  }
}

}  // namespace
}  // namespace strata::serve_test
