// The strata binary end to end: generate | load (files, .zst, stdin, bad lines) | inspect |
// sql (formats, errors, exit codes, read-only sharing).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "common/temp_dir.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

std::string Bin() {
  const char* bin = std::getenv("STRATA_BIN");
  return bin != nullptr ? bin : "build/bin/strata";
}

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

RunResult RunStrata(const std::string& args) {
  RunResult r;
  std::string cmd = Bin() + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CliTest, LoadReportsEachBadLineAndKeepsEveryGoodOne) {
  TempDir tmp;
  std::string input = tmp.File("mixed.ndjson");
  {
    std::ofstream out(input, std::ios::binary);
    const std::string good =
        R"({"merchant":"shop-1","ts":1793491200000,"event":"page_view","client_id":"c1","page":"/"})";
    out << good << "\n";  // line 1
    out << R"({"merchant":"bad merchant!","ts":1,"event":"x","client_id":"c"})"
        << "\n";  // 2
    out << R"({"merchant":"shop-1","ts":17934912)"
        << "\n";  // 3 truncated
    out << "{\"merchant\":\"shop-1\",\"ts\":1,\"event\":\"\xff\xfe\",\"client_id\":\"c\"}\n";  // 4
    out << std::string("{\"merchant\":\"shop-1\"\0,", 22) << "\n";  // 5 NUL byte
    out << R"({"merchant":"shop-1","ts":1,"event":"e","client_id":"c","params":{"a":{"b":1}}})"
        << "\n";  // 6 nested
    out << "\n";  // 7 blank
    out << R"({"merchant":"shop-2","ts":"2026-11-01T10:00:00Z","event":"click","client_id":"c2"})"
        << "\n";  // 8
    out << good;  // 9, no newline
  }
  RunResult load = RunStrata("load --data-dir " + tmp.File("data") + " " + input);
  EXPECT_EQ(load.exit_code, 0) << load.output;
  EXPECT_NE(load.output.find("mixed.ndjson:2: rejected: merchant:"), std::string::npos)
      << load.output;
  EXPECT_NE(load.output.find("mixed.ndjson:3: rejected:"), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("mixed.ndjson:4: rejected:"), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("mixed.ndjson:5: rejected:"), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("mixed.ndjson:6: rejected: params.a:"), std::string::npos)
      << load.output;
  EXPECT_NE(load.output.find("loaded 3 events"), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("5 rejected"), std::string::npos) << load.output;

  RunResult inspect = RunStrata("inspect --data-dir " + tmp.File("data") + " --verify");
  EXPECT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_NE(inspect.output.find("merchants       2"), std::string::npos) << inspect.output;
  EXPECT_NE(inspect.output.find("rows            3 in segments"), std::string::npos)
      << inspect.output;
  EXPECT_NE(inspect.output.find("verify          ok"), std::string::npos) << inspect.output;
}

