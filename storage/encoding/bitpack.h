// Bit packing: n unsigned values of one width w (0..64 bits) as a dense little-endian bit
// stream. Value i occupies stream bits [i*w, (i+1)*w), its least significant bit first;
// stream bit k is bit (k % 8) of byte k / 8. The packed form is PackedBytes(n, w) bytes, and
// the unused high bits of the last byte are zero.
//
// Unpack is the hot path of every integer decoder: it decodes 8 values (exactly w bytes) at
// a time with a width-specialised, fully unrolled routine. It reads a few bytes past the
// packed data when the caller says they exist (`avail`), and never past `avail`.
//
// Thread safety: pure functions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace strata::storage::bitpack {

inline constexpr int kMaxWidth = 64;

// Bits needed to represent `v` (0 for v == 0, 64 for v >= 2^63).
inline int BitWidth(uint64_t v) { return static_cast<int>(std::bit_width(v)); }

inline size_t PackedBytes(size_t n, int width) {
  // n * width can exceed size_t only for absurd n; callers bound n first.
  return (n * static_cast<size_t>(width) + 7) / 8;
}

// Writes PackedBytes(n, width) bytes to `out`.
// REQUIRES: 0 <= width <= 64 and every in[i] < 2^width.
void Pack(const uint64_t* in, size_t n, int width, char* out);

// Reads n values of `width` bits from `in` into out[0..n). `avail` is the number of bytes
// readable from `in` (at least PackedBytes(n, width)); the more there are past the packed
// data, the more of the work goes through the fast path.
// REQUIRES: 0 <= width <= 64, avail >= PackedBytes(n, width).
void Unpack(const char* in, size_t avail, size_t n, int width, uint64_t* out);

}  // namespace strata::storage::bitpack
