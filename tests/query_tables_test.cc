// The derived tables through SQL: sessions and pageviews (stored segments + live rows) and
// the realtime tables, against the rows the engine parts produce directly. Covers every
// column's type and NULL mapping, merchant isolation, pushdown == no pushdown, live and
// stored rows together, and the table listing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "engine/memtable.h"
#include "engine/realtime/realtime.h"
#include "engine/sessions/live_sessions.h"
#include "engine/sessions/session_rows.h"
#include "engine/sessions/sessionizer.h"
#include "ingest/generator.h"
#include "query/error.h"
#include "query/query.h"
#include "query/tables.h"

namespace strata::query {
namespace {

using engine::PageviewRow;
using engine::SessionRow;
using ::testing::HasSubstr;
using ::testing::Not;
using Rows = std::vector<std::string>;  // each row as "v1|v2|...", NULL as "\N"

std::string Text(const Value& v) { return v.null ? "\\N" : v.ToString(); }

std::string RowText(const std::vector<Value>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += "|";
    out += Text(row[i]);
  }
  return out;
}

Value Str(const std::string& s) {
  return s.empty() ? Value::Null(Type::kString) : Value::String(s);
}
Value Seconds(int64_t us) {
  return us < 0 ? Value::Null(Type::kFloat64) : Value::Float(static_cast<double>(us) / 1e6);
}

class TablesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::string report;
    catalog_ = engine::Catalog::Open(dir_->path(), 0, &report).value().release();
    ingest::GeneratorOptions gen;
    gen.events = 40000;
    gen.merchants = 6;
    gen.days = 2;
    gen.seed = 3;
    std::vector<engine::Event> events = ingest::Generator::All(gen);

    // The first 80% (in arrival order) are "flushed": sessionized into final sessions in
    // segments plus the sessionizer's held state; the rest wait in a memtable.
    const size_t flushed = events.size() * 8 / 10;
    engine::SessionizerOptions options;
    engine::Sessionizer sessionizer(options);
    tracker_ = new engine::RealtimeTracker();
    auto flushed_table = std::make_unique<engine::Memtable>();
    auto memtable = std::make_shared<engine::Memtable>();
    for (size_t i = 0; i < events.size(); ++i) {
      const engine::Event& e = events[i];
      const uint32_t m = catalog_->ResolveMerchant(e.merchant);
      const uint32_t c = catalog_->ResolveClient(m, e.client_id);
      (i < flushed ? *flushed_table : *memtable)
          .Add(e, m, c, engine::EncodeParams(e.params), i + 1);
      tracker_->Observe(m, c, e.ts_us, e.event, e.page, e.item_id);
      now_us_ = std::max(now_us_, e.ts_us);
    }
    flushed_table->Publish();
    memtable->Publish();
    for (const engine::FlushPart& part : flushed_table->BuildFlushParts(flushed)) {
      engine::AddFlushPart(part.columns, *catalog_, &sessionizer);
    }
    stored_sessions_ = new std::vector<SessionRow>();
    stored_pageviews_ = new std::vector<PageviewRow>();
    sessionizer.Advance(stored_sessions_, stored_pageviews_);

