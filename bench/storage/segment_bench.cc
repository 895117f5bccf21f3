// Segment write and full-scan throughput on a realistic ~500K-row event table, plus
// on-disk bytes per row, for LZ4 and zstd.
//
//   build/bench/segment_bench --benchmark_min_time=0.5
//
// The table: ~300 merchants with Zipf-like run lengths, sorted microsecond times over one
// day per merchant, client ids from a per-merchant pool, 8 string columns with skewed
// dictionaries (4 of them indexed) and one mostly-zero revenue double.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "benchmark/benchmark.h"
#include "storage/segment.h"

namespace strata::storage {
namespace {

constexpr size_t kRows = 500'000;

ColumnInput Column(std::string name, ColumnType type, bool indexed = false) {
  ColumnInput c;
  c.schema = {std::move(name), type, indexed};
  return c;
}

// Picks from [0, n) with probability roughly proportional to 1/(i+1)^s.
class Zipf {
 public:
  Zipf(uint32_t n, double s) {
    double sum = 0;
    for (uint32_t i = 0; i < n; ++i) cdf_.push_back(sum += 1.0 / std::pow(i + 1, s));
    for (double& c : cdf_) c /= sum;
  }
  uint32_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<uint32_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) %
           cdf_.size();
  }

 private:
  std::vector<double> cdf_;
};

ColumnInput StringCol(std::string name, bool indexed, uint32_t values, const char* prefix) {
  ColumnInput c = Column(std::move(name), ColumnType::kString, indexed);
  for (uint32_t i = 0; i < values; ++i)
    c.dict.push_back(prefix + std::to_string(i * 7919 % 100003));
  return c;
}

std::vector<ColumnInput> MakeEventTable() {
  std::mt19937_64 rng(2024);
  std::vector<ColumnInput> t;
  t.push_back(Column("merchant", ColumnType::kInt64));
  t.push_back(Column("ts", ColumnType::kInt64));
  t.push_back(Column("client_id", ColumnType::kInt64));
  t.push_back(Column("revenue", ColumnType::kDouble));
  t.push_back(StringCol("country", true, 60, "C"));
  t.push_back(StringCol("device", true, 3, "device-"));
  t.push_back(StringCol("browser", true, 12, "browser-"));
  t.push_back(StringCol("os", false, 8, "os-"));
  t.push_back(StringCol("event", true, 20, "event_"));
  t.push_back(StringCol("page", false, 5000, "https://shop.example.com/products/item-"));
  t.push_back(StringCol("referrer", false, 500, "https://ref.example.org/"));
  t.push_back(StringCol("utm_source", false, 50, "campaign-"));
  const std::vector<std::pair<size_t, Zipf>> skew = {
      {4, Zipf(60, 1.2)}, {5, Zipf(3, 0.8)},    {6, Zipf(12, 1.5)},   {7, Zipf(8, 1.3)},
      {8, Zipf(20, 1.1)}, {9, Zipf(5000, 1.0)}, {10, Zipf(500, 1.2)}, {11, Zipf(50, 1.4)}};
  Zipf merchant_size(300, 1.0);
  std::vector<uint32_t> merchants(kRows);
  for (auto& m : merchants) m = merchant_size(rng);
  std::sort(merchants.begin(), merchants.end());
  const int64_t day = 1'717'200'000'000'000;
  std::vector<int64_t> times(kRows);
  for (auto& ts : times) ts = day + static_cast<int64_t>(rng() % 86'400'000'000ULL);
  for (size_t begin = 0; begin < kRows;) {
    size_t end = begin;
    while (end < kRows && merchants[end] == merchants[begin]) ++end;
    std::sort(times.begin() + begin, times.begin() + end);
    begin = end;
  }
  for (size_t row = 0; row < kRows; ++row) {
    t[0].ints.push_back(merchants[row]);
    t[1].ints.push_back(times[row]);
    t[2].ints.push_back(int64_t{merchants[row]} * 1'000'000 + static_cast<int64_t>(rng() % 20000));
    t[3].doubles.push_back(rng() % 50 == 0 ? static_cast<double>(rng() % 20000) / 100.0 : 0.0);
    for (const auto& [col, zipf] : skew) t[col].codes.push_back(zipf(rng));
  }
  return t;
}

const std::vector<ColumnInput>& Table() {
  static const auto* table = new std::vector<ColumnInput>(MakeEventTable());
  return *table;
}

// In-memory size of the input: 8 bytes per int64/double value, 4 per string code.
int64_t InputBytes() {
  int64_t per_row = 0;
  for (const ColumnInput& c : Table()) per_row += c.schema.type == ColumnType::kString ? 4 : 8;
  return per_row * static_cast<int64_t>(kRows);
}

std::string BenchPath(const char* name) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("strata_segment_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void BM_WriteSegment(benchmark::State& state) {
  SegmentWriterOptions opt;
  opt.compression = static_cast<Compression>(state.range(0));
  const auto& table = Table();
  std::string path = BenchPath("write.seg");
  uint64_t file_size = 0;
  for (auto _ : state) {
    auto summary = WriteSegment(path, opt, table);
    if (!summary.ok()) {
      state.SkipWithError(std::string(summary.status().message()).c_str());
      return;
    }
    file_size = summary->file_size;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRows));
  state.SetBytesProcessed(state.iterations() * InputBytes());
  state.counters["bytes_per_row"] = static_cast<double>(file_size) / kRows;
  state.counters["file_MB"] = static_cast<double>(file_size) / 1e6;
  state.SetLabel(CompressionName(opt.compression));
  std::filesystem::remove(path);
}

