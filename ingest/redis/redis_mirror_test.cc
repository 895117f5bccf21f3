#include "ingest/redis/redis_mirror.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/temp_dir.h"
#include "ingest/redis/redis_connection.h"
#include "ingest/redis/redis_test_util.h"

namespace strata::ingest {
namespace {

using engine::RealtimeSummary;
using engine::RealtimeTracker;
using Clock = std::chrono::steady_clock;

constexpr int64_t kSecond = 1'000'000;
constexpr size_t kTopN = 3;
const char* const kWindowLabels[] = {"1m", "5m", "30m"};

int64_t WallMicros() { return absl::ToUnixMicros(absl::Now()); }
std::string NameOf(uint32_t merchant) { return absl::StrCat("shop-", merchant); }

class RedisMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override { IgnoreSigpipe(); }  // the test's own client writes to killed servers
  void StartRedis(const std::string& password = "") {
    password_ = password;
    server_ = std::make_unique<RedisServer>(dir_.path(), password);
    ASSERT_TRUE(server_->Start());
    client_ = std::make_unique<RedisClient>(server_->socket(), password);
  }
  void TearDown() override {
    mirror_.reset();  // before the server: the mirror's thread may be talking to it
    client_.reset();
    server_.reset();
  }

  RedisMirrorOptions Options() const {
    RedisMirrorOptions o;
    o.unix_socket = dir_.File("r.sock");
    o.password = password_;
    o.key_prefix = "t";
    o.interval = absl::Milliseconds(50);
    o.top_n = kTopN;
    return o;
  }
  void StartMirror(const RedisMirrorOptions& options) {
    mirror_ = RedisMirror::Start(options, &tracker_, NameOf);
  }

  // Empty when the mirror holds exactly the tracker's summary of `merchant` now, else the
  // first difference.
  std::string MirrorDiff(uint32_t merchant) {
    const RealtimeSummary s = tracker_.Summarize(merchant, WallMicros(), kTopN);
    const std::string base = absl::StrCat("t:rt:", NameOf(merchant), ":");
    std::map<std::string, std::string> users;
    for (size_t w = 0; w < 3; ++w)
      users[kWindowLabels[w]] = absl::StrCat(s.windows[w].active_users);
    if (client_->HashAll(base + "users") != users) return "users differ";
    for (size_t w = 0; w < 3; ++w) {
      std::map<std::string, int64_t> pages, items;
      for (const auto& c : s.windows[w].pages) pages[c.key] = c.viewers;
      for (const auto& c : s.windows[w].items) items[c.key] = c.viewers;
      if (client_->SortedSet(absl::StrCat(base, "pages:", kWindowLabels[w])) != pages) {
        return absl::StrCat("pages:", kWindowLabels[w], " differ");
      }
      if (client_->SortedSet(absl::StrCat(base, "items:", kWindowLabels[w])) != items) {
        return absl::StrCat("items:", kWindowLabels[w], " differ");
      }
    }
    if (!client_->Get(base + "updated").has_value()) return "no updated key";
    if (!client_->SortedSet("t:rt:merchants").contains(NameOf(merchant))) {
      return "not in the merchants set";
    }
    return "";
  }
  bool Mirrored(std::initializer_list<uint32_t> merchants) {
    return std::all_of(merchants.begin(), merchants.end(),
                       [&](uint32_t m) { return MirrorDiff(m).empty(); });
  }

