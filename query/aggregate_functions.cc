// Fixed-size aggregate states: count, sum, avg, min / max / any_value (also bool_and /
// bool_or), and the variance family.
#include "query/aggregate_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "query/error.h"
#include "query/hashing.h"

namespace strata::query {
namespace {

// ---------------------------------------------------------------------------------------
// count(*) and count(x): the rows given are exactly the ones to count.

class CountAgg final : public AggregateFunction {
 public:
  void Resize(size_t groups) override { counts_.resize(groups, 0); }

  void Update(const Vector*, const uint32_t* group_ids, RowSet rows) override {
    int64_t* counts = counts_.data();
    ForEachRowPrefetching(rows, group_ids, counts, [&](uint32_t r) { ++counts[group_ids[r]]; });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<CountAgg&>(other_base);
    for (size_t g = 0; g < other.counts_.size(); ++g) counts_[group_map[g]] += other.counts_[g];
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    std::copy(counts_.begin() + begin, counts_.begin() + end, out->i64.begin() + base);
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override { return counts_.capacity() * 8; }

 private:
  std::vector<int64_t> counts_;
};

// ---------------------------------------------------------------------------------------
// sum / avg of bigint: a 128-bit sum cannot overflow (2^64 rows of 2^63), so partial
// sums merge in any order and only the final sum is range-checked.

struct IntSum {
  Int128 sum = 0;
  int64_t count = 0;
};

class IntSumAgg final : public AggregateFunction {
 public:
  explicit IntSumAgg(bool average) : average_(average) {}

  void Resize(size_t groups) override { states_.resize(groups); }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    IntSum* states = states_.data();
    const int64_t* values = input->i64.data();
    ForEachRowPrefetching(rows, group_ids, states, [&](uint32_t r) {
      IntSum& s = states[group_ids[r]];
      s.sum += values[r];
      ++s.count;
    });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<IntSumAgg&>(other_base);
    for (size_t g = 0; g < other.states_.size(); ++g) {
      IntSum& s = states_[group_map[g]];
      s.sum += other.states_[g].sum;
      s.count += other.states_[g].count;
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      const IntSum& s = states_[g];
      size_t at = base + (g - begin);
      if (s.count == 0) {
        out->SetNull(at);
      } else if (average_) {
        out->f64[at] = static_cast<double>(static_cast<long double>(s.sum) /
                                           static_cast<long double>(s.count));
      } else if (s.sum > std::numeric_limits<int64_t>::max() ||
                 s.sum < std::numeric_limits<int64_t>::min()) {
        return SqlError(sqlstate::kNumericOutOfRange, "bigint out of range");
      } else {
        out->i64[at] = static_cast<int64_t>(s.sum);
      }
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override { return states_.capacity() * sizeof(IntSum); }

 private:
  const bool average_;
  std::vector<IntSum> states_;
};

// ---------------------------------------------------------------------------------------
// sum / avg of double, with Neumaier's compensated summation so that the order in which
// partial states merge barely changes the result.

struct FloatSum {
  double sum = 0;
  double compensation = 0;
  int64_t count = 0;
};

inline void AddCompensated(FloatSum& s, double x) {
  double t = s.sum + x;
  if (std::fabs(s.sum) >= std::fabs(x)) {
    s.compensation += (s.sum - t) + x;
  } else {
    s.compensation += (x - t) + s.sum;
  }
  s.sum = t;
}

class FloatSumAgg final : public AggregateFunction {
 public:
  explicit FloatSumAgg(bool average) : average_(average) {}

