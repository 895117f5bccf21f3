// Kafka ingest end to end: the real `strata serve` in kafka mode against strata_kafka_mock,
// with kcat as the outside producer and consumer, and libpq for the counts. Each test
// starts its own mock and servers.
//
// Exactly once is checked as: per-merchant counts over PG wire equal the produced counts,
// and no event id is stored twice. The mock's group joins are slow on purpose (3 s for the
// first, 5 s per later rebalance), which sets most of the running time.
#include <signal.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "simdjson.h"
#include "tests/kafka/kafka_cluster.h"
#include "tests/serve/serve_process.h"
#include "tests/serve/subprocess.h"
#include "tests/serve/test_data.h"

namespace strata::kafka_test {
namespace {

using serve_test::ConnectPg;
using serve_test::Exec;
using serve_test::kAdminPassword;
using serve_test::kAdminUser;
using serve_test::MetricValue;
using serve_test::PgConnection;
using serve_test::PgResult;
using serve_test::ProgramResult;
using serve_test::RunProgram;
using serve_test::ServeOptions;
using serve_test::ServeProcess;
using serve_test::StrataBinary;

constexpr char kTopic[] = "strata.events";
constexpr char kDlqTopic[] = "strata.events.dlq";

using MerchantCounts = std::map<std::string, int64_t>;

int64_t Total(const MerchantCounts& counts) {
  int64_t total = 0;
  for (const auto& [merchant, n] : counts) total += n;
  return total;
}

MerchantCounts Sum(const MerchantCounts& a, const MerchantCounts& b) {
  MerchantCounts sum = a;
  for (const auto& [merchant, n] : b) sum[merchant] += n;
  return sum;
}

bool WaitUntil(const std::function<bool()>& done, absl::Duration timeout,
               absl::Duration every = absl::Milliseconds(100)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(every);
  }
  return true;
}

// Generated events, one Kafka record each (key = merchant), with unique event ids
// "<prefix>-<n>"; remembers how many of each merchant it made.
class EventSource {
 public:
  EventSource(std::string prefix, uint64_t seed) : prefix_(std::move(prefix)) {
    ingest::GeneratorOptions g;
    g.events = 100'000'000;
    g.merchants = 100;
    g.days = 1;
    g.seed = seed;
    generator_ = std::make_unique<ingest::Generator>(g);
  }

  std::vector<KafkaRecord> Next(int n) {
    std::vector<KafkaRecord> records;
    records.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n && generator_->Next(&event_); ++i) {
      event_.event_id = absl::StrCat(prefix_, "-", next_id_++);
      std::string json;
      ingest::Generator::AppendJson(event_, &json);
      json.pop_back();  // the '\n'
      ++counts_[event_.merchant];
      records.push_back({event_.merchant, std::move(json)});
    }
    return records;
  }

  const MerchantCounts& counts() const { return counts_; }

 private:
  std::string prefix_;
  std::unique_ptr<ingest::Generator> generator_;
  engine::Event event_;
  uint64_t next_id_ = 0;
  MerchantCounts counts_;
};

// Produces 500 events of `source` every 200 ms with kcat until Finish() or destruction.
class BackgroundProducer {
 public:
  BackgroundProducer(const KafkaCluster& kafka, EventSource* source)
      : thread_([this, &kafka, source] {
          while (!stop_) {
            absl::Status s = kafka.Produce(kTopic, source->Next(500));
            if (!s.ok()) {
              status_ = s;
              return;
            }
            absl::SleepFor(absl::Milliseconds(200));
          }
        }) {}
  ~BackgroundProducer() { Finish().IgnoreError(); }

  // Stops producing; the first error met. `source` may be read afterwards.
  absl::Status Finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::atomic<bool> stop_{false};
  absl::Status status_;  // written by the thread, read after join
  std::thread thread_;
};

// `strata serve` in kafka mode against `bootstrap`, consuming in `group`.
absl::StatusOr<std::unique_ptr<ServeProcess>> StartKafkaServe(
    const std::string& data_dir, const std::string& bootstrap, const std::string& group,
    const std::vector<std::string>& extra = {}) {
  ServeOptions options;
  options.data_dir = data_dir;
  options.extra_args = {"--set", "ingest.mode=kafka",
                        "--set", absl::StrCat("kafka.brokers=", bootstrap),
                        "--set", absl::StrCat("kafka.topic=", kTopic),
                        "--set", absl::StrCat("kafka.dlq_topic=", kDlqTopic),
                        "--set", absl::StrCat("kafka.group=", group)};
  options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
  return ServeProcess::Start(options);
}

