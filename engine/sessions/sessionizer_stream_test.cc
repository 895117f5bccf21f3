// Streaming behaviour: merging, lateness, closed vs final, copies.
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "engine/sessions/sessionizer.h"
#include "engine/sessions/sessions_test_util.h"
#include "gtest/gtest.h"

namespace strata::engine {
namespace {

using testing_util::Ev;
using testing_util::Sec;
using testing_util::SortPageviews;
using testing_util::SortSessions;
using testing_util::TestEvent;
using testing_util::View;

constexpr double kMinute = 60;
constexpr double kHour = 3600;

SessionizerOptions Lateness(double seconds) {
  SessionizerOptions o;
  o.allowed_lateness_us = static_cast<int64_t>(seconds * 1e6);
  return o;
}

std::vector<SessionRow> Live(const Sessionizer& s, uint32_t merchant = 0) {
  std::vector<SessionRow> rows;
  s.LiveRows(merchant, &rows, nullptr);
  return rows;
}

TEST(SessionizerStreamTest, WatermarkStartsAtMinAndNothingIsLateBeforeIt) {
  Sessionizer s(Lateness(0));
  EXPECT_EQ(s.watermark(), std::numeric_limits<int64_t>::min());
  s.Add(View(Ev(1, -1e6)));  // very old, still accepted
  EXPECT_EQ(s.late_events(), 0u);
  EXPECT_EQ(s.held_events(), 1u);
  std::vector<SessionRow> final_rows;
  s.Advance(&final_rows, nullptr);
  EXPECT_EQ(s.watermark(), Sec(-1e6));
}

TEST(SessionizerStreamTest, LateEventBridgingTwoHeldSessionsMergesThem) {
  Sessionizer s(Lateness(2 * kHour));
  s.Add(View(Ev(1, 0, "page_view", "/a")));
  s.Add(View(Ev(1, 40 * kMinute, "page_view", "/c")));
  std::vector<SessionRow> final_rows;
  s.Advance(&final_rows, nullptr);
  EXPECT_TRUE(final_rows.empty());
  EXPECT_EQ(s.held_sessions(), 2u);
  ASSERT_EQ(Live(s).size(), 2u);

  s.Add(View(Ev(1, 20 * kMinute, "page_view", "/b")));  // within 30 min of both
  EXPECT_EQ(s.held_sessions(), 1u);
  EXPECT_EQ(s.held_events(), 3u);
  std::vector<SessionRow> live = Live(s);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].start_us, Sec(0));
  EXPECT_EQ(live[0].end_us, Sec(40 * kMinute));
  EXPECT_EQ(live[0].pageviews, 3);
  EXPECT_EQ(live[0].landing_page, "/a");
  EXPECT_EQ(live[0].exit_page, "/c");
}

TEST(SessionizerStreamTest, EarlierEventStartsANewFirstSession) {
  Sessionizer s(Lateness(10 * kHour));
  s.Add(View(Ev(1, 5 * kHour)));
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  s.Add(View(Ev(1, 0)));  // a new, earlier session of the same client
  EXPECT_EQ(s.held_sessions(), 2u);
  // The earlier session must become final on its own deadline, before the later one.
  s.Add(View(Ev(2, 10 * kHour + 31 * kMinute)));
  s.Advance(&out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].start_us, Sec(0));
  EXPECT_EQ(s.held_sessions(), 2u);  // client 1 at 5 h, client 2
}

TEST(SessionizerStreamTest, TooLateEventsAreCountedAndReportedNotSessionized) {
  Sessionizer s(Lateness(1 * kHour));
  s.Add(View(Ev(1, 3 * kHour)));
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  ASSERT_EQ(s.watermark(), Sec(3 * kHour));

  s.Add(View(Ev(2, 2 * kHour)));             // exactly watermark - lateness: allowed
  s.Add(View(Ev(3, 2 * kHour - 0.000001)));  // older: too late
  s.Add(View(Ev(4, 0)));
  EXPECT_EQ(s.late_events(), 2u);
  EXPECT_EQ(s.held_events(), 2u);
  std::vector<LateEvent> late = s.TakeLateEvents();
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0], (LateEvent{0, 3, Sec(2 * kHour - 0.000001)}));
  EXPECT_EQ(late[1], (LateEvent{0, 4, Sec(0)}));
  EXPECT_TRUE(s.TakeLateEvents().empty());
  EXPECT_EQ(s.late_events(), 2u);  // the count stays
  for (const SessionRow& r : Live(s)) EXPECT_NE(r.client, 3u);
}

