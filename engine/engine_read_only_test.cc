// EngineOptions::read_only: sees everything a writer acknowledged, changes nothing on disk,
// shares the directory with other readers only, and says clearly who is in the way.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/scan.h"
#include "engine/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file.h"

namespace strata::engine {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDay0 = 1793491200000000;  // 2026-11-01T00:00:00Z

Event MakeEvent(int i) {
  Event e;
  e.merchant = "shop-" + std::to_string(i % 7);
  e.ts_us = kDay0 + int64_t{i} * 53'000'000;  // several days
  e.event = (i % 3 == 0) ? "click" : "page_view";
  e.client_id = "client-" + std::to_string(i);  // a new catalog id per event
  e.page = "/p/" + std::to_string(i % 11);
  e.event_id = "ev" + std::to_string(i);
  return e;
}

std::vector<Event> MakeEvents(int n) {
  std::vector<Event> events;
  for (int i = 0; i < n; ++i) events.push_back(MakeEvent(i));
  return events;
}

EngineOptions WriterOptions(const std::string& dir) {
  EngineOptions o;
  o.data_dir = dir;
  o.shards = 4;
  o.rows_per_block = 64;
  o.flush_on_close = false;  // leave WAL-only events behind
  return o;
}

EngineOptions ReaderOptions(const std::string& dir) {
  EngineOptions o;
  o.data_dir = dir;
  o.read_only = true;
  return o;
}

// Every file under `dir` (relative path -> bytes): equal maps mean nothing was created,
// deleted or changed.
std::map<std::string, std::string> DirContents(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    std::string rel = std::filesystem::relative(entry.path(), dir).string();
    if (entry.is_directory()) {
      out[rel + "/"] = "";
    } else {
      auto bytes = storage::ReadFileToString(entry.path().string());
      EXPECT_TRUE(bytes.ok()) << bytes.status();
      out[rel] = bytes.ok() ? *bytes : "";
    }
  }
  return out;
}

// event_id -> "merchant client", for every row the engine shows.
std::map<std::string, std::string> ScanIds(const Engine& db) {
  ScanSpec spec;
  spec.columns = {kColEventId, kColMerchant, kColClient};
  Scanner scanner(db.GetSnapshot(), spec);
  ColumnBatch batch;
  std::map<std::string, std::string> out;
  while (scanner.Next(&batch)) {
    const auto& c = batch.columns;
    for (size_t r = 0; r < batch.rows; ++r) {
      uint32_t merchant = static_cast<uint32_t>(c[1].ints[r]);
      std::string client = db.catalog().ClientName(merchant, static_cast<uint32_t>(c[2].ints[r]));
      out[std::string(c[0].dict.value(c[0].codes[r]))] =
          db.catalog().MerchantName(merchant) + " " + client;
    }
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  return out;
}

void ExpectAllEvents(const Engine& db, const std::vector<Event>& events) {
  std::map<std::string, std::string> rows = ScanIds(db);
  ASSERT_EQ(rows.size(), events.size());
  for (const Event& e : events) EXPECT_EQ(rows[e.event_id], e.merchant + " " + e.client_id);
}

// Half the events flushed to segments, half only in the WAL; the writer is closed.
void WriteFlushedAndWalOnly(const std::string& dir, const std::vector<Event>& events) {
  auto db = Engine::Open(WriterOptions(dir));
  ASSERT_TRUE(db.ok()) << db.status();
  size_t half = events.size() / 2;
  ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(0, half)).ok());
  ASSERT_TRUE((*db)->Flush().ok());
  ASSERT_TRUE((*db)->Append(absl::MakeConstSpan(events).subspan(half)).ok());
  ASSERT_TRUE((*db)->Close().ok());
}

