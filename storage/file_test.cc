#include "storage/file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/log/test_util.h"

namespace strata::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadAll;
using testing::ScopedTempDir;
using testing::WriteAll;

TEST(WritableFileTest, AppendsTracksSizeReopensAndTruncates) {
  ScopedTempDir dir;
  std::string path = dir.File("f");
  {
    auto f = WritableFile::Open(path, /*truncate=*/true);
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_TRUE((*f)->Append("hello ").ok());
    ASSERT_TRUE((*f)->Append("").ok());
    ASSERT_TRUE((*f)->Append("world").ok());
    EXPECT_EQ((*f)->size(), 11u);
    EXPECT_EQ((*f)->path(), path);
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
    ASSERT_TRUE((*f)->Close().ok());  // idempotent
  }
  {
    auto f = WritableFile::Open(path, /*truncate=*/false);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->size(), 11u);  // append mode starts at the end
    ASSERT_TRUE((*f)->Truncate(5).ok());
    EXPECT_EQ((*f)->size(), 5u);
    ASSERT_TRUE((*f)->Append("!").ok());  // O_APPEND writes land at the new end
  }
  EXPECT_EQ(ReadAll(path), "hello!");
  {
    auto f = WritableFile::Open(path, /*truncate=*/true);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->size(), 0u);
  }
  EXPECT_EQ(ReadAll(path), "");
}

TEST(WritableFileTest, OpenInMissingDirectoryIsNotFound) {
  ScopedTempDir dir;
  auto f = WritableFile::Open(dir.File("no/such/file"), true);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(f.status().message(), HasSubstr("open " + dir.File("no/such/file")));
}

TEST(WriteFileAtomicTest, ReplacesContentAndLeavesNoTempFile) {
  ScopedTempDir dir;
  std::string path = dir.File("CURRENT");
  ASSERT_TRUE(WriteFileAtomic(path, "first, and longer\n").ok());
  EXPECT_EQ(ReadAll(path), "first, and longer\n");
  ASSERT_TRUE(WriteFileAtomic(path, "second\n").ok());
  EXPECT_EQ(ReadAll(path), "second\n");
  EXPECT_FALSE(FileExists(path + ".tmp"));
  auto names = ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("CURRENT"));
}

TEST(WriteFileAtomicTest, OverwritesALeftoverTempFile) {
  ScopedTempDir dir;
  std::string path = dir.File("x");
  WriteAll(path + ".tmp", "stale bytes that are longer than the new content");
  ASSERT_TRUE(WriteFileAtomic(path, "new").ok());
  EXPECT_EQ(ReadAll(path), "new");
}

TEST(DirLockTest, ExcludesASecondHolderUntilReleased) {
  ScopedTempDir dir;
  auto first = DirLock::Acquire(dir.path());
  ASSERT_TRUE(first.ok()) << first.status();
  // flock() locks belong to the open file description, so a second open of LOCK in the
  // same process conflicts exactly as another process would.
  auto second = DirLock::Acquire(dir.path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("data directory " + dir.path()));
  int fd = ::open(dir.File("LOCK").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0);  // a raw second fd conflicts too
  first->reset();
  EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // released by the destructor
  ::flock(fd, LOCK_UN);
  ::close(fd);
  auto third = DirLock::Acquire(dir.path());
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST(DirLockTest, WriterRecordsItsPidAndReadersNameIt) {
  ScopedTempDir dir;
  auto writer = DirLock::Acquire(dir.path(), LockMode::kExclusive);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(ReadAll(dir.File("LOCK")), pid + "\n");
  auto reader = DirLock::Acquire(dir.path(), LockMode::kShared);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reader.status().message(), HasSubstr("data directory " + dir.path() + " is in use"));
  EXPECT_THAT(reader.status().message(), HasSubstr("(pid " + pid + ": "));  // + command line
  EXPECT_THAT(reader.status().message(), HasSubstr("psql -h 127.0.0.1 -p 5433"));
  auto second_writer = DirLock::Acquire(dir.path(), LockMode::kExclusive);
  EXPECT_EQ(second_writer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second_writer.status().message(), HasSubstr("(pid " + pid));
}

