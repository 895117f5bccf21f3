// `strata demo`: feeds a running server with live, realistic traffic. The generator's
// stream is re-timed to the wall clock (demo_traffic.h) and paced at --rate; every
// --batch-ms the events that fell due go out as one NDJSON POST /collect over keep-alive
// connections with the admin's Basic credentials (demo_sender.h). An optional backfill
// first sends the last N minutes as fast as the server takes them, so queries over recent
// time have data at once. Runs until SIGINT/SIGTERM or --duration-s, then exits 0.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/admin_target.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/demo_sender.h"
#include "server/demo_traffic.h"

namespace strata::server {
namespace {

constexpr size_t kMaxBatchBytes = 1 << 20;
constexpr absl::Duration kProgressEvery = absl::Seconds(5);
constexpr absl::Duration kDrainGrace = absl::Seconds(10);

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void OnStopSignal(int signal_number) { g_stop_signal = signal_number; }

// Installs SIGINT/SIGTERM handlers for the demo's lifetime. SA_RESETHAND: a second
// Ctrl-C kills the process the default way.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction action = {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  static bool stopped() { return g_stop_signal != 0; }

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

struct Flags {
  std::string server = "http://127.0.0.1:8080";
  std::string user = "strata";
  std::string password = "strata";
  uint64_t merchants = 2000;
  double rate = 2000;
  int64_t batch_ms = 200;
  double duration_s = 0;
  uint64_t seed = 1;
  double backfill_minutes = 60;
  int64_t connections = 4;
};

absl::Status Validate(const Flags& f) {
  if (f.merchants < 1 || f.merchants > 1'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--merchants must be 1-1000000, got ", f.merchants));
  }
  if (!(f.rate > 0) || f.rate > 10'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate must be in (0, 10000000] events/s, got ", f.rate));
  }
  if (f.batch_ms < 10 || f.batch_ms > 60'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch-ms must be 10-60000, got ", f.batch_ms));
  }
  if (!(f.duration_s >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--duration-s must be >= 0, got ", f.duration_s));
  }
  if (!(f.backfill_minutes >= 0) || f.backfill_minutes > 7 * 24 * 60) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backfill-minutes must be 0-10080 (a week), got ", f.backfill_minutes));
  }
  if (f.connections < 1 || f.connections > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connections must be 1-64, got ", f.connections));
  }
  return absl::OkStatus();
}

std::string Milliseconds(absl::Duration d) {
  return absl::StrFormat("%.1f ms", absl::ToDoubleMilliseconds(d));
}

// Progress lines: one every kProgressEvery, and a summary at the end.
class Progress {
 public:
  Progress(DemoCounters* counters, uint64_t backfill_events, absl::Time start)
      : counters_(counters), backfill_events_(backfill_events), start_(start), last_(start) {}

  bool Due(absl::Time now) const { return now - last_ >= kProgressEvery; }

