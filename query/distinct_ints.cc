#include "query/distinct_ints.h"

#include <algorithm>

namespace strata::query {
namespace {

constexpr size_t kBitmapOverhead = 96;
// A directly added value is estimated at an array container's 2 bytes until the next
// measurement.
constexpr size_t kBytesPerUnmeasuredValue = 2;
constexpr uint32_t kRemeasureEvery = 2048;
constexpr uint64_t kMinFlush = 64;
constexpr uint64_t kMaxFlush = 1 << 16;
// Dense: at least this many values and under a byte each (mostly bitset containers).
constexpr uint64_t kDenseMin = 1 << 13;

// Sorts ids: LSD radix by byte (one counting pass, then a pass per byte that varies,
// typically 3 for dense ids) beats comparison sorting on random values; tiny inputs use
// std::sort.
void SortValues(std::vector<uint64_t>* values, std::vector<uint64_t>* scratch) {
  const size_t n = values->size();
  if (n < 256) {
    std::sort(values->begin(), values->end());
    return;
  }
  uint32_t counts[8][256] = {};
  for (uint64_t v : *values) {
    for (int b = 0; b < 8; ++b) ++counts[b][(v >> (8 * b)) & 0xff];
  }
  scratch->resize(n);
  for (int b = 0; b < 8; ++b) {
    uint32_t* count = counts[b];
    const int shift = 8 * b;
    if (count[((*values)[0] >> shift) & 0xff] == n) continue;  // one byte value: no-op
    uint32_t offset = 0;
    for (int d = 0; d < 256; ++d) {
      uint32_t here = count[d];
      count[d] = offset;
      offset += here;
    }
    for (uint64_t v : *values) (*scratch)[count[(v >> shift) & 0xff]++] = v;
    values->swap(*scratch);
  }
}

}  // namespace

Roaring64Map& DistinctIntSets::BitmapOf(Group& g) {
  if (g.bitmap == nullptr) {
    g.bitmap = std::make_unique<Roaring64Map>();
    bytes_ += kBitmapOverhead;
  }
  return *g.bitmap;
}

void DistinctIntSets::AddNegative(Group& g, int64_t value) {
  size_t before = g.negatives.capacity();
  g.negatives.insert(value);
  bytes_ += (g.negatives.capacity() - before) * (sizeof(int64_t) + 1);
}

void DistinctIntSets::AddDirect(Group& g, uint64_t value) {
  // Every add counts as new until the next measurement: a dense bitmap barely grows, and
  // checking (addChecked) costs more than the occasional measurement.
  g.bitmap->add(value);
  bytes_ += kBytesPerUnmeasuredValue;
  if (++g.unmeasured >= kRemeasureEvery) Remeasure(g);
}

void DistinctIntSets::Flush(Group& g) {
  if (g.pending.empty()) return;
  size_t capacity = g.pending.capacity();
  SortValues(&g.pending, &sort_scratch_);
  // The radix sort may swap buffers: keep the accounting on the one that stays.
  bytes_ += g.pending.capacity() * 8;
  bytes_ -= capacity * 8;
  g.pending.erase(std::unique(g.pending.begin(), g.pending.end()), g.pending.end());
  // Sorted values append cheaply to an empty bitmap; the OR then merges each container
  // once.
  Roaring64Map batch(g.pending.size(), g.pending.data());
  BitmapOf(g) |= batch;
  g.pending.clear();
  Remeasure(g);
  if (g.direct) {
    bytes_ -= g.pending.capacity() * 8;
    std::vector<uint64_t>().swap(g.pending);
  }
}

void DistinctIntSets::Remeasure(Group& g) {
  bytes_ -= g.measured_bytes + kBytesPerUnmeasuredValue * g.unmeasured;
  g.measured_bytes = g.bitmap->getSizeInBytes(true);
  g.unmeasured = 0;
  bytes_ += g.measured_bytes;
  uint64_t cardinality = g.bitmap->cardinality();
  g.flush_at = static_cast<uint32_t>(std::clamp(cardinality / 4, kMinFlush, kMaxFlush));
  g.direct = cardinality >= kDenseMin && g.measured_bytes < cardinality;
}

void DistinctIntSets::MergeGroup(DistinctIntSets& other, size_t from, size_t to) {
  Group& src = other.groups_[from];
  Group& dst = groups_[to];
  other.Flush(src);
  if (src.bitmap != nullptr) {
    if (dst.bitmap == nullptr) {
      dst.bitmap = std::move(src.bitmap);
      bytes_ += kBitmapOverhead;
    } else {
      *dst.bitmap |= *src.bitmap;
      src.bitmap.reset();
    }
    Remeasure(dst);
  }
  size_t before = dst.negatives.capacity();
  if (dst.negatives.empty()) {
    dst.negatives.swap(src.negatives);
  } else {
    dst.negatives.insert(src.negatives.begin(), src.negatives.end());
    src.negatives.clear();
  }
  bytes_ += (dst.negatives.capacity() - before) * (sizeof(int64_t) + 1);
}

void DistinctIntSets::FlushAll() {
  for (Group& g : groups_) Flush(g);
}

uint64_t DistinctIntSets::Count(size_t group) const {
  const Group& g = groups_[group];
  return g.negatives.size() + (g.bitmap != nullptr ? g.bitmap->cardinality() : 0);
}

void DistinctIntSets::AppendSorted(size_t group, std::vector<int64_t>* out) const {
  const Group& g = groups_[group];
  size_t begin = out->size();
  out->insert(out->end(), g.negatives.begin(), g.negatives.end());
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(begin), out->end());
  if (g.bitmap == nullptr) return;
  g.bitmap->iterate(
      [](uint64_t v, void* sink) {
        static_cast<std::vector<int64_t>*>(sink)->push_back(static_cast<int64_t>(v));
        return true;
      },
      out);
}

}  // namespace strata::query
