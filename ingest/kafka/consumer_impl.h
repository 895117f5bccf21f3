// Private to ingest/kafka: the state of an EventConsumer, shared by consumer.cc (the
// consuming thread: messages, batches, appends, stats) and consumer_rebalance.cc
// (assignment, resume offsets, duplicate thresholds, commits).
//
// Everything but the counters and the published stats belongs to the consuming thread;
// librdkafka calls the rebalance and commit callbacks on that thread too (from
// rd_kafka_consumer_poll and rd_kafka_consumer_close).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "ingest/kafka/batch_appender.h"
#include "ingest/kafka/consumer.h"
#include "ingest/kafka/dead_letters.h"
#include "ingest/kafka/kafka_client.h"
#include "ingest/kafka/message_decoder.h"

namespace strata::ingest::kafka {

// One assigned partition.
struct PartitionState {
  int32_t partition = 0;
  std::string key;  // SourceKey(topic, partition)
  // By shard: an event of a message below this offset is in the shard's segments already.
  std::vector<int64_t> drop_below;
  int64_t max_drop_below = 0;  // messages at or above it need no per-event check
  // The group's committed offset at assignment (-1 = none): commits never go below it.
  int64_t commit_floor = -1;
  int64_t position = -1;    // next offset to consume (-1 = unknown: from the beginning)
  int64_t batch_next = -1;  // position after the pending batch's last message (-1 = none)
  int64_t durable = 0;      // minimum over shards of the engine's durable position
  int64_t stored = -1;      // last offset stored for librdkafka's commits
  int64_t committed = -1;   // last offset this consumer committed
  int64_t high_watermark = -1;
};

struct EventConsumer::Impl {
  Impl(const ConsumerOptions& o, engine::Engine* e)
      : options(o), engine(e), shards(e->shard_count()), decoder(o.validation) {}

  // consumer.cc: the consuming thread.
  void Run();
  void HandleMessage(const rd_kafka_message_t* msg);
  // Hands the gathered batch, with the positions after its messages, to the appender.
  void SubmitBatch();
  // Submits the gathered batch and waits until everything submitted is appended.
  absl::Status AppendAll();
  // Runs after the loop: last append, engine flush, final commit, leaving the group.
  void Shutdown();
  void PublishStats();
  void NoteError(const absl::Status& status);

  // consumer_rebalance.cc
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void OnCommit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* offsets, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  void Assign(rd_kafka_topic_partition_list_t* partitions);
  void Revoke(rd_kafka_topic_partition_list_t* partitions);
  // Stores, for the given partitions (null: every assigned one), the engine's durable
  // positions where they moved past what the group has; with commit_now also commits
  // them synchronously (revoke, shutdown). Stored offsets are otherwise committed by
  // librdkafka's auto-commit timer, which skips commits while the group rebalances:
  // librdkafka 2.0.2 drops the assignment when a commit meets a rebalance (its issue
  // #4059), and the next owner would then re-read what this node holds.
  // Returns the commit's error (NO_ERROR when nothing needed committing).
  rd_kafka_resp_err_t StoreDurable(const rd_kafka_topic_partition_list_t* partitions,
                                   bool commit_now);
  void CommitFailed(rd_kafka_resp_err_t err);
  bool Cooperative() const;

  const ConsumerOptions options;
  engine::Engine* const engine;
  const uint32_t shards;

  KafkaHandle rk;
  std::unique_ptr<DeadLetterQueue> dead_letters;
  std::thread thread;
  absl::Notification stop;
  std::unique_ptr<BatchAppender> appender;  // declared after `stop`, which it uses

  // Consuming thread only.
  MessageDecoder decoder;
  EventSlots batch;
  std::vector<BadLine> bad_lines;
  bool batch_open = false;  // a message was gathered since the last append
  absl::Time batch_deadline;
  std::map<int32_t, PartitionState> partitions;
  bool unflushed = false;  // appended since the last engine flush
  bool stopping = false;   // Shutdown runs: messages are no longer gathered
  absl::Status first_error;

  // Counters, read by stats() from any thread.
  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> duplicates_skipped{0};
  std::atomic<uint64_t> rebalances{0};
  std::atomic<uint64_t> commits{0};

  mutable absl::Mutex stats_mu;
  std::vector<PartitionStats> partition_stats ABSL_GUARDED_BY(stats_mu);
  int64_t total_lag ABSL_GUARDED_BY(stats_mu) = 0;
};

}  // namespace strata::ingest::kafka
