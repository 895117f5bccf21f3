// Comparison primitives shared by the comparison kernels and the evaluator's predicate
// fast paths (private to the expression module).
//
// Ordering follows PostgreSQL: text compares byte-wise; NaN equals NaN and sorts above
// every other double; intervals compare by their length with a month as 30 days.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "query/functions.h"
#include "query/time_util.h"
#include "query/types.h"
#include "query/vector.h"

namespace strata::query {

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

// False if `name` is not a comparison operator.
bool ParseCmpOp(std::string_view name, CmpOp* op);

inline int Compare3(int64_t a, int64_t b) { return (a > b) - (a < b); }
inline int Compare3(double a, double b) {
  bool na = a != a, nb = b != b;  // NaN
  if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
  return (a > b) - (a < b);
}
inline int Compare3(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}
inline int Compare3(const Interval& a, const Interval& b) {
  Int128 x = IntervalSpan(a), y = IntervalSpan(b);
  return (x > y) - (x < y);
}

template <CmpOp op>
inline bool FromCompare3(int c) {
  switch (op) {
    case CmpOp::kEq:
      return c == 0;
    case CmpOp::kNe:
      return c != 0;
    case CmpOp::kLt:
      return c < 0;
    case CmpOp::kLe:
      return c <= 0;
    case CmpOp::kGt:
      return c > 0;
    case CmpOp::kGe:
      return c >= 0;
  }
  return false;
}

// a op b; integers use the operator directly so loops vectorize.
template <CmpOp op, class T>
inline bool Cmp(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, int64_t>) {
    switch (op) {
      case CmpOp::kEq:
        return a == b;
      case CmpOp::kNe:
        return a != b;
      case CmpOp::kLt:
        return a < b;
      case CmpOp::kLe:
        return a <= b;
      case CmpOp::kGt:
        return a > b;
      case CmpOp::kGe:
        return a >= b;
    }
    return false;
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    if constexpr (op == CmpOp::kEq) {
      return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
    } else if constexpr (op == CmpOp::kNe) {
      return a.size() != b.size() || std::memcmp(a.data(), b.data(), a.size()) != 0;
    } else {
      return FromCompare3<op>(Compare3(a, b));
    }
  } else {
    return FromCompare3<op>(Compare3(a, b));
  }
}

// verdict[k] = subject[row] op constant, row = rows[k] (or k if `rows` is null), for
// k < n. `constant` has the subject's type and is not NULL. Rows that are NULL in the
// subject get an unspecified verdict. String subjects with dictionary codes are decided
// once per code through `cache`.
void CompareToConstant(const Vector& subject, CmpOp op, const Value& constant, const uint32_t* rows,
                       size_t n, CodeVerdicts* cache, uint8_t* verdict);

}  // namespace strata::query
