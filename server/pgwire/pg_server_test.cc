// A real PgServer on a real Engine and TenantStore, driven by libpq: login, the simple
// query protocol, errors, transaction status, merchant scope, parameter reporting.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/pgwire/pg_test_util.h"

namespace strata::server::pgwire {
namespace {

using testing::Cell;
using testing::ErrorMessage;
using testing::Exec;
using testing::PgConnPtr;
using testing::PgResultPtr;
using testing::SqlState;
using testing::TestServer;

TEST(PgServer, ScramLoginReportsParameters) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1", "application_name=tests");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_STREQ(PQparameterStatus(c.get(), "server_version"), "15.0 (Strata)");
  EXPECT_STREQ(PQparameterStatus(c.get(), "server_encoding"), "UTF8");
  EXPECT_STREQ(PQparameterStatus(c.get(), "client_encoding"), "UTF8");
  EXPECT_STREQ(PQparameterStatus(c.get(), "DateStyle"), "ISO, MDY");
  EXPECT_STREQ(PQparameterStatus(c.get(), "TimeZone"), "UTC");
  EXPECT_STREQ(PQparameterStatus(c.get(), "integer_datetimes"), "on");
  EXPECT_STREQ(PQparameterStatus(c.get(), "standard_conforming_strings"), "on");
  EXPECT_STREQ(PQparameterStatus(c.get(), "IntervalStyle"), "postgres");
  EXPECT_STREQ(PQparameterStatus(c.get(), "is_superuser"), "off");
  EXPECT_STREQ(PQparameterStatus(c.get(), "session_authorization"), "m1");
  EXPECT_STREQ(PQparameterStatus(c.get(), "application_name"), "tests");
  EXPECT_GE(PQbackendPID(c.get()), 10000);
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_IDLE);
  EXPECT_TRUE(server.WaitForConnections(1));

  PgConnPtr admin = server.Connect("strata", testing::kAdminPassword);
  ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK) << PQerrorMessage(admin.get());
  EXPECT_STREQ(PQparameterStatus(admin.get(), "is_superuser"), "on");
  // Databases: the configured one, "postgres", and the user's own name.
  EXPECT_EQ(PQstatus(server.Connect("m1", "pw1", "dbname=postgres").get()), CONNECTION_OK);
  EXPECT_EQ(PQstatus(server.Connect("m1", "pw1", "dbname=m1").get()), CONNECTION_OK);
}

TEST(PgServer, PortInUseIsUnavailable) {
  TestServer first;
  PgServerOptions o;
  o.port = first.port();
  MetricsRegistry metrics;
  PgServer second(o, testing::PgTestData::Get().engine(), testing::PgTestData::Get().tenants(),
                  &metrics);
  absl::Status started = second.Start();
  EXPECT_TRUE(absl::IsUnavailable(started)) << started;
  EXPECT_TRUE(absl::StrContains(started.message(), absl::StrCat("127.0.0.1:", first.port())))
      << started;
  second.Stop();  // never started: a no-op
}

TEST(PgServer, SslRequestIsAnsweredNo) {
  TestServer server;
  // sslmode=prefer sends SSLRequest first and continues in plain text after 'N'.
  PgConnPtr c = server.Connect("m1", "pw1", "sslmode=prefer");
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(PQsslInUse(c.get()), 0);
}

TEST(PgServer, WrongPasswordAndUnknownUserFailAlike) {
  TestServer server;
  PgConnPtr wrong = server.Connect("m1", "nope");
  EXPECT_EQ(PQstatus(wrong.get()), CONNECTION_BAD);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(wrong.get()),
                                "password authentication failed for user \"m1\""))
      << PQerrorMessage(wrong.get());
  PgConnPtr unknown = server.Connect("ghost", "pw1");
  EXPECT_EQ(PQstatus(unknown.get()), CONNECTION_BAD);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(unknown.get()),
                                "password authentication failed for user \"ghost\""))
      << PQerrorMessage(unknown.get());
  const std::string metrics = server.metrics().Render();
  EXPECT_TRUE(absl::StrContains(metrics, "strata_pg_auth_failures_total 2")) << metrics;
}

TEST(PgServer, UnknownDatabase) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1", "dbname=elsewhere");
  EXPECT_EQ(PQstatus(c.get()), CONNECTION_BAD);
  EXPECT_TRUE(absl::StrContains(PQerrorMessage(c.get()), "database \"elsewhere\" does not exist"));
  EXPECT_TRUE(server.WaitForConnections(0));
}

