// Binding of queries: WITH, UNION ALL, SELECT, FROM, GROUP BY, ORDER BY, LIMIT.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/binder_internal.h"
#include "query/error.h"
#include "query/tables.h"

namespace strata::query {
namespace binder_internal {
namespace {

// A select-list entry after * expansion.
struct Item {
  const ast::Expr* expr = nullptr;
  std::string name;
  bool aliased = false;
  ast::ExprPtr owned;  // for expanded stars
};

absl::StatusOr<std::vector<Item>> ExpandItems(const ast::Select& select, const Scope& scope) {
  std::vector<Item> items;
  for (const ast::SelectItem& si : select.items) {
    if (si.expr->kind != ast::ExprKind::kStar) {
      Item item;
      item.expr = si.expr.get();
      item.aliased = !si.alias.empty();
      item.name = item.aliased ? si.alias : FigureColumnName(*si.expr);
      items.push_back(std::move(item));
      continue;
    }
    bool any = false;
    for (const ScopeColumn& c : scope.columns) {
      if (c.hidden) continue;
      if (!si.expr->qualifier.empty() && c.qualifier != si.expr->qualifier) continue;
      any = true;
      Item item;
      item.owned = std::make_unique<ast::Expr>();
      item.owned->kind = ast::ExprKind::kColumn;
      item.owned->pos = si.expr->pos;
      item.owned->qualifier = c.qualifier;
      item.owned->name = c.name;
      item.expr = item.owned.get();
      item.name = c.name;
      items.push_back(std::move(item));
    }
    if (!any && !si.expr->qualifier.empty()) {
      return SqlError(
          sqlstate::kUndefinedTable,
          absl::StrCat("missing FROM-clause entry for table \"", si.expr->qualifier, "\""),
          si.expr->pos);
    }
    if (!any && scope.columns.empty()) {
      return SqlError(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                      si.expr->pos);
    }
  }
  return items;
}

absl::Status RequireBoolean(const BoundExpr& e, const char* clause, int pos) {
  if (e.type == Type::kBool || e.type == Type::kNull) return absl::OkStatus();
  return SqlError(sqlstate::kDatatypeMismatch,
                  absl::StrCat("argument of ", clause, " must be type boolean, not type ",
                               std::string(TypeName(e.type))),
                  pos);
}

// The 1-based position an integer literal names, or 0 if `e` is not one.
int64_t PositionOf(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kLiteral && !e.literal.null && e.literal.type == Type::kInt64) {
    return e.literal.i;
  }
  return 0;
}

bool IsPlainName(const ast::Expr& e) {
  return e.kind == ast::ExprKind::kColumn && e.qualifier.empty();
}

bool ScopeHas(const Scope& scope, const std::string& name) {
  for (const ScopeColumn& c : scope.columns) {
    if (c.name == name) return true;
  }
  return false;
}

// Keeps only the scan columns that `consumers` and the residual use, renumbering them.
void PruneScan(PlanNode* scan, const std::vector<BoundExpr*>& consumers) {
  std::vector<bool> used(scan->scan_columns.size(), false);
  if (scan->residual) CollectColumns(*scan->residual, &used);
  for (const BoundExpr* e : consumers) CollectColumns(*e, &used);
  std::vector<int> map(used.size(), -1);
  std::vector<ScanColumn> kept;
  std::vector<ResultColumn> output;
  for (size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) continue;
    map[i] = static_cast<int>(kept.size());
    kept.push_back(scan->scan_columns[i]);
    output.push_back(scan->output[i]);
  }
  if (scan->residual) RemapColumns(scan->residual.get(), map);
  for (BoundExpr* e : consumers) RemapColumns(e, map);
  scan->scan_columns = std::move(kept);
  scan->output = std::move(output);
}

PlanPtr MakeProject(PlanPtr child, std::vector<ExprPtr> exprs, std::vector<ResultColumn> out) {
  auto node = std::make_unique<PlanNode>();
  node->kind = PlanNode::Kind::kProject;
  node->exprs = std::move(exprs);
  node->output = std::move(out);
  node->children.push_back(std::move(child));
  return node;
}

}  // namespace

