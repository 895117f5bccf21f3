// Scans with pruning (key directory, time, block min/max, bitmap indexes) must return
// exactly the rows a brute-force filter over the input returns, for random specs, over a
// mix of flushed segments and live memtables.
#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/scan.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata {
namespace {

using engine::Event;
using engine::ScanPredicate;
using Row = std::tuple<std::string, int64_t, std::string, std::string, std::string, std::string>;

Row RowOf(const Event& e) { return {e.merchant, e.ts_us, e.client_id, e.event, e.page, e.country}; }

const std::string& Field(const Event& e, int col) {
  const auto& defs = engine::EventColumns();
  return e.*defs[col].field;
}

TEST(ScanTest, PrunedScansEqualBruteForce) {
  TempDir tmp;
  ingest::GeneratorOptions g;
  g.events = 120000;
  g.merchants = 40;
  g.days = 4;
  g.seed = 7;
  const std::vector<Event> events = ingest::Generator::All(g);

  engine::EngineOptions o;
  o.data_dir = tmp.path();
  o.shards = 4;
  o.rows_per_block = 1024;
  o.memtable_max_rows = 9000;
  auto opened = engine::Engine::Open(o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine::Engine& db = **opened;
  // Most events flushed (the flush thread may lag behind the writers, so wait for it), the
  // rest in memtables.
  bool flushed = false;
  for (size_t i = 0; i < events.size(); i += 5000) {
    if (!flushed && i >= events.size() * 4 / 5) {
      ASSERT_TRUE(db.Flush().ok());
      flushed = true;
    }
    size_t n = std::min<size_t>(5000, events.size() - i);
    ASSERT_TRUE(db.Append(absl::MakeConstSpan(events).subspan(i, n)).ok());
  }
  ASSERT_GT(db.GetSnapshot()->segments.size(), 10u);
  ASSERT_FALSE(db.GetSnapshot()->memtables.empty());

  std::vector<std::string> merchants, pages;
  for (const Event& ev : events) {
    merchants.push_back(ev.merchant);
    pages.push_back(ev.page);
  }
  std::sort(merchants.begin(), merchants.end());
  merchants.erase(std::unique(merchants.begin(), merchants.end()), merchants.end());
  int64_t t0 = events[0].ts_us, t1 = events[0].ts_us;
  for (const Event& ev : events) {
    t0 = std::min(t0, ev.ts_us);
    t1 = std::max(t1, ev.ts_us);
  }

  std::mt19937_64 rng(99);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const int string_cols[] = {engine::kColEvent, engine::kColDevice,    engine::kColCountry,
                             engine::kColPage,  engine::kColUtmSource, engine::kColBrowser};
  uint64_t pruned_blocks = 0, pruned_segments = 0;
  for (int iter = 0; iter < 60; ++iter) {
    engine::ScanSpec spec;
    std::set<std::string> wanted;
    int nm = static_cast<int>(rng() % 4);  // 0 = all merchants
    for (int i = 0; i < nm; ++i) wanted.insert(pick(merchants));
    for (const auto& m : wanted) spec.merchants.push_back(*db.catalog().FindMerchant(m));
    if (rng() % 2) {
      int64_t a = t0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(t1 - t0));
      int64_t b = a + static_cast<int64_t>(rng() % static_cast<uint64_t>(t1 - t0) / 3);
      spec.min_ts = a;
      spec.max_ts = b;
    }
    int np = static_cast<int>(rng() % 3);
    for (int i = 0; i < np; ++i) {
      int col = string_cols[rng() % std::size(string_cols)];
      std::vector<std::string> values;
      int nv = 1 + static_cast<int>(rng() % 3);
      for (int v = 0; v < nv; ++v) {
        const Event& sample = events[rng() % events.size()];
        values.push_back(col == engine::kColPage && rng() % 4 == 0 ? pick(pages)
                                                                   : Field(sample, col));
      }
      if (rng() % 10 == 0) values = {"no-such-value"};
      spec.predicates.push_back(ScanPredicate::In(col, values));
    }
    spec.columns = {engine::kColMerchant, engine::kColTs,   engine::kColClient,
                    engine::kColEvent,    engine::kColPage, engine::kColCountry};

    std::multiset<Row> expected;
    for (const Event& ev : events) {
      if (!wanted.empty() && !wanted.count(ev.merchant)) continue;
      if (ev.ts_us < spec.min_ts || ev.ts_us > spec.max_ts) continue;
      bool ok = true;
      for (const ScanPredicate& p : spec.predicates) {
        const std::string& v = Field(ev, p.column);
        ok = ok && std::find(p.values.begin(), p.values.end(), v) != p.values.end();
      }
      if (ok) expected.insert(RowOf(ev));
    }

    std::multiset<Row> got;
    engine::Scanner scanner(db.GetSnapshot(), spec);
    engine::ColumnBatch batch;
    while (scanner.Next(&batch)) {
      const auto& c = batch.columns;
      for (size_t r = 0; r < batch.rows; ++r) {
        uint32_t m = static_cast<uint32_t>(c[0].ints[r]);
        got.insert({db.catalog().MerchantName(m), c[1].ints[r],
                    db.catalog().ClientName(m, static_cast<uint32_t>(c[2].ints[r])),
                    std::string(c[3].dict.value(c[3].codes[r])),
                    std::string(c[4].dict.value(c[4].codes[r])),
                    std::string(c[5].dict.value(c[5].codes[r]))});
      }
    }
    ASSERT_TRUE(scanner.status().ok()) << scanner.status();
    ASSERT_EQ(got.size(), expected.size()) << "iteration " << iter;
    ASSERT_TRUE(got == expected) << "iteration " << iter;

    // The same spec without output columns (count(*)): column-less batches whose rows add
    // up to the same count, whether blocks are counted from index ranks or row by row.
    engine::ScanSpec count_spec = spec;
    count_spec.columns.clear();
    engine::Scanner counter(db.GetSnapshot(), count_spec);
    size_t counted = 0;
    while (counter.Next(&batch)) {
      ASSERT_TRUE(batch.columns.empty());
      counted += batch.rows;
    }
    ASSERT_TRUE(counter.status().ok()) << counter.status();
    ASSERT_EQ(counted, expected.size()) << "count-only, iteration " << iter;
    pruned_blocks += scanner.stats().blocks_pruned;
    pruned_segments += scanner.stats().segments_pruned;
  }
  EXPECT_GT(pruned_segments, 0u);
  EXPECT_GT(pruned_blocks, 0u);
}

}  // namespace
}  // namespace strata
