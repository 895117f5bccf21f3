// HttpClient against a small raw-socket HTTP/1.1 server whose behaviour is chosen by the
// request path, so keep-alive, reconnection, timeouts and framing are tested on the wire.
#include "client/http_client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace strata::client {
namespace {

struct ParsedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (absl::EqualsIgnoreCase(k, absl::string_view(name.data(), name.size()))) return v;
    return "";
  }
};

// Paths:
//   /echo...      200, body = request body, X-Method/X-Target/X-Authorization/X-Connection
//   /close        200 with "Connection: close", then closes
//   /drop         closes without answering
//   /slow         answers after 600 ms
//   /chunked      200, chunked body "hello, chunked world"
//   /big          200, 12 MiB body
//   /status/N     status N, body "status N"
//   /legacy       HTTP/1.0 response without keep-alive, then closes
// With close_after_response, every connection is closed silently after one response
// (the way an idle timeout closes a kept-alive connection).
class ScriptedServer {
 public:
  explicit ScriptedServer(bool close_after_response = false)
      : close_after_response_(close_after_response) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 64), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      workers.swap(workers_);
    }
    for (std::thread& t : workers) t.join();
  }

  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      int id = ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.push_back(fd);
      workers_.emplace_back([this, fd, id] { Serve(fd, id); });
    }
  }

  // Reads one request; false on EOF or a broken connection.
  static bool ReadRequest(int fd, std::string* pending, ParsedRequest* out) {
    size_t header_end;
    while ((header_end = pending->find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, pending)) return false;
    }
    std::vector<std::string> lines =
        absl::StrSplit(absl::string_view(*pending).substr(0, header_end), "\r\n");
    std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
    *out = ParsedRequest();
    out->method = first[0];
    out->target = first.size() > 1 ? first[1] : "";
    size_t content_length = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      size_t colon = lines[i].find(':');
      std::string name = lines[i].substr(0, colon);
      std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
      if (absl::EqualsIgnoreCase(name, "Content-Length")) {
        EXPECT_TRUE(absl::SimpleAtoi(value, &content_length));
      }
      out->headers.emplace_back(name, value);
    }
    pending->erase(0, header_end + 4);
    while (pending->size() < content_length) {
      if (!ReadMore(fd, pending)) return false;
    }
    out->body = pending->substr(0, content_length);
    pending->erase(0, content_length);
    return true;
  }

  static bool ReadMore(int fd, std::string* pending) {
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    pending->append(buf, static_cast<size_t>(n));
    return true;
  }

  static void SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  static std::string Response(int status, std::string_view body, std::string_view extra = "") {
    return absl::StrCat("HTTP/1.1 ", status, " X\r\nContent-Length: ", body.size(), "\r\n",
                        absl::string_view(extra.data(), extra.size()), "\r\n",
                        absl::string_view(body.data(), body.size()));
  }

  void Serve(int fd, int connection_id) {
    std::string pending;
    ParsedRequest r;
    while (ReadRequest(fd, &pending, &r)) {
      ++requests_;
      bool close = close_after_response_;
      if (r.method == "HEAD") {
        SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
      } else if (absl::StartsWith(r.target, "/echo")) {
        SendAll(fd, Response(200, r.body,
                             absl::StrCat("X-Method: ", r.method, "\r\nX-Target: ", r.target,
                                          "\r\nX-Authorization: ", r.Header("Authorization"),
                                          "\r\nX-Host: ", r.Header("Host"),
                                          "\r\nX-Custom: ", r.Header("X-Custom"),
                                          "\r\nX-Connection: ", connection_id, "\r\n")));
      } else if (r.target == "/close") {
        SendAll(fd, Response(200, "bye", "Connection: close\r\n"));
        close = true;
      } else if (r.target == "/drop") {
        close = true;
      } else if (r.target == "/slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        SendAll(fd, Response(200, "late"));
      } else if (r.target == "/chunked") {
        SendAll(fd,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                "7\r\nhello, \r\n8\r\nchunked \r\n5\r\nworld\r\n0\r\n\r\n");
      } else if (r.target == "/big") {
        SendAll(fd, Response(200, std::string(12u << 20, 'x')));
      } else if (absl::StartsWith(r.target, "/status/")) {
        int status = 0;
        EXPECT_TRUE(absl::SimpleAtoi(r.target.substr(8), &status));
        SendAll(fd, Response(status, absl::StrCat("status ", status), "Retry-After: 3\r\n"));
      } else if (r.target == "/legacy") {
        SendAll(fd, "HTTP/1.0 200 OK\r\n\r\nold style body");
        close = true;
      } else {
        SendAll(fd, Response(404, "no such path"));
      }
      if (close) break;
    }
    ::shutdown(fd, SHUT_RDWR);
    std::lock_guard<std::mutex> lock(mu_);
    std::erase(open_fds_, fd);
    ::close(fd);
  }

  const bool close_after_response_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
};

