// Aggregate function states (internal to the hash aggregator).
//
// An AggregateFunction holds the state of one aggregate for every group, in contiguous
// arrays indexed by group id (fixed-size states never allocate per group). The aggregator
// calls it once per chunk with the group id of every row and the rows that feed it (FILTER
// and NULL inputs already removed), so each Update is one tight loop over
// (group id, value) pairs; the virtual call is per chunk, never per row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "query/aggregate.h"
#include "query/types.h"
#include "query/vector.h"

namespace strata::query {

// The rows of a chunk that feed one aggregate: rows [0, n) when `sel` is null, else
// sel[0 .. n).
struct RowSet {
  const uint32_t* sel = nullptr;
  size_t n = 0;
};

template <typename Fn>
inline void ForEachRow(RowSet rows, Fn&& fn) {
  if (rows.sel == nullptr) {
    for (uint32_t r = 0; r < rows.n; ++r) fn(r);
  } else {
    for (size_t k = 0; k < rows.n; ++k) fn(rows.sel[k]);
  }
}

// ForEachRow that also prefetches the state of the group a few rows ahead: with many
// groups the state arrays outgrow the caches and every update would wait on memory.
template <typename State, typename Fn>
inline void ForEachRowPrefetching(RowSet rows, const uint32_t* group_ids, const State* states,
                                  Fn&& fn) {
  constexpr size_t kAhead = 16;
  if (rows.sel == nullptr) {
    for (uint32_t r = 0; r < rows.n; ++r) {
      if (r + kAhead < rows.n) __builtin_prefetch(states + group_ids[r + kAhead]);
      fn(r);
    }
  } else {
    for (size_t k = 0; k < rows.n; ++k) {
      if (k + kAhead < rows.n) __builtin_prefetch(states + group_ids[rows.sel[k + kAhead]]);
      fn(rows.sel[k]);
    }
  }
}

class AggregateFunction {
 public:
  virtual ~AggregateFunction() = default;
  // Grows the state arrays to `groups` groups; new groups start with no input.
  virtual void Resize(size_t groups) = 0;
  // Feeds rows `rows` of `input` (null for count(*)); group_ids[r] is row r's group.
  virtual void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) = 0;
  // Folds `other` (same kind, built from the same spec) into this one: other's group g
  // becomes group group_map[g] here. `other` may be emptied.
  virtual void Merge(AggregateFunction& other, const uint32_t* group_map) = 0;
  // Called once before the first Finalize.
  virtual absl::Status PrepareFinalize() { return absl::OkStatus(); }
  // Appends the results of groups [begin, end) to `out` (a vector of the result type).
  virtual absl::Status Finalize(size_t begin, size_t end, Vector* out) = 0;
  // Heap bytes held, maintained as the state grows (cheap to call after every chunk).
  virtual size_t MemoryBytes() const = 0;
};

// The state for a spec produced by BindAggregate. 0A000 / XX000 for specs it did not
// produce.
absl::StatusOr<std::unique_ptr<AggregateFunction>> CreateAggregateFunction(
    const AggregateSpec& spec);

// The families, one per implementation file.
enum class ExtremeKind { kMin, kMax, kAny };
enum class VarianceKind { kVarSamp, kVarPop, kStddevSamp, kStddevPop };
enum class QuantileKind { kCont, kDisc };

// Appends the per-group strings of groups [begin, end) to `out` (NULL where !has[g]),
// copying them into a heap the vector owns. Shared by the text-valued aggregates.
void AppendGroupStrings(const std::vector<std::string>& values, const std::vector<uint8_t>& has,
                        size_t begin, size_t end, Vector* out);

std::unique_ptr<AggregateFunction> MakeCount();
// sum (result of the input type) or avg (double) over bigint or double input.
std::unique_ptr<AggregateFunction> MakeSum(Type input, bool average);
// min / max / any_value over any type (bool_and = min and bool_or = max over booleans).
std::unique_ptr<AggregateFunction> MakeExtreme(Type input, ExtremeKind kind);
std::unique_ptr<AggregateFunction> MakeVariance(VarianceKind kind);
// A null delimiter concatenates without one (as PostgreSQL).
std::unique_ptr<AggregateFunction> MakeStringAgg(std::optional<std::string> delimiter);
// A null fraction yields NULL.
std::unique_ptr<AggregateFunction> MakeQuantile(QuantileKind kind, std::optional<double> fraction);
std::unique_ptr<AggregateFunction> MakeApproxCountDistinct();
// Keeps each group's distinct input values; at the end it yields their count (when
// `inner` is null) or feeds them, in ascending order, to `inner` (sum, avg, ... of the
// distinct values). `inner` must read its input as column values of type `input`.
std::unique_ptr<AggregateFunction> MakeDistinct(Type input,
                                                std::unique_ptr<AggregateFunction> inner);

}  // namespace strata::query
