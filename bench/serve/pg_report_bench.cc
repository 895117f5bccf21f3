// Report query latency over the PostgreSQL wire protocol: Q1-Q8 of
// bench/workloads/report_queries.sql (or STRATA_BENCH_QUERIES) for the biggest merchant
// (shop-000001) and the 100th (shop-000100), through one persistent libpq connection to an
// in-process PgServer, the way a dashboard would ask.
//
// Data: STRATA_BENCH_DATA_DIR names a loaded data directory (opened read-only; see
// bench/workloads/queries.sh); without it 1M events are generated into a temporary
// directory. now() is pinned with SET strata.now (STRATA_BENCH_NOW, default
// 2026-12-01T00:00:00Z). Counters p50_us / p99_us are per-query latency percentiles.
//
//   STRATA_BENCH_DATA_DIR=/path/data build/bench/pg_report_bench
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
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

std::vector<std::string> LoadQueries() {
  const char* path = std::getenv("STRATA_BENCH_QUERIES");
  std::ifstream in(path != nullptr
                       ? std::string(path)
                       : std::string(STRATA_SOURCE_DIR) + "/bench/workloads/report_queries.sql");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> out;
  std::string current;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    if (absl::StartsWith(line, "--")) continue;
    current += std::string(line) + "\n";
    if (absl::EndsWith(absl::StripTrailingAsciiWhitespace(line), ";")) {
      out.push_back(current);
      current.clear();
    }
  }
  return out;
}

struct Fixture {
  Fixture() {
    SetLogLevel(LogLevel::kWarn);
    engine::EngineOptions eo;
    if (const char* dir = std::getenv("STRATA_BENCH_DATA_DIR")) {
      eo.data_dir = dir;
      eo.read_only = true;
    } else {
      eo.data_dir = temp.File("data");
      eo.wal_sync = engine::WalSyncMode::kRelaxed;
    }
    auto opened = engine::Engine::Open(eo);
    if (!opened.ok()) {
      std::fprintf(stderr, "open: %s\n", std::string(opened.status().message()).c_str());
      std::exit(1);
    }
    engine = std::move(*opened);
    if (!eo.read_only) {
      ingest::GeneratorOptions g;
      g.events = 1'000'000;
      g.merchants = 1000;
      g.days = 30;
      if (!engine->Append(ingest::Generator::All(g)).ok() || !engine->Flush().ok()) std::abort();
    }
    tenants = std::move(*auth::TenantStore::Open(temp.path(), {}));
    PgServerOptions o;
    o.port = 0;
    server = std::make_unique<PgServer>(o, engine.get(), tenants.get(), &metrics);
    if (!server->Start().ok()) std::abort();
    queries = LoadQueries();
    const char* now = std::getenv("STRATA_BENCH_NOW");
    now_literal = now != nullptr ? now : "2026-12-01T00:00:00Z";
  }
  ~Fixture() {
    server->Stop();
    (void)engine->Close();
  }

  TempDir temp;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::TenantStore> tenants;
  MetricsRegistry metrics;
  std::unique_ptr<PgServer> server;
  std::vector<std::string> queries;
  std::string now_literal;
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
  PQclear(PQexec(c, absl::StrCat("SET strata.now = '", fx.now_literal, "'").c_str()));
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
