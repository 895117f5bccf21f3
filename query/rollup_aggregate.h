// The rollup aggregate: runs a kRollupAggregate (rollup_planner.h).
//
// For each merchant in scope and each data segment whose companion rollup Covers it, the
// cells of the plan's cube are folded when their rows all lie inside the query's time
// range and inside one time group: daily cells first, then (cubes with hourly cells)
// hourly cells for the days daily cells could not answer. The rest of that segment's rows
// of the merchant is read raw, by time spans. Segments whose companion does not cover a
// merchant are read raw (ScanSpec::skip_rolled_up), and so are memtables (events) and live
// sessions (sessions). Every row is counted exactly once; results, types and NULLs are
// those of the raw HashAggregator.
//
// RollupFolder holds the per-group states both kinds of input fold into.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "engine/rollup/rollup.h"
#include "engine/scan.h"
#include "query/budget_reservation.h"
#include "query/evaluator.h"
#include "query/executor.h"
#include "query/group_key.h"
#include "query/hashing.h"
#include "query/rollup_planner.h"

namespace strata::query {

// A string column of a batch of raw rows: dictionary codes (scans) or plain strings (live
// sessions).
struct RawStrings {
  const uint32_t* codes = nullptr;
  engine::StringDict dict;
  const std::string_view* str = nullptr;
  std::string_view Get(size_t row) const {
    return codes != nullptr ? dict.value(codes[row]) : str[row];
  }
};

// One batch of raw rows; columns the plan does not need are null.
struct RawRows {
  size_t rows = 0;
  const int64_t* merchant = nullptr;
  const int64_t* client = nullptr;
  const int64_t* time = nullptr;
  RawStrings event;
  RawStrings dim;
  const double* value = nullptr;  // events value / sessions revenue; NaN = NULL
  const int64_t* duration_us = nullptr;
  const int64_t* pageviews = nullptr;
  const int64_t* events = nullptr;
  const int64_t* bounced = nullptr;
  const int64_t* engaged = nullptr;
  const int64_t* converted = nullptr;
};

class RollupFolder {
 public:
  RollupFolder(const PlanNode& node, ExecContext& ctx);
  RollupFolder(const RollupFolder&) = delete;
  RollupFolder& operator=(const RollupFolder&) = delete;

  // The time group key of each of `ts` (the plan's time_key), into `keys`.
  absl::Status TimeKeys(const std::vector<int64_t>& ts, std::vector<int64_t>* keys);

  // Folds one cell of `merchant` whose rows all have time group `time_key` (ignored without
  // a time key). Cells are buffered; FlushCells folds the buffer (call before Finish).
  absl::Status AddCell(uint32_t merchant, int64_t time_key, const engine::RollupCell& cell);
  absl::Status FlushCells();

  // Folds the raw rows of `rows` that pass every test of `tests`.
  absl::Status AddRows(const RawRows& rows, const std::vector<RollupStringTest>& tests);

  // Folds `other` (of the same node) into this one; `other` can only be destroyed after.
  absl::Status Merge(RollupFolder& other);

  // The result: group keys then aggregates, as the plan node's output.
  absl::Status Finish(std::vector<Chunk>* out);

 private:
  struct State {
    int64_t count = 0;
    Int128 int_sum = 0;
    double sum = 0;
    double compensation = 0;
    double min = 0;
    double max = 0;
  };

  // Whether a string test list passes for row `row`, cached per dictionary code.
  class TestCache {
   public:
    bool Matches(const RollupStringTest& test, const RawStrings& s, size_t row);

   private:
    const void* source_ = nullptr;
    std::vector<int8_t> by_code_;  // -1 unknown, else 0/1
  };

  std::string_view MerchantName(uint32_t merchant);
  void BuildStringKey(const RawStrings& s, const uint32_t* sel, size_t n, Vector* out);
  absl::Status FoldCellBuffer();
  void FoldCell(size_t agg, uint32_t group, uint32_t merchant, const engine::RollupCell& cell);
  Bitmap& Users(size_t agg, uint32_t group, uint32_t merchant);
  void ResizeStates();
  absl::Status Account();
  absl::Status FinishAggregate(size_t agg, size_t begin, size_t end, Vector* out);

  const PlanNode& node_;
  const RollupPlan& plan_;
  ExecContext& ctx_;
  ExprEvaluator evaluator_;
  GroupKeyTable table_;
  BudgetReservation reservation_;
  std::vector<std::vector<State>> states_;  // [aggregate][group]
  // count(DISTINCT client_id): users by (group << 32 | merchant), per aggregate.
  std::vector<absl::node_hash_map<uint64_t, Bitmap>> users_;
  uint64_t user_ops_since_measure_ = 0;
  size_t user_bytes_ = 0;

  std::shared_ptr<StringHeap> names_heap_;
  std::vector<std::string_view> merchant_names_;  // by dense id; data() null = not looked up

  // Buffered cells.
  struct PendingCell {
    uint32_t merchant;
    const engine::RollupCell* cell;
  };
  std::vector<PendingCell> pending_;
  std::vector<int64_t> pending_time_;

  // Scratch.
  std::vector<Vector> key_vectors_;
  std::vector<const Vector*> key_ptrs_;
  std::vector<uint32_t> group_ids_;
  std::vector<uint32_t> selection_;
  std::vector<uint8_t> pass_;
  Chunk time_chunk_;
  Vector time_out_;
  absl::node_hash_map<const RollupStringTest*, TestCache> where_caches_;  // by test
  std::vector<TestCache*> caches_;
  std::vector<std::vector<int64_t>> user_counts_;      // [aggregate][group], set by Finish
  std::vector<std::vector<TestCache>> filter_caches_;  // [aggregate][test]
};

// Segments of `snapshot` a rollup aggregate reads cells of (`covered`) and raw (`raw`),
// from metadata alone, for EXPLAIN without ANALYZE.
struct RollupCoverage {
  uint64_t covered = 0;
  uint64_t raw = 0;
  uint64_t raw_block_rows = 0;  // rows of the blocks holding uncovered merchants' rows
  uint64_t covered_rows = 0;    // rows of covered merchants
};
RollupCoverage CountRollupCoverage(const engine::Snapshot& snapshot, const PlanNode& node);

// The operator of a kRollupAggregate node.
std::unique_ptr<Operator> MakeRollupAggregateOperator(const PlanNode& node, ExecContext& ctx);

}  // namespace strata::query
