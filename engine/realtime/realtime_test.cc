#include "engine/realtime/realtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace strata::engine {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kT0 = 1'750'000'000LL * kSecond;  // an arbitrary June 2025 instant

std::vector<int64_t> Users(const RealtimeSummary& s) {
  std::vector<int64_t> users;
  for (const RealtimeWindow& w : s.windows) users.push_back(w.active_users);
  return users;
}

std::vector<std::pair<std::string, int64_t>> Pairs(const std::vector<RealtimeCount>& counts) {
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (const RealtimeCount& c : counts) pairs.emplace_back(c.key, c.viewers);
  return pairs;
}

using Expected = std::vector<std::pair<std::string, int64_t>>;

TEST(RealtimeTest, EmptyMerchantHasThreeZeroWindows) {
  RealtimeTracker t;
  RealtimeSummary s = t.Summarize(7, kT0, 10);
  EXPECT_EQ(s.merchant, 7u);
  ASSERT_EQ(s.windows.size(), 3u);
  EXPECT_EQ(s.windows[0].window_us, 60 * kSecond);
  EXPECT_EQ(s.windows[1].window_us, 300 * kSecond);
  EXPECT_EQ(s.windows[2].window_us, 1800 * kSecond);
  EXPECT_EQ(Users(s), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(t.clients(), 0u);
  EXPECT_TRUE(t.Merchants().empty());
}

TEST(RealtimeTest, WindowsExcludeTheirLowerBoundAndIncludeNow) {
  RealtimeTracker t;
  const int64_t now = kT0;
  t.Observe(1, 1, now, "click", "", "");                     // all windows
  t.Observe(1, 2, now - kMinute + 1, "click", "", "");       // all windows
  t.Observe(1, 3, now - kMinute, "click", "", "");           // 5m and 30m only
  t.Observe(1, 4, now - 5 * kMinute, "click", "", "");       // 30m only
  t.Observe(1, 5, now - 30 * kMinute + 1, "click", "", "");  // 30m only
  t.Observe(1, 6, now + 1, "click", "", "");                 // after now: in no window
  EXPECT_EQ(Users(t.Summarize(1, now, 0)), (std::vector<int64_t>{2, 3, 5}));
  // One microsecond later client 6 is in every window, and each window's bound reaches the
  // client that was just inside it: 2 leaves 1m, 4 joins 5m, 5 leaves 30m.
  EXPECT_EQ(Users(t.Summarize(1, now + 1, 0)), (std::vector<int64_t>{2, 4, 5}));
  EXPECT_EQ(t.clients(), 6u);
}

TEST(RealtimeTest, ClientCountsOnlyOnItsLatestPage) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0 - 10 * kSecond, "page_view", "/a", "");
  t.Observe(1, 2, kT0 - 10 * kSecond, "page_view", "/a", "");
  t.Observe(1, 1, kT0 - 5 * kSecond, "page_view", "/b", "");
  // Not page views: they keep client 1 active but do not move it off /b.
  t.Observe(1, 1, kT0 - 2 * kSecond, "click", "/c", "");
  RealtimeSummary s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/a", 1}, {"/b", 1}}));
  EXPECT_EQ(s.windows[0].active_users, 2);
  // Client 2 moves to /b too.
  t.Observe(1, 2, kT0 - 1 * kSecond, "page_view", "/b", "");
  s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/b", 2}}));
  EXPECT_EQ(Pairs(s.windows[2].pages), (Expected{{"/b", 2}}));
}

TEST(RealtimeTest, PageViewWindowIsItsOwnTimeNotTheClientsLatestEvent) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0 - 3 * kMinute, "page_view", "/a", "");
  t.Observe(1, 1, kT0 - 10 * kSecond, "scroll", "/a", "");
  RealtimeSummary s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(s.windows[0].active_users, 1);
  EXPECT_TRUE(s.windows[0].pages.empty());
  EXPECT_EQ(Pairs(s.windows[1].pages), (Expected{{"/a", 1}}));
  // A client whose latest event is after `now` is not active, but its page view before
  // `now` still counts for that page.
  t.Observe(1, 2, kT0 - 20 * kSecond, "page_view", "/b", "");
  t.Observe(1, 2, kT0 + 20 * kSecond, "scroll", "/b", "");
  s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(s.windows[0].active_users, 1);
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/b", 1}}));
}

