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

// What a rollup aggregate read (rollup_aggregate.h), for EXPLAIN ANALYZE.
struct RollupStats {
  uint64_t cells = 0;             // rollup cells folded
  uint64_t covered_segments = 0;  // data segments answered (at least partly) by cells
  uint64_t raw_segments = 0;      // data segments read raw (uncovered, or time edges)
  uint64_t raw_rows = 0;          // rows read raw from segments (the scope's rows only)
  uint64_t memtable_rows = 0;     // rows read from memtables (the scope's rows only)
  uint64_t live_sessions = 0;     // live sessions folded
};

// What EXPLAIN ANALYZE reports per plan node (summed over worker threads).
struct NodeStats {
  uint64_t rows = 0;
  uint64_t micros = 0;  // wall time inside Next(), summed over workers
  engine::ScanStats scan;
  uint64_t live_merchants = 0;  // sessions / pageviews: merchants whose live rows were derived
  uint64_t live_rows = 0;       // ... and their rows that passed the pushed predicates
  int workers = 0;
  RollupStats rollup;
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

// The scan operator of any table (scan_operator.cc, realtime_scan.cc).
std::unique_ptr<Operator> MakeScanOperator(const PlanNode& node, ExecContext& ctx, int part,
                                           int parts);
std::unique_ptr<Operator> MakeRealtimeScanOperator(const PlanNode& node, ExecContext& ctx,
                                                   int part);
// The snapshot share of partition `part` of `parts` for a scan of spec.table, balanced by
// the rows the scan's merchants have in each segment.
std::shared_ptr<const engine::Snapshot> PartitionSnapshot(const engine::Snapshot& snapshot,
                                                          const engine::ScanSpec& spec, int part,
                                                          int parts);
// The segments of spec.table in the snapshot, and those a scan can skip from metadata
// alone (time range and merchant directory), for EXPLAIN without ANALYZE.
const std::vector<std::shared_ptr<const engine::SegmentHandle>>& TableSegments(
    const engine::Snapshot& snapshot, engine::ScanTable table);
uint64_t CountPrunableSegments(const engine::Snapshot& snapshot, const engine::ScanSpec& spec);
// The merchants whose live rows (sessions, pageviews) or realtime rows a scan with
// `merchants` produces: those, or every merchant of the catalog when empty.
std::vector<uint32_t> MerchantsInScope(const engine::Snapshot& snapshot,
                                       const std::vector<uint32_t>& merchants);

}  // namespace strata::query
