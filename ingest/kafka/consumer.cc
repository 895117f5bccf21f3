#include "ingest/kafka/consumer.h"

#include <pthread.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "ingest/kafka/consumer_impl.h"

namespace strata::ingest::kafka {
namespace {

constexpr int kMaxPollWaitMs = 100;
// While a due batch waits for the appender, polls wake at least this often to hand it over.
constexpr int kMinPollWaitMs = 1;
constexpr absl::Duration kStatsInterval = absl::Milliseconds(200);
constexpr absl::Duration kDeadLetterCloseWait = absl::Seconds(10);

}  // namespace

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::Start(const ConsumerOptions& options,
                                                                    engine::Engine* engine) {
  if (engine == nullptr) return absl::InvalidArgumentError("kafka consumer: no engine");
  const KafkaOptions& kafka = options.kafka;
  if (kafka.brokers.empty()) return absl::InvalidArgumentError("kafka brokers not set");
  if (kafka.topic.empty()) return absl::InvalidArgumentError("kafka topic not set");
  if (kafka.group.empty()) return absl::InvalidArgumentError("kafka group not set");
  if (options.max_batch_events == 0) {
    return absl::InvalidArgumentError("kafka consumer: max_batch_events must be positive");
  }
  // Fails fast (FailedPrecondition) on an engine that keeps a WAL: positions need the
  // source to be the log. Position 0 is where every partition starts anyway.
  RETURN_IF_ERROR(engine->Append({}, {{SourceKey(kafka.topic, 0), 0}}));
  auto impl = std::make_unique<Impl>(options, engine);
  ASSIGN_OR_RETURN(impl->dead_letters, DeadLetterQueue::Open(kafka));
  impl->appender = std::make_unique<BatchAppender>(engine, &impl->stop);

  KafkaProperties props = {
      {"bootstrap.servers", kafka.brokers},
      {"group.id", kafka.group},
      {"client.id", kafka.client_id},
      // Only offsets stored by StoreDurable (durable positions) are ever committed.
      {"enable.auto.commit", "true"},
      {"auto.commit.interval.ms", Millis(options.commit_interval)},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"session.timeout.ms", absl::StrCat(options.session_timeout_ms)},
      {"isolation.level", "read_committed"},
      // librdkafka 2.0 also waits this long before fetching again when its local queue is
      // full (queued.max.messages.kbytes); the default 500 ms stalls a busy consumer.
      {"fetch.error.backoff.ms", "20"},
      // A broker answers a fetch as soon as data arrives; this bounds the wait only where it
      // does not (librdkafka's mock holds every fetch this long), so freshness stays
      // sub-second anywhere.
      {"fetch.wait.max.ms", "100"},
  };
  props.insert(props.end(), kafka.properties.begin(), kafka.properties.end());
  ASSIGN_OR_RETURN(KafkaConf conf, MakeConf(props));
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::OnRebalance);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::OnError);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &Impl::OnCommit);
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  ASSIGN_OR_RETURN(impl->rk, MakeClient(RD_KAFKA_CONSUMER, std::move(conf)));
  rd_kafka_t* rk = impl->rk.get();
  // Rebalances, errors and messages all come through rd_kafka_consumer_poll.
  (void)rd_kafka_poll_set_consumer(rk);

  PartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), kafka.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("kafka subscribe to ", kafka.topic, ": ", KafkaErrorText(err)));
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "kafka-consume");  // names it in top and perf
    raw->Run();
  });
  return std::unique_ptr<EventConsumer>(new EventConsumer(std::move(impl)));
}

EventConsumer::EventConsumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventConsumer::~EventConsumer() { (void)Stop(); }

absl::Status EventConsumer::Stop() {
  if (impl_->thread.joinable()) {
    if (!impl_->stop.HasBeenNotified()) impl_->stop.Notify();
    impl_->thread.join();
  }
  // Append errors count even when a retry succeeded later: they are worth knowing.
  return impl_->first_error.ok() ? impl_->appender->first_error() : impl_->first_error;
}

ConsumerStats EventConsumer::stats() const {
  const Impl& m = *impl_;
  ConsumerStats s;
  s.messages = m.messages.load(std::memory_order_relaxed);
  s.bytes = m.bytes.load(std::memory_order_relaxed);
  s.events = m.appender->events();
  s.duplicates_skipped = m.duplicates_skipped.load(std::memory_order_relaxed);
  s.dead_letters = m.dead_letters->sent();
  s.dead_letter_errors = m.dead_letters->failed();
  s.append_errors = m.appender->errors();
  s.rebalances = m.rebalances.load(std::memory_order_relaxed);
  s.commits = m.commits.load(std::memory_order_relaxed);
  absl::MutexLock lock(&m.stats_mu);
  s.partitions = m.partition_stats;
  s.total_lag = m.total_lag;
  return s;
}

