// Deterministic random numbers for the traffic generator (private to ingest/generator.cc).
//
// Invariant: every value drawn depends only on the seed and the sequence of calls, never
// on the machine, compiler or C library. Hence our own PRNG (xoshiro256**, seeded through
// splitmix64) and our own exp/log built from IEEE-exact operations (+ - * / sqrt and
// exponent bit manipulation): std::*_distribution output is implementation-defined and
// libm's exp/log may differ in the last bit between C libraries.
//
// Thread safety: an Rng or HashStream is used by one thread; the free functions are pure.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace strata::ingest::gen {

__extension__ typedef unsigned __int128 Uint128;

inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// splitmix64's finalizer: a bijective 64-bit mixer. Also derives stable per-entity
// attributes (a client's device is a function of its hash, so it need not be stored).
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A splitmix64 stream: the attribute draws of one entity, from its hash.
class HashStream {
 public:
  explicit HashStream(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_ += kGolden); }
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((Uint128{Next()} * n) >> 64); }

 private:
  uint64_t state_;
};

namespace internal {

inline constexpr double kLn2 = 0.69314718055994530942;
inline constexpr double kInvLn2 = 1.44269504088896340736;

// 1/k for the odd atanh series and 1/k! for the exp series, folded at compile time.
constexpr std::array<double, 12> OddReciprocals() {
  std::array<double, 12> r{};
  for (int i = 0; i < 12; ++i) r[i] = 1.0 / (2 * i + 1);
  return r;
}
constexpr std::array<double, 13> InverseFactorials() {
  std::array<double, 13> r{};
  double f = 1;
  for (int i = 0; i < 13; ++i) {
    if (i > 0) f *= i;
    r[i] = 1.0 / f;
  }
  return r;
}
inline constexpr auto kOddReciprocals = OddReciprocals();
inline constexpr auto kInverseFactorials = InverseFactorials();

}  // namespace internal

// Natural logarithm, relative error ~1e-16. REQUIRES: x > 0 and finite.
inline double DetLog(double x) {
  int e;
  double m = std::frexp(x, &e);  // exact: m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2;
    --e;
  }
  // log(m) = 2 atanh(z), z = (m-1)/(m+1), |z| < 0.172: the odd series converges fast.
  const double z = (m - 1) / (m + 1);
  const double z2 = z * z;
  double p = internal::kOddReciprocals[11];
  for (int k = 10; k >= 0; --k) p = p * z2 + internal::kOddReciprocals[k];
  return 2 * z * p + e * internal::kLn2;
}

// e^x, relative error ~1e-15; 0 below -700, saturates above 700.
inline double DetExp(double x) {
  if (x < -700) return 0;
  if (x > 700) x = 700;
  const double k = std::floor(x * internal::kInvLn2 + 0.5);
  const double r = x - k * internal::kLn2;  // |r| <= 0.35
  double p = internal::kInverseFactorials[12];
  for (int i = 11; i >= 0; --i) p = p * r + internal::kInverseFactorials[i];
  // 2^k for |k| <= 1010 is a normal double: build it from the exponent bits (exact).
  const uint64_t bits = static_cast<uint64_t>(static_cast<int64_t>(k) + 1023) << 52;
  return p * std::bit_cast<double>(bits);
}

// xoshiro256** (Blackman & Vigna).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    HashStream h(seed);
    for (uint64_t& s : s_) s = h.Next();
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  // [0, n) by multiply-high; the bias for n far below 2^64 is immeasurable.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((Uint128{Next()} * n) >> 64); }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal by Marsaglia's polar method (log and sqrt only, both exact here).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2 * Uniform() - 1;
      v = 2 * Uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double f = std::sqrt(-2 * DetLog(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  // Lognormal with the given median; sigma is the log-space standard deviation.
  double LogNormal(double median, double sigma) { return median * DetExp(sigma * Normal()); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

// The standard normal quantile function (Acklam's rational approximation, relative error
// 1.2e-9). REQUIRES: 0 < p < 1.
inline double NormalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * DetLog(p < kLow ? p : 1 - p));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < kLow ? x : -x;
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// A lognormal distribution tabulated by quantiles, sampled by linear interpolation: one
// uniform draw instead of a normal draw plus exp, for the per-event draws (gaps,
// lateness). The tails are cut at the 1/2048 quantiles (3.3 sigma): callers clamp there
// anyway. Revenue, whose tail matters, uses Rng::LogNormal instead.
class LogNormalTable {
 public:
  static constexpr int kSteps = 1024;
  LogNormalTable(double median, double sigma) {
    for (int i = 0; i <= kSteps; ++i) {
      const double p = std::clamp(static_cast<double>(i) / kSteps, 0.5 / kSteps, 1 - 0.5 / kSteps);
      table_[i] = median * DetExp(sigma * NormalQuantile(p));
    }
  }
  double Sample(Rng& rng) const {
    const double x = rng.Uniform() * kSteps;
    const int i = static_cast<int>(x);
    return table_[i] + (x - i) * (table_[i + 1] - table_[i]);
  }

 private:
  std::array<double, kSteps + 1> table_;
};

// Index drawn from integer weights with the top 32 bits of `random`: exact, no floats.
template <size_t N>
uint8_t PickWeighted(const uint16_t (&weights)[N], uint64_t random) {
  uint64_t total = 0;
  for (uint16_t w : weights) total += w;
  uint64_t x = ((random >> 32) * total) >> 32;
  for (size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return static_cast<uint8_t>(i);
    x -= weights[i];
  }
  return static_cast<uint8_t>(N - 1);
}

}  // namespace strata::ingest::gen
