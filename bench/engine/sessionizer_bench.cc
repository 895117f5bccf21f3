// Sessionizer throughput on generator traffic (1M events, 100 merchants, 7 days): events/s
// for Add + Advance as the engine's flush runs it (AddFlushPart over flushed memtable
// parts, then Advance, rows built and dropped), with and without the copy the engine
// publishes after each flush, and through the plain Add API.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "engine/memtable.h"
#include "engine/schema.h"
#include "engine/sessions/live_sessions.h"
#include "engine/sessions/sessionizer.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

constexpr size_t kFlushRows = 100000;  // events per simulated flush

struct Traffic {
  std::vector<Event> events;  // arrival order
  std::vector<SessionEvent> views;
  TempDir dir;
  std::unique_ptr<Catalog> catalog;
  std::vector<std::vector<FlushPart>> flushes;  // kFlushRows events each
};

const Traffic& GetTraffic() {
  static const Traffic* traffic = [] {
    ingest::GeneratorOptions g;
    g.events = 1000000;
    g.merchants = 100;
    g.days = 7;
    g.seed = 1;
    auto* t = new Traffic;
    t->events = ingest::Generator::All(g);
    std::string report;
    t->catalog = std::move(Catalog::Open(t->dir.path(), 0, &report)).value();
    std::unique_ptr<Memtable> mem;
    uint64_t seq = 0;
    for (const Event& e : t->events) {
      SessionEvent s;
      s.merchant = t->catalog->ResolveMerchant(e.merchant);
      s.client = t->catalog->ResolveClient(s.merchant, e.client_id);
      s.client_id = e.client_id;
      s.ts_us = e.ts_us;
      s.event = e.event;
      s.user_id = e.user_id;
      s.session_id = e.session_id;
      s.page = e.page;
      s.title = e.title;
      s.referrer = e.referrer;
      s.utm_source = e.utm_source;
      s.utm_medium = e.utm_medium;
      s.utm_campaign = e.utm_campaign;
      s.device = e.device;
      s.os = e.os;
      s.browser = e.browser;
      s.country = e.country;
      s.value = e.value;
      t->views.push_back(s);
      if (mem == nullptr) mem = std::make_unique<Memtable>();
      mem->Add(e, s.merchant, s.client, EncodeParams(e.params), ++seq);
      if (mem->rows() == kFlushRows) {
        t->flushes.push_back(mem->BuildFlushParts(mem->rows()));
        mem.reset();
      }
    }
    if (mem != nullptr) t->flushes.push_back(mem->BuildFlushParts(mem->rows()));
    return t;
  }();
  return *traffic;
}

// The flush's path: per flush, AddFlushPart for each day part, then Advance. With
// state.range(0) = 1, a copy is published after each flush and held during the next one
// (as a snapshot holds it), so the first write to each client's state copies it. With
// state.range(1) = 0, Advance builds no rows (the cost of the state alone).
void BM_FlushPath(benchmark::State& state) {
  const Traffic& t = GetTraffic();
  const bool publish = state.range(0) != 0;
  const bool build_rows = state.range(1) != 0;
  size_t sessions = 0;
  for (auto _ : state) {
    Sessionizer s(SessionizerOptions{});
    std::vector<SessionRow> rows;
    std::vector<PageviewRow> views;
    std::optional<Sessionizer> published;
    sessions = 0;
    for (const std::vector<FlushPart>& flush : t.flushes) {
      for (const FlushPart& part : flush) AddFlushPart(part.columns, *t.catalog, &s);
      if (build_rows) {
        s.Advance(&rows, &views);
      } else {
        s.Advance(nullptr, nullptr);
      }
      sessions += rows.size();
      rows.clear();
      views.clear();
      if (publish) published = s;
    }
    benchmark::DoNotOptimize(s.held_events());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.events.size()));
  state.counters["final_sessions"] = static_cast<double>(sessions);
}
BENCHMARK(BM_FlushPath)
    ->ArgNames({"publish", "rows"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 0})
    ->Unit(benchmark::kMillisecond);

// The plain API over events in arrival order, in batches of state.range(0).
void BM_AddAdvance(benchmark::State& state) {
  const std::vector<SessionEvent>& events = GetTraffic().views;
  const size_t batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Sessionizer s(SessionizerOptions{});
    std::vector<SessionRow> rows;
    std::vector<PageviewRow> views;
    for (size_t i = 0; i < events.size(); i += batch) {
      size_t end = std::min(events.size(), i + batch);
      for (size_t j = i; j < end; ++j) s.Add(events[j]);
      s.Advance(&rows, &views);
      rows.clear();
      views.clear();
    }
    benchmark::DoNotOptimize(s.held_events());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_AddAdvance)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The same without building rows: the cost of the state alone.
void BM_AddAdvanceNoRows(benchmark::State& state) {
  const std::vector<SessionEvent>& events = GetTraffic().views;
  const size_t batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Sessionizer s(SessionizerOptions{});
    for (size_t i = 0; i < events.size(); i += batch) {
      size_t end = std::min(events.size(), i + batch);
      for (size_t j = i; j < end; ++j) s.Add(events[j]);
      s.Advance(nullptr, nullptr);
    }
    benchmark::DoNotOptimize(s.held_events());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_AddAdvanceNoRows)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::engine
