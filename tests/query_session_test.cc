// Planner and executor behaviour through QuerySession: pushdown, parallel aggregation,
// scope, limits, subqueries, EXPLAIN. (SQL semantics are covered by tests/sql/*.test.)
#include "query/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "query/error.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;

class SessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    engine::EngineOptions options;
    options.data_dir = dir_->path();
    options.wal_sync = engine::WalSyncMode::kRelaxed;
    options.rows_per_block = 1024;
    engine_ = engine::Engine::Open(options).value().release();
    ingest::GeneratorOptions gen;
    gen.events = 30000;
    gen.merchants = 20;
    gen.days = 3;
    events_ = new std::vector<engine::Event>(ingest::Generator::All(gen));
    size_t half = events_->size() / 2;
    ASSERT_TRUE(engine_->Append(absl::MakeConstSpan(*events_).subspan(0, half)).ok());
    ASSERT_TRUE(engine_->Flush().ok());
    ASSERT_TRUE(engine_->Append(absl::MakeConstSpan(*events_).subspan(half)).ok());
  }
  static void TearDownTestSuite() {
    (void)engine_->Close();
    delete engine_;
    delete events_;
    delete dir_;
  }

  static SessionOptions Threads(int n) {
    SessionOptions o;
    o.threads = n;
    return o;
  }
  static SessionOptions MaxRows(size_t n) {
    SessionOptions o;
    o.max_result_rows = n;
    return o;
  }
  static SessionOptions MemoryLimit(size_t bytes) {
    SessionOptions o;
    o.memory_limit_bytes = bytes;
    return o;
  }
  static std::unique_ptr<QuerySession> Session(SessionOptions options = {}) {
    engine::Engine* e = engine_;
    return std::make_unique<QuerySession>([e] { return e->GetSnapshot(); }, options);
  }
  static QueryResult Run(QuerySession& s, const std::string& sql) {
    auto r = s.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : QueryResult{};
  }
  static std::string Plan(QuerySession& s, const std::string& sql) {
    std::string out;
    for (const auto& row : Run(s, sql).rows) out += row[0].s + "\n";
    return out;
  }
  static int64_t CountWhere(const std::function<bool(const engine::Event&)>& pred) {
    int64_t n = 0;
    for (const auto& e : *events_) n += pred(e) ? 1 : 0;
    return n;
  }

  static TempDir* dir_;
  static engine::Engine* engine_;
  static std::vector<engine::Event>* events_;
};

TempDir* SessionTest::dir_ = nullptr;
engine::Engine* SessionTest::engine_ = nullptr;
std::vector<engine::Event>* SessionTest::events_ = nullptr;

TEST_F(SessionTest, CountsMatchTheData) {
  auto s = Session();
  EXPECT_EQ(Run(*s, "SELECT count(*) FROM events").rows[0][0].i,
            static_cast<int64_t>(events_->size()));
  EXPECT_EQ(Run(*s,
                "SELECT count(*) FROM events WHERE merchant = 'shop-000001' AND event = "
                "'page_view'")
                .rows[0][0]
                .i,
            CountWhere([](const engine::Event& e) {
              return e.merchant == "shop-000001" && e.event == "page_view";
            }));
}

TEST_F(SessionTest, FullSortOfNoRowsIsEmpty) {
  auto s = Session();
  EXPECT_TRUE(Run(*s, "SELECT page, ts FROM events WHERE merchant = 'no-such' ORDER BY page, ts")
                  .rows.empty());
}

TEST_F(SessionTest, PushdownShowsInExplain) {
  auto s = Session();
  std::string plan = Plan(*s,
                          "EXPLAIN SELECT count(*) FROM events WHERE merchant = 'shop-000002' "
                          "AND ts >= '2026-11-02' AND event IN ('click', 'purchase') AND "
                          "value > 1");
  EXPECT_THAT(plan, HasSubstr("Merchants: 1 [shop-000002]"));
  EXPECT_THAT(plan, HasSubstr("Time: [2026-11-02 00:00:00+00, infinity]"));
  EXPECT_THAT(plan, HasSubstr("Pushed into scan"));
  EXPECT_THAT(plan, HasSubstr("Filter: "));
}

TEST_F(SessionTest, ParallelAggregationEqualsSerial) {
  auto serial = Session(Threads(1));
  auto parallel = Session(Threads(4));
  const std::string sql =
      "SELECT merchant, country, count(*), count(DISTINCT client_id), sum(value), "
      "min(ts), max(page) FROM events GROUP BY 1, 2 ORDER BY 1, 2";
  auto a = Run(*serial, sql);
  auto b = Run(*parallel, sql);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    for (size_t c = 0; c < a.rows[r].size(); ++c) {
      if (a.rows[r][c].type == Type::kFloat64 && !a.rows[r][c].null) {
        EXPECT_NEAR(a.rows[r][c].f, b.rows[r][c].f, 1e-9 * std::abs(a.rows[r][c].f));
      } else {
        EXPECT_EQ(a.rows[r][c].ToString(), b.rows[r][c].ToString()) << r << "," << c;
      }
    }
  }
}

