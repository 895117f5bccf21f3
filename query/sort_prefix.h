// Normalized sort prefixes: each sort key value as a 64-bit integer whose unsigned order
// is the key's order, so a full sort is mostly a radix sort of integers on contiguous
// memory and typed comparisons are left for ties.
//
// Numbers, timestamps and booleans map exactly. Text with few distinct values (page
// paths, countries, sources) maps to the rank of each value among the distinct ones,
// which is exact too; other text maps to 8 bytes after the prefix all values share, and
// intervals to their saturated length, both needing a full comparison on ties.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "query/sort.h"
#include "query/vector.h"

namespace strata::query {

class KeyPrefix {
 public:
  // Prefixes of rows [0, rows) of `column` ordered by `key` (NULL rows have none).
  static KeyPrefix Make(const Vector& column, const SortKey& key, size_t rows);

  uint64_t Of(size_t row) const {
    uint64_t prefix = Ascending(row);
    return desc_ ? ~prefix : prefix;
  }
  // Equal prefixes mean equal values.
  bool exact() const { return exact_; }
  size_t MemoryBytes() const { return ranks_.capacity() * 4; }

 private:
  uint64_t Ascending(size_t row) const;
  // Ranks rows by value when the column has few distinct values; false otherwise.
  bool RankStrings(size_t rows);

  const Vector* column_ = nullptr;
  bool desc_ = false;
  bool exact_ = true;
  size_t skip_ = 0;              // text without ranks: leading bytes every value shares
  std::vector<uint32_t> ranks_;  // text with ranks: per row
};

struct SortEntry {
  uint64_t prefix;  // of the first key
  uint32_t row;
};

// Stable LSD radix sort by prefix, skipping the bytes in which all entries agree.
void RadixSortByFirstPrefix(std::vector<SortEntry>* entries);

}  // namespace strata::query
