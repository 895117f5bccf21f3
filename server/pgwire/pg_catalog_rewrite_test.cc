// The PostgreSQL -> SQLite rewriter and its lexer on tricky inputs.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Sql(const std::string& pg) {
  auto r = RewriteQuery(pg, {});
  EXPECT_TRUE(r.ok()) << pg << ": " << r.status();
  return r.ok() ? r->sql : "";
}

std::string State(const std::string& pg) {
  auto r = RewriteQuery(pg, {});
  return r.ok() ? "OK" : query::SqlStateOf(r.status());
}

TEST(RewriteTest, PostgresSyntaxBecomesSqlite) {
  EXPECT_THAT(
      Sql("SELECT 1 FROM pg_class c WHERE c.relname OPERATOR(pg_catalog.~) "
          "'^(events)$' COLLATE pg_catalog.default AND true"),
      AllOf(HasSubstr("\"c\".\"relname\" REGEXP '^(events)$' AND 1"), Not(HasSubstr("COLLATE"))));
  EXPECT_THAT(Sql("SELECT 'events'::pg_catalog.regclass"), HasSubstr("pg_regclass('events')"));
  EXPECT_THAT(Sql("SELECT c.oid::regclass::text FROM pg_class c"),
              HasSubstr("pg_regclass_name(pg_regclass(\"c\".\"oid\"))"));
  EXPECT_THAT(Sql("SELECT E'a\\nb'"), HasSubstr("'a\nb'"));
  EXPECT_THAT(Sql("SELECT pg_catalog.format_type(1, NULL)"), HasSubstr(" format_type(1, NULL)"));
  EXPECT_THAT(Sql("SELECT 1 FROM pg_class LIMIT ALL"), Not(HasSubstr("LIMIT")));
  EXPECT_THAT(Sql("SELECT 1 FROM pg_class WHERE oid = ANY(ARRAY[1, 2])"),
              HasSubstr("IN (SELECT value FROM json_each(pg_array(json_array(1, 2))))"));
  EXPECT_THAT(Sql("SELECT 1 FROM pg_class WHERE oid = ANY(SELECT 1)"), HasSubstr("IN (SELECT 1"));
  EXPECT_THAT(Sql("SELECT s[2] FROM (SELECT ARRAY['a'] AS s) t"),
              HasSubstr("pg_subscript(\"s\", 2)"));
  EXPECT_THAT(Sql("SELECT 1 IS DISTINCT FROM 2, 1 IS NOT DISTINCT FROM 2"),
              HasSubstr("1 IS NOT 2 AS \"?column?\", 1 IS 2"));
  EXPECT_THAT(Sql("SELECT 'a' ILIKE 'A', 'a' NOT ILIKE 'A', 'a' ~~* 'b'"),
              HasSubstr("'a' GLOB 'A' AS \"?column?\", 'a' NOT GLOB 'A'"));
  EXPECT_THAT(Sql("SELECT 'a' !~* 'b', 'a' !~ 'b'"), HasSubstr("'a' NOT MATCH 'b'"));
  EXPECT_THAT(Sql("SELECT current_user, user, session_user"),
              HasSubstr("pg_current_user() AS \"current_user\", pg_current_user() AS \"user\""));
  // PostgreSQL sorts NULLs last ascending; SQLite first.
  EXPECT_THAT(Sql("SELECT relname FROM pg_class ORDER BY 1, relname DESC"),
              HasSubstr("ORDER BY 1 ASC NULLS LAST, \"relname\" DESC NULLS FIRST"));
  EXPECT_THAT(Sql("SELECT 1 OFFSET 5"), HasSubstr("LIMIT -1 OFFSET 5"));
}

TEST(RewriteTest, ParametersAndTypes) {
  auto r = RewriteQuery("SELECT $3, $1::int FROM pg_class WHERE oid = $2", {0, oid::kInt8});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->param_count, 3);
  EXPECT_THAT(r->sql, HasSubstr("?3"));
  EXPECT_THAT(r->sql, HasSubstr("\"oid\" = ?2"));  // a typed parameter is not coerced
  ASSERT_EQ(r->columns.size(), 2u);
  EXPECT_EQ(r->columns[1].type_oid, oid::kInt4);
  EXPECT_EQ(r->columns[1].name, "int4");
}

