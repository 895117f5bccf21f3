#include "query/aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <set>
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

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Binds name(args) with the inputs at `columns`; `constants` are the parameter arguments
// (quantile's fraction, string_agg's delimiter) following the inputs.
AggregateSpec Agg(const std::string& name, std::vector<Type> types, std::vector<int> columns,
                  bool distinct = false, std::vector<Value> constants = {}, int filter = -1) {
  std::vector<std::optional<Value>> constant_args(columns.size());
  for (const Value& v : constants) constant_args.push_back(v);
  for (const Value& v : constants) types.push_back(v.type == Type::kNull ? Type::kFloat64 : v.type);
  auto spec = BindAggregate(name, false, distinct, types, constant_args);
  EXPECT_TRUE(spec.ok()) << name << ": " << spec.status();
  spec->arg_columns = std::move(columns);
  spec->filter_column = filter;
  return *spec;
}

AggregateSpec CountStar(int filter = -1) {
  auto spec = BindAggregate("count", true, false, {}, {});
  EXPECT_TRUE(spec.ok());
  spec->filter_column = filter;
  return *spec;
}

std::vector<std::vector<Value>> AggregateRows(std::vector<int> keys, std::vector<Type> key_types,
                                              std::vector<AggregateSpec> specs,
                                              const std::vector<Chunk>& chunks) {
  HashAggregator aggregator(std::move(keys), std::move(key_types), std::move(specs), nullptr);
  for (const Chunk& c : chunks) EXPECT_TRUE(aggregator.Consume(c).ok());
  std::vector<Chunk> out;
  absl::Status status = aggregator.Finish(&out);
  EXPECT_TRUE(status.ok()) << status;
  auto rows = testing::Rows(out);
  std::sort(rows.begin(), rows.end(), testing::RowLess);
  return rows;
}

void ExpectNear(const Value& v, double expected) {
  ASSERT_FALSE(v.null);
  ASSERT_EQ(v.type, Type::kFloat64);
  EXPECT_NEAR(v.f, expected, 1e-12 * std::max(1.0, std::fabs(expected)));
}

TEST(BindAggregate, ResultTypes) {
  struct Case {
    std::string name;
    std::vector<Type> args;
    Type result;
  };
  std::vector<Case> cases = {
      {"count", {Type::kString}, Type::kInt64},
      {"sum", {Type::kInt64}, Type::kInt64},
      {"sum", {Type::kFloat64}, Type::kFloat64},
      {"avg", {Type::kInt64}, Type::kFloat64},
      {"min", {Type::kString}, Type::kString},
      {"max", {Type::kInterval}, Type::kInterval},
      {"max", {Type::kTimestamp}, Type::kTimestamp},
      {"any_value", {Type::kBool}, Type::kBool},
      {"stddev", {Type::kInt64}, Type::kFloat64},
      {"var_pop", {Type::kFloat64}, Type::kFloat64},
      {"bool_and", {Type::kBool}, Type::kBool},
      {"every", {Type::kBool}, Type::kBool},
      {"approx_count_distinct", {Type::kString}, Type::kInt64},
      {"median", {Type::kInt64}, Type::kFloat64},
  };
  for (const Case& c : cases) {
    std::vector<std::optional<Value>> constants(c.args.size());
    auto spec = BindAggregate(c.name, false, false, c.args, constants);
    ASSERT_TRUE(spec.ok()) << c.name << spec.status();
    EXPECT_EQ(spec->result_type, c.result) << c.name;
    EXPECT_TRUE(IsAggregateFunction(c.name));
  }
  auto q = BindAggregate("percentile_cont", false, false, {Type::kFloat64, Type::kFloat64},
                         {std::nullopt, F(0.9)});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->result_type, Type::kFloat64);
  ASSERT_EQ(q->constant_args.size(), 1u);
  EXPECT_EQ(q->constant_args[0].f, 0.9);
  auto one =
      BindAggregate("quantile", false, false, {Type::kInt64, Type::kInt64}, {std::nullopt, I(1)});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->constant_args[0].f, 1.0);
  auto sa = BindAggregate("string_agg", false, false, {Type::kString, Type::kString},
                          {std::nullopt, S(", ")});
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->result_type, Type::kString);
  EXPECT_EQ(sa->constant_args[0].s, ", ");
  EXPECT_FALSE(IsAggregateFunction("lower"));
  EXPECT_FALSE(IsAggregateFunction("COUNT"));  // names arrive canonical (lower case)
}

