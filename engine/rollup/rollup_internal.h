// Internals shared by the rollup builder, segment reader and tests: the column order of a
// rollup segment and the cell accumulators the builders fill.
//
// The builders touch several cells per row, mostly at random among a merchant's cells, so
// what a row updates is kept in one cache line per cell (EventCell) and everything else
// (the cell's identity, large user sets) lives elsewhere.
//
// Thread safety: single-threaded helpers (the builders run on the flush thread).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "engine/rollup/rollup.h"

namespace strata::engine::rollup_internal {

// Stored columns of a rollup segment, in this order (RollupSchema()).
enum RollupColumn : int {
  kRollKey = 0,  // key column: RollupKey(merchant, grain, cube)
  kRollBucket,   // time column: bucket start, µs UTC
  kRollEvent,
  kRollDim,
  kRollCount,
  kRollValueCount,
  kRollValueSum,
  kRollValueMin,
  kRollValueMax,
  kRollBounced,
  kRollEngaged,
  kRollConverted,
  kRollPageviews,
  kRollEvents,
  kRollDurationSum,
  kRollDurationMin,
  kRollDurationMax,
  kRollUsers,  // portable roaring serialization of the cell's user set
  kNumRollupColumns,
};

// The users of a cell: up to kSmall inline (most cells have a handful), then a bitmap in
// the builder's pool.
struct UserSet {
  static constexpr uint32_t kSmall = 5;
  static constexpr uint32_t kSpilled = UINT32_MAX;
  uint32_t n = 0;  // users in `small`, or kSpilled
  // After a spill: small[0] = the last user added (skips repeats), small[1] = pool index.
  uint32_t small[kSmall];

  void Add(uint32_t client, std::vector<Bitmap>* pool) {
    if (n != kSpilled) {
      for (uint32_t i = 0; i < n; ++i)
        if (small[i] == client) return;
      if (n < kSmall) {
        small[n++] = client;
        return;
      }
      Spill(pool);
    } else if (small[0] == client) {
      return;
    }
    small[0] = client;
    (*pool)[small[1]].add(client);
  }
  void Spill(std::vector<Bitmap>* pool) {
    if (n == kSpilled) return;
    pool->emplace_back(n, small);
    n = kSpilled;
    small[0] = UINT32_MAX;
    small[1] = static_cast<uint32_t>(pool->size() - 1);
  }
  // Adds `o`'s users (o belongs to the same pool).
  void Merge(const UserSet& o, std::vector<Bitmap>* pool) {
    Spill(pool);
    Bitmap& into = (*pool)[small[1]];
    if (o.n == kSpilled) {
      into |= (*pool)[o.small[1]];
    } else {
      into.addMany(o.n, o.small);
    }
  }
};

// The portable roaring serialization of a set that is still small, written directly (no
// bitmap allocation): cookie 12346 (no run containers), the container count, per container
// its key and cardinality - 1, per container its offset, then the sorted low 16 bits.
// REQUIRES: users.n != UserSet::kSpilled.
std::string SerializeSmallUsers(const UserSet& users);

inline void AddValue(CellMeasures& m, double v) {
  if (std::isnan(v)) return;
  ++m.value_count;
  m.value_sum += v;
  if (v < m.value_min) m.value_min = v;
  if (v > m.value_max) m.value_max = v;
}

// An events cell: exactly one cache line (the event measures are a prefix of CellMeasures).
struct alignas(64) EventCell {
  UserSet users;
  int64_t count = 0;
  int64_t value_count = 0;
  double value_sum = 0;
  double value_min = std::numeric_limits<double>::infinity();
  double value_max = -std::numeric_limits<double>::infinity();

