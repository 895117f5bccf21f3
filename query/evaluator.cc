#include "query/evaluator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/cast.h"
#include "query/error.h"
#include "query/evaluator_internal.h"

namespace strata::query {
namespace {

absl::Status Bug(std::string_view what) {
  return SqlError(sqlstate::kInternalError,
                  absl::StrCat("BUG: ", absl::string_view(what.data(), what.size())));
}

// Drops an all-zero null mask, so consumers take their no-NULL fast paths.
void CompactNulls(Vector* v) {
  if (!v->nulls.empty() && std::find(v->nulls.begin(), v->nulls.end(), 1) == v->nulls.end()) {
    v->nulls.clear();
  }
}

void CollectColumns(const BoundExpr& e, std::vector<int>* out) {
  if (e.kind == BoundExpr::Kind::kColumn) {
    if (std::find(out->begin(), out->end(), e.column) == out->end()) out->push_back(e.column);
    return;
  }
  for (const auto& a : e.args) CollectColumns(*a, out);
}

// Starts `out` as `n` rows of `type`, every row NULL (results are filled in by row sets).
void ResetAllNull(Vector* out, Type type, size_t n) {
  PrepareOutput(out, type, n);
  if (type != Type::kNull) out->nulls.assign(n, 1);
}

bool IsTrue(const Vector& v, size_t k) { return !v.IsNull(k) && v.i64[k] != 0; }

}  // namespace

// ---------------------------------------------------------------------------------------
// NodeState

NodeState::NodeState(const BoundExpr& e)
    : kind(e.kind),
      type(e.type),
      fn(e.fn),
      column(e.column),
      negated(e.negated),
      case_insensitive(e.case_insensitive) {
  if (e.is_constant()) {
    constants.push_back(e.constant);
    return;
  }
  for (const auto& a : e.args) {
    constant_args.push_back(a->is_constant());
    if (a->is_constant()) constants.push_back(a->constant);
  }
}

bool NodeState::Describes(const BoundExpr& e) const {
  if (e.kind != kind || e.type != type || e.fn != fn || e.column != column ||
      e.negated != negated || e.case_insensitive != case_insensitive) {
    return false;
  }
  if (e.is_constant()) return constants[0] == e.constant && constants[0].type == e.constant.type;
  if (e.args.size() != constant_args.size()) return false;
  size_t c = 0;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (e.args[i]->is_constant() != constant_args[i]) return false;
    if (constant_args[i] && !(constants[c++] == e.args[i]->constant)) return false;
  }
  return true;
}

NodeState& ExprEvaluator::Scratch::For(const BoundExpr& e) {
  std::unique_ptr<NodeState>& slot = nodes[&e];
  if (slot == nullptr || !slot->Describes(e)) slot = std::make_unique<NodeState>(e);
  return *slot;
}

void PrepareOutput(Vector* out, Type type, size_t n) {
  if (out->type != type || type == Type::kString) {
    out->Clear();
    out->type = type;
  } else {
    // Same fixed-width type: keep the buffers as they are, every producer overwrites all
    // rows; only what describes the old contents goes.
    out->nulls.clear();
    out->codes.clear();
    out->code_source = nullptr;
    out->heaps.clear();
  }
  out->Resize(n);
}

