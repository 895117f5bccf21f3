#include "ingest/redis/redis_mirror.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "ingest/redis/redis_connection.h"

namespace strata::ingest {
namespace {

using engine::RealtimeSummary;
using engine::RealtimeWindow;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
// Merchant batches sent before their replies are read: one round trip per this many.
constexpr size_t kBatchesPerRoundTrip = 64;

std::chrono::nanoseconds ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

// "1m", "5m", "30m".
std::string WindowLabel(int64_t window_us) { return absl::StrCat(window_us / 60'000'000, "m"); }

bool HasAnyone(const RealtimeSummary& summary) {
  for (const RealtimeWindow& w : summary.windows) {
    if (w.active_users > 0 || !w.pages.empty() || !w.items.empty()) return true;
  }
  return false;
}

// Equal summaries have equal fingerprints (and different ones almost surely differ).
size_t Fingerprint(const RealtimeSummary& summary) {
  size_t hash = 0;
  for (const RealtimeWindow& w : summary.windows) {
    hash = absl::HashOf(hash, w.active_users, w.pages.size(), w.items.size());
    for (const auto* list : {&w.pages, &w.items}) {
      for (const engine::RealtimeCount& c : *list) hash = absl::HashOf(hash, c.key, c.viewers);
    }
  }
  return hash;
}

// A write to a socket whose peer is gone raises SIGPIPE, which would kill the process: the
// mirror's thread blocks it (the failed write still returns EPIPE).
void BlockSigpipeInThisThread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

struct RedisMirror::Impl {
  Impl(const RedisMirrorOptions& o, engine::RealtimeTracker* t, MerchantName name_of)
      : options(o), tracker(t), merchant_name(std::move(name_of)) {
    endpoint.host = options.host;
    endpoint.port = options.port;
    endpoint.unix_socket = options.unix_socket;
    endpoint.password = options.password;
    endpoint.timeout = options.connect_timeout;
    for (int64_t window_us : engine::kRealtimeWindowsUs)
      window_labels.push_back(WindowLabel(window_us));
  }

  void Run();
  // Waits until `deadline` or Stop; false when stopping.
  bool WaitUntil(SteadyTime deadline);
  bool Stopping();
  void Install(std::unique_ptr<RedisConnection> c);
  void DropConnection();
  // Pushes the merchants due this cycle (every held one when `resync`).
  absl::Status Cycle(bool resync);
  // Queues one merchant's MULTI ... EXEC batch.
  void AppendBatch(uint32_t merchant, const RealtimeSummary& summary, int64_t now_ms);
  const std::string& NameOf(uint32_t merchant);

  const RedisMirrorOptions options;
  engine::RealtimeTracker* const tracker;
  const MerchantName merchant_name;
  RedisEndpoint endpoint;
  std::vector<std::string> window_labels;

  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;  // guarded by mu
  int active_fd = -1;     // guarded by mu: the socket Stop shuts down to interrupt I/O

  std::atomic<uint64_t> pushes{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> resyncs{0};
  std::atomic<bool> connected{false};

  std::thread thread;

  // Used by the thread only.
  std::unique_ptr<RedisConnection> connection;
  absl::flat_hash_map<uint32_t, std::string> names;
  struct LastPush {
    size_t fingerprint = 0;
    absl::Time at;
  };
  // Merchants whose last push showed someone: their windows slide without new events, so
  // they are summarized again every cycle and pushed when the summary moved.
  absl::flat_hash_map<uint32_t, LastPush> showing;
  std::vector<std::string> args;  // reused for every command
};

std::unique_ptr<RedisMirror> RedisMirror::Start(const RedisMirrorOptions& options,
                                                engine::RealtimeTracker* tracker,
                                                MerchantName merchant_name) {
  auto impl = std::make_unique<Impl>(options, tracker, std::move(merchant_name));
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<RedisMirror>(new RedisMirror(std::move(impl)));
}

RedisMirror::RedisMirror(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RedisMirror::~RedisMirror() { Stop(); }

void RedisMirror::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
    // Interrupts a read or write blocked on a slow Redis; the thread still owns (and closes)
    // the descriptor.
    if (impl_->active_fd >= 0) ::shutdown(impl_->active_fd, SHUT_RDWR);
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

RedisMirrorStats RedisMirror::stats() const {
  RedisMirrorStats s;
  s.pushes = impl_->pushes.load();
  s.errors = impl_->errors.load();
  s.resyncs = impl_->resyncs.load();
  s.connected = impl_->connected.load();
  return s;
}

bool RedisMirror::Impl::WaitUntil(SteadyTime deadline) {
  std::unique_lock<std::mutex> lock(mu);
  wake.wait_until(lock, deadline, [this] { return stopping; });
  return !stopping;
}

bool RedisMirror::Impl::Stopping() {
  std::lock_guard<std::mutex> lock(mu);
  return stopping;
}

void RedisMirror::Impl::Install(std::unique_ptr<RedisConnection> c) {
  std::lock_guard<std::mutex> lock(mu);
  connection = std::move(c);
  active_fd = connection->fd();
  if (stopping) ::shutdown(active_fd, SHUT_RDWR);
  connected = true;
}

void RedisMirror::Impl::DropConnection() {
  {
    std::lock_guard<std::mutex> lock(mu);
    active_fd = -1;
  }
  connection.reset();
  connected = false;
}

void RedisMirror::Impl::Run() {
  BlockSigpipeInThisThread();
  absl::Duration backoff = kFirstBackoff;
  SteadyTime next_cycle = std::chrono::steady_clock::now();
  SteadyTime wake_at = next_cycle;
  bool resync = true;
  while (WaitUntil(wake_at)) {
    const SteadyTime now = std::chrono::steady_clock::now();
    if (connection == nullptr) {
      absl::StatusOr<std::unique_ptr<RedisConnection>> c = RedisConnection::Connect(endpoint);
      if (!c.ok()) {
        ++errors;
        wake_at = now + ToChrono(backoff);
        backoff = std::min(2 * backoff, kMaxBackoff);
        continue;
      }
      Install(std::move(*c));
      resync = true;
    }
    // A (re)connect does not push before the cycle is due: at most one push per merchant
    // per interval.
    if (now < next_cycle) {
      wake_at = next_cycle;
      continue;
    }
    next_cycle = now + ToChrono(options.interval);
    if (absl::Status pushed = Cycle(resync); !pushed.ok()) {
      if (Stopping()) break;  // the failure was Stop interrupting the socket
      ++errors;
      DropConnection();
      wake_at = now + ToChrono(backoff);
      backoff = std::min(2 * backoff, kMaxBackoff);
      continue;
    }
    if (resync) ++resyncs;
    resync = false;
    backoff = kFirstBackoff;
    wake_at = next_cycle;
  }
  DropConnection();
}

absl::Status RedisMirror::Impl::Cycle(bool resync) {
  const absl::Time now = absl::Now();
  const int64_t now_us = absl::ToUnixMicros(now);
  const int64_t now_ms = absl::ToUnixMillis(now);

  std::vector<uint32_t> changed = tracker->TakeChangedMerchants();
  std::vector<uint32_t> due = changed;
  if (resync) {
    std::vector<uint32_t> held = tracker->Merchants();
    due.insert(due.end(), held.begin(), held.end());
  }
  for (const auto& [merchant, last] : showing) due.push_back(merchant);
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end()), due.end());
  std::sort(changed.begin(), changed.end());

