#include "query/sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "query/chunk_test_util.h"
#include "query/error.h"

namespace strata::query {
namespace {

using testing::B;
using testing::Column;
using testing::F;
using testing::I;
using testing::Iv;
using testing::MakeChunk;
using testing::N;
using testing::S;
using testing::T;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::vector<Value>> SortRows(std::vector<SortKey> keys, int64_t limit,
                                         std::vector<Chunk> chunks,
                                         std::vector<Chunk>* raw = nullptr) {
  Sorter sorter(std::move(keys), limit, nullptr);
  for (Chunk& c : chunks) EXPECT_TRUE(sorter.Add(std::move(c)).ok());
  std::vector<Chunk> out;
  absl::Status status = sorter.Finish(&out);
  EXPECT_TRUE(status.ok()) << status;
  for (const Chunk& c : out) EXPECT_LE(c.rows, kChunkRows);
  auto rows = testing::Rows(out);
  if (raw != nullptr) *raw = std::move(out);
  return rows;
}

std::vector<Value> FirstColumn(const std::vector<std::vector<Value>>& rows) {
  std::vector<Value> out;
  for (const auto& r : rows) out.push_back(r[0]);
  return out;
}

TEST(Sorter, NullPlacementAndDirection) {
  const std::vector<Value> input = {I(3), N(Type::kInt64), I(1), I(2), N(Type::kInt64)};
  struct Case {
    bool desc, nulls_first;
    std::vector<Value> expected;
  };
  const Value null = N(Type::kInt64);
  std::vector<Case> cases = {
      {false, false, {I(1), I(2), I(3), null, null}},
      {false, true, {null, null, I(1), I(2), I(3)}},
      {true, true, {null, null, I(3), I(2), I(1)}},
      {true, false, {I(3), I(2), I(1), null, null}},
  };
  for (const Case& c : cases) {
    for (int64_t limit : {int64_t{-1}, int64_t{3}, int64_t{10}}) {
      auto rows = SortRows({SortKey{0, c.desc, c.nulls_first}}, limit,
                           {MakeChunk({Column(Type::kInt64, input)})});
      std::vector<Value> expected = c.expected;
      if (limit >= 0 && expected.size() > static_cast<size_t>(limit)) expected.resize(limit);
      EXPECT_EQ(FirstColumn(rows), expected) << c.desc << c.nulls_first << " limit " << limit;
    }
  }
}

TEST(Sorter, DoublesPutNaNAboveInfinityAndKeepZerosStable) {
  const std::vector<Value> input = {F(1), F(kNaN), F(-kInf), F(kInf), F(-0.0), F(0.0), F(-1)};
  for (int64_t limit : {int64_t{-1}, int64_t{7}}) {
    auto rows =
        SortRows({SortKey{0, false, false}}, limit, {MakeChunk({Column(Type::kFloat64, input)})});
    auto values = FirstColumn(rows);
    ASSERT_EQ(values.size(), 7u);
    EXPECT_EQ(values[0], F(-kInf));
    EXPECT_EQ(values[1], F(-1));
    EXPECT_TRUE(std::signbit(values[2].f));  // -0 first: equal to 0, earlier in the input
    EXPECT_EQ(values[3].f, 0.0);
    EXPECT_FALSE(std::signbit(values[3].f));
    EXPECT_EQ(values[4], F(1));
    EXPECT_EQ(values[5], F(kInf));
    EXPECT_TRUE(std::isnan(values[6].f));
  }
}

TEST(Sorter, StringsCompareByteWiseBeyondThePrefix) {
  const std::vector<Value> input = {S("abcdefghZ"),
                                    S("abcdefghA"),
                                    S("abcdefgh"),
                                    S("\xc3\xa9"),
                                    S("z"),
                                    S(""),
                                    S(std::string("abcdefgh\x01", 9)),
                                    S(std::string("a\0", 2)),
                                    S("a")};
  const std::vector<Value> expected = {S(""),
                                       S("a"),
                                       S(std::string("a\0", 2)),
                                       S("abcdefgh"),
                                       S(std::string("abcdefgh\x01", 9)),
                                       S("abcdefghA"),
                                       S("abcdefghZ"),
                                       S("z"),
                                       S("\xc3\xa9")};
  for (int64_t limit : {int64_t{-1}, int64_t{100}}) {
    auto rows =
        SortRows({SortKey{0, false, false}}, limit, {MakeChunk({Column(Type::kString, input)})});
    EXPECT_EQ(FirstColumn(rows), expected);
  }
}

TEST(Sorter, IntervalsByTotalLength) {
  auto rows = SortRows({SortKey{0, true, false}}, -1,
                       {MakeChunk({Column(Type::kInterval, {Iv(0, 29, 0), Iv(1, 0, 0), Iv(0, 31, 0),
                                                            Iv(-1, 0, 5)})})});
  EXPECT_EQ(FirstColumn(rows),
            (std::vector<Value>{Iv(0, 31, 0), Iv(1, 0, 0), Iv(0, 29, 0), Iv(-1, 0, 5)}));
}

// An independent reference: PostgreSQL order on Values.
int ReferenceCompare(const Value& a, const Value& b, const SortKey& key) {
  if (a.null || b.null) {
    if (a.null && b.null) return 0;
    return a.null == key.nulls_first ? -1 : 1;
  }
  int c = 0;
  switch (a.type) {
    case Type::kFloat64:
      if (std::isnan(a.f) || std::isnan(b.f)) {
        c = std::isnan(a.f) - std::isnan(b.f);
      } else {
        c = (a.f > b.f) - (a.f < b.f);
      }
      break;
    case Type::kString:
      c = a.s.compare(b.s);
      c = (c > 0) - (c < 0);
      break;
    case Type::kInterval: {
      long double ta = (static_cast<long double>(a.iv.months) * 30 + a.iv.days) * 86400e6L +
                       static_cast<long double>(a.iv.micros);
      long double tb = (static_cast<long double>(b.iv.months) * 30 + b.iv.days) * 86400e6L +
                       static_cast<long double>(b.iv.micros);
      c = (ta > tb) - (ta < tb);
      break;
    }
    default:
      c = (a.i > b.i) - (a.i < b.i);
      break;
  }
  return key.desc ? -c : c;
}

Chunk RandomChunk(std::mt19937_64& rng, size_t rows, int64_t* next_id) {
  static const std::vector<std::string> kStrings = {"",
                                                    "a",
                                                    "https://shop.example/products/1",
                                                    "https://shop.example/products/10",
                                                    "https://shop.example/products/2",
                                                    "https://shop.example/",
                                                    "zeta",
                                                    "\xc3\xa9t\xc3\xa9"};
  std::vector<Value> ints, strings, doubles, intervals, bools, stamps, ids;
  for (size_t r = 0; r < rows; ++r) {
    bool null = rng() % 8 == 0;
    ints.push_back(null ? N(Type::kInt64) : I(static_cast<int64_t>(rng() % 7) - 3));
    strings.push_back(rng() % 9 == 0 ? N(Type::kString) : S(kStrings[rng() % kStrings.size()]));
    double d = static_cast<double>(rng() % 5) - 2;
    if (rng() % 10 == 0) d = kNaN;
    if (rng() % 10 == 0) d = -0.0;
    doubles.push_back(rng() % 10 == 0 ? N(Type::kFloat64) : F(d));
    intervals.push_back(Iv(static_cast<int32_t>(rng() % 2), static_cast<int32_t>(rng() % 40), 0));
    bools.push_back(rng() % 5 == 0 ? N(Type::kBool) : B(rng() % 2 == 0));
    stamps.push_back(T(static_cast<int64_t>(rng() % 4) * 1'000'000));
    ids.push_back(I((*next_id)++));
  }
  return MakeChunk({Column(Type::kInt64, ints), Column(Type::kString, strings),
                    Column(Type::kFloat64, doubles), Column(Type::kInterval, intervals),
                    Column(Type::kBool, bools), Column(Type::kTimestamp, stamps),
                    Column(Type::kInt64, ids)});
}

TEST(Sorter, MatchesAStableReferenceSortWithAndWithoutLimit) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    int64_t next_id = 0;
    std::vector<Chunk> chunks;
    int chunk_count = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < chunk_count; ++i)
      chunks.push_back(RandomChunk(rng, rng() % 1500, &next_id));
    std::vector<SortKey> keys;
    int key_count = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < key_count; ++k) {
      keys.push_back(SortKey{static_cast<int>(rng() % 6), rng() % 2 == 0, rng() % 2 == 0});
    }
    auto all_rows = testing::Rows(chunks);
    std::stable_sort(all_rows.begin(), all_rows.end(),
                     [&](const std::vector<Value>& a, const std::vector<Value>& b) {
                       for (const SortKey& key : keys) {
                         int c = ReferenceCompare(a[key.column], b[key.column], key);
                         if (c != 0) return c < 0;
                       }
                       return false;
                     });
    for (int64_t limit :
         {int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{7}, int64_t{500}, next_id + 10}) {
      auto rows = SortRows(keys, limit, chunks);
      size_t expected_rows = limit < 0 ? all_rows.size() : std::min<size_t>(all_rows.size(), limit);
      ASSERT_EQ(rows.size(), expected_rows) << "trial " << trial << " limit " << limit;
      for (size_t r = 0; r < rows.size(); ++r) {
        ASSERT_EQ(rows[r][6], all_rows[r][6])
            << "trial " << trial << " limit " << limit << " row " << r;
      }
    }
  }
}

