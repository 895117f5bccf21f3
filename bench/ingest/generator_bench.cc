// Throughput of the traffic generator: events/s for Next() alone, for Next() plus
// AppendJson (what `strata generate` does), and bytes/s for AppendJson alone.
//
// Run: build/bench/generator_bench --benchmark_min_time=1
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "ingest/generator.h"

namespace strata::ingest {
namespace {

// 10M events over the default 7 days and 100 merchants: the density of a mid-size demo.
GeneratorOptions BenchOptions() {
  GeneratorOptions o;
  o.events = 10000000;
  return o;
}

// Next() that starts a fresh generator (outside the timing) when one runs dry.
class Source {
 public:
  explicit Source(benchmark::State& state) : state_(state) { Reset(); }
  void Next(engine::Event* e) {
    if (generator_->Next(e)) return;
    state_.PauseTiming();
    Reset();
    state_.ResumeTiming();
    generator_->Next(e);
  }

 private:
  void Reset() { generator_ = std::make_unique<Generator>(BenchOptions()); }
  benchmark::State& state_;
  std::unique_ptr<Generator> generator_;
};

void BM_GeneratorNext(benchmark::State& state) {
  Source source(state);
  engine::Event e;
  for (auto _ : state) {
    source.Next(&e);
    benchmark::DoNotOptimize(e.ts_us);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeneratorNext);

// As in `strata generate`: lines accumulate in a 1 MiB buffer that is then "written".
void BM_GeneratorNextAndJson(benchmark::State& state) {
  Source source(state);
  engine::Event e;
  std::string buffer;
  buffer.reserve(2 << 20);
  int64_t bytes = 0;
  for (auto _ : state) {
    source.Next(&e);
    Generator::AppendJson(e, &buffer);
    if (buffer.size() >= (1 << 20)) {
      bytes += static_cast<int64_t>(buffer.size());
      benchmark::DoNotOptimize(buffer.data());
      buffer.clear();
    }
  }
  bytes += static_cast<int64_t>(buffer.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_GeneratorNextAndJson);

void BM_AppendJson(benchmark::State& state) {
  GeneratorOptions o = BenchOptions();
  o.events = 10000;
  Generator g(o);
  std::vector<engine::Event> events(o.events);
  for (engine::Event& e : events) g.Next(&e);
  std::string buffer;
  buffer.reserve(2 << 20);
  int64_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    Generator::AppendJson(events[i], &buffer);
    if (++i == events.size()) i = 0;
    if (buffer.size() >= (1 << 20)) {
      bytes += static_cast<int64_t>(buffer.size());
      benchmark::DoNotOptimize(buffer.data());
      buffer.clear();
    }
  }
  bytes += static_cast<int64_t>(buffer.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_AppendJson);

}  // namespace
}  // namespace strata::ingest
