// Block compression: round trips for every codec on empty, small, compressible and
// incompressible blocks; wrong raw sizes, truncations and garbage give DataLoss.
#include "storage/encoding/compression.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace strata::storage {
namespace {

constexpr Compression kAll[] = {Compression::kNone, Compression::kLz4, Compression::kZstd};

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Compressible(size_t n) {
  std::string s;
  while (s.size() < n) s += "merchant=42&page=/checkout&event=purchase;";
  s.resize(n);
  return s;
}

std::vector<std::string> Inputs() {
  return {"", "a", Compressible(100), Compressible(1 << 20), RandomBytes(70000, 1)};
}

class CompressionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionTest, RoundTrips) {
  for (const std::string& in : Inputs()) {
    SCOPED_TRACE(in.size());
    std::string compressed = "hdr";  // Compress appends
    Compress(GetParam(), in, 3, &compressed);
    ASSERT_EQ(compressed.substr(0, 3), "hdr");
    std::string out = "stale contents";
    ASSERT_TRUE(
        Decompress(GetParam(), std::string_view(compressed).substr(3), in.size(), &out).ok());
    EXPECT_EQ(out, in);
  }
}

TEST_P(CompressionTest, WrongRawSizeIsDataLoss) {
  const std::string in = Compressible(5000);
  std::string compressed;
  Compress(GetParam(), in, 3, &compressed);
  std::string out;
  for (size_t raw : {in.size() - 1, in.size() + 1, size_t{0}}) {
    const absl::Status s = Decompress(GetParam(), compressed, raw, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << raw << " " << s;
  }
}

TEST_P(CompressionTest, TruncationIsDataLoss) {
  const std::string in = Compressible(5000) + RandomBytes(3000, 2);
  std::string compressed;
  Compress(GetParam(), in, 3, &compressed);
  std::string out;
  for (size_t len = 0; len < compressed.size(); len += 1 + len / 4) {
    const absl::Status s = Decompress(GetParam(), compressed.substr(0, len), in.size(), &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << len << " " << s;
  }
}

TEST_P(CompressionTest, GarbageNeverCrashes) {
  // Neither LZ4 blocks nor these zstd frames carry a checksum, so a corrupted block may
  // decode to the right size with wrong bytes (the segment's CRC catches that); what
  // must hold is: DataLoss or exactly raw_size bytes, never an out-of-bounds access.
  std::mt19937_64 rng(5);
  const std::string in = Compressible(4000);
  std::string compressed;
  Compress(GetParam(), in, 3, &compressed);
  std::string out;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string bad = iter % 2 ? RandomBytes(rng() % 300, rng()) : compressed;
    if (iter % 2 == 0) bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    const size_t raw = iter % 3 == 0 ? in.size() : rng() % 5000;
    const absl::Status s = Decompress(GetParam(), bad, raw, &out);
    if (s.ok()) {
      ASSERT_EQ(out.size(), raw);
    } else {
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCompressions, CompressionTest, ::testing::ValuesIn(kAll),
                         [](const ::testing::TestParamInfo<Compression>& param_info) {
                           return std::string(CompressionName(param_info.param));
                         });

TEST(CompressionTest, CompressesRedundantData) {
  const std::string in = Compressible(1 << 16);
  for (Compression c : {Compression::kLz4, Compression::kZstd}) {
    std::string compressed;
    Compress(c, in, 3, &compressed);
    EXPECT_LT(compressed.size(), in.size() / 20) << CompressionName(c);
  }
}

TEST(CompressionTest, ErrorMessages) {
  std::string out;
  absl::Status s = Decompress(Compression::kNone, "abc", 4, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "uncompressed block: 3 bytes, expected 4");

  s = Decompress(Compression::kZstd, "not a zstd frame", 10, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "zstd block: Unknown frame descriptor");

  std::string lz4;
  Compress(Compression::kLz4, "hello hello hello hello", 0, &lz4);
  s = Decompress(Compression::kLz4, lz4, 30, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "lz4 block: decompressed to 23 bytes, expected 30");

  s = Decompress(static_cast<Compression>(9), "", 0, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "unknown compression id 9");
}

TEST(CompressionTest, Names) {
  EXPECT_STREQ(CompressionName(Compression::kNone), "none");
  EXPECT_STREQ(CompressionName(Compression::kLz4), "lz4");
  EXPECT_STREQ(CompressionName(Compression::kZstd), "zstd");
}

TEST(CompressionTest, ThreadsUseTheirOwnZstdContexts) {
  std::vector<std::thread> threads;
  std::vector<bool> ok(4, false);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      bool all = true;
      for (int i = 0; i < 50; ++i) {
        const std::string in = Compressible(1000 + static_cast<size_t>(t * 100 + i));
        std::string compressed, out;
        Compress(Compression::kZstd, in, 1 + i % 5, &compressed);
        all = all && Decompress(Compression::kZstd, compressed, in.size(), &out).ok() && out == in;
      }
      ok[static_cast<size_t>(t)] = all;
    });
  }
  for (auto& th : threads) th.join();
  for (bool b : ok) EXPECT_TRUE(b);
}

}  // namespace
}  // namespace strata::storage
