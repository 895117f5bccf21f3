// EventProducer: validated events into Kafka, exactly once per acknowledged call.
//
// librdkafka's idempotent producer (enable.idempotence=true, acks=all, lz4): retries never
// duplicate or reorder a partition's messages. ProduceEvents groups the events by
// merchant, makes one message per merchant (key = merchant, value = the events' JSON,
// minified, one per line: NDJSON) and returns only after every message's delivery report,
// so an OK means the events are in Kafka. The local queue is bounded (queue_max_messages,
// queue_max_kbytes): when it is full the call fails at once with ResourceExhausted and
// nothing of that merchant's message is queued; memory never grows without bound.
//
// A background thread serves delivery reports (rd_kafka_poll).
//
// Thread safety: every method is thread-safe; many HTTP workers share one producer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ingest/kafka/kafka_options.h"

namespace strata::ingest::kafka {

struct ProducerOptions {
  KafkaOptions kafka;
  int64_t queue_max_messages = 100'000;                 // queue.buffering.max.messages
  int64_t queue_max_kbytes = 256 * 1024;                // queue.buffering.max.kbytes
  absl::Duration delivery_timeout = absl::Seconds(30);  // message.timeout.ms
  absl::Duration linger = absl::Milliseconds(5);        // linger.ms
};

// One accepted event: its merchant and its JSON text as received (any whitespace).
struct OutgoingEvent {
  std::string_view merchant;
  std::string_view json;
};

using MessageHeaders = std::vector<std::pair<std::string, std::string>>;

struct ProducerStats {
  uint64_t messages_delivered = 0;
  uint64_t events_delivered = 0;
  uint64_t bytes_delivered = 0;  // message values
  uint64_t delivery_errors = 0;
  uint64_t queue_full = 0;  // calls refused with ResourceExhausted
  uint64_t in_flight = 0;   // messages queued, not yet reported
};

class EventProducer {
 public:
  // InvalidArgument for a bad setting (librdkafka's message names the property).
  static absl::StatusOr<std::unique_ptr<EventProducer>> Open(const ProducerOptions& options);
  // Waits up to the delivery timeout for queued messages, then stops.
  ~EventProducer();
  EventProducer(const EventProducer&) = delete;
  EventProducer& operator=(const EventProducer&) = delete;

  // To options.kafka.topic, one message per merchant; waits for all delivery reports.
  // ResourceExhausted: the queue is full (retry later). Unavailable / DeadlineExceeded:
  // a delivery failed; the message names the merchants whose events were stored, if any.
  absl::Status ProduceEvents(absl::Span<const OutgoingEvent> events);
  // One message to `topic`, waiting for its delivery report (dead letters, tests).
  absl::Status Produce(const std::string& topic, std::string_view key, std::string_view value,
                       const MessageHeaders& headers = {});

  ProducerStats stats() const;

 private:
  struct Impl;
  explicit EventProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::ingest::kafka
