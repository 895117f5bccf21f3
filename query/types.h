// SQL value types and scalar values of the query layer.
//
// Timestamps are µs since the Unix epoch, UTC (timestamptz). Intervals follow PostgreSQL:
// months, days and µs kept apart, because a month or a day has no fixed length in a time
// zone. Booleans are stored as 0/1 in int64 vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace strata::query {

enum class Type : uint8_t {
  kNull,  // the type of a bare NULL literal before it is cast or coerced
  kBool,
  kInt64,
  kFloat64,
  kString,
  kTimestamp,
  kInterval,
};

// The SQL name users see: boolean, bigint, double precision, text, timestamptz, interval.
std::string_view TypeName(Type t);
// Parses a type name as written in CAST / :: (int, integer, int8, bigint, float8, double
// precision, real, numeric, text, varchar, string, bool, boolean, timestamp, timestamptz,
// interval, date). `date` maps to kTimestamp at midnight UTC. Returns false if unknown.
bool ParseTypeName(std::string_view name, Type* out);
// True for kInt64 and kFloat64.
inline bool IsNumeric(Type t) { return t == Type::kInt64 || t == Type::kFloat64; }

struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
};

// One scalar: a constant, a parameter, or one cell of a result.
struct Value {
  Type type = Type::kNull;
  bool null = true;
  int64_t i = 0;  // kBool (0/1), kInt64, kTimestamp (µs UTC)
  double f = 0;   // kFloat64
  std::string s;  // kString
  Interval iv;    // kInterval

  static Value Null(Type t = Type::kNull) {
    Value v;
    v.type = t;
    return v;
  }
  static Value Bool(bool b) {
    Value v;
    v.type = Type::kBool;
    v.null = false;
    v.i = b;
    return v;
  }
  static Value Int(int64_t x) {
    Value v;
    v.type = Type::kInt64;
    v.null = false;
    v.i = x;
    return v;
  }
  static Value Float(double x) {
    Value v;
    v.type = Type::kFloat64;
    v.null = false;
    v.f = x;
    return v;
  }
  static Value String(std::string x) {
    Value v;
    v.type = Type::kString;
    v.null = false;
    v.s = std::move(x);
    return v;
  }
  static Value Timestamp(int64_t us) {
    Value v;
    v.type = Type::kTimestamp;
    v.null = false;
    v.i = us;
    return v;
  }
  static Value IntervalOf(Interval x) {
    Value v;
    v.type = Type::kInterval;
    v.null = false;
    v.iv = x;
    return v;
  }

  // The PostgreSQL text form: 't'/'f', integers, shortest round-trip doubles ("NaN",
  // "Infinity"), "2026-11-01 12:00:00.5+00" timestamps, "1 day 02:00:00" intervals.
  // NULL gives "" (callers that must tell NULL apart check `null`).
  std::string ToString() const;
  // The same, with timestamps shown in `zone` as PostgreSQL does for its TimeZone setting
  // ("2026-11-01 13:00:00+01").
  std::string ToString(const absl::TimeZone& zone) const;
  bool operator==(const Value& o) const;
};

// Text forms written into `buf` (at least 64 bytes); they return the length. Identical to
// Value::ToString, without allocating (result encoders on hot paths use them).
size_t FormatDoubleTo(double d, char* buf);
size_t FormatTimestampTo(int64_t us, int offset_seconds, char* buf);
size_t FormatIntervalTo(const Interval& iv, char* buf);

}  // namespace strata::query
