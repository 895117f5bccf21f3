// Metrics `strata serve` computes at scrape time: engine counters and process memory.
#pragma once

#include <string>

#include "engine/engine.h"
#include "ingest/redis/redis_mirror.h"
#include "server/base/metrics.h"

namespace strata::server {

// Registers a collector that reports `engine`'s stats and the process's resident memory
// and uptime. `engine` must outlive `metrics`' last Render().
void RegisterEngineMetrics(engine::Engine* engine, MetricsRegistry* metrics);

// Appends the Redis mirror's counters (pushes, errors, resyncs, connected) in Prometheus
// text format.
void AppendRedisMirrorMetrics(const ingest::RedisMirrorStats& stats, std::string* out);

}  // namespace strata::server
