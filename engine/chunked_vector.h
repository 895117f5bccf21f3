// ChunkedVector: an append-only column whose elements never move, so a reader may read
// element i while a single writer appends beyond it.
//
// Elements live in fixed-size chunks reached through a fixed-size table of chunk pointers;
// neither is ever reallocated. Publication protocol: the writer appends, then publishes a
// row count with a release store (elsewhere); a reader that acquire-loads that count may
// read any element below it without a lock. Capacity is kMaxChunks * kChunkSize elements;
// the owner must stop appending (flush) before reaching it.
//
// Thread safety: one writer; any number of readers of already-published elements.
#pragma once

#include <array>
#include <cstddef>
#include <memory>

#include "common/status.h"

namespace strata::engine {

template <typename T, size_t kChunkBits = 13, size_t kMaxChunks = 4096>
class ChunkedVector {
 public:
  static constexpr size_t kChunkSize = size_t{1} << kChunkBits;
  static constexpr size_t kCapacity = kChunkSize * kMaxChunks;

  ChunkedVector() : chunks_(std::make_unique<std::array<std::unique_ptr<T[]>, kMaxChunks>>()) {}

  size_t size() const { return size_; }  // writer's view; readers use a published count
  bool full() const { return size_ == kCapacity; }

  // REQUIRES: !full().
  T& PushBack(T value) {
    size_t chunk = size_ >> kChunkBits;
    STRATA_DCHECK(chunk < kMaxChunks, "ChunkedVector overflow");
    auto& slot = (*chunks_)[chunk];
    if (!slot) slot = std::make_unique<T[]>(kChunkSize);
    T& ref = slot[size_ & (kChunkSize - 1)];
    ref = std::move(value);
    ++size_;
    return ref;
  }

  const T& operator[](size_t i) const { return (*chunks_)[i >> kChunkBits][i & (kChunkSize - 1)]; }
  T& operator[](size_t i) { return (*chunks_)[i >> kChunkBits][i & (kChunkSize - 1)]; }

  // Contiguous run starting at i, up to the end of its chunk: for batch copies.
  const T* RunAt(size_t i, size_t* run_length) const {
    *run_length = kChunkSize - (i & (kChunkSize - 1));
    return &(*chunks_)[i >> kChunkBits][i & (kChunkSize - 1)];
  }

  size_t MemoryBytes() const {
    return ((size_ + kChunkSize - 1) >> kChunkBits) * kChunkSize * sizeof(T);
  }

 private:
  std::unique_ptr<std::array<std::unique_ptr<T[]>, kMaxChunks>> chunks_;
  size_t size_ = 0;
};

}  // namespace strata::engine
