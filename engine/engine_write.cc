// The write path: group commit (leader/follower queue, as in leveldb's DBImpl::Write),
// catalog id resolution, WAL append + sync, memtable insertion, freezing for flush.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/engine_impl.h"
#include "engine/schema.h"

namespace strata::engine {
namespace {

// A group stops growing at this many events so one commit's latency stays bounded.
constexpr size_t kMaxGroupEvents = 256 * 1024;

}  // namespace

absl::Status EngineImpl::Append(absl::Span<const Event> events, const SourcePositions& advance) {
  if (options_.read_only) return absl::FailedPreconditionError("engine opened read-only");
  if (!advance.empty()) {
    // With a WAL, a restart would replay events past the recorded positions and the
    // source would deliver them again.
    if (options_.write_ahead_log) {
      return absl::FailedPreconditionError(
          "source positions need an engine opened with write_ahead_log off (the source is "
          "the log)");
    }
    for (const auto& [key, offset] : advance) {
      if (key.empty() || key.find_first_of("=;") != std::string::npos || offset < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad source position '", key, "' = ", offset,
                         " (keys are non-empty without '=' or ';', offsets >= 0)"));
      }
    }
  }
  if (events.empty() && advance.empty()) return absl::OkStatus();
  Writer w;
  w.events = events;
  w.advance = advance.empty() ? nullptr : &advance;
  if (options_.write_ahead_log) {
    // Encoding here, in the caller's thread, keeps it off the single commit leader.
    thread_local std::string encoded;
    encoded.clear();
    for (const Event& e : events) EncodeEvent(e, &encoded);
    w.encoded = encoded;
  }
  return Enqueue(&w);
}

absl::Status EngineImpl::Enqueue(Writer* w) {
  if (!w->events.empty()) WaitForFlushBudget();  // control writers (flush) never wait
  absl::MutexLock lock(&write_mu_);
  writers_.push_back(w);
  while (!w->done && w != writers_.front()) w->cv.Wait(&write_mu_);
  if (w->done) return w->status;

  // This writer leads: take every queued writer (up to the size cap) into one group.
  std::vector<Writer*> group;
  size_t events = 0;
  for (Writer* x : writers_) {
    if (!group.empty() && events + x->events.size() > kMaxGroupEvents) break;
    group.push_back(x);
    events += x->events.size();
  }
  // Followers only wait on their CondVar, so the queue may be released while committing;
  // no other leader can start until this group is popped.
  write_mu_.Unlock();
  absl::Status status = CommitGroup(group);
  write_mu_.Lock();

  for (Writer* x : group) {
    writers_.pop_front();
    if (x == w) continue;
    x->status = status;
    x->done = true;
    x->cv.Signal();
  }
  if (!writers_.empty()) writers_.front()->cv.Signal();
  return status;
}

absl::Status EngineImpl::CommitGroup(const std::vector<Writer*>& group) {
  {
    absl::MutexLock lock(&state_mu_);
    if (!bg_error_.ok()) return bg_error_;
  }
  std::vector<const Event*> events;
  bool flush_all = false, freeze_old = false, advances = false;
  for (Writer* w : group) {
    advances |= w->advance != nullptr;
    for (const Event& e : w->events) events.push_back(&e);
    flush_all |= w->flush_all;
    freeze_old |= w->freeze_old;
  }
  if (!events.empty()) {
    const uint64_t first_seq = next_seq_;
    // Merchant ids and shards first, serially: the merchant map is small and hot.
    merchant_scratch_.resize(events.size());
    shard_scratch_.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      uint32_t m = catalog_->ResolveMerchant(events[i]->merchant);
      merchant_scratch_[i] = m;
      shard_scratch_[i] = ShardOfMerchantId(m, events[i]->merchant);
    }
    absl::Status s = ApplyGroup(group, events, first_seq);
    // New catalog entries are written (not synced): the flush syncs them before any
    // segment uses them, and WAL replay would re-derive the same ids (catalog.h).
    if (s.ok()) s = catalog_->Persist(/*sync=*/false);
    if (!s.ok()) {
      // The WAL or catalog log may now end in a partial record: refuse further writes
      // until reopened (recovery truncates what is torn).
      absl::MutexLock lock(&state_mu_);
      bg_error_ = absl::Status(
          s.code(), absl::StrCat("write path failed, engine is read-only: ", s.message()));
      return bg_error_;
    }
    next_seq_ += events.size();
    PublishGroup(events.size(), group);
  } else if (advances) {
    PublishGroup(0, group);  // messages that held no (new) events still move the sources
  }
  MaybeFreeze(flush_all, freeze_old);
  return absl::OkStatus();
}