TEST(CliTest, GenerateZstdThenLoadFromFileAndStdin) {
  TempDir tmp;
  RunResult gen = RunStrata("generate --events 20000 --merchants 30 --days 2 --seed 5 --output " +
                            tmp.File("ev.ndjson.zst"));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  RunResult load = RunStrata("load --data-dir " + tmp.File("a") + " " + tmp.File("ev.ndjson.zst"));
  ASSERT_EQ(load.exit_code, 0) << load.output;
  EXPECT_NE(load.output.find("loaded 20000 events"), std::string::npos) << load.output;

  RunResult plain = RunStrata("generate --events 5000 --merchants 5 --days 1 --seed 6 --output " +
                              tmp.File("ev.ndjson"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  RunResult stdin_load =
      RunStrata("load --data-dir " + tmp.File("b") + " - < " + tmp.File("ev.ndjson"));
  ASSERT_EQ(stdin_load.exit_code, 0) << stdin_load.output;
  EXPECT_NE(stdin_load.output.find("loaded 5000 events"), std::string::npos) << stdin_load.output;

  RunResult inspect = RunStrata("inspect --data-dir " + tmp.File("a") + " --segments");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_NE(inspect.output.find("rows            20000 in segments"), std::string::npos)
      << inspect.output;
  for (const char* column : {"merchant", "ts", "client", "page", "event_id", "params"})
    EXPECT_NE(inspect.output.find(std::string("  ") + column + " "), std::string::npos) << column;
}

TEST(CliTest, ClearErrorsForBadUsageAndMissingDirectories) {
  TempDir tmp;
  EXPECT_EQ(RunStrata("nosuchcommand").exit_code, 2);
  EXPECT_EQ(RunStrata("load --data-dir " + tmp.File("d")).exit_code, 2);  // no input files
  RunResult missing = RunStrata("load --data-dir " + tmp.File("d") + " " + tmp.File("none.ndjson"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("none.ndjson"), std::string::npos) << missing.output;
  RunResult not_data = RunStrata("inspect --data-dir " + tmp.path());
  EXPECT_EQ(not_data.exit_code, 1);
  EXPECT_NE(not_data.output.find("not a Strata data directory"), std::string::npos);
  for (const char* cmd : {"generate", "load", "inspect"}) {
    RunResult help = RunStrata(std::string(cmd) + " --help");
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_NE(help.output.find("usage: strata"), std::string::npos) << cmd;
  }
}

// Three hand-written events: shop-1 has two (one purchase of 12.5), shop-2 one (no value).
std::string LoadShops(const TempDir& tmp) {
  std::string input = tmp.File("shops.ndjson");
  {
    std::ofstream out(input, std::ios::binary);
    out << R"({"merchant":"shop-1","ts":"2026-11-01T10:00:00Z","event":"page_view","client_id":"c1","page":"/"})"
        << "\n"
        << R"({"merchant":"shop-1","ts":"2026-11-01T11:00:00Z","event":"purchase","client_id":"c1","value":12.5})"
        << "\n"
        << R"({"merchant":"shop-2","ts":"2026-11-02T09:30:00Z","event":"page_view","client_id":"c2"})"
        << "\n";
  }
  std::string data = tmp.File("data");
  RunResult load = RunStrata("load --data-dir " + data + " " + input);
  EXPECT_EQ(load.exit_code, 0) << load.output;
  return data;
}

// Every file under `dir`: path -> bytes.
std::map<std::string, std::string> DirContents(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out[entry.path().string()] = bytes.str();
  }
  return out;
}

constexpr char kPerMerchant[] =
    "\"SELECT merchant, count(*) AS n, sum(value) AS revenue FROM events "
    "GROUP BY merchant ORDER BY merchant\"";

TEST(CliTest, SqlCountsAndPrintsEveryFormat) {
  TempDir tmp;
  std::string data = LoadShops(tmp);
  const auto before = DirContents(data);
  RunResult count = RunStrata("sql --data-dir " + data + " -c 'SELECT count(*) FROM events'");
  EXPECT_EQ(count.exit_code, 0) << count.output;
  EXPECT_EQ(count.output, " count \n-------\n     3\n(1 row)\n\n");

  RunResult table = RunStrata("sql --data-dir " + data + " -c " + kPerMerchant);
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_EQ(table.output,
            " merchant | n | revenue \n"
            "----------+---+---------\n"
            " shop-1   | 2 |    12.5\n"
            " shop-2   | 1 |        \n"
            "(2 rows)\n\n");
  RunResult csv = RunStrata("sql --format csv --data-dir " + data + " -c " + kPerMerchant);
  EXPECT_EQ(csv.output, "merchant,n,revenue\nshop-1,2,12.5\nshop-2,1,\n");
  RunResult tsv = RunStrata("sql --format tsv --data-dir " + data + " -c " + kPerMerchant);
  EXPECT_EQ(tsv.output, "merchant\tn\trevenue\nshop-1\t2\t12.5\nshop-2\t1\t\n");
  RunResult json = RunStrata("sql --format json --data-dir " + data + " -c " + kPerMerchant);
  EXPECT_EQ(json.output,
            "{\"merchant\":\"shop-1\",\"n\":2,\"revenue\":12.5}\n"
            "{\"merchant\":\"shop-2\",\"n\":1,\"revenue\":null}\n");

  RunResult scoped = RunStrata("sql --format csv --merchant shop-2 --data-dir " + data +
                               " -c 'SELECT count(*) AS n FROM events'");
  EXPECT_EQ(scoped.output, "n\n1\n");
  RunResult zoned =
      RunStrata("sql --format csv --timezone Europe/Berlin --data-dir " + data +
                " -c \"SELECT min(ts) AS first FROM events; SET timezone = 'America/New_York';"
                " SELECT min(ts) AS first FROM events\"");
  EXPECT_EQ(zoned.output, "first\n2026-11-01 11:00:00+01\nSET\nfirst\n2026-11-01 05:00:00-05\n");
  RunResult timed =
      RunStrata("sql --timing --format csv --data-dir " + data + " -c 'SELECT 1 AS one'");
  EXPECT_EQ(timed.output.rfind("one\n1\nTime: ", 0), 0u) << timed.output;
  EXPECT_EQ(timed.output.substr(timed.output.size() - 4), " ms\n") << timed.output;
  EXPECT_EQ(DirContents(data), before);  // read-only: not one byte changed
}

TEST(CliTest, SqlErrorsLikePsqlAndExitCodes) {
  TempDir tmp;
  std::string data = LoadShops(tmp);
  RunResult syntax = RunStrata("sql --data-dir " + data + " -c 'SELECT * FORM events'");
  EXPECT_EQ(syntax.exit_code, 1);
  EXPECT_EQ(syntax.output,
            "ERROR:  syntax error at or near \"FORM\" (SQLSTATE 42601)\n"
            "LINE 1: SELECT * FORM events\n"
            "                 ^\n");
  // -c runs every statement and fails if any failed.
  RunResult both = RunStrata("sql --format csv --data-dir " + data +
                             " -c 'SELECT nope FROM events; SELECT count(*) AS n FROM events'");
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.output.find("(SQLSTATE 42703)"), std::string::npos) << both.output;
  EXPECT_NE(both.output.find("n\n3\n"), std::string::npos) << both.output;

  // -f and piped stdin stop at the first error.
  std::string script = tmp.File("script.sql");
  std::ofstream(script) << "SELECT 1 AS first;\nSELECT nope\n  FROM events;\nSELECT 2 AS second;\n";
  for (const std::string& input : {"-f " + script, "< " + script}) {
    RunResult r = RunStrata("sql --format csv --data-dir " + data + " " + input);
    EXPECT_EQ(r.exit_code, 1) << input;
    EXPECT_NE(r.output.find("first\n1\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(SQLSTATE 42703)\nLINE 1: SELECT nope\n"), std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("second"), std::string::npos) << r.output;
  }
  std::ofstream(script) << "\\format json\nSELECT count(*) AS n\nFROM events\n";  // no ';'
  RunResult ok = RunStrata("sql --data-dir " + data + " -f " + script);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output, "Output format is json.\n{\"n\":3}\n");

  RunResult missing = RunStrata("sql --data-dir " + tmp.File("none") + " -c 'SELECT 1'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no Strata data directory at " + tmp.File("none")),
            std::string::npos)
      << missing.output;
  EXPECT_FALSE(std::filesystem::exists(tmp.File("none")));
  EXPECT_EQ(RunStrata("sql --data-dir " + data + " --format xml -c 'SELECT 1'").exit_code, 2);
  RunResult help = RunStrata("sql --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("ON_ERROR_STOP"), std::string::npos) << help.output;
}

