// Limits and robustness: cancel requests, statement timeouts, connection limits, malformed
// packets, clients that vanish, protocol negotiation, graceful stop.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/pgwire/pg_test_util.h"

namespace strata::server::pgwire {
namespace {

using testing::Cell;
using testing::ErrorMessage;
using testing::Exec;
using testing::kSlowQuery;
using testing::PgConnPtr;
using testing::PgResultPtr;
using testing::RawClient;
using testing::SqlState;
using testing::TestServer;

PgConnPtr SlowSession(const TestServer& server) {
  testing::PgTestData::WithBig();
  PgConnPtr c = server.Connect("big", "pwbig");
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  Exec(c.get(), "SET strata.threads = 1");
  return c;
}

TEST(PgLimits, CancelRequestCancelsTheRunningStatement) {
  TestServer server;
  PgConnPtr c = SlowSession(server);
  const absl::Time start = absl::Now();
  ASSERT_EQ(PQsendQuery(c.get(), kSlowQuery), 1);
  absl::SleepFor(absl::Milliseconds(300));
  PGcancel* cancel = PQgetCancel(c.get());
  char error[256];
  EXPECT_EQ(PQcancel(cancel, error, sizeof(error)), 1) << error;
  PQfreeCancel(cancel);
  PgResultPtr r(PQgetResult(c.get()));
  while (PGresult* more = PQgetResult(c.get())) PQclear(more);
  EXPECT_EQ(SqlState(r.get()), "57014");
  EXPECT_EQ(ErrorMessage(r.get()), "canceling statement due to user request");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The connection goes on, and a later statement is not canceled by the old request.
  EXPECT_EQ(
      Cell(Exec(c.get(), "SELECT count(*) FROM events WHERE event = 'purchase' OR true").get()),
      std::to_string(testing::kBigEvents));
}

TEST(PgLimits, CancelRequestWithWrongKeyOrPidIsIgnored) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  for (int32_t pid : {PQbackendPID(c.get()), 1}) {
    RawClient raw(server.port());
    std::string packet(16, '\0');
    PutInt32(packet.data(), 16);
    PutInt32(packet.data() + 4, kCancelRequestCode);
    PutInt32(packet.data() + 8, pid);
    PutInt32(packet.data() + 12, 12345);
    ASSERT_TRUE(raw.Send(packet));
    EXPECT_TRUE(raw.ClosedByServer());  // no answer, just the close
  }
  EXPECT_EQ(Cell(Exec(c.get(), "SELECT count(*) FROM events").get()), "3");
}

TEST(PgLimits, StatementTimeoutFromTheSession) {
  TestServer server;
  PgConnPtr c = SlowSession(server);
  PgResultPtr r = Exec(c.get(), "SET statement_timeout = '200ms'");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
  const absl::Time start = absl::Now();
  r = Exec(c.get(), kSlowQuery);
  EXPECT_EQ(SqlState(r.get()), "57014");
  EXPECT_EQ(ErrorMessage(r.get()), "canceling statement due to statement timeout");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // Quick statements are not affected.
  EXPECT_EQ(Cell(Exec(c.get(), "SELECT 1").get()), "1");
  r = Exec(c.get(), "SET statement_timeout = 'soon'");
  EXPECT_EQ(SqlState(r.get()), "22023");
  EXPECT_EQ(Cell(Exec(c.get(), "SHOW statement_timeout").get()), "200ms");
  r = Exec(c.get(), "SET statement_timeout = 5000");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
}

TEST(PgLimits, StatementTimeoutFromServerAndMerchantLimits) {
  {
    PgServerOptions o;
    o.statement_timeout = absl::Milliseconds(200);
    TestServer server(o);
    PgConnPtr c = SlowSession(server);
    // A session may shorten the limit, not lengthen it.
    Exec(c.get(), "SET statement_timeout = '1h'");
    PgResultPtr r = Exec(c.get(), kSlowQuery);
    EXPECT_EQ(ErrorMessage(r.get()), "canceling statement due to statement timeout");
  }
  auth::MerchantLimits limits;
  limits.statement_timeout_ms = 200;
  ASSERT_TRUE(testing::PgTestData::Get().tenants()->SetLimits("big", limits).ok());
  TestServer server;
  PgConnPtr c = SlowSession(server);
  PgResultPtr r = Exec(c.get(), kSlowQuery);
  EXPECT_EQ(ErrorMessage(r.get()), "canceling statement due to statement timeout");
  ASSERT_TRUE(testing::PgTestData::Get().tenants()->SetLimits("big", {}).ok());
}

TEST(PgLimits, TooManyConnections) {
  PgServerOptions o;
  o.max_connections = 2;
  TestServer server(o);
  PgConnPtr a = server.Connect("m1", "pw1");
  PgConnPtr b = server.Connect("m2", "pw2");
  ASSERT_EQ(PQstatus(b.get()), CONNECTION_OK);
  PgConnPtr c = server.Connect("strata", testing::kAdminPassword);
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_BAD);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(c.get()), "too many connections"))
      << PQerrorMessage(c.get());
  a.reset();
  ASSERT_TRUE(server.WaitForConnections(1));
  c = server.Connect("strata", testing::kAdminPassword);
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
}

