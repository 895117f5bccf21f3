// bench/compare end to end on a small dataset: Strata (loaded by `strata load` and through
// POST /collect), ClickHouse and DuckDB answer Q1-Q8 for two merchants, and every answer
// must agree with Strata's raw-data answer. Two independent engines thus check Strata's
// query results on generated data, and the harness itself stays in working order.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/serve/subprocess.h"

namespace strata::serve_test {
namespace {

TEST(CompareHarnessTest, AllSystemsAgreeOnEveryAnswer) {
  const char* strata = std::getenv("STRATA_BIN");
  ASSERT_NE(strata, nullptr) << "CTest sets STRATA_BIN to the built strata binary";
  TempDir dir;
  const std::string out = dir.path() + "/out";
  absl::StatusOr<ProgramResult> run = RunProgram(
      {"bash", STRATA_SOURCE_DIR "/bench/compare/run.sh", "--events", "20000", "--runs", "1",
       "--warmups", "0", "--work", dir.path() + "/work", "--out", out, "--strata", strata},
      WithTimeout(absl::Minutes(5)));
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->exit_code, 0) << run->Describe();

  std::ifstream file(out + "/comparison.json");
  std::stringstream text;
  text << file.rdbuf();
  simdjson::dom::parser parser;
  simdjson::dom::element report;
  ASSERT_EQ(parser.parse(text.str()).get(report), simdjson::SUCCESS) << text.str();

  simdjson::dom::array failures;
  ASSERT_EQ(report["failures"].get(failures), simdjson::SUCCESS);
  EXPECT_EQ(failures.size(), 0u) << text.str().substr(0, 4000);

  // Two Strata loads, ClickHouse and DuckDB, each with every event.
  simdjson::dom::array loads;
  ASSERT_EQ(report["loads"].get(loads), simdjson::SUCCESS);
  EXPECT_EQ(loads.size(), 4u);
  for (simdjson::dom::element load : loads) {
    int64_t events = 0;
    ASSERT_EQ(load["events"].get(events), simdjson::SUCCESS);
    EXPECT_EQ(events, 20000);
  }

  // Q1-Q8 for the biggest and the 100th merchant, Q6 once: 15 cases, each timed and
  // answered by all four configurations, with non-empty answers for the biggest merchant.
  simdjson::dom::array latencies;
  ASSERT_EQ(report["latencies"].get(latencies), simdjson::SUCCESS);
  EXPECT_EQ(latencies.size(), 15u);
  simdjson::dom::object answers;
  ASSERT_EQ(report["answers"].get(answers), simdjson::SUCCESS);
  for (const char* system : {"Strata (rollups)", "Strata (raw)", "ClickHouse", "DuckDB"}) {
    simdjson::dom::object by_case;
    ASSERT_EQ(answers[system].get(by_case), simdjson::SUCCESS) << system;
    EXPECT_EQ(by_case.size(), 15u) << system;
    for (const char* key : {"Q1 biggest", "Q3 biggest", "Q5 biggest", "Q7 biggest"}) {
      simdjson::dom::array rows;
      ASSERT_EQ(by_case[key].get(rows), simdjson::SUCCESS) << system << " " << key;
      EXPECT_GT(rows.size(), 0u) << system << " " << key;
    }
  }
}

}  // namespace
}  // namespace strata::serve_test
