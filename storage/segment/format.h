// Fixed layout constants of the segment file and the trailer codec. Private to the segment
// module. Byte layout: docs/storage-format.md, "Segment file".
//
// Invariant: a segment is   magic | column blocks | dictionaries | indexes | footer | trailer,
// and the regions between the header magic and the footer tile the file with no gap, in
// that order, so every byte of the file is covered by a check (magic, CRC or trailer field).
//
// Thread safety: pure functions and constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace strata::storage::segment {

// The first and the last 8 bytes of every segment file.
inline constexpr std::string_view kMagic{"STRATSEG", 8};
inline constexpr size_t kHeaderSize = kMagic.size();
// footer offset u64 | footer length u32 | footer CRC u32 | format version u32 | magic 8.
inline constexpr size_t kTrailerSize = 8 + 4 + 4 + 4 + kMagic.size();

struct Trailer {
  uint64_t footer_offset = 0;
  uint32_t footer_length = 0;
  uint32_t footer_crc = 0;  // masked CRC-32C of the footer bytes
  uint32_t version = 0;
};

void EncodeTrailer(const Trailer& t, std::string* out);
// Parses the last kTrailerSize bytes. Returns false if the magic does not match.
// REQUIRES: bytes.size() == kTrailerSize.
bool DecodeTrailer(std::string_view bytes, Trailer* t);

// Debian's Abseil has its own string_view; this converts for absl::StrCat and friends.
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace strata::storage::segment
