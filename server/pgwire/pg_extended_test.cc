// The extended query protocol through libpq (PQexecParams, PQprepare, PQdescribePrepared,
// single-row mode) and a raw client (row-limited Execute and PortalSuspended, errors that
// skip to Sync).
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/pgwire/pg_test_util.h"

namespace strata::server::pgwire {
namespace {

using testing::Cell;
using testing::Exec;
using testing::PgConnPtr;
using testing::PgResultPtr;
using testing::RawClient;
using testing::SqlState;
using testing::TestServer;

constexpr Oid kInt8 = 20;
constexpr Oid kText = 25;
constexpr Oid kTimestamptz = 1184;

int64_t BigEndian64(const char* p) { return GetInt64(p); }

TEST(PgExtended, TypedTextParamsAndBinaryResults) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  const Oid types[] = {kTimestamptz, kText};
  const char* values[] = {"2026-11-01 10:00:01+00", "click"};
  PgResultPtr r(PQexecParams(c.get(),
                             "SELECT count(*), min(ts), max(value) FROM events "
                             "WHERE ts >= $1 OR event = $2",
                             2, types, values, nullptr, nullptr, /*resultFormat=*/1));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
  ASSERT_EQ(PQnfields(r.get()), 3);
  EXPECT_EQ(PQftype(r.get(), 0), kInt8);
  EXPECT_EQ(PQfformat(r.get(), 0), 1);
  ASSERT_EQ(PQgetlength(r.get(), 0, 0), 8);
  EXPECT_EQ(BigEndian64(PQgetvalue(r.get(), 0, 0)), 2);
  EXPECT_EQ(PQftype(r.get(), 1), kTimestamptz);
  ASSERT_EQ(PQgetlength(r.get(), 0, 1), 8);
  // µs since 2000-01-01.
  EXPECT_EQ(BigEndian64(PQgetvalue(r.get(), 0, 1)),
            testing::kNov1 + 10 * testing::kHour + 1000000 - 946684800000000);
  EXPECT_EQ(PQftype(r.get(), 2), 701u);
  ASSERT_EQ(PQgetlength(r.get(), 0, 2), 8);
  double value;
  int64_t bits = BigEndian64(PQgetvalue(r.get(), 0, 2));
  std::memcpy(&value, &bits, 8);
  EXPECT_EQ(value, 9.5);
}

TEST(PgExtended, BinaryParamsAndUntypedParams) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  char be[8];
  PutInt64(be, 41);
  const Oid types[] = {kInt8, 0};
  const char* values[] = {be, "2026-11-01 10:00:01"};
  const int lengths[] = {8, 0};
  const int formats[] = {1, 0};
  // An unspecified type is an untyped literal: compared with ts it is a timestamp.
  PgResultPtr r(PQexecParams(c.get(),
                             "SELECT $1 + 1 AS n, count(*) FILTER (WHERE ts >= $2) FROM events", 2,
                             types, values, lengths, formats, 0));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(Cell(r.get(), 0, 0), "42");
  EXPECT_EQ(Cell(r.get(), 0, 1), "2");
  // NULL parameters.
  const char* nulls[] = {nullptr};
  r.reset(PQexecParams(c.get(), "SELECT $1::text IS NULL", 1, nullptr, nulls, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(Cell(r.get()), "t");
  // NULL results in binary.
  r.reset(PQexecParams(c.get(), "SELECT max(value) FROM events WHERE event = 'click'", 0, nullptr,
                       nullptr, nullptr, nullptr, 1));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  EXPECT_TRUE(PQgetisnull(r.get(), 0, 0));
}

TEST(PgExtended, BadParameterIsAnErrorAndTheConnectionGoesOn) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  const Oid types[] = {kInt8};
  const char* values[] = {"forty-two"};
  PgResultPtr r(PQexecParams(c.get(), "SELECT $1", 1, types, values, nullptr, nullptr, 0));
  EXPECT_EQ(SqlState(r.get()), "22P02");
  r.reset(
      PQexecParams(c.get(), "SELECT nope FROM events", 0, nullptr, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(SqlState(r.get()), "42703");
  EXPECT_EQ(Cell(Exec(c.get(), "SELECT count(*) FROM events").get()), "3");
}

TEST(PgExtended, PrepareDescribeExecute) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  const Oid types[] = {kText};
  PgResultPtr r(PQprepare(c.get(), "by_event",
                          "SELECT event, count(*) AS n, sum(value) AS revenue FROM events "
                          "WHERE event <> $1 GROUP BY event ORDER BY event",
                          1, types));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
  r.reset(PQdescribePrepared(c.get(), "by_event"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
  ASSERT_EQ(PQnparams(r.get()), 1);
  EXPECT_EQ(PQparamtype(r.get(), 0), kText);
  ASSERT_EQ(PQnfields(r.get()), 3);
  EXPECT_STREQ(PQfname(r.get(), 1), "n");
  EXPECT_EQ(PQftype(r.get(), 0), kText);
  EXPECT_EQ(PQftype(r.get(), 1), kInt8);
  EXPECT_EQ(PQftype(r.get(), 2), 701u);

  for (const char* skip : {"click", "purchase"}) {
    const char* values[] = {skip};
    r.reset(PQexecPrepared(c.get(), "by_event", 1, values, nullptr, nullptr, 0));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
    EXPECT_EQ(PQntuples(r.get()), 2);
  }
  // A statement without parameters counted from the text, and one without rows.
  r.reset(PQprepare(c.get(), "two", "SELECT $2::bigint, $1", 0, nullptr));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  r.reset(PQdescribePrepared(c.get(), "two"));
  EXPECT_EQ(PQnparams(r.get()), 2);
  r.reset(PQprepare(c.get(), "set", "SET TimeZone = 'UTC'", 0, nullptr));
  r.reset(PQdescribePrepared(c.get(), "set"));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK);
  EXPECT_EQ(PQnfields(r.get()), 0);
  // Names are unique until closed.
  r.reset(PQprepare(c.get(), "two", "SELECT 1", 0, nullptr));
  EXPECT_EQ(SqlState(r.get()), "42P05");
  r.reset(PQexecPrepared(c.get(), "missing", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(SqlState(r.get()), "26000");
  // Several statements cannot be prepared as one.
  r.reset(PQprepare(c.get(), "", "SELECT 1; SELECT 2", 0, nullptr));
  EXPECT_EQ(SqlState(r.get()), "42601");
}

TEST(PgExtended, CatalogStatementsThroughTheExtendedProtocol) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  const char* values[] = {"events"};
  PgResultPtr r(PQexecParams(
      c.get(), "SELECT c.relname, c.oid FROM pg_catalog.pg_class c WHERE c.relname = $1", 1,
      nullptr, values, nullptr, nullptr, 1));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
  ASSERT_EQ(PQntuples(r.get()), 1);
  EXPECT_EQ(std::string(PQgetvalue(r.get(), 0, 0), PQgetlength(r.get(), 0, 0)), "events");
  EXPECT_EQ(PQftype(r.get(), 1), 26u);  // oid, 4 bytes in binary
  EXPECT_EQ(PQgetlength(r.get(), 0, 1), 4);
  // Describe without running, for a catalog statement.
  r.reset(PQprepare(c.get(), "cat", "SELECT current_user, pg_backend_pid()", 0, nullptr));
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
  r.reset(PQdescribePrepared(c.get(), "cat"));
  ASSERT_EQ(PQnfields(r.get()), 2);
  r.reset(PQexecPrepared(c.get(), "cat", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(Cell(r.get(), 0, 0), "m1");
  EXPECT_EQ(Cell(r.get(), 0, 1), std::to_string(PQbackendPID(c.get())));
  // An array has no binary form here: 0A000 before any row, and the connection goes on.
  r.reset(PQexecParams(c.get(), "SELECT current_schemas(true)", 0, nullptr, nullptr, nullptr,
                       nullptr, 1));
  EXPECT_EQ(SqlState(r.get()), "0A000") << PQerrorMessage(c.get());
  r.reset(PQexecParams(c.get(), "SELECT current_schemas(true)", 0, nullptr, nullptr, nullptr,
                       nullptr, 0));
  EXPECT_EQ(Cell(r.get()), "{pg_catalog,public}");
}

TEST(PgExtended, SingleRowMode) {
  TestServer server;
  PgConnPtr c = server.Connect("m1", "pw1");
  ASSERT_EQ(PQsendQueryParams(c.get(), "SELECT ts FROM events ORDER BY ts", 0, nullptr, nullptr,
                              nullptr, nullptr, 0),
            1);
  ASSERT_EQ(PQsetSingleRowMode(c.get()), 1);
  int rows = 0;
  while (PGresult* raw = PQgetResult(c.get())) {
    PgResultPtr r(raw);
    if (PQresultStatus(r.get()) == PGRES_SINGLE_TUPLE) ++rows;
  }
  EXPECT_EQ(rows, 3);
}

// Raw protocol helpers.
std::string ParseMsg(const std::string& name, const std::string& sql) {
  std::string p;
  MessageWriter w(&p);
  w.CString(name);
  w.CString(sql);
  w.Int16(0);
  return p;
}
std::string BindMsg(const std::string& portal, const std::string& statement,
                    const std::vector<std::string>& text_params = {}) {
  std::string p;
  MessageWriter w(&p);
  w.CString(portal);
  w.CString(statement);
  w.Int16(0);
  w.Int16(static_cast<int16_t>(text_params.size()));
  for (const std::string& v : text_params) w.Field(v);
  w.Int16(0);
  return p;
}
std::string ExecuteMsg(const std::string& portal, int32_t max_rows) {
  std::string p;
  MessageWriter w(&p);
  w.CString(portal);
  w.Int32(max_rows);
  return p;
}
std::string DescribeMsg(char kind, const std::string& name) {
  std::string p(1, kind);
  p.append(name);
  p.push_back('\0');
  return p;
}

TEST(PgExtended, PortalWithRowLimitIsSuspendedAndResumed) {
  testing::PgTestData::WithBig();
  TestServer server;
  RawClient raw(server.port());
  ASSERT_TRUE(raw.Login("big", "pwbig"));
  raw.SendMessage('P', ParseMsg("", "SELECT ts FROM events ORDER BY ts LIMIT 5"));
  raw.SendMessage('B', BindMsg("cursor", ""));
  raw.SendMessage('D', DescribeMsg('P', "cursor"));
  raw.SendMessage('E', ExecuteMsg("cursor", 2));
  raw.SendMessage('H', "");  // Flush
  EXPECT_EQ(raw.ReadUntil('s'), "12TDDs");
  raw.SendMessage('E', ExecuteMsg("cursor", 2));
  raw.SendMessage('H', "");
  EXPECT_EQ(raw.ReadUntil('s'), "DDs");
  raw.SendMessage('E', ExecuteMsg("cursor", 2));
  raw.SendMessage('S', "");
  std::vector<std::string> payloads;
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "DCZ");
  ASSERT_EQ(payloads.size(), 3u);
  EXPECT_EQ(payloads[1], std::string("SELECT 1\0", 9));
  EXPECT_EQ(payloads[2], "I");
  // The portal ended with its transaction (Sync).
  raw.SendMessage('E', ExecuteMsg("cursor", 0));
  raw.SendMessage('S', "");
  payloads.clear();
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "EZ");
  EXPECT_EQ(testing::ErrorField(payloads[0], 'C'), "34000");
}

TEST(PgExtended, ErrorSkipsToSync) {
  TestServer server;
  RawClient raw(server.port());
  ASSERT_TRUE(raw.Login("m1", "pw1"));
  raw.SendMessage('P', ParseMsg("s", "SELECT nope FROM events"));
  raw.SendMessage('B', BindMsg("", "s"));
  raw.SendMessage('E', ExecuteMsg("", 0));
  raw.SendMessage('P', ParseMsg("t", "SELECT 1"));  // skipped
  raw.SendMessage('S', "");
  std::vector<std::string> payloads;
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "12EZ");
  EXPECT_EQ(testing::ErrorField(payloads[2], 'C'), "42703");
  // After Sync, everything works again; "t" was never prepared.
  raw.SendMessage('B', BindMsg("", "t"));
  raw.SendMessage('S', "");
  payloads.clear();
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "EZ");
  EXPECT_EQ(testing::ErrorField(payloads[0], 'C'), "26000");
  raw.SendMessage('P', ParseMsg("", "SELECT count(*) FROM events"));
  raw.SendMessage('B', BindMsg("", ""));
  raw.SendMessage('E', ExecuteMsg("", 0));
  raw.SendMessage('S', "");
  EXPECT_EQ(raw.ReadUntil('Z'), "12DCZ");
}

TEST(PgExtended, EmptyStatementAndNoData) {
  TestServer server;
  RawClient raw(server.port());
  ASSERT_TRUE(raw.Login("m1", "pw1"));
  raw.SendMessage('P', ParseMsg("", ""));
  raw.SendMessage('D', DescribeMsg('S', ""));
  raw.SendMessage('B', BindMsg("", ""));
  raw.SendMessage('D', DescribeMsg('P', ""));
  raw.SendMessage('E', ExecuteMsg("", 0));
  raw.SendMessage('S', "");
  EXPECT_EQ(raw.ReadUntil('Z'), "1tn2nIZ");
}

TEST(PgExtended, CloseStatementsAndPortals) {
  TestServer server;
  RawClient raw(server.port());
  ASSERT_TRUE(raw.Login("m1", "pw1"));
  raw.SendMessage('P', ParseMsg("a", "SELECT 1"));
  raw.SendMessage('B', BindMsg("p", "a"));
  raw.SendMessage('C', DescribeMsg('S', "a"));
  raw.SendMessage('C', DescribeMsg('S', "never"));  // not an error
  raw.SendMessage('P', ParseMsg("a", "SELECT 2"));  // the name is free again
  raw.SendMessage('E', ExecuteMsg("p", 0));         // the portal outlives its statement
  raw.SendMessage('C', DescribeMsg('P', "p"));
  raw.SendMessage('E', ExecuteMsg("p", 0));
  raw.SendMessage('S', "");
  std::vector<std::string> payloads;
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "12331DC3EZ");
  EXPECT_EQ(testing::ErrorField(payloads[8], 'C'), "34000");
}

TEST(PgExtended, TransactionBlockAcrossSyncs) {
  TestServer server;
  RawClient raw(server.port());
  ASSERT_TRUE(raw.Login("m1", "pw1"));
  std::vector<std::string> payloads;
  raw.SendMessage('P', ParseMsg("", "BEGIN"));
  raw.SendMessage('B', BindMsg("", ""));
  raw.SendMessage('E', ExecuteMsg("", 0));
  raw.SendMessage('S', "");
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "12CZ");
  EXPECT_EQ(payloads.back(), "T");
  payloads.clear();
  raw.SendMessage('P', ParseMsg("", "SELECT nope"));
  raw.SendMessage('B', BindMsg("", ""));
  raw.SendMessage('E', ExecuteMsg("", 0));
  raw.SendMessage('S', "");
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "12EZ");
  EXPECT_EQ(payloads.back(), "E");
  payloads.clear();
  raw.SendMessage('Q', std::string("ROLLBACK\0", 9));
  EXPECT_EQ(raw.ReadUntil('Z', &payloads), "CZ");
  EXPECT_EQ(payloads.back(), "I");
}

}  // namespace
}  // namespace strata::server::pgwire
