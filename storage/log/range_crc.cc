#include "storage/log/range_crc.h"

#include <array>

#include "common/crc32c.h"

namespace strata::storage::log_internal {
namespace {

// CRC-32C (Castagnoli) polynomial, bit-reflected as the byte-wise CRC uses it. In this
// representation bit 31 is x^0 and bit 0 is x^31.
constexpr uint32_t kPoly = 0x82f63b78u;
constexpr uint32_t kOne = 1u << 31;  // the polynomial 1

// a * b mod P, both reflected (zlib's multmodp).
uint32_t MulMod(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = kOne; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// kPow[j][i] = x^(8 * i * 256^j) mod P, so x^(8n) for n < 2^32 is a product of four
// table entries, one per byte of n.
struct PowerTables {
  std::array<std::array<uint32_t, 256>, 4> pow;
  PowerTables() {
    uint32_t x8 = 1u << 23;  // x^8
    for (auto& table : pow) {
      table[0] = kOne;
      for (size_t i = 1; i < 256; ++i) table[i] = MulMod(table[i - 1], x8);
      x8 = MulMod(table[255], x8);  // x^(8 * 256^(j+1))
    }
  }
};

const PowerTables& Powers() {
  static const PowerTables tables;
  return tables;
}

}  // namespace

uint32_t ShiftCrc(uint32_t crc, uint64_t n) {
  const PowerTables& t = Powers();
  // Ranges here are at most a mapped file's size; split anything larger than 2^32 bytes.
  while (n >> 32) {
    crc = ShiftCrc(crc, uint64_t{1} << 31);
    crc = ShiftCrc(crc, uint64_t{1} << 31);
    n -= uint64_t{1} << 32;
  }
  for (size_t j = 0; j < 4 && n != 0; ++j, n >>= 8) {
    uint32_t byte = static_cast<uint32_t>(n & 0xff);
    if (byte != 0) crc = MulMod(t.pow[j][byte], crc);
  }
  return crc;
}

RangeCrc::RangeCrc(std::string_view data) : data_(data) {
  prefix_.reserve(data.size() / kStride + 1);
  uint32_t crc = 0;
  prefix_.push_back(crc);
  for (size_t k = kStride; k <= data.size(); k += kStride) {
    crc = crc32c::Extend(crc, data.data() + k - kStride, kStride);
    prefix_.push_back(crc);
  }
}

uint32_t RangeCrc::PrefixCrc(size_t i) const {
  size_t k = i / kStride;
  return crc32c::Extend(prefix_[k], data_.data() + k * kStride, i - k * kStride);
}

uint32_t RangeCrc::Value(size_t begin, size_t end) const {
  return PrefixCrc(end) ^ ShiftCrc(PrefixCrc(begin), end - begin);
}

}  // namespace strata::storage::log_internal