TEST(PgLimits, TooManyConnectionsPerMerchant) {
  PgServerOptions o;
  o.max_connections_per_merchant = 1;
  TestServer server(o);
  PgConnPtr a = server.Connect("m1", "pw1");
  ASSERT_EQ(PQstatus(a.get()), CONNECTION_OK);
  PgConnPtr b = server.Connect("m1", "pw1");
  EXPECT_EQ(PQstatus(b.get()), CONNECTION_BAD);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(b.get()), "too many connections for role \"m1\""))
      << PQerrorMessage(b.get());
  PgConnPtr other = server.Connect("m2", "pw2");
  EXPECT_EQ(PQstatus(other.get()), CONNECTION_OK);
  // A merchant's own limit overrides the server's.
  auth::MerchantLimits limits;
  limits.max_connections = 2;
  ASSERT_TRUE(testing::PgTestData::Get().tenants()->SetLimits("m1", limits).ok());
  b = server.Connect("m1", "pw1");
  EXPECT_EQ(PQstatus(b.get()), CONNECTION_OK) << PQerrorMessage(b.get());
  ASSERT_TRUE(testing::PgTestData::Get().tenants()->SetLimits("m1", {}).ok());
}

// Sends `bytes` after logging in (or instead of the startup packet) and expects an 08P01
// ErrorResponse followed by the server closing the connection.
void ExpectProtocolViolation(uint16_t port, bool login, const std::string& bytes) {
  SCOPED_TRACE(::testing::Message() << "login " << login << ", " << bytes.size() << " bytes, type "
                                    << bytes[0] << " len " << GetInt32(bytes.data() + 1));
  RawClient raw(port);
  if (login) {
    ASSERT_TRUE(raw.Login("m1", "pw1"));
  }
  ASSERT_TRUE(raw.Send(bytes));
  char type = 0;
  std::string payload;
  ASSERT_TRUE(raw.Read(&type, &payload));
  EXPECT_EQ(type, 'E');
  EXPECT_EQ(testing::ErrorField(payload, 'C'), "08P01") << testing::ErrorField(payload, 'M');
  EXPECT_EQ(testing::ErrorField(payload, 'S'), "FATAL");
  EXPECT_TRUE(raw.ClosedByServer());
}

std::string Header(char type, int32_t length) {
  std::string h(1, type);
  char b[4];
  PutInt32(b, length);
  h.append(b, 4);
  return h;
}

TEST(PgLimits, MalformedPacketsCloseOnlyThatConnection) {
  TestServer server;
  PgConnPtr bystander = server.Connect("m2", "pw2");
  ASSERT_EQ(PQstatus(bystander.get()), CONNECTION_OK);
  ExpectProtocolViolation(server.port(), false, std::string("\0\0\0\3", 4));  // length < 4
  ExpectProtocolViolation(server.port(), false, std::string("\0\1\0\0", 4));  // too long
  ExpectProtocolViolation(server.port(), false, std::string("\0\0\0\10\0\3\0\0", 8) + "junk");
  ExpectProtocolViolation(server.port(), true, Header('Y', 4));              // unknown type
  ExpectProtocolViolation(server.port(), true, Header('Q', 0x7fffffff));     // > 1 GiB
  ExpectProtocolViolation(server.port(), true, Header('Q', 2));              // < 4
  ExpectProtocolViolation(server.port(), true, Header('Q', 10) + "SELECT");  // no NUL
  ExpectProtocolViolation(server.port(), true, Header('B', 6) + std::string(2, '\0'));  // truncated
  ExpectProtocolViolation(server.port(), true, Header('E', 5) + std::string(1, '\0'));
  ExpectProtocolViolation(server.port(), true, Header('D', 6) + "Z" + std::string(1, '\0'));
  {
    // Half a message, then the client goes away.
    RawClient raw(server.port());
    ASSERT_TRUE(raw.Login("m1", "pw1"));
    ASSERT_TRUE(raw.Send(Header('Q', 100) + "SELECT"));
  }
  {
    // A truncated startup packet.
    RawClient raw(server.port());
    ASSERT_TRUE(raw.Send(std::string("\0\0\0\100\0\3", 6)));
  }
  EXPECT_EQ(Cell(Exec(bystander.get(), "SELECT count(*) FROM events").get()), "2");
  EXPECT_TRUE(server.WaitForConnections(1));
  PgConnPtr fresh = server.Connect("m1", "pw1");
  EXPECT_EQ(PQstatus(fresh.get()), CONNECTION_OK);
}

