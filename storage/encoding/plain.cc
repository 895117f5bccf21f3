// kIntPlain and kFloatPlain: n x 8 bytes little-endian, the fallback nothing beats on
// random data. The host is little-endian (see common/coding.h), so both are memcpy.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/miniblock.h"

namespace strata::storage::codecs {
namespace {

absl::Status CopyPlain(const char* context, std::string_view in, size_t n, void* out) {
  if (n > in.size() / 8 || in.size() != n * 8) {
    return absl::DataLossError(
        absl::StrCat(context, ": ", in.size(), " bytes for ", n, " values of 8 bytes"));
  }
  std::memcpy(out, in.data(), in.size());
  return absl::OkStatus();
}

}  // namespace

size_t IntPlainSize(Ints v) { return v.size() * 8; }

void EncodeIntPlain(Ints v, std::string* out) {
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * 8);
}

absl::Status DecodeIntPlain(std::string_view in, size_t n, int64_t* out) {
  return CopyPlain("plain int block", in, n, out);
}

size_t FloatPlainSize(Floats v) { return v.size() * 8; }

void EncodeFloatPlain(Floats v, std::string* out) {
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * 8);
}

absl::Status DecodeFloatPlain(std::string_view in, size_t n, double* out) {
  return CopyPlain("plain float block", in, n, out);
}

void PutCount(size_t n, std::string* out) { PutVarint64(out, n); }

size_t CountSize(size_t n) { return miniblock::VarintLength(n); }

absl::Status ReadCount(Cursor& c, size_t n, const char* context) {
  const uint64_t stored = c.Varint64("value count");
  if (!c.ok()) return c.status(context);
  if (stored != n) {
    return absl::DataLossError(
        absl::StrCat(context, ": block holds ", stored, " values, expected ", n));
  }
  return absl::OkStatus();
}

absl::Status FinishDecode(const Cursor& c, const char* context) {
  if (!c.ok()) return c.status(context);
  if (!c.empty()) {
    return absl::DataLossError(
        absl::StrCat(context, ": ", c.remaining(), " trailing bytes at offset ", c.offset()));
  }
  return absl::OkStatus();
}

}  // namespace strata::storage::codecs
