// Query plans: the tree the binder builds and the executor runs.
//
// One node type serves as both logical and physical plan: the binder already places
// predicates in the scan (pushdown), chooses top-N for ORDER BY ... LIMIT and fuses the
// residual filter into the scan. Every node knows its output columns; expressions of a
// node refer to the columns of its child's output by index.
//
//   kScan        reads a table (tables.h) for the session's merchant scope: pushed
//                ScanSpec + residual filter, produces `scan_columns`
//   kValues      one row with no columns (SELECT without FROM)
//   kConstRows   rows computed at bind time (SHOW, a bound subquery's result)
//   kFilter      keeps rows where `predicate` is true
//   kProject     evaluates `exprs`
//   kAggregate   groups by `keys`, computes `aggregates` (args/filters are exprs too)
//   kSort        orders by `sort_keys`; `limit` >= 0 makes it a top-N
//   kLimit       skips `offset` rows, then passes at most `limit` (-1 = all)
//   kUnionAll    concatenates its children
//   kRollupAggregate  a kAggregate over a kScan answered from rollup cells plus the raw
//                remainder (rollup_planner.h); keeps keys, aggregates and the scan child
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/scan.h"
#include "query/aggregate.h"
#include "query/expr.h"
#include "query/query.h"
#include "query/sort.h"
#include "query/vector.h"

namespace strata::query {

// The tables a scan reads. Events, sessions and pageviews are stored (engine::Scanner over
// their segments, plus memtables for events and live sessions for the other two); the
// realtime tables are computed from the snapshot's RealtimeTracker.
enum class TableId {
  kEvents,
  kSessions,
  kPageviews,
  kRealtimeUsers,
  kRealtimePages,
  kRealtimeItems
};

// A column the scan produces. `source` is a column id of the table (engine::EventColumn,
// SessionColumn, PageviewColumn, RealtimeField), or one of the virtual columns below.
enum VirtualColumn : int {
  kVirtualClientKey = 1000,  // (merchant << 32) | client: exact distinct users, as bigint
};

// How a scan turns a stored value into its SQL value.
enum class ScanRole : uint8_t {
  kMerchant,   // dense merchant id -> the catalog's merchant string
  kClient,     // dense client id -> the catalog's client_id string
  kClientKey,  // virtual: (merchant << 32) | client
  kTime,       // the table's time column, µs -> timestamptz (pushed as the time range)
  kTimestamp,  // another µs column -> timestamptz
  kInt,        // bigint
  kBool,       // stored 0/1 -> boolean
  kSeconds,    // stored µs -> double precision seconds; a negative value is NULL
  kDouble,     // double precision; NaN is NULL
  kString,     // text; an empty string is NULL
};

struct ScanColumn {
  int source = 0;
  std::string name;
  Type type = Type::kNull;
  ScanRole role = ScanRole::kString;
};

struct RollupPlan;  // rollup_planner.h

struct BoundAggregate {
  AggregateSpec spec;         // arg_columns / filter_column index the evaluated inputs
  std::vector<ExprPtr> args;  // over the child's output (non-constant arguments only)
  ExprPtr filter;             // FILTER (WHERE ...) or null
};

struct PlanNode {
  enum class Kind {
    kScan,
    kValues,
    kConstRows,
    kFilter,
    kProject,
    kAggregate,
    kSort,
    kLimit,
    kUnionAll,
    kRollupAggregate
  };
  Kind kind = Kind::kValues;
  std::vector<ResultColumn> output;
  std::vector<std::unique_ptr<PlanNode>> children;

  // kScan
  std::string table;  // the table's SQL name
  TableId table_id = TableId::kEvents;
  bool scope_empty = false;  // the scope or pushed merchant filter matches nothing
  engine::ScanSpec spec;     // merchants, time range, predicates (columns unused)
  std::vector<ScanColumn> scan_columns;
  ExprPtr residual;                 // filter over scan_columns, may be null
  std::vector<std::string> pushed;  // what went into the scan, for EXPLAIN

  // kConstRows
  std::vector<std::vector<Value>> rows;

  // kFilter
  ExprPtr predicate;
  // kProject
  std::vector<ExprPtr> exprs;
  // kAggregate, kRollupAggregate
  std::vector<ExprPtr> keys;
  std::vector<BoundAggregate> aggregates;
  // kRollupAggregate: what to read from the cubes (children[0] is the scan it replaces)
  std::shared_ptr<const RollupPlan> rollup;
  // kSort
  std::vector<SortKey> sort_keys;
  // kSort (top-N when >= 0) / kLimit
  int64_t limit = -1;
  int64_t offset = 0;
};
using PlanPtr = std::unique_ptr<PlanNode>;

}  // namespace strata::query
