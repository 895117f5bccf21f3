// Files for the storage layer: an append-only writable file with explicit Sync, a read-only
// memory mapping, whole-file helpers, atomic replace (write temp, fsync, rename, fsync dir)
// and a directory lock. Every resource is RAII; every error is an absl::Status naming the
// path and the failing call.
//
// Thread safety: one object per thread; distinct objects are independent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::storage {

// An open file that only grows. Writes go to the kernel immediately (no user-space
// buffer), so Append followed by a crash of the process (not the machine) loses nothing;
// Sync() makes it survive a machine crash.
class WritableFile {
 public:
  // Creates or truncates (truncate=true) or opens for append (truncate=false).
  static absl::StatusOr<std::unique_ptr<WritableFile>> Open(const std::string& path, bool truncate);
  ~WritableFile();
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;

  absl::Status Append(std::string_view data);
  // Appends `a` then `b` with one writev(), so a caller can add a small header to a large
  // payload without copying the payload.
  absl::Status Append2(std::string_view a, std::string_view b);
  absl::Status Sync();  // fdatasync
  absl::Status Close();
  // Shrinks the file to `size` bytes (used to cut a torn log tail).
  absl::Status Truncate(uint64_t size);
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  WritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  uint64_t size_;
};

// A read-only mapping of a whole file. The bytes stay valid while the object lives.
class MappedFile {
 public:
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, void* addr, size_t size)
      : path_(std::move(path)), addr_(addr), size_(size) {}
  std::string path_;
  void* addr_;
  size_t size_;
};

enum class LockMode {
  kExclusive,  // the one process that writes: creates DIR/LOCK if needed, records its pid
  kShared,     // a read-only reader: DIR/LOCK must exist; nothing is written
};

// Holds a flock() on DIR/LOCK for its lifetime: exclusive for the one process that writes
// the directory, shared by any number of read-only readers. The writer records its pid in
// the file (readers never touch it), so a refused reader can name the process in its way.
// A refused acquisition is FailedPrecondition with a message naming the directory, who
// holds it and what to do; a shared lock on a directory without LOCK is NotFound.
class DirLock {
 public:
  static absl::StatusOr<std::unique_ptr<DirLock>> Acquire(const std::string& dir,
                                                          LockMode mode = LockMode::kExclusive);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

absl::StatusOr<std::string> ReadFileToString(const std::string& path);
// Writes `data` to path.tmp, fsyncs it, renames it over `path`, fsyncs the directory.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data);
absl::Status SyncDir(const std::string& dir);
absl::Status CreateDirs(const std::string& dir);
absl::Status RemoveFile(const std::string& path);
bool FileExists(const std::string& path);
absl::StatusOr<uint64_t> FileSize(const std::string& path);
// Names (not paths) of the entries of `dir`, sorted.
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir);
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace strata::storage
