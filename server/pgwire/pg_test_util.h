// Test helpers for the PostgreSQL server tests: one shared data directory (a real Engine
// and a real TenantStore), a server per test on port 0, libpq handles, and a raw-socket
// client for what libpq cannot send (row-limited Execute, malformed packets).
#pragma once

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "server/auth/scram.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/pgwire/pg_message.h"
#include "server/pgwire/pg_server.h"

namespace strata::server::pgwire::testing {

inline constexpr int64_t kNov1 = 1793491200000000;  // 2026-11-01 00:00:00 UTC
inline constexpr int64_t kHour = 3600000000;
inline constexpr int kBigEvents = 200000;
inline constexpr char kAdminPassword[] = "admin-secret";

struct PqFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PqFinish>;
struct PqClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PqClear>;

// m1: 3 events (10:00:00, :01, :02 on 2026-11-01; page_view, click, purchase 9.5),
// m2: 2 events (11:00), and, once WithBig() was called, big: kBigEvents generated events.
// Users m1/pw1, m2/pw2, big/pwbig and the admin strata/kAdminPassword. Built once per test
// binary (each test of a ctest run is its own process, so the big merchant is loaded only
// by the tests that need it).
class PgTestData {
 public:
  static PgTestData& Get() {
    static PgTestData* data = new PgTestData;
    return *data;
  }
  static PgTestData& WithBig() {
    PgTestData& data = Get();
    if (!data.big_loaded_) {
      ingest::GeneratorOptions g;
      g.events = kBigEvents;
      g.merchants = 1;
      g.days = 2;
      std::vector<engine::Event> big = ingest::Generator::All(g);
      for (engine::Event& e : big) e.merchant = "big";
      STRATA_TEST_CHECK(data.engine_->Append(big).ok());
      STRATA_TEST_CHECK(data.engine_->Flush().ok());
      data.big_loaded_ = true;
    }
    return data;
  }
  engine::Engine* engine() const { return engine_.get(); }
  auth::TenantStore* tenants() const { return tenants_.get(); }

 private:
  PgTestData() {
    engine::EngineOptions o;
    o.data_dir = dir_.File("data");
    o.shards = 2;
    o.wal_sync = engine::WalSyncMode::kRelaxed;
    auto opened = engine::Engine::Open(o);
    STRATA_TEST_CHECK(opened.ok());
    engine_ = std::move(*opened);
    std::vector<engine::Event> events;
    const char* kinds[] = {"page_view", "click", "purchase"};
    for (int i = 0; i < 3; ++i) {
      engine::Event e;
      e.merchant = "m1";
      e.ts_us = kNov1 + 10 * kHour + i * 1000000;
      e.event = kinds[i];
      e.client_id = "c1";
      e.page = "/home";
      if (i == 2) e.value = 9.5;
      events.push_back(e);
    }
    for (int i = 0; i < 2; ++i) {
      engine::Event e;
      e.merchant = "m2";
      e.ts_us = kNov1 + 11 * kHour + i * 1000000;
      e.event = "page_view";
      e.client_id = "c2";
      e.page = "/m2";
      events.push_back(e);
    }
    STRATA_TEST_CHECK(engine_->Append(events).ok());

    auth::TenantStoreOptions t;
    t.admin_password = kAdminPassword;
    auto store = auth::TenantStore::Open(dir_.File(""), t);
    STRATA_TEST_CHECK(store.ok());
    tenants_ = std::move(*store);
    STRATA_TEST_CHECK(tenants_->AddMerchant("m1", "pw1").ok());
    STRATA_TEST_CHECK(tenants_->AddMerchant("m2", "pw2").ok());
    STRATA_TEST_CHECK(tenants_->AddMerchant("big", "pwbig").ok());
  }

  static void STRATA_TEST_CHECK(bool ok) {
    if (!ok) std::abort();
  }

  TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<auth::TenantStore> tenants_;
  bool big_loaded_ = false;
};

class TestServer {
 public:
  explicit TestServer(PgServerOptions options = {}) {
    options.port = 0;
    PgTestData& data = PgTestData::Get();
    server_ = std::make_unique<PgServer>(options, data.engine(), data.tenants(), &metrics_);
    absl::Status started = server_->Start();
    EXPECT_TRUE(started.ok()) << started;
  }

