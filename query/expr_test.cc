// Expression building: overload resolution, implicit casts, type errors, folding, and
// every scalar function and operator (evaluated by folding constant arguments, which runs
// the same vectorized kernels as a chunk of one row).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "query/error.h"
#include "query/expr.h"
#include "query/expr_test_util.h"

namespace strata::query {
namespace {

using testing::Args;
using testing::Bool;
using testing::Call;
using testing::Ctx;
using testing::Dbl;
using testing::Folded;
using testing::Int;
using testing::Iv;
using testing::Lit;
using testing::Null;
using testing::StateOf;
using testing::Str;
using testing::Ts;
using testing::TsUs;

constexpr int64_t kHour = 3'600'000'000;

ExprPtr IntCol(int c = 0, const char* name = "x") { return MakeColumn(c, Type::kInt64, name); }
ExprPtr TextCol(int c = 1, const char* name = "event") {
  return MakeColumn(c, Type::kString, name);
}
ExprPtr TsCol(int c = 2) { return MakeColumn(c, Type::kTimestamp, "ts"); }
ExprPtr BoolCol(int c = 3, const char* name = "b") { return MakeColumn(c, Type::kBool, name); }
ExprPtr DblCol(int c = 4) { return MakeColumn(c, Type::kFloat64, "d"); }

std::string Text(const absl::StatusOr<ExprPtr>& e) {
  return e.ok() ? (*e)->ToString() : testing::ErrorText(e.status());
}

std::string Cast(ExprPtr e, Type t, const ExprContext& ctx = Ctx()) {
  return Folded(MakeCast(std::move(e), t, ctx));
}

// ---------------------------------------------------------------------------------------
// Arithmetic

TEST(ArithmeticTest, Integers) {
  EXPECT_EQ(Call("+", Args(Int(2), Int(3))), "5");
  EXPECT_EQ(Call("-", Args(Int(2), Int(3))), "-1");
  EXPECT_EQ(Call("*", Args(Int(-4), Int(3))), "-12");
  EXPECT_EQ(Call("/", Args(Int(7), Int(2))), "3");
  EXPECT_EQ(Call("/", Args(Int(-7), Int(2))), "-3");
  EXPECT_EQ(Call("%", Args(Int(7), Int(3))), "1");
  EXPECT_EQ(Call("%", Args(Int(-7), Int(3))), "-1");
  EXPECT_EQ(Call("%", Args(Int(7), Int(-3))), "1");
  EXPECT_EQ(Call("mod", Args(Int(7), Int(3))), "1");
  EXPECT_EQ(Call("neg", Args(Int(5))), "-5");
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(Call("+", Args(Int(max), Int(1))), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("-", Args(Int(min), Int(1))), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("*", Args(Int(max), Int(2))), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("/", Args(Int(min), Int(-1))), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("neg", Args(Int(min))), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("%", Args(Int(min), Int(-1))), "0");
  EXPECT_EQ(Call("/", Args(Int(1), Int(0))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("%", Args(Int(1), Int(0))), "ERROR 22012: division by zero");
}

TEST(ArithmeticTest, FloatsAndMixedTypes) {
  EXPECT_EQ(Call("+", Args(Int(2), Dbl(1.5))), "3.5");
  EXPECT_EQ(Call("*", Args(Dbl(0.1), Int(3))), "0.30000000000000004");
  EXPECT_EQ(Call("/", Args(Dbl(1), Int(4))), "0.25");
  EXPECT_EQ(Call("%", Args(Dbl(7.5), Dbl(2))), "1.5");
  EXPECT_EQ(Call("neg", Args(Dbl(1.5))), "-1.5");
  EXPECT_EQ(Call("/", Args(Dbl(1), Dbl(0))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("/", Args(Dbl(1), Int(0))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("%", Args(Dbl(1.5), Dbl(0))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("*", Args(Dbl(1e308), Dbl(10))), "ERROR 22003: value out of range: overflow");
  EXPECT_EQ(Call("/", Args(Dbl(1e308), Dbl(1e-10))), "ERROR 22003: value out of range: overflow");
  EXPECT_EQ(Call("+", Args(Lit(Value::Float(INFINITY)), Dbl(1))), "Infinity");
  // A string literal takes the other side's type.
  EXPECT_EQ(Call("+", Args(Int(1), Str("2"))), "3");
  EXPECT_EQ(Call("+", Args(Int(1), Str("x"))),
            "ERROR 22P02: invalid input syntax for type bigint: \"x\"");
  EXPECT_EQ(Call("+", Args(Int(1), Null())), "NULL");
  EXPECT_EQ(Call("+", Args(Str("a"), Bool(true))),
            "ERROR 42883: operator does not exist: text + boolean");
  EXPECT_EQ(Call("neg", Args(Str("a"))),
            "ERROR 22P02: invalid input syntax for type bigint: \"a\"");
  EXPECT_EQ(Call("neg", Args(Bool(true))), "ERROR 42883: operator does not exist: - boolean");
}

TEST(ArithmeticTest, Intervals) {
  ExprPtr day2h = Iv(0, 1, 2 * kHour);
  EXPECT_EQ(Call("+", Args(Iv(1, 2, kHour), Iv(0, 1, kHour))), "1 mon 3 days 02:00:00");
  EXPECT_EQ(Call("-", Args(Iv(1, 2, kHour), Iv(0, 4, 0))), "1 mon -2 days 01:00:00");
  EXPECT_EQ(Call("*", Args(day2h->Clone(), Dbl(1.5))), "1 day 15:00:00");
  EXPECT_EQ(Call("*", Args(Int(2), day2h->Clone())), "2 days 04:00:00");
  EXPECT_EQ(Call("/", Args(Iv(1, 0, 0), Int(2))), "15 days");
  EXPECT_EQ(Call("/", Args(Iv(0, 0, kHour), Int(0))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("neg", Args(Iv(0, 2, 2 * kHour))), "-2 days -02:00:00");
  EXPECT_EQ(Call("+", Args(Iv(0, std::numeric_limits<int32_t>::max(), 0), Iv(0, 1, 0))),
            "ERROR 22008: interval out of range");
  EXPECT_EQ(Call("+", Args(Ts(TsUs("2026-11-01")), Str("1 day"))), "2026-11-02 00:00:00+00");
  EXPECT_EQ(Call("+", Args(Str("1 day"), Ts(TsUs("2026-11-01")))), "2026-11-02 00:00:00+00");
  // ts - '...' is timestamp - interval when the text is an interval, else timestamp - timestamp.
  EXPECT_EQ(Call("-", Args(Ts(TsUs("2026-11-01")), Str("1 day"))), "2026-10-31 00:00:00+00");
  EXPECT_EQ(Call("-", Args(Ts(TsUs("2026-11-01")), Str("2026-10-31 12:00"))), "12:00:00");
  EXPECT_EQ(Call("-", Args(Ts(TsUs("2026-11-01")), Str("garbage"))),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: \"garbage\"");
  EXPECT_EQ(Call("+", Args(Ts(TsUs("2026-11-01")), Iv(0, 0, std::numeric_limits<int64_t>::max()))),
            "ERROR 22008: timestamp out of range");
}

TEST(ArithmeticTest, Concatenation) {
  EXPECT_EQ(Call("||", Args(Str("a"), Str("b"))), "ab");
  EXPECT_EQ(Call("||", Args(Str("a"), Int(1))), "a1");
  EXPECT_EQ(Call("||", Args(Int(1), Str("a"))), "1a");
  EXPECT_EQ(Call("||", Args(Str("x"), Dbl(1.5))), "x1.5");
  EXPECT_EQ(Call("||", Args(Str("x"), Bool(true))), "xtrue");
  EXPECT_EQ(Call("||", Args(Null(), Str("a"))), "NULL");
  EXPECT_EQ(Call("||", Args(Int(1), Int(2))),
            "ERROR 42883: operator does not exist: bigint || bigint");
  auto e = MakeCall("||", Args(TextCol(), IntCol()), Ctx());
  EXPECT_EQ(Text(e), "(event || CAST(x AS text))");
}

// ---------------------------------------------------------------------------------------
// Comparisons

TEST(ComparisonTest, EveryType) {
  EXPECT_EQ(Call("<", Args(Int(1), Int(2))), "t");
  EXPECT_EQ(Call(">=", Args(Int(1), Int(2))), "f");
  EXPECT_EQ(Call("=", Args(Int(1), Dbl(1.0))), "t");
  EXPECT_EQ(Call("<>", Args(Int(1), Dbl(1.5))), "t");
  EXPECT_EQ(Call("<", Args(Str("B"), Str("a"))), "t");  // byte order
  EXPECT_EQ(Call("<", Args(Str("ab"), Str("abc"))), "t");
  EXPECT_EQ(Call("=", Args(Bool(true), Str("yes"))), "t");
  EXPECT_EQ(Call("<", Args(Bool(false), Bool(true))), "t");
  EXPECT_EQ(Call("=", Args(Iv(1, 0, 0), Iv(0, 30, 0))), "t");
  EXPECT_EQ(Call("<", Args(Iv(0, 1, 0), Iv(0, 0, 25 * kHour))), "t");
  EXPECT_EQ(Call(">", Args(Ts(TsUs("2026-11-02")), Str("2026-11-01"))), "t");
  EXPECT_EQ(Call("=", Args(Int(1), Null())), "NULL");
  // NaN equals NaN and sorts above every other value.
  ExprPtr nan = testing::Lit(Value::Float(std::nan("")));
  EXPECT_EQ(Call("=", Args(nan->Clone(), nan->Clone())), "t");
  EXPECT_EQ(Call(">", Args(nan->Clone(), Lit(Value::Float(INFINITY)))), "t");
  EXPECT_EQ(Call("<", Args(Dbl(1), nan->Clone())), "t");
}

TEST(ComparisonTest, LiteralsTakeTheColumnsType) {
  auto e = MakeCall(">=", Args(TsCol(), Str("2026-11-01")), Ctx());
  EXPECT_EQ(Text(e), "(ts >= '2026-11-01 00:00:00+00')");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->args[1]->type, Type::kTimestamp);
  EXPECT_EQ(Text(MakeCall("=", Args(IntCol(), Str("5")), Ctx())), "(x = 5)");
  EXPECT_EQ(Text(MakeCall("=", Args(IntCol(), Str("abc")), Ctx())),
            "ERROR 22P02: invalid input syntax for type bigint: \"abc\"");
  EXPECT_EQ(Text(MakeCall("=", Args(TextCol(), Int(5)), Ctx())),
            "ERROR 42883: operator does not exist: text = bigint");
  EXPECT_EQ(Text(MakeCall("<", Args(TsCol(), Int(5)), Ctx())),
            "ERROR 42883: operator does not exist: timestamp with time zone < bigint");
  EXPECT_EQ(Text(MakeCall("=", Args(IntCol(), Dbl(1.5)), Ctx())),
            "(CAST(x AS double precision) = 1.5)");
  EXPECT_EQ(Text(MakeCall("<", Args(Int(5), IntCol()), Ctx())), "(x > 5)");
  EXPECT_EQ(Text(MakeCall(">=", Args(Str("2026-11-01"), TsCol()), Ctx())),
            "(ts <= '2026-11-01 00:00:00+00')");
  EXPECT_EQ(Text(MakeCall("=", Args(Int(5), IntCol()), Ctx())), "(x = 5)");
  // The session zone reads the literal.
  EXPECT_EQ(Text(MakeCall("<", Args(TsCol(), Str("2026-11-01")), Ctx("Europe/Berlin"))),
            "(ts < '2026-10-31 23:00:00+00')");
}

// ---------------------------------------------------------------------------------------
// Functions

TEST(MathFunctionsTest, All) {
  EXPECT_EQ(Call("abs", Args(Int(-5))), "5");
  EXPECT_EQ(Call("abs", Args(Dbl(-2.5))), "2.5");
  EXPECT_EQ(Call("abs", Args(Str("-3.5"))), "3.5");
  EXPECT_EQ(Call("abs", Args(Int(std::numeric_limits<int64_t>::min()))),
            "ERROR 22003: bigint out of range");
  EXPECT_EQ(Call("round", Args(Dbl(2.5))), "3");
  EXPECT_EQ(Call("round", Args(Dbl(-2.5))), "-3");
  EXPECT_EQ(Call("round", Args(Int(5))), "5");
  EXPECT_EQ(Call("round", Args(Dbl(2.345), Int(2))), "2.35");
  EXPECT_EQ(Call("round", Args(Dbl(-2.345), Int(2))), "-2.35");
  EXPECT_EQ(Call("round", Args(Dbl(1234.5), Int(-2))), "1200");
  EXPECT_EQ(Call("round", Args(Dbl(9.995), Int(2))), "10");
  EXPECT_EQ(Call("round", Args(Dbl(0.004), Int(2))), "0");
  EXPECT_EQ(Call("round", Args(Dbl(-0.004), Int(2))), "0");
  EXPECT_EQ(Call("round", Args(Int(17), Int(-1))), "20");
  EXPECT_EQ(Call("floor", Args(Dbl(-1.5))), "-2");
  EXPECT_EQ(Call("floor", Args(Int(3))), "3");
  EXPECT_EQ(Call("ceil", Args(Dbl(1.2))), "2");
  EXPECT_EQ(Call("ceiling", Args(Dbl(-1.2))), "-1");
  EXPECT_EQ(Call("trunc", Args(Dbl(-1.7))), "-1");
  EXPECT_EQ(Call("trunc", Args(Dbl(1.789), Int(2))), "1.78");
  EXPECT_EQ(Call("sqrt", Args(Int(16))), "4");
  EXPECT_EQ(Call("sqrt", Args(Int(-1))),
            "ERROR 2201F: cannot take square root of a negative number");
  EXPECT_EQ(Call("ln", Args(Int(1))), "0");
  EXPECT_EQ(Call("ln", Args(Int(0))), "ERROR 2201E: cannot take logarithm of zero");
  EXPECT_EQ(Call("ln", Args(Int(-1))), "ERROR 2201E: cannot take logarithm of a negative number");
  EXPECT_EQ(Call("log", Args(Int(100))), "2");
  EXPECT_EQ(Call("log", Args(Int(2), Int(8))), "3");
  EXPECT_EQ(Call("log", Args(Int(1), Int(8))), "ERROR 22012: division by zero");
  EXPECT_EQ(Call("exp", Args(Int(0))), "1");
  EXPECT_EQ(Call("exp", Args(Int(1000))), "ERROR 22003: value out of range: overflow");
  EXPECT_EQ(Call("exp", Args(Int(-1000))), "ERROR 22003: value out of range: underflow");
  EXPECT_EQ(Call("power", Args(Int(2), Int(10))), "1024");
  EXPECT_EQ(Call("pow", Args(Dbl(4), Dbl(0.5))), "2");
  EXPECT_EQ(Call("power", Args(Int(0), Int(-1))),
            "ERROR 2201F: zero raised to a negative power is undefined");
  EXPECT_EQ(Call("power", Args(Int(-8), Dbl(0.5))),
            "ERROR 2201F: a negative number raised to a non-integer power yields a complex "
            "result");
  EXPECT_EQ(Call("power", Args(Int(-2), Int(3))), "-8");
  EXPECT_EQ(Call("sign", Args(Int(-3))), "-1");
  EXPECT_EQ(Call("sign", Args(Dbl(2.5))), "1");
  EXPECT_EQ(Call("sign", Args(Int(0))), "0");
  EXPECT_EQ(Call("mod", Args(Dbl(7.5), Int(2))), "1.5");
  EXPECT_EQ(Call("greatest", Args(Int(1), Int(5), Int(3))), "5");
  EXPECT_EQ(Call("greatest", Args(Int(1), Null(), Int(3))), "3");
  EXPECT_EQ(Call("greatest", Args(Int(1), Dbl(2.5))), "2.5");
  EXPECT_EQ(Call("least", Args(Str("b"), Str("a"), Str("c"))), "a");
  EXPECT_EQ(Call("least", Args(Ts(TsUs("2026-01-01")), Str("2025-01-01"))),
            "2025-01-01 00:00:00+00");
  EXPECT_EQ(Call("greatest", Args(Null(), Null())), "NULL");
  EXPECT_EQ(Text(MakeCall("greatest", Args(TextCol(), IntCol()), Ctx())),
            "ERROR 42883: function greatest(text, bigint) does not exist");
}

TEST(StringFunctionsTest, All) {
  EXPECT_EQ(Call("lower", Args(Str("AbC-Ä"))), "abc-Ä");
  EXPECT_EQ(Call("upper", Args(Str("abc"))), "ABC");
  EXPECT_EQ(Call("length", Args(Str("héllo"))), "5");
  EXPECT_EQ(Call("char_length", Args(Str("héllo"))), "5");
  EXPECT_EQ(Call("octet_length", Args(Str("héllo"))), "6");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(2), Int(3))), "ell");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(0), Int(3))), "he");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(-1))), "hello");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(3))), "llo");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(9))), "");
  EXPECT_EQ(Call("substring", Args(Str("héllo"), Int(2), Int(2))), "él");
  EXPECT_EQ(Call("substr", Args(Str("hello"), Int(2), Int(-1))),
            "ERROR 22011: negative substring length not allowed");
  EXPECT_EQ(Call("left", Args(Str("hello"), Int(2))), "he");
  EXPECT_EQ(Call("left", Args(Str("hello"), Int(-2))), "hel");
  EXPECT_EQ(Call("right", Args(Str("hello"), Int(2))), "lo");
  EXPECT_EQ(Call("right", Args(Str("hello"), Int(-2))), "llo");
  EXPECT_EQ(Call("right", Args(Str("hé"), Int(9))), "hé");
  EXPECT_EQ(Call("split_part", Args(Str("a,b,c"), Str(","), Int(2))), "b");
  EXPECT_EQ(Call("split_part", Args(Str("a,b,c"), Str(","), Int(4))), "");
  EXPECT_EQ(Call("split_part", Args(Str("a,b,c"), Str(","), Int(-1))), "c");
  EXPECT_EQ(Call("split_part", Args(Str("a,b,c"), Str(","), Int(-3))), "a");
  EXPECT_EQ(Call("split_part", Args(Str("a,b,c"), Str(","), Int(-4))), "");
  EXPECT_EQ(Call("split_part", Args(Str("a::b"), Str("::"), Int(2))), "b");
  EXPECT_EQ(Call("split_part", Args(Str("abc"), Str(""), Int(1))), "abc");
  EXPECT_EQ(Call("split_part", Args(Str("a,b"), Str(","), Int(0))),
            "ERROR 22023: field position must not be zero");
  EXPECT_EQ(Call("starts_with", Args(Str("hello"), Str("he"))), "t");
  EXPECT_EQ(Call("starts_with", Args(Str("hello"), Str("lo"))), "f");
  EXPECT_EQ(Call("ends_with", Args(Str("hello"), Str("lo"))), "t");
  EXPECT_EQ(Call("strpos", Args(Str("héllo"), Str("l"))), "3");
  EXPECT_EQ(Call("strpos", Args(Str("abc"), Str("x"))), "0");
  EXPECT_EQ(Call("replace", Args(Str("aXbXc"), Str("X"), Str("--"))), "a--b--c");
  EXPECT_EQ(Call("replace", Args(Str("abc"), Str(""), Str("-"))), "abc");
  EXPECT_EQ(Call("trim", Args(Str("  a  "))), "a");
  EXPECT_EQ(Call("trim", Args(Str("xxaxx"), Str("x"))), "a");
  EXPECT_EQ(Call("btrim", Args(Str("ééaé"), Str("é"))), "a");
  EXPECT_EQ(Call("ltrim", Args(Str("  a "))), "a ");
  EXPECT_EQ(Call("rtrim", Args(Str(" a  "))), " a");
  EXPECT_EQ(Call("rtrim", Args(Str("abcxyx"), Str("xy"))), "abc");
  EXPECT_EQ(Call("concat", Args(Str("a"), Null(), Int(1), Bool(true))), "a1true");
  EXPECT_EQ(Call("concat", Args(Null())), "");
  EXPECT_EQ(Call("concat_ws", Args(Str(","), Str("a"), Null(), Str("b"))), "a,b");
  EXPECT_EQ(Call("concat_ws", Args(Null(), Str("a"))), "NULL");
  EXPECT_EQ(Call("lpad", Args(Str("5"), Int(3), Str("0"))), "005");
  EXPECT_EQ(Call("lpad", Args(Str("hello"), Int(2))), "he");
  EXPECT_EQ(Call("lpad", Args(Str("ab"), Int(4))), "  ab");
  EXPECT_EQ(Call("rpad", Args(Str("ab"), Int(5), Str("xy"))), "abxyx");
  EXPECT_EQ(Call("rpad", Args(Str("ab"), Int(-1))), "");
  EXPECT_EQ(Call("repeat", Args(Str("ab"), Int(3))), "ababab");
  EXPECT_EQ(Call("repeat", Args(Str("ab"), Int(0))), "");
  EXPECT_EQ(Call("repeat", Args(Str("ab"), Int(int64_t{1} << 40))),
            "ERROR 54000: requested length too large");
  EXPECT_EQ(Call("reverse", Args(Str("héllo"))), "olléh");
  EXPECT_EQ(Call("lower", Args(Null())), "NULL");
  EXPECT_EQ(Call("lower", Args(Int(1))), "ERROR 42883: function lower(bigint) does not exist");
  EXPECT_EQ(Call("nosuch", Args(Int(1), Str("a"))),
            "ERROR 42883: function nosuch(bigint, text) does not exist");
  EXPECT_EQ(Call("substr", Args(Str("a"))), "ERROR 42883: function substr(text) does not exist");
  EXPECT_EQ(Call("substr", Args(Str("abc"), Dbl(1.5))),
            "ERROR 42883: function substr(text, double precision) does not exist");
}

