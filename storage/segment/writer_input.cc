#include "storage/segment/writer_input.h"

#include <algorithm>

#include <set>
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/segment/format.h"

namespace strata::storage::segment {
namespace {

size_t ValueCount(const ColumnInput& c) {
  switch (c.schema.type) {
    case ColumnType::kInt64:
      return c.ints.size();
    case ColumnType::kDouble:
      return c.doubles.size();
    case ColumnType::kString:
      return c.codes.size();
  }
  return 0;
}

// The vectors of the other types must be empty: data in the wrong vector is a caller bug
// that would otherwise be silently dropped.
bool OnlyOwnVector(const ColumnInput& c) {
  bool is_int = c.schema.type == ColumnType::kInt64;
  bool is_double = c.schema.type == ColumnType::kDouble;
  bool is_string = c.schema.type == ColumnType::kString;
  return (is_int || c.ints.empty()) && (is_double || c.doubles.empty()) &&
         (is_string || (c.codes.empty() && c.dict.empty()));
}

absl::Status ValidateSchemas(const SegmentWriterOptions& options,
                             absl::Span<const ColumnInput> columns) {
  if (columns.empty()) return absl::InvalidArgumentError("segment has no columns");
  if (options.rows_per_block == 0) return absl::InvalidArgumentError("rows_per_block is 0");
  if (options.compression > Compression::kZstd) {
    return absl::InvalidArgumentError("unknown compression");
  }
  for (int col : {options.key_column, options.time_column}) {
    if (col < 0 || static_cast<size_t>(col) >= columns.size() ||
        columns[col].schema.type != ColumnType::kInt64) {
      return absl::InvalidArgumentError(
          absl::StrCat("key/time column ", col, " is not an int64 column"));
    }
  }
  if (options.key_column == options.time_column) {
    return absl::InvalidArgumentError("key and time column are the same column");
  }
  std::set<std::string_view> names;
  for (const ColumnInput& c : columns) {
    const std::string& name = c.schema.name;
    if (name.empty() || !names.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column name '", name, "' is empty or repeated"));
    }
    if (c.schema.type < ColumnType::kInt64 || c.schema.type > ColumnType::kString) {
      return absl::InvalidArgumentError(absl::StrCat("column '", name, "' has an unknown type"));
    }
    if (c.schema.indexed && c.schema.type != ColumnType::kString) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' is indexed but not a string column"));
    }
    if (!OnlyOwnVector(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' has values in a vector of another type than ",
                       ColumnTypeName(c.schema.type)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCodes(const ColumnInput& c) {
  size_t dict_size = c.dict.size();
  for (size_t row = 0; row < c.codes.size(); ++row) {
    if (c.codes[row] >= dict_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", c.schema.name, "' row ", row, ": code ", c.codes[row],
                       " is outside its dictionary of ", dict_size, " values"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOrder(const ColumnInput& key_col, const ColumnInput& time_col) {
  const std::vector<int64_t>& keys = key_col.ints;
  const std::vector<int64_t>& times = time_col.ints;
  for (size_t row = 0; row < keys.size(); ++row) {
    if (keys[row] < 0 || keys[row] > int64_t{UINT32_MAX}) {
      return absl::InvalidArgumentError(absl::StrCat("key column '", key_col.schema.name, "' row ",
                                                     row, ": key ", keys[row],
                                                     " does not fit in u32"));
    }
    if (row > 0 && (keys[row - 1] > keys[row] ||
                    (keys[row - 1] == keys[row] && times[row - 1] > times[row]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("rows are not sorted by (key, time) at row ", row, ": (", keys[row - 1],
                       ", ", times[row - 1], ") then (", keys[row], ", ", times[row], ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint32_t> ValidateWriterInput(const SegmentWriterOptions& options,
                                             absl::Span<const ColumnInput> columns) {
  RETURN_IF_ERROR(ValidateSchemas(options, columns));
  size_t rows = ValueCount(columns[0]);
  if (rows == 0) return absl::InvalidArgumentError("segment has no rows");
  if (rows > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("segment has ", rows, " rows; max is 2^32-1"));
  }
  for (const ColumnInput& c : columns) {
    if (ValueCount(c) != rows) {
      return absl::InvalidArgumentError(absl::StrCat("column '", c.schema.name, "' has ",
                                                     ValueCount(c), " values, expected ", rows));
    }
    if (c.schema.type == ColumnType::kString) RETURN_IF_ERROR(ValidateCodes(c));
  }
  RETURN_IF_ERROR(ValidateOrder(columns[options.key_column], columns[options.time_column]));
  return static_cast<uint32_t>(rows);
}

StringDictionary BuildStringDictionary(const ColumnInput& column) {
  const std::vector<std::string>& dict = column.dict;
  std::vector<uint8_t> used(dict.size(), 0);
  for (uint32_t code : column.codes) used[code] = 1;
  std::vector<uint32_t> order;
  for (uint32_t code = 0; code < dict.size(); ++code) {
    if (used[code]) order.push_back(code);
  }
  std::sort(order.begin(), order.end(),
            [&dict](uint32_t a, uint32_t b) { return dict[a] < dict[b]; });
  StringDictionary out;
  out.remap.assign(dict.size(), 0);
  out.values.reserve(order.size());
  for (uint32_t code : order) {
    // Equal strings under different caller codes collapse into one final code.
    if (out.values.empty() || out.values.back() != dict[code]) out.values.push_back(dict[code]);
    out.remap[code] = static_cast<uint32_t>(out.values.size() - 1);
  }
  return out;
}

}  // namespace strata::storage::segment
