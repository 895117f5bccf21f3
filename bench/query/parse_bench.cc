// SQL front end: parsing the benchmark queries (bench/workloads/queries.sql) into syntax
// trees, bytes and statements per second; and parse + bind + plan (rollup routing
// included), everything a statement costs before execution, in queries per second.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "query/binder.h"
#include "query/parser.h"
#include "query/rollup_planner.h"

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

bool HasRollup(const PlanNode& node) {
  if (node.kind == PlanNode::Kind::kRollupAggregate) return true;
  for (const auto& child : node.children) {
    if (HasRollup(*child)) return true;
  }
  return false;
}

// What the binder needs of a data directory: a catalog that knows the merchant. Planning
// reads no rows; the plan depends on the catalog only through merchant lookups.
void BM_PlanBenchmarkQueries(benchmark::State& state) {
  std::vector<std::string> queries;
  auto statements = ParseStatements(Queries());
  if (!statements.ok()) {
    state.SkipWithError(std::string(statements.status().message()).c_str());
    return;
  }
  for (const ast::Statement& s : *statements) {
    if (s.kind == ast::StatementKind::kSelect) {
      queries.push_back(absl::StrReplaceAll(s.text, {{":m", "shop-000001"}}));
    }
  }
  TempDir dir;
  std::string torn;
  auto catalog = engine::Catalog::Open(dir.path(), 0, &torn);
  if (!catalog.ok()) {
    state.SkipWithError(std::string(catalog.status().message()).c_str());
    return;
  }
  for (const char* merchant : {"shop-000001", "shop-000100"}) (*catalog)->ResolveMerchant(merchant);

  BindOptions bind;
  bind.catalog = catalog->get();
  bind.expr.now_us = 1796083200000000;  // 2026-12-01T00:00:00Z, the end of the dataset
  bind.run_subquery = [](const PlanNode&) -> absl::StatusOr<std::vector<std::vector<Value>>> {
    return absl::FailedPreconditionError("Q1-Q8 have no scalar subqueries");
  };
  RollupPlannerOptions rollups;
  rollups.expr = bind.expr;
  size_t routed = 0;  // queries the planner sends to rollup cells
  for (auto _ : state) {
    routed = 0;
    for (const std::string& sql : queries) {
      auto parsed = ParseStatement(sql);
      if (!parsed.ok()) {
        state.SkipWithError(std::string(parsed.status().message()).c_str());
        return;
      }
      auto plan = BindQuery(*parsed->query, bind);
      if (!plan.ok()) {
        state.SkipWithError(std::string(plan.status().message()).c_str());
        return;
      }
      PlanRollups(plan->get(), rollups);
      routed += HasRollup(**plan);
      benchmark::DoNotOptimize(plan);
    }
  }
  state.SetItemsProcessed(state.iterations() * queries.size());
  state.counters["queries"] = static_cast<double>(queries.size());
  state.counters["rollup_routed"] = static_cast<double>(routed);
}
BENCHMARK(BM_PlanBenchmarkQueries);

}  // namespace
}  // namespace strata::query
