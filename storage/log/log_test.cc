#include <sys/mman.h>

#include <random>
#include <string>
#include <vector>

#include "common/crc32c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/log.h"
#include "storage/log/test_util.h"

namespace strata::storage {
namespace {

using ::testing::HasSubstr;
using testing::ReadAll;
using testing::ScopedTempDir;
using testing::WriteAll;

struct Rec {
  uint8_t type;
  std::string payload;
  uint64_t offset;
  bool operator==(const Rec&) const = default;
};

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Appends `payloads` (type = index % 7) and returns the records with their offsets.
std::vector<Rec> WriteRecords(const std::string& path, const std::vector<std::string>& payloads) {
  auto writer = LogWriter::Open(path);
  EXPECT_TRUE(writer.ok()) << writer.status();
  std::vector<Rec> recs;
  for (size_t i = 0; i < payloads.size(); ++i) {
    uint64_t offset = (*writer)->size();
    uint8_t type = static_cast<uint8_t>(i % 7);
    EXPECT_TRUE((*writer)->AddRecord(type, payloads[i]).ok());
    recs.push_back({type, payloads[i], offset});
  }
  EXPECT_TRUE((*writer)->Sync().ok());
  return recs;
}

struct ReadBack {
  absl::Status status;
  LogReadResult result;
  std::vector<Rec> recs;
};

ReadBack Read(const std::string& path, bool recover = false) {
  ReadBack out;
  auto fn = [&](uint8_t type, std::string_view payload, uint64_t offset) {
    out.recs.push_back({type, std::string(payload), offset});
    return absl::OkStatus();
  };
  auto r = recover ? RecoverLog(path, fn) : ReadLog(path, fn);
  out.status = r.status();
  if (r.ok()) out.result = *r;
  return out;
}

std::vector<Rec> Prefix(const std::vector<Rec>& recs, size_t n) {
  return std::vector<Rec>(recs.begin(), recs.begin() + static_cast<ptrdiff_t>(n));
}

std::vector<std::string> MixedPayloads(std::mt19937_64& rng) {
  std::vector<std::string> payloads;
  for (int i = 0; i < 500; ++i) {
    size_t n = (i % 10 == 0) ? 0 : rng() % 300;
    payloads.push_back(RandomBytes(rng, n));
  }
  payloads.push_back(RandomBytes(rng, 3 << 20));  // a large record
  payloads.push_back("");
  payloads.push_back("tail");
  return payloads;
}

TEST(LogTest, RoundTripsManyRecordsIncludingEmptyAndLarge) {
  ScopedTempDir dir;
  std::mt19937_64 rng(1);
  std::string path = dir.File("log");
  std::vector<Rec> recs = WriteRecords(path, MixedPayloads(rng));
  ReadBack back = Read(path);
  ASSERT_TRUE(back.status.ok()) << back.status;
  EXPECT_EQ(back.recs, recs);
  EXPECT_EQ(back.result.records, recs.size());
  EXPECT_EQ(back.result.valid_bytes, ReadAll(path).size());
  EXPECT_EQ(back.result.torn_bytes, 0u);
  EXPECT_EQ(back.result.torn_reason, "");
}

TEST(LogTest, FrameLayoutMatchesTheDocumentedFormat) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  WriteRecords(path, {"abc"});
  std::string bytes = ReadAll(path);
  ASSERT_EQ(bytes.size(), kLogHeaderSize + 3);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x03\x00\x00\x00", 4));
  uint32_t crc =
      crc32c::Mask(crc32c::Value(std::string("\x00"
                                             "abc",
                                             4)));
  std::string crc_bytes(reinterpret_cast<const char*>(&crc), 4);
  EXPECT_EQ(bytes.substr(4, 4), crc_bytes);
  EXPECT_EQ(bytes[8], '\x00');  // type of record 0
  EXPECT_EQ(bytes.substr(9), "abc");
}

TEST(LogTest, BatchAppendEqualsSingleAppends) {
  ScopedTempDir dir;
  std::vector<std::string> payloads = {"one", "", std::string(100000, 'x'), "four"};
  WriteRecords(dir.File("single"), payloads);
  auto writer = LogWriter::Open(dir.File("batch"));
  ASSERT_TRUE(writer.ok());
  std::vector<LogRecord> batch;
  for (size_t i = 0; i < payloads.size(); ++i) {
    batch.push_back({static_cast<uint8_t>(i % 7), payloads[i]});
  }
  ASSERT_TRUE((*writer)->AddRecords(batch).ok());
  ASSERT_TRUE((*writer)->AddRecords({}).ok());
  EXPECT_EQ(ReadAll(dir.File("batch")), ReadAll(dir.File("single")));
}

TEST(LogTest, ReopenedWriterAppendsAfterExistingRecords) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::vector<Rec> first = WriteRecords(path, {"a", "bb"});
  auto writer = LogWriter::Open(path);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->size(), first.back().offset + kLogHeaderSize + 2);
  ASSERT_TRUE((*writer)->AddRecord(9, "ccc").ok());
  ReadBack back = Read(path);
  ASSERT_TRUE(back.status.ok());
  ASSERT_EQ(back.recs.size(), 3u);
  EXPECT_EQ(back.recs[2], (Rec{9, "ccc", 2 * kLogHeaderSize + 3}));
}