uint32_t EngineImpl::ShardOfMerchantId(uint32_t id, std::string_view name) {
  if (id >= shard_of_merchant_.size()) shard_of_merchant_.resize(id + 1, UINT32_MAX);
  if (shard_of_merchant_[id] == UINT32_MAX) shard_of_merchant_[id] = ShardOf(name, shard_count_);
  return shard_of_merchant_[id];
}

void EngineImpl::InsertOne(const Event& e, uint64_t seq) {
  uint32_t m = catalog_->ResolveMerchant(e.merchant);
  uint32_t shard = ShardOfMerchantId(m, e.merchant);
  // The leader is the only writer of memtable pointers, so reading them is safe; the
  // lock is needed only to swap one in FreezeLocked.
  Memtable* mem;
  {
    absl::MutexLock lock(&state_mu_);
    mem = shards_[shard].mem.get();
  }
  InsertRow(e, m, shard, seq, mem);
}

void EngineImpl::InsertShards(const std::vector<const Event*>& events, uint64_t first_seq,
                              std::vector<Memtable*>& mems) {
  for (size_t i = 0; i < events.size(); ++i) {
    const uint32_t shard = shard_scratch_[i];
    InsertRow(*events[i], merchant_scratch_[i], shard, first_seq + i, mems[shard]);
  }
}

void EngineImpl::InsertRow(const Event& e, uint32_t merchant, uint32_t shard, uint64_t seq,
                           Memtable*& mem) {
  if (mem->NearlyFull()) {
    absl::MutexLock lock(&state_mu_);
    FreezeLocked(shard, seq);
    mem = shards_[shard].mem.get();
  }
  std::string_view params;
  if (!e.params.empty()) {
    params_scratch_ = EncodeParams(e.params);
    params = params_scratch_;
  }
  const uint32_t client = catalog_->ResolveClient(merchant, e.client_id);
  mem->Add(e, merchant, client, params, seq);
  realtime_.Observe(merchant, client, e.ts_us, e.event, e.page, e.item_id);
}

absl::Status EngineImpl::WriteWal(const std::vector<Writer*>& group, size_t events,
                                  uint64_t first_seq) {
  wal_pieces_.clear();
  for (const Writer* w : group) {
    if (!w->encoded.empty()) wal_pieces_.push_back(w->encoded);
  }
  RETURN_IF_ERROR(wal_->Append(first_seq, events, wal_pieces_));
  if (options_.wal_sync == WalSyncMode::kSync) RETURN_IF_ERROR(wal_->Sync());
  return absl::OkStatus();
}