TEST(RegexFunctionsTest, All) {
  EXPECT_EQ(Call("regexp_like", Args(Str("hello"), Str("^h.*o$"))), "t");
  EXPECT_EQ(Call("regexp_like", Args(Str("HELLO"), Str("hello"))), "f");
  EXPECT_EQ(Call("regexp_like", Args(Str("HELLO"), Str("hello"), Str("i"))), "t");
  EXPECT_EQ(Call("regexp_like", Args(Str("a\nb"), Str("a.b"))), "t");
  EXPECT_EQ(Call("regexp_like", Args(Str("a\nb"), Str("a.b"), Str("n"))), "f");
  EXPECT_EQ(Call("regexp_match", Args(Str("abc123def45"), Str("[0-9]+"))), "123");
  EXPECT_EQ(Call("regexp_match", Args(Str("key=val"), Str("(\\w+)=(\\w+)"))), "key");
  EXPECT_EQ(Call("regexp_match", Args(Str("abc"), Str("x"))), "NULL");
  EXPECT_EQ(Call("regexp_match", Args(Str("ab"), Str("a(x)?"))), "NULL");
  EXPECT_EQ(Call("regexp_replace", Args(Str("a1b2"), Str("[0-9]"), Str("X"))), "aXb2");
  EXPECT_EQ(Call("regexp_replace", Args(Str("a1b2"), Str("[0-9]"), Str("X"), Str("g"))), "aXbX");
  EXPECT_EQ(Call("regexp_replace", Args(Str("abc"), Str("(b)"), Str("[\\1]"))), "a[b]c");
  EXPECT_EQ(Call("regexp_replace", Args(Str("abc"), Str("b"), Str("\\&\\&"))), "abbc");
  EXPECT_EQ(Call("regexp_replace", Args(Str("abc"), Str("b"), Str("\\2"))), "ac");
  EXPECT_EQ(Call("regexp_replace", Args(Str("ABC"), Str("b"), Str("x"), Str("gi"))), "AxC");
  // A bad constant pattern fails when the expression is built, even over a column.
  EXPECT_EQ(StateOf(MakeCall("regexp_like", Args(TextCol(), Str("(")), Ctx())), "2201B");
  EXPECT_EQ(StateOf(MakeCall("regexp_match", Args(TextCol(), Str("a"), Str("z")), Ctx())), "22023");
  EXPECT_EQ(Text(MakeCall("regexp_like", Args(TextCol(), Str("a"), Str("g")), Ctx())),
            "ERROR 22023: regexp_like() does not support the \"global\" option");
}

