#include "ingest/kafka/producer.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "ingest/kafka/kafka_client.h"
#include "simdjson.h"

namespace strata::ingest::kafka {
namespace {

// A merchant's events are split into messages of at most this many value bytes, below
// librdkafka's and brokers' default message.max.bytes (1,000,000) with room for overhead.
constexpr size_t kMaxMessageBytes = 900'000;

// Waiting for delivery reports stops this long after the delivery timeout: librdkafka
// reports every message by then (timed out or not), so this only guards against a bug.
constexpr absl::Duration kReportGrace = absl::Seconds(5);

// The delivery state of one call: every message of the call points at it.
struct Completion {
  absl::Mutex mu;
  size_t pending ABSL_GUARDED_BY(mu) = 0;
  absl::Status first_error ABSL_GUARDED_BY(mu);
  std::vector<bool> delivered ABSL_GUARDED_BY(mu);  // by message index
};

// The opaque of one queued message; freed by its delivery report.
struct MessageContext {
  std::shared_ptr<Completion> completion;
  size_t index = 0;
  uint64_t events = 0;
};

// One message of a ProduceEvents call.
struct OutgoingMessage {
  std::string_view merchant;
  std::string value;  // NDJSON: minified events, each ending in '\n'
  uint64_t events = 0;
};

absl::Status DeliveryStatus(rd_kafka_resp_err_t err) {
  const std::string text = absl::StrCat("kafka delivery failed: ", KafkaErrorText(err));
  if (err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) return absl::DeadlineExceededError(text);
  return absl::UnavailableError(text);
}

}  // namespace

struct EventProducer::Impl {
  explicit Impl(const ProducerOptions& o) : options(o) {}

  ProducerOptions options;
  KafkaHandle rk;
  std::thread poller;
  std::atomic<bool> stop{false};

  std::atomic<uint64_t> messages_delivered{0};
  std::atomic<uint64_t> events_delivered{0};
  std::atomic<uint64_t> bytes_delivered{0};
  std::atomic<uint64_t> delivery_errors{0};
  std::atomic<uint64_t> queue_full{0};
  std::atomic<uint64_t> in_flight{0};

  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  // Queues one message whose delivery completes `completion` at `index`. On error nothing
  // is queued and the completion is untouched.
  absl::Status Enqueue(const std::string& topic, std::string_view key, std::string_view value,
                       rd_kafka_headers_t* headers, uint64_t events,
                       const std::shared_ptr<Completion>& completion, size_t index);
  // Waits until every queued message of `completion` is reported (or the guard deadline).
  absl::Status Wait(Completion* completion);
};

void EventProducer::Impl::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  Impl* self = static_cast<Impl*>(opaque);
  std::unique_ptr<MessageContext> ctx(static_cast<MessageContext*>(msg->_private));
  self->in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->messages_delivered.fetch_add(1, std::memory_order_relaxed);
    self->events_delivered.fetch_add(ctx->events, std::memory_order_relaxed);
    self->bytes_delivered.fetch_add(msg->len, std::memory_order_relaxed);
  } else {
    self->delivery_errors.fetch_add(1, std::memory_order_relaxed);
  }
  Completion* c = ctx->completion.get();
  absl::MutexLock lock(&c->mu);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    c->delivered[ctx->index] = true;
  } else if (c->first_error.ok()) {
    c->first_error = DeliveryStatus(msg->err);
  }
  c->pending--;
}

void EventProducer::Impl::OnError(rd_kafka_t* rk, int err, const char* reason, void*) {
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char text[512];
    rd_kafka_fatal_error(rk, text, sizeof(text));
    LogKafka("error", "kafka producer fatal error", text);
    return;
  }
  LogKafka("warn", "kafka producer error", reason);
}

