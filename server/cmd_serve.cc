// `strata serve`: the server. Opens the data directory, starts the HTTP and PostgreSQL
// front ends, and runs until SIGTERM/SIGINT, then stops gracefully: stop accepting, finish
// in-flight requests, flush memtables, exit 0.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "ingest/redis/redis_mirror.h"
#include "server/args.h"
#include "server/auth/tenants.h"
#include "server/base/log.h"
#include "server/base/metrics.h"
#include "server/commands.h"
#include "server/config.h"
#include "server/http/http_server.h"
#include "server/pgwire/pg_server.h"
#include "server/serve_kafka.h"
#include "server/serve_metrics.h"
#include "server/serve_status.h"

namespace strata::server {
namespace {

// Merchants get the processing.* settings unless `tenants` holds overrides for them; the
// engine then reads the store, which must outlive it.
absl::StatusOr<engine::EngineOptions> EngineOptionsFrom(const ServeConfig& c,
                                                        const auth::TenantStore& tenants) {
  engine::EngineOptions o;
  o.data_dir = c.data_dir;
  o.shards = static_cast<uint32_t>(c.engine.shards);
  o.wal_sync =
      c.engine.wal_sync == "relaxed" ? engine::WalSyncMode::kRelaxed : engine::WalSyncMode::kSync;
  o.memtable_max_rows = static_cast<size_t>(c.engine.memtable_max_rows);
  o.memtable_budget_bytes = static_cast<size_t>(c.engine.memtable_budget_mb) << 20;
  o.memtable_max_age = absl::Seconds(c.engine.memtable_max_age_seconds);
  // In Kafka mode the topic is the log: the consumer resumes from the positions recorded
  // with each flush, so a WAL would only write everything twice.
  o.write_ahead_log = c.ingest.mode != "kafka";
  o.allowed_lateness_us = c.processing.allowed_lateness_minutes * engine::kMicrosPerMinute;
  o.rollup_min_rows = static_cast<uint32_t>(
      std::min<int64_t>(c.processing.rollup_min_rows, std::numeric_limits<uint32_t>::max()));
  auto defaults = std::make_shared<engine::MerchantSettings>();
  defaults->session_timeout_us = c.processing.session_timeout_minutes * engine::kMicrosPerMinute;
  defaults->conversion_events = c.processing.conversion_events;
  defaults->time_zone = c.processing.time_zone;
  if (!absl::LoadTimeZone(c.processing.time_zone, &defaults->zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("processing.time_zone: unknown time zone ", c.processing.time_zone));
  }
  o.merchant_settings = tenants.ProcessingSettings(*defaults);
  if (c.engine.compression == "lz4") {
    o.compression = storage::Compression::kLz4;
  } else if (c.engine.compression == "none") {
    o.compression = storage::Compression::kNone;
  } else {
    o.compression = storage::Compression::kZstd;
  }
  return o;
}

// The realtime mirror (docs/operations.md, "Redis mirror"): it connects in the background
// and never blocks ingest, so a Redis that is down only shows in the log and /metrics.
std::unique_ptr<ingest::RedisMirror> StartRedisMirror(const ServeConfig& c, engine::Engine* engine,
                                                      MetricsRegistry* metrics) {
  ingest::RedisMirrorOptions o;
  if (absl::StartsWith(c.redis.address, "unix:")) {
    o.unix_socket = c.redis.address.substr(5);
  } else {
    const size_t colon = c.redis.address.rfind(':');
    o.host = c.redis.address.substr(0, colon);
    o.port = std::stoi(c.redis.address.substr(colon + 1));  // validated by the config
  }
  o.password = c.redis.password;
  o.key_prefix = c.redis.key_prefix;
  o.interval = absl::Milliseconds(c.redis.interval_ms);
  o.ttl = absl::Seconds(c.redis.ttl_seconds);
  o.top_n = static_cast<size_t>(c.redis.top_n);
  const engine::Catalog* catalog = &engine->catalog();
  std::unique_ptr<ingest::RedisMirror> mirror = ingest::RedisMirror::Start(
      o, &engine->realtime(), [catalog](uint32_t m) { return catalog->MerchantName(m); });
  ingest::RedisMirror* raw = mirror.get();
  metrics->AddCollector([raw](std::string* out) { AppendRedisMirrorMetrics(raw->stats(), out); });
  Log(LogLevel::kInfo, "redis mirror started").Kv("address", c.redis.address);
  return mirror;
}

http::HttpServerOptions HttpOptionsFrom(const ServeConfig& c) {
  http::HttpServerOptions o;
  o.host = c.http.host;
  o.port = static_cast<uint16_t>(c.http.port);
  o.io_threads = static_cast<int>(c.http.io_threads);
  o.max_connections = static_cast<int>(c.http.max_connections);
  o.max_body_bytes = static_cast<size_t>(c.http.max_body_mb) << 20;
  o.max_decoded_body_bytes = static_cast<size_t>(c.http.max_decoded_body_mb) << 20;
  o.max_inflight_bytes = static_cast<size_t>(c.http.max_inflight_mb) << 20;
  o.cors_allowed_origins = c.http.cors_allowed_origins;
  if (c.http.max_event_age_hours > 0) {
    o.validation.max_past_us = c.http.max_event_age_hours * 3'600'000'000;
  }
  if (c.http.max_event_future_minutes > 0) {
    o.validation.max_future_us = c.http.max_event_future_minutes * 60'000'000;
  }
  if (c.query.statement_timeout_ms > 0) {
    o.statement_timeout = absl::Milliseconds(c.query.statement_timeout_ms);
  }
  o.memory_limit_bytes = static_cast<size_t>(c.query.memory_limit_mb) << 20;
  o.query_threads = static_cast<int>(c.query.threads);
  return o;
}

pgwire::PgServerOptions PgOptionsFrom(const ServeConfig& c) {
  pgwire::PgServerOptions o;
  o.host = c.pg.host;
  o.port = static_cast<uint16_t>(c.pg.port);
  o.max_connections = static_cast<int>(c.pg.max_connections);
  o.max_connections_per_merchant = static_cast<int>(c.pg.max_connections_per_merchant);
  o.statement_timeout = absl::Milliseconds(c.query.statement_timeout_ms);
  o.memory_limit_bytes = static_cast<size_t>(c.query.memory_limit_mb) << 20;
  o.max_result_rows = static_cast<size_t>(c.query.max_result_rows);
  o.query_threads = static_cast<int>(c.query.threads);
  o.database = c.pg.database;
  o.default_time_zone = c.query.time_zone;
  return o;
}

int Fail(std::string_view what, const absl::Status& status) {
  Log(LogLevel::kError, what).Kv("error", std::string(status.message()));
  std::fprintf(stderr, "strata serve: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  std::string config_path;
  std::string data_dir;
  int64_t http_port = -1;
  int64_t pg_port = -1;
  std::vector<std::string> sets;
  bool print_config = false;
  bool show_secrets = false;
  ArgParser parser("strata serve [--config FILE] [--data-dir DIR] [--set KEY=VALUE]...",
                   "Run the server: HTTP (/collect, /metrics, /api/v1/query) and the "
                   "PostgreSQL wire protocol. Settings: embedded defaults < --config TOML < "
                   "STRATA_* environment < flags (docs/operations.md lists every key).");
  parser.AddString("config", &config_path, "TOML configuration file");
  parser.AddString("data-dir", &data_dir, "data directory (same as --set data_dir=DIR)");
  parser.AddInt64("http-port", &http_port, "HTTP port (same as --set http.port=N)");
  parser.AddInt64("pg-port", &pg_port, "PostgreSQL port (same as --set pg.port=N)");
  parser.AddStringList("set", &sets, "override one setting: KEY=VALUE (repeatable)");
  parser.AddBool("print-config", &print_config, "print the effective configuration and exit");
  parser.AddBool("show-secrets", &show_secrets, "with --print-config: print passwords too");
  if (auto code = parser.ParseOrExit(args, "serve")) return *code;

  ConfigSources sources;
  sources.toml_path = config_path;
  sources.environment = ProcessEnvironment();
  if (!data_dir.empty()) sources.overrides.emplace_back("data_dir", data_dir);
  if (http_port >= 0) sources.overrides.emplace_back("http.port", absl::StrCat(http_port));
  if (pg_port >= 0) sources.overrides.emplace_back("pg.port", absl::StrCat(pg_port));
  for (const std::string& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "strata serve: --set wants KEY=VALUE, got '%s'\n", s.c_str());
      return 2;
    }
    sources.overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  absl::StatusOr<ServeConfig> config = LoadServeConfig(sources);
  if (!config.ok()) {
    std::fprintf(stderr, "strata serve: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  if (print_config) {
    std::fputs(ServeConfigToToml(*config, show_secrets).c_str(), stdout);
    return 0;
  }
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config->log.level, &level);
  SetLogLevel(level);

  // Every thread started from here on inherits the blocked signals; the main thread
  // receives them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const absl::Time started = absl::Now();
  // The tenant store is opened first and destroyed last: the engine reads the merchants'
  // processing settings from it.
  auth::TenantStoreOptions tenant_options;
  tenant_options.admin_user = config->auth.admin_user;
  tenant_options.admin_password = config->auth.admin_password;
  tenant_options.admin_token = config->auth.admin_token;
  absl::StatusOr<std::unique_ptr<auth::TenantStore>> tenants =
      auth::TenantStore::Open(config->data_dir, tenant_options);
  if (!tenants.ok()) return Fail("cannot open the tenant store", tenants.status());

  auto engine_options = EngineOptionsFrom(*config, **tenants);
  if (!engine_options.ok()) return Fail("bad engine settings", engine_options.status());
  absl::StatusOr<std::unique_ptr<engine::Engine>> engine = engine::Engine::Open(*engine_options);
  if (!engine.ok()) return Fail("cannot open the data directory", engine.status());
  const engine::RecoveryReport& recovery = (*engine)->recovery_report();
  Log(LogLevel::kInfo, "data directory open")
      .Kv("data_dir", config->data_dir)
      .Kv("segments", recovery.segments)
      .Kv("wal_events_replayed", recovery.wal_events_replayed)
      .Kv("merchants", (*engine)->catalog().merchant_count())
      .Kv("ms", absl::ToInt64Milliseconds(absl::Now() - started));
  for (const std::string& torn : recovery.torn_tails) {
    Log(LogLevel::kWarn, "truncated a torn log tail").Kv("detail", torn);
  }

  MetricsRegistry metrics;
  RegisterEngineMetrics(engine->get(), &metrics);
  std::unique_ptr<ingest::RedisMirror> redis_mirror;
  if (!config->redis.address.empty()) {
    redis_mirror = StartRedisMirror(*config, engine->get(), &metrics);
  }

  KafkaIngest kafka;
  if (config->ingest.mode == "kafka") {
    absl::StatusOr<KafkaIngest> started_kafka = StartKafkaIngest(*config, engine->get(), &metrics);
    if (!started_kafka.ok()) return Fail("cannot start Kafka ingest", started_kafka.status());
    kafka = std::move(*started_kafka);
  }
  http::HttpServerOptions http_options = HttpOptionsFrom(*config);
  http_options.kafka_producer = kafka.producer.get();
  http_options.status_json = [sources = ServeStatusSources{engine->get(), kafka.consumer.get(),
                                                           kafka.producer.get(),
                                                           config->ingest.mode, started}] {
    return ServeStatusJson(sources);
  };
  http::HttpServer http_server(std::move(http_options), engine->get(), tenants->get(), &metrics);
  if (absl::Status s = http_server.Start(); !s.ok()) return Fail("cannot start HTTP", s);
  pgwire::PgServer pg_server(PgOptionsFrom(*config), engine->get(), tenants->get(), &metrics);
  if (absl::Status s = pg_server.Start(); !s.ok()) {
    http_server.Stop();
    return Fail("cannot start the PostgreSQL protocol", s);
  }

  // The servers log their own "listening" lines.
  const std::string http_addr = absl::StrCat(config->http.host, ":", http_server.port());
  Log(LogLevel::kInfo, "grpc port reserved, not served yet")
      .Kv("addr", absl::StrCat(config->grpc.host, ":", config->grpc.port));
  if (config->auth.admin_password == "strata") {
    Log(LogLevel::kWarn, "the admin password is the default one; set auth.admin_password")
        .Kv("user", config->auth.admin_user);
  }
  Log(LogLevel::kInfo, "ready")
      .Kv("psql", absl::StrCat("psql -h ", config->pg.host, " -p ", pg_server.port(), " -U ",
                               config->auth.admin_user, " ", config->pg.database))
      .Kv("collect", absl::StrCat("http://", http_addr, "/collect"))
      .Kv("startup_ms", absl::ToInt64Milliseconds(absl::Now() - started));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(LogLevel::kInfo, "stopping").Kv("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");

  // Both front ends drain at once (each within its grace period); the flush comes after
  // the last acknowledged append.
  std::thread http_stopper([&http_server] { http_server.Stop(); });
  pg_server.Stop();
  http_stopper.join();
  if (redis_mirror) redis_mirror->Stop();
  // Nothing produces now; the consumer appends what it gathered, flushes, commits its
  // positions and leaves the group so its partitions move on at once.
  if (kafka.consumer) {
    if (absl::Status s = kafka.consumer->Stop(); !s.ok()) {
      Log(LogLevel::kWarn, "kafka consumer stopped with an error").Kv("error", s.ToString());
    }
  }
  kafka.producer.reset();
  const absl::Time flush_start = absl::Now();
  absl::Status closed = (*engine)->Close();
  if (!closed.ok()) return Fail("flush on shutdown failed", closed);
  Log(LogLevel::kInfo, "stopped")
      .Kv("flush_ms", absl::ToInt64Milliseconds(absl::Now() - flush_start));
  return 0;
}

}  // namespace strata::server
