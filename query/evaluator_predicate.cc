// Predicates against constants (comparison, IN, LIKE, IS NULL): a verdict per row from a
// tight typed loop, decided once per dictionary code for coded strings, then turned into
// a boolean vector (Eval) or a narrowed row list (Filter).
#include <algorithm>
#include <utility>

#include "common/status.h"
#include "query/evaluator_internal.h"

namespace strata::query {
namespace {

constexpr size_t kLinearInListMax = 8;

// Builds the membership structure of a constant IN list of type `type`.
void BuildInList(const BoundExpr& e, Type type, InList* list) {
  for (size_t i = 1; i < e.args.size(); ++i) {
    const Value& v = e.args[i]->constant;
    if (v.null) {
      list->has_null = true;
      continue;
    }
    switch (type) {
      case Type::kFloat64:
        list->floats.push_back(v.f);
        break;
      case Type::kString:
        list->strings.insert(v.s);
        break;
      case Type::kInterval:
        list->intervals.push_back(v.iv);
        break;
      default:
        list->ints.push_back(v.i);
        break;
    }
  }
  if (list->ints.size() > kLinearInListMax) {
    list->int_set.insert(list->ints.begin(), list->ints.end());
  }
}

template <class F>
void ForRows(const uint32_t* rows, size_t n, uint8_t* verdict, F f) {
  if (rows == nullptr) {
    for (size_t k = 0; k < n; ++k) verdict[k] = f(k);
  } else {
    for (size_t k = 0; k < n; ++k) verdict[k] = f(rows[k]);
  }
}

// verdict[k] = subject row is a member of the list.
void InVerdicts(Predicate& p, const Vector& v, const uint32_t* rows, size_t n, uint8_t* verdict) {
  const InList& list = p.list;
  switch (v.type) {
    case Type::kFloat64:
      ForRows(rows, n, verdict, [&](size_t r) {
        for (double x : list.floats) {
          if (Compare3(v.f64[r], x) == 0) return true;
        }
        return false;
      });
      return;
    case Type::kInterval:
      ForRows(rows, n, verdict, [&](size_t r) {
        for (const Interval& x : list.intervals) {
          if (Compare3(v.iv[r], x) == 0) return true;
        }
        return false;
      });
      return;
    case Type::kString: {
      auto member = [&list](std::string_view s) {
        return list.strings.contains(absl::string_view(s.data(), s.size()));
      };
      if (CodeVerdicts::Usable(v)) {
        p.verdicts.Apply(v, rows, n, member, verdict);
      } else {
        ForRows(rows, n, verdict, [&](size_t r) { return member(v.str[r]); });
      }
      return;
    }
    case Type::kNull:
      std::fill(verdict, verdict + n, 0);
      return;
    default:
      break;
  }
  const int64_t* data = v.i64.data();
  if (!list.int_set.empty()) {
    ForRows(rows, n, verdict, [&](size_t r) { return list.int_set.contains(data[r]); });
    return;
  }
  const int64_t* items = list.ints.data();
  const size_t count = list.ints.size();
  ForRows(rows, n, verdict, [&](size_t r) {
    bool hit = false;
    for (size_t j = 0; j < count; ++j) hit |= data[r] == items[j];
    return hit;
  });
}

void LikeVerdicts(Predicate& p, const Vector& v, const uint32_t* rows, size_t n, uint8_t* verdict) {
  if (v.type != Type::kString) {
    std::fill(verdict, verdict + n, 0);
    return;
  }
  LikeMatcher& m = *p.like;
  if (CodeVerdicts::Usable(v)) {
    p.verdicts.Apply(
        v, rows, n, [&m](std::string_view s) { return m.Matches(s); }, verdict);
    return;
  }
  ForRows(rows, n, verdict, [&](size_t r) { return m.Matches(v.str[r]); });
}

}  // namespace

Predicate* Evaluation::PredicateFor(const BoundExpr& e, NodeState& st) {
  if (st.predicate_ready) return st.predicate.get();
  st.predicate_ready = true;
  auto p = std::make_unique<Predicate>();
  p->negated = e.negated;
  switch (e.kind) {
    case BoundExpr::Kind::kCall: {
      CmpOp op;
      if (e.args.size() != 2 || !ParseCmpOp(e.name, &op)) return nullptr;
      const BoundExpr& a = *e.args[0];
      const BoundExpr& b = *e.args[1];
      if (a.is_constant() == b.is_constant()) return nullptr;
      const BoundExpr& c = b.is_constant() ? b : a;
      if (c.constant.null || c.constant.type != (b.is_constant() ? a.type : b.type)) return nullptr;
      p->kind = Predicate::Kind::kCompare;
      p->subject = b.is_constant() ? &a : &b;
      if (!ParseCmpOp(b.is_constant() ? e.name : FlipComparison(e.name), &p->op)) return nullptr;
      p->constant = c.constant;
      break;
    }
    case BoundExpr::Kind::kIn:
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (!e.args[i]->is_constant()) return nullptr;
      }
      p->kind = Predicate::Kind::kIn;
      p->subject = e.args[0].get();
      BuildInList(e, e.args[0]->type, &p->list);
      break;
    case BoundExpr::Kind::kLike: {
      const BoundExpr& pattern = *e.args[1];
      if (!pattern.is_constant() || pattern.constant.null) return nullptr;
      auto matcher = LikeMatcher::Compile(pattern.constant.s, e.case_insensitive);
      if (!matcher.ok()) return nullptr;  // EvalLikeRows reports the error
      p->kind = Predicate::Kind::kLike;
      p->subject = e.args[0].get();
      p->like.emplace(std::move(*matcher));
      break;
    }
    case BoundExpr::Kind::kIsNull:
      p->kind = Predicate::Kind::kIsNull;
      p->subject = e.args[0].get();
      break;
    default:
      return nullptr;
  }
  st.predicate = std::move(p);
  return st.predicate.get();
}

