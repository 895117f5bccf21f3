// Test helpers for the segment tests: a scoped temp directory, a seeded random table
// generator, and a checker that compares everything a SegmentReader exposes with the
// brute-force answer computed from the writer's input.
//
// Thread safety: test-only; one thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "storage/segment.h"

namespace strata::storage::segment_test {

using ScopedTempDir = ::strata::TempDir;

inline ColumnInput IntColumn(std::string name) {
  ColumnInput c;
  c.schema = {std::move(name), ColumnType::kInt64, false};
  return c;
}
inline ColumnInput DoubleColumn(std::string name) {
  ColumnInput c;
  c.schema = {std::move(name), ColumnType::kDouble, false};
  return c;
}
inline ColumnInput StringColumn(std::string name, bool indexed, std::vector<std::string> dict) {
  ColumnInput c;
  c.schema = {std::move(name), ColumnType::kString, indexed};
  c.dict = std::move(dict);
  return c;
}

// A random event table sorted by (merchant, ts): merchant, ts, client, price (with NaN),
// country (indexed, caller dictionary has duplicates and unused values), page (not
// indexed, includes the empty string), event (indexed).
inline std::vector<ColumnInput> RandomTable(uint32_t seed, size_t rows, int merchants) {
  std::mt19937_64 rng(seed);
  std::vector<ColumnInput> t;
  t.push_back(IntColumn("merchant"));
  t.push_back(IntColumn("ts"));
  t.push_back(IntColumn("client"));
  t.push_back(DoubleColumn("price"));
  t.push_back(StringColumn("country", true, {"US", "DE", "FR", "US", "JP", "unused", "BR", ""}));
  t.push_back(StringColumn(
      "page", false,
      {"", "/", "/cart", "/checkout", "/product/1", "/product/12", "/product/123", "/search?q=x"}));
  t.push_back(StringColumn("event", true, {"view", "click", "purchase"}));
  std::vector<uint32_t> ids(rows);
  for (auto& m : ids) m = static_cast<uint32_t>(rng() % merchants) * 7 + 3;
  std::sort(ids.begin(), ids.end());
  int64_t ts = 1'700'000'000'000'000;
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0 && ids[i] != ids[i - 1])
      ts = 1'700'000'000'000'000 + static_cast<int64_t>(rng() % 1000);
    ts += static_cast<int64_t>(rng() % 5'000'000);
    t[0].ints.push_back(ids[i]);
    t[1].ints.push_back(ts);
    t[2].ints.push_back(static_cast<int64_t>(rng() % 100000) - 50000);
    double price = static_cast<double>(rng() % 100000) / 100.0;
    if (rng() % 17 == 0) price = std::nan("");
    if (rng() % 23 == 0) price = -0.0;
    t[3].doubles.push_back(price);
    uint32_t r = static_cast<uint32_t>(rng() % 100);
    uint32_t country = r < 50   ? (rng() % 2 == 0 ? 0 : 3)
                       : r < 70 ? 1
                       : r < 85 ? 2
                       : r < 95 ? 4
                       : r < 99 ? 6
                                : 7;
    t[4].codes.push_back(country);
    t[5].codes.push_back(static_cast<uint32_t>(rng() % 8));
    t[6].codes.push_back(static_cast<uint32_t>(rng() % 10 == 0 ? 2 : rng() % 2));
  }
  return t;
}

inline bool SameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

