#include "query/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "query/hashing.h"

namespace strata::query {
namespace {

TEST(HyperLogLog, EmptyIsZeroAndSmallCountsAreNearlyExact) {
  HyperLogLog h;
  EXPECT_EQ(h.Estimate(), 0u);
  for (uint64_t i = 0; i < 100; ++i) {
    h.Add(Mix64(i));
    h.Add(Mix64(i));  // duplicates change nothing
  }
  EXPECT_NEAR(static_cast<double>(h.Estimate()), 100, 1);
  EXPECT_FALSE(h.dense());
}

TEST(HyperLogLog, ErrorStaysWithinTheDocumentedBound) {
  // 1.04 / sqrt(16384) = 0.81% standard error; 2.5% is about three of them.
  for (uint64_t n : {1000u, 10000u, 50000u, 200000u, 1000000u, 5000000u}) {
    HyperLogLog h;
    for (uint64_t i = 0; i < n; ++i) h.Add(Mix64(i * 0x9e3779b9ULL + n));
    double estimate = static_cast<double>(h.Estimate());
    EXPECT_NEAR(estimate, static_cast<double>(n), 0.025 * static_cast<double>(n)) << n;
  }
}

TEST(HyperLogLog, StringHashesEstimateToo) {
  HyperLogLog h;
  for (int i = 0; i < 300000; ++i) h.Add(HashString("client-" + std::to_string(i)));
  EXPECT_NEAR(static_cast<double>(h.Estimate()), 300000, 0.025 * 300000);
}

TEST(HyperLogLog, MergeEqualsOneSketchOfTheUnion) {
  // Sparse + sparse, sparse + dense, dense + dense: always register-wise maximum.
  for (uint64_t split : {50u, 3000u, 100000u}) {
    HyperLogLog all, left, right;
    for (uint64_t i = 0; i < 200000; ++i) {
      uint64_t hash = Mix64(i % (2 * split + 7));
      all.Add(hash);
      (i % 3 == 0 ? left : right).Add(hash);
    }
    HyperLogLog small;
    for (uint64_t i = 0; i < split; ++i) small.Add(Mix64(1'000'000 + i));
    all.Merge(small);
    left.Merge(small);
    left.Merge(right);
    EXPECT_EQ(left.Estimate(), all.Estimate()) << split;
  }
  HyperLogLog empty, one;
  one.Add(Mix64(42));
  empty.Merge(one);
  EXPECT_EQ(empty.Estimate(), 1u);
}

TEST(HyperLogLog, SparseStaysSmallAndDenseIsBounded) {
  HyperLogLog small;
  for (uint64_t i = 0; i < 500; ++i) small.Add(Mix64(i));
  EXPECT_LT(small.MemoryBytes(), 8u * 1024);
  HyperLogLog big;
  for (uint64_t i = 0; i < 100000; ++i) big.Add(Mix64(i));
  EXPECT_TRUE(big.dense());
  EXPECT_LE(big.MemoryBytes(), 2 * HyperLogLog::kRegisters);
}

TEST(Hashing, CanonicalFormsAndOrders) {
  EXPECT_EQ(CanonicalDoubleBits(0.0), CanonicalDoubleBits(-0.0));
  EXPECT_EQ(CanonicalDoubleBits(std::nan("1")), CanonicalDoubleBits(-std::nan("2")));
  EXPECT_NE(CanonicalDoubleBits(1.0), CanonicalDoubleBits(-1.0));
  EXPECT_EQ(IntervalTotalMicros(Interval{1, 0, 0}), IntervalTotalMicros(Interval{0, 30, 0}));
  EXPECT_GT(CompareDoubles(std::nan(""), INFINITY), 0);
  EXPECT_EQ(CompareDoubles(-0.0, 0.0), 0);
  EXPECT_LT(CompareStrings("z", "\xc3\xa9"), 0);
  EXPECT_EQ(HashString("abc"), HashBytes("abc", 3));
  EXPECT_NE(HashString("abc"), HashString("abd"));
  EXPECT_NE(HashString(""), HashString(std::string(1, '\0')));
  EXPECT_NE(HashString("0123456789abcdefX"), HashString("0123456789abcdefY"));
}

}  // namespace
}  // namespace strata::query
