// Sorter and its full-sort strategy (the top-N heap is in sort_top_n.cc).
#include "query/sort.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/status.h"
#include "query/error.h"
#include "query/sort_internal.h"
#include "query/sort_prefix.h"

namespace strata::query {
namespace {

// Rows sel[0 .. n) of `src` as a new vector sharing src's string heaps (and its
// dictionary codes): a gather into presized arrays.
Vector Gather(const Vector& src, const uint32_t* sel, size_t n) {
  Vector out(src.type);
  switch (src.type) {
    case Type::kNull:
      out.nulls.assign(n, 1);
      return out;
    case Type::kFloat64:
      out.f64.resize(n);
      for (size_t k = 0; k < n; ++k) out.f64[k] = src.f64[sel[k]];
      break;
    case Type::kString:
      out.str.resize(n);
      for (size_t k = 0; k < n; ++k) out.str[k] = src.str[sel[k]];
      if (src.code_source != nullptr && src.codes.size() == src.str.size()) {
        out.codes.resize(n);
        for (size_t k = 0; k < n; ++k) out.codes[k] = src.codes[sel[k]];
        out.code_source = src.code_source;
      }
      out.heaps = src.heaps;
      break;
    case Type::kInterval:
      out.iv.resize(n);
      for (size_t k = 0; k < n; ++k) out.iv[k] = src.iv[sel[k]];
      break;
    default:
      out.i64.resize(n);
      for (size_t k = 0; k < n; ++k) out.i64[k] = src.i64[sel[k]];
      break;
  }
  if (src.has_nulls()) {
    out.nulls.resize(n);
    for (size_t k = 0; k < n; ++k) out.nulls[k] = src.nulls[sel[k]];
  }
  return out;
}

void DedupeHeaps(Vector* v) {
  if (v->heaps.size() < 2) return;
  std::sort(v->heaps.begin(), v->heaps.end());
  v->heaps.erase(std::unique(v->heaps.begin(), v->heaps.end()), v->heaps.end());
}

}  // namespace

absl::Status PrepareColumns(const Chunk& chunk, const std::vector<SortKey>& keys, Chunk* into) {
  if (into->columns.empty()) {
    for (const Vector& v : chunk.columns) into->columns.emplace_back(v.type);
  }
  if (chunk.columns.size() != into->columns.size()) {
    return SqlError(sqlstate::kInternalError, "Sorter: chunks differ in column count");
  }
  for (const SortKey& key : keys) {
    if (key.column < 0 || static_cast<size_t>(key.column) >= chunk.columns.size()) {
      return SqlError(sqlstate::kInternalError, "Sorter: sort key column out of range");
    }
  }
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    Vector& column = into->columns[c];
    Type incoming = chunk.columns[c].type;
    if (incoming == column.type || incoming == Type::kNull) continue;
    if (column.type != Type::kNull) {
      return SqlError(sqlstate::kInternalError, "Sorter: a column changes type between chunks");
    }
    // A NULL-typed column takes the real type; its rows so far become NULLs.
    Vector typed(incoming);
    typed.Resize(into->rows);
    if (into->rows > 0) typed.nulls.assign(into->rows, 1);
    column = std::move(typed);
  }
  return absl::OkStatus();
}

void AppendColumn(const Vector& src, Vector* dst) {
  if (src.type == dst->type) {
    dst->AppendAll(src);
    return;
  }
  // NULLs (a NULL-typed vector) into a typed column.
  const size_t base = dst->size();
  dst->Resize(base + src.size());
  for (size_t r = base; r < base + src.size(); ++r) dst->SetNull(r);
}

// ---------------------------------------------------------------------------------------
// Full sort.

absl::Status FullSort::Add(const Chunk& chunk) {
  if (chunk.rows == 0) return absl::OkStatus();
  RETURN_IF_ERROR(PrepareColumns(chunk, keys_, &rows_));
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    AppendColumn(chunk.columns[c], &rows_.columns[c]);
    DedupeHeaps(&rows_.columns[c]);
  }
  rows_.rows += chunk.rows;
  if (rows_.rows > std::numeric_limits<uint32_t>::max()) {
    return SqlError(sqlstate::kProgramLimitExceeded, "Sorter: too many rows to sort");
  }
  return reservation_->Cover(rows_.MemoryBytes());
}

int FullSort::CompareFrom(size_t first_key, uint32_t a, uint32_t b) const {
  for (size_t k = first_key; k < keys_.size(); ++k) {
    const Vector& v = rows_.columns[keys_[k].column];
    int c = CompareKeyCells(v, a, v, b, keys_[k]);
    if (c != 0) return c;
  }
  return 0;
}

