// `strata load --server`: the main thread groups raw lines into NDJSON bodies;
// demo_sender.h's keep-alive senders post them as the admin. The server validates; its
// per-event errors (index within the request) are mapped back to file and line.
// --progress prints "acked LINES EVENTS" once every line up to LINES was answered.
#include <cstdio>
#include <map>
#include <optional>

#include <simdjson.h>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ingest/event_json.h"
#include "ingest/ndjson_reader.h"
#include "server/admin_target.h"
#include "server/demo_sender.h"
#include "server/load_modes.h"

namespace strata::server {
namespace {

// The HTTP mode's bookkeeping: the lines of every batch in flight, so that the server's
// per-event errors (an index within the request) name file and line, and the highest line
// below which every batch was answered (--progress). Called from the sender threads.
class InFlightBatches {
 public:
  InFlightBatches(const std::vector<std::string>& files, bool progress)
      : files_(files), progress_(progress) {}

  // Registers the batch about to be posted as `tag`: `lines` holds the input line of each
  // of its events in order; `last_line` counts across files.
  void Sending(uint64_t tag, size_t file, std::vector<uint64_t> lines, uint64_t last_line) {
    absl::MutexLock lock(&mu_);
    in_flight_[tag] = Pending{file, std::move(lines), last_line};
  }

  // A line not sent at all.
  void RejectedLocally(size_t file, uint64_t line, const std::string& reason) {
    absl::MutexLock lock(&mu_);
    ++rejected_;
    Report(file, line, reason);
  }

  // DemoSenderOptions::on_reply.
  void Answered(const DemoBatch& batch, const CollectCounts& counts, std::string_view reply) {
    absl::MutexLock lock(&mu_);
    auto it = in_flight_.find(batch.tag);
    if (it == in_flight_.end()) return;
    Pending& pending = it->second;
    rejected_ += static_cast<uint64_t>(counts.rejected);
    if (counts.rejected > 0) ReportRejections(pending, counts, reply);
    pending.answered = true;
    pending.accepted = static_cast<uint64_t>(counts.accepted);
    while (!in_flight_.empty() && in_flight_.begin()->second.answered) {
      acked_lines_ = in_flight_.begin()->second.last_line;
      acked_events_ += in_flight_.begin()->second.accepted;
      in_flight_.erase(in_flight_.begin());
      if (progress_) {
        std::printf("acked %llu %llu\n", static_cast<unsigned long long>(acked_lines_),
                    static_cast<unsigned long long>(acked_events_));
        std::fflush(stdout);
      }
    }
  }

  uint64_t rejected() {
    absl::MutexLock lock(&mu_);
    return rejected_;
  }
  uint64_t shown() {
    absl::MutexLock lock(&mu_);
    return shown_;
  }

 private:
  struct Pending {
    size_t file = 0;
    std::vector<uint64_t> lines;
    uint64_t last_line = 0;
    bool answered = false;
    uint64_t accepted = 0;
  };

  void Report(size_t file, uint64_t line, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (shown_ >= kMaxReportedErrors) return;
    ++shown_;
    std::fprintf(stderr, "%s:%llu: rejected: %s\n", files_[file].c_str(),
                 static_cast<unsigned long long>(line), reason.c_str());
  }

  // The reply's "errors": [{"index":i,"field":f,"reason":r}, ...] (docs/http.md).
  void ReportRejections(const Pending& pending, const CollectCounts& counts, std::string_view reply)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    simdjson::dom::element root;
    simdjson::dom::array errors;
    if (parser_.parse(reply.data(), reply.size()).get(root) != simdjson::SUCCESS ||
        root["errors"].get_array().get(errors) != simdjson::SUCCESS) {
      if (shown_ < kMaxReportedErrors) {
        ++shown_;
        std::fprintf(stderr, "%s: lines %llu-%llu: the server rejected %lld events: %.300s\n",
                     files_[pending.file].c_str(),
                     static_cast<unsigned long long>(pending.lines.front()),
                     static_cast<unsigned long long>(pending.lines.back()),
                     static_cast<long long>(counts.rejected), std::string(reply).c_str());
      }
      return;
    }
    for (simdjson::dom::element error : errors) {
      uint64_t index = 0;
      std::string_view field, reason;
      if (error["index"].get(index) != simdjson::SUCCESS || index >= pending.lines.size()) {
        continue;
      }
      if (error["field"].get(field) != simdjson::SUCCESS) field = {};
      if (error["reason"].get(reason) != simdjson::SUCCESS) reason = {};
      Report(pending.file, pending.lines[index],
             ingest::EventError{std::string(field), std::string(reason)}.ToString());
    }
  }

  const std::vector<std::string>& files_;
  const bool progress_;
  absl::Mutex mu_;
  std::map<uint64_t, Pending> in_flight_ ABSL_GUARDED_BY(mu_);
  simdjson::dom::parser parser_ ABSL_GUARDED_BY(mu_);
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t shown_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t acked_lines_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t acked_events_ ABSL_GUARDED_BY(mu_) = 0;
};

// Bodies stay well under the server's default http.max_body_mb (8) whatever the lines.
constexpr size_t kMaxBodyBytes = 4 << 20;
// A lost reply means a resend (and a duplicate), so wait long for slow appends.
constexpr absl::Duration kRequestTimeout = absl::Seconds(120);
constexpr absl::Duration kGiveUpAfter = absl::Seconds(60);

}  // namespace

