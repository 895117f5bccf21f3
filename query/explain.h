// EXPLAIN: the plan as indented text lines, with what pruning removes and, after EXPLAIN
// ANALYZE, the rows and time of every operator and the scan's pruning counters.
#pragma once

#include <string>
#include <vector>

#include "engine/snapshot.h"
#include "query/executor.h"
#include "query/plan.h"

namespace strata::query {

// `analyzed` holds the statistics of a run of `plan` (EXPLAIN ANALYZE), or is null.
std::vector<std::string> ExplainPlan(const PlanNode& plan, const engine::Snapshot& snapshot,
                                     const ExecContext* analyzed);

}  // namespace strata::query
