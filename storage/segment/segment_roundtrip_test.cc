#include <thread>

#include "gtest/gtest.h"
#include "storage/segment.h"
#include "storage/segment/segment_test_util.h"

namespace strata::storage {
namespace {

using segment_test::DoubleColumn;
using segment_test::ExpectSegmentMatches;
using segment_test::IntColumn;
using segment_test::RandomTable;
using segment_test::ScopedTempDir;
using segment_test::StringColumn;

struct RoundTripCase {
  size_t rows;
  uint32_t rows_per_block;
  int merchants;
  Compression compression;
};

class SegmentRoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(SegmentRoundTripTest, EveryValueReadsBackEqual) {
  const RoundTripCase& tc = GetParam();
  ScopedTempDir dir;
  auto table =
      RandomTable(static_cast<uint32_t>(tc.rows * 31 + tc.rows_per_block), tc.rows, tc.merchants);
  SegmentWriterOptions opt;
  opt.rows_per_block = tc.rows_per_block;
  opt.compression = tc.compression;
  std::string path = dir.File("1.seg");
  auto summary = WriteSegment(path, opt, table);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rows, tc.rows);
  EXPECT_EQ(summary->min_ts, *std::min_element(table[1].ints.begin(), table[1].ints.end()));
  EXPECT_EQ(summary->max_ts, *std::max_element(table[1].ints.begin(), table[1].ints.end()));
  EXPECT_EQ(summary->file_size, std::filesystem::file_size(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  auto reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->file_size(), summary->file_size);
  ExpectSegmentMatches(**reader, table, opt);

  uint64_t stored = 0;
  for (const ColumnInfo& c : (*reader)->columns()) stored += c.stored_bytes;
  EXPECT_LT(stored, summary->file_size);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SegmentRoundTripTest,
    ::testing::Values(RoundTripCase{1, 64, 1, Compression::kLz4},
                      RoundTripCase{64, 64, 3, Compression::kLz4},   // exactly one block
                      RoundTripCase{65, 64, 3, Compression::kZstd},  // one row spills over
                      RoundTripCase{128, 64, 2, Compression::kNone},
                      RoundTripCase{5000, 256, 17, Compression::kLz4},
                      RoundTripCase{5000, 256, 17, Compression::kZstd},
                      RoundTripCase{20000, 8192, 40, Compression::kZstd},
                      RoundTripCase{3001, 1000, 1, Compression::kNone}),
    [](const auto& param_info) {
      return "rows" + std::to_string(param_info.param.rows) + "_rpb" +
             std::to_string(param_info.param.rows_per_block) + "_" +
             CompressionName(param_info.param.compression);
    });

TEST(SegmentReaderTest, LookupsByNameKeyAndType) {
  ScopedTempDir dir;
  auto table = RandomTable(7, 300, 5);
  SegmentWriterOptions opt;
  opt.rows_per_block = 100;
  ASSERT_TRUE(WriteSegment(dir.File("s.seg"), opt, table).ok());
  auto r = SegmentReader::Open(dir.File("s.seg"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->FindColumn("country"), 4);
  EXPECT_EQ((*r)->FindColumn("nope"), -1);
  EXPECT_EQ((*r)->FindKey(1), nullptr);  // keys are 3 + 7k
  EXPECT_EQ((*r)->FindKey(0xffffffff), nullptr);
  EXPECT_STREQ(ColumnTypeName(ColumnType::kInt64), "int64");
  EXPECT_STREQ(ColumnTypeName(ColumnType::kDouble), "double");
  EXPECT_STREQ(ColumnTypeName(ColumnType::kString), "string");

  std::vector<int64_t> ints;
  std::vector<double> doubles;
  EXPECT_EQ((*r)->ReadInts(3, 0, &ints).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->ReadDoubles(0, 0, &doubles).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->ReadInts(0, 3, &ints).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->ReadInts(99, 0, &ints).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->ReadInts(-1, 0, &ints).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->GetDictionary(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->IndexBitmap(4, 1000).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SegmentReaderTest, OpenMissingFileIsNotFound) {
  ScopedTempDir dir;
  EXPECT_EQ(SegmentReader::Open(dir.File("none.seg")).status().code(), absl::StatusCode::kNotFound);
}

TEST(SegmentReaderTest, ConcurrentLazyLoadsAgree) {
  ScopedTempDir dir;
  auto table = RandomTable(11, 4000, 9);
  SegmentWriterOptions opt;
  opt.rows_per_block = 512;
  ASSERT_TRUE(WriteSegment(dir.File("s.seg"), opt, table).ok());
  auto r = SegmentReader::Open(dir.File("s.seg"));
  ASSERT_TRUE(r.ok()) << r.status();
  const SegmentReader& reader = **r;
  std::vector<const Dictionary*> dicts(8);
  std::vector<uint64_t> cards(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      dicts[t] = *reader.GetDictionary(6);
      cards[t] = reader.IndexBitmap(4, 0)->cardinality();
      std::vector<int64_t> ints;
      for (size_t b = 0; b < reader.columns()[1].blocks.size(); ++b) {
        EXPECT_TRUE(reader.ReadInts(1, b, &ints).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 8; ++t) {
    EXPECT_EQ(dicts[t], dicts[0]);
    EXPECT_EQ(cards[t], cards[0]);
  }
}

// Constant and sorted columns compress well: the writer must pick a non-plain encoding
// and a compressed block must be smaller than its raw bytes.
TEST(SegmentWriterTest, BlocksUseCompactEncodings) {
  ScopedTempDir dir;
  std::vector<ColumnInput> t{IntColumn("k"), IntColumn("t"), DoubleColumn("d"),
                             StringColumn("s", true, {"only"})};
  for (int i = 0; i < 4096; ++i) {
    t[0].ints.push_back(1);
    t[1].ints.push_back(1000 + i * 10);
    t[2].doubles.push_back(1.5);
    t[3].codes.push_back(0);
  }
  SegmentWriterOptions opt;
  opt.rows_per_block = 4096;
  ASSERT_TRUE(WriteSegment(dir.File("c.seg"), opt, t).ok());
  auto r = SegmentReader::Open(dir.File("c.seg"));
  ASSERT_TRUE(r.ok()) << r.status();
  for (const ColumnInfo& c : (*r)->columns()) {
    EXPECT_LT(c.blocks[0].raw_size, 4096u * 8 / 4) << c.schema.name;
    EXPECT_LE(c.blocks[0].stored_size, c.blocks[0].raw_size) << c.schema.name;
  }
  EXPECT_EQ((*r)->IndexBitmap(3, 0)->cardinality(), 4096u);
  EXPECT_TRUE((*r)->VerifyAll().ok());
}

}  // namespace
}  // namespace strata::storage