absl::StatusOr<int64_t> Binder::BindLimitValue(const ast::Expr* e, const char* what) {
  if (e == nullptr) return -1;
  Scope empty;
  ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*e, empty, nullptr, what));
  if (!bound->is_constant()) {
    return SqlError(sqlstate::kSyntaxError,
                    absl::StrCat("argument of ", what, " must be a constant"), e->pos);
  }
  const Value& v = bound->constant;
  if (v.null) return -1;
  int64_t n = 0;
  if (v.type == Type::kInt64) {
    n = v.i;
  } else if (v.type == Type::kFloat64) {
    n = static_cast<int64_t>(v.f + (v.f < 0 ? -0.5 : 0.5));
  } else {
    return SqlError(sqlstate::kDatatypeMismatch,
                    absl::StrCat("argument of ", what, " must be type bigint, not type ",
                                 std::string(TypeName(v.type))),
                    e->pos);
  }
  if (n < 0) {
    return SqlError(std::string(what) == "LIMIT" ? "2201W" : "2201X",
                    absl::StrCat(what, " must not be negative"), e->pos);
  }
  return n;
}

absl::StatusOr<PlanPtr> Binder::BindQuery(const ast::Query& query) {
  std::map<std::string, const ast::CommonTableExpr*> ctes;
  ctes_.emplace_back();
  for (const ast::CommonTableExpr& cte : query.with) {
    if (ctes_.back().count(cte.name)) {
      ctes_.pop_back();
      return SqlError(sqlstate::kDuplicateAlias,
                      absl::StrCat("WITH query name \"", cte.name, "\" specified more than once"),
                      cte.pos);
    }
    ctes_.back()[cte.name] = &cte;
  }
  auto result = [&]() -> absl::StatusOr<PlanPtr> {
    ASSIGN_OR_RETURN(int64_t limit, BindLimitValue(query.limit.get(), "LIMIT"));
    ASSIGN_OR_RETURN(int64_t offset, BindLimitValue(query.offset.get(), "OFFSET"));
    if (offset < 0) offset = 0;
    int64_t top_n = limit >= 0 ? limit + offset : -1;
    PlanPtr plan;
    if (query.terms.size() == 1) {
      ASSIGN_OR_RETURN(plan, BindSelect(query.terms[0], &query.order_by, top_n));
    } else {
      ASSIGN_OR_RETURN(plan, BindUnion(query));
      if (!query.order_by.empty()) {
        auto sort = std::make_unique<PlanNode>();
        sort->kind = PlanNode::Kind::kSort;
        sort->output = plan->output;
        sort->limit = top_n;
        for (const ast::OrderItem& o : query.order_by) {
          int64_t index = -1;
          if (int64_t p = PositionOf(*o.expr); p != 0) {
            if (p < 1 || p > static_cast<int64_t>(plan->output.size())) {
              return SqlError("42P10",
                              absl::StrCat("ORDER BY position ", p, " is not in select list"),
                              o.expr->pos);
            }
            index = p - 1;
          } else if (IsPlainName(*o.expr)) {
            for (size_t i = 0; i < plan->output.size(); ++i) {
              if (plan->output[i].name == o.expr->name) index = static_cast<int64_t>(i);
            }
          }
          if (index < 0) {
            return SqlError(sqlstate::kFeatureNotSupported,
                            "ORDER BY on a UNION ALL result must name an output column or "
                            "position",
                            o.expr->pos);
          }
          sort->sort_keys.push_back(
              {static_cast<int>(index), o.desc, o.nulls_first.value_or(o.desc)});
        }
        sort->children.push_back(std::move(plan));
        plan = std::move(sort);
      }
    }
    if (limit >= 0 || offset > 0) {
      auto node = std::make_unique<PlanNode>();
      node->kind = PlanNode::Kind::kLimit;
      node->output = plan->output;
      node->limit = limit;
      node->offset = offset;
      node->children.push_back(std::move(plan));
      plan = std::move(node);
    }
    return plan;
  }();
  ctes_.pop_back();
  return result;
}