TEST(RewriteTest, ResultColumnsAreNamedAndTypedLikePostgres) {
  auto r = RewriteQuery(
      "SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, "
      "a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), "
      "a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) "
      "JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) "
      "JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) "
      "LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum)",
      {});
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> names;
  std::vector<uint32_t> types;
  for (const CatalogColumn& c : r->columns) {
    names.push_back(c.name);
    types.push_back(c.type_oid);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"oid", "attnum", "attname", "relname", "nspname",
                                             "?column?", "?column?"}));
  EXPECT_EQ(types, (std::vector<uint32_t>{oid::kOid, oid::kInt2, oid::kName, oid::kName, oid::kName,
                                          oid::kBool, oid::kBool}));
}

TEST(RewriteTest, Errors) {
  EXPECT_EQ(State("SHOW search_path"), "0A000");
  EXPECT_EQ(State("SELECT 1; SELECT 2"), "0A000");
  EXPECT_EQ(State("SELECT (1"), "42601");
  EXPECT_EQ(State("SELECT 1)"), "42601");
  EXPECT_EQ(State("SELECT ARRAY[1"), "42601");
  EXPECT_EQ(State("SELECT 1::nosuchtype"), "42704");
  EXPECT_EQ(State("SELECT 1 WHERE 1 < ANY(ARRAY[2])"), "0A000");
  EXPECT_EQ(State("SELECT x[1:2] FROM (SELECT ARRAY[1] AS x) t"), "0A000");
  EXPECT_EQ(State("SELECT '{1}'::int[] @> '{1}'"), "0A000");
  auto r = RewriteQuery("SELECT 1 FROM pg_class WHERE (", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(query::ErrorPosition(r.status()), 31);  // at the end of input
}

std::vector<std::string> Tokens(std::string_view text) {
  auto toks = Tokenize(text);
  EXPECT_TRUE(toks.ok()) << toks.status();
  std::vector<std::string> out;
  if (!toks.ok()) return out;
  for (const Tok& t : *toks) {
    if (t.kind == TokKind::kEnd) break;
    out.emplace_back(text.substr(t.begin, t.end - t.begin));
  }
  return out;
}

TEST(LexerTest, Tokens) {
  EXPECT_EQ(Tokens("a=-1"), (std::vector<std::string>{"a", "=", "-", "1"}));
  EXPECT_EQ(Tokens("a !~* b::int[]"),
            (std::vector<std::string>{"a", "!~*", "b", "::", "int", "[", "]"}));
  EXPECT_EQ(Tokens("x /* a /* nested */ comment */ -- line\n y"),
            (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Tokens("$1 $tag$ it's $tag$ \"a\"\"b\" E'\\''"),
            (std::vector<std::string>{"$1", "$tag$ it's $tag$", "\"a\"\"b\"", "E'\\''"}));
  EXPECT_EQ(Tokens("1.5e3 .5 7."), (std::vector<std::string>{"1.5e3", ".5", "7."}));
  EXPECT_EQ(query::SqlStateOf(Tokenize("SELECT 1e").status()), "42601");  // trailing junk
  auto toks = Tokenize("SELECT E'\\x41\\u00e9\\101' , \"Mixed Case\"");
  ASSERT_TRUE(toks.ok());
  std::string text = "SELECT E'\\x41\\u00e9\\101' , \"Mixed Case\"";
  EXPECT_EQ(DecodeString(text, (*toks)[1]),
            "A\xC3\xA9"
            "A");
  EXPECT_EQ(IdentName(text, (*toks)[3]), "Mixed Case");
  EXPECT_EQ(query::SqlStateOf(Tokenize("SELECT 'open").status()), "42601");
  EXPECT_EQ(query::ErrorPosition(Tokenize("SELECT 'open").status()), 8);
  EXPECT_EQ(query::SqlStateOf(Tokenize("SELECT /* open").status()), "42601");
  EXPECT_EQ(query::SqlStateOf(Tokenize("SELECT \"\"").status()), "42601");
}

TEST(ArrayTextTest, RoundTrips) {
  EXPECT_EQ(JsonArrayToPgText("[\"a\",null,\"b c\",1,true,[2,3],\"\",\"NULL\"]"),
            "{a,NULL,\"b c\",1,t,{2,3},\"\",\"NULL\"}");
  EXPECT_EQ(PgArrayTextToJson("{a,NULL,\"b \\\"c\",{1,2}}"), "[\"a\",null,\"b \\\"c\",[1,2]]");
  EXPECT_EQ(PgArrayTextToJson("[0:1]={7,8}"), "[7,8]");
  EXPECT_EQ(PgArrayTextToJson("not an array"), "");
  EXPECT_EQ(JsonArrayToPgText("[1,"), "");
}

}  // namespace
}  // namespace strata::server::pgwire::catalog
