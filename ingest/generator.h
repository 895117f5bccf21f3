// A deterministic generator of realistic GA-like traffic for the demo, tests and benchmarks.
//
// Same options and seed -> byte-identical output. Merchant traffic is Zipf-skewed
// (exponent ~1.1); each client has several sessions (gaps under 30 minutes within a
// session, over 30 minutes between sessions); ~40% of sessions are a single page_view;
// ~2-3% end in a purchase with revenue; pages, referrers, UTM sources, devices, browsers,
// OS, countries, languages and item ids follow realistic skewed distributions; traffic has
// a daily cycle. Events are emitted in arrival order, which differs from event time by a
// jitter: most a few seconds late, some minutes, a few hours (offline mobile clients).
//
// Thread safety: a Generator is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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

class Generator {
 public:
  explicit Generator(const GeneratorOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Produces the next event in arrival order. Returns false after options.events events.
  bool Next(engine::Event* out);
  // Appends the event as one NDJSON line (with trailing '\n'), as a tracker would send it:
  // ts in epoch milliseconds, absent optional fields omitted.
  static void AppendJson(const engine::Event& e, std::string* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::ingest
