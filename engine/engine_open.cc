// Engine::Open and recovery: lock, manifest, catalog, segments, orphans, WAL replay.
#include <cstdio>
#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/engine_impl.h"
#include "engine/rollup/rollup.h"

namespace strata::engine {
namespace {

constexpr char kShardsProperty[] = "shards";

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

std::string FlushedSeqProperty(uint32_t shard) {
  return absl::StrCat("shard.", shard, ".flushed_seq");
}

uint32_t ShardOf(std::string_view merchant, uint32_t shards) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64: stable across builds and machines
  for (char c : merchant) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return static_cast<uint32_t>(h & (shards - 1));
}

std::string SegmentPath(const std::string& data_dir, uint64_t id) {
  char name[32];
  std::snprintf(name, sizeof(name), "%06llu.seg", static_cast<unsigned long long>(id));
  return storage::JoinPath(storage::JoinPath(data_dir, "segments"), name);
}

uint32_t Snapshot::ShardOfMerchant(uint32_t merchant) const {
  return ShardOf(catalog->MerchantName(merchant), static_cast<uint32_t>(sessionizers.size()));
}

SegmentHandle::~SegmentHandle() {
  if (obsolete_) {
    reader_.reset();
    (void)storage::RemoveFile(path_);
  }
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (!IsPowerOfTwo(options.shards)) {
    return absl::InvalidArgumentError(
        absl::StrCat("shards must be a power of two, got ", options.shards));
  }
  auto engine = std::make_unique<EngineImpl>(options);
  RETURN_IF_ERROR(engine->OpenAndRecover());
  return std::unique_ptr<Engine>(std::move(engine));
}

absl::Status EngineImpl::LockAndOpenManifest() {
  const std::string& dir = options_.data_dir;
  if (!options_.read_only) {
    RETURN_IF_ERROR(storage::CreateDirs(storage::JoinPath(dir, "segments")));
    ASSIGN_OR_RETURN(lock_, storage::DirLock::Acquire(dir, storage::LockMode::kExclusive));
    ASSIGN_OR_RETURN(manifest_, storage::Manifest::Open(dir));
    return absl::OkStatus();
  }
  // A read-only open creates nothing, so a directory without data is an error, not a new
  // database.
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no Strata data directory at ", dir));
  }
  auto lock = storage::DirLock::Acquire(dir, storage::LockMode::kShared);
  if (lock.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("no Strata data directory at ", dir, " (it has no LOCK file)"));
  }
  RETURN_IF_ERROR(lock.status());
  lock_ = std::move(*lock);
  auto manifest = storage::Manifest::OpenReadOnly(dir);
  if (manifest.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("no Strata data directory at ", dir, " (it has no CURRENT file)"));
  }
  RETURN_IF_ERROR(manifest.status());
  manifest_ = std::move(*manifest);
  return absl::OkStatus();
}

absl::Status EngineImpl::OpenAndRecover() {
  const std::string& dir = options_.data_dir;
  const bool read_only = options_.read_only;
  RETURN_IF_ERROR(LockAndOpenManifest());
  if (!manifest_->torn_tail_report().empty())
    recovery_.torn_tails.push_back(manifest_->torn_tail_report());

  // The shard count is fixed when the directory is created.
  const auto& props = manifest_->state().properties;
  if (auto it = props.find(kShardsProperty); it != props.end()) {
    if (!absl::SimpleAtoi(it->second, &shard_count_) || !IsPowerOfTwo(shard_count_)) {
      return absl::DataLossError(
          absl::StrCat(dir, ": manifest has a bad shard count '", it->second, "'"));
    }
  } else if (read_only) {
    shard_count_ = options_.shards;  // no writer finished creating it, so it holds nothing
  } else {
    storage::ManifestEdit edit;
    edit.properties[kShardsProperty] = absl::StrCat(options_.shards);
    RETURN_IF_ERROR(manifest_->LogAndApply(edit));
    shard_count_ = options_.shards;
  }
  next_file_number_ = std::max<uint64_t>(1, manifest_->state().next_file_number);

  std::string torn;
  const uint64_t catalog_checkpoint = manifest_->state().catalog_checkpoint;
  ASSIGN_OR_RETURN(catalog_, read_only ? Catalog::OpenReadOnly(dir, catalog_checkpoint, &torn)
                                       : Catalog::Open(dir, catalog_checkpoint, &torn));
  if (!torn.empty()) recovery_.torn_tails.push_back(torn);

  {
    absl::MutexLock lock(&state_mu_);
    shards_.resize(shard_count_);
    for (uint32_t s = 0; s < shard_count_; ++s) {
      shards_[s].mem = std::make_shared<Memtable>();
      uint64_t flushed = 0;
      if (auto it = props.find(FlushedSeqProperty(s)); it != props.end())
        (void)absl::SimpleAtoi(it->second, &flushed);
      shards_[s].flushed_seq = flushed;
      next_seq_ = std::max(next_seq_, flushed + 1);
      if (auto it = props.find(SourcesProperty(s)); it != props.end()) {
        ASSIGN_OR_RETURN(shards_[s].durable_positions, DecodeSourcePositions(it->second));
      }
    }
  }
  settings_by_id_ = MakeSettingsById();
  RETURN_IF_ERROR(LoadSegments());
  if (!read_only) RETURN_IF_ERROR(RemoveOrphans());
  RETURN_IF_ERROR(LoadSessionizers());
  RETURN_IF_ERROR(SeedRealtime());
  RETURN_IF_ERROR(ReplayWal());
  if (!read_only) flush_thread_ = std::thread([this] { FlushLoop(); });
  return absl::OkStatus();
}

