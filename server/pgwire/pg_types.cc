#include "server/pgwire/pg_types.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "query/expr.h"
#include "server/pgwire/pg_message.h"
#include "simdjson.h"

namespace strata::server::pgwire {

using query::Type;
using query::Value;

uint32_t OidOf(query::Type type) {
  switch (type) {
    case Type::kBool:
      return oid::kBool;
    case Type::kInt64:
      return oid::kInt8;
    case Type::kFloat64:
      return oid::kFloat8;
    case Type::kTimestamp:
      return oid::kTimestamptz;
    case Type::kInterval:
      return oid::kInterval;
    case Type::kNull:  // PostgreSQL resolves an untyped output column to text
    case Type::kString:
      return oid::kText;
  }
  return oid::kText;
}

int16_t TypeLength(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
    case oid::kChar:
      return 1;
    case oid::kInt2:
      return 2;
    case oid::kInt4:
    case oid::kOid:
    case oid::kRegproc:
    case oid::kRegclass:
    case oid::kRegtype:
    case oid::kFloat4:
    case oid::kDate:
      return 4;
    case oid::kInt8:
    case oid::kFloat8:
    case oid::kTimestamp:
    case oid::kTimestamptz:
      return 8;
    case oid::kInterval:
      return 16;
    case oid::kName:
      return 64;
    case oid::kUnknown:
      return -2;
    default:
      return -1;
  }
}

const char* PgTypeName(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
      return "boolean";
    case oid::kInt2:
      return "smallint";
    case oid::kInt4:
      return "integer";
    case oid::kInt8:
      return "bigint";
    case oid::kOid:
      return "oid";
    case oid::kFloat4:
      return "real";
    case oid::kFloat8:
      return "double precision";
    case oid::kNumeric:
      return "numeric";
    case oid::kTimestamp:
      return "timestamp without time zone";
    case oid::kTimestamptz:
      return "timestamp with time zone";
    case oid::kDate:
      return "date";
    case oid::kInterval:
      return "interval";
    case oid::kBytea:
      return "bytea";
    default:
      return "text";
  }
}

