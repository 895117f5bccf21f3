// Engine: the live database of one node: catalog, shards, WAL, memtables, flush, segments.
//
// Write path: Append() joins a group commit. The leader of a group resolves catalog ids,
// persists new catalog entries, writes one WAL record for the group, syncs (unless
// WalSyncMode::kRelaxed), inserts into the per-shard memtables and publishes them, then
// acknowledges every writer of the group. A memtable that is full (rows/bytes) or old is
// frozen and flushed by the background flush thread into one segment per (shard, day);
// each flush is published by one manifest edit that also records the shard's flushed
// sequence, so recovery replays from the WAL exactly what is not yet in segments.
//
// Processing: every committed event updates the realtime tracker; each flush also feeds the
// shard's sessionizer and stores, in the same manifest edit as the events segments, the
// sessions that became final, their pageviews, a companion rollup segment per data
// segment and the sessionizer's checkpoint (docs/architecture.md, "Processing").
//
// External log (Kafka): with write_ahead_log off, the source is the log. Each Append may
// advance source positions (topic/partition -> next offset); a memtable frozen for flush
// remembers the positions it covers and its flush records them for its shard in the same
// manifest edit as the segments, so DurablePositions() says exactly where each shard's
// durable state ends and a restarted consumer resumes there (docs/architecture.md,
// "Kafka ingest").
//
// Read path: GetSnapshot() pins the current segments and memtable prefixes (snapshot.h);
// scans run on a snapshot (scan.h) without blocking writers.
//
// Shard of a merchant: ShardOf(merchant) = Fnv1a64(merchant) mod shards (a power of two).
//
// Thread safety: every public method is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/catalog.h"
#include "engine/event.h"
#include "engine/merchant_settings.h"
#include "engine/realtime/realtime.h"
#include "engine/snapshot.h"
#include "storage/encoding/compression.h"

namespace strata::engine {

enum class WalSyncMode {
  kSync,     // fdatasync the WAL before acknowledging a group (default; durable)
  kRelaxed,  // acknowledge after write(); the OS flushes later. A machine crash (not a
             // process crash) may lose the last acknowledged writes. See docs/operations.md.
};

struct EngineOptions {
  std::string data_dir = "./strata-data";
  // Number of shards for a new data directory (power of two); an existing directory
  // keeps the count it was created with.
  uint32_t shards = 8;
  WalSyncMode wal_sync = WalSyncMode::kSync;
  uint64_t wal_file_bytes = 64ull << 20;
  // A shard's memtable is frozen for flush at this many rows, ...
  size_t memtable_max_rows = 2'000'000;
  // ... or when all memtables together use more than this many bytes (the largest is
  // flushed), ...
  size_t memtable_budget_bytes = 1ull << 30;
  // ... or when its first row is this old.
  absl::Duration memtable_max_age = absl::Minutes(10);
  uint32_t rows_per_block = 8192;
  storage::Compression compression = storage::Compression::kZstd;
  int zstd_level = 3;
  // Flush every memtable when the engine closes (a clean shutdown leaves an empty WAL).
  bool flush_on_close = true;
  // Open an existing directory for reading only (`strata sql`, tools): shares the directory
  // with other readers but not with a writer, changes nothing on disk (torn log tails are
  // reported, not truncated; no WAL file, no flush, no manifest edit) and replays the WAL
  // into memory so every acknowledged event is visible. Append and Flush then fail with
  // FailedPrecondition; `shards` and the write tuning above are ignored.
  bool read_only = false;
  // Log every acknowledged group to the WAL first. Off when an external log (Kafka) is the
  // source of truth: Append then acknowledges once the events are in memtables, and a crash
  // loses only what the source still has (see DurablePositions). WAL files left by an
  // earlier run are still replayed.
  bool write_ahead_log = true;

