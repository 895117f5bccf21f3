/* A libpq program that checks what a C application sees from Strata's PostgreSQL
 * protocol: the extended protocol (PQprepare / PQdescribePrepared / PQexecPrepared) with
 * typed text and binary parameters, binary results decoded by hand, single-row mode,
 * errors with SQLSTATE, and PQcancel of a long-running statement.
 *
 * usage: libpq_client CONNINFO LONG_SQL
 *   CONNINFO logs in as merchant shop-a of the serve tests' dataset (tests/serve/
 *   test_data.h): 40 events, event i at 2026-11-01T10:00:00Z + i minutes, a purchase
 *   with value (i + 1) * 1.5 when i % 4 == 0, else a page_view without value.
 *   LONG_SQL runs for several seconds (it is cancelled).
 *
 * Prints one "ok ..." line per group of checks and "FAIL ..." for each failed check; a
 * failure that makes going on pointless exits at once. Exit status 1 if anything failed.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpq-fe.h"

#define OID_BOOL 16
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701
#define OID_TIMESTAMPTZ 1184

#define EVENTS 40
#define PURCHASES 10
/* 2026-11-01T10:00:00Z in microseconds since 2000-01-01 (PostgreSQL's binary epoch). */
#define BASE_PG_US INT64_C(846842400000000)
#define MINUTE_US INT64_C(60000000)

static PGconn* conn;
static int failures;

/* A failure after which the program cannot go on. */
static void Fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  printf("FAIL ");
  vprintf(format, args);
  printf("\n");
  va_end(args);
  fflush(stdout);
  exit(1);
}

static void Ok(const char* what) {
  printf("ok %s\n", what);
  fflush(stdout);
}

/* A failed check; the program goes on. */
static void Expect(int condition, const char* what) {
  if (!condition) {
    printf("FAIL %s\n", what);
    fflush(stdout);
    ++failures;
  }
}

static PGresult* ExpectStatus(PGresult* r, ExecStatusType want, const char* what) {
  if (PQresultStatus(r) != want) {
    Fail("%s: status %s, want %s: %s", what, PQresStatus(PQresultStatus(r)), PQresStatus(want),
         PQresultErrorMessage(r));
  }
  return r;
}

static uint64_t ReadBigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | (unsigned char)p[i];
  return v;
}

static void WriteBigEndian(uint64_t v, char* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = (char)(v & 0xff);
    v >>= 8;
  }
}

static int64_t BinaryInt8(const PGresult* r, int row, int col) {
  if (PQgetlength(r, row, col) != 8)
    Fail("int8 column %d has length %d", col, PQgetlength(r, row, col));
  return (int64_t)ReadBigEndian(PQgetvalue(r, row, col), 8);
}

static double BinaryFloat8(const PGresult* r, int row, int col) {
  if (PQgetlength(r, row, col) != 8)
    Fail("float8 column %d has length %d", col, PQgetlength(r, row, col));
  uint64_t bits = ReadBigEndian(PQgetvalue(r, row, col), 8);
  double d;
  memcpy(&d, &bits, sizeof(d));
  return d;
}

static void Connect(const char* conninfo) {
  conn = PQconnectdb(conninfo);
  if (PQstatus(conn) != CONNECTION_OK) Fail("connect: %s", PQerrorMessage(conn));
  const char* version = PQparameterStatus(conn, "server_version");
  Expect(version != NULL, "server_version reported");
  Expect(PQserverVersion(conn) >= 90000, "PQserverVersion");
  const char* datetimes = PQparameterStatus(conn, "integer_datetimes");
  Expect(datetimes != NULL && strcmp(datetimes, "on") == 0, "integer_datetimes on");
  const char* encoding = PQparameterStatus(conn, "client_encoding");
  Expect(encoding != NULL && strcmp(encoding, "UTF8") == 0, "client_encoding UTF8");
  Expect(PQbackendPID(conn) != 0, "backend pid");
  Ok("connect");
}

/* Prepared statement with text parameters of declared types, described, then executed
 * with binary results. */
