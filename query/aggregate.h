// Aggregate functions and hash aggregation with partial and final states.
//
// Each worker thread feeds its own HashAggregator (partial state); the workers' states are
// merged with Merge() and the merged one produces the result (final). The same Merge will
// combine partial results shipped from other nodes.
//
// Grouping keys that carry dictionary codes (Vector::codes / code_source) are hashed by
// code: a per-source table maps each code to its interned key once, so strings are
// hashed once per distinct value per source, not once per row. Text keys keep their codes
// while they come from one source, so partials fed from one dictionary (the scan workers
// of one merchant's client ids) also merge by code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/memory.h"
#include "query/types.h"
#include "query/vector.h"

namespace strata::query {

// True for count, sum, avg, min, max, approx_count_distinct, quantile, percentile_cont,
// percentile_disc, median, stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop,
// bool_and, bool_or, string_agg, any_value, every.
bool IsAggregateFunction(std::string_view name);

struct AggregateSpec {
  std::string name;       // canonical lower case name ("count", "sum", ...)
  bool star = false;      // count(*)
  bool distinct = false;  // count(DISTINCT x), sum(DISTINCT x), ...
  std::vector<Type> arg_types;
  // The parameter arguments, which must be constants and are not input columns: the
  // fraction of quantile / percentile_cont / percentile_disc (x, p) and the delimiter of
  // string_agg(x, d). The leading arg_types.size() - constant_args.size() arguments are the
  // inputs (a constant input such as count(1) is still evaluated into a column).
  std::vector<Value> constant_args;
  Type result_type = Type::kNull;

  // Input columns of the chunks passed to HashAggregator::Consume.
  std::vector<int> arg_columns;  // one per input argument
  int filter_column = -1;        // a kBool column: FILTER (WHERE ...); -1 if none
};

// Resolves an aggregate call: checks the arguments and sets result_type. `constant_args`
// holds, per argument, its value when the argument is a constant (needed for quantile's
// fraction and string_agg's delimiter), else nullopt.
// Result types follow PostgreSQL: count -> bigint; sum(bigint) -> bigint (22003 on
// overflow), sum(double) -> double; avg -> double; min/max -> the argument type;
// count(DISTINCT) exact; approx_count_distinct -> bigint (HyperLogLog, ~1% error);
// quantile(x, p) / percentile_cont(p) within group... -> double (exact, linear
// interpolation). Errors: 42883 unknown aggregate or argument types, 42804, 22023 for a
// fraction outside [0, 1].
absl::StatusOr<AggregateSpec> BindAggregate(std::string_view name, bool star, bool distinct,
                                            const std::vector<Type>& arg_types,
                                            const std::vector<std::optional<Value>>& constant_args);

class HashAggregator {
 public:
  // `key_columns` index the consumed chunks; output columns are the keys (in this order)
  // followed by one column per aggregate. Without keys the output is exactly one row, also
  // for empty input (count 0, sum NULL, ...).
  HashAggregator(std::vector<int> key_columns, std::vector<Type> key_types,
                 std::vector<AggregateSpec> aggregates, MemoryBudget* budget);
  ~HashAggregator();
  HashAggregator(const HashAggregator&) = delete;
  HashAggregator& operator=(const HashAggregator&) = delete;

  absl::Status Consume(const Chunk& chunk);
  // Folds `other` (built with the same arguments) into this one. `other` is consumed: its
  // states move here, and afterwards it can only be destroyed.
  absl::Status Merge(HashAggregator& other);
  // The result, in chunks of at most kChunkRows rows; groups in no particular order.
  absl::Status Finish(std::vector<Chunk>* out);
  size_t groups() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::query
