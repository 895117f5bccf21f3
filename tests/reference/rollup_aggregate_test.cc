// Rollup routing: randomized equality of rollup-answered and raw aggregates over the same
// snapshot (strata.rollups on vs off), EXPLAIN showing which path runs, and edge cases.
#include <optional>
#include <string>
#include <vector>

#include "query/error.h"
#include "query/query.h"
#include "query/rollup_aggregate_test_checks.h"
#include "tests/reference/rollup_aggregate_test_util.h"

namespace strata::query {
namespace {

using rollup_test::kDay;
using rollup_test::PlanText;
using ::testing::HasSubstr;
using ::testing::Not;

// Over a snapshot built by hand (rollup_aggregate_test_util.h): merchants in several time
// zones, some below min_rows (raw only), a memtable tail and live sessions.
class RollupRoutingTest : public rollup_test::RoutingTest {
 protected:
  static void SetUpTestSuite() {
    rollup_test::DataOptions o;
    o.gen.events = 60000;
    o.gen.merchants = 12;
    o.gen.days = 5;
    o.batches = 5;
    o.tail = 0.08;
    o.zones = {{"shop-000002", "Europe/Berlin"},
               {"shop-000003", "Asia/Kolkata"},
               {"shop-000004", "America/New_York"}};
    auto data = rollup_test::TestData::Build(o);
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = data->release();
    auto snap = data_->snapshot();
    UseData([snap] { return snap; }, data_->events(), o.gen.start_us,
            o.gen.start_us + o.gen.days * kDay);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }

  static inline rollup_test::TestData* data_ = nullptr;
};

TEST_F(RollupRoutingTest, DataHasCompanionsAndRawParts) {
  auto snap = data_->snapshot();
  EXPECT_GT(data_->segments_with_rollup(), 0u);
  EXPECT_FALSE(snap->memtables.empty());
  EXPECT_FALSE(snap->session_segments.empty());
  // Some data segments leave small merchants raw only.
  bool uncovered = false;
  for (const auto& seg : snap->segments) {
    for (const auto& k : seg->reader().keys()) {
      uncovered |= seg->rollup() == nullptr || !seg->rollup()->Covers(k.key);
    }
  }
  EXPECT_TRUE(uncovered);
}

TEST_F(RollupRoutingTest, RandomEventQueriesMatchRaw) {
  checked_ = eligible_ = 0;
  RandomQueries(false, 400, 20261101);
  EXPECT_GT(eligible_, checked_ / 2);
}

TEST_F(RollupRoutingTest, RandomSessionQueriesMatchRaw) {
  if (!SessionsTableExists()) GTEST_SKIP() << "no sessions table in this build";
  checked_ = eligible_ = 0;
  RandomQueries(true, 250, 20261102);
  EXPECT_GT(eligible_, checked_ / 2);
}

TEST_F(RollupRoutingTest, BenchmarkShapes) {
  const std::string m = "shop-000001";
  std::optional<std::vector<std::string>> scope = std::vector<std::string>{m};
  // Q2: hourly pageviews over the last days.
  Check(scope,
        "SELECT time_bucket('1 hour', ts) AS hour, count(*) AS pageviews FROM events "
        "WHERE event = 'page_view' AND ts >= now() - INTERVAL '3 days' GROUP BY 1 ORDER BY 1",
        true, true);
  // Q3: top pages.
  Check(scope,
        "SELECT page, count(*) AS pageviews FROM events WHERE event = 'page_view' "
        "GROUP BY page ORDER BY pageviews DESC, page LIMIT 10",
        true, true);
  // Q5: conversion by utm_source.
  Check(scope,
        "SELECT utm_source, count(DISTINCT client_id) AS users, "
        "count(DISTINCT client_id) FILTER (WHERE event = 'purchase') AS buyers, "
        "count(DISTINCT client_id) FILTER (WHERE event = 'purchase')::double precision "
        "/ count(DISTINCT client_id) AS conversion_rate, "
        "sum(value) FILTER (WHERE event = 'purchase') AS revenue FROM events "
        "GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source",
        true, false);
  // Q7: users by country.
  Check(scope,
        "SELECT country, count(DISTINCT client_id) AS users FROM events GROUP BY country "
        "ORDER BY users DESC, country",
        true, true);
  // Q1 / Q4 on sessions.
  Check(scope,
        "SELECT date_trunc('day', start) AS day, sum(pageviews), count(DISTINCT client_id), "
        "count(*) FROM sessions WHERE start >= now() - INTERVAL '30 days' GROUP BY 1 ORDER BY 1",
        true, true);
  Check(scope,
        "SELECT date_trunc('day', start) AS day, avg(bounced::int) AS bounce_rate, "
        "avg(duration) AS avg_session_seconds FROM sessions GROUP BY 1 ORDER BY 1",
        true, true);
}

TEST_F(RollupRoutingTest, EmptyAndGlobalResults) {
  std::optional<std::vector<std::string>> scope = std::vector<std::string>{"shop-000001"};
  // No rows: one row, count 0, NULL sum/min/avg, like the raw aggregator.
  Check(scope,
        "SELECT count(*), sum(value), min(value), avg(value), count(DISTINCT client_id) "
        "FROM events WHERE event = 'no-such-event'",
        true, false);
  Check(scope,
        "SELECT count(*), sum(duration), sum(pageviews) FROM sessions "
        "WHERE start < '2000-01-01'",
        true, false);
  auto on = Session(scope, true);
  QueryResult r = Must(*on, "SELECT count(*), sum(value) FROM events WHERE event = 'nope'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].i, 0);
  EXPECT_TRUE(r.rows[0][1].null);
  // Everything, no time range: cells answer whole days.
  Check(std::nullopt, "SELECT count(*), count(value), sum(value) FROM events", true, false);
  Check(std::nullopt, "SELECT merchant, count(*), count(DISTINCT client_id) FROM events GROUP BY 1",
        true, false);
}

TEST_F(RollupRoutingTest, ZonesAndEdges) {
  // A day grain in a session zone that differs from the merchant's falls back to hourly
  // cells (shop-000002 is Europe/Berlin); Kolkata's half-hour offset defeats hourly cells.
  for (const std::string m : {"shop-000001", "shop-000002", "shop-000003", "shop-000004"}) {
    std::optional<std::vector<std::string>> scope = std::vector<std::string>{m};
    for (const std::string zone : {"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"}) {
      Check(scope,
            "SELECT date_trunc('day', ts), event, count(*), sum(value) FROM events "
            "WHERE ts >= '2026-11-02 05:17:00+00' AND ts <= '2026-11-04 19:03:00+00' "
            "GROUP BY 1, 2",
            true, false, zone);
      Check(scope,
            "SELECT date_trunc('hour', ts), count(DISTINCT client_id) FROM events "
            "WHERE ts > '2026-11-02 05:17:00+00' GROUP BY 1",
            true, false, zone);
      Check(scope,
            "SELECT device, date_trunc('week', start), count(*), avg(duration) FROM sessions "
            "GROUP BY 1, 2",
            true, false, zone);
    }
  }
}

TEST_F(RollupRoutingTest, ExplainAnalyzeReportsRollupCounters) {
  auto on = Session(std::vector<std::string>{"shop-000001"}, true);
  const std::string plan = PlanText(Must(*on,
                                         "EXPLAIN ANALYZE SELECT page, count(*) FROM events "
                                         "WHERE ts >= '2026-11-02 05:17:00+00' GROUP BY 1"));
  EXPECT_THAT(plan, HasSubstr("RollupAggregate cube=page grain=day cells="));
  EXPECT_THAT(plan, HasSubstr("memtable_rows="));
  EXPECT_THAT(plan, Not(HasSubstr("cells=0 ")));
  EXPECT_THAT(plan, Not(HasSubstr("covered_segments=0 ")));
  const std::string hourly =
      PlanText(Must(*on, "EXPLAIN SELECT date_trunc('hour', ts), count(*) FROM events GROUP BY 1"));
  EXPECT_THAT(hourly, HasSubstr("RollupAggregate cube=events grain=hour covered_segments="));
  if (!SessionsTableExists()) return;
  const std::string sessions =
      PlanText(Must(*on, "EXPLAIN ANALYZE SELECT country, count(*) FROM sessions GROUP BY 1"));
  EXPECT_THAT(sessions, HasSubstr("RollupAggregate cube=session_country grain=day"));
  EXPECT_THAT(sessions, Not(HasSubstr("live_sessions=0")));
}

TEST_F(RollupRoutingTest, SettingControlsRouting) {
  auto s = Session(std::vector<std::string>{"shop-000001"}, true);
  EXPECT_EQ(PlanText(Must(*s, "SHOW strata.rollups")), "on\n");
  Must(*s, "SET strata.rollups = false");
  EXPECT_EQ(PlanText(Must(*s, "SHOW strata.rollups")), "off\n");
  EXPECT_THAT(PlanText(Must(*s, "EXPLAIN SELECT count(*) FROM events")),
              Not(HasSubstr("RollupAggregate")));
  Must(*s, "RESET strata.rollups");
  EXPECT_THAT(PlanText(Must(*s, "EXPLAIN SELECT count(*) FROM events")),
              HasSubstr("RollupAggregate"));
  auto bad = s->Execute("SET strata.rollups = maybe");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(SqlStateOf(bad.status()), "22023");
}

TEST_F(RollupRoutingTest, SubqueriesAndNesting) {
  std::optional<std::vector<std::string>> scope = std::vector<std::string>{"shop-000001"};
  Check(scope,
        "SELECT day, pv FROM (SELECT date_trunc('day', ts) AS day, count(*) AS pv FROM events "
        "GROUP BY 1) AS d WHERE pv > 10",
        true, false);
  Check(scope,
        "SELECT count(*) FROM events WHERE ts >= (SELECT min(ts) FROM events) AND "
        "event IN (SELECT event FROM events GROUP BY event)",
        true, false);
  Check(scope,
        "SELECT page, count(*) FROM events GROUP BY page HAVING count(*) > "
        "(SELECT count(*) / 100 FROM events)",
        true, false);
}

TEST_F(RollupRoutingTest, ScopesNamingAMerchantTwice) {
  const std::optional<std::vector<std::string>> twice =
      std::vector<std::string>{"shop-000002", "shop-000001", "shop-000002"};
  Check(twice, "SELECT count(*), sum(value) FROM events", true, false);
  Check(twice, "SELECT merchant, page, count(DISTINCT client_id) FROM events GROUP BY 1, 2", true,
        false);
  Check(twice, "SELECT device, count(*), sum(pageviews) FROM sessions GROUP BY 1", true, false);
  const std::optional<std::vector<std::string>> same =
      std::vector<std::string>{"shop-000003", "shop-000003"};
  Check(same, "SELECT date_trunc('day', ts), count(DISTINCT client_id) FROM events GROUP BY 1",
        true, false, "Asia/Kolkata");
}

TEST_F(RollupRoutingTest, EligibilityRules) {
  const std::optional<std::vector<std::string>> one = std::vector<std::string>{"shop-000001"};
  const std::optional<std::vector<std::string>> admin;
  struct Case {
    const std::optional<std::vector<std::string>>& scope;
    const char* sql;
    bool eligible;
  };
  const Case cases[] = {
      {one, "SELECT count(*) FROM events", true},
      {one, "SELECT count(*) FROM events WHERE page = '/' AND device = 'mobile'", false},
      {one, "SELECT page, device, count(*) FROM events GROUP BY 1, 2", false},
      {one, "SELECT page, count(*) FROM events WHERE event <> 'page_view' GROUP BY 1", false},
      {one, "SELECT page, count(*) FROM events WHERE page LIKE '/p%' GROUP BY 1", false},
      {one, "SELECT page, date_trunc('hour', ts), count(*) FROM events GROUP BY 1, 2", false},
      {one, "SELECT date_trunc('minute', ts), count(*) FROM events GROUP BY 1", false},
      {one,
       "SELECT date_trunc('hour', ts), date_trunc('day', ts), count(*) FROM events "
       "GROUP BY 1, 2",
       false},
      {one, "SELECT count(DISTINCT page) FROM events", false},
      {one, "SELECT sum(DISTINCT value) FROM events", false},
      {one, "SELECT count(event) FROM events", false},
      {one, "SELECT approx_count_distinct(client_id) FROM events", false},
      {one, "SELECT count(*) FILTER (WHERE value > 10) FROM events", false},
      {one, "SELECT sum(value) FILTER (WHERE event = 'purchase') FROM events", true},
      {admin, "SELECT count(DISTINCT client_id) FROM events", false},
      {admin, "SELECT merchant, count(DISTINCT client_id) FROM events GROUP BY 1", true},
      {admin, "SELECT count(DISTINCT client_id) FROM events WHERE merchant = 'shop-000002'", true},
      {admin, "SELECT count(*) FROM events WHERE merchant = 'nobody'", false},  // empty scope
      {one, "SELECT min(pageviews) FROM sessions", false},
      {one, "SELECT max(duration), min(revenue) FROM sessions", true},
      {one, "SELECT count(*) FROM sessions WHERE bounced", false},
      {one, "SELECT sum(revenue) FILTER (WHERE converted) FROM sessions", false},
      {one, "SELECT count(*) FILTER (WHERE bounced AND engaged) FROM sessions", false},
      {one, "SELECT count(*) FILTER (WHERE device = 'mobile' AND NOT bounced) FROM sessions", true},
      {one, "SELECT exit_page, count(*) FROM sessions GROUP BY 1", false},
      {one, "SELECT landing_page, avg(events) FROM sessions GROUP BY 1", true},
      {one, "SELECT time_bucket('90 minutes', start), count(*) FROM sessions GROUP BY 1", false},
      {one, "SELECT count(*) FROM pageviews", false},
  };
  for (const Case& c : cases) Check(c.scope, c.sql, c.eligible, false);
}

TEST_F(RollupRoutingTest, OverBudget) {
  SessionOptions options;
  options.memory_limit_bytes = 64 * 1024;
  auto snap = data_->snapshot();
  QuerySession s([snap] { return snap; }, options);
  auto r = s.Execute(
      "SELECT merchant, page, date_trunc('day', ts), count(DISTINCT client_id) FROM events "
      "GROUP BY 1, 2, 3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(SqlStateOf(r.status()), "54000");
}

}  // namespace
}  // namespace strata::query
