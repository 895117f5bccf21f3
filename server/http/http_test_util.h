// Test support for http_test: a real HttpServer on port 0 over a real Engine (in a
// TempDir) and TenantStore, an Engine wrapper whose appends and snapshots can be held back,
// and a raw-socket client for what a well-behaved client never sends.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client/http_client.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "query/query.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/http/http_server.h"

namespace strata::server::http::testing {

// Delegates to a real engine; Append can be held (to fill the in-flight bound or keep a
// request in flight across Stop) or made to fail, GetSnapshot can be slowed down.
class ControlledEngine : public engine::Engine {
 public:
  explicit ControlledEngine(std::unique_ptr<engine::Engine> inner) : inner_(std::move(inner)) {}

  using engine::Engine::Append;
  absl::Status Append(absl::Span<const engine::Event> events,
                      const engine::SourcePositions& advance) override {
    {
      absl::MutexLock lock(&mu_);
      ++appends_waiting_;
      mu_.Await(absl::Condition(
          +[](bool* held) { return !*held; }, &held_));
      --appends_waiting_;
      if (fail_appends_) return absl::UnavailableError("injected WAL failure");
    }
    return inner_->Append(events, advance);
  }
  std::vector<engine::SourcePositions> DurablePositions() const override {
    return inner_->DurablePositions();
  }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status Close() override { return inner_->Close(); }
  std::shared_ptr<const engine::Snapshot> GetSnapshot() const override {
    const int64_t delay_ms = snapshot_delay_ms_.load();
    if (delay_ms > 0) absl::SleepFor(absl::Milliseconds(delay_ms));
    return inner_->GetSnapshot();
  }
  const engine::Catalog& catalog() const override { return inner_->catalog(); }
  engine::RealtimeTracker& realtime() override { return inner_->realtime(); }
  const engine::RecoveryReport& recovery_report() const override {
    return inner_->recovery_report();
  }
  engine::EngineStats stats() const override { return inner_->stats(); }
  uint32_t shard_count() const override { return inner_->shard_count(); }
  const std::string& data_dir() const override { return inner_->data_dir(); }

  void HoldAppends(bool held) {
    absl::MutexLock lock(&mu_);
    held_ = held;
  }
  void FailAppends(bool fail) {
    absl::MutexLock lock(&mu_);
    fail_appends_ = fail;
  }
  // Waits until `n` appends are held.
  void AwaitHeldAppends(int n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return appends_waiting_ >= n; };
    mu_.Await(absl::Condition(&enough));
  }
  void SetSnapshotDelay(absl::Duration d) {
    snapshot_delay_ms_.store(absl::ToInt64Milliseconds(d));
  }

 private:
  std::unique_ptr<engine::Engine> inner_;
  mutable absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  bool fail_appends_ ABSL_GUARDED_BY(mu_) = false;
  int appends_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int64_t> snapshot_delay_ms_{0};
};

// Merchants m1 and m2 exist; the admin is strata/strata.
class TestServer {
 public:
  explicit TestServer(HttpServerOptions options = {}) {
    engine::EngineOptions eo;
    eo.data_dir = dir_.path();
    eo.wal_sync = engine::WalSyncMode::kRelaxed;
    auto inner = engine::Engine::Open(eo);
    EXPECT_TRUE(inner.ok()) << inner.status();
    engine_ = std::make_unique<ControlledEngine>(std::move(*inner));
    auto tenants = auth::TenantStore::Open(dir_.path(), {});
    EXPECT_TRUE(tenants.ok()) << tenants.status();
    tenants_ = std::move(*tenants);
    m1_ = *tenants_->AddMerchant("m1", "pw1");
    m2_ = *tenants_->AddMerchant("m2", "pw2");
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, engine_.get(), tenants_.get(), &metrics_);
    const absl::Status started = server_->Start();
    EXPECT_TRUE(started.ok()) << started;
  }
  ~TestServer() {
    engine_->HoldAppends(false);
    server_.reset();
    (void)engine_->Close();
  }

  uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  ControlledEngine& engine() { return *engine_; }
  auth::TenantStore& tenants() { return *tenants_; }
  MetricsRegistry& metrics() { return metrics_; }
  const auth::Credentials& m1() const { return m1_; }
  const auth::Credentials& m2() const { return m2_; }
  std::unique_ptr<client::HttpClient> Client() {
    return std::make_unique<client::HttpClient>("127.0.0.1", port(), absl::Seconds(20));
  }

  // Runs SQL as the admin on the engine directly (what the HTTP reply promised is visible).
  int64_t Count(const std::string& where = "") {
    ControlledEngine* e = engine_.get();
    query::QuerySession session([e] { return e->GetSnapshot(); }, {});
    auto r =
        session.Execute("SELECT count(*) FROM events" + (where.empty() ? "" : " WHERE " + where));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || r->rows.empty()) return -1;
    return r->rows[0][0].i;
  }

 private:
  TempDir dir_;
  std::unique_ptr<ControlledEngine> engine_;
  std::unique_ptr<auth::TenantStore> tenants_;
  MetricsRegistry metrics_;
  auth::Credentials m1_, m2_;
  std::unique_ptr<HttpServer> server_;
};

// A plain TCP connection for hand-written requests.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // One response: the header and a Content-Length body. "" on EOF or timeout.
  std::string ReadResponse() {
    while (true) {
      const size_t header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        const std::string lower = absl::AsciiStrToLower(pending_.substr(0, header_end));
        const size_t cl = lower.find("content-length:");
        if (cl != std::string::npos) {
          const size_t eol = lower.find("\r\n", cl);
          std::string value = lower.substr(cl + 15, eol - cl - 15);
          (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &length);
        }
        const size_t total = header_end + 4 + length;
        if (pending_.size() >= total) {
          std::string response = pending_.substr(0, total);
          pending_.erase(0, total);
          return response;
        }
      }
      if (!ReadMore()) return "";
    }
  }
  // True if the server closed the connection (EOF) with nothing more to read.
  bool ReadsEof() {
    while (pending_.empty()) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      pending_.append(buf, static_cast<size_t>(n));
    }
    return false;
  }

 private:
  bool ReadMore() {
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// The status code of a raw response ("HTTP/1.1 413 ..." -> 413), 0 if none.
inline int StatusOf(std::string_view response) {
  int status = 0;
  if (response.size() < 12 || !absl::SimpleAtoi(std::string(response.substr(9, 3)), &status)) {
    return 0;
  }
  return status;
}

inline std::string BodyOf(std::string_view response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string_view::npos ? std::string() : std::string(response.substr(end + 4));
}

}  // namespace strata::server::http::testing
