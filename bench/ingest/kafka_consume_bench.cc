// Kafka consume-to-queryable: events/s from an assigned EventConsumer into a fresh engine
// (write_ahead_log off), until every event is appended and so visible to queries.
//
// Setup, once: an in-process librdkafka mock cluster (1 broker) holding N generator events
// (STRATA_KAFKA_BENCH_EVENTS, default 400,000; 3,000 merchants) as NDJSON messages of 100
// lines over 8 partitions, produced with lz4 as the EventProducer does. The mock keeps at
// most 5 MB (compressed) per partition, so N stays well below ~500,000. Each iteration
// starts a consumer in a new group on a new engine; the clock runs from the assignment (the
// mock's 3 s group join is excluded, and reported as join_s) until stats().events == N.
// Stop (final append, engine flush to segments, commit) is reported as stop_s.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <time.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "ingest/kafka/consumer.h"
#include "ingest/kafka/kafka_client.h"

namespace strata::ingest::kafka {
namespace {

constexpr int kPartitions = 8;
constexpr int kLinesPerMessage = 100;

uint64_t EventCount() {
  const char* env = std::getenv("STRATA_KAFKA_BENCH_EVENTS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 400'000;
}

// The mock cluster with the topic filled; lives for the whole process.
struct Fixture {
  KafkaHandle handle;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string brokers;
  uint64_t events = 0;
  uint64_t bytes = 0;
};

// Produces every generator event; returns false (and logs) on a failure.
bool Fill(Fixture* f) {
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[256];
  const std::pair<const char*, const char*> settings[] = {
      {"bootstrap.servers", f->brokers.c_str()},
      {"compression.type", "lz4"},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "100000"},
      {"queue.buffering.max.kbytes", "1048576"},
  };
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf.get(), name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      LogKafka("error", "bench producer config", errstr);
      return false;
    }
  }
  KafkaHandle producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), errstr, sizeof(errstr)));
  if (producer == nullptr) return false;

  GeneratorOptions g;
  g.events = f->events;
  g.merchants = 3000;
  g.days = 7;
  g.seed = 11;
  Generator generator(g);
  engine::Event event;
  std::string value;
  uint64_t message = 0;
  auto send = [&]() {
    for (;;) {
      const rd_kafka_resp_err_t err =
          rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("events"),
                            RD_KAFKA_V_PARTITION(static_cast<int32_t>(message % kPartitions)),
                            RD_KAFKA_V_VALUE(value.data(), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
      rd_kafka_poll(producer.get(), 10);
    }
    f->bytes += value.size();
    ++message;
    value.clear();
    rd_kafka_poll(producer.get(), 0);
    return true;
  };
  for (uint64_t i = 0; generator.Next(&event); ++i) {
    Generator::AppendJson(event, &value);
    if ((i + 1) % kLinesPerMessage == 0 && !send()) return false;
  }
  if (!value.empty() && !send()) return false;
  if (rd_kafka_flush(producer.get(), 60'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("error", "bench: messages not delivered to the mock cluster");
    return false;
  }
  // The mock keeps at most 5 MB per partition and drops older message sets beyond it.
  for (int p = 0; p < kPartitions; ++p) {
    int64_t low = -1, high = -1;
    if (rd_kafka_query_watermark_offsets(producer.get(), "events", p, &low, &high, 10'000) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        low != 0) {
      LogKafka("error", "bench: the mock cluster dropped messages; use fewer events");
      return false;
    }
  }
  return true;
}

Fixture* GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    KafkaConf conf(rd_kafka_conf_new());
    char errstr[256];
    rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof(errstr));
    f->handle.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), errstr, sizeof(errstr)));
    f->cluster = rd_kafka_mock_cluster_new(f->handle.get(), 1);
    f->brokers = rd_kafka_mock_cluster_bootstraps(f->cluster);
    rd_kafka_mock_topic_create(f->cluster, "events", kPartitions, 1);
    rd_kafka_mock_topic_create(f->cluster, "events.dlq", 1, 1);
    f->events = EventCount();
    if (!Fill(f)) f->events = 0;
    return f;
  }();
  return fixture;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds used by the whole process (every thread, the mock cluster's included).
double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_KafkaConsumeToQueryable(benchmark::State& state) {
  Fixture* f = GetFixture();
  if (f->events == 0) {
    state.SkipWithError("filling the mock cluster failed");
    return;
  }
  int group = 0;
  double join_s = 0, stop_s = 0, cpu_s = 0;
  for (auto _ : state) {
    TempDir dir;
    engine::EngineOptions eo;
    eo.data_dir = dir.path();
    eo.write_ahead_log = false;
    auto db = engine::Engine::Open(eo);
    if (!db.ok()) {
      state.SkipWithError("engine open failed");
      return;
    }
    ConsumerOptions co;
    co.kafka.brokers = f->brokers;
    co.kafka.topic = "events";
    co.kafka.dlq_topic = "events.dlq";
    co.kafka.group = "bench-" + std::to_string(group++);
    const auto started = std::chrono::steady_clock::now();
    auto consumer = EventConsumer::Start(co, db->get());
    if (!consumer.ok()) {
      state.SkipWithError("consumer start failed");
      return;
    }
    while ((*consumer)->stats().partitions.size() < kPartitions) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    join_s += SecondsSince(started);
    const auto assigned = std::chrono::steady_clock::now();
    const double cpu_start = ProcessCpuSeconds();
    while ((*consumer)->stats().events < f->events) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    state.SetIterationTime(SecondsSince(assigned));
    cpu_s += ProcessCpuSeconds() - cpu_start;
    const auto stopping = std::chrono::steady_clock::now();
    if (!(*consumer)->Stop().ok()) state.SkipWithError("consumer stop failed");
    stop_s += SecondsSince(stopping);
  }
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f->events));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f->bytes));
  state.counters["join_s"] = join_s / n;
  // CPU per event while consuming, all threads (on 2 cores: events/s <= 2 / this).
  state.counters["cpu_us_per_event"] = cpu_s * 1e6 / (n * static_cast<double>(f->events));
  state.counters["stop_s"] = stop_s / n;
}