TEST(RealtimeTest, OutOfOrderEventsDoNotMoveAClientBack) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0, "page_view", "/new", "sku-new");
  t.Observe(1, 1, kT0 - 2 * kMinute, "page_view", "/old", "sku-old");
  RealtimeSummary s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(s.windows[0].active_users, 1);
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/new", 1}}));
  EXPECT_EQ(Pairs(s.windows[2].pages), (Expected{{"/new", 1}}));
  EXPECT_EQ(Pairs(s.windows[2].items), (Expected{{"sku-new", 1}}));
  // Equal times: the event committed last wins.
  t.Observe(1, 1, kT0, "page_view", "/same-time", "");
  s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/same-time", 1}}));
}

TEST(RealtimeTest, EventsOlderThanTheHorizonOfTheNewestAreIgnored) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0, "click", "", "");
  t.Observe(1, 2, kT0 - 30 * kMinute, "click", "", "");  // exactly 30 minutes: ignored
  t.Observe(1, 3, kT0 - 30 * kMinute + 1, "click", "", "");
  EXPECT_EQ(t.clients(), 2u);
  // Another merchant has its own present.
  t.Observe(2, 2, kT0 - 40 * kMinute, "click", "", "");
  EXPECT_EQ(t.clients(), 3u);
  EXPECT_EQ(Users(t.Summarize(2, kT0 - 40 * kMinute, 0)), (std::vector<int64_t>{1, 1, 1}));
}

TEST(RealtimeTest, ExpireDropsOldClientsAndEmptyMerchants) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0 - 20 * kMinute, "page_view", "/a", "x");
  t.Observe(1, 2, kT0, "page_view", "/b", "y");
  t.Observe(2, 1, kT0 - 20 * kMinute, "page_view", "/a", "");
  EXPECT_EQ(t.clients(), 3u);
  // By the newest event time nothing is old yet.
  t.Expire(kT0 - 60 * kMinute);
  EXPECT_EQ(t.clients(), 3u);
  // Wall clock later than the events: 30 minutes before it.
  t.Expire(kT0 + 10 * kMinute);  // cutoff kT0 - 20 min: clients at exactly it go
  EXPECT_EQ(t.clients(), 1u);
  EXPECT_EQ(t.Merchants(), (std::vector<uint32_t>{1}));
  RealtimeSummary s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Users(s), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(Pairs(s.windows[2].pages), (Expected{{"/b", 1}}));
  EXPECT_EQ(Pairs(s.windows[2].items), (Expected{{"y", 1}}));
  t.Expire(kT0 + 31 * kMinute);
  EXPECT_EQ(t.clients(), 0u);
  EXPECT_TRUE(t.Merchants().empty());
  EXPECT_EQ(Users(t.Summarize(1, kT0, 0)), (std::vector<int64_t>{0, 0, 0}));
  // The merchant comes back.
  t.Observe(1, 9, kT0 + 40 * kMinute, "page_view", "/c", "");
  EXPECT_EQ(Pairs(t.Summarize(1, kT0 + 40 * kMinute, 0).windows[0].pages), (Expected{{"/c", 1}}));
}

TEST(RealtimeTest, ObserveExpiresOldClientsWithoutACaller) {
  RealtimeTracker t;
  // 200 new clients a minute for 10 hours, each on its own page: without expiry this would
  // hold 120K clients and pages.
  int64_t ts = kT0;
  uint32_t client = 0;
  for (int minute = 0; minute < 600; ++minute) {
    for (int i = 0; i < 200; ++i) {
      const std::string page = "/p" + std::to_string(client);
      t.Observe(1, client++, ts, "page_view", page, page);
      ts += kMinute / 200;
    }
  }
  // At most 30 minutes of clients plus one expiry period (max(4096, clients) events).
  EXPECT_LE(t.clients(), 2 * 6000u + 4096u);
  EXPECT_GE(t.clients(), 6000u);
  RealtimeSummary s = t.Summarize(1, ts - kMinute / 200, 0);
  EXPECT_EQ(s.windows[2].active_users, 6000);
  EXPECT_EQ(s.windows[2].pages.size(), 6000u);
  EXPECT_EQ(s.windows[0].items.size(), 200u);
  EXPECT_EQ(s.windows[0].pages.front().key, "/p" + std::to_string(client - 200));
}

