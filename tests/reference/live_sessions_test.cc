// AddFlushPart (the flush's path into the sessionizer) and LiveSessions over a snapshot.
#include "engine/sessions/live_sessions.h"

#include <memory>

#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "engine/memtable.h"
#include "engine/schema.h"
#include "engine/sessions/sessions_test_util.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata::engine {
namespace {

using testing_util::Produced;
using testing_util::TestEvent;
using testing_util::View;

constexpr uint32_t kShards = 2;

SessionizerOptions Options() {
  SessionizerOptions o;
  o.allowed_lateness_us = 8 * kMicrosPerHour;  // no generator event is too late
  return o;
}

class LiveSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string report;
    auto catalog = Catalog::Open(dir_.path(), 0, &report);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    ingest::GeneratorOptions g;
    g.events = 20000;
    g.merchants = 12;
    g.days = 1;
    g.seed = 17;
    for (Event& e : ingest::Generator::All(g)) {
      TestEvent t;
      t.merchant = catalog_->ResolveMerchant(e.merchant);
      t.client = catalog_->ResolveClient(t.merchant, e.client_id);
      t.e = std::move(e);
      events_.push_back(std::move(t));
    }
  }

  uint32_t ShardOfEvent(const TestEvent& t) const { return ShardOf(t.e.merchant, kShards); }

  // A memtable of shard `shard` holding events [begin, end) of that shard, published.
  std::shared_ptr<Memtable> Fill(uint32_t shard, size_t begin, size_t end) const {
    auto mem = std::make_shared<Memtable>();
    uint64_t seq = 1;
    for (size_t i = begin; i < end; ++i) {
      const TestEvent& t = events_[i];
      if (ShardOfEvent(t) != shard) continue;
      mem->Add(t.e, t.merchant, t.client, EncodeParams(t.e.params), seq++);
    }
    mem->Publish();
    return mem;
  }

  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  std::vector<TestEvent> events_;
};

TEST_F(LiveSessionsTest, AddFlushPartEqualsAddingTheEvents) {
  const size_t half = events_.size() / 2;
  for (uint32_t shard = 0; shard < kShards; ++shard) {
    Sessionizer via_parts(Options());
    Sessionizer direct(Options());
    Produced a, b;
    for (auto [begin, end] : {std::pair<size_t, size_t>{0, half}, {half, events_.size()}}) {
      std::shared_ptr<Memtable> mem = Fill(shard, begin, end);
      for (const FlushPart& part : mem->BuildFlushParts(mem->rows()))
        AddFlushPart(part.columns, *catalog_, &via_parts);
      via_parts.Advance(&a.sessions, &a.pageviews);
      for (size_t i = begin; i < end; ++i)
        if (ShardOfEvent(events_[i]) == shard) direct.Add(View(events_[i]));
      direct.Advance(&b.sessions, &b.pageviews);
    }
    EXPECT_FALSE(a.sessions.empty());
    testing_util::DrainLive(via_parts, catalog_->merchant_count(), &a);
    testing_util::DrainLive(direct, catalog_->merchant_count(), &b);
    EXPECT_EQ(a.sessions, b.sessions);
    EXPECT_EQ(a.pageviews, b.pageviews);
    EXPECT_EQ(via_parts.EncodeCheckpoint(), direct.EncodeCheckpoint());
  }
}