TEST(JsonFunctionsTest, GetText) {
  auto get = [](const char* json, const char* key) {
    return Call("json_get_text", Args(Str(json), Str(key)));
  };
  EXPECT_EQ(get(R"({"plan":"pro","qty":3})", "plan"), "pro");
  EXPECT_EQ(get(R"({"plan":"pro","qty":3})", "qty"), "3");
  EXPECT_EQ(get(R"({"plan":"pro","qty":3})", "missing"), "NULL");
  EXPECT_EQ(get(R"({"a":null})", "a"), "NULL");
  EXPECT_EQ(get(R"({"a":true,"b":false})", "b"), "false");
  EXPECT_EQ(get(R"({"a":-1.5e3})", "a"), "-1.5e3");
  EXPECT_EQ(get(R"({"a":"x\"y\\z\n"})", "a"), "x\"y\\z\n");
  EXPECT_EQ(get(R"({"a":"\u00e9\ud83d\ude00"})", "a"), "é😀");
  EXPECT_EQ(get(R"({"a":{"b":[1,"}",2]},"c":1})", "a"), R"({"b":[1,"}",2]})");
  EXPECT_EQ(get(R"({"a":{"b":[1,"}",2]},"c":1})", "c"), "1");
  EXPECT_EQ(get(R"( { "a" : 1 , "b" : "two" } )", "b"), "two");
  EXPECT_EQ(get(R"({"a\u0062":1})", "ab"), "1");
  EXPECT_EQ(get(R"({})", "a"), "NULL");
  EXPECT_EQ(get("nope", "a"), "ERROR 22P02: invalid input syntax for type json");
  EXPECT_EQ(get(R"({"a":1 "b":2})", "b"), "ERROR 22P02: invalid input syntax for type json");
  EXPECT_EQ(get(R"({"a":tru})", "b"), "ERROR 22P02: invalid input syntax for type json");
  EXPECT_EQ(Call("json_get_text", Args(Null(), Str("a"))), "NULL");
}

