#include "server/pgwire/pg_timer.h"

#include <vector>

#include "absl/time/clock.h"

namespace strata::server::pgwire {

DeadlineTimer::DeadlineTimer(Callback fire) : fire_(std::move(fire)) {
  thread_ = std::thread([this] { Loop(); });
}

DeadlineTimer::~DeadlineTimer() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.Signal();
  }
  thread_.join();
}

void DeadlineTimer::Arm(absl::Time deadline, int32_t connection, uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  const bool earliest = entries_.empty() || deadline < std::get<0>(*entries_.begin());
  entries_.emplace(deadline, connection, sequence);
  if (earliest) changed_.Signal();
}

void DeadlineTimer::Disarm(absl::Time deadline, int32_t connection, uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  entries_.erase(Entry{deadline, connection, sequence});
}

void DeadlineTimer::Loop() {
  std::vector<Entry> due;
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    if (entries_.empty()) {
      changed_.Wait(&mu_);
      continue;
    }
    const absl::Time now = absl::Now();
    const absl::Time first = std::get<0>(*entries_.begin());
    if (first > now) {
      changed_.WaitWithDeadline(&mu_, first);
      continue;
    }
    while (!entries_.empty() && std::get<0>(*entries_.begin()) <= now) {
      due.push_back(*entries_.begin());
      entries_.erase(entries_.begin());
    }
    mu_.Unlock();
    for (const Entry& e : due) fire_(std::get<1>(e), std::get<2>(e));
    due.clear();
    mu_.Lock();
  }
}

}  // namespace strata::server::pgwire
