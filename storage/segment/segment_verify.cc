// SegmentReader::VerifyAll: reads every byte through its checksum and cross-checks the
// footer's summaries (block min/max, key directory, index) against the decoded data.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/segment.h"

namespace strata::storage {
namespace {

bool SameDouble(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool DoubleRangeMatches(const BlockInfo& b, const std::vector<double>& values) {
  double lo = NAN, hi = NAN;
  for (double v : values) {
    if (std::isnan(v)) continue;
    lo = std::isnan(lo) ? v : std::min(lo, v);
    hi = std::isnan(hi) ? v : std::max(hi, v);
  }
  return SameDouble(lo, b.min_double) && SameDouble(hi, b.max_double);
}

}  // namespace

absl::Status SegmentReader::VerifyColumn(int col) const {
  const ColumnInfo& c = columns_[col];
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const BlockInfo& b = c.blocks[i];
    bool range_ok;
    if (c.schema.type == ColumnType::kDouble) {
      RETURN_IF_ERROR(ReadDoubles(col, i, &doubles));
      range_ok = DoubleRangeMatches(b, doubles);
    } else {
      RETURN_IF_ERROR(ReadInts(col, i, &ints));
      auto [lo, hi] = std::minmax_element(ints.begin(), ints.end());
      range_ok = *lo == b.min_int && *hi == b.max_int;
    }
    if (!range_ok) {
      return absl::DataLossError(absl::StrCat(RegionLabel(col, "block", i, b.offset),
                                              ": values do not match the block's min/max"));
    }
  }
  if (c.schema.type == ColumnType::kString) RETURN_IF_ERROR(GetDictionary(col).status());
  if (c.index.has_value()) RETURN_IF_ERROR(VerifyIndex(col));
  return absl::OkStatus();
}

// The index holds row_count rows in total (checked on load), so it is exact when every
// row is in the bitmap of its own code.
absl::Status SegmentReader::VerifyIndex(int col) const {
  ASSIGN_OR_RETURN(const std::vector<strata::Bitmap>* index, GetIndex(col));
  std::vector<int64_t> codes;
  for (size_t i = 0; i < columns_[col].blocks.size(); ++i) {
    RETURN_IF_ERROR(ReadInts(col, i, &codes));
    uint32_t row = columns_[col].blocks[i].row_begin;
    for (int64_t code : codes) {
      if (!(*index)[code].contains(row)) {
        return absl::DataLossError(
            absl::StrCat(RegionLabel(col, "index", 0, columns_[col].index->offset), ": row ", row,
                         " is missing from the bitmap of its code ", code));
      }
      ++row;
    }
  }
  return absl::OkStatus();
}

// Rebuilds the key directory from the key and time columns and compares.
absl::Status SegmentReader::VerifyKeyDirectory() const {
  std::vector<int64_t> keys, times;
  size_t k = 0;  // current key range
  uint64_t row = 0;
  int64_t prev_time = 0;
  for (size_t i = 0; i < columns_[key_column_].blocks.size(); ++i) {
    RETURN_IF_ERROR(ReadInts(key_column_, i, &keys));
    RETURN_IF_ERROR(ReadInts(time_column_, i, &times));
    for (size_t j = 0; j < keys.size(); ++j, ++row) {
      while (k < keys_.size() && row >= uint64_t{keys_[k].row_begin} + keys_[k].row_count) ++k;
      const KeyRange& range = keys_[k];  // ranges cover [0, row_count): validated at Open
      bool first = row == range.row_begin;
      bool last = row + 1 == uint64_t{range.row_begin} + range.row_count;
      bool ok = keys[j] == range.key && times[j] >= range.min_ts && times[j] <= range.max_ts &&
                (!first || times[j] == range.min_ts) && (!last || times[j] == range.max_ts) &&
                (first || prev_time <= times[j]);
      if (!ok) {
        return absl::DataLossError(
            absl::StrCat("segment ", path(), ": row ", row, " (key ", keys[j], ", time ", times[j],
                         ") disagrees with the key directory entry for key ", range.key));
      }
      prev_time = times[j];
    }
  }
  return absl::OkStatus();
}

absl::Status SegmentReader::VerifyAll() const {
  for (size_t col = 0; col < columns_.size(); ++col) {
    RETURN_IF_ERROR(VerifyColumn(static_cast<int>(col)));
  }
  return VerifyKeyDirectory();
}

}  // namespace strata::storage
