// Private to ingest/kafka: appends the consumer's batches to the engine on a second thread,
// so decoding the next batch overlaps Engine::Append of the previous one (on 2 cores the
// two cost about the same per event; measured in bench/ingest/kafka_consume_bench.cc).
//
// One batch is appended at a time, in submission order. A failing Append is retried with
// backoff (100 ms doubling to 2 s) until it succeeds or `stop` is notified; then the batch
// is dropped, which is safe: its positions were never committed, so the next start reads
// it again. Events are never dropped otherwise.
//
// Thread safety: Submit/Idle/Drain from the consuming thread; the counters from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "engine/engine.h"
#include "ingest/kafka/message_decoder.h"

namespace strata::ingest::kafka {

class BatchAppender {
 public:
  // `engine` and `stop` must outlive the appender.
  BatchAppender(engine::Engine* engine, const absl::Notification* stop);
  // Finishes the batch being appended, then stops the thread.
  ~BatchAppender();
  BatchAppender(const BatchAppender&) = delete;
  BatchAppender& operator=(const BatchAppender&) = delete;

  // Takes the events of *batch and the positions they advance, after waiting for the
  // previous batch to be done. *batch comes back empty, holding the previous batch's
  // slots for reuse.
  void Submit(EventSlots* batch, engine::SourcePositions advance);
  // True when no batch is being appended (Submit would not wait).
  bool Idle() const;
  // Waits until every submitted batch is appended or dropped; the last batch's status.
  absl::Status Drain();

  uint64_t events() const { return events_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  // The first Append error met (OK if none), even if a retry succeeded later.
  absl::Status first_error() const;

 private:
  void Run();
  absl::Status AppendWithRetry();

  engine::Engine* const engine_;
  const absl::Notification* const stop_;

  mutable absl::Mutex mu_;
  // The batch being appended: touched by the appending thread only while busy_.
  EventSlots batch_;
  engine::SourcePositions advance_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool quit_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_status_ ABSL_GUARDED_BY(mu_);
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);

  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> errors_{0};
  std::thread thread_;
};

}  // namespace strata::ingest::kafka
