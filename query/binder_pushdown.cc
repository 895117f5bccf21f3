// Pushdown: WHERE conjuncts that the storage scan answers exactly move into its ScanSpec
// (merchants, time range, string IN, ranges on integer, timestamp and boolean columns); the
// rest stays as the scan's residual filter. Realtime tables take only the merchants.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "engine/schema.h"
#include "query/binder_internal.h"
#include "query/error.h"
#include "query/tables.h"

namespace strata::query::binder_internal {
namespace {

// A conjunct of the form `column op constant` (or `constant op column`, flipped), or
// `column IN (constants)`.
struct ColumnTest {
  int column = -1;
  std::string op;  // "=", "<", "<=", ">", ">=", "in"
  std::vector<const Value*> values;
};

std::string Flip(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

bool MatchColumnTest(const BoundExpr& e, ColumnTest* out) {
  using K = BoundExpr::Kind;
  static const Value* const kTrue = new Value(Value::Bool(true));
  static const Value* const kFalse = new Value(Value::Bool(false));
  // A boolean column on its own (`WHERE bounced`, `WHERE NOT bounced`).
  if (e.kind == K::kColumn && e.type == Type::kBool) {
    *out = {e.column, "=", {kTrue}};
    return true;
  }
  if (e.kind == K::kNot && e.args[0]->kind == K::kColumn && e.args[0]->type == Type::kBool) {
    *out = {e.args[0]->column, "=", {kFalse}};
    return true;
  }
  if (e.kind == K::kCall && e.args.size() == 2 &&
      (e.name == "=" || e.name == "<" || e.name == "<=" || e.name == ">" || e.name == ">=")) {
    const BoundExpr& a = *e.args[0];
    const BoundExpr& b = *e.args[1];
    if (a.kind == K::kColumn && b.kind == K::kConstant) {
      *out = {a.column, e.name, {&b.constant}};
      return true;
    }
    if (b.kind == K::kColumn && a.kind == K::kConstant) {
      *out = {b.column, Flip(e.name), {&a.constant}};
      return true;
    }
    return false;
  }
  if (e.kind == K::kIn && !e.negated && e.args[0]->kind == K::kColumn) {
    out->column = e.args[0]->column;
    out->op = "in";
    out->values.clear();
    for (size_t i = 1; i < e.args.size(); ++i) {
      if (e.args[i]->kind != K::kConstant) return false;
      out->values.push_back(&e.args[i]->constant);
    }
    return true;
  }
  return false;
}

}  // namespace

absl::Status Binder::PushDown(PlanNode* scan, ExprPtr where) {
  std::vector<ExprPtr> conjuncts;
  if (where->kind == BoundExpr::Kind::kAnd) {
    conjuncts = std::move(where->args);
  } else {
    conjuncts.push_back(std::move(where));
  }
  // Merchants named by the query, intersected with the scope (nullopt = no restriction).
  std::optional<std::vector<uint32_t>> merchants;
  if (options_.scope.has_value()) merchants = *options_.scope;

  std::vector<ExprPtr> residual;
  for (ExprPtr& c : conjuncts) {
    if (c->kind == BoundExpr::Kind::kConstant && c->type == Type::kBool && !c->constant.null &&
        c->constant.i != 0) {
      continue;  // WHERE true
    }
    ColumnTest t;
    if (!MatchColumnTest(*c, &t)) {
      residual.push_back(std::move(c));
      continue;
    }
    const ScanColumn& column = scan->scan_columns[t.column];
    const bool stored = IsStoredTable(scan->table_id);
    bool any_null = false;
    for (const Value* v : t.values) any_null |= v->null || v->type != column.type;
    if (any_null) {
      residual.push_back(std::move(c));
      continue;
    }
    if (column.role == ScanRole::kTime && stored) {
      int64_t lo = scan->spec.min_ts, hi = scan->spec.max_ts;
      const int64_t v = t.values.empty() ? 0 : t.values[0]->i;
      if (t.op == "=") {
        lo = std::max(lo, v);
        hi = std::min(hi, v);
      } else if (t.op == ">=") {
        lo = std::max(lo, v);
      } else if (t.op == ">") {
        lo = std::max(lo, v == INT64_MAX ? v : v + 1);
      } else if (t.op == "<=") {
        hi = std::min(hi, v);
      } else if (t.op == "<") {
        hi = std::min(hi, v == INT64_MIN ? v : v - 1);
      } else {
        residual.push_back(std::move(c));
        continue;
      }
      scan->spec.min_ts = lo;
      scan->spec.max_ts = hi;
      scan->pushed.push_back(c->ToString());
      continue;
    }
    const bool integral = column.role == ScanRole::kInt || column.role == ScanRole::kTimestamp ||
                          column.role == ScanRole::kBool;
    if (stored && integral && t.op != "in") {
      // Stored integers are never NULL: the comparison is exactly an inclusive range.
      const int64_t v = t.values[0]->i;
      int64_t lo = INT64_MIN, hi = INT64_MAX;
      if (t.op == "=") {
        lo = hi = v;
      } else if (t.op == ">=") {
        lo = v;
      } else if (t.op == "<=") {
        hi = v;
      } else if (t.op == ">") {
        lo = v == INT64_MAX ? 1 : v + 1;  // nothing is above the maximum: empty [1, 0]
        hi = v == INT64_MAX ? 0 : hi;
      } else {
        hi = v == INT64_MIN ? 0 : v - 1;  // nothing is below the minimum: empty [1, 0]
        lo = v == INT64_MIN ? 1 : lo;
      }
      scan->spec.predicates.push_back(engine::ScanPredicate::Range(column.source, lo, hi));
      scan->pushed.push_back(c->ToString());
      continue;
    }
    if (t.op != "=" && t.op != "in") {
      residual.push_back(std::move(c));
      continue;
    }
    if (column.role == ScanRole::kMerchant) {
      std::vector<uint32_t> ids;
      for (const Value* v : t.values) {
        if (auto id = options_.catalog->FindMerchant(v->s)) ids.push_back(*id);
      }
      std::sort(ids.begin(), ids.end());
      if (merchants.has_value()) {
        std::vector<uint32_t> both;
        std::vector<uint32_t> sorted = *merchants;
        std::sort(sorted.begin(), sorted.end());
        std::set_intersection(sorted.begin(), sorted.end(), ids.begin(), ids.end(),
                              std::back_inserter(both));
        ids = std::move(both);
      }
      merchants = std::move(ids);
      scan->pushed.push_back(c->ToString());
      continue;
    }
    // String columns stored with per-segment dictionaries: exact IN in the scan. An empty
    // string is how storage spells NULL, so a test for '' stays in the residual.
    bool pushable = stored && column.role == ScanRole::kString;
    for (const Value* v : t.values) pushable &= !v->s.empty();
    if (!pushable) {
      residual.push_back(std::move(c));
      continue;
    }
    std::vector<std::string> values;
    for (const Value* v : t.values) values.push_back(v->s);
    scan->spec.predicates.push_back(engine::ScanPredicate::In(column.source, std::move(values)));
    scan->pushed.push_back(c->ToString());
  }
  if (merchants.has_value()) {
    scan->spec.merchants = *merchants;
    scan->scope_empty = merchants->empty();
  }
  if (scan->spec.min_ts > scan->spec.max_ts) scan->scope_empty = true;
  if (residual.size() == 1) {
    scan->residual = std::move(residual[0]);
  } else if (residual.size() > 1) {
    ASSIGN_OR_RETURN(scan->residual, MakeAnd(std::move(residual), options_.expr));
  }
  return absl::OkStatus();
}

}  // namespace strata::query::binder_internal
