// Segments: immutable, checksummed, columnar files holding one (shard, day) of events.
//
// Rows are sorted by (key, time), where `key` is the dense merchant id. The footer holds
// the schema, the row count and time range, a key directory (key -> row range) so a
// merchant's query touches only its rows, and per column the block descriptors (offset,
// sizes, encoding, compression, CRC, row range, min/max). String columns are stored as
// codes into a per-segment sorted dictionary; `indexed` string columns also carry a
// roaring bitmap of row ids per dictionary code. A fixed-size trailer at the end points
// at the footer. Byte layout: docs/storage-format.md ("Segment file").
//
// Every read is verified: a block, dictionary, index or footer whose CRC does not match
// is a DataLoss error naming the file and the offset, never data.
//
// Thread safety: WriteSegment is reentrant. A SegmentReader is immutable after Open and
// may be shared by any number of threads (lazy loads are internally synchronized).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/encoding/codec.h"
#include "storage/encoding/compression.h"
#include "storage/file.h"
#include "storage/roaring.h"

namespace strata::storage {

inline constexpr uint32_t kSegmentFormatVersion = 1;

enum class ColumnType : uint8_t { kInt64 = 1, kDouble = 2, kString = 3 };
const char* ColumnTypeName(ColumnType t);

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::kInt64;
  bool indexed = false;  // kString only: keep a bitmap index per dictionary value
};

// One column handed to the writer, in final row order (all columns the same length).
struct ColumnInput {
  ColumnSchema schema;
  std::vector<int64_t> ints;    // kInt64
  std::vector<double> doubles;  // kDouble
  std::vector<uint32_t> codes;  // kString: per row, an index into `dict`
  // kString: values in any order. Duplicates and values no row uses are dropped, and the
  // stored codes are renumbered to the sorted order.
  std::vector<std::string> dict;
};

struct SegmentWriterOptions {
  uint32_t rows_per_block = 8192;
  Compression compression = Compression::kLz4;
  int zstd_level = 3;
  int key_column = 0;   // kInt64 column holding the merchant id (values fit in u32)
  int time_column = 1;  // kInt64 column holding event time (µs)
};

struct SegmentSummary {
  uint64_t rows = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint64_t file_size = 0;
};

// Writes a complete segment to `path` (via path.tmp, fsync, rename, fsync dir), so a
// crash never leaves a partial segment under its final name. InvalidArgument if the
// columns have different lengths, a type's vector is missing, rows are not sorted by
// (key, time), there are no rows, or a code is out of its dictionary's range.
absl::StatusOr<SegmentSummary> WriteSegment(const std::string& path,
                                            const SegmentWriterOptions& options,
                                            absl::Span<const ColumnInput> columns);

struct BlockInfo {
  uint64_t offset = 0;  // file offset of the stored (compressed) bytes
  uint32_t stored_size = 0;
  uint32_t raw_size = 0;  // encoded size before compression
  uint32_t crc = 0;       // masked CRC-32C of the stored bytes
  Encoding encoding = Encoding::kIntPlain;
  Compression compression = Compression::kNone;
  uint32_t row_begin = 0;
  uint32_t row_count = 0;
  int64_t min_int = 0, max_int = 0;       // kInt64 values, kString codes
  double min_double = 0, max_double = 0;  // kDouble (NaN ignored; NaN if all are NaN)
};

struct RegionInfo {  // a dictionary or an index blob
  uint64_t offset = 0;
  uint32_t stored_size = 0;
  uint32_t raw_size = 0;
  uint32_t crc = 0;
  Compression compression = Compression::kNone;
};

struct ColumnInfo {
  ColumnSchema schema;
  std::vector<BlockInfo> blocks;
  uint32_t dict_size = 0;           // kString: number of dictionary values
  RegionInfo dictionary;            // kString
  std::optional<RegionInfo> index;  // indexed kString
  uint64_t stored_bytes = 0;        // blocks + dictionary + index, on disk
};

struct KeyRange {
  uint32_t key = 0;
  uint32_t row_begin = 0;
  uint32_t row_count = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
};