// Checks every value, block row range and min/max, dictionary, index and the key
// directory of `r` against `input`.
inline void ExpectSegmentMatches(const SegmentReader& r, const std::vector<ColumnInput>& input,
                                 const SegmentWriterOptions& opt) {
  size_t rows = input[0].schema.type == ColumnType::kDouble   ? input[0].doubles.size()
                : input[0].schema.type == ColumnType::kString ? input[0].codes.size()
                                                              : input[0].ints.size();
  ASSERT_EQ(r.row_count(), rows);
  ASSERT_EQ(r.columns().size(), input.size());
  EXPECT_EQ(r.rows_per_block(), opt.rows_per_block);
  EXPECT_EQ(r.key_column(), opt.key_column);
  EXPECT_EQ(r.time_column(), opt.time_column);
  const std::vector<int64_t>& keys = input[opt.key_column].ints;
  const std::vector<int64_t>& times = input[opt.time_column].ints;

  // Key directory, brute force.
  std::map<uint32_t, KeyRange> expected_keys;
  for (uint32_t row = 0; row < rows; ++row) {
    auto [it, fresh] = expected_keys.try_emplace(static_cast<uint32_t>(keys[row]));
    KeyRange& k = it->second;
    if (fresh) k = KeyRange{static_cast<uint32_t>(keys[row]), row, 0, times[row], times[row]};
    ++k.row_count;
    k.min_ts = std::min(k.min_ts, times[row]);
    k.max_ts = std::max(k.max_ts, times[row]);
  }
  ASSERT_EQ(r.keys().size(), expected_keys.size());
  size_t i = 0;
  for (const auto& [key, k] : expected_keys) {
    const KeyRange& got = r.keys()[i++];
    EXPECT_EQ(got.key, k.key);
    EXPECT_EQ(got.row_begin, k.row_begin);
    EXPECT_EQ(got.row_count, k.row_count);
    EXPECT_EQ(got.min_ts, k.min_ts);
    EXPECT_EQ(got.max_ts, k.max_ts);
    ASSERT_NE(r.FindKey(key), nullptr);
    EXPECT_EQ(r.FindKey(key)->row_begin, k.row_begin);
  }
  EXPECT_EQ(r.min_ts(), *std::min_element(times.begin(), times.end()));
  EXPECT_EQ(r.max_ts(), *std::max_element(times.begin(), times.end()));

  size_t blocks = (rows + opt.rows_per_block - 1) / opt.rows_per_block;
  for (size_t col = 0; col < input.size(); ++col) {
    const ColumnInput& in = input[col];
    const ColumnInfo& info = r.columns()[col];
    SCOPED_TRACE("column " + in.schema.name);
    EXPECT_EQ(info.schema.name, in.schema.name);
    EXPECT_EQ(info.schema.type, in.schema.type);
    EXPECT_EQ(info.schema.indexed, in.schema.indexed);
    EXPECT_EQ(r.FindColumn(in.schema.name), static_cast<int>(col));
    ASSERT_EQ(info.blocks.size(), blocks);
    const Dictionary* dict = nullptr;
    if (in.schema.type == ColumnType::kString) {
      auto d = r.GetDictionary(static_cast<int>(col));
      ASSERT_TRUE(d.ok()) << d.status();
      dict = *d;
      std::vector<std::string> used;
      for (uint32_t c : in.codes) used.push_back(in.dict[c]);
      std::sort(used.begin(), used.end());
      used.erase(std::unique(used.begin(), used.end()), used.end());
      ASSERT_EQ(dict->size(), used.size());
      EXPECT_EQ(info.dict_size, used.size());
      for (size_t v = 0; v < used.size(); ++v) EXPECT_EQ(dict->value(v), used[v]);
    }
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    for (size_t b = 0; b < blocks; ++b) {
      const BlockInfo& bi = info.blocks[b];
      size_t begin = b * opt.rows_per_block;
      size_t count = std::min<size_t>(opt.rows_per_block, rows - begin);
      EXPECT_EQ(bi.row_begin, begin);
      ASSERT_EQ(bi.row_count, count);
      if (in.schema.type == ColumnType::kDouble) {
        ASSERT_TRUE(r.ReadDoubles(static_cast<int>(col), b, &doubles).ok());
        ASSERT_EQ(doubles.size(), count);
        double lo = NAN, hi = NAN;
        for (size_t j = 0; j < count; ++j) {
          double want = in.doubles[begin + j];
          ASSERT_TRUE(SameDouble(doubles[j], want)) << "row " << begin + j;
          if (std::isnan(want)) continue;
          lo = std::isnan(lo) ? want : std::min(lo, want);
          hi = std::isnan(hi) ? want : std::max(hi, want);
        }
        EXPECT_TRUE(SameDouble(bi.min_double, lo) || bi.min_double == lo);
        EXPECT_TRUE(SameDouble(bi.max_double, hi) || bi.max_double == hi);
      } else {
        ASSERT_TRUE(r.ReadInts(static_cast<int>(col), b, &ints).ok());
        ASSERT_EQ(ints.size(), count);
        for (size_t j = 0; j < count; ++j) {
          if (dict != nullptr) {
            ASSERT_EQ(dict->value(static_cast<uint32_t>(ints[j])), in.dict[in.codes[begin + j]])
                << "row " << begin + j;
          } else {
            ASSERT_EQ(ints[j], in.ints[begin + j]) << "row " << begin + j;
          }
        }
        EXPECT_EQ(bi.min_int, *std::min_element(ints.begin(), ints.end()));
        EXPECT_EQ(bi.max_int, *std::max_element(ints.begin(), ints.end()));
      }
    }
    if (in.schema.indexed) {
      for (uint32_t code = 0; code < dict->size(); ++code) {
        strata::Bitmap want;
        for (uint32_t row = 0; row < rows; ++row) {
          if (in.dict[in.codes[row]] == dict->value(code)) want.add(row);
        }
        auto got = r.IndexBitmap(static_cast<int>(col), code);
        ASSERT_TRUE(got.ok()) << got.status();
        EXPECT_TRUE(*got == want) << "code " << code << " (" << dict->value(code) << ")";
      }
    } else {
      EXPECT_EQ(r.IndexBitmap(static_cast<int>(col), 0).status().code(),
                in.schema.type == ColumnType::kDouble ? absl::StatusCode::kInvalidArgument
                                                      : absl::StatusCode::kNotFound);
    }
  }
  EXPECT_TRUE(r.VerifyAll().ok()) << r.VerifyAll();
}

}  // namespace strata::storage::segment_test
