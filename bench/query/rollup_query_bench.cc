// Rollup routing: the benchmark shapes Q1-Q5 and Q7 (bench/workloads/queries.sql) answered
// from rollups (strata.rollups = on) and from raw rows (off), for the biggest merchant
// (shop-000001) and the 100th (shop-000100). Q1 and Q4 read the `sessions` table, the
// others `events`.
//
// Data and now(): bench/bench_dataset.h.
// STRATA_BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE to stderr first.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "bench/bench_dataset.h"
#include "query/query.h"

namespace strata {
namespace {

bench::BenchDataset& GetFixture() {
  static bench::BenchDataset* f = bench::OpenBenchDataset().release();
  return *f;
}

struct Shape {
  const char* name;
  const char* sql;  // ':m' is the merchant
};

// The shapes of queries.sql with the sessions table standing in for Q1's and Q4's
// per-client-hour session approximation.
const Shape kShapes[] = {
    {"Q1_daily",
     "SELECT date_trunc('day', start) AS day, sum(pageviews) AS pageviews, "
     "count(DISTINCT client_id) AS users, count(*) AS sessions FROM sessions "
     "WHERE merchant = ':m' AND start >= now() - INTERVAL '30 days' GROUP BY 1 ORDER BY 1"},
    {"Q2_hourly",
     "SELECT time_bucket('1 hour', ts) AS hour, count(*) AS pageviews FROM events "
     "WHERE merchant = ':m' AND event = 'page_view' AND ts >= now() - INTERVAL '7 days' "
     "GROUP BY 1 ORDER BY 1"},
    {"Q3_top_pages",
     "SELECT page, count(*) AS pageviews FROM events WHERE merchant = ':m' AND "
     "event = 'page_view' GROUP BY page ORDER BY pageviews DESC, page LIMIT 10"},
    {"Q4_bounce",
     "SELECT date_trunc('day', start) AS day, avg(bounced::int) AS bounce_rate, "
     "avg(duration) AS avg_session_seconds FROM sessions WHERE merchant = ':m' "
     "GROUP BY 1 ORDER BY 1"},
    {"Q5_conversion",
     "SELECT utm_source, count(DISTINCT client_id) AS users, "
     "count(DISTINCT client_id) FILTER (WHERE event = 'purchase') AS buyers, "
     "count(DISTINCT client_id) FILTER (WHERE event = 'purchase')::double precision "
     "/ count(DISTINCT client_id) AS conversion_rate, "
     "sum(value) FILTER (WHERE event = 'purchase') AS revenue FROM events "
     "WHERE merchant = ':m' GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source"},
    {"Q7_countries",
     "SELECT country, count(DISTINCT client_id) AS users FROM events WHERE merchant = ':m' "
     "GROUP BY country ORDER BY users DESC, country"},
};

void BM_Shape(benchmark::State& state, int shape, const char* merchant, bool rollups) {
  bench::BenchDataset& fx = GetFixture();
  engine::Engine* engine = fx.engine.get();
  query::QuerySession session([engine] { return engine->GetSnapshot(); }, {});
  session.SetNowForTesting(fx.now_us);
  if (!rollups) (void)session.Execute("SET strata.rollups = off");
  const std::string sql = absl::StrReplaceAll(kShapes[shape].sql, {{":m", merchant}});
  if (std::getenv("STRATA_BENCH_EXPLAIN") != nullptr) {
    auto plan = session.Execute("EXPLAIN ANALYZE " + sql);
    if (plan.ok()) {
      for (const auto& row : plan->rows) std::fprintf(stderr, "%s\n", row[0].s.c_str());
    }
  }
  size_t rows = 0;
  for (auto _ : state) {
    auto r = session.Execute(sql);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    rows = r->rows.size();
  }
  state.counters["result_rows"] = static_cast<double>(rows);
}

void Register() {
  for (int q = 0; q < static_cast<int>(std::size(kShapes)); ++q) {
    for (const char* m : {"shop-000001", "shop-000100"}) {
      for (bool rollups : {true, false}) {
        std::string name = std::string(kShapes[q].name) + "/" + m + (rollups ? "/rollups" : "/raw");
        benchmark::RegisterBenchmark(name.c_str(), BM_Shape, q, m, rollups)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(0.3);
      }
    }
  }
}

const bool registered = (Register(), true);

}  // namespace
}  // namespace strata
