// Every byte of a segment is covered by a check: flipping any one of them must surface as
// an error from Open, from the read of the damaged region, or from VerifyAll; never as
// different data.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <random>

#include "common/crc32c.h"
#include "gtest/gtest.h"
#include "storage/segment.h"
#include "storage/segment/footer.h"
#include "storage/segment/format.h"
#include "storage/segment/segment_test_util.h"

namespace strata::storage {
namespace {

using segment_test::RandomTable;
using segment_test::ScopedTempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Overwrites one byte in place. Rewriting whole files instead makes ext4 flush on every
// truncate-and-rewrite (auto_da_alloc), which turns this test from seconds into minutes.
void PatchByte(const std::string& path, size_t offset, char value) {
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, &value, 1, static_cast<off_t>(offset)), 1);
  ::close(fd);
}

// Opens `path` and touches everything: every block, dictionary and index, then VerifyAll.
absl::Status OpenAndReadEverything(const std::string& path) {
  auto r = SegmentReader::Open(path);
  if (!r.ok()) return r.status();
  const SegmentReader& reader = **r;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  for (size_t col = 0; col < reader.columns().size(); ++col) {
    const ColumnInfo& c = reader.columns()[col];
    int i = static_cast<int>(col);
    for (size_t b = 0; b < c.blocks.size(); ++b) {
      absl::Status s = c.schema.type == ColumnType::kDouble ? reader.ReadDoubles(i, b, &doubles)
                                                            : reader.ReadInts(i, b, &ints);
      if (!s.ok()) return s;
    }
    if (c.schema.type == ColumnType::kString) {
      if (auto d = reader.GetDictionary(i); !d.ok()) return d.status();
    }
    if (c.index.has_value()) {
      if (auto x = reader.IndexBitmap(i, 0); !x.ok()) return x.status();
    }
  }
  return reader.VerifyAll();
}

class SegmentCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_ = RandomTable(42, 40, 3);
    opt_.rows_per_block = 16;
    opt_.compression = Compression::kLz4;
    path_ = dir_.File("good.seg");
    ASSERT_TRUE(WriteSegment(path_, opt_, table_).ok());
    good_ = ReadAll(path_);
    ASSERT_TRUE(OpenAndReadEverything(path_).ok());
  }

  ScopedTempDir dir_;
  std::vector<ColumnInput> table_;
  SegmentWriterOptions opt_;
  std::string path_;
  std::string good_;
};

TEST_F(SegmentCorruptionTest, EveryFlippedByteIsDetected) {
  const size_t version_at = good_.size() - segment::kTrailerSize + 16;
  std::string bad_path = dir_.File("bad.seg");
  WriteAll(bad_path, good_);
  for (uint8_t pattern : {0x01, 0x80, 0xff}) {
    for (size_t off = 0; off < good_.size(); ++off) {
      PatchByte(bad_path, off, static_cast<char>(good_[off] ^ pattern));
      absl::Status s = OpenAndReadEverything(bad_path);
      PatchByte(bad_path, off, good_[off]);
      ASSERT_FALSE(s.ok()) << "undetected flip ^" << int{pattern} << " at offset " << off << " of "
                           << good_.size();
      bool in_version = off >= version_at && off < version_at + 4;
      ASSERT_EQ(s.code(),
                in_version ? absl::StatusCode::kFailedPrecondition : absl::StatusCode::kDataLoss)
          << "offset " << off << ": " << s;
      ASSERT_NE(s.message().find("segment " + bad_path), std::string::npos) << s;
    }
  }
  EXPECT_TRUE(OpenAndReadEverything(bad_path).ok());
}

