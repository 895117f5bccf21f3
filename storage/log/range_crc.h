// Private to storage/log: CRC-32C of arbitrary sub-ranges of one buffer in O(stride) time.
//
// The reader's damage scan must test a candidate frame at every offset after a bad record;
// each test is a CRC over the candidate's claimed length, so the naive scan of a torn tail
// of T random bytes costs on the order of T^3 / 2^33 bytes of CRC (hours for T = 64 MiB).
// RangeCrc keeps the CRC of every kStride-byte prefix and derives the CRC of any range
// from two prefixes with the CRC combine identity
//     crc(A || B) = crc(A) * x^(8|B|)  xor  crc(B)      (mod the CRC-32C polynomial),
// the same algebra as zlib's crc32_combine. Invariant: Value(b, e) equals
// crc32c::Value(data + b, e - b) for every 0 <= b <= e <= size.
//
// Thread safety: immutable after construction; the borrowed buffer must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace strata::storage::log_internal {

// (crc * x^(8n)) mod P for a standard (pre/post-inverted) CRC-32C value: the CRC of
// `crc`'s message followed by n zero bytes, minus the CRC of n zero bytes.
uint32_t ShiftCrc(uint32_t crc, uint64_t n);

class RangeCrc {
 public:
  static constexpr size_t kStride = 64;

  explicit RangeCrc(std::string_view data);
  // CRC-32C of data[begin, end). REQUIRES: begin <= end <= data.size().
  uint32_t Value(size_t begin, size_t end) const;

 private:
  uint32_t PrefixCrc(size_t i) const;

  std::string_view data_;
  std::vector<uint32_t> prefix_;  // prefix_[k] = CRC of data[0, k * kStride)
};

}  // namespace strata::storage::log_internal
