// Processing on the flush thread: each flushed events part feeds the shard's sessionizer
// and gets a companion rollup; then the sessions that became final, their pageviews, their
// rollup and the sessionizer checkpoint join the same manifest edit as the events
// segments, so recovery always finds derived data that matches the flushed events.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/crc32c.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "engine/engine_impl.h"
#include "engine/rollup/rollup.h"
#include "engine/scan.h"
#include "engine/sessions/live_sessions.h"

namespace strata::engine {
namespace {

constexpr char kCheckpointDir[] = "sessionizer";
constexpr char kLateLogName[] = "late_events.log";
constexpr uint8_t kLateEventsRecord = 1;

std::string SessionizerProperty(uint32_t shard) {
  return absl::StrCat("shard.", shard, ".sessionizer");
}

// Checkpoint file: masked CRC-32C (fixed32) of the payload, then the payload.
std::string FrameCheckpoint(std::string_view payload) {
  std::string out;
  PutFixed32(&out, crc32c::Mask(crc32c::Value(payload.data(), payload.size())));
  out.append(payload);
  return out;
}

absl::StatusOr<std::string_view> UnframeCheckpoint(const std::string& path, std::string_view file) {
  if (file.size() < 4) return absl::DataLossError(absl::StrCat(path, ": truncated checkpoint"));
  uint32_t stored = DecodeFixed32(file.data());
  std::string_view payload = file.substr(4);
  if (crc32c::Unmask(stored) != crc32c::Value(payload.data(), payload.size())) {
    return absl::DataLossError(absl::StrCat(path, ": checkpoint checksum mismatch"));
  }
  return payload;
}

}  // namespace

SettingsById EngineImpl::MakeSettingsById() const {
  MerchantSettingsProvider provider =
      options_.merchant_settings ? options_.merchant_settings : DefaultMerchantSettings();
  const Catalog* catalog = catalog_.get();
  return
      [provider, catalog](uint32_t merchant) { return provider(catalog->MerchantName(merchant)); };
}

absl::StatusOr<std::shared_ptr<SegmentHandle>> EngineImpl::WriteDerivedSegment(
    uint32_t shard, storage::SegmentMeta::Kind kind, uint64_t base,
    const storage::SegmentWriterOptions& writer_options,
    absl::Span<const storage::ColumnInput> columns) {
  storage::SegmentWriterOptions w = writer_options;
  w.rows_per_block = options_.rows_per_block;
  w.compression = options_.compression;
  w.zstd_level = options_.zstd_level;
  const uint64_t id = next_file_number_++;
  std::string path = SegmentPath(options_.data_dir, id);
  ASSIGN_OR_RETURN(storage::SegmentSummary summary, storage::WriteSegment(path, w, columns));
  storage::SegmentMeta meta;
  meta.id = id;
  meta.shard = shard;
  meta.day = DayOf(summary.min_ts);
  meta.rows = summary.rows;
  meta.min_ts = summary.min_ts;
  meta.max_ts = summary.max_ts;
  meta.file_size = summary.file_size;
  meta.kind = kind;
  meta.base = base;
  ASSIGN_OR_RETURN(auto reader, storage::SegmentReader::Open(path));
  return std::make_shared<SegmentHandle>(meta, path, std::move(reader));
}

absl::Status EngineImpl::AddRollup(std::optional<std::vector<storage::ColumnInput>> rollup,
                                   SegmentHandle* base, storage::ManifestEdit* edit,
                                   Derived* derived) {
  if (!rollup.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::shared_ptr<SegmentHandle> file,
                   WriteDerivedSegment(base->meta().shard, storage::SegmentMeta::kRollup,
                                       base->meta().id, RollupWriterOptions(), *rollup));
  ASSIGN_OR_RETURN(std::unique_ptr<RollupSegment> segment, RollupSegment::Open(&file->reader()));
  edit->added.push_back(file->meta());
  derived->rollup_segments++;
  derived->rollup_bytes += file->meta().file_size;
  base->AttachRollup(std::move(file), std::move(segment));
  return absl::OkStatus();
}

absl::Status EngineImpl::ProcessEventsPart(uint32_t shard, const FlushPart& part,
                                           SegmentHandle* segment, storage::ManifestEdit* edit,
                                           Derived* derived) {
  AddFlushPart(part.columns, *catalog_, sessionizers_[shard].get());
  RollupBuildOptions rollup_options;
  rollup_options.min_rows = options_.rollup_min_rows;
  rollup_options.settings = settings_by_id_;
  return AddRollup(BuildEventRollup(part.columns, rollup_options), segment, edit, derived);
}

absl::Status EngineImpl::FinishShardProcessing(uint32_t shard, storage::ManifestEdit* edit,
                                               Derived* derived) {
  Sessionizer& sessionizer = *sessionizers_[shard];
  std::vector<SessionRow> sessions;
  std::vector<PageviewRow> pageviews;
  sessionizer.Advance(&sessions, &pageviews);
  if (!sessions.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<SegmentHandle> handle,
                     WriteDerivedSegment(shard, storage::SegmentMeta::kSessions, 0,
                                         SessionWriterOptions(), SessionRowsToColumns(sessions)));
    edit->added.push_back(handle->meta());
    RollupBuildOptions rollup_options;
    rollup_options.min_rows = options_.rollup_min_rows;
    rollup_options.settings = settings_by_id_;
    RETURN_IF_ERROR(
        AddRollup(BuildSessionRollup(sessions, rollup_options), handle.get(), edit, derived));
    derived->sessions_rows += sessions.size();
    derived->sessions.push_back(std::move(handle));
  }
  if (!pageviews.empty()) {
    ASSIGN_OR_RETURN(
        std::shared_ptr<SegmentHandle> handle,
        WriteDerivedSegment(shard, storage::SegmentMeta::kPageviews, 0, PageviewWriterOptions(),
                            PageviewRowsToColumns(pageviews)));
    edit->added.push_back(handle->meta());
    derived->pageviews.push_back(std::move(handle));
  }
  std::vector<LateEvent> late = sessionizer.TakeLateEvents();
  RETURN_IF_ERROR(LogLateEvents(late));
  derived->late_events += late.size();

