// Hash aggregation throughput (rows/s) on 1M-row inputs in 4096-row chunks:
//  - GROUP BY a dictionary-coded page (~1K distinct, Zipf-like) with count(*), sum(value)
//    and count(DISTINCT client id), and the same key without dictionary codes;
//  - GROUP BY a bigint with 100K groups, count(*) + sum(value);
//  - global count(DISTINCT id) over 1M dense ids;
//  - approx_count_distinct (HyperLogLog update), through the aggregator and raw;
//  - the session shape of benchmark queries Q1/Q4: GROUP BY a dictionary-coded client id
//    and an hour bucket (~390K groups from 1.5M rows) with count(*) FILTER (WHERE ...), by
//    one aggregator, by two (one per half of the "segments") merged, and the merge alone;
//    and count(DISTINCT client id text) per hour over the same rows.
//
//   build/bench/aggregate_bench --benchmark_min_time=0.2
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "query/aggregate.h"
#include "query/hashing.h"
#include "query/hyperloglog.h"

namespace strata::query {
namespace {

constexpr size_t kRows = 1 << 20;

AggregateSpec Bind(const std::string& name, bool star, bool distinct, std::vector<Type> types,
                   std::vector<int> columns) {
  std::vector<std::optional<Value>> constants(types.size());
  AggregateSpec spec = *BindAggregate(name, star, distinct, types, constants);
  spec.arg_columns = std::move(columns);
  return spec;
}

// A Zipf-like draw in [0, n): a few values dominate, as page paths do.
uint32_t Skewed(std::mt19937_64& rng, uint32_t n) {
  double u = std::uniform_real_distribution<double>(0, 1)(rng);
  return std::min<uint32_t>(n - 1, static_cast<uint32_t>(std::pow(n + 1.0, u)) - 1);
}

struct PageData {
  std::vector<std::string> dictionary;
  std::vector<Chunk> chunks;  // page (text, coded), value (bigint), client id (bigint)
};

const PageData& Pages(bool with_codes) {
  static PageData data[2];
  PageData& d = data[with_codes ? 1 : 0];
  if (!d.chunks.empty()) return d;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) d.dictionary.push_back("/shop/category/" + std::to_string(i));
  for (size_t begin = 0; begin < kRows; begin += kChunkRows) {
    Vector page(Type::kString);
    Vector value(Type::kInt64);
    Vector client(Type::kInt64);
    if (with_codes) page.code_source = &d.dictionary;
    for (size_t r = 0; r < kChunkRows; ++r) {
      uint32_t code = Skewed(rng, 1000);
      page.str.push_back(d.dictionary[code]);
      if (with_codes) page.codes.push_back(code);
      value.i64.push_back(static_cast<int64_t>(rng() % 1000));
      client.i64.push_back(static_cast<int64_t>(rng() % 200'000));
    }
    Chunk chunk;
    chunk.rows = kChunkRows;
    chunk.columns = {std::move(page), std::move(value), std::move(client)};
    d.chunks.push_back(std::move(chunk));
  }
  return d;
}

void RunAggregation(benchmark::State& state, const std::vector<Chunk>& chunks,
                    std::vector<int> keys, std::vector<Type> key_types,
                    const std::vector<AggregateSpec>& specs) {
  size_t groups = 0;
  for (auto _ : state) {
    HashAggregator aggregator(keys, key_types, specs, nullptr);
    for (const Chunk& c : chunks) {
      if (!aggregator.Consume(c).ok()) state.SkipWithError("Consume failed");
    }
    std::vector<Chunk> out;
    if (!aggregator.Finish(&out).ok()) state.SkipWithError("Finish failed");
    groups = aggregator.groups();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * chunks.size() * kChunkRows));
  state.counters["groups"] = static_cast<double>(groups);
}

void BM_GroupByCodedPage(benchmark::State& state) {
  RunAggregation(
      state, Pages(true).chunks, {0}, {Type::kString},
      {Bind("count", true, false, {}, {}), Bind("sum", false, false, {Type::kInt64}, {1}),
       Bind("count", false, true, {Type::kInt64}, {2})});
}
BENCHMARK(BM_GroupByCodedPage)->Unit(benchmark::kMillisecond);

void BM_GroupByCodedPageCountSum(benchmark::State& state) {
  RunAggregation(
      state, Pages(true).chunks, {0}, {Type::kString},
      {Bind("count", true, false, {}, {}), Bind("sum", false, false, {Type::kInt64}, {1})});
}
BENCHMARK(BM_GroupByCodedPageCountSum)->Unit(benchmark::kMillisecond);

void BM_GroupByUncodedPageCountSum(benchmark::State& state) {
  RunAggregation(
      state, Pages(false).chunks, {0}, {Type::kString},
      {Bind("count", true, false, {}, {}), Bind("sum", false, false, {Type::kInt64}, {1})});
}
BENCHMARK(BM_GroupByUncodedPageCountSum)->Unit(benchmark::kMillisecond);

const std::vector<Chunk>& BigintKeys() {
  static std::vector<Chunk> chunks;
  if (!chunks.empty()) return chunks;
  std::mt19937_64 rng(2);
  for (size_t begin = 0; begin < kRows; begin += kChunkRows) {
    Vector key(Type::kInt64);
    Vector value(Type::kInt64);
    for (size_t r = 0; r < kChunkRows; ++r) {
      key.i64.push_back(static_cast<int64_t>(rng() % 100'000) * 7919);
      value.i64.push_back(static_cast<int64_t>(rng() % 1000));
    }
    Chunk chunk;
    chunk.rows = kChunkRows;
    chunk.columns = {std::move(key), std::move(value)};
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

void BM_GroupByBigint100KGroups(benchmark::State& state) {
  RunAggregation(
      state, BigintKeys(), {0}, {Type::kInt64},
      {Bind("count", true, false, {}, {}), Bind("sum", false, false, {Type::kInt64}, {1})});
}
BENCHMARK(BM_GroupByBigint100KGroups)->Unit(benchmark::kMillisecond);

const std::vector<Chunk>& DenseIds() {
  static std::vector<Chunk> chunks;
  if (!chunks.empty()) return chunks;
  std::mt19937_64 rng(3);
  for (size_t begin = 0; begin < kRows; begin += kChunkRows) {
    Vector id(Type::kInt64);
    for (size_t r = 0; r < kChunkRows; ++r) id.i64.push_back(static_cast<int64_t>(rng() % 400'000));
    Chunk chunk;
    chunk.rows = kChunkRows;
    chunk.columns = {std::move(id)};
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

void BM_GlobalCountDistinct(benchmark::State& state) {
  RunAggregation(state, DenseIds(), {}, {}, {Bind("count", false, true, {Type::kInt64}, {0})});
}
BENCHMARK(BM_GlobalCountDistinct)->Unit(benchmark::kMillisecond);

void BM_GlobalApproxCountDistinct(benchmark::State& state) {
  RunAggregation(state, DenseIds(), {}, {},
                 {Bind("approx_count_distinct", false, false, {Type::kInt64}, {0})});
}
BENCHMARK(BM_GlobalApproxCountDistinct)->Unit(benchmark::kMillisecond);

void BM_HyperLogLogAdd(benchmark::State& state) {
  for (auto _ : state) {
    HyperLogLog sketch;
    for (uint64_t i = 0; i < kRows; ++i) sketch.Add(Mix64(i));
    benchmark::DoNotOptimize(sketch.Estimate());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_HyperLogLogAdd)->Unit(benchmark::kMillisecond);

// Events of ~390K (client, hour) sessions over 30 days, in time order: the client id
// (text with dictionary codes of one source), the hour bucket (timestamp) and a flag
// (is it a page view).
struct SessionData {
  std::vector<std::string> clients;
  std::vector<Chunk> chunks;
};

const SessionData& Sessions() {
  static SessionData d;
  if (!d.chunks.empty()) return d;
  constexpr size_t kEventRows = 1'500'000;
  constexpr size_t kSessions = 400'000;
  constexpr uint32_t kClients = 250'000;
  constexpr int64_t kHour = 3'600'000'000;
  std::mt19937_64 rng(4);
  for (uint32_t i = 0; i < kClients; ++i) {
    char name[40];
    std::snprintf(name, sizeof(name), "%08x-%04x-4%03x-a%03x-%012llx", static_cast<uint32_t>(rng()),
                  static_cast<uint32_t>(rng() & 0xffff), static_cast<uint32_t>(rng() & 0xfff),
                  static_cast<uint32_t>(rng() & 0xfff),
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    d.clients.push_back(name);
  }
  struct Event {
    int64_t ts;
    uint32_t client;
    bool page_view;
  };
  std::vector<std::pair<uint32_t, int64_t>> sessions(kSessions);
  for (auto& s : sessions) {
    s = {static_cast<uint32_t>(rng() % kClients), static_cast<int64_t>(rng() % 720)};
  }
  std::vector<Event> events(kEventRows);
  for (Event& e : events) {
    const auto& s = sessions[rng() % kSessions];
    e = {s.second * kHour + static_cast<int64_t>(rng() % kHour), s.first, rng() % 10 < 7};
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.ts < b.ts; });
  for (size_t begin = 0; begin < kEventRows; begin += kChunkRows) {
    size_t n = std::min(kChunkRows, kEventRows - begin);
    Vector client(Type::kString);
    Vector hour(Type::kTimestamp);
    Vector page_view(Type::kBool);
    client.code_source = &d.clients;
    for (size_t r = begin; r < begin + n; ++r) {
      client.str.push_back(d.clients[events[r].client]);
      client.codes.push_back(events[r].client);
      hour.i64.push_back(events[r].ts / kHour * kHour);
      page_view.i64.push_back(events[r].page_view ? 1 : 0);
    }
    Chunk chunk;
    chunk.rows = n;
    chunk.columns = {std::move(client), std::move(hour), std::move(page_view)};
    d.chunks.push_back(std::move(chunk));
  }
  return d;
}

std::vector<AggregateSpec> SessionAggregates() {
  AggregateSpec pageviews = Bind("count", true, false, {}, {});
  pageviews.filter_column = 2;
  return {pageviews};
}

// Worker w of 2 gets alternate runs of 32 chunks (~130K rows), as scan partitions get
// alternate segments.
bool WorkerOwns(size_t chunk, int worker) { return static_cast<int>(chunk / 32 % 2) == worker; }

void BM_GroupByClientHour(benchmark::State& state) {
  RunAggregation(state, Sessions().chunks, {0, 1}, {Type::kString, Type::kTimestamp},
                 SessionAggregates());
}
BENCHMARK(BM_GroupByClientHour)->Unit(benchmark::kMillisecond);

// count(DISTINCT client text) per hour (720 groups), as the outer query of Q1 counts users
// per day over the sessions.
void BM_CountDistinctClientTextPerHour(benchmark::State& state) {
  RunAggregation(state, Sessions().chunks, {1}, {Type::kTimestamp},
                 {Bind("count", false, true, {Type::kString}, {0})});
}
BENCHMARK(BM_CountDistinctClientTextPerHour)->Unit(benchmark::kMillisecond);

// Both partials in one thread, then the merge and the output.
void BM_GroupByClientHourTwoPartials(benchmark::State& state) {
  const std::vector<Chunk>& chunks = Sessions().chunks;
  size_t groups = 0;
  size_t rows = 0;
  for (auto _ : state) {
    HashAggregator a({0, 1}, {Type::kString, Type::kTimestamp}, SessionAggregates(), nullptr);
    HashAggregator b({0, 1}, {Type::kString, Type::kTimestamp}, SessionAggregates(), nullptr);
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (!(WorkerOwns(i, 0) ? a : b).Consume(chunks[i]).ok()) state.SkipWithError("Consume");
      rows += chunks[i].rows;
    }
    if (!a.Merge(b).ok()) state.SkipWithError("Merge failed");
    std::vector<Chunk> out;
    if (!a.Finish(&out).ok()) state.SkipWithError("Finish failed");
    groups = a.groups();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
  state.counters["groups"] = static_cast<double>(groups);
}
BENCHMARK(BM_GroupByClientHourTwoPartials)->Unit(benchmark::kMillisecond);

// The merge of the two partials alone (manual time).
void BM_MergeClientHourPartials(benchmark::State& state) {
  const std::vector<Chunk>& chunks = Sessions().chunks;
  size_t merged_groups = 0;
  for (auto _ : state) {
    HashAggregator a({0, 1}, {Type::kString, Type::kTimestamp}, SessionAggregates(), nullptr);
    HashAggregator b({0, 1}, {Type::kString, Type::kTimestamp}, SessionAggregates(), nullptr);
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (!(WorkerOwns(i, 0) ? a : b).Consume(chunks[i]).ok()) state.SkipWithError("Consume");
    }
    merged_groups = b.groups();
    auto start = std::chrono::steady_clock::now();
    if (!a.Merge(b).ok()) state.SkipWithError("Merge failed");
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    state.SetIterationTime(elapsed.count());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * merged_groups));
  state.counters["merged_groups"] = static_cast<double>(merged_groups);
}
BENCHMARK(BM_MergeClientHourPartials)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::query