  std::string ConnInfo(const std::string& user, const std::string& password,
                       const std::string& extra = "") const {
    return absl::StrCat("host=127.0.0.1 port=", server_->port(), " user=", user,
                        " password=", password, " dbname=strata sslmode=disable ", extra);
  }
  PgConnPtr Connect(const std::string& user, const std::string& password,
                    const std::string& extra = "") const {
    return PgConnPtr(PQconnectdb(ConnInfo(user, password, extra).c_str()));
  }
  // Waits until the server counts `n` connections (closing is asynchronous).
  bool WaitForConnections(int n) const {
    for (int i = 0; i < 500; ++i) {
      if (server_->active_connections() == n) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  PgServer& server() { return *server_; }
  MetricsRegistry& metrics() { return metrics_; }
  uint16_t port() const { return server_->port(); }

 private:
  MetricsRegistry metrics_;
  std::unique_ptr<PgServer> server_;
};

inline PgResultPtr Exec(PGconn* c, const std::string& sql) {
  return PgResultPtr(PQexec(c, sql.c_str()));
}
inline std::string Cell(const PGresult* r, int row = 0, int col = 0) {
  return PQgetisnull(r, row, col) ? "NULL" : std::string(PQgetvalue(r, row, col));
}
inline std::string SqlState(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s == nullptr ? "" : s;
}
inline std::string ErrorMessage(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  return s == nullptr ? "" : s;
}

// A slow statement for cancel and timeout tests: string work on every row of `big` (about
// 3 s on one worker, 0.15 s per chunk, checked for cancellation between chunks). Run it
// after PgTestData::WithBig() and SET strata.threads = 1.
inline constexpr char kSlowQuery[] =
    "SELECT sum(length(replace(repeat(page, 100), '/', 'xy'))) FROM events";

// A PostgreSQL client over a plain socket: backend messages in, any bytes out.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RawClient() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool SendMessage(char type, std::string_view payload) {
    std::string m(1, type);
    char len[4];
    PutInt32(len, static_cast<int32_t>(payload.size() + 4));
    m.append(len, 4);
    m.append(payload);
    return Send(m);
  }
  bool SendStartup(const std::string& user, int32_t version = kProtocolVersion3) {
    std::string out;
    MessageWriter w(&out);
    w.Begin(0);
    w.Int32(version);
    w.CString("user");
    w.CString(user);
    w.CString("database");
    w.CString("strata");
    w.Byte(0);
    w.End();
    return Send(out);
  }

  // Reads exactly n bytes; false on EOF or timeout.
  bool ReadBytes(size_t n, std::string* out, absl::Duration timeout = absl::Seconds(10)) {
    out->clear();
    const absl::Time deadline = absl::Now() + timeout;
    while (out->size() < n) {
      pollfd p{fd_, POLLIN, 0};
      const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (ms <= 0 || ::poll(&p, 1, ms) <= 0) return false;
      char buf[65536];
      const ssize_t got = ::recv(fd_, buf, std::min(sizeof(buf), n - out->size()), 0);
      if (got <= 0) return false;
      out->append(buf, static_cast<size_t>(got));
    }
    return true;
  }
  // One backend message.
  bool Read(char* type, std::string* payload, absl::Duration timeout = absl::Seconds(10)) {
    std::string header;
    if (!ReadBytes(5, &header, timeout)) return false;
    *type = header[0];
    return ReadBytes(static_cast<size_t>(GetInt32(header.data() + 1)) - 4, payload, timeout);
  }
  // Message types up to and including `last` (e.g. "12TDDsZ"); stops early at EOF.
  std::string ReadUntil(char last, std::vector<std::string>* payloads = nullptr) {
    std::string types;
    char type;
    std::string payload;
    while (Read(&type, &payload)) {
      types.push_back(type);
      if (payloads != nullptr) payloads->push_back(payload);
      if (type == last) break;
    }
    return types;
  }
  // True if the server closed the connection (EOF) within the timeout.
  bool ClosedByServer(absl::Duration timeout = absl::Seconds(10)) {
    std::string ignored;
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t got = ::recv(fd_, buf, sizeof(buf), 0);
      if (got <= 0) return true;
    }
    return false;
  }

  // Startup and SCRAM-SHA-256; true once ReadyForQuery arrives.
  bool Login(const std::string& user, const std::string& password) {
    if (!SendStartup(user)) return false;
    char type;
    std::string payload;
    if (!Read(&type, &payload) || type != 'R' || GetInt32(payload.data()) != kAuthSasl)
      return false;
    auth::ScramClient scram(password);
    std::string first = scram.ClientFirst();
    std::string initial;
    MessageWriter w(&initial);
    w.CString("SCRAM-SHA-256");
    w.Int32(static_cast<int32_t>(first.size()));
    w.Bytes(first);
    if (!SendMessage('p', initial)) return false;
    if (!Read(&type, &payload) || type != 'R' || GetInt32(payload.data()) != kAuthSaslContinue) {
      return false;
    }
    auto final_message = scram.ClientFinal(payload.substr(4));
    if (!final_message.ok() || !SendMessage('p', *final_message)) return false;
    if (!Read(&type, &payload) || type != 'R' || GetInt32(payload.data()) != kAuthSaslFinal) {
      return false;
    }
    if (!scram.VerifyServerFinal(payload.substr(4)).ok()) return false;
    return ReadUntil('Z').back() == 'Z';
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The SQLSTATE ('C' field) of an ErrorResponse / NoticeResponse payload.
inline std::string ErrorField(const std::string& payload, char field) {
  size_t i = 0;
  while (i < payload.size() && payload[i] != 0) {
    const char f = payload[i];
    const size_t end = payload.find('\0', i + 1);
    if (end == std::string::npos) break;
    if (f == field) return payload.substr(i + 1, end - i - 1);
    i = end + 1;
  }
  return "";
}

}  // namespace strata::server::pgwire::testing
