// Every statement real clients send for their catalog lookups (testdata/
// catalog_queries.sql, captured from PostgreSQL 15) runs on PgCatalog: it routes here,
// succeeds, returns PostgreSQL's column names and types, and the rows Strata's catalog
// holds.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/pgwire/pg_catalog.h"
#include "server/pgwire/pg_catalog_internal.h"
#include "server/pgwire/pg_catalog_test_util.h"

namespace strata::server::pgwire {
namespace {

using catalog_testing::AliceSession;
using catalog_testing::CorpusEntry;
using catalog_testing::DefaultSettings;
using catalog_testing::RowText;

class CatalogCorpusTest : public ::testing::TestWithParam<CorpusEntry> {};

// The type PostgreSQL sent, as PgCatalog sends it: reg* types go out as their names (text).
uint32_t ExpectedType(const std::string& name) {
  const catalog::TypeInfo* t = catalog::FindTypeByName(name);
  if (t == nullptr) return 0;
  return catalog::IsRegType(t->oid) ? oid::kText : t->oid;
}

TEST_P(CatalogCorpusTest, RunsLikePostgres) {
  const CorpusEntry& e = GetParam();
  SCOPED_TRACE(e.sql);
  EXPECT_TRUE(PgCatalog::IsCatalogQuery(e.sql)) << "not routed to the catalog";

  PgCatalog catalog(AliceSession(&DefaultSettings()));
  std::vector<query::Value> params;
  for (const std::string& p : e.params) params.push_back(query::Value::String(p));
  auto result = catalog.Execute(e.sql, params);
  if (!result.ok()) {
    auto rewritten = catalog::RewriteQuery(e.sql, {});
    FAIL() << result.status()
           << "\nrewritten: " << (rewritten.ok() ? rewritten->sql : rewritten.status().ToString());
  }

  ASSERT_EQ(result->columns.size(), e.pg_columns.size());
  for (size_t c = 0; c < e.pg_columns.size(); ++c) {
    EXPECT_EQ(result->columns[c].name, e.pg_columns[c].first) << "column " << c;
    EXPECT_EQ(result->columns[c].type_oid, ExpectedType(e.pg_columns[c].second))
        << "column " << e.pg_columns[c].first << " should be " << e.pg_columns[c].second;
  }
  std::vector<std::string> rows;
  for (const auto& row : result->rows) rows.push_back(RowText(row));
  if (e.rows >= 0) {
    EXPECT_EQ(static_cast<int>(rows.size()), e.rows) << ::testing::PrintToString(rows);
  }
  if (!e.first.empty()) {
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0], e.first);
  }
  for (const std::string& want : e.contains) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), want), rows.end())
        << "missing row " << want << " in " << ::testing::PrintToString(rows);
  }
  EXPECT_EQ(result->tag, "SELECT " + std::to_string(rows.size()));

  // Describe agrees with Execute.
  auto described = catalog.Describe(e.sql);
  ASSERT_TRUE(described.ok()) << described.status();
  ASSERT_EQ(described->columns.size(), result->columns.size());
  for (size_t c = 0; c < result->columns.size(); ++c) {
    EXPECT_EQ(described->columns[c].name, result->columns[c].name);
    EXPECT_EQ(described->columns[c].type_oid, result->columns[c].type_oid);
  }
  EXPECT_EQ(described->param_count, static_cast<int>(e.params.size()));
}

std::string EntryName(const ::testing::TestParamInfo<CorpusEntry>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (char c : info.param.name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      name.push_back(c);
    } else if (c == '+') {
      name += "plus";
    } else if (name.back() != '_') {
      name.push_back('_');
    }
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(Captured, CatalogCorpusTest,
                         ::testing::ValuesIn(catalog_testing::LoadCorpus()), EntryName);

TEST(CatalogCorpus, HasEveryClient) {
  std::vector<CorpusEntry> entries = catalog_testing::LoadCorpus();
  int psql = 0, jdbc = 0, grafana = 0, psycopg = 0;
  for (const CorpusEntry& e : entries) {
    psql += e.name.rfind("psql", 0) == 0;
    jdbc += e.name.rfind("jdbc", 0) == 0;
    grafana += e.name.rfind("grafana", 0) == 0;
    psycopg += e.name.rfind("psycopg2", 0) == 0;
    EXPECT_FALSE(e.sql.empty()) << e.name;
    EXPECT_FALSE(e.pg_columns.empty()) << e.name;
  }
  EXPECT_GE(psql, 35);
  EXPECT_GE(jdbc, 20);
  EXPECT_GE(grafana, 12);
  EXPECT_GE(psycopg, 1);
}

}  // namespace
}  // namespace strata::server::pgwire