TEST_F(SegmentCorruptionTest, DamageStaysLocalAndIsNamed) {
  auto r = SegmentReader::Open(path_);
  ASSERT_TRUE(r.ok());
  const BlockInfo& block = (*r)->columns()[1].blocks[1];
  const RegionInfo& dict = (*r)->columns()[5].dictionary;
  const RegionInfo& index = *(*r)->columns()[4].index;

  std::string bad = good_;
  bad[block.offset + 1] ^= 0x10;
  bad[dict.offset] ^= 0x10;
  bad[index.offset + index.stored_size - 1] ^= 0x10;
  std::string bad_path = dir_.File("bad.seg");
  WriteAll(bad_path, bad);
  auto damaged = SegmentReader::Open(bad_path);
  ASSERT_TRUE(damaged.ok()) << damaged.status();  // the footer is intact

  std::vector<int64_t> ints;
  absl::Status s = (*damaged)->ReadInts(1, 1, &ints);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "segment " + bad_path + ": column ts block 1 at offset " +
                             std::to_string(block.offset) + ": checksum mismatch");
  EXPECT_TRUE((*damaged)->ReadInts(1, 0, &ints).ok());
  EXPECT_TRUE((*damaged)->ReadInts(1, 2, &ints).ok());

  auto d = (*damaged)->GetDictionary(5);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(d.status().message(), "segment " + bad_path + ": column page dictionary at offset " +
                                      std::to_string(dict.offset) + ": checksum mismatch");
  EXPECT_TRUE((*damaged)->GetDictionary(6).ok());

  auto x = (*damaged)->IndexBitmap(4, 0);
  EXPECT_EQ(x.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(x.status().message().find("column country index at offset"), std::string::npos);
  EXPECT_TRUE((*damaged)->IndexBitmap(6, 0).ok());
  EXPECT_EQ((*damaged)->VerifyAll().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SegmentCorruptionTest, UnknownVersionIsFailedPrecondition) {
  std::string bad = good_;
  size_t version_at = good_.size() - segment::kTrailerSize + 16;
  bad[version_at] = 2;
  std::string bad_path = dir_.File("v2.seg");
  WriteAll(bad_path, bad);
  auto r = SegmentReader::Open(bad_path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("unsupported segment format version 2"), std::string::npos)
      << r.status();
}

TEST_F(SegmentCorruptionTest, TruncatedOrExtendedFilesFailToOpen) {
  std::string bad_path = dir_.File("short.seg");
  WriteAll(bad_path, good_);
  for (size_t len = good_.size(); len-- > 0;) {
    ASSERT_EQ(::truncate(bad_path.c_str(), static_cast<off_t>(len)), 0);
    auto r = SegmentReader::Open(bad_path);
    ASSERT_FALSE(r.ok()) << "length " << len;
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  }
  WriteAll(bad_path, good_ + "x");
  EXPECT_EQ(SegmentReader::Open(bad_path).status().code(), absl::StatusCode::kDataLoss);
  // A valid trailer moved onto a longer file: footer offset no longer ends at the trailer.
  std::string longer = good_.substr(0, good_.size() - segment::kTrailerSize) + "pad" +
                       good_.substr(good_.size() - segment::kTrailerSize);
  WriteAll(bad_path, longer);
  auto r = SegmentReader::Open(bad_path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("do not end at the trailer"), std::string::npos)
      << r.status();
}

// Replaces a region's stored bytes with random garbage and then repairs every checksum
// (region CRC in the footer, footer CRC in the trailer), as a buggy writer or a
// malicious file would. The decoders behind the CRC must still answer DataLoss, not crash.
struct StoredBytes {
  uint64_t offset;
  uint32_t size;
  uint32_t* crc;  // the footer field to repair
};
StoredBytes Of(RegionInfo& r) { return {r.offset, r.stored_size, &r.crc}; }
StoredBytes Of(BlockInfo& b) { return {b.offset, b.stored_size, &b.crc}; }

struct GarbageTarget {
  const char* name;
  std::function<StoredBytes(segment::Footer&)> pick;
  std::function<absl::Status(const SegmentReader&)> read;
};

class GarbageWithValidChecksums : public SegmentCorruptionTest {
 protected:
  absl::Status Spoil(uint64_t seed, const GarbageTarget& target) {
    std::mt19937_64 rng(seed);
    segment::Trailer t;
    EXPECT_TRUE(segment::DecodeTrailer(
        std::string_view(good_).substr(good_.size() - segment::kTrailerSize), &t));
    segment::Footer f;
    segment::FooterContext ctx{path_, t.footer_offset};
    EXPECT_TRUE(segment::DecodeFooter(
                    std::string_view(good_).substr(t.footer_offset, t.footer_length), ctx, &f)
                    .ok());
    StoredBytes r = target.pick(f);
    std::string bad = good_.substr(0, t.footer_offset);
    for (uint32_t i = 0; i < r.size; ++i) bad[r.offset + i] = static_cast<char>(rng());
    *r.crc = crc32c::Mask(crc32c::Value(bad.data() + r.offset, r.size));
    std::string footer;
    segment::EncodeFooter(f, &footer);
    EXPECT_EQ(footer.size(), t.footer_length);  // CRCs are fixed-width
    t.footer_crc = crc32c::Mask(crc32c::Value(footer));
    bad += footer;
    segment::EncodeTrailer(t, &bad);
    // A fresh name each time: truncating and rewriting one file makes ext4 flush it.
    std::filesystem::remove(last_path_);
    last_path_ = dir_.File("garbage" + std::to_string(files_++) + ".seg");
    WriteAll(last_path_, bad);
    auto reader = SegmentReader::Open(last_path_);
    if (!reader.ok()) return reader.status();
    return target.read(**reader);
  }

  std::string last_path_;
  int files_ = 0;
};

TEST_F(GarbageWithValidChecksums, BlocksDictionariesAndIndexesFailCleanly) {
  const GarbageTarget targets[] = {
      {"int block", [](segment::Footer& f) { return Of(f.columns[2].blocks[0]); },
       [](const SegmentReader& r) {
         std::vector<int64_t> ints;
         return r.ReadInts(2, 0, &ints);
       }},
      {"double block", [](segment::Footer& f) { return Of(f.columns[3].blocks[1]); },
       [](const SegmentReader& r) {
         std::vector<double> doubles;
         return r.ReadDoubles(3, 1, &doubles);
       }},
      {"dictionary", [](segment::Footer& f) { return Of(f.columns[5].dictionary); },
       [](const SegmentReader& r) { return r.GetDictionary(5).status(); }},
      {"index", [](segment::Footer& f) { return Of(*f.columns[4].index); },
       [](const SegmentReader& r) { return r.IndexBitmap(4, 0).status(); }},
  };
  for (const GarbageTarget& target : targets) {
    SCOPED_TRACE(target.name);
    int errors = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
      absl::Status s = Spoil(seed, target);
      if (s.ok()) continue;  // garbage that happens to decode: only the CRC could tell
      ++errors;
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
      ASSERT_EQ(s.message().find("checksum"), std::string::npos) << s;
      ASSERT_NE(s.message().find("segment " + last_path_ + ": column "), std::string::npos) << s;
    }
    EXPECT_GE(errors, 190);
  }
}

}  // namespace
}  // namespace strata::storage
