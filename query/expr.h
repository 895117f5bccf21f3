// Bound expressions: typed, name-resolved expression trees, and their builders.
//
// The binder turns ast::Expr into BoundExpr with the builders below; they resolve
// functions and operators, insert implicit casts, check types (42804 / 42883) and fold
// constant subtrees, so `ts >= now() - INTERVAL '7 days'` reaches the planner as
// `ts >= <timestamp constant>`. Evaluation is in evaluator.h.
//
// Shapes the planner relies on (to push predicates into the scan):
//   - kColumn: `column` indexes the input chunk.
//   - kConstant: `constant` holds the value (folded).
//   - comparisons: kCall with name "=", "<>", "<", "<=", ">", ">=" and two args;
//   - kAnd / kOr: n >= 2 args, flattened (no kAnd directly under kAnd);
//   - kIn: args[0] the tested expression, args[1..] the list; `negated` for NOT IN.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query/types.h"

namespace strata::query {

struct ScalarFunction;  // functions.h (private to the expression module)

// What expression building and evaluation need from the session.
struct ExprContext {
  int64_t now_us = 0;                              // now(), current_timestamp: fixed per statement
  absl::TimeZone time_zone = absl::UTCTimeZone();  // the session's TimeZone setting
};

struct BoundExpr {
  enum class Kind {
    kColumn,    // input column `column`
    kConstant,  // `constant`
    kCall,      // scalar function or operator `name` over args (fn = implementation)
    kCast,      // args[0] cast to `type`
    kCase,  // args = [cond1, then1, cond2, then2, ..., else] (else is a NULL constant if absent)
    kAnd,
    kOr,
    kNot,
    kIsNull,    // args[0] IS [NOT] NULL (negated)
    kIn,        // args[0] [NOT] IN (args[1..])
    kLike,      // args[0] [NOT] LIKE args[1]; `case_insensitive` for ILIKE
    kCoalesce,  // first non-null of args
  };
  Kind kind = Kind::kConstant;
  Type type = Type::kNull;
  int column = -1;
  Value constant;
  std::string name;  // kCall: canonical name; kColumn: column name (for EXPLAIN)
  const ScalarFunction* fn = nullptr;
  bool negated = false;
  bool case_insensitive = false;
  std::vector<std::unique_ptr<BoundExpr>> args;

  bool is_constant() const { return kind == Kind::kConstant; }
  // SQL-like text for EXPLAIN and default column names: "(ts >= '2026-11-01 00:00:00+00')".
  std::string ToString() const;
  std::unique_ptr<BoundExpr> Clone() const;
};
using ExprPtr = std::unique_ptr<BoundExpr>;

ExprPtr MakeColumn(int column, Type type, std::string name);
ExprPtr MakeConstant(Value v);

// Operators and functions by name. Operators: "+", "-", "*", "/", "%", "||", "=", "<>",
// "<", "<=", ">", ">=", unary "neg". Functions (lower case): abs, round, floor, ceil, sqrt,
// ln, log, exp, power, greatest, least, lower, upper, length, substr/substring, split_part,
// starts_with, strpos, replace, trim/ltrim/rtrim, concat, left, right, regexp_like,
// regexp_match, regexp_replace (RE2), nullif, now, current_timestamp, time_bucket,
// date_trunc, date_part, extract (args: field text constant, value), to_timestamp, epoch_us,
// json_get_text (params['key']). regexp_like(s, re) is the boolean test; regexp_match
// returns the first capture group (or the whole match) as text, NULL without a match.
// Errors: 42883 unknown function or no overload for these argument types (the message lists
// the types: "function lower(bigint) does not exist"), 42804 bad argument types, 22xxx when
// folding a constant fails (division by zero, bad interval text).
absl::StatusOr<ExprPtr> MakeCall(std::string_view name, std::vector<ExprPtr> args,
                                 const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeCast(ExprPtr arg, Type to, const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeAnd(std::vector<ExprPtr> args, const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeOr(std::vector<ExprPtr> args, const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeNot(ExprPtr arg, const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeIsNull(ExprPtr arg, bool negated);
absl::StatusOr<ExprPtr> MakeIn(ExprPtr arg, std::vector<ExprPtr> list, bool negated,
                               const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeLike(ExprPtr arg, ExprPtr pattern, bool negated, bool case_insensitive,
                                 const ExprContext& ctx);
// CASE WHEN c1 THEN r1 ... ELSE e END; `operand` (may be null) makes it CASE x WHEN v ...
absl::StatusOr<ExprPtr> MakeCase(ExprPtr operand, std::vector<std::pair<ExprPtr, ExprPtr>> whens,
                                 ExprPtr else_result, const ExprContext& ctx);
absl::StatusOr<ExprPtr> MakeCoalesce(std::vector<ExprPtr> args, const ExprContext& ctx);

// The common type two branches / list items / UNION columns coerce to (int64+float64 ->
// float64, NULL + t -> t); 42804 if none.
absl::StatusOr<Type> CommonType(Type a, Type b);

// Parses the text of an interval ('7 days', '1 hour 30 minutes', '15 min', '2 weeks',
// '1 month', '00:15:00', PG's verbose forms). 22007 on bad text.
absl::StatusOr<Interval> ParseInterval(std::string_view text);
// Parses a timestamp literal: RFC 3339 ('2026-11-01T00:00:00Z', with offset or fraction),
// '2026-11-01 00:00:00[.ffffff][+01[:00]]', or a date '2026-11-01'. Text without an
// offset is in `zone`. 22007 on bad text.
absl::StatusOr<int64_t> ParseTimestamp(std::string_view text, const absl::TimeZone& zone);
// Loads a zone from the system tz database ('Europe/Berlin', 'UTC', '+02:00'); 22023 if unknown.
absl::StatusOr<absl::TimeZone> LoadZone(std::string_view name);

}  // namespace strata::query
