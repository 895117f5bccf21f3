#include "query/cast.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/functions.h"
#include "query/time_util.h"

namespace strata::query {
namespace {

constexpr char kCannotCoerce[] = "42846";

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

absl::Status InvalidInput(std::string_view type, std::string_view text) {
  return SqlError(sqlstate::kInvalidTextRepresentation,
                  absl::StrCat("invalid input syntax for type ", AbslView(type), ": \"",
                               absl::string_view(text.data(), text.size()), "\""));
}

bool ParseBool(std::string_view raw, bool* out) {
  std::string_view s = TrimSpaces(raw);
  if (s.empty() || s.size() > 5) return false;
  char buf[6];
  for (size_t i = 0; i < s.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  std::string_view w(buf, s.size());
  if (w == "t" || w == "true" || w == "y" || w == "yes" || w == "on" || w == "1") {
    *out = true;
    return true;
  }
  if (w == "f" || w == "false" || w == "n" || w == "no" || w == "off" || w == "0") {
    *out = false;
    return true;
  }
  return false;
}

// 0 ok, 1 syntax, 2 out of range.
int ParseInt64(std::string_view raw, int64_t* out) {
  std::string_view s = TrimSpaces(raw);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return 1;
  uint64_t magnitude = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 1;
    if (magnitude > (UINT64_MAX - 9) / 10) return 2;
    magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
  }
  if (negative) {
    if (magnitude > uint64_t{1} << 63) return 2;
    *out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return 2;
    *out = static_cast<int64_t>(magnitude);
  }
  return 0;
}

// 0 ok, 1 syntax, 2 out of range.
int ParseFloat64(std::string_view raw, double* out) {
  std::string_view s = TrimSpaces(raw);
  if (s.empty()) return 1;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  absl::string_view b(body.data(), body.size());
  if (absl::EqualsIgnoreCase(b, "nan") && s.size() == 3) {
    *out = std::nan("");
    return 0;
  }
  if (absl::EqualsIgnoreCase(b, "infinity") || absl::EqualsIgnoreCase(b, "inf")) {
    *out = negative ? -HUGE_VAL : HUGE_VAL;
    return 0;
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return 1;
  double value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ptr != body.data() + body.size()) return 1;
  if (ec == std::errc::result_out_of_range) return 2;
  if (ec != std::errc()) return 1;
  *out = negative ? -value : value;
  return 0;
}

// Output helpers that fill `out` row by row.
template <class F>
absl::Status ForEachRow(const Vector& in, size_t n, F f) {
  for (size_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) continue;
    RETURN_IF_ERROR(f(i));
  }
  return absl::OkStatus();
}

absl::Status CastToText(const Vector& in, const ExprContext& ctx, size_t n, Vector* out) {
  StringHeap* heap = out->NewHeap();
  char buf[128];
  switch (in.type) {
    case Type::kBool:
      for (size_t i = 0; i < n; ++i) out->str[i] = in.i64[i] != 0 ? "true" : "false";
      return absl::OkStatus();
    case Type::kInt64:
      for (size_t i = 0; i < n; ++i) {
        auto res = std::to_chars(buf, buf + sizeof(buf), in.i64[i]);
        out->str[i] = heap->Add(std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
      }
      return absl::OkStatus();
    case Type::kFloat64:
      for (size_t i = 0; i < n; ++i) {
        out->str[i] = heap->Add(std::string_view(buf, FormatDoubleTo(in.f64[i], buf)));
      }
      return absl::OkStatus();
    case Type::kTimestamp: {
      ZoneConverter zone(ctx.time_zone);
      for (size_t i = 0; i < n; ++i) {
        if (in.IsNull(i)) continue;
        int64_t us = in.i64[i];
        size_t len = FormatTimestampTo(us, zone.OffsetSeconds(us), buf);
        out->str[i] = heap->Add(std::string_view(buf, len));
      }
      return absl::OkStatus();
    }
    case Type::kInterval:
      for (size_t i = 0; i < n; ++i) {
        out->str[i] = heap->Add(std::string_view(buf, FormatIntervalTo(in.iv[i], buf)));
      }
      return absl::OkStatus();
    default:
      break;
  }
  return SqlError(sqlstate::kInternalError, "BUG: unexpected cast to text");
}

absl::Status CastFromText(const Vector& in, Type to, const ExprContext& ctx, size_t n,
                          Vector* out) {
  switch (to) {
    case Type::kBool:
      return ForEachRow(in, n, [&](size_t i) {
        bool b = false;
        if (!ParseBool(in.str[i], &b)) return InvalidInput("boolean", in.str[i]);
        out->i64[i] = b;
        return absl::OkStatus();
      });
    case Type::kInt64:
      return ForEachRow(in, n, [&](size_t i) {
        int rc = ParseInt64(in.str[i], &out->i64[i]);
        if (rc == 1) return InvalidInput("bigint", in.str[i]);
        if (rc == 2) {
          return SqlError(
              sqlstate::kNumericOutOfRange,
              absl::StrCat("value \"", absl::string_view(in.str[i].data(), in.str[i].size()),
                           "\" is out of range for type bigint"));
        }
        return absl::OkStatus();
      });
    case Type::kFloat64:
      return ForEachRow(in, n, [&](size_t i) {
        int rc = ParseFloat64(in.str[i], &out->f64[i]);
        if (rc == 1) return InvalidInput("double precision", in.str[i]);
        if (rc == 2) {
          return SqlError(sqlstate::kNumericOutOfRange,
                          absl::StrCat("\"", absl::string_view(in.str[i].data(), in.str[i].size()),
                                       "\" is out of range for type double precision"));
        }
        return absl::OkStatus();
      });
    case Type::kTimestamp:
      return ForEachRow(in, n, [&](size_t i) {
        ASSIGN_OR_RETURN(out->i64[i], ParseTimestamp(in.str[i], ctx.time_zone));
        return absl::OkStatus();
      });
    case Type::kInterval:
      return ForEachRow(in, n, [&](size_t i) {
        ASSIGN_OR_RETURN(out->iv[i], ParseInterval(in.str[i]));
        return absl::OkStatus();
      });
    default:
      break;
  }
  return SqlError(sqlstate::kInternalError, "BUG: unexpected cast from text");
}

}  // namespace

bool CanCast(Type from, Type to) {
  if (from == to || from == Type::kNull) return true;
  if (from == Type::kString || to == Type::kString) return to != Type::kNull;
  switch (from) {
    case Type::kBool:
      return to == Type::kInt64;
    case Type::kInt64:
      return to == Type::kBool || to == Type::kFloat64;
    case Type::kFloat64:
      return to == Type::kInt64;
    default:
      return false;
  }
}

absl::Status CastVector(const Vector& in, Type to, const ExprContext& ctx, Vector* out) {
  if (!CanCast(in.type, to)) {
    return SqlError(kCannotCoerce, absl::StrCat("cannot cast type ", AbslView(TypeName(in.type)),
                                                " to ", AbslView(TypeName(to))));
  }
  const size_t n = in.size();
  out->Clear();
  out->type = to;
  if (in.type == to) {
    out->AppendAll(in);
    return absl::OkStatus();
  }
  out->Resize(n);
  if (in.type == Type::kNull) {
    if (to != Type::kNull) out->nulls.assign(n, 1);
    return absl::OkStatus();
  }
  out->nulls = in.nulls;
  if (to == Type::kString) return CastToText(in, ctx, n, out);
  if (in.type == Type::kString) return CastFromText(in, to, ctx, n, out);
  switch (in.type) {
    case Type::kBool:  // -> bigint
      for (size_t i = 0; i < n; ++i) out->i64[i] = in.i64[i];
      return absl::OkStatus();
    case Type::kInt64:
      if (to == Type::kBool) {
        for (size_t i = 0; i < n; ++i) out->i64[i] = in.i64[i] != 0;
      } else {
        for (size_t i = 0; i < n; ++i) out->f64[i] = static_cast<double>(in.i64[i]);
      }
      return absl::OkStatus();
    case Type::kFloat64:  // -> bigint, half away from zero
      return ForEachRow(in, n, [&](size_t i) {
        double r = std::round(in.f64[i]);
        if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) {
          return BigintOutOfRange();
        }
        out->i64[i] = static_cast<int64_t>(r);
        return absl::OkStatus();
      });
    default:
      break;
  }
  return SqlError(sqlstate::kInternalError, "BUG: unhandled cast");
}