TEST(LogTest, CreateDiscardsOldContent) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  WriteRecords(path, {"old"});
  auto writer = LogWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->size(), 0u);
  EXPECT_EQ(ReadAll(path), "");
}

// A readable mapping of `n` zero bytes that costs no memory until touched.
class ZeroPages {
 public:
  explicit ZeroPages(size_t n) : size_(n) {
    addr_ = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  ~ZeroPages() { ::munmap(addr_, size_); }
  std::string_view view() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  size_t size_;
  void* addr_;
};

TEST(LogTest, RejectsOversizedRecordsWithoutWriting) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  auto writer = LogWriter::Open(path);
  ASSERT_TRUE(writer.ok());
  ZeroPages huge(size_t{kMaxLogRecordSize} + 1);
  absl::Status s = (*writer)->AddRecord(1, huge.view());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("exceeds the limit"));
  std::vector<LogRecord> batch = {{1, "fine"}, {1, huge.view()}};
  EXPECT_EQ((*writer)->AddRecords(batch).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->size(), 0u);
  EXPECT_TRUE((*writer)->AddRecord(1, "after").ok());  // the writer is still usable
  EXPECT_EQ(Read(path).recs.size(), 1u);
}

TEST(LogTest, FailedAppendThatCannotBeCutBackMakesTheWriterRefuseFurtherCalls) {
  // /dev/full fails every write with ENOSPC and cannot be truncated.
  auto writer = LogWriter::Open("/dev/full");
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->AddRecord(1, "x").code(), absl::StatusCode::kResourceExhausted);
  absl::Status again = (*writer)->AddRecord(1, "y");
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("recover the log"));
  EXPECT_EQ((*writer)->Sync().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LogTest, EmptyAndMissingFiles) {
  ScopedTempDir dir;
  WriteAll(dir.File("empty"), "");
  ReadBack empty = Read(dir.File("empty"));
  ASSERT_TRUE(empty.status.ok());
  EXPECT_EQ(empty.result.records, 0u);
  EXPECT_EQ(empty.result.torn_bytes, 0u);
  EXPECT_EQ(Read(dir.File("missing")).status.code(), absl::StatusCode::kNotFound);
}

TEST(LogTest, CallbackErrorStopsReading) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  WriteRecords(path, {"a", "b", "c"});
  int calls = 0;
  auto r = ReadLog(path, [&](uint8_t, std::string_view payload, uint64_t) {
    ++calls;
    return payload == "b" ? absl::AbortedError("stop at b") : absl::OkStatus();
  });
  EXPECT_EQ(r.status(), absl::AbortedError("stop at b"));
  EXPECT_EQ(calls, 2);
}

