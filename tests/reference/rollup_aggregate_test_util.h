// Test data for the rollup routing tests: a snapshot built the way the engine's flush
// builds one. Generator events are flushed in batches per shard through real Memtables:
// one events segment per day with its companion rollup, the shard's sessionizer fed with
// each part, its final sessions stored as a sessions segment (with companion) and a
// pageviews segment; the last events stay in memtables. Merchants may have their own time
// zones, and those with fewer than min_rows rows in a segment stay raw only.
//
// Thread safety: test-only; build on one thread, then share the snapshot.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "common/temp_dir.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "engine/memtable.h"
#include "engine/rollup/rollup.h"
#include "engine/sessions/live_sessions.h"
#include "engine/sessions/session_rows.h"
#include "engine/sessions/sessionizer.h"
#include "engine/snapshot.h"
#include "ingest/generator.h"
#include "storage/file.h"
#include "storage/segment.h"

namespace strata::query::rollup_test {

struct DataOptions {
  ingest::GeneratorOptions gen;
  int batches = 4;         // flushes per shard before the memtable tail
  double tail = 0.1;       // fraction of the events left in memtables
  uint32_t min_rows = 64;  // RollupBuildOptions::min_rows
  uint32_t shards = 2;
  // Merchant name -> IANA zone; others are UTC.
  std::map<std::string, std::string> zones;
};

class TestData {
 public:
  static absl::StatusOr<std::unique_ptr<TestData>> Build(const DataOptions& options) {
    auto d = std::unique_ptr<TestData>(new TestData());
    RETURN_IF_ERROR(d->Load(options));
    return d;
  }

  std::shared_ptr<const engine::Snapshot> snapshot() const { return snapshot_; }
  const std::vector<engine::Event>& events() const { return events_; }
  uint64_t segments_with_rollup() const { return segments_with_rollup_; }

 private:
  TestData() = default;

  absl::Status Load(const DataOptions& o) {
    std::string torn;
    ASSIGN_OR_RETURN(catalog_, engine::Catalog::Open(dir_.path(), 0, &torn));
    RETURN_IF_ERROR(storage::CreateDirs(dir_.path() + "/segments"));
    for (const auto& [merchant, zone_name] : o.zones) {
      auto s = std::make_shared<engine::MerchantSettings>();
      s->time_zone = zone_name;
      if (!absl::LoadTimeZone(zone_name, &s->zone)) {
        return absl::InvalidArgumentError(absl::StrCat("unknown zone ", zone_name));
      }
      zones_[merchant] = std::move(s);
    }
    auto defaults = std::make_shared<const engine::MerchantSettings>();
    engine::Catalog* catalog = catalog_.get();
    settings_ = [this, catalog,
                 defaults](uint32_t merchant) -> std::shared_ptr<const engine::MerchantSettings> {
      auto it = zones_.find(catalog->MerchantName(merchant));
      return it == zones_.end() ? defaults : it->second;
    };

    events_ = ingest::Generator::All(o.gen);
    auto snap = std::make_shared<engine::Snapshot>();
    snap->catalog = catalog_.get();
    snap->settings = settings_;
    std::vector<engine::Sessionizer> sessionizers;
    for (uint32_t s = 0; s < o.shards; ++s) {
      engine::SessionizerOptions so;
      so.settings = settings_;
      sessionizers.emplace_back(std::move(so));
    }
    const size_t flushed = events_.size() - static_cast<size_t>(events_.size() * o.tail);
    const size_t per_batch = std::max<size_t>(1, flushed / std::max(1, o.batches));
    std::vector<std::shared_ptr<engine::Memtable>> mems(o.shards);
    size_t in_batch = 0;
    uint64_t seq = 0;
    auto flush_all = [&]() -> absl::Status {
      for (uint32_t s = 0; s < o.shards; ++s) {
        if (mems[s] == nullptr) continue;
        RETURN_IF_ERROR(FlushShard(o, s, *mems[s], &sessionizers[s], snap.get()));
        mems[s] = nullptr;
      }
      return absl::OkStatus();
    };
    for (size_t i = 0; i < events_.size(); ++i) {
      const engine::Event& e = events_[i];
      const uint32_t shard = engine::ShardOf(e.merchant, o.shards);
      const uint32_t m = catalog_->ResolveMerchant(e.merchant);
      const uint32_t c = catalog_->ResolveClient(m, e.client_id);
      if (mems[shard] == nullptr) mems[shard] = std::make_shared<engine::Memtable>();
      mems[shard]->Add(e, m, c, engine::EncodeParams(e.params), ++seq);
      if (i < flushed && ++in_batch == per_batch) {
        RETURN_IF_ERROR(flush_all());
        in_batch = 0;
      }
      if (i + 1 == flushed) {
        RETURN_IF_ERROR(flush_all());
      }
    }
    for (uint32_t s = 0; s < o.shards; ++s) {
      if (mems[s] == nullptr) continue;
      mems[s]->Publish();
      snap->memtables.push_back({s, mems[s], mems[s]->visible_rows()});
    }
    for (engine::Sessionizer& s : sessionizers) {
      snap->sessionizers.push_back(std::make_shared<const engine::Sessionizer>(s));
    }
    snapshot_ = std::move(snap);
    return absl::OkStatus();
  }

