#include "server/result_format.h"

#include <cmath>

#include "gtest/gtest.h"
#include "query/error.h"

namespace strata::server {
namespace {

using query::QueryResult;
using query::Type;
using query::Value;

std::string Format(const QueryResult& result, OutputFormat format) {
  std::string out;
  AppendResult(result, format, absl::UTCTimeZone(), &out);
  return out;
}

QueryResult MerchantCounts() {
  QueryResult r;
  r.columns = {{"merchant", Type::kString}, {"events", Type::kInt64}};
  r.rows = {{Value::String("shop-1"), Value::Int(42)},
            {Value::String("Zürich"), Value::Int(1234567)},
            {Value::Null(Type::kString), Value::Null(Type::kInt64)}};
  r.tag = "SELECT 3";
  return r;
}

TEST(ResultFormatTest, TableAlignsLikePsql) {
  // Text left, numbers right, headers centered (the odd space goes right), NULL empty, and
  // "Zürich" is 6 wide though 7 bytes.
  EXPECT_EQ(Format(MerchantCounts(), OutputFormat::kTable),
            " merchant | events  \n"
            "----------+---------\n"
            " shop-1   |      42\n"
            " Zürich   | 1234567\n"
            "          |        \n"
            "(3 rows)\n"
            "\n");
}

TEST(ResultFormatTest, TableFooterSingularAndEmpty) {
  QueryResult r;
  r.columns = {{"count", Type::kInt64}};
  r.rows = {{Value::Int(1000)}};
  EXPECT_EQ(Format(r, OutputFormat::kTable), " count \n-------\n  1000\n(1 row)\n\n");
  r.rows.clear();
  EXPECT_EQ(Format(r, OutputFormat::kTable), " count \n-------\n(0 rows)\n\n");
}

TEST(ResultFormatTest, TableMarksContinuedLinesWithPlus) {
  QueryResult r;
  r.columns = {{"a", Type::kString}, {"b", Type::kInt64}, {"c", Type::kString}};
  r.rows = {{Value::String("x\nyy"), Value::Int(1), Value::String("p\nq")}};
  EXPECT_EQ(Format(r, OutputFormat::kTable),
            " a  | b | c \n"
            "----+---+---\n"
            " x +| 1 | p+\n"
            " yy |   | q\n"
            "(1 row)\n\n");
}

TEST(ResultFormatTest, ExplainPlanLinesArePlain) {
  QueryResult r;
  r.columns = {{"QUERY PLAN", Type::kString}};
  r.rows = {{Value::String("Aggregate\n  -> Scan events")}, {Value::String("segments: 3")}};
  r.tag = "EXPLAIN";
  EXPECT_EQ(Format(r, OutputFormat::kTable),
            "    QUERY PLAN    \n"
            "------------------\n"
            " Aggregate\n"
            "   -> Scan events\n"
            " segments: 3\n"
            "(2 rows)\n\n");
}

TEST(ResultFormatTest, ResultWithoutColumnsPrintsItsTagInEveryFormat) {
  QueryResult r;
  r.tag = "SET";
  for (OutputFormat f :
       {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kTsv, OutputFormat::kJson}) {
    EXPECT_EQ(Format(r, f), "SET\n") << OutputFormatName(f);
  }
}

TEST(ResultFormatTest, CsvQuotesPerRfc4180AndTellsNullFromEmpty) {
  QueryResult r;
  r.columns = {{"a,b", Type::kString}, {"n", Type::kInt64}, {"s", Type::kString}};
  r.rows = {{Value::String("say \"hi\""), Value::Int(-5), Value::String("")},
            {Value::String("two\nlines"), Value::Null(Type::kInt64), Value::Null(Type::kString)},
            {Value::String("plain"), Value::Int(0), Value::String("cr\r")}};
  EXPECT_EQ(Format(r, OutputFormat::kCsv),
            "\"a,b\",n,s\n"
            "\"say \"\"hi\"\"\",-5,\"\"\n"
            "\"two\nlines\",,\n"
            "plain,0,\"cr\r\"\n");
}

TEST(ResultFormatTest, TsvEscapesTabNewlineCrAndBackslash) {
  QueryResult r;
  r.columns = {{"k\tey", Type::kString}, {"v", Type::kString}};
  r.rows = {{Value::String("a\tb\nc\\d\re"), Value::Null(Type::kString)},
            {Value::String("x"), Value::String("y")}};
  EXPECT_EQ(Format(r, OutputFormat::kTsv),
            "k\\tey\tv\n"
            "a\\tb\\nc\\\\d\\re\t\n"
            "x\ty\n");
}

TEST(ResultFormatTest, JsonTypesNullsAndEscapes) {
  QueryResult r;
  r.columns = {{"i", Type::kInt64},     {"f", Type::kFloat64},   {"b", Type::kBool},
               {"s", Type::kString},    {"t", Type::kTimestamp}, {"nan", Type::kFloat64},
               {"inf", Type::kFloat64}, {"n", Type::kString}};
  r.rows = {{Value::Int(-7), Value::Float(1.5), Value::Bool(true), Value::String("q\"\\\n\t\x01 é"),
             Value::Timestamp(1793491200000000), Value::Float(std::nan("")),
             Value::Float(-INFINITY), Value::Null(Type::kString)}};
  EXPECT_EQ(Format(r, OutputFormat::kJson),
            "{\"i\":-7,\"f\":1.5,\"b\":true,\"s\":\"q\\\"\\\\\\n\\t\\u0001 é\","
            "\"t\":\"2026-11-01 00:00:00+00\",\"nan\":\"NaN\",\"inf\":\"-Infinity\",\"n\":null}\n");
  r.rows.clear();
  EXPECT_EQ(Format(r, OutputFormat::kJson), "");  // no rows, no lines
}

TEST(ResultFormatTest, TimestampsInTheGivenZone) {
  QueryResult r;
  r.columns = {{"t", Type::kTimestamp}};
  r.rows = {{Value::Timestamp(1793491200500000)}};  // 2026-11-01T00:00:00.5Z
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  std::string out;
  AppendResult(r, OutputFormat::kCsv, berlin, &out);
  EXPECT_EQ(out, "t\n2026-11-01 01:00:00.5+01\n");
  out.clear();
  AppendResult(r, OutputFormat::kJson, berlin, &out);
  EXPECT_EQ(out, "{\"t\":\"2026-11-01 01:00:00.5+01\"}\n");
}

TEST(ResultFormatTest, ParsesFormatNames) {
  OutputFormat f = OutputFormat::kTable;
  EXPECT_TRUE(ParseOutputFormat("json", &f));
  EXPECT_EQ(f, OutputFormat::kJson);
  EXPECT_TRUE(ParseOutputFormat("csv", &f));
  EXPECT_EQ(f, OutputFormat::kCsv);
  EXPECT_TRUE(ParseOutputFormat("tsv", &f));
  EXPECT_EQ(f, OutputFormat::kTsv);
  EXPECT_TRUE(ParseOutputFormat("table", &f));
  EXPECT_EQ(f, OutputFormat::kTable);
  EXPECT_FALSE(ParseOutputFormat("xml", &f));
  EXPECT_FALSE(ParseOutputFormat("CSV", &f));
  EXPECT_EQ(f, OutputFormat::kTable);
}

TEST(ResultFormatTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Zürich"), 6u);
  EXPECT_EQ(DisplayWidth("日本語"), 3u);
  EXPECT_EQ(DisplayWidth("🙂!"), 2u);
}

TEST(FormatErrorTest, SyntaxErrorPointsAtTheToken) {
  absl::Status s =
      query::SqlError(query::sqlstate::kSyntaxError, "syntax error at or near \"FORM\"", 10);
  EXPECT_EQ(FormatError(s, "SELECT * FORM events"),
            "ERROR:  syntax error at or near \"FORM\" (SQLSTATE 42601)\n"
            "LINE 1: SELECT * FORM events\n"
            "                 ^\n");
}

TEST(FormatErrorTest, PointsIntoTheRightLineCountingCodePoints) {
  // Position 25 is the 'x' of "xyz" on line 2: "SELECT 'ü',\n" holds 12 code points.
  const std::string sql = "SELECT 'ü',\n  a + 'é' + xyz\nFROM events";
  absl::Status s =
      query::SqlError(query::sqlstate::kUndefinedColumn, "column \"xyz\" does not exist", 25);
  EXPECT_EQ(FormatError(s, sql),
            "ERROR:  column \"xyz\" does not exist (SQLSTATE 42703)\n"
            "LINE 2:   a + 'é' + xyz\n"
            "                    ^\n");
}

TEST(FormatErrorTest, EndOfInputAndNoPosition) {
  absl::Status end =
      query::SqlError(query::sqlstate::kSyntaxError, "syntax error at end of input", 14);
  EXPECT_EQ(FormatError(end, "SELECT 1 FROM"),
            "ERROR:  syntax error at end of input (SQLSTATE 42601)\n"
            "LINE 1: SELECT 1 FROM\n"
            "                     ^\n");
  absl::Status plain = query::SqlError(query::sqlstate::kDivisionByZero, "division by zero");
  EXPECT_EQ(FormatError(plain, "SELECT 1/0"), "ERROR:  division by zero (SQLSTATE 22012)\n");
  EXPECT_EQ(FormatError(absl::DataLossError("segment 7: checksum mismatch"), "SELECT 1"),
            "ERROR:  segment 7: checksum mismatch (SQLSTATE XX001)\n");
}

}  // namespace
}  // namespace strata::server
