// Statements, queries, error positions and limits; expressions are in parser_expr_test.cc.
#include "query/parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query/error.h"

namespace strata::query {
namespace {

using ast::ExprKind;
using ast::StatementKind;

ast::Statement Parse(std::string_view sql) {
  absl::StatusOr<ast::Statement> statement = ParseStatement(sql);
  EXPECT_TRUE(statement.ok()) << sql << ": " << statement.status();
  if (!statement.ok()) return {};
  return std::move(*statement);
}

// "state@position: message" of a statement that must fail.
std::string Error(std::string_view sql) {
  absl::StatusOr<std::vector<ast::Statement>> statements = ParseStatements(sql);
  if (statements.ok()) return "ok";
  return SqlStateOf(statements.status()) + "@" +
         std::to_string(ErrorPosition(statements.status())) + ": " +
         std::string(statements.status().message());
}

// A query printed back, through the ToSql of a scalar subquery holding it.
std::string ToSql(std::unique_ptr<ast::Query> query) {
  ast::Expr subquery;
  subquery.kind = ExprKind::kSubquery;
  subquery.subquery = std::move(query);
  std::string text = subquery.ToSql();
  return text.substr(1, text.size() - 2);
}

std::string QuerySql(std::string_view sql) {
  absl::StatusOr<ast::Statement> statement = ParseStatement(sql);
  if (!statement.ok()) return "error: " + std::string(statement.status().message());
  return ToSql(std::move(statement->query));
}

// --- statements ---

TEST(ParserTest, SelectStatement) {
  ast::Statement s = Parse("  SELECT 1  ");
  EXPECT_EQ(s.kind, StatementKind::kSelect);
  EXPECT_EQ(s.pos, 3);
  EXPECT_EQ(s.text, "SELECT 1");
  ASSERT_NE(s.query, nullptr);
  ASSERT_EQ(s.query->terms.size(), 1u);
  EXPECT_FALSE(s.query->terms[0].from.has_value());
  EXPECT_EQ(s.query->terms[0].items[0].expr->literal.i, 1);
}

TEST(ParserTest, MultipleStatementsKeepTheirTextAndPositions) {
  absl::StatusOr<std::vector<ast::Statement>> s =
      ParseStatements("SET timezone = 'UTC'; SELECT a -- note\n FROM t;\nSHOW timezone");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].kind, StatementKind::kSet);
  EXPECT_EQ((*s)[0].text, "SET timezone = 'UTC'");
  EXPECT_EQ((*s)[0].pos, 1);
  EXPECT_EQ((*s)[1].text, "SELECT a -- note\n FROM t");
  EXPECT_EQ((*s)[1].pos, 23);
  EXPECT_EQ((*s)[1].query->terms[0].items[0].expr->pos, 30);  // relative to the whole text
  EXPECT_EQ((*s)[1].query->terms[0].from->pos, 46);
  EXPECT_EQ((*s)[2].kind, StatementKind::kShow);
  EXPECT_EQ((*s)[2].pos, 49);
}

TEST(ParserTest, EmptyStatements) {
  auto kinds = [](std::string_view sql) {
    std::string out;
    absl::StatusOr<std::vector<ast::Statement>> s = ParseStatements(sql);
    if (!s.ok()) return std::string(s.status().message());
    for (const ast::Statement& statement : *s) {
      out += statement.kind == StatementKind::kEmpty ? "E" : "S";
    }
    return out;
  };
  EXPECT_EQ(kinds(""), "E");
  EXPECT_EQ(kinds("  -- only a comment"), "E");
  EXPECT_EQ(kinds(";"), "E");
  EXPECT_EQ(kinds(";;"), "EE");
  EXPECT_EQ(kinds("SELECT 1;"), "S");
  EXPECT_EQ(kinds("SELECT 1; /* c */"), "S");
  EXPECT_EQ(kinds("SELECT 1;;SELECT 2"), "SES");
  EXPECT_EQ(Parse(";").kind, StatementKind::kEmpty);
  EXPECT_EQ(Parse(";").pos, 1);
  EXPECT_EQ(Parse("").pos, 1);
}