TEST(DirLockTest, ReadersShareAndKeepWritersOut) {
  ScopedTempDir dir;
  WriteAll(dir.File("LOCK"), "424242\n");  // left by an earlier writer
  auto first = DirLock::Acquire(dir.path(), LockMode::kShared);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = DirLock::Acquire(dir.path(), LockMode::kShared);
  ASSERT_TRUE(second.ok()) << second.status();
  auto writer = DirLock::Acquire(dir.path(), LockMode::kExclusive);
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(writer.status().message(), HasSubstr("is open read-only by another Strata process"));
  EXPECT_EQ(ReadAll(dir.File("LOCK")), "424242\n");  // readers never write
  first->reset();
  second->reset();
  auto after = DirLock::Acquire(dir.path(), LockMode::kExclusive);
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST(DirLockTest, SharedLockNeverCreatesTheLockFile) {
  ScopedTempDir dir;
  auto reader = DirLock::Acquire(dir.path(), LockMode::kShared);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(FileExists(dir.File("LOCK")));
}

TEST(MappedFileTest, MapsContentAndEmptyFiles) {
  ScopedTempDir dir;
  WriteAll(dir.File("empty"), "");
  auto empty = MappedFile::Open(dir.File("empty"));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE((*empty)->data().empty());
  EXPECT_EQ((*empty)->path(), dir.File("empty"));

  std::string content(100000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  WriteAll(dir.File("data"), content);
  auto mapped = MappedFile::Open(dir.File("data"));
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ((*mapped)->data(), content);
  EXPECT_EQ(MappedFile::Open(dir.File("missing")).status().code(), absl::StatusCode::kNotFound);
}

TEST(ListDirTest, ReturnsSortedNamesWithoutDots) {
  ScopedTempDir dir;
  for (const char* name : {"b", "a", "c10", "c2", "MANIFEST-000002", "CURRENT"}) {
    WriteAll(dir.File(name), "");
  }
  ASSERT_TRUE(CreateDirs(dir.File("sub/deeper")).ok());
  auto names = ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("CURRENT", "MANIFEST-000002", "a", "b", "c10", "c2", "sub"));
  EXPECT_EQ(ListDir(dir.File("nope")).status().code(), absl::StatusCode::kNotFound);
}

TEST(FileHelpersTest, ReadSizeExistsRemove) {
  ScopedTempDir dir;
  std::string path = dir.File("f");
  EXPECT_FALSE(FileExists(path));
  EXPECT_EQ(ReadFileToString(path).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FileSize(path).status().code(), absl::StatusCode::kNotFound);
  std::string big(200000, 'q');  // larger than ReadFileToString's buffer
  WriteAll(path, big);
  EXPECT_TRUE(FileExists(path));
  EXPECT_EQ(ReadAll(path), big);
  auto size = FileSize(path);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, big.size());
  ASSERT_TRUE(RemoveFile(path).ok());
  EXPECT_FALSE(FileExists(path));
  EXPECT_TRUE(RemoveFile(path).ok());  // removing a missing file is not an error
  EXPECT_TRUE(SyncDir(dir.path()).ok());
  EXPECT_EQ(SyncDir(dir.File("nope")).code(), absl::StatusCode::kNotFound);
}

TEST(FileHelpersTest, CreateDirsIsRecursiveAndIdempotent) {
  ScopedTempDir dir;
  ASSERT_TRUE(CreateDirs(dir.File("a/b/c")).ok());
  ASSERT_TRUE(CreateDirs(dir.File("a/b/c")).ok());
  WriteAll(dir.File("a/b/c/f"), "x");
  EXPECT_EQ(ReadAll(dir.File("a/b/c/f")), "x");
  WriteAll(dir.File("plain"), "");
  EXPECT_FALSE(CreateDirs(dir.File("plain/sub")).ok());  // a file is in the way
}

TEST(FileHelpersTest, JoinPath) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
}

}  // namespace
}  // namespace strata::storage
