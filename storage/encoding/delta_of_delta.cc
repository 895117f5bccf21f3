// kIntDeltaOfDelta: varint n, fixed64 first value, zigzag varint first delta, then a packed stream
// of the zigzagged n - 2 delta-of-deltas. Best for timestamps: at a steady rate with
// jitter, delta-of-deltas stay near zero.
#include "common/status.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/miniblock.h"

namespace strata::storage::codecs {
namespace {

uint64_t Delta(Ints v, size_t i) {  // v[i] - v[i - 1] modulo 2^64
  return static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(v[i - 1]);
}

// Value i of the packed stream is zigzag(delta[i + 2] - delta[i + 1]).
auto DodGetter(Ints v) {
  return [v](size_t i) {
    return ZigZagEncode(static_cast<int64_t>(Delta(v, i + 2) - Delta(v, i + 1)));
  };
}

constexpr char kContext[] = "delta-of-delta block";

}  // namespace

size_t DeltaOfDeltaSize(Ints v) {
  const size_t n = v.size();
  size_t size = CountSize(n) + 8;
  if (n > 1) size += miniblock::VarintLength(ZigZagEncode(static_cast<int64_t>(Delta(v, 1))));
  if (n > 2) size += miniblock::PackedStreamSize(n - 2, DodGetter(v));
  return size;
}

void EncodeDeltaOfDelta(Ints v, std::string* out) {
  const size_t n = v.size();
  PutCount(n, out);
  PutFixed64(out, static_cast<uint64_t>(v[0]));
  if (n > 1) PutVarsint64(out, static_cast<int64_t>(Delta(v, 1)));
  if (n > 2) miniblock::PutPackedStream(n - 2, DodGetter(v), out);
}

absl::Status DecodeDeltaOfDelta(std::string_view in, size_t n, int64_t* out) {
  Cursor c(in);
  RETURN_IF_ERROR(ReadCount(c, n, kContext));
  uint64_t* u = AsUnsigned(out);
  u[0] = c.Fixed64("first value");
  if (n > 1) {
    uint64_t delta = static_cast<uint64_t>(c.Varsint64("first delta"));
    u[1] = u[0] + delta;
    if (n > 2 && miniblock::ReadPackedStream(c, n - 2, u + 2)) {
      for (size_t i = 2; i < n; ++i) {
        delta += static_cast<uint64_t>(ZigZagDecode(u[i]));
        u[i] = u[i - 1] + delta;
      }
    }
  }
  return FinishDecode(c, kContext);
}

}  // namespace strata::storage::codecs