TEST(SessionizerStreamTest, LatenessIsJudgedAgainstTheWatermarkBeforeTheBatch) {
  Sessionizer s(Lateness(1 * kHour));
  // One batch: the late-looking event is fine because Add does not move the watermark.
  s.Add(View(Ev(1, 5 * kHour)));
  s.Add(View(Ev(2, 0)));
  EXPECT_EQ(s.late_events(), 0u);
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  EXPECT_EQ(s.watermark(), Sec(5 * kHour));
  // Client 2's session ended at 0: final (5h - 1h > 0 + 30 min).
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].client, 2u);
}

TEST(SessionizerStreamTest, ClosedBeforeFinal) {
  Sessionizer s(Lateness(1 * kHour));
  s.Add(View(Ev(1, 0)));
  s.Add(View(Ev(2, 30 * kMinute)));  // watermark = end + timeout: still open
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  EXPECT_TRUE(out.empty());
  std::vector<SessionRow> live = Live(s);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_TRUE(live[0].is_open);

  s.Add(View(Ev(2, 30 * kMinute + 0.000001)));  // now past end + timeout: closed
  s.Advance(&out, nullptr);
  EXPECT_TRUE(out.empty());  // but not final: a late event could still join it
  live = Live(s);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].client, 1u);
  EXPECT_FALSE(live[0].is_open);
  EXPECT_TRUE(live[1].is_open);

  s.Add(View(Ev(2, 90 * kMinute)));  // watermark - lateness = end + timeout: not final yet
  s.Advance(&out, nullptr);
  EXPECT_TRUE(out.empty());
  s.Add(View(Ev(2, 90 * kMinute + 0.000001)));
  s.Advance(&out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].client, 1u);
  EXPECT_FALSE(out[0].is_open);
  EXPECT_EQ(s.held_sessions(), 2u);  // client 2: [30 min, +1 us] and [90 min, +1 us]
  EXPECT_EQ(s.held_events(), 4u);
}

TEST(SessionizerStreamTest, AdvanceOutputIsSortedWithItsPageviews) {
  Sessionizer s(Lateness(0));
  std::vector<TestEvent> events;
  for (uint32_t m : {2u, 0u, 1u}) {
    for (uint32_t c : {5u, 3u, 9u}) {
      TestEvent t = Ev(c, 100 - c, "page_view", "/" + std::to_string(c));
      t.merchant = m;
      s.Add(View(t));
    }
  }
  s.Add(View(Ev(1, 10 * kHour)));
  std::vector<SessionRow> out;
  std::vector<PageviewRow> views;
  s.Advance(&out, &views);
  ASSERT_EQ(out.size(), 9u);
  ASSERT_EQ(views.size(), 9u);
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(out[i - 1].merchant, out[i].merchant);
      if (out[i - 1].merchant == out[i].merchant) {
        EXPECT_LT(out[i - 1].start_us, out[i].start_us);
      }
    }
    EXPECT_EQ(views[i].session_id, out[i].session_id);
  }
}

TEST(SessionizerStreamTest, WatermarkNeverGoesBack) {
  Sessionizer s(Lateness(10 * kHour));
  std::vector<SessionRow> out;
  s.Add(View(Ev(1, 5 * kHour)));
  s.Advance(&out, nullptr);
  s.Add(View(Ev(1, 1 * kHour)));
  s.Advance(&out, nullptr);
  EXPECT_EQ(s.watermark(), Sec(5 * kHour));
}

