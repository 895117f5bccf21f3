// The sessionizer against an independent, straightforward reference on generator traffic,
// for several arrival orders and batchings.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/sessions/sessionizer.h"
#include "engine/sessions/sessionizer_state.h"
#include "engine/sessions/sessions_test_util.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

using testing_util::Produced;
using testing_util::TestEvent;
using testing_util::View;

constexpr int64_t kTimeout = 30 * kMicrosPerMinute;

const std::string& FirstNonEmpty(const std::vector<const Event*>& s, std::string Event::*field) {
  static const std::string kEmpty;
  for (const Event* e : s)
    if (!(e->*field).empty()) return e->*field;
  return kEmpty;
}

uint64_t ContentHash(uint32_t merchant, uint32_t client, const Event& e) {
  testing_util::TestEvent t;
  t.merchant = merchant;
  t.client = client;
  t.e = e;
  const SessionEvent view = View(t);
  const sessionizer_internal::RecordPlan plan = sessionizer_internal::PlanRecord(view);
  std::string record(plan.size, '\0');
  sessionizer_internal::WriteRecord(plan, record.data());
  return sessionizer_internal::Hash64(record.data(), record.size(), 0);
}

// Sessions by the book: group by (merchant, client), sort by ts, split at gaps over 30
// minutes, and compute every metric directly from its definition.
Produced Reference(const std::vector<TestEvent>& events) {
  std::map<std::pair<uint32_t, uint32_t>, std::vector<const Event*>> by_client;
  for (const TestEvent& t : events) by_client[{t.merchant, t.client}].push_back(&t.e);
  Produced out;
  for (auto& [key, list] : by_client) {
    // Equal times of one client (the generator squeezes the last hour's sessions against
    // the end) are ordered by the content hash, as session_rows.h defines.
    std::vector<std::pair<uint64_t, const Event*>> keyed;
    for (const Event* e : list) keyed.emplace_back(ContentHash(key.first, key.second, *e), e);
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return a.second->ts_us != b.second->ts_us ? a.second->ts_us < b.second->ts_us
                                                : a.first < b.first;
    });
    for (size_t i = 0; i < list.size(); ++i) list[i] = keyed[i].second;
    size_t begin = 0;
    while (begin < list.size()) {
      size_t end = begin + 1;
      while (end < list.size() && list[end]->ts_us - list[end - 1]->ts_us <= kTimeout) ++end;
      std::vector<const Event*> s(list.begin() + begin, list.begin() + end);
      begin = end;

      SessionRow r;
      r.merchant = key.first;
      r.client = key.second;
      r.client_id = s[0]->client_id;
      r.start_us = s.front()->ts_us;
      r.end_us = s.back()->ts_us;
      r.duration_us = r.end_us - r.start_us;
      r.events = static_cast<int64_t>(s.size());
      r.session_id = sessionizer_internal::SessionId(r.client_id, r.start_us);
      std::vector<const Event*> views;
      for (const Event* e : s) {
        if (e->event == "page_view") views.push_back(e);
        if (e->event == "purchase") {
          r.converted = true;
          if (!std::isnan(e->value)) r.revenue += e->value;
        }
      }
      r.pageviews = static_cast<int64_t>(views.size());
      if (!views.empty()) {
        r.landing_page = views.front()->page;
        r.exit_page = views.back()->page;
      }
      r.bounced = s.size() == 1 && (s[0]->event == "page_view" || s[0]->event == "app_open");
      r.engaged = r.duration_us >= 10 * kMicrosPerSecond || views.size() >= 2 || r.converted;
      r.user_id = FirstNonEmpty(s, &Event::user_id);
      r.client_session_id = FirstNonEmpty(s, &Event::session_id);
      r.referrer = FirstNonEmpty(s, &Event::referrer);
      r.utm_source = FirstNonEmpty(s, &Event::utm_source);
      r.utm_medium = FirstNonEmpty(s, &Event::utm_medium);
      r.utm_campaign = FirstNonEmpty(s, &Event::utm_campaign);
      r.device = FirstNonEmpty(s, &Event::device);
      r.os = FirstNonEmpty(s, &Event::os);
      r.browser = FirstNonEmpty(s, &Event::browser);
      r.country = FirstNonEmpty(s, &Event::country);
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i]->event != "page_view") continue;
        PageviewRow p;
        p.merchant = r.merchant;
        p.ts_us = s[i]->ts_us;
        p.client = r.client;
        p.client_id = r.client_id;
        p.session_id = r.session_id;
        p.page = s[i]->page;
        p.title = s[i]->title;
        p.referrer = s[i]->referrer;
        p.device = s[i]->device;
        p.country = s[i]->country;
        p.time_on_page_us = i + 1 < s.size() ? s[i + 1]->ts_us - s[i]->ts_us : -1;
        p.is_exit = s[i] == views.back();
        out.pageviews.push_back(std::move(p));
      }
      out.sessions.push_back(std::move(r));
    }
  }
  testing_util::SortSessions(&out.sessions);
  testing_util::SortPageviews(&out.pageviews);
  return out;
}

struct Traffic {
  std::vector<TestEvent> events;  // arrival order
  uint32_t merchants = 0;
  Produced expected;
};

const Traffic& GeneratedTraffic() {
  static const Traffic* traffic = [] {
    ingest::GeneratorOptions g;
    g.events = 200000;
    g.merchants = 50;
    g.days = 3;
    g.seed = 42;
    auto* t = new Traffic;
    testing_util::DenseIds ids;
    for (const Event& e : ingest::Generator::All(g)) t->events.push_back(ids.Make(e));
    t->merchants = ids.merchant_count();
    t->expected = Reference(t->events);
    return t;
  }();
  return *traffic;
}