// The ceiling the mock cluster sets: the same messages read by a bare consumer (assign(),
// no decoding, no engine).
void BM_KafkaFetchOnly(benchmark::State& state) {
  Fixture* f = GetFixture();
  if (f->events == 0) {
    state.SkipWithError("filling the mock cluster failed");
    return;
  }
  const uint64_t messages = (f->events + kLinesPerMessage - 1) / kLinesPerMessage;
  for (auto _ : state) {
    KafkaConf conf(rd_kafka_conf_new());
    char errstr[256];
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", f->brokers.c_str(), errstr, sizeof(errstr));
    rd_kafka_conf_set(conf.get(), "group.id", "bench-fetch", errstr, sizeof(errstr));
    KafkaHandle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), errstr, sizeof(errstr)));
    rd_kafka_poll_set_consumer(rk.get());
    PartitionList list(rd_kafka_topic_partition_list_new(kPartitions));
    for (int p = 0; p < kPartitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), "events", p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    const auto start = std::chrono::steady_clock::now();
    rd_kafka_assign(rk.get(), list.get());
    uint64_t read = 0;
    while (read < messages) {
      KafkaMessage msg(rd_kafka_consumer_poll(rk.get(), 100));
      if (msg != nullptr && msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++read;
    }
    state.SetIterationTime(SecondsSince(start));
    rd_kafka_consumer_close(rk.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f->events));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f->bytes));
}

BENCHMARK(BM_KafkaFetchOnly)->Iterations(2)->UseManualTime()->Unit(benchmark::kMillisecond);

BENCHMARK(BM_KafkaConsumeToQueryable)
    ->Iterations(2)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::ingest::kafka
