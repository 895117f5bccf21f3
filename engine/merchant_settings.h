// Per-merchant processing settings: session timeout, conversion events, time zone.
//
// The engine asks a MerchantSettingsProvider for a merchant's settings whenever it derives
// sessions or daily rollup buckets; the server backs it with the tenant store, embedded
// users get the defaults. Settings are read at processing time: a change applies to data
// processed afterwards (a rebuild reprocesses history with the new settings).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace strata::engine {

inline constexpr int64_t kMicrosPerSecond = 1000 * 1000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;

struct MerchantSettings {
  // Events of one client with a gap above this start a new session.
  int64_t session_timeout_us = 30 * kMicrosPerMinute;
  // A session with at least one of these events converts.
  std::vector<std::string> conversion_events = {"purchase"};
  // IANA name; daily rollup buckets start at local midnight of this zone.
  std::string time_zone = "UTC";
  absl::TimeZone zone = absl::UTCTimeZone();  // loaded form of time_zone

  bool IsConversion(std::string_view event) const {
    for (const std::string& c : conversion_events) {
      if (c == event) return true;
    }
    return false;
  }
};

// Returns the settings of a merchant by its catalog name. Must be thread-safe and cheap
// (it is called once per merchant per flush, and per query); must not call the engine.
using MerchantSettingsProvider =
    std::function<std::shared_ptr<const MerchantSettings>(std::string_view merchant)>;

// The provider that gives every merchant the defaults.
MerchantSettingsProvider DefaultMerchantSettings();

}  // namespace strata::engine
