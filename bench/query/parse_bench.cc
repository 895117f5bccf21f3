// SQL front end: parsing the benchmark queries (bench/workloads/queries.sql) into syntax
// trees, bytes and statements per second.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "query/parser.h"

namespace strata::query {
namespace {

std::string Queries() {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/bench/workloads/queries.sql");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void BM_ParseBenchmarkQueries(benchmark::State& state) {
  const std::string sql = Queries();
  size_t statements = 0;
  for (auto _ : state) {
    auto parsed = ParseStatements(sql);
    if (!parsed.ok()) {
      state.SkipWithError(std::string(parsed.status().message()).c_str());
      return;
    }
    statements = parsed->size();
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * sql.size());
  state.SetItemsProcessed(state.iterations() * statements);
}
BENCHMARK(BM_ParseBenchmarkQueries);

void BM_ParseDeepExpression(benchmark::State& state) {
  std::string sql = "SELECT ";
  for (int i = 0; i < 200; ++i) sql += "(value * " + std::to_string(i) + " + 1) + ";
  sql += "0 FROM events WHERE page LIKE '%x%' AND ts >= now() - INTERVAL '7 days'";
  for (auto _ : state) {
    auto parsed = ParseStatement(sql);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * sql.size());
}
BENCHMARK(BM_ParseDeepExpression);

}  // namespace
}  // namespace strata::query
