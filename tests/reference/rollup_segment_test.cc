// RollupSegment: schema check, corruption surfacing as DataLoss, concurrent lazy decode.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"
#include "gtest/gtest.h"
#include "tests/reference/rollup_test_util.h"

namespace strata::engine {
namespace {

using rollup_internal::kRollCount;
using rollup_internal::kRollUsers;
using rollup_test::ExpectSegmentMatches;
using rollup_test::FlushGeneratorEvents;
using rollup_test::ReferenceEventCells;

void FlipByte(const std::string& path, uint64_t offset) {
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  char c = 0;
  ASSERT_EQ(::pread(fd, &c, 1, static_cast<off_t>(offset)), 1);
  c = static_cast<char>(c ^ 0x5a);
  ASSERT_EQ(::pwrite(fd, &c, 1, static_cast<off_t>(offset)), 1);
  ::close(fd);
}

class RollupSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ingest::GeneratorOptions g;
    g.events = 40000;
    g.merchants = 30;
    g.days = 1;
    g.seed = 21;
    part_ = std::move(FlushGeneratorEvents(g).parts.at(0));
    options_.min_rows = 64;
    auto built = BuildEventRollup(part_.columns, options_);
    ASSERT_TRUE(built.has_value());
    path_ = dir_.File("rollup.seg");
    auto summary = storage::WriteSegment(path_, RollupWriterOptions(), *built);
    ASSERT_TRUE(summary.ok()) << summary.status();
  }

  std::unique_ptr<storage::SegmentReader> OpenReader() {
    auto reader = storage::SegmentReader::Open(path_);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  TempDir dir_;
  FlushPart part_;
  RollupBuildOptions options_;
  std::string path_;
};

TEST_F(RollupSegmentTest, RejectsOtherSchemas) {
  std::string events_path = dir_.File("events.seg");
  storage::SegmentWriterOptions o;
  ASSERT_TRUE(storage::WriteSegment(events_path, o, part_.columns).ok());
  auto reader = storage::SegmentReader::Open(events_path);
  ASSERT_TRUE(reader.ok());
  auto seg = RollupSegment::Open(reader->get());
  EXPECT_EQ(seg.status().code(), absl::StatusCode::kDataLoss);

  auto good = OpenReader();
  ASSERT_NE(good, nullptr);
  EXPECT_TRUE(RollupSegment::Open(good.get()).ok());
}

TEST_F(RollupSegmentTest, AbsentKeysAreEmpty) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  auto seg = RollupSegment::Open(reader.get());
  ASSERT_TRUE(seg.ok());
  EXPECT_FALSE((*seg)->Covers(1000000));
  EXPECT_FALSE((*seg)->Covers(1u << 27));
  auto cells = (*seg)->Cells(1000000, RollupGrain::kDay, kCubeEvents);
  ASSERT_TRUE(cells.ok());
  EXPECT_TRUE(cells->empty());
  cells = (*seg)->Cells(1u << 30, RollupGrain::kDay, kCubeEvents);
  ASSERT_TRUE(cells.ok());
  EXPECT_TRUE(cells->empty());
}

TEST_F(RollupSegmentTest, CorruptBlockIsDataLoss) {
  std::unique_ptr<storage::SegmentReader> reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  // The merchant whose count column lives in the last block.
  const storage::BlockInfo& block = reader->columns()[kRollCount].blocks.back();
  const storage::KeyRange* victim = nullptr;
  for (const storage::KeyRange& k : reader->keys())
    if (k.row_begin + k.row_count > block.row_begin) victim = &k;
  ASSERT_NE(victim, nullptr);
  const uint32_t key = victim->key;
  const uint32_t merchant = key >> 5;
  const auto grain = static_cast<RollupGrain>(key >> 4 & 1);
  const auto cube = static_cast<RollupCube>(key & 15);
  FlipByte(path_, block.offset + block.stored_size / 2);

  reader = OpenReader();  // the footer is intact
  ASSERT_NE(reader, nullptr);
  auto seg = RollupSegment::Open(reader.get());
  ASSERT_TRUE(seg.ok());
  EXPECT_TRUE((*seg)->Covers(merchant));
  auto cells = (*seg)->Cells(merchant, grain, cube);
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kDataLoss) << cells.status();
  // An error is not cached: asking again fails again.
  EXPECT_EQ((*seg)->Cells(merchant, grain, cube).status().code(), absl::StatusCode::kDataLoss);
  // Keys in other blocks still read.
  const storage::KeyRange& first = reader->keys().front();
  if (first.row_begin + first.row_count <= block.row_begin) {
    auto ok = (*seg)->Cells(first.key >> 5, static_cast<RollupGrain>(first.key >> 4 & 1),
                            static_cast<RollupCube>(first.key & 15));
    EXPECT_TRUE(ok.ok()) << ok.status();
  }
}

TEST_F(RollupSegmentTest, CorruptUsersDictionaryIsDataLoss) {
  std::unique_ptr<storage::SegmentReader> reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  const storage::RegionInfo& dict = reader->columns()[kRollUsers].dictionary;
  FlipByte(path_, dict.offset + dict.stored_size / 3);
  reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  auto seg = RollupSegment::Open(reader.get());
  ASSERT_TRUE(seg.ok());
  const storage::KeyRange& k = reader->keys().front();
  auto cells = (*seg)->Cells(k.key >> 5, static_cast<RollupGrain>(k.key >> 4 & 1),
                             static_cast<RollupCube>(k.key & 15));
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kDataLoss) << cells.status();
}

TEST_F(RollupSegmentTest, ConcurrentCellsDecodeOnceAndAgree) {
  std::unique_ptr<storage::SegmentReader> reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  auto seg = RollupSegment::Open(reader.get());
  ASSERT_TRUE(seg.ok());
  const RollupSegment& s = **seg;
  std::vector<uint32_t> keys;
  for (const storage::KeyRange& k : reader->keys()) keys.push_back(k.key);
  ASSERT_GT(keys.size(), 40u);

  // Four threads read every key, each starting at a different offset, twice over.
  constexpr int kThreads = 4;
  std::vector<std::vector<const RollupCell*>> seen(kThreads,
                                                   std::vector<const RollupCell*>(keys.size()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round) {
        for (size_t i = 0; i < keys.size(); ++i) {
          size_t k = (i + t * keys.size() / kThreads) % keys.size();
          auto cells = s.Cells(keys[k] >> 5, static_cast<RollupGrain>(keys[k] >> 4 & 1),
                               static_cast<RollupCube>(keys[k] & 15));
          if (!cells.ok() || cells->empty()) {
            ++failures;
            continue;
          }
          if (round == 1 && seen[t][k] != cells->data()) ++failures;
          seen[t][k] = cells->data();
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t], seen[0]);  // one decode per key
  EXPECT_GT(ExpectSegmentMatches(*reader, s, ReferenceEventCells(part_.columns, options_)), 1000u);
}

}  // namespace
}  // namespace strata::engine