// Random traffic for the partition and copy tests: `clients` clients of `merchants`
// merchants, events at random times over `hours` hours.
std::vector<TestEvent> RandomEvents(uint32_t merchants, uint32_t clients, int count, double hours,
                                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> merchant(0, merchants - 1), client(0, clients - 1);
  std::uniform_real_distribution<double> at(0, hours * kHour);
  const char* kinds[] = {"page_view", "page_view", "scroll", "purchase", "app_open"};
  std::vector<TestEvent> events;
  for (int i = 0; i < count; ++i) {
    TestEvent t =
        Ev(client(rng), std::floor(at(rng)), kinds[rng() % 5], "/p" + std::to_string(rng() % 7));
    t.merchant = merchant(rng);
    t.e.value = 1.0 * (rng() % 100);
    events.push_back(std::move(t));
  }
  return events;
}

TEST(SessionizerStreamTest, FinalAndLiveRowsPartitionTheSessions) {
  std::vector<TestEvent> events = RandomEvents(3, 40, 3000, 12, 7);
  std::sort(events.begin(), events.end(),
            [](const TestEvent& a, const TestEvent& b) { return a.e.ts_us < b.e.ts_us; });
  // All at once, never advanced: every session is live.
  Sessionizer whole(Lateness(1 * kHour));
  for (const TestEvent& e : events) whole.Add(View(e));
  testing_util::Produced expected;
  testing_util::DrainLive(whole, 3, &expected);

  // In time order, 100 per batch, advancing after each: final rows + live rows at the end.
  Sessionizer s(Lateness(1 * kHour));
  testing_util::Produced got;
  size_t finals = 0;
  for (size_t i = 0; i < events.size(); i += 100) {
    for (size_t j = i; j < std::min(events.size(), i + 100); ++j) s.Add(View(events[j]));
    s.Advance(&got.sessions, &got.pageviews);
    finals = got.sessions.size();
  }
  EXPECT_GT(finals, 0u);
  EXPECT_EQ(s.late_events(), 0u);
  testing_util::DrainLive(s, 3, &got);
  EXPECT_LT(finals, got.sessions.size());
  SortSessions(&expected.sessions);
  SortSessions(&got.sessions);
  SortPageviews(&expected.pageviews);
  SortPageviews(&got.pageviews);
  EXPECT_EQ(got.sessions, expected.sessions);
  EXPECT_EQ(got.pageviews, expected.pageviews);
}

TEST(SessionizerStreamTest, CopyMerchantIsCopyOnWrite) {
  std::vector<TestEvent> events = RandomEvents(2, 10, 200, 2, 11);
  Sessionizer s(Lateness(8 * kHour));
  for (const TestEvent& e : events) s.Add(View(e));
  const std::vector<SessionRow> before0 = Live(s, 0);
  const std::vector<SessionRow> before1 = Live(s, 1);

  Sessionizer copy = s.CopyMerchant(0);
  EXPECT_EQ(copy.watermark(), s.watermark());
  EXPECT_EQ(Live(copy, 0), before0);
  EXPECT_TRUE(Live(copy, 1).empty());  // only the merchant's state

  // Writes to the copy do not reach the original, and the other way round.
  copy.Add(View(Ev(99, 0)));
  EXPECT_EQ(Live(s, 0), before0);
  EXPECT_EQ(Live(copy, 0).size(), before0.size() + 1);
  const std::vector<SessionRow> copy_rows = Live(copy, 0);
  TestEvent other = Ev(98, 0);
  s.Add(View(other));
  other.merchant = 1;
  s.Add(View(other));
  EXPECT_EQ(Live(copy, 0), copy_rows);
  EXPECT_EQ(Live(s, 1).size(), before1.size() + 1);

  // Advancing the original (which removes final sessions) leaves a full copy intact.
  Sessionizer full = s;
  const std::vector<SessionRow> full_rows = Live(full, 0);
  s.Add(View(Ev(1, 100 * kHour)));
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(Live(full, 0), full_rows);
  EXPECT_EQ(full.held_events(), events.size() + 2);
}

