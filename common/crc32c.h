// CRC-32C (Castagnoli), the checksum of every block, footer, log record and manifest
// record in Strata. Uses the SSE4.2 instruction when the CPU has it (checked once at
// run time), else a table-driven software path; both give identical results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::crc32c {

// Extends `crc` (the CRC of some prefix) with `data`. Value(data) == Extend(0, data).
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// Stored CRCs are masked, as leveldb does, so a CRC over data that itself embeds CRCs
// does not degenerate. Unmask(Mask(c)) == c.
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace strata::crc32c
