// Bucket arithmetic, cube definitions, keys and measure merging.
#include <cmath>

#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"
#include "gtest/gtest.h"
#include "tests/reference/rollup_test_util.h"

namespace strata::engine {
namespace {

using rollup_test::RefBucket;
using rollup_test::Zone;

int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone()));
}

TEST(BucketStart, HoursFloorIncludingNegativeTimes) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const int64_t h = kMicrosPerHour;
  EXPECT_EQ(BucketStart(0, RollupGrain::kHour, utc), 0);
  EXPECT_EQ(BucketStart(h - 1, RollupGrain::kHour, utc), 0);
  EXPECT_EQ(BucketStart(h, RollupGrain::kHour, utc), h);
  EXPECT_EQ(BucketStart(-1, RollupGrain::kHour, utc), -h);
  EXPECT_EQ(BucketStart(-h, RollupGrain::kHour, utc), -h);
  EXPECT_EQ(BucketStart(-h - 1, RollupGrain::kHour, utc), -2 * h);
  // Hours are UTC hours whatever the zone (Kolkata is +05:30).
  EXPECT_EQ(BucketStart(Utc(2026, 3, 1, 7, 45), RollupGrain::kHour, Zone("Asia/Kolkata")),
            Utc(2026, 3, 1, 7));
  EXPECT_EQ(BucketStart(INT64_MIN, RollupGrain::kHour, utc), INT64_MIN);
}

TEST(BucketStart, DaysAreLocalDays) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(BucketStart(-1, RollupGrain::kDay, utc), -kMicrosPerDay);
  EXPECT_EQ(BucketStart(Utc(1969, 12, 31, 23, 59), RollupGrain::kDay, utc), Utc(1969, 12, 31));
  EXPECT_EQ(BucketStart(Utc(2026, 11, 2, 13), RollupGrain::kDay, utc), Utc(2026, 11, 2));
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  EXPECT_EQ(BucketStart(Utc(2026, 11, 2, 13), RollupGrain::kDay, kolkata),
            Utc(2026, 11, 1, 18, 30));
  EXPECT_EQ(BucketStart(Utc(2026, 11, 2, 18, 30), RollupGrain::kDay, kolkata),
            Utc(2026, 11, 2, 18, 30));
  const absl::TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(BucketStart(Utc(2026, 11, 2, 3), RollupGrain::kDay, ny), Utc(2026, 11, 1, 4));
  EXPECT_EQ(BucketStart(Utc(2026, 11, 2, 5), RollupGrain::kDay, ny), Utc(2026, 11, 2, 5));
  EXPECT_EQ(BucketStart(Utc(1960, 1, 1, 3), RollupGrain::kDay, ny), Utc(1959, 12, 31, 5));
}

TEST(BucketStart, MidnightSkippedByDst) {
  // Sao Paulo entered DST at midnight on 2018-11-04 (00:00 -03 -> 01:00 -02): that day
  // starts at 01:00 local = 03:00Z.
  const absl::TimeZone sp = Zone("America/Sao_Paulo");
  EXPECT_EQ(BucketStart(Utc(2018, 11, 4, 15), RollupGrain::kDay, sp), Utc(2018, 11, 4, 3));
  EXPECT_EQ(BucketStart(Utc(2018, 11, 4, 3) - 1, RollupGrain::kDay, sp), Utc(2018, 11, 3, 3));
}

// Sweeping every few minutes across DST changes: buckets partition the timeline, each
// starting at its own bucket start, and match civil-day arithmetic.
TEST(BucketStart, DaysPartitionTheTimeline) {
  for (const char* name :
       {"UTC", "America/New_York", "Asia/Kolkata", "America/Sao_Paulo", "Australia/Lord_Howe"}) {
    SCOPED_TRACE(name);
    const absl::TimeZone zone = Zone(name);
    for (int64_t from : {Utc(2026, 3, 5), Utc(2026, 10, 28), Utc(2018, 11, 1), Utc(2019, 2, 14)}) {
      int64_t prev = INT64_MIN;
      for (int64_t t = from; t < from + 6 * kMicrosPerDay; t += 7 * kMicrosPerMinute + 13) {
        int64_t b = BucketStart(t, RollupGrain::kDay, zone);
        ASSERT_LE(b, t);
        ASSERT_GE(b, prev);
        ASSERT_EQ(BucketStart(b, RollupGrain::kDay, zone), b);
        ASSERT_LT(t - b, 26 * kMicrosPerHour);
        ASSERT_EQ(b, RefBucket(t, RollupGrain::kDay, zone));
        if (b != prev && prev != INT64_MIN) {
          ASSERT_EQ(BucketStart(b - 1, RollupGrain::kDay, zone), prev);
        }
        prev = b;
      }
    }
  }
}

