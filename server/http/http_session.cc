// One HTTP connection: a coroutine on the connection's strand that reads requests one at a
// time (pipelined requests wait in the buffer, so replies keep their order), routes them,
// runs blocking work on the worker pools and writes the replies.
#include <array>
#include <chrono>
#include <exception>
#include <limits>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/base/log.h"
#include "server/http/server_impl.h"

namespace strata::server::http {
namespace {

namespace bhttp = beast::http;
using boost::system::error_code;

constexpr size_t kFirstReadBytes = 16 << 10;
constexpr size_t kMinBodyGrowth = 64 << 10;
constexpr auto kLingerTime = std::chrono::seconds(2);

// Runs `fn` on `pool` and resumes the calling coroutine, on its own executor, with the
// result. Exceptions from `fn` must not escape: the callers' functions catch their own.
template <typename T, typename F>
asio::awaitable<T> RunOn(asio::thread_pool& pool, F fn) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      [&pool](auto handler, F f) {
        asio::post(pool, [handler = std::move(handler), f = std::move(f)]() mutable {
          T result = f();
          auto executor = asio::get_associated_executor(handler);
          asio::post(executor,
                     [handler = std::move(handler), result = std::move(result)]() mutable {
                       std::move(handler)(std::move(result));
                     });
        });
      },
      asio::use_awaitable, std::move(fn));
}

// Runs a handler, turning an escaped exception (std::bad_alloc, ...) into a 500.
template <typename F>
HttpReply Guarded(F&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "request failed").Kv("proto", "http").Kv("error", e.what());
    return ErrorReply(500, absl::StrCat("internal error: ", e.what()));
  }
}

bool ParseBodyForm(std::string_view content_type, BodyForm* form) {
  const std::string media = MediaType(content_type);
  if (media == "application/x-ndjson" || media == "application/ndjson" ||
      media == "application/jsonl" || media == "application/x-jsonlines") {
    *form = BodyForm::kLines;
    return true;
  }
  *form = BodyForm::kDetect;
  return media.empty() || media == "application/json" || media == "text/plain";
}

std::string HeaderOf(const bhttp::request<bhttp::buffer_body>& message, bhttp::field field) {
  auto it = message.find(field);
  return it == message.end() ? std::string() : std::string(it->value());
}

// The marker for "the connection broke, nobody to answer".
HttpReply BrokenConnection() {
  HttpReply reply;
  reply.status = 0;
  return reply;
}

enum class BodyResult { kOk, kTooLarge, kOverBound, kBroken };

class Session {
 public:
  Session(ServerState& server, Connection& connection) : server_(server), c_(connection) {}
  asio::awaitable<void> Run();

 private:
  const HttpServerOptions& options() const { return server_.options; }
  asio::awaitable<HttpReply> Dispatch(Route route);
  asio::awaitable<HttpReply> Collect();
  asio::awaitable<HttpReply> CollectPost();
  asio::awaitable<HttpReply> Api(Route route);
  asio::awaitable<BodyResult> ReadBody(size_t limit, IngestGate::Reservation* reservation,
                                       std::string* out, bool discard);
  asio::awaitable<bool> SendContinue();
  asio::awaitable<bool> Write(HttpReply& reply, unsigned version, bool keep_alive);
  asio::awaitable<void> Linger();
  void FillRequest();
  HttpReply BodyTooLarge() const {
    HttpReply reply =
        ErrorReply(413, absl::StrCat("body larger than ", options().max_body_bytes, " bytes"));
    reply.close = true;  // the rest of the body is not read
    return reply;
  }
  bool OriginAllowed() const;
  void AddCors(HttpReply* reply) const;
  HttpReply Preflight() const;

  ServerState& server_;
  Connection& c_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpRequest request_;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
};

