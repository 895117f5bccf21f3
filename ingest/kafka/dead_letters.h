// Private to ingest/kafka: the consumer's dead-letter producer.
//
// Each bad line becomes one message on the dead-letter topic: key = the source message's
// key, value = the line, headers strata.error ("field: reason"), strata.source
// ("TOPIC/PARTITION/OFFSET") and strata.line (the line's 0-based index in the message).
// Sending never blocks the consumer: a refused or failed delivery is counted and the line
// is logged. Dead letters are at least once: a line re-read after a crash is sent again.
//
// Thread safety: Send/Poll/Flush from the owning (consumer) thread; the counters from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/kafka/kafka_client.h"
#include "ingest/kafka/kafka_options.h"
#include "ingest/kafka/message_decoder.h"

namespace strata::ingest::kafka {

class DeadLetterQueue {
 public:
  // InvalidArgument for a bad property (librdkafka's message names it).
  static absl::StatusOr<std::unique_ptr<DeadLetterQueue>> Open(const KafkaOptions& kafka);
  // Waits up to 10 s for queued dead letters.
  ~DeadLetterQueue();
  DeadLetterQueue(const DeadLetterQueue&) = delete;
  DeadLetterQueue& operator=(const DeadLetterQueue&) = delete;

  // Queues `line` of the message at `source` (SourceKey + "/" + offset) with `key`.
  void Send(std::string_view key, const BadLine& line, std::string_view source);
  // Serves delivery reports; call often.
  void Poll();
  // Waits up to `timeout` until every queued dead letter is reported.
  void Flush(absl::Duration timeout);

  uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  explicit DeadLetterQueue(std::string topic) : topic_(std::move(topic)) {}
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  void Failed(std::string_view source, std::string_view line, std::string_view error);

  std::string topic_;
  KafkaHandle rk_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace strata::ingest::kafka
