#include "storage/encoding/miniblock.h"

namespace strata::storage::miniblock {

void PutPacked(const uint64_t* v, size_t m, int width, std::string* out) {
  const size_t bytes = bitpack::PackedBytes(m, width);
  const size_t old = out->size();
  out->resize(old + 1 + bytes);
  (*out)[old] = static_cast<char>(width);
  bitpack::Pack(v, m, width, out->data() + old + 1);
}

bool ReadPacked(Cursor& c, size_t m, uint64_t* out) {
  const int width = c.Fixed8("miniblock width");
  if (width > bitpack::kMaxWidth) {
    c.Fail("miniblock width", "bit width > 64");
    return false;
  }
  const std::string_view packed = c.Bytes(bitpack::PackedBytes(m, width), "packed values");
  if (!c.ok()) return false;
  // Bytes after the packed data (the next miniblock) let Unpack use its fast path longer.
  bitpack::Unpack(packed.data(), packed.size() + c.remaining(), m, width, out);
  return true;
}

bool ReadPackedStream(Cursor& c, size_t n, uint64_t* out) {
  for (size_t start = 0; start < n; start += kMiniblockValues) {
    if (!ReadPacked(c, std::min(kMiniblockValues, n - start), out + start)) return false;
  }
  return true;
}

bool ReadFor(Cursor& c, size_t m, uint64_t ref, uint64_t* out) {
  const uint64_t base = ref + c.Varint64("miniblock base");
  if (!ReadPacked(c, m, out)) return false;
  for (size_t i = 0; i < m; ++i) out[i] += base;
  return true;
}

bool ReadForStream(Cursor& c, size_t n, uint64_t* out) {
  const uint64_t ref = c.Fixed64("reference value");
  for (size_t start = 0; start < n; start += kMiniblockValues) {
    if (!ReadFor(c, std::min(kMiniblockValues, n - start), ref, out + start)) return false;
  }
  return c.ok();
}

}  // namespace strata::storage::miniblock