  void Print(absl::Time now, uint64_t produced, uint64_t due) {
    const uint64_t sent = counters_->sent.load();
    const double seconds = absl::ToDoubleSeconds(now - last_);
    const double rate = seconds > 0 ? static_cast<double>(sent - last_sent_) / seconds : 0;
    LatencyHistogram latency = counters_->TakeInterval();
    std::string line = absl::StrFormat(
        "strata demo: %6.1fs  sent %d  accepted %d  rejected %d  rate %.0f/s  p50 %s  p99 %s",
        absl::ToDoubleSeconds(now - start_), sent, counters_->accepted.load(),
        counters_->rejected.load(), rate, Milliseconds(latency.Percentile(0.5)),
        Milliseconds(latency.Percentile(0.99)));
    if (produced < backfill_events_) {
      absl::StrAppend(&line,
                      absl::StrFormat("  backfill %.0f%%", 100.0 * produced / backfill_events_));
    } else if (due > produced + kBehindReport) {
      absl::StrAppend(&line, "  behind by ", due - produced, " events");
    }
    if (uint64_t throttled = counters_->throttled.load(); throttled > 0) {
      absl::StrAppend(&line, "  throttled ", throttled);
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    last_ = now;
    last_sent_ = sent;
  }

  void Summary(absl::Time now) {
    const double seconds = absl::ToDoubleSeconds(now - start_);
    const uint64_t sent = counters_->sent.load();
    LatencyHistogram latency = counters_->Total();
    std::printf(
        "strata demo: done after %.1fs: sent %llu events (accepted %llu, rejected %llu, "
        "dropped %llu) in %llu requests, %.0f events/s, p50 %s, p99 %s\n",
        seconds, static_cast<unsigned long long>(sent),
        static_cast<unsigned long long>(counters_->accepted.load()),
        static_cast<unsigned long long>(counters_->rejected.load()),
        static_cast<unsigned long long>(counters_->dropped.load()),
        static_cast<unsigned long long>(counters_->requests.load()),
        seconds > 0 ? static_cast<double>(sent) / seconds : 0.0,
        Milliseconds(latency.Percentile(0.5)).c_str(),
        Milliseconds(latency.Percentile(0.99)).c_str());
    std::fflush(stdout);
  }

 private:
  static constexpr uint64_t kBehindReport = 1000;
  DemoCounters* counters_;
  const uint64_t backfill_events_;
  const absl::Time start_;
  absl::Time last_;
  uint64_t last_sent_ = 0;
};

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  Flags f;
  ArgParser parser(
      "strata demo [--server URL] [--user U] [--password P] [--merchants N] [--rate R] "
      "[--batch-ms MS] [--duration-s S] [--seed S] [--backfill-minutes M]",
      "Feeds a running `strata serve` with live, realistic traffic (docs/generator.md): R\n"
      "events per second for N merchants, timestamped now (with the generator's network\n"
      "lateness), sent as NDJSON batches to POST /collect with the admin's credentials.\n"
      "First backfills the last M minutes as fast as the server accepts them. Prints a\n"
      "progress line every 5 s; stops on Ctrl-C / SIGTERM or after --duration-s.");
  parser.AddString("server", &f.server, "the server's HTTP address");
  parser.AddString("user", &f.user, "admin user (auth.admin_user)");
  parser.AddString("password", &f.password, "admin password (auth.admin_password)");
  parser.AddUint64("merchants", &f.merchants, "number of merchants (shop-000001...)");
  parser.AddDouble("rate", &f.rate, "events per second");
  parser.AddInt64("batch-ms", &f.batch_ms, "send the events due every this many ms");
  parser.AddDouble("duration-s", &f.duration_s,
                   "stop after this many seconds; 0 = run until "
                   "Ctrl-C");
  parser.AddUint64("seed", &f.seed, "random seed of the traffic");
  parser.AddDouble("backfill-minutes", &f.backfill_minutes,
                   "first send this many minutes of past traffic, as fast as possible");
  parser.AddInt64("connections", &f.connections, "keep-alive connections to the server");
  if (std::optional<int> exit = parser.ParseOrExit(args, "demo")) return *exit;
  if (!parser.positional().empty()) {
    std::fprintf(stderr, "strata demo: unexpected argument '%s' (see --help)\n",
                 parser.positional()[0].c_str());
    return 2;
  }
  absl::StatusOr<std::pair<std::string, uint16_t>> address = ParseServerUrl(f.server);
  absl::Status valid = address.ok() ? Validate(f) : address.status();
  if (!valid.ok()) {
    std::fprintf(stderr, "strata demo: %s\n", std::string(valid.message()).c_str());
    return 2;
  }
  const auto& [host, port] = *address;
  if (absl::Status reachable = CheckServer(host, port, f.server); !reachable.ok()) {
    std::fprintf(stderr, "strata demo: %s\n", std::string(reachable.message()).c_str());
    return 1;
  }

