// Helpers for the expression and evaluator tests: building constants and calls tersely,
// and showing results as text ("NULL", "ERROR 22012: division by zero").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/expr.h"
#include "query/vector.h"

namespace strata::query::testing {

inline ExprPtr Lit(Value v) { return MakeConstant(std::move(v)); }
inline ExprPtr Str(std::string s) { return Lit(Value::String(std::move(s))); }
inline ExprPtr Int(int64_t x) { return Lit(Value::Int(x)); }
inline ExprPtr Dbl(double x) { return Lit(Value::Float(x)); }
inline ExprPtr Bool(bool b) { return Lit(Value::Bool(b)); }
inline ExprPtr Null() { return Lit(Value::Null()); }
inline ExprPtr Ts(int64_t us) { return Lit(Value::Timestamp(us)); }
inline ExprPtr Iv(int32_t months, int32_t days, int64_t micros) {
  return Lit(Value::IntervalOf(Interval{months, days, micros}));
}

template <class... A>
std::vector<ExprPtr> Args(A&&... a) {
  std::vector<ExprPtr> v;
  (v.push_back(std::forward<A>(a)), ...);
  return v;
}

inline ExprContext Ctx(const char* zone = "UTC", int64_t now_us = 1'793'491'200'000'000) {
  ExprContext ctx;
  ctx.now_us = now_us;  // 2026-11-01 00:00:00 UTC
  ctx.time_zone = *LoadZone(zone);
  return ctx;
}

inline std::string ErrorText(const absl::Status& s) {
  return absl::StrCat("ERROR ", SqlStateOf(s), ": ", s.message());
}

inline std::string ValueText(const Value& v, const absl::TimeZone& zone = absl::UTCTimeZone()) {
  return v.null ? "NULL" : v.ToString(zone);
}

// The folded result of an expression build, as text; errors as "ERROR <state>: <msg>".
inline std::string Folded(const absl::StatusOr<ExprPtr>& e) {
  if (!e.ok()) return ErrorText(e.status());
  if (!(*e)->is_constant()) return "NOT CONSTANT: " + (*e)->ToString();
  return ValueText((*e)->constant);
}

// name(args...) folded at build time.
inline std::string Call(std::string_view name, std::vector<ExprPtr> args,
                        const ExprContext& ctx = Ctx()) {
  return Folded(MakeCall(name, std::move(args), ctx));
}

inline std::string StateOf(const absl::StatusOr<ExprPtr>& e) {
  return e.ok() ? "00000" : SqlStateOf(e.status());
}

// Vectors from optional values (nullopt = NULL).
inline Vector Ints(const std::vector<std::optional<int64_t>>& xs, Type t = Type::kInt64) {
  Vector v(t);
  for (const auto& x : xs) {
    Value val = Value::Null(t);
    if (x.has_value()) {
      val.null = false;
      val.i = *x;
    }
    v.Append(val);
  }
  return v;
}

inline Vector Doubles(const std::vector<std::optional<double>>& xs) {
  Vector v(Type::kFloat64);
  for (const auto& x : xs) v.Append(x.has_value() ? Value::Float(*x) : Value::Null(Type::kFloat64));
  return v;
}

inline Vector Strings(const std::vector<std::optional<std::string>>& xs) {
  Vector v(Type::kString);
  for (const auto& x : xs) {
    v.Append(x.has_value() ? Value::String(*x) : Value::Null(Type::kString));
  }
  return v;
}

// A dictionary-coded string vector: values index `dictionary` (nullopt = NULL row).
inline Vector Coded(const std::vector<std::string>* dictionary,
                    const std::vector<std::optional<uint32_t>>& codes) {
  Vector v(Type::kString);
  bool any_null = false;
  for (const auto& c : codes) {
    v.str.push_back(c.has_value() ? std::string_view((*dictionary)[*c]) : std::string_view());
    v.codes.push_back(c.value_or(0));
    any_null |= !c.has_value();
  }
  if (any_null) {
    for (const auto& c : codes) v.nulls.push_back(!c.has_value());
  }
  v.code_source = dictionary;
  return v;
}

inline Chunk MakeChunk(std::vector<Vector> columns) {
  Chunk c;
  c.rows = columns.empty() ? 0 : columns[0].size();
  c.columns = std::move(columns);
  return c;
}

// Every row of a vector as text.
inline std::vector<std::string> Texts(const Vector& v,
                                      const absl::TimeZone& zone = absl::UTCTimeZone()) {
  std::vector<std::string> out;
  for (size_t r = 0; r < v.size(); ++r) out.push_back(ValueText(v.GetValue(r), zone));
  return out;
}

// Evaluates `e` over `chunk`; the rows as text, or the error as the only element.
inline std::vector<std::string> EvalTexts(const BoundExpr& e, const Chunk& chunk,
                                          const ExprContext& ctx = Ctx()) {
  ExprEvaluator ev(ctx);
  Vector out;
  absl::Status s = ev.Eval(e, chunk, &out);
  if (!s.ok()) return {ErrorText(s)};
  return Texts(out, ctx.time_zone);
}

inline std::vector<uint32_t> SelectRows(const BoundExpr& e, const Chunk& chunk,
                                        const ExprContext& ctx = Ctx()) {
  ExprEvaluator ev(ctx);
  std::vector<uint32_t> sel;
  absl::Status s = ev.Select(e, chunk, &sel);
  if (!s.ok()) return {UINT32_MAX};
  return sel;
}

// Microseconds of a timestamp text in UTC (for expected values).
inline int64_t TsUs(const char* text) { return *ParseTimestamp(text, absl::UTCTimeZone()); }

}  // namespace strata::query::testing
