// Arithmetic operators (+ - * / % neg) on numbers, timestamps and intervals, and ||.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>

#include "query/error.h"
#include "query/functions.h"
#include "query/time_util.h"

namespace strata::query {
namespace {

absl::Status FloatOverflow() {
  return SqlError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
}
absl::Status IntervalOutOfRange() {
  return SqlError(sqlstate::kDatetimeOverflow, "interval out of range");
}
absl::Status TimestampOutOfRange() {
  return SqlError(sqlstate::kDatetimeOverflow, "timestamp out of range");
}

// Integer + - *: the loop records overflow without branching; only if some row overflowed
// do we look again to ignore NULL rows (whose slots hold arbitrary values).
template <class Op>
absl::Status IntBinary(const KernelArgs& a, Vector* out, Op op) {
  const int64_t* x = a.arg(0).i64.data();
  const int64_t* y = a.arg(1).i64.data();
  int64_t* o = out->i64.data();
  bool overflow = false;
  for (size_t i = 0; i < a.rows; ++i) overflow |= op(x[i], y[i], &o[i]);
  if (!overflow) return absl::OkStatus();
  for (size_t i = 0; i < a.rows; ++i) {
    int64_t r;
    if (!a.skip(i) && op(x[i], y[i], &r)) return BigintOutOfRange();
  }
  return absl::OkStatus();
}

absl::Status AddInt(const KernelArgs& a, Vector* out) {
  return IntBinary(
      a, out, [](int64_t x, int64_t y, int64_t* r) { return __builtin_add_overflow(x, y, r); });
}
absl::Status SubInt(const KernelArgs& a, Vector* out) {
  return IntBinary(
      a, out, [](int64_t x, int64_t y, int64_t* r) { return __builtin_sub_overflow(x, y, r); });
}
absl::Status MulInt(const KernelArgs& a, Vector* out) {
  return IntBinary(
      a, out, [](int64_t x, int64_t y, int64_t* r) { return __builtin_mul_overflow(x, y, r); });
}

absl::Status DivInt(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  const int64_t* y = a.arg(1).i64.data();
  int64_t* o = out->i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (y[i] == 0 || (y[i] == -1 && x[i] == INT64_MIN)) {
      if (a.skip(i)) continue;
      return y[i] == 0 ? DivisionByZero() : BigintOutOfRange();
    }
    o[i] = x[i] / y[i];  // truncates toward zero, as PostgreSQL
  }
  return absl::OkStatus();
}

absl::Status ModInt(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  const int64_t* y = a.arg(1).i64.data();
  int64_t* o = out->i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (y[i] == 0) {
      if (a.skip(i)) continue;
      return DivisionByZero();
    }
    o[i] = y[i] == -1 ? 0 : x[i] % y[i];  // the sign follows the dividend
  }
  return absl::OkStatus();
}

// out[i] = op(x[i], y[i]) in blocks of 8 through restrict pointers: a known trip count and
// no aliasing is what GCC's -O2 (very cheap) vectorizer needs.
template <class Op>
void MapDoubles(const double* __restrict x, const double* __restrict y, double* __restrict o,
                size_t n, Op op) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t j = 0; j < 8; ++j) o[i + j] = op(x[i + j], y[i + j]);
  }
  for (; i < n; ++i) o[i] = op(x[i], y[i]);
}

// True if some value is infinite: the largest magnitude, in four independent chains (NaN,
// which finite inputs never produce, is ignored).
bool AnyInfinite(const double* v, size_t n) {
  auto max = [](double a, double b) { return a > b ? a : b; };
  double m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    m0 = max(std::fabs(v[i]), m0);
    m1 = max(std::fabs(v[i + 1]), m1);
    m2 = max(std::fabs(v[i + 2]), m2);
    m3 = max(std::fabs(v[i + 3]), m3);
  }
  double top = max(max(m0, m1), max(m2, m3));
  for (; i < n; ++i) top = max(std::fabs(v[i]), top);
  return top > DBL_MAX;
}

