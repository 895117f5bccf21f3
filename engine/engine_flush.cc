// The flush thread: frozen memtable -> one segment per day -> one manifest edit ->
// published to readers -> obsolete WAL files deleted. Also snapshots, stats and Close.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/engine_impl.h"

namespace strata::engine {

void EngineImpl::FlushLoop() {
  while (true) {
    FlushTask task;
    bool age_check = false;
    {
      absl::MutexLock lock(&state_mu_);
      while (flush_queue_.empty() && !stop_) {
        if (flush_cv_.WaitWithTimeout(&state_mu_, absl::Seconds(1))) {
          age_check = true;  // woke by timeout: look for memtables past their max age
          break;
        }
      }
      if (flush_queue_.empty()) {
        if (stop_) return;
        if (!age_check) continue;
      } else {
        task = flush_queue_.front();
        flush_running_ = true;
        age_check = false;
      }
    }
    if (age_check) {
      // Quiet merchants leave the realtime state only through this wall-clock expiry.
      realtime_.Expire(absl::ToUnixMicros(absl::Now()));
      Writer w;
      w.freeze_old = true;
      (void)Enqueue(&w);  // errors surface through bg_error_ to writers
      continue;
    }
    const absl::Time flush_start = absl::Now();
    absl::Status s = FlushMemtable(task);
    uint64_t oldest_needed;
    {
      absl::MutexLock lock(&state_mu_);
      flush_queue_.pop_front();
      flush_running_ = false;
      stats_.flush_micros += absl::ToInt64Microseconds(absl::Now() - flush_start);
      if (!s.ok() && bg_error_.ok()) {
        bg_error_ = absl::Status(s.code(),
                                 absl::StrCat("flush failed, engine is read-only: ", s.message()));
      }
      oldest_needed = OldestNeededSeqLocked();
      done_cv_.SignalAll();
    }
    if (s.ok()) {
      absl::Status d = wal_->DeleteObsolete(oldest_needed);
      if (!d.ok()) {
        absl::MutexLock lock(&state_mu_);
        if (bg_error_.ok()) bg_error_ = d;
      }
    }
  }
}

absl::Status EngineImpl::FlushMemtable(const FlushTask& task) {
  const Memtable& mem = *task.memtable;
  std::vector<FlushPart> parts = mem.BuildFlushParts(mem.rows());

  storage::SegmentWriterOptions writer_options;
  writer_options.key_column = kColMerchant;
  writer_options.time_column = kColTs;

  storage::ManifestEdit edit;
  std::vector<std::shared_ptr<SegmentHandle>> handles;
  Derived derived;
  uint64_t bytes = 0;
  absl::Duration process_time;
  for (FlushPart& part : parts) {
    ASSIGN_OR_RETURN(std::shared_ptr<SegmentHandle> handle,
                     WriteDerivedSegment(task.shard, storage::SegmentMeta::kEvents, 0,
                                         writer_options, part.columns));
    edit.added.push_back(handle->meta());
    bytes += handle->meta().file_size;
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(ProcessEventsPart(task.shard, part, handle.get(), &edit, &derived));
    process_time += absl::Now() - start;
    handles.push_back(std::move(handle));
  }
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(FinishShardProcessing(task.shard, &edit, &derived));
  process_time += absl::Now() - start;
  // The segments reference catalog ids: make them durable first (in relaxed WAL mode
  // the catalog log was written but not synced at commit).
  ASSIGN_OR_RETURN(uint64_t catalog_durable, catalog_->SyncLog());
  edit.catalog_checkpoint = catalog_durable;
  edit.next_file_number = next_file_number_;
  edit.properties[FlushedSeqProperty(task.shard)] = absl::StrCat(mem.max_seq());
  std::vector<std::pair<uint32_t, SourcePositions>> positions = RecordSourcePositions(task, &edit);
  RETURN_IF_ERROR(manifest_->LogAndApply(edit));
  if (!derived.old_checkpoint.empty()) {
    (void)storage::RemoveFile(storage::JoinPath(storage::JoinPath(options_.data_dir, "sessionizer"),
                                                derived.old_checkpoint));
  }
  auto published = std::make_shared<const Sessionizer>(*sessionizers_[task.shard]);

  // One critical section: a snapshot sees either the memtable or what replaced it (its
  // segments and the sessionizer that consumed it), never both, which would count its
  // events and sessions twice.
  absl::MutexLock lock(&state_mu_);
  ShardState& flushed = shards_[task.shard];
  flushed.frozen.pop_front();
  flushed.flushed_seq = mem.max_seq();
  frozen_bytes_ -= std::min(frozen_bytes_, mem.MemoryBytes());
  for (auto& h : handles) segments_[h->meta().id] = std::move(h);
  for (auto& h : derived.sessions) session_segments_[h->meta().id] = std::move(h);
  for (auto& h : derived.pageviews) pageview_segments_[h->meta().id] = std::move(h);
  flushed.published_sessionizer = std::move(published);
  for (auto& [shard, covered] : positions) shards_[shard].durable_positions = std::move(covered);
  stats_.flushes++;
  stats_.segments_written += parts.size();
  stats_.segment_bytes_written += bytes;
  stats_.sessions_written += derived.sessions_rows;
  stats_.rollup_segments_written += derived.rollup_segments;
  stats_.rollup_bytes_written += derived.rollup_bytes;
  stats_.late_events += derived.late_events;
  stats_.process_micros += absl::ToInt64Microseconds(process_time);
  return absl::OkStatus();
}

uint64_t EngineImpl::OldestNeededSeqLocked() const {
  uint64_t oldest = next_seq_;
  for (const ShardState& s : shards_) {
    oldest = std::min(oldest, s.mem_floor_seq);
    for (const auto& f : s.frozen) oldest = std::min(oldest, f->min_seq());
  }
  return oldest;
}

std::shared_ptr<const Snapshot> EngineImpl::GetSnapshot() const {
  auto snap = std::make_shared<Snapshot>();
  snap->catalog = catalog_.get();
  absl::MutexLock lock(&state_mu_);
  snap->sequence = visible_seq_;
  snap->realtime = &realtime_;
  snap->settings = settings_by_id_;
  snap->segments.reserve(segments_.size());
  for (const auto& [id, handle] : segments_) snap->segments.push_back(handle);
  for (const auto& [id, handle] : session_segments_) snap->session_segments.push_back(handle);
  for (const auto& [id, handle] : pageview_segments_) snap->pageview_segments.push_back(handle);
  snap->sessionizers.reserve(shard_count_);
  for (const ShardState& s : shards_) snap->sessionizers.push_back(s.published_sessionizer);
  for (uint32_t i = 0; i < shard_count_; ++i) {
    const ShardState& s = shards_[i];
    for (const auto& f : s.frozen) snap->memtables.push_back({i, f, f->visible_rows()});
    if (s.mem->visible_rows() > 0) snap->memtables.push_back({i, s.mem, s.mem->visible_rows()});
  }
  return snap;
}

EngineStats EngineImpl::stats() const {
  absl::MutexLock lock(&state_mu_);
  EngineStats out = stats_;
  out.memtable_rows = 0;
  out.memtable_bytes = frozen_bytes_;
  for (const ShardState& s : shards_) {
    if (s.published_sessionizer) out.held_sessions += s.published_sessionizer->held_sessions();
    out.memtable_rows += s.mem->visible_rows();
    for (const auto& f : s.frozen) out.memtable_rows += f->visible_rows();
  }
  return out;
}

absl::Status EngineImpl::Close() {
  if (closed_) return absl::OkStatus();
  absl::Status status;
  // A read-only engine has no flush thread, so it never flushes here.
  if (options_.flush_on_close && flush_thread_.joinable()) status = Flush();
  {
    absl::MutexLock lock(&state_mu_);
    stop_ = true;
    flush_cv_.SignalAll();
    done_cv_.SignalAll();
  }
  if (flush_thread_.joinable()) flush_thread_.join();
  if (wal_ && status.ok()) status = wal_->Sync();
  if (wal_ && status.ok() && options_.flush_on_close) {
    // Everything is in segments now: drop the whole log so the next open replays nothing.
    status = wal_->Rotate();
    if (status.ok()) status = wal_->DeleteObsolete(next_seq_);
  }
  closed_ = true;
  lock_.reset();
  return status;
}

EngineImpl::~EngineImpl() { (void)Close(); }

}  // namespace strata::engine