absl::StatusOr<Value> CastValue(const Value& v, Type to, const ExprContext& ctx) {
  if (v.type == to) return v;
  Vector in(v.type);
  in.Append(v);
  Vector out(to);
  RETURN_IF_ERROR(CastVector(in, to, ctx, &out));
  return out.GetValue(0);
}

// PostgreSQL's float8 output (extra_float_digits = 1): the shortest round-trip digits, in
// exponent form when the decimal exponent is < -4 or >= 15.
size_t FormatDoubleTo(double d, char* buf) {
  auto put = [buf](const char* s) {
    size_t len = std::strlen(s);
    std::memcpy(buf, s, len);
    return len;
  };
  if (std::isnan(d)) return put("NaN");
  if (std::isinf(d)) return put(d > 0 ? "Infinity" : "-Infinity");
  if (d == 0) return put(std::signbit(d) ? "-0" : "0");
  char sci[64];
  auto res = std::to_chars(sci, sci + sizeof(sci) - 1, d, std::chars_format::scientific);
  *res.ptr = '\0';  // for atoi below
  std::string_view s(sci, static_cast<size_t>(res.ptr - sci));
  size_t e = s.find('e');
  int exponent = std::atoi(sci + e + 1);
  if (exponent < -4 || exponent >= 15) {
    std::memcpy(buf, sci, e);
    int mag = std::abs(exponent);
    int len =
        std::snprintf(buf + e, 16, "e%c%s%d", exponent < 0 ? '-' : '+', mag < 10 ? "0" : "", mag);
    return e + static_cast<size_t>(len);
  }
  auto fixed = std::to_chars(buf, buf + 63, d, std::chars_format::fixed);
  return static_cast<size_t>(fixed.ptr - buf);
}

