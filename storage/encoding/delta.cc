// kIntDelta: varint n, fixed64 first value, then a FOR stream of the n - 1 deltas. Best for sorted
// or slowly drifting values (ids handed out in order, counters).
#include "common/status.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/miniblock.h"

namespace strata::storage::codecs {
namespace {

// Delta i is v[i + 1] - v[i], computed modulo 2^64 and read back as signed.
auto DeltaGetter(Ints v) {
  return [v](size_t i) {
    return static_cast<int64_t>(static_cast<uint64_t>(v[i + 1]) - static_cast<uint64_t>(v[i]));
  };
}

constexpr char kContext[] = "delta block";

}  // namespace

size_t DeltaSize(Ints v) {
  return CountSize(v.size()) + 8 +
         (v.size() > 1 ? miniblock::ForStreamSize(v.size() - 1, DeltaGetter(v)) : 0);
}

void EncodeDelta(Ints v, std::string* out) {
  PutCount(v.size(), out);
  PutFixed64(out, static_cast<uint64_t>(v[0]));
  if (v.size() > 1) miniblock::PutForStream(v.size() - 1, DeltaGetter(v), out);
}

absl::Status DecodeDelta(std::string_view in, size_t n, int64_t* out) {
  Cursor c(in);
  RETURN_IF_ERROR(ReadCount(c, n, kContext));
  uint64_t* u = AsUnsigned(out);
  u[0] = c.Fixed64("first value");
  if (n > 1 && miniblock::ReadForStream(c, n - 1, u + 1)) {
    for (size_t i = 1; i < n; ++i) u[i] += u[i - 1];
  }
  return FinishDecode(c, kContext);
}

}  // namespace strata::storage::codecs
