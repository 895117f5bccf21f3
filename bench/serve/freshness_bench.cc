// Freshness: how long after /collect acknowledged an event a PG-wire query sees it.
//
// In-process HttpServer + PgServer on a TempDir engine (WAL fsync) holding 200K generated
// events. Each iteration POSTs one event (keep-alive, admin Basic auth) and then polls
// `SELECT count(*) ... WHERE event_id = $1` over libpq until it returns 1. Reported:
// ack_to_visible p50/p99 (the goal is p99 < 1 s) and post_to_ack p50/p99, idle and while
// two other connections ingest 1000-event batches as fast as they can.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_stats.h"
#include "client/http_client.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "libpq-fe.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/http/http_server.h"
#include "server/pgwire/pg_server.h"

namespace strata::server {
namespace {

using Clock = std::chrono::steady_clock;

using bench::Ms;
using bench::Percentile;

// The servers and their state, built once per benchmark run.
struct Stack {
  TempDir dir;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::TenantStore> tenants;
  MetricsRegistry metrics;
  std::unique_ptr<http::HttpServer> http_server;
  std::unique_ptr<pgwire::PgServer> pg_server;

  absl::Status Start() {
    engine::EngineOptions eo;
    eo.data_dir = dir.File("data");
    auto e = engine::Engine::Open(eo);
    if (!e.ok()) return e.status();
    engine = std::move(*e);
    ingest::GeneratorOptions g;
    g.events = 200'000;
    g.merchants = 100;
    g.days = 7;
    std::vector<engine::Event> events = ingest::Generator::All(g);
    for (size_t i = 0; i < events.size(); i += 10'000) {
      size_t n = std::min<size_t>(10'000, events.size() - i);
      absl::Status s = engine->Append(absl::MakeConstSpan(events).subspan(i, n));
      if (!s.ok()) return s;
    }
    auto t = auth::TenantStore::Open(eo.data_dir, {});
    if (!t.ok()) return t.status();
    tenants = std::move(*t);
    http::HttpServerOptions ho;
    ho.port = 0;
    http_server = std::make_unique<http::HttpServer>(ho, engine.get(), tenants.get(), &metrics);
    if (absl::Status s = http_server->Start(); !s.ok()) return s;
    pgwire::PgServerOptions po;
    po.port = 0;
    pg_server = std::make_unique<pgwire::PgServer>(po, engine.get(), tenants.get(), &metrics);
    return pg_server->Start();
  }

  ~Stack() {
    if (http_server != nullptr) http_server->Stop();
    if (pg_server != nullptr) pg_server->Stop();
  }
};

// Keeps `threads` connections busy POSTing 1000-event batches until destroyed.
class BackgroundIngest {
 public:
  BackgroundIngest(uint16_t port, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, port, t] {
        ingest::GeneratorOptions g;
        g.events = 100'000'000;
        g.merchants = 100;
        g.seed = 50 + static_cast<uint64_t>(t);
        ingest::Generator generator(g);
        engine::Event e;
        client::HttpClient http("127.0.0.1", port);
        const client::HttpHeaders headers = {
            {"Authorization", client::BasicAuthorization("strata", "strata")}};
        std::string body;
        while (!stop_) {
          body.clear();
          for (int i = 0; i < 1000 && generator.Next(&e); ++i) {
            ingest::Generator::AppendJson(e, &body);
          }
          if (http.Request("POST", "/collect", body, headers).ok()) events_ += 1000;
        }
      });
    }
  }
  ~BackgroundIngest() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
  }
  uint64_t events() const { return events_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> events_{0};
  std::vector<std::thread> threads_;
};

void BM_CollectToVisible(benchmark::State& state) {
  Stack stack;
  if (absl::Status s = stack.Start(); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  const std::string conninfo = absl::StrCat("host=127.0.0.1 port=", stack.pg_server->port(),
                                            " dbname=strata user=strata password=strata");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    state.SkipWithError(PQerrorMessage(conn.get()));
    return;
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> prepared(
      PQprepare(conn.get(), "seen",
                "SELECT count(*) FROM events WHERE merchant = 'fresh' AND event_id = $1", 1,
                nullptr),
      &PQclear);
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    state.SkipWithError(PQresultErrorMessage(prepared.get()));
    return;
  }
  std::unique_ptr<BackgroundIngest> load;
  if (state.range(0) > 0) {
    load = std::make_unique<BackgroundIngest>(stack.http_server->port(),
                                              static_cast<int>(state.range(0)));
  }

  client::HttpClient http("127.0.0.1", stack.http_server->port());
  const client::HttpHeaders headers = {
      {"Authorization", client::BasicAuthorization("strata", "strata")}};
  std::vector<double> ack_to_visible, post_to_ack;
  int polls = 0;
  uint64_t n = 0;
  for (auto _ : state) {
    const std::string id = absl::StrCat("fresh-", n++);
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const std::string body =
        absl::StrCat("{\"merchant\":\"fresh\",\"ts\":", now_ms,
                     ",\"event\":\"page_view\",\"client_id\":\"c1\",\"event_id\":\"", id, "\"}");
    const Clock::time_point posted = Clock::now();
    absl::StatusOr<client::HttpResponse> r = http.Request("POST", "/collect", body, headers);
    const Clock::time_point acked = Clock::now();
    if (!r.ok() || r->status != 200) {
      state.SkipWithError(r.ok() ? r->body.c_str() : r.status().ToString().c_str());
      break;
    }
    const char* values[1] = {id.c_str()};
    while (true) {
      ++polls;
      std::unique_ptr<PGresult, decltype(&PQclear)> q(
          PQexecPrepared(conn.get(), "seen", 1, values, nullptr, nullptr, 0), &PQclear);
      if (PQresultStatus(q.get()) != PGRES_TUPLES_OK) {
        state.SkipWithError(PQresultErrorMessage(q.get()));
        break;
      }
      if (std::string(PQgetvalue(q.get(), 0, 0)) == "1") break;
      if (Clock::now() - acked > std::chrono::seconds(10)) {
        state.SkipWithError("not visible after 10 s");
        break;
      }
    }
    const Clock::time_point visible = Clock::now();
    ack_to_visible.push_back(Ms(visible - acked));
    post_to_ack.push_back(Ms(acked - posted));
    state.SetIterationTime(std::chrono::duration<double>(visible - posted).count());
  }
  state.counters["ack_to_visible_p50_ms"] = Percentile(ack_to_visible, 0.5);
  state.counters["ack_to_visible_p99_ms"] = Percentile(ack_to_visible, 0.99);
  state.counters["post_to_ack_p50_ms"] = Percentile(post_to_ack, 0.5);
  state.counters["post_to_ack_p99_ms"] = Percentile(post_to_ack, 0.99);
  state.counters["polls_per_event"] =
      ack_to_visible.empty() ? 0 : static_cast<double>(polls) / ack_to_visible.size();
  if (load != nullptr) state.counters["background_events"] = static_cast<double>(load->events());
}

BENCHMARK(BM_CollectToVisible)
    ->ArgName("ingest_threads")
    ->Arg(0)
    ->Arg(2)
    ->Iterations(200)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::server
