// The body of GET /api/v1/admin/status and what `strata admin status` prints: the engine's
// counters and, in Kafka mode, the consumer's partitions, lag and rates and the producer's
// delivery counters.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "engine/engine.h"
#include "ingest/kafka/consumer.h"
#include "ingest/kafka/producer.h"

namespace strata::server {

struct ServeStatusSources {
  const engine::Engine* engine = nullptr;                  // required
  const ingest::kafka::EventConsumer* consumer = nullptr;  // null unless consuming
  const ingest::kafka::EventProducer* producer = nullptr;  // null unless producing
  std::string ingest_mode = "wal";
  absl::Time started;
};

// A JSON object: {"ingest_mode","uptime_seconds","engine":{..},"kafka":{"consumer":{..},
// "producer":{..}}} (docs/operations.md, "Status").
std::string ServeStatusJson(const ServeStatusSources& sources);

// The same as aligned text for a terminal, from the JSON (what `strata admin status`
// prints); InvalidArgument-free: unknown or missing fields are skipped.
std::string FormatServeStatus(const std::string& json);

}  // namespace strata::server
