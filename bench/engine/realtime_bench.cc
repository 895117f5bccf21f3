// Realtime tracker: Observe/s as the engine's write thread calls it for every committed
// event, and Summarize for a merchant with 5K clients.
//
// BM_ObserveGenerated replays the traffic generator's events (Zipf-skewed merchants, skewed
// pages, arrival order); BM_ObserveUniform is a worst case: uniformly random merchants,
// clients and pages, so nearly every event misses the CPU caches.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/realtime/realtime.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

struct ObservedEvent {
  uint32_t merchant;
  uint32_t client;
  int64_t ts;
  std::string_view event;
  std::string_view page;
  std::string_view item;
};

// Observes every event once to warm up (all clients and pages known), then each iteration
// observes them again, later by `period` each time so that no event is ignored as old.
void ObserveAll(benchmark::State& state, const std::vector<ObservedEvent>& events, int64_t period) {
  RealtimeTracker tracker;
  for (const ObservedEvent& e : events) {
    tracker.Observe(e.merchant, e.client, e.ts, e.event, e.page, e.item);
  }
  int64_t shift = 0;
  for (auto _ : state) {
    shift += period;
    for (const ObservedEvent& e : events) {
      tracker.Observe(e.merchant, e.client, e.ts + shift, e.event, e.page, e.item);
    }
    tracker.TakeChangedMerchants();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.counters["clients"] = static_cast<double>(tracker.clients());
}

// 1M generated events of 500 merchants over `days` (1 day: ~20K events in a 30-minute
// window), with dense merchant and client ids as the catalog assigns them.
void BM_ObserveGenerated(benchmark::State& state) {
  ingest::GeneratorOptions g;
  g.events = 1'000'000;
  g.merchants = 500;
  g.days = 1;
  g.seed = 5;
  static const std::vector<Event> generated = ingest::Generator::All(g);
  // The strings the events point at, each once: the engine observes events it has just
  // committed, whose bytes are in cache, not scattered over a gigabyte of Event objects.
  static absl::flat_hash_set<std::string> strings;
  auto pooled = [](const std::string& s) { return std::string_view(*strings.insert(s).first); };
  absl::flat_hash_map<std::string, uint32_t> merchant_ids;
  std::vector<absl::flat_hash_map<std::string, uint32_t>> client_ids;
  std::vector<ObservedEvent> events;
  for (const Event& e : generated) {
    auto [m, new_merchant] =
        merchant_ids.try_emplace(e.merchant, static_cast<uint32_t>(merchant_ids.size()));
    if (new_merchant) client_ids.emplace_back();
    auto& clients = client_ids[m->second];
    auto [c, new_client] = clients.try_emplace(e.client_id, static_cast<uint32_t>(clients.size()));
    events.push_back(
        {m->second, c->second, e.ts_us, pooled(e.event), pooled(e.page), pooled(e.item_id)});
  }
  // Two days: past the generator's day plus its few hours of lateness.
  ObserveAll(state, events, 2 * 86'400'000'000LL);
}
BENCHMARK(BM_ObserveGenerated)->Unit(benchmark::kMillisecond);

// 1M events, one per 100 us of event time (100 s in all): 500 merchants, of which 5 large
// ones get a quarter of the events from large_clients clients each and the others
// small_clients each; 300 pages and 50 items per merchant, uniformly.
void BM_ObserveUniform(benchmark::State& state) {
  const auto large_clients = static_cast<uint32_t>(state.range(0));
  const auto small_clients = static_cast<uint32_t>(state.range(1));
  static const std::vector<std::string> kinds = {"page_view", "page_view", "click",
                                                 "scroll",    "view_item", "add_to_cart"};
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> p;
    for (int i = 0; i < 300; ++i) p.push_back("/catalog/category-" + std::to_string(i) + "/");
    return p;
  }();
  static const std::vector<std::string> items = [] {
    std::vector<std::string> p;
    for (int i = 0; i < 50; ++i) p.push_back("SKU-" + std::to_string(100000 + i));
    return p;
  }();
  std::mt19937_64 rng(7);
  std::vector<ObservedEvent> events;
  for (int i = 0; i < 1'000'000; ++i) {
    const uint64_t r = rng();
    const bool large = r % 4 == 0;
    const uint32_t merchant =
        large ? static_cast<uint32_t>((r >> 2) % 5) : static_cast<uint32_t>(5 + (r >> 8) % 495);
    const uint32_t client =
        static_cast<uint32_t>((r >> 32) % (large ? large_clients : small_clients));
    const size_t kind = (r >> 20) % kinds.size();
    events.push_back({merchant, client, 1'750'000'000'000'000 + i * 100, kinds[kind],
                      pages[(r >> 40) % pages.size()],
                      kind >= 4 ? std::string_view(items[(r >> 50) % items.size()]) : ""});
  }
  ObserveAll(state, events, 100'000'000);
}
BENCHMARK(BM_ObserveUniform)->Args({20000, 200})->Args({2000, 20})->Unit(benchmark::kMillisecond);

// The same client on the same page: the fixed cost of a call (lock, lookups, compares).
void BM_ObserveOneClient(benchmark::State& state) {
  RealtimeTracker tracker;
  int64_t ts = 1'750'000'000'000'000;
  const std::string page = "/catalog/category-1/";
  for (auto _ : state) tracker.Observe(1, 5, ++ts, "page_view", page, "");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ObserveOneClient);

// One merchant with 5K clients spread over the last 30 minutes, 200 pages, 50 items.
void BM_Summarize(benchmark::State& state) {
  constexpr int64_t kNow = 1'750'000'000'000'000;
  RealtimeTracker tracker;
  std::mt19937_64 rng(11);
  for (uint32_t client = 0; client < 5000; ++client) {
    const int64_t ts = kNow - static_cast<int64_t>(rng() % 1'800'000'000);
    const std::string page = "/products/" + std::to_string(rng() % 200);
    const std::string item = rng() % 2 ? "SKU-" + std::to_string(rng() % 50) : "";
    tracker.Observe(1, client, ts, "page_view", page, item);
  }
  const size_t top_n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    RealtimeSummary summary = tracker.Summarize(1, kNow, top_n);
    benchmark::DoNotOptimize(summary);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Summarize)->Arg(20)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata::engine
