// Processing end to end on a real engine: the `sessions` table against an independent
// reference computed here from the raw events (the generator keeps each client's sessions
// apart by more than 30 minutes), whatever the arrival order and flush batching; the same
// sessions after a restart; late events; rollup-answered queries equal raw ones; realtime.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "query/query.h"
#include "storage/file.h"

namespace strata {
namespace {

using engine::Event;
using ::testing::HasSubstr;

constexpr int64_t kTimeout = 30LL * 60 * 1000 * 1000;

// One session as the test computes it: (merchant, client, start, end, events, pageviews,
// bounced, engaged, converted, revenue in cents).
using SessionTuple = std::tuple<std::string, std::string, int64_t, int64_t, int64_t, int64_t, bool,
                                bool, bool, int64_t>;

std::vector<SessionTuple> ReferenceSessions(const std::vector<Event>& events) {
  std::map<std::pair<std::string, std::string>, std::vector<const Event*>> by_client;
  for (const Event& e : events) by_client[{e.merchant, e.client_id}].push_back(&e);
  std::vector<SessionTuple> out;
  for (auto& [key, list] : by_client) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Event* a, const Event* b) { return a->ts_us < b->ts_us; });
    size_t begin = 0;
    for (size_t i = 1; i <= list.size(); ++i) {
      if (i < list.size() && list[i]->ts_us - list[i - 1]->ts_us <= kTimeout) continue;
      int64_t pageviews = 0;
      bool converted = false;
      double revenue = 0;
      for (size_t j = begin; j < i; ++j) {
        pageviews += list[j]->event == "page_view";
        if (list[j]->event == "purchase") {
          converted = true;
          if (list[j]->has_value()) revenue += list[j]->value;
        }
      }
      const int64_t n = static_cast<int64_t>(i - begin);
      const int64_t start = list[begin]->ts_us;
      const int64_t end = list[i - 1]->ts_us;
      const bool bounced =
          n == 1 && (list[begin]->event == "page_view" || list[begin]->event == "app_open");
      const bool engaged = end - start >= 10'000'000 || pageviews >= 2 || converted;
      out.emplace_back(key.first, key.second, start, end, n, pageviews, bounced, engaged, converted,
                       std::llround(revenue * 100));
      begin = i;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<query::QuerySession> AdminSession(engine::Engine* e) {
  return std::make_unique<query::QuerySession>([e] { return e->GetSnapshot(); },
                                               query::SessionOptions{});
}

query::QueryResult RunSql(query::QuerySession& s, const std::string& sql) {
  auto r = s.Execute(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
  return r.ok() ? *r : query::QueryResult{};
}

std::vector<SessionTuple> StrataSessions(engine::Engine* e) {
  auto s = AdminSession(e);
  query::QueryResult r = RunSql(*s,
                                "SELECT merchant, client_id, start, \"end\", events, pageviews, "
                                "bounced, engaged, converted, revenue, duration FROM sessions");
  std::vector<SessionTuple> out;
  for (const auto& row : r.rows) {
    EXPECT_NEAR(row[10].f, static_cast<double>(row[3].i - row[2].i) / 1e6, 1e-6);
    out.emplace_back(row[0].s, row[1].s, row[2].i, row[3].i, row[4].i, row[5].i, row[6].i != 0,
                     row[7].i != 0, row[8].i != 0, std::llround(row[9].f * 100));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Event> Generate(uint64_t events, uint32_t merchants, uint32_t days) {
  ingest::GeneratorOptions gen;
  gen.events = events;
  gen.merchants = merchants;
  gen.days = days;
  gen.seed = 7;
  return ingest::Generator::All(gen);
}

engine::EngineOptions SmallFlushes(const std::string& dir) {
  engine::EngineOptions o;
  o.data_dir = dir;
  o.wal_sync = engine::WalSyncMode::kRelaxed;
  o.shards = 4;
  o.memtable_max_rows = 4000;  // many flushes: the sessionizer sees many batches
  o.rows_per_block = 1024;
  o.allowed_lateness_us = 8LL * 3600 * 1000 * 1000;  // the generator's offline clients
  o.rollup_min_rows = 16;
  return o;
}

void AppendInBatches(engine::Engine* e, const std::vector<Event>& events, size_t batch) {
  for (size_t i = 0; i < events.size(); i += batch) {
    size_t n = std::min(batch, events.size() - i);
    ASSERT_TRUE(e->Append(absl::MakeConstSpan(events).subspan(i, n)).ok());
  }
}

enum class Order { kArrival, kShuffledWithinAnHour, kReversedBatches };

std::vector<Event> Arrange(std::vector<Event> events, Order order) {
  std::mt19937_64 rng(11);
  switch (order) {
    case Order::kArrival:
      break;
    case Order::kShuffledWithinAnHour: {
      // Shuffle windows of events whose ts lie within one hour of each other's window.
      size_t begin = 0;
      for (size_t i = 1; i <= events.size(); ++i) {
        if (i == events.size() || events[i].ts_us - events[begin].ts_us > 3'600'000'000LL) {
          std::shuffle(events.begin() + begin, events.begin() + i, rng);
          begin = i;
        }
      }
      break;
    }
    case Order::kReversedBatches:
      for (size_t i = 0; i < events.size(); i += 3000) {
        std::reverse(events.begin() + i, events.begin() + std::min(events.size(), i + 3000));
      }
      break;
  }
  return events;
}

class SessionsReferenceTest : public ::testing::TestWithParam<Order> {};

TEST_P(SessionsReferenceTest, SessionsTableEqualsReference) {
  const std::vector<Event> events = Generate(60'000, 12, 2);
  const std::vector<SessionTuple> want = ReferenceSessions(events);
  TempDir dir;
  auto engine = engine::Engine::Open(SmallFlushes(dir.path())).value();
  AppendInBatches(engine.get(), Arrange(events, GetParam()), 777);
  // Live: part stored, part held by the sessionizer, part in memtables.
  EXPECT_EQ(StrataSessions(engine.get()), want);
  ASSERT_TRUE(engine->Flush().ok());
  EXPECT_EQ(StrataSessions(engine.get()), want);
  EXPECT_GT(engine->stats().sessions_written, 0u);
  EXPECT_EQ(engine->stats().late_events, 0u);
}

INSTANTIATE_TEST_SUITE_P(Orders, SessionsReferenceTest,
                         ::testing::Values(Order::kArrival, Order::kShuffledWithinAnHour,
                                           Order::kReversedBatches));

TEST(ProcessingTest, SessionsSurviveRestartWithUnflushedEvents) {
  const std::vector<Event> events = Generate(30'000, 8, 2);
  const std::vector<SessionTuple> want = ReferenceSessions(events);
  TempDir dir;
  engine::EngineOptions options = SmallFlushes(dir.path());
  options.flush_on_close = false;  // the WAL keeps the tail, as after a crash
  {
    auto engine = engine::Engine::Open(options).value();
    AppendInBatches(engine.get(), events, 500);
    ASSERT_TRUE(engine->Close().ok());
  }
  auto engine = engine::Engine::Open(options).value();
  EXPECT_GT(engine->recovery_report().wal_events_replayed, 0u);
  EXPECT_EQ(StrataSessions(engine.get()), want);
  ASSERT_TRUE(engine->Flush().ok());
  EXPECT_EQ(StrataSessions(engine.get()), want);
  // A read-only open (strata sql) sees the same sessions.
  ASSERT_TRUE(engine->Close().ok());
  engine::EngineOptions ro = options;
  ro.read_only = true;
  auto reader = engine::Engine::Open(ro).value();
  EXPECT_EQ(StrataSessions(reader.get()), want);
}

TEST(ProcessingTest, LateEventsAreStoredCountedAndLogged) {
  TempDir dir;
  engine::EngineOptions options = SmallFlushes(dir.path());
  options.allowed_lateness_us = 3600LL * 1000 * 1000;
  auto engine = engine::Engine::Open(options).value();
  Event e;
  e.merchant = "m1";
  e.client_id = "c1";
  e.event = "page_view";
  e.page = "/";
  e.ts_us = 1'800'000'000'000'000;
  ASSERT_TRUE(engine->Append({e}).ok());
  ASSERT_TRUE(engine->Flush().ok());  // watermark = e.ts
  Event late = e;
  late.client_id = "c2";
  late.ts_us = e.ts_us - 3 * 3600LL * 1000 * 1000;
  ASSERT_TRUE(engine->Append({late}).ok());
  ASSERT_TRUE(engine->Flush().ok());
  EXPECT_EQ(engine->stats().late_events, 1u);
  EXPECT_TRUE(storage::FileExists(storage::JoinPath(dir.path(), "late_events.log")));
  auto s = AdminSession(engine.get());
  EXPECT_EQ(RunSql(*s, "SELECT count(*) FROM events").rows[0][0].i, 2);
  EXPECT_EQ(RunSql(*s, "SELECT count(*) FROM sessions WHERE client_id = 'c2'").rows[0][0].i, 0);
  EXPECT_EQ(RunSql(*s, "SELECT count(*) FROM sessions WHERE client_id = 'c1'").rows[0][0].i, 1);
}

// The benchmark's report queries, and variants: answered from rollups they equal raw data.
TEST(ProcessingTest, RollupAnswersEqualRawAnswers) {
  const std::vector<Event> events = Generate(80'000, 10, 5);
  TempDir dir;
  auto engine = engine::Engine::Open(SmallFlushes(dir.path())).value();
  AppendInBatches(engine.get(), events, 1000);
  ASSERT_TRUE(engine->Flush().ok());
  AppendInBatches(engine.get(), Generate(2'000, 10, 5), 100);  // a raw memtable tail
  const std::vector<std::string> queries = {
      "SELECT date_trunc('day', start) AS day, sum(pageviews), count(DISTINCT client_id), "
      "count(*) FROM sessions WHERE merchant = 'shop-000001' GROUP BY 1 ORDER BY 1",
      "SELECT time_bucket('1 hour', ts) AS h, count(*) FROM events WHERE merchant = "
      "'shop-000001' AND event = 'page_view' AND ts >= '2026-11-03 07:30:00' GROUP BY 1 "
      "ORDER BY 1",
      "SELECT page, count(*) AS n FROM events WHERE merchant = 'shop-000002' AND event = "
      "'page_view' GROUP BY page ORDER BY n DESC, page LIMIT 10",
      "SELECT date_trunc('day', start) AS day, count(*) FILTER (WHERE bounced), "
      "avg(duration) FROM sessions WHERE merchant = 'shop-000001' GROUP BY 1 ORDER BY 1",
      "SELECT utm_source, count(*), count(*) FILTER (WHERE converted), sum(revenue) FROM "
      "sessions WHERE merchant = 'shop-000003' GROUP BY utm_source ORDER BY utm_source",
      "SELECT country, count(DISTINCT client_id) AS users FROM events WHERE merchant = "
      "'shop-000001' GROUP BY country ORDER BY users DESC, country",
      "SELECT count(*), count(DISTINCT client_id), sum(value), min(value), max(value) FROM "
      "events WHERE merchant = 'shop-000001'",
  };
  auto on = AdminSession(engine.get());
  auto off = AdminSession(engine.get());
  RunSql(*off, "SET strata.rollups = off");
  int from_rollups = 0;
  for (const std::string& q : queries) {
    query::QueryResult a = RunSql(*on, q);
    query::QueryResult b = RunSql(*off, q);
    ASSERT_EQ(a.rows.size(), b.rows.size()) << q;
    for (size_t r = 0; r < a.rows.size(); ++r) {
      for (size_t c = 0; c < a.rows[r].size(); ++c) {
        const query::Value& x = a.rows[r][c];
        const query::Value& y = b.rows[r][c];
        ASSERT_EQ(x.null, y.null) << q << " row " << r << " col " << c;
        if (x.type == query::Type::kFloat64) {
          EXPECT_NEAR(x.f, y.f, 1e-9 * std::max(1.0, std::abs(y.f))) << q;
        } else {
          EXPECT_EQ(x.i, y.i) << q;
          EXPECT_EQ(x.s, y.s) << q;
        }
      }
    }
    std::string plan;
    for (const auto& row : RunSql(*on, "EXPLAIN " + q).rows) plan += row[0].s + "\n";
    from_rollups += plan.find("RollupAggregate") != std::string::npos;
  }
  EXPECT_EQ(from_rollups, static_cast<int>(queries.size()));
}

TEST(ProcessingTest, RealtimeTablesFollowTheLatestEvents) {
  TempDir dir;
  auto engine = engine::Engine::Open(SmallFlushes(dir.path())).value();
  const int64_t now = 1'800'000'000'000'000;
  std::vector<Event> events;
  auto add = [&](const char* client, const char* page, int64_t ago_s) {
    Event e;
    e.merchant = "m";
    e.client_id = client;
    e.event = "page_view";
    e.page = page;
    e.ts_us = now - ago_s * 1'000'000;
    events.push_back(e);
  };
  add("a", "/x", 30);
  add("b", "/x", 200);
  add("b", "/y", 100);  // b moved to /y
  add("c", "/z", 900);
  add("d", "/z", 4000);  // older than every window
  ASSERT_TRUE(engine->Append(events).ok());
  auto s = AdminSession(engine.get());
  s->SetNowForTesting(now);
  query::QueryResult users = RunSql(
      *s, "SELECT minutes, active_users FROM realtime_users WHERE merchant = 'm' ORDER BY 1");
  ASSERT_EQ(users.rows.size(), 3u);
  EXPECT_EQ(users.rows[0][1].i, 1);  // 1 minute: a
  EXPECT_EQ(users.rows[1][1].i, 2);  // 5 minutes: a, b
  EXPECT_EQ(users.rows[2][1].i, 3);  // 30 minutes: a, b, c
  query::QueryResult pages = RunSql(*s,
                                    "SELECT page, viewers FROM realtime_pages WHERE merchant = 'm' "
                                    "AND minutes = 5 ORDER BY viewers DESC, page");
  ASSERT_EQ(pages.rows.size(), 2u);
  EXPECT_EQ(pages.rows[0][0].s, "/x");
  EXPECT_EQ(pages.rows[1][0].s, "/y");
}

}  // namespace
}  // namespace strata
