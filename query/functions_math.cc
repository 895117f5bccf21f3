// Numeric functions: abs, round, floor, ceil, trunc, sqrt, ln, log, exp, power, sign,
// greatest, least.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include "common/status.h"
#include "query/error.h"
#include "query/functions.h"
#include "query/functions_compare.h"

namespace strata::query {
namespace {

constexpr char kInvalidArgumentForLog[] = "2201E";
constexpr char kInvalidArgumentForPower[] = "2201F";

absl::Status Overflow() {
  return SqlError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
}
absl::Status Underflow() {
  return SqlError(sqlstate::kNumericOutOfRange, "value out of range: underflow");
}

// out[i] = f(x[i]) over doubles; f returns a non-OK status for a bad input.
template <class F>
absl::Status MapFloat(const KernelArgs& a, Vector* out, F f) {
  const double* x = a.arg(0).f64.data();
  double* o = out->f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    absl::Status s = f(x[i], &o[i]);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// Rounds (or truncates) to `places` decimal places on the shortest decimal form of x, the
// digits a user sees, so round(2.345, 2) is 2.35 as with PostgreSQL's numeric.
double RoundDecimal(double x, int64_t places, bool truncate) {
  if (!std::isfinite(x) || x == 0) return x;
  if (places > 400) return x;
  if (places < -400) return 0;  // every double is below 1e309
  bool negative = x < 0;
  char sci[64];
  auto res = std::to_chars(sci, sci + sizeof(sci) - 1, std::fabs(x), std::chars_format::scientific);
  *res.ptr = '\0';  // for atoi below
  std::string_view s(sci, static_cast<size_t>(res.ptr - sci));
  size_t e_pos = s.find('e');
  char digits[32];
  size_t ndigits = 0;
  for (size_t i = 0; i < e_pos && ndigits < sizeof(digits); ++i) {
    if (s[i] != '.') digits[ndigits++] = s[i];
  }
  int64_t exponent = std::atoi(sci + e_pos + 1);
  // Digit i has place value 10^(exponent - i); keep those with place value >= 10^-places.
  int64_t keep = exponent + places + 1;
  if (keep >= static_cast<int64_t>(ndigits)) return x;
  // kept[0] is a spare position for a carry out of the first digit.
  char kept[40];
  size_t nkept = 1;
  kept[0] = '0';
  bool round_up = false;
  if (keep >= 0) {
    for (int64_t i = 0; i < keep; ++i) kept[nkept++] = digits[i];
    round_up = !truncate && digits[keep] >= '5';
  }
  if (round_up) {
    size_t i = nkept - 1;
    while (kept[i] == '9') kept[i--] = '0';
    ++kept[i];
  }
  int len =
      std::snprintf(kept + nkept, sizeof(kept) - nkept, "e%lld", static_cast<long long>(-places));
  double r = 0;
  std::from_chars(kept, kept + nkept + static_cast<size_t>(len), r);
  if (r == 0) return 0;  // no "-0" from rounding a small negative number
  return negative ? -r : r;
}

absl::Status AbsInt(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (x[i] == INT64_MIN && !a.skip(i)) return BigintOutOfRange();
    out->i64[i] = x[i] == INT64_MIN ? 0 : (x[i] < 0 ? -x[i] : x[i]);
  }
  return absl::OkStatus();
}

absl::Status IdentityInt(const KernelArgs& a, Vector* out) {
  out->i64 = a.arg(0).i64;
  return absl::OkStatus();
}

absl::Status SignInt(const KernelArgs& a, Vector* out) {
  const int64_t* x = a.arg(0).i64.data();
  for (size_t i = 0; i < a.rows; ++i) out->i64[i] = (x[i] > 0) - (x[i] < 0);
  return absl::OkStatus();
}

template <double (*F)(double)>
absl::Status SimpleFloat(const KernelArgs& a, Vector* out) {
  const double* x = a.arg(0).f64.data();
  for (size_t i = 0; i < a.rows; ++i) out->f64[i] = F(x[i]);
  return absl::OkStatus();
}

double Sign(double x) { return std::isnan(x) ? x : static_cast<double>((x > 0) - (x < 0)); }
double Round(double x) { return std::round(x); }
double Floor(double x) { return std::floor(x); }
double Ceil(double x) { return std::ceil(x); }
double Trunc(double x) { return std::trunc(x); }
double Abs(double x) { return std::fabs(x); }

absl::Status RoundPlaces(const KernelArgs& a, Vector* out, bool truncate) {
  const double* x = a.arg(0).f64.data();
  const int64_t* places = a.arg(1).i64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    out->f64[i] = RoundDecimal(x[i], places[i], truncate);
  }
  return absl::OkStatus();
}
absl::Status RoundTo(const KernelArgs& a, Vector* out) { return RoundPlaces(a, out, false); }
absl::Status TruncTo(const KernelArgs& a, Vector* out) { return RoundPlaces(a, out, true); }

absl::Status Sqrt(const KernelArgs& a, Vector* out) {
  return MapFloat(a, out, [](double x, double* r) {
    if (x < 0) {
      return SqlError(kInvalidArgumentForPower, "cannot take square root of a negative number");
    }
    *r = std::sqrt(x);
    return absl::OkStatus();
  });
}

absl::Status CheckLogArgument(double x) {
  if (x == 0) return SqlError(kInvalidArgumentForLog, "cannot take logarithm of zero");
  if (x < 0) {
    return SqlError(kInvalidArgumentForLog, "cannot take logarithm of a negative number");
  }
  return absl::OkStatus();
}

absl::Status Ln(const KernelArgs& a, Vector* out) {
  return MapFloat(a, out, [](double x, double* r) {
    RETURN_IF_ERROR(CheckLogArgument(x));
    *r = std::log(x);
    return absl::OkStatus();
  });
}

absl::Status Log10(const KernelArgs& a, Vector* out) {
  return MapFloat(a, out, [](double x, double* r) {
    RETURN_IF_ERROR(CheckLogArgument(x));
    *r = std::log10(x);
    return absl::OkStatus();
  });
}

absl::Status LogBase(const KernelArgs& a, Vector* out) {
  const double* base = a.arg(0).f64.data();
  const double* x = a.arg(1).f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    RETURN_IF_ERROR(CheckLogArgument(base[i]));
    RETURN_IF_ERROR(CheckLogArgument(x[i]));
    double denominator = std::log(base[i]);
    if (denominator == 0) return DivisionByZero();
    out->f64[i] = std::log(x[i]) / denominator;
  }
  return absl::OkStatus();
}