void EventConsumer::Impl::Run() {
  rd_kafka_t* consumer = rk.get();
  absl::Time next_commit = absl::Now() + options.commit_interval;
  absl::Time next_stats = absl::Now();
  while (!stop.HasBeenNotified()) {
    int wait_ms = kMaxPollWaitMs;
    if (batch_open) {
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          absl::ToInt64Milliseconds(batch_deadline - absl::Now()), kMinPollWaitMs, wait_ms));
    }
    KafkaMessage msg(rd_kafka_consumer_poll(consumer, wait_ms));
    if (msg != nullptr) HandleMessage(msg.get());
    const absl::Time now = absl::Now();
    // A due batch goes when the appender is free; meanwhile it keeps growing, up to the
    // limit, where Submit waits (back-pressure).
    if (batch_open &&
        (batch.size() >= options.max_batch_events || (now >= batch_deadline && appender->Idle()))) {
      SubmitBatch();
    }
    dead_letters->Poll();
    if (now >= next_commit) {
      StoreDurable(nullptr, /*commit_now=*/false);
      next_commit = now + options.commit_interval;
    }
    if (now >= next_stats) {
      PublishStats();
      next_stats = now + kStatsInterval;
    }
  }
  Shutdown();
}

void EventConsumer::Impl::HandleMessage(const rd_kafka_message_t* msg) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
    LogKafka("warn", "kafka consumer error", rd_kafka_message_errstr(msg));
    return;
  }
  auto it = partitions.find(msg->partition);
  // Stale (the partition was revoked meanwhile) or stopping: not consumed, not committed.
  if (it == partitions.end() || stopping) return;
  PartitionState& p = it->second;
  messages.fetch_add(1, std::memory_order_relaxed);
  bytes.fetch_add(msg->len, std::memory_order_relaxed);

  const int64_t offset = msg->offset;
  const std::string_view value(static_cast<const char*>(msg->payload), msg->len);
  const size_t first = batch.size();
  bad_lines.clear();
  decoder.Decode(value, &batch, &bad_lines);
  if (offset < p.max_drop_below) {
    // After a restart: some shards hold this message's events in segments already.
    const size_t dropped = batch.KeepIf(first, [&](const engine::Event& e) {
      return offset >= p.drop_below[engine::ShardOf(e.merchant, shards)];
    });
    duplicates_skipped.fetch_add(dropped, std::memory_order_relaxed);
  }
  if (!bad_lines.empty()) {
    const std::string_view key(static_cast<const char*>(msg->key), msg->key_len);
    const std::string source = absl::StrCat(p.key, "/", offset);
    for (const BadLine& line : bad_lines) dead_letters->Send(key, line, source);
  }
  p.position = offset + 1;
  p.batch_next = offset + 1;
  if (!batch_open) {
    batch_open = true;
    batch_deadline = absl::Now() + options.max_batch_wait;
  }
}

void EventConsumer::Impl::SubmitBatch() {
  if (!batch_open) return;
  engine::SourcePositions advance;
  for (auto& [partition, p] : partitions) {
    if (p.batch_next >= 0) advance.emplace(p.key, p.batch_next);
    p.batch_next = -1;
  }
  appender->Submit(&batch, std::move(advance));
  batch_open = false;
  unflushed = true;
}

absl::Status EventConsumer::Impl::AppendAll() {
  SubmitBatch();
  return appender->Drain();
}

void EventConsumer::Impl::Shutdown() {
  (void)AppendAll();
  if (unflushed) {
    NoteError(engine->Flush());
    unflushed = false;
  }
  stopping = true;
  // The group may be rebalancing (another member joins or leaves): then the commit is
  // refused until the rebalance completes, which needs this member to keep polling. The
  // retry waits for the rebalance callback: a commit sent while this member rejoins would
  // carry a stale generation, and librdkafka 2.0.2 then drops the whole assignment.
  const absl::Time deadline = absl::Now() + absl::Milliseconds(options.session_timeout_ms);
  rd_kafka_resp_err_t err = StoreDurable(nullptr, /*commit_now=*/true);
  while (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS && absl::Now() < deadline) {
    const uint64_t seen = rebalances.load(std::memory_order_relaxed);
    while (rebalances.load(std::memory_order_relaxed) == seen && absl::Now() < deadline) {
      KafkaMessage ignored(rd_kafka_consumer_poll(rk.get(), 100));
    }
    err = StoreDurable(nullptr, /*commit_now=*/true);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) CommitFailed(err);
  // Leaving the group revokes the assignment through OnRebalance (nothing left to do there).
  if (err = rd_kafka_consumer_close(rk.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("warn", "kafka consumer close", KafkaErrorText(err));
  }
  dead_letters->Flush(kDeadLetterCloseWait);
  PublishStats();
}

void EventConsumer::Impl::PublishStats() {
  std::vector<PartitionStats> out;
  out.reserve(partitions.size());
  int64_t lag_sum = 0;
  for (auto& [partition, p] : partitions) {
    int64_t low = RD_KAFKA_OFFSET_INVALID, high = RD_KAFKA_OFFSET_INVALID;
    // Cached from fetch responses: no broker round trip.
    if (rd_kafka_get_watermark_offsets(rk.get(), options.kafka.topic.c_str(), partition, &low,
                                       &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      p.high_watermark = high;
    }
    PartitionStats s;
    s.partition = partition;
    s.position = p.position;
    s.high_watermark = p.high_watermark;
    if (p.position >= 0 && p.high_watermark >= 0) {
      s.lag = std::max<int64_t>(0, p.high_watermark - p.position);
      lag_sum += s.lag;
    }
    s.durable = p.durable;
    s.committed = p.committed;
    out.push_back(s);
  }
  absl::MutexLock lock(&stats_mu);
  partition_stats = std::move(out);
  total_lag = lag_sum;
}

void EventConsumer::Impl::NoteError(const absl::Status& status) {
  if (first_error.ok()) first_error = status;
}

}  // namespace strata::ingest::kafka