absl::StatusOr<PlanPtr> Binder::BindUnion(const ast::Query& query) {
  std::vector<PlanPtr> terms;
  for (const ast::Select& s : query.terms) {
    ASSIGN_OR_RETURN(PlanPtr p, BindSelect(s, nullptr, -1));
    if (!terms.empty() && p->output.size() != terms[0]->output.size()) {
      return SqlError(sqlstate::kSyntaxError,
                      "each UNION query must have the same number of columns", s.pos);
    }
    terms.push_back(std::move(p));
  }
  std::vector<ResultColumn> output = terms[0]->output;
  for (size_t c = 0; c < output.size(); ++c) {
    for (size_t t = 1; t < terms.size(); ++t) {
      auto common = CommonType(output[c].type, terms[t]->output[c].type);
      if (!common.ok()) {
        return SqlError(
            sqlstate::kDatatypeMismatch,
            absl::StrCat("UNION types ", std::string(TypeName(output[c].type)), " and ",
                         std::string(TypeName(terms[t]->output[c].type)), " cannot be matched"),
            query.terms[t].pos);
      }
      output[c].type = *common;
    }
  }
  auto node = std::make_unique<PlanNode>();
  node->kind = PlanNode::Kind::kUnionAll;
  node->output = output;
  for (PlanPtr& t : terms) {
    bool same = true;
    for (size_t c = 0; c < output.size(); ++c) same &= t->output[c].type == output[c].type;
    if (!same) {
      std::vector<ExprPtr> exprs;
      std::vector<ResultColumn> out = t->output;
      for (size_t c = 0; c < output.size(); ++c) {
        ExprPtr col = MakeColumn(static_cast<int>(c), t->output[c].type, t->output[c].name);
        if (t->output[c].type != output[c].type) {
          ASSIGN_OR_RETURN(col, MakeCast(std::move(col), output[c].type, options_.expr));
        }
        out[c].type = output[c].type;
        exprs.push_back(std::move(col));
      }
      t = MakeProject(std::move(t), std::move(exprs), std::move(out));
    }
    node->children.push_back(std::move(t));
  }
  return node;
}

absl::StatusOr<PlanPtr> Binder::BindFrom(const ast::TableRef& ref, Scope* scope) {
  auto add_plan_columns = [&](const PlanNode& plan, const std::string& qualifier) {
    for (const ResultColumn& c : plan.output) {
      scope->columns.push_back({qualifier, c.name, c.type, std::nullopt, IsHiddenColumn(c.name)});
    }
  };
  if (ref.subquery) {
    ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*ref.subquery));
    add_plan_columns(*plan, ref.alias);
    return plan;
  }
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
    auto found = it->find(ref.name);
    if (found == it->end()) continue;
    const ast::CommonTableExpr* cte = found->second;
    // A CTE sees the outer levels and the CTEs of its own WITH declared before it.
    const size_t level = static_cast<size_t>(std::distance(ctes_.begin(), it.base()) - 1);
    std::vector<std::map<std::string, const ast::CommonTableExpr*>> saved(ctes_.begin() + level,
                                                                          ctes_.end());
    ctes_.resize(level);
    std::map<std::string, const ast::CommonTableExpr*> visible;
    for (const auto& [name, other] : saved.front()) {
      if (other->pos < cte->pos) visible[name] = other;
    }
    ctes_.push_back(std::move(visible));
    auto plan = BindQuery(*cte->query);
    ctes_.resize(level);
    for (auto& lvl : saved) ctes_.push_back(std::move(lvl));
    if (!plan.ok()) return plan.status();
    if (!cte->column_names.empty()) {
      if (cte->column_names.size() > (*plan)->output.size()) {
        return SqlError(
            sqlstate::kSyntaxError,
            absl::StrCat("WITH query \"", cte->name, "\" has ", (*plan)->output.size(),
                         " columns available but ", cte->column_names.size(), " columns specified"),
            cte->pos);
      }
      for (size_t i = 0; i < cte->column_names.size(); ++i) {
        (*plan)->output[i].name = cte->column_names[i];
      }
    }
    add_plan_columns(**plan, ref.alias.empty() ? ref.name : ref.alias);
    return std::move(*plan);
  }
  const TableInfo* table = FindTable(ref.name);
  if (table == nullptr) {
    return SqlError(sqlstate::kUndefinedTable,
                    absl::StrCat("relation \"", ref.name, "\" does not exist"), ref.pos);
  }
  auto scan = std::make_unique<PlanNode>();
  scan->kind = PlanNode::Kind::kScan;
  scan->table = std::string(table->name);
  scan->table_id = table->id;
  if (IsStoredTable(table->id)) scan->spec.table = ScanTableOf(table->id);
  scan->scan_columns = *table->columns;
  const std::string qualifier = ref.alias.empty() ? scan->table : ref.alias;
  for (const ScanColumn& c : scan->scan_columns) {
    scan->output.push_back({c.name, c.type});
    scope->columns.push_back({qualifier, c.name, c.type, c.role, IsHiddenColumn(c.name)});
  }
  if (options_.scope.has_value()) {
    scan->spec.merchants = *options_.scope;
    scan->scope_empty = options_.scope->empty();
  }
  scope->scan = scan.get();
  return scan;
}

