// EventConsumer: Kafka topic -> engine, exactly once (docs/architecture.md, "Kafka ingest").
//
// One thread consumes options.kafka.topic in consumer group options.kafka.group. A message
// holds one JSON event or NDJSON lines (blank lines ignored). Each line is decoded and
// validated by ingest::EventDecoder; a bad line goes to the dead-letter topic (value = the
// line, headers: strata.error = "field: reason", strata.source = "TOPIC/PARTITION/OFFSET",
// strata.line = its index in the message) and is counted; the good lines of the message
// still land. A partition never stops on bad input.
//
// Exactly once: the consumer never trusts Kafka's committed offsets as its source of
// truth. Events go to Engine::Append with the position after their message (source key
// SourceKey(topic, partition)); the engine records, per shard, the positions its flushed
// segments cover, in the same manifest edit (Engine::DurablePositions). On assignment a
// partition starts at max(minimum over shards of the durable position, the group's
// committed offset) — the committed offset wins only when another node consumed further —
// and an event whose message lies below its shard's durable position is dropped (it is in
// segments already). On revoke the engine is flushed, the durable positions are committed
// to the group, then the partitions are released. Durable positions are also committed
// every commit_interval, so the group's lag shows what is durable.
//
// Batching: messages are gathered up to max_batch_events or max_batch_wait, then appended
// in one Engine::Append (one message's events are never split across calls).
//
// Thread safety: stats() from any thread; Start/Stop from one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
#include "ingest/kafka/kafka_options.h"

namespace strata::ingest::kafka {

struct ConsumerOptions {
  KafkaOptions kafka;
  size_t max_batch_events = 64 * 1024;
  absl::Duration max_batch_wait = absl::Milliseconds(20);
  absl::Duration commit_interval = absl::Seconds(1);
  int session_timeout_ms = 6000;  // session.timeout.ms (brokers' usual minimum)
  ValidationOptions validation;   // e.g. the ts window; default: any ts
};

struct PartitionStats {
  int32_t partition = 0;
  int64_t position = -1;        // next offset to consume (-1 = not started)
  int64_t high_watermark = -1;  // last known end of the partition (-1 = unknown)
  int64_t lag = -1;             // high_watermark - position when both are known
  int64_t durable = 0;          // minimum over shards of the engine's durable position
  int64_t committed = -1;       // last offset committed to the group by this consumer
};

struct ConsumerStats {
  uint64_t messages = 0;            // consumed (including bad and dropped-as-durable ones)
  uint64_t bytes = 0;               // message values
  uint64_t events = 0;              // appended to the engine
  uint64_t duplicates_skipped = 0;  // events already durable (after a restart)
  uint64_t dead_letters = 0;        // bad lines sent to the DLQ
  uint64_t dead_letter_errors = 0;  // DLQ deliveries that failed (the line is logged)
  uint64_t append_errors = 0;       // Engine::Append failures (consuming pauses and retries)
  uint64_t rebalances = 0;
  uint64_t commits = 0;
  std::vector<PartitionStats> partitions;  // currently assigned, by partition
  int64_t total_lag = 0;                   // sum of known lags
};

class EventConsumer {
 public:
  // Connects, subscribes and starts the consuming thread. `engine` must outlive the
  // consumer and be opened with write_ahead_log = false.
  static absl::StatusOr<std::unique_ptr<EventConsumer>> Start(const ConsumerOptions& options,
                                                              engine::Engine* engine);
  // Stop() if still running.
  ~EventConsumer();
  EventConsumer(const EventConsumer&) = delete;
  EventConsumer& operator=(const EventConsumer&) = delete;

  // Stops consuming, appends what was gathered, flushes the engine, commits the durable
  // positions and leaves the group. Returns the first error met, if any.
  absl::Status Stop();

  ConsumerStats stats() const;

 private:
  struct Impl;
  explicit EventConsumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::ingest::kafka
