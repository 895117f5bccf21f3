// Evaluation::Filter: the rows where a boolean expression is true. AND narrows the row
// list conjunct by conjunct, so later conjuncts only see rows still alive; OR tests each
// disjunct only on rows no earlier one accepted.
#include <algorithm>
#include <utility>

#include "common/status.h"
#include "query/evaluator_internal.h"

namespace strata::query {
namespace {

void AllRows(size_t n, std::vector<uint32_t>* out) {
  out->resize(n);
  for (size_t r = 0; r < n; ++r) (*out)[r] = static_cast<uint32_t>(r);
}

void CopyRows(const uint32_t* rows, size_t n, std::vector<uint32_t>* out) {
  if (rows == nullptr) {
    AllRows(n, out);
  } else {
    out->assign(rows, rows + n);
  }
}

// Keeps rows[k] where boolean `v` (one value per k) is true.
void KeepTrue(const Vector& v, const uint32_t* rows, size_t n, std::vector<uint32_t>* out) {
  out->resize(n);
  if (v.type == Type::kNull) {
    out->clear();
    return;
  }
  uint32_t* o = out->data();
  const int64_t* values = v.i64.data();
  size_t m = 0;
  const bool nulls = v.has_nulls();
  for (size_t k = 0; k < n; ++k) {
    o[m] = rows != nullptr ? rows[k] : static_cast<uint32_t>(k);
    m += (values[k] != 0) & (!nulls || v.nulls[k] == 0);
  }
  out->resize(m);
}

}  // namespace

absl::Status Evaluation::Filter(const BoundExpr& e, const Chunk& in, const uint32_t* rows, size_t n,
                                std::vector<uint32_t>* out) {
  switch (e.kind) {
    case BoundExpr::Kind::kConstant:
      if (!e.constant.null && e.constant.type == Type::kBool && e.constant.i != 0) {
        CopyRows(rows, n, out);
      } else {
        out->clear();
      }
      return absl::OkStatus();
    case BoundExpr::Kind::kColumn: {
      // A boolean column: read it in place.
      ASSIGN_OR_RETURN(const Vector* v, Eval(e, in));
      out->resize(n);
      if (v->type != Type::kBool) {
        out->clear();
        return absl::OkStatus();
      }
      uint32_t* o = out->data();
      size_t m = 0;
      for (size_t k = 0; k < n; ++k) {
        uint32_t r = rows != nullptr ? rows[k] : static_cast<uint32_t>(k);
        o[m] = r;
        m += (v->i64[r] != 0) & !v->IsNull(r);
      }
      out->resize(m);
      return absl::OkStatus();
    }
    case BoundExpr::Kind::kAnd: {
      NodeState& st = scratch_.For(e);
      std::vector<uint32_t>* cur = &st.rows_a;
      std::vector<uint32_t>* next = &st.rows_b;
      RETURN_IF_ERROR(Filter(*e.args[0], in, rows, n, cur));
      for (size_t j = 1; j < e.args.size() && !cur->empty(); ++j) {
        RETURN_IF_ERROR(Filter(*e.args[j], in, cur->data(), cur->size(), next));
        std::swap(cur, next);
      }
      out->assign(cur->begin(), cur->end());
      return absl::OkStatus();
    }
    case BoundExpr::Kind::kOr: {
      NodeState& st = scratch_.For(e);
      std::vector<uint32_t>& remaining = st.rows_a;
      std::vector<uint32_t>& accepted = st.rows_b;
      std::vector<uint32_t>& merged = st.rows_c;
      CopyRows(rows, n, &remaining);
      out->clear();
      for (size_t j = 0; j < e.args.size() && !remaining.empty(); ++j) {
        // The first disjunct sees the caller's rows directly (all rows: no gather).
        bool first = j == 0;
        RETURN_IF_ERROR(Filter(*e.args[j], in, first ? rows : remaining.data(),
                               first ? n : remaining.size(), &accepted));
        if (accepted.empty()) continue;
        merged.clear();
        std::merge(out->begin(), out->end(), accepted.begin(), accepted.end(),
                   std::back_inserter(merged));
        out->swap(merged);
        // remaining -= accepted (both ascending, accepted a subset of remaining).
        size_t w = 0, a = 0;
        for (size_t k = 0; k < remaining.size(); ++k) {
          if (a < accepted.size() && accepted[a] == remaining[k]) {
            ++a;
          } else {
            remaining[w++] = remaining[k];
          }
        }
        remaining.resize(w);
      }
      return absl::OkStatus();
    }
    case BoundExpr::Kind::kCall:
    case BoundExpr::Kind::kIn:
    case BoundExpr::Kind::kLike:
    case BoundExpr::Kind::kIsNull: {
      NodeState& st = scratch_.For(e);
      if (Predicate* p = PredicateFor(e, st)) return FilterPredicate(*p, in, rows, n, st, out);
      break;
    }
    default:
      break;
  }
  ASSIGN_OR_RETURN(const Vector* v, EvalRows(e, in, rows, n));
  KeepTrue(*v, rows, n, out);
  return absl::OkStatus();
}

}  // namespace strata::query
