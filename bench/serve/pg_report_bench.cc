// Report query latency over the PostgreSQL wire protocol: Q1-Q8 of
// bench/workloads/report_queries.sql (or STRATA_BENCH_QUERIES) for the biggest merchant
// (shop-000001) and the 100th (shop-000100), through one persistent libpq connection to an
// in-process PgServer, the way a dashboard would ask.
//
// Data: bench/bench_dataset.h; its now() is pinned on the connection with SET strata.now.
// Counters p50_us / p99_us are per-query latency percentiles.
//
//   STRATA_BENCH_DATA_DIR=/path/data build/bench/pg_report_bench
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "bench/bench_dataset.h"
#include "benchmark/benchmark.h"
#include "common/temp_dir.h"
#include "server/auth/tenants.h"
#include "server/base/log.h"
#include "server/base/metrics.h"
#include "server/pgwire/pg_server.h"

namespace strata::server::pgwire {
namespace {

struct Fixture {
  Fixture() {
    SetLogLevel(LogLevel::kWarn);
    tenants = std::move(*auth::TenantStore::Open(temp.path(), {}));
    PgServerOptions o;
    o.port = 0;
    server = std::make_unique<PgServer>(o, data->engine.get(), tenants.get(), &metrics);
    if (!server->Start().ok()) std::abort();
  }
  ~Fixture() {
    server->Stop();
    (void)data->engine->Close();
  }

  std::unique_ptr<bench::BenchDataset> data = bench::OpenBenchDataset();
  TempDir temp;  // the tenant store
  std::unique_ptr<auth::TenantStore> tenants;
  MetricsRegistry metrics;
  std::unique_ptr<PgServer> server;
  std::vector<std::string> queries = bench::ReadBenchQueries("report_queries.sql");
};

Fixture& GetFixture() {
  static Fixture* f = new Fixture;
  return *f;
}

PGconn* Connect(Fixture& fx) {
  std::string conninfo = absl::StrCat("host=127.0.0.1 port=", fx.server->port(),
                                      " user=strata password=strata dbname=strata");
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s\n", PQerrorMessage(c));
    std::exit(1);
  }
  PQclear(PQexec(c, absl::StrCat("SET strata.now = '", fx.data->now_text, "'").c_str()));
  return c;
}

void BM_Report(benchmark::State& state, int q, const char* merchant) {
  Fixture& fx = GetFixture();
  if (q >= static_cast<int>(fx.queries.size())) {
    state.SkipWithError("the query file has fewer queries");
    return;
  }
  const std::string sql = absl::StrReplaceAll(fx.queries[q], {{":m", merchant}});
  PGconn* conn = Connect(fx);
  std::vector<double> micros;
  int rows = 0;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    PGresult* r = PQexec(conn, sql.c_str());
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      state.SkipWithError(PQresultErrorMessage(r));
      PQclear(r);
      break;
    }
    rows = PQntuples(r);
    PQclear(r);
  }
  PQfinish(conn);
  state.counters["result_rows"] = rows;
  std::sort(micros.begin(), micros.end());
  if (!micros.empty()) {
    state.counters["p50_us"] = micros[micros.size() / 2];
    state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  }
}

void Register() {
  const char* names[] = {"Q1_daily",      "Q2_hourly",        "Q3_top_pages", "Q4_bounce",
                         "Q5_conversion", "Q6_top_merchants", "Q7_countries", "Q8_realtime"};
  for (int q = 0; q < 8; ++q) {
    for (const char* m : {"shop-000001", "shop-000100"}) {
      if (q == 5 && std::string(m) != "shop-000001") continue;  // Q6 spans all merchants
      std::string name = absl::StrCat("PG_", names[q], "/", q == 5 ? "all" : m);
      benchmark::RegisterBenchmark(name.c_str(), BM_Report, q, m)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime()
          ->MinTime(0.5);
    }
  }
}

const bool registered = (Register(), true);

}  // namespace
}  // namespace strata::server::pgwire
