#include <random>
#include <string>

#include "common/coding.h"
#include "common/crc32c.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(Crc32cTest, KnownVectors) {
  // From RFC 3720 B.4.
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62a8ab43u);
  EXPECT_EQ(crc32c::Value(std::string_view("123456789")), 0xe3069283u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::mt19937_64 rng(7);
  std::string data(1000, '\0');
  for (auto& ch : data) ch = static_cast<char>(rng());
  for (size_t split : {0ul, 1ul, 7ul, 8ul, 9ul, 500ul, 1000ul}) {
    uint32_t a = crc32c::Value(data.data(), split);
    EXPECT_EQ(crc32c::Extend(a, data.data() + split, data.size() - split), crc32c::Value(data));
  }
}

TEST(Crc32cTest, MaskRoundTrips) {
  for (uint32_t c : {0u, 1u, 0xffffffffu, 0xe3069283u})
    EXPECT_EQ(crc32c::Unmask(crc32c::Mask(c)), c);
  EXPECT_NE(crc32c::Mask(0xe3069283u), 0xe3069283u);
}

TEST(CodingTest, VarintRoundTripsExtremes) {
  std::string buf;
  const uint64_t values[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  for (uint64_t v : values) PutVarint64(&buf, v);
  const int64_t signed_values[] = {0, -1, 1, INT64_MIN, INT64_MAX};
  for (int64_t v : signed_values) PutVarsint64(&buf, v);
  Cursor c(buf);
  for (uint64_t v : values) EXPECT_EQ(c.Varint64(), v);
  for (int64_t v : signed_values) EXPECT_EQ(c.Varsint64(), v);
  EXPECT_TRUE(c.ok());
  EXPECT_TRUE(c.empty());
}

TEST(CodingTest, CursorErrorIsSticky) {
  std::string buf;
  PutFixed32(&buf, 42);
  Cursor c(buf);
  EXPECT_EQ(c.Fixed32(), 42u);
  EXPECT_EQ(c.Fixed64("footer offset"), 0u);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.Fixed8(), 0u);  // still failed
  absl::Status s = c.status("seg 7");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("footer offset at offset 4: truncated"), std::string::npos)
      << s.message();
}

TEST(CodingTest, OverlongVarintFails) {
  std::string buf(11, '\x80');
  Cursor c(buf);
  c.Varint64();
  EXPECT_FALSE(c.ok());
}

TEST(CodingTest, LengthPrefixedTruncated) {
  std::string buf;
  PutVarint64(&buf, 100);
  buf += "short";
  Cursor c(buf);
  EXPECT_TRUE(c.LengthPrefixed().empty());
  EXPECT_FALSE(c.ok());
}

}  // namespace
}  // namespace strata