  void Add(double value) {
    ++count;
    if (std::isnan(value)) return;
    ++value_count;
    value_sum += value;
    if (value < value_min) value_min = value;
    if (value > value_max) value_max = value;
  }
  CellMeasures Measures() const {
    CellMeasures m;
    m.count = count;
    m.value_count = value_count;
    m.value_sum = value_sum;
    m.value_min = value_min;
    m.value_max = value_max;
    return m;
  }
};
static_assert(sizeof(EventCell) == 64);

struct SessionCell {
  UserSet users;
  CellMeasures m;
  const CellMeasures& Measures() const { return m; }
};

// Which cell a cell is. `event` / `dim` are ids into the builder's string tables (several
// ids may name equal strings; EmitCells merges such cells).
struct CellId {
  uint32_t key = 0;
  uint32_t event = 0;
  uint32_t dim = 0;
  int64_t bucket = 0;
};

// The cells of one build: identities, measures and the pool of large user sets.
template <typename CellT>
struct CellTable {
  std::vector<CellId> ids;
  std::vector<CellT> cells;
  std::vector<Bitmap> pool;
};

// A half-open time bucket [start, end), recomputed only when a row leaves it (rows of one
// merchant arrive sorted by time, so that is once per bucket).
struct BucketWindow {
  int64_t start = 0;
  int64_t end = 0;  // start == end: no bucket yet
  bool Contains(int64_t ts) const { return ts >= start && ts < end; }
  void MoveTo(int64_t ts, RollupGrain grain, const absl::TimeZone& zone);
};

// The cells of one (cube, grain) in the current bucket, by (event id, dim id): a direct
// table when events x dims is small (the usual dimensions), else a hash map (pages).
class CellGrid {
 public:
  // Event ids in [0, events), dim ids in [dim_begin, dim_end); events == 0: any ids.
  void Init(uint32_t events, uint32_t dim_begin, uint32_t dim_end);
  // Forgets the current bucket's cells (they stay in the table).
  void Clear() {
    if (!direct_) {
      index_.clear();
      return;
    }
    for (uint32_t slot : touched_) table_[slot] = 0;
    touched_.clear();
  }
  // The cell (key, bucket, event, dim): found, or appended to `t`.
  template <typename CellT>
  CellT& Get(uint32_t key, int64_t bucket, uint32_t event, uint32_t dim, CellTable<CellT>* t) {
    return t->cells[IndexOf(key, bucket, event, dim, t)];
  }
  // The index of that cell in `t`. The common case (a direct table hit) is inline.
  template <typename CellT>
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint32_t IndexOf(uint32_t key, int64_t bucket, uint32_t event,
                                                uint32_t dim, CellTable<CellT>* t) {
    if (direct_) {
      uint32_t index = table_[event * dims_ + (dim - dim_begin_)];
      if (index != 0) return index - 1;
    }
    return Insert(key, bucket, event, dim, t);
  }

 private:
  template <typename CellT>
  ABSL_ATTRIBUTE_NOINLINE uint32_t Insert(uint32_t key, int64_t bucket, uint32_t event,
                                          uint32_t dim, CellTable<CellT>* t) {
    uint32_t* index;
    if (direct_) {
      uint32_t slot = event * dims_ + (dim - dim_begin_);
      index = &table_[slot];
      touched_.push_back(slot);
    } else {
      auto [it, inserted] = index_.try_emplace(uint64_t{event} << 32 | dim, 0);
      index = &it->second;
      if (!inserted) return *index - 1;
    }
    t->ids.push_back({key, event, dim, bucket});
    t->cells.emplace_back();
    *index = static_cast<uint32_t>(t->ids.size());  // index + 1
    return *index - 1;
  }

  bool direct_ = false;
  uint32_t dim_begin_ = 0;
  uint32_t dims_ = 0;
  std::vector<uint32_t> table_;    // direct: event * dims_ + dim - dim_begin_ -> index + 1
  std::vector<uint32_t> touched_;  // direct: slots set since the last Clear
  absl::flat_hash_map<uint64_t, uint32_t> index_;  // (event << 32 | dim) -> index + 1
};

// Rollup columns for the cells of `t` (consumed): sorted by (key, bucket, event, dim) with
// cells of equal strings merged; `events[id]` / `dims[id]` give the strings of the ids.
// Nullopt if there are no cells. Instantiated for EventCell and SessionCell.
template <typename CellT>
std::optional<std::vector<storage::ColumnInput>> EmitCells(
    CellTable<CellT>* t, absl::Span<const std::string_view> events,
    absl::Span<const std::string_view> dims);

// The settings' zone for `merchant` (UTC without settings).
const absl::TimeZone& ZoneOf(const RollupBuildOptions& options, uint32_t merchant,
                             std::shared_ptr<const MerchantSettings>* holder);

}  // namespace strata::engine::rollup_internal
