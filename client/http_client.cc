// HttpClient: one keep-alive connection driven by Beast's asynchronous operations on a
// private io_context, run to completion on the calling thread. Asynchronous operations are
// used (rather than Beast's synchronous ones) because only they honour tcp_stream's
// expiry, which is how the request deadline is enforced.
#include "client/http_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/span.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <cerrno>
#include <chrono>
#include <limits>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace strata::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

using RequestMessage = http::request<http::span_body<const char>>;
using ResponseParser = http::response_parser<http::string_body>;

bool IsTimeout(const beast::error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::timed_out;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return "";
}

struct HttpClient::Impl {
  Impl(std::string host_arg, uint16_t port_arg, absl::Duration timeout_arg)
      : host(std::move(host_arg)), port(port_arg), timeout(timeout_arg), stream(ioc) {}

  // Runs the io_context until the operation started before it completes.
  void RunPending() {
    ioc.restart();
    ioc.run();
  }

  void SetExpiry(std::optional<Clock::time_point> deadline) {
    if (deadline.has_value()) {
      stream.expires_at(*deadline);
    } else {
      stream.expires_never();
    }
  }

  std::string Address() const { return absl::StrCat(host, ":", port); }

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    connected = false;
  }

  // True when the server closed (or wrote unsolicited bytes on) the idle connection: it
  // cannot carry the next request.
  bool IdleConnectionIsStale() {
    if (buffer.size() != 0) return true;
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    if ((p.revents & (POLLERR | POLLHUP)) != 0) return true;
    char byte;
    ssize_t n = ::recv(p.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n != -1 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }

  absl::Status Connect(std::optional<Clock::time_point> deadline) {
    if (endpoints.empty()) {
      tcp::resolver resolver(ioc);
      beast::error_code ec;
      auto results = resolver.resolve(host, std::to_string(port), ec);
      if (ec) {
        return absl::UnavailableError(absl::StrCat("cannot resolve ", host, ": ", ec.message()));
      }
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
      if (endpoints.empty()) return absl::UnavailableError(absl::StrCat("no address for ", host));
    }
    beast::error_code ec;
    SetExpiry(deadline);
    stream.async_connect(endpoints,
                         [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    RunPending();
    if (ec) {
      stream.close();
      if (IsTimeout(ec)) {
        return absl::DeadlineExceededError(absl::StrCat(
            "connecting to ", Address(), " timed out after ", absl::FormatDuration(timeout)));
      }
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", Address(), ": ", ec.message()));
    }
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    buffer.clear();
    connected = true;
    return absl::OkStatus();
  }

  // Writes the request and reads the response into `parser`.
  beast::error_code RoundTrip(RequestMessage& request, ResponseParser& parser,
                              std::optional<Clock::time_point> deadline) {
    beast::error_code ec;
    SetExpiry(deadline);
    http::async_write(stream, request, [&](const beast::error_code& e, size_t) { ec = e; });
    RunPending();
    if (ec) return ec;
    http::async_read(stream, buffer, parser, [&](const beast::error_code& e, size_t) { ec = e; });
    RunPending();
    return ec;
  }

  std::string host;
  uint16_t port;
  absl::Duration timeout;
  asio::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::vector<tcp::endpoint> endpoints;  // resolved once
  bool connected = false;
};

HttpClient::HttpClient(std::string host, uint16_t port, absl::Duration timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}

HttpClient::~HttpClient() {
  if (impl_->connected) impl_->Close();
}

absl::StatusOr<HttpResponse> HttpClient::Request(std::string_view method, std::string_view target,
                                                 std::string_view body,
                                                 const HttpHeaders& headers) {
  Impl& c = *impl_;
  std::optional<Clock::time_point> deadline;
  if (c.timeout != absl::InfiniteDuration()) {
    deadline = Clock::now() + absl::ToChronoNanoseconds(c.timeout);
  }

  RequestMessage request;
  request.version(11);
  http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) {
    request.method_string(beast::string_view(method.data(), method.size()));
  } else {
    request.method(verb);
  }
  request.target(beast::string_view(target.data(), target.size()));
  bool has_host = false;
  bool has_user_agent = false;
  for (const auto& [name, value] : headers) {
    has_host = has_host || absl::EqualsIgnoreCase(name, "Host");
    has_user_agent = has_user_agent || absl::EqualsIgnoreCase(name, "User-Agent");
    request.insert(name, value);
  }
  if (!has_host) request.set(http::field::host, c.Address());
  if (!has_user_agent) request.set(http::field::user_agent, "strata-client");
  request.body() = beast::span<const char>(body.data(), body.size());
  request.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    bool reused = c.connected;
    if (reused && c.IdleConnectionIsStale()) {
      c.Close();
      reused = false;
    }
    if (!c.connected) {
      absl::Status connected = c.Connect(deadline);
      if (!connected.ok()) return connected;
    }
    ResponseParser parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(verb == http::verb::head);
    beast::error_code ec = c.RoundTrip(request, parser, deadline);
    if (!ec) {
      http::response<http::string_body> message = parser.release();
      HttpResponse response;
      response.status = static_cast<int>(message.result_int());
      response.headers.reserve(static_cast<size_t>(std::distance(message.begin(), message.end())));
      for (const auto& field : message) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      response.body = std::move(message.body());
      if (!message.keep_alive()) c.Close();
      return response;
    }
    bool nothing_received = !parser.got_some() && c.buffer.size() == 0;
    c.Close();
    std::string what =
        absl::StrCat(absl::string_view(method.data(), method.size()), " ",
                     absl::string_view(target.data(), target.size()), " to ", c.Address());
    if (IsTimeout(ec)) {
      return absl::DeadlineExceededError(
          absl::StrCat(what, " timed out after ", absl::FormatDuration(c.timeout)));
    }
    // A kept-alive connection that the server closed while it was idle fails only once the
    // request is written. No byte of a response came back, so the request goes once more
    // on a fresh connection (as browsers and libcurl do).
    if (reused && nothing_received && attempt == 0) continue;
    return absl::UnavailableError(absl::StrCat(what, " failed: ", ec.message()));
  }
}

std::string BasicAuthorization(std::string_view user, std::string_view password) {
  std::string credentials = absl::StrCat(absl::string_view(user.data(), user.size()), ":",
                                         absl::string_view(password.data(), password.size()));
  return absl::StrCat("Basic ", absl::Base64Escape(credentials));
}

}  // namespace strata::client
