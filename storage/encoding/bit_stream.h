// Bit-granular writer and reader for variable-width codes (the XOR float codec). Same bit
// order as bitpack.h: a field of w bits written at stream position k occupies bits
// [k, k + w), least significant bit first; stream bit k is bit (k % 8) of byte k / 8.
// The last byte is zero-padded.
//
// BitReader is bounds-checked with a sticky error, like Cursor: a read past the end
// returns 0 and fails the reader. BitCounter has BitWriter's interface and only counts,
// so a size estimate runs the encoder's own code.
//
// Thread safety: each object is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace strata::storage {

inline uint64_t LowBits(uint64_t v, int n) { return n >= 64 ? v : v & ((uint64_t{1} << n) - 1); }

// Appends to a string; Finish() must be called once, after the last Write.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}

  // Appends the low n bits of v. REQUIRES: 0 <= n <= 64, v < 2^n.
  void Write(uint64_t v, int n) {
    if (n == 0) return;
    acc_ |= v << fill_;
    const int total = fill_ + n;
    if (total < 64) {
      fill_ = total;
      return;
    }
    PutWord(acc_);
    fill_ = total - 64;
    acc_ = fill_ == 0 ? 0 : v >> (n - fill_);
  }

  void Finish() {
    char b[8];
    std::memcpy(b, &acc_, 8);
    out_->append(b, static_cast<size_t>(fill_ + 7) / 8);
    acc_ = 0;
    fill_ = 0;
  }

 private:
  void PutWord(uint64_t w) {
    char b[8];
    std::memcpy(b, &w, 8);
    out_->append(b, 8);
  }

  std::string* out_;
  uint64_t acc_ = 0;
  int fill_ = 0;  // bits used in acc_, < 64 between calls
};

class BitCounter {
 public:
  void Write(uint64_t /*v*/, int n) { bits_ += static_cast<size_t>(n); }
  void Finish() {}
  size_t bytes() const { return (bits_ + 7) / 8; }

 private:
  size_t bits_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::string_view in)
      : data_(reinterpret_cast<const uint8_t*>(in.data())), size_(in.size()) {}

  bool ok() const { return ok_; }
  size_t bit_position() const { return pos_; }
  // Bytes the bits read so far occupy (the last one possibly partial).
  size_t bytes_consumed() const { return (pos_ + 7) / 8; }

  // Reads n bits. REQUIRES: 0 <= n <= 64.
  uint64_t Read(int n) {
    if (n == 0 || !ok_) return 0;
    if (static_cast<size_t>(n) > size_ * 8 - pos_) {
      ok_ = false;
      return 0;
    }
    const size_t byte = pos_ >> 3;
    const int shift = static_cast<int>(pos_ & 7);
    uint64_t lo;
    uint8_t hi = 0;  // the 9th byte, needed when shift + n > 64
    if (byte + 9 <= size_) {
      std::memcpy(&lo, data_ + byte, 8);
      hi = data_[byte + 8];
    } else {
      uint8_t buf[9] = {};
      std::memcpy(buf, data_ + byte, size_ - byte);
      std::memcpy(&lo, buf, 8);
      hi = buf[8];
    }
    uint64_t v = lo >> shift;
    if (shift != 0) v |= static_cast<uint64_t>(hi) << (64 - shift);
    pos_ += static_cast<size_t>(n);
    return LowBits(v, n);
  }

  bool ReadBit() { return Read(1) != 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace strata::storage