// The rows of `sql`, run over PG wire as the admin on a fresh connection.
absl::StatusOr<PgResult> AdminQuery(const ServeProcess& server, const std::string& sql) {
  PgConnection conn = ConnectPg(server, kAdminUser, kAdminPassword);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("connect: ", PQerrorMessage(conn.get())));
  }
  PgResult r = Exec(conn.get(), sql);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return absl::InternalError(PQresultErrorMessage(r.get()));
  }
  return r;
}

// SELECT merchant, count(*) over PG wire as the admin.
absl::StatusOr<MerchantCounts> QueryMerchantCounts(const ServeProcess& server) {
  ASSIGN_OR_RETURN(PgResult r,
                   AdminQuery(server, "SELECT merchant, count(*) FROM events GROUP BY merchant"));
  MerchantCounts counts;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(PQgetvalue(r.get(), i, 1), &n)) return absl::InternalError("count");
    counts[PQgetvalue(r.get(), i, 0)] = n;
  }
  return counts;
}

// count(*) - count(DISTINCT event_id): events stored more than once.
absl::StatusOr<int64_t> DuplicatedEvents(const ServeProcess& server) {
  ASSIGN_OR_RETURN(PgResult r,
                   AdminQuery(server, "SELECT count(*) - count(DISTINCT event_id) FROM events"));
  int64_t n = 0;
  if (!absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), &n)) return absl::InternalError("count");
  return n;
}

// The same counts from a data directory no server holds: `strata sql` opens it read-only
// and sees exactly what is durable.
absl::StatusOr<MerchantCounts> DurableMerchantCounts(const std::string& data_dir) {
  absl::StatusOr<ProgramResult> r =
      RunProgram({StrataBinary(), "sql", "--data-dir", data_dir, "--format", "tsv", "-c",
                  "SELECT merchant, count(*) FROM events GROUP BY merchant"});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) return absl::InternalError(r->Describe());
  MerchantCounts counts;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(r->out, '\n', absl::SkipEmpty())) {
    if (std::exchange(header, false)) continue;
    std::vector<absl::string_view> cells = absl::StrSplit(line, '\t');
    int64_t n = 0;
    if (cells.size() != 2 || !absl::SimpleAtoi(cells[1], &n)) {
      return absl::InternalError(absl::StrCat("strata sql printed: ", r->out));
    }
    counts[std::string(cells[0])] = n;
  }
  return counts;
}

// Waits until the server holds `expected` events in all and its consumer has no lag; the
// last counts seen (or an error).
absl::StatusOr<MerchantCounts> WaitForAll(const ServeProcess& server, int64_t expected,
                                          absl::Duration timeout) {
  absl::StatusOr<MerchantCounts> counts;
  WaitUntil(
      [&] {
        counts = QueryMerchantCounts(server);
        return counts.ok() && Total(*counts) >= expected &&
               MetricValue(server, "strata_kafka_lag") == 0;
      },
      timeout, absl::Milliseconds(200));
  return counts;
}

struct PartitionStatus {
  int64_t partition = -1, position = -1, high_watermark = -1, lag = -1, durable = -1,
          committed = -1;
};

// The body of GET /api/v1/admin/status.
absl::StatusOr<std::string> AdminStatus(const ServeProcess& server) {
  client::HttpClient http("127.0.0.1", server.http_port());
  absl::StatusOr<client::HttpResponse> r = http.Request(
      "GET", "/api/v1/admin/status", {}, {{"Authorization", serve_test::AdminAuthorization()}});
  if (!r.ok()) return r.status();
  if (r->status != 200) return absl::InternalError(absl::StrCat(r->status, " ", r->body));
  return std::move(r->body);
}

// The engine's flush count from the admin status; -1 if unknown.
int64_t EngineFlushes(const ServeProcess& server) {
  absl::StatusOr<std::string> body = AdminStatus(server);
  simdjson::dom::parser parser;
  int64_t flushes = -1;
  if (!body.ok() ||
      parser.parse(*body)["engine"]["flushes"].get_int64().get(flushes) != simdjson::SUCCESS) {
    return -1;
  }
  return flushes;
}

