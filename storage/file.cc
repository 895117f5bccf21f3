#include "storage/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace strata::storage {
namespace {

absl::Status PosixError(std::string_view op, const std::string& path, int err) {
  std::string msg =
      absl::StrCat(absl::string_view(op.data(), op.size()), " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == ENOSPC) return absl::ResourceExhaustedError(msg);
  return absl::InternalError(msg);
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<std::unique_ptr<WritableFile>> WritableFile::Open(const std::string& path,
                                                                 bool truncate) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return PosixError("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return PosixError("fstat", path, err);
  }
  return std::unique_ptr<WritableFile>(
      new WritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
}

WritableFile::~WritableFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status WritableFile::Append(std::string_view data) { return Append2(data, {}); }

absl::Status WritableFile::Append2(std::string_view a, std::string_view b) {
  iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
  int first = 0;
  size_t left = a.size() + b.size();
  while (left > 0) {
    ssize_t n = ::writev(fd_, iov + first, 2 - first);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("writev", path_, errno);
    }
    size_t done = static_cast<size_t>(n);
    left -= done;
    size_ += done;
    while (first < 2 && done >= iov[first].iov_len) {
      done -= iov[first].iov_len;
      ++first;
    }
    if (first < 2) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + done;
      iov[first].iov_len -= done;
    }
  }
  return absl::OkStatus();
}

absl::Status WritableFile::Sync() {
  if (::fdatasync(fd_) != 0) return PosixError("fdatasync", path_, errno);
  return absl::OkStatus();
}

absl::Status WritableFile::Close() {
  if (fd_ < 0) return absl::OkStatus();
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return PosixError("close", path_, errno);
  return absl::OkStatus();
}

absl::Status WritableFile::Truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return PosixError("ftruncate", path_, errno);
  size_ = size;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return PosixError("fstat", path, err);
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* addr = nullptr;
  if (size > 0) {
    addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (addr == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return PosixError("mmap", path, err);
    }
  }
  ::close(fd);  // the mapping keeps the file alive
  return std::unique_ptr<MappedFile>(new MappedFile(path, addr, size));
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
}

namespace {

// "pid 1234: strata load --data-dir d ev.ndjson", from the pid the writer recorded in the
// lock file and its /proc command line; "pid unknown" if the file holds none.
std::string DescribeLockHolder(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  long pid = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
  if (pid <= 0) return "pid unknown";
  std::string out = absl::StrCat("pid ", pid);
  absl::StatusOr<std::string> cmdline = ReadFileToString(absl::StrCat("/proc/", pid, "/cmdline"));
  if (cmdline.ok() && !cmdline->empty()) {
    std::string command = *cmdline;
    while (!command.empty() && command.back() == '\0') command.pop_back();
    std::replace(command.begin(), command.end(), '\0', ' ');
    constexpr size_t kMaxShown = 120;
    if (command.size() > kMaxShown) command = command.substr(0, kMaxShown) + "...";
    absl::StrAppend(&out, ": ", command);
  }
  return out;
}

// Only a hint for other processes' error messages, so a failure to write it is ignored.
void RecordPid(int fd) {
  std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DirLock>> DirLock::Acquire(const std::string& dir, LockMode mode) {
  std::string path = JoinPath(dir, "LOCK");
  const bool shared = mode == LockMode::kShared;
  int fd = shared ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC)
                  : ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return PosixError("open", path, errno);
  if (::flock(fd, shared ? LOCK_SH | LOCK_NB : LOCK_EX | LOCK_NB) == 0) {
    if (!shared) RecordPid(fd);
    return std::unique_ptr<DirLock>(new DirLock(fd));
  }
  int err = errno;
  if (err != EWOULDBLOCK) {
    ::close(fd);
    return PosixError("flock", path, err);
  }
  std::string message;
  if (shared) {
    // Only an exclusive holder refuses a shared lock: a process that writes.
    message = absl::StrCat("data directory ", dir, " is in use by another Strata process (",
                           DescribeLockHolder(fd),
                           ") that writes to it; stop it (or let it finish), or query it "
                           "through the server: psql -h 127.0.0.1 -p 5433");
  } else if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    // A shared lock is free, so only readers are in the way.
    ::flock(fd, LOCK_UN);
    message = absl::StrCat("data directory ", dir,
                           " is open read-only by another Strata process (such as `strata sql`);"
                           " close it, then retry");
  } else {
    message = absl::StrCat("data directory ", dir, " is in use by another Strata process (",
                           DescribeLockHolder(fd), "); stop it first");
  }
  ::close(fd);
  return absl::FailedPreconditionError(message);
}

DirLock::~DirLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", path, errno);
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return PosixError("read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

absl::Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return PosixError("fsync", dir, err);
  return absl::OkStatus();
}

absl::Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    auto file = WritableFile::Open(tmp, /*truncate=*/true);
    if (!file.ok()) return file.status();
    if (auto s = (*file)->Append(data); !s.ok()) return s;
    if (auto s = (*file)->Sync(); !s.ok()) return s;
    if (auto s = (*file)->Close(); !s.ok()) return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return PosixError("rename", tmp, errno);
  return SyncDir(DirOf(path));
}

absl::Status CreateDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir -p ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return PosixError("unlink", path, errno);
  return absl::OkStatus();
}

bool FileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

absl::StatusOr<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return PosixError("opendir", dir, errno);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string out(a);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

}  // namespace strata::storage
