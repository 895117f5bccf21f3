// Expressions: precedence, every construct, and ast::Expr::ToSql round trips.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query/error.h"
#include "query/parser.h"

namespace strata::query {
namespace {

using ast::Expr;
using ast::ExprKind;

// A fully parenthesized prefix form of the tree, so tests see its exact shape.
std::string Dump(const Expr& e) {
  auto join = [](const std::vector<ast::ExprPtr>& list, size_t from) {
    std::string out;
    for (size_t i = from; i < list.size(); ++i) out += " " + Dump(*list[i]);
    return out;
  };
  std::string neg = e.negated ? "NOT " : "";
  switch (e.kind) {
    case ExprKind::kLiteral:
      if (e.literal.null) return "NULL";
      switch (e.literal.type) {
        case Type::kBool:
          return e.literal.i ? "TRUE" : "FALSE";
        case Type::kInt64:
          return std::to_string(e.literal.i);
        case Type::kFloat64:
          return "f" + std::to_string(e.literal.f);
        case Type::kString:
          return "'" + e.literal.s + "'";
        default:
          return "?";
      }
    case ExprKind::kColumn:
      return e.qualifier.empty() ? e.name : e.qualifier + "." + e.name;
    case ExprKind::kStar:
      return e.qualifier.empty() ? "*" : e.qualifier + ".*";
    case ExprKind::kParam:
      return "$" + std::to_string(e.param_index);
    case ExprKind::kUnary:
    case ExprKind::kBinary:
      return "(" + e.op + join(e.args, 0) + ")";
    case ExprKind::kFunction: {
      std::string out = (e.negated ? "!" : "") + e.name + "(" + (e.distinct ? "DISTINCT" : "") +
                        (e.star ? "*" : "") + join(e.args, 0) + ")";
      if (e.filter) out += "[FILTER " + Dump(*e.filter) + "]";
      return out;
    }
    case ExprKind::kCast:
      return "(CAST " + Dump(*e.args[0]) + " " + e.type_name + ")";
    case ExprKind::kCase: {
      std::string out = "(CASE";
      if (e.case_operand) out += " " + Dump(*e.case_operand);
      for (const auto& [when, then] : e.whens) {
        out += " (WHEN " + Dump(*when) + " " + Dump(*then) + ")";
      }
      if (e.case_else) out += " (ELSE " + Dump(*e.case_else) + ")";
      return out + ")";
    }
    case ExprKind::kIn:
      return "(" + neg + "IN" + join(e.args, 0) + ")";
    case ExprKind::kInSubquery:
      return "(" + neg + "IN " + Dump(*e.args[0]) + " {" +
             std::to_string(e.subquery->terms.size()) + " terms})";
    case ExprKind::kBetween:
      return "(" + neg + "BETWEEN" + join(e.args, 0) + ")";
    case ExprKind::kLike:
      return "(" + neg + e.op + join(e.args, 0) + ")";
    case ExprKind::kIsNull:
      return "(IS " + neg + "NULL " + Dump(*e.args[0]) + ")";
    case ExprKind::kSubscript:
      return "([]" + join(e.args, 0) + ")";
    case ExprKind::kInterval:
      return "(INTERVAL '" + e.literal.s + "')";
    case ExprKind::kExtract:
      return "(EXTRACT " + e.name + join(e.args, 0) + ")";
    case ExprKind::kSubquery:
      return "{" + std::to_string(e.subquery->terms.size()) + " terms}";
  }
  return "?";
}

// The first select item of "SELECT <expr>".
absl::StatusOr<ast::ExprPtr> ParseExpr(std::string_view expr) {
  absl::StatusOr<ast::Statement> statement = ParseStatement("SELECT " + std::string(expr));
  if (!statement.ok()) return statement.status();
  return std::move(statement->query->terms[0].items[0].expr);
}

std::string Tree(std::string_view expr) {
  absl::StatusOr<ast::ExprPtr> parsed = ParseExpr(expr);
  if (!parsed.ok()) return "error: " + std::string(parsed.status().message());
  return Dump(**parsed);
}

std::string Sql(std::string_view expr) {
  absl::StatusOr<ast::ExprPtr> parsed = ParseExpr(expr);
  if (!parsed.ok()) return "error: " + std::string(parsed.status().message());
  return (*parsed)->ToSql();
}

// Error of "SELECT <expr>": "state@position: message".
std::string Error(std::string_view expr) {
  absl::StatusOr<ast::ExprPtr> parsed = ParseExpr(expr);
  if (parsed.ok()) return "ok: " + Dump(**parsed);
  return SqlStateOf(parsed.status()) + "@" + std::to_string(ErrorPosition(parsed.status())) + ": " +
         std::string(parsed.status().message());
}

TEST(ParserExprTest, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(Tree("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(Tree("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(Tree("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(Tree("8 / 4 % 3 * 2"), "(* (% (/ 8 4) 3) 2)");
  EXPECT_EQ(Tree("a || b || c"), "(|| (|| a b) c)");
  EXPECT_EQ(Tree("a || b + 1"), "(|| a (+ b 1))");
  EXPECT_EQ(Tree("a || b = c"), "(= (|| a b) c)");
}

TEST(ParserExprTest, BooleanPrecedence) {
  EXPECT_EQ(Tree("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(Tree("a AND b OR c AND d"), "(OR (AND a b) (AND c d))");
  EXPECT_EQ(Tree("NOT a AND b"), "(AND (NOT a) b)");
  EXPECT_EQ(Tree("NOT a = b"), "(NOT (= a b))");
  EXPECT_EQ(Tree("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(Tree("a = 1 AND b <> 2 OR NOT c"), "(OR (AND (= a 1) (<> b 2)) (NOT c))");
  EXPECT_EQ(Tree("x = NOT y"), "(= x (NOT y))");
}

TEST(ParserExprTest, ComparisonsAreNonAssociative) {
  EXPECT_EQ(Tree("a != b"), "(<> a b)");
  EXPECT_EQ(Tree("a <= b"), "(<= a b)");
  EXPECT_EQ(Tree("a >= b + 1"), "(>= a (+ b 1))");
  EXPECT_EQ(Error("a = b = c"), "42601@14: syntax error at or near \"=\"");
  EXPECT_EQ(Error("1 < 2 = TRUE"), "42601@14: syntax error at or near \"=\"");
  EXPECT_EQ(Tree("(a = b) = c"), "(= (= a b) c)");
  EXPECT_EQ(Tree("a = b IS NULL"), "(IS NULL (= a b))");
}

TEST(ParserExprTest, IsNullAndTruthTests) {
  EXPECT_EQ(Tree("a IS NULL"), "(IS NULL a)");
  EXPECT_EQ(Tree("a IS NOT NULL"), "(IS NOT NULL a)");
  EXPECT_EQ(Tree("a ISNULL"), "(IS NULL a)");
  EXPECT_EQ(Tree("a NOTNULL"), "(IS NOT NULL a)");
  EXPECT_EQ(Tree("a IS UNKNOWN"), "(IS NULL a)");
  EXPECT_EQ(Tree("a IS TRUE"), "is_true( a)");
  EXPECT_EQ(Tree("a IS NOT FALSE"), "!is_false( a)");
  EXPECT_EQ(Tree("NOT a IS NULL"), "(NOT (IS NULL a))");
  EXPECT_EQ(Tree("a + 1 IS NULL"), "(IS NULL (+ a 1))");
  EXPECT_EQ(Tree("a IS NULL IS NULL"), "(IS NULL (IS NULL a))");
  EXPECT_EQ(Error("a IS 5"), "42601@13: syntax error at or near \"5\"");
  EXPECT_EQ(Error("a IS DISTINCT FROM b"), "0A000@13: IS DISTINCT FROM is not supported");
}

TEST(ParserExprTest, Between) {
  EXPECT_EQ(Tree("a BETWEEN 1 AND 10"), "(BETWEEN a 1 10)");
  EXPECT_EQ(Tree("a NOT BETWEEN 1 AND 10"), "(NOT BETWEEN a 1 10)");
  EXPECT_EQ(Tree("a BETWEEN 1 AND 10 AND b"), "(AND (BETWEEN a 1 10) b)");
  EXPECT_EQ(Tree("a BETWEEN b + 1 AND c * 2"), "(BETWEEN a (+ b 1) (* c 2))");
  EXPECT_EQ(Tree("a BETWEEN ASYMMETRIC 1 AND 2"), "(BETWEEN a 1 2)");
  EXPECT_EQ(Tree("a = b BETWEEN 1 AND 2"), "(= a (BETWEEN b 1 2))");
  EXPECT_EQ(Error("a BETWEEN SYMMETRIC 1 AND 2"), "0A000@18: BETWEEN SYMMETRIC is not supported");
  EXPECT_EQ(Error("a BETWEEN 1 AND 2 BETWEEN 3 AND 4"),
            "42601@26: syntax error at or near \"BETWEEN\"");
  EXPECT_EQ(Error("a BETWEEN 1"), "42601@19: syntax error at end of input");
}

TEST(ParserExprTest, InListsAndSubqueries) {
  EXPECT_EQ(Tree("a IN (1, 2, 3)"), "(IN a 1 2 3)");
  EXPECT_EQ(Tree("a NOT IN ('x')"), "(NOT IN a 'x')");
  EXPECT_EQ(Tree("a IN (SELECT b FROM t)"), "(IN a {1 terms})");
  EXPECT_EQ(Tree("a NOT IN (SELECT 1 UNION ALL SELECT 2)"), "(NOT IN a {2 terms})");
  EXPECT_EQ(Tree("a IN ((SELECT 1))"), "(IN a {1 terms})");
  EXPECT_EQ(Tree("a IN ((SELECT 1) UNION ALL (SELECT 2))"), "(IN a {2 terms})");
  EXPECT_EQ(Tree("a IN ((SELECT 1), 2)"), "(IN a {1 terms} 2)");
  EXPECT_EQ(Tree("a + 1 IN (1) = TRUE"), "(= (IN (+ a 1) 1) TRUE)");
  EXPECT_EQ(Error("a IN ()"), "42601@14: syntax error at or near \")\"");
  EXPECT_EQ(Error("a IN 1"), "42601@13: syntax error at or near \"1\"");
}

TEST(ParserExprTest, LikeAndIlike) {
  EXPECT_EQ(Tree("page LIKE '/blog/%'"), "(LIKE page '/blog/%')");
  EXPECT_EQ(Tree("page NOT ILIKE '%x' || y"), "(NOT ILIKE page (|| '%x' y))");
  EXPECT_EQ(Tree("a LIKE b = c"), "(= (LIKE a b) c)");
  EXPECT_EQ(Tree("a LIKE 'x' AND b ILIKE 'y'"), "(AND (LIKE a 'x') (ILIKE b 'y'))");
  EXPECT_EQ(Error("a LIKE 'x' ESCAPE '!'"), "0A000@19: LIKE ... ESCAPE is not supported");
  EXPECT_EQ(Error("a SIMILAR TO 'x'"), "0A000@10: SIMILAR TO is not supported");
  EXPECT_EQ(Error("a LIKE b LIKE c"), "42601@17: syntax error at or near \"LIKE\"");
}

TEST(ParserExprTest, UnaryMinusFoldsNumericLiterals) {
  EXPECT_EQ(Tree("-5"), "-5");
  EXPECT_EQ(Tree("- 2.5"), "f-2.500000");
  EXPECT_EQ(Tree("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Tree("9223372036854775808"), "f9223372036854775808.000000");
  EXPECT_EQ(Tree("-(-5)"), "5");
  EXPECT_EQ(Tree("-a"), "(- a)");
  EXPECT_EQ(Tree("+a"), "(+ a)");
  EXPECT_EQ(Tree("+1"), "(+ 1)");
  EXPECT_EQ(Tree("- -a"), "(- (- a))");
  EXPECT_EQ(Tree("-a * b"), "(* (- a) b)");
  EXPECT_EQ(Tree("2 - -1"), "(- 2 -1)");
  EXPECT_EQ(Tree("-1::text"), "(- (CAST 1 text))");
  absl::StatusOr<ast::ExprPtr> folded = ParseExpr("-5");
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ((*folded)->pos, 8);  // the minus sign
}

TEST(ParserExprTest, CastsAndSubscriptsBindTightest) {
  EXPECT_EQ(Tree("a::int"), "(CAST a int)");
  EXPECT_EQ(Tree("a::int::text"), "(CAST (CAST a int) text)");
  EXPECT_EQ(Tree("a + b::float8"), "(+ a (CAST b float8))");
  EXPECT_EQ(Tree("params['k']"), "([] params 'k')");
  EXPECT_EQ(Tree("params['k']::int + 1"), "(+ (CAST ([] params 'k') int) 1)");
  EXPECT_EQ(Tree("-params['k']"), "(- ([] params 'k'))");
  EXPECT_EQ(Tree("'2026-11-01'::timestamp with time zone"),
            "(CAST '2026-11-01' timestamp with time zone)");
  EXPECT_EQ(Tree("x::timestamp(3) without time zone"), "(CAST x timestamp without time zone)");
  EXPECT_EQ(Tree("x::double precision"), "(CAST x double precision)");
  EXPECT_EQ(Tree("x::character varying(20)"), "(CAST x character varying)");
  EXPECT_EQ(Tree("x::numeric(10, 2)"), "(CAST x numeric)");
  EXPECT_EQ(Tree("x::pg_catalog.int8"), "(CAST x int8)");
  EXPECT_EQ(Tree("CAST(a + 1 AS varchar(3))"), "(CAST (+ a 1) varchar)");
  EXPECT_EQ(Error("x::int[]"), "0A000@14: array types are not supported");
  EXPECT_EQ(Error("CAST(x AS text ARRAY)"), "0A000@23: array types are not supported");
  EXPECT_EQ(Error("x::"), "42601@11: syntax error at end of input");
}

TEST(ParserExprTest, AtTimeZone) {
  EXPECT_EQ(Tree("ts AT TIME ZONE 'UTC'"), "timezone( 'UTC' ts)");
  EXPECT_EQ(Tree("ts + i AT TIME ZONE z"), "(+ ts timezone( z i))");
  EXPECT_EQ(Tree("-ts AT TIME ZONE z"), "timezone( z (- ts))");
  EXPECT_EQ(Tree("ts AT TIME ZONE 'UTC' AT TIME ZONE 'CET'"),
            "timezone( 'CET' timezone( 'UTC' ts))");
  EXPECT_EQ(Tree("ts at"), "ts");  // "at" alone is an alias
  EXPECT_EQ(Error("a COLLATE \"C\""), "0A000@10: COLLATE is not supported");
}

TEST(ParserExprTest, Literals) {
  EXPECT_EQ(Tree("TRUE"), "TRUE");
  EXPECT_EQ(Tree("false"), "FALSE");
  EXPECT_EQ(Tree("NULL"), "NULL");
  EXPECT_EQ(Tree("'it''s'"), "'it's'");
  EXPECT_EQ(Tree("1.5e3"), "f1500.000000");
  EXPECT_EQ(Tree("$3"), "$3");
  EXPECT_EQ(Error("$0"), "42601@8: syntax error at or near \"$0\"");
  EXPECT_EQ(Error("1e999"), "22003@8: \"1e999\" is out of range for type double precision");
}

TEST(ParserExprTest, ColumnReferences) {
  EXPECT_EQ(Tree("page"), "page");
  EXPECT_EQ(Tree("e.page"), "e.page");
  EXPECT_EQ(Tree("\"Page\""), "Page");
  EXPECT_EQ(Tree("E.\"Page\""), "e.Page");
  EXPECT_EQ(Tree("t.*"), "t.*");
  EXPECT_EQ(Error("a.b.c"),
            "0A000@8: column references with more than one qualifier are not supported");
  // Product column names that are (non-reserved) keywords elsewhere.
  for (std::string_view name : {"ts", "event", "value", "date", "time", "name", "day", "hour",
                                "page", "interval", "timestamp", "filter", "over", "at", "zone"}) {
    EXPECT_EQ(Tree(name), name);
  }
  EXPECT_EQ(Tree("date + interval"), "(+ date interval)");
  EXPECT_EQ(Error("from"), "42601@8: syntax error at or near \"from\"");
  EXPECT_EQ(Tree("\"from\""), "from");
  EXPECT_EQ(Error("left"), "42601@8: syntax error at or near \"left\"");
}

TEST(ParserExprTest, FunctionCalls) {
  EXPECT_EQ(Tree("now()"), "now()");
  EXPECT_EQ(Tree("count(*)"), "count(*)");
  EXPECT_EQ(Tree("count(DISTINCT client_id)"), "count(DISTINCT client_id)");
  EXPECT_EQ(Tree("sum(ALL value)"), "sum( value)");
  EXPECT_EQ(Tree("coalesce(a, b, 'x')"), "coalesce( a b 'x')");
  EXPECT_EQ(Tree("count(*) FILTER (WHERE event = 'purchase')"),
            "count(*)[FILTER (= event 'purchase')]");
  EXPECT_EQ(Tree("Lower(\"Upper\")"), "lower( Upper)");
  EXPECT_EQ(Tree("\"MyFunc\"(1)"), "MyFunc( 1)");
  EXPECT_EQ(Tree("left(page, 2) || right(page, 1)"), "(|| left( page 2) right( page 1))");
  EXPECT_EQ(Tree("pg_catalog.now()"), "now()");
  EXPECT_EQ(Tree("myschema.f(1)"), "myschema.f( 1)");
  EXPECT_EQ(Tree("count(*) filter"), "count(*)");  // alias
  EXPECT_EQ(Error("sum(x) OVER (PARTITION BY y)"), "0A000@15: window functions are not supported");
  EXPECT_EQ(Error("rank() OVER w"), "0A000@15: window functions are not supported");
  EXPECT_EQ(Error("string_agg(x, ',' ORDER BY x)"),
            "0A000@26: ORDER BY in aggregate arguments is not supported");
  EXPECT_EQ(Error("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"),
            "0A000@29: WITHIN GROUP is not supported; use percentile_cont(x, p)");
  EXPECT_EQ(Error("f(a,)"), "42601@12: syntax error at or near \")\"");
  EXPECT_EQ(Error("count(*"), "42601@15: syntax error at end of input");
}

TEST(ParserExprTest, TypedLiterals) {
  EXPECT_EQ(Tree("timestamptz '2026-11-01 00:00:00+00'"),
            "(CAST '2026-11-01 00:00:00+00' timestamptz)");
  EXPECT_EQ(Tree("timestamp '2026-11-01'"), "(CAST '2026-11-01' timestamp)");
  EXPECT_EQ(Tree("date '2026-11-01'"), "(CAST '2026-11-01' date)");
  EXPECT_EQ(Tree("timestamp with time zone '2026-11-01'"),
            "(CAST '2026-11-01' timestamp with time zone)");
  EXPECT_EQ(Tree("double precision '1.5'"), "(CAST '1.5' double precision)");
  EXPECT_EQ(Tree("ts >= date '2026-11-01' - interval '1 day'"),
            "(>= ts (- (CAST '2026-11-01' date) (INTERVAL '1 day')))");
}

TEST(ParserExprTest, Intervals) {
  EXPECT_EQ(Tree("INTERVAL '7 days'"), "(INTERVAL '7 days')");
  EXPECT_EQ(Tree("interval '7' DAY"), "(INTERVAL '7 day')");
  EXPECT_EQ(Tree("INTERVAL '90' minute"), "(INTERVAL '90 minute')");
  EXPECT_EQ(Tree("INTERVAL '5' HOUR TO MINUTE"), "(INTERVAL '5 minute')");
  EXPECT_EQ(Tree("INTERVAL '1:30' HOUR TO MINUTE"), "(INTERVAL '1:30')");
  EXPECT_EQ(Tree("now() - INTERVAL '15 min'"), "(- now() (INTERVAL '15 min'))");
  EXPECT_EQ(Tree("'1 day'::interval"), "(CAST '1 day' interval)");
  EXPECT_EQ(Tree("interval"), "interval");
}

TEST(ParserExprTest, Case) {
  EXPECT_EQ(Tree("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"),
            "(CASE (WHEN (> a 1) 'big') (WHEN (> a 0) 'small') (ELSE 'none'))");
  EXPECT_EQ(Tree("CASE device WHEN 'mobile' THEN 1 END"), "(CASE device (WHEN 'mobile' 1))");
  EXPECT_EQ(Tree("CASE WHEN a THEN b END + 1"), "(+ (CASE (WHEN a b)) 1)");
  EXPECT_EQ(Error("CASE ELSE 1 END"), "42601@13: syntax error at or near \"ELSE\"");
  EXPECT_EQ(Error("CASE WHEN a THEN b"), "42601@26: syntax error at end of input");
}

TEST(ParserExprTest, Extract) {
  EXPECT_EQ(Tree("EXTRACT(hour FROM ts)"), "(EXTRACT hour ts)");
  EXPECT_EQ(Tree("extract(EPOCH from ts)"), "(EXTRACT epoch ts)");
  EXPECT_EQ(Tree("EXTRACT('DOW' FROM ts + INTERVAL '1 day')"),
            "(EXTRACT dow (+ ts (INTERVAL '1 day')))");
  EXPECT_EQ(Error("EXTRACT(hour ts)"), "42601@21: syntax error at or near \"ts\"");
}

TEST(ParserExprTest, SqlValueFunctions) {
  EXPECT_EQ(Tree("CURRENT_TIMESTAMP"), "current_timestamp()");
  EXPECT_EQ(Tree("current_timestamp(3)"), "current_timestamp()");
  EXPECT_EQ(Tree("CURRENT_DATE"), "current_date()");
  EXPECT_EQ(Tree("LOCALTIMESTAMP"), "localtimestamp()");
  EXPECT_EQ(Tree("CURRENT_USER"), "current_user()");
  EXPECT_EQ(Tree("USER"), "current_user()");
  EXPECT_EQ(Tree("SESSION_USER"), "session_user()");
  EXPECT_EQ(Tree("CURRENT_SCHEMA"), "current_schema()");
  EXPECT_EQ(Tree("current_schema()"), "current_schema()");
  EXPECT_EQ(Tree("CURRENT_CATALOG"), "current_catalog()");
  EXPECT_EQ(Tree("ts > CURRENT_TIMESTAMP - INTERVAL '1 hour'"),
            "(> ts (- current_timestamp() (INTERVAL '1 hour')))");
}

TEST(ParserExprTest, TrimSubstringPositionOverlay) {
  EXPECT_EQ(Tree("TRIM(s)"), "btrim( s)");
  EXPECT_EQ(Tree("TRIM(BOTH FROM s)"), "btrim( s)");
  EXPECT_EQ(Tree("TRIM(LEADING 'x' FROM s)"), "ltrim( s 'x')");
  EXPECT_EQ(Tree("trim(trailing from s)"), "rtrim( s)");
  EXPECT_EQ(Tree("TRIM(' x' FROM s)"), "btrim( s ' x')");
  EXPECT_EQ(Tree("TRIM(s, 'x')"), "btrim( s 'x')");
  EXPECT_EQ(Tree("SUBSTRING(s FROM 2 FOR 3)"), "substring( s 2 3)");
  EXPECT_EQ(Tree("SUBSTRING(s FROM 2)"), "substring( s 2)");
  EXPECT_EQ(Tree("substring(s for 3)"), "substring( s 1 3)");
  EXPECT_EQ(Tree("substring(s FOR 3 FROM 2)"), "substring( s 2 3)");
  EXPECT_EQ(Tree("substring(s, 2, 3)"), "substring( s 2 3)");
  EXPECT_EQ(Tree("POSITION('b' IN s)"), "strpos( s 'b')");
  EXPECT_EQ(Tree("position('b' || c IN s)"), "strpos( s (|| 'b' c))");
  EXPECT_EQ(Tree("OVERLAY(s PLACING 'x' FROM 2 FOR 1)"), "overlay( s 'x' 2 1)");
  EXPECT_EQ(Tree("overlay(s, 'x', 2)"), "overlay( s 'x' 2)");
  EXPECT_EQ(Error("POSITION('b', s)"), "42601@20: syntax error at or near \",\"");
}

TEST(ParserExprTest, Subqueries) {
  EXPECT_EQ(Tree("(SELECT max(ts) FROM events)"), "{1 terms}");
  EXPECT_EQ(Tree("((SELECT 1))"), "{1 terms}");
  EXPECT_EQ(Tree("((SELECT 1) + 1)"), "(+ {1 terms} 1)");
  EXPECT_EQ(Tree("((SELECT 1) UNION ALL (SELECT 2))"), "{2 terms}");
  EXPECT_EQ(Tree("((SELECT 1) LIMIT 1)"), "{1 terms}");
  EXPECT_EQ(Tree("(SELECT 1)::text"), "(CAST {1 terms} text)");
  EXPECT_EQ(Error("EXISTS (SELECT 1)"), "0A000@8: EXISTS is not supported");
  EXPECT_EQ(Error("ARRAY[1, 2]"), "0A000@8: arrays are not supported");
  EXPECT_EQ(Error("(1, 2)"), "42601@10: syntax error at or near \",\"");
}

TEST(ParserExprTest, Parameters) {
  EXPECT_EQ(Tree("$1::timestamptz + $2"), "(+ (CAST $1 timestamptz) $2)");
  EXPECT_EQ(Tree("merchant IN ($1, $2)"), "(IN merchant $1 $2)");
  EXPECT_EQ(Tree("-$1"), "(- $1)");
  EXPECT_EQ(Error("$65536"), "42601@8: syntax error at or near \"$65536\"");
}

TEST(ParserExprTest, AdjacentStringsJoinOnlyAcrossNewlines) {
  EXPECT_EQ(Tree("'/blog'\n'/post'"), "'/blog/post'");
  EXPECT_EQ(Error("'a' 'b'"), "42601@12: syntax error at or near \"'b'\"");
}

TEST(ParserExprTest, QuotedIdentifiersAreNeverKeywords) {
  EXPECT_EQ(Tree("\"select\" + \"NULL\""), "(+ select NULL)");
  EXPECT_EQ(Tree("\"case\"(1)"), "case( 1)");
  EXPECT_EQ(Tree("\"interval\" '1'"), "error: syntax error at or near \"'1'\"");
}

TEST(ParserExprTest, NestedCallsAndQualifiedStars) {
  EXPECT_EQ(Tree("round(avg(value)::numeric, 2)"), "round( (CAST avg( value) numeric) 2)");
  EXPECT_EQ(Tree("count(e.*)"), "count( e.*)");
  EXPECT_EQ(Tree("lower(trim(page))"), "lower( btrim( page))");
  EXPECT_EQ(Error("* + 1"), "42601@10: syntax error at or near \"+\"");
  EXPECT_EQ(Error("count(DISTINCT *)"), "42601@23: syntax error at or near \"*\"");
}

TEST(ParserExprTest, AnyAllAndSome) {
  EXPECT_EQ(Error("a = ANY($1)"),
            "0A000@12: ANY / SOME / ALL comparisons are not supported; use IN");
  EXPECT_EQ(Error("a > ALL (SELECT 1)"),
            "0A000@12: ANY / SOME / ALL comparisons are not supported; use IN");
}

TEST(ParserExprTest, IntervalUnits) {
  for (std::string_view unit : {"year", "month", "day", "hour", "minute", "second"}) {
    EXPECT_EQ(Tree("INTERVAL '2' " + std::string(unit)),
              "(INTERVAL '2 " + std::string(unit) + "')");
  }
  EXPECT_EQ(Tree("INTERVAL '-1.5' day"), "(INTERVAL '-1.5 day')");
  EXPECT_EQ(Tree("INTERVAL '1' DAY TO SECOND"), "(INTERVAL '1 second')");
  EXPECT_EQ(Tree("interval '1 day' + ts"), "(+ (INTERVAL '1 day') ts)");
}

TEST(ParserExprTest, ToSqlNeverWritesAComment) {
  EXPECT_EQ(Sql("a - -b"), "a - -b");
  EXPECT_EQ(Sql("-(-(-a))"), "-(-(-a))");
  EXPECT_EQ(Sql("+(-1)"), "+(-1)");
  EXPECT_EQ(Sql("- - 1"), "1");
  EXPECT_EQ(Sql("'--not a comment'"), "'--not a comment'");
}

TEST(ParserExprTest, NodePositionsAreFirstTokens) {
  absl::StatusOr<ast::ExprPtr> e = ParseExpr("a + (b * c)");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->pos, 8);
  EXPECT_EQ((*e)->args[1]->pos, 13);           // b, inside the parentheses
  EXPECT_EQ((*e)->args[1]->args[1]->pos, 17);  // c
  e = ParseExpr("count(*) FILTER (WHERE x IS NULL)");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->filter->pos, 31);
  e = ParseExpr("CAST(x AS int)");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->pos, 8);
  EXPECT_EQ((*e)->args[0]->pos, 13);
}

// --- ToSql ---

TEST(ParserExprTest, ToSqlAddsOnlyNeededParentheses) {
  EXPECT_EQ(Sql("1+2*3"), "1 + 2 * 3");
  EXPECT_EQ(Sql("(1+2)*3"), "(1 + 2) * 3");
  EXPECT_EQ(Sql("1-(2-3)"), "1 - (2 - 3)");
  EXPECT_EQ(Sql("(1-2)-3"), "1 - 2 - 3");
  EXPECT_EQ(Sql("a AND (b OR c)"), "a AND (b OR c)");
  EXPECT_EQ(Sql("(a AND b) OR c"), "a AND b OR c");
  EXPECT_EQ(Sql("NOT (a AND b)"), "NOT (a AND b)");
  EXPECT_EQ(Sql("(a = b) = c"), "(a = b) = c");
  EXPECT_EQ(Sql("a != b"), "a <> b");
  EXPECT_EQ(Sql("(-1)::text"), "(-1)::text");
  EXPECT_EQ(Sql("-(1::text)"), "-1::text");
  EXPECT_EQ(Sql("-(-a)"), "-(-a)");
  EXPECT_EQ(Sql("2 - -1"), "2 - -1");
  EXPECT_EQ(Sql("(a + b)[1]"), "(a + b)[1]");
  EXPECT_EQ(Sql("(a IS NULL) = b"), "(a IS NULL) = b");
  EXPECT_EQ(Sql("(a BETWEEN 1 AND 2) IS TRUE"), "a BETWEEN 1 AND 2 IS TRUE");
  EXPECT_EQ(Sql("a BETWEEN (b AND c) AND d"), "a BETWEEN (b AND c) AND d");
  EXPECT_EQ(Sql("a NOT LIKE 'x%' OR b ILIKE 'y'"), "a NOT LIKE 'x%' OR b ILIKE 'y'");
  EXPECT_EQ(Sql("(a LIKE b) LIKE c"), "(a LIKE b) LIKE c");
  EXPECT_EQ(Sql("ts at time zone 'UTC'"), "timezone('UTC', ts)");
}

TEST(ParserExprTest, ToSqlQuotesWhatNeedsQuoting) {
  EXPECT_EQ(Sql("\"Page\" || \"from\" || page"), "\"Page\" || \"from\" || page");
  EXPECT_EQ(Sql("t.\"a\"\"b\""), "t.\"a\"\"b\"");
  EXPECT_EQ(Sql("\"T\".*"), "\"T\".*");
  EXPECT_EQ(Sql("'it''s'"), "'it''s'");
  EXPECT_EQ(Sql("\"MyFunc\"(1) + left(s, 1)"), "\"MyFunc\"(1) + left(s, 1)");
  EXPECT_EQ(Sql("\"trim\"(s)"), "\"trim\"(s)");
  EXPECT_EQ(Sql("EXTRACT('week day' FROM ts)"), "EXTRACT('week day' FROM ts)");
  EXPECT_EQ(Sql("EXTRACT(dow FROM ts)"), "EXTRACT(dow FROM ts)");
}

TEST(ParserExprTest, ToSqlLiterals) {
  EXPECT_EQ(Sql("1.0"), "1.0");
  EXPECT_EQ(Sql("1.50"), "1.5");
  EXPECT_EQ(Sql("1e20"), "1e+20");
  EXPECT_EQ(Sql("-0.0"), "-0.0");
  EXPECT_EQ(Sql("TRUE AND NULL"), "TRUE AND NULL");
  EXPECT_EQ(Sql("$2"), "$2");
  EXPECT_EQ(Sql("INTERVAL '7' DAY"), "INTERVAL '7 day'");
  EXPECT_EQ(Sql("date '2026-11-01'"), "'2026-11-01'::date");
  // Values the parser never produces still print as SQL.
  Expr e;
  e.literal = Value::Float(std::numeric_limits<double>::infinity());
  EXPECT_EQ(e.ToSql(), "'Infinity'::double precision");
  e.literal = Value::Float(std::nan(""));
  EXPECT_EQ(e.ToSql(), "'NaN'::double precision");
  e.literal = Value::Timestamp(1'793'491'200'500'000);
  EXPECT_EQ(e.ToSql(), "'2026-11-01 00:00:00.5+00'::timestamptz");
  e.literal = Value::IntervalOf({.months = 1, .days = 2, .micros = 3});
  EXPECT_EQ(e.ToSql(), "INTERVAL '1 months 2 days 3 microseconds'");
  e.literal = Value::Null(Type::kInt64);
  EXPECT_EQ(e.ToSql(), "NULL");
}

TEST(ParserExprTest, ToSqlSpecialForms) {
  EXPECT_EQ(Sql("a IS NOT TRUE"), "a IS NOT TRUE");
  EXPECT_EQ(Sql("is_false(a)"), "a IS FALSE");
  EXPECT_EQ(Sql("CURRENT_TIMESTAMP(3)"), "CURRENT_TIMESTAMP");
  EXPECT_EQ(Sql("count(DISTINCT x) FILTER (WHERE y > 0)"),
            "count(DISTINCT x) FILTER (WHERE y > 0)");
  EXPECT_EQ(Sql("TRIM(LEADING 'x' FROM s)"), "ltrim(s, 'x')");
  EXPECT_EQ(Sql("CASE x WHEN 1 THEN 'a' ELSE 'b' END"), "CASE x WHEN 1 THEN 'a' ELSE 'b' END");
  EXPECT_EQ(Sql("a NOT IN (1, 2)"), "a NOT IN (1, 2)");
  EXPECT_EQ(Sql("a IN (SELECT b FROM t WHERE c)"), "a IN (SELECT b FROM t WHERE c)");
  EXPECT_EQ(Sql("CAST(x AS timestamp with time zone)"), "x::timestamp with time zone");
  EXPECT_EQ(Sql("x::\"MyType\""), "x::\"MyType\"");
}

// ToSql of the reparsed ToSql is a fixed point, and both parse to the same tree.
TEST(ParserExprTest, ToSqlRoundTrips) {
  const char* cases[] = {
      "a + b * c - d / e % f",
      "-a * -(b + c)",
      "- - 1",
      "NOT a OR NOT (b AND c) AND d",
      "a = b AND b <> c OR c < d AND d <= e OR e > f AND f >= g",
      "a || 'x' || b::text",
      "(a = 1) IS NOT NULL",
      "a IS TRUE IS FALSE",
      "a NOT BETWEEN b - 1 AND c + 1",
      "x NOT IN (1, -2, 3.5, 'four', NULL, TRUE)",
      "x IN ((SELECT a FROM t LIMIT 1) UNION ALL SELECT b FROM u)",
      "p ILIKE '%' || q || '%'",
      "params['utm']::int * 2",
      "(a + b)::text",
      "-9223372036854775808",
      "9223372036854775808",
      "1e300 * 2.5e-7",
      "ts AT TIME ZONE 'Europe/Berlin' AT TIME ZONE 'UTC'",
      "count(*) FILTER (WHERE event = 'purchase' AND value > 0)",
      "sum(DISTINCT value)",
      "CASE WHEN a THEN (SELECT 1) WHEN b THEN 2 END",
      "CASE a + 1 WHEN 2 THEN 'x' ELSE NULL END",
      "EXTRACT(epoch FROM now() - ts)",
      "TRIM(BOTH 'x' FROM s) || SUBSTRING(s FROM 2 FOR 3) || POSITION('a' IN s)",
      "OVERLAY(s PLACING 'ab' FROM 2)",
      "date_trunc('day', ts, 'Europe/Berlin')",
      "time_bucket('15 minutes', ts)",
      "ts >= now() - INTERVAL '7 days' AND ts < CURRENT_DATE",
      "timestamp with time zone '2026-11-01' + interval '1' hour",
      "\"Weird \"\"Name\"\"\" + \"select\".\"from\"",
      "(SELECT count(*) FROM (SELECT DISTINCT a FROM t) AS s)",
      "$1 + $2",
      "-(-a)",
      "+(-a)",
      "a - (b - c)",
      "a IS NULL = b IS NULL",
      "(NOT a) = b",
      "(a AND b) IS NULL",
      "-x::int",
      "(-x)::int",
      "x[1][2]",
      "lower(x) LIKE 'a%' = TRUE",
      "current_user || session_user || current_schema",
  };
  for (const char* sql : cases) {
    absl::StatusOr<ast::ExprPtr> first = ParseExpr(sql);
    ASSERT_TRUE(first.ok()) << sql << ": " << first.status();
    std::string printed = (*first)->ToSql();
    absl::StatusOr<ast::ExprPtr> second = ParseExpr(printed);
    ASSERT_TRUE(second.ok()) << sql << " -> " << printed << ": " << second.status();
    EXPECT_EQ(Dump(**second), Dump(**first)) << sql << " -> " << printed;
    EXPECT_EQ((*second)->ToSql(), printed) << sql;
  }
}

}  // namespace
}  // namespace strata::query