// Writes the group's WAL record, then resolves client ids and inserts the rows. Rows stay
// invisible until PublishGroup, which runs only after the WAL write succeeded.
//
// A variant that inserted half of the shards on a second thread was measured slower on
// 2 cores (more CPU in total, no gain in wall time: the parser and flush threads already
// use the second core), so the write path stays on one thread.
absl::Status EngineImpl::ApplyGroup(const std::vector<Writer*>& group,
                                    const std::vector<const Event*>& events, uint64_t first_seq) {
  if (options_.write_ahead_log) RETURN_IF_ERROR(WriteWal(group, events.size(), first_seq));
  std::vector<Memtable*> mems(shard_count_);
  {
    absl::MutexLock lock(&state_mu_);
    for (uint32_t s = 0; s < shard_count_; ++s) {
      // A memtable frozen in the middle of a group would cover source positions only up to
      // the previous group while holding some of this one's events: freeze it before.
      if (shards_[s].mem->rows() + events.size() > Memtable::kMaxRows) FreezeLocked(s, first_seq);
      mems[s] = shards_[s].mem.get();
    }
  }
  InsertShards(events, first_seq, mems);
  return absl::OkStatus();
}

void EngineImpl::PublishGroup(size_t events, const std::vector<Writer*>& group) {
  absl::MutexLock lock(&state_mu_);
  for (const Writer* w : group) {
    if (w->advance != nullptr) AdvanceSourcePositions(*w->advance, &applied_positions_);
  }
  for (ShardState& shard : shards_) {
    shard.mem->Publish();
    if (shard.mem->empty()) shard.mem_floor_seq = next_seq_;
  }
  visible_seq_ = next_seq_ - 1;
  stats_.events_appended += events;
  stats_.groups_committed++;
  stats_.last_sequence = visible_seq_;
  stats_.wal_bytes = wal_->bytes_written();
}

void EngineImpl::FreezeLocked(uint32_t shard, uint64_t floor_seq) {
  ShardState& s = shards_[shard];
  if (s.mem->empty()) return;
  s.mem->Publish();
  frozen_bytes_ += s.mem->MemoryBytes();
  s.frozen.push_back(s.mem);
  flush_queue_.push_back({shard, s.mem, applied_positions_});
  s.mem = std::make_shared<Memtable>();
  s.mem_floor_seq = floor_seq;
  flush_cv_.Signal();
}

void EngineImpl::MaybeFreeze(bool flush_all, bool freeze_old) {
  absl::MutexLock lock(&state_mu_);
  size_t total = frozen_bytes_;
  uint32_t largest = 0;
  size_t largest_bytes = 0;
  const absl::Time now = absl::Now();
  for (uint32_t i = 0; i < shard_count_; ++i) {
    ShardState& s = shards_[i];
    if (s.mem->empty()) continue;
    bool old = freeze_old && now - s.mem->created() >= options_.memtable_max_age;
    if (flush_all || old || s.mem->rows() >= options_.memtable_max_rows) {
      FreezeLocked(i, next_seq_);
      continue;
    }
    size_t bytes = s.mem->MemoryBytes();
    total += bytes;
    if (bytes > largest_bytes) {
      largest_bytes = bytes;
      largest = i;
    }
  }
  if (total > options_.memtable_budget_bytes && largest_bytes > 0) FreezeLocked(largest, next_seq_);
}

// Back-pressure: while frozen memtables waiting for flush exceed the budget, writers
// wait, so memory stays bounded when ingest outruns the disk.
void EngineImpl::WaitForFlushBudget() {
  absl::MutexLock lock(&state_mu_);
  if (frozen_bytes_ <= options_.memtable_budget_bytes) return;
  const absl::Time start = absl::Now();
  while (frozen_bytes_ > options_.memtable_budget_bytes && bg_error_.ok() && !stop_) {
    done_cv_.Wait(&state_mu_);
  }
  stats_.write_stall_micros += absl::ToInt64Microseconds(absl::Now() - start);
}

absl::Status EngineImpl::Flush() {
  if (options_.read_only) return absl::FailedPreconditionError("engine opened read-only");
  Writer w;
  w.flush_all = true;
  RETURN_IF_ERROR(Enqueue(&w));
  absl::MutexLock lock(&state_mu_);
  while ((!flush_queue_.empty() || flush_running_) && bg_error_.ok()) done_cv_.Wait(&state_mu_);
  return bg_error_;
}

}  // namespace strata::engine
