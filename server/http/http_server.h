// The HTTP front end (Boost.Beast): the tracker collector, health, metrics, the JSON query
// API and the admin API. docs/http.md describes every endpoint.
//
//   POST /collect            events in: one JSON object, a JSON array of objects, or NDJSON;
//                            Content-Encoding: gzip; text/plain bodies (navigator.sendBeacon);
//                            CORS (OPTIONS preflight, Access-Control-Allow-Origin). Auth: the
//                            merchant's write key in X-Strata-Key or ?key= (its events only),
//                            or the admin's Basic credentials (any merchant). Replies
//                            200 {"accepted":N,"rejected":M,"errors":[{"index":i,"field":f,
//                            "reason":r}]} once the accepted events are durable (WAL group
//                            commit); 400 when none is good; 401 bad key; 413 body too large;
//                            429 + Retry-After when in-flight ingest is over its bound.
//   GET  /healthz            200 "ok" while serving, 503 while shutting down.
//   GET  /metrics            Prometheus text (MetricsRegistry::Render).
//   POST /api/v1/query       SQL in (body text, or JSON {"sql":..., "params":[...]}), JSON out:
//                            {"columns":[{"name":..,"type":..}],"rows":[[..]],"tag":..,
//                            "elapsed_ms":..}; errors {"error":{"sqlstate":..,"message":..,
//                            "position":..}} with 400 (or 401/403/429/503). Auth: Bearer
//                            token or Basic; the merchant scope is the principal's.
//   /api/v1/admin/merchants  admin only: GET list, POST {"merchant":..,"password":..} add,
//                            DELETE /api/v1/admin/merchants/NAME remove,
//                            PATCH /api/v1/admin/merchants/NAME change limits/settings,
//                            POST /api/v1/admin/merchants/NAME/rotate-key (write key),
//                            .../rotate-password, .../rotate-token.
//
// Thread safety: Start/Stop from one thread; the server runs its own threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
#include "ingest/kafka/producer.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/http/admin_api.h"

namespace strata::server::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see HttpServer::port())
  int io_threads = 2;
  int max_connections = 10'000;
  size_t max_body_bytes = 8ull << 20;           // as received (413 beyond)
  size_t max_decoded_body_bytes = 64ull << 20;  // after gunzip (413 beyond)
  size_t max_inflight_bytes = 256ull << 20;     // decoded bodies being ingested (429 beyond)
  int retry_after_seconds = 1;
  std::vector<std::string> cors_allowed_origins = {"*"};
  ingest::ValidationOptions validation;
  // ingest.mode = "kafka": /collect produces accepted events here instead of appending
  // them to the engine (must outlive the server).
  ingest::kafka::EventProducer* kafka_producer = nullptr;
  // GET /api/v1/admin/status (admin only); null = 404.
  StatusJsonFn status_json;
  absl::Duration idle_timeout = absl::Seconds(60);  // keep-alive connections
  // /api/v1/query limits
  absl::Duration statement_timeout = absl::Seconds(30);
  size_t memory_limit_bytes = 1ull << 30;
  size_t max_result_rows = 1'000'000;
  int query_threads = 0;
};

class HttpServer {
 public:
  // `engine`, `tenants` and `metrics` must outlive the server.
  HttpServer(HttpServerOptions options, engine::Engine* engine, auth::TenantStore* tenants,
             MetricsRegistry* metrics);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Unavailable (with the address) if the port is taken.
  absl::Status Start();
  uint16_t port() const;
  // Graceful stop: /healthz turns 503, stops accepting, finishes in-flight requests (up to
  // `grace`), closes connections. Idempotent.
  void Stop(absl::Duration grace = absl::Seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::server::http
