// Decoding tracker JSON into validated Events.
//
// One JSON object is one event (docs/events.md has the schema and every error reason).
// `ts` is epoch milliseconds (number) or an RFC 3339 string; `value` a number; `params` a
// flat object of string/number values; any unknown top-level field whose value is a string
// or number is kept in params. Validation (ValidationOptions) gives precise reasons:
// a bad event yields an EventError naming the field, never a crash, whatever the bytes
// (non-UTF-8, truncated JSON, NUL bytes, huge or deeply nested input).
//
// Invariant: Decode and ValidateEvent apply one set of rules (the same functions), so an
// Event accepted by Decode is accepted by ValidateEvent and vice versa. Decode does not
// allocate beyond what the Event's strings and params need (reuse one Event per thread).
//
// Thread safety: an EventDecoder holds a simdjson parser; use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/event.h"

namespace strata::ingest {

struct ValidationOptions {
  // Accept events whose ts is within [now - max_past, now + max_future]. Unset = any ts.
  std::optional<int64_t> max_past_us;
  std::optional<int64_t> max_future_us;
  int64_t now_us = 0;                  // 0 = the wall clock at validation time
  size_t max_event_bytes = 64 * 1024;  // one JSON object, larger is rejected unparsed
};

inline constexpr size_t kMaxMerchantLength = 64;
inline constexpr size_t kMaxEventNameLength = 64;
inline constexpr size_t kMaxUrlLength = 2048;       // page, referrer
inline constexpr size_t kMaxDimensionLength = 256;  // every other string field
inline constexpr size_t kMaxParams = 32;            // params plus unknown top-level fields
inline constexpr size_t kMaxParamKeyLength = 64;
// ts must lie in years 0000-9999 (what RFC 3339 can spell): [0000-01-01,
// 9999-12-31T23:59:59.999999Z].
inline constexpr int64_t kMinTimestampUs = -62167219200000000;
inline constexpr int64_t kMaxTimestampUs = 253402300799999999;

struct EventError {
  std::string field;             // "merchant", "ts", "params.color", "" for the whole document
  std::string reason;            // "must be 1-64 characters of [A-Za-z0-9_.-]"
  std::string ToString() const;  // "field: reason"
};

class EventDecoder {
 public:
  explicit EventDecoder(ValidationOptions options = {});
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes and validates one JSON object. On success fills *out (all fields reset first)
  // and returns nullopt; otherwise returns the first error found (fields are checked in
  // document order, then the required fields and the ts window); *out then holds only
  // what was decoded before the error, never fields of a previous event.
  std::optional<EventError> Decode(std::string_view json, engine::Event* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks an Event built in code by Decode's rules (the same functions). Strings are checked
// for UTF-8 here, which Decode leaves to simdjson. Param errors always name "params.KEY".
std::optional<EventError> ValidateEvent(const engine::Event& e, const ValidationOptions& options);

// Parses RFC 3339 ("2026-11-01T12:00:00Z", "…+02:00", fractional seconds) to µs UTC.
// Strict: nullopt for any malformed or impossible date/time (month 13, Feb 30, hour 24,
// second 60, missing zone). 1-9 fractional digits are accepted; digits below 1 µs are
// truncated.
std::optional<int64_t> ParseRfc3339(std::string_view s);

// Formats µs UTC as RFC 3339 with a Z zone and only as many fractional digits as needed:
// "2026-11-01T12:00:00Z", "2026-11-01T12:00:00.25Z".
std::string FormatRfc3339(int64_t ts_us);

}  // namespace strata::ingest
