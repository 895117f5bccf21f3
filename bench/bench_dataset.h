// The dataset the query benchmarks share: an engine over STRATA_BENCH_DATA_DIR (opened
// read-only; bench/workloads/queries.sh loads the 10M-event one), or else 1M generated
// events (1000 merchants, 30 days) flushed into a temporary directory, so the flush builds
// sessions and rollups. now() is the end of the generated traffic (STRATA_BENCH_NOW,
// RFC 3339, default 2026-12-01T00:00:00Z). Also the query-file reader: statements end
// with ';' at the end of a line, `--` lines are comments.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "ingest/generator.h"
#include "query/expr.h"

namespace strata::bench {

struct BenchDataset {
  std::unique_ptr<TempDir> temp;  // set when the data was generated
  std::unique_ptr<engine::Engine> engine;
  int64_t now_us = 0;
  std::string now_text;
};

// Exits the process on failure: a benchmark without its data has nothing to measure.
inline std::unique_ptr<BenchDataset> OpenBenchDataset() {
  auto ds = std::make_unique<BenchDataset>();
  engine::EngineOptions options;
  options.flush_on_close = false;
  if (const char* dir = std::getenv("STRATA_BENCH_DATA_DIR")) {
    options.data_dir = dir;
    options.read_only = true;
  } else {
    ds->temp = std::make_unique<TempDir>();
    options.data_dir = ds->temp->path();
    options.wal_sync = engine::WalSyncMode::kRelaxed;
  }
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(engine.status().message()).c_str());
    std::exit(1);
  }
  ds->engine = std::move(*engine);
  if (ds->temp) {
    ingest::GeneratorOptions gen;
    gen.events = 1'000'000;
    gen.merchants = 1000;
    gen.days = 30;
    ingest::Generator g(gen);
    std::vector<engine::Event> batch(4096);
    size_t n = 0;
    while (g.Next(&batch[n])) {
      if (++n == batch.size()) {
        (void)ds->engine->Append(batch);
        n = 0;
      }
    }
    batch.resize(n);
    (void)ds->engine->Append(batch);
    (void)ds->engine->Flush();
  }
  const char* now = std::getenv("STRATA_BENCH_NOW");
  ds->now_text = now != nullptr ? now : "2026-12-01T00:00:00Z";
  ds->now_us = *query::ParseTimestamp(ds->now_text, absl::UTCTimeZone());
  return ds;
}

// The statements of a query file, in order.
inline std::vector<std::string> ReadQueryFile(const std::string& path) {
  std::ifstream in(path);
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

// STRATA_BENCH_QUERIES, else `default_file` under bench/workloads/.
inline std::vector<std::string> ReadBenchQueries(const char* default_file) {
  const char* path = std::getenv("STRATA_BENCH_QUERIES");
  return ReadQueryFile(path != nullptr
                           ? std::string(path)
                           : std::string(STRATA_SOURCE_DIR) + "/bench/workloads/" + default_file);
}

}  // namespace strata::bench
