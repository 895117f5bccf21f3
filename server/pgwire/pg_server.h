// The PostgreSQL wire protocol (v3) front end: psql, libpq, JDBC, psycopg2 and Grafana
// talk to Strata unmodified.
//
// Per connection: startup (SSLRequest and GSSENCRequest answered 'N'), SCRAM-SHA-256
// authentication against the TenantStore, ParameterStatus, BackendKeyData, then simple and
// extended query protocol. Statements run in a query::QuerySession whose merchant scope
// comes from the authenticated principal, never from the query. Queries on PostgreSQL's
// system catalogs (pg_catalog.*, information_schema.*, version(), current_user, ...) are
// answered by PgCatalog (pg_catalog.h). docs/pgwire.md describes what is supported.
//
// Limits: max connections in total and per merchant (53300), statement timeout (57014,
// also the session's SET statement_timeout), memory budget per query (54000). A
// CancelRequest with the right key cancels the running statement of that connection.
//
// Thread safety: Start/Stop from one thread; the server runs its own threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"

namespace strata::server::pgwire {

struct PgServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5433;  // 0 = any free port (see PgServer::port())
  int max_connections = 200;
  int max_connections_per_merchant = 50;
  absl::Duration statement_timeout = absl::ZeroDuration();  // 0 = none
  size_t memory_limit_bytes = 1ull << 30;                   // per statement
  size_t max_result_rows = 10'000'000;
  int query_threads = 0;  // per statement; 0 = hardware threads
  std::string database = "strata";
  std::string default_time_zone = "UTC";
  absl::Duration authentication_timeout = absl::Seconds(30);
};

class PgServer {
 public:
  // `engine`, `tenants` and `metrics` must outlive the server.
  PgServer(PgServerOptions options, engine::Engine* engine, auth::TenantStore* tenants,
           MetricsRegistry* metrics);
  ~PgServer();  // Stop()s
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Binds and starts accepting. Unavailable (with the address) if the port is taken.
  absl::Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Graceful stop: stops accepting, lets running statements finish (up to `grace`, then
  // cancels them), tells idle clients the server is shutting down (57P01) and closes
  // every connection. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(10));

  int active_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::server::pgwire
