#include "ingest/kafka/producer.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/kafka/kafka_test_util.h"

namespace strata::ingest::kafka {
namespace {

using testing::EventJson;
using testing::MockCluster;
using testing::ReadTopic;

ProducerOptions Options(const std::string& brokers, const std::string& topic) {
  ProducerOptions o;
  o.kafka.brokers = brokers;
  o.kafka.topic = topic;
  o.delivery_timeout = absl::Seconds(10);
  o.linger = absl::Milliseconds(1);
  return o;
}

TEST(EventProducerTest, OneMinifiedNdjsonMessagePerMerchantKeyedByMerchant) {
  MockCluster cluster;
  cluster.CreateTopic("events", 4);
  auto producer = EventProducer::Open(Options(cluster.brokers(), "events"));
  ASSERT_TRUE(producer.ok()) << producer.status();

  const std::string spaced =
      "{ \"merchant\" : \"m1\" ,\n \"ts\": 1793534400000, "
      "\"event\": \"a b\", \"client_id\": \"c\" }";
  const std::vector<std::pair<std::string, std::string>> input = {
      {"m1", spaced},
      {"m2", EventJson("m2", "2")},
      {"m1", EventJson("m1", "3")},
      {"m3", EventJson("m3", "4")},
      {"m2", EventJson("m2", "5")},
  };
  std::vector<OutgoingEvent> events;
  for (const auto& [merchant, json] : input) events.push_back({merchant, json});
  ASSERT_TRUE((*producer)->ProduceEvents(events).ok());

  const ProducerStats stats = (*producer)->stats();
  EXPECT_EQ(stats.messages_delivered, 3u);
  EXPECT_EQ(stats.events_delivered, 5u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.delivery_errors, 0u);

  std::map<std::string, std::string> by_key;
  for (const auto& m : ReadTopic(cluster.brokers(), "events", 4, 3)) by_key[m.key] += m.value;
  ASSERT_EQ(by_key.size(), 3u);
  EXPECT_EQ(by_key["m1"], R"({"merchant":"m1","ts":1793534400000,"event":"a b","client_id":"c"})"
                          "\n" +
                              EventJson("m1", "3") + "\n");
  EXPECT_EQ(by_key["m2"], EventJson("m2", "2") + "\n" + EventJson("m2", "5") + "\n");
  EXPECT_EQ(by_key["m3"], EventJson("m3", "4") + "\n");
  EXPECT_EQ(stats.bytes_delivered, by_key["m1"].size() + by_key["m2"].size() + by_key["m3"].size());
}

TEST(EventProducerTest, LargeBatchOfOneMerchantIsSplitBelowTheMessageLimit) {
  MockCluster cluster;
  cluster.CreateTopic("events", 1);
  auto producer = EventProducer::Open(Options(cluster.brokers(), "events"));
  ASSERT_TRUE(producer.ok()) << producer.status();
  std::vector<std::string> jsons;
  const std::string padding(900, 'x');
  for (int i = 0; i < 1500; ++i) {
    jsons.push_back(R"({"merchant":"big","ts":1,"event":"e","client_id":")" + padding + "\"}");
  }
  std::vector<OutgoingEvent> events;
  for (const std::string& j : jsons) events.push_back({"big", j});
  ASSERT_TRUE((*producer)->ProduceEvents(events).ok());
  EXPECT_EQ((*producer)->stats().messages_delivered, 2u);
  size_t lines = 0;
  for (const auto& m : ReadTopic(cluster.brokers(), "events", 1, 2)) {
    EXPECT_LE(m.value.size(), 1'000'000u);
    EXPECT_EQ(m.key, "big");
    lines += static_cast<size_t>(std::count(m.value.begin(), m.value.end(), '\n'));
  }
  EXPECT_EQ(lines, jsons.size());
}

TEST(EventProducerTest, FullQueueIsResourceExhaustedAndNamesStoredMerchants) {
  MockCluster cluster;
  cluster.CreateTopic("events", 2);
  ProducerOptions options = Options(cluster.brokers(), "events");
  options.queue_max_messages = 1;
  options.linger = absl::Milliseconds(200);  // the first message waits in the queue
  auto producer = EventProducer::Open(options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  const std::string a = EventJson("ma", "1"), b = EventJson("mb", "2");
  const std::vector<OutgoingEvent> events = {{"ma", a}, {"mb", b}};
  const absl::Status s = (*producer)->ProduceEvents(events);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(s.message().find("stored: ma"), absl::string_view::npos) << s;
  EXPECT_EQ((*producer)->stats().queue_full, 1u);
  EXPECT_EQ((*producer)->stats().messages_delivered, 1u);
}

TEST(EventProducerTest, UnreachableBrokerFailsAfterTheDeliveryTimeout) {
  ProducerOptions options = Options("127.0.0.1:1", "events");
  options.delivery_timeout = absl::Milliseconds(1500);
  auto producer = EventProducer::Open(options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  const std::string json = EventJson("m1", "1");
  const absl::Time start = absl::Now();
  const absl::Status s = (*producer)->ProduceEvents(std::vector<OutgoingEvent>{{"m1", json}});
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(6));
  EXPECT_EQ((*producer)->stats().delivery_errors, 1u);
  EXPECT_EQ((*producer)->stats().in_flight, 0u);
}

TEST(EventProducerTest, ProduceSendsHeadersAndBadSettingsAreInvalidArgument) {
  MockCluster cluster;
  cluster.CreateTopic("other", 1);
  auto producer = EventProducer::Open(Options(cluster.brokers(), "events"));
  ASSERT_TRUE(producer.ok()) << producer.status();
  ASSERT_TRUE((*producer)->Produce("other", "k", "v", {{"h1", "x"}, {"h2", ""}}).ok());
  auto read = ReadTopic(cluster.brokers(), "other", 1, 1);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].key, "k");
  EXPECT_EQ(read[0].value, "v");
  EXPECT_EQ(read[0].headers["h1"], "x");
  EXPECT_EQ(read[0].headers.count("h2"), 1u);

  ProducerOptions bad = Options(cluster.brokers(), "events");
  bad.kafka.properties = {{"no.such.property", "1"}};
  auto opened = EventProducer::Open(bad);
  EXPECT_TRUE(absl::IsInvalidArgument(opened.status())) << opened.status();
  EXPECT_NE(opened.status().message().find("no.such.property"), absl::string_view::npos);
}

}  // namespace
}  // namespace strata::ingest::kafka
