#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/log.h"
#include "storage/log/test_util.h"
#include "storage/manifest.h"

namespace strata::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadAll;
using testing::ScopedTempDir;
using testing::WriteAll;

SegmentMeta Meta(uint64_t id) {
  return SegmentMeta{.id = id,
                     .shard = static_cast<uint32_t>(id % 4),
                     .day = 19000,
                     .rows = id * 10,
                     .min_ts = -5,
                     .max_ts = 5,
                     .file_size = 100 + id,
                     .level = 1};
}

ManifestEdit AddEdit(uint64_t id) {
  ManifestEdit e;
  e.added = {Meta(id)};
  e.next_file_number = id + 1;
  e.wal_checkpoint = id * 100;
  e.properties["last"] = std::to_string(id);
  return e;
}

std::unique_ptr<Manifest> MustOpen(const std::string& dir, const ManifestOptions& options = {}) {
  auto m = Manifest::Open(dir, options);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? std::move(*m) : nullptr;
}

std::vector<std::string> Names(const std::string& dir) {
  auto names = ListDir(dir);
  EXPECT_TRUE(names.ok());
  return names.ok() ? *names : std::vector<std::string>{};
}

TEST(ManifestTest, OpenCreatesAnEmptyManifest) {
  ScopedTempDir dir;
  std::string db = dir.File("db");  // created by Open
  auto m = MustOpen(db);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->manifest_number(), 1u);
  EXPECT_EQ(m->state(), ManifestState{});
  EXPECT_EQ(m->torn_tail_report(), "");
  EXPECT_THAT(Names(db), ElementsAre("CURRENT", "MANIFEST-000001"));
  EXPECT_EQ(ReadAll(JoinPath(db, "CURRENT")), "MANIFEST-000001\n");
  // The first record is the empty edit: a bare 9-byte header.
  EXPECT_EQ(ReadAll(JoinPath(db, "MANIFEST-000001")).size(), kLogHeaderSize);
}

TEST(ManifestTest, ReopenGivesTheSameState) {
  ScopedTempDir dir;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path());
    for (uint64_t id = 1; id <= 20; ++id) ASSERT_TRUE(m->LogAndApply(AddEdit(id)).ok());
    ManifestEdit compact;
    compact.removed = {1, 2, 3};
    compact.added = {Meta(21)};
    compact.catalog_checkpoint = 9;
    ASSERT_TRUE(m->LogAndApply(compact).ok());
    expected = m->state();
    EXPECT_EQ(m->edits_in_file(), 22u);
  }
  EXPECT_EQ(expected.segments.size(), 18u);
  EXPECT_EQ(expected.next_file_number, 22u);
  auto m = MustOpen(dir.path());
  EXPECT_EQ(m->state(), expected);
  EXPECT_EQ(m->edits_in_file(), 22u);
  EXPECT_EQ(m->torn_tail_report(), "");
}

TEST(ManifestTest, BadEditIsInvalidArgumentAndWritesNothing) {
  ScopedTempDir dir;
  auto m = MustOpen(dir.path());
  ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
  ManifestState before = m->state();
  uint64_t size = ReadAll(dir.File("MANIFEST-000001")).size();
  ManifestEdit bad;
  bad.removed = {42};
  absl::Status s = m->LogAndApply(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("removes segment 42, which is not live"));
  EXPECT_EQ(m->state(), before);
  EXPECT_EQ(ReadAll(dir.File("MANIFEST-000001")).size(), size);
  EXPECT_TRUE(m->LogAndApply(AddEdit(2)).ok());  // still usable
}

TEST(ManifestTest, RewriteSwitchesCurrentAndDeletesTheOldManifest) {
  ScopedTempDir dir;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path());
    for (uint64_t id = 1; id <= 5; ++id) ASSERT_TRUE(m->LogAndApply(AddEdit(id)).ok());
    ASSERT_TRUE(m->Rewrite().ok());
    EXPECT_EQ(m->manifest_number(), 2u);
    EXPECT_EQ(m->edits_in_file(), 1u);
    EXPECT_THAT(Names(dir.path()), ElementsAre("CURRENT", "MANIFEST-000002"));
    EXPECT_EQ(ReadAll(dir.File("CURRENT")), "MANIFEST-000002\n");
    ASSERT_TRUE(m->LogAndApply(AddEdit(6)).ok());  // appends to the new file
    expected = m->state();
  }
  auto m = MustOpen(dir.path());
  EXPECT_EQ(m->manifest_number(), 2u);
  EXPECT_EQ(m->state(), expected);
  EXPECT_EQ(m->edits_in_file(), 2u);
}