TEST(CliTest, SqlSaysClearlyWhenAWriterHoldsTheDirectory) {
  TempDir tmp;
  std::string data = LoadShops(tmp);
  // `strata load -` holds the directory while it waits for stdin. It has it once it wrote
  // its pid into LOCK (watched without locking, so the writer never finds a reader).
  const std::string lock_file = data + "/LOCK";
  const std::string old_pid = DirContents(data)[lock_file];
  std::string cmd = Bin() + " load --data-dir " + data + " - > " + tmp.File("load.out") + " 2>&1";
  FILE* writer = ::popen(cmd.c_str(), "w");
  ASSERT_NE(writer, nullptr);
  for (int i = 0; i < 200 && DirContents(data)[lock_file] == old_pid; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  RunResult r = RunStrata("sql --data-dir " + data + " -c 'SELECT count(*) FROM events'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("strata sql: data directory " + data +
                          " is in use by another Strata process (pid "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("strata load --data-dir " + data), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("psql -h 127.0.0.1 -p 5433"), std::string::npos) << r.output;
  ::pclose(writer);

  RunResult after =
      RunStrata("sql --format csv --data-dir " + data + " -c 'SELECT count(*) AS n FROM events'");
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output, "n\n3\n");
}

}  // namespace
}  // namespace strata