TEST(TimeFunctionsTest, DateTruncFields) {
  ExprPtr ts = Ts(TsUs("2026-11-04 13:14:15.123456"));  // a Wednesday
  auto trunc = [&](const char* field) { return Call("date_trunc", Args(Str(field), ts->Clone())); };
  EXPECT_EQ(trunc("microseconds"), "2026-11-04 13:14:15.123456+00");
  EXPECT_EQ(trunc("milliseconds"), "2026-11-04 13:14:15.123+00");
  EXPECT_EQ(trunc("second"), "2026-11-04 13:14:15+00");
  EXPECT_EQ(trunc("minute"), "2026-11-04 13:14:00+00");
  EXPECT_EQ(trunc("hour"), "2026-11-04 13:00:00+00");
  EXPECT_EQ(trunc("day"), "2026-11-04 00:00:00+00");
  EXPECT_EQ(trunc("DAY"), "2026-11-04 00:00:00+00");
  EXPECT_EQ(trunc("week"), "2026-11-02 00:00:00+00");
  EXPECT_EQ(trunc("month"), "2026-11-01 00:00:00+00");
  EXPECT_EQ(trunc("quarter"), "2026-10-01 00:00:00+00");
  EXPECT_EQ(trunc("year"), "2026-01-01 00:00:00+00");
  EXPECT_EQ(trunc("decade"), "2020-01-01 00:00:00+00");
  EXPECT_EQ(trunc("century"), "2001-01-01 00:00:00+00");
  EXPECT_EQ(trunc("millennium"), "2001-01-01 00:00:00+00");
  EXPECT_EQ(trunc("fortnight"),
            "ERROR 22023: unit \"fortnight\" not recognized for type timestamp with time zone");
  EXPECT_EQ(trunc("epoch"),
            "ERROR 22023: unit \"epoch\" not recognized for type timestamp with time zone");
  EXPECT_EQ(Call("date_trunc", Args(Str("day"), ts->Clone(), Str("America/New_York"))),
            "2026-11-04 05:00:00+00");
  EXPECT_EQ(Call("date_trunc", Args(Str("day"), ts->Clone()), Ctx("Asia/Tokyo")),
            "2026-11-03 15:00:00+00");  // 22:14 in Tokyo
  EXPECT_EQ(Call("date_trunc", Args(Str("day"), ts->Clone(), Str("Nowhere/Land"))),
            "ERROR 22023: time zone \"Nowhere/Land\" not recognized");
}

