// Kafka ingest at the serve level: the real `strata serve` (ingest.mode = "kafka") against
// strata_kafka_mock, fed by a librdkafka producer in this process; visibility read over PG
// wire (libpq, the admin).
//
//   build/bench/kafka_serve_bench        (from the repository root, or with STRATA_BIN set)
//
// BM_KafkaFreshness: one event with a unique event_id at a time: produce (acks=all) and wait
// for its delivery report, then poll `SELECT count(*) ... WHERE event_id = $1` until it is
// 1. Counters: produce_to_visible and delivered_to_visible p50/p99 over 200 events, with
// 100K events already in the partitions. fetch_wait_ms 0 runs the server's defaults;
// otherwise kafka.properties sets fetch.wait.max.ms. The mock answers an empty fetch only
// after the full fetch.wait.max.ms (500 ms by default) and does not cut the wait short
// when data arrives, as a broker does; so with the defaults the figure is about 500 ms
// here, and the 50 ms run shows what Strata itself adds.
//
// BM_KafkaRecoveryAfterSigkill: 1M events produced (NDJSON messages of 500 events of mixed
// merchants, no key, lz4, over 32 partitions) into a server whose memtables never flush,
// so after the SIGKILL nothing of it is durable. Counters: first_ingest_s (start until all
// 1M are visible); after the restart: restart_to_healthy_s (/healthz), restart_to_first_
// event_s (the group rejoin, which waits out the dead member's session), restart_to_
// visible_s (all 1M visible again) and reconsume_events_per_s (from the first event on).
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_stats.h"
#include "benchmark/benchmark.h"
#include "common/temp_dir.h"
#include "ingest/generator.h"
#include "libpq-fe.h"
#include "tests/kafka/kafka_cluster.h"
#include "tests/serve/serve_process.h"

namespace strata::kafka_test {
namespace {

using Clock = std::chrono::steady_clock;
using serve_test::ServeOptions;
using serve_test::ServeProcess;

constexpr char kTopic[] = "strata.events";

using bench::Ms;
using bench::Percentile;
double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// An idempotent librdkafka producer (acks=all) that counts failed deliveries.
class Producer {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Open(const std::string& brokers) {
    std::unique_ptr<Producer> p(new Producer);
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    for (auto [name, value] : {std::pair{"bootstrap.servers", brokers.c_str()},
                               {"enable.idempotence", "true"},
                               {"acks", "all"},
                               {"linger.ms", "0"},
                               {"compression.type", "lz4"},
                               {"queue.buffering.max.messages", "200000"}}) {
      if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return absl::InvalidArgumentError(errstr);
      }
    }
    rd_kafka_conf_set_opaque(conf, p.get());
    rd_kafka_conf_set_dr_msg_cb(conf, &Producer::OnDelivery);
    p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (p->rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return absl::InternalError(errstr);
    }
    return p;
  }
  ~Producer() {
    if (rk_ != nullptr) {
      rd_kafka_flush(rk_, 10'000);
      rd_kafka_destroy(rk_);
    }
  }

  // Queues one message (waiting while the local queue is full); an empty key is none.
  absl::Status Send(const std::string& key, const std::string& value) {
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk_, RD_KAFKA_V_TOPIC(kTopic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return absl::InternalError(rd_kafka_err2str(err));
      rd_kafka_poll(rk_, 10);
    }
  }
  // Waits for every delivery report; an error if any delivery failed so far.
  absl::Status Flush() {
    if (rd_kafka_flush(rk_, 30'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::DeadlineExceededError("messages not delivered in 30 s");
    }
    if (failed_ > 0) return absl::UnavailableError(absl::StrCat(failed_.load(), " failed"));
    return absl::OkStatus();
  }

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++static_cast<Producer*>(opaque)->failed_;
  }

  rd_kafka_t* rk_ = nullptr;
  std::atomic<uint64_t> failed_{0};
};

// Produces `n` generated events as NDJSON messages of up to `per_message` events: with
// `by_merchant` one merchant's events keyed by the merchant (what /collect produces),
// otherwise mixed merchants without a key (spread evenly over the partitions).
absl::Status ProduceGenerated(Producer& producer, uint64_t n, int per_message, bool by_merchant) {
  ingest::GeneratorOptions g;
  g.events = n;
  g.merchants = 1000;
  g.days = 1;
  ingest::Generator generator(g);
  engine::Event e;
  std::map<std::string, std::pair<int, std::string>> pending;  // key -> (events, NDJSON)
  while (generator.Next(&e)) {
    const std::string& key = by_merchant ? e.merchant : std::string();
    auto& [count, body] = pending[key];
    ingest::Generator::AppendJson(e, &body);
    if (++count == per_message) {
      if (absl::Status s = producer.Send(key, body); !s.ok()) return s;
      count = 0;
      body.clear();
    }
  }
  for (auto& [key, entry] : pending) {
    if (entry.first == 0) continue;
    if (absl::Status s = producer.Send(key, entry.second); !s.ok()) return s;
  }
  return producer.Flush();
}

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgRes = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgConn ConnectAdmin(const ServeProcess& server) {
  return PgConn(PQconnectdb(server.Conninfo("strata", "strata").c_str()), &PQfinish);
}

// count(*) of events, -1 on error.
int64_t CountEvents(PGconn* conn) {
  PgRes r(PQexec(conn, "SELECT count(*) FROM events"), &PQclear);
  int64_t n = -1;
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK ||
      !absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), &n)) {
    return -1;
  }
  return n;
}