TEST(RealtimeTest, TopPagesByViewersThenPage) {
  RealtimeTracker t;
  uint32_t client = 0;
  auto views = [&](const std::string& page, int n) {
    for (int i = 0; i < n; ++i) t.Observe(1, client++, kT0, "page_view", page, "");
  };
  views("/d", 2);
  views("/c", 3);
  views("/b", 2);
  views("/a", 1);
  views("/e", 2);
  t.Observe(1, client++, kT0, "page_view", "", "");  // no page: active, not listed
  RealtimeSummary all = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Pairs(all.windows[0].pages),
            (Expected{{"/c", 3}, {"/b", 2}, {"/d", 2}, {"/e", 2}, {"/a", 1}}));
  EXPECT_EQ(all.windows[0].active_users, 11);
  RealtimeSummary top = t.Summarize(1, kT0, 3);
  for (const RealtimeWindow& w : top.windows) {
    EXPECT_EQ(Pairs(w.pages), (Expected{{"/c", 3}, {"/b", 2}, {"/d", 2}}));
  }
  EXPECT_EQ(Pairs(t.Summarize(1, kT0, 5).windows[1].pages), Pairs(all.windows[1].pages));
}

TEST(RealtimeTest, ItemsFollowEachClientsLatestItemEvent) {
  RealtimeTracker t;
  t.Observe(1, 1, kT0 - 4 * kMinute, "view_item", "/p/1", "sku-1");
  t.Observe(1, 1, kT0 - 30 * kSecond, "add_to_cart", "/p/2", "sku-2");
  t.Observe(1, 1, kT0 - 10 * kSecond, "page_view", "/cart", "");  // no item: keeps sku-2
  t.Observe(1, 2, kT0 - 2 * kMinute, "view_item", "/p/1", "sku-1");
  t.Observe(1, 3, kT0 - 20 * kSecond, "view_item", "/p/1", "sku-1");
  RealtimeSummary s = t.Summarize(1, kT0, 0);
  EXPECT_EQ(Pairs(s.windows[0].items), (Expected{{"sku-1", 1}, {"sku-2", 1}}));
  EXPECT_EQ(Pairs(s.windows[1].items), (Expected{{"sku-1", 2}, {"sku-2", 1}}));
  EXPECT_EQ(Pairs(s.windows[0].pages), (Expected{{"/cart", 1}}));
  EXPECT_EQ(Pairs(t.Summarize(1, kT0, 1).windows[2].items), (Expected{{"sku-1", 2}}));
}

TEST(RealtimeTest, TakeChangedMerchantsListsEachObservedMerchantOnce) {
  RealtimeTracker t;
  EXPECT_TRUE(t.TakeChangedMerchants().empty());
  t.Observe(5, 1, kT0, "click", "", "");
  t.Observe(69, 1, kT0, "click", "", "");  // same stripe as 5
  t.Observe(5, 2, kT0, "click", "", "");
  t.Observe(3, 1, kT0, "click", "", "");
  EXPECT_EQ(t.TakeChangedMerchants(), (std::vector<uint32_t>{3, 5, 69}));
  EXPECT_TRUE(t.TakeChangedMerchants().empty());
  t.Observe(69, 1, kT0, "click", "", "");
  EXPECT_EQ(t.TakeChangedMerchants(), (std::vector<uint32_t>{69}));
  // Ignored (too old) events change nothing.
  t.Observe(69, 2, kT0 - 31 * kMinute, "click", "", "");
  EXPECT_TRUE(t.TakeChangedMerchants().empty());
  // Dropped by Expire while listed, then observed again: still listed once.
  t.Observe(3, 1, kT0, "click", "", "");
  t.Expire(kT0 + 31 * kMinute);
  t.Observe(3, 1, kT0 + 31 * kMinute, "click", "", "");
  EXPECT_EQ(t.TakeChangedMerchants(), (std::vector<uint32_t>{3}));
  EXPECT_EQ(t.Merchants(), (std::vector<uint32_t>{3}));
}