void Scatter(const Vector& src, const uint32_t* from, const std::vector<uint32_t>& rows,
             Vector* out) {
  const size_t n = rows.size();
  auto at = [from](size_t k) { return from != nullptr ? from[k] : k; };
  switch (out->type) {
    case Type::kNull:
      return;
    case Type::kFloat64:
      for (size_t k = 0; k < n; ++k) out->f64[rows[k]] = src.f64[at(k)];
      break;
    case Type::kString:
      for (size_t k = 0; k < n; ++k) out->str[rows[k]] = src.str[at(k)];
      for (const auto& h : src.heaps) out->heaps.push_back(h);
      break;
    case Type::kInterval:
      for (size_t k = 0; k < n; ++k) out->iv[rows[k]] = src.iv[at(k)];
      break;
    default:
      for (size_t k = 0; k < n; ++k) out->i64[rows[k]] = src.i64[at(k)];
      break;
  }
  if (out->nulls.empty()) out->nulls.assign(out->size(), 0);
  if (src.type == Type::kNull) {
    for (size_t k = 0; k < n; ++k) out->nulls[rows[k]] = 1;
  } else {
    for (size_t k = 0; k < n; ++k) out->nulls[rows[k]] = src.IsNull(at(k));
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation

absl::StatusOr<const Vector*> Evaluation::Eval(const BoundExpr& e, const Chunk& in) {
  if (e.kind == BoundExpr::Kind::kColumn) {
    if (e.column < 0 || static_cast<size_t>(e.column) >= in.columns.size()) {
      return Bug(absl::StrCat("column ", e.column, " is not in the input"));
    }
    return &in.columns[static_cast<size_t>(e.column)];
  }
  NodeState& st = scratch_.For(e);
  const size_t n = in.rows;
  switch (e.kind) {
    case BoundExpr::Kind::kConstant:
      return Constant(e, st, n);
    case BoundExpr::Kind::kCall:
    case BoundExpr::Kind::kIsNull:
    case BoundExpr::Kind::kIn:
    case BoundExpr::Kind::kLike:
      if (Predicate* p = PredicateFor(e, st)) return EvalPredicate(*p, in, st);
      if (e.kind == BoundExpr::Kind::kCall) return EvalCall(e, in, st);
      if (e.kind == BoundExpr::Kind::kIn) return EvalInList(e, in, st);
      if (e.kind == BoundExpr::Kind::kLike) return EvalLikeRows(e, in, st);
      return Bug("IS NULL without a predicate");
    case BoundExpr::Kind::kCast: {
      ASSIGN_OR_RETURN(const Vector* v, Eval(*e.args[0], in));
      RETURN_IF_ERROR(CastVector(*v, e.type, ctx_, &st.out));
      return &st.out;
    }
    case BoundExpr::Kind::kAnd:
    case BoundExpr::Kind::kOr:
      return EvalJunction(e, in, st);
    case BoundExpr::Kind::kNot:
      return EvalNot(e, in, st);
    case BoundExpr::Kind::kCase:
      return EvalCase(e, in, st);
    case BoundExpr::Kind::kCoalesce:
      return EvalCoalesce(e, in, st);
    case BoundExpr::Kind::kColumn:
      break;
  }
  return Bug("unknown expression kind");
}

absl::StatusOr<const Vector*> Evaluation::EvalRows(const BoundExpr& e, const Chunk& in,
                                                   const uint32_t* rows, size_t n) {
  if (rows == nullptr) return Eval(e, in);
  NodeState& st = scratch_.For(e);
  if (e.kind == BoundExpr::Kind::kConstant) return Constant(e, st, n);
  if (!st.columns_ready) {
    CollectColumns(e, &st.columns);
    st.columns_ready = true;
  }
  st.gathered.rows = n;
  st.gathered.columns.resize(in.columns.size());
  for (int c : st.columns) {
    if (c < 0 || static_cast<size_t>(c) >= in.columns.size()) {
      return Bug(absl::StrCat("column ", c, " is not in the input"));
    }
    const Vector& src = in.columns[static_cast<size_t>(c)];
    Vector& dst = st.gathered.columns[static_cast<size_t>(c)];
    dst.Clear();
    dst.type = src.type;
    dst.AppendSelected(src, rows, n);
  }
  return Eval(e, st.gathered);
}

absl::StatusOr<const Vector*> Evaluation::EvalSubset(const BoundExpr& e, const Chunk& in,
                                                     const std::vector<uint32_t>& rows) {
  // `rows` ascend, so as many rows as the chunk has means all of them.
  if (rows.size() == in.rows) return Eval(e, in);
  return EvalRows(e, in, rows.data(), rows.size());
}

const Vector* Evaluation::Constant(const BoundExpr& e, NodeState& st, size_t n) {
  Vector& v = st.out;
  if (st.constant_ready && v.type == e.constant.type && v.size() > 0) {
    // Subsets of varying size: stretch or shrink the copies in place (no new heap).
    if (v.size() != n) {
      switch (v.type) {
        case Type::kFloat64:
          v.f64.resize(n, double{v.f64[0]});
          break;
        case Type::kString:
          v.str.resize(n, std::string_view{v.str[0]});
          break;
        case Type::kInterval:
          v.iv.resize(n, Interval{v.iv[0]});
          break;
        case Type::kNull:
          v.nulls.resize(n, 1);
          break;
        default:
          v.i64.resize(n, int64_t{v.i64[0]});
          break;
      }
      if (!v.nulls.empty()) v.nulls.resize(n, uint8_t{v.nulls[0]});
    }
    return &v;
  }
  v = Vector::Constant(e.constant, n);
  st.constant_ready = true;
  return &v;
}

absl::StatusOr<const Vector*> Evaluation::EvalCall(const BoundExpr& e, const Chunk& in,
                                                   NodeState& st) {
  const ScalarFunction* fn = e.fn;
  if (fn == nullptr) return Bug(absl::StrCat("call of ", e.name, " without a function"));
  const size_t n = in.rows;
  const size_t nargs = e.args.size();
  st.arg_vectors.resize(nargs);
  st.arg_constants.resize(nargs);
  bool all_null = false;
  bool any_null = false;
  for (size_t i = 0; i < nargs; ++i) {
    ASSIGN_OR_RETURN(st.arg_vectors[i], Eval(*e.args[i], in));
    st.arg_constants[i] = e.args[i]->is_constant() ? &e.args[i]->constant : nullptr;
    all_null |= st.arg_vectors[i]->type == Type::kNull;
    any_null |= st.arg_vectors[i]->has_nulls();
  }
  if (!st.fn_state_ready) {
    if (fn->make_state != nullptr) {
      ASSIGN_OR_RETURN(st.fn_state, fn->make_state(e));
    }
    st.fn_state_ready = true;
  }
  Vector& out = st.out;
  PrepareOutput(&out, e.type, n);
  const uint8_t* nulls = nullptr;
  if (fn->strict && (all_null || any_null)) {
    if (all_null) {
      if (e.type != Type::kNull) out.nulls.assign(n, 1);
      return &out;
    }
    st.nulls.assign(n, 0);
    for (const Vector* v : st.arg_vectors) {
      if (!v->has_nulls()) continue;
      for (size_t r = 0; r < n; ++r) st.nulls[r] |= v->nulls[r];
    }
    out.nulls = st.nulls;
    nulls = st.nulls.data();
    if (std::find(st.nulls.begin(), st.nulls.end(), 0) == st.nulls.end()) return &out;
  }
  if (n == 0) return &out;
  KernelArgs args{ctx_,  st.arg_vectors.data(), st.arg_constants.data(), nargs, n,
                  nulls, st.fn_state.get()};
  RETURN_IF_ERROR(fn->kernel(args, &out));
  return &out;
}

// AND / OR with three-valued logic. Later arguments are evaluated only for rows the
// earlier ones left undecided, so `x <> 0 AND 10 / x > 1` never divides by zero.
absl::StatusOr<const Vector*> Evaluation::EvalJunction(const BoundExpr& e, const Chunk& in,
                                                       NodeState& st) {
  const bool is_and = e.kind == BoundExpr::Kind::kAnd;
  const int64_t deciding = is_and ? 0 : 1;  // FALSE decides an AND, TRUE an OR
  const size_t n = in.rows;
  Vector& out = st.out;
  PrepareOutput(&out, Type::kBool, n);
  out.nulls.assign(n, 0);
  ASSIGN_OR_RETURN(const Vector* first, Eval(*e.args[0], in));
  std::vector<uint32_t>& live = st.rows_a;
  live.clear();
  for (size_t r = 0; r < n; ++r) {
    bool null = first->type == Type::kNull || first->IsNull(r);
    out.nulls[r] = null;
    out.i64[r] = null ? 0 : first->i64[r];
    if (null || out.i64[r] != deciding) live.push_back(static_cast<uint32_t>(r));
  }
  for (size_t j = 1; j < e.args.size() && !live.empty(); ++j) {
    ASSIGN_OR_RETURN(const Vector* v, EvalSubset(*e.args[j], in, live));
    std::vector<uint32_t>& next = st.rows_b;
    next.clear();
    for (size_t k = 0; k < live.size(); ++k) {
      uint32_t r = live[k];
      bool null = v->type == Type::kNull || v->IsNull(k);
      if (!null && v->i64[k] == deciding) {
        out.i64[r] = deciding;
        out.nulls[r] = 0;
        continue;
      }
      if (null) out.nulls[r] = 1;
      next.push_back(r);
    }
    live.swap(next);
  }
  CompactNulls(&out);
  return &out;
}

absl::StatusOr<const Vector*> Evaluation::EvalNot(const BoundExpr& e, const Chunk& in,
                                                  NodeState& st) {
  ASSIGN_OR_RETURN(const Vector* v, Eval(*e.args[0], in));
  const size_t n = in.rows;
  Vector& out = st.out;
  PrepareOutput(&out, Type::kBool, n);
  if (v->type == Type::kNull) {
    out.nulls.assign(n, 1);
    return &out;
  }
  for (size_t r = 0; r < n; ++r) out.i64[r] = v->i64[r] == 0;
  out.nulls = v->nulls;
  return &out;
}

// CASE: each condition sees only the rows no earlier WHEN took, and each result only the
// rows it produces.
absl::StatusOr<const Vector*> Evaluation::EvalCase(const BoundExpr& e, const Chunk& in,
                                                   NodeState& st) {
  const size_t n = in.rows;
  ResetAllNull(&st.out, e.type, n);
  std::vector<uint32_t>& remaining = st.rows_a;
  remaining.resize(n);
  for (size_t r = 0; r < n; ++r) remaining[r] = static_cast<uint32_t>(r);
  for (size_t w = 0; w + 1 < e.args.size() && !remaining.empty(); w += 2) {
    ASSIGN_OR_RETURN(const Vector* cond, EvalSubset(*e.args[w], in, remaining));
    std::vector<uint32_t>& matched = st.rows_b;
    std::vector<uint32_t>& rest = st.rows_c;
    matched.clear();
    rest.clear();
    for (size_t k = 0; k < remaining.size(); ++k) {
      (cond->type != Type::kNull && IsTrue(*cond, k) ? matched : rest).push_back(remaining[k]);
    }
    if (!matched.empty()) {
      ASSIGN_OR_RETURN(const Vector* result, EvalSubset(*e.args[w + 1], in, matched));
      Scatter(*result, nullptr, matched, &st.out);
    }
    remaining.swap(rest);
  }
  if (!remaining.empty()) {
    ASSIGN_OR_RETURN(const Vector* result, EvalSubset(*e.args.back(), in, remaining));
    Scatter(*result, nullptr, remaining, &st.out);
  }
  CompactNulls(&st.out);
  return &st.out;
}

absl::StatusOr<const Vector*> Evaluation::EvalCoalesce(const BoundExpr& e, const Chunk& in,
                                                       NodeState& st) {
  const size_t n = in.rows;
  ResetAllNull(&st.out, e.type, n);
  std::vector<uint32_t>& remaining = st.rows_a;
  remaining.resize(n);
  for (size_t r = 0; r < n; ++r) remaining[r] = static_cast<uint32_t>(r);
  for (size_t j = 0; j < e.args.size() && !remaining.empty(); ++j) {
    ASSIGN_OR_RETURN(const Vector* v, EvalSubset(*e.args[j], in, remaining));
    if (v->type == Type::kNull) continue;
    std::vector<uint32_t>& found = st.rows_b;
    std::vector<uint32_t>& rest = st.rows_c;
    std::vector<uint32_t>& positions = st.rows_d;  // where `found` rows are in v
    found.clear();
    rest.clear();
    positions.clear();
    for (size_t k = 0; k < remaining.size(); ++k) {
      if (v->IsNull(k)) {
        rest.push_back(remaining[k]);
      } else {
        found.push_back(remaining[k]);
        positions.push_back(static_cast<uint32_t>(k));
      }
    }
    Scatter(*v, positions.data(), found, &st.out);
    remaining.swap(rest);
  }
  CompactNulls(&st.out);
  return &st.out;
}

// `x [NOT] IN (a, b, ...)` with items that are not all constants: x = a OR x = b ...
absl::StatusOr<const Vector*> Evaluation::EvalInList(const BoundExpr& e, const Chunk& in,
                                                     NodeState& st) {
  const size_t n = in.rows;
  st.arg_vectors.resize(e.args.size());
  for (size_t i = 0; i < e.args.size(); ++i) {
    ASSIGN_OR_RETURN(st.arg_vectors[i], Eval(*e.args[i], in));
  }
  const Vector& x = *st.arg_vectors[0];
  Vector& out = st.out;
  PrepareOutput(&out, Type::kBool, n);
  out.nulls.assign(n, 0);
  for (size_t r = 0; r < n; ++r) {
    bool member = false;
    const bool x_null = x.type == Type::kNull || x.IsNull(r);
    bool unknown = x_null;
    for (size_t i = 1; i < e.args.size() && !member && !x_null; ++i) {
      const Vector& item = *st.arg_vectors[i];
      if (item.type == Type::kNull || item.IsNull(r)) {
        unknown = true;
        continue;
      }
      switch (x.type) {
        case Type::kFloat64:
          member = Compare3(x.f64[r], item.f64[r]) == 0;
          break;
        case Type::kString:
          member = x.str[r] == item.str[r];
          break;
        case Type::kInterval:
          member = Compare3(x.iv[r], item.iv[r]) == 0;
          break;
        default:
          member = x.i64[r] == item.i64[r];
          break;
      }
    }
    if (member) {
      out.i64[r] = !e.negated;
    } else if (unknown) {
      out.nulls[r] = 1;
    } else {
      out.i64[r] = e.negated;
    }
  }
  CompactNulls(&out);
  return &out;
}

// LIKE with a pattern that varies per row: recompiled only when it changes.
absl::StatusOr<const Vector*> Evaluation::EvalLikeRows(const BoundExpr& e, const Chunk& in,
                                                       NodeState& st) {
  ASSIGN_OR_RETURN(const Vector* s, Eval(*e.args[0], in));
  ASSIGN_OR_RETURN(const Vector* p, Eval(*e.args[1], in));
  const size_t n = in.rows;
  Vector& out = st.out;
  PrepareOutput(&out, Type::kBool, n);
  out.nulls.assign(n, 0);
  for (size_t r = 0; r < n; ++r) {
    if (s->type == Type::kNull || p->type == Type::kNull || s->IsNull(r) || p->IsNull(r)) {
      out.nulls[r] = 1;
      continue;
    }
    if (!st.row_like.has_value() || st.row_like->pattern() != p->str[r]) {
      ASSIGN_OR_RETURN(LikeMatcher m, LikeMatcher::Compile(p->str[r], e.case_insensitive));
      st.row_like.emplace(std::move(m));
    }
    out.i64[r] = st.row_like->Matches(s->str[r]) != e.negated;
  }
  CompactNulls(&out);
  return &out;
}

// ---------------------------------------------------------------------------------------
// Public API

ExprEvaluator::ExprEvaluator(const ExprContext& ctx)
    : ctx_(ctx), scratch_(std::make_unique<Scratch>()) {}

ExprEvaluator::~ExprEvaluator() = default;

absl::Status ExprEvaluator::Eval(const BoundExpr& e, const Chunk& in, Vector* out) {
  Evaluation ev(ctx_, *scratch_);
  ASSIGN_OR_RETURN(const Vector* v, ev.Eval(e, in));
  auto it = scratch_->nodes.find(&e);
  if (it != scratch_->nodes.end() && v == &it->second->out &&
      e.kind != BoundExpr::Kind::kConstant) {
    // A computed result: hand over the buffers instead of copying them.
    std::swap(*out, it->second->out);
  } else {
    *out = *v;
  }
  return absl::OkStatus();
}

absl::Status ExprEvaluator::Select(const BoundExpr& e, const Chunk& in,
                                   std::vector<uint32_t>* sel) {
  if (e.type != Type::kBool && e.type != Type::kNull) {
    return SqlError(sqlstate::kDatatypeMismatch,
                    absl::StrCat("argument of WHERE must be type boolean, not type ",
                                 AbslView(TypeName(e.type))));
  }
  Evaluation ev(ctx_, *scratch_);
  return ev.Filter(e, in, nullptr, in.rows, sel);
}

absl::StatusOr<Value> EvaluateConstant(const BoundExpr& e, const ExprContext& ctx) {
  ExprEvaluator evaluator(ctx);
  Chunk one;
  one.rows = 1;
  Vector out;
  RETURN_IF_ERROR(evaluator.Eval(e, one, &out));
  Value v = out.GetValue(0);
  v.type = e.type;
  return v;
}

}  // namespace strata::query
