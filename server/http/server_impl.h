// HttpServer's private parts, shared by http_server.cc (listener, lifecycle) and
// http_session.cc (one connection: parsing, routing, replies). Only these two TUs include
// Asio/Beast.
//
// Threads: `io_threads` run the io_context (accept, parse, write; never block); the
// ingest pool runs /collect decoding and Engine::Append (which blocks until the WAL group
// commit is durable: more concurrent Appends make bigger groups); the API pool runs query
// and admin requests and Basic authentication (PBKDF2 on a cache miss). A connection is a
// coroutine on its own strand.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "server/http/admin_api.h"
#include "server/http/collect_handler.h"
#include "server/http/http_server.h"
#include "server/http/ingest_gate.h"
#include "server/http/query_api.h"
#include "server/http/request.h"

namespace strata::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using RequestParser = beast::http::request_parser<beast::http::buffer_body>;

// Request headers larger than this are answered 431.
inline constexpr size_t kMaxHeaderBytes = 16 << 10;
// Query and admin requests running or queued beyond this are answered 429.
inline constexpr int kMaxApiInflight = 64;
inline constexpr int kIngestThreads = 16;
inline constexpr int kApiThreads = 8;

// The endpoints, also the `path` label of the request metrics.
enum class Route { kCollect, kHealthz, kMetrics, kQuery, kAdmin, kOther, kCount };
Route RouteOf(std::string_view path);

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  // Between the first byte of a request and its reply. Touched only on the stream's strand.
  bool busy = false;
};

// Everything HttpServer::Impl holds (a plain struct so the session code can name it).
struct ServerState {
  ServerState(HttpServerOptions options, engine::Engine* engine, auth::TenantStore* tenants,
              MetricsRegistry* metrics);

  // Lifecycle (http_server.cc).
  absl::Status Start();
  void Stop(absl::Duration grace);
  asio::awaitable<void> AcceptLoop();
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(const std::shared_ptr<Connection>& c);

  // One connection (http_session.cc).
  asio::awaitable<void> Serve(std::shared_ptr<Connection> c);
  asio::awaitable<void> RejectConnection(tcp::socket socket);
  void CountRequest(Route route, int status, double seconds);

  const HttpServerOptions options;
  engine::Engine* const engine;
  auth::TenantStore* const tenants;
  MetricsRegistry* const metrics;

  Gauge* connections_gauge;
  Gauge* inflight_gauge;
  Counter* throttled;
  std::array<Histogram*, static_cast<size_t>(Route::kCount)> request_seconds{};
  // strata_http_requests_total{path,code}, looked up on first use.
  std::array<std::array<std::atomic<Counter*>, 600>, static_cast<size_t>(Route::kCount)>
      request_counters{};

  IngestGate gate;
  CollectHandler collect;
  QueryApi query;
  AdminApi admin;
  std::atomic<int> api_inflight{0};

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  std::unique_ptr<asio::thread_pool> ingest_pool;
  std::unique_ptr<asio::thread_pool> api_pool;
  std::vector<std::thread> io_threads;
  uint16_t bound_port = 0;

  std::atomic<bool> stopping{false};
  bool started = false;  // Start/Stop thread only
  bool stopped = false;

  absl::Mutex conn_mu;
  absl::flat_hash_set<std::shared_ptr<Connection>> connections ABSL_GUARDED_BY(conn_mu);
};

}  // namespace strata::server::http
