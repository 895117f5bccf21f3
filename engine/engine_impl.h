// Private: the Engine implementation, split by concern across engine_open.cc (recovery),
// engine_write.cc (group commit) and engine_flush.cc (the flush thread).
//
// Locks (acquire in this order, never the reverse):
//   write_mu_  guards the writer queue; the group leader releases it while committing.
//   state_mu_  guards shard memtable pointers, the frozen-memtable queue, the segment
//              set, bg_error_ and stats; held only for short pointer swaps.
// Only the group leader mutates catalog ids, the WAL, next_seq_ and mutable memtables.
// Only the flush thread (or Open, before it starts) touches manifest_.
// A read-only engine has no WAL writer and no flush thread; its memtables hold the replayed
// WAL and are never flushed.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/engine.h"
#include "engine/memtable.h"
#include "engine/realtime/realtime.h"
#include "engine/sessions/sessionizer.h"
#include "engine/wal.h"
#include "storage/file.h"
#include "storage/manifest.h"

namespace strata::engine {

// Manifest property holding a shard's flushed sequence.
std::string FlushedSeqProperty(uint32_t shard);
// Manifest property holding the source positions a shard's segments cover
// (engine_sources.cc; docs/format/logs.md).
std::string SourcesProperty(uint32_t shard);
std::string EncodeSourcePositions(const SourcePositions& positions);
// DataLoss on malformed text.
absl::StatusOr<SourcePositions> DecodeSourcePositions(std::string_view text);
// Raises every position of `into` to the one in `from` (positions only move forward).
void AdvanceSourcePositions(const SourcePositions& from, SourcePositions* into);

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(const EngineOptions& options) : options_(options) {}
  ~EngineImpl() override;

  absl::Status OpenAndRecover();

  using Engine::Append;
  absl::Status Append(absl::Span<const Event> events, const SourcePositions& advance) override;
  std::vector<SourcePositions> DurablePositions() const override;
  absl::Status Flush() override;
  absl::Status Close() override;
  std::shared_ptr<const Snapshot> GetSnapshot() const override;
  const Catalog& catalog() const override { return *catalog_; }
  RealtimeTracker& realtime() override { return realtime_; }
  const RecoveryReport& recovery_report() const override { return recovery_; }
  EngineStats stats() const override;
  uint32_t shard_count() const override { return shard_count_; }
  const std::string& data_dir() const override { return options_.data_dir; }

 private:
  struct Writer {
    absl::Span<const Event> events;
    std::string_view encoded;  // the events' WAL encoding, made by the writer's own thread
    const SourcePositions* advance = nullptr;  // applied once the group is committed
    bool flush_all = false;                    // freeze every non-empty memtable
    bool freeze_old = false;                   // freeze memtables older than memtable_max_age
    absl::Status status;
    bool done = false;
    absl::CondVar cv;
  };
  struct ShardState {
    std::shared_ptr<Memtable> mem;
    uint64_t mem_floor_seq = 0;  // every row of `mem` has sequence >= this
    std::deque<std::shared_ptr<Memtable>> frozen;
    uint64_t flushed_seq = 0;           // events of this shard up to here are in segments
    SourcePositions durable_positions;  // as recorded by the manifest (engine.h)
    // The sessionizer after the shard's last flush, as readers see it. The flush thread
    // works on `sessionizer` (its own copy) and publishes a copy here.
    std::shared_ptr<const Sessionizer> published_sessionizer;
  };
  // What one flush derives besides the events segments (engine_process.cc).
  struct Derived {
    std::vector<std::shared_ptr<SegmentHandle>> sessions, pageviews;
    uint64_t sessions_rows = 0;
    uint64_t rollup_segments = 0;
    uint64_t rollup_bytes = 0;
    uint64_t late_events = 0;
    std::string old_checkpoint;  // to delete once the edit is durable
  };
  struct FlushTask {
    uint32_t shard;
    std::shared_ptr<Memtable> memtable;
    SourcePositions covers;  // the applied source positions when the memtable was frozen
  };

  // engine_write.cc
  absl::Status Enqueue(Writer* w);
  absl::Status CommitGroup(const std::vector<Writer*>& group);
  absl::Status ApplyGroup(const std::vector<Writer*>& group,
                          const std::vector<const Event*>& events, uint64_t first_seq);
  absl::Status WriteWal(const std::vector<Writer*>& group, size_t events, uint64_t first_seq);
  void PublishGroup(size_t events, const std::vector<Writer*>& group);
  // Resolves client ids and inserts the events into their shards' memtables (`mems`).
  void InsertShards(const std::vector<const Event*>& events, uint64_t first_seq,
                    std::vector<Memtable*>& mems);
  void InsertOne(const Event& e, uint64_t seq);  // WAL replay
  // Resolves the client id and appends one row to `mem` (the shard's memtable), freezing
  // it first if full; `mem` is updated to the fresh memtable then.
  void InsertRow(const Event& e, uint32_t merchant, uint32_t shard, uint64_t seq, Memtable*& mem);
  uint32_t ShardOfMerchantId(uint32_t id, std::string_view name);
  // Freezes the shard's memtable; its successor will only hold sequences >= floor_seq.
  void FreezeLocked(uint32_t shard, uint64_t floor_seq) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  void MaybeFreeze(bool flush_all, bool freeze_old);
  void WaitForFlushBudget();

