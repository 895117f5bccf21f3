// The executor: turns a plan (plan.h) into a tree of pull-based operators and runs it.
//
// Operators pass Chunks. A scan reads its share of the snapshot (a partition of its
// segments and memtables) and applies the residual filter; an aggregate over a scan
// pipeline runs one pipeline per worker thread, each into its own partial HashAggregator,
// and merges them (partial/final). Memory held by hash tables, sorts and results counts
// against the statement's MemoryBudget; cancellation is checked between chunks.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog.h"
#include "engine/scan.h"
#include "engine/snapshot.h"
#include "query/expr.h"
#include "query/memory.h"
#include "query/plan.h"

namespace strata::query {

// What EXPLAIN ANALYZE reports per plan node (summed over worker threads).
struct NodeStats {
  uint64_t rows = 0;
  uint64_t micros = 0;  // wall time inside Next(), summed over workers
  engine::ScanStats scan;
  int workers = 0;
};

struct ExecContext {
  std::shared_ptr<const engine::Snapshot> snapshot;
  const engine::Catalog* catalog = nullptr;
  ExprContext expr;
  MemoryBudget* budget = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  int threads = 1;
  bool collect_stats = false;

  std::mutex stats_mu;
  std::map<const PlanNode*, NodeStats> stats;  // when collect_stats
};

class Operator {
 public:
  virtual ~Operator() = default;
  // The next non-empty chunk, or *done = true at the end.
  virtual absl::Status Next(Chunk* out, bool* done) = 0;
};

// Builds the operator for `node`. `part`/`parts` select the share of the snapshot that
// scans below read (0/1 = everything).
absl::StatusOr<std::unique_ptr<Operator>> BuildOperator(const PlanNode& node, ExecContext& ctx,
                                                        int part, int parts);

// Runs `plan` to completion and returns its rows. 54000 beyond `max_rows`.
absl::StatusOr<std::vector<std::vector<Value>>> RunPlan(const PlanNode& plan, ExecContext& ctx,
                                                        size_t max_rows);

// The scan operator (scan_operator.cc).
std::unique_ptr<Operator> MakeScanOperator(const PlanNode& node, ExecContext& ctx, int part,
                                           int parts);
// The snapshot share of partition `part` of `parts`, balanced by the rows the scan's
// merchants have in each segment.
std::shared_ptr<const engine::Snapshot> PartitionSnapshot(const engine::Snapshot& snapshot,
                                                          const engine::ScanSpec& spec, int part,
                                                          int parts);
// Segments of the snapshot a scan can skip from metadata alone (time range and merchant
// directory), for EXPLAIN without ANALYZE.
uint64_t CountPrunableSegments(const engine::Snapshot& snapshot, const engine::ScanSpec& spec);

}  // namespace strata::query
