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
#include "storage/manifest.h"
#include "storage/segment.h"

namespace strata::engine {

class Catalog;

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

 private:
  storage::SegmentMeta meta_;
  std::string path_;
  std::unique_ptr<storage::SegmentReader> reader_;
  bool obsolete_ = false;
};

struct MemtableView {
  uint32_t shard = 0;
  std::shared_ptr<const Memtable> memtable;
  size_t rows = 0;  // the published prefix this snapshot sees
};

struct Snapshot {
  std::vector<std::shared_ptr<const SegmentHandle>> segments;  // by segment id
  std::vector<MemtableView> memtables;
  const Catalog* catalog = nullptr;  // valid while the engine is open
  uint64_t sequence = 0;             // the last sequence visible in this snapshot
};

}  // namespace strata::engine