TEST(SessionizerStreamTest, WritesToASharedClientCopyItFirst) {
  Sessionizer s(Lateness(8 * kHour));
  for (int i = 0; i < 20; ++i) s.Add(View(Ev(1, i * 10, "page_view", "/" + std::to_string(i))));
  const Sessionizer published = s;
  const std::vector<SessionRow> before = Live(published);
  ASSERT_EQ(before.size(), 1u);

  s.Add(View(Ev(1, 500, "page_view", "/later")));  // same client, same session
  s.Add(View(Ev(1, -5, "scroll")));                // inserted in front
  EXPECT_EQ(Live(published), before);
  EXPECT_EQ(Live(s).at(0).events, 22);

  Sessionizer copy = published;  // a copy of a copy shares too
  copy.Add(View(Ev(1, 200, "purchase")));
  EXPECT_EQ(Live(published), before);
  EXPECT_TRUE(Live(copy).at(0).converted);
  EXPECT_FALSE(Live(s).at(0).converted);

  // Finalizing in one copy removes events only there.
  s.Add(View(Ev(2, 20 * kHour)));
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].events, 22);
  EXPECT_EQ(Live(published), before);
  EXPECT_EQ(Live(copy).at(0).events, 21);
}

// The engine's pattern: one thread writes and publishes copies, readers derive live rows
// from the published copies and drop them on their own threads.
TEST(SessionizerStreamTest, PublishedCopiesAreReadConcurrently) {
  std::vector<TestEvent> events = RandomEvents(4, 200, 20000, 48, 3);
  std::sort(events.begin(), events.end(),
            [](const TestEvent& a, const TestEvent& b) { return a.e.ts_us < b.e.ts_us; });
  struct Published {
    std::shared_ptr<const Sessionizer> s;
    std::vector<SessionRow> expected;  // merchant 0's live rows at publish time
  };
  std::mutex mu;
  std::vector<Published> published;
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  auto reader = [&] {
    std::mt19937_64 rng(std::hash<std::thread::id>()(std::this_thread::get_id()));
    while (!done.load()) {
      Published p;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (published.empty()) continue;
        p = published[rng() % published.size()];
      }
      Sessionizer live = p.s->CopyMerchant(0);
      live.Add(View(Ev(7777, 1e6)));  // writes to the copy only
      EXPECT_EQ(Live(*p.s), p.expected);
      checked.fetch_add(1);
    }
  };
  std::thread r1(reader), r2(reader);
  Sessionizer s(Lateness(1 * kHour));
  std::vector<SessionRow> out;
  for (size_t i = 0; i < events.size(); i += 500) {
    for (size_t j = i; j < std::min(events.size(), i + 500); ++j) s.Add(View(events[j]));
    s.Advance(&out, nullptr);
    auto copy = std::make_shared<const Sessionizer>(s);
    Published p{copy, Live(*copy)};
    std::lock_guard<std::mutex> lock(mu);
    if (published.size() == 4) published.erase(published.begin());  // dropped by readers later
    published.push_back(std::move(p));
  }
  while (checked.load() < 50) std::this_thread::yield();
  done = true;
  r1.join();
  r2.join();
}

TEST(SessionizerStreamTest, ATimeoutChangeAppliesFromTheNextAdvance) {
  auto settings = std::make_shared<MerchantSettings>();
  auto current = std::make_shared<std::shared_ptr<const MerchantSettings>>(settings);
  SessionizerOptions o = Lateness(10 * kHour);
  o.settings = [current](uint32_t) { return *current; };
  Sessionizer s(o);
  s.Add(View(Ev(1, 0)));
  s.Add(View(Ev(1, 10 * kMinute)));
  std::vector<SessionRow> out;
  s.Advance(&out, nullptr);
  EXPECT_EQ(s.held_sessions(), 1u);

  auto shorter = std::make_shared<MerchantSettings>();
  shorter->session_timeout_us = 5 * kMicrosPerMinute;
  *current = shorter;
  s.Add(View(Ev(2, 0)));
  s.Advance(&out, nullptr);
  EXPECT_EQ(s.held_sessions(), 3u);  // client 1's events are now two sessions
  EXPECT_EQ(Live(s).size(), 3u);
}

}  // namespace
}  // namespace strata::engine