static void PreparedAggregate(void) {
  const Oid types[3] = {OID_TEXT, OID_TIMESTAMPTZ, OID_FLOAT8};
  PGresult* r = PQprepare(conn, "agg",
                          "SELECT count(*) AS n, sum(value) AS revenue, min(ts) AS first, "
                          "max(ts) AS last FROM events WHERE event = $1 AND ts >= $2 AND "
                          "value > $3",
                          3, types);
  ExpectStatus(r, PGRES_COMMAND_OK, "prepare agg");
  PQclear(r);

  r = ExpectStatus(PQdescribePrepared(conn, "agg"), PGRES_COMMAND_OK, "describe agg");
  Expect(PQnparams(r) == 3, "describe: 3 parameters");
  Expect(PQparamtype(r, 0) == OID_TEXT, "describe: $1 text");
  Expect(PQparamtype(r, 1) == OID_TIMESTAMPTZ, "describe: $2 timestamptz");
  Expect(PQparamtype(r, 2) == OID_FLOAT8, "describe: $3 float8");
  Expect(PQnfields(r) == 4, "describe: 4 columns");
  Expect(strcmp(PQfname(r, 0), "n") == 0 && strcmp(PQfname(r, 3), "last") == 0,
         "describe: column names");
  Expect(PQftype(r, 0) == OID_INT8, "describe: count is int8");
  Expect(PQftype(r, 1) == OID_FLOAT8, "describe: sum(value) is float8");
  Expect(PQftype(r, 2) == OID_TIMESTAMPTZ && PQftype(r, 3) == OID_TIMESTAMPTZ,
         "describe: min/max(ts) are timestamptz");
  PQclear(r);
  Ok("prepare and describe");

  /* Purchases at i = 8, 12, ..., 36 have ts >= base + 8 min; value > 10 drops i = 0, 4. */
  const char* values[3] = {"purchase", "2026-11-01 10:08:00+00", "10"};
  r = PQexecPrepared(conn, "agg", 3, values, NULL, NULL, 1);
  ExpectStatus(r, PGRES_TUPLES_OK, "execute agg");
  Expect(PQntuples(r) == 1, "agg: one row");
  for (int c = 0; c < 4; ++c) Expect(PQfformat(r, c) == 1, "agg: binary columns");
  int64_t n = BinaryInt8(r, 0, 0);
  double revenue = BinaryFloat8(r, 0, 1);
  int64_t first = BinaryInt8(r, 0, 2);
  int64_t last = BinaryInt8(r, 0, 3);
  double want_revenue = 0;
  for (int i = 8; i < EVENTS; i += 4) want_revenue += (i + 1) * 1.5;
  if (n != 8) Fail("agg: count %" PRId64 ", want 8", n);
  if (fabs(revenue - want_revenue) > 1e-9) Fail("agg: revenue %f, want %f", revenue, want_revenue);
  if (first != BASE_PG_US + 8 * MINUTE_US) Fail("agg: first %" PRId64, first);
  if (last != BASE_PG_US + 36 * MINUTE_US) Fail("agg: last %" PRId64, last);
  PQclear(r);

  /* The same statement again, with other parameters, text results. */
  const char* values2[3] = {"page_view", "2026-11-01 10:00:00+00", "0"};
  r = ExpectStatus(PQexecPrepared(conn, "agg", 3, values2, NULL, NULL, 0), PGRES_TUPLES_OK,
                   "execute agg again");
  Expect(strcmp(PQgetvalue(r, 0, 0), "0") == 0, "agg: page_views have no value");
  Expect(PQgetisnull(r, 0, 1) && PQgetisnull(r, 0, 2), "agg: NULL sum and min");
  PQclear(r);
  Ok("execute prepared, binary results");
}