TEST(BindAggregate, Errors) {
  auto state = [](const absl::StatusOr<AggregateSpec>& s) { return SqlStateOf(s.status()); };
  auto bind = [](const std::string& name, std::vector<Type> args,
                 std::vector<std::optional<Value>> constants = {}) {
    constants.resize(args.size());
    return BindAggregate(name, false, false, args, constants);
  };
  EXPECT_EQ(state(bind("sum", {Type::kString})), "42883");
  EXPECT_EQ(bind("sum", {Type::kString}).status().message(), "function sum(text) does not exist");
  EXPECT_EQ(state(bind("avg", {Type::kBool})), "42883");
  EXPECT_EQ(state(bind("bool_or", {Type::kInt64})), "42883");
  EXPECT_EQ(state(bind("nosuch", {Type::kInt64})), "42883");
  EXPECT_EQ(state(bind("count", {Type::kInt64, Type::kInt64})), "42883");
  EXPECT_EQ(state(bind("quantile", {Type::kString, Type::kFloat64}, {std::nullopt, F(0.5)})),
            "42883");
  EXPECT_EQ(state(bind("quantile", {Type::kFloat64, Type::kFloat64}, {std::nullopt, F(1.5)})),
            "22023");
  EXPECT_EQ(
      bind("quantile", {Type::kFloat64, Type::kFloat64}, {std::nullopt, F(1.5)}).status().message(),
      "percentile value 1.5 is not between 0 and 1");
  EXPECT_EQ(state(bind("percentile_disc", {Type::kInt64, Type::kFloat64}, {std::nullopt, F(-0.1)})),
            "22023");
  EXPECT_EQ(state(bind("percentile_cont", {Type::kInt64, Type::kFloat64}, {std::nullopt, F(kNaN)})),
            "22023");
  EXPECT_EQ(state(bind("quantile", {Type::kFloat64, Type::kFloat64})), "0A000");
  EXPECT_EQ(state(bind("quantile", {Type::kFloat64, Type::kString}, {std::nullopt, S("x")})),
            "42804");
  EXPECT_EQ(state(bind("string_agg", {Type::kString, Type::kString})), "0A000");
  EXPECT_EQ(state(bind("string_agg", {Type::kInt64, Type::kString}, {std::nullopt, S(",")})),
            "42883");
  EXPECT_EQ(SqlStateOf(BindAggregate("sum", true, false, {}, {}).status()), "42883");
  EXPECT_EQ(SqlStateOf(BindAggregate("count", true, true, {}, {}).status()), "42883");
}

TEST(HashAggregator, GlobalAggregatesIgnoreNulls) {
  Chunk chunk = MakeChunk({
      Column(Type::kInt64, {I(1), N(Type::kInt64), I(3), I(4)}),
      Column(Type::kString, {S("b"), S("a"), N(Type::kString), S("c")}),
      Column(Type::kBool, {B(true), N(Type::kBool), B(false), B(true)}),
  });
  std::vector<AggregateSpec> specs = {
      CountStar(),
      Agg("count", {Type::kInt64}, {0}),
      Agg("sum", {Type::kInt64}, {0}),
      Agg("avg", {Type::kInt64}, {0}),
      Agg("min", {Type::kInt64}, {0}),
      Agg("max", {Type::kInt64}, {0}),
      Agg("var_samp", {Type::kInt64}, {0}),
      Agg("var_pop", {Type::kInt64}, {0}),
      Agg("stddev", {Type::kInt64}, {0}),
      Agg("stddev_pop", {Type::kInt64}, {0}),
      Agg("any_value", {Type::kInt64}, {0}),
      Agg("median", {Type::kInt64}, {0}),
      Agg("percentile_cont", {Type::kInt64}, {0}, false, {F(0.25)}),
      Agg("percentile_disc", {Type::kInt64}, {0}, false, {F(0.25)}),
      Agg("string_agg", {Type::kString}, {1}, false, {S(",")}),
      Agg("min", {Type::kString}, {1}),
      Agg("max", {Type::kString}, {1}),
      Agg("bool_and", {Type::kBool}, {2}),
      Agg("bool_or", {Type::kBool}, {2}),
      Agg("every", {Type::kBool}, {2}),
      Agg("count", {Type::kString}, {1}),
  };
  auto rows = AggregateRows({}, {}, specs, {chunk});
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r[0], I(4));
  EXPECT_EQ(r[1], I(3));
  EXPECT_EQ(r[2], I(8));
  ExpectNear(r[3], 8.0 / 3);
  EXPECT_EQ(r[4], I(1));
  EXPECT_EQ(r[5], I(4));
  ExpectNear(r[6], 7.0 / 3);
  ExpectNear(r[7], 14.0 / 9);
  ExpectNear(r[8], std::sqrt(7.0 / 3));
  ExpectNear(r[9], std::sqrt(14.0 / 9));
  EXPECT_EQ(r[10], I(1));
  ExpectNear(r[11], 3);
  ExpectNear(r[12], 2);
  ExpectNear(r[13], 1);
  EXPECT_EQ(r[14], S("b,a,c"));
  EXPECT_EQ(r[15], S("a"));
  EXPECT_EQ(r[16], S("c"));
  EXPECT_EQ(r[17], B(false));
  EXPECT_EQ(r[18], B(true));
  EXPECT_EQ(r[19], B(false));
  EXPECT_EQ(r[20], I(3));
}

