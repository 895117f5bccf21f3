#include <functional>

#include "gtest/gtest.h"
#include "storage/segment.h"
#include "storage/segment/segment_test_util.h"

namespace strata::storage {
namespace {

using segment_test::DoubleColumn;
using segment_test::IntColumn;
using segment_test::ScopedTempDir;
using segment_test::StringColumn;

// merchant, ts, value (double), tag (string): four valid rows.
std::vector<ColumnInput> ValidTable() {
  std::vector<ColumnInput> t{IntColumn("merchant"), IntColumn("ts"), DoubleColumn("value"),
                             StringColumn("tag", true, {"a", "b"})};
  t[0].ints = {1, 1, 2, 2};
  t[1].ints = {10, 20, 5, 5};
  t[2].doubles = {1, 2, 3, 4};
  t[3].codes = {0, 1, 1, 0};
  return t;
}

struct RejectCase {
  const char* name;
  std::function<void(std::vector<ColumnInput>&, SegmentWriterOptions&)> mutate;
  const char* message;  // a substring of the error
};

TEST(SegmentWriterTest, RejectsBadInputWithInvalidArgument) {
  const RejectCase cases[] = {
      {"no columns", [](auto& t, auto&) { t.clear(); }, "no columns"},
      {"no rows",
       [](auto& t, auto&) {
         for (auto& c : t) c.ints.clear(), c.doubles.clear(), c.codes.clear();
       },
       "no rows"},
      {"length mismatch", [](auto& t, auto&) { t[2].doubles.pop_back(); }, "has 3 values"},
      {"string length mismatch", [](auto& t, auto&) { t[3].codes.push_back(0); }, "has 5 values"},
      {"wrong vector",
       [](auto& t, auto&) {
         t[2].ints = {1, 2, 3, 4};
       },
       "another type"},
      {"dict on int column", [](auto& t, auto&) { t[0].dict = {"x"}; }, "another type"},
      {"unsorted keys",
       [](auto& t, auto&) {
         t[0].ints = {2, 2, 1, 1};
       },
       "not sorted"},
      {"unsorted time",
       [](auto& t, auto&) {
         t[1].ints = {20, 10, 5, 5};
       },
       "not sorted by (key, time) at row 1"},
      {"bad code", [](auto& t, auto&) { t[3].codes[2] = 2; }, "row 2: code 2 is outside"},
      {"negative key",
       [](auto& t, auto&) {
         t[0].ints = {-1, -1, 2, 2};
       },
       "does not fit in u32"},
      {"huge key",
       [](auto& t, auto&) {
         t[0].ints = {1, 1, 1LL << 32, 1LL << 32};
       },
       "does not fit in u32"},
      {"duplicate name", [](auto& t, auto&) { t[2].schema.name = "ts"; }, "repeated"},
      {"empty name", [](auto& t, auto&) { t[2].schema.name = ""; }, "empty"},
      {"indexed double", [](auto& t, auto&) { t[2].schema.indexed = true; }, "indexed"},
      {"key column is double", [](auto&, auto& o) { o.key_column = 2; }, "not an int64"},
      {"time column out of range", [](auto&, auto& o) { o.time_column = 9; }, "not an int64"},
      {"key equals time", [](auto&, auto& o) { o.time_column = 0; }, "same column"},
      {"zero rows per block", [](auto&, auto& o) { o.rows_per_block = 0; }, "rows_per_block"},
  };
  ScopedTempDir dir;
  {
    SegmentWriterOptions opt;
    ASSERT_TRUE(WriteSegment(dir.File("ok.seg"), opt, ValidTable()).ok());
  }
  for (const RejectCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto table = ValidTable();
    SegmentWriterOptions opt;
    c.mutate(table, opt);
    std::string path = dir.File("bad.seg");
    auto s = WriteSegment(path, opt, table);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << s.status();
    EXPECT_NE(s.status().message().find(c.message), std::string::npos) << s.status();
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  }
}

TEST(SegmentWriterTest, IoErrorLeavesNoFile) {
  ScopedTempDir dir;
  std::string path = dir.File("missing-dir/1.seg");
  auto s = WriteSegment(path, SegmentWriterOptions{}, ValidTable());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SegmentWriterTest, DictionaryIsSortedDedupedAndOnlyUsedValues) {
  ScopedTempDir dir;
  std::vector<ColumnInput> t{IntColumn("m"), IntColumn("ts"),
                             StringColumn("s", true, {"zeta", "alpha", "zeta", "unused", ""})};
  t[0].ints = {1, 1, 1, 1, 1};
  t[1].ints = {1, 2, 3, 4, 5};
  t[2].codes = {0, 2, 1, 4, 0};  // two codes for "zeta"
  ASSERT_TRUE(WriteSegment(dir.File("d.seg"), SegmentWriterOptions{}, t).ok());
  auto r = SegmentReader::Open(dir.File("d.seg"));
  ASSERT_TRUE(r.ok()) << r.status();
  const Dictionary* d = *(*r)->GetDictionary(2);
  ASSERT_EQ(d->size(), 3u);
  EXPECT_EQ(d->value(0), "");
  EXPECT_EQ(d->value(1), "alpha");
  EXPECT_EQ(d->value(2), "zeta");
  std::vector<int64_t> codes;
  ASSERT_TRUE((*r)->ReadInts(2, 0, &codes).ok());
  EXPECT_EQ(codes, (std::vector<int64_t>{2, 2, 1, 0, 2}));
  EXPECT_EQ((*r)->IndexBitmap(2, 2)->toString(), "{0,1,4}");
  EXPECT_EQ((*r)->columns()[2].blocks[0].min_int, 0);
  EXPECT_EQ((*r)->columns()[2].blocks[0].max_int, 2);
}

TEST(SegmentWriterTest, AllNanBlockHasNanMinMax) {
  ScopedTempDir dir;
  std::vector<ColumnInput> t{IntColumn("m"), IntColumn("ts"), DoubleColumn("d")};
  t[0].ints = {1, 1, 1};
  t[1].ints = {1, 2, 3};
  t[2].doubles = {NAN, NAN, 7.5};
  SegmentWriterOptions opt;
  opt.rows_per_block = 2;
  ASSERT_TRUE(WriteSegment(dir.File("n.seg"), opt, t).ok());
  auto r = SegmentReader::Open(dir.File("n.seg"));
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& blocks = (*r)->columns()[2].blocks;
  EXPECT_TRUE(std::isnan(blocks[0].min_double) && std::isnan(blocks[0].max_double));
  EXPECT_EQ(blocks[1].min_double, 7.5);
  EXPECT_EQ(blocks[1].max_double, 7.5);
  EXPECT_TRUE((*r)->VerifyAll().ok());
}

}  // namespace
}  // namespace strata::storage