absl::Status EngineImpl::LoadSegments() {
  absl::MutexLock lock(&state_mu_);
  std::vector<std::shared_ptr<SegmentHandle>> rollups;
  for (const auto& [id, meta] : manifest_->state().segments) {
    std::string path = SegmentPath(options_.data_dir, id);
    auto reader = storage::SegmentReader::Open(path);
    if (!reader.ok()) {
      return absl::Status(reader.status().code(),
                          absl::StrCat("opening segment ", id,
                                       " listed in the manifest: ", reader.status().message()));
    }
    auto handle = std::make_shared<SegmentHandle>(meta, path, std::move(*reader));
    switch (meta.kind) {
      case storage::SegmentMeta::kEvents:
        segments_[id] = std::move(handle);
        break;
      case storage::SegmentMeta::kSessions:
        session_segments_[id] = std::move(handle);
        break;
      case storage::SegmentMeta::kPageviews:
        pageview_segments_[id] = std::move(handle);
        break;
      case storage::SegmentMeta::kRollup:
        rollups.push_back(std::move(handle));
        break;
    }
    next_file_number_ = std::max(next_file_number_, id + 1);
  }
  // Companions attach to their base before anything is published.
  for (auto& file : rollups) {
    const uint64_t base_id = file->meta().base;
    SegmentHandle* base = nullptr;
    if (auto it = segments_.find(base_id); it != segments_.end()) base = it->second.get();
    if (auto it = session_segments_.find(base_id); it != session_segments_.end())
      base = it->second.get();
    if (base == nullptr) {
      return absl::DataLossError(absl::StrCat("rollup segment ", file->meta().id,
                                              " summarizes segment ", base_id,
                                              ", which the manifest does not list"));
    }
    auto segment = RollupSegment::Open(&file->reader());
    if (!segment.ok()) {
      return absl::Status(segment.status().code(),
                          absl::StrCat("opening rollup segment ", file->meta().id, ": ",
                                       segment.status().message()));
    }
    base->AttachRollup(std::move(file), std::move(*segment));
  }
  recovery_.segments = manifest_->state().segments.size();
  return absl::OkStatus();
}

// A crash between writing a segment and logging its manifest edit leaves a file the
// manifest does not know: it holds no acknowledged-only data (the WAL still has it).
absl::Status EngineImpl::RemoveOrphans() {
  std::string seg_dir = storage::JoinPath(options_.data_dir, "segments");
  ASSIGN_OR_RETURN(std::vector<std::string> names, storage::ListDir(seg_dir));
  const auto& live = manifest_->state().segments;
  for (const std::string& name : names) {
    uint64_t id = 0;
    bool is_segment = name.size() > 4 && name.substr(name.size() - 4) == ".seg" &&
                      absl::SimpleAtoi(name.substr(0, name.size() - 4), &id);
    if (is_segment && live.count(id) > 0) continue;
    RETURN_IF_ERROR(storage::RemoveFile(storage::JoinPath(seg_dir, name)));
  }
  // Sessionizer checkpoints no manifest property names (a crash before their edit, or
  // after the edit but before the old one was deleted).
  std::string ckpt_dir = storage::JoinPath(options_.data_dir, "sessionizer");
  if (!storage::FileExists(ckpt_dir)) return absl::OkStatus();
  ASSIGN_OR_RETURN(names, storage::ListDir(ckpt_dir));
  std::set<std::string> named;
  for (const auto& [key, value] : manifest_->state().properties) {
    if (absl::EndsWith(key, ".sessionizer")) named.insert(value);
  }
  for (const std::string& name : names) {
    if (named.count(name) == 0)
      RETURN_IF_ERROR(storage::RemoveFile(storage::JoinPath(ckpt_dir, name)));
  }
  return absl::OkStatus();
}

absl::Status EngineImpl::ReplayWal() {
  std::vector<uint64_t> flushed(shard_count_);
  {
    absl::MutexLock lock(&state_mu_);
    for (uint32_t s = 0; s < shard_count_; ++s) flushed[s] = shards_[s].flushed_seq;
  }
  auto replay = [&](uint64_t seq, Event& event) {
    uint32_t shard = ShardOf(event.merchant, shard_count_);
    if (seq <= flushed[shard]) {
      recovery_.wal_events_skipped++;
      return absl::OkStatus();
    }
    InsertOne(event, seq);
    recovery_.wal_events_replayed++;
    return absl::OkStatus();
  };
  WalReplayReport report;
  if (options_.read_only) {
    RETURN_IF_ERROR(Wal::ReadOnlyReplay(options_.data_dir, replay, &report));
  } else {
    ASSIGN_OR_RETURN(wal_, Wal::Open(options_.data_dir, options_.wal_file_bytes, replay, &report));
  }
  recovery_.wal_files = report.files;
  if (!report.torn_tail.empty()) recovery_.torn_tails.push_back(report.torn_tail);
  next_seq_ = std::max(next_seq_, report.last_seq + 1);
  {
    absl::MutexLock lock(&state_mu_);
    for (ShardState& shard : shards_) {
      shard.mem->Publish();
      shard.mem_floor_seq = shard.mem->empty() ? next_seq_ : shard.mem->min_seq();
    }
    visible_seq_ = next_seq_ - 1;
    stats_.last_sequence = visible_seq_;
  }
  // Ids re-assigned during replay (their catalog entries were lost) become durable now
  // (a read-only engine keeps them in memory: the next writer re-derives them the same way).
  if (options_.read_only) return absl::OkStatus();
  return catalog_->Persist(/*sync=*/true);
}

}  // namespace strata::engine
