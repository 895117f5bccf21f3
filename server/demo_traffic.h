// Live demo traffic for `strata demo`: ingest::Generator's stream re-timed so that it
// arrives at a fixed rate on the wall clock.
//
// Event i (0-based, in the generator's arrival order) is due at its slot
//   slot(i) = start_us + (i + 1) / rate
// and carries ts = slot(i) - lateness(i), where lateness = generator arrival - generator ts.
// So the stream keeps the generator's structure (merchants, sessions, funnels, the share
// of late and offline events) while its arrival clock follows the wall clock at exactly
// `rate`. Gaps inside sessions scale by (generator density / rate); the generator runs at
// the requested rate up to kMaxGeneratorRate events/s (its memory grows with its density),
// faster than real time beyond. When a generator's day of traffic runs out, the next day
// starts with the next seed, so the stream never ends.
//
// A start in the past is a backfill: every slot before "now" is due at once.
//
// Thread safety: one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "engine/event.h"
#include "ingest/generator.h"

namespace strata::server {

struct LiveTrafficOptions {
  uint32_t merchants = 2000;
  uint64_t seed = 1;
  double rate = 2000;    // events per second of wall time, > 0
  int64_t start_us = 0;  // wall time (epoch microseconds) where slot 0 begins
  // Events in one generator day; 0 = rate * 86400, at most kMaxGeneratorRate * 86400.
  uint64_t events_per_generator_day = 0;
};

// InvalidArgument naming the option unless 1 <= merchants <= 1,000,000, 0 < rate <= 10M
// and start_us > 0.
absl::Status ValidateLiveTrafficOptions(const LiveTrafficOptions& options);

class LiveTraffic {
 public:
  static constexpr double kMaxGeneratorRate = 5000;

  // REQUIRES: ValidateLiveTrafficOptions(options).ok().
  explicit LiveTraffic(const LiveTrafficOptions& options);
  ~LiveTraffic();
  LiveTraffic(const LiveTraffic&) = delete;
  LiveTraffic& operator=(const LiveTraffic&) = delete;

  // How many events are due at wall time `now_us` (slots <= now_us), counted from the
  // first event.
  uint64_t DueAt(int64_t now_us) const;
  // The slot of event `index`.
  int64_t SlotUs(uint64_t index) const;

  // Appends the next events as NDJSON lines to *out until `due` events have been produced
  // in total or *out holds at least `max_bytes`. Returns how many it appended.
  size_t AppendDue(uint64_t due, size_t max_bytes, std::string* out);

  uint64_t produced() const { return produced_; }
  // The newest ts produced so far (for tests and progress lines).
  int64_t last_ts_us() const { return last_ts_us_; }

 private:
  void StartGeneratorDay();

  LiveTrafficOptions options_;
  uint64_t events_per_day_;
  uint64_t day_ = 0;  // generators started so far
  std::unique_ptr<ingest::Generator> generator_;
  engine::Event event_;  // reused across events
  uint64_t produced_ = 0;
  int64_t last_ts_us_ = 0;
};

}  // namespace strata::server