namespace {

bool IsTextLike(uint32_t type_oid) {
  switch (type_oid) {
    case 0:
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
    case oid::kUnknown:
      return true;
    default:
      return false;
  }
}

// floor(a / b) for b > 0.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// float4 text as PostgreSQL's float4out: the shortest digits that read back as the same
// float, in exponent form when the exponent is < -4 or >= 6 (FLT_DIG).
size_t FormatFloat4To(float f, char* buf) {
  auto put = [buf](const char* s) {
    size_t len = std::strlen(s);
    std::memcpy(buf, s, len);
    return len;
  };
  if (std::isnan(f)) return put("NaN");
  if (std::isinf(f)) return put(f > 0 ? "Infinity" : "-Infinity");
  if (f == 0) return put(std::signbit(f) ? "-0" : "0");
  char sci[48];
  auto res = std::to_chars(sci, sci + sizeof(sci) - 1, f, std::chars_format::scientific);
  *res.ptr = '\0';
  const size_t e = std::string_view(sci, res.ptr - sci).find('e');
  const int exponent = std::atoi(sci + e + 1);
  if (exponent < -4 || exponent >= 6) {
    std::memcpy(buf, sci, e);
    const int mag = std::abs(exponent);
    size_t len = e;
    buf[len++] = 'e';
    buf[len++] = exponent < 0 ? '-' : '+';
    if (mag < 10) buf[len++] = '0';
    auto r = std::to_chars(buf + len, buf + len + 8, mag);
    return static_cast<size_t>(r.ptr - buf);
  }
  auto fixed = std::to_chars(buf, buf + 47, f, std::chars_format::fixed);
  return static_cast<size_t>(fixed.ptr - buf);
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

void AppendBytea(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  for (unsigned char c : bytes) {
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
}

}  // namespace

bool SupportsBinaryResult(uint32_t type_oid) {
  if (IsTextLike(type_oid)) return true;
  switch (type_oid) {
    case oid::kBool:
    case oid::kOid:
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kFloat4:
    case oid::kFloat8:
    case oid::kBytea:
    case oid::kTimestamp:
    case oid::kTimestamptz:
    case oid::kDate:
    case oid::kInterval:
      return true;
    default:
      return false;
  }
}

void AppendText(const Value& v, uint32_t type_oid, const absl::TimeZone& zone, std::string* out) {
  char buf[128];
  switch (v.type) {
    case Type::kNull:
      return;
    case Type::kBool:
      out->push_back(v.i != 0 ? 't' : 'f');
      return;
    case Type::kInt64:
      AppendInt(v.i, out);
      return;
    case Type::kFloat64:
      if (type_oid == oid::kFloat4) {
        out->append(buf, FormatFloat4To(static_cast<float>(v.f), buf));
      } else {
        out->append(buf, query::FormatDoubleTo(v.f, buf));
      }
      return;
    case Type::kString:
      if (type_oid == oid::kBytea) {
        AppendBytea(v.s, out);
      } else {
        out->append(v.s);
      }
      return;
    case Type::kTimestamp: {
      if (type_oid == oid::kDate) {
        size_t n = query::FormatTimestampTo(v.i, 0, buf);
        out->append(buf, std::min<size_t>(n, 10));
        return;
      }
      if (type_oid == oid::kTimestamp) {  // without time zone: the UTC wall clock
        size_t n = query::FormatTimestampTo(v.i, 0, buf);
        out->append(buf, n - 3);  // drop "+00"
        return;
      }
      const int offset = zone.At(absl::FromUnixMicros(v.i)).offset;
      out->append(buf, query::FormatTimestampTo(v.i, offset, buf));
      return;
    }
    case Type::kInterval:
      out->append(buf, query::FormatIntervalTo(v.iv, buf));
      return;
  }
}

absl::Status AppendBinary(const Value& v, uint32_t type_oid, std::string* out) {
  char b[16];
  auto mismatch = [&]() {
    return query::SqlError(
        query::sqlstate::kInternalError,
        absl::StrCat("cannot send a value of type ", std::string(query::TypeName(v.type)),
                     " as binary ", PgTypeName(type_oid)));
  };
  if (IsTextLike(type_oid) || type_oid == oid::kBytea) {
    if (v.type == Type::kString) {
      out->append(v.s);
    } else {
      AppendText(v, oid::kText, absl::UTCTimeZone(), out);
    }
    return absl::OkStatus();
  }
  switch (type_oid) {
    case oid::kBool:
      if (v.type != Type::kBool && v.type != Type::kInt64) return mismatch();
      out->push_back(v.i != 0 ? 1 : 0);
      return absl::OkStatus();
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid: {
      if (v.type != Type::kInt64 && v.type != Type::kBool) return mismatch();
      if (type_oid == oid::kInt8) {
        PutInt64(b, v.i);
        out->append(b, 8);
        return absl::OkStatus();
      }
      if (type_oid == oid::kInt2) {
        if (v.i < std::numeric_limits<int16_t>::min() ||
            v.i > std::numeric_limits<int16_t>::max()) {
          return query::SqlError(query::sqlstate::kNumericOutOfRange, "smallint out of range");
        }
        PutInt16(b, static_cast<int16_t>(v.i));
        out->append(b, 2);
        return absl::OkStatus();
      }
      const bool is_oid = type_oid == oid::kOid;
      const int64_t lo = is_oid ? 0 : std::numeric_limits<int32_t>::min();
      const int64_t hi =
          is_oid ? std::numeric_limits<uint32_t>::max() : std::numeric_limits<int32_t>::max();
      if (v.i < lo || v.i > hi) {
        return query::SqlError(query::sqlstate::kNumericOutOfRange,
                               is_oid ? "OID out of range" : "integer out of range");
      }
      PutInt32(b, static_cast<int32_t>(static_cast<uint32_t>(v.i)));
      out->append(b, 4);
      return absl::OkStatus();
    }
    case oid::kFloat4:
    case oid::kFloat8: {
      double d = 0;
      if (v.type == Type::kFloat64) {
        d = v.f;
      } else if (v.type == Type::kInt64) {
        d = static_cast<double>(v.i);
      } else {
        return mismatch();
      }
      if (type_oid == oid::kFloat4) {
        const float f = static_cast<float>(d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        PutInt32(b, static_cast<int32_t>(bits));
        out->append(b, 4);
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        PutInt64(b, static_cast<int64_t>(bits));
        out->append(b, 8);
      }
      return absl::OkStatus();
    }
    case oid::kTimestamp:
    case oid::kTimestamptz:
      if (v.type != Type::kTimestamp) return mismatch();
      PutInt64(b, v.i - kPgEpochUnixMicros);
      out->append(b, 8);
      return absl::OkStatus();
    case oid::kDate:
      if (v.type != Type::kTimestamp) return mismatch();
      PutInt32(b, static_cast<int32_t>(FloorDiv(v.i - kPgEpochUnixMicros, kMicrosPerDay)));
      out->append(b, 4);
      return absl::OkStatus();
    case oid::kInterval:
      if (v.type != Type::kInterval) return mismatch();
      PutInt64(b, v.iv.micros);
      PutInt32(b + 8, v.iv.days);
      PutInt32(b + 12, v.iv.months);
      out->append(b, 16);
      return absl::OkStatus();
    default:
      return query::SqlError(
          query::sqlstate::kFeatureNotSupported,
          absl::StrCat("binary output of type ", PgTypeName(type_oid), " (OID ", type_oid,
                       ") is not supported; request text format for this column"));
  }
}

// ---- parameters -------------------------------------------------------------------------

namespace {

absl::Status BadText(uint32_t type_oid, std::string_view text) {
  return query::SqlError(query::sqlstate::kInvalidTextRepresentation,
                         absl::StrCat("invalid input syntax for type ", PgTypeName(type_oid),
                                      ": \"", std::string(text), "\""));
}

absl::Status BadBinary() {
  return query::SqlError("22P03", "incorrect binary data format in bind parameter");
}

absl::StatusOr<Value> ParseIntText(std::string_view text, uint32_t type_oid) {
  absl::string_view t = absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size()));
  int64_t v = 0;
  if (!absl::SimpleAtoi(t, &v)) {
    // Digits only but too long is out of range, as PostgreSQL reports it.
    bool digits = !t.empty();
    for (size_t i = 0; i < t.size(); ++i) {
      digits &= absl::ascii_isdigit(t[i]) || (i == 0 && (t[i] == '-' || t[i] == '+'));
    }
    if (digits && t.size() > 1) {
      return query::SqlError(query::sqlstate::kNumericOutOfRange,
                             absl::StrCat("value \"", std::string(t),
                                          "\" is out of range for type ", PgTypeName(type_oid)));
    }
    return BadText(type_oid, text);
  }
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  if (type_oid == oid::kInt2) {
    lo = std::numeric_limits<int16_t>::min();
    hi = std::numeric_limits<int16_t>::max();
  } else if (type_oid == oid::kInt4) {
    lo = std::numeric_limits<int32_t>::min();
    hi = std::numeric_limits<int32_t>::max();
  } else if (type_oid == oid::kOid) {
    lo = 0;
    hi = std::numeric_limits<uint32_t>::max();
  }
  if (v < lo || v > hi) {
    return query::SqlError(query::sqlstate::kNumericOutOfRange,
                           absl::StrCat("value \"", std::string(t), "\" is out of range for type ",
                                        PgTypeName(type_oid)));
  }
  return Value::Int(v);
}

absl::StatusOr<Value> ParseFloatText(std::string_view text, uint32_t type_oid) {
  std::string t(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  std::string lower = absl::AsciiStrToLower(t);
  if (lower == "nan") return Value::Float(std::numeric_limits<double>::quiet_NaN());
  if (lower == "infinity" || lower == "+infinity" || lower == "inf" || lower == "+inf") {
    return Value::Float(std::numeric_limits<double>::infinity());
  }
  if (lower == "-infinity" || lower == "-inf") {
    return Value::Float(-std::numeric_limits<double>::infinity());
  }
  double d = 0;
  const char* begin = t.data();
  const char* end = t.data() + t.size();
  if (!t.empty() && *begin == '+') ++begin;
  auto r = std::from_chars(begin, end, d);
  if (t.empty() || r.ptr != end) return BadText(type_oid, text);
  if (r.ec == std::errc::result_out_of_range) {
    return query::SqlError(
        query::sqlstate::kNumericOutOfRange,
        absl::StrCat("\"", t, "\" is out of range for type ", PgTypeName(type_oid)));
  }
  return Value::Float(d);
}

absl::StatusOr<Value> ParseBoolText(std::string_view text) {
  std::string t = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  // PostgreSQL accepts any unique prefix of true/false/yes/no, and on/off/1/0.
  auto prefix_of = [&](std::string_view word) {
    return !t.empty() && t.size() <= word.size() && word.substr(0, t.size()) == t;
  };
  if (t == "1" || t == "on" || prefix_of("true") || prefix_of("yes")) return Value::Bool(true);
  if (t == "0" || t == "off" || prefix_of("false") || prefix_of("no")) return Value::Bool(false);
  return BadText(oid::kBool, text);
}

// numeric's binary form: int16 ndigits, weight, sign, dscale, then base-10000 digits.
absl::StatusOr<Value> DecodeNumericBinary(std::string_view b) {
  if (b.size() < 8) return BadBinary();
  const int16_t ndigits = GetInt16(b.data());
  const int16_t weight = GetInt16(b.data() + 2);
  const uint16_t sign = static_cast<uint16_t>(GetInt16(b.data() + 4));
  if (ndigits < 0 || b.size() != 8 + 2 * static_cast<size_t>(ndigits)) return BadBinary();
  if (sign == 0xC000) return Value::Float(std::numeric_limits<double>::quiet_NaN());
  if (sign == 0xD000) return Value::Float(std::numeric_limits<double>::infinity());
  if (sign == 0xF000) return Value::Float(-std::numeric_limits<double>::infinity());
  if (sign != 0 && sign != 0x4000) return BadBinary();
  // Rebuild the decimal text and let from_chars round it once, exactly.
  std::string text = sign == 0x4000 ? "-0." : "0.";
  for (int16_t i = 0; i < ndigits; ++i) {
    const int16_t digit = GetInt16(b.data() + 8 + 2 * i);
    if (digit < 0 || digit > 9999) return BadBinary();
    char four[5];
    std::snprintf(four, sizeof(four), "%04d", digit);
    text.append(four, 4);
  }
  if (ndigits == 0) text.push_back('0');
  absl::StrAppend(&text, "e", 4 * (static_cast<int>(weight) + 1));
  double d = 0;
  std::from_chars(text.data() + (sign == 0x4000 ? 1 : 0), text.data() + text.size(), d);
  return Value::Float(sign == 0x4000 ? -d : d);
}

absl::StatusOr<Value> DecodeBinary(std::string_view b, uint32_t type_oid) {
  if (IsTextLike(type_oid) || type_oid == oid::kBytea) return Value::String(std::string(b));
  switch (type_oid) {
    case oid::kBool:
      if (b.size() != 1) return BadBinary();
      return Value::Bool(b[0] != 0);
    case oid::kInt2:
      if (b.size() != 2) return BadBinary();
      return Value::Int(GetInt16(b.data()));
    case oid::kInt4:
      if (b.size() != 4) return BadBinary();
      return Value::Int(GetInt32(b.data()));
    case oid::kOid:
    case oid::kRegproc:
    case oid::kRegclass:
    case oid::kRegtype:
      if (b.size() != 4) return BadBinary();
      return Value::Int(static_cast<uint32_t>(GetInt32(b.data())));
    case oid::kInt8:
      if (b.size() != 8) return BadBinary();
      return Value::Int(GetInt64(b.data()));
    case oid::kFloat4: {
      if (b.size() != 4) return BadBinary();
      const uint32_t bits = static_cast<uint32_t>(GetInt32(b.data()));
      float f;
      std::memcpy(&f, &bits, 4);
      return Value::Float(f);
    }
    case oid::kFloat8: {
      if (b.size() != 8) return BadBinary();
      const uint64_t bits = static_cast<uint64_t>(GetInt64(b.data()));
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::Float(d);
    }
    case oid::kNumeric:
      return DecodeNumericBinary(b);
    case oid::kTimestamp:
    case oid::kTimestamptz: {
      if (b.size() != 8) return BadBinary();
      const int64_t pg = GetInt64(b.data());
      if (pg > std::numeric_limits<int64_t>::max() - kPgEpochUnixMicros) {
        return query::SqlError(query::sqlstate::kDatetimeOverflow, "timestamp out of range");
      }
      return Value::Timestamp(pg + kPgEpochUnixMicros);
    }
    case oid::kDate: {
      if (b.size() != 4) return BadBinary();
      return Value::Timestamp(int64_t{GetInt32(b.data())} * kMicrosPerDay + kPgEpochUnixMicros);
    }
    case oid::kInterval: {
      if (b.size() != 16) return BadBinary();
      query::Interval iv;
      iv.micros = GetInt64(b.data());
      iv.days = GetInt32(b.data() + 8);
      iv.months = GetInt32(b.data() + 12);
      return Value::IntervalOf(iv);
    }
    default:
      return query::SqlError(query::sqlstate::kFeatureNotSupported,
                             absl::StrCat("binary format for parameters of type OID ", type_oid,
                                          " is not supported; send it as text"));
  }
}

// The value a text parameter of type `type_oid` becomes. reg* types are names in text
// ('events'::regclass), so they stay strings; only their binary form is an OID.
Type ValueTypeOf(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
      return Type::kBool;
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
      return Type::kInt64;
    case oid::kFloat4:
    case oid::kFloat8:
    case oid::kNumeric:
      return Type::kFloat64;
    case oid::kTimestamp:
    case oid::kTimestamptz:
    case oid::kDate:
      return Type::kTimestamp;
    case oid::kInterval:
      return Type::kInterval;
    case 0:
    case oid::kUnknown:
      return Type::kNull;
    default:
      return Type::kString;
  }
}

}  // namespace

absl::StatusOr<Value> DecodeParam(std::optional<std::string_view> bytes, uint32_t type_oid,
                                  int16_t format, const absl::TimeZone& zone) {
  if (!bytes.has_value()) return Value::Null(ValueTypeOf(type_oid));
  if (format == 1) return DecodeBinary(*bytes, type_oid);
  const std::string_view text = *bytes;
  switch (ValueTypeOf(type_oid)) {
    case Type::kBool:
      return ParseBoolText(text);
    case Type::kInt64:
      return ParseIntText(text, type_oid);
    case Type::kFloat64:
      return ParseFloatText(text, type_oid);
    case Type::kTimestamp: {
      absl::StatusOr<int64_t> us = query::ParseTimestamp(text, zone);
      if (!us.ok()) return us.status();
      return Value::Timestamp(*us);
    }
    case Type::kInterval: {
      absl::StatusOr<query::Interval> iv = query::ParseInterval(text);
      if (!iv.ok()) return iv.status();
      return Value::IntervalOf(*iv);
    }
    case Type::kNull:
    case Type::kString:
      return Value::String(std::string(text));
  }
  return Value::String(std::string(text));
}

absl::Status CheckUtf8(std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) return absl::OkStatus();
  // Rare path: find the first byte that does not start a valid sequence, for the message.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xc0) == 0x80;
    if (ok && len > 1) {
      // The same UTF-8 rules simdjson checks: no overlong forms, no surrogates, <= U+10FFFF.
      uint32_t cp = c & (0xff >> (len + 1));
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3f);
      static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    }
    if (!ok) {
      std::string bytes;
      for (size_t k = i; k < std::min(n, i + std::max<size_t>(len, 1)); ++k) {
        absl::StrAppend(&bytes, k == i ? "0x" : " 0x", absl::Hex(p[k], absl::kZeroPad2));
      }
      return query::SqlError("22021",
                             absl::StrCat("invalid byte sequence for encoding \"UTF8\": ", bytes));
    }
    i += len;
  }
  return query::SqlError("22021", "invalid byte sequence for encoding \"UTF8\"");
}

absl::Status WriteDataRow(const std::vector<query::Value>& row,
                          const std::vector<CatalogColumn>& columns,
                          const std::vector<int16_t>& formats, const absl::TimeZone& zone,
                          std::string* out) {
  const size_t row_start = out->size();
  MessageWriter w(out);
  w.Begin('D');
  w.Int16(static_cast<int16_t>(columns.size()));
  for (size_t c = 0; c < columns.size(); ++c) {
    const query::Value& v = row[c];
    if (v.null) {
      w.NullField();
      continue;
    }
    // The field's length is known once it is written: reserve it, fill it in after.
    const size_t length_at = out->size();
    out->append(4, '\0');
    const uint32_t type_oid = columns[c].type_oid;
    if (FormatAt(formats, c) == 1) {
      absl::Status s = AppendBinary(v, type_oid, out);
      if (!s.ok()) {
        out->resize(row_start);
        return s;
      }
    } else {
      AppendText(v, type_oid, zone, out);
    }
    PutInt32(out->data() + length_at, static_cast<int32_t>(out->size() - length_at - 4));
  }
  w.End();
  return absl::OkStatus();
}

}  // namespace strata::server::pgwire