// Cuts the file at every byte inside the last record: the reader must return exactly the
// earlier records and describe the tail; recovery must truncate so a new append reads back.
TEST(LogTest, TornTailAtEveryOffsetOfTheLastRecord) {
  ScopedTempDir dir;
  std::mt19937_64 rng(2);
  std::vector<std::string> payloads = {"first", "", RandomBytes(rng, 500), RandomBytes(rng, 120)};
  std::string full_path = dir.File("full");
  std::vector<Rec> recs = WriteRecords(full_path, payloads);
  std::string full = ReadAll(full_path);
  uint64_t last = recs.back().offset;
  for (uint64_t cut = last + 1; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    std::string path = dir.File("cut");
    WriteAll(path, std::string_view(full).substr(0, cut));
    ReadBack back = Read(path);
    ASSERT_TRUE(back.status.ok()) << back.status;
    EXPECT_EQ(back.recs, Prefix(recs, 3));
    EXPECT_EQ(back.result.valid_bytes, last);
    EXPECT_EQ(back.result.torn_bytes, cut - last);
    EXPECT_NE(back.result.torn_reason, "");

    ReadBack recovered = Read(path, /*recover=*/true);
    ASSERT_TRUE(recovered.status.ok());
    EXPECT_EQ(recovered.result.torn_bytes, cut - last);
    EXPECT_EQ(ReadAll(path).size(), last);
    auto writer = LogWriter::Open(path);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->AddRecord(5, "again").ok());
    ReadBack after = Read(path);
    ASSERT_TRUE(after.status.ok());
    std::vector<Rec> want = Prefix(recs, 3);
    want.push_back({5, "again", last});
    EXPECT_EQ(after.recs, want);
    EXPECT_EQ(after.result.torn_bytes, 0u);
  }
}

TEST(LogTest, TornReasonsNameTheDamage) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::string frame_start("\x10\x00\x00\x00", 4);
  WriteAll(path, frame_start);
  EXPECT_EQ(Read(path).result.torn_reason, "header past end of file");
  WriteAll(path, frame_start + std::string(5, '\x01') + "short");
  EXPECT_EQ(Read(path).result.torn_reason, "length past end of file");
  WriteAll(path, std::string("\xff\xff\xff\x7f", 4) + std::string(20, '\x01'));
  EXPECT_EQ(Read(path).result.torn_reason, "length exceeds kMaxLogRecordSize");
  WriteAll(path, std::string("\x02\x00\x00\x00", 4) + std::string(7, '\x01'));
  EXPECT_EQ(Read(path).result.torn_reason, "CRC mismatch");
}

TEST(LogTest, ZerosAfterTheLastRecordAreATornTail) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::vector<Rec> recs = WriteRecords(path, {"a", "bb", "ccc"});
  uint64_t valid = ReadAll(path).size();
  std::string bytes = ReadAll(path) + std::string(8192, '\0');
  WriteAll(path, bytes);
  ReadBack back = Read(path, /*recover=*/true);
  ASSERT_TRUE(back.status.ok()) << back.status;
  EXPECT_EQ(back.recs, recs);
  EXPECT_EQ(back.result.valid_bytes, valid);
  EXPECT_EQ(back.result.torn_bytes, 8192u);
  EXPECT_THAT(back.result.torn_reason, HasSubstr("zero-filled tail"));
  EXPECT_EQ(ReadAll(path).size(), valid);
}

TEST(LogTest, ZerosFollowedByAValidRecordAreCorruption) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  WriteRecords(path, {"a"});
  std::string head = ReadAll(path);
  WriteRecords(dir.File("b"), {"b"});
  WriteAll(path, head + std::string(4096, '\0') + ReadAll(dir.File("b")));
  ReadBack back = Read(path);
  EXPECT_EQ(back.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(back.status.message(),
              HasSubstr("corrupt record at offset " + std::to_string(head.size())));
}