  StopSignals signals;
  const absl::Time wall_start = absl::Now();
  const absl::Duration backfill = absl::Seconds(f.backfill_minutes * 60);
  LiveTrafficOptions traffic_options;
  traffic_options.merchants = static_cast<uint32_t>(f.merchants);
  traffic_options.seed = f.seed;
  traffic_options.rate = f.rate;
  traffic_options.start_us = absl::ToUnixMicros(wall_start - backfill);
  LiveTraffic traffic(traffic_options);
  const uint64_t backfill_events = traffic.DueAt(absl::ToUnixMicros(wall_start));

  std::printf("strata demo: %.0f events/s for %llu merchants to %s as %s%s; Ctrl-C stops\n", f.rate,
              static_cast<unsigned long long>(f.merchants), f.server.c_str(), f.user.c_str(),
              backfill_events > 0
                  ? absl::StrFormat(", after a backfill of %d events (the last %.0f minutes)",
                                    backfill_events, f.backfill_minutes)
                        .c_str()
                  : "");
  std::fflush(stdout);

  DemoCounters counters;
  BatchQueue queue(static_cast<size_t>(2 * f.connections));
  DemoSenderOptions sender_options;
  sender_options.host = host;
  sender_options.port = port;
  sender_options.user = f.user;
  sender_options.password = f.password;
  sender_options.connections = static_cast<int>(f.connections);
  DemoSenders senders(sender_options, &queue, &counters);

  // The pacing clock is monotonic; wall time is derived from it so that a clock step does
  // not make the demo burst or stall.
  const absl::Time mono_start = absl::Now();
  const auto elapsed = [start = std::chrono::steady_clock::now()] {
    return absl::FromChrono(std::chrono::steady_clock::now() - start);
  };
  Progress progress(&counters, backfill_events, mono_start);
  const absl::Duration batch_period = absl::Milliseconds(f.batch_ms);
  const absl::Duration duration =
      f.duration_s > 0 ? absl::Seconds(f.duration_s) : absl::InfiniteDuration();
  auto should_stop = [&] {
    return StopSignals::stopped() || senders.fatal_error().has_value() || elapsed() >= duration;
  };

  DemoBatch batch;
  absl::Duration next_batch = absl::ZeroDuration();
  while (!should_stop()) {
    const absl::Duration now = elapsed();
    const uint64_t due = traffic.DueAt(absl::ToUnixMicros(wall_start + now));
    if (progress.Due(mono_start + now)) progress.Print(mono_start + now, traffic.produced(), due);
    if (now >= next_batch && traffic.produced() < due) {
      batch.body.clear();
      batch.events = traffic.AppendDue(due, kMaxBatchBytes, &batch.body);
      while (!queue.PushFor(&batch, absl::Milliseconds(50))) {
        if (should_stop()) {
          counters.dropped += batch.events;
          break;
        }
        const absl::Duration t = elapsed();
        if (progress.Due(mono_start + t)) progress.Print(mono_start + t, traffic.produced(), due);
      }
      // Behind (the backfill, or a slow server): the next batch goes at once.
      if (traffic.produced() >= due) next_batch = now + batch_period;
      continue;
    }
    absl::SleepFor(
        std::clamp(next_batch - elapsed(), absl::Milliseconds(1), absl::Milliseconds(50)));
  }

  queue.Close();
  if (StopSignals::stopped()) {
    senders.Abandon();  // requests on the wire complete; queued batches are dropped
  } else if (!senders.WaitFor(kDrainGrace)) {
    senders.Abandon();
  }
  senders.Join();
  progress.Summary(mono_start + elapsed());
  if (std::optional<std::string> fatal = senders.fatal_error()) {
    std::fprintf(stderr, "strata demo: %s\n", fatal->c_str());
    return 1;
  }
  return 0;
}

}  // namespace strata::server