TEST(ParserTest, ParseStatementWantsExactlyOne) {
  EXPECT_EQ(Parse("SELECT 1;").kind, StatementKind::kSelect);
  EXPECT_EQ(Parse("SELECT 1; ;").kind, StatementKind::kSelect);
  absl::StatusOr<ast::Statement> two = ParseStatement("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(SqlStateOf(two.status()), "42601");
  EXPECT_EQ(two.status().message(), "cannot insert multiple commands into a prepared statement");
  EXPECT_EQ(ErrorPosition(two.status()), 11);
}

TEST(ParserTest, Explain) {
  ast::Statement s = Parse("EXPLAIN SELECT 1");
  EXPECT_EQ(s.kind, StatementKind::kExplain);
  EXPECT_FALSE(s.analyze);
  EXPECT_FALSE(s.verbose);
  ASSERT_NE(s.query, nullptr);
  s = Parse("EXPLAIN ANALYZE VERBOSE SELECT 1");
  EXPECT_TRUE(s.analyze);
  EXPECT_TRUE(s.verbose);
  s = Parse("explain analyse select 1");
  EXPECT_TRUE(s.analyze);
  s = Parse("EXPLAIN VERBOSE SELECT 1");
  EXPECT_FALSE(s.analyze);
  EXPECT_TRUE(s.verbose);
  s = Parse("EXPLAIN (ANALYZE, VERBOSE false) SELECT 1");
  EXPECT_TRUE(s.analyze);
  EXPECT_FALSE(s.verbose);
  s = Parse("EXPLAIN (analyze on, verbose '1') WITH x AS (SELECT 1) SELECT * FROM x");
  EXPECT_TRUE(s.analyze);
  EXPECT_TRUE(s.verbose);
  s = Parse("EXPLAIN (SELECT 1)");
  EXPECT_EQ(s.kind, StatementKind::kExplain);
  EXPECT_FALSE(s.analyze);
  EXPECT_EQ(Error("EXPLAIN (COSTS off) SELECT 1"),
            "0A000@10: EXPLAIN option \"costs\" is not supported");
  EXPECT_EQ(Error("EXPLAIN (ANALYZE maybe) SELECT 1"),
            "42601@18: analyze requires a Boolean value");
  EXPECT_EQ(Error("EXPLAIN SHOW x"), "42601@9: syntax error at or near \"SHOW\"");
  EXPECT_EQ(Error("EXPLAIN"), "42601@8: syntax error at end of input");
}

TEST(ParserTest, Set) {
  ast::Statement s = Parse("SET timezone = 'Europe/Berlin'");
  EXPECT_EQ(s.kind, StatementKind::kSet);
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(s.values, std::vector<std::string>{"Europe/Berlin"});
  s = Parse("SET SESSION TimeZone TO \"UTC\"");
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(s.values, std::vector<std::string>{"UTC"});
  s = Parse("SET LOCAL statement_timeout = 5000");
  EXPECT_EQ(s.name, "statement_timeout");
  EXPECT_EQ(s.values, std::vector<std::string>{"5000"});
  s = Parse("SET extra_float_digits = -3");
  EXPECT_EQ(s.values, std::vector<std::string>{"-3"});
  s = Parse("SET search_path TO public, 'x', My_Schema");
  EXPECT_EQ(s.values, (std::vector<std::string>{"public", "x", "my_schema"}));
  s = Parse("SET enable_x = on");
  EXPECT_EQ(s.values, std::vector<std::string>{"on"});
  s = Parse("SET enable_x TO false");
  EXPECT_EQ(s.values, std::vector<std::string>{"false"});
  s = Parse("SET datestyle TO DEFAULT");
  EXPECT_EQ(s.values, std::vector<std::string>{"default"});
  s = Parse("SET my.custom = 1.5");
  EXPECT_EQ(s.name, "my.custom");
  EXPECT_EQ(s.values, std::vector<std::string>{"1.5"});
  s = Parse("SET session = 1");  // a variable named session
  EXPECT_EQ(s.name, "session");
  EXPECT_EQ(Error("SET x"), "42601@6: syntax error at end of input");
  EXPECT_EQ(Error("SET x = SELECT"), "42601@9: syntax error at or near \"SELECT\"");
  EXPECT_EQ(Error("SET x = -'a'"), "42601@9: syntax error at or near \"-\"");
}

TEST(ParserTest, SetTimeZone) {
  ast::Statement s = Parse("SET TIME ZONE 'America/New_York'");
  EXPECT_EQ(s.kind, StatementKind::kSet);
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(s.values, std::vector<std::string>{"America/New_York"});
  EXPECT_EQ(Parse("SET TIME ZONE LOCAL").values, std::vector<std::string>{"local"});
  EXPECT_EQ(Parse("SET SESSION TIME ZONE DEFAULT").values, std::vector<std::string>{"default"});
  EXPECT_EQ(Parse("SET TIME ZONE -5").values, std::vector<std::string>{"-5"});
  EXPECT_EQ(Parse("SET TIME ZONE UTC").values, std::vector<std::string>{"utc"});
}

TEST(ParserTest, ShowAndReset) {
  ast::Statement s = Parse("SHOW TimeZone");
  EXPECT_EQ(s.kind, StatementKind::kShow);
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(Parse("SHOW ALL").name, "all");
  EXPECT_EQ(Parse("SHOW TIME ZONE").name, "timezone");
  EXPECT_EQ(Parse("SHOW TRANSACTION ISOLATION LEVEL").name, "transaction_isolation");
  EXPECT_EQ(Parse("SHOW server_version").name, "server_version");
  s = Parse("RESET timezone");
  EXPECT_EQ(s.kind, StatementKind::kReset);
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(Parse("RESET ALL").name, "all");
  EXPECT_EQ(Parse("RESET TIME ZONE").name, "timezone");
  EXPECT_EQ(Error("SHOW"), "42601@5: syntax error at end of input");
  EXPECT_EQ(Error("SHOW a b"), "42601@8: syntax error at or near \"b\"");
}

TEST(ParserTest, TransactionStatements) {
  for (const char* sql :
       {"BEGIN", "begin work", "BEGIN TRANSACTION", "START TRANSACTION",
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        "START TRANSACTION READ WRITE NOT DEFERRABLE", "BEGIN ISOLATION LEVEL READ COMMITTED"}) {
    EXPECT_EQ(Parse(sql).kind, StatementKind::kBegin) << sql;
  }
  for (const char* sql : {"COMMIT", "COMMIT WORK", "END", "end transaction"}) {
    EXPECT_EQ(Parse(sql).kind, StatementKind::kCommit) << sql;
  }
  for (const char* sql : {"ROLLBACK", "ROLLBACK TRANSACTION", "ABORT"}) {
    EXPECT_EQ(Parse(sql).kind, StatementKind::kRollback) << sql;
  }
  EXPECT_EQ(Error("START"), "42601@6: syntax error at end of input");
  EXPECT_EQ(Error("BEGIN ISOLATION LEVEL SOMETIMES"),
            "42601@23: syntax error at or near \"SOMETIMES\"");
}

TEST(ParserTest, SetNamesAndSchema) {
  ast::Statement s = Parse("SET NAMES 'UTF8'");
  EXPECT_EQ(s.name, "client_encoding");
  EXPECT_EQ(s.values, std::vector<std::string>{"UTF8"});
  s = Parse("SET SCHEMA 'public'");
  EXPECT_EQ(s.name, "search_path");
  EXPECT_EQ(s.values, std::vector<std::string>{"public"});
  s = Parse("SET names = 'x'");  // a variable that happens to be called names
  EXPECT_EQ(s.name, "names");
}

TEST(ParserTest, SettingNamesAreLowerCaseEvenQuoted) {
  EXPECT_EQ(Parse("SHOW \"TimeZone\"").name, "timezone");
  EXPECT_EQ(Parse("SET \"DateStyle\" TO 'ISO'").name, "datestyle");
  EXPECT_EQ(Parse("RESET Application_Name").name, "application_name");
  EXPECT_EQ(Parse("SET timezone TO \"Europe/Berlin\"").values,
            std::vector<std::string>{"Europe/Berlin"});
}

TEST(ParserTest, ClientStartupStatements) {
  // What psql, JDBC and psycopg send on connect.
  for (const char* sql :
       {"SET extra_float_digits = 3", "SET application_name = 'PostgreSQL JDBC Driver'",
        "SELECT version()", "select current_schema()", "SHOW TRANSACTION ISOLATION LEVEL",
        "SET DateStyle = 'ISO'", "SET client_min_messages TO warning", "SELECT 1;",
        "SET SESSION CHARACTERISTICS AS TRANSACTION"}) {
    absl::StatusOr<ast::Statement> s = ParseStatement(sql);
    if (std::string_view(sql).find("CHARACTERISTICS") != std::string_view::npos) {
      EXPECT_FALSE(s.ok()) << sql;  // not a setting this product has
    } else {
      EXPECT_TRUE(s.ok()) << sql << ": " << s.status();
    }
  }
}

TEST(ParserTest, KeywordsAreCaseInsensitive) {
  ast::Statement s = Parse("sElEcT DiStInCt A aS b FrOm T wHeRe x Is NoT nUlL oRdEr By 1 LiMiT 1");
  EXPECT_TRUE(s.query->terms[0].distinct);
  EXPECT_EQ(s.query->terms[0].items[0].alias, "b");
  EXPECT_EQ(s.query->terms[0].from->name, "t");
  EXPECT_EQ(s.query->terms[0].where->kind, ExprKind::kIsNull);
  EXPECT_EQ(Parse("explain ANALYZE select 1").kind, StatementKind::kExplain);
}

TEST(ParserTest, StatementTextStopsAtTheLastToken) {
  absl::StatusOr<std::vector<ast::Statement>> s =
      ParseStatements("/* lead */ SELECT 1 -- trailing\n ;  SHOW all /* x */");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].text, "SELECT 1");
  EXPECT_EQ((*s)[0].pos, 12);
  EXPECT_EQ((*s)[1].text, "SHOW all");
  EXPECT_EQ((*s)[1].name, "all");
}

