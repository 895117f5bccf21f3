// kFloatXor: Gorilla-style XOR compression of IEEE-754 bit patterns (Pelkonen et al.,
// VLDB 2015), in the little-endian bit order of bit_stream.h. It works on raw bits, so
// NaN payloads, -0.0 and infinities round-trip exactly. Layout: docs/format/encodings.md.
//
//   varint n, then a bit stream:
//   first value: 64 bits
//   then per value, x = bits ^ previous bits:
//     x == 0:                       1 bit  0
//     x fits the current window:    2 bits 1,0 then the window's meaningful bits of x
//     otherwise (new window):       2 bits 1,1, 5 bits leading zeros (capped at 31),
//                                   6 bits meaningful length (64 written as 0), the bits
#include <algorithm>
#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/encoding/bit_stream.h"
#include "storage/encoding/codecs.h"

namespace strata::storage::codecs {
namespace {

constexpr int kMaxLeading = 31;  // what fits in the 5-bit field
constexpr char kContext[] = "xor block";

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

template <typename Sink>
void XorEncode(Floats v, Sink& sink) {
  uint64_t prev = Bits(v[0]);
  sink.Write(prev, 64);
  int win_lead = -1;  // no window yet
  int win_trail = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    const uint64_t cur = Bits(v[i]);
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      sink.Write(0, 1);
      continue;
    }
    const int lead = std::min(std::countl_zero(x), kMaxLeading);
    const int trail = std::countr_zero(x);
    if (win_lead >= 0 && lead >= win_lead && trail >= win_trail) {
      sink.Write(0b01, 2);  // bits 1, 0 in stream order
      sink.Write(x >> win_trail, 64 - win_lead - win_trail);
      continue;
    }
    const int len = 64 - lead - trail;
    sink.Write(0b11, 2);
    sink.Write(static_cast<uint64_t>(lead), 5);
    sink.Write(static_cast<uint64_t>(len & 63), 6);
    sink.Write(x >> trail, len);
    win_lead = lead;
    win_trail = trail;
  }
  sink.Finish();
}

}  // namespace

size_t FloatXorSize(Floats v) {
  BitCounter counter;
  XorEncode(v, counter);
  return CountSize(v.size()) + counter.bytes();
}

void EncodeFloatXor(Floats v, std::string* out) {
  PutCount(v.size(), out);
  BitWriter writer(out);
  XorEncode(v, writer);
}

absl::Status DecodeFloatXor(std::string_view in, size_t n, double* out) {
  Cursor c(in);
  RETURN_IF_ERROR(ReadCount(c, n, kContext));
  const size_t header = c.offset();
  BitReader r(in.substr(header));
  uint64_t prev = r.Read(64);
  out[0] = std::bit_cast<double>(prev);
  int win_lead = -1;
  int win_trail = 0;
  const char* error = nullptr;
  for (size_t i = 1; i < n && r.ok(); ++i) {
    if (r.ReadBit()) {
      if (r.ReadBit()) {  // new window
        const int lead = static_cast<int>(r.Read(5));
        int len = static_cast<int>(r.Read(6));
        if (len == 0) len = 64;
        if (lead + len > 64) {
          error = "window wider than 64 bits";
          break;
        }
        win_lead = lead;
        win_trail = 64 - lead - len;
      } else if (win_lead < 0) {
        error = "window reused before one was set";
        break;
      }
      prev ^= r.Read(64 - win_lead - win_trail) << win_trail;
    }
    out[i] = std::bit_cast<double>(prev);
  }
  if (error == nullptr && !r.ok()) error = "truncated";
  if (error != nullptr) {
    return absl::DataLossError(absl::StrCat(kContext, ": at offset ", header + r.bit_position() / 8,
                                            " (bit ", r.bit_position() % 8, "): ", error));
  }
  const size_t end = header + r.bytes_consumed();
  if (end != in.size()) {
    return absl::DataLossError(
        absl::StrCat(kContext, ": ", in.size() - end, " trailing bytes at offset ", end));
  }
  return absl::OkStatus();
}

}  // namespace strata::storage::codecs
