#include "ingest/event_json.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/calendar.h"
#include "common/status.h"

namespace strata::ingest {
namespace {

using engine::Event;
using engine::Param;
namespace od = simdjson::ondemand;

// ---------------------------------------------------------------------------------------
// The rules. Decode and ValidateEvent both call these; there is no second copy.

enum FieldId : uint8_t {
  kMerchant,
  kTs,
  kEvent,
  kClientId,
  kUserId,
  kSessionId,
  kPage,
  kTitle,
  kReferrer,
  kUtmSource,
  kUtmMedium,
  kUtmCampaign,
  kDevice,
  kOs,
  kBrowser,
  kCountry,
  kLanguage,
  kItemId,
  kValue,
  kEventId,
  kParams,
  kNumFields,
  kUnknownField = 0xff,
};

struct FieldSpec {
  std::string_view name;
  std::string Event::*str;  // nullptr for ts, value and params
  size_t max_len;
  bool required;
};

constexpr FieldSpec kFields[kNumFields] = {
    {"merchant", &Event::merchant, kMaxMerchantLength, true},
    {"ts", nullptr, 0, true},
    {"event", &Event::event, kMaxEventNameLength, true},
    {"client_id", &Event::client_id, kMaxDimensionLength, true},
    {"user_id", &Event::user_id, kMaxDimensionLength, false},
    {"session_id", &Event::session_id, kMaxDimensionLength, false},
    {"page", &Event::page, kMaxUrlLength, false},
    {"title", &Event::title, kMaxDimensionLength, false},
    {"referrer", &Event::referrer, kMaxUrlLength, false},
    {"utm_source", &Event::utm_source, kMaxDimensionLength, false},
    {"utm_medium", &Event::utm_medium, kMaxDimensionLength, false},
    {"utm_campaign", &Event::utm_campaign, kMaxDimensionLength, false},
    {"device", &Event::device, kMaxDimensionLength, false},
    {"os", &Event::os, kMaxDimensionLength, false},
    {"browser", &Event::browser, kMaxDimensionLength, false},
    {"country", &Event::country, kMaxDimensionLength, false},
    {"language", &Event::language, kMaxDimensionLength, false},
    {"item_id", &Event::item_id, kMaxDimensionLength, false},
    {"value", nullptr, 0, false},
    {"event_id", &Event::event_id, kMaxDimensionLength, false},
    {"params", nullptr, 0, false},
};

// A switch on the length, then fixed-size compares the compiler turns into integer loads:
// this runs for every key of every event (a linear scan with memcmp cost ~10% of Decode).
FieldId LookupField(std::string_view key) {
  const char* k = key.data();
  auto eq = [k](const char* name, size_t n) { return std::memcmp(k, name, n) == 0; };
  switch (key.size()) {
    case 2:
      if (eq("ts", 2)) return kTs;
      if (eq("os", 2)) return kOs;
      break;
    case 4:
      if (eq("page", 4)) return kPage;
      break;
    case 5:
      if (eq("event", 5)) return kEvent;
      if (eq("title", 5)) return kTitle;
      if (eq("value", 5)) return kValue;
      break;
    case 6:
      if (eq("device", 6)) return kDevice;
      if (eq("params", 6)) return kParams;
      break;
    case 7:
      if (eq("user_id", 7)) return kUserId;
      if (eq("browser", 7)) return kBrowser;
      if (eq("country", 7)) return kCountry;
      if (eq("item_id", 7)) return kItemId;
      break;
    case 8:
      if (eq("merchant", 8)) return kMerchant;
      if (eq("referrer", 8)) return kReferrer;
      if (eq("language", 8)) return kLanguage;
      if (eq("event_id", 8)) return kEventId;
      break;
    case 9:
      if (eq("client_id", 9)) return kClientId;
      break;
    case 10:
      if (eq("session_id", 10)) return kSessionId;
      if (eq("utm_source", 10)) return kUtmSource;
      if (eq("utm_medium", 10)) return kUtmMedium;
      break;
    case 12:
      if (eq("utm_campaign", 12)) return kUtmCampaign;
      break;
  }
  return kUnknownField;
}

// Debian's Abseil has its own string_view; StrCat needs it spelled out.
absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

EventError Error(std::string_view field, std::string_view reason) {
  return EventError{std::string(field), std::string(reason)};
}

constexpr auto kMerchantChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  }
  return t;
}();

