#include "engine/engine.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "common/temp_dir.h"
#include "engine/scan.h"
#include "engine/schema.h"
#include "gtest/gtest.h"
#include "storage/file.h"

namespace strata::engine {
namespace {

constexpr int64_t kDay0 = 1793491200000000;  // 2026-11-01T00:00:00Z

using strata::TempDir;

Event MakeEvent(int i, int merchants = 5) {
  Event e;
  e.merchant = "shop-" + std::to_string(i % merchants);
  e.ts_us = kDay0 + int64_t{i} * 37'000'000;  // spans several days for large i
  e.event = (i % 7 == 0) ? "purchase" : (i % 3 == 0 ? "click" : "page_view");
  e.client_id = "c." + std::to_string(i % 101);
  e.page = "/p/" + std::to_string(i % 13);
  e.device = (i % 2) ? "mobile" : "desktop";
  e.country = (i % 5 == 0) ? "DE" : "US";
  if (i % 7 == 0) e.value = 10.5 + i;
  if (i % 11 == 0) e.params.push_back({"button", false, "buy", 0});
  e.event_id = "ev" + std::to_string(i);
  return e;
}

EngineOptions Options(const std::string& dir) {
  EngineOptions o;
  o.data_dir = dir;
  o.shards = 4;
  o.rows_per_block = 64;
  return o;
}

// Scans everything and returns event_id -> (merchant name, ts, event, page, value).
std::multimap<std::string, std::tuple<std::string, int64_t, std::string, std::string, double>>
ScanAll(const Engine& db, const ScanSpec& base = {}) {
  ScanSpec spec = base;
  spec.columns = {kColEventId, kColMerchant, kColTs, kColEvent, kColPage, kColValue};
  Scanner scanner(db.GetSnapshot(), spec);
  ColumnBatch batch;
  std::multimap<std::string, std::tuple<std::string, int64_t, std::string, std::string, double>>
      out;
  while (scanner.Next(&batch)) {
    for (size_t r = 0; r < batch.rows; ++r) {
      const auto& c = batch.columns;
      out.emplace(std::string(c[0].dict.value(c[0].codes[r])),
                  std::make_tuple(db.catalog().MerchantName(static_cast<uint32_t>(c[1].ints[r])),
                                  c[2].ints[r], std::string(c[3].dict.value(c[3].codes[r])),
                                  std::string(c[4].dict.value(c[4].codes[r])), c[5].doubles[r]));
    }
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  return out;
}

TEST(EngineTest, AppendScanFlushReopen) {
  TempDir dir;
  std::vector<Event> events;
  for (int i = 0; i < 5000; ++i) events.push_back(MakeEvent(i));
  {
    auto db = Engine::Open(Options(dir.path()));
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(0, 3000)).ok());
    EXPECT_EQ(ScanAll(**db).size(), 3000u);  // from memtables
    ASSERT_TRUE((*db)->Flush().ok());
    EXPECT_GT((*db)->GetSnapshot()->segments.size(), 0u);
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(3000)).ok());
    auto all = ScanAll(**db);  // segments + memtables
    ASSERT_EQ(all.size(), 5000u);
    for (int i = 0; i < 5000; i += 97) {
      auto it = all.find(events[i].event_id);
      ASSERT_NE(it, all.end());
      EXPECT_EQ(std::get<0>(it->second), events[i].merchant);
      EXPECT_EQ(std::get<1>(it->second), events[i].ts_us);
      EXPECT_EQ(std::get<2>(it->second), events[i].event);
      EXPECT_EQ(std::get<3>(it->second), events[i].page);
    }
    ASSERT_TRUE((*db)->Close().ok());
  }
  auto db = Engine::Open(Options(dir.path()));
  ASSERT_TRUE(db.ok()) << db.status();
  auto all = ScanAll(**db);
  EXPECT_EQ(all.size(), 5000u);
  for (const auto& [id, row] : all) EXPECT_EQ(all.count(id), 1u) << id;
}

TEST(EngineTest, WalReplayWithoutFlushLosesNothingAndDuplicatesNothing) {
  TempDir dir;
  std::vector<Event> events;
  for (int i = 0; i < 2000; ++i) events.push_back(MakeEvent(i));
  EngineOptions o = Options(dir.path());
  o.flush_on_close = false;
  {
    auto db = Engine::Open(o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(0, 1000)).ok());
    ASSERT_TRUE((*db)->Flush().ok());  // first half in segments
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(1000)).ok());
  }  // closed without flushing the second half: it lives only in the WAL
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->recovery_report().wal_events_replayed, 1000u);
  auto all = ScanAll(**db);
  EXPECT_EQ(all.size(), 2000u);
  for (const auto& e : events) EXPECT_EQ(all.count(e.event_id), 1u) << e.event_id;
}

