#include "query/types.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace strata::query {
namespace {

// PostgreSQL's float8 output (extra_float_digits = 1): the shortest round-trip digits,
// in exponent form when the decimal exponent is < -4 or >= 15.
std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string s(buf, sci.ptr);
  size_t e = s.find('e');
  int exponent = std::atoi(s.c_str() + e + 1);
  if (exponent < -4 || exponent >= 15) {
    std::string mantissa = s.substr(0, e);
    char sign = exponent < 0 ? '-' : '+';
    int mag = std::abs(exponent);
    return absl::StrCat(mantissa, "e", std::string(1, sign), mag < 10 ? "0" : "", mag);
  }
  auto fixed = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
  return std::string(buf, fixed.ptr);
}

std::string FormatTimestamp(int64_t us, const absl::TimeZone& zone) {
  absl::Time t = absl::FromUnixMicros(us);
  std::string out = absl::FormatTime("%Y-%m-%d %H:%M:%S", t, zone);
  int64_t frac = us % 1'000'000;
  if (frac < 0) frac += 1'000'000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  int offset_seconds = zone.At(t).offset;
  char sign = offset_seconds < 0 ? '-' : '+';
  offset_seconds = std::abs(offset_seconds);
  char buf[16];
  if (offset_seconds % 3600 == 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d", sign, offset_seconds / 3600);
  } else {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", sign, offset_seconds / 3600,
                  offset_seconds / 60 % 60);
  }
  return out + buf;
}

// PostgreSQL's default interval style: "1 year 2 mons 3 days 04:05:06.5".
std::string FormatInterval(const Interval& iv) {
  std::string out;
  auto part = [&out](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    absl::StrAppend(&out, n, " ", unit, n == 1 ? "" : "s");
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  if (iv.micros != 0 || out.empty()) {
    int64_t us = iv.micros;
    bool negative = us < 0;
    if (negative) us = -us;
    int64_t hours = us / 3'600'000'000;
    int64_t minutes = us / 60'000'000 % 60;
    int64_t seconds = us / 1'000'000 % 60;
    int64_t frac = us % 1'000'000;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%02lld:%02lld:%02lld", negative ? "-" : "",
                  static_cast<long long>(hours), static_cast<long long>(minutes),
                  static_cast<long long>(seconds));
    std::string clock(buf);
    if (frac != 0) {
      std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
      std::string f(buf);
      while (f.back() == '0') f.pop_back();
      clock += f;
    }
    if (!out.empty()) out += ' ';
    out += clock;
  }
  return out;
}

}  // namespace

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "unknown";
    case Type::kBool:
      return "boolean";
    case Type::kInt64:
      return "bigint";
    case Type::kFloat64:
      return "double precision";
    case Type::kString:
      return "text";
    case Type::kTimestamp:
      return "timestamp with time zone";
    case Type::kInterval:
      return "interval";
  }
  return "unknown";
}

bool ParseTypeName(std::string_view name, Type* out) {
  std::string n = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  if (n == "int" || n == "integer" || n == "int2" || n == "int4" || n == "int8" ||
      n == "bigint" || n == "smallint") {
    *out = Type::kInt64;
  } else if (n == "float" || n == "float4" || n == "float8" || n == "double precision" ||
             n == "double" || n == "real" || n == "numeric" || n == "decimal") {
    *out = Type::kFloat64;
  } else if (n == "text" || n == "varchar" || n == "character varying" || n == "char" ||
             n == "character" || n == "string" || n == "name" || n == "bpchar") {
    *out = Type::kString;
  } else if (n == "bool" || n == "boolean") {
    *out = Type::kBool;
  } else if (n == "timestamp" || n == "timestamptz" || n == "timestamp with time zone" ||
             n == "timestamp without time zone" || n == "date") {
    *out = Type::kTimestamp;
  } else if (n == "interval") {
    *out = Type::kInterval;
  } else {
    return false;
  }
  return true;
}

std::string Value::ToString() const { return ToString(absl::UTCTimeZone()); }

std::string Value::ToString(const absl::TimeZone& zone) const {
  if (null) return "";
  switch (type) {
    case Type::kNull:
      return "";
    case Type::kBool:
      return i != 0 ? "t" : "f";
    case Type::kInt64:
      return std::to_string(i);
    case Type::kFloat64:
      return FormatDouble(f);
    case Type::kString:
      return s;
    case Type::kTimestamp:
      return FormatTimestamp(i, zone);
    case Type::kInterval:
      return FormatInterval(iv);
  }
  return "";
}

bool Value::operator==(const Value& o) const {
  if (null || o.null) return null == o.null && type == o.type;
  if (type != o.type) return false;
  switch (type) {
    case Type::kNull:
      return true;
    case Type::kBool:
    case Type::kInt64:
    case Type::kTimestamp:
      return i == o.i;
    case Type::kFloat64:
      return f == o.f || (std::isnan(f) && std::isnan(o.f));
    case Type::kString:
      return s == o.s;
    case Type::kInterval:
      return iv == o.iv;
  }
  return false;
}

}  // namespace strata::query