TEST(HttpClientTest, RoundTripCarriesMethodTargetHeadersAndBody) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  absl::StatusOr<HttpResponse> r =
      client.Request("POST", "/echo?key=a%20b", "{\"x\":1}\n",
                     {{"Authorization", BasicAuthorization("strata", "pw")}, {"X-Custom", "v"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"x\":1}\n");
  EXPECT_EQ(r->Header("x-method"), "POST");
  EXPECT_EQ(r->Header("X-TARGET"), "/echo?key=a%20b");
  EXPECT_EQ(r->Header("X-Authorization"), "Basic c3RyYXRhOnB3");
  EXPECT_EQ(r->Header("X-Host"), absl::StrCat("127.0.0.1:", server.port()));
  EXPECT_EQ(r->Header("X-Custom"), "v");
  EXPECT_EQ(r->Header("Content-Length"), "8");
  EXPECT_EQ(r->Header("No-Such-Header"), "");
}

TEST(HttpClientTest, BasicAuthorizationEncodesUserAndPassword) {
  EXPECT_EQ(BasicAuthorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(BasicAuthorization("", ""), "Basic Og==");
}

TEST(HttpClientTest, KeepAliveReusesOneConnection) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<HttpResponse> r = client.Request(i % 2 ? "GET" : "POST", "/echo", "abc");
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->Header("X-Connection"), "1");
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests(), 50);
}

TEST(HttpClientTest, EmptyBodyAndCustomMethod) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  absl::StatusOr<HttpResponse> r = client.Request("DELETE", "/echo/merchants/m1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Header("X-Method"), "DELETE");
  EXPECT_EQ(r->body, "");
  r = client.Request("PURGE", "/echo", "x");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Header("X-Method"), "PURGE");
  EXPECT_EQ(r->body, "x");
}

TEST(HttpClientTest, ReconnectsWhenServerClosedIdleConnection) {
  ScriptedServer server(/*close_after_response=*/true);
  HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<HttpResponse> r = client.Request("POST", "/echo", absl::StrCat("n", i));
    ASSERT_TRUE(r.ok()) << i << ": " << r.status();
    EXPECT_EQ(r->body, absl::StrCat("n", i));
    EXPECT_EQ(r->Header("X-Connection"), absl::StrCat(i + 1));
    // Half of the time the close has not arrived yet when the next request is written.
    if (i % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server.requests(), 20);
}

TEST(HttpClientTest, ConnectionCloseResponseIsHonoured) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  absl::StatusOr<HttpResponse> r = client.Request("GET", "/close");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "bye");
  r = client.Request("GET", "/echo");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Header("X-Connection"), "2");
  r = client.Request("GET", "/legacy");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "old style body");
  r = client.Request("GET", "/echo");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Header("X-Connection"), "3");
}

TEST(HttpClientTest, DroppedRequestIsUnavailableAndRetriedOnlyOnce) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  // Fresh connection: no retry.
  absl::StatusOr<HttpResponse> r = client.Request("POST", "/drop", "x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_EQ(server.requests(), 1);
  // Reused connection: one retry on a fresh connection, then the error.
  ASSERT_TRUE(client.Request("GET", "/echo").ok());
  int before = server.requests();
  r = client.Request("POST", "/drop", "x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_EQ(server.requests() - before, 2);
  // The client recovers.
  r = client.Request("GET", "/echo");
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(HttpClientTest, TimeoutIsDeadlineExceededAndClientRecovers) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port(), absl::Milliseconds(150));
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<HttpResponse> r = client.Request("GET", "/slow");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
  r = client.Request("GET", "/echo");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST(HttpClientTest, UnreachableServerIsUnavailable) {
  uint16_t port;
  {
    ScriptedServer server;  // take a free port, then release it
    port = server.port();
  }
  HttpClient client("127.0.0.1", port, absl::Seconds(2));
  absl::StatusOr<HttpResponse> r = client.Request("GET", "/echo");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_NE(r.status().message().find(absl::StrCat("127.0.0.1:", port)), std::string::npos);

  HttpClient unresolvable("no-such-host.invalid", 80, absl::Seconds(2));
  r = unresolvable.Request("GET", "/");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST(HttpClientTest, ErrorStatusesAreSuccessfulRoundTrips) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  for (int status : {400, 401, 404, 413, 429, 500, 503}) {
    absl::StatusOr<HttpResponse> r = client.Request("GET", absl::StrCat("/status/", status));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(r->body, absl::StrCat("status ", status));
    EXPECT_EQ(r->Header("Retry-After"), "3");
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, ChunkedAndLargeBodies) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  absl::StatusOr<HttpResponse> r = client.Request("GET", "/chunked");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "hello, chunked world");
  r = client.Request("GET", "/big");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body.size(), 12u << 20);
  std::string upload(9u << 20, 'u');
  r = client.Request("POST", "/echo", upload);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, upload);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, HeadResponseHasNoBody) {
  ScriptedServer server;
  HttpClient client("127.0.0.1", server.port());
  absl::StatusOr<HttpResponse> r = client.Request("HEAD", "/status/200");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  // The connection stays in sync: the next response is read correctly.
  r = client.Request("GET", "/echo", "after head");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "after head");
}

TEST(HttpClientTest, OneClientPerThread) {
  ScriptedServer server;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client("localhost", server.port());
      for (int i = 0; i < 25; ++i) {
        std::string body = absl::StrCat("t", t, "-", i);
        absl::StatusOr<HttpResponse> r = client.Request("POST", "/echo", body);
        if (r.ok() && r->body == body) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(server.connections(), 8);
}

}  // namespace
}  // namespace strata::client