TEST(EngineTest, TornWalTailIsTruncatedAndReported) {
  TempDir dir;
  EngineOptions o = Options(dir.path());
  o.flush_on_close = false;
  std::vector<Event> events;
  for (int i = 0; i < 100; ++i) events.push_back(MakeEvent(i));
  {
    auto db = Engine::Open(o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Append(events).ok());
  }
  // Simulate a crash in the middle of the next append: half a record at the end.
  std::string wal_dir = storage::JoinPath(dir.path(), "wal");
  auto names = storage::ListDir(wal_dir);
  ASSERT_TRUE(names.ok());
  std::string last = storage::JoinPath(wal_dir, names->back());
  {
    std::string garbage = "\x40\x00\x00\x00\x12\x34\x56\x78\x01partial";
    auto f = storage::WritableFile::Open(storage::JoinPath(wal_dir, (*names)[0]), false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(garbage).ok());
  }
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_EQ((*db)->recovery_report().torn_tails.size(), 1u);
  EXPECT_NE((*db)->recovery_report().torn_tails[0].find("truncated"), std::string::npos);
  EXPECT_EQ(ScanAll(**db).size(), 100u);
}

// Catalog entries written after the last flush were never synced; a power loss may leave
// a hole there. Recovery truncates it and WAL replay re-derives the same client ids.
TEST(EngineTest, UnsyncedCatalogDamageIsRederivedFromWal) {
  TempDir dir;
  EngineOptions o = Options(dir.path());
  o.flush_on_close = false;
  std::vector<Event> events;
  for (int i = 0; i < 3000; ++i) {
    Event e = MakeEvent(i);
    e.client_id = "client-" + std::to_string(i);  // every event brings a new client
    events.push_back(std::move(e));
  }
  uint64_t catalog_size_after_flush = 0;
  {
    auto db = Engine::Open(o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(0, 1000)).ok());
    ASSERT_TRUE((*db)->Flush().ok());
    catalog_size_after_flush = *storage::FileSize(storage::JoinPath(dir.path(), "catalog.log"));
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(1000, 1000)).ok());
    ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(2000)).ok());
  }
  // Zero a block in the middle of the unsynced part: a hole followed by good records.
  std::string path = storage::JoinPath(dir.path(), "catalog.log");
  auto content = storage::ReadFileToString(path);
  ASSERT_TRUE(content.ok());
  ASSERT_GT(content->size(), catalog_size_after_flush + 200);
  for (size_t i = catalog_size_after_flush + 20; i < catalog_size_after_flush + 60; ++i)
    (*content)[i] = 0;
  ASSERT_TRUE(storage::WriteFileAtomic(path, *content).ok());

  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_FALSE((*db)->recovery_report().torn_tails.empty());
  ScanSpec spec;
  spec.columns = {kColMerchant, kColClient, kColEventId};
  Scanner scanner((*db)->GetSnapshot(), spec);
  ColumnBatch batch;
  size_t rows = 0;
  while (scanner.Next(&batch)) {
    for (size_t r = 0; r < batch.rows; ++r, ++rows) {
      std::string id(batch.columns[2].dict.value(batch.columns[2].codes[r]));
      int i = std::stoi(id.substr(2));
      uint32_t m = static_cast<uint32_t>(batch.columns[0].ints[r]);
      EXPECT_EQ((*db)->catalog().ClientName(m, static_cast<uint32_t>(batch.columns[1].ints[r])),
                "client-" + std::to_string(i));
    }
  }
  ASSERT_TRUE(scanner.status().ok()) << scanner.status();
  EXPECT_EQ(rows, events.size());
}

// Damage before the synced size would lose ids that segments use: DataLoss.
TEST(EngineTest, CatalogDamageBeforeCheckpointIsDataLoss) {
  TempDir dir;
  std::vector<Event> events;
  for (int i = 0; i < 500; ++i) events.push_back(MakeEvent(i));
  {
    auto db = Engine::Open(Options(dir.path()));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Append(events).ok());
    ASSERT_TRUE((*db)->Flush().ok());
  }
  std::string path = storage::JoinPath(dir.path(), "catalog.log");
  auto content = storage::ReadFileToString(path);
  ASSERT_TRUE(content.ok());
  (*content)[content->size() / 2] ^= 0x40;
  ASSERT_TRUE(storage::WriteFileAtomic(path, *content).ok());
  auto db = Engine::Open(Options(dir.path()));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_NE(db.status().message().find("catalog.log"), std::string::npos) << db.status();
}

