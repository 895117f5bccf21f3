#include "server/http/deadline_timer.h"

#include <utility>

namespace strata::server::http {

DeadlineTimer::DeadlineTimer(absl::Duration repeat) : repeat_(repeat), thread_([this] { Run(); }) {}

DeadlineTimer::~DeadlineTimer() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.Signal();
  }
  thread_.join();
}

uint64_t DeadlineTimer::Arm(absl::Time deadline, std::function<void()> fire) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  entries_.emplace(id, Entry{deadline, std::move(fire)});
  changed_.Signal();
  return id;
}

bool DeadlineTimer::Disarm(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  const bool fired = it->second.fired;
  entries_.erase(it);
  return fired;
}

void DeadlineTimer::Run() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    absl::Time earliest = absl::InfiniteFuture();
    const absl::Time now = absl::Now();
    for (auto& [id, entry] : entries_) {
      if (entry.next <= now) {
        // Under the lock, so Disarm can promise the function is not running; the cancel
        // functions are a store to an atomic.
        entry.fire();
        entry.fired = true;
        entry.next = now + repeat_;
      }
      if (entry.next < earliest) earliest = entry.next;
    }
    changed_.WaitWithDeadline(&mu_, earliest);
  }
}

}  // namespace strata::server::http
