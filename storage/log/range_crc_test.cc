#include "storage/log/range_crc.h"

#include <random>
#include <string>

#include "common/crc32c.h"
#include "gtest/gtest.h"

namespace strata::storage::log_internal {
namespace {

TEST(RangeCrcTest, MatchesDirectCrcOnEveryKindOfRange) {
  std::mt19937_64 rng(7);
  std::string data(5000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  RangeCrc crcs(data);
  for (int i = 0; i < 20000; ++i) {
    size_t a = rng() % (data.size() + 1);
    size_t b = rng() % (data.size() + 1);
    if (a > b) std::swap(a, b);
    ASSERT_EQ(crcs.Value(a, b), crc32c::Value(data.data() + a, b - a)) << a << ".." << b;
  }
  // Stride boundaries, empty ranges and the whole buffer.
  for (size_t a : {size_t{0}, size_t{63}, size_t{64}, size_t{65}, size_t{4999}, size_t{5000}}) {
    for (size_t b = a; b <= data.size(); b += 397) {
      EXPECT_EQ(crcs.Value(a, b), crc32c::Value(data.data() + a, b - a));
    }
  }
  EXPECT_EQ(crcs.Value(0, data.size()), crc32c::Value(data));
}

TEST(RangeCrcTest, ShiftAppendsZeroBytes) {
  // crc(M || 0^n) = shift(crc(M), n) xor crc(0^n).
  std::string m = "strata record log";
  for (size_t n : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{70001}}) {
    std::string zeros(n, '\0');
    EXPECT_EQ(crc32c::Value(m + zeros), ShiftCrc(crc32c::Value(m), n) ^ crc32c::Value(zeros));
  }
}

}  // namespace
}  // namespace strata::storage::log_internal
