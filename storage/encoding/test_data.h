// Shared test inputs for the codec tests: named integer and float blocks covering the
// adversarial cases (extremes, boundaries of the 128-value miniblocks) and realistic
// column shapes (timestamps with jitter, merchant id runs, skewed dictionary codes).
//
// Header-only because every .cc in this folder is part of the library.
// Thread safety: pure functions; each call builds fresh data from fixed seeds.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace strata::storage::codec_test {

struct IntCase {
  std::string name;
  std::vector<int64_t> values;
};

struct FloatCase {
  std::string name;
  std::vector<double> values;
};

namespace test_data_internal {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

inline std::vector<int64_t> Timestamps(size_t n, std::mt19937_64& rng) {
  std::vector<int64_t> v(n);
  int64_t t = 1'700'000'000'000'000;  // µs since the epoch
  for (auto& x : v) {
    t += 1'000'000 + static_cast<int64_t>(rng() % 1'000'000) - 500'000;
    x = t;
  }
  return v;
}

inline std::vector<int64_t> Runs(size_t n, std::mt19937_64& rng) {
  std::vector<int64_t> v;
  int64_t id = 1000;
  while (v.size() < n) {
    v.insert(v.end(), std::min<size_t>(n - v.size(), 1 + rng() % 2000), id);
    id += 1 + static_cast<int64_t>(rng() % 5);
  }
  return v;
}

inline std::vector<int64_t> Uniform(size_t n, std::mt19937_64& rng, uint64_t mask, int64_t base) {
  std::vector<int64_t> v(n);
  for (auto& x : v) x = base + static_cast<int64_t>(rng() & mask);
  return v;
}

inline void AddWidthCases(std::vector<IntCase>& cases, std::mt19937_64& rng) {
  for (int w = 0; w <= 64; ++w) {
    const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
    cases.push_back({"width" + std::to_string(w), Uniform(300, rng, mask, -17)});
  }
}

}  // namespace test_data_internal

inline std::vector<IntCase> IntCases() {
  using namespace test_data_internal;
  std::mt19937_64 rng(42);
  std::vector<IntCase> cases = {
      {"empty", {}},
      {"one", {42}},
      {"one_min", {kMin}},
      {"two", {-3, 9}},
      {"extremes", {kMin, kMax}},
      {"extremes_reversed", {kMax, kMin, kMax}},
      {"zeros", std::vector<int64_t>(1000, 0)},
      {"all_equal", std::vector<int64_t>(1000, -5)},
      {"all_max", std::vector<int64_t>(129, kMax)},
  };
  std::vector<int64_t> alternating(1000);
  for (size_t i = 0; i < alternating.size(); ++i) alternating[i] = i % 2 ? kMax : kMin;
  cases.push_back({"alternating_extremes", alternating});
  for (size_t n : {127, 128, 129, 255, 256, 257}) {
    std::vector<int64_t> seq(n);
    for (size_t i = 0; i < n; ++i) seq[i] = static_cast<int64_t>(i) * 3 - 100;
    cases.push_back({"arith" + std::to_string(n), seq});
  }
  std::vector<int64_t> sorted = Uniform(5000, rng, ~uint64_t{0}, 0);
  std::sort(sorted.begin(), sorted.end());
  cases.push_back({"sorted_full_range", sorted});
  std::reverse(sorted.begin(), sorted.end());
  cases.push_back({"descending_full_range", sorted});
  cases.push_back({"random_full_range", Uniform(5000, rng, ~uint64_t{0}, 0)});
  cases.push_back({"timestamps", Timestamps(8192, rng)});
  std::vector<int64_t> outlier = Timestamps(1000, rng);
  outlier[500] = kMin;
  cases.push_back({"timestamps_outlier", outlier});
  cases.push_back({"merchant_runs", Runs(8192, rng)});
  std::vector<int64_t> many_runs = Runs(300, rng);
  for (size_t i = 0; i < 300; ++i) many_runs.push_back(static_cast<int64_t>(i % 7));
  cases.push_back({"short_runs", many_runs});
  std::vector<int64_t> codes(8192);
  for (auto& c : codes) c = static_cast<int64_t>(std::min<uint64_t>(rng() % 300, rng() % 300));
  cases.push_back({"dictionary_codes", codes});
  AddWidthCases(cases, rng);
  return cases;
}

inline std::vector<FloatCase> FloatCases() {
  using namespace test_data_internal;
  std::mt19937_64 rng(43);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan_payload = std::bit_cast<double>(uint64_t{0x7ff8'dead'beef'0001});
  const double neg_nan = std::bit_cast<double>(uint64_t{0xfff0'0000'0000'0007});  // signalling
  std::vector<FloatCase> cases = {
      {"empty", {}},
      {"one", {3.25}},
      {"specials",
       {0.0, -0.0, inf, -inf, nan_payload, neg_nan, 5e-324, -5e-324,
        std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(), 0.0, 0.0, -0.0,
        nan_payload}},
      {"constant", std::vector<double>(1000, 19.99)},
  };
  std::vector<double> revenue(8192);
  for (auto& r : revenue) r = (rng() % 10 == 0) ? std::round((rng() % 50000) + 99) / 100.0 : 0.0;
  cases.push_back({"revenue", revenue});
  std::vector<double> gauge(4096);
  double g = 100;
  for (auto& x : gauge) x = g += static_cast<double>(static_cast<int>(rng() % 21) - 10) * 0.5;
  cases.push_back({"gauge", gauge});
  std::vector<double> bits(3000);
  for (auto& b : bits) b = std::bit_cast<double>(rng());
  cases.push_back({"random_bits", bits});
  return cases;
}

}  // namespace strata::storage::codec_test
