// Memtable: the in-memory, append-only columnar buffer of one shard's recent events.
//
// Columns are ChunkedVectors, so readers scan published rows without locks while the
// single writer (the engine's write leader) appends: the writer calls Add for a batch,
// then Publish(), which release-stores the row count; a reader acquire-loads
// visible_rows() and may read any row below it. Rows are in arrival order; the flush
// sorts them by (day, merchant, ts) into one segment per day (BuildFlushParts).
//
// Thread safety: one writer; any number of readers of published rows.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/chunked_vector.h"
#include "engine/event.h"
#include "engine/schema.h"
#include "engine/string_pool.h"
#include "storage/segment.h"

namespace strata::engine {

inline constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;
inline int32_t DayOf(int64_t ts_us) {
  int64_t d = ts_us / kMicrosPerDay;
  if (ts_us % kMicrosPerDay < 0) --d;  // floor for times before 1970
  return static_cast<int32_t>(d);
}

// The rows of one day, sorted by (merchant, ts), ready for storage::WriteSegment.
struct FlushPart {
  int32_t day = 0;
  std::vector<storage::ColumnInput> columns;
};

class Memtable {
 public:
  // Rows per memtable are capped so the chunk tables never overflow.
  // Each row adds at most one value to each string pool (code 0 is preassigned), so
  // capping rows below the pools' capacity bounds every column.
  static constexpr size_t kMaxRows = StringPool::kCapacity - 1;
  static_assert(kMaxRows <= ChunkedVector<int64_t>::kCapacity);

  Memtable();

  // Appends one row (not yet visible to readers). `params` is EncodeParams(e.params).
  void Add(const Event& e, uint32_t merchant, uint32_t client, std::string_view params,
           uint64_t seq);
  // Makes every added row visible to readers.
  void Publish() { visible_.store(rows_, std::memory_order_release); }

  size_t rows() const { return rows_; }  // writer's view
  size_t visible_rows() const { return visible_.load(std::memory_order_acquire); }
  bool empty() const { return rows_ == 0; }
  // True when the memtable must be flushed before another row fits.
  bool NearlyFull() const { return rows_ >= kMaxRows; }
  size_t MemoryBytes() const;
  uint64_t min_seq() const { return min_seq_; }
  uint64_t max_seq() const { return max_seq_; }
  absl::Time created() const { return created_; }

  // Row accessors; REQUIRES: row < a count obtained from visible_rows() (or rows() by
  // the writer). String columns give codes into string_pool(col).
  uint32_t merchant(size_t row) const { return merchant_[row]; }
  int64_t ts(size_t row) const { return ts_[row]; }
  uint32_t client(size_t row) const { return client_[row]; }
  double value(size_t row) const { return value_[row]; }
  uint32_t code(int col, size_t row) const { return (*codes_[col])[row]; }
  const StringPool& string_pool(int col) const { return *pools_[col]; }

  // Sorts the first `rows` rows and splits them by day. Runs on the flush thread over
  // published, immutable rows.
  std::vector<FlushPart> BuildFlushParts(size_t rows) const;

 private:
  ChunkedVector<uint32_t> merchant_;
  ChunkedVector<int64_t> ts_;
  ChunkedVector<uint32_t> client_;
  ChunkedVector<double> value_;
  // Indexed by EventColumn; null for non-string columns.
  std::array<std::unique_ptr<ChunkedVector<uint32_t>>, kNumEventColumns> codes_;
  std::array<std::unique_ptr<StringPool>, kNumEventColumns> pools_;

  size_t rows_ = 0;
  std::atomic<size_t> visible_{0};
  uint64_t min_seq_ = 0;
  uint64_t max_seq_ = 0;
  absl::Time created_;
};

}  // namespace strata::engine