  void Resize(size_t groups) override { states_.resize(groups); }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    FloatSum* states = states_.data();
    const double* values = input->f64.data();
    ForEachRowPrefetching(rows, group_ids, states, [&](uint32_t r) {
      FloatSum& s = states[group_ids[r]];
      AddCompensated(s, values[r]);
      ++s.count;
    });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<FloatSumAgg&>(other_base);
    for (size_t g = 0; g < other.states_.size(); ++g) {
      FloatSum& s = states_[group_map[g]];
      const FloatSum& o = other.states_[g];
      AddCompensated(s, o.sum);
      s.compensation += o.compensation;
      s.count += o.count;
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      const FloatSum& s = states_[g];
      size_t at = base + (g - begin);
      if (s.count == 0) {
        out->SetNull(at);
        continue;
      }
      // Infinite or NaN sums make the compensation meaningless (inf - inf).
      double sum = std::isfinite(s.sum) ? s.sum + s.compensation : s.sum;
      out->f64[at] = average_ ? sum / static_cast<double>(s.count) : sum;
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override { return states_.capacity() * sizeof(FloatSum); }

 private:
  const bool average_;
  std::vector<FloatSum> states_;
};

// ---------------------------------------------------------------------------------------
// min / max / any_value. Traits give each value type's storage and order.

struct IntTraits {  // boolean, bigint, timestamp
  using T = int64_t;
  static T Get(const Vector& v, size_t r) { return v.i64[r]; }
  static void Put(Vector* v, size_t at, T x) { v->i64[at] = x; }
  static int Compare(T a, T b) { return CompareInts(a, b); }
};
struct DoubleTraits {
  using T = double;
  static T Get(const Vector& v, size_t r) { return v.f64[r]; }
  static void Put(Vector* v, size_t at, T x) { v->f64[at] = x; }
  static int Compare(T a, T b) { return CompareDoubles(a, b); }
};
struct IntervalTraits {
  using T = Interval;
  static T Get(const Vector& v, size_t r) { return v.iv[r]; }
  static void Put(Vector* v, size_t at, const T& x) { v->iv[at] = x; }
  static int Compare(const T& a, const T& b) { return CompareIntervals(a, b); }
};

template <ExtremeKind kind>
inline bool Replaces(int compare_candidate_to_current) {
  if constexpr (kind == ExtremeKind::kMin) return compare_candidate_to_current < 0;
  if constexpr (kind == ExtremeKind::kMax) return compare_candidate_to_current > 0;
  return false;
}

template <typename Traits, ExtremeKind kind>
class ExtremeAgg final : public AggregateFunction {
 public:
  using T = typename Traits::T;

  void Resize(size_t groups) override {
    values_.resize(groups);
    has_.resize(groups, 0);
  }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    T* values = values_.data();
    uint8_t* has = has_.data();
    ForEachRow(rows, [&](uint32_t r) {
      uint32_t g = group_ids[r];
      T v = Traits::Get(*input, r);
      if (!has[g] || Replaces<kind>(Traits::Compare(v, values[g]))) {
        values[g] = v;
        has[g] = 1;
      }
    });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<ExtremeAgg&>(other_base);
    for (size_t g = 0; g < other.values_.size(); ++g) {
      if (!other.has_[g]) continue;
      uint32_t to = group_map[g];
      if (!has_[to] || Replaces<kind>(Traits::Compare(other.values_[g], values_[to]))) {
        values_[to] = other.values_[g];
        has_[to] = 1;
      }
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      size_t at = base + (g - begin);
      if (has_[g]) {
        Traits::Put(out, at, values_[g]);
      } else {
        out->SetNull(at);
      }
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override { return values_.capacity() * sizeof(T) + has_.capacity(); }

 private:
  std::vector<T> values_;
  std::vector<uint8_t> has_;
};

// Text values are copied (the input's bytes may go away after the chunk); assign() reuses
// each group's buffer, so a group allocates only when its value outgrows it.
template <ExtremeKind kind>
class StringExtremeAgg final : public AggregateFunction {
 public:
  void Resize(size_t groups) override {
    values_.resize(groups);
    has_.resize(groups, 0);
  }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    ForEachRow(rows, [&](uint32_t r) {
      uint32_t g = group_ids[r];
      std::string_view v = input->str[r];
      if (!has_[g] || Replaces<kind>(CompareStrings(v, values_[g]))) Set(g, v);
    });
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<StringExtremeAgg&>(other_base);
    for (size_t g = 0; g < other.values_.size(); ++g) {
      if (!other.has_[g]) continue;
      uint32_t to = group_map[g];
      if (!has_[to] || Replaces<kind>(CompareStrings(other.values_[g], values_[to]))) {
        Set(to, other.values_[g]);
      }
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    AppendGroupStrings(values_, has_, begin, end, out);
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override {
    return values_.capacity() * sizeof(std::string) + has_.capacity() + string_bytes_;
  }

 private:
  void Set(uint32_t g, std::string_view v) {
    std::string& s = values_[g];
    size_t before = s.capacity();
    s.assign(v.data(), v.size());
    string_bytes_ += s.capacity() - before;
    has_[g] = 1;
  }

  std::vector<std::string> values_;
  std::vector<uint8_t> has_;
  size_t string_bytes_ = 0;
};

template <ExtremeKind kind>
std::unique_ptr<AggregateFunction> MakeExtremeOf(Type input) {
  switch (input) {
    case Type::kFloat64:
      return std::make_unique<ExtremeAgg<DoubleTraits, kind>>();
    case Type::kInterval:
      return std::make_unique<ExtremeAgg<IntervalTraits, kind>>();
    case Type::kString:
    case Type::kNull:  // an untyped NULL argument resolves to text, as in PostgreSQL
      return std::make_unique<StringExtremeAgg<kind>>();
    default:
      return std::make_unique<ExtremeAgg<IntTraits, kind>>();
  }
}

// ---------------------------------------------------------------------------------------
// Variance family: Welford's running mean and sum of squared deviations; partial states
// combine with Chan et al.'s parallel formula.

struct Moments {
  int64_t n = 0;
  double mean = 0;
  double m2 = 0;
};

class VarianceAgg final : public AggregateFunction {
 public:
  explicit VarianceAgg(VarianceKind kind) : kind_(kind) {}

