// `strata load`: bulk-load NDJSON events (plain, .zst or stdin) into a data directory
// (--data-dir) or into a running server over POST /collect (--server).
//
// --data-dir: a parser thread reads and validates lines into batches; the main thread
// appends each batch through the engine's normal durable write path (WAL group commit), so
// a load killed at any point loses nothing it acknowledged and never duplicates. With
// --progress it prints "acked LINES EVENTS" after each durable batch (the crash test
// reads these).
//
// --server: the main thread groups raw lines into NDJSON bodies; demo_sender.h's keep-alive
// senders post them as the admin. The server validates; its per-event errors (index within
// the request) are mapped back to file and line. --progress prints "acked LINES EVENTS"
// once every line up to LINES was answered.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <simdjson.h>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
#include "ingest/ndjson_reader.h"
#include "server/admin_target.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/demo_sender.h"

namespace strata::server {
namespace {

struct EventBatch {
  std::vector<engine::Event> events;  // the first `size` are valid; the rest are spare
  size_t size = 0;
  uint64_t last_line = 0;  // input line number (across files) of the last line read
};

// A bounded single-producer single-consumer queue of batches.
class EventBatchQueue {
 public:
  explicit EventBatchQueue(size_t capacity) : capacity_(capacity) {}
  void Push(EventBatch b) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_ || cancelled_; });
    if (cancelled_) return;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  std::optional<EventBatch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return std::nullopt;
    EventBatch b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // Hands a consumed batch back so the parser reuses its events' string capacity
  // instead of allocating ~20 strings per event.
  void Recycle(EventBatch b) {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < capacity_ + 2) free_.push_back(std::move(b));
  }
  EventBatch TakeFree() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return EventBatch();
    EventBatch b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<EventBatch> q_;
  std::vector<EventBatch> free_;
  size_t capacity_;
  bool closed_ = false;
  bool cancelled_ = false;
};

struct ParseResult {
  uint64_t lines = 0;
  uint64_t good = 0;
  uint64_t rejected = 0;
  uint64_t bytes = 0;
  absl::Status status;
};

constexpr uint64_t kMaxReportedErrors = 100;

void ParseFiles(const std::vector<std::string>& files, size_t batch_events, EventBatchQueue* queue,
                ParseResult* result) {
  ingest::EventDecoder decoder;  // the load tool accepts any timestamp
  EventBatch batch;
  batch.events.reserve(batch_events);
  uint64_t line_base = 0;
  for (const std::string& file : files) {
    auto reader = ingest::NdjsonReader::Open(file);
    if (!reader.ok()) {
      result->status = reader.status();
      break;
    }
    ingest::NdjsonLine line;
    uint64_t last = 0;
    while ((*reader)->Next(&line)) {
      last = line.number;
      result->lines++;
      batch.last_line = line_base + line.number;
      if (!line.too_long && line.text.find_first_not_of(" \t\r") == std::string_view::npos) {
        continue;  // blank line
      }
      if (batch.size == batch.events.size()) batch.events.emplace_back();
      std::optional<ingest::EventError> error;
      if (line.too_long) {
        error = ingest::EventError{"", "line too long"};
      } else {
        error = decoder.Decode(line.text, &batch.events[batch.size]);
      }
      if (error.has_value()) {
        if (++result->rejected <= kMaxReportedErrors) {
          std::fprintf(stderr, "%s:%llu: rejected: %s\n", file.c_str(),
                       static_cast<unsigned long long>(line.number), error->ToString().c_str());
        }
        continue;
      }
      result->good++;
      if (++batch.size >= batch_events) {
        queue->Push(std::move(batch));
        batch = queue->TakeFree();
        batch.size = 0;
        batch.events.reserve(batch_events);
      }
    }
    if (!(*reader)->status().ok()) {
      result->status = (*reader)->status();
      break;
    }
    line_base += last;
    result->bytes += (*reader)->bytes_read();
  }
  if (batch.size > 0) queue->Push(std::move(batch));
  queue->Close();
}

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

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

