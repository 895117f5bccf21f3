// Variable-size aggregate states: string_agg, the exact quantiles (quantile, median,
// percentile_cont, percentile_disc) and approx_count_distinct (HyperLogLog).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "query/aggregate_functions.h"
#include "query/hashing.h"
#include "query/hyperloglog.h"

namespace strata::query {
namespace {

// ---------------------------------------------------------------------------------------
// string_agg(text, delimiter): values in input order within a group; merging appends the
// other state's text after this one's.

class StringAggAgg final : public AggregateFunction {
 public:
  explicit StringAggAgg(std::optional<std::string> delimiter)
      : delimiter_(delimiter.value_or("")) {}

  void Resize(size_t groups) override {
    texts_.resize(groups);
    has_.resize(groups, 0);
  }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    ForEachRow(rows, [&](uint32_t r) { Append(group_ids[r], input->str[r]); });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<StringAggAgg&>(other_base);
    for (size_t g = 0; g < other.texts_.size(); ++g) {
      if (!other.has_[g]) continue;
      uint32_t to = group_map[g];
      if (!has_[to]) {
        bytes_ -= texts_[to].capacity();
        texts_[to].swap(other.texts_[g]);
        bytes_ += texts_[to].capacity();
        has_[to] = 1;
      } else {
        Append(to, other.texts_[g]);
      }
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    AppendGroupStrings(texts_, has_, begin, end, out);
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override {
    return texts_.capacity() * sizeof(std::string) + has_.capacity() + bytes_;
  }

 private:
  void Append(uint32_t g, std::string_view value) {
    std::string& text = texts_[g];
    size_t before = text.capacity();
    if (has_[g]) text.append(delimiter_);
    text.append(value);
    has_[g] = 1;
    bytes_ += text.capacity() - before;
  }

  const std::string delimiter_;
  std::vector<std::string> texts_;
  std::vector<uint8_t> has_;
  size_t bytes_ = 0;
};

// ---------------------------------------------------------------------------------------
// Exact quantiles: every value is kept and the needed order statistics are selected at
// the end. percentile_cont interpolates linearly between the two values around
// fraction * (n - 1); percentile_disc takes the first value whose cumulative share reaches
// the fraction (PostgreSQL's rule: row ceil(fraction * n), at least the first).

bool DoubleLess(double a, double b) { return CompareDoubles(a, b) < 0; }

class QuantileAgg final : public AggregateFunction {
 public:
  QuantileAgg(QuantileKind kind, std::optional<double> fraction)
      : kind_(kind), fraction_(fraction) {}

