// Rollups: per-merchant hourly and daily cubes of a data segment, stored as a companion
// segment (same segment format: columnar, compressed, checksummed).
//
// Each flushed data segment (events, or finalized sessions) gets a companion rollup
// segment holding the cells of every merchant with at least `min_rows` rows in it; the
// other merchants' rows stay raw only (a cell per event would save nothing). A query for
// merchant m reads, per data segment, the companion's cells when it Covers(m) and the raw
// rows otherwise, plus the memtables and live sessions raw: every event is counted
// exactly once and answers are always fresh.
//
// Cubes are narrow (docs/architecture.md, "Rollups"): one per report dimension.
//   events cubes, keyed by (event, dim):   kCubeEvents (dim ""), kCubePage, kCubeUtmSource,
//                                          kCubeDevice, kCubeCountry, kCubeBrowser, kCubeOs
//   sessions cubes, keyed by (dim):        kCubeSessions (dim ""), kCubeLandingPage,
//                                          kCubeSessionUtmSource, kCubeSessionDevice,
//                                          kCubeSessionCountry
// Grains: kCubeEvents and kCubeSessions have hourly (UTC hours) and daily cells; the other
// cubes daily cells only. A daily bucket starts at local midnight of the merchant's time
// zone (MerchantSettings::zone); a sessions cell's bucket is that of the session's start.
// A cell holds counts, sums, min/max and the exact set of users (dense client ids).
//
// Storage: key column = RollupKey(merchant, grain, cube), time column = bucket start (µs
// UTC); schema in docs/storage-format.md ("Rollup segment").
//
// Thread safety: RollupBuilder is single-threaded; a RollupSegment is immutable apart
// from an internally synchronized lazy decode, so share it freely.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/merchant_settings.h"
#include "engine/sessions/session_rows.h"
#include "engine/sessions/sessionizer.h"
#include "storage/roaring.h"
#include "storage/segment.h"

namespace strata::engine {

enum class RollupGrain : uint8_t { kHour = 0, kDay = 1 };

enum RollupCube : uint8_t {
  kCubeEvents = 0,
  kCubePage,
  kCubeUtmSource,
  kCubeDevice,
  kCubeCountry,
  kCubeBrowser,
  kCubeOs,
  kCubeSessions,
  kCubeLandingPage,
  kCubeSessionUtmSource,
  kCubeSessionDevice,
  kCubeSessionCountry,
  kNumRollupCubes,
};

struct CubeDef {
  const char* name;  // "events", "page", ... (EXPLAIN, docs)
  bool sessions;     // a sessions cube (else events)
  int dim_column;    // EventColumn (events) or SessionColumn (sessions); -1 = none
  bool hourly;       // has hourly cells (all cubes have daily cells)
};
const CubeDef& GetCubeDef(RollupCube cube);

// merchant << 5 | grain << 4 | cube. REQUIRES: merchant < 2^27.
inline uint32_t RollupKey(uint32_t merchant, RollupGrain grain, RollupCube cube) {
  return merchant << 5 | static_cast<uint32_t>(grain) << 4 | cube;
}

// The start (µs UTC) of the bucket holding `ts_us`: the UTC hour, or the local day in `zone`.
int64_t BucketStart(int64_t ts_us, RollupGrain grain, const absl::TimeZone& zone);

// The measures of one cell. For events cells `value_*` is over the events' `value`
// (NaN skipped) and the session fields are 0; for sessions cells `count` is sessions,
// `value_*` is over revenue, and the rest as named.
struct CellMeasures {
  int64_t count = 0;
  int64_t value_count = 0;  // non-NaN values
  double value_sum = 0;
  double value_min = std::numeric_limits<double>::infinity();
  double value_max = -std::numeric_limits<double>::infinity();
  int64_t bounced = 0;
  int64_t engaged = 0;
  int64_t converted = 0;
  int64_t pageviews = 0;
  int64_t events = 0;
  int64_t duration_sum_us = 0;
  int64_t duration_min_us = std::numeric_limits<int64_t>::max();
  int64_t duration_max_us = std::numeric_limits<int64_t>::min();
  void Merge(const CellMeasures& o);
};

struct RollupCell {
  int64_t bucket_us = 0;
  std::string_view event;  // events cubes: the event name; sessions cubes: ""
  std::string_view dim;    // the dimension value; "" for kCubeEvents / kCubeSessions
  CellMeasures m;
  const Bitmap* users = nullptr;  // never null
};

struct RollupBuildOptions {
  uint32_t min_rows = 64;  // a merchant with fewer rows in the base segment stays raw only
  SettingsById settings;   // null = defaults (UTC days)
};

// Builds the companion rollup of one data segment. Returns nullopt when no merchant
// reaches min_rows. The result is sorted by (key, bucket) for storage::WriteSegment with
// RollupWriterOptions().
// `columns`: an events FlushPart's columns (EventColumn order, sorted by merchant, ts).
std::optional<std::vector<storage::ColumnInput>> BuildEventRollup(
    const std::vector<storage::ColumnInput>& columns, const RollupBuildOptions& options);
std::optional<std::vector<storage::ColumnInput>> BuildSessionRollup(
    absl::Span<const SessionRow> sessions, const RollupBuildOptions& options);

const std::vector<storage::ColumnSchema>& RollupSchema();
storage::SegmentWriterOptions RollupWriterOptions();

// A loaded rollup segment. Cells are decoded (and checksums verified) per (merchant,
// grain, cube) on first use and cached for the segment's lifetime.
class RollupSegment {
 public:
  // REQUIRES: `reader` outlives the RollupSegment. DataLoss if its schema is not the
  // rollup schema.
  static absl::StatusOr<std::unique_ptr<RollupSegment>> Open(const storage::SegmentReader* reader);
  ~RollupSegment();

  // True if the base segment's rows of `merchant` are rolled up here.
  bool Covers(uint32_t merchant) const;
  // The cells of (merchant, grain, cube), sorted by (bucket, event, dim); empty if none.
  // Views stay valid for the RollupSegment's lifetime. DataLoss on a corrupt block.
  absl::StatusOr<absl::Span<const RollupCell>> Cells(uint32_t merchant, RollupGrain grain,
                                                     RollupCube cube) const;

  struct Decoded;

 private:
  // Defined in the .cc, where Decoded is complete.
  explicit RollupSegment(const storage::SegmentReader* reader);
  const storage::SegmentReader* reader_;
  mutable std::mutex mu_;
  mutable absl::flat_hash_map<uint32_t, std::unique_ptr<Decoded>> decoded_;  // by key
};

}  // namespace strata::engine