TEST(TimeFunctionsTest, DatePart) {
  ExprPtr ts = Ts(TsUs("2026-11-01 12:34:56.789"));  // a Sunday, ISO week 44 of 2026
  auto part = [&](const char* field, const char* zone = "UTC") {
    return Call("date_part", Args(Str(field), ts->Clone()), Ctx(zone));
  };
  EXPECT_EQ(part("epoch"), "1793536496.789");
  EXPECT_EQ(part("year"), "2026");
  EXPECT_EQ(part("quarter"), "4");
  EXPECT_EQ(part("month"), "11");
  EXPECT_EQ(part("week"), "44");
  EXPECT_EQ(part("day"), "1");
  EXPECT_EQ(part("dow"), "0");
  EXPECT_EQ(part("isodow"), "7");
  EXPECT_EQ(part("doy"), "305");
  EXPECT_EQ(part("hour"), "12");
  EXPECT_EQ(part("hour", "Europe/Berlin"), "13");
  EXPECT_EQ(part("minute"), "34");
  EXPECT_EQ(part("second"), "56.789");
  EXPECT_EQ(part("milliseconds"), "56789");
  EXPECT_EQ(part("microseconds"), "56789000");
  EXPECT_EQ(part("timezone"), "0");
  EXPECT_EQ(part("timezone", "Europe/Berlin"), "3600");
  EXPECT_EQ(part("timezone", "Asia/Kolkata"), "19800");
  EXPECT_EQ(part("isoyear"), "2026");
  EXPECT_EQ(part("century"), "21");
  EXPECT_EQ(part("fortnight"),
            "ERROR 22023: unit \"fortnight\" not recognized for type timestamp with time zone");
  EXPECT_EQ(Call("extract", Args(Str("dow"), Ts(TsUs("2026-11-02")))), "1");
  EXPECT_EQ(Call("date_part", Args(Str("week"), Ts(TsUs("2027-01-01")))), "53");
  EXPECT_EQ(Call("date_part", Args(Str("isoyear"), Ts(TsUs("2027-01-01")))), "2026");
  auto iv = [](const char* field, const char* text) {
    return Call("date_part", Args(Str(field), Lit(Value::IntervalOf(*ParseInterval(text)))));
  };
  EXPECT_EQ(iv("epoch", "1 day 1 hour"), "90000");
  EXPECT_EQ(iv("epoch", "1 month"), "2592000");
  EXPECT_EQ(iv("epoch", "1 year"), "31557600");
  EXPECT_EQ(iv("hour", "26:30:00"), "26");
  EXPECT_EQ(iv("minute", "26:30:00"), "30");
  EXPECT_EQ(iv("second", "00:00:12.5"), "12.5");
  EXPECT_EQ(iv("day", "3 days 4 hours"), "3");
  EXPECT_EQ(iv("month", "1 year 2 mons"), "2");
  EXPECT_EQ(iv("year", "1 year 2 mons"), "1");
  EXPECT_EQ(iv("dow", "1 day"), "ERROR 0A000: unit \"dow\" not supported for type interval");
  EXPECT_EQ(iv("nope", "1 day"), "ERROR 22023: unit \"nope\" not recognized for type interval");
}

TEST(TimeFunctionsTest, TimeBucket) {
  ExprPtr ts = Ts(TsUs("2026-11-04 13:14:15"));
  auto bucket = [&](const char* width) {
    return Call("time_bucket", Args(Str(width), ts->Clone()));
  };
  EXPECT_EQ(bucket("15 minutes"), "2026-11-04 13:00:00+00");
  EXPECT_EQ(bucket("1 hour"), "2026-11-04 13:00:00+00");
  EXPECT_EQ(bucket("1 day"), "2026-11-04 00:00:00+00");
  EXPECT_EQ(bucket("1 week"), "2026-11-02 00:00:00+00");  // Mondays, from 2000-01-03
  EXPECT_EQ(bucket("1 month"), "2026-11-01 00:00:00+00");
  EXPECT_EQ(bucket("3 months"), "2026-10-01 00:00:00+00");
  EXPECT_EQ(bucket("1 year"), "2026-01-01 00:00:00+00");
  EXPECT_EQ(Call("time_bucket", Args(Str("1 day"), Ts(TsUs("1999-12-31 23:00")))),
            "1999-12-31 00:00:00+00");
  EXPECT_EQ(Call("time_bucket", Args(Str("1 day"), ts->Clone(), Ts(TsUs("2026-01-01 06:00")))),
            "2026-11-04 06:00:00+00");
  EXPECT_EQ(Call("time_bucket", Args(Str("1 month"), ts->Clone(), Ts(TsUs("2026-01-15")))),
            "2026-10-15 00:00:00+00");
  EXPECT_EQ(Call("time_bucket",
                 Args(Str("1 day"), ts->Clone(), Str("Asia/Tokyo"), Ts(TsUs("2026-01-01 03:00")))),
            "2026-11-04 03:00:00+00");  // 12:00 in Tokyo
  EXPECT_EQ(bucket("0 minutes"), "ERROR 22023: period must be greater than 0");
  EXPECT_EQ(bucket("-1 hour"), "ERROR 22023: period must be greater than 0");
  EXPECT_EQ(bucket("1 month 1 day"),
            "ERROR 22023: month intervals cannot have day or time component");
}

TEST(TimeFunctionsTest, Conversions) {
  EXPECT_EQ(Call("to_timestamp", Args(Int(1793491200))), "2026-11-01 00:00:00+00");
  EXPECT_EQ(Call("to_timestamp", Args(Dbl(1.5))), "1970-01-01 00:00:01.5+00");
  EXPECT_EQ(Call("to_timestamp", Args(Str("NaN"))), "ERROR 22008: timestamp cannot be NaN");
  EXPECT_EQ(Call("to_timestamp", Args(Dbl(1e300))), "ERROR 22008: timestamp out of range");
  EXPECT_EQ(Call("epoch_us", Args(Ts(1234))), "1234");
  EXPECT_EQ(Call("timezone", Args(Str("Europe/Berlin"), Ts(TsUs("2026-11-01 12:00")))),
            "2026-11-01 13:00:00+00");
  EXPECT_EQ(Call("timezone", Args(Str("Mars"), Ts(0))),
            "ERROR 22023: time zone \"Mars\" not recognized");
}