TEST(HashAggregator, EmptyInputWithoutKeysGivesOneRow) {
  std::vector<AggregateSpec> specs = {
      CountStar(),
      Agg("count", {Type::kInt64}, {0}),
      Agg("sum", {Type::kInt64}, {0}),
      Agg("avg", {Type::kFloat64}, {1}),
      Agg("min", {Type::kString}, {2}),
      Agg("string_agg", {Type::kString}, {2}, false, {S(",")}),
      Agg("count", {Type::kInt64}, {0}, true),
      Agg("sum", {Type::kInt64}, {0}, true),
      Agg("approx_count_distinct", {Type::kInt64}, {0}),
      Agg("median", {Type::kFloat64}, {1}),
      Agg("stddev", {Type::kFloat64}, {1}),
      Agg("bool_or", {Type::kBool}, {3}),
  };
  // No chunk at all, and a chunk with zero rows: the same single row.
  for (int variant = 0; variant < 2; ++variant) {
    std::vector<Chunk> chunks;
    if (variant == 1) {
      chunks.push_back(MakeChunk({Vector(Type::kInt64), Vector(Type::kFloat64),
                                  Vector(Type::kString), Vector(Type::kBool)}));
    }
    auto rows = AggregateRows({}, {}, specs, chunks);
    ASSERT_EQ(rows.size(), 1u);
    std::vector<Value> expected = {I(0),
                                   I(0),
                                   N(Type::kInt64),
                                   N(Type::kFloat64),
                                   N(Type::kString),
                                   N(Type::kString),
                                   I(0),
                                   N(Type::kInt64),
                                   I(0),
                                   N(Type::kFloat64),
                                   N(Type::kFloat64),
                                   N(Type::kBool)};
    EXPECT_EQ(rows[0], expected);
  }
}

TEST(HashAggregator, EmptyInputWithKeysGivesNoRows) {
  auto rows =
      AggregateRows({0}, {Type::kInt64}, {CountStar()}, {MakeChunk({Vector(Type::kInt64)})});
  EXPECT_TRUE(rows.empty());
}

TEST(HashAggregator, BigintSumOverflowIsAnErrorButIntermediateOverflowIsNot) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  Chunk fits = MakeChunk({Column(Type::kInt64, {I(max), I(1), I(-1)})});
  auto rows = AggregateRows(
      {}, {}, {Agg("sum", {Type::kInt64}, {0}), Agg("avg", {Type::kInt64}, {0})}, {fits});
  EXPECT_EQ(rows[0][0], I(max));
  ExpectNear(rows[0][1], static_cast<double>(max) / 3);

  HashAggregator aggregator({}, {}, {Agg("sum", {Type::kInt64}, {0})}, nullptr);
  ASSERT_TRUE(aggregator.Consume(MakeChunk({Column(Type::kInt64, {I(max), I(1)})})).ok());
  std::vector<Chunk> out;
  absl::Status status = aggregator.Finish(&out);
  EXPECT_EQ(SqlStateOf(status), "22003");
  EXPECT_EQ(status.message(), "bigint out of range");
}