TEST(LogTest, RandomGarbageAfterTheLastRecordIsATornTail) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::vector<Rec> recs = WriteRecords(path, {"a", "bb", std::string(1000, 'c')});
  std::string good = ReadAll(path);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    WriteAll(path, good + RandomBytes(rng, 1 + rng() % 5000));
    ReadBack back = Read(path, /*recover=*/true);
    ASSERT_TRUE(back.status.ok()) << back.status;
    EXPECT_EQ(back.recs, recs);
    EXPECT_EQ(back.result.valid_bytes, good.size());
    EXPECT_EQ(ReadAll(path), good);
  }
}

// Flips each byte of a middle record (header and payload) in turn: always DataLoss at
// that record's offset, because valid records follow.
TEST(LogTest, FlippedByteInAMiddleRecordIsDataLossWithTheOffset) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::mt19937_64 rng(3);
  std::vector<Rec> recs =
      WriteRecords(path, {"first", RandomBytes(rng, 40), RandomBytes(rng, 200), "last"});
  std::string good = ReadAll(path);
  uint64_t begin = recs[1].offset;
  uint64_t end = recs[2].offset;
  for (uint64_t i = begin; i < end; ++i) {
    SCOPED_TRACE(i);
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    WriteAll(path, bad);
    ReadBack back = Read(path);
    EXPECT_EQ(back.status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(back.status.message(),
                HasSubstr("log " + path + ": corrupt record at offset " + std::to_string(begin)));
    EXPECT_EQ(back.recs, Prefix(recs, 1));  // records before the damage were delivered
  }
}

TEST(LogTest, FlippedByteInTheLastRecordIsATornTail) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::vector<Rec> recs = WriteRecords(path, {"first", "second", std::string(300, 'z')});
  std::string good = ReadAll(path);
  for (uint64_t i = recs[2].offset; i < good.size(); i += 7) {
    SCOPED_TRACE(i);
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    WriteAll(path, bad);
    ReadBack back = Read(path, /*recover=*/true);
    ASSERT_TRUE(back.status.ok()) << back.status;
    EXPECT_EQ(back.recs, Prefix(recs, 2));
    EXPECT_EQ(back.result.torn_bytes, good.size() - recs[2].offset);
    EXPECT_EQ(ReadAll(path).size(), recs[2].offset);
  }
}

// A damaged length field hides where the next record starts; the forward scan must still
// find a long valid record (checked through the range-CRC path) and report corruption.
TEST(LogTest, DamagedLengthBeforeALongRecordIsFoundByTheScan) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::mt19937_64 rng(4);
  std::vector<Rec> recs = WriteRecords(path, {RandomBytes(rng, 100), RandomBytes(rng, 70000)});
  std::string bad = ReadAll(path);
  bad[0] = '\x7f';  // length 127: points into the next record's payload
  WriteAll(path, bad);
  ReadBack back = Read(path);
  EXPECT_EQ(back.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(back.status.message(),
              HasSubstr("corrupt record at offset 0 (CRC mismatch); a valid record follows at "
                        "offset " +
                        std::to_string(recs[1].offset)));
}

// A crash in the middle of a multi-megabyte append leaves megabytes of random payload; the
// damage scan over it must stay near-linear (the naive scan is cubic in the tail size).
TEST(LogTest, LargeRandomTornTailIsClassifiedQuickly) {
  ScopedTempDir dir;
  std::string path = dir.File("log");
  std::mt19937_64 rng(5);
  std::vector<Rec> recs = WriteRecords(path, {"a", RandomBytes(rng, 24 << 20)});
  std::string bytes = ReadAll(path);
  WriteAll(path, std::string_view(bytes).substr(0, bytes.size() - 1));
  auto start = std::chrono::steady_clock::now();
  ReadBack back = Read(path);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(back.status.ok()) << back.status;
  EXPECT_EQ(back.recs, Prefix(recs, 1));
  EXPECT_EQ(back.result.torn_bytes, bytes.size() - 1 - recs[1].offset);
  EXPECT_LT(seconds, 30.0);  // generous for sanitizer builds; typically well under a second
}

}  // namespace
}  // namespace strata::storage
