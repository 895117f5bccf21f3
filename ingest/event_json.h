// Decoding tracker JSON into validated Events.
//
// One JSON object is one event (docs/architecture.md, "Data model" lists the fields).
// `ts` is epoch milliseconds (number) or an RFC 3339 string; `value` a number; `params` a
// flat object of string/number values; any unknown top-level field whose value is a string
// or number is kept in params. Validation (ValidationOptions) gives precise reasons:
// a bad event yields an EventError naming the field, never a crash, whatever the bytes
// (non-UTF-8, truncated JSON, NUL bytes, huge or deeply nested input).
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
  int64_t now_us = 0;  // 0 = the wall clock at validation time
  size_t max_event_bytes = 64 * 1024;  // one JSON object, larger is rejected unparsed
};

inline constexpr size_t kMaxMerchantLength = 64;
inline constexpr size_t kMaxEventNameLength = 64;
inline constexpr size_t kMaxUrlLength = 2048;        // page, referrer
inline constexpr size_t kMaxDimensionLength = 256;   // every other string field
inline constexpr size_t kMaxParams = 32;

struct EventError {
  std::string field;   // "merchant", "ts", "params.color", "" for the whole document
  std::string reason;  // "must be 1-64 characters of [A-Za-z0-9_.-]"
  std::string ToString() const;  // "field: reason"
};

class EventDecoder {
 public:
  explicit EventDecoder(ValidationOptions options = {});
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes and validates one JSON object. On success fills *out (all fields reset first)
  // and returns nullopt; otherwise returns the first error found.
  std::optional<EventError> Decode(std::string_view json, engine::Event* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks an already-decoded event (used by Decode, and by paths that build Events in code).
std::optional<EventError> ValidateEvent(const engine::Event& e, const ValidationOptions& options);

// Parses RFC 3339 ("2026-11-01T12:00:00Z", "…+02:00", fractional seconds) to µs UTC.
std::optional<int64_t> ParseRfc3339(std::string_view s);

}  // namespace strata::ingest
