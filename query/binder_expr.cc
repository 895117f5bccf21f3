// Binding of expressions: names, operators, functions, aggregates and subqueries.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/schema.h"
#include "query/aggregate.h"
#include "query/binder_internal.h"
#include "query/error.h"
#include "query/tables.h"

namespace strata::query::binder_internal {

bool ContainsAggregate(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kFunction && IsAggregateFunction(e.name)) return true;
  for (const ast::ExprPtr& a : e.args) {
    if (a && ContainsAggregate(*a)) return true;
  }
  if (e.filter && ContainsAggregate(*e.filter)) return true;
  if (e.case_operand && ContainsAggregate(*e.case_operand)) return true;
  for (const auto& [when, then] : e.whens) {
    if (ContainsAggregate(*when) || ContainsAggregate(*then)) return true;
  }
  return e.case_else && ContainsAggregate(*e.case_else);
}

std::string FigureColumnName(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kColumn:
      return e.name;
    case ast::ExprKind::kFunction:
      return e.name;
    case ast::ExprKind::kExtract:
      return "extract";
    case ast::ExprKind::kCast: {
      std::string inner = FigureColumnName(*e.args[0]);
      if (inner != "?column?") return inner;
      return e.type_name;
    }
    case ast::ExprKind::kCase:
      return "case";
    case ast::ExprKind::kInterval:
      return "interval";
    case ast::ExprKind::kSubscript:
      if (e.args.size() == 2 && e.args[1]->kind == ast::ExprKind::kLiteral &&
          e.args[1]->literal.type == Type::kString) {
        return e.args[1]->literal.s;
      }
      return "?column?";
    default:
      return "?column?";
  }
}

void RemapColumns(BoundExpr* e, const std::vector<int>& map) {
  if (e->kind == BoundExpr::Kind::kColumn) e->column = map[e->column];
  for (auto& a : e->args) RemapColumns(a.get(), map);
}

void CollectColumns(const BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == BoundExpr::Kind::kColumn) (*used)[e.column] = true;
  for (const auto& a : e.args) CollectColumns(*a, used);
}

absl::StatusOr<ExprPtr> Binder::BindColumn(const ast::Expr& e, const Scope& scope) {
  int found = -1;
  bool qualifier_known = e.qualifier.empty();
  for (size_t i = 0; i < scope.columns.size(); ++i) {
    const ScopeColumn& c = scope.columns[i];
    if (!e.qualifier.empty() && c.qualifier != e.qualifier) continue;
    qualifier_known = true;
    if (c.name != e.name) continue;
    if (found >= 0) {
      return SqlError(sqlstate::kAmbiguousColumn,
                      absl::StrCat("column reference \"", e.name, "\" is ambiguous"), e.pos);
    }
    found = static_cast<int>(i);
  }
  if (!qualifier_known) {
    return SqlError(sqlstate::kUndefinedTable,
                    absl::StrCat("missing FROM-clause entry for table \"", e.qualifier, "\""),
                    e.pos);
  }
  if (found < 0) {
    std::string name = e.qualifier.empty() ? e.name : absl::StrCat(e.qualifier, ".", e.name);
    return SqlError(sqlstate::kUndefinedColumn,
                    absl::StrCat("column \"", name, "\" does not exist"), e.pos);
  }
  return MakeColumn(found, scope.columns[found].type, scope.columns[found].name);
}

absl::StatusOr<std::vector<std::vector<Value>>> Binder::RunSubquery(const ast::Query& q, int pos,
                                                                    Type* type) {
  ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(q));
  size_t visible = 0;
  for (const ResultColumn& c : plan->output) visible += IsHiddenColumn(c.name) ? 0 : 1;
  if (visible != 1) {
    return SqlError(sqlstate::kSyntaxError, "subquery must return only one column", pos);
  }
  *type = plan->output[0].type;
  if (!options_.run_subquery) {
    return SqlError(sqlstate::kFeatureNotSupported, "subqueries are not available here", pos);
  }
  return options_.run_subquery(*plan);
}