absl::Status EventProducer::Impl::Enqueue(const std::string& topic, std::string_view key,
                                          std::string_view value, rd_kafka_headers_t* headers,
                                          uint64_t events,
                                          const std::shared_ptr<Completion>& completion,
                                          size_t index) {
  auto ctx = std::make_unique<MessageContext>();
  ctx->completion = completion;
  ctx->index = index;
  ctx->events = events;
  {
    absl::MutexLock lock(&completion->mu);
    completion->pending++;
  }
  const rd_kafka_resp_err_t err =
      headers == nullptr
          ? rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_OPAQUE(ctx.get()), RD_KAFKA_V_END)
          : rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
                              RD_KAFKA_V_OPAQUE(ctx.get()), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    {
      absl::MutexLock lock(&completion->mu);
      completion->pending--;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      queue_full.fetch_add(1, std::memory_order_relaxed);
      return absl::ResourceExhaustedError("kafka producer queue is full, retry later");
    }
    const std::string text = absl::StrCat("kafka produce to ", topic, ": ", KafkaErrorText(err));
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) return absl::InvalidArgumentError(text);
    return absl::UnavailableError(text);
  }
  in_flight.fetch_add(1, std::memory_order_relaxed);
  (void)ctx.release();  // freed by OnDelivery
  return absl::OkStatus();
}

absl::Status EventProducer::Impl::Wait(Completion* completion) {
  const absl::Time deadline = absl::Now() + options.delivery_timeout + kReportGrace;
  absl::MutexLock lock(&completion->mu);
  auto reported = [completion]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(completion->mu) {
    return completion->pending == 0;
  };
  if (!completion->mu.AwaitWithDeadline(absl::Condition(&reported), deadline)) {
    return absl::DeadlineExceededError(
        absl::StrCat("kafka delivery reports missing after ",
                     absl::FormatDuration(options.delivery_timeout + kReportGrace)));
  }
  return completion->first_error;
}

absl::StatusOr<std::unique_ptr<EventProducer>> EventProducer::Open(const ProducerOptions& options) {
  if (options.kafka.brokers.empty()) return absl::InvalidArgumentError("kafka brokers not set");
  if (options.kafka.topic.empty()) return absl::InvalidArgumentError("kafka topic not set");
  auto impl = std::make_unique<Impl>(options);
  KafkaProperties props = {
      {"bootstrap.servers", options.kafka.brokers},
      {"client.id", options.kafka.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"compression.type", "lz4"},
      {"linger.ms", Millis(options.linger, 0)},
      {"queue.buffering.max.messages", absl::StrCat(options.queue_max_messages)},
      {"queue.buffering.max.kbytes", absl::StrCat(options.queue_max_kbytes)},
      {"message.timeout.ms", Millis(options.delivery_timeout)},
      // librdkafka checks message timeouts only when a broker thread wakes; with the
      // default reconnect backoff (up to 10 s) a /collect against dead brokers would wait
      // that long past its timeout for the 503.
      {"reconnect.backoff.max.ms", "1000"},
  };
  props.insert(props.end(), options.kafka.properties.begin(), options.kafka.properties.end());
  ASSIGN_OR_RETURN(KafkaConf conf, MakeConf(props));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::OnError);
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  ASSIGN_OR_RETURN(impl->rk, MakeClient(RD_KAFKA_PRODUCER, std::move(conf)));
  Impl* raw = impl.get();
  impl->poller = std::thread([raw] {
    pthread_setname_np(pthread_self(), "kafka-produce");  // names it in top and perf
    while (!raw->stop.load(std::memory_order_acquire)) rd_kafka_poll(raw->rk.get(), 100);
  });
  return std::unique_ptr<EventProducer>(new EventProducer(std::move(impl)));
}