absl::Status Exp(const KernelArgs& a, Vector* out) {
  return MapFloat(a, out, [](double x, double* r) {
    *r = std::exp(x);
    if (std::isinf(*r) && std::isfinite(x)) return Overflow();
    if (*r == 0 && std::isfinite(x)) return Underflow();
    return absl::OkStatus();
  });
}

absl::Status Power(const KernelArgs& a, Vector* out) {
  const double* x = a.arg(0).f64.data();
  const double* y = a.arg(1).f64.data();
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    if (x[i] == 0 && y[i] < 0) {
      return SqlError(kInvalidArgumentForPower, "zero raised to a negative power is undefined");
    }
    if (x[i] < 0 && std::isfinite(y[i]) && std::floor(y[i]) != y[i]) {
      return SqlError(kInvalidArgumentForPower,
                      "a negative number raised to a non-integer power yields a complex result");
    }
    double r = std::pow(x[i], y[i]);
    if (std::isinf(r) && std::isfinite(x[i]) && std::isfinite(y[i])) return Overflow();
    if (r == 0 && x[i] != 0 && std::isfinite(x[i]) && std::isfinite(y[i])) return Underflow();
    out->f64[i] = r;
  }
  return absl::OkStatus();
}

// greatest / least: NULL arguments are ignored; NULL only if all are.
template <class T, bool kGreatest>
absl::Status Extreme(const KernelArgs& a, Vector* out) {
  for (size_t j = 0; j < a.nargs; ++j) {
    for (const auto& h : a.arg(j).heaps) out->heaps.push_back(h);
  }
  for (size_t i = 0; i < a.rows; ++i) {
    const T* best = nullptr;
    for (size_t j = 0; j < a.nargs; ++j) {
      const Vector& v = a.arg(j);
      if (v.IsNull(i)) continue;
      const T* cand;
      if constexpr (std::is_same_v<T, double>) {
        cand = &v.f64[i];
      } else if constexpr (std::is_same_v<T, std::string_view>) {
        cand = &v.str[i];
      } else if constexpr (std::is_same_v<T, Interval>) {
        cand = &v.iv[i];
      } else {
        cand = &v.i64[i];
      }
      if (best == nullptr) {
        best = cand;
      } else {
        int c = Compare3(*cand, *best);
        if (kGreatest ? c > 0 : c < 0) best = cand;
      }
    }
    if (best == nullptr) {
      out->SetNull(i);
      continue;
    }
    if constexpr (std::is_same_v<T, double>) {
      out->f64[i] = *best;
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      out->str[i] = *best;
    } else if constexpr (std::is_same_v<T, Interval>) {
      out->iv[i] = *best;
    } else {
      out->i64[i] = *best;
    }
  }
  return absl::OkStatus();
}

