// Queries per second through the PostgreSQL wire protocol: an in-process PgServer on a
// TempDir engine holding 200K generated events of 100 merchants (7 days), and N libpq
// connections (1 and 16 benchmark threads), each logged in as one merchant and running a
// small per-merchant query: events of the last day of the data, by simple query and by
// PQexecParams (extended protocol, binary result).
//
//   build/bench/pg_qps_bench --benchmark_min_time=2
//
// items_per_second is the total rate of all threads: queries per second.
#include <libpq-fe.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "server/auth/tenants.h"
#include "server/base/log.h"
#include "server/base/metrics.h"
#include "server/pgwire/pg_server.h"

namespace strata::server::pgwire {
namespace {

constexpr int kMerchants = 100;
constexpr uint64_t kEvents = 200'000;
constexpr uint32_t kDays = 7;

std::string MerchantName(int i) { return absl::StrFormat("shop-%06d", i); }

// One server for the whole run.
struct Fixture {
  Fixture() {
    SetLogLevel(LogLevel::kWarn);
    engine::EngineOptions eo;
    eo.data_dir = dir.File("data");
    eo.wal_sync = engine::WalSyncMode::kRelaxed;
    engine = std::move(*engine::Engine::Open(eo));
    ingest::GeneratorOptions g;
    g.events = kEvents;
    g.merchants = kMerchants;
    g.days = kDays;
    if (!engine->Append(ingest::Generator::All(g)).ok() || !engine->Flush().ok()) std::abort();
    tenants = std::move(*auth::TenantStore::Open(dir.path(), {}));
    for (int i = 1; i <= kMerchants; ++i) {
      if (!tenants->AddMerchant(MerchantName(i), "pw").ok()) std::abort();
    }
    PgServerOptions o;
    o.port = 0;
    o.query_threads = 1;  // small queries: no worker threads per statement
    o.max_connections_per_merchant = 100;
    server = std::make_unique<PgServer>(o, engine.get(), tenants.get(), &metrics);
    if (!server->Start().ok()) std::abort();
  }

  PGconn* Connect(int merchant) const {
    const std::string info =
        absl::StrCat("host=127.0.0.1 port=", server->port(), " user=", MerchantName(merchant),
                     " password=pw dbname=strata sslmode=disable");
    PGconn* c = PQconnectdb(info.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::fprintf(stderr, "connect: %s\n", PQerrorMessage(c));
      std::abort();
    }
    return c;
  }

  TempDir dir;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::TenantStore> tenants;
  MetricsRegistry metrics;
  std::unique_ptr<PgServer> server;
};

Fixture& Get() {
  static Fixture* f = new Fixture;
  return *f;
}

// Threads spread over big and small merchants (traffic is Zipf-skewed).
int MerchantFor(int thread) { return 1 + (thread * 7) % kMerchants; }

std::string QueryFor(int merchant) {
  return absl::StrCat("SELECT count(*) FROM events WHERE merchant = '", MerchantName(merchant),
                      "' AND ts >= timestamptz '2026-11-08' - interval '1 day'");
}

void BM_SimpleQuery(benchmark::State& state) {
  const int merchant = MerchantFor(state.thread_index());
  PGconn* c = Get().Connect(merchant);
  const std::string sql = QueryFor(merchant);
  for (auto _ : state) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      state.SkipWithError(PQerrorMessage(c));
      PQclear(r);
      break;
    }
    benchmark::DoNotOptimize(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  state.SetItemsProcessed(state.iterations());
  PQfinish(c);
}
BENCHMARK(BM_SimpleQuery)->Threads(1)->Threads(16)->UseRealTime();

void BM_ExtendedQuery(benchmark::State& state) {
  const int merchant = MerchantFor(state.thread_index());
  PGconn* c = Get().Connect(merchant);
  const std::string name = MerchantName(merchant);
  const char* values[] = {name.c_str(), "2026-11-07 00:00:00+00"};
  const Oid types[] = {25, 1184};
  for (auto _ : state) {
    PGresult* r = PQexecParams(c, "SELECT count(*) FROM events WHERE merchant = $1 AND ts >= $2", 2,
                               types, values, nullptr, nullptr, /*resultFormat=*/1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      state.SkipWithError(PQerrorMessage(c));
      PQclear(r);
      break;
    }
    benchmark::DoNotOptimize(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  state.SetItemsProcessed(state.iterations());
  PQfinish(c);
}
BENCHMARK(BM_ExtendedQuery)->Threads(1)->Threads(16)->UseRealTime();

// The protocol's own cost: a statement the query layer answers without touching data.
void BM_SimpleQueryNoData(benchmark::State& state) {
  PGconn* c = Get().Connect(MerchantFor(state.thread_index()));
  for (auto _ : state) {
    PGresult* r = PQexec(c, "SHOW TimeZone");
    benchmark::DoNotOptimize(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  state.SetItemsProcessed(state.iterations());
  PQfinish(c);
}
BENCHMARK(BM_SimpleQueryNoData)->Threads(1)->Threads(16)->UseRealTime();

}  // namespace
}  // namespace strata::server::pgwire
