// Values on the wire: text and binary encodings of results, decoding of parameters,
// PostgreSQL's epoch for timestamps, NULLs.
#include "server/pgwire/pg_types.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "query/error.h"
#include "query/expr.h"
#include "server/pgwire/pg_message.h"

namespace strata::server::pgwire {
namespace {

using query::Type;
using query::Value;

constexpr int64_t kNov1Noon = 1793534400000000;  // 2026-11-01 12:00:00 UTC

std::string Text(const Value& v, uint32_t type_oid, const char* zone = "UTC") {
  std::string out;
  AppendText(v, type_oid, *query::LoadZone(zone), &out);
  return out;
}

std::string Binary(const Value& v, uint32_t type_oid) {
  std::string out;
  absl::Status s = AppendBinary(v, type_oid, &out);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

Value Param(std::string_view bytes, uint32_t type_oid, int16_t format) {
  auto v = DecodeParam(bytes, type_oid, format, absl::UTCTimeZone());
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

std::string Be64(int64_t v) {
  std::string s(8, '\0');
  PutInt64(s.data(), v);
  return s;
}

std::string Be32(int32_t v) {
  std::string s(4, '\0');
  PutInt32(s.data(), v);
  return s;
}

TEST(PgTypes, OidOfEveryType) {
  EXPECT_EQ(OidOf(Type::kBool), oid::kBool);
  EXPECT_EQ(OidOf(Type::kInt64), oid::kInt8);
  EXPECT_EQ(OidOf(Type::kFloat64), oid::kFloat8);
  EXPECT_EQ(OidOf(Type::kString), oid::kText);
  EXPECT_EQ(OidOf(Type::kTimestamp), oid::kTimestamptz);
  EXPECT_EQ(OidOf(Type::kInterval), oid::kInterval);
  EXPECT_EQ(OidOf(Type::kNull), oid::kText);
  EXPECT_EQ(TypeLength(oid::kInt8), 8);
  EXPECT_EQ(TypeLength(oid::kText), -1);
  EXPECT_EQ(TypeLength(oid::kName), 64);
}

TEST(PgTypes, TextResults) {
  EXPECT_EQ(Text(Value::Bool(true), oid::kBool), "t");
  EXPECT_EQ(Text(Value::Bool(false), oid::kBool), "f");
  EXPECT_EQ(Text(Value::Int(-42), oid::kInt8), "-42");
  EXPECT_EQ(Text(Value::Float(0.1), oid::kFloat8), "0.1");
  EXPECT_EQ(Text(Value::Float(1e20), oid::kFloat8), "1e+20");
  EXPECT_EQ(Text(Value::Float(NAN), oid::kFloat8), "NaN");
  EXPECT_EQ(Text(Value::Float(-INFINITY), oid::kFloat8), "-Infinity");
  EXPECT_EQ(Text(Value::Float(0.1), oid::kFloat4), "0.1");
  EXPECT_EQ(Text(Value::Float(1000000), oid::kFloat4), "1e+06");
  EXPECT_EQ(Text(Value::Float(123456), oid::kFloat4), "123456");
  EXPECT_EQ(Text(Value::String("héllo"), oid::kText), "héllo");
  EXPECT_EQ(Text(Value::String("\x01\xff"), oid::kBytea), "\\x01ff");
  EXPECT_EQ(Text(Value::Timestamp(kNov1Noon), oid::kTimestamptz), "2026-11-01 12:00:00+00");
  EXPECT_EQ(Text(Value::Timestamp(kNov1Noon + 500000), oid::kTimestamptz),
            "2026-11-01 12:00:00.5+00");
  EXPECT_EQ(Text(Value::Timestamp(kNov1Noon), oid::kTimestamptz, "Europe/Berlin"),
            "2026-11-01 13:00:00+01");
  EXPECT_EQ(Text(Value::Timestamp(kNov1Noon), oid::kTimestamp), "2026-11-01 12:00:00");
  EXPECT_EQ(Text(Value::Timestamp(kNov1Noon), oid::kDate), "2026-11-01");
  query::Interval iv;
  iv.days = 1;
  iv.micros = 7200000000;
  EXPECT_EQ(Text(Value::IntervalOf(iv), oid::kInterval), "1 day 02:00:00");
}

TEST(PgTypes, BinaryResults) {
  EXPECT_EQ(Binary(Value::Bool(true), oid::kBool), std::string(1, '\1'));
  EXPECT_EQ(Binary(Value::Int(42), oid::kInt8), Be64(42));
  EXPECT_EQ(Binary(Value::Int(-3), oid::kInt4), Be32(-3));
  EXPECT_EQ(Binary(Value::Int(7), oid::kInt2), std::string("\0\7", 2));
  EXPECT_EQ(Binary(Value::Int(3000000000), oid::kOid), Be32(static_cast<int32_t>(3000000000u)));
  double d = 2.5;
  int64_t bits;
  std::memcpy(&bits, &d, 8);
  EXPECT_EQ(Binary(Value::Float(2.5), oid::kFloat8), Be64(bits));
  float f = 2.5f;
  int32_t fbits;
  std::memcpy(&fbits, &f, 4);
  EXPECT_EQ(Binary(Value::Float(2.5), oid::kFloat4), Be32(fbits));
  EXPECT_EQ(Binary(Value::String("abc"), oid::kText), "abc");
  // PostgreSQL's epoch: 2000-01-01 00:00:00 UTC is 0.
  EXPECT_EQ(Binary(Value::Timestamp(kPgEpochUnixMicros), oid::kTimestamptz), Be64(0));
  EXPECT_EQ(Binary(Value::Timestamp(kNov1Noon), oid::kTimestamptz),
            Be64(kNov1Noon - 946684800000000));
  EXPECT_EQ(Binary(Value::Timestamp(0), oid::kTimestamptz), Be64(-946684800000000));
  EXPECT_EQ(Binary(Value::Timestamp(kPgEpochUnixMicros - 1), oid::kDate), Be32(-1));
  query::Interval iv{2, 3, 4};
  EXPECT_EQ(Binary(Value::IntervalOf(iv), oid::kInterval), Be64(4) + Be32(3) + Be32(2));
}

TEST(PgTypes, BinaryErrors) {
  std::string out;
  absl::Status s = AppendBinary(Value::String("1.5"), oid::kNumeric, &out);
  EXPECT_EQ(query::SqlStateOf(s), "0A000");
  EXPECT_FALSE(SupportsBinaryResult(oid::kNumeric));
  EXPECT_FALSE(SupportsBinaryResult(oid::kTextArray));
  EXPECT_FALSE(SupportsBinaryResult(oid::kRegclass));
  EXPECT_TRUE(SupportsBinaryResult(oid::kOid));
  EXPECT_TRUE(SupportsBinaryResult(oid::kTimestamptz));
  EXPECT_EQ(query::SqlStateOf(AppendBinary(Value::Int(70000), oid::kInt2, &out)), "22003");
  EXPECT_EQ(query::SqlStateOf(AppendBinary(Value::String("x"), oid::kInt8, &out)), "XX000");
}

TEST(PgTypes, TextParameters) {
  EXPECT_EQ(Param("42", oid::kInt8, 0), Value::Int(42));
  EXPECT_EQ(Param(" -7 ", oid::kInt4, 0), Value::Int(-7));
  EXPECT_EQ(Param("2.5", oid::kFloat8, 0), Value::Float(2.5));
  EXPECT_EQ(Param("12.25", oid::kNumeric, 0), Value::Float(12.25));
  EXPECT_EQ(Param("Infinity", oid::kFloat8, 0), Value::Float(INFINITY));
  EXPECT_EQ(Param("true", oid::kBool, 0), Value::Bool(true));
  EXPECT_EQ(Param("f", oid::kBool, 0), Value::Bool(false));
  EXPECT_EQ(Param("on", oid::kBool, 0), Value::Bool(true));
  EXPECT_EQ(Param("abc", oid::kText, 0), Value::String("abc"));
  EXPECT_EQ(Param("abc", oid::kVarchar, 0), Value::String("abc"));
  EXPECT_EQ(Param("4000000000", oid::kOid, 0), Value::Int(4000000000));
  EXPECT_EQ(Param("events", oid::kRegclass, 0), Value::String("events"));
  // Unspecified and unknown types stay strings: the binder coerces them by context.
  EXPECT_EQ(Param("2026-11-01", 0, 0), Value::String("2026-11-01"));
  EXPECT_EQ(Param("2026-11-01 12:00:00+00", oid::kTimestamptz, 0), Value::Timestamp(kNov1Noon));
  EXPECT_EQ(Param("2026-11-01", oid::kDate, 0), Value::Timestamp(kNov1Noon - 12 * 3600000000LL));
  auto iv = Param("1 day", oid::kInterval, 0);
  EXPECT_EQ(iv.type, Type::kInterval);
  EXPECT_EQ(iv.iv.days, 1);
}

TEST(PgTypes, TextParameterErrors) {
  auto z = absl::UTCTimeZone();
  EXPECT_EQ(query::SqlStateOf(DecodeParam("abc", oid::kInt8, 0, z).status()), "22P02");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("70000", oid::kInt2, 0, z).status()), "22003");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("99999999999999999999", oid::kInt8, 0, z).status()),
            "22003");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("maybe", oid::kBool, 0, z).status()), "22P02");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("1.2.3", oid::kFloat8, 0, z).status()), "22P02");
  EXPECT_FALSE(DecodeParam("yesterday-ish", oid::kTimestamptz, 0, z).ok());
}

