// Merchant scoping: a session opened for some merchants never reads another merchant's
// rows, whatever the query text does (predicates on merchant, OR tricks, NOT, subqueries,
// CTEs, UNION ALL, grouping, EXPLAIN ANALYZE, SET). Expected numbers are counted directly
// from the generated events, not by Strata.
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "query/error.h"
#include "query/query.h"

namespace strata {
namespace {

using query::QueryResult;
using query::QuerySession;
using query::SessionOptions;

// Generated traffic for merchants renamed m1 (the busiest) .. m6, half flushed.
class ScopeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ingest::GeneratorOptions g;
    g.events = 20000;
    g.merchants = 6;
    g.days = 3;
    g.seed = 3;
    events_ = new std::vector<engine::Event>(ingest::Generator::All(g));
    for (engine::Event& e : *events_) e.merchant = "m" + e.merchant.substr(e.merchant.size() - 1);
    dir_ = new TempDir;
    engine::EngineOptions o;
    o.data_dir = dir_->path();
    o.shards = 2;
    o.rows_per_block = 512;
    o.wal_sync = engine::WalSyncMode::kRelaxed;
    auto opened = engine::Engine::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status();
    engine_ = opened->release();
    auto all = absl::MakeConstSpan(*events_);
    ASSERT_TRUE(engine_->Append(all.subspan(0, all.size() / 2)).ok());
    ASSERT_TRUE(engine_->Flush().ok());
    ASSERT_TRUE(engine_->Append(all.subspan(all.size() / 2)).ok());
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
    delete events_;
  }

  static std::unique_ptr<QuerySession> Session(std::optional<std::vector<std::string>> scope) {
    SessionOptions o;
    o.merchant_scope = std::move(scope);
    return std::make_unique<QuerySession>([] { return engine_->GetSnapshot(); }, o);
  }

  static int64_t Count(const std::string& merchant) {
    int64_t n = 0;
    for (const auto& e : *events_) n += e.merchant == merchant;
    return n;
  }
  static int64_t CountIf(const std::set<std::string>& merchants,
                         bool (*pred)(const engine::Event&)) {
    int64_t n = 0;
    for (const auto& e : *events_) n += merchants.count(e.merchant) && pred(e);
    return n;
  }

  // Rows as text, cells joined by '|'.
  static std::vector<std::string> Rows(QuerySession& s, const std::string& sql) {
    auto r = s.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) {
        absl::StrAppend(&line, c ? "|" : "", row[c].null ? "NULL" : row[c].ToString());
      }
      out.push_back(line);
    }
    return out;
  }

  // The single integer a query returns.
  static int64_t Scalar(QuerySession& s, const std::string& sql) {
    std::vector<std::string> rows = Rows(s, sql);
    int64_t n = -1;
    EXPECT_EQ(rows.size(), 1u) << sql;
    if (rows.size() == 1) {
      EXPECT_TRUE(absl::SimpleAtoi(rows[0], &n)) << sql << ": " << rows[0];
    }
    return n;
  }

  static std::vector<engine::Event>* events_;
  static TempDir* dir_;
  static engine::Engine* engine_;
};

std::vector<engine::Event>* ScopeTest::events_ = nullptr;
TempDir* ScopeTest::dir_ = nullptr;
engine::Engine* ScopeTest::engine_ = nullptr;

TEST_F(ScopeTest, DatasetHasEveryMerchantInSegmentsAndMemtable) {
  for (int m = 1; m <= 6; ++m) EXPECT_GT(Count("m" + std::to_string(m)), 0) << m;
  EXPECT_FALSE(engine_->GetSnapshot()->segments.empty());
  EXPECT_FALSE(engine_->GetSnapshot()->memtables.empty());
  auto admin = Session(std::nullopt);
  EXPECT_EQ(Scalar(*admin, "SELECT count(*) FROM events"), static_cast<int64_t>(events_->size()));
}