// Eight bytes at a time ("hasless" from Bit Twiddling Hacks): a byte below 0x20 sets its
// high bit in (w - 0x20..20) & ~w & 0x80..80.
bool HasControlChar(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    if (((w - kOnes * 0x20) & ~w & (kOnes * 0x80)) != 0) return true;
  }
  for (; n > 0; ++p, --n) {
    if (static_cast<unsigned char>(*p) < 0x20) return true;
  }
  return false;
}

constexpr std::string_view kControlReason = "must not contain control characters (U+0000-U+001F)";

// What the caller already knows about a string's bytes, so checks are not repeated on the
// hot path. Decode knows the UTF-8 is valid (simdjson validated the whole document), and
// for a document without a backslash that there are no control characters (simdjson
// rejects raw ones inside strings, so only an escape can produce one). ValidateEvent
// knows nothing. The rules themselves are the same either way.
struct Known {
  bool utf8 = false;
  bool no_controls = false;
};

// Outcome of the string-field rules; the enum keeps the hot path free of error strings.
enum class StringVerdict : uint8_t { kOk, kRequired, kBadMerchant, kTooLong, kBadUtf8, kControl };

bool IsAscii(std::string_view s) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
  }
  for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
  return (acc & kHighBits) == 0;
}

StringVerdict CheckText(std::string_view v, Known known) {
  // ASCII first: simdjson's validator is dispatched at run time and costs ~40 ns even for
  // a short string, which dominated ValidateEvent.
  if (!known.utf8 && !IsAscii(v) && !simdjson::validate_utf8(v.data(), v.size())) {
    return StringVerdict::kBadUtf8;
  }
  if (!known.no_controls && HasControlChar(v)) return StringVerdict::kControl;
  return StringVerdict::kOk;
}

StringVerdict CheckStringField(FieldId id, std::string_view v, Known known) {
  if (v.empty()) return kFields[id].required ? StringVerdict::kRequired : StringVerdict::kOk;
  if (id == kMerchant) {
    bool ok = v.size() <= kMaxMerchantLength;
    for (char c : v) ok &= kMerchantChars[static_cast<unsigned char>(c)];
    return ok ? StringVerdict::kOk : StringVerdict::kBadMerchant;
  }
  if (v.size() > kFields[id].max_len) return StringVerdict::kTooLong;
  if (known.utf8 && known.no_controls) return StringVerdict::kOk;  // the common case
  return CheckText(v, known);
}

EventError StringFieldError(FieldId id, StringVerdict verdict) {
  const FieldSpec& f = kFields[id];
  switch (verdict) {
    case StringVerdict::kRequired:
      return Error(f.name, "required");
    case StringVerdict::kBadMerchant:
      return Error(f.name, "must be 1-64 characters of [A-Za-z0-9_.-]");
    case StringVerdict::kTooLong:
      return Error(f.name, f.required ? absl::StrCat("must be 1-", f.max_len, " bytes")
                                      : absl::StrCat("must be at most ", f.max_len, " bytes"));
    case StringVerdict::kBadUtf8:
      return Error(f.name, "must be valid UTF-8");
    case StringVerdict::kControl:
      return Error(f.name, kControlReason);
    case StringVerdict::kOk:
      break;
  }
  STRATA_CHECK(false, "StringFieldError called for a valid string");
  return Error(f.name, "");
}

// Where a param came from: the params object ("params.KEY") or an unknown top-level
// field ("KEY"). Only affects how errors name the field.
enum class ParamOrigin { kParamsObject, kTopLevel };

std::string ParamFieldName(ParamOrigin origin, std::string_view key) {
  if (origin == ParamOrigin::kTopLevel) return std::string(key);
  return absl::StrCat("params.", AV(key));
}

std::optional<EventError> CheckParamKey(ParamOrigin origin, std::string_view key, Known known) {
  // The key itself may be the problem, so the error names "params" (or the document).
  std::string_view field = origin == ParamOrigin::kParamsObject ? "params" : "";
  std::string_view what = origin == ParamOrigin::kParamsObject ? "keys" : "field names";
  if (key.empty() || key.size() > kMaxParamKeyLength) {
    return Error(field, absl::StrCat(AV(what), " must be 1-64 bytes"));
  }
  switch (CheckText(key, known)) {
    case StringVerdict::kBadUtf8:
      return Error(field, absl::StrCat(AV(what), " must be valid UTF-8"));
    case StringVerdict::kControl:
      return Error(field, absl::StrCat(AV(what), " ", AV(kControlReason)));
    default:
      return std::nullopt;
  }
}

