#include "server/pgwire/pg_socket.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

namespace strata::server::pgwire {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    Reset();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

PgSocket::ReadResult PgSocket::Read(bool startup, Frame* frame, absl::Status* error) {
  in_begin_ += consumed_;
  consumed_ = 0;
  while (true) {
    auto next = NextFrame(std::string_view(in_.data() + in_begin_, in_end_ - in_begin_), startup);
    if (!next.ok()) {
      *error = next.status();
      return ReadResult::kMalformed;
    }
    if (next->has_value()) {
      *frame = **next;
      consumed_ = frame->size;
      return ReadResult::kOk;
    }
    // Need more bytes: make room (moving the unread tail to the front), then read.
    if (in_begin_ == in_end_) {
      in_begin_ = in_end_ = 0;
      if (in_.size() > kKeepBytes) std::string().swap(in_);  // after a huge message
    } else if (in_begin_ > 0 && in_.size() - in_end_ < kReadChunk) {
      std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
      in_end_ -= in_begin_;
      in_begin_ = 0;
    }
    if (in_.size() - in_end_ < kReadChunk) in_.resize(in_end_ + kReadChunk);
    if (deadline_ != absl::InfiniteFuture()) {
      const absl::Duration left = deadline_ - absl::Now();
      if (left <= absl::ZeroDuration()) return ReadResult::kTimeout;
      timeval tv = absl::ToTimeval(left);
      if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1;
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      timeout_set_ = true;
    }
    ssize_t n;
    do {
      n = ::recv(fd_, in_.data() + in_end_, in_.size() - in_end_, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ReadResult::kTimeout;
    if (n <= 0) return ReadResult::kClosed;
    in_end_ += static_cast<size_t>(n);
  }
}

bool PgSocket::HasCompleteMessage() const {
  const size_t begin = in_begin_ + consumed_;
  auto next = NextFrame(std::string_view(in_.data() + begin, in_end_ - begin), false);
  return !next.ok() || next->has_value();
}

bool PgSocket::Flush() {
  size_t sent = 0;
  while (sent < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out_.clear();
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  out_.clear();
  if (out_.capacity() > kKeepBytes) std::string().swap(out_);
  return true;
}

void PgSocket::SetReadDeadline(absl::Time deadline) {
  deadline_ = deadline;
  if (deadline == absl::InfiniteFuture() && timeout_set_) {
    timeval none{};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    timeout_set_ = false;
  }
}

}  // namespace strata::server::pgwire
