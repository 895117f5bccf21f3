#include "storage/encoding/bitpack.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::storage::bitpack {
namespace {

// Independent bit-at-a-time reference for the documented layout.
std::string ReferencePack(const std::vector<uint64_t>& v, int width) {
  std::string out(PackedBytes(v.size(), width), '\0');
  size_t bit = 0;
  for (uint64_t x : v) {
    for (int b = 0; b < width; ++b, ++bit) {
      if ((x >> b) & 1) out[bit / 8] = static_cast<char>(out[bit / 8] | (1 << (bit % 8)));
    }
  }
  return out;
}

std::vector<uint64_t> RandomValues(size_t n, int width, std::mt19937_64& rng) {
  std::vector<uint64_t> v(n);
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  for (auto& x : v) x = rng() & mask;
  if (n > 0 && width > 0) v[n / 2] = mask;  // at least one value uses the full width
  return v;
}

TEST(BitWidthTest, MatchesDefinition) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
  EXPECT_EQ(PackedBytes(3, 3), 2u);
  EXPECT_EQ(PackedBytes(8, 7), 7u);
  EXPECT_EQ(PackedBytes(0, 64), 0u);
}

TEST(BitpackTest, KnownBytes) {
  // Width 3: 1, 2, 7 -> bits 001 010 111 (LSB first) = 0b1'1101'0001 -> d1 01.
  std::vector<uint64_t> v = {1, 2, 7};
  std::string out(PackedBytes(v.size(), 3), '\0');
  Pack(v.data(), v.size(), 3, out.data());
  EXPECT_EQ(out, std::string("\xd1\x01", 2));
}

// Every width, counts around the 8-value group and the tail boundaries, with no slack
// after the packed bytes (the tail path) and with plenty (the fast path).
TEST(BitpackTest, RoundTripsEveryWidthAndCount) {
  std::mt19937_64 rng(7);
  const size_t counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000};
  for (int width = 0; width <= 64; ++width) {
    for (size_t n : counts) {
      SCOPED_TRACE(testing::Message() << "width=" << width << " n=" << n);
      const std::vector<uint64_t> v = RandomValues(n, width, rng);
      const std::string expected = ReferencePack(v, width);
      std::string packed(expected.size(), '\xee');
      Pack(v.data(), n, width, packed.data());
      ASSERT_EQ(packed, expected);

      for (size_t slack : {size_t{0}, size_t{3}, size_t{200}}) {
        // A separate heap buffer of exactly the readable size, so ASan flags overreads.
        std::vector<char> in(packed.begin(), packed.end());
        in.resize(packed.size() + slack, '\xff');
        std::vector<uint64_t> out(n);
        Unpack(in.data(), in.size(), n, width, out.data());
        ASSERT_EQ(out, v) << "slack=" << slack;
      }
    }
  }
}

}  // namespace
}  // namespace strata::storage::bitpack