struct LoadFlags {
  engine::EngineOptions engine;
  std::string data_dir;  // "" = engine.data_dir's default, unless --server
  std::string sync = "fsync";
  uint64_t batch = 0;  // 0 = the mode's default
  uint64_t shards = engine.shards;
  uint64_t memtable_rows = engine.memtable_max_rows;
  bool progress = false;
  int64_t zstd_level = engine.zstd_level;
  std::string compression = "zstd";
  std::string server;
  std::string user = EnvOr("STRATA_AUTH_ADMIN_USER", "strata");
  std::string password;  // "" = $STRATA_AUTH_ADMIN_PASSWORD, else "strata"
  int64_t connections = 4;
};

// A flag of the other mode set to a non-default value: told, not silently ignored.
std::optional<std::string> MisplacedFlag(const LoadFlags& f) {
  const LoadFlags d;
  if (!f.server.empty()) {
    if (f.sync != d.sync) return "--sync";
    if (f.shards != d.shards) return "--shards";
    if (f.memtable_rows != d.memtable_rows) return "--memtable-rows";
    if (f.compression != d.compression) return "--compression";
    if (f.zstd_level != d.zstd_level) return "--zstd-level";
  } else {
    if (f.user != d.user) return "--user";
    if (f.password != d.password) return "--password";
    if (f.connections != d.connections) return "--connections";
  }
  return std::nullopt;
}

