#include "ingest/kafka/dead_letters.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace strata::ingest::kafka {
namespace {

constexpr absl::Duration kCloseTimeout = absl::Seconds(10);

void AddHeader(rd_kafka_headers_t* headers, std::string_view name, std::string_view value) {
  rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                      static_cast<ssize_t>(value.size()));
}

std::string_view HeaderValue(const rd_kafka_message_t* msg, const char* name) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(msg, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return {};
  }
  return {static_cast<const char*>(value), size};
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeadLetterQueue>> DeadLetterQueue::Open(const KafkaOptions& kafka) {
  if (kafka.dlq_topic.empty()) return absl::InvalidArgumentError("kafka dlq_topic not set");
  std::unique_ptr<DeadLetterQueue> dlq(new DeadLetterQueue(kafka.dlq_topic));
  KafkaProperties props = {
      {"bootstrap.servers", kafka.brokers}, {"client.id", absl::StrCat(kafka.client_id, "-dlq")},
      {"enable.idempotence", "true"},       {"acks", "all"},
      {"compression.type", "lz4"},          {"linger.ms", "20"},
      {"message.timeout.ms", "30000"},
  };
  props.insert(props.end(), kafka.properties.begin(), kafka.properties.end());
  ASSIGN_OR_RETURN(KafkaConf conf, MakeConf(props));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &DeadLetterQueue::OnDelivery);
  rd_kafka_conf_set_opaque(conf.get(), dlq.get());
  ASSIGN_OR_RETURN(dlq->rk_, MakeClient(RD_KAFKA_PRODUCER, std::move(conf)));
  return dlq;
}

DeadLetterQueue::~DeadLetterQueue() {
  Flush(kCloseTimeout);
  if (rd_kafka_outq_len(rk_.get()) > 0) {
    LogKafka("error", "dead letters not delivered at close",
             absl::StrCat(rd_kafka_outq_len(rk_.get()), " messages"));
  }
}

void DeadLetterQueue::Send(std::string_view key, const BadLine& line, std::string_view source) {
  KafkaHeaders headers(rd_kafka_headers_new(3));
  const std::string error = line.error.ToString();
  AddHeader(headers.get(), "strata.error", error);
  AddHeader(headers.get(), "strata.source", source);
  AddHeader(headers.get(), "strata.line", absl::StrCat(line.index));
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(line.text.data()), line.text.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Failed(source, line.text, KafkaErrorText(err));
    return;
  }
  (void)headers.release();  // owned by the queued message now
  sent_.fetch_add(1, std::memory_order_relaxed);
}

void DeadLetterQueue::Poll() { rd_kafka_poll(rk_.get(), 0); }

void DeadLetterQueue::Flush(absl::Duration timeout) {
  (void)rd_kafka_flush(rk_.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout)));
}

void DeadLetterQueue::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* self = static_cast<DeadLetterQueue*>(opaque);
  self->Failed(HeaderValue(msg, "strata.source"),
               std::string_view(static_cast<const char*>(msg->payload), msg->len),
               KafkaErrorText(msg->err));
}

void DeadLetterQueue::Failed(std::string_view source, std::string_view line,
                             std::string_view error) {
  failed_.fetch_add(1, std::memory_order_relaxed);
  LogKafka("error", "dead letter not delivered",
           absl::StrCat("topic=", topic_, " source=", AbslView(source), " error=", AbslView(error),
                        " line=", AbslView(line)));
}

}  // namespace strata::ingest::kafka
