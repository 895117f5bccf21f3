// Private to the binder: name scopes, grouping state and the Binder class shared by
// binder.cc (queries), binder_expr.cc (expressions) and binder_pushdown.cc (scan pushdown).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "query/ast.h"
#include "query/binder.h"
#include "query/plan.h"

namespace strata::query::binder_internal {

struct ScopeColumn {
  std::string qualifier;  // table name or alias
  std::string name;
  Type type = Type::kNull;
  std::optional<ScanRole> scan_role;  // set when the column comes straight from a scan
  bool hidden = false;
};

struct Scope {
  std::vector<ScopeColumn> columns;
  const PlanNode* scan = nullptr;  // the table scan these columns come from, if any
};

// Grouping: the keys and aggregates of a SELECT that aggregates. Expressions bound in this
// mode refer to the aggregate node's output: keys first, then aggregates.
struct GroupingState {
  const Scope* input = nullptr;
  std::vector<ExprPtr> keys;
  std::vector<std::string> key_text;
  std::vector<BoundAggregate> aggregates;
  std::vector<std::string> aggregate_text;
  std::vector<ast::SelectItem>* select_items = nullptr;  // for alias/position lookups
};

class Binder {
 public:
  explicit Binder(const BindOptions& options) : options_(options) {}

  absl::StatusOr<PlanPtr> BindQuery(const ast::Query& query);

  // Binds `e` over `scope`; with `grouping`, over the aggregate's output instead.
  absl::StatusOr<ExprPtr> BindExpr(const ast::Expr& e, const Scope& scope, GroupingState* grouping,
                                   const char* clause);

 private:
  absl::StatusOr<PlanPtr> BindSelect(const ast::Select& select,
                                     const std::vector<ast::OrderItem>* order_by,
                                     int64_t limit_hint);
  absl::StatusOr<PlanPtr> BindFrom(const ast::TableRef& ref, Scope* scope);
  absl::StatusOr<PlanPtr> BindUnion(const ast::Query& query);
  absl::StatusOr<int64_t> BindLimitValue(const ast::Expr* e, const char* what);

  absl::StatusOr<ExprPtr> BindNode(const ast::Expr& e, const Scope& scope, GroupingState* grouping,
                                   const char* clause);
  absl::StatusOr<ExprPtr> BindColumn(const ast::Expr& e, const Scope& scope);
  absl::StatusOr<ExprPtr> BindFunction(const ast::Expr& e, const Scope& scope,
                                       GroupingState* grouping, const char* clause);
  absl::StatusOr<ExprPtr> BindAggregateCall(const ast::Expr& e, GroupingState* grouping);
  absl::StatusOr<std::vector<std::vector<Value>>> RunSubquery(const ast::Query& q, int pos,
                                                              Type* type);

  // Moves WHERE conjuncts the scan answers exactly into scan->spec.
  absl::Status PushDown(PlanNode* scan, ExprPtr where);

  const BindOptions& options_;
  // CTEs visible at this point, innermost last.
  std::vector<std::map<std::string, const ast::CommonTableExpr*>> ctes_;
};

// True if `e` contains an aggregate call (not looking into subqueries).
bool ContainsAggregate(const ast::Expr& e);
// The name PostgreSQL gives an unaliased select item ("count", "page", "?column?").
std::string FigureColumnName(const ast::Expr& e);
// Rewrites column indices of `e` through `map` (old index -> new index).
void RemapColumns(BoundExpr* e, const std::vector<int>& map);
void CollectColumns(const BoundExpr& e, std::vector<bool>* used);

}  // namespace strata::query::binder_internal
