// Metrics `strata serve` computes at scrape time: engine counters and process memory.
#pragma once

#include <string>

#include "engine/engine.h"
#include "ingest/kafka/consumer.h"
#include "ingest/kafka/producer.h"
#include "ingest/redis/redis_mirror.h"
#include "server/base/metrics.h"

namespace strata::server {

// Registers a collector that reports `engine`'s stats and the process's resident memory
// and uptime. `engine` must outlive `metrics`' last Render().
void RegisterEngineMetrics(engine::Engine* engine, MetricsRegistry* metrics);

// Appends the Redis mirror's counters (pushes, errors, resyncs, connected) in Prometheus
// text format.
void AppendRedisMirrorMetrics(const ingest::RedisMirrorStats& stats, std::string* out);

// Appends the Kafka consumer's counters, total and per-partition lag.
void AppendKafkaConsumerMetrics(const ingest::kafka::ConsumerStats& stats, std::string* out);
// Appends the Kafka producer's (/collect in kafka mode) delivery counters.
void AppendKafkaProducerMetrics(const ingest::kafka::ProducerStats& stats, std::string* out);

}  // namespace strata::server
