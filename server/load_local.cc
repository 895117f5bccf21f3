// `strata load --data-dir`: a parser thread reads and validates lines into batches; the
// main thread appends each batch through the engine's normal durable write path (WAL group
// commit), so a load killed at any point loses nothing it acknowledged and never
// duplicates. With --progress it prints "acked LINES EVENTS" after each durable batch (the
// crash test reads these).
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_format.h"
#include "engine/engine.h"
#include "ingest/event_json.h"
#include "ingest/ndjson_reader.h"
#include "server/load_modes.h"

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

}  // namespace

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

}  // namespace strata::server