TEST(ManifestTest, RewritesAutomaticallyWhenTooManyEdits) {
  ScopedTempDir dir;
  ManifestOptions options;
  options.max_edits = 5;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path(), options);
    for (uint64_t id = 1; id <= 12; ++id) ASSERT_TRUE(m->LogAndApply(AddEdit(id)).ok());
    // 1 empty + 4 edits fill MANIFEST-1; then 1 snapshot + 4 edits per file.
    EXPECT_EQ(m->manifest_number(), 3u);
    EXPECT_LE(m->edits_in_file(), options.max_edits);
    expected = m->state();
  }
  EXPECT_THAT(Names(dir.path()), ElementsAre("CURRENT", "MANIFEST-000003"));
  auto m = MustOpen(dir.path(), options);
  EXPECT_EQ(m->state(), expected);
}

TEST(ManifestTest, RewritesAutomaticallyWhenTooManyBytes) {
  ScopedTempDir dir;
  ManifestOptions options;
  options.max_bytes = 4096;
  auto m = MustOpen(dir.path(), options);
  ManifestEdit big;
  big.properties["blob"] = std::string(3000, 'b');
  ASSERT_TRUE(m->LogAndApply(big).ok());
  EXPECT_EQ(m->manifest_number(), 1u);
  big.properties["blob"] = std::string(3000, 'c');
  ASSERT_TRUE(m->LogAndApply(big).ok());
  EXPECT_EQ(m->manifest_number(), 1u);  // 6 KB now, rewritten before the next edit
  ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
  EXPECT_EQ(m->manifest_number(), 2u);
  EXPECT_EQ(m->state().properties.at("blob"), std::string(3000, 'c'));
}

TEST(ManifestTest, OpenRewritesAnOverlongManifest) {
  ScopedTempDir dir;
  {
    auto m = MustOpen(dir.path());
    for (uint64_t id = 1; id <= 10; ++id) ASSERT_TRUE(m->LogAndApply(AddEdit(id)).ok());
  }
  ManifestOptions options;
  options.max_edits = 4;
  auto m = MustOpen(dir.path(), options);
  EXPECT_EQ(m->manifest_number(), 2u);
  EXPECT_EQ(m->state().segments.size(), 10u);
}

// A crash during Rewrite after MANIFEST-000002 was written but before CURRENT switched:
// the new file and CURRENT.tmp are ignored and removed, and the old state is used.
TEST(ManifestTest, LeftoverNewManifestWithoutCurrentSwitchIsIgnoredAndRemoved) {
  ScopedTempDir dir;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
    expected = m->state();
  }
  {
    auto leftover = LogWriter::Create(dir.File("MANIFEST-000002"));
    ASSERT_TRUE(leftover.ok());
    ASSERT_TRUE((*leftover)->AddRecord(kManifestEditRecord, AddEdit(77).Encode()).ok());
  }
  WriteAll(dir.File("CURRENT.tmp"), "MANIFEST-0000");
  auto m = MustOpen(dir.path());
  EXPECT_EQ(m->manifest_number(), 1u);
  EXPECT_EQ(m->state(), expected);
  EXPECT_THAT(Names(dir.path()), ElementsAre("CURRENT", "MANIFEST-000001"));
  ASSERT_TRUE(m->Rewrite().ok());  // reuses number 2 cleanly
  EXPECT_EQ(m->manifest_number(), 2u);
  EXPECT_EQ(m->state(), expected);
}

