#include "server/base/metrics.h"

#include <thread>

#include "gtest/gtest.h"
#include "server/base/log.h"

namespace strata::server {
namespace {

TEST(MetricsTest, SameNameAndLabelsGiveTheSameSeries) {
  MetricsRegistry m;
  Counter* a = m.GetCounter("x_total", "X", {{"reason", "ts"}});
  Counter* b = m.GetCounter("x_total", "X", {{"reason", "ts"}});
  Counter* c = m.GetCounter("x_total", "X", {{"reason", "merchant"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(MetricsTest, RendersTheTextFormat) {
  MetricsRegistry m;
  m.GetCounter("strata_rejected_total", "Rejected events", {{"reason", "bad \"ts\""}})->Add(3);
  m.GetGauge("strata_connections", "Open connections")->Set(7);
  Histogram* h = m.GetHistogram("strata_latency_seconds", "Latency", {0.1, 1});
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(5);
  m.AddCollector([](std::string* out) { out->append("# TYPE extra gauge\nextra 1\n"); });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE strata_rejected_total counter\n"
                      "strata_rejected_total{reason=\"bad \\\"ts\\\"\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("strata_connections 7\n"), std::string::npos);
  EXPECT_NE(text.find("strata_latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("strata_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("strata_latency_seconds_sum 5.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("strata_latency_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("extra 1\n"), std::string::npos);
}

TEST(MetricsTest, CountersAreExactUnderConcurrency) {
  MetricsRegistry m;
  Counter* c = m.GetCounter("n_total", "N");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([c] {
      for (int i = 0; i < 100000; ++i) c->Add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->value(), 400000u);
}

TEST(LogTest, ParsesLevels) {
  LogLevel l;
  EXPECT_TRUE(ParseLogLevel("WARN", &l));
  EXPECT_EQ(l, LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("loud", &l));
}

}  // namespace
}  // namespace strata::server