  // engine_flush.cc
  void FlushLoop();
  absl::Status FlushMemtable(const FlushTask& task);
  uint64_t OldestNeededSeqLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Adds to `edit` the source positions of the flushed shard and of every shard that holds
  // nothing unflushed; returns them by shard for publishing after the edit is durable.
  std::vector<std::pair<uint32_t, SourcePositions>> RecordSourcePositions(
      const FlushTask& task, storage::ManifestEdit* edit);

  // engine_process.cc (flush thread)
  SettingsById MakeSettingsById() const;
  // Writes `columns` as a new segment of `kind` and returns its handle (meta filled).
  absl::StatusOr<std::shared_ptr<SegmentHandle>> WriteDerivedSegment(
      uint32_t shard, storage::SegmentMeta::Kind kind, uint64_t base,
      const storage::SegmentWriterOptions& writer_options,
      absl::Span<const storage::ColumnInput> columns);
  // Builds and writes the companion rollup of `base` (if any merchant qualifies), adds it
  // to `edit` and attaches it to `base`.
  absl::Status AddRollup(std::optional<std::vector<storage::ColumnInput>> rollup,
                         SegmentHandle* base, storage::ManifestEdit* edit, Derived* derived);
  // Feeds one events part to the shard's sessionizer and rolls it up.
  absl::Status ProcessEventsPart(uint32_t shard, const FlushPart& part, SegmentHandle* segment,
                                 storage::ManifestEdit* edit, Derived* derived);
  // Advances the shard's sessionizer; writes final sessions, pageviews, their rollup,
  // late events and the checkpoint; adds all of it to `edit`.
  absl::Status FinishShardProcessing(uint32_t shard, storage::ManifestEdit* edit, Derived* derived);
  absl::Status LoadSessionizers();
  absl::Status LogLateEvents(const std::vector<LateEvent>& late);
  // Seeds the realtime tracker from the last 30 minutes of segments.
  absl::Status SeedRealtime();

  // engine_open.cc
  // Takes the directory lock and reads the manifest: exclusive and creating what is
  // missing, or (read_only) shared and creating nothing.
  absl::Status LockAndOpenManifest();
  absl::Status LoadSegments();
  absl::Status RemoveOrphans();
  absl::Status ReplayWal();

  const EngineOptions options_;
  uint32_t shard_count_ = 0;
  std::unique_ptr<storage::DirLock> lock_;
  std::unique_ptr<storage::Manifest> manifest_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Wal> wal_;  // null when read-only
  RecoveryReport recovery_;
  bool closed_ = false;

  // Leader-only state.
  uint64_t next_seq_ = 1;
  std::vector<uint32_t> shard_of_merchant_;  // by dense merchant id
  std::string params_scratch_;
  std::vector<uint32_t> merchant_scratch_;    // merchant id per event
  std::vector<std::string_view> wal_pieces_;  // the group writers' encodings (leader only)
  std::vector<uint32_t> shard_scratch_;       // shard per event

  absl::Mutex write_mu_;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(write_mu_);

  mutable absl::Mutex state_mu_;
  std::vector<ShardState> shards_ ABSL_GUARDED_BY(state_mu_);
  std::map<uint64_t, std::shared_ptr<SegmentHandle>> segments_ ABSL_GUARDED_BY(state_mu_);
  std::map<uint64_t, std::shared_ptr<SegmentHandle>> session_segments_ ABSL_GUARDED_BY(state_mu_);
  std::map<uint64_t, std::shared_ptr<SegmentHandle>> pageview_segments_ ABSL_GUARDED_BY(state_mu_);
  std::deque<FlushTask> flush_queue_ ABSL_GUARDED_BY(state_mu_);
  bool flush_running_ ABSL_GUARDED_BY(state_mu_) = false;
  size_t frozen_bytes_ ABSL_GUARDED_BY(state_mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(state_mu_) = false;
  absl::Status bg_error_ ABSL_GUARDED_BY(state_mu_);
  absl::CondVar flush_cv_;  // work for the flush thread
  absl::CondVar done_cv_;   // a flush finished
  uint64_t visible_seq_ ABSL_GUARDED_BY(state_mu_) = 0;
  // Where every external source stands after the last committed group.
  SourcePositions applied_positions_ ABSL_GUARDED_BY(state_mu_);
  EngineStats stats_ ABSL_GUARDED_BY(state_mu_);

  uint64_t next_file_number_ = 1;  // flush thread (manifest owner)
  // Flush thread: each shard's working sessionizer and checkpoint file name.
  std::vector<std::unique_ptr<Sessionizer>> sessionizers_;
  std::vector<std::string> checkpoint_files_;
  std::unique_ptr<storage::LogWriter> late_log_;  // opened on first use
  SettingsById settings_by_id_;
  RealtimeTracker realtime_;
  std::thread flush_thread_;
};

}  // namespace strata::engine