// Float + - *: an infinite result from finite inputs is an overflow (PostgreSQL's check).
template <class Op>
absl::Status FloatBinary(const KernelArgs& a, Vector* out, Op op) {
  const double* x = a.arg(0).f64.data();
  const double* y = a.arg(1).f64.data();
  double* o = out->f64.data();
  MapDoubles(x, y, o, a.rows, op);
  if (!AnyInfinite(o, a.rows)) return absl::OkStatus();
  for (size_t i = 0; i < a.rows; ++i) {
    if (!a.skip(i) && std::isinf(o[i]) && !std::isinf(x[i]) && !std::isinf(y[i])) {
      return FloatOverflow();
    }
  }
  return absl::OkStatus();
}

absl::Status AddFloat(const KernelArgs& a, Vector* out) {
  return FloatBinary(a, out, [](double x, double y) { return x + y; });
}
absl::Status SubFloat(const KernelArgs& a, Vector* out) {
  return FloatBinary(a, out, [](double x, double y) { return x - y; });
}
absl::Status MulFloat(const KernelArgs& a, Vector* out) {
  return FloatBinary(a, out, [](double x, double y) { return x * y; });
}

template <class Op>
absl::Status FloatDivision(const KernelArgs& a, Vector* out, Op op) {
  const double* x = a.arg(0).f64.data();
  const double* y = a.arg(1).f64.data();
  double* o = out->f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (y[i] == 0) {
      if (a.skip(i)) continue;
      return DivisionByZero();
    }
    o[i] = op(x[i], y[i]);
    if (std::isinf(o[i]) && !std::isinf(x[i]) && !a.skip(i)) return FloatOverflow();
  }
  return absl::OkStatus();
}

absl::Status DivFloat(const KernelArgs& a, Vector* out) {
  return FloatDivision(a, out, [](double x, double y) { return x / y; });
}
absl::Status ModFloat(const KernelArgs& a, Vector* out) {
  return FloatDivision(a, out, [](double x, double y) { return std::fmod(x, y); });
}

absl::Status NegInt(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  int64_t* o = out->i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (x[i] == INT64_MIN && !a.skip(i)) return BigintOutOfRange();
    o[i] = x[i] == INT64_MIN ? 0 : -x[i];
  }
  return absl::OkStatus();
}

absl::Status NegFloat(const KernelArgs& a, Vector* out) {
  const double* x = a.arg(0).f64.data();
  double* o = out->f64.data();
  for (size_t i = 0; i < a.rows; ++i) o[i] = -x[i];
  return absl::OkStatus();
}

bool NegateInterval(const Interval& iv, Interval* out) {
  if (iv.months == INT32_MIN || iv.days == INT32_MIN || iv.micros == INT64_MIN) return false;
  *out = Interval{-iv.months, -iv.days, -iv.micros};
  return true;
}

absl::Status NegInterval(const KernelArgs& a, Vector* out) {
  const Interval* x = a.arg(0).iv.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (!NegateInterval(x[i], &out->iv[i]) && !a.skip(i)) return IntervalOutOfRange();
  }
  return absl::OkStatus();
}

bool AddIntervals(const Interval& x, const Interval& y, Interval* r) {
  return !__builtin_add_overflow(x.months, y.months, &r->months) &&
         !__builtin_add_overflow(x.days, y.days, &r->days) &&
         !__builtin_add_overflow(x.micros, y.micros, &r->micros);
}

absl::Status AddInterval2(const KernelArgs& a, Vector* out) {
  const Interval* x = a.arg(0).iv.data();
  const Interval* y = a.arg(1).iv.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (!AddIntervals(x[i], y[i], &out->iv[i]) && !a.skip(i)) return IntervalOutOfRange();
  }
  return absl::OkStatus();
}

absl::Status SubInterval2(const KernelArgs& a, Vector* out) {
  const Interval* x = a.arg(0).iv.data();
  const Interval* y = a.arg(1).iv.data();
  for (size_t i = 0; i < a.rows; ++i) {
    Interval neg;
    bool ok = NegateInterval(y[i], &neg) && AddIntervals(x[i], neg, &out->iv[i]);
    if (!ok && !a.skip(i)) return IntervalOutOfRange();
  }
  return absl::OkStatus();
}