TEST_F(ScopeTest, PredicatesCannotWidenTheScope) {
  auto s = Session(std::vector<std::string>{"m1"});
  const int64_t n1 = Count("m1");
  const int64_t purchases =
      CountIf({"m1"}, [](const engine::Event& e) { return e.event == "purchase"; });
  std::set<std::string> clients;
  for (const auto& e : *events_) {
    if (e.merchant == "m1") clients.insert(e.client_id);
  }
  const std::vector<std::pair<std::string, int64_t>> cases = {
      {"SELECT count(*) FROM events", n1},
      {"SELECT count(*) FROM events WHERE merchant = 'm2'", 0},
      {"SELECT count(*) FROM events WHERE merchant = 'm2' OR true", n1},
      {"SELECT count(*) FROM events WHERE merchant = 'm2' OR merchant = 'm1'", n1},
      {"SELECT count(*) FROM events WHERE merchant = 'm2' OR 1 = 1", n1},
      {"SELECT count(*) FROM events WHERE merchant <> 'm1'", 0},
      {"SELECT count(*) FROM events WHERE NOT (merchant = 'm1')", 0},
      {"SELECT count(*) FROM events WHERE NOT merchant IN ('m1')", 0},
      {"SELECT count(*) FROM events WHERE merchant IN ('m1', 'm2', 'm3', 'm4', 'm5', 'm6')", n1},
      {"SELECT count(*) FROM events WHERE merchant LIKE '%'", n1},
      {"SELECT count(*) FROM events WHERE merchant IS NULL OR merchant IS NOT NULL", n1},
      {"SELECT count(*) FROM events WHERE lower(merchant) = 'm2'", 0},
      {"SELECT count(*) FROM events WHERE merchant = 'M2' OR merchant = 'm2 '", 0},
      {"SELECT count(*) FROM events WHERE merchant > 'm1'", 0},
      {"SELECT count(*) FROM \"events\"", n1},
      {"SELECT count(*) FROM (SELECT * FROM events WHERE merchant = 'm2') s", 0},
      {"SELECT count(*) FROM (SELECT merchant FROM events) s", n1},
      {"SELECT count(*) FROM (SELECT merchant FROM events WHERE merchant = 'm2' OR 1 = 1) s "
       "WHERE merchant <> 'm1'",
       0},
      {"WITH x AS (SELECT * FROM events WHERE merchant = 'm2' OR true) SELECT count(*) FROM x", n1},
      {"WITH x AS (SELECT merchant, count(*) AS n FROM events GROUP BY merchant) "
       "SELECT sum(n) FROM x",
       n1},
      {"WITH a AS (SELECT * FROM events), b AS (SELECT * FROM a WHERE merchant <> 'm1') "
       "SELECT count(*) FROM b",
       0},
      {"SELECT count(DISTINCT merchant) FROM events", 1},
      {"SELECT count(DISTINCT client_id) FROM events", static_cast<int64_t>(clients.size())},
      {"SELECT count(*) FILTER (WHERE event = 'purchase') FROM events", purchases},
      {"SELECT count(*) FILTER (WHERE merchant = 'm2') FROM events", 0},
      {"SELECT count(*) FROM events WHERE merchant = 'm2' OR merchant = 'm3' OR "
       "merchant = 'm4'",
       0},
  };
  for (const auto& [sql, want] : cases) EXPECT_EQ(Scalar(*s, sql), want) << sql;
}

TEST_F(ScopeTest, GroupingAndUnionsSeeOnlyTheScope) {
  auto s = Session(std::vector<std::string>{"m1"});
  const int64_t n1 = Count("m1");
  EXPECT_EQ(Rows(*s, "SELECT merchant, count(*) FROM events GROUP BY merchant"),
            std::vector<std::string>{absl::StrCat("m1|", n1)});
  EXPECT_EQ(Rows(*s, "SELECT DISTINCT merchant FROM events"), std::vector<std::string>{"m1"});
  EXPECT_EQ(Rows(*s, "SELECT merchant FROM events ORDER BY merchant DESC LIMIT 1"),
            std::vector<std::string>{"m1"});
  EXPECT_EQ(Rows(*s, "SELECT min(merchant), max(merchant) FROM events"),
            std::vector<std::string>{"m1|m1"});
  EXPECT_EQ(Rows(*s,
                 "SELECT count(*) FROM events WHERE merchant = 'm2' "
                 "UNION ALL SELECT count(*) FROM events"),
            (std::vector<std::string>{"0", absl::StrCat(n1)}));
  EXPECT_EQ(Rows(*s,
                 "SELECT merchant FROM events WHERE merchant <> 'm1' "
                 "UNION ALL SELECT merchant FROM events WHERE merchant = 'm3'"),
            std::vector<std::string>{});

  // Every row of SELECT * belongs to m1.
  auto all = s->Execute("SELECT * FROM events");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(static_cast<int64_t>(all->rows.size()), n1);
  ASSERT_FALSE(all->columns.empty());
  EXPECT_EQ(all->columns[0].name, "merchant");
  for (const auto& row : all->rows) ASSERT_EQ(row[0].ToString(), "m1");

  // Per-country counts equal the counts of m1's events.
  std::map<std::string, int64_t> by_country;
  for (const auto& e : *events_) {
    if (e.merchant == "m1") ++by_country[e.country.empty() ? "NULL" : e.country];
  }
  std::vector<std::string> want;
  for (const auto& [country, n] : by_country) want.push_back(absl::StrCat(country, "|", n));
  EXPECT_EQ(Rows(*s,
                 "SELECT coalesce(country, 'NULL') AS c, count(*) FROM events "
                 "GROUP BY 1 ORDER BY 1"),
            want);
}