asio::awaitable<void> Session::Run() {
  const auto idle = std::chrono::microseconds(absl::ToInt64Microseconds(options().idle_timeout));
  while (!server_.stopping.load()) {
    c_.busy = false;
    error_code ec;
    if (buffer_.size() == 0) {
      // Waiting here is "idle": Stop closes such connections at once.
      c_.stream.expires_after(idle);
      const size_t n = co_await c_.stream.async_read_some(
          buffer_.prepare(kFirstReadBytes), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      buffer_.commit(n);
    }
    c_.busy = true;
    const auto start = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    // Checked per endpoint once the header is in. (Not boost::none: Beast 1.74 compares
    // the Content-Length with the optional, and every number is greater than none.)
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    c_.stream.expires_after(idle);
    co_await bhttp::async_read_header(c_.stream, buffer_, *parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
          ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
        co_return;  // closed, timed out or reset mid-header: nobody to answer
      }
      HttpReply reply =
          ec == bhttp::error::header_limit
              ? ErrorReply(431, "request header larger than 16 KiB")
              : ErrorReply(400, absl::StrCat("malformed HTTP request: ", ec.message()));
      if (co_await Write(reply, 11, /*keep_alive=*/false)) co_await Linger();
      server_.CountRequest(
          Route::kOther, reply.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      co_return;
    }
    FillRequest();
    const Route route = RouteOf(request_.path);
    HttpReply reply = co_await Dispatch(route);
    if (reply.status == 0) co_return;  // the connection broke while reading the body
    if (!parser_->is_done() && !reply.close) {
      // Keep the connection only if the unread body can be skipped.
      if (expect_continue_ && !continue_sent_) {
        reply.close = true;  // the client waits for 100 Continue and sends nothing
      } else if (co_await ReadBody(options().max_body_bytes, nullptr, nullptr, true) !=
                 BodyResult::kOk) {
        reply.close = true;
      }
    }
    if (reply.status == 429) {
      server_.throttled->Add();
      reply.headers.emplace_back("Retry-After", std::to_string(options().retry_after_seconds));
    }
    const bool body_unread = !parser_->is_done();
    const bool keep_alive = parser_->get().keep_alive() && !reply.close && !server_.stopping.load();
    const int status = reply.status;
    const bool written = co_await Write(reply, parser_->get().version(), keep_alive);
    server_.CountRequest(
        route, status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!written) co_return;
    if (!keep_alive) {
      if (body_unread) co_await Linger();
      co_return;
    }
  }
}

void Session::FillRequest() {
  const auto& m = parser_->get();
  request_ = HttpRequest();
  request_.method = std::string(m.method_string());
  const std::string_view target(m.target().data(), m.target().size());
  const size_t q = target.find('?');
  request_.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
  request_.content_type = HeaderOf(m, bhttp::field::content_type);
  request_.content_encoding = HeaderOf(m, bhttp::field::content_encoding);
  request_.authorization = HeaderOf(m, bhttp::field::authorization);
  request_.origin = HeaderOf(m, bhttp::field::origin);
  auto key = m.find("X-Strata-Key");
  if (key != m.end()) request_.strata_key = std::string(key->value());
  expect_continue_ = absl::EqualsIgnoreCase(
      absl::StripAsciiWhitespace(HeaderOf(m, bhttp::field::expect)), "100-continue");
  continue_sent_ = false;
}

asio::awaitable<HttpReply> Session::Dispatch(Route route) {
  switch (route) {
    case Route::kHealthz: {
      if (request_.method != "GET") {
        HttpReply reply = ErrorReply(405, "use GET");
        reply.headers.emplace_back("Allow", "GET");
        co_return reply;
      }
      if (server_.stopping.load()) co_return ErrorReply(503, "shutting down");
      HttpReply reply;
      reply.content_type = "text/plain; charset=utf-8";
      reply.body = "ok\n";
      co_return reply;
    }
    case Route::kMetrics: {
      if (request_.method != "GET") {
        HttpReply reply = ErrorReply(405, "use GET");
        reply.headers.emplace_back("Allow", "GET");
        co_return reply;
      }
      HttpReply reply;
      reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
      reply.body = server_.metrics->Render();
      co_return reply;
    }
    case Route::kCollect:
      co_return co_await Collect();
    case Route::kQuery:
    case Route::kAdmin:
      co_return co_await Api(route);
    default:
      co_return ErrorReply(404, absl::StrCat("no such endpoint: ", request_.path));
  }
}

bool Session::OriginAllowed() const {
  for (const std::string& allowed : options().cors_allowed_origins) {
    if (allowed == "*" || allowed == request_.origin) return true;
  }
  return false;
}

void Session::AddCors(HttpReply* reply) const {
  for (const std::string& allowed : options().cors_allowed_origins) {
    if (allowed == "*") {
      reply->headers.emplace_back("Access-Control-Allow-Origin", "*");
      break;
    }
    if (!request_.origin.empty() && allowed == request_.origin) {
      reply->headers.emplace_back("Access-Control-Allow-Origin", request_.origin);
      reply->headers.emplace_back("Vary", "Origin");
      break;
    }
  }
  reply->headers.emplace_back("Access-Control-Expose-Headers", "Retry-After");
}

HttpReply Session::Preflight() const {
  if (!request_.origin.empty() && !OriginAllowed()) {
    return ErrorReply(403, absl::StrCat("origin not allowed: ", request_.origin));
  }
  HttpReply reply;
  reply.status = 204;
  reply.content_type = "text/plain; charset=utf-8";
  AddCors(&reply);
  reply.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
  reply.headers.emplace_back("Access-Control-Allow-Headers",
                             "Content-Type, Content-Encoding, X-Strata-Key, Authorization");
  reply.headers.emplace_back("Access-Control-Max-Age", "86400");
  return reply;
}

asio::awaitable<HttpReply> Session::Collect() {
  if (request_.method == "OPTIONS") co_return Preflight();
  HttpReply reply = co_await CollectPost();
  if (reply.status != 0) AddCors(&reply);
  co_return reply;
}

asio::awaitable<HttpReply> Session::CollectPost() {
  if (!request_.origin.empty() && !OriginAllowed()) {
    co_return ErrorReply(403, absl::StrCat("origin not allowed: ", request_.origin));
  }
  if (request_.method != "POST") {
    HttpReply reply = ErrorReply(405, "use POST");
    reply.headers.emplace_back("Allow", "POST, OPTIONS");
    co_return reply;
  }
  CollectAuth auth;
  std::string key = request_.strata_key;
  if (key.empty()) key = QueryParam(request_.query, "key").value_or("");
  if (!key.empty()) {
    std::optional<std::string> merchant = server_.tenants->MerchantForWriteKey(key);
    if (!merchant.has_value()) co_return ErrorReply(401, "unknown write key");
    auth.merchant = std::move(*merchant);
  } else if (!request_.authorization.empty()) {
    const auth::TenantStore* tenants = server_.tenants;
    const std::string* authorization = &request_.authorization;
    std::optional<auth::Principal> principal = co_await RunOn<std::optional<auth::Principal>>(
        *server_.api_pool, [tenants, authorization]() -> std::optional<auth::Principal> {
          try {
            return Authenticate(*tenants, *authorization);
          } catch (const std::exception&) {
            return std::nullopt;
          }
        });
    if (!principal.has_value()) co_return ErrorReply(401, "invalid credentials");
    auth.any_merchant = principal->admin;
    auth.merchant = principal->merchant;
  } else {
    co_return ErrorReply(401, "missing write key (X-Strata-Key header or ?key=)");
  }

  BodyEncoding encoding;
  if (!ParseContentEncoding(request_.content_encoding, &encoding)) {
    co_return ErrorReply(415, absl::StrCat("unsupported Content-Encoding: ",
                                           request_.content_encoding, " (use gzip or deflate)"));
  }
  BodyForm form;
  if (!ParseBodyForm(request_.content_type, &form)) {
    co_return ErrorReply(415, absl::StrCat("unsupported Content-Type: ", request_.content_type,
                                           " (use application/json, application/x-ndjson or "
                                           "text/plain)"));
  }
  const boost::optional<uint64_t> length = parser_->content_length();
  if (length.has_value() && *length > options().max_body_bytes) {
    co_return BodyTooLarge();
  }
  IngestGate::Reservation reservation = server_.gate.Open();
  if (length.has_value() && !reservation.Grow(*length)) {
    co_return ErrorReply(429, "too much ingest in flight, retry later");
  }
  if (!co_await SendContinue()) co_return BrokenConnection();
  std::string body;
  switch (co_await ReadBody(options().max_body_bytes, &reservation, &body, false)) {
    case BodyResult::kOk:
      break;
    case BodyResult::kTooLarge: {
      co_return BodyTooLarge();
    }
    case BodyResult::kOverBound: {
      HttpReply reply = ErrorReply(429, "too much ingest in flight, retry later");
      reply.close = true;
      co_return reply;
    }
    case BodyResult::kBroken:
      co_return BrokenConnection();
  }
  CollectHandler* collect = &server_.collect;
  co_return co_await RunOn<HttpReply>(*server_.ingest_pool, [&, collect] {
    return Guarded(
        [&] { return collect->Handle(auth, std::move(body), encoding, form, &reservation); });
  });
}

asio::awaitable<HttpReply> Session::Api(Route route) {
  struct InflightGuard {
    std::atomic<int>* n;
    ~InflightGuard() { n->fetch_sub(1); }
  } guard{&server_.api_inflight};
  if (server_.api_inflight.fetch_add(1) >= kMaxApiInflight) {
    co_return ErrorReply(429, "too many API requests in flight, retry later");
  }
  const boost::optional<uint64_t> length = parser_->content_length();
  if (length.has_value() && *length > options().max_body_bytes) {
    co_return BodyTooLarge();
  }
  if (!co_await SendContinue()) co_return BrokenConnection();
  switch (co_await ReadBody(options().max_body_bytes, nullptr, &request_.body, false)) {
    case BodyResult::kOk:
      break;
    case BodyResult::kTooLarge:
    case BodyResult::kOverBound: {
      co_return BodyTooLarge();
    }
    case BodyResult::kBroken:
      co_return BrokenConnection();
  }
  ServerState* server = &server_;
  const HttpRequest* request = &request_;
  co_return co_await RunOn<HttpReply>(*server_.api_pool, [server, request, route] {
    return Guarded([&] {
      return route == Route::kQuery ? server->query.Handle(*request)
                                    : server->admin.Handle(*request);
    });
  });
}

asio::awaitable<bool> Session::SendContinue() {
  if (!expect_continue_ || continue_sent_ || parser_->is_done()) co_return true;
  continue_sent_ = true;
  bhttp::response<bhttp::empty_body> response{bhttp::status::continue_, parser_->get().version()};
  error_code ec;
  co_await bhttp::async_write(c_.stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<BodyResult> Session::ReadBody(size_t limit, IngestGate::Reservation* reservation,
                                              std::string* out, bool discard) {
  const auto idle = std::chrono::microseconds(absl::ToInt64Microseconds(options().idle_timeout));
  parser_->body_limit(limit);
  std::array<char, 16 << 10> scratch;
  size_t filled = 0;
  if (!discard) {
    out->clear();
    // A Content-Length body is held by the caller's reservation already.
    const boost::optional<uint64_t> length = parser_->content_length();
    if (length.has_value()) out->resize(*length);
  }
  while (!parser_->is_done()) {
    auto& body = parser_->get().body();
    if (discard) {
      body.data = scratch.data();
      body.size = scratch.size();
    } else {
      if (filled == out->size()) {
        const size_t growth = std::max(kMinBodyGrowth, filled);
        if (reservation != nullptr && !reservation->Grow(growth)) co_return BodyResult::kOverBound;
        out->resize(filled + growth);
      }
      body.data = out->data() + filled;
      body.size = out->size() - filled;
    }
    error_code ec;
    c_.stream.expires_after(idle);
    co_await bhttp::async_read_some(c_.stream, buffer_, *parser_,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (!discard) filled = out->size() - body.size;
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec == bhttp::error::body_limit) co_return BodyResult::kTooLarge;
    if (ec) co_return BodyResult::kBroken;
  }
  if (!discard) {
    if (reservation != nullptr && out->size() > filled) reservation->Shrink(out->size() - filled);
    out->resize(filled);
  }
  co_return BodyResult::kOk;
}

asio::awaitable<bool> Session::Write(HttpReply& reply, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(reply.status), version};
  response.set(bhttp::field::server, "strata");
  if (!reply.content_type.empty()) response.set(bhttp::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) response.insert(name, value);
  response.keep_alive(keep_alive);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  error_code ec;
  c_.stream.expires_after(
      std::chrono::microseconds(absl::ToInt64Microseconds(options().idle_timeout)));
  co_await bhttp::async_write(c_.stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<void> Session::Linger() {
  // Closing with unread input makes the kernel send RST, which can destroy the reply
  // before the client reads it: stop sending, then drain for a moment.
  error_code ec;
  c_.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c_.stream.expires_after(kLingerTime);
  std::array<char, 16 << 10> scratch;
  size_t drained = 0;
  while (!ec && drained < options().max_body_bytes) {
    drained += co_await c_.stream.async_read_some(asio::buffer(scratch),
                                                  asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

asio::awaitable<void> ServerState::Serve(std::shared_ptr<Connection> c) {
  try {
    Session session(*this, *c);
    co_await session.Run();
  } catch (const std::exception& e) {
    Log(LogLevel::kWarn, "connection failed").Kv("proto", "http").Kv("error", e.what());
  }
  error_code ignored;
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  c->stream.socket().close(ignored);
  Unregister(c);
}

asio::awaitable<void> ServerState::RejectConnection(tcp::socket socket) {
  static constexpr std::string_view kBody = "{\"error\":{\"message\":\"too many connections\"}}";
  const std::string response = absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nServer: strata\r\nContent-Type: application/json\r\n"
      "Content-Length: ",
      kBody.size(), "\r\nRetry-After: ", options.retry_after_seconds,
      "\r\nConnection: close\r\n\r\n", std::string(kBody));
  error_code ec;
  co_await asio::async_write(socket, asio::buffer(response),
                             asio::redirect_error(asio::use_awaitable, ec));
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace strata::server::http
