// Connection settings shared by the event producer and the event consumer.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata::ingest::kafka {

struct KafkaOptions {
  std::string brokers;  // bootstrap servers: "host:port,host:port"
  std::string topic = "strata.events";
  std::string dlq_topic = "strata.events.dlq";
  std::string group = "strata";  // consumer group id
  std::string client_id = "strata";
  // Extra librdkafka properties (security.protocol, sasl.*, ssl.*, ...), applied after
  // Strata's own settings, so they may override them.
  std::vector<std::pair<std::string, std::string>> properties;
};

// The engine source key of a topic partition: "TOPIC/PARTITION" (engine::SourcePositions).
std::string SourceKey(const std::string& topic, int32_t partition);

}  // namespace strata::ingest::kafka
