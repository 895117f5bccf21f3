// Rollup routing: answers eligible aggregates from the rollup cubes (engine/rollup/rollup.h)
// instead of raw rows.
//
// After binding, PlanRollups rewrites each kAggregate directly over a kScan of `events` or
// `sessions` into a kRollupAggregate when one cube holds everything the query touches:
//   - WHERE: merchant, the time range (ts / start), and `col = 'x'` / `col IN (...)` on the
//     cube's dimension or `event`;
//   - GROUP BY: merchant, event, the cube's dimension, and at most one time bucket of the
//     time column: date_trunc('hour'|'day'|'week'|'month'|..., t [, zone]) or
//     time_bucket('N hours'|'N days'|'N months', t [, zone|origin]);
//   - aggregates: count(*), count(DISTINCT client_id), count/sum/avg/min/max of `value`
//     (events) or of duration / revenue (sessions), count/sum/avg of pageviews / events /
//     bounced::int / engaged::int / converted::int, each optionally with FILTER (WHERE ...)
//     of the WHERE forms above, and count(*) FILTER (WHERE [NOT] bounced|engaged|converted).
// Anything else stays on the raw path, which gives the same answer. The rewritten node keeps
// its output columns, keys, aggregates and the scan child (for EXPLAIN); the executor
// (rollup_aggregate.cc) reads cells of covering companions and the raw remainder.
//
// Grain: day when there is no time group or the buckets are a day or longer, else hour
// (only cubes with hourly cells). Whether a cell can be used is decided exactly at run
// time, per cell: its bucket must lie inside the query's time range and inside one time
// group (so a merchant whose zone differs from the session's gets hourly cells or raw
// rows); what cells cannot answer is read raw.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "engine/rollup/rollup.h"
#include "query/expr.h"
#include "query/plan.h"

namespace strata::query {

// `column IN (values)` on a string column; '' reads as NULL, so it never matches.
struct RollupStringTest {
  int source = 0;         // EventColumn / SessionColumn
  bool on_event = false;  // tests the event name; else the cube's dimension
  std::vector<std::string> values;
  bool Matches(std::string_view v) const;
};

enum class RollupKeyKind { kMerchant, kTime, kEvent, kDim };

// What an aggregate reads from a cell or a raw row.
enum class RollupMeasure {
  kRows,       // count(*)
  kValue,      // events `value` / sessions `revenue` (NaN is NULL)
  kDuration,   // sessions duration, seconds
  kPageviews,  // sessions pageviews
  kEvents,     // sessions events
  kBounced,    // sessions flags, as 0/1
  kEngaged,
  kConverted,
  kUsers,  // count(DISTINCT client_id): dense client ids per merchant
};

enum class RollupFunction { kCount, kSum, kAvg, kMin, kMax };

struct RollupAggregateSpec {
  RollupFunction function = RollupFunction::kCount;
  RollupMeasure measure = RollupMeasure::kRows;
  Type result_type = Type::kInt64;
  // FILTER (WHERE ...): string tests on event / dimension, and for count(*) at most one
  // session flag (kBounced / kEngaged / kConverted; kRows = none), possibly negated.
  std::vector<RollupStringTest> filter;
  RollupMeasure filter_flag = RollupMeasure::kRows;
  bool filter_flag_negated = false;
};

struct RollupPlan {
  bool sessions = false;  // the `sessions` table, else `events`
  engine::RollupCube cube = engine::kCubeEvents;
  engine::RollupGrain grain = engine::RollupGrain::kDay;
  int dim_source = -1;  // the cube's dimension column, -1 for kCubeEvents / kCubeSessions
  std::vector<RollupKeyKind> keys;  // one per group key of the aggregate, in order
  // The time group key as an expression over one timestamp column (index 0), or null.
  ExprPtr time_key;
  // True when time_key depends on a zone's UTC offset (date_trunc; time_bucket with a zone):
  // a bucket containing an offset change of `time_key_zone` is not used.
  bool time_key_zoned = false;
  absl::TimeZone time_key_zone = absl::UTCTimeZone();
  std::vector<RollupStringTest> where;     // every string test of WHERE
  std::vector<RollupStringTest> residual;  // those the scan's ScanSpec does not apply
  std::vector<RollupAggregateSpec> aggregates;
  // Users are counted per (group, merchant) and summed: count(DISTINCT __client_key).
  bool users_by_merchant = false;

  std::string CubeName() const;
  std::string GrainName() const;
};

struct RollupPlannerOptions {
  bool enabled = true;  // the session setting strata.rollups
  ExprContext expr;
};

// Rewrites every eligible aggregate of the tree in place.
void PlanRollups(PlanNode* root, const RollupPlannerOptions& options);

// The rollup plan of one kAggregate over a kScan, or null if it is not eligible.
std::shared_ptr<const RollupPlan> PlanRollupAggregate(const PlanNode& aggregate,
                                                      const ExprContext& expr);

}  // namespace strata::query
