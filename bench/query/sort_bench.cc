// Sorter throughput (rows/s) on 1M rows in 4096-row chunks: ORDER BY a double LIMIT 10
// (top-N heap), and a full ORDER BY (text, bigint) over page paths and timestamps.
//
//   build/bench/sort_bench --benchmark_min_time=0.2
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "query/sort.h"

namespace strata::query {
namespace {

constexpr size_t kRows = 1 << 20;

const std::vector<Chunk>& Revenue() {
  static std::vector<Chunk> chunks;
  if (!chunks.empty()) return chunks;
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> amount(3, 1.2);
  for (size_t begin = 0; begin < kRows; begin += kChunkRows) {
    Vector value(Type::kFloat64);
    Vector id(Type::kInt64);
    for (size_t r = 0; r < kChunkRows; ++r) {
      value.f64.push_back(amount(rng));
      id.i64.push_back(static_cast<int64_t>(begin + r));
    }
    Chunk chunk;
    chunk.rows = kChunkRows;
    chunk.columns = {std::move(value), std::move(id)};
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

struct Pages {
  std::vector<std::string> paths;
  std::vector<Chunk> chunks;
};

const Pages& PageViews() {
  static Pages data;
  if (!data.chunks.empty()) return data;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    data.paths.push_back("/products/" + std::to_string(rng() % 100000) + "/reviews");
  }
  for (size_t begin = 0; begin < kRows; begin += kChunkRows) {
    Vector path(Type::kString);
    Vector ts(Type::kInt64);
    for (size_t r = 0; r < kChunkRows; ++r) {
      path.str.push_back(data.paths[rng() % data.paths.size()]);
      ts.i64.push_back(1'700'000'000'000'000 + static_cast<int64_t>(rng() % 2'592'000'000'000));
    }
    Chunk chunk;
    chunk.rows = kChunkRows;
    chunk.columns = {std::move(path), std::move(ts)};
    data.chunks.push_back(std::move(chunk));
  }
  return data;
}

void RunSort(benchmark::State& state, const std::vector<Chunk>& chunks, std::vector<SortKey> keys,
             int64_t limit) {
  for (auto _ : state) {
    Sorter sorter(keys, limit, nullptr);
    for (const Chunk& c : chunks) {
      if (!sorter.Add(c).ok()) state.SkipWithError("Add failed");
    }
    std::vector<Chunk> out;
    if (!sorter.Finish(&out).ok()) state.SkipWithError("Finish failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * chunks.size() * kChunkRows));
}

void BM_TopTenByDouble(benchmark::State& state) {
  RunSort(state, Revenue(), {SortKey{0, true, true}}, 10);
}
BENCHMARK(BM_TopTenByDouble)->Unit(benchmark::kMillisecond);

void BM_FullSortByDouble(benchmark::State& state) {
  RunSort(state, Revenue(), {SortKey{0, false, false}}, -1);
}
BENCHMARK(BM_FullSortByDouble)->Unit(benchmark::kMillisecond);

void BM_FullSortByTextThenBigint(benchmark::State& state) {
  RunSort(state, PageViews().chunks, {SortKey{0, false, false}, SortKey{1, true, true}}, -1);
}
BENCHMARK(BM_FullSortByTextThenBigint)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::query