namespace {

bool OneMerchantPerGroup(const GroupingState& g) {
  const PlanNode* scan = g.input->scan;
  if (scan != nullptr && (scan->spec.merchants.size() == 1 || scan->scope_empty)) return true;
  for (const ExprPtr& key : g.keys) {
    if (key->kind == BoundExpr::Kind::kColumn &&
        g.input->columns[key->column].scan_role == ScanRole::kMerchant) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<ExprPtr> Binder::BindAggregateCall(const ast::Expr& e, GroupingState* g) {
  if (g == nullptr) {
    return SqlError(sqlstate::kGroupingError, "aggregate function calls cannot be nested", e.pos);
  }
  std::vector<ExprPtr> args;
  std::vector<Type> types;
  std::vector<std::optional<Value>> constants;
  for (const ast::ExprPtr& a : e.args) {
    if (ContainsAggregate(*a)) {
      return SqlError(sqlstate::kGroupingError, "aggregate function calls cannot be nested",
                      a->pos);
    }
    ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*a, *g->input, nullptr, "aggregate"));
    // Exact distinct users: count(DISTINCT client_id) counts the catalog's dense
    // (merchant, client) ids instead of decoding client strings. Pairs equal strings only
    // within one merchant (two merchants may see the same cookie id), so only when the
    // scan reads one merchant or the groups split by merchant.
    if (e.distinct && bound->kind == BoundExpr::Kind::kColumn &&
        g->input->columns[bound->column].scan_role == ScanRole::kClient &&
        OneMerchantPerGroup(*g)) {
      for (size_t i = 0; i < g->input->columns.size(); ++i) {
        if (g->input->columns[i].scan_role == ScanRole::kClientKey) {
          bound = MakeColumn(static_cast<int>(i), Type::kInt64, "__client_key");
        }
      }
    }
    types.push_back(bound->type);
    constants.push_back(bound->is_constant() ? std::optional<Value>(bound->constant)
                                             : std::nullopt);
    args.push_back(std::move(bound));
  }
  auto spec = BindAggregate(e.name, e.star, e.distinct, types, constants);
  if (!spec.ok()) return WithPosition(spec.status(), e.pos);
  BoundAggregate agg;
  agg.spec = std::move(*spec);
  // The leading arguments are inputs; the trailing constant_args are parameters (the
  // fraction of quantile, the delimiter of string_agg).
  const size_t inputs = agg.spec.arg_types.size() - agg.spec.constant_args.size();
  for (size_t i = 0; i < inputs && i < args.size(); ++i) agg.args.push_back(std::move(args[i]));
  if (e.filter) {
    ASSIGN_OR_RETURN(agg.filter, BindExpr(*e.filter, *g->input, nullptr, "FILTER"));
    if (agg.filter->type != Type::kBool && agg.filter->type != Type::kNull) {
      return SqlError(sqlstate::kDatatypeMismatch,
                      absl::StrCat("argument of FILTER must be type boolean, not type ",
                                   std::string(TypeName(agg.filter->type))),
                      e.filter->pos);
    }
  }
  std::string text = e.ToSql();
  Type result = agg.spec.result_type;
  const int keys = static_cast<int>(g->keys.size());
  for (size_t i = 0; i < g->aggregate_text.size(); ++i) {
    if (g->aggregate_text[i] == text) {
      return MakeColumn(keys + static_cast<int>(i), result, agg.spec.name);
    }
  }
  g->aggregate_text.push_back(text);
  std::string name = agg.spec.name;
  g->aggregates.push_back(std::move(agg));
  return MakeColumn(keys + static_cast<int>(g->aggregates.size() - 1), result, name);
}

absl::StatusOr<ExprPtr> Binder::BindFunction(const ast::Expr& e, const Scope& scope,
                                             GroupingState* g, const char* clause) {
  if (IsAggregateFunction(e.name)) {
    if (g == nullptr) {
      return SqlError(sqlstate::kGroupingError,
                      absl::StrCat("aggregate functions are not allowed in ", clause), e.pos);
    }
    return BindAggregateCall(e, g);
  }
  if (e.filter || e.distinct || e.star) {
    return SqlError(sqlstate::kUndefinedFunction,
                    absl::StrCat(e.filter     ? "FILTER"
                                 : e.distinct ? "DISTINCT"
                                              : "*",
                                 " specified, but ", e.name, " is not an aggregate function"),
                    e.pos);
  }
  std::vector<ExprPtr> args;
  for (const ast::ExprPtr& a : e.args) {
    ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*a, scope, g, clause));
    args.push_back(std::move(bound));
  }
  absl::StatusOr<ExprPtr> out;
  if ((e.name == "is_true" || e.name == "is_false") && args.size() == 1) {
    // x IS [NOT] TRUE|FALSE: never NULL. coalesce(x = <bool>, false), negated if NOT.
    std::vector<ExprPtr> eq;
    eq.push_back(std::move(args[0]));
    eq.push_back(MakeConstant(Value::Bool(e.name == "is_true")));
    ASSIGN_OR_RETURN(ExprPtr test, MakeCall("=", std::move(eq), options_.expr));
    std::vector<ExprPtr> co;
    co.push_back(std::move(test));
    co.push_back(MakeConstant(Value::Bool(false)));
    ASSIGN_OR_RETURN(ExprPtr known, MakeCoalesce(std::move(co), options_.expr));
    out = e.negated ? MakeNot(std::move(known), options_.expr) : std::move(known);
  } else if (e.name == "coalesce") {
    out = MakeCoalesce(std::move(args), options_.expr);
  } else {
    out = MakeCall(e.name, std::move(args), options_.expr);
  }
  if (!out.ok()) return WithPosition(out.status(), e.pos);
  return out;
}