absl::Status Evaluation::Verdicts(Predicate& p, const Chunk& in, const uint32_t* rows, size_t n,
                                  NodeState& st, const Vector** subject,
                                  const uint32_t** subject_rows) {
  const Vector* v;
  const uint32_t* vrows;
  if (p.subject->kind == BoundExpr::Kind::kColumn) {
    ASSIGN_OR_RETURN(v, Eval(*p.subject, in));  // the input column itself
    vrows = rows;
  } else {
    ASSIGN_OR_RETURN(v, EvalRows(*p.subject, in, rows, n));
    vrows = nullptr;
  }
  st.verdict.resize(n);
  uint8_t* verdict = st.verdict.data();
  switch (p.kind) {
    case Predicate::Kind::kCompare:
      if (v->type == Type::kNull) {
        std::fill(verdict, verdict + n, 0);
      } else {
        CompareToConstant(*v, p.op, p.constant, vrows, n, &p.verdicts, verdict);
      }
      break;
    case Predicate::Kind::kIn:
      InVerdicts(p, *v, vrows, n, verdict);
      if (p.negated) {
        for (size_t k = 0; k < n; ++k) verdict[k] ^= 1;
      }
      break;
    case Predicate::Kind::kLike:
      LikeVerdicts(p, *v, vrows, n, verdict);
      if (p.negated) {
        for (size_t k = 0; k < n; ++k) verdict[k] ^= 1;
      }
      break;
    case Predicate::Kind::kIsNull:
      if (v->type == Type::kNull) {
        std::fill(verdict, verdict + n, !p.negated);
      } else if (!v->has_nulls()) {
        std::fill(verdict, verdict + n, p.negated);
      } else {
        ForRows(vrows, n, verdict, [&](size_t r) { return (v->nulls[r] != 0) != p.negated; });
      }
      break;
  }
  *subject = v;
  *subject_rows = vrows;
  return absl::OkStatus();
}

absl::StatusOr<const Vector*> Evaluation::EvalPredicate(Predicate& p, const Chunk& in,
                                                        NodeState& st) {
  const size_t n = in.rows;
  const Vector* v;
  const uint32_t* vrows;
  RETURN_IF_ERROR(Verdicts(p, in, nullptr, n, st, &v, &vrows));
  Vector& out = st.out;
  PrepareOutput(&out, Type::kBool, n);
  const uint8_t* verdict = st.verdict.data();
  for (size_t k = 0; k < n; ++k) out.i64[k] = verdict[k];
  if (p.kind == Predicate::Kind::kIsNull) return &out;
  if (v->type == Type::kNull) {
    out.nulls.assign(n, 1);
    return &out;
  }
  if (v->has_nulls()) out.nulls = v->nulls;
  if (p.kind == Predicate::Kind::kIn && p.list.has_null) {
    // x IN (..., NULL) is NULL rather than false for a non-member; NOT IN likewise.
    if (out.nulls.empty()) out.nulls.assign(n, 0);
    for (size_t k = 0; k < n; ++k) {
      bool member = (verdict[k] != 0) != p.negated;
      if (!member) out.nulls[k] = 1;
    }
  }
  return &out;
}

absl::Status Evaluation::FilterPredicate(Predicate& p, const Chunk& in, const uint32_t* rows,
                                         size_t n, NodeState& st, std::vector<uint32_t>* out) {
  const Vector* v;
  const uint32_t* vrows;
  RETURN_IF_ERROR(Verdicts(p, in, rows, n, st, &v, &vrows));
  out->resize(n);
  if (p.kind == Predicate::Kind::kIn && p.list.has_null && p.negated) {
    out->clear();  // NOT IN a list with NULL is never true
    return absl::OkStatus();
  }
  uint32_t* o = out->data();
  const uint8_t* verdict = st.verdict.data();
  size_t m = 0;
  const bool check_nulls = p.kind != Predicate::Kind::kIsNull && v->has_nulls();
  if (!check_nulls) {
    if (rows == nullptr) {
      for (size_t k = 0; k < n; ++k) {
        o[m] = static_cast<uint32_t>(k);
        m += verdict[k];
      }
    } else {
      for (size_t k = 0; k < n; ++k) {
        o[m] = rows[k];
        m += verdict[k];
      }
    }
  } else {
    const uint8_t* nulls = v->nulls.data();
    for (size_t k = 0; k < n; ++k) {
      size_t vr = vrows != nullptr ? vrows[k] : k;
      o[m] = rows != nullptr ? rows[k] : static_cast<uint32_t>(k);
      m += verdict[k] & static_cast<uint8_t>(nulls[vr] == 0);
    }
  }
  out->resize(m);
  return absl::OkStatus();
}

}  // namespace strata::query
