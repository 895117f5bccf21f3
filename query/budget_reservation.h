// One operator's share of a query's MemoryBudget.
//
// Operators report the bytes they hold after each batch of work; the reservation grows in
// steps (never per row) so the shared atomic counter is touched rarely, and everything is
// released when the operator goes away.
#pragma once

#include <algorithm>
#include <cstddef>

#include "absl/status/status.h"
#include "query/memory.h"

namespace strata::query {

class BudgetReservation {
 public:
  // `budget` may be null: nothing is accounted.
  explicit BudgetReservation(MemoryBudget* budget) : budget_(budget) {}
  ~BudgetReservation() { ReleaseAll(); }
  BudgetReservation(const BudgetReservation&) = delete;
  BudgetReservation& operator=(const BudgetReservation&) = delete;

  // Makes the reservation cover `bytes` in total; 54000 when the budget cannot.
  absl::Status Cover(size_t bytes) {
    if (budget_ == nullptr || bytes <= reserved_) return absl::OkStatus();
    size_t needed = bytes - reserved_;
    // Reserve some headroom so steady growth does not hit the budget every batch.
    size_t step = std::max({needed, kMinStep, reserved_ / 8});
    if (step > needed && budget_->Reserve(step).ok()) {
      reserved_ += step;
      return absl::OkStatus();
    }
    absl::Status status = budget_->Reserve(needed);
    if (!status.ok()) return status;
    reserved_ += needed;
    return absl::OkStatus();
  }

  void ReleaseAll() {
    if (budget_ != nullptr && reserved_ > 0) budget_->Release(reserved_);
    reserved_ = 0;
  }

  size_t reserved() const { return reserved_; }

 private:
  static constexpr size_t kMinStep = 256 * 1024;
  MemoryBudget* budget_;
  size_t reserved_ = 0;
};

}  // namespace strata::query
