// Rollups, the flush thread's side: BuildEventRollup on a flushed day of generator traffic
// (events/s), BuildSessionRollup on synthetic sessions, writing a rollup segment; and the
// query side: a 30-day daily report by country for one merchant (Cells + per-country count
// and user-set union), with cells decoded (cold) or cached (warm).
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/temp_dir.h"
#include "engine/memtable.h"
#include "engine/rollup/rollup.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

// Generator events with dense ids, flushed through a Memtable like the engine does.
std::vector<FlushPart> Flush(const ingest::GeneratorOptions& g) {
  Memtable mem;
  absl::flat_hash_map<std::string, uint32_t> merchant_ids;
  std::vector<absl::flat_hash_map<std::string, uint32_t>> client_ids;
  ingest::Generator gen(g);
  Event e;
  uint64_t seq = 0;
  while (gen.Next(&e)) {
    auto [m, is_new] =
        merchant_ids.try_emplace(e.merchant, static_cast<uint32_t>(merchant_ids.size()));
    if (is_new) client_ids.emplace_back();
    auto& clients = client_ids[m->second];
    auto [c, unused] = clients.try_emplace(e.client_id, static_cast<uint32_t>(clients.size()));
    mem.Add(e, m->second, c->second, EncodeParams(e.params), ++seq);
  }
  return mem.BuildFlushParts(mem.rows());
}

const FlushPart& OneDay() {
  static const FlushPart part = [] {
    ingest::GeneratorOptions g;
    g.events = 1000000;
    g.merchants = 500;
    g.days = 1;
    g.seed = 7;
    return std::move(Flush(g).at(0));
  }();
  return part;
}

void BM_BuildEventRollup(benchmark::State& state) {
  const FlushPart& part = OneDay();
  RollupBuildOptions o;
  o.min_rows = static_cast<uint32_t>(state.range(0));
  size_t cells = 0;
  for (auto _ : state) {
    auto built = BuildEventRollup(part.columns, o);
    cells = built.has_value() ? (*built)[0].ints.size() : 0;
    benchmark::DoNotOptimize(built);
  }
  const size_t rows = part.columns[kColMerchant].ints.size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["cells_per_event"] = static_cast<double>(cells) / rows;
}
BENCHMARK(BM_BuildEventRollup)->Arg(64)->Arg(1)->Unit(benchmark::kMillisecond);

// Synthetic finalized sessions: Zipf-like merchants, sorted by (merchant, start) as the
// sessionizer hands them out.
std::vector<SessionRow> Sessions(size_t n) {
  std::mt19937_64 rng(5);
  const char* pages[] = {"/", "/home", "/cart", "/search", "/p/1", "/p/2", "/p/3", "/blog"};
  const char* sources[] = {"", "google", "newsletter", "facebook"};
  const char* devices[] = {"desktop", "mobile", "tablet"};
  const char* countries[] = {"US", "DE", "IN", "FR", "BR", "JP", "GB", ""};
  const int64_t t0 = 1'793'491'200'000'000;
  std::vector<SessionRow> out(n);
  for (SessionRow& s : out) {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    s.merchant = static_cast<uint32_t>(std::pow(500.0, u * u));  // skewed to small ids
    s.client = static_cast<uint32_t>(rng() % 20000);
    s.start_us = t0 + static_cast<int64_t>(rng() % kMicrosPerDay);
    s.duration_us = static_cast<int64_t>(rng() % (20 * kMicrosPerMinute));
    s.end_us = s.start_us + s.duration_us;
    s.events = 1 + static_cast<int64_t>(rng() % 12);
    s.pageviews = static_cast<int64_t>(rng() % 6);
    s.landing_page = pages[rng() % 8];
    s.utm_source = sources[rng() % 4];
    s.device = devices[rng() % 3];
    s.country = countries[rng() % 8];
    s.bounced = s.events == 1;
    s.converted = rng() % 40 == 0;
    s.engaged = s.converted || s.pageviews >= 2;
    s.revenue = s.converted ? 49.5 : 0;
  }
  std::sort(out.begin(), out.end(), [](const SessionRow& a, const SessionRow& b) {
    return std::tie(a.merchant, a.start_us) < std::tie(b.merchant, b.start_us);
  });
  return out;
}

