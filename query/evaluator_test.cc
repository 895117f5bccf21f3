// The vectorized evaluator: NULL handling, three-valued logic, lazy evaluation of AND /
// CASE / COALESCE, Select with selection vectors, the dictionary-code fast paths (which
// must agree with the plain paths), LIKE, and scratch reuse across chunks.
#include "query/evaluator.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "query/error.h"
#include "query/expr.h"
#include "query/expr_test_util.h"
#include "query/functions.h"
#include "query/like.h"

namespace strata::query {
namespace {

using testing::Args;
using testing::Bool;
using testing::Coded;
using testing::Ctx;
using testing::Dbl;
using testing::EvalTexts;
using testing::Int;
using testing::Ints;
using testing::Iv;
using testing::MakeChunk;
using testing::Null;
using testing::SelectRows;
using testing::Str;
using testing::Strings;
using testing::TsUs;

using Texts = std::vector<std::string>;
using Rows = std::vector<uint32_t>;

ExprPtr Col(int c, Type t, const char* name = "c") { return MakeColumn(c, t, name); }

ExprPtr Must(absl::StatusOr<ExprPtr> e) {
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : MakeConstant(Value::Null());
}

ExprPtr CallE(std::string_view name, std::vector<ExprPtr> args, const ExprContext& ctx = Ctx()) {
  return Must(MakeCall(name, std::move(args), ctx));
}

TEST(EvaluatorTest, StrictFunctionsPropagateNulls) {
  Chunk c = MakeChunk({Ints({1, std::nullopt, 3, 4}), Ints({10, 20, std::nullopt, 0})});
  EXPECT_EQ(EvalTexts(*CallE("+", Args(Col(0, Type::kInt64), Col(1, Type::kInt64))), c),
            (Texts{"11", "NULL", "NULL", "4"}));
  // The NULL row's divisor slot holds 0: no division by zero for it.
  Chunk d = MakeChunk({Ints({10, 20}), Ints({2, std::nullopt})});
  d.columns[1].i64[1] = 0;
  EXPECT_EQ(EvalTexts(*CallE("/", Args(Col(0, Type::kInt64), Col(1, Type::kInt64))), d),
            (Texts{"5", "NULL"}));
  EXPECT_EQ(EvalTexts(*CallE("/", Args(Col(0, Type::kInt64), Col(1, Type::kInt64))), c),
            (Texts{"ERROR 22012: division by zero"}));
  Chunk s = MakeChunk({Strings({"AbC", std::nullopt, ""})});
  EXPECT_EQ(EvalTexts(*CallE("lower", Args(Col(0, Type::kString))), s), (Texts{"abc", "NULL", ""}));
  EXPECT_EQ(EvalTexts(*CallE("length", Args(Col(0, Type::kString))), s), (Texts{"3", "NULL", "0"}));
  EXPECT_EQ(EvalTexts(*CallE("concat", Args(Col(0, Type::kString), Str("!"))), s),
            (Texts{"AbC!", "!", "!"}));
}

TEST(EvaluatorTest, OverflowOnlyCountsNonNullRows) {
  Chunk c = MakeChunk({Ints({1, std::nullopt})});
  c.columns[0].i64[1] = INT64_MAX;  // the NULL row's slot
  EXPECT_EQ(EvalTexts(*CallE("+", Args(Col(0, Type::kInt64), Int(1))), c), (Texts{"2", "NULL"}));
  Chunk big = MakeChunk({Ints({1, INT64_MAX})});
  EXPECT_EQ(EvalTexts(*CallE("+", Args(Col(0, Type::kInt64), Int(1))), big),
            (Texts{"ERROR 22003: bigint out of range"}));
}

TEST(EvaluatorTest, ThreeValuedLogic) {
  // Every combination of TRUE, FALSE, NULL.
  std::vector<std::optional<int64_t>> a, b;
  for (auto x : {std::optional<int64_t>(1), std::optional<int64_t>(0), std::optional<int64_t>()}) {
    for (auto y :
         {std::optional<int64_t>(1), std::optional<int64_t>(0), std::optional<int64_t>()}) {
      a.push_back(x);
      b.push_back(y);
    }
  }
  Chunk c = MakeChunk({Ints(a, Type::kBool), Ints(b, Type::kBool)});
  ExprContext ctx = Ctx();
  auto and_e = Must(MakeAnd(Args(Col(0, Type::kBool, "a"), Col(1, Type::kBool, "b")), ctx));
  auto or_e = Must(MakeOr(Args(Col(0, Type::kBool, "a"), Col(1, Type::kBool, "b")), ctx));
  auto not_e = Must(MakeNot(Col(0, Type::kBool, "a"), ctx));
  EXPECT_EQ(EvalTexts(*and_e, c), (Texts{"t", "f", "NULL", "f", "f", "f", "NULL", "f", "NULL"}));
  EXPECT_EQ(EvalTexts(*or_e, c), (Texts{"t", "t", "t", "t", "f", "NULL", "t", "NULL", "NULL"}));
  EXPECT_EQ(EvalTexts(*not_e, c), (Texts{"f", "f", "f", "t", "t", "t", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(SelectRows(*and_e, c), (Rows{0}));
  EXPECT_EQ(SelectRows(*or_e, c), (Rows{0, 1, 2, 3, 6}));
  EXPECT_EQ(SelectRows(*not_e, c), (Rows{3, 4, 5}));
  auto is_null = Must(MakeIsNull(Col(0, Type::kBool, "a"), false));
  auto not_null = Must(MakeIsNull(Col(0, Type::kBool, "a"), true));
  EXPECT_EQ(SelectRows(*is_null, c), (Rows{6, 7, 8}));
  EXPECT_EQ(EvalTexts(*not_null, c), (Texts{"t", "t", "t", "t", "t", "t", "f", "f", "f"}));
  EXPECT_EQ(SelectRows(*Col(0, Type::kBool), c), (Rows{0, 1, 2}));
}

TEST(EvaluatorTest, LaterConjunctsOnlySeeLiveRows) {
  ExprContext ctx = Ctx();
  Chunk c = MakeChunk({Ints({5, 0, 20, 0, 1})});
  // x <> 0 AND 10 / x > 1: x = 0 never reaches the division.
  auto guard = Must(
      MakeAnd(Args(CallE("<>", Args(Col(0, Type::kInt64, "x"), Int(0))),
                   CallE(">", Args(CallE("/", Args(Int(10), Col(0, Type::kInt64, "x"))), Int(1)))),
              ctx));
  EXPECT_EQ(SelectRows(*guard, c), (Rows{0, 4}));
  EXPECT_EQ(EvalTexts(*guard, c), (Texts{"t", "f", "f", "f", "t"}));
  auto or_guard = Must(
      MakeOr(Args(CallE("=", Args(Col(0, Type::kInt64, "x"), Int(0))),
                  CallE("<", Args(CallE("/", Args(Int(10), Col(0, Type::kInt64, "x"))), Int(1)))),
             ctx));
  EXPECT_EQ(SelectRows(*or_guard, c), (Rows{1, 2, 3}));
  EXPECT_EQ(EvalTexts(*or_guard, c), (Texts{"f", "t", "t", "t", "f"}));
  // CASE evaluates each branch only for its rows.
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;
  whens.emplace_back(CallE("=", Args(Col(0, Type::kInt64, "x"), Int(0))), Int(-1));
  auto safe = Must(MakeCase(nullptr, std::move(whens),
                            CallE("/", Args(Int(100), Col(0, Type::kInt64, "x"))), ctx));
  EXPECT_EQ(EvalTexts(*safe, c), (Texts{"20", "-1", "5", "-1", "100"}));
  // COALESCE evaluates the fallback only where the first argument is NULL.
  Chunk n = MakeChunk({Ints({1, std::nullopt, 3}), Ints({0, 5, 0})});
  auto co = Must(MakeCoalesce(
      Args(Col(0, Type::kInt64), CallE("/", Args(Int(10), Col(1, Type::kInt64)))), ctx));
  EXPECT_EQ(EvalTexts(*co, n), (Texts{"1", "2", "3"}));
}

TEST(EvaluatorTest, CaseAndCoalesceWithStrings) {
  ExprContext ctx = Ctx();
  Chunk c = MakeChunk({Ints({1, 2, 3, std::nullopt}), Strings({"a", std::nullopt, "c", "d"})});
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;
  whens.emplace_back(CallE("=", Args(Col(0, Type::kInt64), Int(1))), Str("one"));
  whens.emplace_back(CallE("=", Args(Col(0, Type::kInt64), Int(2))), Col(1, Type::kString));
  auto e =
      Must(MakeCase(nullptr, std::move(whens), CallE("upper", Args(Col(1, Type::kString))), ctx));
  EXPECT_EQ(EvalTexts(*e, c), (Texts{"one", "NULL", "C", "D"}));
  auto co = Must(MakeCoalesce(Args(Col(1, Type::kString), Str("none")), ctx));
  EXPECT_EQ(EvalTexts(*co, c), (Texts{"a", "none", "c", "d"}));
  std::vector<std::pair<ExprPtr, ExprPtr>> no_else;
  no_else.emplace_back(CallE(">", Args(Col(0, Type::kInt64), Int(2))), Dbl(0.5));
  auto partial = Must(MakeCase(nullptr, std::move(no_else), nullptr, ctx));
  EXPECT_EQ(EvalTexts(*partial, c), (Texts{"NULL", "NULL", "0.5", "NULL"}));
  std::vector<std::pair<ExprPtr, ExprPtr>> nulls;
  nulls.emplace_back(CallE(">", Args(Col(0, Type::kInt64), Int(2))), Null());
  auto all_null = Must(MakeCase(nullptr, std::move(nulls), nullptr, ctx));
  EXPECT_EQ(EvalTexts(*all_null, c), (Texts{"NULL", "NULL", "NULL", "NULL"}));
}

TEST(EvaluatorTest, InLists) {
  ExprContext ctx = Ctx();
  Chunk c = MakeChunk({Ints({1, 2, 3, std::nullopt}), Strings({"a", "b", "z", std::nullopt})});
  auto in = Must(MakeIn(Col(0, Type::kInt64), Args(Int(1), Int(3)), false, ctx));
  EXPECT_EQ(EvalTexts(*in, c), (Texts{"t", "f", "t", "NULL"}));
  EXPECT_EQ(SelectRows(*in, c), (Rows{0, 2}));
  auto not_in = Must(MakeIn(Col(0, Type::kInt64), Args(Int(1), Int(3)), true, ctx));
  EXPECT_EQ(EvalTexts(*not_in, c), (Texts{"f", "t", "f", "NULL"}));
  EXPECT_EQ(SelectRows(*not_in, c), (Rows{1}));
  auto with_null = Must(MakeIn(Col(0, Type::kInt64), Args(Int(1), Null()), false, ctx));
  EXPECT_EQ(EvalTexts(*with_null, c), (Texts{"t", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(SelectRows(*with_null, c), (Rows{0}));
  auto not_with_null = Must(MakeIn(Col(0, Type::kInt64), Args(Int(1), Null()), true, ctx));
  EXPECT_EQ(EvalTexts(*not_with_null, c), (Texts{"f", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(SelectRows(*not_with_null, c), (Rows{}));
  // A long list is hashed.
  std::vector<ExprPtr> many;
  for (int i = 3; i < 40; ++i) many.push_back(Int(i));
  auto big = Must(MakeIn(Col(0, Type::kInt64), std::move(many), false, ctx));
  EXPECT_EQ(SelectRows(*big, c), (Rows{2}));
  auto strs = Must(MakeIn(Col(1, Type::kString), Args(Str("b"), Str("z")), false, ctx));
  EXPECT_EQ(EvalTexts(*strs, c), (Texts{"f", "t", "t", "NULL"}));
  auto floats = Must(MakeIn(Col(0, Type::kInt64), Args(Dbl(2.0), Dbl(2.5)), false, ctx));
  EXPECT_EQ(EvalTexts(*floats, c), (Texts{"f", "t", "f", "NULL"}));
  // Items that are not constants: x IN (y, 3).
  Chunk xy = MakeChunk({Ints({1, 2, 3, 4}), Ints({1, 5, std::nullopt, std::nullopt})});
  auto dynamic = Must(MakeIn(Col(0, Type::kInt64), Args(Col(1, Type::kInt64), Int(3)), false, ctx));
  EXPECT_EQ(EvalTexts(*dynamic, xy), (Texts{"t", "f", "t", "NULL"}));
  EXPECT_EQ(SelectRows(*dynamic, xy), (Rows{0, 2}));
}

TEST(EvaluatorTest, ComparisonsAgainstConstantsOnEitherSide) {
  Chunk c =
      MakeChunk({Ints({1, 5, 9, std::nullopt}), testing::Doubles({1.5, std::nan(""), -1, 2})});
  EXPECT_EQ(SelectRows(*CallE("<", Args(Int(4), Col(0, Type::kInt64))), c), (Rows{1, 2}));
  EXPECT_EQ(SelectRows(*CallE(">=", Args(Col(0, Type::kInt64), Int(5))), c), (Rows{1, 2}));
  EXPECT_EQ(EvalTexts(*CallE("<>", Args(Col(0, Type::kInt64), Int(5))), c),
            (Texts{"t", "f", "t", "NULL"}));
  EXPECT_EQ(SelectRows(*CallE(">", Args(Col(1, Type::kFloat64), Dbl(1.0))), c), (Rows{0, 1, 3}));
  EXPECT_EQ(SelectRows(*CallE("=", Args(Col(1, Type::kFloat64), Dbl(std::nan("")))), c), (Rows{1}));
  // Mixed bigint / double compares as double.
  EXPECT_EQ(SelectRows(*CallE("<", Args(Col(0, Type::kInt64), Col(1, Type::kFloat64))), c),
            (Rows{0, 1}));
  // A computed subject: x * 2 > 9.
  EXPECT_EQ(
      SelectRows(*CallE(">", Args(CallE("*", Args(Col(0, Type::kInt64), Int(2))), Int(9))), c),
      (Rows{1, 2}));
}

TEST(EvaluatorTest, TimestampsAndIntervals) {
  ExprContext ctx = Ctx("Europe/Berlin");
  Vector ts(Type::kTimestamp);
  for (const char* t : {"2026-03-28 11:00", "2026-10-24 10:00", "2026-11-01 00:00"}) {
    ts.Append(Value::Timestamp(TsUs(t)));
  }
  Vector iv(Type::kInterval);
  for (Interval x : {Interval{0, 1, 0}, Interval{1, 0, 0}, Interval{0, 0, 3'600'000'000}}) {
    iv.Append(Value::IntervalOf(x));
  }
  Chunk c = MakeChunk({ts, iv});
  EXPECT_EQ(
      EvalTexts(*CallE("+", Args(Col(0, Type::kTimestamp), Col(1, Type::kInterval)), ctx), c, ctx),
      (Texts{"2026-03-29 12:00:00+02", "2026-11-24 12:00:00+01", "2026-11-01 02:00:00+01"}));
  EXPECT_EQ(
      EvalTexts(*CallE("-", Args(Col(0, Type::kTimestamp), Iv(0, 0, 3'600'000'000)), ctx), c, ctx),
      (Texts{"2026-03-28 11:00:00+01", "2026-10-24 11:00:00+02", "2026-11-01 00:00:00+01"}));
  EXPECT_EQ(SelectRows(*CallE(">=", Args(Col(0, Type::kTimestamp), Str("2026-10-24 12:00")), ctx),
                       c, ctx),
            (Rows{1, 2}));
  EXPECT_EQ(
      EvalTexts(*CallE("date_part", Args(Str("hour"), Col(0, Type::kTimestamp)), ctx), c, ctx),
      (Texts{"12", "12", "1"}));
  EXPECT_EQ(
      EvalTexts(*CallE("time_bucket", Args(Str("1 hour"), Col(0, Type::kTimestamp)), ctx), c, ctx),
      (Texts{"2026-03-28 12:00:00+01", "2026-10-24 12:00:00+02", "2026-11-01 01:00:00+01"}));
  EXPECT_EQ(SelectRows(*CallE(">", Args(Col(1, Type::kInterval), Str("1 day")), ctx), c, ctx),
            (Rows{1}));
}

TEST(EvaluatorTest, CastsOnVectors) {
  Chunk c = MakeChunk({Strings({"1", " 2 ", std::nullopt})});
  auto e = Must(MakeCast(Col(0, Type::kString), Type::kInt64, Ctx()));
  EXPECT_EQ(EvalTexts(*e, c), (Texts{"1", "2", "NULL"}));
  Chunk bad = MakeChunk({Strings({"1", "x"})});
  EXPECT_EQ(EvalTexts(*e, bad),
            (Texts{"ERROR 22P02: invalid input syntax for type bigint: \"x\""}));
  Chunk ts = MakeChunk({Ints({TsUs("2026-11-01")}, Type::kTimestamp)});
  auto text = Must(MakeCast(Col(0, Type::kTimestamp), Type::kString, Ctx("America/New_York")));
  EXPECT_EQ(EvalTexts(*text, ts, Ctx("America/New_York")), (Texts{"2026-10-31 20:00:00-04"}));
}

TEST(EvaluatorTest, PerRowPatternsAndFields) {
  ExprContext ctx = Ctx();
  Chunk c = MakeChunk({Strings({"apple", "banana", "cherry", std::nullopt}),
                       Strings({"a%", "%an%", "x%", "%"}), Strings({"^a", "n{2}", "r+y$", "."})});
  auto like = Must(MakeLike(Col(0, Type::kString), Col(1, Type::kString), false, false, ctx));
  EXPECT_EQ(EvalTexts(*like, c), (Texts{"t", "t", "f", "NULL"}));
  EXPECT_EQ(SelectRows(*like, c), (Rows{0, 1}));
  auto re = CallE("regexp_like", Args(Col(0, Type::kString), Col(2, Type::kString)));
  EXPECT_EQ(EvalTexts(*re, c), (Texts{"t", "f", "t", "NULL"}));
  Chunk bad = MakeChunk({Strings({"a"}), Strings({"a\\"}), Strings({"("})});
  EXPECT_EQ(EvalTexts(*like, bad),
            (Texts{"ERROR 22025: LIKE pattern must not end with escape character"}));
  EXPECT_EQ(EvalTexts(*re, bad)[0].substr(0, 14), "ERROR 2201B: i");
  Chunk fields = MakeChunk(
      {Strings({"hour", "day", "week"}),
       Ints({TsUs("2026-11-04 13:14:15"), TsUs("2026-11-04 13:14:15"), TsUs("2026-11-04 13:14:15")},
            Type::kTimestamp)});
  auto trunc = CallE("date_trunc", Args(Col(0, Type::kString), Col(1, Type::kTimestamp)));
  EXPECT_EQ(EvalTexts(*trunc, fields),
            (Texts{"2026-11-04 13:00:00+00", "2026-11-04 00:00:00+00", "2026-11-02 00:00:00+00"}));
  auto sub = CallE("substr", Args(Col(0, Type::kString), Int(2), Int(2)));
  EXPECT_EQ(EvalTexts(*sub, fields), (Texts{"ou", "ay", "ee"}));
  Chunk json =
      MakeChunk({Strings({R"({"plan":"pro","qty":3})", R"({"qty":"x\"y"})", "{}", std::nullopt})});
  auto get = CallE("json_get_text", Args(Col(0, Type::kString), Str("qty")));
  EXPECT_EQ(EvalTexts(*get, json), (Texts{"3", "x\"y", "NULL", "NULL"}));
}

TEST(EvaluatorTest, ResultsOutliveTheirInput) {
  // Views into input strings keep the input's heaps alive.
  ExprContext ctx = Ctx();
  auto e = CallE("substr", Args(Col(0, Type::kString), Int(2)));
  ExprEvaluator ev(ctx);
  Vector out;
  {
    Chunk c = MakeChunk({Strings({"hello", "world"})});
    ASSERT_TRUE(ev.Eval(*e, c, &out).ok());
  }
  EXPECT_EQ(testing::Texts(out), (Texts{"ello", "orld"}));
}

TEST(EvaluatorTest, EvaluatorIsReusedAcrossChunks) {
  ExprContext ctx = Ctx();
  auto e = Must(MakeAnd(Args(CallE(">", Args(Col(0, Type::kInt64), Int(2))),
                             CallE("=", Args(Col(1, Type::kString), Str("x")))),
                        ctx));
  auto upper = CallE("upper", Args(Col(1, Type::kString)));
  ExprEvaluator ev(ctx);
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    size_t n = rng() % 50;
    std::vector<std::optional<int64_t>> xs;
    std::vector<std::optional<std::string>> ss;
    Rows want;
    Texts want_upper;
    for (size_t r = 0; r < n; ++r) {
      int64_t x = static_cast<int64_t>(rng() % 5);
      std::string s = rng() % 2 ? "x" : "y";
      xs.push_back(x);
      ss.push_back(s);
      if (x > 2 && s == "x") want.push_back(static_cast<uint32_t>(r));
      want_upper.push_back(s == "x" ? "X" : "Y");
    }
    Chunk c = MakeChunk({Ints(xs), Strings(ss)});
    c.rows = n;
    Rows sel;
    ASSERT_TRUE(ev.Select(*e, c, &sel).ok());
    EXPECT_EQ(sel, want);
    Vector out;
    ASSERT_TRUE(ev.Eval(*upper, c, &out).ok());
    EXPECT_EQ(testing::Texts(out), want_upper);
  }
}

TEST(EvaluatorTest, ConstantsColumnsAndEmptyChunks) {
  ExprContext ctx = Ctx();
  Chunk c = MakeChunk({Ints({1, 2, 3})});
  EXPECT_EQ(EvalTexts(*Int(7), c), (Texts{"7", "7", "7"}));
  EXPECT_EQ(EvalTexts(*Str("s"), c), (Texts{"s", "s", "s"}));
  EXPECT_EQ(EvalTexts(*Col(0, Type::kInt64), c), (Texts{"1", "2", "3"}));
  EXPECT_EQ(SelectRows(*Bool(true), c), (Rows{0, 1, 2}));
  EXPECT_EQ(SelectRows(*Bool(false), c), (Rows{}));
  EXPECT_EQ(SelectRows(*MakeConstant(Value::Null(Type::kBool)), c), (Rows{}));
  Chunk empty = MakeChunk({Ints({})});
  EXPECT_EQ(EvalTexts(*CallE("/", Args(Int(1), Col(0, Type::kInt64))), empty), (Texts{}));
  EXPECT_EQ(SelectRows(*CallE("=", Args(Col(0, Type::kInt64), Int(1))), empty), (Rows{}));
  ExprEvaluator ev(ctx);
  Rows sel;
  absl::Status s = ev.Select(*Col(0, Type::kInt64), c, &sel);
  EXPECT_EQ(testing::ErrorText(s),
            "ERROR 42804: argument of WHERE must be type boolean, not type bigint");
  auto not_constant = EvaluateConstant(*Col(0, Type::kInt64), ctx);
  EXPECT_EQ(SqlStateOf(not_constant.status()), "XX000");
  auto folded = EvaluateConstant(*CallE("+", Args(Col(0, Type::kInt64), Int(1))), ctx);
  EXPECT_FALSE(folded.ok());
}

TEST(EvaluatorTest, EveryKernelSkipsNullRows) {
  // For every overload: row 0 has every argument NULL, row k has argument k-1 NULL and
  // harmless-looking values elsewhere (0 divisors, zero-width buckets, unknown units). A
  // strict function must give NULL everywhere without failing; others must not fail.
  auto sample = [](Type t) {
    switch (t) {
      case Type::kBool:
        return Value::Bool(true);
      case Type::kInt64:
        return Value::Int(0);
      case Type::kFloat64:
        return Value::Float(0);
      case Type::kString:
        return Value::String("zz");
      case Type::kTimestamp:
        return Value::Timestamp(0);
      case Type::kInterval:
        return Value::IntervalOf(Interval{});
      case Type::kNull:
        break;
    }
    return Value::Null();
  };
  ExprContext ctx = Ctx();
  size_t checked = 0;
  for (const ScalarFunction* f : FunctionRegistry::Get().All()) {
    const size_t nargs = f->arg_types.size();
    if (nargs == 0) continue;
    std::vector<Vector> columns;
    std::vector<ExprPtr> args;
    for (size_t j = 0; j < nargs; ++j) {
      Type t = f->arg_types[j];
      Vector v(t);
      v.Append(Value::Null(t));
      for (size_t row = 1; row <= nargs; ++row) {
        v.Append(row - 1 == j ? Value::Null(t) : sample(t));
      }
      columns.push_back(std::move(v));
      args.push_back(MakeColumn(static_cast<int>(j), t, "a"));
    }
    Chunk chunk = MakeChunk(std::move(columns));
    auto e = MakeCall(f->name, std::move(args), ctx);
    ASSERT_TRUE(e.ok()) << f->name << ": " << e.status();
    ASSERT_EQ((*e)->fn, f) << f->name;
    auto got = EvalTexts(**e, chunk, ctx);
    ASSERT_EQ(got.size(), nargs + 1) << f->name << ": " << got[0];
    if (f->strict) {
      for (const std::string& cell : got) EXPECT_EQ(cell, "NULL") << f->name;
    }
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

// ---------------------------------------------------------------------------------------
// LIKE

bool Like(const char* s, const char* pattern, bool ci = false) {
  auto m = LikeMatcher::Compile(pattern, ci);
  EXPECT_TRUE(m.ok()) << pattern;
  return m.ok() && m->Matches(s);
}

TEST(LikeTest, EdgeCases) {
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("a", ""));
  EXPECT_TRUE(Like("", "%"));
  EXPECT_TRUE(Like("anything", "%%"));
  EXPECT_TRUE(Like("abc", "abc"));
  EXPECT_FALSE(Like("abcd", "abc"));
  EXPECT_TRUE(Like("abc", "a%"));
  EXPECT_TRUE(Like("abc", "%c"));
  EXPECT_TRUE(Like("abc", "%b%"));
  EXPECT_FALSE(Like("abc", "%d%"));
  EXPECT_TRUE(Like("abc", "a_c"));
  EXPECT_FALSE(Like("abbc", "a_c"));
  EXPECT_TRUE(Like("abbc", "a__c"));
  EXPECT_TRUE(Like("éa", "_a"));  // one character, two bytes
  EXPECT_FALSE(Like("éa", "__a"));
  EXPECT_TRUE(Like("axbxc", "a%b%c"));
  EXPECT_TRUE(Like("abcbc", "%bc"));
  EXPECT_TRUE(Like("xabc", "%a_c"));
  EXPECT_TRUE(Like("xabcabd", "%ab_"));
  EXPECT_FALSE(Like("xabcabd", "%ab_x"));
  EXPECT_TRUE(Like("aXbYc", "a_b_c"));
  EXPECT_TRUE(Like("mississippi", "%iss%ipp%"));
  EXPECT_FALSE(Like("mississippi", "%iss%ippa%"));
  EXPECT_TRUE(Like("ab", "a%%b"));
  // Escapes: \% and \_ are literal, \\ is a backslash, \x is x.
  EXPECT_TRUE(Like("a%b", "a\\%b"));
  EXPECT_FALSE(Like("axb", "a\\%b"));
  EXPECT_TRUE(Like("100_", "100\\_"));
  EXPECT_FALSE(Like("1000", "100\\_"));
  EXPECT_TRUE(Like("a\\b", "a\\\\b"));
  EXPECT_TRUE(Like("ab", "a\\b"));
  EXPECT_TRUE(Like("50% off", "%\\%%"));
  // Regular-expression characters mean nothing special.
  EXPECT_TRUE(Like("a.*+?[](){}^$|", "a.*+?[](){}^$|"));
  EXPECT_FALSE(Like("abc", "a.c"));
  // ILIKE folds ASCII.
  EXPECT_TRUE(Like("CheckOut", "%checkout%", true));
  EXPECT_TRUE(Like("ABC", "a_c", true));
  EXPECT_FALSE(Like("CheckOut", "%checkout%", false));
  auto bad = LikeMatcher::Compile("abc\\", false);
  EXPECT_EQ(testing::ErrorText(bad.status()),
            "ERROR 22025: LIKE pattern must not end with escape character");
}

// ---------------------------------------------------------------------------------------
// Dictionary codes: the per-code fast paths must give exactly the plain paths' results.

class DictionaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dict_ = {"page_view", "checkout_start", "Checkout_Done", "add_to_cart", "", "scroll"};
    other_ = {"scroll", "page_view", "zzz"};
    std::mt19937 rng(42);
    std::vector<std::optional<uint32_t>> codes, other_codes;
    std::vector<std::optional<std::string>> plain, other_plain;
    std::vector<std::optional<int64_t>> xs;
    for (int r = 0; r < 3000; ++r) {
      bool null = rng() % 11 == 0;
      uint32_t code = rng() % dict_.size();
      codes.push_back(null ? std::nullopt : std::optional<uint32_t>(code));
      plain.push_back(null ? std::nullopt : std::optional<std::string>(dict_[code]));
      uint32_t oc = rng() % other_.size();
      other_codes.push_back(oc);
      other_plain.push_back(other_[oc]);
      xs.push_back(static_cast<int64_t>(rng() % 100));
    }
    coded_ = MakeChunk({Coded(&dict_, codes), Ints(xs)});
    plain_ = MakeChunk({Strings(plain), Ints(xs)});
    coded_other_ = MakeChunk({Coded(&other_, other_codes), Ints(xs)});
    plain_other_ = MakeChunk({Strings(other_plain), Ints(xs)});
  }

  std::vector<ExprPtr> Predicates() {
    ExprContext ctx = Ctx();
    auto ev = [] { return Col(0, Type::kString, "event"); };
    std::vector<ExprPtr> out;
    out.push_back(CallE("=", Args(ev(), Str("page_view"))));
    out.push_back(CallE("<>", Args(ev(), Str("page_view"))));
    out.push_back(CallE("<", Args(Str("c"), ev())));
    out.push_back(CallE(">=", Args(ev(), Str("checkout"))));
    out.push_back(Must(MakeIn(ev(), Args(Str("scroll"), Str(""), Str("nope")), false, ctx)));
    out.push_back(Must(MakeIn(ev(), Args(Str("scroll"), Null()), true, ctx)));
    out.push_back(Must(MakeIn(ev(), Args(Str("scroll")), true, ctx)));
    out.push_back(Must(MakeLike(ev(), Str("%checkout%"), false, false, ctx)));
    out.push_back(Must(MakeLike(ev(), Str("%checkout%"), false, true, ctx)));
    out.push_back(Must(MakeLike(ev(), Str("c%_d%"), true, true, ctx)));
    out.push_back(CallE("regexp_like", Args(ev(), Str("^(page|scroll)"))));
    out.push_back(Must(MakeIsNull(ev(), false)));
    // After a first conjunct, so the coded predicate runs on a selection.
    out.push_back(Must(MakeAnd(Args(CallE("<", Args(Col(1, Type::kInt64), Int(50))),
                                    CallE("=", Args(ev(), Str("scroll")))),
                               ctx)));
    out.push_back(Must(MakeAnd(Args(CallE("<", Args(Col(1, Type::kInt64), Int(30))),
                                    Must(MakeLike(ev(), Str("%o%"), false, false, ctx)),
                                    CallE("regexp_like", Args(ev(), Str("e$")))),
                               ctx)));
    out.push_back(Must(MakeOr(Args(CallE("=", Args(ev(), Str("scroll"))),
                                   Must(MakeLike(ev(), Str("add%"), false, false, ctx)),
                                   CallE(">", Args(Col(1, Type::kInt64), Int(95)))),
                              ctx)));
    return out;
  }

  std::vector<std::string> dict_, other_;
  Chunk coded_, plain_, coded_other_, plain_other_;
};

TEST_F(DictionaryTest, CodedEqualsPlain) {
  ExprContext ctx = Ctx();
  auto preds = Predicates();
  for (const ExprPtr& p : preds) {
    // One evaluator sees both dictionaries alternately, as a scan over segments does.
    ExprEvaluator coded_ev(ctx), plain_ev(ctx);
    for (int round = 0; round < 3; ++round) {
      for (auto [coded, plain] :
           {std::pair{&coded_, &plain_}, std::pair{&coded_other_, &plain_other_}}) {
        Rows a, b;
        ASSERT_TRUE(coded_ev.Select(*p, *coded, &a).ok()) << p->ToString();
        ASSERT_TRUE(plain_ev.Select(*p, *plain, &b).ok()) << p->ToString();
        EXPECT_EQ(a, b) << p->ToString();
        Vector va, vb;
        ASSERT_TRUE(coded_ev.Eval(*p, *coded, &va).ok());
        ASSERT_TRUE(plain_ev.Eval(*p, *plain, &vb).ok());
        EXPECT_EQ(testing::Texts(va), testing::Texts(vb)) << p->ToString();
      }
    }
  }
}

TEST_F(DictionaryTest, SelectionsMatchBruteForce) {
  ExprContext ctx = Ctx();
  auto p = Must(MakeAnd(Args(CallE(">=", Args(Col(1, Type::kInt64), Int(20))),
                             CallE("=", Args(Col(0, Type::kString, "event"), Str("page_view")))),
                        ctx));
  Rows want;
  for (uint32_t r = 0; r < plain_.rows; ++r) {
    const Vector& ev = plain_.columns[0];
    if (!ev.IsNull(r) && ev.str[r] == "page_view" && plain_.columns[1].i64[r] >= 20) {
      want.push_back(r);
    }
  }
  EXPECT_EQ(SelectRows(*p, coded_), want);
  EXPECT_EQ(SelectRows(*p, plain_), want);
}

TEST_F(DictionaryTest, GrowingDictionary) {
  // A memtable dictionary grows between chunks: new codes must be decided too.
  std::vector<std::string> dict = {"a", "b"};
  auto eq = CallE("=", Args(Col(0, Type::kString), Str("c")));
  ExprEvaluator ev(Ctx());
  Rows sel;
  Chunk first = MakeChunk({Coded(&dict, {0, 1, 0})});
  ASSERT_TRUE(ev.Select(*eq, first, &sel).ok());
  EXPECT_EQ(sel, (Rows{}));
  dict.reserve(8);
  dict.push_back("c");
  Chunk second = MakeChunk({Coded(&dict, {2, 1, 2})});
  ASSERT_TRUE(ev.Select(*eq, second, &sel).ok());
  EXPECT_EQ(sel, (Rows{0, 2}));
}

}  // namespace
}  // namespace strata::query
