// Engine write path: events/s through Append (group commit, WAL, memtables, background
// flush to segments), with fsync and relaxed WAL modes, and the flush itself.
#include <benchmark/benchmark.h>

#include <memory>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

const std::vector<Event>& Events() {
  static const std::vector<Event> events = [] {
    ingest::GeneratorOptions g;
    g.events = 400000;
    g.merchants = 500;
    g.days = 7;
    g.seed = 3;
    return ingest::Generator::All(g);
  }();
  return events;
}

// Appends all events in batches of state.range(0); includes the final flush.
void BM_AppendAndFlush(benchmark::State& state, WalSyncMode mode) {
  const auto& events = Events();
  const size_t batch = static_cast<size_t>(state.range(0));
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<TempDir>();
    EngineOptions o;
    o.data_dir = dir->path();
    o.wal_sync = mode;
    auto db = Engine::Open(o);
    state.ResumeTiming();
    for (size_t i = 0; i < events.size(); i += batch) {
      size_t n = std::min(batch, events.size() - i);
      if (!(*db)->Append(absl::MakeConstSpan(events).subspan(i, n)).ok())
        state.SkipWithError("append");
    }
    if (!(*db)->Close().ok()) state.SkipWithError("close");
    state.PauseTiming();
    bytes = (*db)->stats().segment_bytes_written;
    db->reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.counters["segment_bytes_per_event"] = double(bytes) / events.size();
}

// Kafka mode's write path: no WAL, events visible once Append returns, no flush (the
// memtables hold everything and are dropped at the end, as after a crash).
void BM_AppendWithoutWal(benchmark::State& state) {
  const auto& events = Events();
  const size_t batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::make_unique<TempDir>();
    EngineOptions o;
    o.data_dir = dir->path();
    o.write_ahead_log = false;
    o.flush_on_close = false;
    auto db = Engine::Open(o);
    state.ResumeTiming();
    int64_t offset = 0;
    for (size_t i = 0; i < events.size(); i += batch) {
      size_t n = std::min(batch, events.size() - i);
      offset += static_cast<int64_t>(n);
      if (!(*db)->Append(absl::MakeConstSpan(events).subspan(i, n), {{"bench/0", offset}}).ok())
        state.SkipWithError("append");
    }
    state.PauseTiming();
    (void)(*db)->Close();
    db->reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_AppendWithoutWal)->Arg(8192)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_CAPTURE(BM_AppendAndFlush, fsync, WalSyncMode::kSync)
    ->Arg(1000)
    ->Arg(32768)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_AppendAndFlush, relaxed, WalSyncMode::kRelaxed)
    ->Arg(32768)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace strata::engine
