// Encode/decode throughput of every column codec on realistic 8192-value blocks, and
// LZ4/zstd on the encoded bytes. Throughput is of the int64/double input (8 bytes per
// value), so encode and decode figures are comparable across codecs; `bytes/value` is
// the encoded size.
//
//   build-NAME/bench/codec_bench --benchmark_min_time=0.2
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/encoding/codec.h"
#include "storage/encoding/compression.h"

namespace strata::storage {
namespace {

constexpr size_t kBlock = 8192;

struct IntData {
  const char* name;
  std::vector<int64_t> values;
};

// Hits of one merchant: about one per second, arrival jitter at second scale, in µs.
std::vector<int64_t> Timestamps(std::mt19937_64& rng) {
  std::vector<int64_t> v(kBlock);
  int64_t t = 1'700'000'000'000'000;
  for (auto& x : v) x = t += static_cast<int64_t>(rng() % 2'000'000);
  return v;
}

// Page/country/browser codes: a few values dominate (roughly Zipfian).
std::vector<int64_t> DictionaryCodes(std::mt19937_64& rng) {
  std::vector<int64_t> v(kBlock);
  std::uniform_real_distribution<double> u(0, 1);
  for (auto& x : v) x = std::min<int64_t>(299, static_cast<int64_t>(std::pow(300.0, u(rng))) - 1);
  return v;
}

// A segment sorted by merchant: long runs of the same dense merchant id.
std::vector<int64_t> MerchantIds(std::mt19937_64& rng) {
  std::vector<int64_t> v;
  int64_t id = 10'000;
  while (v.size() < kBlock) {
    v.insert(v.end(), std::min<size_t>(kBlock - v.size(), 200 + rng() % 3000), id);
    id += 1 + static_cast<int64_t>(rng() % 3);
  }
  return v;
}

// Dense client ids of a merchant's visitors, in arrival order.
std::vector<int64_t> ClientIds(std::mt19937_64& rng) {
  std::vector<int64_t> v(kBlock);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 2'000'000);
  return v;
}

const std::vector<IntData>& IntDataSets() {
  static const auto* data = [] {
    std::mt19937_64 rng(2024);
    return new std::vector<IntData>{{"timestamps", Timestamps(rng)},
                                    {"dict_codes", DictionaryCodes(rng)},
                                    {"merchant_ids", MerchantIds(rng)},
                                    {"client_ids", ClientIds(rng)}};
  }();
  return *data;
}

// Revenue: most hits carry none; purchases are prices with cents.
const std::vector<double>& Revenue() {
  static const auto* data = [] {
    std::mt19937_64 rng(7);
    auto* v = new std::vector<double>(kBlock);
    for (auto& r : *v) r = rng() % 20 == 0 ? static_cast<double>(rng() % 30000 + 99) / 100 : 0;
    return v;
  }();
  return *data;
}

constexpr Encoding kIntEncodings[] = {Encoding::kIntPlain, Encoding::kIntFrameOfRef,
                                      Encoding::kIntDelta, Encoding::kIntDeltaOfDelta,
                                      Encoding::kIntRunLength};

void EncodeInt(benchmark::State& state, const IntData* d, Encoding e) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    EncodeInts(e, d->values, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBlock * 8));
  state.counters["bytes/value"] = static_cast<double>(out.size()) / kBlock;
}

void DecodeInt(benchmark::State& state, const IntData* d, Encoding e) {
  std::string in;
  EncodeInts(e, d->values, &in);
  std::vector<int64_t> out(kBlock);
  for (auto _ : state) {
    if (!DecodeInts(e, in, kBlock, out.data()).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  if (out != d->values) state.SkipWithError("round trip mismatch");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBlock * 8));
  state.counters["bytes/value"] = static_cast<double>(in.size()) / kBlock;
}

void ChooseInt(benchmark::State& state, const IntData* d) {
  for (auto _ : state) benchmark::DoNotOptimize(ChooseIntEncoding(d->values));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBlock * 8));
  state.SetLabel(EncodingName(ChooseIntEncoding(d->values)));
}

void EncodeFloat(benchmark::State& state, Encoding e) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    EncodeFloats(e, Revenue(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBlock * 8));
  state.counters["bytes/value"] = static_cast<double>(out.size()) / kBlock;
}

void DecodeFloat(benchmark::State& state, Encoding e) {
  std::string in;
  EncodeFloats(e, Revenue(), &in);
  std::vector<double> out(kBlock);
  for (auto _ : state) {
    if (!DecodeFloats(e, in, kBlock, out.data()).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBlock * 8));
  state.counters["bytes/value"] = static_cast<double>(in.size()) / kBlock;
}

// What the segment writer compresses: the block in its chosen encoding. Throughput is of
// the encoded bytes here; `ratio` is encoded / compressed.
std::string EncodedBlock(const IntData* d) {
  std::string block;
  EncodeInts(ChooseIntEncoding(d->values), d->values, &block);
  return block;
}

void CompressBlock(benchmark::State& state, const IntData* d, Compression c) {
  const std::string block = EncodedBlock(d);
  std::string out;
  for (auto _ : state) {
    out.clear();
    Compress(c, block, 3, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(out.size());
}

void DecompressBlock(benchmark::State& state, const IntData* d, Compression c) {
  const std::string block = EncodedBlock(d);
  std::string compressed, out;
  Compress(c, block, 3, &compressed);
  for (auto _ : state) {
    if (!Decompress(c, compressed, block.size(), &out).ok()) state.SkipWithError("failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(block.size()));
}

std::string Name(const char* op, const char* data, const char* codec) {
  return std::string(op) + "/" + data + "/" + codec;
}

const int kRegistered = [] {
  for (const IntData& d : IntDataSets()) {
    for (Encoding e : kIntEncodings) {
      benchmark::RegisterBenchmark(Name("EncodeInt", d.name, EncodingName(e)).c_str(), EncodeInt,
                                   &d, e);
      benchmark::RegisterBenchmark(Name("DecodeInt", d.name, EncodingName(e)).c_str(), DecodeInt,
                                   &d, e);
    }
    benchmark::RegisterBenchmark(Name("ChooseInt", d.name, "").c_str(), ChooseInt, &d);
  }
  for (Encoding e : {Encoding::kFloatPlain, Encoding::kFloatXor}) {
    benchmark::RegisterBenchmark(Name("EncodeFloat", "revenue", EncodingName(e)).c_str(),
                                 EncodeFloat, e);
    benchmark::RegisterBenchmark(Name("DecodeFloat", "revenue", EncodingName(e)).c_str(),
                                 DecodeFloat, e);
  }
  for (const IntData& d : IntDataSets()) {
    for (Compression c : {Compression::kLz4, Compression::kZstd}) {
      benchmark::RegisterBenchmark(Name("Compress", d.name, CompressionName(c)).c_str(),
                                   CompressBlock, &d, c);
      benchmark::RegisterBenchmark(Name("Decompress", d.name, CompressionName(c)).c_str(),
                                   DecompressBlock, &d, c);
    }
  }
  return 0;
}();

}  // namespace
}  // namespace strata::storage
