// Hashes and canonical forms shared by grouping, DISTINCT sets, HyperLogLog and sorting.
//
// The hashes are fixed functions (no per-process seed), so HyperLogLog sketches built on
// different threads or nodes can be merged.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "query/types.h"

namespace strata::query {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// splitmix64's finalizer: a bijective, well-mixed hash of a 64-bit value.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t MulFold(uint64_t a, uint64_t b) {
  UInt128 p = static_cast<UInt128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

// A fast 64-bit hash of a byte string (wyhash-style multiply-fold).
inline uint64_t HashBytes(const char* data, size_t n) {
  constexpr uint64_t k0 = 0xa0761d6478bd642fULL;
  constexpr uint64_t k1 = 0xe7037ed1a0b428dbULL;
  constexpr uint64_t k2 = 0x8ebc6af09c88c6e3ULL;
  auto load64 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  auto load32 = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return static_cast<uint64_t>(v);
  };
  uint64_t h = k0 ^ MulFold(n ^ k1, k2);
  size_t left = n;
  const char* p = data;
  while (left > 16) {
    h = MulFold(load64(p) ^ k1, load64(p + 8) ^ h);
    p += 16;
    left -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (left > 8) {
    a = load64(p);
    b = load64(p + left - 8);
  } else if (left >= 4) {
    a = load32(p);
    b = load32(p + left - 4);
  } else if (left > 0) {
    auto byte = [](char c) { return static_cast<uint64_t>(static_cast<unsigned char>(c)); };
    a = (byte(p[0]) << 16) | (byte(p[left / 2]) << 8) | byte(p[left - 1]);
  }
  return MulFold(MulFold(a ^ k1, b ^ h) ^ k2, n ^ k0);
}

inline uint64_t HashString(std::string_view s) { return HashBytes(s.data(), s.size()); }

// Bits of a double such that values PostgreSQL treats as equal have equal bits:
// -0 == 0 and every NaN is one NaN.
inline uint64_t CanonicalDoubleBits(double d) {
  if (d == 0) d = 0;
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return bits;
}

// PostgreSQL compares intervals by their total length with a month of 30 days.
inline Int128 IntervalTotalMicros(const Interval& iv) {
  constexpr int64_t kDay = 86'400'000'000LL;
  return static_cast<Int128>(iv.months) * 30 * kDay + static_cast<Int128>(iv.days) * kDay +
         iv.micros;
}

// Three-way comparisons in PostgreSQL's orders: doubles with NaN above everything and
// -0 == 0, strings byte-wise (unsigned), intervals by total length.
inline int CompareDoubles(double a, double b) {
  bool na = std::isnan(a);
  bool nb = std::isnan(b);
  if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
  return (a > b) - (a < b);
}
inline int CompareInts(int64_t a, int64_t b) { return (a > b) - (a < b); }
inline int CompareStrings(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}
inline int CompareIntervals(const Interval& a, const Interval& b) {
  Int128 ta = IntervalTotalMicros(a);
  Int128 tb = IntervalTotalMicros(b);
  return (ta > tb) - (ta < tb);
}

}  // namespace strata::query
