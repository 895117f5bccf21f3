#include "server/base/metrics.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace strata::server {
namespace {

std::string RenderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, labels[i].first, "=\"", EscapeLabelValue(labels[i].second), "\"");
  }
  out.push_back('}');
  return out;
}

// Adds one label to a rendered label set ("" or "{a=\"b\"}").
std::string WithLabel(const std::string& rendered, const std::string& label) {
  if (rendered.empty()) return absl::StrCat("{", label, "}");
  return absl::StrCat(rendered.substr(0, rendered.size() - 1), ",", label, "}");
}

// Bucket bounds are short decimal literals; print them as such ("0.1", not
// "0.10000000000000001").
std::string FormatBound(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return absl::StrCat(v);
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0) {
    sum_micro_.fetch_add(static_cast<uint64_t>(std::llround(value * 1e6)),
                         std::memory_order_relaxed);
  }
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const {
  return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double>* buckets =
      new std::vector<double>{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                              0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
  return *buckets;
}

MetricsRegistry::Family* MetricsRegistry::FamilyFor(const std::string& name,
                                                    const std::string& help, Kind kind) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
    it->second.help = help;
  }
  return &it->second;
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const MetricLabels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Kind::kCounter)->counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const MetricLabels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Kind::kGauge)->gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& upper_bounds,
                                         const MetricLabels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyFor(name, help, Kind::kHistogram)->histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(upper_bounds);
  return slot.get();
}

void MetricsRegistry::AddCollector(std::function<void(std::string* out)> collect) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::vector<std::function<void(std::string*)>> collectors;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, family] : families_) {
      const char* type = family.kind == Kind::kCounter ? "counter"
                         : family.kind == Kind::kGauge ? "gauge"
                                                       : "histogram";
      absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ", type, "\n");
      for (const auto& [labels, c] : family.counters) {
        absl::StrAppend(&out, name, labels, " ", c->value(), "\n");
      }
      for (const auto& [labels, g] : family.gauges) {
        absl::StrAppend(&out, name, labels, " ", g->value(), "\n");
      }
      for (const auto& [labels, h] : family.histograms) {
        std::vector<uint64_t> counts = h->bucket_counts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          double bound = i < h->upper_bounds().size() ? h->upper_bounds()[i] : INFINITY;
          absl::StrAppend(&out, name, "_bucket",
                          WithLabel(labels, absl::StrCat("le=\"", FormatBound(bound), "\"")), " ",
                          cumulative, "\n");
        }
        absl::StrAppend(&out, name, "_sum", labels, " ", absl::StrCat(h->sum()), "\n");
        absl::StrAppend(&out, name, "_count", labels, " ", cumulative, "\n");
      }
    }
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect(&out);
  return out;
}

}  // namespace strata::server