absl::StatusOr<PlanPtr> Binder::BindSelect(const ast::Select& select,
                                           const std::vector<ast::OrderItem>* order_by,
                                           int64_t top_n) {
  Scope scope;
  PlanPtr input;
  if (select.from.has_value()) {
    ASSIGN_OR_RETURN(input, BindFrom(*select.from, &scope));
  } else {
    input = std::make_unique<PlanNode>();
    input->kind = PlanNode::Kind::kValues;
  }

  if (select.where) {
    if (ContainsAggregate(*select.where)) {
      return SqlError(sqlstate::kGroupingError, "aggregate functions are not allowed in WHERE",
                      select.where->pos);
    }
    ASSIGN_OR_RETURN(ExprPtr where, BindExpr(*select.where, scope, nullptr, "WHERE"));
    RETURN_IF_ERROR(RequireBoolean(*where, "WHERE", select.where->pos));
    if (input->kind == PlanNode::Kind::kScan) {
      RETURN_IF_ERROR(PushDown(input.get(), std::move(where)));
    } else {
      auto filter = std::make_unique<PlanNode>();
      filter->kind = PlanNode::Kind::kFilter;
      filter->output = input->output;
      filter->predicate = std::move(where);
      filter->children.push_back(std::move(input));
      input = std::move(filter);
    }
  }

  ASSIGN_OR_RETURN(std::vector<Item> items, ExpandItems(select, scope));
  bool aggregating = !select.group_by.empty() || (select.having != nullptr);
  for (const Item& item : items) aggregating |= ContainsAggregate(*item.expr);
  if (order_by != nullptr) {
    for (const ast::OrderItem& o : *order_by) aggregating |= ContainsAggregate(*o.expr);
  }

  GroupingState grouping;
  grouping.input = &scope;
  GroupingState* g = aggregating ? &grouping : nullptr;

  if (aggregating) {
    for (const ast::ExprPtr& key : select.group_by) {
      const ast::Expr* target = key.get();
      if (int64_t p = PositionOf(*key); p != 0) {
        if (p < 1 || p > static_cast<int64_t>(items.size())) {
          return SqlError("42P10", absl::StrCat("GROUP BY position ", p, " is not in select list"),
                          key->pos);
        }
        target = items[p - 1].expr;
      } else if (IsPlainName(*key) && !ScopeHas(scope, key->name)) {
        for (const Item& item : items) {
          if (item.aliased && item.name == key->name) target = item.expr;
        }
      }
      if (ContainsAggregate(*target)) {
        return SqlError(sqlstate::kGroupingError, "aggregate functions are not allowed in GROUP BY",
                        target->pos);
      }
      ASSIGN_OR_RETURN(ExprPtr bound, BindExpr(*target, scope, nullptr, "GROUP BY"));
      std::string text = bound->ToString();
      if (std::find(grouping.key_text.begin(), grouping.key_text.end(), text) !=
          grouping.key_text.end()) {
        continue;
      }
      grouping.key_text.push_back(std::move(text));
      grouping.keys.push_back(std::move(bound));
    }
  }

  // Select list.
  std::vector<ExprPtr> exprs;
  std::vector<ResultColumn> output;
  for (const Item& item : items) {
    ASSIGN_OR_RETURN(ExprPtr e, BindExpr(*item.expr, scope, g, "SELECT"));
    output.push_back({item.name, e->type});
    exprs.push_back(std::move(e));
  }
  const size_t visible = exprs.size();

  ExprPtr having;
  if (select.having) {
    ASSIGN_OR_RETURN(having, BindExpr(*select.having, scope, g, "HAVING"));
    RETURN_IF_ERROR(RequireBoolean(*having, "HAVING", select.having->pos));
  }

  // ORDER BY: output positions and names first (PostgreSQL's rule), else an expression
  // over the input, carried as a hidden column.
  std::vector<SortKey> sort_keys;
  if (order_by != nullptr) {
    for (const ast::OrderItem& o : *order_by) {
      int index = -1;
      if (int64_t p = PositionOf(*o.expr); p != 0) {
        if (p < 1 || p > static_cast<int64_t>(visible)) {
          return SqlError("42P10", absl::StrCat("ORDER BY position ", p, " is not in select list"),
                          o.expr->pos);
        }
        index = static_cast<int>(p - 1);
      } else if (IsPlainName(*o.expr)) {
        for (size_t i = 0; i < visible; ++i) {
          if (output[i].name != o.expr->name) continue;
          if (index >= 0 && exprs[index]->ToString() != exprs[i]->ToString()) {
            return SqlError(sqlstate::kAmbiguousColumn,
                            absl::StrCat("ORDER BY \"", o.expr->name, "\" is ambiguous"),
                            o.expr->pos);
          }
          if (index < 0) index = static_cast<int>(i);
        }
      }
      if (index < 0) {
        ASSIGN_OR_RETURN(ExprPtr e, BindExpr(*o.expr, scope, g, "ORDER BY"));
        std::string text = e->ToString();
        for (size_t i = 0; i < exprs.size() && index < 0; ++i) {
          if (exprs[i]->ToString() == text) index = static_cast<int>(i);
        }
        if (index < 0) {
          if (select.distinct) {
            return SqlError("42P10",
                            "for SELECT DISTINCT, ORDER BY expressions must appear in select "
                            "list",
                            o.expr->pos);
          }
          index = static_cast<int>(exprs.size());
          output.push_back({"?order?", e->type});
          exprs.push_back(std::move(e));
        }
      }
      sort_keys.push_back({index, o.desc, o.nulls_first.value_or(o.desc)});
    }
  }

  PlanPtr plan = std::move(input);
  if (aggregating) {
    auto agg = std::make_unique<PlanNode>();
    agg->kind = PlanNode::Kind::kAggregate;
    for (size_t i = 0; i < grouping.keys.size(); ++i) {
      agg->output.push_back({grouping.key_text[i], grouping.keys[i]->type});
    }
    for (BoundAggregate& a : grouping.aggregates) {
      agg->output.push_back({a.spec.name, a.spec.result_type});
    }
    agg->keys = std::move(grouping.keys);
    agg->aggregates = std::move(grouping.aggregates);
    if (plan->kind == PlanNode::Kind::kScan) {
      std::vector<BoundExpr*> consumers;
      for (ExprPtr& k : agg->keys) consumers.push_back(k.get());
      for (BoundAggregate& a : agg->aggregates) {
        for (ExprPtr& arg : a.args) consumers.push_back(arg.get());
        if (a.filter) consumers.push_back(a.filter.get());
      }
      PruneScan(plan.get(), consumers);
    }
    agg->children.push_back(std::move(plan));
    plan = std::move(agg);
    if (having) {
      auto filter = std::make_unique<PlanNode>();
      filter->kind = PlanNode::Kind::kFilter;
      filter->output = plan->output;
      filter->predicate = std::move(having);
      filter->children.push_back(std::move(plan));
      plan = std::move(filter);
    }
  } else if (plan->kind == PlanNode::Kind::kScan) {
    std::vector<BoundExpr*> consumers;
    for (ExprPtr& e : exprs) consumers.push_back(e.get());
    PruneScan(plan.get(), consumers);
  }
  plan = MakeProject(std::move(plan), std::move(exprs), output);

  if (select.distinct) {
    auto distinct = std::make_unique<PlanNode>();
    distinct->kind = PlanNode::Kind::kAggregate;
    distinct->output = plan->output;
    for (size_t i = 0; i < plan->output.size(); ++i) {
      distinct->keys.push_back(
          MakeColumn(static_cast<int>(i), plan->output[i].type, plan->output[i].name));
    }
    distinct->children.push_back(std::move(plan));
    plan = std::move(distinct);
  }
  if (!sort_keys.empty()) {
    auto sort = std::make_unique<PlanNode>();
    sort->kind = PlanNode::Kind::kSort;
    sort->output = plan->output;
    sort->sort_keys = std::move(sort_keys);
    sort->limit = top_n;
    sort->children.push_back(std::move(plan));
    plan = std::move(sort);
  }
  if (output.size() > visible) {
    std::vector<ExprPtr> strip;
    std::vector<ResultColumn> out(output.begin(), output.begin() + visible);
    for (size_t i = 0; i < visible; ++i) {
      strip.push_back(MakeColumn(static_cast<int>(i), out[i].type, out[i].name));
    }
    plan = MakeProject(std::move(plan), std::move(strip), std::move(out));
  }
  return plan;
}

}  // namespace binder_internal

absl::StatusOr<PlanPtr> BindQuery(const ast::Query& query, const BindOptions& options) {
  binder_internal::Binder binder(options);
  return binder.BindQuery(query);
}

}  // namespace strata::query
