// `strata demo`'s pieces without a server: the re-timed traffic, URL and reply parsing,
// the latency histogram and the batch queue. tests/serve/ runs the command end to end.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "ingest/event_json.h"
#include "ingest/generator.h"
#include "server/demo_sender.h"
#include "server/demo_traffic.h"

namespace strata::server {
namespace {

constexpr int64_t kStart = 1'800'000'000'123'456;  // not on an hour or millisecond

std::vector<engine::Event> Decode(const std::string& ndjson) {
  std::vector<engine::Event> events;
  ingest::EventDecoder decoder;
  for (absl::string_view line : absl::StrSplit(ndjson, '\n', absl::SkipEmpty())) {
    engine::Event e;
    std::optional<ingest::EventError> error =
        decoder.Decode(std::string_view(line.data(), line.size()), &e);
    EXPECT_FALSE(error.has_value()) << error->field << ": " << error->reason << " in " << line;
    events.push_back(std::move(e));
  }
  return events;
}

TEST(LiveTrafficTest, SlotsFollowTheRate) {
  LiveTrafficOptions o;
  o.rate = 2000;
  o.start_us = kStart;
  LiveTraffic t(o);
  EXPECT_EQ(t.DueAt(kStart), 0u);
  EXPECT_EQ(t.DueAt(kStart - 1'000'000), 0u);
  EXPECT_EQ(t.SlotUs(0), kStart + 500);
  EXPECT_EQ(t.DueAt(kStart + 499), 0u);
  EXPECT_EQ(t.DueAt(kStart + 500), 1u);
  EXPECT_EQ(t.DueAt(kStart + 1'000'000), 2000u);
  EXPECT_EQ(t.DueAt(kStart + 3'600'000'000), 7'200'000u);
  for (uint64_t i : {0ull, 1ull, 999ull, 123456789ull}) {
    EXPECT_LE(t.SlotUs(i), kStart + static_cast<int64_t>((i + 1) * 500));
    EXPECT_EQ(t.DueAt(t.SlotUs(i)), i + 1);
    EXPECT_EQ(t.DueAt(t.SlotUs(i) - 1), i);
  }
}

TEST(LiveTrafficTest, FractionalRate) {
  LiveTrafficOptions o;
  o.rate = 3;  // slots at 1/3 s
  o.start_us = kStart;
  LiveTraffic t(o);
  EXPECT_EQ(t.DueAt(kStart + 333'333), 1u);
  EXPECT_EQ(t.DueAt(kStart + 333'332), 0u);
  EXPECT_EQ(t.DueAt(kStart + 10'000'000), 30u);
}

// Each event keeps the generator's lateness: ts = slot - (arrival - generator ts).
TEST(LiveTrafficTest, EventsKeepTheGeneratorsLatenessAtTheirSlot) {
  LiveTrafficOptions o;
  o.merchants = 50;
  o.seed = 7;
  o.rate = 1000;
  o.start_us = kStart;
  LiveTraffic t(o);

  ingest::GeneratorOptions g;
  g.events = 1000 * 86400;
  g.merchants = 50;
  g.days = 1;
  g.seed = 7;
  g.start_us = kStart / 3'600'000'000 * 3'600'000'000;
  ingest::Generator reference(g);

  std::string out;
  const uint64_t n = 20'000;
  EXPECT_EQ(t.AppendDue(n, 1 << 30, &out), n);
  EXPECT_EQ(t.produced(), n);
  std::vector<engine::Event> events = Decode(out);
  ASSERT_EQ(events.size(), n);
  engine::Event expected;
  int late_by_a_minute = 0;
  for (uint64_t i = 0; i < n; ++i) {
    ASSERT_TRUE(reference.Next(&expected));
    const int64_t lateness = reference.arrival_us() - expected.ts_us;
    const int64_t ts = t.SlotUs(i) - lateness;
    EXPECT_EQ(events[i].ts_us, ts - ts % 1000) << i;
    EXPECT_LE(events[i].ts_us, t.SlotUs(i));
    if (lateness > 60'000'000) ++late_by_a_minute;
    expected.ts_us = events[i].ts_us;
    EXPECT_EQ(events[i], expected) << i;
  }
  // The generator's share of late events survives the re-timing.
  EXPECT_GT(late_by_a_minute, 0);
  EXPECT_EQ(t.last_ts_us(), events.back().ts_us);
}

TEST(LiveTrafficTest, StopsAtDueAndAtMaxBytes) {
  LiveTrafficOptions o;
  o.start_us = kStart;
  LiveTraffic t(o);
  std::string out;
  EXPECT_EQ(t.AppendDue(10, 1 << 20, &out), 10u);
  EXPECT_EQ(t.AppendDue(10, 1 << 20, &out), 0u);  // nothing more due
  out.clear();
  size_t n = t.AppendDue(1'000'000, 4096, &out);
  EXPECT_GT(n, 0u);
  EXPECT_LT(n, 100u);
  EXPECT_GE(out.size(), 4096u);
  EXPECT_EQ(t.produced(), 10 + n);
}

TEST(LiveTrafficTest, NextGeneratorDayStartsWhenOneRunsOut) {
  LiveTrafficOptions o;
  o.merchants = 10;
  o.rate = 100;
  o.start_us = kStart;
  o.events_per_generator_day = 500;
  LiveTraffic t(o);
  std::string out;
  EXPECT_EQ(t.AppendDue(1700, 1 << 30, &out), 1700u);
  std::vector<engine::Event> events = Decode(out);
  ASSERT_EQ(events.size(), 1700u);
  for (uint64_t i = 0; i < events.size(); ++i) {
    EXPECT_LE(events[i].ts_us, t.SlotUs(i));
    EXPECT_GT(events[i].ts_us, t.SlotUs(i) - 7 * 3'600'000'000);  // at most hours late
  }
}

TEST(LiveTrafficTest, InvalidOptions) {
  LiveTrafficOptions o;
  o.start_us = kStart;
  EXPECT_TRUE(ValidateLiveTrafficOptions(o).ok());
  o.rate = 0;
  EXPECT_FALSE(ValidateLiveTrafficOptions(o).ok());
  o.rate = 1;
  o.merchants = 0;
  EXPECT_FALSE(ValidateLiveTrafficOptions(o).ok());
  o.merchants = 1;
  o.start_us = 0;
  EXPECT_FALSE(ValidateLiveTrafficOptions(o).ok());
}

TEST(DemoSenderTest, ParseCollectCounts) {
  auto c = ParseCollectCounts(R"({"accepted":12,"rejected":3,"errors":[]})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->accepted, 12);
  EXPECT_EQ(c->rejected, 3);
  c = ParseCollectCounts("{ \"accepted\" : 0 ,\n \"rejected\": 7 }");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->accepted, 0);
  EXPECT_EQ(c->rejected, 7);
  EXPECT_FALSE(ParseCollectCounts(R"({"error":{"message":"bad"}})").has_value());
  EXPECT_FALSE(ParseCollectCounts(R"({"accepted":1})").has_value());
}

TEST(DemoSenderTest, LatencyPercentilesWithinTenPercent) {
  LatencyHistogram h;
  EXPECT_EQ(h.Percentile(0.5), absl::ZeroDuration());
  for (int ms = 1; ms <= 100; ++ms) h.Add(absl::Milliseconds(ms));
  EXPECT_EQ(h.count(), 100u);
  auto near = [](absl::Duration got, double want_ms) {
    double ms = absl::ToDoubleMilliseconds(got);
    return ms >= want_ms && ms <= want_ms * 1.1;
  };
  EXPECT_TRUE(near(h.Percentile(0.5), 50)) << h.Percentile(0.5);
  EXPECT_TRUE(near(h.Percentile(0.99), 99)) << h.Percentile(0.99);
  EXPECT_TRUE(near(h.Percentile(1.0), 100)) << h.Percentile(1.0);
  LatencyHistogram other;
  other.Add(absl::Microseconds(1));
  h.Merge(other);
  EXPECT_EQ(h.count(), 101u);
  EXPECT_EQ(h.Percentile(0), absl::Microseconds(10));
  h.Clear();
  EXPECT_EQ(h.count(), 0u);
}

TEST(DemoSenderTest, BatchQueueIsBoundedAndDrainsAfterClose) {
  BatchQueue q(2);
  DemoBatch b{"a", 1};
  EXPECT_TRUE(q.PushFor(&b, absl::Milliseconds(10)));
  b = {"b", 2};
  EXPECT_TRUE(q.PushFor(&b, absl::Milliseconds(10)));
  b = {"c", 3};
  EXPECT_FALSE(q.PushFor(&b, absl::Milliseconds(20)));  // full
  EXPECT_EQ(b.body, "c");                               // still ours
  std::thread consumer([&] {
    absl::SleepFor(absl::Milliseconds(30));
    DemoBatch out;
    EXPECT_TRUE(q.Pop(&out));
    EXPECT_EQ(out.body, "a");
  });
  EXPECT_TRUE(q.PushFor(&b, absl::Seconds(5)));  // room after the pop
  consumer.join();
  q.Close();
  DemoBatch out;
  EXPECT_FALSE(q.PushFor(&out, absl::Milliseconds(1)));
  EXPECT_TRUE(q.Pop(&out));
  EXPECT_EQ(out.events, 2u);
  EXPECT_TRUE(q.Pop(&out));
  EXPECT_EQ(out.events, 3u);
  EXPECT_FALSE(q.Pop(&out));
}

// A /collect stand-in: answers requests with scripted replies in order (the last one
// repeats) and records each request's Authorization header and body.
class FakeCollector {
 public:
  explicit FakeCollector(std::vector<std::string> replies) : replies_(std::move(replies)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeCollector() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  uint16_t port() const { return port_; }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  std::string authorization() {
    std::lock_guard<std::mutex> lock(mu_);
    return authorization_;
  }

 private:
  void Serve() {
    while (true) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string pending;
      while (true) {
        size_t end;
        while ((end = pending.find("\r\n\r\n")) == std::string::npos && ReadMore(fd, &pending)) {
        }
        if (end == std::string::npos) break;
        std::string head = pending.substr(0, end);
        size_t length = 0;
        std::string authorization;
        for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
          if (absl::StartsWithIgnoreCase(line, "content-length:")) {
            EXPECT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(15)), &length));
          }
          if (absl::StartsWithIgnoreCase(line, "authorization:")) {
            authorization = std::string(absl::StripAsciiWhitespace(line.substr(14)));
          }
        }
        pending.erase(0, end + 4);
        while (pending.size() < length && ReadMore(fd, &pending)) {
        }
        std::string reply;
        {
          std::lock_guard<std::mutex> lock(mu_);
          bodies_.push_back(pending.substr(0, length));
          authorization_ = authorization;
          reply = replies_[std::min(next_++, replies_.size() - 1)];
        }
        pending.erase(0, length);
        ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }
  static bool ReadMore(int fd, std::string* pending) {
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    pending->append(buf, static_cast<size_t>(n));
    return true;
  }

  const std::vector<std::string> replies_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  size_t next_ = 0;
  std::vector<std::string> bodies_;
  std::string authorization_;
};

std::string Reply(int status, std::string_view body, std::string_view extra = "") {
  return absl::StrCat("HTTP/1.1 ", status, " X\r\nContent-Length: ", body.size(), "\r\n",
                      absl::string_view(extra.data(), extra.size()), "\r\n",
                      absl::string_view(body.data(), body.size()));
}

DemoSenderOptions SenderOptions(uint16_t port) {
  DemoSenderOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.user = "strata";
  o.password = "pw";
  o.connections = 1;
  o.max_backoff = absl::Milliseconds(200);
  return o;
}

TEST(DemoSenderTest, HonoursRetryAfterAndBacksOffOn503) {
  FakeCollector server({Reply(429, "{}", "Retry-After: 1\r\n"), Reply(503, "{}"),
                        Reply(200, R"({"accepted":2,"rejected":1,"errors":[]})")});
  BatchQueue queue(4);
  DemoCounters counters;
  const absl::Time start = absl::Now();
  {
    DemoSenders senders(SenderOptions(server.port()), &queue, &counters);
    DemoBatch batch{"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", 3};
    ASSERT_TRUE(queue.PushFor(&batch, absl::Seconds(1)));
    queue.Close();
    ASSERT_TRUE(senders.WaitFor(absl::Seconds(10)));
    EXPECT_FALSE(senders.fatal_error().has_value());
  }
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));  // waited as told
  EXPECT_EQ(counters.requests.load(), 3u);
  EXPECT_EQ(counters.throttled.load(), 1u);
  EXPECT_EQ(counters.unavailable.load(), 1u);
  EXPECT_EQ(counters.sent.load(), 3u);
  EXPECT_EQ(counters.accepted.load(), 2u);
  EXPECT_EQ(counters.rejected.load(), 1u);
  EXPECT_EQ(counters.dropped.load(), 0u);
  EXPECT_EQ(counters.Total().count(), 3u);
  std::vector<std::string> bodies = server.bodies();
  ASSERT_EQ(bodies.size(), 3u);
  for (const std::string& b : bodies) EXPECT_EQ(b, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
  EXPECT_EQ(server.authorization(), "Basic c3RyYXRhOnB3");  // strata:pw
}

TEST(DemoSenderTest, RefusedCredentialsAreFatal) {
  FakeCollector server({Reply(401, R"({"error":{"message":"bad credentials"}})")});
  BatchQueue queue(4);
  DemoCounters counters;
  DemoSenders senders(SenderOptions(server.port()), &queue, &counters);
  for (int i = 0; i < 3; ++i) {
    DemoBatch batch{"{}\n", 1};
    ASSERT_TRUE(queue.PushFor(&batch, absl::Seconds(1)));
  }
  queue.Close();
  ASSERT_TRUE(senders.WaitFor(absl::Seconds(10)));
  ASSERT_TRUE(senders.fatal_error().has_value());
  EXPECT_NE(senders.fatal_error()->find("refused user 'strata' (HTTP 401)"), std::string::npos)
      << *senders.fatal_error();
  EXPECT_EQ(counters.requests.load(), 1u);  // the rest is dropped, not sent
  EXPECT_EQ(counters.dropped.load(), 3u);
}

TEST(DemoSenderTest, AbandonStopsRetrying) {
  FakeCollector server({Reply(503, "{}")});
  BatchQueue queue(4);
  DemoCounters counters;
  DemoSenders senders(SenderOptions(server.port()), &queue, &counters);
  DemoBatch batch{"{}\n", 1};
  ASSERT_TRUE(queue.PushFor(&batch, absl::Seconds(1)));
  queue.Close();
  EXPECT_FALSE(senders.WaitFor(absl::Milliseconds(500)));  // retrying
  senders.Abandon();
  EXPECT_TRUE(senders.WaitFor(absl::Seconds(5)));
  EXPECT_EQ(counters.dropped.load(), 1u);
  EXPECT_EQ(counters.sent.load(), 0u);
  EXPECT_GE(counters.unavailable.load(), 2u);
}

TEST(DemoSenderTest, OnReplyGetsEachAnsweredBatchWithItsTag) {
  const std::string errors =
      R"({"accepted":1,"rejected":1,"errors":[{"index":1,"field":"ts","reason":"bad"}]})";
  FakeCollector server({Reply(200, errors)});
  BatchQueue queue(4);
  DemoCounters counters;
  std::mutex mu;
  std::vector<std::pair<uint64_t, std::string>> answered;
  DemoSenderOptions options = SenderOptions(server.port());
  options.on_reply = [&](const DemoBatch& batch, const CollectCounts& counts,
                         std::string_view reply) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(counts.accepted, 1);
    EXPECT_EQ(counts.rejected, 1);
    answered.emplace_back(batch.tag, std::string(reply));
  };
  DemoSenders senders(options, &queue, &counters);
  for (uint64_t tag : {7, 8}) {
    DemoBatch batch{"{}\n{}\n", 2, tag};
    ASSERT_TRUE(queue.PushFor(&batch, absl::Seconds(1)));
  }
  queue.Close();
  ASSERT_TRUE(senders.WaitFor(absl::Seconds(10)));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered[0].first, 7u);
  EXPECT_EQ(answered[1].first, 8u);
  EXPECT_EQ(answered[0].second, errors);
  EXPECT_EQ(counters.rejected.load(), 2u);
}

// Sends one batch to `port` with a 300 ms give_up_after and returns the fatal error the
// senders ended with ("" if none, or if they did not finish within 5 s).
std::string SendOneAndGiveUp(uint16_t port, DemoCounters* counters) {
  BatchQueue queue(4);
  DemoSenderOptions options = SenderOptions(port);
  options.give_up_after = absl::Milliseconds(300);
  DemoSenders senders(options, &queue, counters);
  DemoBatch batch{"{}\n", 1};
  EXPECT_TRUE(queue.PushFor(&batch, absl::Seconds(1)));
  queue.Close();
  EXPECT_TRUE(senders.WaitFor(absl::Seconds(5)));
  return senders.fatal_error().value_or("");
}

TEST(DemoSenderTest, GivesUpAfterTheLimitOn503) {
  FakeCollector server({Reply(503, "{}")});
  DemoCounters counters;
  const std::string fatal = SendOneAndGiveUp(server.port(), &counters);
  ASSERT_FALSE(fatal.empty());
  EXPECT_NE(fatal.find("HTTP 503"), std::string::npos) << fatal;
  EXPECT_EQ(counters.dropped.load(), 1u);
}

TEST(DemoSenderTest, GivesUpAfterTheLimitWhenUnreachable) {
  uint16_t port;
  {
    FakeCollector closed({Reply(200, "{}")});  // a port nothing listens on once destroyed
    port = closed.port();
  }
  DemoCounters counters;
  const std::string fatal = SendOneAndGiveUp(port, &counters);
  ASSERT_FALSE(fatal.empty());
  EXPECT_NE(fatal.find("giving up after"), std::string::npos) << fatal;
  EXPECT_GE(counters.unavailable.load(), 2u);
}

}  // namespace
}  // namespace strata::server