// The consumer's partitions from the admin status.
absl::StatusOr<std::vector<PartitionStatus>> ConsumerPartitions(const ServeProcess& server) {
  absl::StatusOr<std::string> body = AdminStatus(server);
  if (!body.ok()) return body.status();
  const std::string& json = *body;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array partitions;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS ||
      doc["kafka"]["consumer"]["partitions"].get_array().get(partitions) != simdjson::SUCCESS) {
    return absl::InternalError(absl::StrCat("no kafka.consumer.partitions in ", json));
  }
  std::vector<PartitionStatus> out;
  for (simdjson::dom::element p : partitions) {
    PartitionStatus s;
    for (auto [field, value] : {std::pair{"partition", &s.partition},
                                {"position", &s.position},
                                {"high_watermark", &s.high_watermark},
                                {"lag", &s.lag},
                                {"durable", &s.durable},
                                {"committed", &s.committed}}) {
      if (p[field].get_int64().get(*value) != simdjson::SUCCESS) {
        return absl::InternalError(absl::StrCat("partition without ", field, ": ", json));
      }
    }
    out.push_back(s);
  }
  return out;
}

std::string Describe(const MerchantCounts& counts) {
  std::string out = absl::StrCat(counts.size(), " merchants, ", Total(counts), " events:");
  for (const auto& [merchant, n] : counts) absl::StrAppend(&out, " ", merchant, "=", n);
  return out;
}