TEST(ParserTest, PositionsInsideSubqueriesAreAbsolute) {
  ast::Statement s = Parse("SELECT * FROM (SELECT a FROM (SELECT b FROM t) x WHERE c) y");
  const ast::Query& middle = *s.query->terms[0].from->subquery;
  EXPECT_EQ(middle.pos, 16);
  EXPECT_EQ(middle.terms[0].items[0].expr->pos, 23);
  const ast::Query& inner = *middle.terms[0].from->subquery;
  EXPECT_EQ(inner.terms[0].items[0].expr->pos, 38);
  EXPECT_EQ(inner.terms[0].from->pos, 45);
  EXPECT_EQ(middle.terms[0].where->pos, 56);
}

TEST(ParserTest, ProductQueriesParse) {
  const char* queries[] = {
      // Q1: daily pageviews, unique users, sessions.
      "SELECT date_trunc('day', ts, 'Europe/Berlin') AS day, count(*) FILTER (WHERE event = "
      "'page_view') AS pageviews, count(DISTINCT client_id) AS users, count(DISTINCT "
      "session_id) AS sessions FROM events WHERE ts >= now() - INTERVAL '30 days' GROUP BY 1 "
      "ORDER BY 1",
      // Q2: hourly pageviews.
      "SELECT time_bucket('1 hour', ts) AS hour, count(*) FROM events WHERE event = 'page_view' "
      "AND ts >= now() - INTERVAL '7' DAY GROUP BY hour ORDER BY hour",
      // Q4: bounce rate per day from a per-session subquery.
      "SELECT day, avg(CASE WHEN pages = 1 THEN 1.0 ELSE 0.0 END) AS bounce_rate, "
      "avg(EXTRACT(epoch FROM last_ts - first_ts)) AS duration FROM (SELECT session_id, "
      "date_trunc('day', min(ts)) AS day, count(*) FILTER (WHERE event = 'page_view') AS "
      "pages, min(ts) AS first_ts, max(ts) AS last_ts FROM events GROUP BY session_id) s "
      "GROUP BY day ORDER BY day",
      // Q5: conversion and revenue by source.
      "SELECT coalesce(utm_source, '(direct)') AS source, count(DISTINCT session_id) FILTER "
      "(WHERE event = 'purchase')::float8 / nullif(count(DISTINCT session_id), 0) AS rate, "
      "sum(value) AS revenue FROM events GROUP BY 1 ORDER BY revenue DESC NULLS LAST LIMIT 10",
      // Q8: the last 5 minutes.
      "SELECT page, count(*) FROM events WHERE ts > CURRENT_TIMESTAMP - INTERVAL '5 minutes' "
      "AND params['plan'] IN ('pro', 'team') GROUP BY page ORDER BY 2 DESC LIMIT 10",
      "SELECT country, count(DISTINCT user_id) FROM events WHERE merchant = $1 AND ts "
      "BETWEEN $2 AND $3 AND page NOT LIKE '/admin%' GROUP BY country",
  };
  for (const char* sql : queries) {
    absl::StatusOr<ast::Statement> s = ParseStatement(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.status();
    std::string printed = QuerySql(sql);
    EXPECT_EQ(QuerySql(printed), printed) << sql;
  }
}

TEST(ParserTest, UnknownStatementsAreSyntaxErrors) {
  EXPECT_EQ(Error("SELEC 1"), "42601@1: syntax error at or near \"SELEC\"");
  EXPECT_EQ(Error("INSERT INTO events VALUES (1)"), "42601@1: syntax error at or near \"INSERT\"");
  EXPECT_EQ(Error("SELECT 1; DROP TABLE events"), "42601@11: syntax error at or near \"DROP\"");
}

// --- queries ---

TEST(ParserTest, SelectClauses) {
  ast::Statement s = Parse(
      "SELECT DISTINCT page, count(*) AS n FROM events e WHERE ts > now() - INTERVAL '1 day' "
      "GROUP BY page, 1 HAVING count(*) > 10");
  const ast::Select& select = s.query->terms[0];
  EXPECT_TRUE(select.distinct);
  EXPECT_EQ(select.pos, 1);
  ASSERT_EQ(select.items.size(), 2u);
  EXPECT_EQ(select.items[1].alias, "n");
  EXPECT_EQ(select.items[1].pos, 23);
  ASSERT_TRUE(select.from.has_value());
  EXPECT_EQ(select.from->name, "events");
  EXPECT_EQ(select.from->alias, "e");
  EXPECT_EQ(select.where->ToSql(), "ts > now() - INTERVAL '1 day'");
  ASSERT_EQ(select.group_by.size(), 2u);
  EXPECT_EQ(select.group_by[1]->literal.i, 1);
  EXPECT_EQ(select.having->ToSql(), "count(*) > 10");
  EXPECT_FALSE(Parse("SELECT ALL a FROM t").query->terms[0].distinct);
}

TEST(ParserTest, SelectItemsAndAliases) {
  ast::Statement s = Parse(
      "SELECT *, e.*, a AS \"Total Count\", b c, 1 AS from, d value, ts date, f AS \"X\" FROM t");
  const std::vector<ast::SelectItem>& items = s.query->terms[0].items;
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(items[0].expr->kind, ExprKind::kStar);
  EXPECT_EQ(items[0].expr->qualifier, "");
  EXPECT_EQ(items[1].expr->kind, ExprKind::kStar);
  EXPECT_EQ(items[1].expr->qualifier, "e");
  EXPECT_EQ(items[2].alias, "Total Count");
  EXPECT_EQ(items[3].alias, "c");
  EXPECT_EQ(items[4].alias, "from");  // any word after AS
  EXPECT_EQ(items[5].alias, "value");
  EXPECT_EQ(items[6].alias, "date");
  EXPECT_EQ(items[7].alias, "X");
  EXPECT_EQ(Error("SELECT a b c FROM t"), "42601@12: syntax error at or near \"c\"");
  EXPECT_EQ(Error("SELECT a AS FROM t"), "42601@18: syntax error at or near \"t\"");
  EXPECT_EQ(Error("SELECT 1 left"), "42601@10: syntax error at or near \"left\"");
  EXPECT_EQ(Error("SELECT FROM t"), "42601@8: syntax error at or near \"FROM\"");
  EXPECT_EQ(Error("SELECT a, FROM t"), "42601@11: syntax error at or near \"FROM\"");
}

TEST(ParserTest, FromTablesAndSubqueries) {
  ast::Statement s = Parse("SELECT * FROM pg_catalog.pg_class");
  EXPECT_EQ(s.query->terms[0].from->name, "pg_catalog.pg_class");
  s = Parse("SELECT * FROM \"Events\" AS ev");
  EXPECT_EQ(s.query->terms[0].from->name, "Events");
  EXPECT_EQ(s.query->terms[0].from->alias, "ev");
  s = Parse("SELECT s.n FROM (SELECT count(*) AS n FROM events GROUP BY session_id) s");
  const ast::TableRef& from = *s.query->terms[0].from;
  EXPECT_EQ(from.name, "");
  EXPECT_EQ(from.alias, "s");
  EXPECT_EQ(from.pos, 17);
  ASSERT_NE(from.subquery, nullptr);
  EXPECT_EQ(from.subquery->terms[0].group_by.size(), 1u);
  s = Parse("SELECT * FROM (SELECT 1) AS x");
  EXPECT_EQ(s.query->terms[0].from->alias, "x");
  s = Parse("SELECT * FROM (SELECT 1)");  // alias optional, as in PostgreSQL 16
  EXPECT_EQ(s.query->terms[0].from->alias, "");
  s = Parse("SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) u");
  EXPECT_EQ(s.query->terms[0].from->subquery->terms.size(), 2u);
  EXPECT_EQ(Error("SELECT * FROM (1)"), "42601@16: syntax error at or near \"1\"");
  EXPECT_EQ(Error("SELECT * FROM select"), "42601@15: syntax error at or near \"select\"");
}

TEST(ParserTest, JoinsAndOtherUnsupportedClauses) {
  EXPECT_EQ(Error("SELECT * FROM a JOIN b ON a.x = b.x"), "0A000@17: joins are not supported");
  EXPECT_EQ(Error("SELECT * FROM a x LEFT JOIN b ON true"), "0A000@19: joins are not supported");
  EXPECT_EQ(Error("SELECT * FROM a CROSS JOIN b"), "0A000@17: joins are not supported");
  EXPECT_EQ(Error("SELECT * FROM a, b"), "0A000@16: joins are not supported");
  EXPECT_EQ(Error("SELECT * FROM generate_series(1, 3)"),
            "0A000@30: functions in FROM are not supported");
  EXPECT_EQ(Error("SELECT * FROM t AS x(a, b)"),
            "0A000@21: column aliases in FROM are not supported");
  EXPECT_EQ(Error("SELECT DISTINCT ON (a) a FROM t"),
            "0A000@17: SELECT DISTINCT ON is not supported");
  EXPECT_EQ(Error("SELECT a FROM t WINDOW w AS (ORDER BY a)"),
            "0A000@17: window functions are not supported");
  EXPECT_EQ(Error("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r"),
            "0A000@6: WITH RECURSIVE is not supported");
  EXPECT_EQ(Error("SELECT a FROM t ORDER BY a USING <"),
            "0A000@28: ORDER BY ... USING is not supported");
  EXPECT_EQ(Error("SELECT a FROM t FETCH FIRST 1 ROW WITH TIES"),
            "0A000@35: FETCH ... WITH TIES is not supported");
  EXPECT_EQ(Error("SELECT a FROM t FOR UPDATE"), "42601@17: syntax error at or near \"FOR\"");
}

TEST(ParserTest, OrderBy) {
  ast::Statement s =
      Parse("SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS FIRST, 2 DESC NULLS LAST");
  const std::vector<ast::OrderItem>& order = s.query->order_by;
  ASSERT_EQ(order.size(), 4u);
  EXPECT_FALSE(order[0].desc);
  EXPECT_FALSE(order[0].nulls_first.has_value());
  EXPECT_TRUE(order[1].desc);
  EXPECT_FALSE(order[2].desc);
  EXPECT_EQ(order[2].nulls_first, std::optional<bool>(true));
  EXPECT_EQ(order[3].expr->literal.i, 2);
  EXPECT_EQ(order[3].nulls_first, std::optional<bool>(false));
  EXPECT_EQ(Error("SELECT a FROM t ORDER a"), "42601@23: syntax error at or near \"a\"");
  EXPECT_EQ(Error("SELECT a FROM t ORDER BY a NULLS"), "42601@33: syntax error at end of input");
}

TEST(ParserTest, LimitOffsetFetch) {
  ast::Statement s = Parse("SELECT a FROM t LIMIT 10 OFFSET 20");
  EXPECT_EQ(s.query->limit->literal.i, 10);
  EXPECT_EQ(s.query->offset->literal.i, 20);
  s = Parse("SELECT a FROM t OFFSET 5 ROWS LIMIT $1");
  EXPECT_EQ(s.query->limit->kind, ExprKind::kParam);
  EXPECT_EQ(s.query->offset->literal.i, 5);
  s = Parse("SELECT a FROM t LIMIT ALL");
  EXPECT_EQ(s.query->limit, nullptr);
  s = Parse("SELECT a FROM t OFFSET 1 ROW FETCH FIRST 3 ROWS ONLY");
  EXPECT_EQ(s.query->limit->literal.i, 3);
  s = Parse("SELECT a FROM t FETCH NEXT ROW ONLY");
  EXPECT_EQ(s.query->limit->literal.i, 1);
  EXPECT_EQ(Error("SELECT a FROM t LIMIT 1 LIMIT 2"),
            "42601@25: syntax error at or near \"LIMIT\"");
  EXPECT_EQ(Error("SELECT a FROM t LIMIT 1 FETCH FIRST 2 ROWS ONLY"),
            "42601@25: syntax error at or near \"FETCH\"");
  EXPECT_EQ(Error("SELECT a FROM t LIMIT 1 ORDER BY a"),
            "42601@25: syntax error at or near \"ORDER\"");
  EXPECT_EQ(Error("SELECT a FROM t LIMIT"), "42601@22: syntax error at end of input");
}

TEST(ParserTest, CommonTableExpressions) {
  ast::Statement s = Parse(
      "WITH sessions(id, pages) AS (SELECT session_id, count(*) FROM events GROUP BY 1), "
      "bounces AS MATERIALIZED (SELECT * FROM sessions WHERE pages = 1) "
      "SELECT count(*) FROM bounces");
  ASSERT_EQ(s.query->with.size(), 2u);
  EXPECT_EQ(s.query->with[0].name, "sessions");
  EXPECT_EQ(s.query->with[0].column_names, (std::vector<std::string>{"id", "pages"}));
  EXPECT_EQ(s.query->with[0].pos, 6);
  EXPECT_EQ(s.query->with[1].name, "bounces");
  EXPECT_TRUE(s.query->with[1].column_names.empty());
  EXPECT_EQ(s.query->terms[0].from->name, "bounces");
  EXPECT_EQ(Parse("WITH x AS NOT MATERIALIZED (SELECT 1) SELECT * FROM x").query->with.size(), 1u);
  EXPECT_EQ(Error("WITH x (SELECT 1) SELECT 1"), "42601@9: syntax error at or near \"SELECT\"");
  EXPECT_EQ(Error("WITH x AS (SELECT 1)"), "42601@21: syntax error at end of input");
}

TEST(ParserTest, UnionAll) {
  ast::Statement s = Parse("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2");
  EXPECT_EQ(s.query->terms.size(), 3u);
  EXPECT_EQ(s.query->order_by.size(), 1u);
  EXPECT_NE(s.query->limit, nullptr);
  EXPECT_EQ(s.query->terms[2].pos, 39);
  EXPECT_EQ(Error("SELECT 1 UNION SELECT 2"),
            "0A000@10: UNION (without ALL) is not supported; use UNION ALL");
  EXPECT_EQ(Error("SELECT 1 UNION DISTINCT SELECT 2"),
            "0A000@10: UNION (without ALL) is not supported; use UNION ALL");
  EXPECT_EQ(Error("SELECT 1 INTERSECT SELECT 2"),
            "0A000@10: UNION (without ALL) is not supported; use UNION ALL");
  EXPECT_EQ(Error("SELECT 1 EXCEPT ALL SELECT 2"),
            "0A000@10: UNION (without ALL) is not supported; use UNION ALL");
  EXPECT_EQ(Error("SELECT 1 UNION ALL"), "42601@19: syntax error at end of input");
}

TEST(ParserTest, ParenthesizedQueries) {
  // Plain parenthesized terms merge into the UNION ALL.
  ast::Statement s = Parse("(SELECT 1) UNION ALL ((SELECT 2) UNION ALL SELECT 3)");
  EXPECT_EQ(s.kind, StatementKind::kSelect);
  EXPECT_EQ(s.query->terms.size(), 3u);
  // A whole parenthesized query is that query.
  s = Parse("((SELECT a FROM t ORDER BY a LIMIT 5))");
  EXPECT_EQ(s.query->terms.size(), 1u);
  EXPECT_EQ(s.query->order_by.size(), 1u);
  EXPECT_NE(s.query->limit, nullptr);
  // A term with its own LIMIT becomes SELECT * FROM (term).
  s = Parse("(SELECT a FROM t LIMIT 1) UNION ALL (SELECT b FROM u LIMIT 1) ORDER BY 1");
  ASSERT_EQ(s.query->terms.size(), 2u);
  EXPECT_EQ(s.query->terms[0].items[0].expr->kind, ExprKind::kStar);
  ASSERT_NE(s.query->terms[0].from->subquery, nullptr);
  EXPECT_NE(s.query->terms[0].from->subquery->limit, nullptr);
  EXPECT_EQ(s.query->order_by.size(), 1u);
  EXPECT_EQ(QuerySql("(SELECT a FROM t LIMIT 1) UNION ALL SELECT b FROM u"),
            "SELECT * FROM (SELECT a FROM t LIMIT 1) UNION ALL SELECT b FROM u");
  EXPECT_EQ(QuerySql("(SELECT a FROM t) ORDER BY a"), "SELECT a FROM t ORDER BY a");
  EXPECT_EQ(Error("(SELECT 1"), "42601@10: syntax error at end of input");
}

TEST(ParserTest, QueryToSqlRoundTrips) {
  const char* cases[] = {
      "SELECT DISTINCT a, b AS \"B\" FROM t AS x WHERE a > 1 GROUP BY a, b HAVING count(*) > 1 "
      "ORDER BY a DESC NULLS LAST, 2 LIMIT 10 OFFSET 5",
      "WITH s(id, n) AS (SELECT session_id, count(*) FROM events GROUP BY 1) "
      "SELECT avg(n) FROM s",
      "SELECT 1 UNION ALL SELECT 2 ORDER BY 1",
      "SELECT * FROM (SELECT a FROM t LIMIT 1) UNION ALL SELECT b FROM u",
      "SELECT e.* FROM pg_catalog.pg_class AS e",
      "SELECT x FROM (SELECT 1 AS x) AS \"Sub Query\"",
      "SELECT \"order\" AS \"select\" FROM \"My Table\"",
  };
  for (const char* sql : cases) {
    std::string printed = QuerySql(sql);
    EXPECT_EQ(printed, sql);
    EXPECT_EQ(QuerySql(printed), printed);
  }
  EXPECT_EQ(QuerySql("select A from T where X order by 1 limit all offset 0 rows"),
            "SELECT a FROM t WHERE x ORDER BY 1 OFFSET 0");
  EXPECT_EQ(QuerySql("SELECT a FROM t FETCH FIRST 3 ROWS ONLY"), "SELECT a FROM t LIMIT 3");
}

// --- errors and limits ---

TEST(ParserTest, WhitespaceOfAnyKind) {
  ast::Statement s = Parse("SELECT\ta,\r\n\fb\vFROM\n\n  t");
  EXPECT_EQ(s.query->terms[0].items.size(), 2u);
  EXPECT_EQ(s.query->terms[0].from->name, "t");
  EXPECT_EQ(s.query->terms[0].from->pos, 23);
}

TEST(ParserTest, AnErrorInAnyStatementFailsTheScript) {
  EXPECT_EQ(Error("SET a = 1; SELECT 1 +; SHOW a"), "42601@22: syntax error at or near \";\"");
  EXPECT_EQ(Error("SHOW a; SELECT 'x"), "42601@16: unterminated quoted string at or near \"'x\"");
}

// Every prefix of valid queries, and each with one token dropped, either parses (and then
// prints SQL that parses back to the same text) or fails with a positioned 42601 / 0A000.
TEST(ParserTest, TruncatedAndMutatedInputFailsCleanly) {
  const std::string queries[] = {
      "WITH s(a) AS (SELECT x FROM t) SELECT DISTINCT a, count(*) FILTER (WHERE b IS NOT "
      "NULL) AS n FROM s AS q WHERE a BETWEEN 1 AND 2 OR c NOT IN (1, 2) GROUP BY 1 HAVING "
      "sum(d) > 0 ORDER BY 2 DESC NULLS LAST LIMIT 5 OFFSET 1",
      "SELECT CASE WHEN a LIKE 'x%' THEN -b::int ELSE TRIM(LEADING 'y' FROM c) END, "
      "EXTRACT(hour FROM ts AT TIME ZONE 'UTC'), params['k'], INTERVAL '7' DAY, "
      "(SELECT 1) UNION ALL (SELECT 1 LIMIT 1)",
      "EXPLAIN (ANALYZE, VERBOSE) SELECT SUBSTRING(s FROM 1 FOR 2) || POSITION('a' IN s) "
      "FROM events WHERE ts >= timestamptz '2026-11-01' AND x IN ((SELECT y FROM u))",
  };
  auto check = [](const std::string& sql) {
    absl::StatusOr<std::vector<ast::Statement>> result = ParseStatements(sql);
    if (result.ok()) {
      for (ast::Statement& s : *result) {
        if (s.query == nullptr) continue;
        std::string printed = ToSql(std::move(s.query));
        EXPECT_EQ(QuerySql(printed), printed) << sql;
      }
      return;
    }
    std::string state = SqlStateOf(result.status());
    EXPECT_TRUE(state == "42601" || state == "0A000") << sql << ": " << result.status();
    int position = ErrorPosition(result.status());
    EXPECT_GE(position, 1) << sql;
    EXPECT_LE(position, static_cast<int>(sql.size()) + 1) << sql;
  };
  for (const std::string& query : queries) {
    for (size_t length = 0; length <= query.size(); ++length) check(query.substr(0, length));
    size_t start = 0;
    while (start < query.size()) {
      size_t end = query.find(' ', start);
      if (end == std::string::npos) end = query.size();
      check(query.substr(0, start) + query.substr(end));
      start = end + 1;
    }
  }
}

TEST(ParserTest, SyntaxErrorPositions) {
  EXPECT_EQ(Error("SELECT a FORM events"), "42601@15: syntax error at or near \"events\"");
  EXPECT_EQ(Error("SELECT a FROM events WHERE"), "42601@27: syntax error at end of input");
  EXPECT_EQ(Error("SELECT a FROM events WHERE a ="), "42601@31: syntax error at end of input");
  EXPECT_EQ(Error("SELECT (1 + 2"), "42601@14: syntax error at end of input");
  EXPECT_EQ(Error("SELECT (1; 2)"), "42601@10: syntax error at or near \";\"");
  EXPECT_EQ(Error("SELECT 1 2"), "42601@10: syntax error at or near \"2\"");
  EXPECT_EQ(Error("SELECT 'x' 'y'"), "42601@12: syntax error at or near \"'y'\"");
  EXPECT_EQ(Error("SELECT 'é' FORM t"), "42601@17: syntax error at or near \"t\"");
  EXPECT_EQ(Error("SELECT 1;\nSELECT 'unterminated"),
            "42601@18: unterminated quoted string at or near \"'unterminated\"");
  EXPECT_EQ(Error("SELECT )"), "42601@8: syntax error at or near \")\"");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  auto nested = [](int depth) {
    return "SELECT " + std::string(depth, '(') + "1" + std::string(depth, ')');
  };
  EXPECT_TRUE(ParseStatement(nested(150)).ok());
  absl::StatusOr<ast::Statement> deep = ParseStatement(nested(1000));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(SqlStateOf(deep.status()), "54001");
  EXPECT_EQ(deep.status().message(), "stack depth limit exceeded");
  deep = ParseStatement(nested(100000));
  EXPECT_EQ(SqlStateOf(deep.status()), "54001");

  std::string minus = "SELECT " + std::string(100000, '-') + "1";
  for (size_t i = 8; i < minus.size(); i += 2) minus[i] = ' ';  // "- - - ..." (not comments)
  EXPECT_EQ(SqlStateOf(ParseStatement(minus).status()), "54001");

  std::string subqueries = "SELECT 1";
  for (int i = 0; i < 1000; ++i) subqueries = "SELECT * FROM (" + subqueries + ") s";
  EXPECT_EQ(SqlStateOf(ParseStatement(subqueries).status()), "54001");
}

TEST(ParserTest, TallExpressionTreesAreAnErrorNotACrash) {
  auto chain = [](int terms, const std::string& op) {
    std::string sql = "SELECT a";
    for (int i = 1; i < terms; ++i) sql += op + "a";
    return sql;
  };
  EXPECT_TRUE(ParseStatement(chain(500, " OR ")).ok());
  EXPECT_TRUE(ParseStatement(chain(900, " + ")).ok());
  absl::StatusOr<ast::Statement> tall = ParseStatement(chain(100000, " + "));
  ASSERT_FALSE(tall.ok());
  EXPECT_EQ(SqlStateOf(tall.status()), "54001");
  EXPECT_EQ(SqlStateOf(ParseStatement(chain(5000, " OR ")).status()), "54001");
  EXPECT_EQ(SqlStateOf(ParseStatement(chain(5000, "::text")).status()), "54001");
  // Expressions inside a subquery count toward the height of the expression holding it.
  std::string tail;
  for (int i = 0; i < 600; ++i) tail += " + a";
  EXPECT_TRUE(ParseStatement("SELECT (SELECT a" + tail + ")").ok());
  EXPECT_EQ(SqlStateOf(ParseStatement("SELECT (SELECT a" + tail + ")" + tail).status()), "54001");
  // Long flat lists are fine.
  std::string list = "SELECT a IN (0";
  for (int i = 1; i < 20000; ++i) list += ", " + std::to_string(i);
  EXPECT_TRUE(ParseStatement(list + ")").ok());
}

}  // namespace
}  // namespace strata::query
