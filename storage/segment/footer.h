// The segment footer: schema, row count, time range, per-column block and region
// descriptors, and the key directory. Encoded as plain little-endian varints and fixed
// fields (docs/storage-format.md, "Footer"); Encode and Decode sit side by side.
//
// Invariant: a Footer returned by DecodeFooter has passed ValidateFooter, so readers may
// index blocks, regions and key ranges without further bounds checks: every region lies
// inside the file's data area and the regions tile it in the documented order, block row
// ranges cover [0, row_count) the same way for every column, keys are strictly ascending
// and their row ranges cover [0, row_count).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "storage/segment.h"

namespace strata::storage::segment {

struct Footer {
  uint64_t row_count = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint32_t rows_per_block = 0;
  uint32_t key_column = 0;
  uint32_t time_column = 1;
  std::vector<ColumnInfo> columns;  // stored_bytes is derived, not encoded
  std::vector<KeyRange> keys;
};

// Where the footer came from, for error messages and bounds.
struct FooterContext {
  std::string_view path;
  uint64_t footer_offset = 0;  // also the end of the data area
};

void EncodeFooter(const Footer& f, std::string* out);

// Decodes and validates. DataLoss "segment PATH: footer at offset N: ..." on any
// malformed or inconsistent field.
absl::Status DecodeFooter(std::string_view bytes, const FooterContext& ctx, Footer* f);

// The semantic checks DecodeFooter runs after parsing (exposed for tests).
absl::Status ValidateFooter(const Footer& f, const FooterContext& ctx);

}  // namespace strata::storage::segment
