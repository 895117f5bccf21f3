// Input checks and string-column preparation for WriteSegment: everything the writer
// must know about the caller's columns before it writes a byte.
//
// Invariant: after ValidateWriterInput succeeds, every column has `rows` values of its
// type, codes are inside their dictionaries, and rows are sorted by (key, time).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/segment.h"

namespace strata::storage::segment {

// Returns the row count, or InvalidArgument naming the column and row at fault.
absl::StatusOr<uint32_t> ValidateWriterInput(const SegmentWriterOptions& options,
                                             absl::Span<const ColumnInput> columns);

// A string column's final dictionary: the distinct values that rows actually use,
// sorted bytewise, and the map from the caller's codes to their index in `values`.
struct StringDictionary {
  std::vector<std::string_view> values;  // views into the ColumnInput's dict
  std::vector<uint32_t> remap;           // caller code -> final code (unused codes: 0)
};

// REQUIRES: the column passed ValidateWriterInput.
StringDictionary BuildStringDictionary(const ColumnInput& column);

}  // namespace strata::storage::segment