TEST(RealtimeTest, ConcurrentObserversAndSummarizer) {
  RealtimeTracker t;
  constexpr int kThreads = 4;
  constexpr uint32_t kMerchants = 16;
  constexpr uint32_t kClientsPerThread = 500;
  constexpr int kRounds = 20;
  const char* pages[] = {"/a", "/b", "/c", "/d"};
  std::atomic<bool> done{false};
  std::atomic<int> bad_summaries{0};
  std::thread summarizer([&] {
    while (!done.load()) {
      for (uint32_t m = 0; m < kMerchants; ++m) {
        RealtimeSummary s = t.Summarize(m, kT0, 2);
        int64_t viewers = 0;
        for (const RealtimeCount& c : s.windows[0].pages) viewers += c.viewers;
        if (s.windows[0].active_users > s.windows[1].active_users ||
            s.windows[1].active_users > s.windows[2].active_users ||
            viewers > s.windows[0].active_users || s.windows[0].pages.size() > 2) {
          bad_summaries++;
        }
      }
      t.TakeChangedMerchants();
      t.Merchants();
    }
  });
  std::vector<std::thread> observers;
  for (int thread = 0; thread < kThreads; ++thread) {
    observers.emplace_back([&, thread] {
      for (int round = 0; round < kRounds; ++round) {
        for (uint32_t m = 0; m < kMerchants; ++m) {
          for (uint32_t i = 0; i < kClientsPerThread; ++i) {
            const uint32_t client = static_cast<uint32_t>(thread) * kClientsPerThread + i;
            t.Observe(m, client, kT0 - kSecond * (kRounds - round), "page_view",
                      pages[(client + static_cast<uint32_t>(round)) % 4], "");
          }
        }
      }
    });
  }
  for (std::thread& o : observers) o.join();
  done = true;
  summarizer.join();
  EXPECT_EQ(bad_summaries.load(), 0);
  EXPECT_EQ(t.clients(), size_t{kMerchants} * kThreads * kClientsPerThread);
  for (uint32_t m = 0; m < kMerchants; ++m) {
    RealtimeSummary s = t.Summarize(m, kT0, 0);
    EXPECT_EQ(s.windows[0].active_users, kThreads * kClientsPerThread);
    // The last round put client c on page (c + kRounds - 1) % 4: 500 clients each.
    EXPECT_EQ(Pairs(s.windows[0].pages),
              (Expected{{"/a", 500}, {"/b", 500}, {"/c", 500}, {"/d", 500}}));
  }
}

// The reference keeps every accepted event and derives each client's state from the whole
// list at question time.
struct ReferenceEvent {
  uint32_t client;
  int64_t ts;
  bool page_view;
  std::string page;
  std::string item;
};

