// Private to storage/log: the record frame shared by the log writer and reader.
//
// Frame: [length u32 LE][masked CRC-32C of (type byte + payload) u32 LE][type u8][payload].
// The CRC is computed over the type byte and the payload, which sit contiguously in the
// frame, so one crc32c pass covers both. See docs/format/logs.md.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "common/crc32c.h"
#include "storage/log.h"

namespace strata::storage::log_internal {

inline constexpr size_t kLengthOffset = 0;
inline constexpr size_t kCrcOffset = 4;
inline constexpr size_t kTypeOffset = 8;

// Appends the frame of one record to `dst`.
// REQUIRES: payload.size() <= kMaxLogRecordSize.
// Fills the kLogHeaderSize bytes at `header` for a record of `type` and `payload`.
inline void EncodeHeader(char* header, uint8_t type, std::string_view payload) {
  EncodeFixed32(header + kLengthOffset, static_cast<uint32_t>(payload.size()));
  header[kTypeOffset] = static_cast<char>(type);
  uint32_t crc = crc32c::Value(header + kTypeOffset, 1);
  crc = crc32c::Extend(crc, payload.data(), payload.size());
  EncodeFixed32(header + kCrcOffset, crc32c::Mask(crc));
}

inline void AppendFrame(std::string* dst, uint8_t type, std::string_view payload) {
  char header[kLogHeaderSize];
  EncodeHeader(header, type, payload);
  dst->append(header, kLogHeaderSize);
  dst->append(payload.data(), payload.size());
}

// The outcome of looking for a frame at one offset.
struct FrameCheck {
  const char* reason = nullptr;  // nullptr: a valid frame
  uint32_t length = 0;           // payload length (valid frames only)
};

// Checks whether a valid frame starts at `data[pos]`. Never reads out of bounds.
inline FrameCheck CheckFrame(std::string_view data, uint64_t pos) {
  uint64_t left = data.size() - pos;
  if (left < kLogHeaderSize) return {"header past end of file", 0};
  const char* frame = data.data() + pos;
  uint32_t length = DecodeFixed32(frame + kLengthOffset);
  if (length > kMaxLogRecordSize) return {"length exceeds kMaxLogRecordSize", 0};
  if (length > left - kLogHeaderSize) return {"length past end of file", 0};
  uint32_t crc = crc32c::Value(frame + kTypeOffset, 1 + static_cast<size_t>(length));
  if (crc32c::Unmask(DecodeFixed32(frame + kCrcOffset)) != crc) return {"CRC mismatch", 0};
  return {nullptr, length};
}

}  // namespace strata::storage::log_internal
