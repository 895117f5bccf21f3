// One blocking hiredis connection with timeouts, for the Redis mirror's thread: commands
// are queued with Append (pipelining) and sent when their replies are read.
//
// Any failure (I/O, timeout, an error reply, an error inside an EXEC reply) leaves the
// connection unusable: the caller drops it and connects again.
//
// Thread safety: one thread uses a connection; fd() may be read by another to shutdown(2)
// the socket and interrupt a blocked read.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct redisContext;

namespace strata::ingest {

struct RedisEndpoint {
  std::string host;
  int port = 0;
  std::string unix_socket;  // instead of host:port when set
  std::string password;     // AUTH when set
  absl::Duration timeout;   // for connecting and for each command
};

class RedisConnection {
 public:
  // Connects, authenticates if a password is set and checks the server answers PING.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(const RedisEndpoint& endpoint);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues one command (binary-safe arguments).
  void Append(const std::vector<std::string>& args);
  // Sends the queued commands and reads one reply for each.
  absl::Status ReadReplies();
  size_t pending() const { return pending_; }
  int fd() const;

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}

  redisContext* context_;
  size_t pending_ = 0;
  std::vector<const char*> argv_;
  std::vector<size_t> argv_lengths_;
};

}  // namespace strata::ingest
