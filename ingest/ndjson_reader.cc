#include "ingest/ndjson_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace strata::ingest {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

absl::Status ErrnoError(int err, const std::string& what, const std::string& path) {
  return absl::ErrnoToStatus(err, absl::StrCat(what, " ", path));
}

// A byte source: a file descriptor, optionally through a zstd decompressor.
class Source {
 public:
  virtual ~Source() = default;
  // Reads up to `cap` bytes into dst; 0 means end of input.
  virtual absl::StatusOr<size_t> Read(char* dst, size_t cap) = 0;
};

class FdSource : public Source {
 public:
  FdSource(std::string path, int fd, bool owned) : path_(std::move(path)), fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  absl::StatusOr<size_t> Read(char* dst, size_t cap) override {
    while (true) {
      ssize_t n = ::read(fd_, dst, cap);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return ErrnoError(errno, "read", path_);
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_;
  bool owned_;
};

// Streaming zstd decompression (concatenated frames allowed). Errors name the compressed
// byte offset at which the decoder gave up.
class ZstdSource : public Source {
 public:
  explicit ZstdSource(std::unique_ptr<FdSource> in)
      : in_(std::move(in)), dctx_(ZSTD_createDCtx()), in_buf_(ZSTD_DStreamInSize()) {
    STRATA_CHECK(dctx_ != nullptr, "ZSTD_createDCtx failed (out of memory)");
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  absl::StatusOr<size_t> Read(char* dst, size_t cap) override {
    ZSTD_outBuffer out{dst, cap, 0};
    while (out.pos == 0) {
      if (input_.pos == input_.size && !in_eof_) {
        absl::StatusOr<size_t> n = in_->Read(in_buf_.data(), in_buf_.size());
        if (!n.ok()) return n.status();
        input_ = ZSTD_inBuffer{in_buf_.data(), *n, 0};
        in_eof_ = *n == 0;
      }
      if (in_eof_ && !frame_open_) return 0;
      // At end of input this call still runs, with no input, to flush buffered output.
      size_t before = input_.pos;
      size_t ret = ZSTD_decompressStream(dctx_, &out, &input_);
      consumed_ += input_.pos - before;
      if (ZSTD_isError(ret)) {
        return absl::DataLossError(absl::StrCat("corrupt zstd stream in ", in_->path(),
                                                " at byte offset ", consumed_, ": ",
                                                ZSTD_getErrorName(ret)));
      }
      frame_open_ = ret != 0;
      if (in_eof_ && frame_open_ && out.pos == 0) {
        return absl::DataLossError(
            absl::StrCat("truncated zstd stream in ", in_->path(), " at byte offset ", consumed_));
      }
    }
    return out.pos;
  }

 private:
  std::unique_ptr<FdSource> in_;
  ZSTD_DCtx* dctx_;
  std::vector<char> in_buf_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  uint64_t consumed_ = 0;    // compressed bytes fed to the decoder
  bool frame_open_ = false;  // inside a frame: end of input here means truncation
  bool in_eof_ = false;
};

// Buffer layout: [0, begin_) consumed, [begin_, end_) pending, [scan_, end_) not yet
// searched for '\n'. The buffer never holds more than max_line_bytes + 1 + kChunkBytes:
// once a line is known to be too long its bytes are dropped as they arrive.
class NdjsonReaderImpl : public NdjsonReader {
 public:
  NdjsonReaderImpl(std::unique_ptr<Source> source, size_t max_line_bytes)
      : source_(std::move(source)),
        max_line_bytes_(max_line_bytes),
        buf_(max_line_bytes + 1 + kChunkBytes) {}

  bool Next(NdjsonLine* line) override;
  absl::Status status() const override { return status_; }
  uint64_t bytes_read() const override { return bytes_read_; }

 private:
  // Appends the next chunk of input; false at end of input or on error (status_ set).
  bool Fill();
  // Drops the rest of an over-long line; true if its '\n' (or the end of input) was seen.
  void SkipLongLine();

  std::unique_ptr<Source> source_;
  size_t max_line_bytes_;
  std::vector<char> buf_;
  size_t begin_ = 0, scan_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  absl::Status status_;
};

bool NdjsonReaderImpl::Fill() {
  if (eof_ || !status_.ok()) return false;
  if (begin_ > 0) {  // compact: pending bytes move to the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    scan_ -= begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  absl::StatusOr<size_t> n = source_->Read(buf_.data() + end_, buf_.size() - end_);
  if (!n.ok()) {
    status_ = n.status();
    return false;
  }
  if (*n == 0) {
    eof_ = true;
    return false;
  }
  end_ += *n;
  bytes_read_ += *n;
  return true;
}

void NdjsonReaderImpl::SkipLongLine() {
  while (true) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scan_, '\n', end_ - scan_));
    if (nl != nullptr) {
      begin_ = scan_ = static_cast<size_t>(nl - buf_.data()) + 1;
      return;
    }
    begin_ = scan_ = end_;  // nothing worth keeping
    if (!Fill()) return;
  }
}

bool NdjsonReaderImpl::Next(NdjsonLine* line) {
  while (true) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scan_, '\n', end_ - scan_));
    size_t line_end;
    if (nl != nullptr) {
      line_end = static_cast<size_t>(nl - buf_.data());
    } else if (end_ - begin_ > max_line_bytes_ + 1) {  // +1: a '\r' may still be stripped
      ++line_number_;
      *line = NdjsonLine{line_number_, {}, true};
      scan_ = end_;
      SkipLongLine();
      return true;
    } else {
      scan_ = end_;
      if (Fill()) continue;
      if (!status_.ok() || begin_ == end_) return false;
      line_end = end_;  // the last line has no '\n'
    }
    size_t len = line_end - begin_;
    if (len > 0 && buf_[line_end - 1] == '\r') --len;
    ++line_number_;
    if (len > max_line_bytes_) {
      *line = NdjsonLine{line_number_, {}, true};
    } else {
      *line = NdjsonLine{line_number_, std::string_view(buf_.data() + begin_, len), false};
    }
    begin_ = scan_ = std::min(line_end + 1, end_);
    return true;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<NdjsonReader>> NdjsonReader::Open(const std::string& path,
                                                                 size_t max_line_bytes) {
  std::unique_ptr<FdSource> fd_source;
  if (path == "-") {
    fd_source = std::make_unique<FdSource>("<stdin>", STDIN_FILENO, /*owned=*/false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoError(errno, "open", path);
    fd_source = std::make_unique<FdSource>(path, fd, /*owned=*/true);
  }
  std::unique_ptr<Source> source;
  if (absl::EndsWith(path, ".zst")) {
    source = std::make_unique<ZstdSource>(std::move(fd_source));
  } else {
    source = std::move(fd_source);
  }
  return std::unique_ptr<NdjsonReader>(new NdjsonReaderImpl(std::move(source), max_line_bytes));
}

}  // namespace strata::ingest
