// Metrics `strata serve` computes at scrape time: engine counters and process memory.
#pragma once

#include "engine/engine.h"
#include "server/base/metrics.h"

namespace strata::server {

// Registers a collector that reports `engine`'s stats and the process's resident memory
// and uptime. `engine` must outlive `metrics`' last Render().
void RegisterEngineMetrics(engine::Engine* engine, MetricsRegistry* metrics);

}  // namespace strata::server