TEST(Sorter, OutputComesInBoundedChunksAndKeepsDictionaryCodes) {
  const std::vector<std::string> dictionary = {"b", "a", "c"};
  Vector text(Type::kString);
  text.code_source = &dictionary;
  Vector numbers(Type::kInt64);
  for (int i = 0; i < 10000; ++i) {
    uint32_t code = static_cast<uint32_t>(i % 3);
    text.str.push_back(dictionary[code]);
    text.codes.push_back(code);
    numbers.i64.push_back(10000 - i);
  }
  std::vector<Chunk> out;
  auto rows = SortRows({SortKey{0, false, false}, SortKey{1, false, false}}, -1,
                       {MakeChunk({std::move(text), std::move(numbers)})}, &out);
  ASSERT_EQ(rows.size(), 10000u);
  EXPECT_EQ(rows.front()[0], S("a"));
  EXPECT_EQ(rows.back()[0], S("c"));
  EXPECT_EQ(rows[1][1].i, rows[0][1].i + 3);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].columns[0].code_source, &dictionary);
  EXPECT_EQ(out[0].columns[0].codes[0], 1u);
}

TEST(Sorter, TopNMemoryIsBoundedByTheLimit) {
  MemoryBudget budget(3 << 20);
  const std::string payload(100, 'p');
  auto make_chunk = [&](int64_t begin) {
    Vector keys(Type::kFloat64);
    Vector text(Type::kString);
    StringHeap* heap = text.NewHeap();
    for (int64_t i = begin; i < begin + 4096; ++i) {
      keys.f64.push_back(static_cast<double>((i * 7919) % 1000003));
      text.str.push_back(heap->Add(payload + std::to_string(i)));
    }
    return MakeChunk({std::move(keys), std::move(text)});
  };
  {
    Sorter top({SortKey{0, true, true}}, 10, &budget);
    for (int64_t begin = 0; begin < 1'000'000; begin += 4096) {
      ASSERT_TRUE(top.Add(make_chunk(begin)).ok()) << begin;
    }
    std::vector<Chunk> out;
    ASSERT_TRUE(top.Finish(&out).ok());
    std::vector<double> all;
    for (int64_t i = 0; i < 1'000'000 + 4096 - 1'000'000 % 4096; ++i) {
      all.push_back(static_cast<double>((i * 7919) % 1000003));
    }
    std::sort(all.rbegin(), all.rend());
    auto rows = testing::Rows(out);
    ASSERT_EQ(rows.size(), 10u);
    for (size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(rows[r][0], F(all[r]));
  }
  EXPECT_EQ(budget.used(), 0u);
  {
    Sorter full({SortKey{0, true, true}}, -1, &budget);
    absl::Status status;
    for (int64_t begin = 0; status.ok() && begin < 1'000'000; begin += 4096) {
      status = full.Add(make_chunk(begin));
    }
    EXPECT_EQ(SqlStateOf(status), "54000");
  }
  EXPECT_EQ(budget.used(), 0u);
}

TEST(Sorter, OutputStringsStayValidAfterInputsGoAway) {
  for (int64_t limit : {int64_t{-1}, int64_t{2}}) {
    std::vector<Chunk> out;
    {
      Sorter sorter({SortKey{0, false, false}}, limit, nullptr);
      {
        // Strings owned by the input vector's heap: shared (full sort) or copied (top-N).
        Chunk chunk = MakeChunk({Column(Type::kString, {S("pear"), S("apple"), S("fig")})});
        ASSERT_TRUE(sorter.Add(std::move(chunk)).ok());
      }
      ASSERT_TRUE(sorter.Finish(&out).ok());
    }
    auto values = FirstColumn(testing::Rows(out));
    std::vector<Value> expected = {S("apple"), S("fig"), S("pear")};
    if (limit >= 0) expected.resize(limit);
    EXPECT_EQ(values, expected);
  }
  // Top-N copies even views into external memory.
  std::string bytes = "kiwilime";
  Vector text(Type::kString);
  text.str = {std::string_view(bytes).substr(4, 4), std::string_view(bytes).substr(0, 4)};
  Sorter top({SortKey{0, false, false}}, 1, nullptr);
  ASSERT_TRUE(top.Add(MakeChunk({std::move(text)})).ok());
  bytes.assign(bytes.size(), '#');
  std::vector<Chunk> out;
  ASSERT_TRUE(top.Finish(&out).ok());
  EXPECT_EQ(FirstColumn(testing::Rows(out)), std::vector<Value>{S("kiwi")});
}

TEST(Sorter, NullTypedColumnsAndErrors) {
  Vector nulls(Type::kNull);
  nulls.Resize(2);
  std::vector<Chunk> chunks;
  chunks.push_back(MakeChunk({std::move(nulls), Column(Type::kInt64, {I(2), I(1)})}));
  chunks.push_back(MakeChunk({Column(Type::kString, {S("x")}), Column(Type::kInt64, {I(0)})}));
  for (int64_t limit : {int64_t{-1}, int64_t{5}}) {
    auto rows = SortRows({SortKey{1, false, false}}, limit, chunks);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][0], S("x"));
    EXPECT_TRUE(rows[1][0].null);
    EXPECT_EQ(rows[2][1], I(2));
  }
  Sorter bad({SortKey{5, false, false}}, -1, nullptr);
  EXPECT_EQ(SqlStateOf(bad.Add(MakeChunk({Column(Type::kInt64, {I(1)})}))), "XX000");
  for (int64_t limit : {int64_t{-1}, int64_t{3}}) {
    Sorter mixed({SortKey{0, false, false}}, limit, nullptr);
    ASSERT_TRUE(mixed.Add(MakeChunk({Column(Type::kInt64, {I(1)})})).ok());
    EXPECT_EQ(SqlStateOf(mixed.Add(MakeChunk({Column(Type::kString, {S("a")})}))), "XX000");
  }
}

}  // namespace
}  // namespace strata::query