TEST(TimeFunctionsTest, ConstantArgumentsAreCheckedAtBuildTime) {
  ExprContext ctx = Ctx();
  EXPECT_EQ(Text(MakeCall("date_trunc", Args(Str("fortnight"), TsCol()), ctx)),
            "ERROR 22023: unit \"fortnight\" not recognized for type timestamp with time zone");
  EXPECT_EQ(Text(MakeCall("date_trunc", Args(Str("day"), TsCol(), Str("Mars/Base")), ctx)),
            "ERROR 22023: time zone \"Mars/Base\" not recognized");
  EXPECT_EQ(Text(MakeCall("date_part", Args(Str("nope"), TsCol()), ctx)),
            "ERROR 22023: unit \"nope\" not recognized for type timestamp with time zone");
  EXPECT_EQ(Text(MakeCall("time_bucket", Args(Str("0 s"), TsCol()), ctx)),
            "ERROR 22023: period must be greater than 0");
  EXPECT_EQ(Text(MakeCall("time_bucket", Args(Str("1 day"), TsCol(), Str("Mars/Base")), ctx)),
            "ERROR 22023: time zone \"Mars/Base\" not recognized");
  EXPECT_EQ(Text(MakeCall("timezone", Args(Str("Mars/Base"), TsCol()), ctx)),
            "ERROR 22023: time zone \"Mars/Base\" not recognized");
  EXPECT_EQ(Text(MakeCall("extract", Args(Str("hour"), TsCol()), ctx)), "date_part('hour', ts)");
  EXPECT_EQ(Text(MakeCall("time_bucket", Args(Str("1 hour"), TsCol()), ctx)),
            "time_bucket('01:00:00'::interval, ts)");
}

TEST(NullIfTest, All) {
  EXPECT_EQ(Call("nullif", Args(Int(1), Int(1))), "NULL");
  EXPECT_EQ(Call("nullif", Args(Int(1), Int(2))), "1");
  EXPECT_EQ(Call("nullif", Args(Str("a"), Null())), "a");
  EXPECT_EQ(Call("nullif", Args(Null(), Int(1))), "NULL");
  EXPECT_EQ(Call("nullif", Args(Int(1), Dbl(1.0))), "NULL");
}

// ---------------------------------------------------------------------------------------
// Casts

TEST(CastTest, Constants) {
  EXPECT_EQ(Cast(Str("42"), Type::kInt64), "42");
  EXPECT_EQ(Cast(Str(" -42 "), Type::kInt64), "-42");
  EXPECT_EQ(Cast(Str("x"), Type::kInt64),
            "ERROR 22P02: invalid input syntax for type bigint: \"x\"");
  EXPECT_EQ(Cast(Str("1.5"), Type::kInt64),
            "ERROR 22P02: invalid input syntax for type bigint: \"1.5\"");
  EXPECT_EQ(Cast(Str("99999999999999999999"), Type::kInt64),
            "ERROR 22003: value \"99999999999999999999\" is out of range for type bigint");
  EXPECT_EQ(Cast(Str("-9223372036854775808"), Type::kInt64), "-9223372036854775808");
  EXPECT_EQ(Cast(Str("1.5"), Type::kFloat64), "1.5");
  EXPECT_EQ(Cast(Str(" 1e3 "), Type::kFloat64), "1000");
  EXPECT_EQ(Cast(Str("NaN"), Type::kFloat64), "NaN");
  EXPECT_EQ(Cast(Str("-Infinity"), Type::kFloat64), "-Infinity");
  EXPECT_EQ(Cast(Str("abc"), Type::kFloat64),
            "ERROR 22P02: invalid input syntax for type double precision: \"abc\"");
  EXPECT_EQ(Cast(Str("1e400"), Type::kFloat64),
            "ERROR 22003: \"1e400\" is out of range for type double precision");
  EXPECT_EQ(Cast(Dbl(2.5), Type::kInt64), "3");
  EXPECT_EQ(Cast(Dbl(-2.5), Type::kInt64), "-3");
  EXPECT_EQ(Cast(Dbl(1e19), Type::kInt64), "ERROR 22003: bigint out of range");
  EXPECT_EQ(Cast(Lit(Value::Float(std::nan(""))), Type::kInt64),
            "ERROR 22003: bigint out of range");
  EXPECT_EQ(Cast(Str("yes"), Type::kBool), "t");
  EXPECT_EQ(Cast(Str(" OFF "), Type::kBool), "f");
  EXPECT_EQ(Cast(Str("1"), Type::kBool), "t");
  EXPECT_EQ(Cast(Str("maybe"), Type::kBool),
            "ERROR 22P02: invalid input syntax for type boolean: \"maybe\"");
  EXPECT_EQ(Cast(Bool(true), Type::kInt64), "1");
  EXPECT_EQ(Cast(Int(5), Type::kBool), "t");
  EXPECT_EQ(Cast(Int(0), Type::kBool), "f");
  EXPECT_EQ(Cast(Int(5), Type::kFloat64), "5");
  EXPECT_EQ(Cast(Dbl(1.5), Type::kString), "1.5");
  EXPECT_EQ(Cast(Int(42), Type::kString), "42");
  EXPECT_EQ(Cast(Bool(true), Type::kString), "true");
  EXPECT_EQ(Cast(Ts(TsUs("2026-11-01")), Type::kString, Ctx("Europe/Berlin")),
            "2026-11-01 01:00:00+01");
  EXPECT_EQ(Cast(Iv(0, 1, 2 * kHour), Type::kString), "1 day 02:00:00");
  EXPECT_EQ(Cast(Str("1 day"), Type::kInterval), "1 day");
  EXPECT_EQ(Cast(Str("2026-11-01"), Type::kTimestamp, Ctx("Europe/Berlin")),
            "2026-10-31 23:00:00+00");
  EXPECT_EQ(Cast(Str("bad"), Type::kTimestamp),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: \"bad\"");
  EXPECT_EQ(Cast(Ts(0), Type::kInt64),
            "ERROR 42846: cannot cast type timestamp with time zone to bigint");
  EXPECT_EQ(Cast(Iv(0, 1, 0), Type::kFloat64),
            "ERROR 42846: cannot cast type interval to double precision");
  auto null_int = MakeCast(Null(), Type::kInt64, Ctx());
  ASSERT_TRUE(null_int.ok());
  EXPECT_TRUE((*null_int)->constant.null);
  EXPECT_EQ((*null_int)->type, Type::kInt64);
  EXPECT_EQ(Text(MakeCast(TextCol(), Type::kInt64, Ctx())), "CAST(event AS bigint)");
  EXPECT_EQ(Text(MakeCast(IntCol(), Type::kInt64, Ctx())), "x");
}

// ---------------------------------------------------------------------------------------
// Boolean builders, IN, LIKE, CASE, COALESCE

