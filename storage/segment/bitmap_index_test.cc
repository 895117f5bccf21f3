#include "storage/segment/bitmap_index.h"

#include <random>

#include "common/coding.h"
#include "gtest/gtest.h"

namespace strata::storage::segment {
namespace {

TEST(BitmapIndexTest, RoundTripMatchesBruteForce) {
  std::mt19937 rng(5);
  std::vector<uint32_t> codes(10000);
  for (size_t i = 0; i < codes.size(); ++i) {
    codes[i] = i < 5000 ? 0 : static_cast<uint32_t>(1 + rng() % 4);  // a long run, then mixed
  }
  std::string raw;
  std::vector<uint32_t> scratch;
  EncodeBitmapIndex(codes, 5, &scratch, &raw);
  auto index = DecodeBitmapIndex(raw, 5, codes.size(), "idx");
  ASSERT_TRUE(index.ok()) << index.status();
  ASSERT_EQ(index->size(), 5u);
  for (uint32_t code = 0; code < 5; ++code) {
    strata::Bitmap want;
    for (uint32_t row = 0; row < codes.size(); ++row) {
      if (codes[row] == code) want.add(row);
    }
    EXPECT_TRUE((*index)[code] == want) << code;
  }
  // The run of 5000 rows is run-optimized: a handful of bytes, not 5000 entries.
  EXPECT_LT(DecodeFixed32(raw.data()), 64u);
}

TEST(BitmapIndexTest, GarbageIsDataLossNotACrash) {
  std::vector<uint32_t> codes{0, 1, 1, 0, 2};
  std::string raw;
  std::vector<uint32_t> scratch;
  EncodeBitmapIndex(codes, 3, &scratch, &raw);
  ASSERT_TRUE(DecodeBitmapIndex(raw, 3, 5, "idx").ok());
  std::mt19937 rng(9);
  int failures = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string bad = raw;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    if (rng() % 8 == 0) bad.resize(rng() % bad.size());
    auto index = DecodeBitmapIndex(bad, 3, 5, "idx");
    if (!index.ok()) {
      EXPECT_EQ(index.status().code(), absl::StatusCode::kDataLoss) << index.status();
      ++failures;
    }
  }
  EXPECT_GT(failures, 10000);
  EXPECT_EQ(DecodeBitmapIndex(raw, 3, 4, "idx").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeBitmapIndex(raw, 4, 5, "idx").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::storage::segment
