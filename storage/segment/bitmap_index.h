// The bitmap index region codec: for an indexed string column, one roaring bitmap of row
// ids per dictionary code. Layout (docs/storage-format.md, "Index region"): a table of
// dict_size u32 end offsets, then the bitmaps in CRoaring's portable serialization,
// run-optimized, back to back.
//
// Invariant: a decoded index has exactly dict_size non-empty bitmaps whose values are
// < row_count and whose cardinalities add up to row_count (each row is in one bitmap;
// VerifyAll checks that it is the right one).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/roaring.h"

namespace strata::storage::segment {

// Appends the index of `codes` (row i has code codes[i]) to `out`. `scratch` is reused
// working memory. REQUIRES: every code < dict_size, and every code in [0, dict_size) used.
void EncodeBitmapIndex(absl::Span<const uint32_t> codes, uint32_t dict_size,
                       std::vector<uint32_t>* scratch, std::string* out);

// DataLoss "<context>: ..." if `raw` is malformed. Catches CRoaring's exceptions.
absl::StatusOr<std::vector<strata::Bitmap>> DecodeBitmapIndex(std::string_view raw,
                                                              uint32_t dict_size,
                                                              uint64_t row_count,
                                                              std::string_view context);

}  // namespace strata::storage::segment
