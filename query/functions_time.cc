// Time functions: now, current_date, date_trunc, date_part / extract, time_bucket,
// to_timestamp, epoch_us, timezone (AT TIME ZONE).
//
// Calendar fields are computed on local µs (time_util.h) with a ZoneConverter per chunk,
// so a chunk of nearby timestamps costs a few comparisons per row, not a zone lookup.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/functions.h"
#include "query/time_util.h"

namespace strata::query {
namespace {

enum class Field {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  // date_part only
  kEpoch,
  kDow,
  kIsoDow,
  kDoy,
  kIsoYear,
  kTimezone,
  kTimezoneHour,
  kTimezoneMinute,
};

bool LookupField(std::string_view text, Field* field) {
  char buf[24];
  if (text.size() >= sizeof(buf)) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  std::string_view w(buf, text.size());
  struct Entry {
    std::string_view name;
    Field field;
  };
  static constexpr Entry kFields[] = {
      {"microseconds", Field::kMicroseconds},
      {"microsecond", Field::kMicroseconds},
      {"us", Field::kMicroseconds},
      {"usec", Field::kMicroseconds},
      {"milliseconds", Field::kMilliseconds},
      {"millisecond", Field::kMilliseconds},
      {"ms", Field::kMilliseconds},
      {"msec", Field::kMilliseconds},
      {"second", Field::kSecond},
      {"seconds", Field::kSecond},
      {"sec", Field::kSecond},
      {"s", Field::kSecond},
      {"minute", Field::kMinute},
      {"minutes", Field::kMinute},
      {"min", Field::kMinute},
      {"m", Field::kMinute},
      {"hour", Field::kHour},
      {"hours", Field::kHour},
      {"h", Field::kHour},
      {"hr", Field::kHour},
      {"day", Field::kDay},
      {"days", Field::kDay},
      {"d", Field::kDay},
      {"week", Field::kWeek},
      {"weeks", Field::kWeek},
      {"w", Field::kWeek},
      {"month", Field::kMonth},
      {"months", Field::kMonth},
      {"mon", Field::kMonth},
      {"mons", Field::kMonth},
      {"quarter", Field::kQuarter},
      {"qtr", Field::kQuarter},
      {"year", Field::kYear},
      {"years", Field::kYear},
      {"y", Field::kYear},
      {"yr", Field::kYear},
      {"decade", Field::kDecade},
      {"decades", Field::kDecade},
      {"century", Field::kCentury},
      {"centuries", Field::kCentury},
      {"millennium", Field::kMillennium},
      {"millennia", Field::kMillennium},
      {"epoch", Field::kEpoch},
      {"dow", Field::kDow},
      {"isodow", Field::kIsoDow},
      {"doy", Field::kDoy},
      {"isoyear", Field::kIsoYear},
      {"timezone", Field::kTimezone},
      {"timezone_hour", Field::kTimezoneHour},
      {"timezone_minute", Field::kTimezoneMinute},
  };
  for (const Entry& e : kFields) {
    if (e.name == w) {
      *field = e.field;
      return true;
    }
  }
  return false;
}

absl::Status UnknownUnit(std::string_view text, std::string_view type) {
  return SqlError(sqlstate::kInvalidParameterValue,
                  absl::StrCat("unit \"", absl::string_view(text.data(), text.size()),
                               "\" not recognized for type ", AbslView(type)));
}

absl::Status UnsupportedUnit(std::string_view text, std::string_view type) {
  return SqlError(sqlstate::kFeatureNotSupported,
                  absl::StrCat("unit \"", absl::string_view(text.data(), text.size()),
                               "\" not supported for type ", AbslView(type)));
}

constexpr std::string_view kTimestampType = "timestamp with time zone";

absl::Status TimestampOutOfRange() {
  return SqlError(sqlstate::kDatetimeOverflow, "timestamp out of range");
}

// A zone argument: loaded once per chunk when constant, else per row (LoadZone caches).
absl::StatusOr<absl::TimeZone> ZoneArg(const KernelArgs& a, size_t arg, size_t row) {
  if (a.constants[arg] != nullptr) return LoadZone(a.constants[arg]->s);
  return LoadZone(a.arg(arg).str[row]);
}

// ---------------------------------------------------------------------------------------
// date_trunc

// Truncates a local time to `field`.
int64_t TruncateLocal(int64_t local, Field field) {
  switch (field) {
    case Field::kMicroseconds:
      return local;
    case Field::kMilliseconds:
      return local - FloorMod(local, 1000);
    case Field::kSecond:
      return local - FloorMod(local, kMicrosPerSecond);
    case Field::kMinute:
      return local - FloorMod(local, kMicrosPerMinute);
    case Field::kHour:
      return local - FloorMod(local, kMicrosPerHour);
    default:
      break;
  }
  CivilFields f = SplitLocal(local);
  switch (field) {
    case Field::kDay:
      return f.days * kMicrosPerDay;
    case Field::kWeek:  // Monday; 1970-01-01 was a Thursday
      return (f.days - FloorMod(f.days + 3, 7)) * kMicrosPerDay;
    case Field::kMonth:
      return JoinLocal(f.year, f.month, 1, 0);
    case Field::kQuarter:
      return JoinLocal(f.year, (f.month - 1) / 3 * 3 + 1, 1, 0);
    case Field::kYear:
      return JoinLocal(f.year, 1, 1, 0);
    case Field::kDecade:
      return JoinLocal(f.year - FloorMod(f.year, 10), 1, 1, 0);
    case Field::kCentury:  // the 21st century began in 2001
      return JoinLocal(FloorDiv(f.year + 99, 100) * 100 - 99, 1, 1, 0);
    case Field::kMillennium:
      return JoinLocal(FloorDiv(f.year + 999, 1000) * 1000 - 999, 1, 1, 0);
    default:
      return local;
  }
}

// The local start of the unit after the one starting at `start`.
int64_t NextUnit(int64_t start, Field field) {
  CivilFields f = SplitLocal(start);
  switch (field) {
    case Field::kDay:
      return start + kMicrosPerDay;
    case Field::kWeek:
      return start + 7 * kMicrosPerDay;
    case Field::kMonth:
      return JoinLocal(f.year, f.month + 1, 1, 0);
    case Field::kQuarter:
      return JoinLocal(f.year, f.month + 3, 1, 0);
    case Field::kYear:
      return JoinLocal(f.year + 1, 1, 1, 0);
    case Field::kDecade:
      return JoinLocal(f.year + 10, 1, 1, 0);
    case Field::kCentury:
      return JoinLocal(f.year + 100, 1, 1, 0);
    default:
      return JoinLocal(f.year + 1000, 1, 1, 0);
  }
}

// Truncation of instants in one zone. Below a day PostgreSQL keeps the instant's own UTC
// offset; from a day up the local start is converted back with the zone's rules. The last
// unit's local range is remembered, so sorted input costs a range check per row.
class Truncator {
 public:
  Truncator(Field field, const absl::TimeZone& zone) : field_(field), zone_(zone) {}

