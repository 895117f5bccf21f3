// Partial/final aggregation: splitting the input across 1-4 aggregators and merging them
// gives the same result as one aggregator fed everything, for every aggregate.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "query/aggregate.h"
#include "query/chunk_test_util.h"

namespace strata::query {
namespace {

using testing::B;
using testing::F;
using testing::I;
using testing::Iv;
using testing::N;
using testing::S;
using testing::T;

enum Col { kKeyInt, kKeyStr, kXInt, kXDbl, kText, kFlag, kTs, kIv, kFilter, kColumns };

const std::vector<std::string> kDictionaryA = {"/", "/cart", "/checkout", "/blog/one", "/blog/two"};
const std::vector<std::string> kDictionaryB = {"/cart", "/", "/pricing", "/about"};

// Key strings come dictionary-coded from one of two sources, or plain.
Vector KeyStrings(std::mt19937_64& rng, size_t rows) {
  int mode = static_cast<int>(rng() % 3);
  const std::vector<std::string>& dictionary = mode == 1 ? kDictionaryB : kDictionaryA;
  Vector v(Type::kString);
  if (mode < 2) v.code_source = &dictionary;
  for (size_t r = 0; r < rows; ++r) {
    uint32_t code = static_cast<uint32_t>(rng() % dictionary.size());
    bool null = rng() % 20 == 0;
    v.str.push_back(null ? std::string_view() : std::string_view(dictionary[code]));
    if (mode < 2) v.codes.push_back(code);
    if (null && v.nulls.empty()) v.nulls.assign(r, 0);
    if (!v.nulls.empty()) v.nulls.push_back(null ? 1 : 0);
  }
  return v;
}

Chunk RandomChunk(std::mt19937_64& rng, size_t rows) {
  std::vector<std::vector<Value>> values(kColumns);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  for (size_t r = 0; r < rows; ++r) {
    values[kKeyInt].push_back(chance(5) ? N(Type::kInt64) : I(static_cast<int64_t>(rng() % 30)));
    int64_t x = static_cast<int64_t>(rng() % 2001) - 1000;
    if (chance(2)) x *= int64_t{1} << 30;
    values[kXInt].push_back(chance(10) ? N(Type::kInt64) : I(x));
    double d = std::uniform_real_distribution<double>(-100, 100)(rng);
    if (chance(1)) d = std::round(d);  // some repeated values for DISTINCT
    values[kXDbl].push_back(chance(10) ? N(Type::kFloat64) : F(d));
    values[kText].push_back(chance(10) ? N(Type::kString) : S("v" + std::to_string(rng() % 200)));
    values[kFlag].push_back(chance(10) ? N(Type::kBool) : B(chance(70)));
    values[kTs].push_back(T(static_cast<int64_t>(rng() % 2'000'000) - 1'000'000));
    values[kIv].push_back(chance(5) ? N(Type::kInterval)
                                    : Iv(static_cast<int32_t>(rng() % 2),
                                         // < 30 days: no two spellings of one length,
                                         // since a group's key shows its first spelling
                                         static_cast<int32_t>(rng() % 30),
                                         static_cast<int64_t>(rng() % 3) * 3'600'000'000));
    values[kFilter].push_back(chance(10) ? N(Type::kBool) : B(chance(50)));
  }
  const Type types[kColumns] = {Type::kInt64,     Type::kString,   Type::kInt64,
                                Type::kFloat64,   Type::kString,   Type::kBool,
                                Type::kTimestamp, Type::kInterval, Type::kBool};
  Chunk chunk;
  chunk.rows = rows;
  for (int c = 0; c < kColumns; ++c) {
    chunk.columns.push_back(c == kKeyStr ? KeyStrings(rng, rows)
                                         : testing::Column(types[c], values[c]));
  }
  return chunk;
}

struct NamedSpec {
  AggregateSpec spec;
  bool order_sensitive = false;  // depends on input order (string_agg, any_value)
};

std::vector<NamedSpec> AllAggregates() {
  std::vector<NamedSpec> specs;
  auto add = [&](const std::string& name, Type type, int column, bool distinct = false,
                 std::optional<Value> constant = std::nullopt, int filter = -1) {
    std::vector<Type> types = {type};
    std::vector<std::optional<Value>> constants = {std::nullopt};
    if (constant.has_value()) {
      types.push_back(constant->type);
      constants.push_back(constant);
    }
    auto spec = BindAggregate(name, false, distinct, types, constants);
    EXPECT_TRUE(spec.ok()) << name << spec.status();
    spec->arg_columns = {column};
    spec->filter_column = filter;
    specs.push_back({*spec, name == "string_agg" || name == "any_value"});
  };
  auto star = BindAggregate("count", true, false, {}, {});
  specs.push_back({*star});
  star->filter_column = kFilter;
  specs.push_back({*star});
  for (const char* name :
       {"count", "sum", "avg", "min", "max", "stddev", "stddev_samp", "stddev_pop", "variance",
        "var_samp", "var_pop", "median", "approx_count_distinct", "any_value"}) {
    add(name, Type::kInt64, kXInt);
    add(name, Type::kFloat64, kXDbl);
  }
  for (const char* name : {"count", "min", "max", "any_value", "approx_count_distinct"}) {
    add(name, Type::kString, kText);
    add(name, Type::kTimestamp, kTs);
    add(name, Type::kInterval, kIv);
    add(name, Type::kBool, kFlag);
  }
  for (const char* name : {"bool_and", "bool_or", "every"}) add(name, Type::kBool, kFlag);
  add("sum", Type::kInt64, kXInt, false, std::nullopt, kFilter);
  add("max", Type::kString, kText, false, std::nullopt, kFilter);
  add("string_agg", Type::kString, kText, false, S("|"));
  add("string_agg", Type::kString, kText, false, S("|"), kFilter);
  add("quantile", Type::kFloat64, kXDbl, false, F(0.9));
  add("percentile_cont", Type::kInt64, kXInt, false, F(0.3));
  add("percentile_disc", Type::kFloat64, kXDbl, false, F(0.7));
  for (Type type : {Type::kInt64, Type::kFloat64, Type::kString, Type::kTimestamp, Type::kInterval,
                    Type::kBool}) {
    int column = type == Type::kInt64       ? kXInt
                 : type == Type::kFloat64   ? kXDbl
                 : type == Type::kString    ? kText
                 : type == Type::kTimestamp ? kTs
                 : type == Type::kInterval  ? kIv
                                            : kFlag;
    add("count", type, column, true);
  }
  add("count", Type::kInt64, kXInt, true, std::nullopt, kFilter);
  add("sum", Type::kInt64, kXInt, true);
  add("avg", Type::kFloat64, kXDbl, true);
  add("stddev", Type::kInt64, kXInt, true);
  add("median", Type::kFloat64, kXDbl, true);
  add("string_agg", Type::kString, kText, true, S(","));
  // Text with dictionary codes from two sources, or none.
  add("count", Type::kString, kKeyStr, true);
  add("string_agg", Type::kString, kKeyStr, true, S(","));
  add("count", Type::kString, kKeyStr, true, std::nullopt, kFilter);
  return specs;
}

struct KeyConfig {
  std::vector<int> columns;
  std::vector<Type> types;
};

std::vector<std::vector<Value>> Results(HashAggregator& aggregator) {
  std::vector<Chunk> out;
  absl::Status status = aggregator.Finish(&out);
  EXPECT_TRUE(status.ok()) << status;
  auto rows = testing::Rows(out);
  std::sort(rows.begin(), rows.end(), testing::RowLess);
  return rows;
}

bool SameValue(const Value& a, const Value& b) {
  if (a.null || b.null || a.type != Type::kFloat64 || b.type != Type::kFloat64) return a == b;
  if (std::isnan(a.f) || std::isnan(b.f)) return std::isnan(a.f) && std::isnan(b.f);
  return std::fabs(a.f - b.f) <= 1e-9 * std::max(1.0, std::fabs(a.f));
}

void ExpectSame(const std::vector<std::vector<Value>>& expected,
                const std::vector<std::vector<Value>>& actual, const std::vector<NamedSpec>& specs,
                size_t keys, bool order_matters, const std::string& context) {
  ASSERT_EQ(expected.size(), actual.size()) << context;
  for (size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(expected[r].size(), actual[r].size());
    for (size_t c = 0; c < expected[r].size(); ++c) {
      if (c >= keys && specs[c - keys].order_sensitive && !order_matters) continue;
      std::string what = c < keys ? "key" : specs[c - keys].spec.name;
      EXPECT_TRUE(SameValue(expected[r][c], actual[r][c]))
          << context << " row " << r << " column " << c << " (" << what
          << "): " << expected[r][c].ToString() << " vs " << actual[r][c].ToString();
    }
  }
}

TEST(HashAggregatorMerge, SplitInputMergesToTheSameResult) {
  std::mt19937_64 rng(20240601);
  std::vector<Chunk> chunks;
  for (int i = 0; i < 12; ++i) chunks.push_back(RandomChunk(rng, 300 + rng() % 700));
  const std::vector<NamedSpec> named = AllAggregates();
  std::vector<AggregateSpec> specs;
  for (const NamedSpec& n : named) specs.push_back(n.spec);

  const std::vector<KeyConfig> configs = {
      {{}, {}},
      {{kKeyInt}, {Type::kInt64}},
      {{kKeyStr}, {Type::kString}},
      {{kKeyInt, kKeyStr}, {Type::kInt64, Type::kString}},
      {{kFlag, kIv}, {Type::kBool, Type::kInterval}},
      // Packed into 128 bits: text + timestamp (the session shape), text + text + boolean.
      {{kKeyStr, kTs}, {Type::kString, Type::kTimestamp}},
      {{kKeyStr, kText, kFlag}, {Type::kString, Type::kString, Type::kBool}},
      // Two bigints need 130 bits: serialized.
      {{kKeyInt, kXInt}, {Type::kInt64, Type::kInt64}},
  };
  for (size_t config = 0; config < configs.size(); ++config) {
    const KeyConfig& keys = configs[config];
    HashAggregator reference(keys.columns, keys.types, specs, nullptr);
    for (const Chunk& c : chunks) ASSERT_TRUE(reference.Consume(c).ok());
    const auto expected = Results(reference);
    ASSERT_FALSE(expected.empty());

    for (int trial = 0; trial < 8; ++trial) {
      const size_t parts = 1 + rng() % 4;
      const bool contiguous = trial % 2 == 0;
      std::vector<std::unique_ptr<HashAggregator>> aggregators;
      for (size_t p = 0; p < parts; ++p) {
        aggregators.push_back(
            std::make_unique<HashAggregator>(keys.columns, keys.types, specs, nullptr));
      }
      // Contiguous: part p gets rows [cut[p], cut[p + 1]) of the whole input, so merging
      // in part order keeps input order. Otherwise every row goes to a random part.
      size_t total = 0;
      for (const Chunk& c : chunks) total += c.rows;
      std::vector<size_t> cuts = {0, total};
      for (size_t p = 1; p < parts; ++p) cuts.push_back(rng() % (total + 1));
      std::sort(cuts.begin(), cuts.end());
      size_t position = 0;
      for (const Chunk& c : chunks) {
        std::vector<std::vector<uint32_t>> selections(parts);
        for (uint32_t r = 0; r < c.rows; ++r, ++position) {
          size_t part = 0;
          if (contiguous) {
            while (position >= cuts[part + 1]) ++part;
          } else {
            part = rng() % parts;
          }
          selections[part].push_back(r);
        }
        for (size_t p = 0; p < parts; ++p) {
          Chunk piece = c;
          piece.Select(selections[p]);
          ASSERT_TRUE(aggregators[p]->Consume(piece).ok());
        }
      }
      // Merge as a tree for four parts ((0 1) (2 3)), else left to right.
      if (parts == 4) {
        ASSERT_TRUE(aggregators[2]->Merge(*aggregators[3]).ok());
        ASSERT_TRUE(aggregators[0]->Merge(*aggregators[1]).ok());
        ASSERT_TRUE(aggregators[0]->Merge(*aggregators[2]).ok());
      } else {
        for (size_t p = 1; p < parts; ++p) ASSERT_TRUE(aggregators[0]->Merge(*aggregators[p]).ok());
      }
      EXPECT_EQ(aggregators[0]->groups(), expected.size());
      std::string context = "config " + std::to_string(config) + " trial " + std::to_string(trial) +
                            " parts " + std::to_string(parts);
      ExpectSame(expected, Results(*aggregators[0]), named, keys.columns.size(), contiguous,
                 context);
    }
  }
}

TEST(HashAggregatorMerge, MergedAwayAggregatorRefusesMoreWork) {
  auto spec = BindAggregate("count", true, false, {}, {});
  HashAggregator a({}, {}, {*spec}, nullptr);
  HashAggregator b({}, {}, {*spec}, nullptr);
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_FALSE(b.Consume(Chunk()).ok());
  EXPECT_FALSE(a.Merge(a).ok());
  auto sum = BindAggregate("sum", false, false, {Type::kInt64}, {std::nullopt});
  sum->arg_columns = {0};
  HashAggregator c({}, {}, {*sum}, nullptr);
  EXPECT_FALSE(a.Merge(c).ok());  // different aggregates
}

TEST(HashAggregatorMerge, MergeWithinBudgetReleasesTheMergedState) {
  MemoryBudget budget(64 << 20);
  auto spec = BindAggregate("count", false, true, {Type::kInt64}, {std::nullopt});
  spec->arg_columns = {0};
  {
    HashAggregator a({0}, {Type::kInt64}, {*spec}, &budget);
    HashAggregator b({0}, {Type::kInt64}, {*spec}, &budget);
    Vector keys(Type::kInt64);
    for (int64_t i = 0; i < 4096; ++i) keys.i64.push_back(i);
    Chunk chunk;
    chunk.rows = 4096;
    chunk.columns.push_back(keys);
    ASSERT_TRUE(a.Consume(chunk).ok());
    ASSERT_TRUE(b.Consume(chunk).ok());
    ASSERT_TRUE(a.Merge(b).ok());
    EXPECT_EQ(a.groups(), 4096u);
  }
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace strata::query
