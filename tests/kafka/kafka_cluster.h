// KafkaCluster: a running strata_kafka_mock for the Kafka integration tests and benchmarks,
// with kcat as the outside producer and consumer.
//
//   absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
//   ASSERT_TRUE(kafka.ok()) << kafka.status();
//   ASSERT_OK((*kafka)->Produce("strata.events", {{"shop-a", event_json}}));
//   ... strata serve --set kafka.brokers=(*kafka)->bootstrap() ...
//   absl::StatusOr<std::vector<KafkaMessage>> dlq = (*kafka)->ConsumeAll("strata.events.dlq");
//
// The mock keeps everything in memory: topics, messages and the groups' committed offsets
// live as long as the KafkaCluster. The destructor stops it (SIGTERM, then SIGKILL).
//
// Retention: librdkafka 2.0.2's mock keeps at most 5 MB (and 100,000 record batches) per
// partition, counted as stored, that is compressed, and silently deletes the oldest
// batches beyond that (rdkafka_mock.c, max_size/max_cnt; not configurable). Produce
// therefore compresses with lz4 (about 70 bytes per generated event, so about 70,000
// events per partition); a test that needs more must spread them over more partitions or
// consume while it produces.
//
// Thread safety: Produce and ConsumeAll may run from several threads at once; Start, Stop
// and the destructor from the owning thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/temp_dir.h"
#include "tests/serve/subprocess.h"

namespace strata::kafka_test {

// $STRATA_TESTS_KAFKA_MOCK (not STRATA_KAFKA_*: `strata serve` reads those as
// settings), else the strata_kafka_mock this binary was built with.
std::string KafkaMockBinary();

struct KafkaClusterOptions {
  int brokers = 3;
  // NAME -> partitions; empty: the tool's defaults (strata.events:8, strata.events.dlq:1).
  std::vector<std::pair<std::string, int>> topics;
  absl::Duration ready_timeout = absl::Seconds(20);
};

// One message to produce. The value may hold newlines (an NDJSON message) but no byte 0x1e
// (kcat's message delimiter here); the key may not hold a tab.
struct KafkaRecord {
  std::string key;
  std::string value;
};

// One consumed message.
struct KafkaMessage {
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  // The value of the first header named `name`, or nullopt.
  std::optional<std::string> Header(const std::string& name) const;
};

class KafkaCluster {
 public:
  // Spawns the mock and waits until it printed its bootstrap servers.
  static absl::StatusOr<std::unique_ptr<KafkaCluster>> Start(
      const KafkaClusterOptions& options = {});
  ~KafkaCluster();
  KafkaCluster(const KafkaCluster&) = delete;
  KafkaCluster& operator=(const KafkaCluster&) = delete;

  // "127.0.0.1:PORT,127.0.0.1:PORT,..."
  const std::string& bootstrap() const { return bootstrap_; }

  // SIGTERM and wait: the mock's exit status (0 expected), -N for signal N. Every message
  // and committed offset is gone afterwards. Idempotent.
  int Stop(absl::Duration timeout = absl::Seconds(10));
  bool Running() { return child_.Running(); }
  // What the mock printed so far.
  std::string Log() const;

  // Produces `records` to `topic` with kcat (idempotent, acks=all, lz4) and waits for
  // every delivery. partition -1: by key with kcat's default partitioner (librdkafka's
  // consistent_random, CRC32 of the key); otherwise that partition.
  absl::Status Produce(const std::string& topic, const std::vector<KafkaRecord>& records,
                       int32_t partition = -1) const;

  // Every message of `topic` from the beginning up to the current end, in partition then
  // offset order, read with kcat.
  absl::StatusOr<std::vector<KafkaMessage>> ConsumeAll(const std::string& topic) const;

 private:
  KafkaCluster(std::unique_ptr<TempDir> dir, serve_test::ChildProcess child);

  std::unique_ptr<TempDir> dir_;  // the mock's log, kcat input files
  serve_test::ChildProcess child_;
  std::string bootstrap_;
};

}  // namespace strata::kafka_test
