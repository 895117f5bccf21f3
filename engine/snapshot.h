// Snapshot: a consistent, immutable view of the data an engine holds at one moment:
// the live segments plus the published prefix of every memtable.
//
// Taking a snapshot copies a few shared_ptrs under the engine's state lock; after that
// readers never block writers, flushes or compactions. A segment dropped from the engine
// while a snapshot holds it is deleted from disk when its last holder lets go.
//
// Thread safety: immutable; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/memtable.h"
#include "engine/merchant_settings.h"
#include "engine/sessions/sessionizer.h"
#include "storage/manifest.h"
#include "storage/segment.h"

namespace strata::engine {

class Catalog;
class RealtimeTracker;
class RollupSegment;

// A live segment file. When marked obsolete it deletes its file on destruction.
class SegmentHandle {
 public:
  SegmentHandle(storage::SegmentMeta meta, std::string path,
                std::unique_ptr<storage::SegmentReader> reader)
      : meta_(meta), path_(std::move(path)), reader_(std::move(reader)) {}
  ~SegmentHandle();
  SegmentHandle(const SegmentHandle&) = delete;
  SegmentHandle& operator=(const SegmentHandle&) = delete;

  const storage::SegmentMeta& meta() const { return meta_; }
  const std::string& path() const { return path_; }
  const storage::SegmentReader& reader() const { return *reader_; }
  void MarkObsolete() { obsolete_ = true; }

  // The companion rollup of this data segment (rollup/rollup.h), or null. Set once, before
  // the handle is published; it keeps the rollup file alive with this segment.
  const RollupSegment* rollup() const { return rollup_.get(); }
  void AttachRollup(std::shared_ptr<const SegmentHandle> file,
                    std::shared_ptr<const RollupSegment> rollup) {
    rollup_file_ = std::move(file);
    rollup_ = std::move(rollup);
  }

 private:
  storage::SegmentMeta meta_;
  std::string path_;
  std::unique_ptr<storage::SegmentReader> reader_;
  bool obsolete_ = false;
  std::shared_ptr<const SegmentHandle> rollup_file_;
  std::shared_ptr<const RollupSegment> rollup_;
};

struct MemtableView {
  uint32_t shard = 0;
  std::shared_ptr<const Memtable> memtable;
  size_t rows = 0;  // the published prefix this snapshot sees
};

struct Snapshot {
  // Data segments by kind, each by segment id. Rollup segments appear only as companions
  // (SegmentHandle::rollup()).
  std::vector<std::shared_ptr<const SegmentHandle>> segments;           // events
  std::vector<std::shared_ptr<const SegmentHandle>> session_segments;   // finalized sessions
  std::vector<std::shared_ptr<const SegmentHandle>> pageview_segments;  // their pageviews
  std::vector<MemtableView> memtables;
  // By shard: the sessionizer state after the shard's last flush (held sessions of the
  // events in segments). Live sessions = this + the shard's memtable events
  // (sessions/live_sessions.h).
  std::vector<std::shared_ptr<const Sessionizer>> sessionizers;
  const Catalog* catalog = nullptr;           // valid while the engine is open
  const RealtimeTracker* realtime = nullptr;  // valid while the engine is open
  SettingsById settings;                      // never null
  uint64_t sequence = 0;                      // the last sequence visible in this snapshot

  uint32_t ShardOfMerchant(uint32_t merchant) const;  // via the catalog name
};

}  // namespace strata::engine
