// PgCatalog::IsCatalogQuery: catalog statements route to the catalog, Strata's never.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/pgwire/pg_catalog.h"
#include "server/pgwire/pg_catalog_test_util.h"

namespace strata::server::pgwire {
namespace {

TEST(IsCatalogQueryTest, CatalogStatements) {
  for (const char* sql : {
           "SELECT version()",
           "select current_user",
           "SELECT current_setting('server_version_num')::int/100 as version",
           "SELECT * FROM pg_catalog.pg_class",
           "select typname from \"pg_catalog\".\"pg_type\"",
           "/* tool */ SELECT 1 FROM information_schema.tables",
           "(SELECT pg_backend_pid())",
           "WITH x AS (SELECT 1) SELECT * FROM pg_namespace, x",
           "select has_table_privilege('events', 'select')",
           "SELECT 'events'::regclass",
           "SELECT ARRAY[1, 2]",
           "SELECT * FROM generate_series(1, 3)",
       }) {
    EXPECT_TRUE(PgCatalog::IsCatalogQuery(sql)) << sql;
  }
}

TEST(IsCatalogQueryTest, StrataStatements) {
  for (const char* sql : {
           "SELECT 1",
           "SELECT now()",
           "select lower('A'), 1 + 1",
           "SELECT count(*) FROM events",
           "SELECT * FROM \"events\"",
           "SELECT user_id FROM EVENTS WHERE merchant = 'm1'",
           "SELECT version() FROM events",
           "SELECT pg_typeof(1) FROM events",
           "SELECT 'pg_catalog'",
           "SELECT 1 -- pg_class",
           "SET search_path = pg_catalog",
           "SHOW server_version",
           "BEGIN",
           "EXPLAIN SELECT * FROM pg_class",
           "SELECT 'unterminated FROM pg_class",
           "",
       }) {
    EXPECT_FALSE(PgCatalog::IsCatalogQuery(sql)) << sql;
  }
}

// Every statement of Strata's SQL test suite runs in Strata, none in the catalog.
TEST(IsCatalogQueryTest, NoStrataTestStatementRoutesToTheCatalog) {
  std::filesystem::path dir = std::filesystem::path(STRATA_SOURCE_DIR) / "tests" / "sql";
  int statements = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path());
    std::string line, sql;
    bool in_sql = false;
    auto flush = [&] {
      if (!sql.empty()) {
        ++statements;
        EXPECT_FALSE(PgCatalog::IsCatalogQuery(sql)) << entry.path() << ": " << sql;
      }
      sql.clear();
      in_sql = false;
    };
    while (std::getline(in, line)) {
      if (!in_sql) {
        if (line.rfind("query", 0) == 0 || line.rfind("statement", 0) == 0) in_sql = true;
        continue;
      }
      if (line == "----" || line.empty()) {
        flush();
        continue;
      }
      sql += sql.empty() ? line : "\n" + line;
    }
    flush();
  }
  EXPECT_GT(statements, 200);
}

TEST(IsCatalogQueryTest, IsCheap) {
  const std::string strata =
      "SELECT page, count(*) FROM events WHERE merchant = 'm1' AND ts >= now() - interval '7 "
      "days' GROUP BY page ORDER BY 2 DESC LIMIT 10";
  std::vector<catalog_testing::CorpusEntry> corpus = catalog_testing::LoadCorpus();
  auto start = std::chrono::steady_clock::now();
  int routed = 0;
  constexpr int kRounds = 20000;
  for (int i = 0; i < kRounds; ++i) routed += PgCatalog::IsCatalogQuery(strata);
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kRounds;
  EXPECT_EQ(routed, 0);
  std::printf("IsCatalogQuery on a Strata query: %.2f us\n", us);
  EXPECT_LT(us, 50.0);
}

}  // namespace
}  // namespace strata::server::pgwire
