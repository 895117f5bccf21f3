// Statement timeouts for the query API: one thread that calls a cancel function when a
// deadline passes.
//
// After the deadline, the function is called again every `repeat` until disarmed: a
// QuerySession clears a pending cancel when its statement starts, so a cancel that lands
// just before that must be repeated.
//
// Thread safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::server::http {

class DeadlineTimer {
 public:
  explicit DeadlineTimer(absl::Duration repeat = absl::Milliseconds(10));
  ~DeadlineTimer();  // joins the thread; armed entries never fire again
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Calls `fire` at `deadline` (and every `repeat` after) until Disarm(id).
  uint64_t Arm(absl::Time deadline, std::function<void()> fire);
  // Stops the entry. Once it returns, `fire` is not running and will not run again.
  // Returns true if it had fired at least once.
  bool Disarm(uint64_t id);

 private:
  struct Entry {
    absl::Time next;
    std::function<void()> fire;
    bool fired = false;
  };
  void Run();

  const absl::Duration repeat_;
  absl::Mutex mu_;
  absl::CondVar changed_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace strata::server::http
