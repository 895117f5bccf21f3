// Test helpers: building columns and chunks from values, reading results back as rows.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "query/types.h"
#include "query/vector.h"

namespace strata::query::testing {

inline Value I(int64_t x) { return Value::Int(x); }
inline Value F(double x) { return Value::Float(x); }
inline Value S(std::string x) { return Value::String(std::move(x)); }
inline Value B(bool x) { return Value::Bool(x); }
inline Value T(int64_t us) { return Value::Timestamp(us); }
inline Value Iv(int32_t months, int32_t days, int64_t micros) {
  return Value::IntervalOf(Interval{months, days, micros});
}
inline Value N(Type t) { return Value::Null(t); }

inline Vector Column(Type type, const std::vector<Value>& values) {
  Vector v(type);
  for (const Value& x : values) v.Append(x);
  return v;
}

inline Chunk MakeChunk(std::vector<Vector> columns) {
  Chunk c;
  c.rows = columns.empty() ? 0 : columns[0].size();
  c.columns = std::move(columns);
  return c;
}

inline std::vector<std::vector<Value>> Rows(const std::vector<Chunk>& chunks) {
  std::vector<std::vector<Value>> rows;
  for (const Chunk& c : chunks) {
    for (size_t r = 0; r < c.rows; ++r) {
      std::vector<Value> row;
      for (const Vector& v : c.columns) row.push_back(v.GetValue(r));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// A total order on values for sorting result rows in tests (NULLs first).
inline bool ValueLess(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null && !b.null;
  switch (a.type) {
    case Type::kFloat64:
      if (std::isnan(a.f) || std::isnan(b.f)) return !std::isnan(a.f) && std::isnan(b.f);
      return a.f < b.f;
    case Type::kString:
      return a.s < b.s;
    case Type::kInterval:
      if (a.iv.months != b.iv.months) return a.iv.months < b.iv.months;
      if (a.iv.days != b.iv.days) return a.iv.days < b.iv.days;
      return a.iv.micros < b.iv.micros;
    default:
      return a.i < b.i;
  }
}

inline bool RowLess(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (ValueLess(a[i], b[i])) return true;
    if (ValueLess(b[i], a[i])) return false;
  }
  return a.size() < b.size();
}

}  // namespace strata::query::testing
