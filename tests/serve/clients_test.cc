// Real clients against the real `strata serve`: psql, a C program on libpq, Python
// psycopg2 and JDBC. The client programs live in clients/ and check the dataset of
// test_data.h themselves; these tests run them and look at their output.
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "tests/serve/serve_fixture.h"
#include "tests/serve/subprocess.h"
#include "tests/serve/test_data.h"

namespace strata::serve_test {
namespace {

const std::string kClientsDir = STRATA_SOURCE_DIR "/tests/serve/clients";
constexpr char kPython[] = "/usr/bin/python3";  // the Python that has psycopg2
constexpr char kJdbcJar[] = "/usr/share/java/postgresql.jar";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ClientsTest : public DatasetServerTest {};

TEST_F(ClientsTest, PsqlMetaCommandsAndQueries) {
  ProgramResult r =
      RunPsql(server(), kMerchantA, kPasswordA,
              "\\dt\n"
              "\\d\n"
              "\\d events\n"
              "SELECT count(*) AS n FROM events;\n"
              "SELECT event, count(*) AS c FROM events GROUP BY event ORDER BY event;\n"
              "\\x on\n"
              "SELECT page, title, ts FROM events ORDER BY ts LIMIT 1;\n",
              {"-v", "ON_ERROR_STOP=1"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // \dt and \d list the tables.
  EXPECT_TRUE(Contains(r.out, "public | events         | table")) << r.out;
  EXPECT_TRUE(Contains(r.out, "public | sessions       | table")) << r.out;
  EXPECT_TRUE(Contains(r.out, "public | realtime_users | table")) << r.out;
  // \d events: columns with PostgreSQL type names.
  EXPECT_TRUE(Contains(r.out, "Table \"public.events\"")) << r.out;
  EXPECT_TRUE(Contains(r.out, " merchant     | text")) << r.out;
  EXPECT_TRUE(Contains(r.out, " ts           | timestamp with time zone")) << r.out;
  EXPECT_TRUE(Contains(r.out, " value        | double precision")) << r.out;
  EXPECT_FALSE(Contains(r.out, "__client_key")) << r.out;
  // Queries.
  EXPECT_TRUE(Contains(r.out, "\n 40\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, " page_view | 30\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, " purchase  | 10\n")) << r.out;
  // Expanded output, UTF-8 and timestamptz text.
  EXPECT_TRUE(Contains(r.out, "page  | /shop-a/0")) << r.out;
  EXPECT_TRUE(Contains(r.out, "title | Caf\xc3\xa9 #0")) << r.out;
  EXPECT_TRUE(Contains(r.out, "ts    | 2026-11-01 10:00:00+00")) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_F(ClientsTest, PsqlErrorsCarrySqlstateAndTheSessionContinues) {
  ProgramResult r = RunPsql(server(), kMerchantA, kPasswordA,
                            "\\set VERBOSITY verbose\n"
                            "SELECT no_such_column FROM events;\n"
                            "SELECT 1 / 0;\n"
                            "SELEC 1;\n"
                            "SELECT count(*) AS after_errors FROM events;\n"
                            "SET TIME ZONE 'Asia/Tokyo';\n"
                            "SELECT ts FROM events ORDER BY ts LIMIT 1;\n"
                            "SET TIME ZONE 'No/Such_Zone';\n"
                            "SHOW TimeZone;\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "ERROR:  42703:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "no_such_column")) << r.err;
  EXPECT_TRUE(Contains(r.err, "ERROR:  22012:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "ERROR:  42601:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "ERROR:  22023:")) << r.err;
  EXPECT_TRUE(Contains(r.out, "after_errors")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\n           40\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "2026-11-01 19:00:00+09")) << r.out;
  EXPECT_TRUE(Contains(r.out, " Asia/Tokyo\n")) << r.out;
}

TEST_F(ClientsTest, PsqlOnErrorStopExitsThree) {
  ProgramResult r = RunPsql(server(), kMerchantA, kPasswordA,
                            "SELECT 'before';\n"
                            "SELECT * FROM no_such_table;\n"
                            "SELECT 'not reached';\n",
                            {"-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose"});
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "before")) << r.out;
  EXPECT_FALSE(Contains(r.out, "not reached")) << r.out;
  EXPECT_TRUE(Contains(r.err, "42P01")) << r.err;
}

TEST_F(ClientsTest, PsqlCommandLineAndWrongPassword) {
  ProgramResult r = RunPsql(server(), kMerchantA, kPasswordA, "",
                            {"-At", "-c", "SELECT count(*), sum(value) FROM events"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "40|285\n");

  r = RunPsql(server(), kMerchantA, "wrong", "", {"-c", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "password authentication failed for user \"shop-a\"")) << r.err;

  r = RunPsql(server(), "no-such-user", "x", "", {"-c", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "password authentication failed")) << r.err;
}

// What Grafana's PostgreSQL data source sends: its table and column pickers, and a time
// series panel query after its macros ($__timeGroupAlias(ts,'10m'), $__timeFilter(ts))
// are expanded on the Grafana side.
TEST_F(ClientsTest, GrafanaPickersAndMacroExpansions) {
  ProgramResult r =
      RunPsql(server(), kMerchantA, kPasswordA,
              "select quote_ident(table_name) as \"table\" from information_schema.tables where "
              "quote_ident(table_schema) not in ('information_schema','pg_catalog',"
              "'_timescaledb_cache','_timescaledb_catalog','_timescaledb_internal',"
              "'_timescaledb_config','timescaledb_information','timescaledb_experimental') and "
              "table_type = 'BASE TABLE' and quote_ident(table_schema) IN (SELECT CASE WHEN "
              "trim(s[i]) = '\"$user\"' THEN user ELSE trim(s[i]) END FROM generate_series("
              "array_lower(string_to_array(current_setting('search_path'),','),1),"
              "array_upper(string_to_array(current_setting('search_path'),','),1)) as i,"
              "string_to_array(current_setting('search_path'),',') s);\n"
              "select quote_ident(column_name) as \"column\", data_type as \"type\" from "
              "information_schema.columns where quote_ident(table_name) = 'events' and "
              "column_name in ('ts', 'value');\n"
              "SELECT floor(extract(epoch from ts)/600)*600 AS \"time\", count(*) AS \"events\" "
              "FROM events WHERE ts BETWEEN '2026-11-01T10:00:00Z' AND '2026-11-01T10:25:00Z' "
              "GROUP BY 1 ORDER BY 1;\n",
              {"-At", "-v", "ON_ERROR_STOP=1"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out,
            "events\n"
            "pageviews\n"
            "realtime_items\n"
            "realtime_pages\n"
            "realtime_users\n"
            "sessions\n"
            "ts|timestamp with time zone\n"
            "value|double precision\n"
            "1793527200|10\n"
            "1793527800|10\n"
            "1793528400|6\n");
}

TEST_F(ClientsTest, LibpqProgram) {
  absl::StatusOr<ProgramResult> r =
      RunProgram({LIBPQ_CLIENT_PATH, server().Conninfo(kMerchantA, kPasswordA), LongRunningSql()},
                 WithTimeout(absl::Seconds(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "all ok")) << r->Describe();
}

TEST_F(ClientsTest, Psycopg2Program) {
  absl::StatusOr<ProgramResult> probe = RunProgram({kPython, "-c", "import psycopg2"});
  if (!probe.ok() || probe->exit_code != 0) {
    GTEST_SKIP() << "psycopg2 is not importable from " << kPython;
  }
  ProgramOptions options = WithTimeout(absl::Seconds(60));
  options.env = {{"PYTHONIOENCODING", "utf-8"}};
  absl::StatusOr<ProgramResult> r =
      RunProgram({kPython, kClientsDir + "/psycopg2_client.py", "127.0.0.1",
                  absl::StrCat(server().pg_port()), kMerchantA, kPasswordA, "strata"},
                 options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "all ok")) << r->Describe();
}

TEST_F(ClientsTest, JdbcProgram) {
  if (::access("/usr/bin/javac", X_OK) != 0 || ::access(kJdbcJar, R_OK) != 0) {
    GTEST_SKIP() << "javac or " << kJdbcJar << " is missing";
  }
  TempDir classes;
  absl::StatusOr<ProgramResult> compiled = RunProgram(
      {"/usr/bin/javac", "-d", classes.path(), "-cp", kJdbcJar, kClientsDir + "/JdbcClient.java"},
      WithTimeout(absl::Seconds(120)));
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_EQ(compiled->exit_code, 0) << compiled->Describe();
  absl::StatusOr<ProgramResult> r =
      RunProgram({"java", "-cp", classes.path() + ":" + kJdbcJar, "JdbcClient",
                  absl::StrCat("jdbc:postgresql://127.0.0.1:", server().pg_port(), "/strata"),
                  kMerchantA, kPasswordA, LongRunningSql()},
                 WithTimeout(absl::Seconds(90)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "all ok")) << r->Describe();
}

}  // namespace
}  // namespace strata::serve_test