/* Binary parameters of every type, echoed back as binary results. */
static void BinaryParameters(void) {
  const Oid types[4] = {OID_INT8, OID_FLOAT8, OID_TEXT, OID_TIMESTAMPTZ};
  char int8_value[8], float8_value[8], ts_value[8];
  WriteBigEndian((uint64_t)INT64_C(-1234567890123), int8_value);
  double d = 2.5;
  uint64_t bits;
  memcpy(&bits, &d, sizeof(bits));
  WriteBigEndian(bits, float8_value);
  WriteBigEndian((uint64_t)(BASE_PG_US + 5 * MINUTE_US + 123456), ts_value);
  const char* text_value = "caf\xc3\xa9";
  const char* values[4] = {int8_value, float8_value, text_value, ts_value};
  const int lengths[4] = {8, 8, (int)strlen(text_value), 8};
  const int formats[4] = {1, 1, 1, 1};
  PGresult* r = PQexecParams(conn,
                             "SELECT $1 + 1 AS i, $2 * 2 AS f, $3 || '!' AS t, $4 AS ts, "
                             "$1 < 0 AS negative",
                             4, types, values, lengths, formats, 1);
  ExpectStatus(r, PGRES_TUPLES_OK, "binary params");
  Expect(PQftype(r, 0) == OID_INT8 && PQftype(r, 1) == OID_FLOAT8 && PQftype(r, 2) == OID_TEXT &&
             PQftype(r, 3) == OID_TIMESTAMPTZ && PQftype(r, 4) == OID_BOOL,
         "binary params: result types");
  if (BinaryInt8(r, 0, 0) != INT64_C(-1234567890122)) Fail("int8 param round trip");
  if (BinaryFloat8(r, 0, 1) != 5.0) Fail("float8 param round trip");
  Expect(PQgetlength(r, 0, 2) == 6 && memcmp(PQgetvalue(r, 0, 2), "caf\xc3\xa9!", 6) == 0,
         "text param round trip");
  if (BinaryInt8(r, 0, 3) != BASE_PG_US + 5 * MINUTE_US + 123456) Fail("timestamptz round trip");
  Expect(PQgetlength(r, 0, 4) == 1 && PQgetvalue(r, 0, 4)[0] == 1, "bool result");
  PQclear(r);

  /* An int8 parameter against a column, and a timestamptz range in binary. */
  char lo[8], hi[8];
  WriteBigEndian((uint64_t)(BASE_PG_US + 10 * MINUTE_US), lo);
  WriteBigEndian((uint64_t)(BASE_PG_US + 20 * MINUTE_US), hi);
  const Oid range_types[2] = {OID_TIMESTAMPTZ, OID_TIMESTAMPTZ};
  const char* range_values[2] = {lo, hi};
  const int range_lengths[2] = {8, 8};
  const int range_formats[2] = {1, 1};
  r = PQexecParams(conn, "SELECT count(*) FROM events WHERE ts >= $1 AND ts < $2", 2, range_types,
                   range_values, range_lengths, range_formats, 0);
  ExpectStatus(r, PGRES_TUPLES_OK, "binary timestamptz range");
  Expect(strcmp(PQgetvalue(r, 0, 0), "10") == 0, "binary timestamptz range: 10 events");
  PQclear(r);
  Ok("binary parameters");
}

static void NullsAndText(void) {
  PGresult* r = PQexecParams(
      conn, "SELECT page, value, ts FROM events WHERE ts < $1::timestamptz ORDER BY ts", 1, NULL,
      (const char* const[]){"2026-11-01 10:02:00+00"}, NULL, NULL, 0);
  ExpectStatus(r, PGRES_TUPLES_OK, "text results");
  Expect(PQntuples(r) == 2, "text results: 2 rows");
  Expect(strcmp(PQgetvalue(r, 0, 0), "/shop-a/0") == 0, "text results: page");
  Expect(strcmp(PQgetvalue(r, 0, 1), "1.5") == 0, "text results: value");
  if (strcmp(PQgetvalue(r, 0, 2), "2026-11-01 10:00:00+00") != 0) {
    Fail("text results: ts is '%s'", PQgetvalue(r, 0, 2));
  }
  Expect(PQgetisnull(r, 1, 1), "text results: NULL value");
  PQclear(r);
  Ok("text results and NULLs");
}

