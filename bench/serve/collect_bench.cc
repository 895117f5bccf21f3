// Durable ingest through HTTP: an in-process HttpServer over a TempDir engine with the WAL in
// fsync mode (WalSyncMode::kSync), and N keep-alive client threads (client::HttpClient)
// POSTing pre-serialized NDJSON batches of 1000 generated events to /collect with the
// admin's Basic credentials. A request counts when its 200 came back, that is when its
// events were durable.
//
//   build/bench/collect_bench
//
// Arguments: client threads, and 1 for fsync (the goal) or 0 for WalSyncMode::kRelaxed
// (what the HTTP path costs when the WAL does not wait for the disk). items_per_second is
// acknowledged events per second over all threads; p50_ms / p99_ms are request latencies.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "client/http_client.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "server/auth/tenants.h"
#include "server/base/log.h"
#include "server/base/metrics.h"
#include "server/http/http_server.h"

namespace strata::server::http {
namespace {

constexpr int kBatchEvents = 1000;
constexpr int kBatches = 400;

// A fresh server and data directory per benchmark run.
struct Fixture {
  explicit Fixture(engine::WalSyncMode mode) {
    SetLogLevel(LogLevel::kWarn);
    engine::EngineOptions eo;
    eo.data_dir = dir.File("data");
    eo.wal_sync = mode;
    engine = std::move(*engine::Engine::Open(eo));
    tenants = std::move(*auth::TenantStore::Open(dir.path(), {}));
    HttpServerOptions o;
    o.port = 0;
    server = std::make_unique<HttpServer>(o, engine.get(), tenants.get(), &metrics);
    if (!server->Start().ok()) std::abort();

    ingest::GeneratorOptions g;
    g.events = static_cast<uint64_t>(kBatches) * kBatchEvents;
    g.merchants = 1000;
    g.days = 7;
    ingest::Generator generator(g);
    engine::Event e;
    batches.resize(kBatches);
    for (int b = 0; b < kBatches; ++b) {
      for (int i = 0; i < kBatchEvents && generator.Next(&e); ++i) {
        ingest::Generator::AppendJson(e, &batches[b]);
      }
    }
  }
  ~Fixture() {
    server->Stop();
    (void)engine->Close();
  }

  TempDir dir;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::TenantStore> tenants;
  MetricsRegistry metrics;
  std::unique_ptr<HttpServer> server;
  std::vector<std::string> batches;
};

void BM_CollectNdjson(benchmark::State& state) {
  Fixture f(state.range(1) != 0 ? engine::WalSyncMode::kSync : engine::WalSyncMode::kRelaxed);
  const int threads = static_cast<int>(state.range(0));
  const client::HttpHeaders headers = {
      {"Content-Type", "application/x-ndjson"},
      {"Authorization", client::BasicAuthorization("strata", "strata")}};
  std::vector<std::unique_ptr<client::HttpClient>> clients;
  for (int t = 0; t < threads; ++t) {
    clients.push_back(std::make_unique<client::HttpClient>("127.0.0.1", f.server->port()));
  }
  std::vector<double> latencies_ms;
  std::atomic<bool> failed{false};
  size_t bytes = 0;
  for (const std::string& b : f.batches) bytes += b.size();
  for (auto _ : state) {
    std::atomic<size_t> next{0};
    std::vector<std::vector<double>> per_thread(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        while (true) {
          const size_t i = next.fetch_add(1);
          if (i >= f.batches.size()) break;
          const auto start = std::chrono::steady_clock::now();
          auto r = clients[t]->Request("POST", "/collect", f.batches[i], headers);
          per_thread[t].push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count());
          if (!r.ok() || r->status != 200) {
            std::fprintf(stderr, "collect failed: %s\n",
                         r.ok() ? r->body.c_str() : r.status().ToString().c_str());
            failed = true;
            break;
          }
        }
      });
    }
    for (std::thread& w : workers) w.join();
    for (const auto& v : per_thread) latencies_ms.insert(latencies_ms.end(), v.begin(), v.end());
  }
  if (failed) state.SkipWithError("a /collect request failed");
  std::sort(latencies_ms.begin(), latencies_ms.end());
  if (!latencies_ms.empty()) {
    state.counters["p50_ms"] = latencies_ms[latencies_ms.size() / 2];
    state.counters["p99_ms"] = latencies_ms[latencies_ms.size() * 99 / 100];
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatches * kBatchEvents);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

BENCHMARK(BM_CollectNdjson)
    ->ArgNames({"threads", "fsync"})
    ->Args({8, 1})
    ->Args({16, 1})
    ->Args({16, 0})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace strata::server::http