  int64_t Truncate(int64_t ts) {
    int64_t local = zone_.ToLocal(ts);
    if (field_ <= Field::kHour) return ts - (local - TruncateLocal(local, field_));
    if (local >= lo_ && local < hi_) return result_;
    lo_ = TruncateLocal(local, field_);
    hi_ = NextUnit(lo_, field_);
    result_ = zone_.ToUtc(lo_);
    return result_;
  }

 private:
  Field field_;
  ZoneConverter zone_;
  int64_t lo_ = 0, hi_ = 0, result_ = 0;
};

bool IsTruncField(Field f) { return f <= Field::kMillennium; }

absl::Status DateTrunc(const KernelArgs& a, Vector* out) {
  const Vector& field_text = a.arg(0);
  const int64_t* ts = a.arg(1).i64.data();
  bool has_zone = a.nargs > 2;
  bool fixed_zone = !has_zone || a.constants[2] != nullptr;
  absl::TimeZone zone = a.ctx.time_zone;
  if (has_zone && fixed_zone) {
    ASSIGN_OR_RETURN(zone, ZoneArg(a, 2, 0));
  }
  if (a.constants[0] != nullptr && fixed_zone) {
    Field field;
    if (!LookupField(a.constants[0]->s, &field) || !IsTruncField(field)) {
      return UnknownUnit(a.constants[0]->s, kTimestampType);
    }
    Truncator t(field, zone);
    for (size_t i = 0; i < a.rows; ++i) {
      if (!a.skip(i)) out->i64[i] = t.Truncate(ts[i]);
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    Field field;
    if (!LookupField(field_text.str[i], &field) || !IsTruncField(field)) {
      return UnknownUnit(field_text.str[i], kTimestampType);
    }
    if (!fixed_zone) {
      ASSIGN_OR_RETURN(zone, ZoneArg(a, 2, i));
    }
    out->i64[i] = Truncator(field, zone).Truncate(ts[i]);
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// date_part / extract

// The ISO 8601 week-numbering year and week of a day.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week) {
  int64_t isodow = FloorMod(days + 3, 7) + 1;  // Monday = 1
  int64_t thursday = days - (isodow - 1) + 3;
  int64_t y;
  int m, d;
  CivilFromDays(thursday, &y, &m, &d);
  *iso_year = y;
  *week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
}

double TimestampPart(Field field, int64_t ts, ZoneConverter& zone) {
  if (field == Field::kEpoch) return static_cast<double>(ts) / 1e6;
  int64_t local = zone.ToLocal(ts);
  CivilFields f = SplitLocal(local);
  int64_t offset = (local - ts) / kMicrosPerSecond;
  switch (field) {
    case Field::kMicroseconds:
      return f.second * 1e6 + f.micros;
    case Field::kMilliseconds:
      return f.second * 1e3 + f.micros / 1e3;
    case Field::kSecond:
      return f.second + f.micros / 1e6;
    case Field::kMinute:
      return f.minute;
    case Field::kHour:
      return f.hour;
    case Field::kDay:
      return f.day;
    case Field::kWeek: {
      int64_t iso_year, week;
      IsoWeek(f.days, &iso_year, &week);
      return static_cast<double>(week);
    }
    case Field::kMonth:
      return f.month;
    case Field::kQuarter:
      return (f.month - 1) / 3 + 1;
    case Field::kYear:
      return static_cast<double>(f.year);
    case Field::kDecade:
      return static_cast<double>(FloorDiv(f.year, 10));
    case Field::kCentury:
      return static_cast<double>(FloorDiv(f.year + 99, 100));
    case Field::kMillennium:
      return static_cast<double>(FloorDiv(f.year + 999, 1000));
    case Field::kDow:
      return static_cast<double>(FloorMod(f.days + 4, 7));
    case Field::kIsoDow:
      return static_cast<double>(FloorMod(f.days + 3, 7) + 1);
    case Field::kDoy:
      return static_cast<double>(f.days - DaysFromCivil(f.year, 1, 1) + 1);
    case Field::kIsoYear: {
      int64_t iso_year, week;
      IsoWeek(f.days, &iso_year, &week);
      return static_cast<double>(iso_year);
    }
    case Field::kTimezone:
      return static_cast<double>(offset);
    case Field::kTimezoneHour:
      return static_cast<double>(offset / 3600);
    case Field::kTimezoneMinute:
      return static_cast<double>(offset / 60 % 60);
    case Field::kEpoch:
      break;
  }
  return 0;
}

// PostgreSQL's interval fields; epoch counts a year as 365.25 days and a month as 30.
bool IntervalPart(Field field, const Interval& iv, double* out) {
  int64_t years = iv.months / 12;
  int64_t time = iv.micros;
  switch (field) {
    case Field::kEpoch:
      *out = static_cast<double>(years) * 365.25 * 86400 +
             static_cast<double>(iv.months % 12) * 30 * 86400 +
             static_cast<double>(iv.days) * 86400 + static_cast<double>(time) / 1e6;
      return true;
    case Field::kMicroseconds:
      *out = static_cast<double>(time % kMicrosPerMinute);
      return true;
    case Field::kMilliseconds:
      *out = static_cast<double>(time % kMicrosPerMinute) / 1e3;
      return true;
    case Field::kSecond:
      *out = static_cast<double>(time % kMicrosPerMinute) / 1e6;
      return true;
    case Field::kMinute:
      *out = static_cast<double>(time / kMicrosPerMinute % 60);
      return true;
    case Field::kHour:
      *out = static_cast<double>(time / kMicrosPerHour);
      return true;
    case Field::kDay:
      *out = iv.days;
      return true;
    case Field::kMonth:
      *out = iv.months % 12;
      return true;
    case Field::kQuarter:
      *out = (iv.months % 12) / 3 + 1;
      return true;
    case Field::kYear:
      *out = static_cast<double>(years);
      return true;
    case Field::kDecade:
      *out = static_cast<double>(years / 10);
      return true;
    case Field::kCentury:
      *out = static_cast<double>(years / 100);
      return true;
    case Field::kMillennium:
      *out = static_cast<double>(years / 1000);
      return true;
    default:
      return false;
  }
}

absl::Status DatePartTimestamp(const KernelArgs& a, Vector* out) {
  const Vector& field_text = a.arg(0);
  const int64_t* ts = a.arg(1).i64.data();
  ZoneConverter zone(a.ctx.time_zone);
  Field field{};
  bool fixed = a.constants[0] != nullptr;
  if (fixed && !LookupField(a.constants[0]->s, &field)) {
    return UnknownUnit(a.constants[0]->s, kTimestampType);
  }
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    if (!fixed && !LookupField(field_text.str[i], &field)) {
      return UnknownUnit(field_text.str[i], kTimestampType);
    }
    out->f64[i] = TimestampPart(field, ts[i], zone);
  }
  return absl::OkStatus();
}

absl::Status DatePartInterval(const KernelArgs& a, Vector* out) {
  const Vector& field_text = a.arg(0);
  const Interval* iv = a.arg(1).iv.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    std::string_view text = field_text.str[i];
    Field field;
    if (!LookupField(text, &field)) return UnknownUnit(text, "interval");
    if (!IntervalPart(field, iv[i], &out->f64[i])) return UnsupportedUnit(text, "interval");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// time_bucket (TimescaleDB): buckets of a fixed width aligned to an origin, by default
// Monday 2000-01-03 (2000-01-01 for month widths). With a zone the buckets are laid out in
// that zone's wall-clock time, and the origin is read as wall-clock time too.

struct BucketSpec {
  Interval width;
  bool months = false;
  int64_t width_us = 0;
  double inverse = 0;  // 1 / width_us
  int64_t origin_local = 0;
};

// FloorMod(d, width). For widths of a second or more, a multiplication by the inverse gives
// the quotient to within one and the remainder's sign corrects it: much cheaper than an
// integer division per row.
inline int64_t BucketOffset(int64_t d, int64_t width, double inverse) {
  if (width < kMicrosPerSecond) return FloorMod(d, width);
  int64_t q = static_cast<int64_t>(static_cast<double>(d) * inverse);
  int64_t r = d - q * width;
  // Branch-free: whether q came out one high or low depends on rounding, not on the data.
  r += (r >> 63) & width;
  r -= width & -static_cast<int64_t>(r >= width);
  return r;
}

absl::Status CheckWidth(const Interval& w, BucketSpec* spec) {
  spec->width = w;
  if (w.months != 0) {
    if (w.days != 0 || w.micros != 0) {
      return SqlError(sqlstate::kInvalidParameterValue,
                      "month intervals cannot have day or time component");
    }
    if (w.months < 0) {
      return SqlError(sqlstate::kInvalidParameterValue, "period must be greater than 0");
    }
    spec->months = true;
    return absl::OkStatus();
  }
  Int128 us = static_cast<Int128>(w.days) * kMicrosPerDay + w.micros;
  if (us <= 0 || us > INT64_MAX / 4) {
    return SqlError(sqlstate::kInvalidParameterValue, "period must be greater than 0");
  }
  spec->width_us = static_cast<int64_t>(us);
  spec->inverse = 1.0 / static_cast<double>(spec->width_us);
  return absl::OkStatus();
}

int64_t BucketLocal(const BucketSpec& spec, int64_t local) {
  if (!spec.months) {
    return local - BucketOffset(local - spec.origin_local, spec.width_us, spec.inverse);
  }
  // Whole months between the origin and `local`, floored to the width.
  CivilFields o = SplitLocal(spec.origin_local);
  CivilFields t = SplitLocal(local);
  int64_t months = (t.year - o.year) * 12 + (t.month - o.month);
  auto at = [&](int64_t m) {
    int64_t total = o.year * 12 + (o.month - 1) + m;
    int64_t y = FloorDiv(total, 12);
    int month = static_cast<int>(FloorMod(total, 12)) + 1;
    int day = std::min(o.day, DaysInMonth(y, month));
    return JoinLocal(y, month, day, spec.origin_local - o.days * kMicrosPerDay);
  };
  if (at(months) > local) --months;
  return at(FloorDiv(months, spec.width.months) * spec.width.months);
}

absl::Status TimeBucket(const KernelArgs& a, Vector* out) {
  const Interval* widths = a.arg(0).iv.data();
  const int64_t* ts = a.arg(1).i64.data();
  // Signatures: (w, ts), (w, ts, zone), (w, ts, origin), (w, ts, zone, origin).
  int zone_arg = -1, origin_arg = -1;
  if (a.nargs == 3) {
    (a.arg(2).type == Type::kString ? zone_arg : origin_arg) = 2;
  } else if (a.nargs == 4) {
    zone_arg = 2;
    origin_arg = 3;
  }
  bool fixed = a.constants[0] != nullptr && (zone_arg < 0 || a.constants[zone_arg] != nullptr) &&
               (origin_arg < 0 || a.constants[origin_arg] != nullptr);
  BucketSpec spec;
  absl::TimeZone zone = absl::UTCTimeZone();
  auto prepare = [&](size_t row) -> absl::Status {
    RETURN_IF_ERROR(CheckWidth(widths[row], &spec));
    if (zone_arg >= 0) {
      ASSIGN_OR_RETURN(zone, ZoneArg(a, static_cast<size_t>(zone_arg), row));
    }
    if (origin_arg >= 0) {
      ZoneConverter conv(zone);
      spec.origin_local = conv.ToLocal(a.arg(static_cast<size_t>(origin_arg)).i64[row]);
    } else {
      spec.origin_local = spec.months ? kBucketOriginMonths : kBucketOriginDays;
    }
    return absl::OkStatus();
  };
  if (fixed) {
    RETURN_IF_ERROR(prepare(0));
    if (zone_arg < 0) {
      if (!spec.months) {
        // The hot path: a multiplication and a correction per row.
        const int64_t origin = spec.origin_local, width = spec.width_us;
        const double inverse = spec.inverse;
        int64_t* o = out->i64.data();
        for (size_t i = 0; i < a.rows; ++i)
          o[i] = ts[i] - BucketOffset(ts[i] - origin, width, inverse);
        return absl::OkStatus();
      }
      for (size_t i = 0; i < a.rows; ++i) {
        if (!a.skip(i)) out->i64[i] = BucketLocal(spec, ts[i]);
      }
      return absl::OkStatus();
    }
    ZoneConverter conv(zone);
    int64_t last_bucket = 0, last_result = 0;
    bool have_last = false;
    for (size_t i = 0; i < a.rows; ++i) {
      if (a.skip(i)) continue;
      int64_t local = conv.ToLocal(ts[i]);
      int64_t bucket = spec.months ? BucketLocal(spec, local)
                                   : local - BucketOffset(local - spec.origin_local, spec.width_us,
                                                          spec.inverse);
      if (!have_last || bucket != last_bucket) {
        last_bucket = bucket;
        last_result = conv.ToUtc(bucket);
        have_last = true;
      }
      out->i64[i] = last_result;
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    RETURN_IF_ERROR(prepare(i));
    if (zone_arg < 0) {
      out->i64[i] = BucketLocal(spec, ts[i]);
    } else {
      ZoneConverter conv(zone);
      out->i64[i] = conv.ToUtc(BucketLocal(spec, conv.ToLocal(ts[i])));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Others

absl::Status Now(const KernelArgs& a, Vector* out) {
  for (size_t i = 0; i < a.rows; ++i) out->i64[i] = a.ctx.now_us;
  return absl::OkStatus();
}

absl::Status CurrentDate(const KernelArgs& a, Vector* out) {
  ZoneConverter zone(a.ctx.time_zone);
  int64_t local = zone.ToLocal(a.ctx.now_us);
  int64_t midnight = zone.ToUtc(local - FloorMod(local, kMicrosPerDay));
  for (size_t i = 0; i < a.rows; ++i) out->i64[i] = midnight;
  return absl::OkStatus();
}

absl::Status ToTimestamp(const KernelArgs& a, Vector* out) {
  const double* seconds = a.arg(0).f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    if (std::isnan(seconds[i])) {
      return SqlError(sqlstate::kDatetimeOverflow, "timestamp cannot be NaN");
    }
    double us = std::round(seconds[i] * 1e6);
    if (!(us > -4e18 && us < 4e18)) return TimestampOutOfRange();
    out->i64[i] = static_cast<int64_t>(us);
  }
  return absl::OkStatus();
}

absl::Status EpochUs(const KernelArgs& a, Vector* out) {
  out->i64 = a.arg(0).i64;
  return absl::OkStatus();
}

// timezone(zone, ts): the wall clock of `zone` at ts, as a UTC timestamp.
absl::Status AtTimeZone(const KernelArgs& a, Vector* out) {
  const int64_t* ts = a.arg(1).i64.data();
  if (a.constants[0] != nullptr) {
    ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(a.constants[0]->s));
    ZoneConverter conv(zone);
    for (size_t i = 0; i < a.rows; ++i) {
      if (!a.skip(i)) out->i64[i] = conv.ToLocal(ts[i]);
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(a.arg(0).str[i]));
    out->i64[i] = ZoneConverter(zone).ToLocal(ts[i]);
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Constant arguments checked when the expression is built, so `date_trunc('fortnight', ts)`
// fails at bind time rather than at the first row. They keep no state.

using NoState = absl::StatusOr<std::unique_ptr<FunctionState>>;

absl::Status CheckConstantZone(const BoundExpr& call, size_t arg) {
  if (call.args.size() <= arg || !call.args[arg]->is_constant()) return absl::OkStatus();
  if (call.args[arg]->type != Type::kString) return absl::OkStatus();
  return LoadZone(call.args[arg]->constant.s).status();
}

NoState CheckDateTrunc(const BoundExpr& call) {
  if (call.args[0]->is_constant()) {
    Field field;
    const std::string& text = call.args[0]->constant.s;
    if (!LookupField(text, &field) || !IsTruncField(field)) {
      return UnknownUnit(text, kTimestampType);
    }
  }
  RETURN_IF_ERROR(CheckConstantZone(call, 2));
  return std::unique_ptr<FunctionState>();
}

NoState CheckDatePart(const BoundExpr& call) {
  if (call.args[0]->is_constant()) {
    Field field;
    const std::string& text = call.args[0]->constant.s;
    bool interval = call.args[1]->type == Type::kInterval;
    if (!LookupField(text, &field)) {
      return UnknownUnit(text, interval ? "interval" : kTimestampType);
    }
    double ignored;
    if (interval && !IntervalPart(field, Interval{}, &ignored)) {
      return UnsupportedUnit(text, "interval");
    }
  }
  return std::unique_ptr<FunctionState>();
}

NoState CheckTimeBucket(const BoundExpr& call) {
  if (call.args[0]->is_constant()) {
    BucketSpec spec;
    RETURN_IF_ERROR(CheckWidth(call.args[0]->constant.iv, &spec));
  }
  RETURN_IF_ERROR(CheckConstantZone(call, 2));
  return std::unique_ptr<FunctionState>();
}

NoState CheckTimezone(const BoundExpr& call) {
  RETURN_IF_ERROR(CheckConstantZone(call, 0));
  return std::unique_ptr<FunctionState>();
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry& r) {
  using T = Type;
  auto add = [&r](std::string_view name, std::vector<Type> args, Type result, Kernel kernel,
                  StateFactory check) {
    ScalarFunction f = Fn(name, std::move(args), result, kernel);
    f.make_state = check;
    r.Add(f);
  };
  add("now", {}, T::kTimestamp, Now, nullptr);
  r.Alias("current_timestamp", "now");
  r.Alias("localtimestamp", "now");
  r.Alias("transaction_timestamp", "now");
  r.Alias("statement_timestamp", "now");
  add("current_date", {}, T::kTimestamp, CurrentDate, nullptr);
  add("date_trunc", {T::kString, T::kTimestamp}, T::kTimestamp, DateTrunc, CheckDateTrunc);
  add("date_trunc", {T::kString, T::kTimestamp, T::kString}, T::kTimestamp, DateTrunc,
      CheckDateTrunc);
  add("date_part", {T::kString, T::kTimestamp}, T::kFloat64, DatePartTimestamp, CheckDatePart);
  add("date_part", {T::kString, T::kInterval}, T::kFloat64, DatePartInterval, CheckDatePart);
  r.Alias("extract", "date_part");
  add("time_bucket", {T::kInterval, T::kTimestamp}, T::kTimestamp, TimeBucket, CheckTimeBucket);
  add("time_bucket", {T::kInterval, T::kTimestamp, T::kString}, T::kTimestamp, TimeBucket,
      CheckTimeBucket);
  add("time_bucket", {T::kInterval, T::kTimestamp, T::kTimestamp}, T::kTimestamp, TimeBucket,
      CheckTimeBucket);
  add("time_bucket", {T::kInterval, T::kTimestamp, T::kString, T::kTimestamp}, T::kTimestamp,
      TimeBucket, CheckTimeBucket);
  add("to_timestamp", {T::kFloat64}, T::kTimestamp, ToTimestamp, nullptr);
  add("epoch_us", {T::kTimestamp}, T::kInt64, EpochUs, nullptr);
  add("timezone", {T::kString, T::kTimestamp}, T::kTimestamp, AtTimeZone, CheckTimezone);
}

}  // namespace strata::query