void BM_BuildSessionRollup(benchmark::State& state) {
  static const std::vector<SessionRow> sessions = Sessions(250000);
  size_t cells = 0;
  for (auto _ : state) {
    auto built = BuildSessionRollup(sessions, RollupBuildOptions());
    cells = built.has_value() ? (*built)[0].ints.size() : 0;
    benchmark::DoNotOptimize(built);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sessions.size()));
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_BuildSessionRollup)->Unit(benchmark::kMillisecond);

// The rest of the flush-side cost: writing that rollup as a segment.
void BM_WriteEventRollup(benchmark::State& state) {
  const FlushPart& part = OneDay();
  auto built = BuildEventRollup(part.columns, RollupBuildOptions());
  TempDir dir;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto summary = storage::WriteSegment(dir.File("rollup.seg"), RollupWriterOptions(), *built);
    if (!summary.ok()) state.SkipWithError("write");
    bytes = summary.ok() ? summary->file_size : 0;
  }
  const size_t rows = part.columns[kColMerchant].ints.size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.counters["file_bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_event"] = static_cast<double>(bytes) / rows;
}
BENCHMARK(BM_WriteEventRollup)->Unit(benchmark::kMillisecond);

// Thirty daily rollup segments of 30 days of traffic.
struct Month {
  TempDir dir;
  std::vector<std::unique_ptr<storage::SegmentReader>> readers;
  uint32_t busiest = 0;  // the merchant with the most events
  int64_t busiest_events = 0;
};

const Month& ThirtyDays() {
  static const Month* month = [] {
    auto* m = new Month;
    ingest::GeneratorOptions g;
    g.events = 1500000;
    g.merchants = 200;
    g.days = 30;
    g.seed = 9;
    RollupBuildOptions o;
    std::map<uint32_t, int64_t> events_of;
    for (const FlushPart& part : Flush(g)) {
      for (int64_t merchant : part.columns[kColMerchant].ints) ++events_of[merchant];
      auto built = BuildEventRollup(part.columns, o);
      if (!built.has_value()) continue;
      std::string path = m->dir.File("rollup-" + std::to_string(part.day) + ".seg");
      if (!storage::WriteSegment(path, RollupWriterOptions(), *built).ok()) std::abort();
      m->readers.push_back(std::move(storage::SegmentReader::Open(path).value()));
    }
    for (const auto& [merchant, events] : events_of) {
      if (events > m->busiest_events) {
        m->busiest = merchant;
        m->busiest_events = events;
      }
    }
    return m;
  }();
  return *month;
}

// Per country: events and distinct users over 30 days, for the busiest merchant. `cold`: fresh
// RollupSegments, so every key is decoded; else the decoded cells are cached.
void BM_CountryReport30Days(benchmark::State& state) {
  const bool cold = state.range(0) != 0;
  const Month& month = ThirtyDays();
  std::vector<std::unique_ptr<RollupSegment>> segs;
  auto open_all = [&] {
    segs.clear();
    for (const auto& r : month.readers)
      segs.push_back(std::move(RollupSegment::Open(r.get()).value()));
  };
  open_all();
  size_t cells_read = 0, countries = 0;
  uint64_t users = 0;
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      open_all();
      state.ResumeTiming();
    }
    std::map<std::string_view, std::pair<int64_t, std::vector<const Bitmap*>>> by_country;
    cells_read = 0;
    for (const auto& seg : segs) {
      auto cells = seg->Cells(month.busiest, RollupGrain::kDay, kCubeCountry);
      if (!cells.ok()) std::abort();
      cells_read += cells->size();
      for (const RollupCell& c : *cells) {
        auto& [count, sets] = by_country[c.dim];
        count += c.m.count;
        sets.push_back(c.users);
      }
    }
    users = 0;
    for (auto& [country, acc] : by_country) {
      Bitmap u = Bitmap::fastunion(acc.second.size(), acc.second.data());
      users += u.cardinality();
    }
    countries = by_country.size();
    benchmark::DoNotOptimize(users);
  }
  state.counters["segments"] = static_cast<double>(segs.size());
  state.counters["events"] = static_cast<double>(month.busiest_events);
  state.counters["cells"] = static_cast<double>(cells_read);
  state.counters["countries"] = static_cast<double>(countries);
  state.counters["users_sum"] = static_cast<double>(users);
}
BENCHMARK(BM_CountryReport30Days)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata::engine