EventProducer::EventProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventProducer::~EventProducer() {
  rd_kafka_t* rk = impl_->rk.get();
  const int timeout_ms =
      static_cast<int>(absl::ToInt64Milliseconds(impl_->options.delivery_timeout));
  if (rd_kafka_flush(rk, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("warn", "kafka producer closed with undelivered messages",
             absl::StrCat(rd_kafka_outq_len(rk), " messages purged"));
    // Purged messages get (failed) delivery reports, which free their contexts.
    (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    (void)rd_kafka_flush(rk, 1000);
  }
  impl_->stop.store(true, std::memory_order_release);
  impl_->poller.join();
}

absl::Status EventProducer::ProduceEvents(absl::Span<const OutgoingEvent> events) {
  if (events.empty()) return absl::OkStatus();
  // Group by merchant, keeping each merchant's events in call order.
  std::vector<OutgoingMessage> messages;
  absl::flat_hash_map<absl::string_view, size_t> last_message_of;
  for (const OutgoingEvent& e : events) {
    const absl::string_view merchant(e.merchant.data(), e.merchant.size());
    auto [it, inserted] = last_message_of.try_emplace(merchant, 0);
    if (inserted || messages[it->second].value.size() + e.json.size() + 1 > kMaxMessageBytes) {
      it->second = messages.size();
      messages.push_back({e.merchant, {}, 0});
    }
    OutgoingMessage& m = messages[it->second];
    const size_t old = m.value.size();
    m.value.resize(old + e.json.size() + 1);
    size_t written = 0;
    if (simdjson::minify(e.json.data(), e.json.size(), m.value.data() + old, written) !=
        simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat("event of merchant ", AbslView(e.merchant), " is not valid JSON"));
    }
    m.value.resize(old + written);
    m.value.push_back('\n');
    m.events++;
  }

  auto completion = std::make_shared<Completion>();
  {
    absl::MutexLock lock(&completion->mu);
    completion->delivered.assign(messages.size(), false);
  }
  absl::Status queued;
  size_t queued_count = 0;
  for (; queued_count < messages.size(); ++queued_count) {
    const OutgoingMessage& m = messages[queued_count];
    queued = impl_->Enqueue(impl_->options.kafka.topic, m.merchant, m.value, nullptr, m.events,
                            completion, queued_count);
    if (!queued.ok()) break;
  }
  absl::Status delivered = queued_count > 0 ? impl_->Wait(completion.get()) : absl::OkStatus();
  absl::Status status = queued.ok() ? delivered : queued;
  if (status.ok()) return status;

  // Name the merchants all of whose messages were delivered: their events are stored.
  absl::flat_hash_map<absl::string_view, bool> stored;
  {
    absl::MutexLock lock(&completion->mu);
    for (size_t i = 0; i < messages.size(); ++i) {
      const absl::string_view merchant(messages[i].merchant.data(), messages[i].merchant.size());
      const bool ok = i < queued_count && completion->delivered[i];
      auto [it, inserted] = stored.try_emplace(merchant, ok);
      if (!inserted) it->second = it->second && ok;
    }
  }
  std::vector<std::string> names;
  for (const auto& [merchant, ok] : stored) {
    if (ok) names.emplace_back(merchant);
  }
  if (names.empty()) return status;
  std::sort(names.begin(), names.end());
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), "; events of these merchants were stored: ",
                                   absl::StrJoin(names, ",")));
}

absl::Status EventProducer::Produce(const std::string& topic, std::string_view key,
                                    std::string_view value, const MessageHeaders& headers) {
  KafkaHeaders hdrs;
  if (!headers.empty()) {
    hdrs.reset(rd_kafka_headers_new(headers.size()));
    for (const auto& [name, v] : headers) {
      rd_kafka_header_add(hdrs.get(), name.data(), static_cast<ssize_t>(name.size()), v.data(),
                          static_cast<ssize_t>(v.size()));
    }
  }
  auto completion = std::make_shared<Completion>();
  {
    absl::MutexLock lock(&completion->mu);
    completion->delivered.assign(1, false);
  }
  RETURN_IF_ERROR(impl_->Enqueue(topic, key, value, hdrs.get(), 1, completion, 0));
  (void)hdrs.release();  // owned by the queued message now
  return impl_->Wait(completion.get());
}

ProducerStats EventProducer::stats() const {
  ProducerStats s;
  s.messages_delivered = impl_->messages_delivered.load(std::memory_order_relaxed);
  s.events_delivered = impl_->events_delivered.load(std::memory_order_relaxed);
  s.bytes_delivered = impl_->bytes_delivered.load(std::memory_order_relaxed);
  s.delivery_errors = impl_->delivery_errors.load(std::memory_order_relaxed);
  s.queue_full = impl_->queue_full.load(std::memory_order_relaxed);
  s.in_flight = impl_->in_flight.load(std::memory_order_relaxed);
  return s;
}

}  // namespace strata::ingest::kafka