std::optional<EventError> CheckParamString(ParamOrigin origin, std::string_view key,
                                           std::string_view v, Known known) {
  if (v.size() > kMaxDimensionLength) {
    return Error(ParamFieldName(origin, key), "must be at most 256 bytes");
  }
  switch (CheckText(v, known)) {
    case StringVerdict::kBadUtf8:
      return Error(ParamFieldName(origin, key), "must be valid UTF-8");
    case StringVerdict::kControl:
      return Error(ParamFieldName(origin, key), kControlReason);
    default:
      return std::nullopt;
  }
}

std::optional<EventError> CheckParamNumber(ParamOrigin origin, std::string_view key, double v) {
  if (!std::isfinite(v)) return Error(ParamFieldName(origin, key), "must be a finite number");
  return std::nullopt;
}

// `params` holds the `count` params accepted so far; `key` would be the next one.
std::optional<EventError> CheckParamSlot(ParamOrigin origin, std::string_view key,
                                         const std::vector<Param>& params, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (params[i].key == key) return Error(ParamFieldName(origin, key), "duplicate field");
  }
  if (count >= kMaxParams) {
    return Error("params", "too many params (at most 32, counting unknown top-level fields)");
  }
  return std::nullopt;
}

constexpr std::string_view kTsRangeReason = "out of range (must be within years 0000-9999)";

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

std::optional<EventError> CheckTimestamp(int64_t ts_us, const ValidationOptions& options) {
  if (ts_us < kMinTimestampUs || ts_us > kMaxTimestampUs) return Error("ts", kTsRangeReason);
  if (!options.max_past_us && !options.max_future_us) return std::nullopt;
  int64_t now = options.now_us != 0 ? options.now_us : absl::ToUnixMicros(absl::Now());
  if (options.max_past_us) {
    int64_t earliest = SaturatingAdd(now, -*options.max_past_us);
    if (ts_us < earliest) {
      return Error("ts", absl::StrCat("before the accepted window (earliest ",
                                      FormatRfc3339(earliest), ")"));
    }
  }
  if (options.max_future_us) {
    int64_t latest = SaturatingAdd(now, *options.max_future_us);
    if (ts_us > latest) {
      return Error("ts",
                   absl::StrCat("after the accepted window (latest ", FormatRfc3339(latest), ")"));
    }
  }
  return std::nullopt;
}

