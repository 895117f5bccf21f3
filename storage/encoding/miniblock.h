// Miniblocks: the unit in which every integer encoding bit-packs its values.
//
// A stream of n values is cut into ceil(n / kMiniblockValues) miniblocks of
// kMiniblockValues values (the last one may be shorter), each with its own bit width, so
// one outlier widens only its own miniblock. Two kinds (byte layout in
// docs/format/encodings.md):
//   packed miniblock:  u8 width, PackedBytes(m, width) bytes           (unsigned values)
//   FOR miniblock:     varint (min - ref), then a packed miniblock of (v - min)
// A FOR stream is a fixed64 `ref` (the minimum of all values) followed by FOR miniblocks.
// All arithmetic is modulo 2^64, so any int64 input round-trips without overflow.
//
// Encoders take a getter `int64_t get(size_t i)` so derived sequences (deltas) are packed
// without materialising them. Decoders read through a Cursor and return false after
// marking it failed; they never write past out[n) nor read past the Cursor's end.
//
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/coding.h"
#include "storage/encoding/bitpack.h"

namespace strata::storage::miniblock {

inline constexpr size_t kMiniblockValues = 128;

inline size_t Count(size_t n) { return (n + kMiniblockValues - 1) / kMiniblockValues; }

inline size_t VarintLength(uint64_t v) {
  return static_cast<size_t>(bitpack::BitWidth(v | 1) + 6) / 7;
}

// Appends u8 width + the packed values.
void PutPacked(const uint64_t* v, size_t m, int width, std::string* out);

inline size_t PackedSize(size_t m, int width) { return 1 + bitpack::PackedBytes(m, width); }

// Reads one packed miniblock of m values into out[0..m).
bool ReadPacked(Cursor& c, size_t m, uint64_t* out);

// Reads a packed stream of n unsigned values (miniblocks without a base).
bool ReadPackedStream(Cursor& c, size_t n, uint64_t* out);

// Reads a FOR stream of n values into out[0..n).
bool ReadForStream(Cursor& c, size_t n, uint64_t* out);

// Reads one FOR miniblock of m values relative to `ref` into out[0..m).
bool ReadFor(Cursor& c, size_t m, uint64_t ref, uint64_t* out);

// Appends a packed stream of n unsigned values get(0..n).
template <typename Get>
void PutPackedStream(size_t n, Get get, std::string* out) {
  uint64_t buf[kMiniblockValues];
  for (size_t start = 0; start < n; start += kMiniblockValues) {
    const size_t m = std::min(kMiniblockValues, n - start);
    uint64_t all = 0;
    for (size_t i = 0; i < m; ++i) all |= buf[i] = get(start + i);
    PutPacked(buf, m, bitpack::BitWidth(all), out);
  }
}

template <typename Get>
size_t PackedStreamSize(size_t n, Get get) {
  size_t size = 0;
  for (size_t start = 0; start < n; start += kMiniblockValues) {
    const size_t m = std::min(kMiniblockValues, n - start);
    uint64_t all = 0;
    for (size_t i = 0; i < m; ++i) all |= get(start + i);
    size += PackedSize(m, bitpack::BitWidth(all));
  }
  return size;
}

// Min and max of get(begin..end) as signed values.
template <typename Get>
void MinMax(size_t begin, size_t end, Get get, int64_t* min, int64_t* max) {
  int64_t lo = get(begin), hi = lo;
  for (size_t i = begin + 1; i < end; ++i) {
    const int64_t v = get(i);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  *min = lo;
  *max = hi;
}

// Width of the FOR-packed range [min, max] (modulo 2^64 difference).
inline int RangeWidth(int64_t min, int64_t max) {
  return bitpack::BitWidth(static_cast<uint64_t>(max) - static_cast<uint64_t>(min));
}

inline size_t ForSize(int64_t ref, int64_t min, int64_t max, size_t m) {
  return VarintLength(static_cast<uint64_t>(min) - static_cast<uint64_t>(ref)) +
         PackedSize(m, RangeWidth(min, max));
}

// Appends one FOR miniblock of the m values get(begin..begin+m) relative to `ref`.
template <typename Get>
void PutFor(size_t begin, size_t m, int64_t ref, Get get, std::string* out) {
  int64_t min, max;
  MinMax(begin, begin + m, get, &min, &max);
  const uint64_t base = static_cast<uint64_t>(min);
  uint64_t buf[kMiniblockValues];
  for (size_t i = 0; i < m; ++i) buf[i] = static_cast<uint64_t>(get(begin + i)) - base;
  PutVarint64(out, base - static_cast<uint64_t>(ref));
  PutPacked(buf, m, RangeWidth(min, max), out);
}

// Appends a FOR stream of get(0..n). REQUIRES: n > 0.
template <typename Get>
void PutForStream(size_t n, Get get, std::string* out) {
  int64_t ref, unused_max;
  MinMax(0, n, get, &ref, &unused_max);
  PutFixed64(out, static_cast<uint64_t>(ref));
  for (size_t start = 0; start < n; start += kMiniblockValues) {
    PutFor(start, std::min(kMiniblockValues, n - start), ref, get, out);
  }
}

struct Range {
  int64_t min;
  int64_t max;
};

// Per-miniblock scratch for size estimates: on the stack up to 64 miniblocks (an
// 8192-value block), so ChooseIntEncoding does not allocate for usual blocks.
template <typename T>
class Scratch {
 public:
  explicit Scratch(size_t count) : data_(stack_) {
    if (count > kStack) {
      heap_.resize(count);
      data_ = heap_.data();
    }
  }
  T& operator[](size_t i) { return data_[i]; }

 private:
  static constexpr size_t kStack = 64;
  T stack_[kStack];
  std::vector<T> heap_;
  T* data_;
};

// Exact size of PutForStream's output, in one pass over the values. REQUIRES: n > 0.
template <typename Get>
size_t ForStreamSize(size_t n, Get get) {
  const size_t count = Count(n);
  Scratch<Range> ranges(count);
  int64_t ref = get(0);
  for (size_t k = 0; k < count; ++k) {
    const size_t start = k * kMiniblockValues;
    MinMax(start, std::min(n, start + kMiniblockValues), get, &ranges[k].min, &ranges[k].max);
    ref = std::min(ref, ranges[k].min);
  }
  size_t size = 8;
  for (size_t k = 0; k < count; ++k) {
    const size_t m = std::min(kMiniblockValues, n - k * kMiniblockValues);
    size += ForSize(ref, ranges[k].min, ranges[k].max, m);
  }
  return size;
}

}  // namespace strata::storage::miniblock
