// The dictionary region codec: a string column's sorted distinct values, front-coded
// (each value stores the length of the prefix it shares with the previous one, then the
// rest). Layout: docs/storage-format.md, "Dictionary region".
//
// Invariant: a decoded Dictionary is strictly ascending bytewise, so code order is value
// order and Find/CodeRange can binary search.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/segment.h"

namespace strata::storage::segment {

// Appends the front-coded form of `values` to `out`. REQUIRES: strictly ascending.
void EncodeDictionary(absl::Span<const std::string_view> values, std::string* out);

// Decodes exactly `count` values that must use all of `raw`. DataLoss
// "<context>: ... at offset N: ..." if malformed or not strictly ascending.
absl::StatusOr<std::unique_ptr<Dictionary>> DecodeDictionary(std::string_view raw, uint32_t count,
                                                             std::string_view context);

}  // namespace strata::storage::segment
