// StringPool: interns the values of one string column of a memtable as dense u32 codes.
//
// Codes are assigned in first-seen order. Values are stored in a ChunkedVector, so a
// reader holding a published row count can decode any code those rows use without a lock
// (codes are always assigned before the rows that use them are published).
//
// Thread safety: one writer (Intern); readers call value() for published codes only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "engine/chunked_vector.h"

namespace strata::engine {

class StringPool {
 public:
  // With dedupe=false every non-empty value gets a new code and no hash index is kept:
  // for columns whose values are (nearly) unique, such as event_id, where a probe would
  // only ever miss. The segment writer deduplicates the dictionary at flush either way.
  explicit StringPool(bool dedupe = true) : dedupe_(dedupe) {  // code 0 is the empty string
    const std::string& empty = values_.PushBack(std::string());
    index_.emplace(absl::string_view(empty.data(), 0), 0);
  }

  uint32_t Intern(std::string_view v) {
    if (v.empty()) return 0;  // most optional fields are absent: skip the hash probe
    if (!dedupe_) {
      values_.PushBack(std::string(v));
      bytes_ += v.size();
      return static_cast<uint32_t>(values_.size() - 1);
    }
    absl::string_view key(v.data(), v.size());
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    uint32_t code = static_cast<uint32_t>(values_.size());
    const std::string& stored = values_.PushBack(std::string(v));
    // The key views the chunk-stored string, which never moves.
    index_.emplace(absl::string_view(stored.data(), stored.size()), code);
    bytes_ += v.size();
    return code;
  }

  std::string_view value(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }
  bool full() const { return values_.full(); }
  size_t MemoryBytes() const {
    return values_.MemoryBytes() + bytes_ + index_.capacity() * (sizeof(absl::string_view) + 8);
  }

 private:
  ChunkedVector<std::string, 12, 4096> values_;
  absl::flat_hash_map<absl::string_view, uint32_t> index_;
  size_t bytes_ = 0;
  bool dedupe_;
};

}  // namespace strata::engine
