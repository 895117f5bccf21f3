// kIntFrameOfRef: varint n, then a FOR stream of the values themselves (miniblock.h). Best for
// values in a narrow range in any order, e.g. dictionary codes.
#include "common/status.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/miniblock.h"

namespace strata::storage::codecs {

namespace {
constexpr char kContext[] = "for-bitpack block";
}  // namespace

size_t FrameOfRefSize(Ints v) {
  return CountSize(v.size()) + miniblock::ForStreamSize(v.size(), [v](size_t i) { return v[i]; });
}

void EncodeFrameOfRef(Ints v, std::string* out) {
  PutCount(v.size(), out);
  miniblock::PutForStream(
      v.size(), [v](size_t i) { return v[i]; }, out);
}

absl::Status DecodeFrameOfRef(std::string_view in, size_t n, int64_t* out) {
  Cursor c(in);
  RETURN_IF_ERROR(ReadCount(c, n, kContext));
  miniblock::ReadForStream(c, n, AsUnsigned(out));
  return FinishDecode(c, kContext);
}

}  // namespace strata::storage::codecs
