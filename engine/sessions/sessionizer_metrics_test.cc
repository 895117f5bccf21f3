// The metric definitions of session_rows.h, one by one.
#include <cmath>
#include <limits>

#include "engine/sessions/sessionizer.h"
#include "engine/sessions/sessionizer_state.h"
#include "engine/sessions/sessions_test_util.h"
#include "gtest/gtest.h"

namespace strata::engine {
namespace {

using testing_util::Ev;
using testing_util::Sec;
using testing_util::TestEvent;
using testing_util::View;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Rows {
  std::vector<SessionRow> sessions;
  std::vector<PageviewRow> pageviews;
};

// Adds `events` in order and returns every session of merchants 0 and 1 (held ones).
Rows Sessionize(const std::vector<TestEvent>& events, SessionizerOptions options = {}) {
  Sessionizer s(std::move(options));
  for (const TestEvent& e : events) s.Add(View(e));
  Rows rows;
  for (uint32_t m = 0; m < 2; ++m) s.LiveRows(m, &rows.sessions, &rows.pageviews);
  return rows;
}

TestEvent With(TestEvent t, void (*edit)(Event*)) {
  edit(&t.e);
  return t;
}

TEST(SessionMetricsTest, SinglePageViewBounces) {
  Rows r = Sessionize({Ev(1, 0, "page_view", "/home")});
  ASSERT_EQ(r.sessions.size(), 1u);
  const SessionRow& s = r.sessions[0];
  EXPECT_TRUE(s.bounced);
  EXPECT_FALSE(s.engaged);
  EXPECT_FALSE(s.converted);
  EXPECT_EQ(s.events, 1);
  EXPECT_EQ(s.pageviews, 1);
  EXPECT_EQ(s.duration_us, 0);
  EXPECT_EQ(s.start_us, Sec(0));
  EXPECT_EQ(s.end_us, Sec(0));
  EXPECT_EQ(s.landing_page, "/home");
  EXPECT_EQ(s.exit_page, "/home");
  EXPECT_EQ(s.client_id, "c1");
  EXPECT_EQ(s.client, 1u);
  EXPECT_EQ(s.revenue, 0);
  EXPECT_TRUE(s.is_open);
  ASSERT_EQ(r.pageviews.size(), 1u);
  EXPECT_EQ(r.pageviews[0].time_on_page_us, -1);  // no later event: NULL
  EXPECT_TRUE(r.pageviews[0].is_exit);
  EXPECT_EQ(r.pageviews[0].session_id, s.session_id);
}

TEST(SessionMetricsTest, SingleAppOpenBounces) {
  Rows r = Sessionize({Ev(1, 0, "app_open")});
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_TRUE(r.sessions[0].bounced);
  EXPECT_EQ(r.sessions[0].pageviews, 0);
  EXPECT_EQ(r.sessions[0].landing_page, "");
  EXPECT_EQ(r.sessions[0].exit_page, "");
  EXPECT_TRUE(r.pageviews.empty());
}

TEST(SessionMetricsTest, SingleOtherEventDoesNotBounce) {
  Rows r = Sessionize({Ev(1, 0, "scroll", "/home")});
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_FALSE(r.sessions[0].bounced);
  EXPECT_EQ(r.sessions[0].landing_page, "");  // only page_views land
}

TEST(SessionMetricsTest, TwoEventsDoNotBounce) {
  Rows r = Sessionize({Ev(1, 0, "page_view", "/a"), Ev(1, 5, "scroll", "/a")});
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_FALSE(r.sessions[0].bounced);
  EXPECT_FALSE(r.sessions[0].engaged);  // 5 s, one page_view, no conversion
  EXPECT_EQ(r.sessions[0].duration_us, 5 * kMicrosPerSecond);
  EXPECT_EQ(r.sessions[0].events, 2);
}

TEST(SessionMetricsTest, EngagedByTenSeconds) {
  Rows exactly = Sessionize({Ev(1, 0, "page_view", "/a"), Ev(1, 10, "scroll")});
  EXPECT_TRUE(exactly.sessions.at(0).engaged);
  Rows shorter = Sessionize({Ev(1, 0, "page_view", "/a"), Ev(1, 9.999999, "scroll")});
  EXPECT_FALSE(shorter.sessions.at(0).engaged);
}

TEST(SessionMetricsTest, EngagedByTwoPageViews) {
  Rows r = Sessionize({Ev(1, 0, "page_view", "/a"), Ev(1, 1, "page_view", "/b")});
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_TRUE(r.sessions[0].engaged);
  EXPECT_EQ(r.sessions[0].pageviews, 2);
  EXPECT_EQ(r.sessions[0].landing_page, "/a");
  EXPECT_EQ(r.sessions[0].exit_page, "/b");
}

TEST(SessionMetricsTest, EngagedByConversionWithRevenue) {
  TestEvent buy = Ev(1, 1, "purchase");
  buy.e.value = 59.5;
  Rows r = Sessionize({Ev(1, 0, "page_view", "/a"), buy});
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_TRUE(r.sessions[0].converted);
  EXPECT_TRUE(r.sessions[0].engaged);
  EXPECT_DOUBLE_EQ(r.sessions[0].revenue, 59.5);
}

TEST(SessionMetricsTest, RevenueSumsConversionValuesSkippingNaN) {
  std::vector<TestEvent> events = {Ev(1, 0, "purchase"), Ev(1, 1, "purchase"), Ev(1, 2, "purchase"),
                                   Ev(1, 3, "add_to_cart")};
  events[0].e.value = 25.5;
  events[1].e.value = kNaN;
  events[2].e.value = 10;
  events[3].e.value = 99;  // not a conversion event
  Rows r = Sessionize(events);
  ASSERT_EQ(r.sessions.size(), 1u);
  EXPECT_DOUBLE_EQ(r.sessions[0].revenue, 35.5);
  EXPECT_TRUE(r.sessions[0].converted);
}

TEST(SessionMetricsTest, NoConversionMeansZeroRevenue) {
  TestEvent cart = Ev(1, 0, "add_to_cart");
  cart.e.value = 12;
  Rows r = Sessionize({cart});
  EXPECT_FALSE(r.sessions.at(0).converted);
  EXPECT_EQ(r.sessions.at(0).revenue, 0);
}

TEST(SessionMetricsTest, TimeOnPageAndExit) {
  Rows r = Sessionize({Ev(1, 0, "page_view", "/a"), Ev(1, 5, "scroll", "/a"),
                       Ev(1, 20, "page_view", "/b"), Ev(1, 50, "click", "/b")});
  ASSERT_EQ(r.pageviews.size(), 2u);
  EXPECT_EQ(r.pageviews[0].page, "/a");
  EXPECT_EQ(r.pageviews[0].time_on_page_us, 5 * kMicrosPerSecond);  // until the scroll
  EXPECT_FALSE(r.pageviews[0].is_exit);
  EXPECT_EQ(r.pageviews[1].page, "/b");
  // The last page_view has a later event (the click): its time counts.
  EXPECT_EQ(r.pageviews[1].time_on_page_us, 30 * kMicrosPerSecond);
  EXPECT_TRUE(r.pageviews[1].is_exit);
  EXPECT_EQ(r.sessions.at(0).exit_page, "/b");
}

TEST(SessionMetricsTest, LastPageViewAsLastEventHasNoTime) {
  Rows r = Sessionize(
      {Ev(1, 0, "page_view", "/a"), Ev(1, 8, "page_view", "/b"), Ev(1, 9, "page_view", "/c")});
  ASSERT_EQ(r.pageviews.size(), 3u);
  EXPECT_EQ(r.pageviews[0].time_on_page_us, 8 * kMicrosPerSecond);
  EXPECT_EQ(r.pageviews[1].time_on_page_us, 1 * kMicrosPerSecond);
  EXPECT_EQ(r.pageviews[2].time_on_page_us, -1);
  EXPECT_FALSE(r.pageviews[0].is_exit);
  EXPECT_FALSE(r.pageviews[1].is_exit);
  EXPECT_TRUE(r.pageviews[2].is_exit);
}

TEST(SessionMetricsTest, LandingAndExitSkipOtherEvents) {
  Rows r = Sessionize({Ev(1, 0, "app_open"), Ev(1, 1, "page_view", "/a"),
                       Ev(1, 2, "page_view", "/b"), Ev(1, 3, "scroll", "/z")});
  EXPECT_EQ(r.sessions.at(0).landing_page, "/a");
  EXPECT_EQ(r.sessions.at(0).exit_page, "/b");
}

TEST(SessionMetricsTest, AttributesAreFirstNonEmptyInEventOrder) {
  std::vector<TestEvent> events = {
      With(Ev(1, 0, "page_view", "/a"),
           [](Event* e) {
             e->device = "mobile";
             e->os = "iOS";
             e->browser = "Safari";
           }),
      With(Ev(1, 1, "page_view", "/b"),
           [](Event* e) {
             e->referrer = "https://google.com/";
             e->utm_source = "google";
             e->utm_medium = "cpc";
             e->utm_campaign = "bf";
             e->country = "DE";
             e->user_id = "user_1";
             e->device = "desktop";
           }),
      With(Ev(1, 2, "scroll"),
           [](Event* e) {
             e->referrer = "https://bing.com/";
             e->country = "FR";
             e->session_id = "1793491202";
           }),
  };
  for (bool reversed : {false, true}) {
    std::vector<TestEvent> in = events;
    if (reversed) std::reverse(in.begin(), in.end());
    Rows r = Sessionize(in);
    ASSERT_EQ(r.sessions.size(), 1u);
    const SessionRow& s = r.sessions[0];
    EXPECT_EQ(s.device, "mobile");
    EXPECT_EQ(s.os, "iOS");
    EXPECT_EQ(s.browser, "Safari");
    EXPECT_EQ(s.referrer, "https://google.com/");
    EXPECT_EQ(s.utm_source, "google");
    EXPECT_EQ(s.utm_medium, "cpc");
    EXPECT_EQ(s.utm_campaign, "bf");
    EXPECT_EQ(s.country, "DE");
    EXPECT_EQ(s.user_id, "user_1");
    EXPECT_EQ(s.client_session_id, "1793491202");  // kept from the client
    // Pageviews carry their own event's referrer, device and country.
    ASSERT_EQ(r.pageviews.size(), 2u);
    EXPECT_EQ(r.pageviews[0].referrer, "");
    EXPECT_EQ(r.pageviews[0].device, "mobile");
    EXPECT_EQ(r.pageviews[0].country, "");
    EXPECT_EQ(r.pageviews[1].referrer, "https://google.com/");
    EXPECT_EQ(r.pageviews[1].device, "desktop");
    EXPECT_EQ(r.pageviews[1].country, "DE");
  }
}

TEST(SessionMetricsTest, TitleIsKeptForPageViews) {
  TestEvent pv = Ev(1, 0, "page_view", "/p");
  pv.e.title = "Classic Linen Scarf | Coastal Studio";
  Rows r = Sessionize({pv});
  ASSERT_EQ(r.pageviews.size(), 1u);
  EXPECT_EQ(r.pageviews[0].title, "Classic Linen Scarf | Coastal Studio");
  EXPECT_EQ(r.pageviews[0].client_id, "c1");
  EXPECT_EQ(r.pageviews[0].ts_us, Sec(0));
}

TEST(SessionMetricsTest, GapAboveTimeoutSplits) {
  const double timeout = 30 * 60;
  Rows joined = Sessionize({Ev(1, 0), Ev(1, timeout)});
  EXPECT_EQ(joined.sessions.size(), 1u);  // a gap of exactly the timeout joins
  Rows split = Sessionize({Ev(1, 0), Ev(1, timeout + 0.000001)});
  ASSERT_EQ(split.sessions.size(), 2u);
  EXPECT_NE(split.sessions[0].session_id, split.sessions[1].session_id);
  EXPECT_LT(split.sessions[0].start_us, split.sessions[1].start_us);
}

TEST(SessionMetricsTest, ClientsAreSeparate) {
  Rows r = Sessionize({Ev(1, 0), Ev(2, 1), Ev(1, 2)});
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.sessions[0].client_id, "c1");
  EXPECT_EQ(r.sessions[0].events, 2);
  EXPECT_EQ(r.sessions[1].client_id, "c2");
}

TEST(SessionMetricsTest, SessionIdIsAStableHashOfClientAndStart) {
  Rows a = Sessionize({Ev(1, 0), Ev(1, 3)});
  Rows b = Sessionize({Ev(1, 3), Ev(1, 0)});
  const std::string& id = a.sessions.at(0).session_id;
  ASSERT_EQ(id.size(), 16u);
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  EXPECT_EQ(id, b.sessions.at(0).session_id);
  EXPECT_EQ(id, sessionizer_internal::SessionId("c1", Sec(0)));
  EXPECT_NE(id, sessionizer_internal::SessionId("c2", Sec(0)));
  EXPECT_NE(id, sessionizer_internal::SessionId("c1", Sec(1)));
}

TEST(SessionMetricsTest, EqualTimestampsOrderByContentNotArrival) {
  TestEvent x = Ev(1, 0, "page_view", "/x");
  TestEvent y = Ev(1, 0, "page_view", "/y");
  x.e.utm_source = "x-source";
  y.e.utm_source = "y-source";
  Rows a = Sessionize({x, y});
  Rows b = Sessionize({y, x});
  ASSERT_EQ(a.sessions.size(), 1u);
  EXPECT_EQ(a.sessions, b.sessions);
  EXPECT_EQ(a.pageviews, b.pageviews);
  EXPECT_EQ(a.pageviews.at(0).time_on_page_us, 0);  // the next event has the same ts
}

TEST(SessionMetricsTest, PerMerchantTimeoutAndConversionEvents) {
  auto strict = std::make_shared<MerchantSettings>();
  strict->session_timeout_us = 5 * kMicrosPerMinute;
  strict->conversion_events = {"signup", "trial"};
  SessionizerOptions options;
  options.settings = [strict](uint32_t merchant) -> std::shared_ptr<const MerchantSettings> {
    if (merchant == 1) return strict;
    return nullptr;  // defaults
  };
  std::vector<TestEvent> events;
  for (uint32_t m : {0u, 1u}) {
    for (TestEvent t :
         {Ev(1, 0, "page_view", "/a"), Ev(1, 600, "signup"), Ev(1, 660, "purchase")}) {
      t.merchant = m;
      events.push_back(t);
    }
  }
  Rows r = Sessionize(events, options);
  ASSERT_EQ(r.sessions.size(), 3u);
  // Merchant 0: one session (10 min gap < 30 min), "purchase" converts, "signup" does not.
  EXPECT_EQ(r.sessions[0].merchant, 0u);
  EXPECT_EQ(r.sessions[0].events, 3);
  EXPECT_TRUE(r.sessions[0].converted);
  // Merchant 1: the 10 min gap splits; "signup" converts, "purchase" does not.
  EXPECT_EQ(r.sessions[1].merchant, 1u);
  EXPECT_EQ(r.sessions[1].events, 1);
  EXPECT_FALSE(r.sessions[1].converted);
  EXPECT_TRUE(r.sessions[1].bounced);
  EXPECT_EQ(r.sessions[2].merchant, 1u);
  EXPECT_EQ(r.sessions[2].events, 2);
  EXPECT_TRUE(r.sessions[2].converted);
  EXPECT_TRUE(r.sessions[2].engaged);
}

}  // namespace
}  // namespace strata::engine