TEST(PgServer, SimpleQueryWithSeveralStatements) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  ASSERT_EQ(PQsendQuery(c.get(),
                        "SELECT count(*) AS n FROM events; SET TimeZone = 'Europe/Berlin';"
                        "SELECT ts, event, value FROM events ORDER BY ts LIMIT 1"),
            1);
  std::vector<PgResultPtr> results;
  while (PGresult* r = PQgetResult(c.get())) results.emplace_back(r);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_EQ(PQresultStatus(results[0].get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQfname(results[0].get(), 0), "n");
  EXPECT_EQ(PQftype(results[0].get(), 0), 20u);
  EXPECT_EQ(Cell(results[0].get()), "3");
  EXPECT_STREQ(PQcmdStatus(results[0].get()), "SELECT 1");
  EXPECT_EQ(PQresultStatus(results[1].get()), PGRES_COMMAND_OK);
  EXPECT_STREQ(PQcmdStatus(results[1].get()), "SET");
  ASSERT_EQ(PQresultStatus(results[2].get()), PGRES_TUPLES_OK);
  EXPECT_EQ(PQftype(results[2].get(), 0), 1184u);
  EXPECT_EQ(Cell(results[2].get(), 0, 0), "2026-11-01 11:00:00+01");
  EXPECT_EQ(Cell(results[2].get(), 0, 1), "page_view");
  EXPECT_EQ(Cell(results[2].get(), 0, 2), "NULL");
  // SET of a reported parameter is reported back.
  EXPECT_STREQ(PQparameterStatus(c.get(), "TimeZone"), "Europe/Berlin");
  PgResultPtr app = Exec(c.get(), "SET application_name TO 'dashboards'");
  EXPECT_STREQ(PQparameterStatus(c.get(), "application_name"), "dashboards");
  PgResultPtr show = Exec(c.get(), "SHOW application_name");
  EXPECT_EQ(Cell(show.get()), "dashboards");
}

TEST(PgServer, EmptyQuery) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  PgResultPtr r = Exec(c.get(), "  -- nothing\n ; ");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_EMPTY_QUERY);
  r = Exec(c.get(), "");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_EMPTY_QUERY);
}

TEST(PgServer, ErrorsCarrySqlstateAndPositionAndStopTheMessage) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  PgResultPtr r = Exec(c.get(), "SELECT nope FROM events");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(SqlState(r.get()), "42703");
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_STATEMENT_POSITION), "8");
  EXPECT_STREQ(PQresultErrorField(r.get(), PG_DIAG_SEVERITY_NONLOCALIZED), "ERROR");

  ASSERT_EQ(PQsendQuery(c.get(), "SELECT 1; SELECT nope FROM events; SELECT 3"), 1);
  std::vector<PgResultPtr> results;
  while (PGresult* one = PQgetResult(c.get())) results.emplace_back(one);
  ASSERT_EQ(results.size(), 2u);  // the third statement never runs
  EXPECT_EQ(Cell(results[0].get()), "1");
  EXPECT_EQ(SqlState(results[1].get()), "42703");
  // Positions count in the whole message: "nope" is its 18th character.
  EXPECT_STREQ(PQresultErrorField(results[1].get(), PG_DIAG_STATEMENT_POSITION), "18");

  r = Exec(c.get(), "SELEC 1");
  EXPECT_EQ(SqlState(r.get()), "42601");
  r = Exec(c.get(), "SELECT 1/0");
  EXPECT_EQ(SqlState(r.get()), "22012");
  r = Exec(c.get(), "SELECT count(*) FROM nowhere");
  EXPECT_EQ(SqlState(r.get()), "42P01");
  // The connection is still usable.
  r = Exec(c.get(), "SELECT count(*) FROM events");
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(Cell(r.get()), "3");
  const std::string metrics = server.metrics().Render();
  EXPECT_TRUE(absl::StrContains(metrics, "strata_pg_queries_total{status=\"error\"} 5")) << metrics;
  EXPECT_TRUE(absl::StrContains(metrics, "strata_pg_query_seconds_count")) << metrics;
}

