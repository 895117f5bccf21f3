// A merchant's overrides (MerchantLimits, tenants.h): their rules, partial changes, their
// JSON object (one codec for tenants.json, the admin API and its client) and the
// engine::MerchantSettings they make.
//
//   {"max_connections":5,"statement_timeout_ms":1000,"memory_limit_mb":256,
//    "session_timeout_minutes":45,"time_zone":"Europe/Paris",
//    "conversion_events":["purchase","signup"]}
//
// Unset fields are left out; `{}` = every value is the server's.
//
// Thread safety: pure functions.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/merchant_settings.h"
#include "server/auth/tenants.h"

namespace strata::server::auth {

// Every field, in the order of the JSON object.
inline constexpr std::string_view kLimitNames[] = {"max_connections", "statement_timeout_ms",
                                                   "memory_limit_mb", "session_timeout_minutes",
                                                   "time_zone",       "conversion_events"};

inline constexpr int64_t kMaxSessionTimeoutMinutes = 7 * 24 * 60;
inline constexpr size_t kMaxConversionEvents = 100;

// How ValidateLimits checks time_zone: a change must name a zone this machine's tzdata
// knows; a stored file only a well-formed name (a zone missing from tzdata, e.g. on a new
// host, must not make the whole store unreadable: ProcessingSettingsOf falls back).
enum class ZoneCheck { kMustLoad, kNameOnly };

// InvalidArgument naming the field unless: max_connections 1-1000000, statement_timeout_ms
// >= 0 (0 = none), memory_limit_mb 1-2^30, session_timeout_minutes 1-10080, time_zone an
// IANA name (at most 64 characters of [A-Za-z0-9_+/-], no "..", not starting with '/')
// that absl::LoadTimeZone loads (kMustLoad), conversion_events 1-100 names of 1-64 bytes of
// UTF-8.
absl::Status ValidateLimits(const MerchantLimits& limits,
                            ZoneCheck zone_check = ZoneCheck::kMustLoad);

// Applies `change` to *limits. InvalidArgument for an unknown name in change.reset or a
// field both set and reset; the result is not validated (ValidateLimits does that).
absl::Status ApplyLimitsChange(const LimitsChange& change, MerchantLimits* limits);

// True if any processing setting (session_timeout_minutes, time_zone, conversion_events)
// is set.
bool HasProcessingOverrides(const MerchantLimits& limits);

// `defaults` with the processing overrides of `limits` applied. `limits` must have passed
// ValidateLimits; a time zone that does not load keeps the default zone and sets
// *bad_zone (if given).
engine::MerchantSettings ProcessingSettingsOf(const engine::MerchantSettings& defaults,
                                              const MerchantLimits& limits,
                                              bool* bad_zone = nullptr);

// Appends the JSON object of `limits`.
void AppendLimitsJson(const MerchantLimits& limits, std::string* out);

// Reads the JSON object `value` into *limits (the fields it names are set, others are
// left alone). A null value resets the field: its name is appended to *reset, or, if
// `reset` is null, it is an error. InvalidArgument naming the problem (not an object,
// unknown field, wrong type); ranges are ValidateLimits' to check.
absl::Status ParseLimitsJson(simdjson::dom::element value, MerchantLimits* limits,
                             std::vector<std::string>* reset);

// "max_connections=5 time_zone=Europe/Paris conversion_events=purchase,signup" for the
// CLI; "-" when nothing is set.
std::string LimitsText(const MerchantLimits& limits);

}  // namespace strata::server::auth