TEST_F(ScopeTest, SubqueriesInPredicatesSeeOnlyTheScope) {
  auto s = Session(std::vector<std::string>{"m1"});
  // IN (subquery) and scalar subqueries may be outside the dialect (0A000); if they run,
  // they must not see m2's rows.
  auto r = s->Execute(
      "SELECT count(*) FROM events WHERE client_id IN "
      "(SELECT client_id FROM events WHERE merchant = 'm2')");
  if (r.ok()) {
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0][0].ToString(), "0");
  } else {
    EXPECT_EQ(query::SqlStateOf(r.status()), "0A000") << r.status();
  }
  auto scalar = s->Execute(
      "SELECT count(*) FROM events WHERE ts > (SELECT min(ts) FROM events WHERE merchant = 'm2')");
  if (scalar.ok()) {  // the subquery is NULL in scope, so nothing compares true
    ASSERT_EQ(scalar->rows.size(), 1u);
    EXPECT_EQ(scalar->rows[0][0].ToString(), "0");
  } else {
    EXPECT_EQ(query::SqlStateOf(scalar.status()), "0A000") << scalar.status();
  }
}

TEST_F(ScopeTest, ExplainAnalyzeCountsOnlyScopedRows) {
  auto s = Session(std::vector<std::string>{"m1"});
  const int64_t n1 = Count("m1");
  for (const char* sql :
       {"EXPLAIN ANALYZE SELECT count(*) FROM events",
        "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE merchant = 'm2' OR true",
        "EXPLAIN ANALYZE SELECT page, count(*) FROM events GROUP BY page"}) {
    std::vector<std::string> lines = Rows(*s, sql);
    ASSERT_FALSE(lines.empty()) << sql;
    // Row counts are written "rows=N", "rows: N" or "N rows".
    static const std::regex kRows(R"(rows[=:]\s*(\d+)|(\d+) rows)");
    int counts = 0;
    for (const std::string& line : lines) {
      for (std::sregex_iterator it(line.begin(), line.end(), kRows), end; it != end; ++it) {
        const std::string digits = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        int64_t n = 0;
        ASSERT_TRUE(absl::SimpleAtoi(digits, &n));
        EXPECT_LE(n, n1) << sql << "\n  reports more rows than merchant m1 has: " << line;
        ++counts;
      }
    }
    EXPECT_GT(counts, 0) << sql << ": no row counts in the plan";
  }
}

TEST_F(ScopeTest, SettingsAndScriptsCannotWidenTheScope) {
  auto s = Session(std::vector<std::string>{"m1"});
  const int64_t n1 = Count("m1");
  for (const char* sql : {"SET merchant_scope = 'm2'", "SET merchant = 'm2'", "RESET ALL",
                          "SET SESSION AUTHORIZATION admin", "SET role = 'admin'"}) {
    (void)s->Execute(sql);  // may be rejected; either way the scope stays
    EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events"), n1) << "after " << sql;
  }
  auto results = s->ExecuteScript(
      "SET timezone = 'UTC'; SELECT count(*) FROM events WHERE merchant = 'm2'; "
      "SELECT count(*) FROM events");
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[1].rows.at(0).at(0).ToString(), "0");
  EXPECT_EQ((*results)[2].rows.at(0).at(0).ToString(), absl::StrCat(n1));
}

TEST_F(ScopeTest, UnknownMerchantScopeIsEmptyNotAnError) {
  auto s = Session(std::vector<std::string>{"no-such-merchant"});
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events"), 0);
  EXPECT_EQ(Scalar(*s, "SELECT count(DISTINCT client_id) FROM events"), 0);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant = 'm1' OR true"), 0);
  EXPECT_EQ(Rows(*s, "SELECT merchant, count(*) FROM events GROUP BY 1"),
            std::vector<std::string>{});
  EXPECT_EQ(Rows(*s, "SELECT * FROM events LIMIT 5"), std::vector<std::string>{});
  EXPECT_EQ(Rows(*s, "SELECT sum(value) FROM events"), std::vector<std::string>{"NULL"});
}

TEST_F(ScopeTest, EmptyScopeSeesNothing) {
  auto s = Session(std::vector<std::string>{});
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events"), 0);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant = 'm1'"), 0);
}

TEST_F(ScopeTest, TwoMerchantScope) {
  auto s = Session(std::vector<std::string>{"m1", "m3"});
  const int64_t n1 = Count("m1"), n3 = Count("m3");
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events"), n1 + n3);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant = 'm3'"), n3);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant = 'm2'"), 0);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant NOT IN ('m1')"), n3);
  EXPECT_EQ(Scalar(*s, "SELECT count(*) FROM events WHERE merchant IN ('m2', 'm3', 'm4')"), n3);
  EXPECT_EQ(Rows(*s, "SELECT merchant, count(*) FROM events GROUP BY merchant ORDER BY merchant"),
            (std::vector<std::string>{absl::StrCat("m1|", n1), absl::StrCat("m3|", n3)}));
  EXPECT_EQ(Scalar(*s,
                   "SELECT count(*) FROM (SELECT merchant, count(*) AS n FROM events "
                   "GROUP BY merchant) t"),
            2);
  // The same merchant twice, or in another order, is the same scope.
  auto twice = Session(std::vector<std::string>{"m3", "m1", "m3"});
  EXPECT_EQ(Scalar(*twice, "SELECT count(*) FROM events"), n1 + n3);
}

}  // namespace
}  // namespace strata
