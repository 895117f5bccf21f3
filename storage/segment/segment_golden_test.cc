// Format compatibility: the writer must produce tests/testdata/format/v1/golden.seg byte
// for byte, and the reader must read it back. Regenerate (only for a deliberate format or
// codec change, which then needs a new format version) with
//   STRATA_UPDATE_GOLDEN=1 build/tests/storage_segment_test --gtest_filter='SegmentGolden*'
#include <cstdlib>
#include <fstream>

#include "gtest/gtest.h"
#include "storage/segment.h"
#include "storage/segment/segment_test_util.h"

namespace strata::storage {
namespace {

using segment_test::DoubleColumn;
using segment_test::IntColumn;
using segment_test::ScopedTempDir;
using segment_test::StringColumn;

// The source tree, compiled in by strata_add_test (cmake/StrataHelpers.cmake).
std::string SourceDir() { return STRATA_SOURCE_DIR; }

std::string GoldenPath() { return SourceDir() + "/tests/testdata/format/v1/golden.seg"; }

// 3 merchants, 40 rows, every column type, an indexed and a plain string column, NaN and
// negative doubles, an empty string. Pure arithmetic: no RNG, no clock.
std::vector<ColumnInput> GoldenTable() {
  std::vector<ColumnInput> t{IntColumn("merchant"),
                             IntColumn("ts"),
                             IntColumn("session"),
                             DoubleColumn("revenue"),
                             StringColumn("country", true, {"US", "DE", "FR", "JP"}),
                             StringColumn("path", false, {"/", "", "/cart", "/product/7"})};
  const int64_t merchants[] = {5, 17, 42};
  const int rows_per_merchant[] = {14, 11, 15};
  for (int m = 0; m < 3; ++m) {
    for (int i = 0; i < rows_per_merchant[m]; ++i) {
      int64_t row = static_cast<int64_t>(t[0].ints.size());
      t[0].ints.push_back(merchants[m]);
      t[1].ints.push_back(1'700'000'000'000'000 + m * 1000 + i * 1'000'000 + (i * i) % 7);
      t[2].ints.push_back(1000 + m * 100 + i / 3);
      t[3].doubles.push_back(row % 9 == 4 ? NAN : (row % 5 == 0 ? -1.25 : row * 0.5));
      t[4].codes.push_back(static_cast<uint32_t>((row * 7 + m) % 4));
      t[5].codes.push_back(static_cast<uint32_t>(row % 4 == 1 ? 1 : (row / 2) % 4));
    }
  }
  return t;
}

SegmentWriterOptions GoldenOptions() {
  SegmentWriterOptions opt;
  opt.rows_per_block = 16;
  opt.compression = Compression::kLz4;
  return opt;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SegmentGoldenTest, WriterProducesGoldenBytes) {
  ScopedTempDir dir;
  std::string path = dir.File("golden.seg");
  ASSERT_TRUE(WriteSegment(path, GoldenOptions(), GoldenTable()).ok());
  std::string written = ReadAll(path);
  if (const char* update = std::getenv("STRATA_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream out(GoldenPath(), std::ios::binary | std::ios::trunc);
    out.write(written.data(), static_cast<std::streamsize>(written.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << GoldenPath();
    GTEST_SKIP() << "rewrote " << GoldenPath();
  }
  std::string golden = ReadAll(GoldenPath());
  ASSERT_FALSE(golden.empty()) << "missing " << GoldenPath();
  ASSERT_EQ(written.size(), golden.size());
  for (size_t i = 0; i < golden.size(); ++i) {
    ASSERT_EQ(written[i], golden[i]) << "first difference at offset " << i;
  }
}

TEST(SegmentGoldenTest, ReaderReadsGoldenFile) {
  auto r = SegmentReader::Open(GoldenPath());
  ASSERT_TRUE(r.ok()) << r.status();
  const SegmentReader& reader = **r;
  // Literal facts about the fixture, independent of the generator above.
  EXPECT_EQ(reader.row_count(), 40u);
  EXPECT_EQ(reader.rows_per_block(), 16u);
  ASSERT_EQ(reader.keys().size(), 3u);
  EXPECT_EQ(reader.keys()[0].key, 5u);
  EXPECT_EQ(reader.keys()[1].key, 17u);
  EXPECT_EQ(reader.keys()[1].row_begin, 14u);
  EXPECT_EQ(reader.keys()[2].key, 42u);
  EXPECT_EQ(reader.keys()[2].row_count, 15u);
  EXPECT_EQ(reader.min_ts(), 1'700'000'000'000'000);
  EXPECT_EQ(reader.max_ts(), 1'700'000'000'002'000 + 14 * 1'000'000 + 0);
  ASSERT_EQ(reader.columns().size(), 6u);
  EXPECT_EQ(reader.columns()[0].blocks.size(), 3u);
  EXPECT_EQ((*reader.GetDictionary(5))->value(0), "");
  segment_test::ExpectSegmentMatches(reader, GoldenTable(), GoldenOptions());
}

}  // namespace
}  // namespace strata::storage
