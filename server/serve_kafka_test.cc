#include "server/serve_kafka.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;

TEST(ServeKafkaTest, OptionsFromTheConfig) {
  ServeConfig c;
  c.ingest.mode = "kafka";
  c.kafka.brokers = "k1:9092,k2:9092";
  c.kafka.group = "eu";
  c.kafka.properties = {"security.protocol=SASL_SSL", "sasl.jaas=a=b"};
  absl::StatusOr<ingest::kafka::KafkaOptions> o = KafkaOptionsFrom(c);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->brokers, "k1:9092,k2:9092");
  EXPECT_EQ(o->topic, "strata.events");
  EXPECT_EQ(o->dlq_topic, "strata.events.dlq");
  EXPECT_EQ(o->group, "eu");
  // Only the first '=' separates: values may hold more.
  EXPECT_THAT(o->properties, ::testing::ElementsAre(Pair("security.protocol", "SASL_SSL"),
                                                    Pair("sasl.jaas", "a=b")));
}

TEST(ServeKafkaTest, BrokersAreRequiredAndPropertiesChecked) {
  ServeConfig c;
  c.ingest.mode = "kafka";
  absl::Status s = KafkaOptionsFrom(c).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(s.message(), HasSubstr("kafka.brokers"));
  c.kafka.brokers = "k:9092";
  for (const char* bad : {"novalue", "=x"}) {
    c.kafka.properties = {bad};
    s = KafkaOptionsFrom(c).status();
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_THAT(s.message(), HasSubstr("key=value")) << bad;
  }
}

}  // namespace
}  // namespace strata::server