TEST(PgTypes, BinaryParameters) {
  EXPECT_EQ(Param(Be64(-5), oid::kInt8, 1), Value::Int(-5));
  EXPECT_EQ(Param(Be32(123), oid::kInt4, 1), Value::Int(123));
  EXPECT_EQ(Param(std::string("\xff\xfe", 2), oid::kInt2, 1), Value::Int(-2));
  EXPECT_EQ(Param(std::string(1, '\1'), oid::kBool, 1), Value::Bool(true));
  double d = -0.25;
  int64_t bits;
  std::memcpy(&bits, &d, 8);
  EXPECT_EQ(Param(Be64(bits), oid::kFloat8, 1), Value::Float(-0.25));
  EXPECT_EQ(Param(Be64(0), oid::kTimestamptz, 1), Value::Timestamp(kPgEpochUnixMicros));
  EXPECT_EQ(Param(Be64(kNov1Noon - kPgEpochUnixMicros), oid::kTimestamp, 1),
            Value::Timestamp(kNov1Noon));
  EXPECT_EQ(Param(Be32(1), oid::kDate, 1), Value::Timestamp(kPgEpochUnixMicros + 86400000000LL));
  EXPECT_EQ(Param("raw", oid::kText, 1), Value::String("raw"));
  query::Interval iv{1, 2, 3};
  EXPECT_EQ(Param(Be64(3) + Be32(2) + Be32(1), oid::kInterval, 1), Value::IntervalOf(iv));
  // numeric 1234.5: digits 1234, 5000; weight 0; dscale 1.
  std::string numeric;
  for (int16_t v : {2, 0, 0, 1, 1234, 5000}) {
    char b[2];
    PutInt16(b, v);
    numeric.append(b, 2);
  }
  EXPECT_EQ(Param(numeric, oid::kNumeric, 1), Value::Float(1234.5));
  numeric[4] = 0x40;  // negative
  EXPECT_EQ(Param(numeric, oid::kNumeric, 1), Value::Float(-1234.5));
}

TEST(PgTypes, BinaryParameterErrors) {
  auto z = absl::UTCTimeZone();
  EXPECT_EQ(query::SqlStateOf(DecodeParam(Be32(1), oid::kInt8, 1, z).status()), "22P03");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("x", oid::kFloat8, 1, z).status()), "22P03");
  EXPECT_EQ(query::SqlStateOf(DecodeParam("x", 2950 /* uuid */, 1, z).status()), "0A000");
}

TEST(PgTypes, NullParameters) {
  auto v = DecodeParam(std::nullopt, oid::kInt8, 0, absl::UTCTimeZone());
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->null);
  EXPECT_EQ(v->type, Type::kInt64);
  v = DecodeParam(std::nullopt, 0, 1, absl::UTCTimeZone());
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->null);
  EXPECT_EQ(v->type, Type::kNull);
  v = DecodeParam(std::nullopt, oid::kTimestamptz, 1, absl::UTCTimeZone());
  EXPECT_EQ(v->type, Type::kTimestamp);
}

}  // namespace
}  // namespace strata::server::pgwire
