#include "server/serve_kafka.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/base/log.h"
#include "server/serve_metrics.h"

namespace strata::server {

absl::StatusOr<ingest::kafka::KafkaOptions> KafkaOptionsFrom(const ServeConfig& c) {
  if (c.kafka.brokers.empty()) {
    return absl::InvalidArgumentError(
        "ingest.mode = \"kafka\" needs kafka.brokers (bootstrap servers \"host:port,...\")");
  }
  ingest::kafka::KafkaOptions o;
  o.brokers = c.kafka.brokers;
  o.topic = c.kafka.topic;
  o.dlq_topic = c.kafka.dlq_topic;
  o.group = c.kafka.group;
  o.client_id = c.kafka.client_id;
  for (const std::string& item : c.kafka.properties) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka.properties: expected \"key=value\", got \"", item, "\""));
    }
    o.properties.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return o;
}

absl::StatusOr<KafkaIngest> StartKafkaIngest(const ServeConfig& c, engine::Engine* engine,
                                             MetricsRegistry* metrics) {
  ASSIGN_OR_RETURN(ingest::kafka::KafkaOptions kafka, KafkaOptionsFrom(c));
  KafkaIngest out;
  ingest::kafka::ProducerOptions producer_options;
  producer_options.kafka = kafka;
  producer_options.delivery_timeout = absl::Milliseconds(c.kafka.produce_timeout_ms);
  ASSIGN_OR_RETURN(out.producer, ingest::kafka::EventProducer::Open(producer_options));

  ingest::kafka::ConsumerOptions consumer_options;
  consumer_options.kafka = kafka;
  consumer_options.max_batch_events = static_cast<size_t>(c.kafka.max_batch_events);
  ASSIGN_OR_RETURN(out.consumer, ingest::kafka::EventConsumer::Start(consumer_options, engine));

  metrics->AddCollector(
      [consumer = out.consumer.get(), producer = out.producer.get()](std::string* text) {
        AppendKafkaConsumerMetrics(consumer->stats(), text);
        AppendKafkaProducerMetrics(producer->stats(), text);
      });
  Log(LogLevel::kInfo, "kafka ingest started")
      .Kv("brokers", kafka.brokers)
      .Kv("topic", kafka.topic)
      .Kv("group", kafka.group)
      .Kv("dlq_topic", kafka.dlq_topic);
  return out;
}

}  // namespace strata::server