TEST(EngineReadOnlyTest, SeesFlushedAndWalOnlyEventsAndChangesNoByte) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  std::vector<Event> events = MakeEvents(2000);
  WriteFlushedAndWalOnly(dir, events);
  const auto before = DirContents(dir);
  {
    auto db = Engine::Open(ReaderOptions(dir));
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_GT((*db)->recovery_report().segments, 0u);
    EXPECT_EQ((*db)->recovery_report().wal_events_replayed, 1000u);
    EXPECT_TRUE((*db)->recovery_report().torn_tails.empty());
    EXPECT_EQ((*db)->shard_count(), 4u);  // from the manifest, not the options' default
    ExpectAllEvents(**db, events);

    absl::Status append = (*db)->Append(absl::MakeConstSpan(events).subspan(0, 1));
    EXPECT_EQ(append.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(append.message(), "engine opened read-only");
    EXPECT_EQ((*db)->Flush().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE((*db)->Close().ok());
  }
  EXPECT_EQ(DirContents(dir), before);

  // The writer still finds every event once afterwards.
  auto db = Engine::Open(WriterOptions(dir));
  ASSERT_TRUE(db.ok()) << db.status();
  ExpectAllEvents(**db, events);
}

// Torn tails a crashed writer left are read around, reported, and left for the next
// writer to truncate.
TEST(EngineReadOnlyTest, TornTailsAreSkippedAndReportedNotTruncated) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  std::vector<Event> events = MakeEvents(600);
  WriteFlushedAndWalOnly(dir, events);
  std::string wal_dir = storage::JoinPath(dir, "wal");
  auto names = storage::ListDir(wal_dir);
  ASSERT_TRUE(names.ok());
  std::string wal_file;  // the one holding the WAL-only events
  for (const std::string& name : *names) {
    std::string path = storage::JoinPath(wal_dir, name);
    if (*storage::FileSize(path) > 0) wal_file = path;
  }
  ASSERT_FALSE(wal_file.empty());
  for (const std::string& path : {wal_file, storage::JoinPath(dir, "catalog.log")}) {
    auto f = storage::WritableFile::Open(path, /*truncate=*/false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(std::string("\x40\x00\x00\x00\x12\x34\x56\x78\x01partial", 16)).ok());
  }
  const auto before = DirContents(dir);
  {
    auto db = Engine::Open(ReaderOptions(dir));
    ASSERT_TRUE(db.ok()) << db.status();
    const auto& torn = (*db)->recovery_report().torn_tails;
    ASSERT_EQ(torn.size(), 2u);
    EXPECT_THAT(torn[0], HasSubstr("ignored (read-only) 16 bytes"));
    EXPECT_THAT(torn[0], HasSubstr("catalog.log"));
    EXPECT_THAT(torn[1], HasSubstr("ignored (read-only) 16 bytes"));
    EXPECT_THAT(torn[1], HasSubstr(wal_file));
    ExpectAllEvents(**db, events);
  }
  EXPECT_EQ(DirContents(dir), before);
}

// Client ids whose catalog entries were never synced are re-derived in memory from the
// WAL, exactly as a writer would, without rewriting the catalog.
TEST(EngineReadOnlyTest, LostCatalogEntriesAreRederivedInMemory) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  std::vector<Event> events = MakeEvents(1000);
  WriteFlushedAndWalOnly(dir, events);
  // Cut the catalog's last record short: it holds ids the WAL-only half created (written
  // after the flush's checkpoint, never synced).
  std::string path = storage::JoinPath(dir, "catalog.log");
  std::string content = *storage::ReadFileToString(path);
  ASSERT_TRUE(storage::WriteFileAtomic(path, content.substr(0, content.size() - 10)).ok());
  const auto before = DirContents(dir);
  {
    auto db = Engine::Open(ReaderOptions(dir));
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->recovery_report().torn_tails.size(), 1u);
    ExpectAllEvents(**db, events);
  }
  EXPECT_EQ(DirContents(dir), before);
}

TEST(EngineReadOnlyTest, WriterPresentIsAClearError) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  auto writer = Engine::Open(WriterOptions(dir));
  ASSERT_TRUE(writer.ok()) << writer.status();
  auto reader = Engine::Open(ReaderOptions(dir));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reader.status().message(),
              HasSubstr("data directory " + dir + " is in use by another Strata process (pid " +
                        std::to_string(::getpid())));
  EXPECT_THAT(reader.status().message(), HasSubstr("stop it"));
  EXPECT_THAT(reader.status().message(), HasSubstr("psql -h 127.0.0.1 -p 5433"));
}

TEST(EngineReadOnlyTest, ReaderPresentIsAClearErrorForAWriter) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  WriteFlushedAndWalOnly(dir, MakeEvents(10));
  auto reader = Engine::Open(ReaderOptions(dir));
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto writer = Engine::Open(WriterOptions(dir));
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(writer.status().message(),
              HasSubstr("data directory " + dir + " is open read-only by another Strata process"));
  EXPECT_THAT(writer.status().message(), HasSubstr("close it, then retry"));
  reader->reset();
  auto after = Engine::Open(WriterOptions(dir));
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST(EngineReadOnlyTest, TwoReadersAtOnce) {
  TempDir tmp;
  const std::string dir = tmp.File("data");
  std::vector<Event> events = MakeEvents(300);
  WriteFlushedAndWalOnly(dir, events);
  auto first = Engine::Open(ReaderOptions(dir));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Engine::Open(ReaderOptions(dir));
  ASSERT_TRUE(second.ok()) << second.status();
  ExpectAllEvents(**first, events);
  ExpectAllEvents(**second, events);
}

TEST(EngineReadOnlyTest, MissingOrEmptyDirectoryIsNotFoundAndNothingIsCreated) {
  TempDir tmp;
  auto missing = Engine::Open(ReaderOptions(tmp.File("none")));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no Strata data directory at " + tmp.File("none"));
  EXPECT_FALSE(storage::FileExists(tmp.File("none")));

  auto empty = Engine::Open(ReaderOptions(tmp.path()));
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(empty.status().message(), HasSubstr("no Strata data directory at " + tmp.path()));
  EXPECT_TRUE(DirContents(tmp.path()).empty());
}

}  // namespace
}  // namespace strata::engine
