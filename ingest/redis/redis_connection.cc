#include "ingest/redis/redis_connection.h"

#include <hiredis/hiredis.h>

#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace strata::ingest {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// An error reply anywhere in `reply` (EXEC answers an array holding each command's reply).
absl::Status CheckReply(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_ERROR:
      return absl::UnavailableError(
          absl::StrCat("redis replied: ", std::string(reply.str, reply.len)));
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply.elements; ++i) RETURN_IF_ERROR(CheckReply(*reply.element[i]));
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisEndpoint& endpoint) {
  const timeval timeout = absl::ToTimeval(endpoint.timeout);
  redisContext* context =
      endpoint.unix_socket.empty()
          ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, timeout)
          : redisConnectUnixWithTimeout(endpoint.unix_socket.c_str(), timeout);
  if (context == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate a context");
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  const std::string where = endpoint.unix_socket.empty()
                                ? absl::StrCat(endpoint.host, ":", endpoint.port)
                                : endpoint.unix_socket;
  if (context->err != 0) {
    return absl::UnavailableError(
        absl::StrCat("redis: connecting to ", where, ": ", context->errstr));
  }
  if (redisSetTimeout(context, timeout) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("redis: setting the timeout: ", context->errstr));
  }
  if (!endpoint.password.empty()) connection->Append({"AUTH", endpoint.password});
  connection->Append({"PING"});
  absl::Status hello = connection->ReadReplies();
  if (!hello.ok()) {
    return absl::Status(hello.code(), absl::StrCat(hello.message(), " (", where, ")"));
  }
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

int RedisConnection::fd() const { return context_->fd; }

void RedisConnection::Append(const std::vector<std::string>& args) {
  argv_.clear();
  argv_lengths_.clear();
  for (const std::string& arg : args) {
    argv_.push_back(arg.data());
    argv_lengths_.push_back(arg.size());
  }
  // Only fails on allocation failure, which the reply reading then reports as an I/O error.
  redisAppendCommandArgv(context_, static_cast<int>(argv_.size()), argv_.data(),
                         argv_lengths_.data());
  ++pending_;
}

absl::Status RedisConnection::ReadReplies() {
  absl::Status status;
  while (pending_ > 0) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      pending_ = 0;
      return absl::UnavailableError(
          absl::StrCat("redis: ", context_->err != 0 ? context_->errstr : "connection lost"));
    }
    --pending_;
    ReplyPtr reply(static_cast<redisReply*>(raw));
    // Keep reading the rest so the first error is the one reported.
    if (status.ok()) status = CheckReply(*reply);
  }
  return status;
}

}  // namespace strata::ingest