// timestamptz ± interval, `ts_arg` and `iv_arg` the argument positions.
absl::Status ShiftTimestamps(const KernelArgs& a, Vector* out, size_t ts_arg, size_t iv_arg,
                             bool subtract) {
  const int64_t* ts = a.arg(ts_arg).i64.data();
  const Interval* ivs = a.arg(iv_arg).iv.data();
  int64_t* o = out->i64.data();
  const Value* c = a.constants[iv_arg];
  if (c != nullptr && c->iv.months == 0 && c->iv.days == 0) {
    // Only absolute time: one add per row.
    int64_t shift = subtract ? -c->iv.micros : c->iv.micros;
    for (size_t i = 0; i < a.rows; ++i) {
      if (__builtin_add_overflow(ts[i], shift, &o[i]) && !a.skip(i)) {
        return TimestampOutOfRange();
      }
    }
    return absl::OkStatus();
  }
  ZoneConverter zone(a.ctx.time_zone);
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    Interval iv = ivs[i];
    if (subtract && !NegateInterval(ivs[i], &iv)) return IntervalOutOfRange();
    if (!AddInterval(ts[i], iv, zone, &o[i])) return TimestampOutOfRange();
  }
  return absl::OkStatus();
}

absl::Status AddTsInterval(const KernelArgs& a, Vector* out) {
  return ShiftTimestamps(a, out, 0, 1, false);
}
absl::Status AddIntervalTs(const KernelArgs& a, Vector* out) {
  return ShiftTimestamps(a, out, 1, 0, false);
}
absl::Status SubTsInterval(const KernelArgs& a, Vector* out) {
  return ShiftTimestamps(a, out, 0, 1, true);
}

// timestamptz - timestamptz: days and µs (PostgreSQL's justify_hours form).
absl::Status SubTs(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  const int64_t* y = a.arg(1).i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    int64_t diff;
    if (__builtin_sub_overflow(x[i], y[i], &diff)) {
      if (a.skip(i)) continue;
      return IntervalOutOfRange();
    }
    out->iv[i] = Interval{0, static_cast<int32_t>(diff / kMicrosPerDay), diff % kMicrosPerDay};
  }
  return absl::OkStatus();
}

// interval * factor as PostgreSQL's interval_mul: fractional months spill into days (30 per
// month) and fractional days into µs.
bool ScaleInterval(const Interval& iv, double factor, Interval* out) {
  double months_d = iv.months * factor;
  double days_d = iv.days * factor;
  double micros_d = static_cast<double>(iv.micros) * factor;
  if (!std::isfinite(months_d) || !std::isfinite(days_d) || !std::isfinite(micros_d) ||
      std::fabs(months_d) > INT32_MAX || std::fabs(days_d) > INT32_MAX) {
    return false;
  }
  int32_t months = static_cast<int32_t>(months_d);
  int64_t days = static_cast<int64_t>(days_d);
  double month_remainder_days = (months_d - months) * 30;
  month_remainder_days = std::rint(month_remainder_days * 1e6) / 1e6;
  double sec_remainder =
      (days_d - days + month_remainder_days - std::trunc(month_remainder_days)) * 86400;
  sec_remainder = std::rint(sec_remainder * 1e6) / 1e6;
  if (std::fabs(sec_remainder) >= 86400) {
    int64_t extra = static_cast<int64_t>(sec_remainder / 86400);
    days += extra;
    sec_remainder -= static_cast<double>(extra) * 86400.0;
  }
  days += static_cast<int64_t>(month_remainder_days);
  double micros = std::rint(micros_d + sec_remainder * 1e6);
  if (std::fabs(micros) >= 9.2e18 || days > INT32_MAX || days < INT32_MIN) return false;
  *out = Interval{months, static_cast<int32_t>(days), static_cast<int64_t>(micros)};
  return true;
}

