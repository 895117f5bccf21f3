// The manifest: the durable list of live segments and of the engine's checkpoints.
//
// On disk it is a record log (storage/log.h) of ManifestEdits, named MANIFEST-<n>, plus a
// CURRENT file holding the name of the live manifest. Applying every edit in order gives
// the ManifestState. Open() with a too-long manifest (or on request) writes a fresh
// MANIFEST-<n+1> holding one edit equal to the whole state, then switches CURRENT with an
// atomic rename (storage/file.h WriteFileAtomic); the old manifest is deleted afterwards.
// A crash at any point leaves either the old or the new manifest live, never a mix.
//
// An edit is durable once LogAndApply returns OK (it fsyncs).
// Thread safety: Manifest is not thread-safe; the engine serializes calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/log.h"

namespace strata::storage {

// What the manifest records about one segment file.
struct SegmentMeta {
  uint64_t id = 0;         // file number; the file is segments/<id>.seg (segment.h SegmentFileName)
  uint32_t shard = 0;
  int32_t day = 0;         // days since 1970-01-01 UTC
  uint64_t rows = 0;
  int64_t min_ts = 0;      // µs
  int64_t max_ts = 0;      // µs
  uint64_t file_size = 0;
  uint32_t level = 0;      // 0 = flushed from a memtable, 1+ = compacted

  bool operator==(const SegmentMeta&) const = default;
};

struct ManifestEdit {
  std::vector<SegmentMeta> added;
  std::vector<uint64_t> removed;              // segment ids
  std::optional<uint64_t> next_file_number;   // the next id to hand out (monotonic)
  std::optional<uint64_t> wal_checkpoint;     // WAL records before this sequence are in segments
  std::optional<uint64_t> catalog_checkpoint; // catalog log entries durable up to here
  std::map<std::string, std::string> properties;  // opaque key/values (e.g. Kafka offsets)

  std::string Encode() const;
  static absl::StatusOr<ManifestEdit> Decode(std::string_view bytes);
};

struct ManifestState {
  std::map<uint64_t, SegmentMeta> segments;  // by id
  uint64_t next_file_number = 1;
  uint64_t wal_checkpoint = 0;
  uint64_t catalog_checkpoint = 0;
  std::map<std::string, std::string> properties;

  // Applies an edit. Removing an unknown id or adding a duplicate is DataLoss (the
  // manifest contradicts itself).
  absl::Status Apply(const ManifestEdit& edit);
};

class Manifest {
 public:
  // Opens the manifest in `dir` (creating an empty one if CURRENT does not exist).
  // A torn tail on the live manifest is truncated and reported in torn_tail_report().
  static absl::StatusOr<std::unique_ptr<Manifest>> Open(const std::string& dir);

  const ManifestState& state() const { return state_; }
  // Durably appends `edit` and applies it to state(). On error the state is unchanged.
  absl::Status LogAndApply(const ManifestEdit& edit);
  // Writes a new manifest with the whole state and switches CURRENT to it.
  absl::Status Rewrite();
  // Non-empty if Open truncated a torn tail: what and where.
  const std::string& torn_tail_report() const { return torn_tail_report_; }
  uint64_t manifest_number() const { return number_; }

 private:
  Manifest() = default;
  std::string dir_;
  uint64_t number_ = 0;
  uint64_t edits_in_file_ = 0;
  ManifestState state_;
  std::unique_ptr<LogWriter> log_;
  std::string torn_tail_report_;
};

}  // namespace strata::storage