// (a) 100K events keyed by merchant over 8 partitions land exactly once.
TEST(KafkaIngestTest, ConsumesEveryProducedEventExactlyOnce) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EventSource source("a", 1);
  for (int chunk = 0; chunk < 4; ++chunk) {
    ASSERT_TRUE((*kafka)->Produce(kTopic, source.Next(25'000)).ok());
  }
  ASSERT_EQ(Total(source.counts()), 100'000);

  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server =
      StartKafkaServe(dir.File("data"), (*kafka)->bootstrap(), "strata-a");
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<MerchantCounts> counts = WaitForAll(**server, 100'000, absl::Seconds(90));
  ASSERT_TRUE(counts.ok()) << counts.status() << (*server)->Log();
  EXPECT_EQ(*counts, source.counts())
      << "stored " << Describe(*counts) << "\nproduced " << Describe(source.counts());
  absl::StatusOr<int64_t> duplicated = DuplicatedEvents(**server);
  ASSERT_TRUE(duplicated.ok()) << duplicated.status();
  EXPECT_EQ(*duplicated, 0);
  EXPECT_EQ(MetricValue(**server, "strata_kafka_consumed_events_total"), 100'000);
  EXPECT_EQ(MetricValue(**server, "strata_kafka_consumed_messages_total"), 100'000);
  EXPECT_EQ(MetricValue(**server, "strata_kafka_dead_letters_total"), 0);
  EXPECT_EQ(MetricValue(**server, "strata_kafka_assigned_partitions"), 8);
  // Every partition got messages (keys spread over all 8) and was consumed to its end. The
  // consumer publishes partition stats periodically, so wait for them to catch up.
  absl::StatusOr<std::vector<PartitionStatus>> partitions;
  WaitUntil(
      [&] {
        partitions = ConsumerPartitions(**server);
        if (!partitions.ok() || partitions->size() != 8) return false;
        for (const PartitionStatus& p : *partitions) {
          if (p.high_watermark <= 0 || p.position != p.high_watermark) return false;
        }
        return true;
      },
      absl::Seconds(10));
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  ASSERT_EQ(partitions->size(), 8u);
  for (const PartitionStatus& p : *partitions) {
    EXPECT_GT(p.high_watermark, 0) << "partition " << p.partition;
    EXPECT_EQ(p.position, p.high_watermark) << "partition " << p.partition;
  }
  // The operator's view of the same state.
  absl::StatusOr<serve_test::ProgramResult> status =
      serve_test::RunProgram({serve_test::StrataBinary(), "admin", "status", "--server",
                              (*server)->http_url(), "--rate-seconds", "0"});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->exit_code, 0) << status->Describe();
  EXPECT_THAT(status->out, ::testing::HasSubstr("ingest mode: kafka"));
  EXPECT_THAT(status->out, ::testing::HasSubstr("kafka consumer:"));
  EXPECT_THAT(status->out, ::testing::HasSubstr("high_watermark"));
  EXPECT_THAT(status->out, ::testing::ContainsRegex("events +100000"));
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

// (b) SIGKILL at random moments while consuming, five times; flushes happen mid-stream.
// Nothing is lost and nothing is stored twice.
TEST(KafkaIngestTest, SigkillWhileConsumingNeitherLosesNorDuplicates) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  const uint32_t seed = std::random_device()();
  SCOPED_TRACE(absl::StrCat("random seed ", seed));
  std::mt19937 random(seed);

  // Produces in the background for the whole test, so every kill lands mid-stream.
  EventSource source("b", 2);
  ASSERT_TRUE((*kafka)->Produce(kTopic, source.Next(10'000)).ok());
  BackgroundProducer producer(**kafka, &source);

  TempDir dir;
  const std::string data = dir.File("data");
  const std::vector<std::string> small_memtables = {"--set", "engine.memtable_max_rows=3000"};
  int flushed_rounds = 0;
  for (int round = 0; round < 5; ++round) {
    absl::StatusOr<std::unique_ptr<ServeProcess>> server =
        StartKafkaServe(data, (*kafka)->bootstrap(), "strata-b", small_memtables);
    ASSERT_TRUE(server.ok()) << "round " << round << ": " << server.status();
    ASSERT_TRUE(
        WaitUntil([&] { return MetricValue(**server, "strata_kafka_consumed_messages_total") > 0; },
                  absl::Seconds(60)))
        << "round " << round << ": nothing consumed\n"
        << (*server)->Log();
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(0, 1500)(random)));
    flushed_rounds += EngineFlushes(**server) > 0;
    (*server)->Kill();
  }
  // Kills came after flushes: restarts resumed from recorded positions and dropped events
  // their shards held already.
  EXPECT_GT(flushed_rounds, 0) << "no flush happened while consuming";

  absl::StatusOr<std::unique_ptr<ServeProcess>> server =
      StartKafkaServe(data, (*kafka)->bootstrap(), "strata-b", small_memtables);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::SleepFor(absl::Seconds(1));
  absl::Status produced_all = producer.Finish();
  ASSERT_TRUE(produced_all.ok()) << produced_all;
  const int64_t produced = Total(source.counts());
  absl::StatusOr<MerchantCounts> counts = WaitForAll(**server, produced, absl::Seconds(90));
  ASSERT_TRUE(counts.ok()) << counts.status() << (*server)->Log();
  EXPECT_EQ(*counts, source.counts())
      << "stored " << Describe(*counts) << "\nproduced " << Describe(source.counts());
  absl::StatusOr<int64_t> duplicated = DuplicatedEvents(**server);
  ASSERT_TRUE(duplicated.ok()) << duplicated.status();
  EXPECT_EQ(*duplicated, 0);
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

// (c) A line that is not JSON and an invalid event in the middle of a partition, and a bad
// line inside an NDJSON message: each goes to the DLQ with its reason and source, and
// everything around them lands.
TEST(KafkaIngestTest, BadLinesGoToTheDeadLetterTopicAndThePartitionGoesOn) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EventSource source("c", 3);
  std::vector<KafkaRecord> records = source.Next(100);  // offsets 0..99
  const std::string not_json = "this is not JSON {";
  const std::string no_client_id =
      R"({"merchant":"shop-c","ts":1793534400000,"event":"page_view"})";
  const std::string bad_ts =
      R"({"merchant":"shop-c","ts":"yesterday","event":"page_view","client_id":"c1"})";
  records.push_back({"shop-c", not_json});      // offset 100
  records.push_back({"shop-c", no_client_id});  // offset 101
  std::vector<KafkaRecord> pair = source.Next(2);
  // offset 102: good, bad, good
  records.push_back({"shop-c", absl::StrCat(pair[0].value, "\n", bad_ts, "\n", pair[1].value)});
  for (KafkaRecord& r : source.Next(100)) records.push_back(std::move(r));  // 103..202
  ASSERT_TRUE((*kafka)->Produce(kTopic, records, /*partition=*/3).ok());
  const int64_t good = Total(source.counts());
  ASSERT_EQ(good, 202);

  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server =
      StartKafkaServe(dir.File("data"), (*kafka)->bootstrap(), "strata-c");
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<MerchantCounts> counts = WaitForAll(**server, good, absl::Seconds(60));
  ASSERT_TRUE(counts.ok()) << counts.status() << (*server)->Log();
  EXPECT_EQ(*counts, source.counts()) << Describe(*counts);
  EXPECT_TRUE(
      WaitUntil([&] { return MetricValue(**server, "strata_kafka_dead_letters_total") == 3; },
                absl::Seconds(10)))
      << MetricValue(**server, "strata_kafka_dead_letters_total");

  std::vector<KafkaMessage> dead;
  ASSERT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<std::vector<KafkaMessage>> m = (*kafka)->ConsumeAll(kDlqTopic);
        if (m.ok()) dead = std::move(*m);
        return dead.size() >= 3;
      },
      absl::Seconds(20), absl::Milliseconds(500)));
  ASSERT_EQ(dead.size(), 3u);
  struct Expected {
    std::string value, source, line, error_prefix;
  };
  const Expected expected[] = {
      {not_json, "strata.events/3/100", "0", ""},
      {no_client_id, "strata.events/3/101", "0", "client_id"},
      {bad_ts, "strata.events/3/102", "1", "ts"},
  };
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(absl::StrCat("dead letter ", i));
    EXPECT_EQ(dead[i].value, expected[i].value);
    EXPECT_EQ(dead[i].Header("strata.source").value_or("(none)"), expected[i].source);
    EXPECT_EQ(dead[i].Header("strata.line").value_or("(none)"), expected[i].line);
    const std::string error = dead[i].Header("strata.error").value_or("");
    EXPECT_FALSE(error.empty());
    EXPECT_TRUE(absl::StartsWith(error, expected[i].error_prefix)) << error;
  }
  // The partition was consumed to its end.
  absl::StatusOr<std::vector<PartitionStatus>> partitions = ConsumerPartitions(**server);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  for (const PartitionStatus& p : *partitions) {
    if (p.partition == 3) {
      EXPECT_EQ(p.position, 203);
    }
  }
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

// (d) Two nodes in one group split the partitions; one is SIGKILLed after it flushed and
// committed; the other takes its partitions over from the committed offsets. The killed
// node's durable data plus the survivor's is every event exactly once.
TEST(KafkaIngestTest, SurvivorTakesOverTheKilledNodesPartitions) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  TempDir dir;
  const std::vector<std::string> flush_often = {"--set", "engine.memtable_max_rows=1000", "--set",
                                                "engine.memtable_max_age_seconds=1"};
  absl::StatusOr<std::unique_ptr<ServeProcess>> first =
      StartKafkaServe(dir.File("first"), (*kafka)->bootstrap(), "strata-d", flush_often);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<ServeProcess>> second =
      StartKafkaServe(dir.File("second"), (*kafka)->bootstrap(), "strata-d", flush_often);
  ASSERT_TRUE(second.ok()) << second.status();
  auto assigned = [](const ServeProcess& s) {
    return MetricValue(s, "strata_kafka_assigned_partitions");
  };
  ASSERT_TRUE(WaitUntil(
      [&] {
        return assigned(**first) > 0 && assigned(**second) > 0 &&
               assigned(**first) + assigned(**second) == 8;
      },
      absl::Seconds(60)))
      << assigned(**first) << " + " << assigned(**second) << "\n"
      << (*first)->Log() << (*second)->Log();

  EventSource source("d", 4);
  ASSERT_TRUE((*kafka)->Produce(kTopic, source.Next(30'000)).ok());
  MerchantCounts first_counts, second_counts;
  ASSERT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<MerchantCounts> a = QueryMerchantCounts(**first);
        absl::StatusOr<MerchantCounts> b = QueryMerchantCounts(**second);
        if (!a.ok() || !b.ok()) return false;
        first_counts = *a;
        second_counts = *b;
        return Total(*a) + Total(*b) >= 30'000;
      },
      absl::Seconds(60), absl::Milliseconds(200)))
      << Total(first_counts) << " + " << Total(second_counts);
  EXPECT_GT(Total(first_counts), 0);
  EXPECT_GT(Total(second_counts), 0);
  EXPECT_EQ(Sum(first_counts, second_counts), source.counts());

  // The first node's partitions are all durable and committed before the crash.
  std::vector<PartitionStatus> partitions;
  ASSERT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<std::vector<PartitionStatus>> p = ConsumerPartitions(**first);
        if (!p.ok() || p->empty()) return false;
        partitions = *p;
        for (const PartitionStatus& s : partitions) {
          if (s.durable != s.high_watermark) return false;
          if (s.high_watermark > 0 && s.committed != s.high_watermark) return false;
        }
        return true;
      },
      absl::Seconds(30), absl::Milliseconds(200)))
      << "first node: partitions not durable and committed";
  (*first)->Kill();

  ASSERT_TRUE((*kafka)->Produce(kTopic, source.Next(20'000)).ok());
  ASSERT_TRUE(WaitUntil([&] { return assigned(**second) == 8; }, absl::Seconds(60)))
      << "the survivor did not take over: " << assigned(**second) << "\n"
      << (*second)->Log();
  absl::StatusOr<MerchantCounts> first_durable = DurableMerchantCounts(dir.File("first"));
  ASSERT_TRUE(first_durable.ok()) << first_durable.status();
  EXPECT_EQ(*first_durable, first_counts) << "the first node had not flushed everything";
  const int64_t expected_second = Total(source.counts()) - Total(*first_durable);
  absl::StatusOr<MerchantCounts> survivor =
      WaitForAll(**second, expected_second, absl::Seconds(60));
  ASSERT_TRUE(survivor.ok()) << survivor.status();
  EXPECT_EQ(Sum(*first_durable, *survivor), source.counts())
      << "first " << Describe(*first_durable) << "\nsurvivor " << Describe(*survivor)
      << "\nproduced " << Describe(source.counts());
  EXPECT_EQ(MetricValue(**second, "strata_kafka_duplicates_skipped_total"), 0);
  EXPECT_EQ((*second)->Stop(), 0) << (*second)->Log();
}

// (e) Producer mode: /collect answers 200 only once the events are in Kafka, then they are
// consumed and queryable; with Kafka gone, /collect answers 503 within the produce timeout.
TEST(KafkaIngestTest, CollectProducesToKafkaAndFailsWith503WhenKafkaIsDown) {
  absl::StatusOr<std::unique_ptr<KafkaCluster>> kafka = KafkaCluster::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  TempDir dir;
  constexpr int kProduceTimeoutMs = 3000;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server =
      StartKafkaServe(dir.File("data"), (*kafka)->bootstrap(), "strata-e",
                      {"--set", absl::StrCat("kafka.produce_timeout_ms=", kProduceTimeoutMs)});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<serve_test::MerchantCredentials> shop =
      serve_test::AddMerchant(**server, "shop-e", "pe-secret");
  ASSERT_TRUE(shop.ok()) << shop.status();

  client::HttpClient http("127.0.0.1", (*server)->http_port());
  const client::HttpHeaders headers = {{"X-Strata-Key", shop->write_key},
                                       {"Content-Type", "application/x-ndjson"}};
  absl::StatusOr<serve_test::CollectReply> reply =
      serve_test::Collect(http, serve_test::DatasetNdjson("shop-e", 7), headers);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->accepted, 7);
  // Delivered before the 200: the message is in the topic already, keyed by merchant.
  absl::StatusOr<std::vector<KafkaMessage>> messages = (*kafka)->ConsumeAll(kTopic);
  ASSERT_TRUE(messages.ok()) << messages.status();
  int64_t lines = 0;
  for (const KafkaMessage& m : *messages) {
    EXPECT_EQ(m.key, "shop-e");
    for (absl::string_view line : absl::StrSplit(m.value, '\n', absl::SkipEmpty())) {
      EXPECT_TRUE(absl::StrContains(line, "\"merchant\":\"shop-e\"")) << line;
      ++lines;
    }
  }
  EXPECT_EQ(lines, 7);
  EXPECT_EQ(MetricValue(**server, "strata_kafka_produced_events_total"), 7);
  absl::StatusOr<MerchantCounts> counts = WaitForAll(**server, 7, absl::Seconds(30));
  ASSERT_TRUE(counts.ok()) << counts.status() << (*server)->Log();
  EXPECT_EQ(*counts, (MerchantCounts{{"shop-e", 7}}));

  ASSERT_EQ((*kafka)->Stop(), 0) << (*kafka)->Log();
  const absl::Time start = absl::Now();
  reply = serve_test::Collect(http, serve_test::DatasetNdjson("shop-e", 3), headers);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 503) << reply->body;
  EXPECT_LT(took, absl::Milliseconds(kProduceTimeoutMs) + absl::Seconds(2)) << reply->body;
  // The events that were not delivered were not stored either.
  counts = QueryMerchantCounts(**server);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, (MerchantCounts{{"shop-e", 7}}));
  EXPECT_NE((*server)->Stop(), -1000) << "strata serve did not stop with Kafka down\n"
                                      << (*server)->Log();
}

}  // namespace
}  // namespace strata::kafka_test
