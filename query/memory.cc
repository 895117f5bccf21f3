#include "query/memory.h"

#include <string>

#include "query/error.h"

namespace strata::query {

absl::Status MemoryBudget::Reserve(size_t bytes) {
  size_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (now > limit_) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    return SqlError(sqlstate::kProgramLimitExceeded,
                    "query exceeded its memory limit of " + std::to_string(limit_ >> 20) + " MB");
  }
  size_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return absl::OkStatus();
}

}  // namespace strata::query
