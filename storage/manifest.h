// The manifest: the durable list of live segments and of the engine's checkpoints.
//
// On disk it is a record log (storage/log.h) of ManifestEdits, named MANIFEST-<n>, plus a
// CURRENT file holding the name of the live manifest ("MANIFEST-000001\n"). Applying every
// edit in order gives the ManifestState. Byte layout and protocols: docs/format/logs.md.
// When the live manifest grows past ManifestOptions' limits (or on request) Rewrite()
// writes a fresh MANIFEST-<n+1> holding one edit equal to the whole state, fsyncs it,
// switches CURRENT with an atomic rename (storage/file.h WriteFileAtomic) and only then
// deletes the old manifest. Invariant: a crash at any point leaves either the old or the
// new manifest live, never a mix; the live manifest always starts with a complete edit.
//
// An edit is durable once LogAndApply returns OK (it fsyncs). If LogAndApply fails the
// in-memory state is unchanged, but after a failed fsync the edit may or may not be on
// disk; the Manifest then refuses further calls until it is reopened.
// Thread safety: Manifest is not thread-safe; the engine serializes calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/log.h"

namespace strata::storage {

// What the manifest records about one segment file.
struct SegmentMeta {
  uint64_t id = 0;  // file number; the file is segments/<id>.seg (segment.h SegmentFileName)
  uint32_t shard = 0;
  int32_t day = 0;  // days since 1970-01-01 UTC
  uint64_t rows = 0;
  int64_t min_ts = 0;  // µs
  int64_t max_ts = 0;  // µs
  uint64_t file_size = 0;
  uint32_t level = 0;  // 0 = flushed from a memtable, 1+ = compacted
  // What the file holds. A rollup segment is the companion of data segment `base`
  // (engine/rollup/rollup.h) and lives and dies with it.
  enum Kind : uint8_t { kEvents = 0, kSessions = 1, kPageviews = 2, kRollup = 3 };
  Kind kind = kEvents;
  uint64_t base = 0;  // kRollup: the data segment's id

  bool operator==(const SegmentMeta&) const = default;
};

inline constexpr char kCurrentFileName[] = "CURRENT";
// The record type of a ManifestEdit inside a manifest log; any other type is DataLoss.
inline constexpr uint8_t kManifestEditRecord = 1;

// "MANIFEST-000042" for 42 (at least six digits).
std::string ManifestFileName(uint64_t number);
// The number of a manifest file name, or nullopt if `name` is not one.
std::optional<uint64_t> ParseManifestFileName(std::string_view name);

// One change to the manifest. Encoded as a sequence of (varint tag, field) pairs so new
// fields can be added under new tags; a reader that meets an unknown tag reports DataLoss
// rather than silently dropping a change it does not understand.
struct ManifestEdit {
  std::vector<SegmentMeta> added;
  std::vector<uint64_t> removed;               // segment ids
  std::optional<uint64_t> next_file_number;    // the next id to hand out (monotonic)
  std::optional<uint64_t> wal_checkpoint;      // WAL records before this sequence are in segments
  std::optional<uint64_t> catalog_checkpoint;  // catalog log entries durable up to here
  std::map<std::string, std::string> properties;  // opaque key/values (e.g. Kafka offsets)

  std::string Encode() const;
  // DataLoss on malformed bytes, an unknown tag or a repeated single-valued field.
  static absl::StatusOr<ManifestEdit> Decode(std::string_view bytes);

  bool operator==(const ManifestEdit&) const = default;
};

struct ManifestState {
  std::map<uint64_t, SegmentMeta> segments;  // by id
  uint64_t next_file_number = 1;
  uint64_t wal_checkpoint = 0;
  uint64_t catalog_checkpoint = 0;
  std::map<std::string, std::string> properties;

  // Applies an edit: removals first, then additions, then the scalar fields and
  // properties (a property is set, never deleted). next_file_number never decreases and
  // is raised past every added id, so a live segment's id is never handed out again.
  // Removing an unknown id, adding a live id, or lowering next_file_number is DataLoss
  // (the manifest contradicts itself); on error the state is unchanged.
  absl::Status Apply(const ManifestEdit& edit);
  // The check Apply performs, without applying.
  absl::Status Validate(const ManifestEdit& edit) const;
  // One edit that rebuilds this state when applied to an empty ManifestState.
  ManifestEdit Snapshot() const;

  bool operator==(const ManifestState&) const = default;
};

struct ManifestOptions {
  // LogAndApply (and Open) rewrite the manifest once the live file holds this many edits...
  uint64_t max_edits = 10000;
  // ...or this many bytes.
  uint64_t max_bytes = 64u << 20;
};

class Manifest {
 public:
  // Opens the manifest in `dir` (creating the directory and an empty manifest if CURRENT
  // does not exist and no MANIFEST-* file does either). A torn tail on the live manifest is
  // truncated and reported in torn_tail_report(). Stale MANIFEST-* files and CURRENT.tmp
  // (left by a crash during Rewrite) are deleted. DataLoss if CURRENT is missing while
  // manifests exist (unless the only one is an interrupted creation holding nothing but
  // the empty first edit), if CURRENT is malformed or names a missing file, or if the live
  // manifest is corrupt or holds no complete edit.
  static absl::StatusOr<std::unique_ptr<Manifest>> Open(const std::string& dir,
                                                        const ManifestOptions& options = {});
  // Reads the manifest in `dir` for a read-only engine, changing nothing on disk: no
  // directory or manifest is created, a torn tail is not truncated (reading stops there and
  // torn_tail_report() says so), stale files stay. LogAndApply and Rewrite then fail with
  // FailedPrecondition. NotFound if `dir` holds no manifest; DataLoss as for Open.
  static absl::StatusOr<std::unique_ptr<Manifest>> OpenReadOnly(const std::string& dir);

  const ManifestState& state() const { return state_; }
  // Durably appends `edit` and applies it to state(). On error the state is unchanged.
  // InvalidArgument if the edit does not apply to state() (nothing is written).
  absl::Status LogAndApply(const ManifestEdit& edit);
  // Writes a new manifest with the whole state and switches CURRENT to it.
  absl::Status Rewrite();
  // Non-empty if Open truncated (OpenReadOnly: ignored) a torn tail: what and where.
  const std::string& torn_tail_report() const { return torn_tail_report_; }
  uint64_t manifest_number() const { return number_; }
  // Edits in the live manifest file (1 right after a Rewrite).
  uint64_t edits_in_file() const { return edits_in_file_; }

 private:
  Manifest(std::string dir, const ManifestOptions& options)
      : dir_(std::move(dir)), options_(options) {}
  absl::Status Replay(uint64_t number, bool read_only);
  absl::Status RemoveStaleFiles(const std::vector<std::string>& names) const;
  bool TooLong() const;
  std::string PathOf(uint64_t number) const;

  std::string dir_;
  ManifestOptions options_;
  uint64_t number_ = 0;
  uint64_t edits_in_file_ = 0;
  ManifestState state_;
  std::unique_ptr<LogWriter> log_;
  std::string torn_tail_report_;
  absl::Status broken_;  // sticky: set when the on-disk state is unknown (see header)
};

}  // namespace strata::storage
