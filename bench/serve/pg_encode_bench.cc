// PG wire result encoding: DataRow messages for a typical report result (int8, float8,
// text, timestamptz), in text and binary formats. Bytes/s and rows/s of the encoder alone,
// without sockets (server/pgwire/pg_types.h, WriteDataRow).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "query/types.h"
#include "server/pgwire/pg_types.h"

namespace strata::server::pgwire {
namespace {

constexpr int kRows = 10'000;

struct Result {
  std::vector<CatalogColumn> columns;
  std::vector<std::vector<query::Value>> rows;
};

// day, page, pageviews, users, bounce rate: what a daily report returns.
const Result& ReportResult() {
  static const Result result = [] {
    Result r;
    r.columns = {{"day", oid::kTimestamptz},
                 {"page", oid::kText},
                 {"pageviews", oid::kInt8},
                 {"users", oid::kInt8},
                 {"bounce_rate", oid::kFloat8}};
    for (int i = 0; i < kRows; ++i) {
      r.rows.push_back(
          {query::Value::Timestamp(1793491200000000 + int64_t{i % 30} * 86'400'000'000),
           query::Value::String("/products/item-" + std::to_string(i % 997)),
           query::Value::Int(1000 + i * 7), query::Value::Int(100 + i),
           query::Value::Float(0.25 + (i % 50) / 100.0)});
    }
    return r;
  }();
  return result;
}

void BM_WriteDataRows(benchmark::State& state) {
  const Result& result = ReportResult();
  const std::vector<int16_t> formats = {static_cast<int16_t>(state.range(0))};
  const absl::TimeZone zone = absl::UTCTimeZone();
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (const auto& row : result.rows) {
      if (!WriteDataRow(row, result.columns, formats, zone, &out).ok()) {
        state.SkipWithError("encode");
      }
    }
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRows);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(state.range(0) == 0 ? "text" : "binary");
}
BENCHMARK(BM_WriteDataRows)->Arg(0)->Arg(1);

}  // namespace
}  // namespace strata::server::pgwire
