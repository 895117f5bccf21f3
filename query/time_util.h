// Calendar arithmetic for the expression functions (private to the expression module).
//
// Instants are µs since the Unix epoch, UTC. A "local" time is a wall-clock reading in some
// zone, represented as µs since 1970-01-01 00:00 of that wall clock (as if it were UTC), so
// day and month arithmetic on it is plain integer arithmetic.
//
// Converting local times back to instants follows PostgreSQL: a wall-clock time skipped by
// a spring-forward transition uses the offset before the transition, a repeated one (fall
// back) uses the offset after it.
#pragma once

#include "common/calendar.h"

#include <cstdint>

#include "absl/time/time.h"
#include "query/types.h"

namespace strata::query {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
// 2000-01-03 00:00 (a Monday) and 2000-01-01 00:00, as µs since the epoch: TimescaleDB's
// default bucket origins.
inline constexpr int64_t kBucketOriginDays = 946857600 * kMicrosPerSecond;
inline constexpr int64_t kBucketOriginMonths = 946684800 * kMicrosPerSecond;

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// The fields of a local time.
struct CivilFields {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;    // 0..999999
  int64_t days = 0;  // days since 1970-01-01
};
CivilFields SplitLocal(int64_t local_us);
// The local time of a date and time of day (fields need not be normalized: month 13 is
// January of the next year, day 0 the last day of the previous month).
int64_t JoinLocal(int64_t year, int month, int day, int64_t micros_of_day);

// Converts between instants and local times of `zone`, caching the zone's offset over the
// stretch of time between two transitions so that per-row conversions of nearby instants
// cost two comparisons. Not thread-safe; one per loop.
class ZoneConverter {
 public:
  explicit ZoneConverter(const absl::TimeZone& zone) : zone_(zone) {}

  int64_t ToLocal(int64_t us) {
    if (us >= lo_ && us < hi_) return us + offset_;
    return Refill(us);
  }
  // The instant of a local time (PostgreSQL's rule for skipped and repeated times).
  int64_t ToUtc(int64_t local_us) {
    int64_t guess = local_us - offset_;
    // Well inside the cached stretch the wall clock is neither skipped nor repeated.
    if (guess >= safe_lo_ && guess < safe_hi_) return guess;
    return SlowToUtc(local_us);
  }
  // The zone's UTC offset at an instant, in seconds.
  int OffsetSeconds(int64_t us) { return static_cast<int>((ToLocal(us) - us) / kMicrosPerSecond); }
  const absl::TimeZone& zone() const { return zone_; }

 private:
  int64_t Refill(int64_t us);
  int64_t SlowToUtc(int64_t local_us) const;

  absl::TimeZone zone_;
  int64_t lo_ = 0;  // offset_ applies to instants in [lo_, hi_)
  int64_t hi_ = 0;
  int64_t offset_ = 0;   // µs
  int64_t safe_lo_ = 0;  // [lo_, hi_) shrunk by a day on both sides
  int64_t safe_hi_ = 0;
};

// timestamptz + interval as PostgreSQL: months, then days in `zone`'s civil time, then
// the µs as absolute time. Returns false on overflow.
bool AddInterval(int64_t ts, const Interval& iv, ZoneConverter& zone, int64_t* out);
__extension__ typedef __int128 Int128;
// Total length used to order intervals (a month is 30 days, a day 24 hours), in µs.
inline Int128 IntervalSpan(const Interval& iv) {
  return (static_cast<Int128>(iv.months) * 30 + iv.days) * kMicrosPerDay + iv.micros;
}

}  // namespace strata::query