TEST(HashAggregator, NullKeysFormOneGroup) {
  Chunk chunk = MakeChunk({
      Column(Type::kInt64, {I(1), I(2), N(Type::kInt64), I(1), N(Type::kInt64)}),
      Column(Type::kInt64, {I(10), I(20), I(30), I(40), I(50)}),
  });
  auto rows =
      AggregateRows({0}, {Type::kInt64}, {CountStar(), Agg("sum", {Type::kInt64}, {1})}, {chunk});
  std::vector<std::vector<Value>> expected = {
      {N(Type::kInt64), I(2), I(80)}, {I(1), I(2), I(50)}, {I(2), I(1), I(20)}};
  EXPECT_EQ(rows, expected);
}

TEST(HashAggregator, DoubleKeysGroupNaNsTogetherAndNegativeZeroWithZero) {
  Chunk chunk = MakeChunk({Column(
      Type::kFloat64, {F(0.0), F(-0.0), F(kNaN), F(std::copysign(kNaN, -1.0)), F(1.5), F(1.5)})});
  auto rows = AggregateRows({0}, {Type::kFloat64}, {CountStar()}, {chunk});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].f, 0.0);
  EXPECT_EQ(rows[0][1], I(2));
  EXPECT_EQ(rows[1][0], F(1.5));
  EXPECT_EQ(rows[1][1], I(2));
  EXPECT_TRUE(std::isnan(rows[2][0].f));
  EXPECT_EQ(rows[2][1], I(2));
}

// A dictionary-coded text column: codes index `dictionary`, the source's identity.
Vector CodedColumn(const std::vector<std::string>& dictionary, const std::vector<int>& codes) {
  Vector v(Type::kString);
  v.code_source = &dictionary;
  for (int code : codes) {
    bool null = code < 0;
    if (null && v.nulls.empty()) v.nulls.assign(v.str.size(), 0);
    if (!v.nulls.empty()) v.nulls.push_back(null ? 1 : 0);
    v.str.push_back(null ? std::string_view() : std::string_view(dictionary[code]));
    v.codes.push_back(null ? 0 : static_cast<uint32_t>(code));
  }
  return v;
}

TEST(HashAggregator, StringKeysWithDictionaryCodesFromSeveralSources) {
  const std::vector<std::string> first = {"/home", "/cart", "/checkout"};
  const std::vector<std::string> second = {"/cart", "/about"};  // code 0 is another string
  std::vector<Chunk> chunks;
  chunks.push_back(MakeChunk({CodedColumn(first, {0, 1, 0, -1, 2})}));
  chunks.push_back(MakeChunk({CodedColumn(second, {0, 1, 1, -1})}));
  chunks.push_back(MakeChunk({CodedColumn(first, {2, 2, 0})}));
  chunks.push_back(MakeChunk({Column(Type::kString, {S("/home"), S("/new")})}));  // no codes
  auto rows = AggregateRows({0}, {Type::kString}, {CountStar()}, chunks);
  std::vector<std::vector<Value>> expected = {{N(Type::kString), I(2)}, {S("/about"), I(2)},
                                              {S("/cart"), I(2)},       {S("/checkout"), I(3)},
                                              {S("/home"), I(4)},       {S("/new"), I(1)}};
  EXPECT_EQ(rows, expected);
}

TEST(HashAggregator, CompositeKeys) {
  Chunk chunk = MakeChunk({
      Column(Type::kString, {S("a"), S("a"), S("b"), N(Type::kString), N(Type::kString), S("a")}),
      Column(Type::kInt64, {I(1), I(1), I(1), I(2), I(2), N(Type::kInt64)}),
      Column(Type::kInt64, {I(1), I(2), I(3), I(4), I(5), I(6)}),
  });
  auto rows = AggregateRows({0, 1}, {Type::kString, Type::kInt64},
                            {Agg("sum", {Type::kInt64}, {2})}, {chunk});
  std::vector<std::vector<Value>> expected = {{N(Type::kString), I(2), I(9)},
                                              {S("a"), N(Type::kInt64), I(6)},
                                              {S("a"), I(1), I(3)},
                                              {S("b"), I(1), I(3)}};
  EXPECT_EQ(rows, expected);
}

