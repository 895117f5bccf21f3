// The individual codecs behind codec.h, one file each: for every encoding, the exact
// encoded size (what Choose*Encoding compares), the encoder and the decoder.
//
// Contract shared by all of them (codec.cc enforces the n == 0 case, so none of these sees
// an empty block): Size(v) == bytes Encode(v) appends; Decode reads exactly `in`, writes
// out[0..n) only, and returns DataLoss for anything malformed, short, with trailing bytes
// or holding a different number of values. Byte layouts: docs/format/encodings.md.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/coding.h"
#include "storage/encoding/codec.h"

namespace strata::storage::codecs {

using Ints = absl::Span<const int64_t>;
using Floats = absl::Span<const double>;

size_t IntPlainSize(Ints v);
void EncodeIntPlain(Ints v, std::string* out);
absl::Status DecodeIntPlain(std::string_view in, size_t n, int64_t* out);

size_t FrameOfRefSize(Ints v);
void EncodeFrameOfRef(Ints v, std::string* out);
absl::Status DecodeFrameOfRef(std::string_view in, size_t n, int64_t* out);

size_t DeltaSize(Ints v);
void EncodeDelta(Ints v, std::string* out);
absl::Status DecodeDelta(std::string_view in, size_t n, int64_t* out);

size_t DeltaOfDeltaSize(Ints v);
void EncodeDeltaOfDelta(Ints v, std::string* out);
absl::Status DecodeDeltaOfDelta(std::string_view in, size_t n, int64_t* out);

size_t RunLengthSize(Ints v);

// The exact encoded size of `v` under integer encoding `e` (what ChooseIntEncoding compares).
size_t IntEncodedSize(Encoding e, Ints v);
void EncodeRunLength(Ints v, std::string* out);
absl::Status DecodeRunLength(std::string_view in, size_t n, int64_t* out);

size_t FloatPlainSize(Floats v);
void EncodeFloatPlain(Floats v, std::string* out);
absl::Status DecodeFloatPlain(std::string_view in, size_t n, double* out);

size_t FloatXorSize(Floats v);
void EncodeFloatXor(Floats v, std::string* out);
absl::Status DecodeFloatXor(std::string_view in, size_t n, double* out);

// Every encoding except plain starts with varint n, so a block decoded with the wrong
// count is DataLoss instead of silently short or padded.
void PutCount(size_t n, std::string* out);
size_t CountSize(size_t n);
// Reads the count; DataLoss "<context>: block holds N values, expected M" on mismatch.
absl::Status ReadCount(Cursor& c, size_t n, const char* context);

// OK if `c` is fine and fully consumed; otherwise DataLoss naming `context`, the offset
// and the reason (or the number of trailing bytes).
absl::Status FinishDecode(const Cursor& c, const char* context);

// Values are handled as uint64 so deltas wrap instead of overflowing (int64 and uint64
// may alias each other).
inline uint64_t* AsUnsigned(int64_t* p) { return reinterpret_cast<uint64_t*>(p); }

}  // namespace strata::storage::codecs