static void SingleRowMode(void) {
  if (!PQsendQueryParams(conn, "SELECT page, ts FROM events ORDER BY ts", 0, NULL, NULL, NULL, NULL,
                         0)) {
    Fail("send: %s", PQerrorMessage(conn));
  }
  Expect(PQsetSingleRowMode(conn), "PQsetSingleRowMode");
  int rows = 0;
  int done = 0;
  PGresult* r;
  while ((r = PQgetResult(conn)) != NULL) {
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_SINGLE_TUPLE) {
      char want[32];
      snprintf(want, sizeof(want), "/shop-a/%d", rows);
      if (strcmp(PQgetvalue(r, 0, 0), want) != 0)
        Fail("single row %d: %s", rows, PQgetvalue(r, 0, 0));
      ++rows;
    } else if (s == PGRES_TUPLES_OK) {
      Expect(PQntuples(r) == 0, "single-row mode ends with an empty result");
      done = 1;
    } else {
      Fail("single-row mode: %s", PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  if (rows != EVENTS || !done) Fail("single-row mode: %d rows", rows);
  Ok("single-row mode");
}

static void ErrorsKeepTheConnection(void) {
  PGresult* r = PQexec(conn, "SELECT no_such_column FROM events");
  ExpectStatus(r, PGRES_FATAL_ERROR, "bad column");
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (state == NULL || strcmp(state, "42703") != 0) Fail("bad column: SQLSTATE %s", state);
  PQclear(r);

  /* PostgreSQL checks the syntax at Parse: PQprepare fails. */
  r = PQprepare(conn, "bad", "SELEC 1", 0, NULL);
  Expect(PQresultStatus(r) == PGRES_FATAL_ERROR, "PQprepare of a syntax error fails");
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  Expect(state != NULL && strcmp(state, "42601") == 0, "PQprepare syntax error: 42601");
  Expect(PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) != NULL, "syntax error: position");
  PQclear(r);
  r = PQexecParams(conn, "SELECT count(*) FROM events WHERE", 0, NULL, NULL, NULL, NULL, 0);
  ExpectStatus(r, PGRES_FATAL_ERROR, "extended-protocol syntax error");
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  Expect(state != NULL && strcmp(state, "42601") == 0, "extended syntax error: 42601");
  PQclear(r);

  r = PQexec(conn, "SELECT 1 / 0");
  ExpectStatus(r, PGRES_FATAL_ERROR, "division by zero");
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (state == NULL || strcmp(state, "22012") != 0) Fail("division by zero: SQLSTATE %s", state);
  PQclear(r);

  r = ExpectStatus(PQexec(conn, "SELECT count(*) FROM events"), PGRES_TUPLES_OK, "after errors");
  Expect(strcmp(PQgetvalue(r, 0, 0), "40") == 0, "after errors: 40 events");
  PQclear(r);
  Ok("errors with SQLSTATE, connection usable");
}

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void Cancel(const char* long_sql) {
  double start = Now();
  if (!PQsendQuery(conn, long_sql)) Fail("send long query: %s", PQerrorMessage(conn));
  struct timespec pause = {0, 300 * 1000 * 1000};
  nanosleep(&pause, NULL);
  PGcancel* cancel = PQgetCancel(conn);
  char error[256];
  if (!PQcancel(cancel, error, sizeof(error))) Fail("PQcancel: %s", error);
  PQfreeCancel(cancel);
  PGresult* r;
  int cancelled = 0;
  while ((r = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      if (state == NULL || strcmp(state, "57014") != 0) {
        Fail("cancel: SQLSTATE %s: %s", state, PQresultErrorMessage(r));
      }
      cancelled = 1;
    }
    PQclear(r);
  }
  double elapsed = Now() - start;
  if (!cancelled) Fail("cancel: the long query finished in %.2f s (make it longer)", elapsed);
  if (elapsed > 5) Fail("cancel: took %.2f s", elapsed);
  r = ExpectStatus(PQexec(conn, "SELECT count(*) FROM events"), PGRES_TUPLES_OK, "after cancel");
  Expect(strcmp(PQgetvalue(r, 0, 0), "40") == 0, "after cancel: 40 events");
  PQclear(r);
  printf("ok cancel (%.2f s)\n", elapsed);
  fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: libpq_client CONNINFO LONG_SQL\n");
    return 2;
  }
  Connect(argv[1]);
  PreparedAggregate();
  BinaryParameters();
  NullsAndText();
  SingleRowMode();
  ErrorsKeepTheConnection();
  Cancel(argv[2]);
  PQfinish(conn);
  if (failures > 0) {
    printf("%d checks failed\n", failures);
    return 1;
  }
  printf("all ok\n");
  return 0;
}
