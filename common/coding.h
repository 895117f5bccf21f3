// Little-endian fixed-width and varint coding, plus Cursor: a bounds-checked reader that
// keeps the first error so decoders check once at the end (a sticky error, as in
// Prometheus' Decbuf). Every on-disk structure in Strata is encoded with these.
//
// Thread safety: free functions are pure; a Cursor is used by one thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata {

inline void PutFixed8(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }
inline void PutFixed16(std::string* dst, uint16_t v) {
  char b[2];
  std::memcpy(b, &v, 2);  // x86-64 and aarch64 Linux are little-endian; see docs.
  dst->append(b, 2);
}
inline void PutFixed32(std::string* dst, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  dst->append(b, 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  dst->append(b, 8);
}
inline void PutDouble(std::string* dst, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  PutFixed64(dst, bits);
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void EncodeFixed32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void EncodeFixed64(char* p, uint64_t v) { std::memcpy(p, &v, 8); }

// Unsigned LEB128.
inline void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}
inline void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

// ZigZag maps signed to unsigned so small magnitudes get small varints.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline void PutVarsint64(std::string* dst, int64_t v) { PutVarint64(dst, ZigZagEncode(v)); }

// Length-prefixed (varint) byte string.
inline void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s.data(), s.size());
}

// Cursor reads from a byte range. After the first failure every read returns zero/empty
// and ok() is false; status() names what was being read and at which offset.
class Cursor {
 public:
  Cursor(const char* data, size_t size) : begin_(data), p_(data), end_(data + size) {}
  explicit Cursor(std::string_view s) : Cursor(s.data(), s.size()) {}

  bool ok() const { return error_ == nullptr; }
  size_t remaining() const { return ok() ? static_cast<size_t>(end_ - p_) : 0; }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  bool empty() const { return remaining() == 0; }

  uint8_t Fixed8(const char* what = "u8") {
    if (!Need(1, what)) return 0;
    return static_cast<uint8_t>(*p_++);
  }
  uint16_t Fixed16(const char* what = "u16") {
    if (!Need(2, what)) return 0;
    uint16_t v;
    std::memcpy(&v, p_, 2);
    p_ += 2;
    return v;
  }
  uint32_t Fixed32(const char* what = "u32") {
    if (!Need(4, what)) return 0;
    uint32_t v = DecodeFixed32(p_);
    p_ += 4;
    return v;
  }
  uint64_t Fixed64(const char* what = "u64") {
    if (!Need(8, what)) return 0;
    uint64_t v = DecodeFixed64(p_);
    p_ += 8;
    return v;
  }
  double Double(const char* what = "f64") {
    uint64_t bits = Fixed64(what);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  uint64_t Varint64(const char* what = "varint") {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (!Need(1, what)) return 0;
      uint64_t byte = static_cast<uint8_t>(*p_++);
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return result;
    }
    Fail(what, "varint longer than 10 bytes");
    return 0;
  }
  uint32_t Varint32(const char* what = "varint32") {
    uint64_t v = Varint64(what);
    if (v > UINT32_MAX) {
      Fail(what, "value does not fit in 32 bits");
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  int64_t Varsint64(const char* what = "zigzag varint") { return ZigZagDecode(Varint64(what)); }
  std::string_view Bytes(size_t n, const char* what = "bytes") {
    if (!Need(n, what)) return {};
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  std::string_view LengthPrefixed(const char* what = "string") {
    uint64_t n = Varint64(what);
    if (!ok()) return {};
    return Bytes(n, what);
  }

  // Marks the cursor failed (for semantic errors found by the caller, e.g. bad enum).
  void Fail(const char* what, const char* reason) {
    if (error_ != nullptr) return;
    error_ = what;
    reason_ = reason;
    fail_offset_ = offset();
  }

  // OK, or a DataLoss error "<context>: <what> at offset N: <reason>".
  absl::Status status(std::string_view context = "") const;

 private:
  bool Need(size_t n, const char* what) {
    if (error_ != nullptr) return false;
    if (static_cast<size_t>(end_ - p_) < n) {
      Fail(what, "truncated");
      return false;
    }
    return true;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  const char* error_ = nullptr;
  const char* reason_ = nullptr;
  size_t fail_offset_ = 0;
};

}  // namespace strata
