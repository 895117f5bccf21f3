#include "common/json_text.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace strata {
namespace {

TEST(JsonTextTest, Escapes) {
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(JsonString(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(JsonTextTest, EveryAsciiByteRoundTripsThroughAParser) {
  std::string text;
  for (int c = 0; c < 128; ++c) text.push_back(static_cast<char>(c));
  std::string json = JsonString(text);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
  std::string_view back;
  ASSERT_EQ(doc.get_string().get(back), simdjson::SUCCESS);
  EXPECT_EQ(back, text);
}

}  // namespace
}  // namespace strata
