// The strata binary end to end: generate | load (files, .zst, stdin, bad lines) | inspect.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

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

}  // namespace
}  // namespace strata