template <class T>
void RegisterExtremes(FunctionRegistry& r, Type t) {
  ScalarFunction g = Fn("greatest", {t}, t, Extreme<T, true>);
  g.variadic = true;
  g.strict = false;
  r.Add(g);
  ScalarFunction l = Fn("least", {t}, t, Extreme<T, false>);
  l.variadic = true;
  l.strict = false;
  r.Add(l);
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  using T = Type;
  // Double overloads first: a bare string literal argument resolves to double precision,
  // PostgreSQL's preferred numeric type.
  r.Add(Fn("abs", {T::kFloat64}, T::kFloat64, SimpleFloat<Abs>));
  r.Add(Fn("abs", {T::kInt64}, T::kInt64, AbsInt));
  r.Add(Fn("round", {T::kFloat64}, T::kFloat64, SimpleFloat<Round>));
  r.Add(Fn("round", {T::kInt64}, T::kInt64, IdentityInt));
  r.Add(Fn("round", {T::kFloat64, T::kInt64}, T::kFloat64, RoundTo));
  r.Add(Fn("floor", {T::kFloat64}, T::kFloat64, SimpleFloat<Floor>));
  r.Add(Fn("floor", {T::kInt64}, T::kInt64, IdentityInt));
  r.Add(Fn("ceil", {T::kFloat64}, T::kFloat64, SimpleFloat<Ceil>));
  r.Add(Fn("ceil", {T::kInt64}, T::kInt64, IdentityInt));
  r.Add(Fn("trunc", {T::kFloat64}, T::kFloat64, SimpleFloat<Trunc>));
  r.Add(Fn("trunc", {T::kInt64}, T::kInt64, IdentityInt));
  r.Add(Fn("trunc", {T::kFloat64, T::kInt64}, T::kFloat64, TruncTo));
  r.Add(Fn("sign", {T::kFloat64}, T::kFloat64, SimpleFloat<Sign>));
  r.Add(Fn("sign", {T::kInt64}, T::kInt64, SignInt));
  r.Add(Fn("sqrt", {T::kFloat64}, T::kFloat64, Sqrt));
  r.Add(Fn("ln", {T::kFloat64}, T::kFloat64, Ln));
  r.Add(Fn("log", {T::kFloat64}, T::kFloat64, Log10));
  r.Add(Fn("log", {T::kFloat64, T::kFloat64}, T::kFloat64, LogBase));
  r.Add(Fn("exp", {T::kFloat64}, T::kFloat64, Exp));
  r.Add(Fn("power", {T::kFloat64, T::kFloat64}, T::kFloat64, Power));
  r.Alias("ceiling", "ceil");
  r.Alias("pow", "power");
  r.Alias("log10", "log");
  RegisterExtremes<int64_t>(r, T::kBool);
  RegisterExtremes<int64_t>(r, T::kInt64);
  RegisterExtremes<double>(r, T::kFloat64);
  RegisterExtremes<std::string_view>(r, T::kString);
  RegisterExtremes<int64_t>(r, T::kTimestamp);
  RegisterExtremes<Interval>(r, T::kInterval);
}

}  // namespace strata::query