TEST(EngineTest, SecondOpenOfSameDirectoryFails) {
  TempDir dir;
  auto db = Engine::Open(Options(dir.path()));
  ASSERT_TRUE(db.ok());
  auto second = Engine::Open(Options(dir.path()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
}

TEST(EngineTest, CorruptSegmentIsDataLossNamingTheFile) {
  TempDir dir;
  std::vector<Event> events;
  for (int i = 0; i < 500; ++i) events.push_back(MakeEvent(i));
  std::string seg_path;
  {
    auto db = Engine::Open(Options(dir.path()));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Append(events).ok());
    ASSERT_TRUE((*db)->Flush().ok());
    seg_path = (*db)->GetSnapshot()->segments.at(0)->path();
  }
  // Flip one byte in the middle of the data blocks.
  auto content = storage::ReadFileToString(seg_path);
  ASSERT_TRUE(content.ok());
  (*content)[content->size() / 3] ^= 0x5a;
  ASSERT_TRUE(storage::WriteFileAtomic(seg_path, *content).ok());

  auto db = Engine::Open(Options(dir.path()));
  absl::Status status;
  if (!db.ok()) {
    status = db.status();
  } else {
    ScanSpec spec;
    spec.columns = {kColMerchant, kColTs,      kColEvent,  kColClient,  kColPage,
                    kColValue,    kColEventId, kColParams, kColCountry, kColDevice};
    Scanner scanner((*db)->GetSnapshot(), spec);
    ColumnBatch batch;
    while (scanner.Next(&batch)) {
    }
    status = scanner.status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_NE(status.message().find(seg_path), std::string::npos) << status;
}

TEST(EngineTest, ScanPrunesByMerchantTimeAndIndexExactly) {
  TempDir dir;
  std::vector<Event> events;
  for (int i = 0; i < 6000; ++i) events.push_back(MakeEvent(i, 9));
  auto db = Engine::Open(Options(dir.path()));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(0, 4000)).ok());
  ASSERT_TRUE((*db)->Flush().ok());
  ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(4000)).ok());

  uint32_t m3 = *(*db)->catalog().FindMerchant("shop-3");
  ScanSpec spec;
  spec.merchants = {m3};
  spec.min_ts = kDay0 + 20000 * int64_t{1000000};
  spec.max_ts = kDay0 + 150000 * int64_t{1000000};
  spec.predicates = {ScanPredicate::In(kColEvent, {"purchase", "click"}),
                     ScanPredicate::In(kColCountry, {"US"})};
  auto got = ScanAll(**db, spec);
  size_t expected = 0;
  for (const Event& e : events) {
    if (e.merchant == "shop-3" && e.ts_us >= spec.min_ts && e.ts_us <= spec.max_ts &&
        (e.event == "purchase" || e.event == "click") && e.country == "US") {
      ++expected;
      EXPECT_EQ(got.count(e.event_id), 1u) << e.event_id;
    }
  }
  EXPECT_EQ(got.size(), expected);
  EXPECT_GT(expected, 0u);
}

TEST(EngineTest, ConcurrentWritersAndReaders) {
  TempDir dir;
  EngineOptions o = Options(dir.path());
  o.memtable_max_rows = 700;  // force many flushes while writing
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok());
  constexpr int kThreads = 4, kPerThread = 2000;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      size_t n = ScanAll(**db).size();
      EXPECT_LE(n, size_t{kThreads * kPerThread});
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; i += 50) {
        std::vector<Event> batch;
        for (int j = i; j < i + 50; ++j) {
          Event e = MakeEvent(t * kPerThread + j);
          batch.push_back(std::move(e));
        }
        ASSERT_TRUE((*db)->Append(batch).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  reader.join();
  ASSERT_TRUE((*db)->Flush().ok());
  auto all = ScanAll(**db);
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
  EXPECT_GT((*db)->stats().flushes, 3u);
}

// A flush publishes its segments and retires its memtable in one step: a snapshot taken
// at any moment holds every acknowledged event exactly once, never a memtable together
// with the segments written from it.
TEST(EngineTest, SnapshotsRacingFlushesSeeEveryEventOnce) {
  TempDir dir;
  EngineOptions o = Options(dir.path());
  o.memtable_max_rows = 500;  // a flush every few batches
  auto db = Engine::Open(o);
  ASSERT_TRUE(db.ok());
  constexpr int kEvents = 30000, kBatch = 100;
  std::atomic<uint64_t> acked{0};
  std::atomic<bool> stop{false};
  std::atomic<int> checks{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const uint64_t before = acked.load();
      Scanner scanner((*db)->GetSnapshot(), ScanSpec{});  // no columns: counts only
      ColumnBatch batch;
      uint64_t rows = 0;
      while (scanner.Next(&batch)) rows += batch.rows;
      const uint64_t after = acked.load();
      ASSERT_TRUE(scanner.status().ok()) << scanner.status();
      ASSERT_GE(rows, before);
      // An append is visible just before it returns, so one batch may run ahead of `after`;
      // a memtable counted twice is hundreds of rows.
      ASSERT_LE(rows, after + kBatch) << "a snapshot counted events twice";
      checks++;
    }
  });
  for (int i = 0; i < kEvents; i += kBatch) {
    std::vector<Event> batch;
    for (int j = i; j < i + kBatch; ++j) batch.push_back(MakeEvent(j));
    ASSERT_TRUE((*db)->Append(batch).ok());
    acked += kBatch;
  }
  stop = true;
  reader.join();
  EXPECT_GT(checks.load(), 10);
  EXPECT_GT((*db)->stats().flushes, 10u);
  auto all = ScanAll(**db);
  EXPECT_EQ(all.size(), size_t{kEvents});
}

}  // namespace
}  // namespace strata::engine
