// Checks shared by the rollup routing tests: results of rollups on vs off compared (doubles
// within 1e-9 relative), EXPLAIN showing which path ran, and a generator of random queries
// over `events` and `sessions` (cube dimensions, filters, time buckets, unaligned ranges,
// aggregates, ORDER BY / LIMIT / HAVING on top, and now and then something only the raw
// path can answer). A fixture derives from RoutingTest and calls UseData in its
// SetUpTestSuite.
//
// Thread safety: test-only; one thread.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/event.h"
#include "query/error.h"
#include "query/query.h"

namespace strata::query::rollup_test {

inline constexpr int64_t kHour = 3600LL * 1000 * 1000;
inline constexpr int64_t kDay = 24 * kHour;

inline std::string Quote(const std::string& s) { return absl::StrCat("'", s, "'"); }

// Result rows as text with doubles kept apart, for order-insensitive comparison.
struct Row {
  std::string key;            // every non-double cell
  std::vector<Value> values;  // all cells
};

inline std::vector<Row> Rows(const QueryResult& r) {
  std::vector<Row> out;
  for (const auto& values : r.rows) {
    Row row;
    for (const Value& v : values) {
      absl::StrAppend(&row.key, v.type == Type::kFloat64 ? "~" : (v.null ? "NULL" : v.ToString()),
                      "|");
    }
    row.values = values;
    out.push_back(std::move(row));
  }
  return out;
}

inline bool SameValue(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null == b.null;
  if (a.type == Type::kFloat64 && b.type == Type::kFloat64) {
    return a.f == b.f || std::fabs(a.f - b.f) <= 1e-9 * std::max(std::fabs(a.f), std::fabs(b.f));
  }
  return a.type == b.type && a.ToString() == b.ToString();
}

// Empty if equal, else a description of the first difference.
inline std::string Diff(const QueryResult& a, const QueryResult& b, bool ordered) {
  if (a.columns.size() != b.columns.size()) return "column count differs";
  for (size_t c = 0; c < a.columns.size(); ++c) {
    if (a.columns[c].type != b.columns[c].type || a.columns[c].name != b.columns[c].name) {
      return absl::StrCat("column ", c, " differs");
    }
  }
  if (a.rows.size() != b.rows.size()) {
    return absl::StrCat("row count ", a.rows.size(), " vs ", b.rows.size());
  }
  std::vector<Row> x = Rows(a), y = Rows(b);
  if (!ordered) {
    auto by_key = [](const Row& p, const Row& q) { return p.key < q.key; };
    std::sort(x.begin(), x.end(), by_key);
    std::sort(y.begin(), y.end(), by_key);
  }
  for (size_t r = 0; r < x.size(); ++r) {
    for (size_t c = 0; c < x[r].values.size(); ++c) {
      if (!SameValue(x[r].values[c], y[r].values[c])) {
        return absl::StrCat("row ", r, " column ", a.columns[c].name, ": ",
                            x[r].values[c].ToString(), " vs ", y[r].values[c].ToString());
      }
    }
  }
  return "";
}

inline std::string PlanText(const QueryResult& r) {
  std::string out;
  for (const auto& row : r.rows) absl::StrAppend(&out, row[0].s, "\n");
  return out;
}

class RoutingTest : public ::testing::Test {
 protected:
  // Queries read `source`; literals and values come from `events`, whose traffic spans
  // [start_us, end_us).
  static void UseData(SnapshotSource source, const std::vector<engine::Event>& events,
                      int64_t start_us, int64_t end_us) {
    snapshots_ = std::move(source);
    start_ = start_us;
    end_ = end_us;
    merchants_.clear();
    events_.clear();
    dim_values_.clear();
    for (const engine::Event& e : events) {
      merchants_.insert(e.merchant);
      events_.insert(e.event);
      for (const auto& [name, v] : {std::pair<std::string, const std::string*>{"page", &e.page},
                                    {"utm_source", &e.utm_source},
                                    {"device", &e.device},
                                    {"country", &e.country},
                                    {"browser", &e.browser},
                                    {"os", &e.os}}) {
        if (!v->empty()) dim_values_[name].insert(*v);
      }
    }
    // Session dimensions take the values of their event counterparts.
    dim_values_["landing_page"] = dim_values_["page"];
  }

