// BuildEventRollup / BuildSessionRollup against a brute-force reference of every cell,
// written to a real segment and read back through RollupSegment.
#include <algorithm>
#include <random>

#include "engine/rollup/rollup.h"
#include "gtest/gtest.h"
#include "tests/reference/rollup_test_util.h"

namespace strata::engine {
namespace {

using rollup_test::ExpectSegmentMatches;
using rollup_test::FlushGeneratorEvents;
using rollup_test::RefCells;
using rollup_test::ReferenceEventCells;
using rollup_test::ReferenceSessionCells;
using rollup_test::Zone;
using storage::ColumnInput;

// Merchant m gets New York (m % 3 == 0), Kolkata (1) or UTC (2).
SettingsById MixedZones() {
  auto settings = [](const char* name) {
    auto s = std::make_shared<MerchantSettings>();
    s->time_zone = name;
    s->zone = Zone(name);
    return std::shared_ptr<const MerchantSettings>(std::move(s));
  };
  std::vector<std::shared_ptr<const MerchantSettings>> zones = {
      settings("America/New_York"), settings("Asia/Kolkata"), settings("UTC")};
  return [zones](uint32_t merchant) { return zones[merchant % 3]; };
}

struct Written {
  TempDir dir;
  std::unique_ptr<storage::SegmentReader> reader;
  std::unique_ptr<RollupSegment> seg;
};

std::unique_ptr<Written> WriteAndOpen(const std::vector<ColumnInput>& columns) {
  auto w = std::make_unique<Written>();
  std::string path = w->dir.File("rollup.seg");
  auto summary = storage::WriteSegment(path, RollupWriterOptions(), columns);
  EXPECT_TRUE(summary.ok()) << summary.status();
  auto reader = storage::SegmentReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return nullptr;
  w->reader = std::move(*reader);
  auto seg = RollupSegment::Open(w->reader.get());
  EXPECT_TRUE(seg.ok()) << seg.status();
  if (!seg.ok()) return nullptr;
  w->seg = std::move(*seg);
  return w;
}

// Builds, writes and checks every part; returns the cells checked.
size_t CheckEventParts(const std::vector<FlushPart>& parts, const RollupBuildOptions& o) {
  size_t checked = 0;
  for (const FlushPart& part : parts) {
    RefCells ref = ReferenceEventCells(part.columns, o);
    auto built = BuildEventRollup(part.columns, o);
    EXPECT_EQ(built.has_value(), !ref.empty());
    if (!built.has_value()) continue;
    auto w = WriteAndOpen(*built);
    if (w == nullptr) continue;
    checked += ExpectSegmentMatches(*w->reader, *w->seg, ref);
  }
  return checked;
}

ingest::GeneratorOptions SmallTraffic() {
  ingest::GeneratorOptions g;
  g.events = 60000;
  g.merchants = 40;
  g.days = 3;
  g.seed = 11;
  return g;
}

TEST(BuildEventRollup, MatchesReferenceUtc) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  ASSERT_GE(flushed.parts.size(), 3u);
  RollupBuildOptions o;
  o.min_rows = 64;
  size_t checked = CheckEventParts(flushed.parts, o);
  EXPECT_GT(checked, 10000u);
}

TEST(BuildEventRollup, MatchesReferenceInLocalZones) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  RollupBuildOptions o;
  o.min_rows = 64;
  o.settings = MixedZones();
  size_t checked = CheckEventParts(flushed.parts, o);
  EXPECT_GT(checked, 10000u);
}

// An old merchant's dense client ids span a range far larger than one flush uses.
TEST(BuildEventRollup, SparseClientIdsMatchReference) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  RollupBuildOptions o;
  o.min_rows = 16;
  o.settings = MixedZones();
  std::vector<FlushPart> parts = std::move(flushed.parts);
  for (FlushPart& part : parts) {
    for (int64_t& client : part.columns[kColClient].ints) client = client * 7919 + 3'000'000'000;
  }
  EXPECT_GT(CheckEventParts(parts, o), 10000u);
}