TEST(PgServer, TransactionStatusFollowsPostgres) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  std::vector<std::string> notices;
  PQsetNoticeReceiver(
      c.get(),
      [](void* arg, const PGresult* r) {
        static_cast<std::vector<std::string>*>(arg)->push_back(SqlState(r) + " " + ErrorMessage(r));
      },
      &notices);
  PgResultPtr r = Exec(c.get(), "BEGIN");
  EXPECT_STREQ(PQcmdStatus(r.get()), "BEGIN");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_INTRANS);
  r = Exec(c.get(), "SELECT count(*) FROM events");
  EXPECT_EQ(Cell(r.get()), "3");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_INTRANS);
  r = Exec(c.get(), "SELECT nope");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_INERROR);
  r = Exec(c.get(), "SELECT 1");
  EXPECT_EQ(SqlState(r.get()), "25P02");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_INERROR);
  r = Exec(c.get(), "ROLLBACK");
  EXPECT_STREQ(PQcmdStatus(r.get()), "ROLLBACK");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_IDLE);

  // COMMIT of a failed block answers ROLLBACK.
  Exec(c.get(), "BEGIN");
  Exec(c.get(), "SELECT nope");
  r = Exec(c.get(), "COMMIT");
  EXPECT_STREQ(PQcmdStatus(r.get()), "ROLLBACK");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_IDLE);

  // COMMIT outside a block: a warning, as PostgreSQL gives.
  r = Exec(c.get(), "COMMIT");
  EXPECT_STREQ(PQcmdStatus(r.get()), "COMMIT");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "25P01 there is no transaction in progress");
  // BEGIN in a block: a warning too.
  Exec(c.get(), "BEGIN");
  Exec(c.get(), "BEGIN");
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1], "25001 there is already a transaction in progress");
  Exec(c.get(), "END");
  EXPECT_EQ(PQtransactionStatus(c.get()), PQTRANS_IDLE);
}

TEST(PgServer, MerchantsSeeOnlyTheirOwnRows) {
  testing::PgTestData::WithBig();
  TestServer server;
  PgConnPtr m1 = server.Connect("m1", "pw1");
  PgConnPtr m2 = server.Connect("m2", "pw2");
  PgConnPtr admin = server.Connect("strata", testing::kAdminPassword);
  ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK);
  EXPECT_EQ(Cell(Exec(m1.get(), "SELECT count(*) FROM events").get()), "3");
  EXPECT_EQ(Cell(Exec(m2.get(), "SELECT count(*) FROM events").get()), "2");
  EXPECT_EQ(Cell(Exec(m1.get(), "SELECT count(*) FROM events WHERE merchant = 'm2'").get()), "0");
  EXPECT_EQ(Cell(Exec(m1.get(), "SELECT count(*) FROM events WHERE merchant = 'm2' OR true").get()),
            "3");
  EXPECT_EQ(Cell(Exec(m2.get(), "SELECT string_agg(DISTINCT merchant, ',') FROM events").get()),
            "m2");
  EXPECT_EQ(Cell(Exec(admin.get(), "SELECT count(*) FROM events").get()),
            std::to_string(3 + 2 + testing::kBigEvents));
  EXPECT_EQ(
      Cell(Exec(admin.get(), "SELECT count(*) FROM events WHERE merchant IN ('m1','m2')").get()),
      "5");
}

TEST(PgServer, StartupOptionsAreSettings) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1", "options='-c TimeZone=Asia/Tokyo -c search_path=x'");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_STREQ(PQparameterStatus(c.get(), "TimeZone"), "Asia/Tokyo");
  EXPECT_EQ(Cell(Exec(c.get(), "SELECT min(ts) FROM events").get()), "2026-11-01 19:00:00+09");
  // An invalid value of a known setting refuses the connection, as PostgreSQL does.
  PgConnPtr bad = server.Connect("m1", "pw1", "options='-c TimeZone=Mars/Olympus'");
  EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
}

TEST(PgServer, ManyConnectionsAtOnce) {
  PgServerOptions o;
  o.max_connections_per_merchant = 250;
  TestServer server(o);
  std::vector<PgConnPtr> conns;
  for (int i = 0; i < 200; ++i) {
    conns.push_back(server.Connect(i % 2 == 0 ? "m1" : "m2", i % 2 == 0 ? "pw1" : "pw2"));
    ASSERT_EQ(PQstatus(conns.back().get()), CONNECTION_OK)
        << i << PQerrorMessage(conns.back().get());
  }
  EXPECT_EQ(server.server().active_connections(), 200);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Cell(Exec(conns[i].get(), "SELECT count(*) FROM events").get()),
              i % 2 == 0 ? "3" : "2");
  }
  conns.clear();
  EXPECT_TRUE(server.WaitForConnections(0));
}

}  // namespace
}  // namespace strata::server::pgwire
