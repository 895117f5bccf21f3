// The Redis mirror of the realtime state, for dashboards that read Redis directly.
//
// A background thread wakes every `interval` and, for each merchant whose realtime state
// changed since its last push (at most one push per merchant per interval), writes one
// pipelined batch (MULTI ... EXEC) of:
//   {prefix}:rt:{merchant}:users          hash   1m, 5m, 30m -> active users
//   {prefix}:rt:{merchant}:pages:{w}      zset   page -> viewers, for w in 1m, 5m, 30m (top N)
//   {prefix}:rt:{merchant}:items:{w}      zset   item_id -> viewers (top N)
//   {prefix}:rt:{merchant}:updated        string unix ms of the push
// each key with a TTL (`ttl`) so a merchant that goes quiet expires, plus
//   {prefix}:rt:merchants                 zset   merchant -> unix ms of its last push
// (docs/operations.md, "Redis mirror"). Zsets are replaced whole (DEL + ZADD in the same
// MULTI), so a reader never sees a half-written set.
//
// Redis being down never blocks ingest or queries: a failed push drops the connection,
// the thread retries connecting with backoff (up to 5 s) and, once reconnected, pushes
// every merchant the tracker holds (resynchronization).
//
// Thread safety: Start/Stop from one thread; stats() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/realtime/realtime.h"

namespace strata::ingest {

struct RedisMirrorOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;  // used instead of host:port when set
  std::string password;     // AUTH when set
  std::string key_prefix = "strata";
  absl::Duration interval = absl::Seconds(1);
  absl::Duration ttl = absl::Seconds(120);
  absl::Duration connect_timeout = absl::Seconds(1);
  size_t top_n = 20;
};

struct RedisMirrorStats {
  uint64_t pushes = 0;   // merchant batches written
  uint64_t errors = 0;   // failed connects or pushes
  uint64_t resyncs = 0;  // full pushes after a (re)connect
  bool connected = false;
};

class RedisMirror {
 public:
  // Merchant name for a dense id (the engine catalog's), used in key names.
  using MerchantName = std::function<std::string(uint32_t merchant)>;

  // Starts the thread; does not wait for Redis (it may be down).
  static std::unique_ptr<RedisMirror> Start(const RedisMirrorOptions& options,
                                            engine::RealtimeTracker* tracker,
                                            MerchantName merchant_name);
  ~RedisMirror();  // Stop()
  void Stop();
  RedisMirrorStats stats() const;

  struct Impl;

 private:
  explicit RedisMirror(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::ingest
