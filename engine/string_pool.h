// StringPool: interns the values of one string column of a memtable as dense u32 codes.
//
// Codes are assigned in first-seen order. Value bytes live in an arena of blocks that never
// move, and their views in a ChunkedVector, so a reader holding a published row count can
// decode any code those rows use without a lock (codes are always assigned before the rows
// that use them are published).
//
// Thread safety: one writer (Intern); readers call value() for published codes only.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/chunked_vector.h"

namespace strata::engine {

// Append-only byte storage in fixed blocks: appended bytes never move.
class StringArena {
 public:
  std::string_view Append(std::string_view v) {
    if (v.size() > kBlockSize / 4) {  // large values get a block of their own
      blocks_.push_back(std::make_unique<char[]>(v.size()));
      std::memcpy(blocks_.back().get(), v.data(), v.size());
      bytes_ += v.size();
      return {blocks_.back().get(), v.size()};
    }
    if (blocks_.empty() || used_ + v.size() > kBlockSize || current_ == nullptr) {
      blocks_.push_back(std::make_unique<char[]>(kBlockSize));
      current_ = blocks_.back().get();
      used_ = 0;
      bytes_ += kBlockSize;
    }
    char* dst = current_ + used_;
    std::memcpy(dst, v.data(), v.size());
    used_ += v.size();
    return {dst, v.size()};
  }
  size_t MemoryBytes() const { return bytes_; }

 private:
  static constexpr size_t kBlockSize = 256 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;  // only the writer touches this vector
  char* current_ = nullptr;
  size_t used_ = 0;
  size_t bytes_ = 0;
};

class StringPool {
 public:
  // With dedupe=false every non-empty value gets a new code and no hash index is kept:
  // for columns whose values are (nearly) unique, such as event_id, where a probe would
  // only ever miss. The segment writer deduplicates the dictionary at flush either way.
  //
  // High-cardinality columns use dedupe=false too: appending bytes to the arena is much
  // cheaper than a probe that misses the cache, and the flush deduplicates per segment
  // (Memtable::BuildFlushParts) on the flush thread, off the write path.
  explicit StringPool(bool dedupe = true) : dedupe_(dedupe) {  // code 0 is the empty string
    values_.PushBack(std::string_view());
    if (dedupe_) index_.emplace(absl::string_view(), 0);
  }

  uint32_t Intern(std::string_view v) {
    if (v.empty()) return 0;  // most optional fields are absent: skip the hash probe
    if (!dedupe_) {
      values_.PushBack(arena_.Append(v));
      return static_cast<uint32_t>(values_.size() - 1);
    }
    absl::string_view key(v.data(), v.size());
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    uint32_t code = static_cast<uint32_t>(values_.size());
    std::string_view stored = arena_.Append(v);
    values_.PushBack(stored);
    // The key views arena bytes, which never move.
    index_.emplace(absl::string_view(stored.data(), stored.size()), code);
    return code;
  }

  std::string_view value(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }
  bool full() const { return values_.full(); }
  // The most values a pool can hold (code 0, the empty string, included).
  static constexpr size_t kCapacity = ChunkedVector<std::string_view, 12, 4096>::kCapacity;
  bool dedupe() const { return dedupe_; }
  size_t MemoryBytes() const {
    return values_.MemoryBytes() + arena_.MemoryBytes() +
           index_.capacity() * (sizeof(absl::string_view) + 8);
  }

 private:
  ChunkedVector<std::string_view, 12, 4096> values_;
  StringArena arena_;
  absl::flat_hash_map<absl::string_view, uint32_t> index_;
  bool dedupe_;
};

}  // namespace strata::engine
