#include "ingest/kafka/message_decoder.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/kafka/kafka_test_util.h"

namespace strata::ingest::kafka {
namespace {

using testing::EventJson;

TEST(MessageDecoderTest, SplitsLinesSkipsBlanksAndReportsBadLines) {
  MessageDecoder decoder(ValidationOptions{});
  EventSlots slots;
  std::vector<BadLine> bad;
  const std::string value = EventJson("m1", "a") + "\r\n\n  \t\n" + "{not json}\n" +
                            R"({"merchant":"m1","ts":1,"event":"x"})" + "\n" +
                            EventJson("m2", "b");  // the last line has no '\n'
  EXPECT_EQ(decoder.Decode(value, &slots, &bad), 2u);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].event_id, "a");
  EXPECT_EQ(slots[1].merchant, "m2");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].index, 3u);
  EXPECT_EQ(bad[0].text, "{not json}");
  EXPECT_TRUE(bad[0].error.field.empty());
  EXPECT_EQ(bad[1].index, 4u);
  EXPECT_EQ(bad[1].error.field, "client_id");
  EXPECT_FALSE(bad[1].error.ToString().empty());
}

TEST(MessageDecoderTest, AppendsAfterKeptEventsAndReusesSlots) {
  MessageDecoder decoder(ValidationOptions{});
  EventSlots slots;
  std::vector<BadLine> bad;
  decoder.Decode(EventJson("m1", "a") + "\n" + EventJson("m2", "b"), &slots, &bad);
  decoder.Decode(EventJson("m3", "c"), &slots, &bad);
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[2].event_id, "c");
  slots.Clear();
  decoder.Decode(EventJson("m4", "d"), &slots, &bad);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].merchant, "m4");
  EXPECT_TRUE(bad.empty());
}

TEST(MessageDecoderTest, KeepIfDropsInPlaceKeepingOrder) {
  MessageDecoder decoder(ValidationOptions{});
  EventSlots slots;
  std::vector<BadLine> bad;
  std::string value;
  for (int i = 0; i < 6; ++i)
    value += EventJson(i % 2 == 0 ? "even" : "odd", std::to_string(i)) + "\n";
  decoder.Decode(value, &slots, &bad);
  const size_t dropped =
      slots.KeepIf(1, [](const engine::Event& e) { return e.merchant == "even"; });
  EXPECT_EQ(dropped, 3u);
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].event_id, "0");  // before `first`: kept whatever it is
  EXPECT_EQ(slots[1].event_id, "2");
  EXPECT_EQ(slots[2].event_id, "4");
}

TEST(MessageDecoderTest, PrettyPrintedObjectIsOneEvent) {
  MessageDecoder decoder(ValidationOptions{});
  EventSlots slots;
  std::vector<BadLine> bad;
  const std::string pretty =
      "{\n  \"merchant\": \"m1\",\n  \"ts\": 1793534400000,\n  \"event\": \"page_view\",\n"
      "  \"client_id\": \"c\"\n}\n";
  EXPECT_EQ(decoder.Decode(pretty, &slots, &bad), 1u);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].client_id, "c");
  EXPECT_TRUE(bad.empty());

  // Not one object either: every line is reported on its own.
  slots.Clear();
  EXPECT_EQ(decoder.Decode("{\n\"merchant\": 1\n", &slots, &bad), 0u);
  EXPECT_EQ(bad.size(), 2u);
}

}  // namespace
}  // namespace strata::ingest::kafka
