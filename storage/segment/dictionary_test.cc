#include "storage/segment/dictionary.h"

#include "gtest/gtest.h"

namespace strata::storage::segment {
namespace {

std::unique_ptr<Dictionary> RoundTrip(const std::vector<std::string_view>& values) {
  std::string raw;
  EncodeDictionary(values, &raw);
  auto d = DecodeDictionary(raw, static_cast<uint32_t>(values.size()), "test");
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? std::move(*d) : nullptr;
}

TEST(DictionaryTest, FrontCodedRoundTrip) {
  std::vector<std::string_view> values{"", "/", "/a", "/ab", "/abc", "/b", "x", "xyz"};
  std::string raw;
  EncodeDictionary(values, &raw);
  // "/abc" shares 3 bytes with "/ab": shared=3, suffix length 1, "c".
  EXPECT_NE(raw.find(std::string("\x03\x01"
                                 "c",
                                 3)),
            std::string::npos);
  auto d = RoundTrip(values);
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(d->value(i), values[i]);
}

TEST(DictionaryTest, ShortValuesStayValidAfterMove) {
  // Regression: views into a short (SSO) buffer dangle once the buffer is moved.
  auto d = RoundTrip({"a", "b"});
  ASSERT_NE(d, nullptr);
  std::unique_ptr<Dictionary> moved = std::move(d);
  EXPECT_EQ(moved->value(0), "a");
  EXPECT_EQ(moved->value(1), "b");
}

TEST(DictionaryTest, FindAndCodeRange) {
  auto d = RoundTrip({"apple", "banana", "cherry", "date"});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->Find("cherry"), 2u);
  EXPECT_EQ(d->Find("apple"), 0u);
  EXPECT_EQ(d->Find("blueberry"), std::nullopt);
  EXPECT_EQ(d->Find(""), std::nullopt);
  EXPECT_EQ(d->CodeRange("b", "d"), std::make_pair(1u, 3u));
  EXPECT_EQ(d->CodeRange("banana", "banana"), std::make_pair(1u, 1u));
  EXPECT_EQ(d->CodeRange("", "zzz"), std::make_pair(0u, 4u));
  EXPECT_EQ(d->CodeRange("e", "f"), std::make_pair(4u, 4u));
  EXPECT_EQ(d->CodeRange("d", "a"), std::make_pair(3u, 3u));  // empty when to < from
}

TEST(DictionaryTest, RejectsMalformedBytes) {
  struct Case {
    std::string raw;
    uint32_t count;
    const char* expect;
  };
  const Case cases[] = {
      {std::string("\x00\x01"
                   "b"
                   "\x00\x01"
                   "a",
                   6),
       2, "not greater"},  // descending
      {std::string("\x00\x01"
                   "a"
                   "\x00\x01"
                   "a",
                   6),
       2, "not greater"},  // duplicate
      {std::string("\x00\x01"
                   "a"
                   "\x02\x01"
                   "b",
                   6),
       2, "longer than previous"},
      {std::string("\x00\x05"
                   "ab",
                   4),
       1, "truncated"},
      {std::string("\x00\x01"
                   "a"
                   "\x00",
                   4),
       1, "trailing bytes"},
      {std::string("\x00\x01"
                   "a",
                   3),
       2, "truncated"},
  };
  for (const Case& c : cases) {
    auto d = DecodeDictionary(c.raw, c.count, "segment x: column c dictionary at offset 9");
    ASSERT_FALSE(d.ok()) << c.expect;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(d.status().message().find(c.expect), std::string::npos) << d.status();
    EXPECT_NE(d.status().message().find("segment x: column c dictionary"), std::string::npos);
  }
}

}  // namespace
}  // namespace strata::storage::segment