TEST(BuilderTest, AndOrNot) {
  ExprContext ctx = Ctx();
  EXPECT_EQ(Text(MakeAnd(Args(BoolCol(), Bool(true)), ctx)), "b");
  EXPECT_EQ(Text(MakeAnd(Args(BoolCol(), Bool(false)), ctx)), "false");
  EXPECT_EQ(Text(MakeOr(Args(BoolCol(), Bool(true)), ctx)), "true");
  EXPECT_EQ(Text(MakeOr(Args(BoolCol(), Bool(false)), ctx)), "b");
  EXPECT_EQ(Text(MakeAnd(Args(BoolCol(), Null()), ctx)), "(b AND NULL)");
  EXPECT_EQ(Text(MakeAnd(Args(Null(), Bool(true)), ctx)), "NULL");
  EXPECT_EQ(Text(MakeOr(Args(BoolCol(), Str("t")), ctx)), "true");
  auto inner = MakeAnd(Args(BoolCol(3, "a"), BoolCol(5, "b")), ctx);
  auto flat = MakeAnd(Args(std::move(*inner), BoolCol(6, "c")), ctx);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ((*flat)->args.size(), 3u);
  EXPECT_EQ((*flat)->ToString(), "(a AND b AND c)");
  EXPECT_EQ(Text(MakeAnd(Args(IntCol(), BoolCol()), ctx)),
            "ERROR 42804: argument of AND must be type boolean, not type bigint");
  EXPECT_EQ(Text(MakeOr(Args(BoolCol(), TextCol()), ctx)),
            "ERROR 42804: argument of OR must be type boolean, not type text");
  EXPECT_EQ(Text(MakeNot(IntCol(), ctx)),
            "ERROR 42804: argument of NOT must be type boolean, not type bigint");
  EXPECT_EQ(Text(MakeNot(Bool(true), ctx)), "false");
  EXPECT_EQ(Text(MakeNot(Null(), ctx)), "NULL");
  EXPECT_EQ(Text(MakeNot(*MakeCall("<", Args(IntCol(), Int(5)), ctx), ctx)), "(x >= 5)");
  EXPECT_EQ(Text(MakeNot(*MakeCall("=", Args(IntCol(), Int(5)), ctx), ctx)), "(x <> 5)");
  EXPECT_EQ(Text(MakeNot(*MakeIsNull(IntCol(), false), ctx)), "(x IS NOT NULL)");
  EXPECT_EQ(Text(MakeNot(*MakeNot(BoolCol(), ctx), ctx)), "b");
  auto not_or = MakeNot(*MakeOr(Args(BoolCol(3, "a"), BoolCol(5, "b")), ctx), ctx);
  EXPECT_EQ(Text(not_or), "(NOT (a OR b))");
}

TEST(BuilderTest, IsNull) {
  EXPECT_EQ(Text(MakeIsNull(Null(), false)), "true");
  EXPECT_EQ(Text(MakeIsNull(Int(1), true)), "true");
  EXPECT_EQ(Text(MakeIsNull(Int(1), false)), "false");
  EXPECT_EQ(Text(MakeIsNull(IntCol(), false)), "(x IS NULL)");
}

TEST(BuilderTest, In) {
  ExprContext ctx = Ctx();
  EXPECT_EQ(Text(MakeIn(IntCol(), Args(Int(1), Int(2)), false, ctx)), "(x IN (1, 2))");
  EXPECT_EQ(Text(MakeIn(IntCol(), Args(Str("1"), Int(2)), true, ctx)), "(x NOT IN (1, 2))");
  EXPECT_EQ(Text(MakeIn(IntCol(), Args(Int(1), Dbl(2.5)), false, ctx)),
            "(CAST(x AS double precision) IN (1, 2.5))");
  EXPECT_EQ(Text(MakeIn(TextCol(), Args(Str("a"), Int(1)), false, ctx)),
            "ERROR 42883: operator does not exist: text = bigint");
  EXPECT_EQ(Text(MakeIn(TsCol(), Args(Str("2026-11-01")), false, ctx)),
            "(ts IN ('2026-11-01 00:00:00+00'))");
  EXPECT_EQ(Text(MakeIn(IntCol(), Args(Str("zz")), false, ctx)),
            "ERROR 22P02: invalid input syntax for type bigint: \"zz\"");
  EXPECT_EQ(Folded(MakeIn(Int(2), Args(Int(1), Int(2)), false, ctx)), "t");
  EXPECT_EQ(Folded(MakeIn(Int(3), Args(Int(1), Int(2)), false, ctx)), "f");
  EXPECT_EQ(Folded(MakeIn(Int(3), Args(Int(1), Null()), false, ctx)), "NULL");
  EXPECT_EQ(Folded(MakeIn(Int(1), Args(Int(1), Null()), false, ctx)), "t");
  EXPECT_EQ(Folded(MakeIn(Int(3), Args(Int(1), Null()), true, ctx)), "NULL");
  EXPECT_EQ(Folded(MakeIn(Int(1), Args(Int(1), Null()), true, ctx)), "f");
  EXPECT_EQ(Folded(MakeIn(Null(), Args(Int(1)), false, ctx)), "NULL");
  EXPECT_EQ(Folded(MakeIn(Str("b"), Args(Str("a"), Str("b")), false, ctx)), "t");
}

TEST(BuilderTest, Like) {
  ExprContext ctx = Ctx();
  EXPECT_EQ(Folded(MakeLike(Str("abc"), Str("a%"), false, false, ctx)), "t");
  EXPECT_EQ(Folded(MakeLike(Str("ABC"), Str("a%"), false, true, ctx)), "t");
  EXPECT_EQ(Folded(MakeLike(Str("abc"), Str("a%"), true, false, ctx)), "f");
  EXPECT_EQ(Folded(MakeLike(Null(), Str("a%"), false, false, ctx)), "NULL");
  EXPECT_EQ(Text(MakeLike(TextCol(), Str("%checkout%"), false, false, ctx)),
            "(event LIKE '%checkout%')");
  EXPECT_EQ(Text(MakeLike(TextCol(), Str("a%"), true, true, ctx)), "(event NOT ILIKE 'a%')");
  EXPECT_EQ(Text(MakeLike(IntCol(), Str("1%"), false, false, ctx)),
            "ERROR 42883: operator does not exist: bigint ~~ text");
  EXPECT_EQ(Text(MakeLike(TextCol(), Str("ab\\"), false, false, ctx)),
            "ERROR 22025: LIKE pattern must not end with escape character");
}