TEST_F(LiveSessionsTest, LiveRowsAreHeldSessionsPlusMemtableEvents) {
  // Shard state after flushing the first 60% of the traffic; the rest is in memtables.
  const size_t flushed = events_.size() * 6 / 10;
  auto snap = std::make_shared<Snapshot>();
  snap->catalog = catalog_.get();
  snap->settings = [](uint32_t) { return std::shared_ptr<const MerchantSettings>(); };
  Produced final_rows;
  for (uint32_t shard = 0; shard < kShards; ++shard) {
    auto s = std::make_shared<Sessionizer>(Options());
    for (size_t i = 0; i < flushed; ++i)
      if (ShardOfEvent(events_[i]) == shard) s->Add(View(events_[i]));
    s->Advance(&final_rows.sessions, &final_rows.pageviews);
    snap->sessionizers.push_back(s);
    // Two memtables per shard: a frozen one and the active one.
    const size_t mid = (flushed + events_.size()) / 2;
    for (auto [begin, end] : {std::pair<size_t, size_t>{flushed, mid}, {mid, events_.size()}}) {
      std::shared_ptr<Memtable> mem = Fill(shard, begin, end);
      snap->memtables.push_back({shard, mem, mem->visible_rows()});
    }
  }
  ASSERT_FALSE(final_rows.sessions.empty());

  // Expected: every event sessionized at once, never finalized.
  Sessionizer all(Options());
  for (const TestEvent& t : events_) all.Add(View(t));
  Produced want;
  testing_util::DrainLive(all, catalog_->merchant_count(), &want);

  Produced got = final_rows;
  for (uint32_t m = 0; m < catalog_->merchant_count(); ++m) {
    std::vector<SessionRow> sessions;
    std::vector<PageviewRow> views;
    ASSERT_TRUE(LiveSessions(*snap, m, &sessions, &views).ok());
    for (size_t i = 0; i < sessions.size(); ++i) {
      EXPECT_EQ(sessions[i].merchant, m);
      if (i > 0) {
        EXPECT_LE(sessions[i - 1].start_us, sessions[i].start_us);
      }
    }
    std::vector<SessionRow> only_sessions;
    ASSERT_TRUE(LiveSessions(*snap, m, &only_sessions, nullptr).ok());
    EXPECT_EQ(only_sessions, sessions);
    got.sessions.insert(got.sessions.end(), sessions.begin(), sessions.end());
    got.pageviews.insert(got.pageviews.end(), views.begin(), views.end());
  }
  for (SessionRow& r : got.sessions) r.is_open = false;
  testing_util::SortSessions(&want.sessions);
  testing_util::SortSessions(&got.sessions);
  testing_util::SortPageviews(&want.pageviews);
  testing_util::SortPageviews(&got.pageviews);
  EXPECT_EQ(got.sessions, want.sessions);
  EXPECT_EQ(got.pageviews, want.pageviews);
}

TEST_F(LiveSessionsTest, WithoutSessionizersOnlyMemtablesCount) {
  auto snap = std::make_shared<Snapshot>();
  snap->catalog = catalog_.get();
  snap->settings = [](uint32_t) { return std::shared_ptr<const MerchantSettings>(); };
  for (uint32_t shard = 0; shard < kShards; ++shard) {
    std::shared_ptr<Memtable> mem = Fill(shard, 0, 5000);
    snap->memtables.push_back({shard, mem, mem->visible_rows() / 2});  // a published prefix
  }
  Sessionizer want_s(Options());
  for (uint32_t shard = 0; shard < kShards; ++shard) {
    size_t taken = 0;
    const size_t limit = snap->memtables[shard].rows;
    for (size_t i = 0; i < 5000 && taken < limit; ++i) {
      if (ShardOfEvent(events_[i]) != shard) continue;
      want_s.Add(View(events_[i]));
      ++taken;
    }
  }
  for (uint32_t m = 0; m < catalog_->merchant_count(); ++m) {
    std::vector<SessionRow> got, want;
    std::vector<PageviewRow> got_views, want_views;
    ASSERT_TRUE(LiveSessions(*snap, m, &got, &got_views).ok());
    want_s.LiveRows(m, &want, &want_views);
    EXPECT_EQ(got, want) << m;
    EXPECT_EQ(got_views, want_views) << m;
  }
}

TEST_F(LiveSessionsTest, NeedsACatalog) {
  Snapshot snap;
  std::vector<SessionRow> rows;
  EXPECT_EQ(LiveSessions(snap, 0, &rows, nullptr).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace strata::engine
