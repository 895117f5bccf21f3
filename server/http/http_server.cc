#include "server/http/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "absl/strings/str_cat.h"
#include "server/base/log.h"
#include "server/http/server_impl.h"

namespace strata::server::http {
namespace {

CollectLimits MakeCollectLimits(const HttpServerOptions& o) {
  CollectLimits limits;
  limits.max_decoded_body_bytes = o.max_decoded_body_bytes;
  limits.validation = o.validation;
  limits.retry_after_seconds = o.retry_after_seconds;
  return limits;
}

QueryLimits MakeQueryLimits(const HttpServerOptions& o) {
  QueryLimits limits;
  limits.statement_timeout = o.statement_timeout;
  limits.memory_limit_bytes = o.memory_limit_bytes;
  limits.max_result_rows = o.max_result_rows;
  limits.query_threads = o.query_threads;
  return limits;
}

constexpr std::string_view kRouteLabels[] = {
    "/collect", "/healthz", "/metrics", "/api/v1/query", "/api/v1/admin/merchants", "other"};

}  // namespace

Route RouteOf(std::string_view path) {
  if (path == "/collect") return Route::kCollect;
  if (path == "/healthz") return Route::kHealthz;
  if (path == "/metrics") return Route::kMetrics;
  if (path == "/api/v1/query") return Route::kQuery;
  if (path == kAdminStatusPath) return Route::kAdmin;
  if (path.substr(0, kAdminMerchantsPath.size()) == kAdminMerchantsPath &&
      (path.size() == kAdminMerchantsPath.size() || path[kAdminMerchantsPath.size()] == '/')) {
    return Route::kAdmin;
  }
  return Route::kOther;
}

ServerState::ServerState(HttpServerOptions o, engine::Engine* e, auth::TenantStore* t,
                         MetricsRegistry* m)
    : options(std::move(o)),
      engine(e),
      tenants(t),
      metrics(m),
      connections_gauge(m->GetGauge("strata_http_connections", "Open HTTP connections")),
      inflight_gauge(m->GetGauge("strata_http_inflight_bytes",
                                 "Bytes of /collect bodies held (received, decoded, ingesting)")),
      throttled(m->GetCounter("strata_http_throttled_total",
                              "Requests answered 429 because in-flight work was over its bound")),
      gate(options.max_inflight_bytes, inflight_gauge),
      collect(MakeCollectLimits(options), e, options.kafka_producer, m),
      query(MakeQueryLimits(options), e, t, m),
      admin(t, options.status_json),
      ioc(std::max(1, options.io_threads)),
      acceptor(asio::make_strand(ioc)) {
  for (size_t r = 0; r < request_seconds.size(); ++r) {
    request_seconds[r] =
        m->GetHistogram("strata_http_request_seconds", "HTTP request latency, by endpoint",
                        LatencyBuckets(), {{"path", std::string(kRouteLabels[r])}});
  }
}

void ServerState::CountRequest(Route route, int status, double seconds) {
  const size_t r = static_cast<size_t>(route);
  request_seconds[r]->Observe(seconds);
  if (status < 0 || status >= 600) status = 500;
  std::atomic<Counter*>& slot = request_counters[r][status];
  Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // The registry returns the same object for the same labels: a race stores it twice.
    counter = metrics->GetCounter(
        "strata_http_requests_total", "HTTP requests, by endpoint and status",
        {{"path", std::string(kRouteLabels[r])}, {"code", std::to_string(status)}});
    slot.store(counter, std::memory_order_release);
  }
  counter->Add();
}

void ServerState::Register(const std::shared_ptr<Connection>& c) {
  absl::MutexLock lock(&conn_mu);
  connections.insert(c);
  connections_gauge->Add(1);
}

void ServerState::Unregister(const std::shared_ptr<Connection>& c) {
  absl::MutexLock lock(&conn_mu);
  connections.erase(c);
  connections_gauge->Add(-1);
}

absl::Status ServerState::Start() {
  if (started) return absl::FailedPreconditionError("the HTTP server was already started");
  const std::string address = absl::StrCat(options.host, ":", options.port);
  boost::system::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints =
      resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve HTTP listen address ", address, ": ", ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.close();
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", address, ": ", ec.message()));
  }
  bound_port = acceptor.local_endpoint().port();
  started = true;
  ingest_pool = std::make_unique<asio::thread_pool>(kIngestThreads);
  api_pool = std::make_unique<asio::thread_pool>(kApiThreads);
  work.emplace(asio::make_work_guard(ioc));
  asio::co_spawn(acceptor.get_executor(), AcceptLoop(), asio::detached);
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    io_threads.emplace_back([this] { ioc.run(); });
  }
  Log(LogLevel::kInfo, "listening")
      .Kv("proto", "http")
      .Kv("addr", absl::StrCat(options.host, ":", bound_port));
  return absl::OkStatus();
}

asio::awaitable<void> ServerState::AcceptLoop() {
  while (!stopping.load()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping.load() || ec == asio::error::operation_aborted) break;
      // Out of file descriptors and the like: back off instead of spinning.
      Log(LogLevel::kWarn, "accept failed").Kv("proto", "http").Kv("error", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    size_t open;
    {
      absl::MutexLock lock(&conn_mu);
      open = connections.size();
    }
    if (open >= static_cast<size_t>(options.max_connections)) {
      auto executor = socket.get_executor();
      asio::co_spawn(executor, RejectConnection(std::move(socket)), asio::detached);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    Register(connection);
    asio::co_spawn(connection->stream.get_executor(), Serve(connection), asio::detached);
  }
}

void ServerState::Stop(absl::Duration grace) {
  if (!started || stopped) return;
  stopped = true;
  stopping.store(true);
  asio::post(acceptor.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
  });
  // Idle connections go now; busy ones finish their request (their loop sees `stopping`).
  auto close_connections = [this](bool idle_only) {
    absl::MutexLock lock(&conn_mu);
    for (const std::shared_ptr<Connection>& c : connections) {
      asio::post(c->stream.get_executor(), [c, idle_only] {
        if (idle_only && c->busy) return;
        boost::system::error_code ignored;
        c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        c->stream.socket().close(ignored);
      });
    }
  };
  close_connections(/*idle_only=*/true);
  auto none_left = [this]() ABSL_SHARED_LOCKS_REQUIRED(conn_mu) { return connections.empty(); };
  {
    absl::MutexLock lock(&conn_mu);
    conn_mu.AwaitWithTimeout(absl::Condition(&none_left), grace);
  }
  // Grace is over: statements still running are cancelled (ingest is never cut short:
  // an append in progress finishes so its reply tells the truth).
  query.CancelAll();
  close_connections(/*idle_only=*/false);
  {
    // A connection waiting for its ingest or query ends when that returns.
    absl::MutexLock lock(&conn_mu);
    while (!conn_mu.AwaitWithTimeout(absl::Condition(&none_left), absl::Milliseconds(100))) {
      conn_mu.Unlock();
      query.CancelAll();
      conn_mu.Lock();
    }
  }
  work.reset();
  ioc.stop();
  for (std::thread& t : io_threads) t.join();
  io_threads.clear();
  ingest_pool->join();
  api_pool->join();
  Log(LogLevel::kInfo, "stopped").Kv("proto", "http");
}

struct HttpServer::Impl : ServerState {
  using ServerState::ServerState;
};

HttpServer::HttpServer(HttpServerOptions options, engine::Engine* engine,
                       auth::TenantStore* tenants, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), engine, tenants, metrics)) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop(absl::Duration grace) { impl_->Stop(grace); }

}  // namespace strata::server::http
