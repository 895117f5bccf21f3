#include "storage/encoding/bitpack.h"

#include <array>
#include <cstring>
#include <utility>

#include "common/status.h"

namespace strata::storage::bitpack {
namespace {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

constexpr uint64_t Mask(int width) {
  return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
}

// Decodes one group of 8 values, which is exactly W bytes of packed data. Reads bytes
// [0, W + 8) of `in` at most.
template <int W>
inline void Unpack8(const char* in, uint64_t* out) {
  constexpr uint64_t kMask = Mask(W);
  for (int j = 0; j < 8; ++j) {  // constant trip count: the compiler unrolls it
    const int bit = j * W;
    const int byte = bit >> 3;
    const int shift = bit & 7;
    uint64_t v = Load64(in + byte) >> shift;
    if (shift + W > 64) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(in[byte + 8])) << (64 - shift);
    }
    out[j] = v & kMask;
  }
}

template <int W>
void UnpackWidth(const char* in, size_t avail, size_t n, uint64_t* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, n * sizeof(uint64_t));
  } else {
    const size_t groups = n / 8;
    // Group g reads bytes [g*W, (g+1)*W + 8): fast while that stays inside `avail`.
    size_t fast = avail >= W + 8 ? (avail - 8) / W : 0;
    if (fast > groups) fast = groups;
    for (size_t g = 0; g < fast; ++g) Unpack8<W>(in + g * W, out + g * 8);

    // The rest (fewer than W + 8 packed bytes) goes through a zero-padded copy.
    const size_t done = fast * 8;
    if (done == n) return;
    const size_t tail_bytes = PackedBytes(n, W) - fast * W;
    char buf[2 * (W + 8) + 8] = {};
    std::memcpy(buf, in + fast * W, tail_bytes);
    const size_t rest = n - done;
    size_t i = 0;
    for (; i + 8 <= rest; i += 8) Unpack8<W>(buf + (i / 8) * W, out + done + i);
    if (i < rest) {
      uint64_t last[8];
      Unpack8<W>(buf + (i / 8) * W, last);
      std::memcpy(out + done + i, last, (rest - i) * sizeof(uint64_t));
    }
  }
}

using UnpackFn = void (*)(const char*, size_t, size_t, uint64_t*);

template <size_t... W>
constexpr std::array<UnpackFn, sizeof...(W)> MakeUnpackTable(std::index_sequence<W...>) {
  return {&UnpackWidth<static_cast<int>(W)>...};
}

constexpr auto kUnpack = MakeUnpackTable(std::make_index_sequence<kMaxWidth + 1>());

}  // namespace

void Pack(const uint64_t* in, size_t n, int width, char* out) {
  STRATA_DCHECK(width >= 0 && width <= kMaxWidth, "bit width out of range");
  if (width == 0 || n == 0) return;
  if (width == 64) {
    std::memcpy(out, in, n * 8);
    return;
  }
  uint64_t acc = 0;
  int fill = 0;  // bits used in acc, always < 64 between iterations
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = in[i];
    STRATA_DCHECK(BitWidth(v) <= width, "value wider than the pack width");
    acc |= v << fill;
    fill += width;
    if (fill >= 64) {
      std::memcpy(out, &acc, 8);
      out += 8;
      fill -= 64;
      acc = fill == 0 ? 0 : v >> (width - fill);
    }
  }
  std::memcpy(out, &acc, static_cast<size_t>(fill + 7) / 8);
}

void Unpack(const char* in, size_t avail, size_t n, int width, uint64_t* out) {
  STRATA_DCHECK(width >= 0 && width <= kMaxWidth, "bit width out of range");
  STRATA_DCHECK(avail >= PackedBytes(n, width), "packed data out of bounds");
  if (n == 0) return;
  kUnpack[static_cast<size_t>(width)](in, avail, n, out);
}

}  // namespace strata::storage::bitpack
