#include "server/auth/limits.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/json_text.h"
#include "common/status.h"
#include "ingest/event_json.h"

namespace strata::server::auth {
namespace {

constexpr size_t kMaxTimeZoneLength = 64;

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(std::string(message));
}

std::string KnownNames() {
  std::string out;
  for (std::string_view name : kLimitNames) {
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

absl::Status UnknownLimit(std::string_view name) {
  return Invalid(
      absl::StrCat("unknown limit \"", std::string(name), "\" (known: ", KnownNames(), ")"));
}

bool IsLimitName(std::string_view name) {
  return std::find(std::begin(kLimitNames), std::end(kLimitNames), name) != std::end(kLimitNames);
}

// Names that only go into cctz's zoneinfo lookup: no absolute or parent paths.
bool IsPlausibleTimeZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTimeZoneLength || name.front() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

absl::Status ValidateTimeZone(const std::string& name, ZoneCheck zone_check) {
  absl::TimeZone zone;
  if (!IsPlausibleTimeZoneName(name) ||
      (zone_check == ZoneCheck::kMustLoad && !absl::LoadTimeZone(name, &zone))) {
    return Invalid(absl::StrCat("time_zone \"", name,
                                "\" is not a known IANA time zone name (e.g. Europe/Paris)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateConversionEvents(const std::vector<std::string>& events) {
  if (events.empty() || events.size() > kMaxConversionEvents) {
    return Invalid(
        absl::StrCat("conversion_events must list 1-", kMaxConversionEvents, " event names"));
  }
  for (const std::string& event : events) {
    if (event.empty() || event.size() > ingest::kMaxEventNameLength ||
        !simdjson::validate_utf8(event.data(), event.size())) {
      return Invalid(absl::StrCat("conversion_events: each event name must be 1-",
                                  ingest::kMaxEventNameLength, " bytes of UTF-8"));
    }
  }
  return absl::OkStatus();
}

// Clears the field named `name` (a kLimitNames entry).
void ResetField(std::string_view name, MerchantLimits* limits) {
  if (name == "max_connections") limits->max_connections.reset();
  if (name == "statement_timeout_ms") limits->statement_timeout_ms.reset();
  if (name == "memory_limit_mb") limits->memory_limit_mb.reset();
  if (name == "session_timeout_minutes") limits->session_timeout_minutes.reset();
  if (name == "time_zone") limits->time_zone.reset();
  if (name == "conversion_events") limits->conversion_events.reset();
}

bool IsFieldSet(std::string_view name, const MerchantLimits& limits) {
  if (name == "max_connections") return limits.max_connections.has_value();
  if (name == "statement_timeout_ms") return limits.statement_timeout_ms.has_value();
  if (name == "memory_limit_mb") return limits.memory_limit_mb.has_value();
  if (name == "session_timeout_minutes") return limits.session_timeout_minutes.has_value();
  if (name == "time_zone") return limits.time_zone.has_value();
  if (name == "conversion_events") return limits.conversion_events.has_value();
  return false;
}

absl::Status ParseInteger(const simdjson::dom::key_value_pair& field, int64_t* out) {
  if (field.value.get_int64().get(*out)) {
    return Invalid(absl::StrCat("limit \"", std::string(field.key), "\" must be an integer"));
  }
  return absl::OkStatus();
}

absl::Status ParseEventList(simdjson::dom::element value, std::vector<std::string>* out) {
  simdjson::dom::array items;
  if (value.get_array().get(items)) {
    return Invalid("limit \"conversion_events\" must be an array of strings");
  }
  out->clear();
  for (simdjson::dom::element item : items) {
    std::string_view text;
    if (item.get_string().get(text)) {
      return Invalid("limit \"conversion_events\" must be an array of strings");
    }
    out->emplace_back(text);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLimits(const MerchantLimits& limits, ZoneCheck zone_check) {
  if (limits.max_connections &&
      (*limits.max_connections < 1 || *limits.max_connections > 1'000'000)) {
    return Invalid("max_connections must be 1-1000000");
  }
  if (limits.statement_timeout_ms && *limits.statement_timeout_ms < 0) {
    return Invalid("statement_timeout_ms must be >= 0 (0 = none)");
  }
  if (limits.memory_limit_mb &&
      (*limits.memory_limit_mb < 1 || *limits.memory_limit_mb > (int64_t{1} << 30))) {
    return Invalid("memory_limit_mb must be positive");
  }
  if (limits.session_timeout_minutes &&
      (*limits.session_timeout_minutes < 1 ||
       *limits.session_timeout_minutes > kMaxSessionTimeoutMinutes)) {
    return Invalid(
        absl::StrCat("session_timeout_minutes must be 1-", kMaxSessionTimeoutMinutes, " (7 days)"));
  }
  if (limits.time_zone) RETURN_IF_ERROR(ValidateTimeZone(*limits.time_zone, zone_check));
  if (limits.conversion_events)
    RETURN_IF_ERROR(ValidateConversionEvents(*limits.conversion_events));
  return absl::OkStatus();
}

absl::Status ApplyLimitsChange(const LimitsChange& change, MerchantLimits* limits) {
  for (const std::string& name : change.reset) {
    if (!IsLimitName(name)) return UnknownLimit(name);
    if (IsFieldSet(name, change.set)) {
      return Invalid(absl::StrCat("limit \"", name, "\" is both set and reset"));
    }
  }
  for (const std::string& name : change.reset) ResetField(name, limits);
  const MerchantLimits& set = change.set;
  if (set.max_connections) limits->max_connections = set.max_connections;
  if (set.statement_timeout_ms) limits->statement_timeout_ms = set.statement_timeout_ms;
  if (set.memory_limit_mb) limits->memory_limit_mb = set.memory_limit_mb;
  if (set.session_timeout_minutes) limits->session_timeout_minutes = set.session_timeout_minutes;
  if (set.time_zone) limits->time_zone = set.time_zone;
  if (set.conversion_events) limits->conversion_events = set.conversion_events;
  return absl::OkStatus();
}

bool HasProcessingOverrides(const MerchantLimits& limits) {
  return limits.session_timeout_minutes || limits.time_zone || limits.conversion_events;
}

engine::MerchantSettings ProcessingSettingsOf(const engine::MerchantSettings& defaults,
                                              const MerchantLimits& limits, bool* bad_zone) {
  engine::MerchantSettings settings = defaults;
  if (limits.session_timeout_minutes) {
    settings.session_timeout_us = *limits.session_timeout_minutes * engine::kMicrosPerMinute;
  }
  if (limits.time_zone) {
    absl::TimeZone zone;
    if (absl::LoadTimeZone(*limits.time_zone, &zone)) {
      settings.time_zone = *limits.time_zone;
      settings.zone = zone;
    } else if (bad_zone != nullptr) {
      *bad_zone = true;
    }
  }
  if (limits.conversion_events) settings.conversion_events = *limits.conversion_events;
  return settings;
}

void AppendLimitsJson(const MerchantLimits& limits, std::string* out) {
  out->push_back('{');
  const char* sep = "";
  auto number = [&](std::string_view name, const auto& value) {
    if (!value) return;
    absl::StrAppend(out, sep, "\"", absl::string_view(name.data(), name.size()), "\":", *value);
    sep = ",";
  };
  number("max_connections", limits.max_connections);
  number("statement_timeout_ms", limits.statement_timeout_ms);
  number("memory_limit_mb", limits.memory_limit_mb);
  number("session_timeout_minutes", limits.session_timeout_minutes);
  if (limits.time_zone) {
    absl::StrAppend(out, sep, "\"time_zone\":");
    AppendJsonString(*limits.time_zone, out);
    sep = ",";
  }
  if (limits.conversion_events) {
    absl::StrAppend(out, sep, "\"conversion_events\":[");
    for (size_t i = 0; i < limits.conversion_events->size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonString((*limits.conversion_events)[i], out);
    }
    out->push_back(']');
  }
  out->push_back('}');
}

absl::Status ParseLimitsJson(simdjson::dom::element value, MerchantLimits* limits,
                             std::vector<std::string>* reset) {
  simdjson::dom::object obj;
  if (value.get_object().get(obj)) return Invalid("\"limits\" must be an object");
  for (simdjson::dom::key_value_pair field : obj) {
    const std::string_view key = field.key;
    if (!IsLimitName(key)) return UnknownLimit(key);
    if (field.value.is_null()) {
      if (reset == nullptr) {
        return Invalid(absl::StrCat("limit \"", std::string(key), "\" must not be null"));
      }
      reset->emplace_back(key);
      continue;
    }
    int64_t v = 0;
    if (key == "max_connections") {
      RETURN_IF_ERROR(ParseInteger(field, &v));
      if (v < INT32_MIN || v > INT32_MAX) return Invalid("max_connections out of range");
      limits->max_connections = static_cast<int>(v);
    } else if (key == "statement_timeout_ms") {
      RETURN_IF_ERROR(ParseInteger(field, &v));
      limits->statement_timeout_ms = v;
    } else if (key == "memory_limit_mb") {
      RETURN_IF_ERROR(ParseInteger(field, &v));
      limits->memory_limit_mb = v;
    } else if (key == "session_timeout_minutes") {
      RETURN_IF_ERROR(ParseInteger(field, &v));
      limits->session_timeout_minutes = v;
    } else if (key == "time_zone") {
      std::string_view text;
      if (field.value.get_string().get(text))
        return Invalid("limit \"time_zone\" must be a string");
      limits->time_zone = std::string(text);
    } else {  // conversion_events
      std::vector<std::string> events;
      RETURN_IF_ERROR(ParseEventList(field.value, &events));
      limits->conversion_events = std::move(events);
    }
  }
  return absl::OkStatus();
}

std::string LimitsText(const MerchantLimits& limits) {
  std::string out;
  auto add = [&](std::string_view name, std::string_view value) {
    absl::StrAppend(&out, out.empty() ? "" : " ", absl::string_view(name.data(), name.size()), "=",
                    absl::string_view(value.data(), value.size()));
  };
  if (limits.max_connections) add("max_connections", absl::StrCat(*limits.max_connections));
  if (limits.statement_timeout_ms) {
    add("statement_timeout_ms", absl::StrCat(*limits.statement_timeout_ms));
  }
  if (limits.memory_limit_mb) add("memory_limit_mb", absl::StrCat(*limits.memory_limit_mb));
  if (limits.session_timeout_minutes) {
    add("session_timeout_minutes", absl::StrCat(*limits.session_timeout_minutes));
  }
  if (limits.time_zone) add("time_zone", *limits.time_zone);
  if (limits.conversion_events) {
    add("conversion_events", absl::StrJoin(*limits.conversion_events, ","));
  }
  return out.empty() ? "-" : out;
}

}  // namespace strata::server::auth