TEST(BuildEventRollup, LocalDailyBucketsStartAtLocalMidnight) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  RollupBuildOptions o;
  o.min_rows = 1;
  o.settings = MixedZones();
  const FlushPart& part = flushed.parts[1];  // 2026-11-02 UTC
  auto built = BuildEventRollup(part.columns, o);
  ASSERT_TRUE(built.has_value());
  auto w = WriteAndOpen(*built);
  ASSERT_NE(w, nullptr);
  const int64_t nov1 = 1'793'491'200'000'000, nov2 = nov1 + kMicrosPerDay;
  // New York leaves DST on 2026-11-01: that local day runs 04:00Z..05:00Z next day (25 h).
  // Kolkata is +05:30; merchant 2 is in UTC.
  std::map<uint32_t, std::set<int64_t>> want = {
      {0, {nov1 + 4 * kMicrosPerHour, nov2 + 5 * kMicrosPerHour}},
      {1,
       {nov1 + 18 * kMicrosPerHour + 30 * kMicrosPerMinute,
        nov2 + 18 * kMicrosPerHour + 30 * kMicrosPerMinute}},
      {2, {nov2}},
  };
  for (const auto& [merchant, buckets] : want) {
    for (int cube = 0; cube < kCubeSessions; ++cube) {
      auto cells = w->seg->Cells(merchant, RollupGrain::kDay, static_cast<RollupCube>(cube));
      ASSERT_TRUE(cells.ok()) << cells.status();
      std::set<int64_t> got;
      for (const RollupCell& c : *cells) got.insert(c.bucket_us);
      EXPECT_EQ(got, buckets) << "merchant " << merchant << " cube " << cube;
    }
  }
}

TEST(BuildEventRollup, OnlyMerchantsWithMinRowsAreCovered) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  const FlushPart& part = flushed.parts[1];
  std::map<uint32_t, uint64_t> rows_of;
  for (int64_t m : part.columns[kColMerchant].ints) ++rows_of[static_cast<uint32_t>(m)];
  RollupBuildOptions o;
  o.min_rows = 200;
  auto built = BuildEventRollup(part.columns, o);
  ASSERT_TRUE(built.has_value());
  auto w = WriteAndOpen(*built);
  ASSERT_NE(w, nullptr);
  int covered = 0, raw = 0;
  for (uint32_t m = 0; m < flushed.merchants + 2; ++m) {
    bool want = rows_of.count(m) > 0 && rows_of[m] >= o.min_rows;
    EXPECT_EQ(w->seg->Covers(m), want) << m << " has " << rows_of[m] << " rows";
    want ? ++covered : ++raw;
    for (int cube = 0; cube < kCubeSessions; ++cube) {
      auto cells = w->seg->Cells(m, RollupGrain::kDay, static_cast<RollupCube>(cube));
      ASSERT_TRUE(cells.ok());
      EXPECT_EQ(cells->empty(), !want) << m << " cube " << cube;
    }
    // Sessions cubes are never in an events rollup.
    auto sessions = w->seg->Cells(m, RollupGrain::kDay, kCubeSessions);
    ASSERT_TRUE(sessions.ok());
    EXPECT_TRUE(sessions->empty());
  }
  EXPECT_GT(covered, 1);
  EXPECT_GT(raw, 1);

  // No merchant reaches the threshold: no rollup at all.
  o.min_rows = static_cast<uint32_t>(part.columns[kColMerchant].ints.size() + 1);
  EXPECT_FALSE(BuildEventRollup(part.columns, o).has_value());
}

