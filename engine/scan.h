// Scans: the engine's narrow read interface for the query layer.
//
// A ScanSpec names merchants (dense ids), an inclusive time range, the columns to
// produce and simple predicates (IN on string columns, inclusive ranges on int columns).
// A Scanner walks a Snapshot and returns ColumnBatches holding exactly the rows that
// satisfy the whole spec. Pruning only skips work, never changes results: segments by
// time range and key directory, blocks by min/max, rows by bitmap indexes.
//
// String columns come back as codes plus a StringDict that decodes them, so callers can
// group on codes and decode only the rows they output. Codes are local to a batch's
// source (one segment or one memtable): compare StringDict::source_id() before mixing.
//
// Thread safety: a Scanner is used by one thread; many scanners may share a snapshot.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/schema.h"
#include "engine/snapshot.h"
#include "engine/string_pool.h"
#include "storage/segment.h"

namespace strata::engine {

struct ScanPredicate {
  enum class Op { kIn, kRange };
  int column = 0;  // EventColumn
  Op op = Op::kIn;
  std::vector<std::string> values;  // kIn (string columns): row value is one of these
  int64_t lo = std::numeric_limits<int64_t>::min();  // kRange (int columns), inclusive
  int64_t hi = std::numeric_limits<int64_t>::max();

  static ScanPredicate In(int column, std::vector<std::string> values);
  static ScanPredicate Range(int column, int64_t lo, int64_t hi);
};

// The stored tables a Scanner reads. Sessions and pageviews come from their segments only
// (live rows: sessions/live_sessions.h); their column ids are SessionColumn /
// PageviewColumn.
enum class ScanTable { kEvents, kSessions, kPageviews };

struct ScanSpec {
  ScanTable table = ScanTable::kEvents;
  bool read_segments = true;
  bool read_memtables = true;  // kEvents only
  // Skip, per segment, the rows of merchants its companion rollup covers: the raw
  // remainder of a rollup-answered query.
  bool skip_rolled_up = false;
  std::vector<uint32_t> merchants;  // dense merchant ids; empty = every merchant
  int64_t min_ts = std::numeric_limits<int64_t>::min();  // inclusive
  int64_t max_ts = std::numeric_limits<int64_t>::max();  // inclusive
  std::vector<int> columns;  // column ids of `table` to produce, in this order
  std::vector<ScanPredicate> predicates;
};

// Decodes the string codes of one batch source. Cheap to copy; no virtual calls.
class StringDict {
 public:
  StringDict() = default;
  explicit StringDict(const storage::Dictionary* d) : segment_(d) {}
  explicit StringDict(const StringPool* p) : pool_(p) {}
  std::string_view value(uint32_t code) const {
    return segment_ != nullptr ? segment_->value(code) : pool_->value(code);
  }
  const void* source_id() const {
    return segment_ != nullptr ? static_cast<const void*>(segment_) : pool_;
  }

 private:
  const storage::Dictionary* segment_ = nullptr;
  const StringPool* pool_ = nullptr;
};

struct ColumnVector {
  storage::ColumnType type = storage::ColumnType::kInt64;
  std::vector<int64_t> ints;    // kInt64
  std::vector<double> doubles;  // kDouble
  std::vector<uint32_t> codes;  // kString
  StringDict dict;              // kString
};

struct ColumnBatch {
  size_t rows = 0;
  std::vector<ColumnVector> columns;  // in ScanSpec::columns order
};

struct ScanStats {
  uint64_t segments_total = 0;
  uint64_t segments_pruned = 0;
  uint64_t blocks_total = 0;   // blocks of the merchants' row ranges in unpruned segments
  uint64_t blocks_pruned = 0;  // skipped by min/max or bitmap index
  uint64_t rows_scanned = 0;   // rows whose predicates were evaluated
  uint64_t rows_matched = 0;
  uint64_t memtable_rows_scanned = 0;
};

class Scanner {
 public:
  Scanner(std::shared_ptr<const Snapshot> snapshot, ScanSpec spec);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Fills `batch` with the next non-empty batch of matching rows. Returns false at the
  // end or on error; then status() tells which (DataLoss for a corrupt segment).
  bool Next(ColumnBatch* batch);
  const absl::Status& status() const { return status_; }
  const ScanStats& stats() const { return stats_; }

  struct Impl;  // private state; public only so file-local helpers in scan.cc can use it

 private:
  std::unique_ptr<Impl> impl_;
  absl::Status status_;
  ScanStats stats_;
};

}  // namespace strata::engine