std::vector<uint32_t> FullSort::Order() const {
  const size_t n = rows_.rows;
  std::vector<uint32_t> order;
  order.reserve(n);
  if (keys_.empty()) {
    for (uint32_t r = 0; r < n; ++r) order.push_back(r);
    return order;
  }
  // Rows whose first key is NULL are ordered apart. The others get prefixes of the first
  // key and, when it has no NULLs, of the second; a stable radix sort by the first prefix
  // leaves only runs of equal first prefixes to order by comparisons.
  const SortKey& first = keys_[0];
  const Vector& first_column = rows_.columns[first.column];
  const KeyPrefix p0 = KeyPrefix::Make(first_column, first, n);
  bool use_second = keys_.size() > 1;
  KeyPrefix p1;
  if (use_second) {
    const Vector& second_column = rows_.columns[keys_[1].column];
    use_second = second_column.type != Type::kNull && !second_column.has_nulls();
    if (use_second) p1 = KeyPrefix::Make(second_column, keys_[1], n);
  }
  std::vector<SortEntry> entries;
  std::vector<uint32_t> nulls;
  std::vector<uint64_t> second_prefixes;  // by row
  entries.reserve(n);
  for (uint32_t r = 0; r < n; ++r) {
    if (first_column.type == Type::kNull || first_column.IsNull(r)) {
      nulls.push_back(r);
      continue;
    }
    entries.push_back(SortEntry{p0.Of(r), r});
  }
  if (use_second) {
    second_prefixes.resize(n);
    for (uint32_t r = 0; r < n; ++r) second_prefixes[r] = p1.Of(r);
  }
  RadixSortByFirstPrefix(&entries);

  if (keys_.size() > 1 || !p0.exact()) {
    const size_t rest = use_second ? 2 : 1;
    const Vector* second_column = use_second ? &rows_.columns[keys_[1].column] : nullptr;
    // Within a run of equal exact first keys, an entry's prefix is replaced by its
    // second key's prefix, so the run sorts on local memory.
    const bool second_in_entry = use_second && p0.exact();
    auto tie_less = [&](const SortEntry& a, const SortEntry& b) {
      int c;
      if (!p0.exact() &&
          (c = CompareKeyCells(first_column, a.row, first_column, b.row, first)) != 0) {
        return c < 0;
      }
      if (use_second) {
        uint64_t pa = second_in_entry ? a.prefix : second_prefixes[a.row];
        uint64_t pb = second_in_entry ? b.prefix : second_prefixes[b.row];
        if (pa != pb) return pa < pb;
        if (!p1.exact() &&
            (c = CompareKeyCells(*second_column, a.row, *second_column, b.row, keys_[1])) != 0) {
          return c < 0;
        }
      }
      if ((c = CompareFrom(rest, a.row, b.row)) != 0) return c < 0;
      return a.row < b.row;
    };
    for (size_t begin = 0; begin < entries.size();) {
      size_t end = begin + 1;
      while (end < entries.size() && entries[end].prefix == entries[begin].prefix) ++end;
      if (end - begin > 1) {
        if (second_in_entry) {
          for (size_t k = begin; k < end; ++k) entries[k].prefix = second_prefixes[entries[k].row];
        }
        std::sort(entries.begin() + begin, entries.begin() + end, tie_less);
      }
      begin = end;
    }
  }
  std::sort(nulls.begin(), nulls.end(), [&](uint32_t a, uint32_t b) {
    int c = CompareFrom(1, a, b);
    if (c != 0) return c < 0;
    return a < b;
  });
  if (first.nulls_first) order.insert(order.end(), nulls.begin(), nulls.end());
  for (const SortEntry& e : entries) order.push_back(e.row);
  if (!first.nulls_first) order.insert(order.end(), nulls.begin(), nulls.end());
  return order;
}

absl::Status FullSort::Finish(std::vector<Chunk>* out) {
  const size_t n = rows_.rows;
  // No input: there are no gathered columns to order (they are made by the first Add).
  if (n == 0) return absl::OkStatus();
  // While sorting: prefix entries and the radix sort's copy of them, text ranks, the order.
  RETURN_IF_ERROR(reservation_->Cover(rows_.MemoryBytes() + n * (2 * sizeof(SortEntry) + 20)));
  std::vector<uint32_t> order = Order();
  for (size_t begin = 0; begin < n; begin += kChunkRows) {
    size_t count = std::min(kChunkRows, n - begin);
    Chunk chunk;
    chunk.rows = count;
    for (const Vector& column : rows_.columns) {
      chunk.columns.push_back(Gather(column, order.data() + begin, count));
    }
    out->push_back(std::move(chunk));
  }
  rows_ = Chunk();
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Sorter.

struct Sorter::Impl {
  Impl(std::vector<SortKey> keys, int64_t limit, MemoryBudget* budget) : reservation(budget) {
    if (limit >= 0) {
      top = std::make_unique<TopN>(std::move(keys), static_cast<size_t>(limit), &reservation);
    } else {
      full = std::make_unique<FullSort>(std::move(keys), &reservation);
    }
  }

  BudgetReservation reservation;
  std::unique_ptr<FullSort> full;
  std::unique_ptr<TopN> top;
  bool finished = false;
};

Sorter::Sorter(std::vector<SortKey> keys, int64_t limit, MemoryBudget* budget)
    : impl_(std::make_unique<Impl>(std::move(keys), limit, budget)) {}

Sorter::~Sorter() = default;

absl::Status Sorter::Add(Chunk chunk) {
  if (impl_->finished) return SqlError(sqlstate::kInternalError, "Sorter: Add after Finish");
  return impl_->top ? impl_->top->Add(chunk) : impl_->full->Add(chunk);
}

absl::Status Sorter::Finish(std::vector<Chunk>* out) {
  if (impl_->finished) return SqlError(sqlstate::kInternalError, "Sorter: Finish twice");
  impl_->finished = true;
  return impl_->top ? impl_->top->Finish(out) : impl_->full->Finish(out);
}

}  // namespace strata::query
