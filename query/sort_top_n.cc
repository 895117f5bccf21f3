// ORDER BY ... LIMIT n: a bounded max-heap of the best n rows seen so far.
//
// Kept rows live in fixed slots of one chunk; a better row overwrites the worst slot. Kept
// strings are copied into the sorter's own heap (inputs may go away after Add), which is
// rebuilt when replaced strings make up most of it, so memory stays O(limit).
#include <algorithm>

#include "common/status.h"
#include "query/error.h"
#include "query/sort_internal.h"

namespace strata::query {

bool TopN::SlotLess(uint32_t a, uint32_t b) const {
  for (const SortKey& key : keys_) {
    const Vector& v = kept_.columns[key.column];
    int c = CompareKeyCells(v, a, v, b, key);
    if (c != 0) return c < 0;
  }
  return arrival_[a] < arrival_[b];
}

void TopN::CopyRow(const Chunk& chunk, size_t row, uint32_t slot) {
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    const Vector& src = chunk.columns[c];
    Vector& dst = kept_.columns[c];
    if (dst.type == Type::kNull) continue;
    if (dst.type == Type::kString) live_string_bytes_ -= dst.str[slot].size();
    if (src.type == Type::kNull || src.IsNull(row)) {
      dst.SetNull(slot);
      if (dst.type == Type::kString) dst.str[slot] = {};
      continue;
    }
    if (!dst.nulls.empty()) dst.nulls[slot] = 0;
    switch (dst.type) {
      case Type::kFloat64:
        dst.f64[slot] = src.f64[row];
        break;
      case Type::kString:
        dst.str[slot] = strings_->Add(src.str[row]);
        live_string_bytes_ += src.str[row].size();
        break;
      case Type::kInterval:
        dst.iv[slot] = src.iv[row];
        break;
      default:
        dst.i64[slot] = src.i64[row];
        break;
    }
  }
}

void TopN::CompactStrings() {
  constexpr size_t kSlack = 1 << 20;
  if (strings_->bytes() <= 2 * live_string_bytes_ + kSlack) return;
  auto fresh = std::make_shared<StringHeap>();
  for (Vector& column : kept_.columns) {
    if (column.type != Type::kString) continue;
    for (std::string_view& s : column.str) s = fresh->Add(s);
    column.heaps.assign(1, fresh);
  }
  strings_ = std::move(fresh);
}

absl::Status TopN::Add(const Chunk& chunk) {
  if (limit_ == 0 || chunk.rows == 0) return absl::OkStatus();
  RETURN_IF_ERROR(PrepareColumns(chunk, keys_, &kept_));
  for (Vector& column : kept_.columns) {
    if (column.type == Type::kString && column.heaps.empty()) column.heaps.push_back(strings_);
  }
  auto less = [this](uint32_t a, uint32_t b) { return SlotLess(a, b); };
  for (size_t r = 0; r < chunk.rows; ++r) {
    if (heap_.size() < limit_) {
      uint32_t slot = static_cast<uint32_t>(kept_.rows++);
      for (Vector& column : kept_.columns) column.Resize(kept_.rows);
      arrival_.push_back(0);
      CopyRow(chunk, r, slot);
      arrival_[slot] = rows_seen_ + r;
      heap_.push_back(slot);
      std::push_heap(heap_.begin(), heap_.end(), less);
      continue;
    }
    // Only a row strictly before the worst kept one gets in: on ties the earlier row
    // (already kept) wins, which keeps the sort stable.
    uint32_t worst = heap_.front();
    bool better = false;
    for (const SortKey& key : keys_) {
      int c = CompareKeyCells(chunk.columns[key.column], r, kept_.columns[key.column], worst, key);
      if (c != 0) {
        better = c < 0;
        break;
      }
    }
    if (!better) continue;
    std::pop_heap(heap_.begin(), heap_.end(), less);
    CopyRow(chunk, r, worst);
    arrival_[worst] = rows_seen_ + r;
    std::push_heap(heap_.begin(), heap_.end(), less);
  }
  rows_seen_ += chunk.rows;
  CompactStrings();
  size_t bytes = strings_->bytes() + arrival_.capacity() * 8 + heap_.capacity() * 4;
  for (const Vector& v : kept_.columns) {
    bytes += v.i64.capacity() * 8 + v.f64.capacity() * 8 + v.str.capacity() * 16 +
             v.iv.capacity() * sizeof(Interval) + v.nulls.capacity();
  }
  return reservation_->Cover(bytes);
}

absl::Status TopN::Finish(std::vector<Chunk>* out) {
  std::vector<uint32_t> order = heap_;
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) { return SlotLess(a, b); });
  for (size_t begin = 0; begin < order.size(); begin += kChunkRows) {
    size_t count = std::min(kChunkRows, order.size() - begin);
    Chunk chunk;
    chunk.rows = count;
    for (const Vector& column : kept_.columns) {
      Vector v(column.type);
      v.AppendSelected(column, order.data() + begin, count);
      chunk.columns.push_back(std::move(v));
    }
    out->push_back(std::move(chunk));
  }
  return absl::OkStatus();
}

}  // namespace strata::query