  // Processing (docs/metrics.md). Events up to this much older than the shard's event-time
  // watermark still land in their sessions; older ones are stored and counted as late.
  int64_t allowed_lateness_us = 2 * kMicrosPerHour;
  // A merchant with fewer rows than this in a flushed segment gets no rollup cells there
  // (its rows are read raw); see engine/rollup/rollup.h.
  uint32_t rollup_min_rows = 64;
  // Session timeout, conversion events and time zone per merchant; null = the defaults.
  MerchantSettingsProvider merchant_settings;
};

struct RecoveryReport {
  uint64_t segments = 0;
  uint64_t wal_files = 0;
  uint64_t wal_events_replayed = 0;     // events put back into memtables
  uint64_t wal_events_skipped = 0;      // already in segments
  std::vector<std::string> torn_tails;  // each truncated (read-only: skipped) log tail
};

struct EngineStats {
  uint64_t events_appended = 0;
  uint64_t groups_committed = 0;
  uint64_t wal_bytes = 0;
  uint64_t flushes = 0;
  uint64_t segments_written = 0;
  uint64_t segment_bytes_written = 0;
  uint64_t memtable_rows = 0;
  uint64_t memtable_bytes = 0;
  uint64_t last_sequence = 0;
  uint64_t write_stall_micros = 0;  // time writers waited for flushes (back-pressure)
  uint64_t flush_micros = 0;        // time the flush thread spent writing segments
  uint64_t process_micros = 0;      // of which deriving sessions and rollups
  uint64_t sessions_written = 0;    // final sessions stored
  uint64_t rollup_segments_written = 0;
  uint64_t rollup_bytes_written = 0;
  uint64_t late_events = 0;    // too late for their sessions (logged for correction)
  uint64_t held_sessions = 0;  // open or not yet final, over all shards (after last flush)
};

// Positions in external logs: source key (e.g. "strata.events/3", a topic and partition)
// -> the next offset to read. A key's absence means position 0.
using SourcePositions = std::map<std::string, int64_t>;

class Engine {
 public:
  // Opens (creating if needed) the data directory: takes its lock, loads the manifest,
  // catalog and segments, replays the WAL. FailedPrecondition if another process holds
  // the directory (a writer excludes everyone; readers exclude writers), the message says
  // who and what to do; DataLoss if a file is corrupt (naming file and offset). A
  // read-only open of a directory that holds no Strata data is NotFound.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  virtual ~Engine() = default;

  // Durably appends `events` (see WalSyncMode). REQUIRES: events are valid
  // (ingest::ValidateEvent). On error none of the events is acknowledged; after a WAL
  // write error the engine refuses further writes.
  absl::Status Append(absl::Span<const Event> events) { return Append(events, {}); }
  // The same, and once the events are committed every source in `advance` moves to its
  // given position (positions only move forward). REQUIRES: all events of the sources'
  // offsets before those positions were appended, by this call or earlier ones; events
  // of one source offset (an NDJSON message) come in one call.
  virtual absl::Status Append(absl::Span<const Event> events, const SourcePositions& advance) = 0;
  // Per shard (index = shard): every event of source k before position [k] that belongs to
  // the shard is in segments listed by the manifest, and no event at or after it is. A
  // consumer resumes source k at the minimum over shards and drops the events of a shard
  // below that shard's position.
  virtual std::vector<SourcePositions> DurablePositions() const = 0;
  // Freezes every non-empty memtable and waits until all are flushed to segments.
  virtual absl::Status Flush() = 0;
  // Flushes (if flush_on_close and not read-only), stops the background thread, releases
  // the directory.
  virtual absl::Status Close() = 0;

  virtual std::shared_ptr<const Snapshot> GetSnapshot() const = 0;
  virtual const Catalog& catalog() const = 0;
  // Who is active right now (fed by every committed event); for the Redis mirror.
  virtual RealtimeTracker& realtime() = 0;
  virtual const RecoveryReport& recovery_report() const = 0;
  virtual EngineStats stats() const = 0;
  virtual uint32_t shard_count() const = 0;
  virtual const std::string& data_dir() const = 0;
};

uint32_t ShardOf(std::string_view merchant, uint32_t shards);
std::string SegmentPath(const std::string& data_dir, uint64_t id);

}  // namespace strata::engine