TEST(BuilderTest, Case) {
  ExprContext ctx = Ctx();
  auto whens = [](auto... pairs) {
    std::vector<std::pair<ExprPtr, ExprPtr>> v;
    (v.push_back(std::move(pairs)), ...);
    return v;
  };
  auto when = [](ExprPtr c, ExprPtr r) { return std::make_pair(std::move(c), std::move(r)); };
  EXPECT_EQ(Folded(MakeCase(nullptr, whens(when(Bool(true), Int(1))), Int(2), ctx)), "1");
  EXPECT_EQ(Folded(MakeCase(nullptr, whens(when(Bool(false), Int(1))), Int(2), ctx)), "2");
  EXPECT_EQ(Folded(MakeCase(nullptr, whens(when(Null(), Int(1))), nullptr, ctx)), "NULL");
  EXPECT_EQ(Text(MakeCase(nullptr, whens(when(BoolCol(), Int(1))), Dbl(2.5), ctx)),
            "CASE WHEN b THEN 1 ELSE 2.5 END");
  auto typed = MakeCase(nullptr, whens(when(BoolCol(), Int(1))), Dbl(2.5), ctx);
  EXPECT_EQ((*typed)->type, Type::kFloat64);
  EXPECT_EQ((*typed)->args[1]->constant.type, Type::kFloat64);
  EXPECT_EQ(Text(MakeCase(nullptr, whens(when(BoolCol(), Int(1))), Str("x"), ctx)),
            "ERROR 22P02: invalid input syntax for type bigint: \"x\"");
  EXPECT_EQ(Text(MakeCase(nullptr, whens(when(BoolCol(), TextCol())), IntCol(), ctx)),
            "ERROR 42804: CASE types text and bigint cannot be matched");
  EXPECT_EQ(Text(MakeCase(nullptr, whens(when(IntCol(), Int(1))), nullptr, ctx)),
            "ERROR 42804: argument of CASE/WHEN must be type boolean, not type bigint");
  auto simple = MakeCase(IntCol(), whens(when(Int(1), Str("one")), when(Int(2), Str("two"))),
                         Str("other"), ctx);
  EXPECT_EQ(Text(simple), "CASE WHEN (x = 1) THEN 'one' WHEN (x = 2) THEN 'two' ELSE 'other' END");
  EXPECT_EQ((*simple)->type, Type::kString);
  // A WHEN that is always true ends the list.
  EXPECT_EQ(Text(MakeCase(nullptr,
                          whens(when(BoolCol(), Int(1)), when(Bool(true), Int(2)),
                                when(BoolCol(5, "c"), Int(3))),
                          Int(4), ctx)),
            "CASE WHEN b THEN 1 ELSE 2 END");
  EXPECT_EQ(Text(MakeCase(nullptr, whens(when(BoolCol(), Null())), nullptr, ctx)),
            "CASE WHEN b THEN NULL ELSE NULL END");
}

TEST(BuilderTest, Coalesce) {
  ExprContext ctx = Ctx();
  EXPECT_EQ(Folded(MakeCoalesce(Args(Null(), Int(2), Int(3)), ctx)), "2");
  EXPECT_EQ(Folded(MakeCall("coalesce", Args(Null(), Str("a")), ctx)), "a");
  EXPECT_EQ(Text(MakeCoalesce(Args(IntCol(), Int(0)), ctx)), "COALESCE(x, 0)");
  EXPECT_EQ(Text(MakeCoalesce(Args(IntCol(), Int(0), IntCol(5, "y")), ctx)), "COALESCE(x, 0)");
  EXPECT_EQ(Text(MakeCoalesce(Args(IntCol(), Dbl(1.5)), ctx)),
            "COALESCE(CAST(x AS double precision), 1.5)");
  EXPECT_EQ(Text(MakeCoalesce(Args(TextCol(), IntCol()), ctx)),
            "ERROR 42804: COALESCE types text and bigint cannot be matched");
  EXPECT_EQ(Text(MakeCoalesce(Args(Null(), IntCol()), ctx)), "x");
  auto all_null = MakeCoalesce(Args(Null(), Null()), ctx);
  EXPECT_TRUE((*all_null)->is_constant() && (*all_null)->constant.null);
}

TEST(BuilderTest, CommonType) {
  EXPECT_EQ(*CommonType(Type::kInt64, Type::kFloat64), Type::kFloat64);
  EXPECT_EQ(*CommonType(Type::kNull, Type::kString), Type::kString);
  EXPECT_EQ(*CommonType(Type::kTimestamp, Type::kTimestamp), Type::kTimestamp);
  auto bad = CommonType(Type::kString, Type::kInt64);
  EXPECT_EQ(testing::ErrorText(bad.status()),
            "ERROR 42804: types text and bigint cannot be matched");
}

// ---------------------------------------------------------------------------------------
// Folding, ToString, Clone

TEST(FoldingTest, ConstantSubtreesBecomeConstants) {
  ExprContext ctx = Ctx();
  // ts >= now() - INTERVAL '7 days'
  auto week_ago = MakeCall("-", Args(*MakeCall("now", {}, ctx), Iv(0, 7, 0)), ctx);
  ASSERT_TRUE(week_ago.ok());
  EXPECT_TRUE((*week_ago)->is_constant());
  auto pred = MakeCall(">=", Args(TsCol(), std::move(*week_ago)), ctx);
  EXPECT_EQ(Text(pred), "(ts >= '2026-10-25 00:00:00+00')");
  EXPECT_EQ(Text(MakeCall("+", Args(IntCol(), Int(1)), ctx)), "(x + 1)");
  EXPECT_EQ(Text(MakeCall("+", Args(IntCol(), Null()), ctx)), "NULL");
  EXPECT_EQ(StateOf(MakeCall("/", Args(IntCol(), *MakeCall("-", Args(Int(1), Int(1)), ctx)), ctx)),
            "00000");
  EXPECT_EQ(Text(MakeCall("/", Args(Int(1), Int(0)), ctx)), "ERROR 22012: division by zero");
  EXPECT_EQ(Text(MakeCall("upper", Args(*MakeCall("lower", Args(Str("AbC")), ctx)), ctx)), "'ABC'");
}

TEST(ToStringTest, ExplainForms) {
  ExprContext ctx = Ctx();
  auto eq = MakeCall("=", Args(TextCol(), Str("page_view")), ctx);
  auto gt = MakeCall(">", Args(IntCol(), Int(1)), ctx);
  auto both = MakeAnd(Args(std::move(*eq), std::move(*gt)), ctx);
  EXPECT_EQ(Text(both), "((event = 'page_view') AND (x > 1))");
  EXPECT_EQ(Text(MakeCall("neg", Args(IntCol()), ctx)), "(- x)");
  EXPECT_EQ(Text(MakeCall("lower", Args(TextCol()), ctx)), "lower(event)");
  EXPECT_EQ(Text(MakeCall("substring", Args(TextCol(), Int(1), Int(2)), ctx)),
            "substr(event, 1, 2)");
  EXPECT_EQ(Text(MakeCall("=", Args(TextCol(), Str("it's")), ctx)), "(event = 'it''s')");
  EXPECT_EQ(Text(MakeCall("+", Args(TsCol(), Iv(0, 1, 0)), ctx)), "(ts + '1 day'::interval)");
  EXPECT_EQ(Text(MakeCall("=", Args(BoolCol(), Bool(false)), ctx)), "(b = false)");
  EXPECT_EQ(Text(MakeCall("*", Args(DblCol(), Dbl(0.5)), ctx)), "(d * 0.5)");
  EXPECT_EQ(MakeColumn(7, Type::kInt64, "")->ToString(), "#7");
}

TEST(CloneTest, DeepCopy) {
  ExprContext ctx = Ctx();
  auto call = MakeCall("regexp_like", Args(TextCol(), Str("^a")), ctx);
  auto both =
      MakeAnd(Args(std::move(*call), *MakeIn(IntCol(), Args(Int(1), Int(2)), true, ctx)), ctx);
  ASSERT_TRUE(both.ok());
  ExprPtr copy = (*both)->Clone();
  EXPECT_EQ(copy->ToString(), (*both)->ToString());
  EXPECT_EQ(copy->args[0]->fn, (*both)->args[0]->fn);
  EXPECT_NE(copy->args[0].get(), (*both)->args[0].get());
  EXPECT_EQ(copy->args[1]->negated, true);
}

}  // namespace
}  // namespace strata::query
