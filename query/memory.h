// A query's memory budget, shared by all its operators and threads.
//
// Operators that hold rows (hash tables, sort buffers, results) reserve what they grow
// by; when the budget would be exceeded the reservation fails with 54000 and the query
// stops cleanly instead of taking the process down.
#pragma once

#include <atomic>
#include <cstddef>

#include "absl/status/status.h"

namespace strata::query {

class MemoryBudget {
 public:
  explicit MemoryBudget(size_t limit_bytes) : limit_(limit_bytes) {}
  // 54000 "query exceeded its memory limit of N MB" when used + bytes > limit.
  absl::Status Reserve(size_t bytes);
  void Release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
  std::atomic<size_t> peak_{0};
};

}  // namespace strata::query