// A sorted string dictionary. Values are views into memory owned by the Dictionary.
class Dictionary {
 public:
  // REQUIRES: `values` view memory that outlives the Dictionary. A view into `buffer`
  // itself is only safe if `buffer` is heap-allocated (moving a short string copies it);
  // FromBuffer has no such caveat.
  explicit Dictionary(std::string buffer, std::vector<std::string_view> values)
      : buffer_(std::move(buffer)), values_(std::move(values)) {}
  // Takes ownership of `buffer` and makes value i the bytes [ends[i-1], ends[i]) of it
  // (ends[-1] = 0). REQUIRES: ends ascending and ends.back() <= buffer.size().
  static std::unique_ptr<Dictionary> FromBuffer(std::string buffer, absl::Span<const size_t> ends);
  size_t size() const { return values_.size(); }
  std::string_view value(uint32_t code) const { return values_[code]; }
  // The code of `v`, if present (binary search: the dictionary is sorted bytewise).
  std::optional<uint32_t> Find(std::string_view v) const;
  // Codes [lo, hi) of the values in the half-open range [from, to) (bytewise order).
  std::pair<uint32_t, uint32_t> CodeRange(std::string_view from, std::string_view to) const;
  const std::vector<std::string_view>& values() const { return values_; }

 private:
  std::string buffer_;
  std::vector<std::string_view> values_;
};

class SegmentReader {
 public:
  // Maps the file and verifies trailer (magic, version) and footer CRC. DataLoss on any
  // mismatch, naming the file and offset.
  static absl::StatusOr<std::unique_ptr<SegmentReader>> Open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  uint64_t file_size() const { return file_->data().size(); }
  uint64_t row_count() const { return row_count_; }
  int64_t min_ts() const { return min_ts_; }
  int64_t max_ts() const { return max_ts_; }
  uint32_t rows_per_block() const { return rows_per_block_; }
  int key_column() const { return key_column_; }
  int time_column() const { return time_column_; }
  const std::vector<ColumnInfo>& columns() const { return columns_; }
  int FindColumn(std::string_view name) const;                 // -1 if absent
  const std::vector<KeyRange>& keys() const { return keys_; }  // sorted by key
  const KeyRange* FindKey(uint32_t key) const;

  // Decodes block `block` of column `col` (kInt64 values or kString codes) into `out`
  // (resized to the block's row count). DataLoss on CRC or decode failure.
  absl::Status ReadInts(int col, size_t block, std::vector<int64_t>* out) const;
  absl::Status ReadDoubles(int col, size_t block, std::vector<double>* out) const;
  // The dictionary of a kString column, verified and decoded on first use.
  absl::StatusOr<const Dictionary*> GetDictionary(int col) const;
  // Rows whose value of indexed column `col` has dictionary code `code`. NotFound if the
  // column has no index.
  absl::StatusOr<strata::Bitmap> IndexBitmap(int col, uint32_t code) const;
  // All bitmaps of indexed column `col` (one per dictionary code), verified and decoded on
  // first use; valid for the reader's lifetime. NotFound if the column has no index.
  absl::StatusOr<const std::vector<strata::Bitmap>*> GetIndex(int col) const;
  // Reads and verifies every block, dictionary and index, and checks that block min/max,
  // the key directory and the index agree with the data (for `strata inspect --verify`).
  absl::Status VerifyAll() const;

 private:
  SegmentReader() = default;
  absl::Status DecodeFooter(std::string_view footer);
  // Verifies the CRC of stored bytes and decompresses them. Returns a view of the raw
  // bytes: into the mapping when uncompressed, else into `*scratch`. `what`/`index` name
  // the region in errors ("block" 3, "dictionary", "index").
  absl::StatusOr<std::string_view> LoadStored(int col, const char* what, size_t index,
                                              const RegionInfo& r, std::string* scratch) const;
  absl::StatusOr<std::string> ReadRegion(int col, const char* what, const RegionInfo& r) const;
  absl::Status CheckColumn(int col, bool int_like, const char* call) const;
  absl::Status CheckBlock(int col, size_t block, bool int_like, const char* call) const;
  // "segment PATH: column NAME <what> [index] at offset X"
  std::string RegionLabel(int col, const char* what, size_t index, uint64_t offset) const;
  absl::Status VerifyColumn(int col) const;
  absl::Status VerifyKeyDirectory() const;
  absl::Status VerifyIndex(int col) const;

  std::unique_ptr<MappedFile> file_;
  uint64_t row_count_ = 0;
  int64_t min_ts_ = 0, max_ts_ = 0;
  uint32_t rows_per_block_ = 0;
  int key_column_ = 0, time_column_ = 1;
  std::vector<ColumnInfo> columns_;
  std::vector<KeyRange> keys_;

  // Lazily loaded per column; guarded by mu_.
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Dictionary>> dictionaries_;
  mutable std::vector<std::unique_ptr<std::vector<strata::Bitmap>>> indexes_;
};

}  // namespace strata::storage
