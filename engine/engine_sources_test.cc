// Source positions (Kafka offsets) recorded with flushes: what DurablePositions promises.
#include <map>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/engine_impl.h"
#include "engine/scan.h"
#include "engine/schema.h"
#include "gtest/gtest.h"

namespace strata::engine {
namespace {

constexpr int64_t kNoon = 1793534400000000;  // 2026-11-01T12:00:00Z

Event Tracked(const std::string& merchant, int i) {
  Event e;
  e.merchant = merchant;
  e.ts_us = kNoon + int64_t{i} * 1'000'000;
  e.event = "page_view";
  e.client_id = "c" + std::to_string(i % 7);
  e.page = "/";
  return e;
}

EngineOptions SourceOptions(const std::string& dir) {
  EngineOptions o;
  o.data_dir = dir;
  o.shards = 4;
  o.write_ahead_log = false;
  return o;
}

// Rows per merchant over segments and memtables.
std::map<std::string, int> CountByMerchant(const Engine& db) {
  ScanSpec spec;
  spec.columns = {kColMerchant};
  Scanner scanner(db.GetSnapshot(), spec);
  ColumnBatch batch;
  std::map<std::string, int> out;
  while (scanner.Next(&batch)) {
    for (size_t r = 0; r < batch.rows; ++r) {
      out[db.catalog().MerchantName(static_cast<uint32_t>(batch.columns[0].ints[r]))]++;
    }
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  return out;
}

// Two merchants that live on different shards of a 4-shard engine.
std::pair<std::string, std::string> MerchantsOnTwoShards() {
  std::string a = "m0";
  for (int i = 1;; ++i) {
    std::string b = "m" + std::to_string(i);
    if (ShardOf(b, 4) != ShardOf(a, 4)) return {a, b};
  }
}

TEST(EngineSourcesTest, PositionsNeedTheWalOff) {
  TempDir dir;
  EngineOptions o = SourceOptions(dir.path());
  o.write_ahead_log = true;
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  std::vector<Event> events = {Tracked("m0", 0)};
  absl::Status s = (*db)->Append(events, {{"t/0", 1}});
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE((*db)->Append(events).ok());
}

TEST(EngineSourcesTest, BadKeysAreRejected) {
  TempDir dir;
  auto db = Engine::Open(SourceOptions(dir.path()));
  ASSERT_TRUE(db.ok()) << db.status();
  std::vector<Event> events = {Tracked("m0", 0)};
  EXPECT_TRUE(absl::IsInvalidArgument((*db)->Append(events, {{"a=b", 1}})));
  EXPECT_TRUE(absl::IsInvalidArgument((*db)->Append(events, {{"a;b", 1}})));
  EXPECT_TRUE(absl::IsInvalidArgument((*db)->Append(events, {{"", 1}})));
  EXPECT_TRUE(absl::IsInvalidArgument((*db)->Append(events, {{"t/0", -1}})));
  EXPECT_EQ((*db)->stats().events_appended, 0u);
}

TEST(EngineSourcesTest, FlushRecordsPositionsForEveryShard) {
  TempDir dir;
  auto db = Engine::Open(SourceOptions(dir.path()));
  ASSERT_TRUE(db.ok()) << db.status();
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) events.push_back(Tracked("m" + std::to_string(i % 3), i));
  ASSERT_TRUE((*db)->Append(events, {{"t/0", 7}, {"t/1", 3}}).ok());
  for (const SourcePositions& p : (*db)->DurablePositions()) EXPECT_TRUE(p.empty());
  ASSERT_TRUE((*db)->Flush().ok());
  const SourcePositions want = {{"t/0", 7}, {"t/1", 3}};
  for (const SourcePositions& p : (*db)->DurablePositions()) EXPECT_EQ(p, want);

  // Positions never move backwards, and survive a reopen.
  ASSERT_TRUE((*db)->Append({}, {{"t/0", 5}, {"t/2", 1}}).ok());
  ASSERT_TRUE((*db)->Append(events, {}).ok());
  ASSERT_TRUE((*db)->Flush().ok());
  const SourcePositions want2 = {{"t/0", 7}, {"t/1", 3}, {"t/2", 1}};
  for (const SourcePositions& p : (*db)->DurablePositions()) EXPECT_EQ(p, want2);
  ASSERT_TRUE((*db)->Close().ok());
  db = Engine::Open(SourceOptions(dir.path()));
  ASSERT_TRUE(db.ok()) << db.status();
  for (const SourcePositions& p : (*db)->DurablePositions()) EXPECT_EQ(p, want2);
  EXPECT_EQ(CountByMerchant(**db)["m0"], 34);
}

// A crash loses what was not flushed, and the positions say exactly where that starts.
TEST(EngineSourcesTest, CrashKeepsOnlyWhatThePositionsCover) {
  TempDir dir;
  EngineOptions o = SourceOptions(dir.path());
  o.flush_on_close = false;  // Close() then behaves like a crash: memtables are dropped
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  std::vector<Event> first(10, Tracked("m0", 1)), second(4, Tracked("m0", 2));
  ASSERT_TRUE((*db)->Append(first, {{"t/0", 10}}).ok());
  ASSERT_TRUE((*db)->Flush().ok());
  ASSERT_TRUE((*db)->Append(second, {{"t/0", 14}}).ok());
  EXPECT_EQ(CountByMerchant(**db)["m0"], 14);
  ASSERT_TRUE((*db)->Close().ok());
  db->reset();

  db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(CountByMerchant(**db)["m0"], 10);
  EXPECT_EQ((*db)->recovery_report().wal_events_replayed, 0u);
  for (const SourcePositions& p : (*db)->DurablePositions()) EXPECT_EQ(p.at("t/0"), 10);
}

// A shard flushed on its own covers what was applied when it froze; a shard still holding
// rows keeps its older position, so a consumer resumes there and drops the flushed shard's
// events below its own position.
TEST(EngineSourcesTest, ShardsCoverDifferentPositions) {
  TempDir dir;
  EngineOptions o = SourceOptions(dir.path());
  o.flush_on_close = false;
  o.memtable_max_rows = 5;  // the busy merchant's shard freezes, the quiet one's does not
  auto [busy, quiet] = MerchantsOnTwoShards();
  const uint32_t busy_shard = ShardOf(busy, 4), quiet_shard = ShardOf(quiet, 4);
  {
    auto db = Engine::Open(o);
    ASSERT_TRUE(db.ok()) << db.status();
    std::vector<Event> quiet_events = {Tracked(quiet, 0)};
    ASSERT_TRUE((*db)->Append(quiet_events, {{"t/0", 1}}).ok());
    std::vector<Event> busy_events(6, Tracked(busy, 1));
    ASSERT_TRUE((*db)->Append(busy_events, {{"t/0", 2}}).ok());
    // Wait for the busy shard's flush: its position moves to 2.
    for (int i = 0; i < 500 && (*db)->DurablePositions()[busy_shard].empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    std::vector<SourcePositions> p = (*db)->DurablePositions();
    EXPECT_EQ(p[busy_shard].at("t/0"), 2);
    EXPECT_TRUE(p[quiet_shard].empty());  // holds an unflushed row
    for (uint32_t s = 0; s < 4; ++s) {
      if (s != busy_shard && s != quiet_shard) EXPECT_EQ(p[s].at("t/0"), 2) << s;
    }
    ASSERT_TRUE((*db)->Close().ok());
  }
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  std::map<std::string, int> counts = CountByMerchant(**db);
  EXPECT_EQ(counts[busy], 6);
  EXPECT_EQ(counts.count(quiet), 0u);
}

TEST(EngineSourcesTest, EncodingRoundTripsAndRejectsGarbage) {
  const SourcePositions p = {{"strata.events/0", 12}, {"strata.events/10", 0}, {"x-y_z/3", 1}};
  const std::string text = EncodeSourcePositions(p);
  EXPECT_EQ(text, "strata.events/0=12;strata.events/10=0;x-y_z/3=1");
  auto back = DecodeSourcePositions(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, p);
  EXPECT_TRUE(DecodeSourcePositions("")->empty());
  EXPECT_TRUE(absl::IsDataLoss(DecodeSourcePositions("a=1;b").status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeSourcePositions("=1").status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeSourcePositions("a=x").status()));
}

}  // namespace
}  // namespace strata::engine
