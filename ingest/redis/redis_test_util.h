// Test helpers: a real redis-server on a unix socket in a directory (started, killed and
// restarted by the test), and a small synchronous client to read what the mirror wrote.
#pragma once

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace strata::ingest {

// Polls `done` every 10 ms until it returns true or `timeout` passes.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

inline void IgnoreSigpipe() { signal(SIGPIPE, SIG_IGN); }

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// A synchronous client for assertions; every call reconnects if needed.
class RedisClient {
 public:
  RedisClient(std::string socket, std::string password)
      : socket_(std::move(socket)), password_(std::move(password)) {}
  ~RedisClient() { Disconnect(); }
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // The reply, or null when the server cannot be reached.
  Reply Command(const std::vector<std::string>& args) {
    if (context_ == nullptr && !Connect()) return nullptr;
    Reply reply = Send(args);
    if (reply == nullptr) Disconnect();
    return reply;
  }
  bool Ping() {
    Reply r = Command({"PING"});
    return r != nullptr && r->type == REDIS_REPLY_STATUS && std::string(r->str) == "PONG";
  }
  std::map<std::string, std::string> HashAll(const std::string& key) {
    std::map<std::string, std::string> out;
    Reply r = Command({"HGETALL", key});
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i + 1 < r->elements; i += 2)
      out[Str(r->element[i])] = Str(r->element[i + 1]);
    return out;
  }
  // member -> score
  std::map<std::string, int64_t> SortedSet(const std::string& key) {
    std::map<std::string, int64_t> out;
    Reply r = Command({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
      out[Str(r->element[i])] = std::stoll(Str(r->element[i + 1]));
    }
    return out;
  }
  std::optional<std::string> Get(const std::string& key) {
    Reply r = Command({"GET", key});
    if (r == nullptr || r->type != REDIS_REPLY_STRING) return std::nullopt;
    return Str(r.get());
  }
  int64_t Integer(const std::vector<std::string>& args) {
    Reply r = Command(args);
    return r != nullptr && r->type == REDIS_REPLY_INTEGER ? r->integer : INT64_MIN;
  }
  std::vector<std::string> Keys(const std::string& pattern) {
    std::vector<std::string> out;
    Reply r = Command({"KEYS", pattern});
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; ++i) out.push_back(Str(r->element[i]));
    return out;
  }

 private:
  static std::string Str(const redisReply* r) { return std::string(r->str, r->len); }

  bool Connect() {
    context_ = redisConnectUnixWithTimeout(socket_.c_str(), timeval{1, 0});
    if (context_ == nullptr || context_->err != 0) {
      Disconnect();
      return false;
    }
    redisSetTimeout(context_, timeval{2, 0});
    if (!password_.empty()) {
      Reply auth = Send({"AUTH", password_});
      if (auth == nullptr || auth->type == REDIS_REPLY_ERROR) {
        Disconnect();
        return false;
      }
    }
    return true;
  }
  Reply Send(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }
  void Disconnect() {
    if (context_ != nullptr) redisFree(context_);
    context_ = nullptr;
  }

  std::string socket_;
  std::string password_;
  redisContext* context_ = nullptr;
};

// redis-server on `dir`/r.sock without persistence; killed (SIGKILL) and reaped when the
// object goes away. Tests that kill the server must ignore SIGPIPE (IgnoreSigpipe): a write
// to a dead server's socket raises it.
class RedisServer {
 public:
  explicit RedisServer(std::string dir, std::string password = "")
      : dir_(std::move(dir)), password_(std::move(password)) {}
  ~RedisServer() { Kill(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string socket() const { return dir_ + "/r.sock"; }
  pid_t pid() const { return pid_; }

  // Starts the server; true once it answers PING (on the same socket after a Kill).
  bool Start() {
    std::vector<std::string> args = {"/usr/bin/redis-server",
                                     "--port",
                                     "0",
                                     "--unixsocket",
                                     socket(),
                                     "--unixsocketperm",
                                     "700",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir_,
                                     "--logfile",
                                     dir_ + "/redis.log"};
    if (!password_.empty()) {
      args.push_back("--requirepass");
      args.push_back(password_);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec. The server dies with the test
      // process even if it crashes, and never holds the test's stdout or stderr open.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int null_fd = open("/dev/null", O_RDWR);
      dup2(null_fd, STDIN_FILENO);
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    RedisClient client(socket(), password_);
    return Eventually([&] {
             int status = 0;
             if (waitpid(pid_, &status, WNOHANG) == pid_) {
               pid_ = -1;  // exited: will never answer
               return true;
             }
             return client.Ping();
           }) &&
           pid_ > 0;
  }

  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::string dir_;
  std::string password_;
  pid_t pid_ = -1;
};

}  // namespace strata::ingest
