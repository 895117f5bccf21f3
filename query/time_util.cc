#include "query/time_util.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace strata::query {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// Calendar arithmetic stays well inside int64 µs: about ±126,000 years around 1970.
constexpr int64_t kMaxAbsMicros = 4'000'000'000'000'000'000;

}  // namespace

CivilFields SplitLocal(int64_t local_us) {
  CivilFields f;
  f.days = FloorDiv(local_us, kMicrosPerDay);
  int64_t tod = local_us - f.days * kMicrosPerDay;
  CivilFromDays(f.days, &f.year, &f.month, &f.day);
  f.hour = static_cast<int>(tod / kMicrosPerHour);
  f.minute = static_cast<int>(tod / kMicrosPerMinute % 60);
  f.second = static_cast<int>(tod / kMicrosPerSecond % 60);
  f.micros = static_cast<int>(tod % kMicrosPerSecond);
  return f;
}

int64_t JoinLocal(int64_t year, int month, int day, int64_t micros_of_day) {
  year += FloorDiv(month - 1, 12);
  month = static_cast<int>(FloorMod(month - 1, 12)) + 1;
  int64_t days = DaysFromCivil(year, month, 1) + day - 1;
  return days * kMicrosPerDay + micros_of_day;
}

int64_t ZoneConverter::Refill(int64_t us) {
  absl::Time t = absl::FromUnixMicros(us);
  offset_ = static_cast<int64_t>(zone_.At(t).offset) * kMicrosPerSecond;
  lo_ = kMin;
  hi_ = kMax;
  absl::TimeZone::CivilTransition tr;
  if (zone_.NextTransition(t, &tr)) hi_ = absl::ToUnixMicros(zone_.At(tr.to).trans);
  if (zone_.PrevTransition(t + absl::Seconds(1), &tr)) {
    lo_ = absl::ToUnixMicros(zone_.At(tr.to).trans);
  }
  if (!(lo_ <= us && us < hi_)) lo_ = hi_ = 0;  // odd edge: do not cache, stay exact
  safe_lo_ = lo_ == kMin ? kMin : lo_ + kMicrosPerDay;
  safe_hi_ = hi_ == kMax ? kMax : hi_ - kMicrosPerDay;
  return us + offset_;
}

int64_t ZoneConverter::SlowToUtc(int64_t local_us) const {
  int64_t seconds = FloorDiv(local_us, kMicrosPerSecond);
  int64_t frac = local_us - seconds * kMicrosPerSecond;
  absl::CivilSecond cs = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + seconds;
  absl::TimeZone::TimeInfo info = zone_.At(cs);
  absl::Time t = info.kind == absl::TimeZone::TimeInfo::REPEATED ? info.post : info.pre;
  return absl::ToUnixMicros(t) + frac;
}

bool AddInterval(int64_t ts, const Interval& iv, ZoneConverter& zone, int64_t* out) {
  if (ts < -kMaxAbsMicros || ts > kMaxAbsMicros) return false;
  if (iv.months != 0) {
    int64_t local = zone.ToLocal(ts);
    CivilFields f = SplitLocal(local);
    int64_t total = f.year * 12 + (f.month - 1) + iv.months;
    int64_t year = FloorDiv(total, 12);
    int month = static_cast<int>(FloorMod(total, 12)) + 1;
    if (year < -200000 || year > 200000) return false;
    int day = std::min(f.day, DaysInMonth(year, month));
    ts = zone.ToUtc(JoinLocal(year, month, day, local - f.days * kMicrosPerDay));
  }
  if (iv.days != 0) {
    if (iv.days > kMaxAbsMicros / kMicrosPerDay || iv.days < -kMaxAbsMicros / kMicrosPerDay) {
      return false;
    }
    int64_t shift = static_cast<int64_t>(iv.days) * kMicrosPerDay;
    ts = zone.ToUtc(zone.ToLocal(ts) + shift);
  }
  if (__builtin_add_overflow(ts, iv.micros, &ts)) return false;
  if (ts < -kMaxAbsMicros || ts > kMaxAbsMicros) return false;
  *out = ts;
  return true;
}

}  // namespace strata::query