TEST(BuildEventRollup, CountsEveryRowOnceAcrossGrains) {
  auto flushed = FlushGeneratorEvents(SmallTraffic());
  RollupBuildOptions o;
  o.min_rows = 1;
  o.settings = MixedZones();
  const FlushPart& part = flushed.parts[0];
  auto built = BuildEventRollup(part.columns, o);
  ASSERT_TRUE(built.has_value());
  auto w = WriteAndOpen(*built);
  ASSERT_NE(w, nullptr);
  std::map<uint32_t, int64_t> rows_of;
  for (int64_t m : part.columns[kColMerchant].ints) ++rows_of[static_cast<uint32_t>(m)];
  for (const auto& [m, rows] : rows_of) {
    for (int cube = 0; cube < kCubeSessions; ++cube) {
      for (RollupGrain grain : {RollupGrain::kHour, RollupGrain::kDay}) {
        if (grain == RollupGrain::kHour && !GetCubeDef(static_cast<RollupCube>(cube)).hourly)
          continue;
        auto cells = w->seg->Cells(m, grain, static_cast<RollupCube>(cube));
        ASSERT_TRUE(cells.ok());
        int64_t total = 0;
        for (const RollupCell& c : *cells) total += c.m.count;
        EXPECT_EQ(total, rows) << "merchant " << m << " cube " << cube;
      }
    }
    auto hourly_pages = w->seg->Cells(m, RollupGrain::kHour, kCubePage);
    ASSERT_TRUE(hourly_pages.ok());
    EXPECT_TRUE(hourly_pages->empty());
  }
}

// A hand-made part: a dictionary with duplicate and unused values, rows out of time order
// and one merchant split in two runs. Cells are still one per (bucket, event, dim).
TEST(BuildEventRollup, CanonicalizesDuplicateStringsAndUnsortedRows) {
  std::vector<ColumnInput> cols(kNumEventColumns);
  const auto& defs = EventColumns();
  for (int c = 0; c < kNumEventColumns; ++c) {
    cols[c].schema = {defs[c].name, defs[c].type, defs[c].indexed};
    if (defs[c].type == storage::ColumnType::kString) cols[c].dict = {""};
  }
  cols[kColEvent].dict = {"view", "click", "view"};
  cols[kColDevice].dict = {"mobile", "desktop", "mobile", "unused"};
  const int64_t t0 = 1'793'491'200'000'000;  // midnight UTC
  struct Row {
    int64_t merchant, ts, client;
    uint32_t event, device;
    double value;
  };
  std::vector<Row> rows = {
      {7, t0 + 5 * kMicrosPerHour, 1, 0, 0, 2.5},      {7, t0 + 1 * kMicrosPerHour, 2, 2, 2, NAN},
      {7, t0 + 5 * kMicrosPerHour + 1, 1, 1, 1, 1.0},  {9, t0, 4, 0, 0, NAN},
      {7, t0 + 1 * kMicrosPerHour + 7, 3, 0, 0, -4.0},
  };
  for (const Row& r : rows) {
    cols[kColMerchant].ints.push_back(r.merchant);
    cols[kColTs].ints.push_back(r.ts);
    cols[kColClient].ints.push_back(r.client);
    cols[kColValue].doubles.push_back(r.value);
    for (int c = 0; c < kNumEventColumns; ++c)
      if (defs[c].type == storage::ColumnType::kString) cols[c].codes.push_back(0);
    cols[kColEvent].codes.back() = r.event;
    cols[kColDevice].codes.back() = r.device;
  }
  RollupBuildOptions o;
  o.min_rows = 1;
  auto built = BuildEventRollup(cols, o);
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ((*built)[2].dict, (std::vector<std::string>{"click", "view"}));

  // The reference works on strings, so it is immune to duplicate codes. Segments need
  // rows sorted by (key, bucket), which the builder guarantees whatever the input order.
  auto w = WriteAndOpen(*built);
  ASSERT_NE(w, nullptr);
  EXPECT_GT(ExpectSegmentMatches(*w->reader, *w->seg, ReferenceEventCells(cols, o)), 0u);
  auto device = w->seg->Cells(7, RollupGrain::kDay, kCubeDevice);
  ASSERT_TRUE(device.ok());
  ASSERT_EQ(device->size(), 2u);  // (click, desktop), (view, mobile)
  EXPECT_EQ((*device)[1].event, "view");
  EXPECT_EQ((*device)[1].dim, "mobile");
  EXPECT_EQ((*device)[1].m.count, 3);
  EXPECT_EQ((*device)[1].m.value_count, 2);
  EXPECT_EQ((*device)[1].m.value_sum, -1.5);
  EXPECT_EQ((*device)[1].m.value_min, -4.0);
  EXPECT_EQ((*device)[1].m.value_max, 2.5);
  EXPECT_EQ(rollup_test::Members(*(*device)[1].users), (std::vector<uint32_t>{1, 2, 3}));
  auto hourly = w->seg->Cells(7, RollupGrain::kHour, kCubeEvents);
  ASSERT_TRUE(hourly.ok());
  ASSERT_EQ(hourly->size(), 3u);  // 01:00 view, 05:00 click, 05:00 view
  EXPECT_EQ((*hourly)[0].bucket_us, t0 + kMicrosPerHour);
  EXPECT_EQ((*hourly)[0].m.count, 2);
}

