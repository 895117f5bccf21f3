// Sorting chunks, with a top-N heap when a LIMIT bounds the output.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "query/memory.h"
#include "query/vector.h"

namespace strata::query {

struct SortKey {
  int column = 0;
  bool desc = false;
  bool nulls_first =
      false;  // the binder resolves PG's default (NULLS LAST for ASC, FIRST for DESC)
};

// Orders rows by keys (strings byte-wise, NaN above every other double, as PostgreSQL).
// The sort is stable: rows with equal keys keep their input order.
//
// String lifetimes: without a limit the sorter keeps the added rows and the output chunks
// hold views of the same bytes; output vectors share the input vectors' heaps, so computed
// strings stay alive, but strings that point into memory no vector owns (scan output over
// segments and memtables) must stay valid until the output chunks are consumed (the caller
// keeps its snapshot alive). With a limit, kept strings are copied into the sorter's own
// heap, which the output vectors share.
class Sorter {
 public:
  // `limit` >= 0 keeps only the first `limit` rows (after skipping none): a bounded heap,
  // so memory is O(limit) whatever the input size. -1 = no limit.
  Sorter(std::vector<SortKey> keys, int64_t limit, MemoryBudget* budget);
  ~Sorter();
  Sorter(const Sorter&) = delete;
  Sorter& operator=(const Sorter&) = delete;

  absl::Status Add(Chunk chunk);
  // The ordered rows in chunks of at most kChunkRows.
  absl::Status Finish(std::vector<Chunk>* out);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::query
