// The evaluator's per-node scratch and the recursive evaluation (private to the
// expression module; the API is evaluator.h).
//
// Every expression node gets a NodeState, found by the node's address, that keeps its
// output vector, argument lists, row lists and prepared predicates between chunks, so a
// steady stream of chunks allocates nothing. A state remembers what it was derived from
// and is rebuilt if a different expression later occupies the same address.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "query/evaluator.h"
#include "query/functions.h"
#include "query/functions_compare.h"
#include "query/like.h"

namespace strata::query {

// The constant list of an IN, ready for membership tests.
struct InList {
  bool has_null = false;
  std::vector<int64_t> ints;             // kBool / kInt64 / kTimestamp; scanned when short
  absl::flat_hash_set<int64_t> int_set;  // ... and hashed when long
  std::vector<double> floats;
  std::vector<Interval> intervals;
  absl::flat_hash_set<std::string> strings;
};

// A boolean expression that tests one sub-expression (the subject) against constants:
// `subject op constant`, `subject [NOT] IN (constants)`, `subject [NOT] [I]LIKE constant`,
// `subject IS [NOT] NULL`. Decided with tight loops and, for dictionary-coded strings,
// once per distinct code.
struct Predicate {
  enum class Kind { kCompare, kIn, kLike, kIsNull };
  Kind kind = Kind::kCompare;
  const BoundExpr* subject = nullptr;
  bool negated = false;
  CmpOp op = CmpOp::kEq;            // kCompare
  Value constant;                   // kCompare
  InList list;                      // kIn
  std::optional<LikeMatcher> like;  // kLike
  CodeVerdicts verdicts;
};

struct NodeState {
  explicit NodeState(const BoundExpr& e);
  // True if this state was built for an expression like `e` (same shape and constants).
  bool Describes(const BoundExpr& e) const;

  // What the state was derived from.
  BoundExpr::Kind kind;
  Type type;
  const ScalarFunction* fn;
  int column;
  bool negated;
  bool case_insensitive;
  std::vector<bool> constant_args;
  std::vector<Value> constants;  // kConstant: its value; else the constant arguments

  Vector out;
  bool constant_ready = false;  // kConstant: `out` holds the value, out.size() rows

  // kCall
  std::unique_ptr<FunctionState> fn_state;
  bool fn_state_ready = false;
  std::vector<const Vector*> arg_vectors;
  std::vector<const Value*> arg_constants;
  std::vector<uint8_t> nulls;

  // Evaluation on a subset of rows: the referenced input columns, gathered.
  std::vector<int> columns;
  bool columns_ready = false;
  Chunk gathered;

  std::vector<uint32_t> rows_a, rows_b, rows_c, rows_d;
  std::vector<uint8_t> verdict;

  std::unique_ptr<Predicate> predicate;
  bool predicate_ready = false;
  std::optional<LikeMatcher> row_like;  // LIKE with a per-row pattern: the last one
};

struct ExprEvaluator::Scratch {
  absl::flat_hash_map<const BoundExpr*, std::unique_ptr<NodeState>> nodes;
  NodeState& For(const BoundExpr& e);
};

class Evaluation {
 public:
  Evaluation(const ExprContext& ctx, ExprEvaluator::Scratch& scratch)
      : ctx_(ctx), scratch_(scratch) {}

  // `e` over all rows of `in`. The result lives in scratch (or is an input column) until
  // `e` is evaluated again.
  absl::StatusOr<const Vector*> Eval(const BoundExpr& e, const Chunk& in);
  // `e` over rows[0..n) of `in` (all rows if `rows` is null): a vector of n rows.
  absl::StatusOr<const Vector*> EvalRows(const BoundExpr& e, const Chunk& in, const uint32_t* rows,
                                         size_t n);
  // The rows among rows[0..n) (all rows of `in` if null) where boolean `e` is true, in
  // ascending order, into *out (which must not alias `rows`).
  absl::Status Filter(const BoundExpr& e, const Chunk& in, const uint32_t* rows, size_t n,
                      std::vector<uint32_t>* out);

 private:
  // evaluator.cc
  absl::StatusOr<const Vector*> EvalSubset(const BoundExpr& e, const Chunk& in,
                                           const std::vector<uint32_t>& rows);
  const Vector* Constant(const BoundExpr& e, NodeState& st, size_t n);
  absl::StatusOr<const Vector*> EvalCall(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalJunction(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalNot(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalCase(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalCoalesce(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalInList(const BoundExpr& e, const Chunk& in, NodeState& st);
  absl::StatusOr<const Vector*> EvalLikeRows(const BoundExpr& e, const Chunk& in, NodeState& st);

  // evaluator_predicate.cc
  Predicate* PredicateFor(const BoundExpr& e, NodeState& st);
  absl::Status Verdicts(Predicate& p, const Chunk& in, const uint32_t* rows, size_t n,
                        NodeState& st, const Vector** subject, const uint32_t** subject_rows);
  absl::StatusOr<const Vector*> EvalPredicate(Predicate& p, const Chunk& in, NodeState& st);
  absl::Status FilterPredicate(Predicate& p, const Chunk& in, const uint32_t* rows, size_t n,
                               NodeState& st, std::vector<uint32_t>* out);

  const ExprContext& ctx_;
  ExprEvaluator::Scratch& scratch_;
};

// Makes `out` `n` rows of `type` without NULLs, codes or heaps. Fixed-width values of the
// previous contents may remain: producers overwrite every row.
void PrepareOutput(Vector* out, Type type, size_t n);

// Copies row from[k] (k if `from` is null) of `src` to row rows[k] of `out` (same type,
// sized), values and null flags; `out` shares src's string heaps.
void Scatter(const Vector& src, const uint32_t* from, const std::vector<uint32_t>& rows,
             Vector* out);

}  // namespace strata::query