int RunServerLoad(const LoadFlags& f, const std::vector<std::string>& files) {
  absl::StatusOr<std::pair<std::string, uint16_t>> address = ParseServerUrl(f.server);
  if (!address.ok()) {
    std::fprintf(stderr, "strata load: %s\n", std::string(address.status().message()).c_str());
    return 2;
  }
  if (f.connections < 1 || f.connections > 64) {
    std::fprintf(stderr, "strata load: --connections must be 1-64\n");
    return 2;
  }
  const auto& [host, port] = *address;
  if (absl::Status reachable = CheckServer(host, port, f.server); !reachable.ok()) {
    std::fprintf(stderr, "strata load: %s\n", std::string(reachable.message()).c_str());
    return 1;
  }
  const uint64_t batch_lines = f.batch == 0 ? 5000 : f.batch;

  auto start = std::chrono::steady_clock::now();
  InFlightBatches in_flight(files, f.progress);
  DemoCounters counters;
  BatchQueue queue(static_cast<size_t>(2 * f.connections));
  DemoSenderOptions options;
  options.host = host;
  options.port = port;
  options.user = f.user;
  options.password = AdminPassword(f.password);
  options.connections = static_cast<int>(f.connections);
  options.request_timeout = kRequestTimeout;
  options.give_up_after = kGiveUpAfter;
  options.program = "strata load";
  options.on_reply = [&in_flight](const DemoBatch& batch, const CollectCounts& counts,
                                  std::string_view reply) {
    in_flight.Answered(batch, counts, reply);
  };
  DemoSenders senders(options, &queue, &counters);

  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t next_tag = 0;
  absl::Status status;
  DemoBatch batch;
  std::vector<uint64_t> batch_line_numbers;
  // Hands the batch to the senders; false once they gave up (fatal_error says why).
  auto send = [&](size_t file, uint64_t last_line) {
    if (senders.fatal_error().has_value()) return false;  // they only drop what comes
    batch.tag = next_tag++;
    in_flight.Sending(batch.tag, file, std::move(batch_line_numbers), last_line);
    batch_line_numbers.clear();
    while (!queue.PushFor(&batch, absl::Milliseconds(100))) {
      if (senders.fatal_error().has_value()) return false;
    }
    batch.body.clear();
    batch.events = 0;
    return true;
  };
  bool sending = true;
  uint64_t line_base = 0;
  for (size_t file = 0; file < files.size() && sending; ++file) {
    auto reader = ingest::NdjsonReader::Open(files[file]);
    if (!reader.ok()) {
      status = reader.status();
      break;
    }
    ingest::NdjsonLine line;
    uint64_t last = 0;
    while (sending && (*reader)->Next(&line)) {
      last = line.number;
      ++lines;
      if (line.too_long) {
        in_flight.RejectedLocally(file, line.number, "line too long");
        continue;
      }
      if (line.text.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
      if (batch.events > 0 && batch.body.size() + line.text.size() >= kMaxBodyBytes) {
        sending = send(file, line_base + line.number - 1);
      }
      batch.body.append(line.text);
      batch.body.push_back('\n');
      batch_line_numbers.push_back(line.number);
      if (++batch.events >= batch_lines) sending = sending && send(file, line_base + line.number);
    }
    if (sending && batch.events > 0) sending = send(file, line_base + last);
    if (!(*reader)->status().ok()) {
      status = (*reader)->status();
      break;
    }
    line_base += last;
    bytes += (*reader)->bytes_read();
  }
  queue.Close();
  senders.Join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const uint64_t accepted = counters.accepted.load();
  const LatencyHistogram latency = counters.Total();
  std::fprintf(stderr,
               "loaded %llu events (%llu lines, %llu rejected) into %s in %.2f s: %.0f events/s, "
               "%.1f MB/s\n",
               static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(lines),
               static_cast<unsigned long long>(in_flight.rejected()), f.server.c_str(), seconds,
               accepted / seconds, bytes / seconds / 1e6);
  std::fprintf(stderr,
               "  %llu requests over %lld connections (%llu throttled, %llu retried), latency "
               "p50 %.1f ms, p99 %.1f ms\n",
               static_cast<unsigned long long>(counters.requests.load()),
               static_cast<long long>(f.connections),
               static_cast<unsigned long long>(counters.throttled.load()),
               static_cast<unsigned long long>(counters.unavailable.load()),
               absl::ToDoubleMilliseconds(latency.Percentile(0.5)),
               absl::ToDoubleMilliseconds(latency.Percentile(0.99)));
  if (in_flight.rejected() > in_flight.shown()) {
    std::fprintf(stderr, "(%llu more rejected lines not shown)\n",
                 static_cast<unsigned long long>(in_flight.rejected() - in_flight.shown()));
  }
  if (std::optional<std::string> fatal = senders.fatal_error()) {
    std::fprintf(stderr, "strata load: %s\n", fatal->c_str());
    return 1;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "strata load: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace strata::server
