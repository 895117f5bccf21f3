// Hash aggregation throughput (rows/s) on 1M-row inputs in 4096-row chunks:
//  - GROUP BY a dictionary-coded page (~1K distinct, Zipf-like) with count(*), sum(value)
//    and count(DISTINCT client id), and the same key without dictionary codes;
//  - GROUP BY a bigint with 100K groups, count(*) + sum(value);
//  - global count(DISTINCT id) over 1M dense ids;
//  - approx_count_distinct (HyperLogLog update), through the aggregator and raw.
//
//   build/bench/aggregate_bench --benchmark_min_time=0.2
#include <cmath>
#include <cstdint>
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

}  // namespace
}  // namespace strata::query
