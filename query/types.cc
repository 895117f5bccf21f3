#include "query/types.h"

#include "query/cast.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace strata::query {

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
  if (n == "int" || n == "integer" || n == "int2" || n == "int4" || n == "int8" || n == "bigint" ||
      n == "smallint") {
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
    case Type::kFloat64: {
      char buf[64];
      return std::string(buf, FormatDoubleTo(f, buf));
    }
    case Type::kString:
      return s;
    case Type::kTimestamp: {
      char buf[64];
      int offset = zone.At(absl::FromUnixMicros(i)).offset;
      return std::string(buf, FormatTimestampTo(i, offset, buf));
    }
    case Type::kInterval: {
      char buf[128];
      return std::string(buf, FormatIntervalTo(iv, buf));
    }
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