TEST_F(SessionTest, ParallelTopNEqualsSerial) {
  auto serial = Session(Threads(1));
  auto parallel = Session(Threads(3));
  for (const char* sql : {
           "SELECT ts, client_id, event, page FROM events ORDER BY ts DESC, client_id, event, "
           "page LIMIT 50",
           "SELECT merchant, value FROM events WHERE value IS NOT NULL ORDER BY value DESC, "
           "merchant LIMIT 20 OFFSET 5",
       }) {
    auto a = Run(*serial, sql);
    auto b = Run(*parallel, sql);
    ASSERT_EQ(a.rows.size(), b.rows.size()) << sql;
    for (size_t r = 0; r < a.rows.size(); ++r) {
      for (size_t c = 0; c < a.rows[r].size(); ++c) {
        EXPECT_EQ(a.rows[r][c].ToString(), b.rows[r][c].ToString()) << sql << " row " << r;
      }
    }
  }
}

TEST_F(SessionTest, DistinctUsersAreExact) {
  std::set<std::string> clients;
  for (const auto& e : *events_) {
    if (e.merchant == "shop-000001") clients.insert(e.client_id);
  }
  auto s = Session();
  EXPECT_EQ(Run(*s,
                "SELECT count(DISTINCT client_id) FROM events WHERE merchant = "
                "'shop-000001'")
                .rows[0][0]
                .i,
            static_cast<int64_t>(clients.size()));
}

TEST_F(SessionTest, ScopeCannotBeWidened) {
  auto s = Session({.merchant_scope = std::vector<std::string>{"shop-000003"}});
  int64_t mine = CountWhere([](const engine::Event& e) { return e.merchant == "shop-000003"; });
  for (const char* sql : {
           "SELECT count(*) FROM events",
           "SELECT count(*) FROM events WHERE merchant = 'shop-000001' OR true",
           "SELECT count(*) FROM (SELECT * FROM events WHERE merchant <> 'shop-000003') t",
           "WITH x AS (SELECT merchant FROM events) SELECT count(*) FROM x",
       }) {
    auto r = Run(*s, sql);
    ASSERT_EQ(r.rows.size(), 1u) << sql;
    EXPECT_LE(r.rows[0][0].i, mine) << sql;
  }
  EXPECT_EQ(Run(*s, "SELECT count(*) FROM events").rows[0][0].i, mine);
  EXPECT_EQ(Run(*s, "SELECT count(*) FROM events WHERE merchant = 'shop-000001'").rows[0][0].i, 0);
  auto merchants = Run(*s, "SELECT DISTINCT merchant FROM events");
  ASSERT_EQ(merchants.rows.size(), 1u);
  EXPECT_EQ(merchants.rows[0][0].s, "shop-000003");
  auto nobody = Session({.merchant_scope = std::vector<std::string>{"no-such-shop"}});
  EXPECT_EQ(Run(*nobody, "SELECT count(*) FROM events").rows[0][0].i, 0);
}

TEST_F(SessionTest, ResultRowLimitIs54000) {
  auto s = Session(MaxRows(10));
  auto r = s->Execute("SELECT ts FROM events");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(SqlStateOf(r.status()), "54000");
  EXPECT_TRUE(s->Execute("SELECT ts FROM events LIMIT 10").ok());
}