std::vector<SessionRow> RandomSessions(uint32_t seed) {
  std::mt19937_64 rng(seed);
  const char* pages[] = {"", "/", "/cart", "/p/1", "/p/2"};
  const char* sources[] = {"", "google", "newsletter"};
  const char* devices[] = {"desktop", "mobile", ""};
  const char* countries[] = {"US", "DE", "IN", ""};
  // Merchant m has 40 * m sessions (m = 1..6).
  std::vector<SessionRow> out;
  const int64_t t0 = 1'793'491'200'000'000;
  for (uint32_t m = 1; m <= 6; ++m) {
    for (uint32_t i = 0; i < 40 * m; ++i) {
      SessionRow s;
      s.merchant = m;
      s.client = static_cast<uint32_t>(rng() % 50);
      s.start_us = t0 + static_cast<int64_t>(rng() % (3 * kMicrosPerDay));
      s.duration_us = static_cast<int64_t>(rng() % (40 * kMicrosPerMinute));
      s.end_us = s.start_us + s.duration_us;
      s.events = 1 + static_cast<int64_t>(rng() % 9);
      s.pageviews = static_cast<int64_t>(rng() % 5);
      s.landing_page = pages[rng() % 5];
      s.utm_source = sources[rng() % 3];
      s.device = devices[rng() % 3];
      s.country = countries[rng() % 4];
      s.bounced = rng() % 3 == 0;
      s.engaged = rng() % 2 == 0;
      s.converted = rng() % 7 == 0;
      s.revenue = s.converted ? static_cast<double>(rng() % 10000) / 100 : 0;
      if (i == 3) s.revenue = NAN;  // never produced, but skipped like event values
      out.push_back(std::move(s));
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST(BuildSessionRollup, MatchesReference) {
  std::vector<SessionRow> sessions = RandomSessions(5);
  for (bool zones : {false, true}) {
    SCOPED_TRACE(zones ? "local zones" : "UTC");
    RollupBuildOptions o;
    o.min_rows = 100;  // merchants 3..6 are covered
    if (zones) o.settings = MixedZones();
    RefCells ref = ReferenceSessionCells(sessions, o);
    auto built = BuildSessionRollup(sessions, o);
    ASSERT_TRUE(built.has_value());
    auto w = WriteAndOpen(*built);
    ASSERT_NE(w, nullptr);
    EXPECT_GT(ExpectSegmentMatches(*w->reader, *w->seg, ref), 300u);
    for (uint32_t m = 0; m <= 7; ++m) EXPECT_EQ(w->seg->Covers(m), m >= 3 && m <= 6) << m;
    auto events = w->seg->Cells(4, RollupGrain::kDay, kCubeEvents);
    ASSERT_TRUE(events.ok());
    EXPECT_TRUE(events->empty());
  }
  RollupBuildOptions o;
  o.min_rows = 1000;
  EXPECT_FALSE(BuildSessionRollup(sessions, o).has_value());
  EXPECT_FALSE(BuildSessionRollup({}, RollupBuildOptions()).has_value());
}

}  // namespace
}  // namespace strata::engine
