// The binder: resolves a parsed query (ast.h) against the tables and the session, and
// builds the plan (plan.h) the executor runs.
//
// It resolves names (42703 undefined column, 42702 ambiguous, 42P01 undefined table),
// types every expression (expr.h builders), checks grouping (42803), expands *, resolves
// aliases and positions in GROUP BY / ORDER BY, pushes WHERE conjuncts the storage can
// answer exactly (merchant, time range, string equality / IN) into the scan, turns
// ORDER BY ... LIMIT into a top-N sort, and evaluates uncorrelated subqueries in
// expressions (scalar and IN) once, through `run_subquery`.
//
// The merchant scope is applied to every scan it builds, below any predicate of the query.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog.h"
#include "query/ast.h"
#include "query/expr.h"
#include "query/plan.h"

namespace strata::query {

struct BindOptions {
  ExprContext expr;
  const engine::Catalog* catalog = nullptr;
  std::optional<std::vector<uint32_t>> scope;  // dense merchant ids; nullopt = all merchants
  std::vector<Value> params;                   // $1..$n
  // Runs a bound subquery to completion and returns its rows.
  std::function<absl::StatusOr<std::vector<std::vector<Value>>>(const PlanNode&)> run_subquery;
};

absl::StatusOr<PlanPtr> BindQuery(const ast::Query& query, const BindOptions& options);

}  // namespace strata::query