std::optional<EventError> CheckValue(double v) {
  // NaN is "absent"; infinities can only come from code, JSON has no spelling for them.
  if (std::isinf(v)) return Error("value", "must be a finite number");
  return std::nullopt;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Reads exactly n ASCII digits at s[pos..pos+n).
bool ReadDigits(std::string_view s, size_t pos, int n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// ---------------------------------------------------------------------------------------
// JSON decoding.

EventError JsonError(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return Error("", "invalid UTF-8");
    case simdjson::EMPTY:
      return Error("", "empty document");
    case simdjson::DEPTH_ERROR:
      return Error("", "nested too deeply");
    default:
      return Error("", absl::StrCat("invalid JSON: ", simdjson::error_message(code)));
  }
}

// An error while reading a string of `field`: a bad escape belongs to the field,
// structural problems to the document.
EventError ValueError(std::string_view field, simdjson::error_code code) {
  if (code == simdjson::STRING_ERROR) {
    return Error(field, "invalid string escape (bad \\u escape or unpaired surrogate)");
  }
  return JsonError(code);
}

// Parses a numeric string such as "12.50" (the whole string, no spaces, no '+').
bool ParseNumericString(std::string_view s, double* out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

}  // namespace

std::string EventError::ToString() const {
  if (field.empty()) return reason;
  return absl::StrCat(field, ": ", reason);
}

struct EventDecoder::Impl {
  explicit Impl(ValidationOptions opts)
      : options(opts), parser(std::max<size_t>(opts.max_event_bytes, 1)) {}

  std::optional<EventError> Decode(std::string_view json, Event* out);
  std::optional<EventError> DecodeKnown(FieldId id, od::value& v, Event* out);
  std::optional<EventError> DecodeString(FieldId id, od::value& v, Event* out);
  std::optional<EventError> DecodeTs(od::value& v, Event* out);
  std::optional<EventError> DecodeValue(od::value& v, Event* out);
  std::optional<EventError> DecodeParams(od::value& v, Event* out);
  std::optional<EventError> DecodeParam(ParamOrigin origin, std::string_view key, od::value& v,
                                        Event* out);
  // Accepts a JSON null (the field is absent: returns nullopt); anything else is an error
  // with `reason` for `field`.
  std::optional<EventError> NullOr(od::value& v, std::string_view field, std::string_view reason);
  Param& NextParamSlot(Event* out);

  ValidationOptions options;
  od::parser parser;
  // The input copied with SIMDJSON_PADDING bytes after it; grows to the largest event seen.
  std::unique_ptr<char[]> buf;
  size_t buf_capacity = 0;
  size_t param_count = 0;  // params filled in the current Decode; out->params may be longer
  Known known;             // what simdjson already guarantees about the current document
  bool has_ts = false;
};

EventDecoder::EventDecoder(ValidationOptions options) : impl_(std::make_unique<Impl>(options)) {}
EventDecoder::~EventDecoder() = default;

std::optional<EventError> EventDecoder::Decode(std::string_view json, Event* out) {
  std::optional<EventError> error = impl_->Decode(json, out);
  // Also on error, so no params of a previous event survive.
  out->params.resize(impl_->param_count);
  return error;
}

namespace {

// Clears every field but keeps string capacity. Params are counted by param_count and the
// vector is trimmed after decoding, so their strings are reused too.
void ResetScalarsAndStrings(Event* e) {
  for (const FieldSpec& f : kFields) {
    if (f.str != nullptr) (e->*f.str).clear();
  }
  e->ts_us = 0;
  e->value = std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::optional<EventError> EventDecoder::Impl::Decode(std::string_view json, Event* out) {
  ResetScalarsAndStrings(out);
  param_count = 0;
  has_ts = false;
  if (json.size() > options.max_event_bytes) {
    return Error("", absl::StrCat("event larger than ", options.max_event_bytes, " bytes"));
  }
  if (std::memchr(json.data(), '\0', json.size()) != nullptr) {
    return Error("", "contains a NUL byte");
  }
  known =
      Known{.utf8 = true, .no_controls = std::memchr(json.data(), '\\', json.size()) == nullptr};
  size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
  if (needed > buf_capacity) {
    buf_capacity = std::max(needed, 2 * buf_capacity);
    buf = std::make_unique<char[]>(buf_capacity);
  }
  std::memcpy(buf.get(), json.data(), json.size());
  std::memset(buf.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);

  od::document doc;
  if (auto err = parser.iterate(buf.get(), json.size(), needed).get(doc)) return JsonError(err);
  od::object obj;
  if (auto err = doc.get_object().get(obj)) {
    if (err == simdjson::INCORRECT_TYPE) return Error("", "must be a JSON object");
    return JsonError(err);
  }
  uint32_t seen = 0;
  for (auto field_result : obj) {
    // value_unsafe() after the error check: copying the field out costs a store-forwarding
    // stall per key (measured: ~10% of Decode).
    if (auto err = field_result.error()) return JsonError(err);
    od::field& field = field_result.value_unsafe();
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return ValueError("", err);
    FieldId id = LookupField(key);
    if (id == kUnknownField) {
      if (auto error = DecodeParam(ParamOrigin::kTopLevel, key, field.value(), out)) return error;
      continue;
    }
    if (seen & (1u << id)) return Error(kFields[id].name, "duplicate field");
    seen |= 1u << id;
    if (auto error = DecodeKnown(id, field.value(), out)) return error;
  }
  if (!doc.current_location().error()) return Error("", "trailing content after the JSON object");

  for (FieldId id : {kMerchant, kTs, kEvent, kClientId}) {
    bool missing = id == kTs ? !has_ts : (out->*kFields[id].str).empty();
    if (missing) return Error(kFields[id].name, "required");
  }
  return CheckTimestamp(out->ts_us, options);
}

std::optional<EventError> EventDecoder::Impl::DecodeKnown(FieldId id, od::value& v, Event* out) {
  switch (id) {
    case kTs:
      return DecodeTs(v, out);
    case kValue:
      return DecodeValue(v, out);
    case kParams:
      return DecodeParams(v, out);
    default:
      return DecodeString(id, v, out);
  }
}

std::optional<EventError> EventDecoder::Impl::NullOr(od::value& v, std::string_view field,
                                                     std::string_view reason) {
  od::json_type type;
  if (auto err = v.type().get(type)) return JsonError(err);
  if (type != od::json_type::null) return Error(field, reason);
  bool is_null = false;
  if (auto err = v.is_null().get(is_null)) return JsonError(err);
  if (!is_null) return Error("", "invalid JSON: bad literal (expected null)");
  return std::nullopt;
}

std::optional<EventError> EventDecoder::Impl::DecodeString(FieldId id, od::value& v, Event* out) {
  const FieldSpec& f = kFields[id];
  std::string_view s;
  if (auto err = v.get_string().get(s)) {
    if (err == simdjson::INCORRECT_TYPE) return NullOr(v, f.name, "must be a string");
    return ValueError(f.name, err);
  }
  StringVerdict verdict = CheckStringField(id, s, known);
  if (verdict != StringVerdict::kOk) return StringFieldError(id, verdict);
  // The string was cleared at the start of Decode: append is assign without the aliasing
  // checks of _M_replace (measured: ~12% fewer instructions per event).
  (out->*f.str).append(s.data(), s.size());
  return std::nullopt;
}

std::optional<EventError> EventDecoder::Impl::DecodeTs(od::value& v, Event* out) {
  od::json_type type;
  if (auto err = v.type().get(type)) return JsonError(err);
  if (type == od::json_type::string) {
    std::string_view s;
    if (auto err = v.get_string().get(s)) return ValueError("ts", err);
    std::optional<int64_t> ts = ParseRfc3339(s);
    if (!ts) return Error("ts", "must be an RFC 3339 timestamp such as 2026-11-01T12:00:00Z");
    out->ts_us = *ts;
  } else if (type == od::json_type::number) {
    od::number n;
    if (auto err = v.get_number().get(n)) {
      if (err == simdjson::NUMBER_ERROR) return Error("ts", kTsRangeReason);
      return JsonError(err);
    }
    if (n.is_int64()) {
      int64_t ms = n.get_int64();
      if (ms < kMinTimestampUs / 1000 || ms > kMaxTimestampUs / 1000) {
        return Error("ts", kTsRangeReason);
      }
      out->ts_us = ms * 1000;
    } else if (n.is_double()) {
      double us = n.get_double() * 1000.0;
      // Compare as doubles before converting: a cast of an out-of-range double is UB.
      if (!(us >= static_cast<double>(kMinTimestampUs) &&
            us <= static_cast<double>(kMaxTimestampUs))) {
        return Error("ts", kTsRangeReason);
      }
      out->ts_us = std::clamp<int64_t>(std::llround(us), kMinTimestampUs, kMaxTimestampUs);
    } else {
      return Error("ts", kTsRangeReason);  // an unsigned integer >= 2^63
    }
  } else {
    auto error = NullOr(v, "ts", "must be epoch milliseconds (number) or an RFC 3339 string");
    if (error) return error;
    return std::nullopt;  // null: absent, reported as required later
  }
  has_ts = true;
  return std::nullopt;
}

std::optional<EventError> EventDecoder::Impl::DecodeValue(od::value& v, Event* out) {
  od::json_type type;
  if (auto err = v.type().get(type)) return JsonError(err);
  double d = 0;
  if (type == od::json_type::number) {
    if (auto err = v.get_double().get(d)) {
      if (err == simdjson::NUMBER_ERROR) return Error("value", "must be a finite number");
      return JsonError(err);
    }
  } else if (type == od::json_type::string) {
    std::string_view s;
    if (auto err = v.get_string().get(s)) return ValueError("value", err);
    if (!ParseNumericString(s, &d)) {
      return Error("value", "must be a finite number (a numeric string like \"12.50\" is allowed)");
    }
  } else {
    return NullOr(v, "value", "must be a number");
  }
  if (auto error = CheckValue(d)) return error;
  out->value = d;
  return std::nullopt;
}

std::optional<EventError> EventDecoder::Impl::DecodeParams(od::value& v, Event* out) {
  od::object obj;
  if (auto err = v.get_object().get(obj)) {
    if (err == simdjson::INCORRECT_TYPE) return NullOr(v, "params", "must be an object");
    return JsonError(err);
  }
  for (auto field_result : obj) {
    if (auto err = field_result.error()) return JsonError(err);
    od::field& field = field_result.value_unsafe();
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return ValueError("params", err);
    if (auto error = DecodeParam(ParamOrigin::kParamsObject, key, field.value(), out)) {
      return error;
    }
  }
  return std::nullopt;
}

Param& EventDecoder::Impl::NextParamSlot(Event* out) {
  if (param_count == out->params.size()) out->params.emplace_back();
  return out->params[param_count++];
}

std::optional<EventError> EventDecoder::Impl::DecodeParam(ParamOrigin origin, std::string_view key,
                                                          od::value& v, Event* out) {
  if (auto error = CheckParamKey(origin, key, known)) return error;
  od::json_type type;
  if (auto err = v.type().get(type)) return JsonError(err);
  if (type == od::json_type::null) return NullOr(v, "", "");  // dropped; checks the literal
  if (auto error = CheckParamSlot(origin, key, out->params, param_count)) return error;
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto err = v.get_string().get(s)) return ValueError(ParamFieldName(origin, key), err);
      if (auto error = CheckParamString(origin, key, s, known)) return error;
      Param& p = NextParamSlot(out);
      p.key.assign(key.data(), key.size());
      p.is_number = false;
      p.str.assign(s.data(), s.size());
      p.num = 0;
      return std::nullopt;
    }
    case od::json_type::number: {
      double d;
      if (auto err = v.get_double().get(d)) {
        if (err == simdjson::NUMBER_ERROR) {
          return Error(ParamFieldName(origin, key), "must be a finite number");
        }
        return JsonError(err);
      }
      if (auto error = CheckParamNumber(origin, key, d)) return error;
      Param& p = NextParamSlot(out);
      p.key.assign(key.data(), key.size());
      p.is_number = true;
      p.str.clear();
      p.num = d;
      return std::nullopt;
    }
    case od::json_type::boolean: {
      bool b;
      if (auto err = v.get_bool().get(b)) return JsonError(err);
      Param& p = NextParamSlot(out);
      p.key.assign(key.data(), key.size());
      p.is_number = false;
      p.str.assign(b ? "true" : "false");
      p.num = 0;
      return std::nullopt;
    }
    default:
      return Error(ParamFieldName(origin, key), "must be a string or number");
  }
}

