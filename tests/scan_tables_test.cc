// Scans of the derived tables (sessions, pageviews) and the scan's source options: pruned
// scans of session/pageview segments must return exactly what a brute-force filter over
// their rows returns; read_segments / read_memtables split an events scan into its parts.
#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "engine/memtable.h"
#include "engine/rollup/rollup.h"
#include "engine/scan.h"
#include "engine/sessions/session_rows.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata {
namespace {

using engine::PageviewRow;
using engine::ScanPredicate;
using engine::ScanSpec;
using engine::ScanTable;
using engine::SessionRow;

const char* const kCountries[] = {"US", "DE", "FR", "IN", ""};
const char* const kDevices[] = {"desktop", "mobile", "tablet"};
const char* const kPages[] = {"/", "/cart", "/p/1", "/p/2", "/search", ""};

std::vector<SessionRow> RandomSessions(std::mt19937_64& rng, size_t n, uint32_t merchants,
                                       int64_t t0) {
  std::vector<SessionRow> rows(n);
  for (size_t i = 0; i < n; ++i) {
    SessionRow& r = rows[i];
    r.merchant = static_cast<uint32_t>(rng() % merchants);
    r.client = static_cast<uint32_t>(rng() % 500);
    r.client_id = "c" + std::to_string(r.client);
    r.session_id = "s" + std::to_string(i);
    r.start_us = t0 + static_cast<int64_t>(rng() % (86400ull * 3 * 1000000));
    r.duration_us = static_cast<int64_t>(rng() % 3600) * 1000000;
    r.end_us = r.start_us + r.duration_us;
    r.events = 1 + static_cast<int64_t>(rng() % 20);
    r.pageviews = static_cast<int64_t>(rng() % 10);
    r.landing_page = kPages[rng() % std::size(kPages)];
    r.exit_page = kPages[rng() % std::size(kPages)];
    r.device = kDevices[rng() % std::size(kDevices)];
    r.country = kCountries[rng() % std::size(kCountries)];
    r.bounced = rng() % 3 == 0;
    r.engaged = rng() % 2 == 0;
    r.converted = rng() % 10 == 0;
    r.revenue = r.converted ? static_cast<double>(rng() % 10000) / 100 : 0;
  }
  return rows;
}

std::vector<PageviewRow> RandomPageviews(std::mt19937_64& rng, size_t n, uint32_t merchants,
                                         int64_t t0) {
  std::vector<PageviewRow> rows(n);
  for (size_t i = 0; i < n; ++i) {
    PageviewRow& r = rows[i];
    r.merchant = static_cast<uint32_t>(rng() % merchants);
    r.client = static_cast<uint32_t>(rng() % 500);
    r.client_id = "c" + std::to_string(r.client);
    r.session_id = "s" + std::to_string(rng() % 1000);
    r.ts_us = t0 + static_cast<int64_t>(rng() % (86400ull * 3 * 1000000));
    r.page = kPages[rng() % std::size(kPages)];
    r.title = "t" + std::to_string(rng() % 7);
    r.device = kDevices[rng() % std::size(kDevices)];
    r.country = kCountries[rng() % std::size(kCountries)];
    r.time_on_page_us = rng() % 4 == 0 ? -1 : static_cast<int64_t>(rng() % 600) * 1000000;
    r.is_exit = rng() % 4 == 0;
  }
  return rows;
}

// Writes `columns` as segment `id` and wraps it in a handle.
std::shared_ptr<const engine::SegmentHandle> WriteHandle(
    const std::string& dir, uint64_t id, storage::SegmentMeta::Kind kind,
    storage::SegmentWriterOptions options, const std::vector<storage::ColumnInput>& columns) {
  options.rows_per_block = 256;
  const std::string path = dir + "/" + std::to_string(id) + ".seg";
  auto summary = storage::WriteSegment(path, options, columns);
  EXPECT_TRUE(summary.ok()) << summary.status();
  auto reader = storage::SegmentReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  storage::SegmentMeta meta;
  meta.id = id;
  meta.kind = kind;
  meta.rows = summary->rows;
  meta.min_ts = summary->min_ts;
  meta.max_ts = summary->max_ts;
  meta.file_size = summary->file_size;
  return std::make_shared<engine::SegmentHandle>(meta, path, std::move(*reader));
}

// One row of a scan as comparable values: ints, doubles, strings in spec column order.
using ScanRow = std::vector<std::string>;

std::multiset<ScanRow> RunScan(std::shared_ptr<const engine::Snapshot> snap, const ScanSpec& spec,
                               engine::ScanStats* stats = nullptr) {
  std::multiset<ScanRow> out;
  engine::Scanner scanner(std::move(snap), spec);
  engine::ColumnBatch batch;
  while (scanner.Next(&batch)) {
    for (size_t r = 0; r < batch.rows; ++r) {
      ScanRow row;
      for (const engine::ColumnVector& c : batch.columns) {
        switch (c.type) {
          case storage::ColumnType::kInt64:
            row.push_back(std::to_string(c.ints[r]));
            break;
          case storage::ColumnType::kDouble:
            row.push_back(std::to_string(c.doubles[r]));
            break;
          case storage::ColumnType::kString:
            row.push_back(std::string(c.dict.value(c.codes[r])));
            break;
        }
      }
      out.insert(row);
    }
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  if (stats != nullptr) *stats = scanner.stats();
  return out;
}

// Column accessors for the brute force, by SessionColumn / PageviewColumn.
std::string ValueOf(const SessionRow& r, int c) {
  switch (c) {
    case engine::kSesMerchant:
      return std::to_string(r.merchant);
    case engine::kSesStart:
      return std::to_string(r.start_us);
    case engine::kSesDuration:
      return std::to_string(r.duration_us);
    case engine::kSesEvents:
      return std::to_string(r.events);
    case engine::kSesBounced:
      return std::to_string(r.bounced ? 1 : 0);
    case engine::kSesRevenue:
      return std::to_string(r.revenue);
    case engine::kSesCountry:
      return r.country;
    case engine::kSesDevice:
      return r.device;
    case engine::kSesLandingPage:
      return r.landing_page;
    case engine::kSesSessionId:
      return r.session_id;
  }
  ADD_FAILURE() << "column " << c;
  return "";
}

std::string ValueOf(const PageviewRow& r, int c) {
  switch (c) {
    case engine::kPvMerchant:
      return std::to_string(r.merchant);
    case engine::kPvTs:
      return std::to_string(r.ts_us);
    case engine::kPvTimeOnPage:
      return std::to_string(r.time_on_page_us);
    case engine::kPvIsExit:
      return std::to_string(r.is_exit ? 1 : 0);
    case engine::kPvCountry:
      return r.country;
    case engine::kPvDevice:
      return r.device;
    case engine::kPvPage:
      return r.page;
    case engine::kPvSessionId:
      return r.session_id;
  }
  ADD_FAILURE() << "column " << c;
  return "";
}

template <typename Row>
std::multiset<ScanRow> BruteForce(const std::vector<Row>& rows, const ScanSpec& spec,
                                  int merchant_column, int time_column) {
  std::multiset<ScanRow> out;
  for (const Row& r : rows) {
    const uint32_t m = static_cast<uint32_t>(std::stoul(ValueOf(r, merchant_column)));
    if (!spec.merchants.empty() &&
        std::find(spec.merchants.begin(), spec.merchants.end(), m) == spec.merchants.end()) {
      continue;
    }
    const int64_t t = std::stoll(ValueOf(r, time_column));
    if (t < spec.min_ts || t > spec.max_ts) continue;
    bool ok = true;
    for (const ScanPredicate& p : spec.predicates) {
      const std::string v = ValueOf(r, p.column);
      if (p.op == ScanPredicate::Op::kIn) {
        ok = ok && std::find(p.values.begin(), p.values.end(), v) != p.values.end();
      } else {
        ok = ok && std::stoll(v) >= p.lo && std::stoll(v) <= p.hi;
      }
    }
    if (!ok) continue;
    ScanRow row;
    for (int c : spec.columns) row.push_back(ValueOf(r, c));
    out.insert(row);
  }
  return out;
}

// Random specs over the given string and int columns.
ScanSpec RandomSpec(std::mt19937_64& rng, ScanTable table, uint32_t merchants, int64_t t0,
                    const std::vector<int>& string_columns, const std::vector<int>& int_columns,
                    const std::vector<int>& output) {
  ScanSpec spec;
  spec.table = table;
  int nm = static_cast<int>(rng() % 3);
  for (int i = 0; i < nm; ++i) spec.merchants.push_back(static_cast<uint32_t>(rng() % merchants));
  if (rng() % 2) {
    spec.min_ts = t0 + static_cast<int64_t>(rng() % (86400ull * 3 * 1000000));
    spec.max_ts = spec.min_ts + static_cast<int64_t>(rng() % (86400ull * 1000000));
  }
  int np = static_cast<int>(rng() % 3);
  for (int i = 0; i < np; ++i) {
    if (rng() % 2) {
      int c = string_columns[rng() % string_columns.size()];
      std::vector<std::string> values;
      for (const char* v : {"US", "DE", "mobile", "/cart", "/", "s7", "nothing"}) {
        if (rng() % 3 == 0) values.push_back(v);
      }
      if (values.empty()) values.push_back("desktop");
      spec.predicates.push_back(ScanPredicate::In(c, values));
    } else {
      int c = int_columns[rng() % int_columns.size()];
      int64_t lo = static_cast<int64_t>(rng() % 3) - 1;
      int64_t hi = lo + static_cast<int64_t>(rng() % 400000000);
      spec.predicates.push_back(ScanPredicate::Range(c, lo, hi));
    }
  }
  spec.columns = output;
  return spec;
}

class DerivedScanTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kMerchants = 12;
  static constexpr int64_t kT0 = 1793491200000000;

  void SetUp() override {
    std::mt19937_64 rng(5);
    auto snap = std::make_shared<engine::Snapshot>();
    for (int part = 0; part < 3; ++part) {
      auto s = RandomSessions(rng, 3000, kMerchants, kT0);
      auto p = RandomPageviews(rng, 5000, kMerchants, kT0);
      snap->session_segments.push_back(
          WriteHandle(dir_.path(), 10 + part, storage::SegmentMeta::kSessions,
                      engine::SessionWriterOptions(), engine::SessionRowsToColumns(s)));
      snap->pageview_segments.push_back(
          WriteHandle(dir_.path(), 20 + part, storage::SegmentMeta::kPageviews,
                      engine::PageviewWriterOptions(), engine::PageviewRowsToColumns(p)));
      sessions_.insert(sessions_.end(), s.begin(), s.end());
      pageviews_.insert(pageviews_.end(), p.begin(), p.end());
    }
    snap_ = snap;
  }

  TempDir dir_;
  std::vector<SessionRow> sessions_;
  std::vector<PageviewRow> pageviews_;
  std::shared_ptr<const engine::Snapshot> snap_;
};

TEST_F(DerivedScanTest, SessionScansEqualBruteForce) {
  std::mt19937_64 rng(11);
  uint64_t pruned = 0;
  for (int iter = 0; iter < 80; ++iter) {
    ScanSpec spec = RandomSpec(
        rng, ScanTable::kSessions, kMerchants, kT0,
        {engine::kSesCountry, engine::kSesDevice, engine::kSesLandingPage, engine::kSesSessionId},
        {engine::kSesDuration, engine::kSesEvents, engine::kSesBounced},
        {engine::kSesMerchant, engine::kSesStart, engine::kSesSessionId, engine::kSesCountry,
         engine::kSesDuration, engine::kSesRevenue, engine::kSesBounced});
    engine::ScanStats stats;
    auto got = RunScan(snap_, spec, &stats);
    auto want = BruteForce(sessions_, spec, engine::kSesMerchant, engine::kSesStart);
    ASSERT_EQ(got.size(), want.size()) << "iteration " << iter;
    ASSERT_TRUE(got == want) << "iteration " << iter;
    pruned += stats.blocks_pruned + stats.segments_pruned;
    EXPECT_EQ(stats.memtable_rows_scanned, 0u);
  }
  EXPECT_GT(pruned, 0u);
}

TEST_F(DerivedScanTest, PageviewScansEqualBruteForce) {
  std::mt19937_64 rng(12);
  for (int iter = 0; iter < 80; ++iter) {
    ScanSpec spec =
        RandomSpec(rng, ScanTable::kPageviews, kMerchants, kT0,
                   {engine::kPvCountry, engine::kPvDevice, engine::kPvPage, engine::kPvSessionId},
                   {engine::kPvTimeOnPage, engine::kPvIsExit},
                   {engine::kPvMerchant, engine::kPvTs, engine::kPvPage, engine::kPvTimeOnPage,
                    engine::kPvIsExit});
    auto got = RunScan(snap_, spec);
    auto want = BruteForce(pageviews_, spec, engine::kPvMerchant, engine::kPvTs);
    ASSERT_EQ(got.size(), want.size()) << "iteration " << iter;
    ASSERT_TRUE(got == want) << "iteration " << iter;
  }
}

TEST_F(DerivedScanTest, CountOnlyScansCountTheSameRows) {
  std::mt19937_64 rng(13);
  for (int iter = 0; iter < 40; ++iter) {
    ScanSpec spec = RandomSpec(rng, ScanTable::kSessions, kMerchants, kT0,
                               {engine::kSesCountry, engine::kSesDevice}, {engine::kSesEvents}, {});
    engine::Scanner scanner(snap_, spec);
    engine::ColumnBatch batch;
    size_t counted = 0;
    while (scanner.Next(&batch)) counted += batch.rows;
    ASSERT_TRUE(scanner.status().ok()) << scanner.status();
    spec.columns = {engine::kSesSessionId};
    EXPECT_EQ(counted, BruteForce(sessions_, spec, engine::kSesMerchant, engine::kSesStart).size());
  }
}

TEST_F(DerivedScanTest, ReadSegmentsOffReadsNothing) {
  ScanSpec spec;
  spec.table = ScanTable::kSessions;
  spec.columns = {engine::kSesSessionId};
  spec.read_segments = false;
  EXPECT_TRUE(RunScan(snap_, spec).empty());
  spec.read_segments = true;
  EXPECT_EQ(RunScan(snap_, spec).size(), sessions_.size());
}

TEST_F(DerivedScanTest, BadColumnsAndPredicatesAreInvalid) {
  ScanSpec spec;
  spec.table = ScanTable::kPageviews;
  spec.columns = {engine::kNumPageviewColumns};
  engine::Scanner s1(snap_, spec);
  engine::ColumnBatch batch;
  EXPECT_FALSE(s1.Next(&batch));
  EXPECT_EQ(s1.status().code(), absl::StatusCode::kInvalidArgument);
  spec.columns = {engine::kPvPage};
  spec.predicates = {ScanPredicate::Range(engine::kPvPage, 0, 1)};
  engine::Scanner s2(snap_, spec);
  EXPECT_FALSE(s2.Next(&batch));
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DerivedScanTest, SegmentOfAnotherTableIsDataLoss) {
  // A pageview segment listed as a session segment: its columns are not the table's.
  auto snap = std::make_shared<engine::Snapshot>();
  snap->session_segments = snap_->pageview_segments;
  ScanSpec spec;
  spec.table = ScanTable::kSessions;
  spec.columns = {engine::kSesSessionId};
  engine::Scanner scanner(snap, spec);
  engine::ColumnBatch batch;
  EXPECT_FALSE(scanner.Next(&batch));
  EXPECT_EQ(scanner.status().code(), absl::StatusCode::kDataLoss) << scanner.status();
}

TEST(EventScanSourcesTest, SegmentsAndMemtablesArePartsOfTheWhole) {
  TempDir tmp;
  ingest::GeneratorOptions g;
  g.events = 30000;
  g.merchants = 10;
  g.days = 2;
  const std::vector<engine::Event> events = ingest::Generator::All(g);
  engine::EngineOptions o;
  o.data_dir = tmp.path();
  o.rows_per_block = 1024;
  auto opened = engine::Engine::Open(o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine::Engine& db = **opened;
  const size_t half = events.size() / 2;
  ASSERT_TRUE(db.Append(absl::MakeConstSpan(events).subspan(0, half)).ok());
  ASSERT_TRUE(db.Flush().ok());
  ASSERT_TRUE(db.Append(absl::MakeConstSpan(events).subspan(half)).ok());
  auto snap = db.GetSnapshot();

  ScanSpec spec;
  spec.columns = {engine::kColMerchant, engine::kColTs, engine::kColEvent, engine::kColClient};
  auto all = RunScan(snap, spec);
  spec.read_memtables = false;
  engine::ScanStats stats;
  auto stored = RunScan(snap, spec, &stats);
  EXPECT_EQ(stats.memtable_rows_scanned, 0u);
  spec.read_memtables = true;
  spec.read_segments = false;
  auto fresh = RunScan(snap, spec, &stats);
  EXPECT_EQ(stats.segments_total, 0u);
  // A background flush may have moved rows since the first Flush: count from the snapshot.
  uint64_t segment_rows = 0, memtable_rows = 0;
  for (const auto& seg : snap->segments) segment_rows += seg->meta().rows;
  for (const auto& view : snap->memtables) memtable_rows += view.rows;
  EXPECT_GE(segment_rows, half);
  EXPECT_EQ(stored.size(), segment_rows);
  EXPECT_EQ(fresh.size(), memtable_rows);
  EXPECT_EQ(all.size(), events.size());
  std::multiset<ScanRow> both = stored;
  both.insert(fresh.begin(), fresh.end());
  EXPECT_TRUE(both == all);
  spec.read_memtables = false;
  EXPECT_TRUE(RunScan(snap, spec).empty());
  ASSERT_TRUE(db.Close().ok());
}

// skip_rolled_up: per segment, exactly the rows of the merchants its companion rollup does
// not cover, whatever other options say; segments without a companion are read whole.
TEST(RolledUpScanTest, SkipsExactlyTheCoveredMerchants) {
  TempDir tmp;
  std::string report;
  auto catalog = engine::Catalog::Open(tmp.path(), 0, &report).value();
  ingest::GeneratorOptions g;
  g.events = 40000;
  g.merchants = 30;  // Zipf-skewed: big merchants get rollups, small ones stay raw
  g.days = 3;
  const std::vector<engine::Event> events = ingest::Generator::All(g);
  engine::Memtable memtable;
  for (size_t i = 0; i < events.size(); ++i) {
    const uint32_t m = catalog->ResolveMerchant(events[i].merchant);
    memtable.Add(events[i], m, catalog->ResolveClient(m, events[i].client_id),
                 engine::EncodeParams(events[i].params), i + 1);
  }
  memtable.Publish();

  struct Stored {
    uint32_t merchant;
    int64_t ts;
    bool covered;
  };
  std::vector<Stored> rows;
  auto snap = std::make_shared<engine::Snapshot>();
  engine::RollupBuildOptions rollup_options;
  rollup_options.min_rows = 200;
  uint64_t id = 1;
  size_t with_rollup = 0;
  for (const engine::FlushPart& part : memtable.BuildFlushParts(memtable.rows())) {
    storage::SegmentWriterOptions options;
    options.key_column = engine::kColMerchant;
    options.time_column = engine::kColTs;
    options.rows_per_block = 512;
    auto handle = std::const_pointer_cast<engine::SegmentHandle>(
        WriteHandle(tmp.path(), id++, storage::SegmentMeta::kEvents, options, part.columns));
    std::unique_ptr<engine::RollupSegment> rollup;
    // Every other day has no companion at all.
    auto cells =
        part.day % 2 == 0 ? engine::BuildEventRollup(part.columns, rollup_options) : std::nullopt;
    if (cells.has_value()) {
      auto file = WriteHandle(tmp.path(), id++, storage::SegmentMeta::kRollup,
                              engine::RollupWriterOptions(), *cells);
      auto opened = engine::RollupSegment::Open(&file->reader());
      ASSERT_TRUE(opened.ok()) << opened.status();
      rollup = std::move(*opened);
      with_rollup++;
      handle->AttachRollup(file, std::shared_ptr<const engine::RollupSegment>(std::move(rollup)));
    }
    const auto& merchants = part.columns[engine::kColMerchant].ints;
    const auto& ts = part.columns[engine::kColTs].ints;
    for (size_t r = 0; r < merchants.size(); ++r) {
      const uint32_t m = static_cast<uint32_t>(merchants[r]);
      rows.push_back({m, ts[r], handle->rollup() != nullptr && handle->rollup()->Covers(m)});
    }
    snap->segments.push_back(handle);
  }
  ASSERT_GT(with_rollup, 0u);
  size_t covered = 0;
  for (const Stored& r : rows) covered += r.covered;
  ASSERT_GT(covered, 0u);
  ASSERT_LT(covered, rows.size());

  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 30; ++iter) {
    ScanSpec spec;
    spec.skip_rolled_up = iter % 5 != 0;
    const int nm = static_cast<int>(rng() % 4);
    for (int i = 0; i < nm; ++i) spec.merchants.push_back(static_cast<uint32_t>(rng() % 30));
    if (rng() % 2) {
      spec.min_ts = g.start_us + static_cast<int64_t>(rng() % (86400ull * 3 * 1000000));
      spec.max_ts = spec.min_ts + static_cast<int64_t>(rng() % (86400ull * 1000000));
    }
    spec.columns = {engine::kColMerchant, engine::kColTs};
    std::multiset<ScanRow> want;
    for (const Stored& r : rows) {
      if (spec.skip_rolled_up && r.covered) continue;
      if (!spec.merchants.empty() && std::find(spec.merchants.begin(), spec.merchants.end(),
                                               r.merchant) == spec.merchants.end()) {
        continue;
      }
      if (r.ts < spec.min_ts || r.ts > spec.max_ts) continue;
      want.insert({std::to_string(r.merchant), std::to_string(r.ts)});
    }
    auto got = RunScan(snap, spec);
    ASSERT_EQ(got.size(), want.size()) << "iteration " << iter;
    ASSERT_TRUE(got == want) << "iteration " << iter;
    spec.columns.clear();
    engine::Scanner counter(snap, spec);
    engine::ColumnBatch batch;
    size_t counted = 0;
    while (counter.Next(&batch)) counted += batch.rows;
    ASSERT_TRUE(counter.status().ok());
    EXPECT_EQ(counted, want.size()) << "count-only, iteration " << iter;
  }
}

}  // namespace
}  // namespace strata