  void Resize(size_t groups) override { states_.resize(groups); }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    Moments* states = states_.data();
    auto step = [states](uint32_t g, double x) {
      Moments& s = states[g];
      ++s.n;
      double delta = x - s.mean;
      s.mean += delta / static_cast<double>(s.n);
      s.m2 += delta * (x - s.mean);
    };
    if (input->type == Type::kFloat64) {
      const double* values = input->f64.data();
      ForEachRow(rows, [&](uint32_t r) { step(group_ids[r], values[r]); });
    } else {
      const int64_t* values = input->i64.data();
      ForEachRow(rows, [&](uint32_t r) { step(group_ids[r], static_cast<double>(values[r])); });
    }
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<VarianceAgg&>(other_base);
    for (size_t g = 0; g < other.states_.size(); ++g) {
      const Moments& b = other.states_[g];
      if (b.n == 0) continue;
      Moments& a = states_[group_map[g]];
      if (a.n == 0) {
        a = b;
        continue;
      }
      double na = static_cast<double>(a.n);
      double nb = static_cast<double>(b.n);
      double n = na + nb;
      double delta = b.mean - a.mean;
      a.mean += delta * nb / n;
      a.m2 += b.m2 + delta * delta * na * nb / n;
      a.n += b.n;
    }
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    size_t base = out->size();
    out->Resize(base + (end - begin));
    bool sample = kind_ == VarianceKind::kVarSamp || kind_ == VarianceKind::kStddevSamp;
    bool root = kind_ == VarianceKind::kStddevSamp || kind_ == VarianceKind::kStddevPop;
    for (size_t g = begin; g < end; ++g) {
      const Moments& s = states_[g];
      size_t at = base + (g - begin);
      int64_t divisor = sample ? s.n - 1 : s.n;
      if (divisor <= 0) {
        out->SetNull(at);
        continue;
      }
      // Rounding can leave a tiny negative m2 for constant input (NaN stays NaN).
      double variance = (s.m2 < 0 ? 0.0 : s.m2) / static_cast<double>(divisor);
      out->f64[at] = root ? std::sqrt(variance) : variance;
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override { return states_.capacity() * sizeof(Moments); }

 private:
  const VarianceKind kind_;
  std::vector<Moments> states_;
};

}  // namespace

void AppendGroupStrings(const std::vector<std::string>& values, const std::vector<uint8_t>& has,
                        size_t begin, size_t end, Vector* out) {
  size_t base = out->size();
  out->Resize(base + (end - begin));
  StringHeap* heap = out->NewHeap();
  for (size_t g = begin; g < end; ++g) {
    size_t at = base + (g - begin);
    if (has[g]) {
      out->str[at] = heap->Add(values[g]);
    } else {
      out->SetNull(at);
    }
  }
}

std::unique_ptr<AggregateFunction> MakeCount() { return std::make_unique<CountAgg>(); }

std::unique_ptr<AggregateFunction> MakeSum(Type input, bool average) {
  if (input == Type::kFloat64) return std::make_unique<FloatSumAgg>(average);
  return std::make_unique<IntSumAgg>(average);
}

std::unique_ptr<AggregateFunction> MakeExtreme(Type input, ExtremeKind kind) {
  switch (kind) {
    case ExtremeKind::kMin:
      return MakeExtremeOf<ExtremeKind::kMin>(input);
    case ExtremeKind::kMax:
      return MakeExtremeOf<ExtremeKind::kMax>(input);
    case ExtremeKind::kAny:
      break;
  }
  return MakeExtremeOf<ExtremeKind::kAny>(input);
}

std::unique_ptr<AggregateFunction> MakeVariance(VarianceKind kind) {
  return std::make_unique<VarianceAgg>(kind);
}

}  // namespace strata::query