absl::Status ScaleIntervals(const KernelArgs& a, Vector* out, size_t iv_arg, size_t f_arg,
                            bool divide) {
  const Interval* ivs = a.arg(iv_arg).iv.data();
  const double* f = a.arg(f_arg).f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    if (divide && f[i] == 0) return DivisionByZero();
    if (!ScaleInterval(ivs[i], divide ? 1.0 / f[i] : f[i], &out->iv[i])) {
      return IntervalOutOfRange();
    }
  }
  return absl::OkStatus();
}

absl::Status MulIntervalFloat(const KernelArgs& a, Vector* out) {
  return ScaleIntervals(a, out, 0, 1, false);
}
absl::Status MulFloatInterval(const KernelArgs& a, Vector* out) {
  return ScaleIntervals(a, out, 1, 0, false);
}
absl::Status DivIntervalFloat(const KernelArgs& a, Vector* out) {
  return ScaleIntervals(a, out, 0, 1, true);
}

absl::Status Concat2(const KernelArgs& a, Vector* out) {
  const std::string_view* x = a.arg(0).str.data();
  const std::string_view* y = a.arg(1).str.data();
  StringHeap* heap = out->NewHeap();
  std::string buf;
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    buf.assign(x[i]);
    buf.append(y[i]);
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  using T = Type;
  r.Add(Fn("+", {T::kInt64, T::kInt64}, T::kInt64, AddInt));
  r.Add(Fn("+", {T::kFloat64, T::kFloat64}, T::kFloat64, AddFloat));
  r.Add(Fn("+", {T::kTimestamp, T::kInterval}, T::kTimestamp, AddTsInterval));
  r.Add(Fn("+", {T::kInterval, T::kTimestamp}, T::kTimestamp, AddIntervalTs));
  r.Add(Fn("+", {T::kInterval, T::kInterval}, T::kInterval, AddInterval2));
  r.Add(Fn("-", {T::kInt64, T::kInt64}, T::kInt64, SubInt));
  r.Add(Fn("-", {T::kFloat64, T::kFloat64}, T::kFloat64, SubFloat));
  r.Add(Fn("-", {T::kTimestamp, T::kTimestamp}, T::kInterval, SubTs));
  r.Add(Fn("-", {T::kTimestamp, T::kInterval}, T::kTimestamp, SubTsInterval));
  r.Add(Fn("-", {T::kInterval, T::kInterval}, T::kInterval, SubInterval2));
  r.Add(Fn("*", {T::kInt64, T::kInt64}, T::kInt64, MulInt));
  r.Add(Fn("*", {T::kFloat64, T::kFloat64}, T::kFloat64, MulFloat));
  r.Add(Fn("*", {T::kInterval, T::kFloat64}, T::kInterval, MulIntervalFloat));
  r.Add(Fn("*", {T::kFloat64, T::kInterval}, T::kInterval, MulFloatInterval));
  r.Add(Fn("/", {T::kInt64, T::kInt64}, T::kInt64, DivInt));
  r.Add(Fn("/", {T::kFloat64, T::kFloat64}, T::kFloat64, DivFloat));
  r.Add(Fn("/", {T::kInterval, T::kFloat64}, T::kInterval, DivIntervalFloat));
  r.Add(Fn("%", {T::kInt64, T::kInt64}, T::kInt64, ModInt));
  r.Add(Fn("%", {T::kFloat64, T::kFloat64}, T::kFloat64, ModFloat));
  r.Add(Fn("neg", {T::kInt64}, T::kInt64, NegInt));
  r.Add(Fn("neg", {T::kFloat64}, T::kFloat64, NegFloat));
  r.Add(Fn("neg", {T::kInterval}, T::kInterval, NegInterval));
  ScalarFunction concat = Fn("||", {T::kString, T::kString}, T::kString, Concat2);
  concat.args_to_text = true;
  r.Add(concat);
  // mod() is % by name.
  r.Add(Fn("mod", {T::kInt64, T::kInt64}, T::kInt64, ModInt));
  r.Add(Fn("mod", {T::kFloat64, T::kFloat64}, T::kFloat64, ModFloat));
}

}  // namespace strata::query