void BM_ScanSegment(benchmark::State& state) {
  SegmentWriterOptions opt;
  opt.compression = static_cast<Compression>(state.range(0));
  std::string path = BenchPath("scan.seg");
  if (auto s = WriteSegment(path, opt, Table()); !s.ok()) {
    state.SkipWithError("write failed");
    return;
  }
  auto reader = SegmentReader::Open(path);
  if (!reader.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  int64_t checksum = 0;
  for (auto _ : state) {
    for (size_t col = 0; col < (*reader)->columns().size(); ++col) {
      const ColumnInfo& c = (*reader)->columns()[col];
      for (size_t b = 0; b < c.blocks.size(); ++b) {
        absl::Status s = c.schema.type == ColumnType::kDouble
                             ? (*reader)->ReadDoubles(static_cast<int>(col), b, &doubles)
                             : (*reader)->ReadInts(static_cast<int>(col), b, &ints);
        if (!s.ok()) {
          state.SkipWithError("read failed");
          return;
        }
        checksum += ints.empty() ? 0 : ints.back();
      }
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRows));
  state.SetBytesProcessed(state.iterations() * InputBytes());
  state.counters["bytes_per_row"] = static_cast<double>((*reader)->file_size()) / kRows;
  state.SetLabel(CompressionName(opt.compression));
  std::filesystem::remove(path);
}

void BM_OpenAndIndexLookup(benchmark::State& state) {
  std::string path = BenchPath("index.seg");
  if (!WriteSegment(path, SegmentWriterOptions{}, Table()).ok()) {
    state.SkipWithError("write failed");
    return;
  }
  for (auto _ : state) {
    auto reader = SegmentReader::Open(path);
    auto bitmap = (*reader)->IndexBitmap(4, 0);  // country: load + decode the whole index
    benchmark::DoNotOptimize(bitmap->cardinality());
  }
  std::filesystem::remove(path);
}

const int64_t kLz4 = static_cast<int64_t>(Compression::kLz4);
const int64_t kZstd = static_cast<int64_t>(Compression::kZstd);
BENCHMARK(BM_WriteSegment)->Arg(kLz4)->Arg(kZstd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScanSegment)->Arg(kLz4)->Arg(kZstd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OpenAndIndexLookup)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata::storage