  // Writes `columns` as a segment of `kind` and opens it.
  absl::StatusOr<std::shared_ptr<engine::SegmentHandle>> Write(
      const storage::SegmentWriterOptions& options,
      const std::vector<storage::ColumnInput>& columns, storage::SegmentMeta::Kind kind,
      uint32_t shard, uint64_t base) {
    const uint64_t id = ++next_id_;
    const std::string path = engine::SegmentPath(dir_.path(), id);
    ASSIGN_OR_RETURN(storage::SegmentSummary summary,
                     storage::WriteSegment(path, options, columns));
    storage::SegmentMeta meta;
    meta.id = id;
    meta.shard = shard;
    meta.day = engine::DayOf(summary.min_ts);
    meta.rows = summary.rows;
    meta.min_ts = summary.min_ts;
    meta.max_ts = summary.max_ts;
    meta.file_size = summary.file_size;
    meta.kind = kind;
    meta.base = base;
    ASSIGN_OR_RETURN(auto reader, storage::SegmentReader::Open(path));
    return std::make_shared<engine::SegmentHandle>(meta, path, std::move(reader));
  }

  // Builds and attaches the companion of `handle` from `rollup` (if any).
  absl::Status Attach(std::optional<std::vector<storage::ColumnInput>> rollup, uint32_t shard,
                      engine::SegmentHandle* handle) {
    if (!rollup.has_value()) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto file, Write(engine::RollupWriterOptions(), *rollup,
                                      storage::SegmentMeta::kRollup, shard, handle->meta().id));
    ASSIGN_OR_RETURN(std::unique_ptr<engine::RollupSegment> segment,
                     engine::RollupSegment::Open(&file->reader()));
    handle->AttachRollup(std::move(file), std::move(segment));
    ++segments_with_rollup_;
    return absl::OkStatus();
  }

  absl::Status FlushShard(const DataOptions& o, uint32_t shard, engine::Memtable& mem,
                          engine::Sessionizer* sessionizer, engine::Snapshot* snap) {
    mem.Publish();
    engine::RollupBuildOptions ro;
    ro.min_rows = o.min_rows;
    ro.settings = settings_;
    storage::SegmentWriterOptions wo;
    wo.rows_per_block = 1024;
    wo.key_column = engine::kColMerchant;
    wo.time_column = engine::kColTs;
    for (engine::FlushPart& part : mem.BuildFlushParts(mem.rows())) {
      ASSIGN_OR_RETURN(auto handle,
                       Write(wo, part.columns, storage::SegmentMeta::kEvents, shard, 0));
      RETURN_IF_ERROR(Attach(engine::BuildEventRollup(part.columns, ro), shard, handle.get()));
      snap->segments.push_back(std::move(handle));
      engine::AddFlushPart(part.columns, *catalog_, sessionizer);
    }
    std::vector<engine::SessionRow> sessions;
    std::vector<engine::PageviewRow> pageviews;
    sessionizer->Advance(&sessions, &pageviews);
    if (!sessions.empty()) {
      ASSIGN_OR_RETURN(auto handle,
                       Write(engine::SessionWriterOptions(), engine::SessionRowsToColumns(sessions),
                             storage::SegmentMeta::kSessions, shard, 0));
      RETURN_IF_ERROR(Attach(engine::BuildSessionRollup(sessions, ro), shard, handle.get()));
      snap->session_segments.push_back(std::move(handle));
    }
    if (!pageviews.empty()) {
      ASSIGN_OR_RETURN(auto handle, Write(engine::PageviewWriterOptions(),
                                          engine::PageviewRowsToColumns(pageviews),
                                          storage::SegmentMeta::kPageviews, shard, 0));
      snap->pageview_segments.push_back(std::move(handle));
    }
    return absl::OkStatus();
  }

  TempDir dir_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::map<std::string, std::shared_ptr<const engine::MerchantSettings>> zones_;
  engine::SettingsById settings_;
  std::vector<engine::Event> events_;
  std::shared_ptr<const engine::Snapshot> snapshot_;
  uint64_t next_id_ = 0;
  uint64_t segments_with_rollup_ = 0;
};

}  // namespace strata::query::rollup_test