// A crash after the CURRENT switch but before the old file was deleted.
TEST(ManifestTest, StaleOldManifestAfterTheSwitchIsRemoved) {
  ScopedTempDir dir;
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
  }
  std::string old_bytes = ReadAll(dir.File("MANIFEST-000001"));
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->Rewrite().ok());
  }
  WriteAll(dir.File("MANIFEST-000001"), old_bytes);
  auto m = MustOpen(dir.path());
  EXPECT_EQ(m->manifest_number(), 2u);
  EXPECT_EQ(m->state().segments.size(), 1u);
  EXPECT_THAT(Names(dir.path()), ElementsAre("CURRENT", "MANIFEST-000002"));
}

TEST(ManifestTest, TornTailIsTruncatedAndReported) {
  ScopedTempDir dir;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
    expected = m->state();
  }
  std::string path = dir.File("MANIFEST-000001");
  std::string good = ReadAll(path);
  // Half of a second edit's frame, as a crash mid-append leaves it.
  std::string frame;
  {
    ScopedTempDir scratch;
    auto w = LogWriter::Create(scratch.File("x"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddRecord(kManifestEditRecord, AddEdit(2).Encode()).ok());
    frame = ReadAll(scratch.File("x"));
  }
  std::string torn = frame.substr(0, frame.size() / 2);
  WriteAll(path, good + torn);
  {
    auto m = MustOpen(dir.path());
    EXPECT_EQ(m->state(), expected);
    EXPECT_EQ(m->torn_tail_report(), "truncated " + std::to_string(torn.size()) +
                                         " bytes at offset " + std::to_string(good.size()) +
                                         " of " + path + ": length past end of file");
    EXPECT_EQ(ReadAll(path), good);
    ASSERT_TRUE(m->LogAndApply(AddEdit(3)).ok());
    expected = m->state();
  }
  auto m = MustOpen(dir.path());
  EXPECT_EQ(m->state(), expected);
  EXPECT_EQ(m->torn_tail_report(), "");
}

TEST(ManifestTest, OpenReadOnlyReadsTheStateAndChangesNothing) {
  ScopedTempDir dir;
  ManifestState expected;
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
    ASSERT_TRUE(m->Rewrite().ok());
    ASSERT_TRUE(m->LogAndApply(AddEdit(2)).ok());
    expected = m->state();
  }
  std::string path = dir.File("MANIFEST-000002");
  std::string torn_content = ReadAll(path) + std::string("\x30\x00\x00\x00\x01", 5);
  WriteAll(path, torn_content);
  WriteAll(dir.File("MANIFEST-000001"), "stale");  // Open would delete it
  auto m = Manifest::OpenReadOnly(dir.path());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->state(), expected);
  EXPECT_THAT((*m)->torn_tail_report(), HasSubstr("ignored (read-only) 5 bytes at offset"));
  EXPECT_EQ((*m)->LogAndApply(AddEdit(3)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*m)->Rewrite().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*m)->state(), expected);
  EXPECT_EQ(ReadAll(path), torn_content);
  EXPECT_THAT(Names(dir.path()), ElementsAre("CURRENT", "MANIFEST-000001", "MANIFEST-000002"));
}

TEST(ManifestTest, OpenReadOnlyOfAnEmptyOrMissingDirectoryIsNotFound) {
  ScopedTempDir dir;
  auto empty = Manifest::OpenReadOnly(dir.path());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(empty.status().message(), HasSubstr("no CURRENT"));
  EXPECT_THAT(Names(dir.path()), ElementsAre());
  auto missing = Manifest::OpenReadOnly(dir.File("none"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(FileExists(dir.File("none")));
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
  }
  ASSERT_TRUE(RemoveFile(dir.File("CURRENT")).ok());
  auto lost = Manifest::OpenReadOnly(dir.path());
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);  // as for Open
}

TEST(ManifestTest, MissingCurrentWithManifestsIsDataLoss) {
  ScopedTempDir dir;
  {
    auto m = MustOpen(dir.path());
    ASSERT_TRUE(m->LogAndApply(AddEdit(1)).ok());
    ASSERT_TRUE(m->Rewrite().ok());
  }
  ASSERT_TRUE(RemoveFile(dir.File("CURRENT")).ok());
  auto m = Manifest::Open(dir.path());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr("MANIFEST-000002) but no CURRENT"));
  EXPECT_THAT(Names(dir.path()), ElementsAre("MANIFEST-000002"));  // nothing was touched
}

