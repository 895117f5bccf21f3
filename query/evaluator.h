// Vectorized evaluation of bound expressions over chunks.
//
// One ExprEvaluator per operator and thread: it keeps scratch vectors between calls so a
// steady stream of chunks evaluates without allocating. Comparisons, arithmetic and
// boolean logic run as tight loops over the typed arrays; AND narrows a selection vector
// so later conjuncts only see rows still alive; string equality / IN / LIKE against
// constants on dictionary-coded vectors are decided once per distinct code.
//
// Errors at run time: 22012 division by zero, 22P02 bad cast input, 22003 overflow,
// 2201B bad regular expression.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "query/expr.h"
#include "query/vector.h"

namespace strata::query {

class ExprEvaluator {
 public:
  explicit ExprEvaluator(const ExprContext& ctx);
  ~ExprEvaluator();
  ExprEvaluator(const ExprEvaluator&) = delete;
  ExprEvaluator& operator=(const ExprEvaluator&) = delete;

  // Evaluates `e` for every row of `in`; `out` gets type e.type and in.rows values.
  absl::Status Eval(const BoundExpr& e, const Chunk& in, Vector* out);
  // The rows of `in` where boolean `e` is true (false and NULL drop the row), ascending.
  absl::Status Select(const BoundExpr& e, const Chunk& in, std::vector<uint32_t>* sel);

  struct Scratch;

 private:
  ExprContext ctx_;
  std::unique_ptr<Scratch> scratch_;
};

// Evaluates a constant expression (no kColumn) to a value.
absl::StatusOr<Value> EvaluateConstant(const BoundExpr& e, const ExprContext& ctx);

}  // namespace strata::query