    auto snap = std::make_shared<engine::Snapshot>();
    snap->catalog = catalog_;
    snap->settings = [](uint32_t) { return std::make_shared<const engine::MerchantSettings>(); };
    snap->memtables.push_back({0, memtable, memtable->visible_rows()});
    snap->sessionizers.push_back(std::make_shared<const engine::Sessionizer>(sessionizer));
    // Two segments of each, split by merchant parity, so scans have several parts.
    for (int parity = 0; parity < 2; ++parity) {
      std::vector<SessionRow> s;
      std::vector<PageviewRow> p;
      for (const SessionRow& r : *stored_sessions_) {
        if (r.merchant % 2 == static_cast<uint32_t>(parity)) s.push_back(r);
      }
      for (const PageviewRow& r : *stored_pageviews_) {
        if (r.merchant % 2 == static_cast<uint32_t>(parity)) p.push_back(r);
      }
      snap->session_segments.push_back(Write(1 + parity, storage::SegmentMeta::kSessions,
                                             engine::SessionWriterOptions(),
                                             engine::SessionRowsToColumns(s)));
      snap->pageview_segments.push_back(Write(3 + parity, storage::SegmentMeta::kPageviews,
                                              engine::PageviewWriterOptions(),
                                              engine::PageviewRowsToColumns(p)));
    }
    snap_ = new std::shared_ptr<const engine::Snapshot>(snap);
    live_sessions_ = new std::vector<SessionRow>();
    live_pageviews_ = new std::vector<PageviewRow>();
    for (uint32_t m = 0; m < catalog_->merchant_count(); ++m) {
      ASSERT_TRUE(engine::LiveSessions(*snap, m, live_sessions_, live_pageviews_).ok());
    }
  }

  static void TearDownTestSuite() {
    delete snap_;
    delete tracker_;
    delete catalog_;
    delete stored_sessions_;
    delete stored_pageviews_;
    delete live_sessions_;
    delete live_pageviews_;
    delete dir_;
  }

  static std::shared_ptr<const engine::SegmentHandle> Write(
      uint64_t id, storage::SegmentMeta::Kind kind, storage::SegmentWriterOptions options,
      const std::vector<storage::ColumnInput>& columns) {
    options.rows_per_block = 512;
    const std::string path = dir_->path() + "/" + std::to_string(id) + ".seg";
    auto summary = storage::WriteSegment(path, options, columns);
    EXPECT_TRUE(summary.ok()) << summary.status();
    storage::SegmentMeta meta;
    meta.id = id;
    meta.kind = kind;
    meta.rows = summary->rows;
    meta.min_ts = summary->min_ts;
    meta.max_ts = summary->max_ts;
    meta.file_size = summary->file_size;
    return std::make_shared<engine::SegmentHandle>(
        meta, path, std::move(storage::SegmentReader::Open(path).value()));
  }

  static std::unique_ptr<QuerySession> Session(std::optional<std::vector<std::string>> scope = {},
                                               int threads = 2, bool realtime = true) {
    SessionOptions o;
    o.merchant_scope = std::move(scope);
    o.threads = threads;
    std::shared_ptr<const engine::Snapshot> snap = *snap_;
    if (realtime) {
      auto with = std::make_shared<engine::Snapshot>(*snap);
      with->realtime = tracker_;
      snap = with;
    }
    auto s = std::make_unique<QuerySession>([snap] { return snap; }, o);
    s->SetNowForTesting(now_us_);
    return s;
  }

  static QueryResult Run(QuerySession& s, const std::string& sql) {
    auto r = s.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : QueryResult{};
  }
  static Rows Sorted(QuerySession& s, const std::string& sql) {
    Rows out;
    for (const auto& row : Run(s, sql).rows) out.push_back(RowText(row));
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string Merchant(uint32_t m) { return catalog_->MerchantName(m); }
  static std::string Client(uint32_t m, uint32_t c) { return catalog_->ClientName(m, c); }

  static std::vector<Value> SessionValues(const SessionRow& r) {
    return {Str(r.session_id),
            Value::String(Merchant(r.merchant)),
            Value::String(Client(r.merchant, r.client)),
            Str(r.user_id),
            Value::Timestamp(r.start_us),
            Value::Timestamp(r.end_us),
            Seconds(r.duration_us),
            Value::Int(r.events),
            Value::Int(r.pageviews),
            Str(r.landing_page),
            Str(r.exit_page),
            Str(r.referrer),
            Str(r.utm_source),
            Str(r.utm_medium),
            Str(r.utm_campaign),
            Str(r.device),
            Str(r.os),
            Str(r.browser),
            Str(r.country),
            Value::Bool(r.bounced),
            Value::Bool(r.engaged),
            Value::Bool(r.converted),
            std::isnan(r.revenue) ? Value::Null(Type::kFloat64) : Value::Float(r.revenue),
            Str(r.client_session_id),
            Value::Bool(r.is_open)};
  }
  static std::vector<Value> PageviewValues(const PageviewRow& r) {
    return {Value::String(Merchant(r.merchant)),
            Value::Timestamp(r.ts_us),
            Value::String(Client(r.merchant, r.client)),
            Str(r.session_id),
            Str(r.page),
            Str(r.title),
            Str(r.referrer),
            Str(r.device),
            Str(r.country),
            Seconds(r.time_on_page_us),
            Value::Bool(r.is_exit)};
  }

  // Every session (stored, then live) of the merchants `keep` accepts, as SELECT * rows.
  template <typename Keep>
  static Rows ExpectedSessions(Keep keep) {
    Rows out;
    for (const auto* rows : {stored_sessions_, live_sessions_}) {
      for (const SessionRow& r : *rows) {
        if (keep(r)) out.push_back(RowText(SessionValues(r)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  template <typename Keep>
  static Rows ExpectedPageviews(Keep keep) {
    Rows out;
    for (const auto* rows : {stored_pageviews_, live_pageviews_}) {
      for (const PageviewRow& r : *rows) {
        if (keep(r)) out.push_back(RowText(PageviewValues(r)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static TempDir* dir_;
  static engine::Catalog* catalog_;
  static engine::RealtimeTracker* tracker_;
  static int64_t now_us_;
  static std::vector<SessionRow>* stored_sessions_;
  static std::vector<PageviewRow>* stored_pageviews_;
  static std::vector<SessionRow>* live_sessions_;
  static std::vector<PageviewRow>* live_pageviews_;
  static std::shared_ptr<const engine::Snapshot>* snap_;
};

TempDir* TablesTest::dir_ = nullptr;
engine::Catalog* TablesTest::catalog_ = nullptr;
engine::RealtimeTracker* TablesTest::tracker_ = nullptr;
int64_t TablesTest::now_us_ = 0;
std::vector<SessionRow>* TablesTest::stored_sessions_ = nullptr;
std::vector<PageviewRow>* TablesTest::stored_pageviews_ = nullptr;
std::vector<SessionRow>* TablesTest::live_sessions_ = nullptr;
std::vector<PageviewRow>* TablesTest::live_pageviews_ = nullptr;
std::shared_ptr<const engine::Snapshot>* TablesTest::snap_ = nullptr;

TEST_F(TablesTest, TheDataHasStoredAndLiveRows) {
  EXPECT_GT(stored_sessions_->size(), 1000u);
  EXPECT_GT(live_sessions_->size(), 100u);
  EXPECT_GT(stored_pageviews_->size(), 1000u);
  EXPECT_GT(live_pageviews_->size(), 100u);
  size_t open = 0;
  for (const SessionRow& r : *live_sessions_) open += r.is_open;
  EXPECT_GT(open, 0u);
}

TEST_F(TablesTest, SessionsColumnsAndTypes) {
  auto s = Session();
  QueryResult r = Run(*s, "SELECT * FROM sessions LIMIT 1");
  std::vector<std::string> names;
  std::vector<Type> types;
  for (const ResultColumn& c : r.columns) {
    names.push_back(c.name);
    types.push_back(c.type);
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "session_id", "merchant",  "client_id",  "user_id",           "start",
                       "end",        "duration",  "events",     "pageviews",         "landing_page",
                       "exit_page",  "referrer",  "utm_source", "utm_medium",        "utm_campaign",
                       "device",     "os",        "browser",    "country",           "bounced",
                       "engaged",    "converted", "revenue",    "client_session_id", "is_open"}));
  const Type S = Type::kString, T = Type::kTimestamp, F = Type::kFloat64, I = Type::kInt64,
             B = Type::kBool;
  EXPECT_EQ(types, (std::vector<Type>{S, S, S, S, T, T, F, I, I, S, S, S, S,
                                      S, S, S, S, S, S, B, B, B, F, S, B}));
}

TEST_F(TablesTest, PageviewsColumnsAndTypes) {
  auto s = Session();
  QueryResult r = Run(*s, "SELECT * FROM pageviews LIMIT 1");
  std::vector<std::string> names;
  std::vector<Type> types;
  for (const ResultColumn& c : r.columns) {
    names.push_back(c.name);
    types.push_back(c.type);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"merchant", "ts", "client_id", "session_id", "page", "title",
                                      "referrer", "device", "country", "time_on_page", "is_exit"}));
  const Type S = Type::kString, T = Type::kTimestamp, F = Type::kFloat64, B = Type::kBool;
  EXPECT_EQ(types, (std::vector<Type>{S, T, S, S, S, S, S, S, S, F, B}));
}

TEST_F(TablesTest, EverySessionRowAndValue) {
  for (int threads : {1, 4}) {
    auto s = Session(std::nullopt, threads);
    Rows got = Sorted(*s, "SELECT * FROM sessions");
    Rows want = ExpectedSessions([](const SessionRow&) { return true; });
    ASSERT_EQ(got.size(), want.size()) << threads;
    EXPECT_TRUE(got == want) << threads;
  }
}

TEST_F(TablesTest, EveryPageviewRowAndValue) {
  for (int threads : {1, 4}) {
    auto s = Session(std::nullopt, threads);
    Rows got = Sorted(*s, "SELECT * FROM pageviews");
    Rows want = ExpectedPageviews([](const PageviewRow&) { return true; });
    ASSERT_EQ(got.size(), want.size()) << threads;
    EXPECT_TRUE(got == want) << threads;
  }
}

TEST_F(TablesTest, NullsAndFlagsAreMapped) {
  auto s = Session();
  // Empty strings are NULL, time_on_page -1 is NULL, flags are booleans.
  int64_t no_time = 0, exits = 0, no_page = 0;
  for (const auto* rows : {stored_pageviews_, live_pageviews_}) {
    for (const PageviewRow& r : *rows) {
      no_time += r.time_on_page_us < 0;
      exits += r.is_exit;
      no_page += r.page.empty();
    }
  }
  EXPECT_GT(no_time, 0);
  QueryResult r = Run(*s,
                      "SELECT count(*) FILTER (WHERE time_on_page IS NULL), "
                      "count(*) FILTER (WHERE is_exit), count(*) FILTER (WHERE page IS NULL), "
                      "count(*) FILTER (WHERE page = '') FROM pageviews");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].i, no_time);
  EXPECT_EQ(r.rows[0][1].i, exits);
  EXPECT_EQ(r.rows[0][2].i, no_page);
  EXPECT_EQ(r.rows[0][3].i, 0);

  int64_t bounced = 0, no_user = 0;
  double duration = 0;
  for (const auto* rows : {stored_sessions_, live_sessions_}) {
    for (const SessionRow& row : *rows) {
      bounced += row.bounced;
      no_user += row.user_id.empty();
      duration += static_cast<double>(row.duration_us) / 1e6;
    }
  }
  r = Run(*s,
          "SELECT count(*) FILTER (WHERE bounced), count(*) FILTER (WHERE user_id IS NULL), "
          "sum(duration) FROM sessions");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].i, bounced);
  EXPECT_EQ(r.rows[0][1].i, no_user);
  EXPECT_NEAR(r.rows[0][2].f, duration, 1e-6 * duration);
}

TEST_F(TablesTest, MerchantScopeIsolatesRows) {
  const std::string m1 = Merchant(1), m2 = Merchant(2);
  auto s = Session(std::vector<std::string>{m1});
  EXPECT_EQ(Sorted(*s, "SELECT * FROM sessions"),
            ExpectedSessions([](const SessionRow& r) { return r.merchant == 1; }));
  EXPECT_EQ(Sorted(*s, "SELECT * FROM pageviews"),
            ExpectedPageviews([](const PageviewRow& r) { return r.merchant == 1; }));
  EXPECT_EQ(Sorted(*s, "SELECT DISTINCT merchant FROM sessions"), Rows{m1});
  EXPECT_TRUE(Sorted(*s, "SELECT * FROM sessions WHERE merchant = '" + m2 + "'").empty());
  EXPECT_TRUE(Sorted(*s, "SELECT * FROM pageviews WHERE merchant IN ('" + m2 + "')").empty());
  EXPECT_TRUE(Sorted(*s, "SELECT * FROM realtime_users WHERE merchant = '" + m2 + "'").empty());
  EXPECT_EQ(Sorted(*s, "SELECT DISTINCT merchant FROM realtime_pages"), Rows{m1});

  // An admin narrows with WHERE merchant.
  auto admin = Session();
  EXPECT_EQ(Sorted(*admin, "SELECT * FROM sessions WHERE merchant = '" + m2 + "'"),
            ExpectedSessions([](const SessionRow& r) { return r.merchant == 2; }));
  EXPECT_EQ(
      Sorted(*admin, "SELECT * FROM pageviews WHERE merchant IN ('" + m1 + "', '" + m2 + "')"),
      ExpectedPageviews([](const PageviewRow& r) { return r.merchant == 1 || r.merchant == 2; }));
  EXPECT_TRUE(Sorted(*admin, "SELECT * FROM sessions WHERE merchant = 'nobody'").empty());
}

TEST_F(TablesTest, PushdownEqualsResidual) {
  // Each pair: a WHERE the scan answers, and the same condition in a form it does not.
  const SessionRow& sample = (*live_sessions_)[live_sessions_->size() / 2];
  const std::string start = Value::Timestamp(sample.start_us).ToString();
  const std::string sid = sample.session_id;
  const std::vector<std::pair<std::string, std::string>> sessions = {
      {"country = 'US'", "country || '' = 'US'"},
      {"device IN ('mobile', 'tablet')", "device || '' IN ('mobile', 'tablet')"},
      {"session_id = '" + sid + "'", "session_id || '' = '" + sid + "'"},
      {"start >= '" + start + "'", "start + interval '0 s' >= '" + start + "'"},
      {"start < '" + start + "' AND landing_page = '/'",
       "start + interval '0 s' < '" + start + "' AND landing_page || '' = '/'"},
      {"\"end\" > '" + start + "'", "\"end\" + interval '0 s' > '" + start + "'"},
      {"events >= 3", "events + 0 >= 3"},
      {"pageviews = 1", "pageviews + 0 = 1"},
      {"bounced", "bounced = (1 = 1)"},
      {"NOT engaged", "engaged = (1 = 0)"},
      {"converted = true AND events < 40", "(converted OR false) AND events + 0 < 40"},
      {"is_open", "is_open = (1 = 1)"},
  };
  for (int threads : {1, 3}) {
    for (const auto& scope : {std::optional<std::vector<std::string>>{},
                              std::optional<std::vector<std::string>>{{Merchant(0)}}}) {
      auto s = Session(scope, threads);
      for (const auto& [pushed, residual] : sessions) {
        Rows a = Sorted(*s, "SELECT * FROM sessions WHERE " + pushed);
        Rows b = Sorted(*s, "SELECT * FROM sessions WHERE " + residual);
        EXPECT_EQ(a, b) << pushed;
        if (!scope.has_value()) {
          EXPECT_FALSE(b.empty()) << pushed;
        }
      }
    }
  }
  const PageviewRow& pv = (*live_pageviews_)[live_pageviews_->size() / 2];
  const std::string ts = Value::Timestamp(pv.ts_us).ToString();
  const std::vector<std::pair<std::string, std::string>> pageviews = {
      {"page = '" + pv.page + "'", "page || '' = '" + pv.page + "'"},
      {"ts <= '" + ts + "'", "ts + interval '0 s' <= '" + ts + "'"},
      {"is_exit AND country IN ('US', 'DE')",
       "(is_exit OR false) AND country || '' IN ('US', 'DE')"},
      {"NOT is_exit", "is_exit = (1 = 0)"},
  };
  auto s = Session(std::nullopt, 3);
  for (const auto& [pushed, residual] : pageviews) {
    Rows a = Sorted(*s, "SELECT * FROM pageviews WHERE " + pushed);
    EXPECT_EQ(a, Sorted(*s, "SELECT * FROM pageviews WHERE " + residual)) << pushed;
    EXPECT_FALSE(a.empty()) << pushed;
  }
  // The pushed forms really are pushed.
  std::string plan;
  for (const auto& row : Run(*s,
                             "EXPLAIN SELECT count(*) FROM sessions WHERE country = 'US' AND "
                             "events >= 3 AND bounced AND start >= '" +
                                 start + "'")
                             .rows) {
    plan += row[0].s + "\n";
  }
  EXPECT_THAT(plan, HasSubstr("Pushed into scan: "));
  for (const char* conjunct : {"country = 'US'", "events >= 3", "bounced"}) {
    EXPECT_THAT(plan, HasSubstr(conjunct));
  }
  EXPECT_THAT(plan, HasSubstr("Time: [" + start));
  EXPECT_THAT(plan, Not(HasSubstr("Filter:")));
}

TEST_F(TablesTest, LiveAndStoredRowsTogether) {
  auto s = Session(std::nullopt, 4);
  QueryResult r = Run(*s,
                      "SELECT count(*), count(*) FILTER (WHERE is_open), "
                      "count(DISTINCT session_id) FROM sessions");
  ASSERT_EQ(r.rows.size(), 1u);
  int64_t open = 0;
  for (const SessionRow& row : *live_sessions_) open += row.is_open;
  EXPECT_EQ(r.rows[0][0].i,
            static_cast<int64_t>(stored_sessions_->size() + live_sessions_->size()));
  EXPECT_EQ(r.rows[0][1].i, open);
  EXPECT_EQ(r.rows[0][2].i, r.rows[0][0].i);  // no session is both stored and live

  // Distinct users per merchant: the dense-id path equals the string path.
  EXPECT_EQ(
      Sorted(*s, "SELECT merchant, count(DISTINCT client_id) FROM sessions GROUP BY 1"),
      Sorted(*s, "SELECT merchant, count(DISTINCT client_id || '') FROM sessions GROUP BY 1"));
  auto one = Session(std::vector<std::string>{Merchant(3)}, 4);
  std::set<uint32_t> clients;
  for (const auto* rows : {stored_pageviews_, live_pageviews_}) {
    for (const PageviewRow& row : *rows) {
      if (row.merchant == 3) clients.insert(row.client);
    }
  }
  EXPECT_EQ(Sorted(*one, "SELECT count(DISTINCT client_id) FROM pageviews"),
            Rows{std::to_string(clients.size())});
}

TEST_F(TablesTest, ExplainNamesTheTableAndItsParts) {
  auto s = Session(std::vector<std::string>{Merchant(1)});
  std::string plan;
  for (const auto& row : Run(*s, "EXPLAIN SELECT count(*) FROM sessions").rows) {
    plan += row[0].s + "\n";
  }
  EXPECT_THAT(plan, HasSubstr("Scan sessions"));
  EXPECT_THAT(plan, HasSubstr("Segments: 2 in snapshot"));
  EXPECT_THAT(plan, HasSubstr("live rows of 1 merchants"));
  plan.clear();
  for (const auto& row : Run(*s, "EXPLAIN ANALYZE SELECT count(*) FROM pageviews").rows) {
    plan += row[0].s + "\n";
  }
  EXPECT_THAT(plan, HasSubstr("Scan pageviews"));
  EXPECT_THAT(plan, HasSubstr("live: "));
  EXPECT_THAT(plan, HasSubstr(" rows of 1 merchants"));
  plan.clear();
  for (const auto& row : Run(*s, "EXPLAIN SELECT * FROM realtime_users").rows) {
    plan += row[0].s + "\n";
  }
  EXPECT_THAT(plan, HasSubstr("Scan realtime_users"));
  EXPECT_THAT(plan, HasSubstr("Source: realtime tracker"));
}

TEST_F(TablesTest, RealtimeTablesSummarizeTheTracker) {
  for (uint32_t m = 0; m < catalog_->merchant_count(); ++m) {
    const std::string name = Merchant(m);
    engine::RealtimeSummary sum = tracker_->Summarize(m, now_us_, 0);
    Rows users, pages, items;
    for (const engine::RealtimeWindow& w : sum.windows) {
      const std::string minutes = std::to_string(w.window_us / 60000000);
      const std::string window = minutes + "m|" + std::to_string(w.window_us / 1000000) + "|";
      const std::string tail = "|" + minutes + "|" + name;
      users.push_back(window + std::to_string(w.active_users) + tail);
      for (size_t i = 0; i < w.pages.size(); ++i) {
        pages.push_back(window + std::to_string(i + 1) + "|" + Text(Str(w.pages[i].key)) + "|" +
                        std::to_string(w.pages[i].viewers) + tail);
      }
      for (size_t i = 0; i < w.items.size(); ++i) {
        items.push_back(window + std::to_string(i + 1) + "|" + Text(Str(w.items[i].key)) + "|" +
                        std::to_string(w.items[i].viewers) + tail);
      }
    }
    std::sort(users.begin(), users.end());
    std::sort(pages.begin(), pages.end());
    std::sort(items.begin(), items.end());
    ASSERT_EQ(users.size(), 3u);
    auto s = Session(std::vector<std::string>{name});
    EXPECT_EQ(Sorted(*s, "SELECT * FROM realtime_users"), users);
    EXPECT_EQ(Sorted(*s, "SELECT * FROM realtime_pages"), pages);
    EXPECT_EQ(Sorted(*s, "SELECT * FROM realtime_items"), items);
    auto admin = Session();
    EXPECT_EQ(Sorted(*admin, "SELECT * FROM realtime_users WHERE merchant = '" + name + "'"),
              users);
  }
  auto s = Session();
  QueryResult r = Run(*s,
                      "SELECT \"window\", sum(active_users) FROM realtime_users "
                      "WHERE window_seconds >= 300 GROUP BY 1 ORDER BY 1");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][0].s, "30m");
  EXPECT_GT(r.rows[0][1].i, 0);
  EXPECT_EQ(Sorted(*s, "SELECT count(*) FROM realtime_users"),
            Rows{std::to_string(3 * catalog_->merchant_count())});
  // Top pages per window with ORDER BY rank.
  r = Run(*s, "SELECT page, viewers FROM realtime_pages WHERE \"window\" = '30m' AND merchant = '" +
                  Merchant(0) + "' ORDER BY rank LIMIT 3");
  EXPECT_FALSE(r.rows.empty());
  for (size_t i = 1; i < r.rows.size(); ++i) EXPECT_GE(r.rows[i - 1][1].i, r.rows[i][1].i);
  EXPECT_EQ(Sorted(*s, "SELECT page, viewers FROM realtime_pages WHERE \"window\" = '5m'"),
            Sorted(*s, "SELECT page, viewers FROM realtime_pages WHERE minutes = 5"));
  r = Run(*s, "SELECT minutes, window_seconds FROM realtime_users WHERE merchant = '" +
                  Merchant(0) + "' ORDER BY 1");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(RowText(r.rows[0]) + " " + RowText(r.rows[1]) + " " + RowText(r.rows[2]),
            "1|60 5|300 30|1800");
  // A later now(): everyone has left.
  s->SetNowForTesting(now_us_ + 3600LL * 1000000);
  EXPECT_EQ(Sorted(*s, "SELECT DISTINCT active_users FROM realtime_users"), Rows{"0"});
  EXPECT_TRUE(Sorted(*s, "SELECT * FROM realtime_pages").empty());
  // Without a tracker the tables are empty.
  auto none = Session(std::nullopt, 2, /*realtime=*/false);
  EXPECT_TRUE(Sorted(*none, "SELECT * FROM realtime_users").empty());
}

TEST_F(TablesTest, AllTablesListsEveryTable) {
  std::vector<std::string> names;
  for (const TableInfo& t : AllTables()) {
    names.push_back(std::string(t.name));
    EXPECT_FALSE(t.description.empty());
    EXPECT_EQ(FindTable(t.name), &t);
    EXPECT_EQ(&GetTable(t.id), &t);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"events", "pageviews", "realtime_items",
                                             "realtime_pages", "realtime_users", "sessions"}));
  EXPECT_EQ(FindTable("public.sessions"), FindTable("sessions"));
  EXPECT_EQ(FindTable("session"), nullptr);
  auto s = Session();
  EXPECT_EQ(Sorted(*s, "SELECT count(*) FROM public.pageviews p WHERE p.is_exit"),
            Sorted(*s, "SELECT count(*) FROM pageviews WHERE is_exit"));
  auto bad = s->Execute("SELECT * FROM session");
  EXPECT_EQ(SqlStateOf(bad.status()), "42P01");
}

}  // namespace
}  // namespace strata::query