namespace {

// Writes `v` (>= 0) as exactly `width` decimal digits; returns the end.
char* PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

}  // namespace

// Hand-written digits: result encoding calls this once per timestamp cell, and snprintf
// was most of the PG wire text encoder's time.
size_t FormatTimestampTo(int64_t us, int offset_seconds, char* buf) {
  CivilFields f = SplitLocal(us + static_cast<int64_t>(offset_seconds) * kMicrosPerSecond);
  char* p = buf;
  if (f.year >= 0 && f.year <= 9999) {
    p = PutDigits(p, f.year, 4);
  } else {
    p += std::snprintf(p, 24, "%04lld", static_cast<long long>(f.year));
  }
  *p++ = '-';
  p = PutDigits(p, f.month, 2);
  *p++ = '-';
  p = PutDigits(p, f.day, 2);
  *p++ = ' ';
  p = PutDigits(p, f.hour, 2);
  *p++ = ':';
  p = PutDigits(p, f.minute, 2);
  *p++ = ':';
  p = PutDigits(p, f.second, 2);
  if (f.micros != 0) {
    *p++ = '.';
    p = PutDigits(p, f.micros, 6);
    while (p[-1] == '0') --p;
  }
  *p++ = offset_seconds < 0 ? '-' : '+';
  const int off = std::abs(offset_seconds);
  p = PutDigits(p, off / 3600, 2);
  if (off % 3600 != 0) {
    *p++ = ':';
    p = PutDigits(p, off / 60 % 60, 2);
  }
  return static_cast<size_t>(p - buf);
}

// PostgreSQL's default interval style: "1 year 2 mons 3 days 04:05:06.5".
size_t FormatIntervalTo(const Interval& iv, char* buf) {
  size_t len = 0;
  auto part = [&](int64_t n, const char* unit) {
    if (n == 0) return;
    if (len > 0) buf[len++] = ' ';
    len += static_cast<size_t>(std::snprintf(buf + len, 32, "%lld %s%s", static_cast<long long>(n),
                                             unit, n == 1 ? "" : "s"));
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  if (iv.micros != 0 || len == 0) {
    uint64_t us =
        iv.micros < 0 ? 0 - static_cast<uint64_t>(iv.micros) : static_cast<uint64_t>(iv.micros);
    if (len > 0) buf[len++] = ' ';
    len += static_cast<size_t>(std::snprintf(buf + len, 48, "%s%02llu:%02llu:%02llu",
                                             iv.micros < 0 ? "-" : "",
                                             static_cast<unsigned long long>(us / 3'600'000'000),
                                             static_cast<unsigned long long>(us / 60'000'000 % 60),
                                             static_cast<unsigned long long>(us / 1'000'000 % 60)));
    uint64_t frac = us % 1'000'000;
    if (frac != 0) {
      len += static_cast<size_t>(
          std::snprintf(buf + len, 10, ".%06llu", static_cast<unsigned long long>(frac)));
      while (buf[len - 1] == '0') --len;
    }
  }
  return len;
}

}  // namespace strata::query
