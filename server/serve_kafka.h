// Kafka mode of `strata serve` (ingest.mode = "kafka"): the producer behind /collect and
// the consumer that lands the topic in the engine, built from the kafka.* settings.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "ingest/kafka/consumer.h"
#include "ingest/kafka/kafka_options.h"
#include "ingest/kafka/producer.h"
#include "server/base/metrics.h"
#include "server/config.h"

namespace strata::server {

// InvalidArgument when kafka.brokers is empty or a kafka.properties item is not
// "key=value".
absl::StatusOr<ingest::kafka::KafkaOptions> KafkaOptionsFrom(const ServeConfig& c);

struct KafkaIngest {
  std::unique_ptr<ingest::kafka::EventProducer> producer;
  std::unique_ptr<ingest::kafka::EventConsumer> consumer;
};

// Opens the producer and starts the consumer on `engine` (opened with the WAL off), and
// registers their metrics. The returned parts must outlive `metrics`' last Render().
absl::StatusOr<KafkaIngest> StartKafkaIngest(const ServeConfig& c, engine::Engine* engine,
                                             MetricsRegistry* metrics);

}  // namespace strata::server