  struct Sent {
    uint32_t merchant;
    size_t fingerprint;
    bool anyone;
  };
  std::vector<Sent> sent;
  size_t confirmed = 0;
  for (uint32_t merchant : due) {
    RealtimeSummary summary = tracker->Summarize(merchant, now_us, options.top_n);
    const size_t fingerprint = Fingerprint(summary);
    const bool observed = std::binary_search(changed.begin(), changed.end(), merchant);
    if (!observed && !resync) {
      // Only sliding windows can have moved it: push when they did, or to renew the TTL.
      auto last = showing.find(merchant);
      if (last != showing.end() && last->second.fingerprint == fingerprint &&
          now - last->second.at < options.ttl / 2) {
        continue;
      }
    }
    AppendBatch(merchant, summary, now_ms);
    sent.push_back({merchant, fingerprint, HasAnyone(summary)});
    if (sent.size() - confirmed == kBatchesPerRoundTrip) {
      RETURN_IF_ERROR(connection->ReadReplies());
      pushes += sent.size() - confirmed;
      confirmed = sent.size();
    }
  }
  RETURN_IF_ERROR(connection->ReadReplies());
  pushes += sent.size() - confirmed;
  for (const Sent& s : sent) {
    if (s.anyone) {
      showing[s.merchant] = LastPush{s.fingerprint, now};
    } else {
      showing.erase(s.merchant);  // pushed as empty: nothing left to slide
    }
  }
  return absl::OkStatus();
}

const std::string& RedisMirror::Impl::NameOf(uint32_t merchant) {
  auto [it, inserted] = names.try_emplace(merchant);
  if (inserted) it->second = merchant_name(merchant);
  return it->second;
}

void RedisMirror::Impl::AppendBatch(uint32_t merchant, const RealtimeSummary& summary,
                                    int64_t now_ms) {
  const std::string& name = NameOf(merchant);
  const std::string base = absl::StrCat(options.key_prefix, ":rt:", name, ":");
  const std::string ttl_ms = absl::StrCat(absl::ToInt64Milliseconds(options.ttl));
  const std::string now = absl::StrCat(now_ms);
  auto command = [this](std::initializer_list<std::string_view> parts) {
    args.clear();
    for (std::string_view part : parts) args.emplace_back(part);
  };
  auto send = [this] { connection->Append(args); };

  command({"MULTI"});
  send();
  command({"HSET", base + "users"});
  for (size_t w = 0; w < summary.windows.size(); ++w) {
    args.push_back(window_labels[w]);
    args.push_back(absl::StrCat(summary.windows[w].active_users));
  }
  send();
  command({"PEXPIRE", base + "users", ttl_ms});
  send();
  for (size_t w = 0; w < summary.windows.size(); ++w) {
    const RealtimeWindow& window = summary.windows[w];
    for (const auto& [kind, list] :
         {std::pair{"pages:", &window.pages}, std::pair{"items:", &window.items}}) {
      const std::string key = absl::StrCat(base, kind, window_labels[w]);
      // Replaced whole inside MULTI: a reader sees the old set or the new one.
      command({"DEL", key});
      send();
      if (list->empty()) continue;
      command({"ZADD", key});
      for (const engine::RealtimeCount& c : *list) {
        args.push_back(absl::StrCat(c.viewers));
        args.push_back(c.key);
      }
      send();
      command({"PEXPIRE", key, ttl_ms});
      send();
    }
  }
  command({"SET", base + "updated", now, "PX", ttl_ms});
  send();
  const std::string merchants_key = absl::StrCat(options.key_prefix, ":rt:merchants");
  command({"ZADD", merchants_key, now, name});
  send();
  // Members not pushed within a TTL are merchants whose keys have expired.
  command({"ZREMRANGEBYSCORE", merchants_key, "-inf",
           absl::StrCat("(", now_ms - absl::ToInt64Milliseconds(options.ttl))});
  send();
  command({"PEXPIRE", merchants_key, ttl_ms});
  send();
  command({"EXEC"});
  send();
}

}  // namespace strata::ingest