// Polls (a fresh connection whenever the server is not there yet) until `expected` events
// are visible; false after `timeout`.
bool WaitForCount(const ServeProcess& server, int64_t expected, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  PgConn conn = ConnectAdmin(server);
  while (absl::Now() < deadline) {
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      conn = ConnectAdmin(server);
    } else if (CountEvents(conn.get()) >= expected) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

absl::StatusOr<std::unique_ptr<ServeProcess>> StartServe(const std::string& data_dir,
                                                         const std::string& brokers,
                                                         std::vector<std::string> extra) {
  ServeOptions options;
  options.data_dir = data_dir;
  options.extra_args = {"--set", "ingest.mode=kafka",
                        "--set", absl::StrCat("kafka.brokers=", brokers),
                        "--set", "kafka.group=bench"};
  options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
  options.ready_timeout = absl::Seconds(120);
  return ServeProcess::Start(options);
}

void BM_KafkaFreshness(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  if (!kafka.ok()) return state.SkipWithError(kafka.status().ToString().c_str());
  absl::StatusOr<std::unique_ptr<Producer>> producer = Producer::Open((*kafka)->bootstrap());
  if (!producer.ok()) return state.SkipWithError(producer.status().ToString().c_str());
  constexpr uint64_t kBackground = 100'000;
  if (absl::Status s = ProduceGenerated(**producer, kBackground, 100, /*by_merchant=*/true);
      !s.ok()) {
    return state.SkipWithError(s.ToString().c_str());
  }
  TempDir dir;
  std::vector<std::string> extra;
  if (state.range(0) > 0) {
    extra = {"--set", absl::StrCat("kafka.properties=fetch.wait.max.ms=", state.range(0))};
  }
  absl::StatusOr<std::unique_ptr<ServeProcess>> server =
      StartServe(dir.File("data"), (*kafka)->bootstrap(), extra);
  if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
  if (!WaitForCount(**server, kBackground, absl::Seconds(120))) {
    return state.SkipWithError("the background events never became visible");
  }
  PgConn conn = ConnectAdmin(**server);
  PgRes prepared(PQprepare(conn.get(), "seen",
                           "SELECT count(*) FROM events WHERE merchant = 'fresh' AND event_id = $1",
                           1, nullptr),
                 &PQclear);
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return state.SkipWithError(PQresultErrorMessage(prepared.get()));
  }

  std::vector<double> produce_to_visible, delivered_to_visible;
  uint64_t n = 0;
  for (auto _ : state) {
    const std::string id = absl::StrCat("fresh-", n++);
    const std::string event =
        absl::StrCat("{\"merchant\":\"fresh\",\"ts\":", absl::ToUnixMillis(absl::Now()),
                     ",\"event\":\"page_view\",\"client_id\":\"c1\",\"event_id\":\"", id, "\"}");
    const Clock::time_point produced = Clock::now();
    absl::Status s = (*producer)->Send("fresh", event);
    if (s.ok()) s = (*producer)->Flush();
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    const Clock::time_point delivered = Clock::now();
    const char* values[1] = {id.c_str()};
    while (true) {
      PgRes q(PQexecPrepared(conn.get(), "seen", 1, values, nullptr, nullptr, 0), &PQclear);
      if (PQresultStatus(q.get()) != PGRES_TUPLES_OK) {
        return state.SkipWithError(PQresultErrorMessage(q.get()));
      }
      if (std::string(PQgetvalue(q.get(), 0, 0)) == "1") break;
      if (Clock::now() - delivered > std::chrono::seconds(30)) {
        return state.SkipWithError("an event was not visible after 30 s");
      }
    }
    const Clock::time_point visible = Clock::now();
    produce_to_visible.push_back(Ms(visible - produced));
    delivered_to_visible.push_back(Ms(visible - delivered));
    state.SetIterationTime(Seconds(visible - produced));
  }
  state.counters["produce_to_visible_p50_ms"] = Percentile(produce_to_visible, 0.5);
  state.counters["produce_to_visible_p99_ms"] = Percentile(produce_to_visible, 0.99);
  state.counters["delivered_to_visible_p50_ms"] = Percentile(delivered_to_visible, 0.5);
  state.counters["delivered_to_visible_p99_ms"] = Percentile(delivered_to_visible, 0.99);
  (*server)->Stop();
}