TEST(HashAggregator, IntervalBooleanTimestampAndNullTypedKeys) {
  // '1 mon' equals '30 days' (PostgreSQL compares intervals by total length).
  Chunk intervals = MakeChunk({Column(Type::kInterval, {Iv(1, 0, 0), Iv(0, 30, 0), Iv(0, 1, 0)})});
  auto rows = AggregateRows({0}, {Type::kInterval}, {CountStar()}, {intervals});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<Value>{Iv(0, 1, 0), I(1)}));
  EXPECT_EQ(rows[1][1], I(2));

  Chunk bools = MakeChunk({Column(Type::kBool, {B(true), B(false), B(true), N(Type::kBool)}),
                           Column(Type::kTimestamp, {T(5), T(5), T(7), T(7)})});
  rows = AggregateRows({0}, {Type::kBool}, {CountStar(), Agg("max", {Type::kTimestamp}, {1})},
                       {bools});
  std::vector<std::vector<Value>> expected = {
      {N(Type::kBool), I(1), T(7)}, {B(false), I(1), T(5)}, {B(true), I(2), T(7)}};
  EXPECT_EQ(rows, expected);
  rows = AggregateRows({1, 0}, {Type::kTimestamp, Type::kBool}, {CountStar()}, {bools});
  EXPECT_EQ(rows.size(), 4u);

  Vector nulls(Type::kNull);
  nulls.Resize(3);
  rows = AggregateRows({0}, {Type::kNull}, {CountStar()}, {MakeChunk({std::move(nulls)})});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][0].null);
  EXPECT_EQ(rows[0][1], I(3));
}

TEST(HashAggregator, FilterFeedsOnlyItsAggregate) {
  Chunk chunk = MakeChunk({
      Column(Type::kInt64, {I(1), I(2), I(3), I(4)}),
      Column(Type::kBool, {B(true), B(false), N(Type::kBool), B(true)}),
      Column(Type::kInt64, {I(7), I(7), I(8), I(7)}),
  });
  auto rows = AggregateRows(
      {2}, {Type::kInt64},
      {CountStar(1), Agg("sum", {Type::kInt64}, {0}, false, {}, 1), Agg("sum", {Type::kInt64}, {0}),
       CountStar(), Agg("count", {Type::kInt64}, {0}, true, {}, 1)},
      {chunk});
  std::vector<std::vector<Value>> expected = {{I(7), I(2), I(5), I(7), I(3), I(2)},
                                              {I(8), I(0), N(Type::kInt64), I(3), I(1), I(0)}};
  EXPECT_EQ(rows, expected);
}

TEST(HashAggregator, CountDistinctForEveryType) {
  const int64_t big = int64_t{1} << 40;
  Chunk chunk = MakeChunk({
      Column(Type::kInt64, {I(-1), I(-1), I(0), I(5), I(5), I(big), N(Type::kInt64)}),
      Column(Type::kFloat64, {F(0.0), F(-0.0), F(kNaN), F(kNaN), F(1), F(1), F(2)}),
      Column(Type::kString, {S("a"), S("a"), S("b"), N(Type::kString), S(""), S(""), S("b")}),
      Column(Type::kTimestamp, {T(1), T(2), T(1), T(-5), T(-5), T(2), T(3)}),
      Column(Type::kBool, {B(true), B(false), B(true), B(true), B(true), B(true), B(true)}),
      Column(Type::kInterval, {Iv(1, 0, 0), Iv(0, 30, 0), Iv(0, 1, 0), Iv(0, 0, 1), Iv(0, 0, 1),
                               N(Type::kInterval), Iv(0, 24, 0)}),
  });
  std::vector<AggregateSpec> specs;
  std::vector<Type> types = {Type::kInt64,     Type::kFloat64, Type::kString,
                             Type::kTimestamp, Type::kBool,    Type::kInterval};
  for (int c = 0; c < 6; ++c) specs.push_back(Agg("count", {types[c]}, {c}, true));
  auto rows = AggregateRows({}, {}, specs, {chunk});
  EXPECT_EQ(rows[0], (std::vector<Value>{I(4), I(4), I(3), I(4), I(2), I(4)}));
}

