// One thread that calls a function at deadlines: statement timeouts of every connection.
//
// Thread safety: Arm/Disarm from any thread; the callback runs on the timer's thread
// without the timer's lock held.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <thread>
#include <tuple>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::server::pgwire {

class DeadlineTimer {
 public:
  // Called with (connection id, statement sequence) of each entry whose deadline passed.
  using Callback = std::function<void(int32_t connection, uint64_t sequence)>;

  explicit DeadlineTimer(Callback fire);
  ~DeadlineTimer();  // joins the thread; pending entries never fire
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  void Arm(absl::Time deadline, int32_t connection, uint64_t sequence);
  // Removes an entry armed with the same arguments (no-op if it fired already).
  void Disarm(absl::Time deadline, int32_t connection, uint64_t sequence);

 private:
  using Entry = std::tuple<absl::Time, int32_t, uint64_t>;
  void Loop();

  Callback fire_;
  absl::Mutex mu_;
  absl::CondVar changed_;
  std::set<Entry> entries_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace strata::server::pgwire
