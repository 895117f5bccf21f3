// Dispatch from the on-disk encoding ids to the codecs in codecs.h, and the choice of the
// smallest encoding for a block.
#include "storage/encoding/codec.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/encoding/codecs.h"

namespace strata::storage {
namespace {

// Candidates in order of preference on equal size: cheaper decoders first.
constexpr Encoding kIntCandidates[] = {Encoding::kIntPlain, Encoding::kIntFrameOfRef,
                                       Encoding::kIntRunLength, Encoding::kIntDelta,
                                       Encoding::kIntDeltaOfDelta};

// A block of zero values is encoded as zero bytes by every encoding.
absl::Status CheckEmpty(Encoding e, std::string_view in) {
  if (in.empty()) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat(EncodingName(e), " block: ", in.size(), " trailing bytes for 0 values"));
}

absl::Status UnknownEncoding(Encoding e, const char* kind) {
  return absl::DataLossError(absl::StrCat("unknown ", kind, " encoding id ", static_cast<int>(e)));
}

}  // namespace

size_t codecs::IntEncodedSize(Encoding e, absl::Span<const int64_t> v) {
  if (v.empty()) return 0;
  switch (e) {
    case Encoding::kIntPlain:
      return codecs::IntPlainSize(v);
    case Encoding::kIntFrameOfRef:
      return codecs::FrameOfRefSize(v);
    case Encoding::kIntDelta:
      return codecs::DeltaSize(v);
    case Encoding::kIntDeltaOfDelta:
      return codecs::DeltaOfDeltaSize(v);
    case Encoding::kIntRunLength:
      return codecs::RunLengthSize(v);
    default:
      STRATA_CHECK(false, "not an integer encoding");
  }
  return 0;
}

bool IsIntEncoding(Encoding e) {
  switch (e) {
    case Encoding::kIntPlain:
    case Encoding::kIntFrameOfRef:
    case Encoding::kIntDelta:
    case Encoding::kIntDeltaOfDelta:
    case Encoding::kIntRunLength:
      return true;
    default:
      return false;
  }
}

bool IsFloatEncoding(Encoding e) { return e == Encoding::kFloatPlain || e == Encoding::kFloatXor; }

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kIntPlain:
    case Encoding::kFloatPlain:
      return "plain";
    case Encoding::kIntFrameOfRef:
      return "for-bitpack";
    case Encoding::kIntDelta:
      return "delta";
    case Encoding::kIntDeltaOfDelta:
      return "delta-of-delta";
    case Encoding::kIntRunLength:
      return "rle";
    case Encoding::kFloatXor:
      return "xor";
  }
  return "unknown";
}

Encoding ChooseIntEncoding(absl::Span<const int64_t> values) {
  Encoding best = kIntCandidates[0];
  size_t best_size = codecs::IntEncodedSize(best, values);
  for (Encoding e : kIntCandidates) {
    const size_t size = codecs::IntEncodedSize(e, values);
    if (size < best_size) {
      best = e;
      best_size = size;
    }
  }
  return best;
}

void EncodeInts(Encoding e, absl::Span<const int64_t> values, std::string* out) {
  STRATA_CHECK(IsIntEncoding(e), "EncodeInts with a non-integer encoding");
  if (values.empty()) return;
  switch (e) {
    case Encoding::kIntPlain:
      return codecs::EncodeIntPlain(values, out);
    case Encoding::kIntFrameOfRef:
      return codecs::EncodeFrameOfRef(values, out);
    case Encoding::kIntDelta:
      return codecs::EncodeDelta(values, out);
    case Encoding::kIntDeltaOfDelta:
      return codecs::EncodeDeltaOfDelta(values, out);
    case Encoding::kIntRunLength:
      return codecs::EncodeRunLength(values, out);
    default:
      return;
  }
}

absl::Status DecodeInts(Encoding e, std::string_view in, size_t count, int64_t* out) {
  if (!IsIntEncoding(e)) return UnknownEncoding(e, "integer");
  if (count == 0) return CheckEmpty(e, in);
  switch (e) {
    case Encoding::kIntPlain:
      return codecs::DecodeIntPlain(in, count, out);
    case Encoding::kIntFrameOfRef:
      return codecs::DecodeFrameOfRef(in, count, out);
    case Encoding::kIntDelta:
      return codecs::DecodeDelta(in, count, out);
    case Encoding::kIntDeltaOfDelta:
      return codecs::DecodeDeltaOfDelta(in, count, out);
    case Encoding::kIntRunLength:
      return codecs::DecodeRunLength(in, count, out);
    default:
      return UnknownEncoding(e, "integer");
  }
}

Encoding ChooseFloatEncoding(absl::Span<const double> values) {
  if (values.empty()) return Encoding::kFloatPlain;
  return codecs::FloatXorSize(values) < codecs::FloatPlainSize(values) ? Encoding::kFloatXor
                                                                       : Encoding::kFloatPlain;
}

void EncodeFloats(Encoding e, absl::Span<const double> values, std::string* out) {
  STRATA_CHECK(IsFloatEncoding(e), "EncodeFloats with a non-float encoding");
  if (values.empty()) return;
  if (e == Encoding::kFloatXor) return codecs::EncodeFloatXor(values, out);
  codecs::EncodeFloatPlain(values, out);
}

absl::Status DecodeFloats(Encoding e, std::string_view in, size_t count, double* out) {
  if (!IsFloatEncoding(e)) return UnknownEncoding(e, "float");
  if (count == 0) return CheckEmpty(e, in);
  if (e == Encoding::kFloatXor) return codecs::DecodeFloatXor(in, count, out);
  return codecs::DecodeFloatPlain(in, count, out);
}

}  // namespace strata::storage