TEST(HashAggregator, LargeDistinctIntegerSetsMatchAReference) {
  // Group 0: dense ids (bitsets); 1: sparse 40-bit values and negatives (arrays, hash
  // set); 2: a medium range. Values arrive over many chunks, so buffered values are
  // flushed at many sizes.
  std::mt19937_64 rng(11);
  std::vector<std::set<int64_t>> expected(3);
  HashAggregator aggregator(
      {0}, {Type::kInt64},
      {Agg("count", {Type::kInt64}, {1}, true), Agg("sum", {Type::kInt64}, {1}, true)}, nullptr);
  for (int chunk = 0; chunk < 100; ++chunk) {
    Vector keys(Type::kInt64);
    Vector values(Type::kInt64);
    for (int i = 0; i < 4096; ++i) {
      int64_t g = static_cast<int64_t>(rng() % 3);
      int64_t v = g == 0 ? static_cast<int64_t>(rng() % 50'000)
                  : g == 1
                      ? static_cast<int64_t>(rng() % (int64_t{1} << 40)) * (rng() % 4 == 0 ? -1 : 1)
                      : static_cast<int64_t>(rng() % (1 << 20));
      keys.i64.push_back(g);
      values.i64.push_back(v);
      expected[g].insert(v);
    }
    ASSERT_TRUE(aggregator.Consume(MakeChunk({std::move(keys), std::move(values)})).ok());
  }
  std::vector<Chunk> out;
  ASSERT_TRUE(aggregator.Finish(&out).ok());
  auto rows = testing::Rows(out);
  std::sort(rows.begin(), rows.end(), testing::RowLess);
  ASSERT_EQ(rows.size(), 3u);
  for (size_t g = 0; g < 3; ++g) {
    int64_t sum = 0;
    for (int64_t v : expected[g]) sum += v;
    EXPECT_EQ(rows[g][1], I(static_cast<int64_t>(expected[g].size()))) << g;
    EXPECT_EQ(rows[g][2], I(sum)) << g;
  }
}

TEST(HashAggregator, AggregatesOverDistinctValues) {
  Chunk chunk = MakeChunk({
      Column(Type::kInt64, {I(1), I(1), I(2), I(-3), I(-3), I(1)}),
      Column(Type::kFloat64, {F(0.5), F(0.5), F(1.5), F(2), F(2), F(0.5)}),
      Column(Type::kString, {S("c"), S("a"), S("c"), S("b"), S("a"), S("a")}),
      Column(Type::kInt64, {I(1), I(1), I(1), I(1), I(2), I(2)}),
  });
  auto rows = AggregateRows(
      {3}, {Type::kInt64},
      {Agg("sum", {Type::kInt64}, {0}, true), Agg("avg", {Type::kFloat64}, {1}, true),
       Agg("string_agg", {Type::kString}, {2}, true, {S(",")}),
       Agg("count", {Type::kString}, {2}, true), Agg("median", {Type::kInt64}, {0}, true),
       Agg("var_pop", {Type::kInt64}, {0}, true), Agg("max", {Type::kInt64}, {0}, true)},
      {chunk});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], I(0));  // 1 + 2 - 3
  ExpectNear(rows[0][2], (0.5 + 1.5 + 2) / 3);
  EXPECT_EQ(rows[0][3], S("a,b,c"));  // distinct values in ascending order
  EXPECT_EQ(rows[0][4], I(3));
  ExpectNear(rows[0][5], 1);
  ExpectNear(rows[0][6], 14.0 / 3);  // values -3, 1, 2: mean 0, squares 9 + 1 + 4
  EXPECT_EQ(rows[0][7], I(2));
  EXPECT_EQ(rows[1][1], I(-2));
  EXPECT_EQ(rows[1][3], S("a"));
}

TEST(HashAggregator, Quantiles) {
  std::vector<Value> values;
  for (int i = 10; i >= 1; --i) values.push_back(I(i));
  values.push_back(N(Type::kInt64));
  Chunk chunk = MakeChunk({Column(Type::kInt64, values)});
  auto rows = AggregateRows({}, {},
                            {Agg("percentile_cont", {Type::kInt64}, {0}, false, {F(0.25)}),
                             Agg("median", {Type::kInt64}, {0}),
                             Agg("percentile_disc", {Type::kInt64}, {0}, false, {F(0.25)}),
                             Agg("quantile", {Type::kInt64}, {0}, false, {F(0)}),
                             Agg("quantile", {Type::kInt64}, {0}, false, {F(1)}),
                             Agg("percentile_disc", {Type::kInt64}, {0}, false, {F(0)}),
                             Agg("percentile_disc", {Type::kInt64}, {0}, false, {F(1)}),
                             Agg("quantile", {Type::kInt64}, {0}, false, {N(Type::kFloat64)}),
                             Agg("percentile_cont", {Type::kInt64}, {0}, false, {F(0.95)})},
                            {chunk});
  const auto& r = rows[0];
  ExpectNear(r[0], 3.25);
  ExpectNear(r[1], 5.5);
  ExpectNear(r[2], 3);
  ExpectNear(r[3], 1);
  ExpectNear(r[4], 10);
  ExpectNear(r[5], 1);
  ExpectNear(r[6], 10);
  EXPECT_TRUE(r[7].null);
  ExpectNear(r[8], 9.55);
}

