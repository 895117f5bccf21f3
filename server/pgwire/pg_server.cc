// PgServer: the listening socket, one thread per connection, the connection registry
// (cancel requests, statement timeouts, graceful stop) and connection limits.
#include "server/pgwire/pg_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "query/error.h"
#include "server/base/log.h"
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_socket.h"
#include "server/pgwire/pg_timer.h"

namespace strata::server::pgwire {
namespace {

constexpr std::string_view kTooManyConnections = "53300";
// Connections still in startup or authentication beyond max_connections that get a
// thread; past this, new sockets are closed at once.
constexpr int kHandshakeSlack = 64;
// After `grace` and the cancels, how long Stop waits before breaking the sockets.
constexpr absl::Duration kCancelWait = absl::Seconds(5);

std::string PeerName(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
  }
  return absl::StrCat(host, ":", port);
}

}  // namespace

struct PgServer::Impl final : public ConnectionHost {
  Impl(PgServerOptions o, engine::Engine* e, auth::TenantStore* t, MetricsRegistry* registry)
      : opts(std::move(o)), engine_ptr(e), tenant_store(t) {
    pg_metrics.queries_ok =
        registry->GetCounter("strata_pg_queries_total",
                             "Statements run over the PostgreSQL protocol", {{"status", "ok"}});
    pg_metrics.queries_error =
        registry->GetCounter("strata_pg_queries_total",
                             "Statements run over the PostgreSQL protocol", {{"status", "error"}});
    pg_metrics.query_seconds =
        registry->GetHistogram("strata_pg_query_seconds",
                               "Statement latency over the PostgreSQL protocol", LatencyBuckets());
    pg_metrics.auth_failures = registry->GetCounter("strata_pg_auth_failures_total",
                                                    "Failed PostgreSQL password authentications");
    connections_gauge =
        registry->GetGauge("strata_pg_connections", "Open (authenticated) PostgreSQL connections");
    connections_total =
        registry->GetCounter("strata_pg_connections_total", "PostgreSQL connections accepted");
  }

  // ---- ConnectionHost
  const PgServerOptions& options() const override { return opts; }
  engine::Engine* engine() const override { return engine_ptr; }
  auth::TenantStore* tenants() const override { return tenant_store; }
  const PgMetrics& metrics() const override { return pg_metrics; }
  bool stopping() const override { return stop_requested.load(); }

  absl::Status Admit(const auth::Principal& principal) override {
    absl::MutexLock lock(&mu);
    if (admitted >= opts.max_connections) {
      return query::SqlError(
          kTooManyConnections,
          absl::StrCat("too many connections (max_connections is ", opts.max_connections, ")"));
    }
    if (!principal.admin) {
      const int limit =
          principal.limits.max_connections.value_or(opts.max_connections_per_merchant);
      int& count = per_merchant[principal.merchant];
      if (count >= limit) {
        if (count == 0) per_merchant.erase(principal.merchant);
        return query::SqlError(kTooManyConnections, absl::StrCat("too many connections for role \"",
                                                                 principal.user, "\""));
      }
      ++count;
    }
    ++admitted;
    connections_gauge->Set(admitted);
    return absl::OkStatus();
  }

  void Release(const auth::Principal& principal) override {
    absl::MutexLock lock(&mu);
    if (!principal.admin) {
      auto it = per_merchant.find(principal.merchant);
      if (it != per_merchant.end() && --it->second <= 0) per_merchant.erase(it);
    }
    --admitted;
    connections_gauge->Set(admitted);
  }

  void Attach(int32_t id, Connection* connection) override {
    absl::MutexLock lock(&mu);
    auto it = conns.find(id);
    if (it != conns.end()) it->second.connection = connection;
  }

  void Detach(int32_t id) override {
    absl::MutexLock lock(&mu);
    auto it = conns.find(id);
    if (it != conns.end()) it->second.connection = nullptr;
  }