// A crash during the very first Open, before CURRENT was written, leaves MANIFEST-000001
// holding at most the empty edit; that is safe to start over from.
TEST(ManifestTest, InterruptedCreationIsCompleted) {
  for (size_t keep : {size_t{0}, size_t{4}, kLogHeaderSize}) {
    SCOPED_TRACE(keep);
    ScopedTempDir dir;
    { auto m = MustOpen(dir.path()); }
    std::string first = ReadAll(dir.File("MANIFEST-000001"));
    ASSERT_TRUE(RemoveFile(dir.File("CURRENT")).ok());
    WriteAll(dir.File("MANIFEST-000001"), first.substr(0, keep));
    auto m = MustOpen(dir.path());
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->manifest_number(), 1u);
    EXPECT_EQ(m->state(), ManifestState{});
    EXPECT_EQ(ReadAll(dir.File("MANIFEST-000001")), first);
  }
}

TEST(ManifestTest, BadCurrentIsDataLoss) {
  struct Case {
    const char* content;
    const char* message;
  };
  const Case cases[] = {
      {"MANIFEST-000001", "is malformed"},  // no newline
      {"garbage\n", "is malformed"},
      {"", "is malformed"},
      {"MANIFEST-000009\n", "names MANIFEST-000009, which does not exist"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content);
    ScopedTempDir dir;
    { auto m = MustOpen(dir.path()); }
    WriteAll(dir.File("CURRENT"), c.content);
    auto m = Manifest::Open(dir.path());
    EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(m.status().message(), HasSubstr(c.message));
  }
}

TEST(ManifestTest, LiveManifestWithoutACompleteEditIsDataLoss) {
  ScopedTempDir dir;
  { auto m = MustOpen(dir.path()); }
  WriteAll(dir.File("MANIFEST-000001"), "");
  auto m = Manifest::Open(dir.path());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr("holds no complete edit"));
}

TEST(ManifestTest, CorruptEditInTheMiddleIsDataLoss) {
  ScopedTempDir dir;
  {
    auto m = MustOpen(dir.path());
    for (uint64_t id = 1; id <= 3; ++id) ASSERT_TRUE(m->LogAndApply(AddEdit(id)).ok());
  }
  std::string path = dir.File("MANIFEST-000001");
  std::string bytes = ReadAll(path);
  bytes[kLogHeaderSize + kLogHeaderSize + 3] ^= 0x40;  // inside edit 1's payload
  WriteAll(path, bytes);
  auto m = Manifest::Open(dir.path());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(),
              HasSubstr("corrupt record at offset " + std::to_string(kLogHeaderSize)));
}

TEST(ManifestTest, EditThatContradictsTheStateOnReplayIsDataLossWithOffset) {
  ScopedTempDir dir;
  { auto m = MustOpen(dir.path()); }
  std::string path = dir.File("MANIFEST-000001");
  {
    auto w = LogWriter::Open(path);
    ASSERT_TRUE(w.ok());
    ManifestEdit bad;
    bad.removed = {5};
    ASSERT_TRUE((*w)->AddRecord(kManifestEditRecord, bad.Encode()).ok());
    ASSERT_TRUE((*w)->AddRecord(2, "not an edit").ok());
  }
  auto m = Manifest::Open(dir.path());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(),
              HasSubstr(path + ": edit at offset 9: manifest edit removes segment 5"));
}

TEST(ManifestTest, UnknownRecordTypeIsDataLoss) {
  ScopedTempDir dir;
  { auto m = MustOpen(dir.path()); }
  {
    auto w = LogWriter::Open(dir.File("MANIFEST-000001"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddRecord(2, "").ok());
  }
  auto m = Manifest::Open(dir.path());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(m.status().message(), HasSubstr("edit at offset 9: unknown record type 2"));
}

}  // namespace
}  // namespace strata::storage