  // The checkpoint: written under a fresh name, named by the edit, the old one deleted
  // once the edit is durable.
  char name[48];
  std::snprintf(name, sizeof(name), "shard-%03u-%06llu.ckpt", shard,
                static_cast<unsigned long long>(next_file_number_++));
  const std::string dir = storage::JoinPath(options_.data_dir, kCheckpointDir);
  RETURN_IF_ERROR(storage::CreateDirs(dir));
  RETURN_IF_ERROR(storage::WriteFileAtomic(storage::JoinPath(dir, name),
                                           FrameCheckpoint(sessionizer.EncodeCheckpoint())));
  edit->properties[SessionizerProperty(shard)] = name;
  derived->old_checkpoint = checkpoint_files_[shard];
  checkpoint_files_[shard] = name;
  return absl::OkStatus();
}

absl::Status EngineImpl::LogLateEvents(const std::vector<LateEvent>& late) {
  if (late.empty()) return absl::OkStatus();
  if (late_log_ == nullptr) {
    ASSIGN_OR_RETURN(late_log_,
                     storage::LogWriter::Open(storage::JoinPath(options_.data_dir, kLateLogName)));
  }
  // One record per flush: (merchant, client, ts) triples by name, for a later rebuild.
  std::string record;
  for (const LateEvent& e : late) {
    PutLengthPrefixed(&record, catalog_->MerchantName(e.merchant));
    PutLengthPrefixed(&record, catalog_->ClientName(e.merchant, e.client));
    PutVarsint64(&record, e.ts_us);
  }
  RETURN_IF_ERROR(late_log_->AddRecord(kLateEventsRecord, record));
  return late_log_->Sync();
}

absl::Status EngineImpl::LoadSessionizers() {
  const auto& props = manifest_->state().properties;
  SessionizerOptions options;
  options.allowed_lateness_us = options_.allowed_lateness_us;
  options.settings = settings_by_id_;
  sessionizers_.clear();
  checkpoint_files_.assign(shard_count_, "");
  absl::MutexLock lock(&state_mu_);
  for (uint32_t s = 0; s < shard_count_; ++s) {
    auto sessionizer = std::make_unique<Sessionizer>(options);
    if (auto it = props.find(SessionizerProperty(s)); it != props.end()) {
      const std::string path =
          storage::JoinPath(storage::JoinPath(options_.data_dir, kCheckpointDir), it->second);
      ASSIGN_OR_RETURN(std::string file, storage::ReadFileToString(path));
      ASSIGN_OR_RETURN(std::string_view payload, UnframeCheckpoint(path, file));
      auto decoded = Sessionizer::DecodeCheckpoint(payload, options);
      if (!decoded.ok()) {
        return absl::DataLossError(
            absl::StrCat(path, ": bad sessionizer checkpoint: ", decoded.status().message()));
      }
      sessionizer = std::make_unique<Sessionizer>(std::move(*decoded));
      checkpoint_files_[s] = it->second;
    }
    shards_[s].published_sessionizer = std::make_shared<const Sessionizer>(*sessionizer);
    sessionizers_.push_back(std::move(sessionizer));
  }
  return absl::OkStatus();
}

absl::Status EngineImpl::SeedRealtime() {
  std::shared_ptr<const Snapshot> snap = GetSnapshot();
  int64_t newest = INT64_MIN;
  for (const auto& seg : snap->segments) newest = std::max(newest, seg->meta().max_ts);
  if (newest == INT64_MIN) return absl::OkStatus();
  ScanSpec spec;
  spec.read_memtables = false;
  spec.min_ts = newest - kRealtimeWindowsUs[2];
  spec.columns = {kColMerchant, kColClient, kColTs, kColEvent, kColPage, kColItemId};
  Scanner scanner(snap, spec);
  ColumnBatch batch;
  while (scanner.Next(&batch)) {
    const ColumnVector& merchant = batch.columns[0];
    const ColumnVector& client = batch.columns[1];
    const ColumnVector& ts = batch.columns[2];
    const ColumnVector& event = batch.columns[3];
    const ColumnVector& page = batch.columns[4];
    const ColumnVector& item = batch.columns[5];
    for (size_t r = 0; r < batch.rows; ++r) {
      realtime_.Observe(static_cast<uint32_t>(merchant.ints[r]),
                        static_cast<uint32_t>(client.ints[r]), ts.ints[r],
                        event.dict.value(event.codes[r]), page.dict.value(page.codes[r]),
                        item.dict.value(item.codes[r]));
    }
  }
  return scanner.status();
}

}  // namespace strata::engine