TEST(PgLimits, ClientVanishingMidQuery) {
  testing::PgTestData::WithBig();
  TestServer server;
  {
    RawClient raw(server.port());
    ASSERT_TRUE(raw.Login("big", "pwbig"));
    std::string q = "SELECT page, count(*) FROM events GROUP BY page";
    q.push_back('\0');
    ASSERT_TRUE(raw.SendMessage('Q', q));
  }  // closed before the answer
  ASSERT_TRUE(server.WaitForConnections(0));
  PgConnPtr c = server.Connect("m1", "pw1");
  EXPECT_EQ(Cell(Exec(c.get(), "SELECT count(*) FROM events").get()), "3");
}

TEST(PgLimits, ProtocolNegotiation) {
  TestServer server;
  {
    RawClient raw(server.port());
    ASSERT_TRUE(raw.SendStartup("m1", 2 << 16));
    char type = 0;
    std::string payload;
    ASSERT_TRUE(raw.Read(&type, &payload));
    EXPECT_EQ(type, 'E');
    EXPECT_EQ(testing::ErrorField(payload, 'C'), "0A000");
    EXPECT_TRUE(raw.ClosedByServer());
  }
  {
    // 3.2 is answered with NegotiateProtocolVersion (3.0), then authentication goes on.
    RawClient raw(server.port());
    ASSERT_TRUE(raw.SendStartup("m1", (3 << 16) | 2));
    char type = 0;
    std::string payload;
    ASSERT_TRUE(raw.Read(&type, &payload));
    EXPECT_EQ(type, 'v');
    EXPECT_EQ(GetInt32(payload.data()), 0);
    ASSERT_TRUE(raw.Read(&type, &payload));
    EXPECT_EQ(type, 'R');
  }
  {
    // SSLRequest and GSSENCRequest are refused with 'N'; the plain startup follows.
    RawClient raw(server.port());
    for (int32_t code : {kSslRequestCode, kGssEncRequestCode}) {
      std::string request(8, '\0');
      PutInt32(request.data(), 8);
      PutInt32(request.data() + 4, code);
      ASSERT_TRUE(raw.Send(request));
      std::string answer;
      ASSERT_TRUE(raw.ReadBytes(1, &answer));
      EXPECT_EQ(answer, "N");
    }
    EXPECT_TRUE(raw.Login("m1", "pw1"));
  }
}

TEST(PgLimits, AuthenticationTimeout) {
  PgServerOptions o;
  o.authentication_timeout = absl::Milliseconds(200);
  TestServer server(o);
  RawClient raw(server.port());
  ASSERT_TRUE(raw.SendStartup("m1"));
  char type = 0;
  std::string payload;
  ASSERT_TRUE(raw.Read(&type, &payload));  // AuthenticationSASL, then silence
  EXPECT_TRUE(raw.ClosedByServer(absl::Seconds(5)));

  // A trickle of bytes does not extend the deadline.
  RawClient slow(server.port());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(slow.Send(std::string("\0\0\0\100", 4)));
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    closed = !slow.Send("x");
  }
  EXPECT_TRUE(closed || slow.ClosedByServer(absl::Seconds(1)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(PgLimits, GracefulStopTellsIdleClients) {
  TestServer server;
  PgConnPtr idle = server.Connect("m1", "pw1");
  ASSERT_EQ(PQstatus(idle.get()), CONNECTION_OK);
  const absl::Time start = absl::Now();
  server.server().Stop(absl::Seconds(10));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(server.server().active_connections(), 0);
  PgResultPtr r = Exec(idle.get(), "SELECT 1");
  EXPECT_NE(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(idle.get()),
                                "terminating connection due to administrator command"))
      << PQerrorMessage(idle.get());
  PgConnPtr late = server.Connect("m1", "pw1");
  EXPECT_EQ(PQstatus(late.get()), CONNECTION_BAD);
  server.server().Stop();  // idempotent
}

TEST(PgLimits, GracefulStopCancelsStatementsAfterGrace) {
  TestServer server;
  PgConnPtr busy = SlowSession(server);
  ASSERT_EQ(PQsendQuery(busy.get(), kSlowQuery), 1);
  absl::SleepFor(absl::Milliseconds(200));
  const absl::Time start = absl::Now();
  server.server().Stop(absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  PgResultPtr r(PQgetResult(busy.get()));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(SqlState(r.get()), "57P01");
  EXPECT_EQ(ErrorMessage(r.get()), "terminating connection due to administrator command");
}

TEST(PgLimits, GracefulStopLetsShortStatementsFinish) {
  testing::PgTestData::WithBig();
  TestServer server;
  PgConnPtr busy = server.Connect("big", "pwbig");
  ASSERT_EQ(PQsendQuery(busy.get(), "SELECT count(*) FROM events WHERE page LIKE '%a%'"), 1);
  server.server().Stop(absl::Seconds(10));
  PgResultPtr r(PQgetResult(busy.get()));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(busy.get());
}

}  // namespace
}  // namespace strata::server::pgwire
