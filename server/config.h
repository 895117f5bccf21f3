// `strata serve` configuration: embedded defaults, overridden by a TOML file, then by
// STRATA_* environment variables, then by command-line flags.
//
// Every setting has one dotted key, used the same way everywhere:
//   TOML      [pg] port = 5433
//   env       STRATA_PG_PORT=5433          (key upper-cased, '.' -> '_', "STRATA_" prefix)
//   flag      --set pg.port=5433           (and shorthands: --data-dir, --http-port, --pg-port)
// Unknown keys, wrong types and out-of-range values are InvalidArgument naming the key and
// where it came from ("config.toml: pg.port: must be 0-65535"). `strata serve
// --print-config` prints the effective configuration as TOML (secrets masked), which is
// itself a valid config file. docs/operations.md lists every key.
//
// Thread safety: plain data; load at startup.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::server {

struct ServeConfig {
  std::string data_dir = "./strata-data";

  struct Http {
    std::string host = "127.0.0.1";
    int64_t port = 8080;
    int64_t io_threads = 2;
    int64_t max_connections = 10'000;
    int64_t max_body_mb = 8;
    int64_t max_decoded_body_mb = 64;
    int64_t max_inflight_mb = 256;
    std::vector<std::string> cors_allowed_origins = {"*"};
    int64_t max_event_age_hours = 0;       // 0 = accept any past ts
    int64_t max_event_future_minutes = 0;  // 0 = accept any future ts
  } http;

  struct Pg {
    std::string host = "127.0.0.1";
    int64_t port = 5433;
    int64_t max_connections = 200;
    int64_t max_connections_per_merchant = 50;
    std::string database = "strata";
  } pg;

  struct Grpc {  // reserved: the gRPC service comes in a later release
    std::string host = "127.0.0.1";
    int64_t port = 50051;
  } grpc;

  struct Query {
    int64_t statement_timeout_ms = 0;  // 0 = none (PG wire); the JSON API caps at 30 s
    int64_t memory_limit_mb = 1024;    // per statement
    int64_t max_result_rows = 10'000'000;
    int64_t threads = 0;  // per statement; 0 = hardware threads
    std::string time_zone = "UTC";
  } query;

  struct Engine {
    int64_t shards = 8;
    std::string wal_sync = "sync";  // "sync" | "relaxed"
    int64_t memtable_max_rows = 2'000'000;
    int64_t memtable_budget_mb = 1024;
    int64_t memtable_max_age_seconds = 600;
    std::string compression = "zstd";  // "zstd" | "lz4" | "none"
  } engine;

  struct Processing {  // docs/metrics.md; per-merchant values override the three defaults
    int64_t allowed_lateness_minutes = 120;
    int64_t rollup_min_rows = 64;
    int64_t session_timeout_minutes = 30;
    std::vector<std::string> conversion_events = {"purchase"};
    std::string time_zone = "UTC";
  } processing;

  struct Ingest {
    std::string mode = "wal";  // "wal": /collect appends here | "kafka": via the topic
  } ingest;

  struct Kafka {          // ingest.mode = "kafka" (docs/operations.md, "Kafka ingest")
    std::string brokers;  // bootstrap servers "host:port,..."; required in kafka mode
    std::string topic = "strata.events";
    std::string dlq_topic = "strata.events.dlq";
    std::string group = "strata";
    std::string client_id = "strata";
    std::vector<std::string> properties;  // extra librdkafka "key=value" settings
    int64_t produce_timeout_ms = 30'000;  // /collect waits this long for delivery at most
    int64_t max_batch_events = 65'536;    // events per engine append when consuming
  } kafka;

  struct Redis {          // the realtime mirror; off unless `address` is set
    std::string address;  // "host:port" or "unix:/path/to.sock"; empty = off
    std::string password;
    std::string key_prefix = "strata";
    int64_t interval_ms = 1000;
    int64_t ttl_seconds = 120;
    int64_t top_n = 20;
  } redis;

  struct Auth {
    std::string admin_user = "strata";
    std::string admin_password = "strata";
    std::string admin_token;  // empty = none
  } auth;

  struct Log {
    std::string level = "info";  // debug | info | warn | error
  } log;
};

// Where settings come from, lowest precedence first.
struct ConfigSources {
  std::string toml_path;                           // empty = no file
  std::map<std::string, std::string> environment;  // e.g. from environ; non-STRATA_ ignored
  std::vector<std::pair<std::string, std::string>> overrides;  // key=value from flags, in order
};

absl::StatusOr<ServeConfig> LoadServeConfig(const ConfigSources& sources);

// The configuration as TOML; passwords and tokens print as "********" unless
// `show_secrets`.
std::string ServeConfigToToml(const ServeConfig& config, bool show_secrets = false);

// The process environment as a map (for ConfigSources::environment).
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace strata::server