int RunLocalLoad(LoadFlags& f, const std::vector<std::string>& files) {
  engine::EngineOptions& options = f.engine;
  if (f.sync != "fsync" && f.sync != "relaxed") {
    std::fprintf(stderr, "strata load: --sync must be fsync or relaxed\n");
    return 2;
  }
  if (f.compression == "zstd") {
    options.compression = storage::Compression::kZstd;
  } else if (f.compression == "lz4") {
    options.compression = storage::Compression::kLz4;
  } else if (f.compression == "none") {
    options.compression = storage::Compression::kNone;
  } else {
    std::fprintf(stderr, "strata load: --compression must be zstd, lz4 or none\n");
    return 2;
  }
  if (f.zstd_level < 1 || f.zstd_level > 19) {
    std::fprintf(stderr, "strata load: --zstd-level must be 1-19\n");
    return 2;
  }
  options.zstd_level = static_cast<int>(f.zstd_level);
  const uint64_t batch_events = f.batch == 0 ? 32768 : f.batch;
  options.wal_sync = f.sync == "fsync" ? engine::WalSyncMode::kSync : engine::WalSyncMode::kRelaxed;
  options.shards = static_cast<uint32_t>(f.shards);
  options.memtable_max_rows = f.memtable_rows;
  auto start = std::chrono::steady_clock::now();
  auto opened = engine::Engine::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "strata load: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<engine::Engine> db = std::move(*opened);
  for (const std::string& torn : db->recovery_report().torn_tails)
    std::fprintf(stderr, "strata load: recovery: %s\n", torn.c_str());

  EventBatchQueue queue(4);
  ParseResult parsed;
  std::thread parser_thread([&] { ParseFiles(files, batch_events, &queue, &parsed); });
  uint64_t acked = 0;
  absl::Status status;
  while (auto batch = queue.Pop()) {
    status = db->Append(absl::MakeConstSpan(batch->events).subspan(0, batch->size));
    if (!status.ok()) break;
    acked += batch->size;
    if (f.progress) {
      std::printf("acked %llu %llu\n", static_cast<unsigned long long>(batch->last_line),
                  static_cast<unsigned long long>(acked));
      std::fflush(stdout);
    }
    queue.Recycle(std::move(*batch));
  }
  if (!status.ok()) queue.Cancel();
  parser_thread.join();
  if (status.ok()) status = parsed.status;
  absl::Status close = db->Close();
  const engine::EngineStats stats = db->stats();
  if (status.ok()) status = close;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::fprintf(stderr,
               "loaded %llu events (%llu lines, %llu rejected) into %s in %.2f s: %.0f events/s, "
               "%.1f MB/s\n",
               static_cast<unsigned long long>(acked),
               static_cast<unsigned long long>(parsed.lines),
               static_cast<unsigned long long>(parsed.rejected), options.data_dir.c_str(), seconds,
               acked / seconds, parsed.bytes / seconds / 1e6);
  std::fprintf(
      stderr, "  %llu segments written (%.1f MB), flush time %.2f s, writers stalled %.2f s\n",
      static_cast<unsigned long long>(stats.segments_written), stats.segment_bytes_written / 1e6,
      stats.flush_micros / 1e6, stats.write_stall_micros / 1e6);
  std::fprintf(stderr,
               "  processing: %llu sessions, %llu rollup segments (%.1f MB), %.2f s of the flush "
               "time, %llu late events\n",
               static_cast<unsigned long long>(stats.sessions_written),
               static_cast<unsigned long long>(stats.rollup_segments_written),
               stats.rollup_bytes_written / 1e6, stats.process_micros / 1e6,
               static_cast<unsigned long long>(stats.late_events));
  if (parsed.rejected > kMaxReportedErrors) {
    std::fprintf(stderr, "(%llu more rejected lines not shown)\n",
                 static_cast<unsigned long long>(parsed.rejected - kMaxReportedErrors));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "strata load: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}

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
  options.password =
      f.password.empty() ? EnvOr("STRATA_AUTH_ADMIN_PASSWORD", "strata") : f.password;
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

}  // namespace

int RunLoad(const std::vector<std::string>& args) {
  LoadFlags f;
  ArgParser parser(
      "strata load (--data-dir DIR | --server URL) [flags] FILE...",
      "Bulk-loads NDJSON events (one JSON object per line; .zst files are decompressed; '-'\n"
      "reads stdin) into a data directory no server holds (--data-dir), or into a running\n"
      "server through POST /collect as the admin (--server: batches of --batch lines over\n"
      "--connections keep-alive connections). Bad lines are reported with their line number\n"
      "and reason and skipped; every good line lands. Each batch is acknowledged only once\n"
      "durable. Exit 0 when the load completed (rejected lines included), 1 on an error.");
  parser.AddString("data-dir", &f.data_dir,
                   "data directory, created if missing (default: " + f.engine.data_dir + ")");
  parser.AddString("server", &f.server, "a running server, http://HOST:PORT");
  parser.AddUint64("batch", &f.batch,
                   "events per durable batch (--data-dir) or per request (--server); 0 = "
                   "32768 / 5000");
  parser.AddBool("progress", &f.progress,
                 "print 'acked LINES EVENTS' once every line up to LINES is durable");
  parser.AddString("sync", &f.sync,
                   "--data-dir: WAL durability, fsync (before each ack) or relaxed");
  parser.AddUint64("shards", &f.shards,
                   "--data-dir: shards of a new data directory (power of two)");
  parser.AddUint64("memtable-rows", &f.memtable_rows,
                   "--data-dir: rows per shard memtable before a flush");
  parser.AddString("compression", &f.compression,
                   "--data-dir: segment block compression, zstd, lz4 or none");
  parser.AddInt64("zstd-level", &f.zstd_level, "--data-dir: zstd level for segment blocks (1-19)");
  parser.AddString("user", &f.user,
                   "--server: the admin user, auth.admin_user ($STRATA_AUTH_ADMIN_USER sets "
                   "the default)");
  parser.AddString("password", &f.password,
                   "--server: the admin's password (default: $STRATA_AUTH_ADMIN_PASSWORD, else "
                   "strata)");
  parser.AddInt64("connections", &f.connections, "--server: keep-alive connections (1-64)");
  if (std::optional<int> exit = parser.ParseOrExit(args, "load")) return *exit;
  if (parser.positional().empty()) {
    std::fprintf(stderr, "strata load: no input files (use '-' for stdin)\n");
    return 2;
  }
  if (!f.server.empty() && !f.data_dir.empty()) {
    std::fprintf(stderr, "strata load: --server and --data-dir are mutually exclusive\n");
    return 2;
  }
  if (!f.data_dir.empty()) f.engine.data_dir = f.data_dir;
  if (std::optional<std::string> flag = MisplacedFlag(f)) {
    std::fprintf(stderr, "strata load: %s applies to %s only\n", flag->c_str(),
                 f.server.empty() ? "--server" : "--data-dir");
    return 2;
  }
  if (!f.server.empty()) return RunServerLoad(f, parser.positional());
  return RunLocalLoad(f, parser.positional());
}

}  // namespace strata::server