  TempDir dir_;
  std::string password_;
  RealtimeTracker tracker_;
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<RedisMirror> mirror_;
};

// Five clients over three pages and two items in different windows, and one client that
// only clicks.
void ObserveShop(RealtimeTracker& t, uint32_t merchant, int64_t now) {
  t.Observe(merchant, 1, now - 5 * kSecond, "page_view", "/home", "");
  t.Observe(merchant, 2, now - 10 * kSecond, "page_view", "/home", "");
  t.Observe(merchant, 3, now - 20 * kSecond, "view_item", "/p/1", "sku-1");
  t.Observe(merchant, 3, now - 19 * kSecond, "page_view", "/p/1", "");
  t.Observe(merchant, 4, now - 120 * kSecond, "page_view", "/cart", "sku-2");
  t.Observe(merchant, 5, now - 600 * kSecond, "page_view", "/search", "");
  t.Observe(merchant, 6, now - 3 * kSecond, "click", "", "");
}

TEST_F(RedisMirrorTest, MirrorHoldsTheTrackersSummaries) {
  StartRedis();
  const int64_t now = WallMicros();
  ObserveShop(tracker_, 0, now);
  ObserveShop(tracker_, 1, now);
  tracker_.Observe(2, 1, now - kSecond, "click", "", "");  // no pages, no items
  const int64_t start_ms = now / 1000;
  StartMirror(Options());
  ASSERT_TRUE(Eventually([&] {
    return Mirrored({0, 1, 2});
  })) << MirrorDiff(0)
      << MirrorDiff(1) << MirrorDiff(2);
  // Spot-check the layout against the tracker's numbers.
  EXPECT_EQ(client_->HashAll("t:rt:shop-0:users"),
            (std::map<std::string, std::string>{{"1m", "4"}, {"5m", "5"}, {"30m", "6"}}));
  EXPECT_EQ(client_->SortedSet("t:rt:shop-0:pages:1m"),
            (std::map<std::string, int64_t>{{"/home", 2}, {"/p/1", 1}}));
  EXPECT_EQ(client_->SortedSet("t:rt:shop-0:pages:30m"),  // top 3 of 4 pages, ties by page
            (std::map<std::string, int64_t>{{"/home", 2}, {"/cart", 1}, {"/p/1", 1}}));
  EXPECT_EQ(client_->SortedSet("t:rt:shop-0:items:5m"),
            (std::map<std::string, int64_t>{{"sku-1", 1}, {"sku-2", 1}}));
  EXPECT_EQ(client_->Integer({"EXISTS", "t:rt:shop-2:pages:1m"}), 0);
  EXPECT_EQ(client_->Integer({"EXISTS", "t:rt:shop-2:items:30m"}), 0);
  // Every key expires.
  const std::vector<std::string> keys = client_->Keys("t:*");
  EXPECT_EQ(keys.size(), 2 * (1 + 3 + 3 + 1) + (1 + 1) + 1);  // shops 0, 1; shop 2; merchants
  for (const std::string& key : keys) {
    const int64_t ttl = client_->Integer({"PTTL", key});
    EXPECT_GT(ttl, 0) << key;
    EXPECT_LE(ttl, 120'000) << key;
  }
  const auto merchants = client_->SortedSet("t:rt:merchants");
  ASSERT_EQ(merchants.size(), 3u);
  for (const auto& [name, pushed_ms] : merchants) {
    EXPECT_GE(pushed_ms, start_ms) << name;
    EXPECT_LE(pushed_ms, WallMicros() / 1000) << name;
    EXPECT_EQ(client_->Get(absl::StrCat("t:rt:", name, ":updated")), absl::StrCat(pushed_ms));
  }
  EXPECT_TRUE(mirror_->stats().connected);
  EXPECT_EQ(mirror_->stats().errors, 0u);
  EXPECT_GE(mirror_->stats().resyncs, 1u);

  // New events reach the mirror.
  tracker_.Observe(0, 7, WallMicros(), "page_view", "/new", "sku-9");
  ASSERT_TRUE(Eventually([&] {
    return client_->SortedSet("t:rt:shop-0:items:1m").contains("sku-9") && Mirrored({0});
  })) << MirrorDiff(0);
}

TEST_F(RedisMirrorTest, AtMostOnePushPerMerchantPerInterval) {
  StartRedis();
  RedisMirrorOptions o = Options();
  o.interval = absl::Milliseconds(100);
  StartMirror(o);
  constexpr uint32_t kMerchants = 4;
  const auto start = Clock::now();
  uint32_t client = 0;
  while (Clock::now() - start < std::chrono::milliseconds(1000)) {
    for (uint32_t m = 0; m < kMerchants; ++m) {
      tracker_.Observe(m, client++ % 50, WallMicros(), "page_view", "/x", "");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const double intervals = std::chrono::duration<double>(Clock::now() - start).count() / 0.1;
  const uint64_t pushes = mirror_->stats().pushes;
  EXPECT_LE(pushes, kMerchants * static_cast<uint64_t>(intervals + 2));
  EXPECT_GE(pushes, kMerchants * 3);  // it did keep pushing while events came
  // Quiet and unchanged: nothing left to push.
  ASSERT_TRUE(Eventually([&] { return Mirrored({0, 1, 2, 3}); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  const uint64_t settled = mirror_->stats().pushes;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(mirror_->stats().pushes, settled);
}

TEST_F(RedisMirrorTest, SlidingWindowsAreRefreshedWithoutNewEvents) {
  StartRedis();
  // Leaves the 1-minute window about 5 s from now.
  tracker_.Observe(0, 1, WallMicros() - 55'000'000, "page_view", "/leaving", "");
  StartMirror(Options());
  ASSERT_TRUE(Eventually([&] { return client_->HashAll("t:rt:shop-0:users")["1m"] == "1"; }));
  EXPECT_EQ(client_->SortedSet("t:rt:shop-0:pages:1m"),
            (std::map<std::string, int64_t>{{"/leaving", 1}}));
  ASSERT_TRUE(Eventually([&] { return client_->HashAll("t:rt:shop-0:users")["1m"] == "0"; }));
  EXPECT_EQ(client_->HashAll("t:rt:shop-0:users")["5m"], "1");
  EXPECT_EQ(client_->Integer({"EXISTS", "t:rt:shop-0:pages:1m"}), 0);
  EXPECT_EQ(client_->SortedSet("t:rt:shop-0:pages:5m"),
            (std::map<std::string, int64_t>{{"/leaving", 1}}));
}

TEST_F(RedisMirrorTest, RedisDownNeverBlocksObserveAndTheMirrorResyncs) {
  StartRedis();
  RedisMirrorOptions o = Options();
  o.connect_timeout = absl::Milliseconds(500);
  StartMirror(o);
  ObserveShop(tracker_, 0, WallMicros());
  ASSERT_TRUE(Eventually([&] { return Mirrored({0}); })) << MirrorDiff(0);

  server_->Kill();
  // Events keep coming while Redis is down, for a known merchant and a new one.
  std::chrono::nanoseconds slowest{0};
  uint64_t observed = 0;
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::milliseconds(1500)) {
    const int64_t now = WallMicros();
    for (uint32_t i = 0; i < 100; ++i, ++observed) {
      const auto before = Clock::now();
      tracker_.Observe(i % 2, 100 + i, now, "page_view", absl::StrCat("/down/", i % 7), "sku-down");
      slowest = std::max(slowest, std::chrono::nanoseconds(Clock::now() - before));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Generous for a loaded machine; blocking on Redis would take its timeouts (500 ms).
  EXPECT_LT(slowest, std::chrono::milliseconds(100)) << observed << " events";
  EXPECT_GE(mirror_->stats().errors, 2u);  // the failed push and reconnect attempts
  EXPECT_FALSE(mirror_->stats().connected);
  const uint64_t resyncs = mirror_->stats().resyncs;

  ASSERT_TRUE(server_->Start());  // empty again: nothing persisted
  ASSERT_TRUE(Eventually([&] { return Mirrored({0, 1}); })) << MirrorDiff(0) << MirrorDiff(1);
  EXPECT_TRUE(mirror_->stats().connected);
  EXPECT_GT(mirror_->stats().resyncs, resyncs);
  EXPECT_EQ(client_->SortedSet("t:rt:merchants").size(), 2u);
}

TEST_F(RedisMirrorTest, AuthenticatesWithThePassword) {
  StartRedis("s3cret");
  ObserveShop(tracker_, 0, WallMicros());
  RedisMirrorOptions wrong = Options();
  wrong.password = "wrong";
  StartMirror(wrong);
  ASSERT_TRUE(Eventually([&] { return mirror_->stats().errors >= 2; }));
  EXPECT_FALSE(mirror_->stats().connected);
  EXPECT_EQ(mirror_->stats().pushes, 0u);
  EXPECT_TRUE(client_->Keys("t:*").empty());
  mirror_.reset();

  RedisMirrorOptions none = Options();
  none.password = "";
  StartMirror(none);  // NOAUTH
  ASSERT_TRUE(Eventually([&] { return mirror_->stats().errors >= 1; }));
  EXPECT_FALSE(mirror_->stats().connected);
  mirror_.reset();

  StartMirror(Options());
  ASSERT_TRUE(Eventually([&] { return Mirrored({0}); })) << MirrorDiff(0);
  EXPECT_EQ(mirror_->stats().errors, 0u);
}

TEST_F(RedisMirrorTest, StopIsPromptWhenIdleOrWhenRedisIsDown) {
  RedisMirrorOptions o = Options();  // no server: every connect fails
  o.interval = absl::Hours(1);
  StartMirror(o);
  ASSERT_TRUE(Eventually([&] { return mirror_->stats().errors >= 3; }));  // backing off
  auto before = Clock::now();
  mirror_->Stop();
  EXPECT_LT(Clock::now() - before, std::chrono::milliseconds(200));

  StartRedis();
  StartMirror(o);
  ASSERT_TRUE(Eventually([&] { return mirror_->stats().resyncs >= 1; }));
  before = Clock::now();
  mirror_.reset();  // waiting out an hour-long interval
  EXPECT_LT(Clock::now() - before, std::chrono::milliseconds(200));
}

TEST_F(RedisMirrorTest, StopInterruptsAPushToAHungRedis) {
  StartRedis();
  RedisMirrorOptions o = Options();
  o.connect_timeout = absl::Seconds(30);  // also the command timeout
  StartMirror(o);
  ASSERT_TRUE(Eventually([&] { return mirror_->stats().resyncs >= 1; }));
  ::kill(server_->pid(), SIGSTOP);
  const uint64_t pushes = mirror_->stats().pushes;
  tracker_.Observe(0, 1, WallMicros(), "page_view", "/hung", "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the push is waiting
  EXPECT_EQ(mirror_->stats().pushes, pushes);
  const auto before = Clock::now();
  mirror_->Stop();
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(2));
  ::kill(server_->pid(), SIGCONT);
}

TEST(RedisConnectionTest, ReportsErrorRepliesInsideExec) {
  TempDir dir;
  RedisServer server(dir.path());
  ASSERT_TRUE(server.Start());
  RedisEndpoint endpoint;
  endpoint.unix_socket = server.socket();
  endpoint.timeout = absl::Seconds(2);
  auto connection = RedisConnection::Connect(endpoint);
  ASSERT_TRUE(connection.ok()) << connection.status();
  (*connection)->Append({"SET", "k", "v"});
  (*connection)->Append({"MULTI"});
  (*connection)->Append({"HSET", "k", "f", "1"});  // WRONGTYPE at EXEC time
  (*connection)->Append({"EXEC"});
  absl::Status status = (*connection)->ReadReplies();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("WRONGTYPE"), std::string_view::npos) << status;
  EXPECT_EQ((*connection)->pending(), 0u);

  endpoint.unix_socket = dir.File("missing.sock");
  EXPECT_FALSE(RedisConnection::Connect(endpoint).ok());
}

}  // namespace
}  // namespace strata::ingest
