#include "storage/segment/format.h"

#include "common/coding.h"

namespace strata::storage::segment {

void EncodeTrailer(const Trailer& t, std::string* out) {
  PutFixed64(out, t.footer_offset);
  PutFixed32(out, t.footer_length);
  PutFixed32(out, t.footer_crc);
  PutFixed32(out, t.version);
  out->append(kMagic.data(), kMagic.size());
}

bool DecodeTrailer(std::string_view bytes, Trailer* t) {
  if (bytes.size() != kTrailerSize || bytes.substr(kTrailerSize - kMagic.size()) != kMagic) {
    return false;
  }
  const char* p = bytes.data();
  t->footer_offset = DecodeFixed64(p);
  t->footer_length = DecodeFixed32(p + 8);
  t->footer_crc = DecodeFixed32(p + 12);
  t->version = DecodeFixed32(p + 16);
  return true;
}

}  // namespace strata::storage::segment
