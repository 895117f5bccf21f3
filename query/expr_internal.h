// Helpers shared by the expression builders (private to the expression module).
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/expr.h"

namespace strata::query {

// An untyped literal in PostgreSQL's sense: a string constant (its type is decided by
// context, so `ts >= '2026-11-01'` compares timestamps) or a bare NULL.
bool IsUnknownLiteral(const BoundExpr& e);

// What it costs to pass `e` where `to` is expected, or -1 if it cannot be: 0 same type,
// 1 NULL or bigint -> double, 2 a string literal cast to `to`.
int CoercionCost(const BoundExpr& e, Type to);

// Converts `e` to type `to` by the implicit rules above (a string literal is cast, which
// may fail with the cast's error). The caller has checked CoercionCost >= 0.
absl::StatusOr<ExprPtr> Coerce(ExprPtr e, Type to, const ExprContext& ctx);

// The type a set of expressions (CASE results, COALESCE arguments, IN items) resolves to:
// the common type of the typed ones, text if only string literals, NULL if only NULLs.
// 42804 "<context> types X and Y cannot be matched".
absl::StatusOr<Type> ResolveCommonType(const std::vector<const BoundExpr*>& exprs,
                                       std::string_view context);

// Replaces `e` by a constant if it has no column references below it; errors of the
// evaluation are returned (as PostgreSQL does for constant expressions).
absl::StatusOr<ExprPtr> FoldIfConstant(ExprPtr e, const ExprContext& ctx);

// Coerces a condition to boolean: 42804 "argument of <context> must be type boolean, not
// type X".
absl::StatusOr<ExprPtr> CoerceCondition(ExprPtr e, std::string_view context,
                                        const ExprContext& ctx);

}  // namespace strata::query