TEST(HashAggregator, MinMaxOrders) {
  Chunk chunk = MakeChunk({
      Column(Type::kFloat64, {F(1), F(kNaN), F(-2), F(-0.0)}),
      Column(Type::kString, {S("z"), S("\xc3\xa9"), S("a"), S("")}),
      Column(Type::kInterval, {Iv(1, 0, 0), Iv(0, 29, 0), Iv(0, 31, 0), Iv(0, 0, -1)}),
      Column(Type::kTimestamp, {T(5), T(-5), T(7), N(Type::kTimestamp)}),
  });
  std::vector<AggregateSpec> specs;
  std::vector<Type> types = {Type::kFloat64, Type::kString, Type::kInterval, Type::kTimestamp};
  for (int c = 0; c < 4; ++c) {
    specs.push_back(Agg("min", {types[c]}, {c}));
    specs.push_back(Agg("max", {types[c]}, {c}));
  }
  auto rows = AggregateRows({}, {}, specs, {chunk});
  const auto& r = rows[0];
  EXPECT_EQ(r[0], F(-2));
  EXPECT_TRUE(std::isnan(r[1].f));  // NaN sorts above every number
  EXPECT_EQ(r[2], S(""));
  EXPECT_EQ(r[3], S("\xc3\xa9"));  // byte-wise: 0xc3 > 'z'
  EXPECT_EQ(r[4], Iv(0, 0, -1));
  EXPECT_EQ(r[5], Iv(0, 31, 0));  // 31 days > 1 month (30 days) > 29 days
  EXPECT_EQ(r[6], T(-5));
  EXPECT_EQ(r[7], T(7));
}

TEST(HashAggregator, ApproxCountDistinctPerGroup) {
  // Group g holds values 0 .. sizes[g] - 1, each twice.
  const std::vector<int64_t> sizes = {1, 100, 5000, 200000};
  HashAggregator aggregator({0}, {Type::kInt64},
                            {Agg("approx_count_distinct", {Type::kInt64}, {1}),
                             Agg("approx_count_distinct", {Type::kString}, {2})},
                            nullptr);
  for (int64_t g = 0; g < static_cast<int64_t>(sizes.size()); ++g) {
    for (int64_t begin = 0; begin < 2 * sizes[g]; begin += 4096) {
      std::vector<Value> keys, values, texts;
      for (int64_t i = begin; i < std::min(begin + 4096, 2 * sizes[g]); ++i) {
        keys.push_back(I(g));
        values.push_back(I(i % sizes[g]));
        texts.push_back(S("user-" + std::to_string(i % sizes[g])));
      }
      ASSERT_TRUE(aggregator
                      .Consume(MakeChunk({Column(Type::kInt64, keys), Column(Type::kInt64, values),
                                          Column(Type::kString, texts)}))
                      .ok());
    }
  }
  std::vector<Chunk> out;
  ASSERT_TRUE(aggregator.Finish(&out).ok());
  auto rows = testing::Rows(out);
  std::sort(rows.begin(), rows.end(), testing::RowLess);
  for (size_t g = 0; g < sizes.size(); ++g) {
    for (int c = 1; c <= 2; ++c) {
      double estimate = static_cast<double>(rows[g][c].i);
      EXPECT_NEAR(estimate, static_cast<double>(sizes[g]), 0.025 * static_cast<double>(sizes[g]))
          << "group " << g << " column " << c;
    }
  }
  EXPECT_EQ(rows[0][1], I(1));
}

TEST(HashAggregator, ManyGroupsComeOutInBoundedChunks) {
  std::vector<Value> keys;
  for (int i = 0; i < 10000; ++i) keys.push_back(I(i * 7919 % 10007));
  HashAggregator aggregator({0}, {Type::kInt64}, {CountStar()}, nullptr);
  ASSERT_TRUE(aggregator.Consume(MakeChunk({Column(Type::kInt64, keys)})).ok());
  EXPECT_EQ(aggregator.groups(), 10000u);
  std::vector<Chunk> out;
  ASSERT_TRUE(aggregator.Finish(&out).ok());
  size_t total = 0;
  for (const Chunk& c : out) {
    EXPECT_LE(c.rows, kChunkRows);
    EXPECT_EQ(c.columns.size(), 2u);
    total += c.rows;
  }
  EXPECT_EQ(total, 10000u);
}