TEST_F(SessionTest, MemoryLimitIs54000AndSessionLivesOn) {
  auto s = Session(MemoryLimit(64 << 10));
  auto r = s->Execute("SELECT client_id, count(*) FROM events GROUP BY 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(SqlStateOf(r.status()), "54000");
  EXPECT_EQ(Run(*s, "SELECT 1 + 1").rows[0][0].i, 2);
}

TEST_F(SessionTest, TopNAndOffset) {
  auto s = Session();
  auto all = Run(*s, "SELECT page, count(*) AS n FROM events GROUP BY page ORDER BY n DESC, page");
  auto page = Run(*s,
                  "SELECT page, count(*) AS n FROM events GROUP BY page ORDER BY n DESC, page "
                  "LIMIT 3 OFFSET 2");
  ASSERT_EQ(page.rows.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(page.rows[i][0].s, all.rows[i + 2][0].s);
}

TEST_F(SessionTest, SubqueriesAndUnion) {
  auto s = Session();
  auto r = Run(*s,
               "SELECT count(*) FROM events WHERE merchant IN (SELECT merchant FROM events "
               "WHERE event = 'purchase' GROUP BY 1 HAVING count(*) > 1000000)");
  EXPECT_EQ(r.rows[0][0].i, 0);
  auto u = Run(*s,
               "SELECT 'a' AS k, count(*) FROM events WHERE event = 'click' UNION ALL "
               "SELECT 'b', count(*) FROM events WHERE event = 'purchase' ORDER BY 1");
  ASSERT_EQ(u.rows.size(), 2u);
  EXPECT_EQ(u.rows[0][1].i, CountWhere([](const engine::Event& e) { return e.event == "click"; }));
  auto scalar = Run(*s, "SELECT (SELECT max(ts) FROM events) >= (SELECT min(ts) FROM events)");
  EXPECT_EQ(scalar.rows[0][0].ToString(), "t");
}

TEST_F(SessionTest, ExplainAnalyzeReportsPruning) {
  auto s = Session();
  std::string plan = Plan(*s,
                          "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE merchant = "
                          "'shop-000005' AND ts < '2026-11-02'");
  EXPECT_THAT(plan, HasSubstr("actual rows="));
  EXPECT_THAT(plan, HasSubstr("pruned"));
  EXPECT_THAT(plan, HasSubstr("Execution Time"));
}

TEST_F(SessionTest, ErrorsKeepTheSessionUsable) {
  auto s = Session();
  auto bad = s->Execute("SELECT nope FROM events");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(SqlStateOf(bad.status()), "42703");
  EXPECT_EQ(ErrorPosition(bad.status()), 8);
  auto table = s->Execute("SELECT * FROM nowhere");
  EXPECT_EQ(SqlStateOf(table.status()), "42P01");
  auto group = s->Execute("SELECT page, count(*) FROM events");
  EXPECT_EQ(SqlStateOf(group.status()), "42803");
  EXPECT_EQ(Run(*s, "SELECT 2 * 3").rows[0][0].i, 6);
}

TEST_F(SessionTest, ScriptRunsStatementsInOrder) {
  auto s = Session();
  auto r = s->ExecuteScript("SET timezone = 'Europe/Berlin'; SHOW timezone; SELECT 1");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].tag, "SET");
  EXPECT_EQ((*r)[1].rows[0][0].s, "Europe/Berlin");
  EXPECT_EQ((*r)[2].tag, "SELECT 1");
  auto bad = s->ExecuteScript("SELECT 1; SELECT nope FROM events");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorPosition(bad.status()), 18);
}

}  // namespace
}  // namespace strata::query

namespace strata::query {
namespace {

TEST_F(SessionTest, DescribeGivesColumnsAndParamsWithoutRunning) {
  auto s = Session();
  auto d = s->Describe(
      "SELECT merchant, count(*) AS n, avg(value), max(ts) FROM events "
      "WHERE merchant = $1 AND ts >= $2 GROUP BY merchant LIMIT $3");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->param_count, 3);
  ASSERT_EQ(d->columns.size(), 4u);
  EXPECT_EQ(d->columns[0].name, "merchant");
  EXPECT_EQ(d->columns[0].type, Type::kString);
  EXPECT_EQ(d->columns[1].name, "n");
  EXPECT_EQ(d->columns[1].type, Type::kInt64);
  EXPECT_EQ(d->columns[2].type, Type::kFloat64);
  EXPECT_EQ(d->columns[3].type, Type::kTimestamp);

  auto show = s->Describe("SHOW TimeZone");
  ASSERT_TRUE(show.ok());
  ASSERT_EQ(show->columns.size(), 1u);
  EXPECT_EQ(show->columns[0].name, "TimeZone");
  auto set = s->Describe("SET timezone = 'UTC'");
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->columns.empty());

  // Subqueries bind to their types but are not run.
  auto sub = s->Describe("SELECT (SELECT max(ts) FROM events) AS latest");
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_EQ(sub->columns[0].type, Type::kTimestamp);

  auto bad = s->Describe("SELECT nope FROM events");
  EXPECT_EQ(SqlStateOf(bad.status()), "42703");
}

TEST_F(SessionTest, UntypedTextParamsCoerceByContext) {
  auto s = Session();
  auto r = s->Execute("SELECT count(*) FROM events WHERE ts >= $1 AND value >= $2",
                      {Value::String("2026-11-02 00:00:00+00"), Value::String("0")});
  ASSERT_TRUE(r.ok()) << r.status();
  const int64_t day2 = 1793491200000000 + 86400000000;
  EXPECT_EQ(r->rows[0][0].i, CountWhere([&](const engine::Event& e) {
              return e.ts_us >= day2 && e.has_value() && e.value >= 0;
            }));
}

}  // namespace
}  // namespace strata::query
