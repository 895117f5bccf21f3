// The rollup segment schema, the cube definitions and bucket arithmetic.
#include <algorithm>
#include <array>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"
#include "engine/schema.h"

namespace strata::engine {

using storage::ColumnSchema;
using storage::ColumnType;

const CubeDef& GetCubeDef(RollupCube cube) {
  static const std::array<CubeDef, kNumRollupCubes> kCubes = {{
      {"events", false, -1, true},
      {"page", false, kColPage, false},
      {"utm_source", false, kColUtmSource, false},
      {"device", false, kColDevice, false},
      {"country", false, kColCountry, false},
      {"browser", false, kColBrowser, false},
      {"os", false, kColOs, false},
      {"sessions", true, -1, true},
      {"landing_page", true, kSesLandingPage, false},
      {"session_utm_source", true, kSesUtmSource, false},
      {"session_device", true, kSesDevice, false},
      {"session_country", true, kSesCountry, false},
  }};
  STRATA_CHECK(cube < kNumRollupCubes, "rollup cube out of range");
  return kCubes[cube];
}

const std::vector<ColumnSchema>& RollupSchema() {
  static const std::vector<ColumnSchema> kSchema = {
      {"key", ColumnType::kInt64, false},
      {"bucket", ColumnType::kInt64, false},
      {"event", ColumnType::kString, false},
      {"dim", ColumnType::kString, false},
      {"count", ColumnType::kInt64, false},
      {"value_count", ColumnType::kInt64, false},
      {"value_sum", ColumnType::kDouble, false},
      {"value_min", ColumnType::kDouble, false},
      {"value_max", ColumnType::kDouble, false},
      {"bounced", ColumnType::kInt64, false},
      {"engaged", ColumnType::kInt64, false},
      {"converted", ColumnType::kInt64, false},
      {"pageviews", ColumnType::kInt64, false},
      {"events", ColumnType::kInt64, false},
      {"duration_sum_us", ColumnType::kInt64, false},
      {"duration_min_us", ColumnType::kInt64, false},
      {"duration_max_us", ColumnType::kInt64, false},
      {"users", ColumnType::kString, false},
  };
  return kSchema;
}

storage::SegmentWriterOptions RollupWriterOptions() {
  storage::SegmentWriterOptions o;
  // Small blocks: a query decodes one (merchant, grain, cube) key, usually a few hundred
  // cells, and whole blocks are read.
  o.rows_per_block = 1024;
  o.key_column = rollup_internal::kRollKey;
  o.time_column = rollup_internal::kRollBucket;
  return o;
}

namespace {

// The first instant of local day `day`: its midnight, or the transition that skips
// midnight; of a repeated midnight the earlier one.
int64_t LocalDayStart(absl::CivilDay day, const absl::TimeZone& zone) {
  absl::TimeZone::TimeInfo ti = zone.At(absl::CivilSecond(day));
  absl::Time t = ti.kind == absl::TimeZone::TimeInfo::SKIPPED ? ti.trans : ti.pre;
  return absl::ToUnixMicros(t);
}

int64_t HourStart(int64_t ts_us) {
  int64_t rem = ts_us % kMicrosPerHour;
  if (rem < 0) rem += kMicrosPerHour;
  // Saturate in the hour before INT64_MIN (never a valid event time).
  if (static_cast<uint64_t>(ts_us) - static_cast<uint64_t>(INT64_MIN) < uint64_t(rem))
    return INT64_MIN;
  return ts_us - rem;
}

// Local days partition the timeline into [LocalDayStart(d), LocalDayStart(d + 1)); a
// civil day whose clock runs back over midnight still gets one bucket, not two.
void LocalDay(int64_t ts_us, const absl::TimeZone& zone, int64_t* start, int64_t* end) {
  absl::CivilDay day = absl::ToCivilDay(absl::FromUnixMicros(ts_us), zone);
  *start = LocalDayStart(day, zone);
  *end = LocalDayStart(day + 1, zone);
  if (ts_us >= *end) {
    *start = *end;
    *end = LocalDayStart(day + 2, zone);
  }
}

}  // namespace

int64_t BucketStart(int64_t ts_us, RollupGrain grain, const absl::TimeZone& zone) {
  if (grain == RollupGrain::kHour) return HourStart(ts_us);
  int64_t start, end;
  LocalDay(ts_us, zone, &start, &end);
  return start;
}

void CellMeasures::Merge(const CellMeasures& o) {
  count += o.count;
  value_count += o.value_count;
  value_sum += o.value_sum;
  value_min = std::min(value_min, o.value_min);
  value_max = std::max(value_max, o.value_max);
  bounced += o.bounced;
  engaged += o.engaged;
  converted += o.converted;
  pageviews += o.pageviews;
  events += o.events;
  duration_sum_us += o.duration_sum_us;
  duration_min_us = std::min(duration_min_us, o.duration_min_us);
  duration_max_us = std::max(duration_max_us, o.duration_max_us);
}

namespace rollup_internal {

void BucketWindow::MoveTo(int64_t ts, RollupGrain grain, const absl::TimeZone& zone) {
  if (grain == RollupGrain::kHour) {
    start = HourStart(ts);
    end = start > INT64_MAX - kMicrosPerHour ? INT64_MAX : start + kMicrosPerHour;
    return;
  }
  LocalDay(ts, zone, &start, &end);
}

const absl::TimeZone& ZoneOf(const RollupBuildOptions& options, uint32_t merchant,
                             std::shared_ptr<const MerchantSettings>* holder) {
  static const absl::TimeZone kUtc = absl::UTCTimeZone();
  if (!options.settings) return kUtc;
  *holder = options.settings(merchant);
  return *holder ? (*holder)->zone : kUtc;
}

}  // namespace rollup_internal
}  // namespace strata::engine