BENCHMARK(BM_KafkaFreshness)
    ->ArgName("fetch_wait_ms")
    ->Arg(0)
    ->Arg(50)
    ->Iterations(200)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_KafkaRecoveryAfterSigkill(benchmark::State& state) {
  constexpr int64_t kEvents = 1'000'000;
  // The mock keeps about 5 MB per partition (kafka_cluster.h): 1M events need 32 of them.
  KafkaClusterOptions cluster;
  cluster.topics = {{kTopic, 32}, {"strata.events.dlq", 1}};
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start(cluster);
  if (!kafka.ok()) return state.SkipWithError(kafka.status().ToString().c_str());
  {
    absl::StatusOr<std::unique_ptr<Producer>> producer = Producer::Open((*kafka)->bootstrap());
    if (!producer.ok()) return state.SkipWithError(producer.status().ToString().c_str());
    if (absl::Status s = ProduceGenerated(**producer, kEvents, 500, /*by_merchant=*/false);
        !s.ok()) {
      return state.SkipWithError(s.ToString().c_str());
    }
  }
  TempDir dir;
  // Memtables that neither fill up nor age out: after the SIGKILL nothing is durable.
  const std::vector<std::string> never_flush = {"--set", "engine.memtable_max_rows=100000000",
                                                "--set", "engine.memtable_max_age_seconds=86400",
                                                "--set", "engine.memtable_budget_mb=16384"};
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::unique_ptr<ServeProcess>> server =
        StartServe(dir.File("data"), (*kafka)->bootstrap(), never_flush);
    if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
    if (!WaitForCount(**server, kEvents, absl::Seconds(600))) {
      return state.SkipWithError("the 1M events never became visible");
    }
    const Clock::time_point ingested = Clock::now();
    (*server)->Kill();

    const Clock::time_point restart = Clock::now();
    server = StartServe(dir.File("data"), (*kafka)->bootstrap(), never_flush);
    if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
    const Clock::time_point healthy = Clock::now();
    if (!WaitForCount(**server, 1, absl::Seconds(600))) {
      return state.SkipWithError("nothing was visible after the restart");
    }
    const Clock::time_point first_visible = Clock::now();
    if (!WaitForCount(**server, kEvents, absl::Seconds(600))) {
      return state.SkipWithError("the 1M events were not visible again after the restart");
    }
    const Clock::time_point recovered = Clock::now();
    state.SetIterationTime(Seconds(recovered - restart));
    state.counters["first_ingest_s"] = Seconds(ingested - start);
    state.counters["restart_to_healthy_s"] = Seconds(healthy - restart);
    state.counters["restart_to_first_event_s"] = Seconds(first_visible - restart);
    state.counters["restart_to_visible_s"] = Seconds(recovered - restart);
    state.counters["reconsume_events_per_s"] =
        static_cast<double>(kEvents) / Seconds(recovered - first_visible);
    (*server)->Stop();
  }
}

BENCHMARK(BM_KafkaRecoveryAfterSigkill)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace strata::kafka_test