absl::StatusOr<ExprPtr> Binder::BindExpr(const ast::Expr& e, const Scope& scope, GroupingState* g,
                                         const char* clause) {
  if (g != nullptr && !(e.kind == ast::ExprKind::kFunction && IsAggregateFunction(e.name)) &&
      !ContainsAggregate(e) && e.kind != ast::ExprKind::kSubquery &&
      e.kind != ast::ExprKind::kInSubquery) {
    // Over the aggregate's output: a grouping key matches as a whole, else its parts must.
    ASSIGN_OR_RETURN(ExprPtr plain, BindNode(e, *g->input, nullptr, clause));
    if (plain->is_constant()) return plain;
    std::string text = plain->ToString();
    for (size_t i = 0; i < g->key_text.size(); ++i) {
      if (g->key_text[i] == text) return MakeColumn(static_cast<int>(i), plain->type, text);
    }
    if (e.kind == ast::ExprKind::kColumn) {
      std::string name = e.qualifier.empty() ? e.name : absl::StrCat(e.qualifier, ".", e.name);
      return SqlError(sqlstate::kGroupingError,
                      absl::StrCat("column \"", name,
                                   "\" must appear in the GROUP BY clause or be used in an "
                                   "aggregate function"),
                      e.pos);
    }
  }
  auto bound = BindNode(e, scope, g, clause);
  if (!bound.ok()) return WithPosition(bound.status(), e.pos);
  return bound;
}

