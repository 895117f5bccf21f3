#include "query/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata::query {
namespace {

// Ertl's sigma and tau series (Algorithm 6 of the paper).
double Sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1;
  double z = 1 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != previous);
  return z / 3;
}

// Where linear counting stops being the better estimator for p = 14 (HyperLogLog++).
constexpr double kLinearCountingThreshold = 11500;

}  // namespace

void HyperLogLog::CompactSparse() {
  std::sort(sparse_.begin(), sparse_.end());
  // Entries sort by register, then rank: keep the last (highest rank) of each register.
  size_t out = 0;
  for (size_t k = 0; k < sparse_.size(); ++k) {
    bool last_of_register = k + 1 == sparse_.size() || (sparse_[k + 1] >> 8) != (sparse_[k] >> 8);
    if (last_of_register) sparse_[out++] = sparse_[k];
  }
  sparse_.resize(out);
  if (sparse_.size() > kSparseLimit / 2) ToDense();
}

void HyperLogLog::ToDense() {
  dense_.assign(kRegisters, 0);
  for (uint32_t entry : sparse_) {
    uint8_t rank = static_cast<uint8_t>(entry & 0xff);
    uint8_t& reg = dense_[entry >> 8];
    if (reg < rank) reg = rank;
  }
  std::vector<uint32_t>().swap(sparse_);
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.dense_.empty()) {
    if (dense_.empty()) {
      sparse_.insert(sparse_.end(), other.sparse_.begin(), other.sparse_.end());
      CompactSparse();
      return;
    }
    for (uint32_t entry : other.sparse_) {
      uint8_t rank = static_cast<uint8_t>(entry & 0xff);
      uint8_t& reg = dense_[entry >> 8];
      if (reg < rank) reg = rank;
    }
    return;
  }
  if (dense_.empty()) ToDense();
  for (size_t k = 0; k < kRegisters; ++k) dense_[k] = std::max(dense_[k], other.dense_[k]);
}

uint64_t HyperLogLog::Estimate() const {
  // histogram[r] = number of registers holding rank r.
  double histogram[kMaxRank + 1] = {};
  if (dense_.empty()) {
    std::vector<uint32_t> entries = sparse_;
    std::sort(entries.begin(), entries.end());
    size_t used = 0;
    for (size_t k = 0; k < entries.size(); ++k) {
      bool last = k + 1 == entries.size() || (entries[k + 1] >> 8) != (entries[k] >> 8);
      if (!last) continue;
      histogram[entries[k] & 0xff] += 1;
      ++used;
    }
    histogram[0] = static_cast<double>(kRegisters - used);
  } else {
    for (uint8_t reg : dense_) histogram[reg] += 1;
  }
  const double m = static_cast<double>(kRegisters);
  if (histogram[0] == m) return 0;
  if (histogram[0] > 0) {
    double linear = m * std::log(m / histogram[0]);
    if (linear <= kLinearCountingThreshold) return static_cast<uint64_t>(std::llround(linear));
  }
  constexpr int q = 64 - kPrecision;
  double z = m * Tau(1 - histogram[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_inf = 1 / (2 * std::log(2.0));
  return static_cast<uint64_t>(std::llround(alpha_inf * m * m / z));
}

}  // namespace strata::query
