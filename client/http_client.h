// A small blocking HTTP/1.1 client (Boost.Beast) for Strata's own tools: `strata demo`,
// `strata admin --server`, benchmarks and tests. One object is one keep-alive connection
// that reconnects transparently when the server closed it between requests.
//
//   client::HttpClient c("127.0.0.1", 8080);
//   absl::StatusOr<client::HttpResponse> r =
//       c.Request("POST", "/collect", body, {{"X-Strata-Key", key}});
//
// Errors: Unavailable when the server cannot be reached or the connection breaks in the
// middle of a request; DeadlineExceeded after `timeout`. Any HTTP status (4xx/5xx too) is a
// successful round trip: look at HttpResponse::status.
//
// Thread safety: one thread at a time per client; use one client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace strata::client {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // as received
  std::string body;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, absl::Duration timeout = absl::Seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (HTTP/1.1, keep-alive) and reads the whole response. `target` is the
  // path with its query string. Content-Length is set from `body`.
  absl::StatusOr<HttpResponse> Request(std::string_view method, std::string_view target,
                                       std::string_view body = {}, const HttpHeaders& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "Basic base64(user:password)" for an Authorization header.
std::string BasicAuthorization(std::string_view user, std::string_view password);

}  // namespace strata::client