  void Cancel(int32_t pid, int32_t key) override {
    absl::MutexLock lock(&mu);
    auto it = conns.find(pid);
    if (it == conns.end() || it->second.connection == nullptr) return;
    Connection* c = it->second.connection;
    const int32_t expected = c->secret_key();
    // Constant time: a client must not learn the key byte by byte from response timing.
    if (expected == 0 || CRYPTO_memcmp(&expected, &key, sizeof(key)) != 0) {
      Log(LogLevel::kWarn, "cancel request with a wrong key").Kv("proto", "pg").Kv("pid", pid);
      return;
    }
    c->CancelStatement(c->running_sequence(), CancelReason::kUser);
  }

  void ArmTimeout(absl::Time deadline, int32_t id, uint64_t sequence) override {
    timer->Arm(deadline, id, sequence);
  }
  void DisarmTimeout(absl::Time deadline, int32_t id, uint64_t sequence) override {
    timer->Disarm(deadline, id, sequence);
  }

  void OnTimeout(int32_t id, uint64_t sequence) {
    absl::MutexLock lock(&mu);
    auto it = conns.find(id);
    if (it != conns.end() && it->second.connection != nullptr) {
      it->second.connection->CancelStatement(sequence, CancelReason::kTimeout);
    }
  }

  // ---- serving
  absl::Status Listen();
  void AcceptLoop();
  void Serve(int32_t id, int fd, std::string peer);
  void JoinFinished();
  void StopNow(absl::Duration grace);

  struct Entry {
    int fd = -1;
    Connection* connection = nullptr;  // set while attached
    std::thread thread;
  };

  PgServerOptions opts;
  engine::Engine* engine_ptr;
  auth::TenantStore* tenant_store;
  PgMetrics pg_metrics;
  Gauge* connections_gauge = nullptr;
  Counter* connections_total = nullptr;

  UniqueFd listen_fd;
  UniqueFd wake_fd;  // eventfd: wakes the acceptor at Stop
  uint16_t bound_port = 0;
  std::atomic<bool> stop_requested{false};
  bool started = false;
  bool stopped = false;
  std::thread acceptor;
  std::unique_ptr<DeadlineTimer> timer;

  absl::Mutex mu;
  std::map<int32_t, Entry> conns ABSL_GUARDED_BY(mu);
  std::vector<std::thread> finished ABSL_GUARDED_BY(mu);  // exited (or exiting), to join
  int admitted ABSL_GUARDED_BY(mu) = 0;
  absl::flat_hash_map<std::string, int> per_merchant ABSL_GUARDED_BY(mu);
  int32_t next_id ABSL_GUARDED_BY(mu) = 10000;
};

