// Internal to engine/sessions: the compact record of one held event.
//
// Layout: a little-endian u16 presence mask (bit f for each non-empty Field f, bit
// kValueBit when the value is not NaN), the value's 8 bytes if present, then for every
// present field in Field order a varint length and the bytes. page and title are kept for
// page_view events only (no row uses them otherwise). The form is canonical (no empty
// present field, no NaN value), so equal content gives equal bytes and an equal hash.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/sessions/session_rows.h"

namespace strata::engine::sessionizer_internal {

enum Field : int {
  kFEvent = 0,
  kFUserId,
  kFSessionId,
  kFPage,
  kFTitle,
  kFReferrer,
  kFUtmSource,
  kFUtmMedium,
  kFUtmCampaign,
  kFDevice,
  kFOs,
  kFBrowser,
  kFCountry,
  kNumFields,
};
inline constexpr int kValueBit = kNumFields;

using Fields = std::array<std::string_view, kNumFields>;

inline constexpr std::string_view kPageView = "page_view";
inline constexpr std::string_view kAppOpen = "app_open";

// What the record of an event holds, and its size.
struct RecordPlan {
  Fields fields;  // as stored
  double value = 0;
  uint16_t mask = 0;
  size_t size = 0;
};
RecordPlan PlanRecord(const SessionEvent& e);
// Writes the record to `out` (plan.size bytes).
void WriteRecord(const RecordPlan& plan, char* out);
// Parses the record at the front of `bytes` into its value (NaN when absent) and fields;
// returns its size, or 0 if it is malformed or not canonical (checkpoint decoding).
size_t ParseRecord(std::string_view bytes, double* value, Fields* out);

// A fast, deterministic 64-bit hash (the same on every run and machine, unlike
// absl::Hash): orders events with equal ts and names sessions.
uint64_t Hash64(const char* data, size_t n, uint64_t seed);

}  // namespace strata::engine::sessionizer_internal
