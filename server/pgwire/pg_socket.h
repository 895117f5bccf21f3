// Blocking socket I/O for one connection: buffered message reads (pg_message.h framing)
// and a reusable output buffer written out by Flush.
//
// Thread safety: a PgSocket is used by its connection's thread only. Other threads may
// shutdown(2) the descriptor (PgServer does, to stop), which makes reads end.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/pgwire/pg_message.h"

namespace strata::server::pgwire {

// Owns a file descriptor; closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

class PgSocket {
 public:
  explicit PgSocket(int fd) : fd_(fd) {}  // does not own `fd`

  enum class ReadResult {
    kOk,         // *frame holds the next message (valid until the next Read)
    kClosed,     // the peer closed the connection (or it broke)
    kTimeout,    // no complete message within the read timeout
    kMalformed,  // *error says why (08P01)
  };
  ReadResult Read(bool startup, Frame* frame, absl::Status* error);
  // True if bytes after the message returned last are already buffered.
  bool HasBufferedInput() const { return in_end_ > in_begin_ + consumed_; }
  // True if the next Read returns without a system call (a whole message, or a framing
  // error, is buffered).
  bool HasCompleteMessage() const;

  // Messages are appended here and sent by Flush.
  std::string* out() { return &out_; }
  // Sends everything buffered. False if the peer is gone (the buffer is dropped then).
  bool Flush();
  // Flushes when the buffer is big (large results stream instead of piling up).
  bool FlushIfLarge() { return out_.size() < kFlushBytes || Flush(); }

  // Reads fail with kTimeout once `deadline` has passed (a slow trickle of bytes does not
  // extend it); InfiniteFuture() = wait forever.
  void SetReadDeadline(absl::Time deadline);
  int fd() const { return fd_; }

 private:
  static constexpr size_t kFlushBytes = 256 * 1024;
  static constexpr size_t kReadChunk = 64 * 1024;
  static constexpr size_t kKeepBytes = 4 * 1024 * 1024;  // buffers above this are released

  int fd_;
  std::string in_;  // in_[in_begin_, in_end_) is unread input
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  size_t consumed_ = 0;  // the frame returned last, consumed at the next Read
  absl::Time deadline_ = absl::InfiniteFuture();
  bool timeout_set_ = false;  // SO_RCVTIMEO is set on the socket
  std::string out_;
};

}  // namespace strata::server::pgwire