RealtimeSummary ReferenceSummary(uint32_t merchant, const std::vector<ReferenceEvent>& events,
                                 int64_t now, size_t top_n) {
  struct Latest {
    int64_t ts = INT64_MIN, pv_ts = INT64_MIN, item_ts = INT64_MIN;
    std::string page, item;
    bool has_pv = false, has_item = false;
  };
  std::map<uint32_t, Latest> clients;
  for (const ReferenceEvent& e : events) {
    Latest& l = clients[e.client];
    l.ts = std::max(l.ts, e.ts);
    if (e.page_view && e.ts >= l.pv_ts) l.pv_ts = e.ts, l.page = e.page, l.has_pv = true;
    if (!e.item.empty() && e.ts >= l.item_ts) l.item_ts = e.ts, l.item = e.item, l.has_item = true;
  }
  RealtimeSummary s;
  s.merchant = merchant;
  for (int64_t window : kRealtimeWindowsUs) {
    RealtimeWindow w;
    w.window_us = window;
    std::map<std::string, int64_t> pages, items;
    auto inside = [&](int64_t ts) { return ts > now - window && ts <= now; };
    for (const auto& [client, l] : clients) {
      if (inside(l.ts)) w.active_users++;
      if (l.has_pv && inside(l.pv_ts) && !l.page.empty()) pages[l.page]++;
      if (l.has_item && inside(l.item_ts)) items[l.item]++;
    }
    for (auto [counts, out] : {std::pair{&pages, &w.pages}, std::pair{&items, &w.items}}) {
      for (const auto& [key, n] : *counts) out->push_back({key, n});
      std::stable_sort(out->begin(), out->end(), [](const auto& a, const auto& b) {
        return a.viewers > b.viewers;  // keys were already in order
      });
      if (top_n != 0 && out->size() > top_n) out->resize(top_n);
    }
    s.windows.push_back(std::move(w));
  }
  return s;
}

void ExpectSameSummary(const RealtimeSummary& got, const RealtimeSummary& want,
                       const std::string& where) {
  ASSERT_EQ(got.windows.size(), want.windows.size()) << where;
  for (size_t w = 0; w < want.windows.size(); ++w) {
    EXPECT_EQ(got.windows[w].active_users, want.windows[w].active_users) << where << " w" << w;
    EXPECT_EQ(Pairs(got.windows[w].pages), Pairs(want.windows[w].pages)) << where << " w" << w;
    EXPECT_EQ(Pairs(got.windows[w].items), Pairs(want.windows[w].items)) << where << " w" << w;
  }
}

TEST(RealtimeTest, MatchesAnIndependentReferenceOnRandomEvents) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    RealtimeTracker t;
    constexpr uint32_t kMerchants = 3;
    std::vector<std::vector<ReferenceEvent>> accepted(kMerchants);
    std::vector<int64_t> newest(kMerchants, INT64_MIN);
    int64_t clock = kT0;
    for (int i = 0; i < 30000; ++i) {
      clock += static_cast<int64_t>(rng() % (kSecond / 2));
      const uint32_t merchant = static_cast<uint32_t>(rng() % kMerchants);
      // Mostly in order; some late by up to 40 minutes (some past the horizon), a few
      // exactly on the same microsecond as the previous event.
      int64_t ts = clock;
      const uint64_t shape = rng() % 100;
      if (shape < 10) ts -= static_cast<int64_t>(rng() % static_cast<uint64_t>(40 * kMinute));
      if (shape >= 98) ts = clock - static_cast<int64_t>(rng() % 3) * kSecond;
      ReferenceEvent e;
      e.client = static_cast<uint32_t>(rng() % 400);
      e.ts = ts;
      e.page_view = rng() % 3 != 0;
      e.page = rng() % 20 == 0 ? "" : "/page/" + std::to_string(rng() % 25);
      e.item = rng() % 3 == 0 ? "sku-" + std::to_string(rng() % 12) : "";
      t.Observe(merchant, e.client, e.ts, e.page_view ? "page_view" : "click", e.page, e.item);
      if (newest[merchant] != INT64_MIN && ts <= newest[merchant] - 30 * kMinute) continue;
      newest[merchant] = std::max(newest[merchant], ts);
      accepted[merchant].push_back(std::move(e));
    }
    for (uint32_t m = 0; m < kMerchants; ++m) {
      for (int64_t after : {int64_t{0}, int64_t{1}, 30 * kSecond, 3 * kMinute, 20 * kMinute,
                            30 * kMinute - 1, 30 * kMinute}) {
        const int64_t now = newest[m] + after;
        for (size_t top_n : {size_t{0}, size_t{3}}) {
          ExpectSameSummary(
              t.Summarize(m, now, top_n), ReferenceSummary(m, accepted[m], now, top_n),
              "seed " + std::to_string(seed) + " merchant " + std::to_string(m) + " after " +
                  std::to_string(after) + " top " + std::to_string(top_n));
        }
      }
    }
  }
}

}  // namespace
}  // namespace strata::engine
