// Column codecs: how one block of values of one column becomes bytes, and back.
//
// Integer-like columns (times, dense ids, dictionary codes) are int64 in memory and use one
// of the IntEncodings; floats use a FloatEncoding. The writer calls Choose*Encoding, which
// returns the encoding with the smallest output for these values, then Encode*. Decoders
// never trust their input: malformed bytes give DataLoss, never garbage or a crash.
// Compression (LZ4 or zstd) is applied on top of the encoded bytes by compression.h.
//
// On-disk ids are written out and never reused; byte layouts: docs/format/encodings.md.
// A block of zero values encodes to zero bytes; every other non-plain block starts with
// its value count, so decoding with the wrong count is DataLoss.
// Thread safety: all functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace strata::storage {

enum class Encoding : uint8_t {
  // Integers.
  kIntPlain = 1,         // n x int64 little-endian
  kIntFrameOfRef = 2,    // min, then per 128 values: base, bit width, values-base packed
  kIntDelta = 3,         // first value, then deltas frame-of-reference bit-packed
  kIntDeltaOfDelta = 4,  // first, first delta, then delta-of-deltas (zigzag) bit-packed
  kIntRunLength = 5,     // runs: values and run lengths, each bit-packed
  // Floats.
  kFloatPlain = 16,  // n x IEEE-754 binary64 little-endian
  kFloatXor = 17,    // Gorilla-style XOR with the previous value (bit-exact, NaNs too)
};

bool IsIntEncoding(Encoding e);
bool IsFloatEncoding(Encoding e);
const char* EncodingName(Encoding e);  // "delta-of-delta", "for-bitpack", ...

// Returns the integer encoding that gives the smallest output for `values` (sizes are
// computed exactly without encoding; ties go to the cheaper decoder).
Encoding ChooseIntEncoding(absl::Span<const int64_t> values);
// Appends the encoding of `values` to `out`. REQUIRES: IsIntEncoding(e).
void EncodeInts(Encoding e, absl::Span<const int64_t> values, std::string* out);
// Decodes exactly `count` values into out[0..count). DataLoss if `in` is malformed, too
// short, has trailing bytes, or does not hold `count` values; also for an `e` that is not
// an integer encoding (the id came from disk). On error out[] holds garbage.
absl::Status DecodeInts(Encoding e, std::string_view in, size_t count, int64_t* out);

Encoding ChooseFloatEncoding(absl::Span<const double> values);
void EncodeFloats(Encoding e, absl::Span<const double> values, std::string* out);
absl::Status DecodeFloats(Encoding e, std::string_view in, size_t count, double* out);

}  // namespace strata::storage
