// The sending half of `strata demo` and `strata load --server`: a bounded queue of NDJSON
// batches and a pool of keep-alive connections that POST them to /collect with the admin's
// Basic credentials, honouring 429 Retry-After and backing off on 503 and broken
// connections. A batch whose reply was lost (broken connection, timeout) is sent again, so
// delivery is at least once.
//
// Thread safety: BatchQueue and DemoCounters are thread-safe; DemoSenders is created,
// joined and destroyed by one thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::client {
class HttpClient;
}

namespace strata::server {

// The counts of a /collect reply ({"accepted":N,"rejected":M,...}); nullopt if absent.
struct CollectCounts {
  int64_t accepted = 0;
  int64_t rejected = 0;
};
std::optional<CollectCounts> ParseCollectCounts(std::string_view body);

// Checks GET /healthz of the server at `url` (host:port); the error says what to do.
absl::Status CheckServer(const std::string& host, uint16_t port, const std::string& url);

// Request latencies in log-spaced buckets (10% apart), so percentiles cost no per-request
// storage. Percentile returns the upper bound of the bucket holding it.
class LatencyHistogram {
 public:
  void Add(absl::Duration latency);
  absl::Duration Percentile(double p) const;  // p in [0, 1]; zero when empty
  uint64_t count() const { return count_; }
  void Merge(const LatencyHistogram& other);
  void Clear();

 private:
  static constexpr int kBuckets = 200;  // 10 us * 1.1^199 is beyond an hour
  uint64_t buckets_[kBuckets] = {};
  uint64_t count_ = 0;
};

struct DemoBatch {
  std::string body;  // NDJSON
  uint64_t events = 0;
  uint64_t tag = 0;  // the caller's name for the batch, handed back to on_reply
};

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // Moves *batch in unless the queue stays full for `timeout`; false then (or once closed).
  bool PushFor(DemoBatch* batch, absl::Duration timeout);
  // Blocks for the next batch; false once the queue is closed and empty.
  bool Pop(DemoBatch* out);
  void Close();

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<DemoBatch> batches_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

class DemoCounters {
 public:
  std::atomic<uint64_t> sent{0};  // events in requests the server answered 200/400
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> dropped{0};  // abandoned at shutdown
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> throttled{0};    // 429 replies
  std::atomic<uint64_t> unavailable{0};  // 503 replies and broken connections

  void AddLatency(absl::Duration latency);
  // The latencies recorded since the previous call.
  LatencyHistogram TakeInterval();
  // Every latency recorded.
  LatencyHistogram Total();

 private:
  absl::Mutex mu_;
  LatencyHistogram interval_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram total_ ABSL_GUARDED_BY(mu_);
};

struct DemoSenderOptions {
  std::string host;
  uint16_t port = 8080;
  std::string user;
  std::string password;
  int connections = 4;
  absl::Duration request_timeout = absl::Seconds(10);
  absl::Duration max_backoff = absl::Seconds(5);
  // A batch the server has neither taken nor refused for this long (unreachable, or
  // answering 503) is fatal. 429 replies do not count: the server asked us to wait.
  absl::Duration give_up_after = absl::InfiniteDuration();
  std::string program = "strata demo";  // prefixes the messages printed to stderr
  // Called from a sender thread for each batch the server answered 200 or 400, with the
  // counts and the reply body (its "errors" name the rejected events). When set, the
  // senders print no rejection warning of their own.
  std::function<void(const DemoBatch& batch, const CollectCounts& counts, std::string_view reply)>
      on_reply;
};

class DemoSenders {
 public:
  // Starts `options.connections` threads popping from `queue` until it is closed and
  // empty. `queue` and `counters` must outlive this object.
  DemoSenders(DemoSenderOptions options, BatchQueue* queue, DemoCounters* counters);
  ~DemoSenders();  // Abandon()s and joins
  DemoSenders(const DemoSenders&) = delete;
  DemoSenders& operator=(const DemoSenders&) = delete;

  // Stop retrying and drop what is queued; requests on the wire still complete.
  void Abandon() { abandon_ = true; }
  // Waits until every thread has finished (the queue must be closed first) or `timeout`
  // passed; true if all finished.
  bool WaitFor(absl::Duration timeout);
  void Join();

  // A condition the demo cannot recover from (bad credentials, not a Strata server...);
  // set once, after which the senders have abandoned.
  std::optional<std::string> fatal_error() const;

 private:
  void Run();
  void Send(client::HttpClient& http, const DemoBatch& batch);
  // Sleeps `d` unless abandoned first; false if abandoned.
  bool Wait(absl::Duration d);
  void Fatal(std::string message);

  const DemoSenderOptions options_;
  const std::string authorization_;
  BatchQueue* queue_;
  DemoCounters* counters_;
  std::atomic<bool> abandon_{false};
  mutable absl::Mutex mu_;
  std::optional<std::string> fatal_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool warned_rejections_ ABSL_GUARDED_BY(mu_) = false;
  bool warned_unreachable_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace strata::server