absl::Status PgServer::Impl::Listen() {
  const std::string address = absl::StrCat(opts.host, ":", opts.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(opts.port);
  const int gai =
      ::getaddrinfo(opts.host.empty() ? nullptr : opts.host.c_str(), port.c_str(), &hints, &found);
  if (gai != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", address, ": ", ::gai_strerror(gai)));
  }
  std::string error;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), 1024) != 0) {
      error = std::strerror(errno);
      continue;
    }
    listen_fd = std::move(fd);
    break;
  }
  ::freeaddrinfo(found);
  if (!listen_fd.valid()) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ": ", error));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(listen_fd.get(), reinterpret_cast<sockaddr*>(&bound), &len);
  bound_port = bound.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                   : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  wake_fd = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd.valid()) {
    return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void PgServer::Impl::AcceptLoop() {
  while (!stop_requested.load()) {
    pollfd fds[2] = {{listen_fd.get(), POLLIN, 0}, {wake_fd.get(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, 1000);
    JoinFinished();
    if (stop_requested.load()) break;
    if (ready <= 0 || (fds[0].revents & POLLIN) == 0) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd =
        ::accept4(listen_fd.get(), reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        Log(LogLevel::kWarn, "accept failed").Kv("proto", "pg").Kv("error", std::strerror(errno));
        absl::SleepFor(absl::Milliseconds(50));  // let connections close
      }
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connections_total->Add();
    absl::MutexLock lock(&mu);
    if (static_cast<int>(conns.size()) >= opts.max_connections + kHandshakeSlack) {
      ::close(fd);  // far over the limit: not even a thread for it
      continue;
    }
    const int32_t id = next_id++;
    if (next_id == INT32_MAX) next_id = 10000;
    Entry& entry = conns[id];
    entry.fd = fd;
    entry.thread = std::thread(&Impl::Serve, this, id, fd, PeerName(addr));
  }
}

void PgServer::Impl::Serve(int32_t id, int fd, std::string peer) {
  UniqueFd owned(fd);
  {
    Connection connection(fd, id, std::move(peer), this);
    connection.Run();
  }
  absl::MutexLock lock(&mu);
  auto it = conns.find(id);
  finished.push_back(std::move(it->second.thread));
  conns.erase(it);
  // The descriptor closes only after it left the registry, so Stop never shuts down a
  // number the kernel has handed to someone else.
  owned.Reset();
}

void PgServer::Impl::JoinFinished() {
  std::vector<std::thread> done;
  {
    absl::MutexLock lock(&mu);
    done.swap(finished);
  }
  for (std::thread& t : done) t.join();
}

void PgServer::Impl::StopNow(absl::Duration grace) {
  stop_requested.store(true);
  const uint64_t one = 1;
  if (::write(wake_fd.get(), &one, sizeof(one)) < 0) {
    // The acceptor also wakes by its poll timeout.
  }
  acceptor.join();
  listen_fd.Reset();

  auto all_closed = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return conns.empty(); };
  {
    absl::MutexLock lock(&mu);
    // Idle connections wake up from their read and say goodbye (57P01); busy ones finish
    // their statement first.
    for (auto& [id, entry] : conns) ::shutdown(entry.fd, SHUT_RD);
    if (!mu.AwaitWithTimeout(absl::Condition(&all_closed), grace)) {
      for (auto& [id, entry] : conns) {
        if (entry.connection != nullptr) {
          entry.connection->CancelStatement(entry.connection->running_sequence(),
                                            CancelReason::kShutdown);
        }
      }
      if (!mu.AwaitWithTimeout(absl::Condition(&all_closed), kCancelWait)) {
        // Clients that do not read their results: break the sockets.
        for (auto& [id, entry] : conns) ::shutdown(entry.fd, SHUT_RDWR);
        mu.Await(absl::Condition(&all_closed));
      }
    }
  }
  JoinFinished();
  timer.reset();
  Log(LogLevel::kInfo, "stopped").Kv("proto", "pg").Kv("port", static_cast<int>(bound_port));
}

// ---- PgServer -----------------------------------------------------------------------------

PgServer::PgServer(PgServerOptions options, engine::Engine* engine, auth::TenantStore* tenants,
                   MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), engine, tenants, metrics)) {}

PgServer::~PgServer() { Stop(); }

absl::Status PgServer::Start() {
  if (impl_->started) return absl::FailedPreconditionError("the PostgreSQL server was started");
  absl::Status listening = impl_->Listen();
  if (!listening.ok()) return listening;
  impl_->started = true;
  Impl* impl = impl_.get();
  impl_->timer = std::make_unique<DeadlineTimer>(
      [impl](int32_t id, uint64_t sequence) { impl->OnTimeout(id, sequence); });
  impl_->acceptor = std::thread([impl] { impl->AcceptLoop(); });
  Log(LogLevel::kInfo, "listening")
      .Kv("proto", "pg")
      .Kv("addr", absl::StrCat(impl_->opts.host, ":", impl_->bound_port));
  return absl::OkStatus();
}

uint16_t PgServer::port() const { return impl_->bound_port; }

void PgServer::Stop(absl::Duration grace) {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  impl_->StopNow(grace);
}

int PgServer::active_connections() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->admitted;
}

}  // namespace strata::server::pgwire
