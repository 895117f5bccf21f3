// The two strategies behind Sorter: a full sort of every row, and a bounded top-N heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "query/budget_reservation.h"
#include "query/hashing.h"
#include "query/sort.h"
#include "query/vector.h"

namespace strata::query {

// Compares row `ra` of `a` with row `rb` of `b` (vectors of one column, same type or
// NULL-typed) under `key`: NULLs where the key puts them, values ascending or descending.
inline int CompareKeyCells(const Vector& a, size_t ra, const Vector& b, size_t rb,
                           const SortKey& key) {
  bool a_null = a.type == Type::kNull || a.IsNull(ra);
  bool b_null = b.type == Type::kNull || b.IsNull(rb);
  if (a_null || b_null) {
    if (a_null && b_null) return 0;
    int nulls_low = key.nulls_first ? -1 : 1;
    return a_null ? nulls_low : -nulls_low;
  }
  int c;
  switch (a.type) {
    case Type::kFloat64:
      c = CompareDoubles(a.f64[ra], b.f64[rb]);
      break;
    case Type::kString:
      c = CompareStrings(a.str[ra], b.str[rb]);
      break;
    case Type::kInterval:
      c = CompareIntervals(a.iv[ra], b.iv[rb]);
      break;
    default:
      c = CompareInts(a.i64[ra], b.i64[rb]);
      break;
  }
  return key.desc ? -c : c;
}

// Checks a chunk against the rows kept so far (`into`, whose column types it sets on the
// first chunk): same column count, key columns in range, and each column of one type. A
// NULL-typed column (a bare NULL) takes the type of the first typed one.
absl::Status PrepareColumns(const Chunk& chunk, const std::vector<SortKey>& keys, Chunk* into);
// Appends `src` to `dst` after PrepareColumns: the same type, or NULL-typed.
void AppendColumn(const Vector& src, Vector* dst);

class FullSort {
 public:
  FullSort(std::vector<SortKey> keys, BudgetReservation* reservation)
      : keys_(std::move(keys)), reservation_(reservation) {}
  absl::Status Add(const Chunk& chunk);
  absl::Status Finish(std::vector<Chunk>* out);

 private:
  // The rows in order: NULLs of the first key apart, the rest by a normalized 64-bit
  // prefix of the first key, then full comparisons, then input position (stability).
  std::vector<uint32_t> Order() const;
  int CompareFrom(size_t first_key, uint32_t a, uint32_t b) const;

  const std::vector<SortKey> keys_;
  BudgetReservation* const reservation_;
  Chunk rows_;  // every row added, concatenated
};

class TopN {
 public:
  TopN(std::vector<SortKey> keys, size_t limit, BudgetReservation* reservation)
      : keys_(std::move(keys)),
        limit_(limit),
        reservation_(reservation),
        strings_(std::make_shared<StringHeap>()) {}
  absl::Status Add(const Chunk& chunk);
  absl::Status Finish(std::vector<Chunk>* out);

 private:
  // Orders kept slots by keys, then by arrival (earlier first).
  bool SlotLess(uint32_t a, uint32_t b) const;
  void CopyRow(const Chunk& chunk, size_t row, uint32_t slot);
  void CompactStrings();

  const std::vector<SortKey> keys_;
  const size_t limit_;
  BudgetReservation* const reservation_;
  Chunk kept_;                           // at most limit_ rows (slots)
  std::vector<uint64_t> arrival_;        // per slot: its row's position in the input
  std::vector<uint32_t> heap_;           // slots as a max-heap by SlotLess: the worst on top
  std::shared_ptr<StringHeap> strings_;  // bytes of kept strings
  size_t live_string_bytes_ = 0;
  uint64_t rows_seen_ = 0;
};

}  // namespace strata::query
