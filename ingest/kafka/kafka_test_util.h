// Test helpers for ingest/kafka (header only: every .cc here joins strata_kafka): an
// in-process librdkafka mock cluster, a plain assign()-based reader, events with unique
// ids and an engine scan that counts them.
#pragma once

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "engine/scan.h"
#include "engine/schema.h"
#include "gtest/gtest.h"
#include "ingest/kafka/kafka_client.h"

namespace strata::ingest::kafka::testing {

// A mock Kafka cluster living in this process (loopback TCP brokers).
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1) {
    KafkaConf conf(rd_kafka_conf_new());
    char errstr[256];
    // Silences the "No bootstrap.servers" warning of the bookkeeping handle.
    rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof(errstr));
    handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), errstr, sizeof(errstr)));
    cluster_ = rd_kafka_mock_cluster_new(handle_.get(), brokers);
  }
  ~MockCluster() { rd_kafka_mock_cluster_destroy(cluster_); }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  std::string brokers() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  void CreateTopic(const std::string& topic, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }

 private:
  KafkaHandle handle_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

struct ReadMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads `topic` from the beginning of each of its `partitions` with assign() (no group)
// until `expected` messages arrived or `timeout` passed.
inline std::vector<ReadMessage> ReadTopic(const std::string& brokers, const std::string& topic,
                                          int partitions, size_t expected,
                                          absl::Duration timeout = absl::Seconds(20)) {
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[256];
  rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(conf.get(), "group.id", "test-reader", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf.get(), "enable.auto.commit", "false", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf.get(), "fetch.wait.max.ms", "10", errstr, sizeof(errstr));
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), errstr, sizeof(errstr)));
  rd_kafka_poll_set_consumer(rk.get());
  PartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(rk.get(), list.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<ReadMessage> out;
  const absl::Time deadline = absl::Now() + timeout;
  while (out.size() < expected && absl::Now() < deadline) {
    KafkaMessage msg(rd_kafka_consumer_poll(rk.get(), 100));
    if (msg == nullptr || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    ReadMessage m;
    m.partition = msg->partition;
    m.offset = msg->offset;
    m.key.assign(static_cast<const char*>(msg->key), msg->key_len);
    m.value.assign(static_cast<const char*>(msg->payload), msg->len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(msg.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        m.headers[name] = std::string(static_cast<const char*>(value), size);
      }
    }
    out.push_back(std::move(m));
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

// The offsets `group` committed for partitions 0..partitions-1 of `topic` (-1 = none) and,
// in *ends, each partition's high watermark.
inline std::vector<int64_t> CommittedOffsets(const std::string& brokers, const std::string& group,
                                             const std::string& topic, int partitions,
                                             std::vector<int64_t>* ends) {
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[256];
  rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.c_str(), errstr, sizeof(errstr));
  rd_kafka_conf_set(conf.get(), "group.id", group.c_str(), errstr, sizeof(errstr));
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), errstr, sizeof(errstr)));
  PartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  }
  EXPECT_EQ(rd_kafka_committed(rk.get(), list.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<int64_t> out;
  ends->clear();
  for (int p = 0; p < partitions; ++p) {
    out.push_back(list->elems[p].offset);
    int64_t low = 0, high = -1;
    EXPECT_EQ(rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, 10'000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    ends->push_back(high);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

// One valid event as a JSON line (no newline) with event_id `id`.
inline std::string EventJson(const std::string& merchant, const std::string& id) {
  return absl::StrCat(R"({"merchant":")", merchant,
                      R"(","ts":1793534400000,"event":"page_view","client_id":"c-)", id,
                      R"(","event_id":")", id, R"("})");
}

// event_id -> how many rows hold it, over segments and memtables.
inline std::map<std::string, int> CountEventIds(const engine::Engine& db) {
  engine::ScanSpec spec;
  spec.columns = {engine::kColEventId};
  engine::Scanner scanner(db.GetSnapshot(), spec);
  engine::ColumnBatch batch;
  std::map<std::string, int> out;
  while (scanner.Next(&batch)) {
    const engine::ColumnVector& ids = batch.columns[0];
    for (size_t r = 0; r < batch.rows; ++r) out[std::string(ids.dict.value(ids.codes[r]))]++;
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  return out;
}

// Polls `done` every 10 ms until it is true or `timeout` passed; returns its last value.
inline bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace strata::ingest::kafka::testing
