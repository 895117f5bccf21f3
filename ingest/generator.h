// A deterministic generator of realistic GA-like traffic for the demo, tests and benchmarks.
//
// Same options and seed -> byte-identical output on every machine: the generator uses its
// own PRNG (xoshiro256**) and its own distribution and exp/log code, never std::
// distributions or libm. Merchant traffic is Zipf-skewed (exponent ~1.1); each client has
// several sessions (gaps under 30 minutes within a session, over 30 minutes between
// sessions); ~40% of sessions are a single page_view; ~2-3% end in a purchase with
// revenue; pages, referrers, UTM sources, devices, browsers, OS, countries, languages and
// item ids follow realistic skewed distributions; traffic has a daily cycle. Events are
// emitted in arrival order, which differs from event time by a jitter: most a few seconds
// late, some minutes, ~0.5% a few hours (offline mobile clients). docs/generator.md
// describes the model.
//
// Invariants: exactly options.events events, every ts_us in [start_us, start_us + days)
// and a multiple of 1000 (JSON carries milliseconds), arrival times non-decreasing.
// Memory is O(events inside the largest lateness window) for the arrival buffer plus
// 8 bytes per distinct client, never O(all events).
//
// Thread safety: a Generator is used by one thread. AppendJson is a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/event.h"

namespace strata::ingest {

struct GeneratorOptions {
  uint64_t events = 1000000;
  uint32_t merchants = 100;
  uint32_t days = 7;
  uint64_t seed = 1;
  int64_t start_us = 1793491200000000;  // 2026-11-01T00:00:00Z; traffic covers [start, start+days)
  double zipf_exponent = 1.1;
};

// InvalidArgument naming the field unless: 1 <= merchants <= 1,000,000, 1 <= days <= 3660,
// 0 < zipf_exponent <= 10, start_us a whole millisecond, and the time range plus a day of
// arrival lateness representable as int64 microseconds.
absl::Status ValidateGeneratorOptions(const GeneratorOptions& options);

class Generator {
 public:
  // REQUIRES: ValidateGeneratorOptions(options).ok() (checked; a violation is a bug).
  explicit Generator(const GeneratorOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Produces the next event in arrival order. Returns false after options.events events.
  // Reusing the same *out across calls keeps generation free of heap allocations.
  bool Next(engine::Event* out);
  // Appends the event as one NDJSON line (with trailing '\n'), as a tracker would send it:
  // ts in epoch milliseconds, absent optional fields omitted, params only if non-empty,
  // numbers in shortest round-trip form (non-finite param numbers as null).
  static void AppendJson(const engine::Event& e, std::string* out);

  // Every event of `options`, in arrival order (for tests and benchmarks that want them
  // all in memory).
  static std::vector<engine::Event> All(const GeneratorOptions& options);

  // When the event last returned by Next() reached the collector (event time plus
  // lateness), in microseconds since the epoch. Non-decreasing across calls.
  int64_t arrival_us() const;
  // Events generated but not yet returned: the arrival buffer, bounded by the lateness
  // window, not by options.events.
  size_t buffered_events() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::ingest