std::optional<EventError> ValidateEvent(const Event& e, const ValidationOptions& options) {
  for (int i = 0; i < kNumFields; ++i) {
    FieldId id = static_cast<FieldId>(i);
    std::optional<EventError> error;
    if (kFields[id].str != nullptr) {
      StringVerdict verdict = CheckStringField(id, e.*kFields[id].str, Known{});
      if (verdict != StringVerdict::kOk) error = StringFieldError(id, verdict);
    } else if (id == kTs) {
      error = CheckTimestamp(e.ts_us, options);
    } else if (id == kValue) {
      error = CheckValue(e.value);
    }
    if (error) return error;
  }
  for (size_t i = 0; i < e.params.size(); ++i) {
    const Param& p = e.params[i];
    auto origin = ParamOrigin::kParamsObject;
    std::optional<EventError> error = CheckParamKey(origin, p.key, Known{});
    if (!error) error = CheckParamSlot(origin, p.key, e.params, i);
    if (!error) {
      error = p.is_number ? CheckParamNumber(origin, p.key, p.num)
                          : CheckParamString(origin, p.key, p.str, Known{});
    }
    if (error) return error;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); the shortest form has 20 bytes.
  if (s.size() < 20) return std::nullopt;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, 0, 4, &year) || s[4] != '-' || !ReadDigits(s, 5, 2, &month) || s[7] != '-' ||
      !ReadDigits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !ReadDigits(s, 11, 2, &hour) || s[13] != ':' || !ReadDigits(s, 14, 2, &minute) ||
      s[16] != ':' || !ReadDigits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    int64_t scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_us += (s[pos] - '0') * scale;  // scale reaches 0 past the 6th digit: truncation
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset_s = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * 1000000 + frac_us;
}

std::string FormatRfc3339(int64_t ts_us) {
  // Split off the fraction first: floor(ts / 1e6) * 1e6 would overflow near INT64_MIN.
  int64_t frac = ts_us % 1000000;
  int64_t seconds = ts_us / 1000000;
  if (frac < 0) {
    frac += 1000000;
    --seconds;
  }
  int64_t days = FloorDiv(seconds, 86400);
  int64_t sec_of_day = seconds - days * 86400;
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  char buf[64];
  int n = std::snprintf(
      buf, sizeof(buf), "%04lld-%02d-%02dT%02lld:%02lld:%02lld", static_cast<long long>(year),
      month, day, static_cast<long long>(sec_of_day / 3600),
      static_cast<long long>(sec_of_day / 60 % 60), static_cast<long long>(sec_of_day % 60));
  std::string out(buf, n);
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string_view digits(buf);
    while (digits.back() == '0') digits.remove_suffix(1);
    out.append(digits.data(), digits.size());
  }
  out.push_back('Z');
  return out;
}

}  // namespace strata::ingest