absl::StatusOr<ExprPtr> Binder::BindNode(const ast::Expr& e, const Scope& scope, GroupingState* g,
                                         const char* clause) {
  const ExprContext& ctx = options_.expr;
  auto bind = [&](const ast::Expr& child) { return BindExpr(child, scope, g, clause); };
  switch (e.kind) {
    case ast::ExprKind::kLiteral:
      return MakeConstant(e.literal);
    case ast::ExprKind::kColumn:
      return BindColumn(e, scope);
    case ast::ExprKind::kStar:
      return SqlError(sqlstate::kSyntaxError, "* is not allowed here", e.pos);
    case ast::ExprKind::kParam:
      if (e.param_index < 1 || e.param_index > static_cast<int>(options_.params.size())) {
        return SqlError("42P02", absl::StrCat("there is no parameter $", e.param_index), e.pos);
      }
      return MakeConstant(options_.params[e.param_index - 1]);
    case ast::ExprKind::kUnary: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      if (e.op == "NOT") return MakeNot(std::move(arg), ctx);
      if (e.op == "+") return arg;
      std::vector<ExprPtr> args;
      args.push_back(std::move(arg));
      return MakeCall("neg", std::move(args), ctx);
    }
    case ast::ExprKind::kBinary: {
      ASSIGN_OR_RETURN(ExprPtr left, bind(*e.args[0]));
      ASSIGN_OR_RETURN(ExprPtr right, bind(*e.args[1]));
      std::vector<ExprPtr> args;
      args.push_back(std::move(left));
      args.push_back(std::move(right));
      if (e.op == "AND") return MakeAnd(std::move(args), ctx);
      if (e.op == "OR") return MakeOr(std::move(args), ctx);
      return MakeCall(e.op, std::move(args), ctx);
    }
    case ast::ExprKind::kFunction:
      return BindFunction(e, scope, g, clause);
    case ast::ExprKind::kCast: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      Type to;
      if (!ParseTypeName(e.type_name, &to)) {
        return SqlError("42704", absl::StrCat("type \"", e.type_name, "\" does not exist"), e.pos);
      }
      ASSIGN_OR_RETURN(ExprPtr cast, MakeCast(std::move(arg), to, ctx));
      if (e.type_name == "date") {
        std::vector<ExprPtr> args;
        args.push_back(MakeConstant(Value::String("day")));
        args.push_back(std::move(cast));
        return MakeCall("date_trunc", std::move(args), ctx);
      }
      return cast;
    }
    case ast::ExprKind::kCase: {
      ExprPtr operand;
      if (e.case_operand) {
        ASSIGN_OR_RETURN(operand, bind(*e.case_operand));
      }
      std::vector<std::pair<ExprPtr, ExprPtr>> whens;
      for (const auto& [when, then] : e.whens) {
        ASSIGN_OR_RETURN(ExprPtr w, bind(*when));
        ASSIGN_OR_RETURN(ExprPtr t, bind(*then));
        whens.emplace_back(std::move(w), std::move(t));
      }
      ExprPtr otherwise;
      if (e.case_else) {
        ASSIGN_OR_RETURN(otherwise, bind(*e.case_else));
      }
      return MakeCase(std::move(operand), std::move(whens), std::move(otherwise), ctx);
    }
    case ast::ExprKind::kIn: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      std::vector<ExprPtr> list;
      for (size_t i = 1; i < e.args.size(); ++i) {
        ASSIGN_OR_RETURN(ExprPtr item, bind(*e.args[i]));
        list.push_back(std::move(item));
      }
      return MakeIn(std::move(arg), std::move(list), e.negated, ctx);
    }
    case ast::ExprKind::kInSubquery: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      Type type = Type::kNull;
      ASSIGN_OR_RETURN(auto rows, RunSubquery(*e.subquery, e.pos, &type));
      if (rows.empty()) {
        // x IN (empty set) is false and NOT IN is true, even for a NULL x.
        return MakeConstant(Value::Bool(e.negated));
      }
      std::vector<ExprPtr> list;
      for (auto& row : rows) list.push_back(MakeConstant(std::move(row[0])));
      return MakeIn(std::move(arg), std::move(list), e.negated, ctx);
    }
    case ast::ExprKind::kBetween: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      ASSIGN_OR_RETURN(ExprPtr lo, bind(*e.args[1]));
      ASSIGN_OR_RETURN(ExprPtr hi, bind(*e.args[2]));
      std::vector<ExprPtr> low_args, high_args;
      low_args.push_back(arg->Clone());
      low_args.push_back(std::move(lo));
      high_args.push_back(std::move(arg));
      high_args.push_back(std::move(hi));
      ASSIGN_OR_RETURN(ExprPtr low, MakeCall(e.negated ? "<" : ">=", std::move(low_args), ctx));
      ASSIGN_OR_RETURN(ExprPtr high, MakeCall(e.negated ? ">" : "<=", std::move(high_args), ctx));
      std::vector<ExprPtr> both;
      both.push_back(std::move(low));
      both.push_back(std::move(high));
      return e.negated ? MakeOr(std::move(both), ctx) : MakeAnd(std::move(both), ctx);
    }
    case ast::ExprKind::kLike: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      ASSIGN_OR_RETURN(ExprPtr pattern, bind(*e.args[1]));
      return MakeLike(std::move(arg), std::move(pattern), e.negated, e.op == "ILIKE", ctx);
    }
    case ast::ExprKind::kIsNull: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      return MakeIsNull(std::move(arg), e.negated);
    }
    case ast::ExprKind::kSubscript: {
      ASSIGN_OR_RETURN(ExprPtr base, bind(*e.args[0]));
      ASSIGN_OR_RETURN(ExprPtr key, bind(*e.args[1]));
      std::vector<ExprPtr> args;
      args.push_back(std::move(base));
      args.push_back(std::move(key));
      return MakeCall("json_get_text", std::move(args), ctx);
    }
    case ast::ExprKind::kInterval:
      return MakeCast(MakeConstant(Value::String(e.literal.s)), Type::kInterval, ctx);
    case ast::ExprKind::kExtract: {
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*e.args[0]));
      std::vector<ExprPtr> args;
      args.push_back(MakeConstant(Value::String(e.name)));
      args.push_back(std::move(arg));
      return MakeCall("extract", std::move(args), ctx);
    }
    case ast::ExprKind::kSubquery: {
      Type type = Type::kNull;
      ASSIGN_OR_RETURN(auto rows, RunSubquery(*e.subquery, e.pos, &type));
      if (rows.size() > 1) {
        return SqlError("21000",
                        "more than one row returned by a subquery used as an "
                        "expression",
                        e.pos);
      }
      if (rows.empty()) return MakeConstant(Value::Null(type));
      return MakeConstant(std::move(rows[0][0]));
    }
  }
  return SqlError(sqlstate::kInternalError, "unknown expression kind", e.pos);
}

}  // namespace strata::query::binder_internal
