// Private to ingest/kafka: RAII ownership of librdkafka C objects, building a client
// configuration with Status errors, and the one-line stderr log the Kafka code uses
// (ingest/ may not depend on server/base/log.h).
//
// Thread safety: the helpers are pure functions; LogKafka writes each line whole.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace strata::ingest::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
  void operator()(rd_kafka_topic_partition_list_t* p) const {
    rd_kafka_topic_partition_list_destroy(p);
  }
  void operator()(rd_kafka_headers_t* p) const { rd_kafka_headers_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
  void operator()(rd_kafka_error_t* p) const { rd_kafka_error_destroy(p); }
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;
using KafkaHeaders = std::unique_ptr<rd_kafka_headers_t, KafkaDeleter>;
using KafkaQueue = std::unique_ptr<rd_kafka_queue_t, KafkaDeleter>;
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;
using KafkaError = std::unique_ptr<rd_kafka_error_t, KafkaDeleter>;

using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

// A configuration holding `properties` in order (later ones override earlier ones).
// InvalidArgument naming the property when librdkafka rejects a name or value.
absl::StatusOr<KafkaConf> MakeConf(const KafkaProperties& properties);

// Creates a client from `conf` (taken: librdkafka owns it once the client exists).
// InvalidArgument with librdkafka's reason on failure.
absl::StatusOr<KafkaHandle> MakeClient(rd_kafka_type_t type, KafkaConf conf);

// Whole milliseconds of `d` as a property value, at least `min_ms`.
std::string Millis(absl::Duration d, int64_t min_ms = 1);

// Debian's Abseil has its own string_view type (no implicit conversion from std's).
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// "Local: Queue full" and the like.
inline std::string KafkaErrorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

// One logfmt line on stderr: `level=LEVEL component=kafka msg="MESSAGE" detail="DETAIL"`.
void LogKafka(std::string_view level, std::string_view message, std::string_view detail = {});

}  // namespace strata::ingest::kafka