TEST(HashAggregator, OutputStringsOutliveInputsAndAggregator) {
  std::string bytes = "alphabetagamma";
  std::vector<Chunk> out;
  {
    Vector key(Type::kString);
    key.str = {std::string_view(bytes).substr(0, 5), std::string_view(bytes).substr(5, 4),
               std::string_view(bytes).substr(0, 5)};
    Vector text(Type::kString);
    text.str = {std::string_view(bytes).substr(9, 5), std::string_view(bytes).substr(5, 4),
                std::string_view(bytes).substr(0, 5)};
    Chunk chunk = MakeChunk({std::move(key), std::move(text)});
    HashAggregator aggregator({0, 1}, {Type::kString, Type::kString},
                              {Agg("min", {Type::kString}, {1}), Agg("max", {Type::kString}, {1}),
                               Agg("string_agg", {Type::kString}, {1}, false, {S("+")}),
                               Agg("string_agg", {Type::kString}, {1}, true, {S("-")})},
                              nullptr);
    ASSERT_TRUE(aggregator.Consume(chunk).ok());
    bytes.assign(bytes.size(), '#');  // the input's memory goes away
    ASSERT_TRUE(aggregator.Finish(&out).ok());
  }
  auto rows = testing::Rows(out);
  std::sort(rows.begin(), rows.end(), testing::RowLess);
  std::vector<std::vector<Value>> expected = {
      {S("alpha"), S("alpha"), S("alpha"), S("alpha"), S("alpha"), S("alpha")},
      {S("alpha"), S("gamma"), S("gamma"), S("gamma"), S("gamma"), S("gamma")},
      {S("beta"), S("beta"), S("beta"), S("beta"), S("beta"), S("beta")}};
  EXPECT_EQ(rows, expected);
}

TEST(HashAggregator, MemoryBudgetExceededIsAnErrorAndReleasedAfterwards) {
  MemoryBudget budget(4 << 20);
  {
    HashAggregator aggregator({0}, {Type::kInt64},
                              {CountStar(), Agg("count", {Type::kInt64}, {0}, true)}, &budget);
    absl::Status status;
    for (int64_t begin = 0; status.ok() && begin < 10'000'000; begin += 4096) {
      Vector keys(Type::kInt64);
      for (int64_t i = begin; i < begin + 4096; ++i) keys.i64.push_back(i);
      status = aggregator.Consume(MakeChunk({std::move(keys)}));
    }
    EXPECT_EQ(SqlStateOf(status), "54000");
    EXPECT_GT(budget.used(), 0u);
  }
  EXPECT_EQ(budget.used(), 0u);

  // Kept quantile values count too.
  {
    HashAggregator aggregator({}, {}, {Agg("median", {Type::kFloat64}, {0})}, &budget);
    absl::Status status;
    for (int i = 0; status.ok() && i < 1000; ++i) {
      Vector values(Type::kFloat64);
      values.f64.assign(4096, 1.0);
      status = aggregator.Consume(MakeChunk({std::move(values)}));
    }
    EXPECT_EQ(SqlStateOf(status), "54000");
  }
  EXPECT_EQ(budget.used(), 0u);

  // A budget that fits keeps working.
  MemoryBudget roomy(64 << 20);
  HashAggregator aggregator({0}, {Type::kInt64}, {CountStar()}, &roomy);
  Vector keys(Type::kInt64);
  for (int64_t i = 0; i < 4096; ++i) keys.i64.push_back(i % 10);
  EXPECT_TRUE(aggregator.Consume(MakeChunk({std::move(keys)})).ok());
  EXPECT_GT(roomy.used(), 0u);
}

TEST(HashAggregator, RejectsColumnsOfTheWrongType) {
  HashAggregator aggregator({0}, {Type::kInt64}, {Agg("sum", {Type::kInt64}, {1})}, nullptr);
  Chunk chunk = MakeChunk({Column(Type::kString, {S("x")}), Column(Type::kInt64, {I(1)})});
  EXPECT_EQ(SqlStateOf(aggregator.Consume(chunk)), "XX000");
}

}  // namespace
}  // namespace strata::query