// Feeds `order` in batches of `batch` (each reversed if asked), advancing after each, and
// returns the final rows plus the live rows left at the end.
Produced Sessionize(const std::vector<const TestEvent*>& order, size_t batch, bool reverse_batches,
                    uint32_t merchants) {
  SessionizerOptions options;
  options.allowed_lateness_us = 8 * kMicrosPerHour;
  Sessionizer s(options);
  Produced out;
  for (size_t i = 0; i < order.size(); i += batch) {
    size_t end = std::min(order.size(), i + batch);
    if (reverse_batches) {
      for (size_t j = end; j-- > i;) s.Add(View(*order[j]));
    } else {
      for (size_t j = i; j < end; ++j) s.Add(View(*order[j]));
    }
    s.Advance(&out.sessions, &out.pageviews);
  }
  EXPECT_EQ(s.late_events(), 0u);
  EXPECT_EQ(s.held_sessions() + out.sessions.size(), GeneratedTraffic().expected.sessions.size());
  testing_util::DrainLive(s, merchants, &out);
  testing_util::SortSessions(&out.sessions);
  testing_util::SortPageviews(&out.pageviews);
  return out;
}

void ExpectSameRows(const Produced& got, const Produced& want) {
  ASSERT_EQ(got.sessions.size(), want.sessions.size());
  for (size_t i = 0; i < want.sessions.size(); ++i)
    ASSERT_EQ(got.sessions[i], want.sessions[i]) << "session " << i;
  ASSERT_EQ(got.pageviews.size(), want.pageviews.size());
  for (size_t i = 0; i < want.pageviews.size(); ++i)
    ASSERT_EQ(got.pageviews[i], want.pageviews[i]) << "pageview " << i;
}

std::vector<const TestEvent*> ArrivalOrder() {
  std::vector<const TestEvent*> order;
  for (const TestEvent& t : GeneratedTraffic().events) order.push_back(&t);
  return order;
}

// Each event moved by up to an hour's worth of arrivals.
std::vector<const TestEvent*> ShuffledWithinAnHour() {
  std::vector<const TestEvent*> arrival = ArrivalOrder();
  const double per_hour = arrival.size() / (3.0 * 24);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> jitter(0, per_hour);
  std::vector<std::pair<double, const TestEvent*>> keyed;
  for (size_t i = 0; i < arrival.size(); ++i) keyed.emplace_back(i + jitter(rng), arrival[i]);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const TestEvent*> order;
  for (const auto& [key, e] : keyed) order.push_back(e);
  return order;
}

TEST(SessionizerReferenceTest, ReferenceIsPlausible) {
  const Traffic& t = GeneratedTraffic();
  EXPECT_EQ(t.merchants, 50u);
  EXPECT_GT(t.expected.sessions.size(), 20000u);
  size_t bounced = 0, converted = 0;
  for (const SessionRow& s : t.expected.sessions) {
    bounced += s.bounced;
    converted += s.converted;
  }
  EXPECT_GT(bounced, t.expected.sessions.size() / 4);
  EXPECT_GT(converted, 0u);
}

TEST(SessionizerReferenceTest, ArrivalOrder) {
  const std::vector<const TestEvent*> order = ArrivalOrder();
  for (size_t batch : {size_t{16}, size_t{1000}, order.size()}) {
    SCOPED_TRACE(batch);
    ExpectSameRows(Sessionize(order, batch, false, GeneratedTraffic().merchants),
                   GeneratedTraffic().expected);
  }
}

TEST(SessionizerReferenceTest, ShuffledWithinAnHour) {
  const std::vector<const TestEvent*> order = ShuffledWithinAnHour();
  for (size_t batch : {size_t{16}, size_t{1000}, order.size()}) {
    SCOPED_TRACE(batch);
    ExpectSameRows(Sessionize(order, batch, false, GeneratedTraffic().merchants),
                   GeneratedTraffic().expected);
  }
}

TEST(SessionizerReferenceTest, ReversedWithinEachBatch) {
  const std::vector<const TestEvent*> order = ArrivalOrder();
  for (size_t batch : {size_t{1000}, size_t{50000}, order.size()}) {
    SCOPED_TRACE(batch);
    ExpectSameRows(Sessionize(order, batch, true, GeneratedTraffic().merchants),
                   GeneratedTraffic().expected);
  }
}

// The generator names its app sessions (session_id = the session's start in epoch
// seconds): the sessionizer must find exactly those sessions.
TEST(SessionizerReferenceTest, AppSessionsMatchTheGeneratorsSessionIds) {
  const Traffic& t = GeneratedTraffic();
  Produced got = Sessionize(ArrivalOrder(), 1000, false, t.merchants);
  // Every event of an app session carries its id: count them per (merchant, client, id).
  absl::flat_hash_map<std::string, int64_t> events_per_app_session;
  for (const TestEvent& e : t.events) {
    if (e.e.session_id.empty()) continue;
    events_per_app_session[absl::StrCat(e.merchant, "/", e.e.client_id, "/", e.e.session_id)]++;
  }
  ASSERT_FALSE(events_per_app_session.empty());
  size_t app_sessions = 0;
  for (const SessionRow& s : got.sessions) {
    if (s.client_session_id.empty()) continue;
    ++app_sessions;
    EXPECT_EQ(s.client_session_id, std::to_string(s.start_us / kMicrosPerSecond));
    auto it = events_per_app_session.find(
        absl::StrCat(s.merchant, "/", s.client_id, "/", s.client_session_id));
    ASSERT_NE(it, events_per_app_session.end());
    EXPECT_EQ(it->second, s.events) << s.client_id << " " << s.client_session_id;
  }
  EXPECT_EQ(app_sessions, events_per_app_session.size());
}

}  // namespace
}  // namespace strata::engine
