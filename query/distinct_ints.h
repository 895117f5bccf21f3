// Per-group exact sets of integers (bigint, timestamp, boolean) for DISTINCT aggregates.
//
// Non-negative values (dense ids such as client ids) live in a Roaring64Map per group,
// negative ones in a hash set. Adding random values one by one to a Roaring bitmap is slow
// while its containers are sorted arrays (each insert searches and moves the array's
// tail), so values first collect in a per-group buffer that is sorted and OR-ed in when it
// reaches a quarter of the bitmap's size (amortized O(1) merge work per value). Once a
// group's bitmap is dense (mostly bitset containers, where an insert just sets a bit)
// values go straight in.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <roaring/roaring64map.hh>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace strata::query {

class DistinctIntSets {
 public:
  void Resize(size_t groups) { groups_.resize(groups); }
  size_t groups() const { return groups_.size(); }

  void Add(uint32_t group, int64_t value) {
    Group& g = groups_[group];
    if (value < 0) {
      AddNegative(g, value);
    } else if (g.direct) {
      AddDirect(g, static_cast<uint64_t>(value));
    } else {
      if (g.pending.size() == g.pending.capacity()) {
        bytes_ -= g.pending.capacity() * 8;
        g.pending.reserve(std::max<size_t>(16, 2 * g.pending.capacity()));
        bytes_ += g.pending.capacity() * 8;
      }
      g.pending.push_back(static_cast<uint64_t>(value));
      if (g.pending.size() >= g.flush_at) Flush(g);
    }
  }

  bool Empty(size_t group) const {
    const Group& g = groups_[group];
    return g.bitmap == nullptr && g.negatives.empty() && g.pending.empty();
  }

  // Moves the values of other's group `from` into group `to` here.
  void MergeGroup(DistinctIntSets& other, size_t from, size_t to);
  // Puts every buffered value into its bitmap (before counting or listing values).
  void FlushAll();
  // The number of distinct values of a group (after FlushAll).
  uint64_t Count(size_t group) const;
  // Appends the distinct values of a group in ascending order (after FlushAll).
  void AppendSorted(size_t group, std::vector<int64_t>* out) const;
  size_t MemoryBytes() const {
    return groups_.capacity() * sizeof(Group) + sort_scratch_.capacity() * 8 + bytes_;
  }

 private:
  struct Group {
    std::unique_ptr<Roaring64Map> bitmap;
    absl::flat_hash_set<int64_t> negatives;
    std::vector<uint64_t> pending;  // not yet in the bitmap; unsorted, may repeat
    uint64_t measured_bytes = 0;    // bitmap bytes when last measured
    uint32_t unmeasured = 0;        // values added directly since
    uint32_t flush_at = 64;         // flush `pending` at this size
    bool direct = false;            // the bitmap is dense: add values directly
  };

  void AddNegative(Group& g, int64_t value);
  void AddDirect(Group& g, uint64_t value);
  void Flush(Group& g);
  // Re-reads the bitmap's size and decides how the next values are added.
  void Remeasure(Group& g);
  Roaring64Map& BitmapOf(Group& g);

  std::vector<Group> groups_;
  std::vector<uint64_t> sort_scratch_;
  size_t bytes_ = 0;  // everything the groups hold beyond sizeof(Group), and the scratch
};

}  // namespace strata::query