  static std::unique_ptr<QuerySession> Session(std::optional<std::vector<std::string>> scope,
                                               bool rollups) {
    SessionOptions options;
    options.merchant_scope = std::move(scope);
    options.threads = 2;
    auto s = std::make_unique<QuerySession>(snapshots_, options);
    s->SetNowForTesting(end_);
    if (!rollups) {
      EXPECT_TRUE(s->Execute("SET strata.rollups = off").ok());
    }
    return s;
  }

  static QueryResult Must(QuerySession& s, const std::string& sql) {
    auto r = s.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << "\n" << r.status();
    return r.ok() ? *r : QueryResult{};
  }

  // True once the binder knows `sessions` (query/tables.*, merged from the tables work);
  // until then, sessions queries are skipped rather than failed.
  static bool SessionsTableExists() {
    static const bool exists = [] {
      auto s = Session(std::nullopt, false);
      auto r = s->Execute("SELECT count(*) FROM sessions WHERE false");
      return r.ok() || SqlStateOf(r.status()) != "42P01";
    }();
    return exists;
  }

  // Runs `sql` with rollups on and off and compares; checks the plan uses RollupAggregate
  // exactly when `eligible`.
  static void Check(const std::optional<std::vector<std::string>>& scope, const std::string& sql,
                    bool eligible, bool ordered, const std::string& zone = "UTC") {
    const bool derived = sql.find("FROM sessions") != std::string::npos ||
                         sql.find("FROM pageviews") != std::string::npos;
    if (derived && !SessionsTableExists()) return;
    auto on = Session(scope, true);
    auto off = Session(scope, false);
    Must(*on, absl::StrCat("SET timezone = ", Quote(zone)));
    Must(*off, absl::StrCat("SET timezone = ", Quote(zone)));
    QueryResult a = Must(*on, sql);
    QueryResult b = Must(*off, sql);
    std::string diff = Diff(a, b, ordered);
    EXPECT_EQ(diff, "") << sql << " (zone " << zone << ")";
    const std::string plan = PlanText(Must(*on, "EXPLAIN " + sql));
    if (eligible) {
      EXPECT_THAT(plan, ::testing::HasSubstr("RollupAggregate")) << sql;
    } else {
      EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("RollupAggregate"))) << sql;
    }
    EXPECT_THAT(PlanText(Must(*off, "EXPLAIN " + sql)),
                ::testing::Not(::testing::HasSubstr("RollupAggregate")));
    ++checked_;
    eligible_ += eligible ? 1 : 0;
  }

  static std::string Pick(std::mt19937_64& rng, const std::set<std::string>& values) {
    auto it = values.begin();
    std::advance(it, rng() % values.size());
    return *it;
  }
  static std::string Pick(std::mt19937_64& rng, const std::vector<std::string>& values) {
    return values[rng() % values.size()];
  }
  static bool Chance(std::mt19937_64& rng, double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  }

  // An instant inside the data: sometimes on an hour or day boundary.
  static int64_t Instant(std::mt19937_64& rng) {
    int64_t t = start_ + static_cast<int64_t>(rng() % static_cast<uint64_t>(end_ - start_));
    const int shape = static_cast<int>(rng() % 4);
    if (shape == 0) t -= t % kDay;
    if (shape == 1) t -= t % kHour;
    return t;
  }
  static std::string Literal(int64_t t) { return Quote(Value::Timestamp(t).ToString()); }

  // One random query over `table` ("events" or "sessions"); sets the expected eligibility.
  static std::string RandomQuery(std::mt19937_64& rng, bool sessions, bool admin, bool* eligible,
                                 bool* ordered) {
    *eligible = true;
    const std::vector<std::string> event_dims = {"page",    "utm_source", "device",
                                                 "country", "browser",    "os"};
    const std::vector<std::string> session_dims = {"landing_page", "utm_source", "device",
                                                   "country"};
    const std::string time_col = sessions ? "start" : "ts";
    std::string dim;
    if (Chance(rng, 0.7)) dim = Pick(rng, sessions ? session_dims : event_dims);
    bool dim_used = false;  // the cube is the dimension's (daily cells only)
    bool hourly_bucket = false;

    std::vector<std::string> keys;
    bool merchant_key = false;
    if (!dim.empty() && Chance(rng, 0.7)) {
      keys.push_back(dim);
      dim_used = true;
    }
    if (!sessions && Chance(rng, 0.3)) keys.push_back("event");
    if (Chance(rng, 0.55)) {
      struct Bucket {
        std::string text;
        bool hourly;
      };
      const std::vector<Bucket> buckets = {{"date_trunc('hour', T)", true},
                                           {"date_trunc('day', T)", false},
                                           {"date_trunc('week', T)", false},
                                           {"date_trunc('month', T)", false},
                                           {"time_bucket('1 hour', T)", true},
                                           {"time_bucket('3 hours', T)", true},
                                           {"time_bucket('1 day', T)", false},
                                           {"time_bucket('2 days', T)", false},
                                           {"date_trunc('day', T, 'America/New_York')", false},
                                           {"time_bucket('1 day', T, 'Asia/Kolkata')", false}};
      const Bucket& b = buckets[rng() % buckets.size()];
      std::string text = b.text;
      text.replace(text.find('T'), 1, time_col);
      keys.push_back(text);
      hourly_bucket = b.hourly;
    }
    if (admin && Chance(rng, 0.3)) {
      keys.push_back("merchant");
      merchant_key = true;
    }
    std::shuffle(keys.begin(), keys.end(), rng);

    std::vector<std::string> where;
    size_t merchant_filter = 0;  // merchants named in WHERE (0 = none)
    if (admin && Chance(rng, 0.6)) {
      if (Chance(rng, 0.6)) {
        where.push_back(absl::StrCat("merchant = ", Quote(Pick(rng, merchants_))));
        merchant_filter = 1;
      } else {
        std::string a = Pick(rng, merchants_), b = Pick(rng, merchants_);
        while (b == a) b = Pick(rng, merchants_);
        where.push_back(absl::StrCat("merchant IN (", Quote(a), ", ", Quote(b), ")"));
        merchant_filter = 2;
      }
    }
    const int range = static_cast<int>(rng() % 4);
    int64_t from = Instant(rng), to = Instant(rng);
    while (to == from) to = Instant(rng);
    if (to < from) std::swap(from, to);
    if (range >= 1) where.push_back(absl::StrCat(time_col, " >= ", Literal(from)));
    if (range >= 2) where.push_back(absl::StrCat(time_col, " < ", Literal(to)));
    if (!sessions && Chance(rng, 0.3)) {
      where.push_back(Chance(rng, 0.5) ? absl::StrCat("event = ", Quote(Pick(rng, events_)))
                                       : absl::StrCat("event IN (", Quote(Pick(rng, events_)), ", ",
                                                      Quote(Pick(rng, events_)), ")"));
    }
    if (!dim.empty() && Chance(rng, 0.3)) {
      dim_used = true;
      const auto& values = dim_values_[dim];
      where.push_back(Chance(rng, 0.5)
                          ? absl::StrCat(dim, " = ", Quote(Pick(rng, values)))
                          : absl::StrCat(dim, " IN (", Quote(Pick(rng, values)), ", ",
                                         Quote(Pick(rng, values)), ", 'nowhere', '')"));
    }

    const bool one_merchant = !admin || merchant_filter == 1 || merchant_key;
    std::vector<std::string> aggs;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> choices;
      if (sessions) {
        choices = {"count(*)",
                   "count(DISTINCT client_id)",
                   "sum(pageviews)",
                   "avg(pageviews)",
                   "sum(events)",
                   "avg(duration)",
                   "sum(duration)",
                   "min(duration)",
                   "max(duration)",
                   "sum(revenue)",
                   "max(revenue)",
                   "count(duration)",
                   "avg(bounced::int)",
                   "sum(converted::int)",
                   "count(*) FILTER (WHERE bounced)",
                   "count(*) FILTER (WHERE NOT engaged)",
                   "count(*) FILTER (WHERE converted = true)"};
      } else {
        choices = {"count(*)",
                   "count(1)",
                   "count(DISTINCT client_id)",
                   "sum(value)",
                   "avg(value)",
                   "min(value)",
                   "max(value)",
                   "count(value)",
                   "count(*) FILTER (WHERE event = 'purchase')",
                   "sum(value) FILTER (WHERE event = 'purchase')",
                   "count(DISTINCT client_id) FILTER (WHERE event IN ('purchase', 'add_to_cart'))"};
      }
      if (!dim.empty()) {
        choices.push_back(absl::StrCat("count(*) FILTER (WHERE ", dim, " = ",
                                       Quote(Pick(rng, dim_values_[dim])), ")"));
      }
      std::string agg = Pick(rng, choices);
      if (!dim.empty() && agg.find(dim + " = ") != std::string::npos) dim_used = true;
      if (agg.find("DISTINCT") != std::string::npos && !one_merchant) *eligible = false;
      aggs.push_back(agg);
    }
    if (hourly_bucket && dim_used) *eligible = false;
    // Now and then something the cubes cannot answer.
    if (Chance(rng, 0.12)) {
      *eligible = false;
      const int what = static_cast<int>(rng() % 5);
      if (what == 0) aggs.push_back(sessions ? "sum(DISTINCT pageviews)" : "sum(DISTINCT value)");
      if (what == 1) aggs.push_back(sessions ? "max(exit_page)" : "max(title)");
      if (what == 2) where.push_back(absl::StrCat("extract(hour FROM ", time_col, ") < 12"));
      if (what == 3) keys.push_back(absl::StrCat("date_trunc('minute', ", time_col, ")"));
      if (what == 4) keys.push_back(sessions ? "exit_page" : "referrer");
    }

    std::vector<std::string> select = keys;
    select.insert(select.end(), aggs.begin(), aggs.end());
    std::string sql = absl::StrCat("SELECT ", absl::StrJoin(select, ", "), " FROM ",
                                   sessions ? "sessions" : "events");
    if (!where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    if (!keys.empty()) {
      std::vector<std::string> positions;
      for (size_t i = 1; i <= keys.size(); ++i) positions.push_back(absl::StrCat(i));
      absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(positions, ", "));
      if (Chance(rng, 0.2)) absl::StrAppend(&sql, " HAVING count(*) > 1");
      *ordered = Chance(rng, 0.5);
      if (*ordered) {
        // Always a top-N: a full sort of an empty input crashes (query/sort.cc, reported).
        absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(positions, ", "), " LIMIT ",
                        Chance(rng, 0.5) ? 1 + rng() % 20 : 100000);
      }
    } else {
      *ordered = false;
    }
    return sql;
  }

  // STRATA_ROLLUP_SEED=n runs another sequence of queries.
  static void RandomQueries(bool sessions, int count, uint64_t seed) {
    if (const char* env = std::getenv("STRATA_ROLLUP_SEED"))
      seed += std::strtoull(env, nullptr, 10);
    std::mt19937_64 rng(seed);
    const std::vector<std::string> zones = {"UTC", "Europe/Berlin", "America/New_York",
                                            "Asia/Kolkata"};
    for (int i = 0; i < count; ++i) {
      const bool admin = Chance(rng, 0.3);
      std::optional<std::vector<std::string>> scope;
      if (!admin) scope = std::vector<std::string>{Pick(rng, merchants_)};
      bool eligible = false, ordered = false;
      std::string sql = RandomQuery(rng, sessions, admin, &eligible, &ordered);
      std::string zone = Chance(rng, 0.5) ? "UTC" : Pick(rng, zones);
      SCOPED_TRACE(absl::StrCat("query ", i, " scope ", scope ? (*scope)[0] : "admin"));
      Check(scope, sql, eligible, ordered, zone);
      if (::testing::Test::HasFailure()) return;
    }
  }

  static inline SnapshotSource snapshots_;
  static inline int64_t start_ = 0, end_ = 0;
  static inline std::set<std::string> merchants_, events_;
  static inline std::map<std::string, std::set<std::string>> dim_values_;
  static inline int checked_ = 0, eligible_ = 0;
};

}  // namespace strata::query::rollup_test