  void Resize(size_t groups) override { values_.resize(groups); }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    if (!fraction_.has_value()) return;  // a NULL fraction: the result is NULL anyway
    if (input->type == Type::kFloat64) {
      const double* values = input->f64.data();
      ForEachRow(rows, [&](uint32_t r) { Push(group_ids[r], values[r]); });
    } else {
      const int64_t* values = input->i64.data();
      ForEachRow(rows, [&](uint32_t r) { Push(group_ids[r], static_cast<double>(values[r])); });
    }
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<QuantileAgg&>(other_base);
    for (size_t g = 0; g < other.values_.size(); ++g) {
      std::vector<double>& from = other.values_[g];
      if (from.empty()) continue;
      std::vector<double>& to = values_[group_map[g]];
      bytes_ -= to.capacity() * sizeof(double);
      if (to.empty()) {
        to.swap(from);
      } else {
        to.insert(to.end(), from.begin(), from.end());
      }
      bytes_ += to.capacity() * sizeof(double);
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      size_t at = base + (g - begin);
      std::vector<double>& v = values_[g];
      if (v.empty() || !fraction_.has_value()) {
        out->SetNull(at);
        continue;
      }
      out->f64[at] = kind_ == QuantileKind::kCont ? Continuous(v) : Discrete(v);
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override {
    return values_.capacity() * sizeof(std::vector<double>) + bytes_;
  }

 private:
  void Push(uint32_t g, double x) {
    std::vector<double>& v = values_[g];
    if (v.size() == v.capacity()) {
      bytes_ -= v.capacity() * sizeof(double);
      v.push_back(x);
      bytes_ += v.capacity() * sizeof(double);
    } else {
      v.push_back(x);
    }
  }

  double Continuous(std::vector<double>& v) const {
    double position = *fraction_ * static_cast<double>(v.size() - 1);
    size_t lower = static_cast<size_t>(std::floor(position));
    double weight = position - static_cast<double>(lower);
    std::nth_element(v.begin(), v.begin() + lower, v.end(), DoubleLess);
    double low = v[lower];
    if (weight == 0 || lower + 1 >= v.size()) return low;
    double high = *std::min_element(v.begin() + lower + 1, v.end(), DoubleLess);
    return low + weight * (high - low);
  }

  double Discrete(std::vector<double>& v) const {
    double row = std::ceil(*fraction_ * static_cast<double>(v.size()));
    size_t index = row <= 1 ? 0 : static_cast<size_t>(row) - 1;
    index = std::min(index, v.size() - 1);
    std::nth_element(v.begin(), v.begin() + index, v.end(), DoubleLess);
    return v[index];
  }

  const QuantileKind kind_;
  const std::optional<double> fraction_;
  std::vector<std::vector<double>> values_;
  size_t bytes_ = 0;
};

// ---------------------------------------------------------------------------------------
// approx_count_distinct: one HyperLogLog sketch per group.

class ApproxCountDistinctAgg final : public AggregateFunction {
 public:
  void Resize(size_t groups) override { sketches_.resize(groups); }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    switch (input->type) {
      case Type::kFloat64:
        ForEachRow(rows, [&](uint32_t r) {
          Add(group_ids[r], Mix64(CanonicalDoubleBits(input->f64[r])));
        });
        break;
      case Type::kString:
        ForEachRow(rows, [&](uint32_t r) { Add(group_ids[r], HashString(input->str[r])); });
        break;
      case Type::kInterval:
        ForEachRow(rows, [&](uint32_t r) {
          auto total = static_cast<UInt128>(IntervalTotalMicros(input->iv[r]));
          Add(group_ids[r],
              Mix64(static_cast<uint64_t>(total) ^ Mix64(static_cast<uint64_t>(total >> 64))));
        });
        break;
      case Type::kNull:
        break;
      default:
        ForEachRow(rows, [&](uint32_t r) {
          Add(group_ids[r], Mix64(static_cast<uint64_t>(input->i64[r])));
        });
        break;
    }
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<ApproxCountDistinctAgg&>(other_base);
    for (size_t g = 0; g < other.sketches_.size(); ++g) {
      HyperLogLog& to = sketches_[group_map[g]];
      bytes_ -= to.MemoryBytes();
      to.Merge(other.sketches_[g]);
      bytes_ += to.MemoryBytes();
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      out->i64[base + (g - begin)] = static_cast<int64_t>(sketches_[g].Estimate());
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override {
    return sketches_.capacity() * sizeof(HyperLogLog) + bytes_;
  }

 private:
  void Add(uint32_t g, uint64_t hash) {
    HyperLogLog& sketch = sketches_[g];
    size_t before = sketch.MemoryBytes();
    sketch.Add(hash);
    bytes_ += sketch.MemoryBytes() - before;
  }

  std::vector<HyperLogLog> sketches_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateFunction> MakeStringAgg(std::optional<std::string> delimiter) {
  return std::make_unique<StringAggAgg>(std::move(delimiter));
}

std::unique_ptr<AggregateFunction> MakeQuantile(QuantileKind kind, std::optional<double> fraction) {
  return std::make_unique<QuantileAgg>(kind, fraction);
}

std::unique_ptr<AggregateFunction> MakeApproxCountDistinct() {
  return std::make_unique<ApproxCountDistinctAgg>();
}

}  // namespace strata::query
