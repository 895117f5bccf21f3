// Record log throughput: framing + write() per record, batched appends, and reading back.
// Appends go to the page cache (no Sync), so these measure the CPU and syscall cost of the
// log, not the disk.

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/log.h"

namespace strata::storage {
namespace {

std::string BenchPath(const char* name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

std::string Payload(size_t n) {
  std::mt19937_64 rng(n);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Rotates the log every 64 MiB so the file stays in the page cache.
void BM_AddRecord(benchmark::State& state) {
  std::string path = BenchPath("strata_log_bench_add");
  std::string payload = Payload(static_cast<size_t>(state.range(0)));
  auto writer = LogWriter::Create(path);
  for (auto _ : state) {
    if ((*writer)->size() > (64u << 20)) {
      state.PauseTiming();
      writer = LogWriter::Create(path);
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize((*writer)->AddRecord(1, payload));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  std::filesystem::remove(path);
}
BENCHMARK(BM_AddRecord)->Arg(64)->Arg(512)->Arg(4096)->Arg(64 << 10);

// One write() for a group of 64 records, as a group commit does.
void BM_AddRecordsBatch64(benchmark::State& state) {
  std::string path = BenchPath("strata_log_bench_batch");
  std::string payload = Payload(static_cast<size_t>(state.range(0)));
  std::vector<LogRecord> batch(64, LogRecord{1, payload});
  auto writer = LogWriter::Create(path);
  for (auto _ : state) {
    if ((*writer)->size() > (64u << 20)) {
      state.PauseTiming();
      writer = LogWriter::Create(path);
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize((*writer)->AddRecords(batch));
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.SetBytesProcessed(state.iterations() * 64 * static_cast<int64_t>(payload.size()));
  std::filesystem::remove(path);
}
BENCHMARK(BM_AddRecordsBatch64)->Arg(64)->Arg(512)->Arg(4096);

void BM_ReadLog(benchmark::State& state) {
  std::string path = BenchPath("strata_log_bench_read");
  std::string payload = Payload(static_cast<size_t>(state.range(0)));
  size_t records = (32u << 20) / payload.size();
  {
    auto writer = LogWriter::Create(path);
    for (size_t i = 0; i < records; ++i) (void)(*writer)->AddRecord(1, payload);
  }
  uint64_t sum = 0;
  for (auto _ : state) {
    auto r = ReadLog(path, [&](uint8_t, std::string_view p, uint64_t) {
      sum += p.size();
      return absl::OkStatus();
    });
    benchmark::DoNotOptimize(r);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(records * payload.size()));
  std::filesystem::remove(path);
}
BENCHMARK(BM_ReadLog)->Arg(64)->Arg(512)->Arg(4096);

// The damage scan over a torn tail of random bytes (a crash mid-way through a big append).
void BM_TornTailScan(benchmark::State& state) {
  std::string path = BenchPath("strata_log_bench_torn");
  std::string payload = Payload(static_cast<size_t>(state.range(0)));
  {
    auto writer = LogWriter::Create(path);
    (void)(*writer)->AddRecord(1, payload);
  }
  std::filesystem::resize_file(path, payload.size());  // cut the last 9 bytes
  for (auto _ : state) {
    auto r = ReadLog(path, [](uint8_t, std::string_view, uint64_t) { return absl::OkStatus(); });
    if (!r.ok() || r->torn_bytes == 0) state.SkipWithError("expected a torn tail");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  std::filesystem::remove(path);
}
BENCHMARK(BM_TornTailScan)->Arg(1 << 20)->Arg(16 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::storage