TEST(BucketWindow, MatchesBucketStart) {
  const absl::TimeZone ny = Zone("America/New_York");
  rollup_internal::BucketWindow w;
  EXPECT_FALSE(w.Contains(0));
  for (int64_t t = Utc(2026, 10, 30); t < Utc(2026, 11, 4); t += 11 * kMicrosPerMinute) {
    for (RollupGrain g : {RollupGrain::kHour, RollupGrain::kDay}) {
      w.MoveTo(t, g, ny);
      EXPECT_EQ(w.start, BucketStart(t, g, ny));
      EXPECT_TRUE(w.Contains(t));
      EXPECT_EQ(BucketStart(w.end, g, ny), w.end);
      EXPECT_EQ(BucketStart(w.end - 1, g, ny), w.start);
    }
  }
}

TEST(Cubes, DefinitionsAndKeys) {
  EXPECT_STREQ(GetCubeDef(kCubeEvents).name, "events");
  EXPECT_TRUE(GetCubeDef(kCubeEvents).hourly);
  EXPECT_TRUE(GetCubeDef(kCubeSessions).hourly);
  EXPECT_TRUE(GetCubeDef(kCubeSessions).sessions);
  EXPECT_EQ(GetCubeDef(kCubeCountry).dim_column, kColCountry);
  EXPECT_EQ(GetCubeDef(kCubeLandingPage).dim_column, kSesLandingPage);
  for (int c = 0; c < kNumRollupCubes; ++c) {
    const CubeDef& d = GetCubeDef(static_cast<RollupCube>(c));
    EXPECT_EQ(d.sessions, c >= kCubeSessions) << c;
    EXPECT_EQ(d.hourly, c == kCubeEvents || c == kCubeSessions) << c;
    EXPECT_EQ(d.dim_column < 0, c == kCubeEvents || c == kCubeSessions) << c;
  }
  EXPECT_EQ(RollupKey(3, RollupGrain::kDay, kCubeOs), 3u << 5 | 1u << 4 | kCubeOs);
  EXPECT_LT(RollupKey(3, RollupGrain::kDay, kCubeSessionCountry),
            RollupKey(4, RollupGrain::kHour, kCubeEvents));
  EXPECT_EQ(RollupSchema().size(), size_t{rollup_internal::kNumRollupColumns});
  EXPECT_EQ(RollupSchema()[RollupWriterOptions().key_column].name, "key");
  EXPECT_EQ(RollupSchema()[RollupWriterOptions().time_column].name, "bucket");
}

TEST(CellMeasures, MergeSumsAndKeepsExtremes) {
  CellMeasures a, b, empty;
  a.count = 2;
  a.value_count = 1;
  a.value_sum = 3.5;
  a.value_min = a.value_max = 3.5;
  a.duration_sum_us = 10;
  a.duration_min_us = a.duration_max_us = 10;
  a.bounced = 1;
  b.count = 5;
  b.value_count = 2;
  b.value_sum = -1;
  b.value_min = -2;
  b.value_max = 1;
  b.engaged = 2;
  b.converted = 1;
  b.pageviews = 7;
  b.events = 9;
  b.duration_sum_us = 30;
  b.duration_min_us = 5;
  b.duration_max_us = 25;
  a.Merge(b);
  a.Merge(empty);
  EXPECT_EQ(a.count, 7);
  EXPECT_EQ(a.value_count, 3);
  EXPECT_EQ(a.value_sum, 2.5);
  EXPECT_EQ(a.value_min, -2);
  EXPECT_EQ(a.value_max, 3.5);
  EXPECT_EQ(a.bounced, 1);
  EXPECT_EQ(a.engaged, 2);
  EXPECT_EQ(a.converted, 1);
  EXPECT_EQ(a.pageviews, 7);
  EXPECT_EQ(a.events, 9);
  EXPECT_EQ(a.duration_sum_us, 40);
  EXPECT_EQ(a.duration_min_us, 5);
  EXPECT_EQ(a.duration_max_us, 25);
  empty.Merge(CellMeasures());
  EXPECT_TRUE(std::isinf(empty.value_min));
  EXPECT_EQ(empty.duration_max_us, std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace strata::engine
