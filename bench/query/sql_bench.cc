// End-to-end SQL latency: the benchmark queries Q1-Q8 (bench/workloads/queries.sql) for
// the biggest merchant (shop-000001) and the 100th by traffic (shop-000100), plus a
// filtered count that measures raw scan speed.
//
// Data and now(): bench/bench_dataset.h (bench/workloads/queries.sh loads the 10M-event,
// 10K-merchant, 30-day dataset).
// STRATA_BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE to stderr first.
// STRATA_BENCH_QUERIES names the query file (default bench/workloads/queries.sql, the raw
// forms; bench/workloads/report_queries.sql has the report forms on sessions, rollups and
// realtime tables). Counters p50_us / p99_us are per-query latency percentiles.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "bench/bench_dataset.h"
#include "query/query.h"

namespace strata {
namespace {

struct Fixture {
  std::unique_ptr<bench::BenchDataset> data;
  std::vector<std::string> queries;  // Q1..Q8 with ':m' placeholders
};

Fixture& GetFixture() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    fx->data = bench::OpenBenchDataset();
    fx->queries = bench::ReadBenchQueries("queries.sql");
    return fx;
  }();
  return *f;
}

void RunQuery(benchmark::State& state, const std::string& sql) {
  Fixture& fx = GetFixture();
  engine::Engine* engine = fx.data->engine.get();
  query::QuerySession session([engine] { return engine->GetSnapshot(); }, {});
  session.SetNowForTesting(fx.data->now_us);
  if (std::getenv("STRATA_BENCH_EXPLAIN") != nullptr) {
    // Once per query: where the time goes, operator by operator.
    auto plan = session.Execute("EXPLAIN ANALYZE " + sql);
    if (plan.ok()) {
      for (const auto& row : plan->rows) std::fprintf(stderr, "%s\n", row[0].s.c_str());
    }
  }
  size_t rows = 0;
  std::vector<double> micros;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    auto r = session.Execute(sql);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    rows = r->rows.size();
  }
  state.counters["result_rows"] = static_cast<double>(rows);
  std::sort(micros.begin(), micros.end());
  if (!micros.empty()) {
    state.counters["p50_us"] = micros[micros.size() / 2];
    state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  }
}

void BM_Query(benchmark::State& state, int q, const char* merchant) {
  Fixture& fx = GetFixture();
  if (q >= static_cast<int>(fx.queries.size())) {
    state.SkipWithError("queries.sql has fewer queries");
    return;
  }
  RunQuery(state, absl::StrReplaceAll(fx.queries[q], {{":m", merchant}}));
}

// Raw scan speed: a filtered count over every event of the biggest merchant; items are
// the merchant's rows.
void BM_FilteredCount(benchmark::State& state) {
  Fixture& fx = GetFixture();
  engine::Engine* engine = fx.data->engine.get();
  query::QuerySession session([engine] { return engine->GetSnapshot(); }, {});
  auto total = session.Execute("SELECT count(*) FROM events WHERE merchant = 'shop-000001'");
  int64_t rows = total.ok() ? total->rows[0][0].i : 0;
  RunQuery(state,
           "SELECT count(*) FROM events WHERE merchant = 'shop-000001' AND "
           "event = 'page_view' AND device = 'mobile'");
  state.SetItemsProcessed(state.iterations() * rows);
}

void Register() {
  const char* names[] = {"Q1_daily",      "Q2_hourly",        "Q3_top_pages", "Q4_bounce",
                         "Q5_conversion", "Q6_top_merchants", "Q7_countries", "Q8_realtime"};
  for (int q = 0; q < 8; ++q) {
    for (const char* m : {"shop-000001", "shop-000100"}) {
      if (q == 5 && std::string(m) != "shop-000001") continue;  // Q6 spans all merchants
      std::string name = std::string(names[q]) + "/" + (q == 5 ? "all" : m);
      benchmark::RegisterBenchmark(name.c_str(), BM_Query, q, m)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MinTime(0.5);
    }
  }
  benchmark::RegisterBenchmark("FilteredCount/shop-000001", BM_FilteredCount)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

const bool registered = (Register(), true);

}  // namespace
}  // namespace strata
