// Block compression on top of the column encodings: none, LZ4 (hot segments: fast to
// decode) or zstd (cold segments and the lake: smaller). The raw size is stored by the
// caller (in the block descriptor), so Decompress knows exactly how much to expect.
//
// Thread safety: pure functions; zstd contexts are cached per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::storage {

enum class Compression : uint8_t { kNone = 0, kLz4 = 1, kZstd = 2 };

const char* CompressionName(Compression c);

// Appends the compressed form of `in` to `out`. `level` is used by zstd only
// (1..19; 3 is a good default).
void Compress(Compression c, std::string_view in, int level, std::string* out);

// Replaces *out with the `raw_size` bytes `in` decompresses to (`in` must not point into
// *out). DataLoss if the bytes do not decompress to exactly raw_size, or `c` is not a
// known id (it came from disk). LZ4 blocks carry no checksum: the caller's CRC does that.
absl::Status Decompress(Compression c, std::string_view in, size_t raw_size, std::string* out);

}  // namespace strata::storage
