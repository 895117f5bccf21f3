// The write-ahead log: numbered files DIR/wal/<n>.log, each a record log (storage/log.h)
// of event batches. A record is [first sequence varint][count varint][events]
// (EncodeEvent each); event i of the record has sequence first + i. Sequences increase by
// one per event across files and restarts.
//
// The writer rotates to a new file past max_file_bytes. A file is deleted once every
// event in it is in a segment: the engine passes the oldest sequence still only in a
// memtable to DeleteObsolete. Replay reads every file in order; a torn tail (only
// possible in the newest file written before a crash) is truncated and reported. A
// read-only engine uses ReadOnlyReplay, which reads the same way and changes nothing.
//
// Thread safety: Append/Sync/Rotate are called by the engine's write leader only;
// DeleteObsolete may run concurrently from the flush thread (internal mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/event.h"
#include "storage/log.h"

namespace strata::engine {

struct WalReplayReport {
  uint64_t files = 0;
  uint64_t records = 0;
  uint64_t events = 0;
  uint64_t last_seq = 0;  // highest sequence seen (0 if none)
  std::string torn_tail;  // non-empty if a tail was truncated: what and where
};

class Wal {
 public:
  // Replays every WAL file in DIR/wal (creating the folder if needed), calling `fn` once
  // per event in sequence order. Torn tails are truncated (reported). Then opens a new
  // file for appending.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(
      const std::string& dir, uint64_t max_file_bytes,
      const std::function<absl::Status(uint64_t seq, Event& event)>& fn, WalReplayReport* report);
  // Calls `fn` for every event in DIR/wal like Open, but creates, truncates and opens
  // nothing: a missing folder holds no events, reading a file stops at a torn tail (reported).
  static absl::Status ReadOnlyReplay(
      const std::string& dir, const std::function<absl::Status(uint64_t seq, Event& event)>& fn,
      WalReplayReport* report);

  // Appends one record holding `n` events with sequences [first_seq, first_seq + n).
  // `encoded` is the events' EncodeEvent bytes, in order, in any number of pieces: writers
  // encode their own events before they join a commit group, so the group's leader only
  // concatenates.
  absl::Status Append(uint64_t first_seq, size_t n, absl::Span<const std::string_view> encoded);
  absl::Status Sync();
  // Deletes files whose every event has sequence < oldest_needed_seq (never the file
  // being written).
  absl::Status DeleteObsolete(uint64_t oldest_needed_seq);
  // Starts a new file, so the current one can be deleted once obsolete (used at a clean
  // close: after the final flush the whole log is obsolete).
  absl::Status Rotate();
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  Wal() = default;
  // Replays the files of wal_dir in order (truncating torn tails unless read_only) and
  // records each file's highest sequence in *max_seq_by_file.
  static absl::Status ReplayFiles(const std::string& wal_dir, bool read_only,
                                  const std::function<absl::Status(uint64_t seq, Event& event)>& fn,
                                  WalReplayReport* report,
                                  std::map<uint64_t, uint64_t>* max_seq_by_file);
  absl::Status OpenNewFile();

  std::string dir_;
  uint64_t max_file_bytes_ = 0;
  std::unique_ptr<storage::LogWriter> log_;
  std::string scratch_;
  uint64_t bytes_written_ = 0;

  absl::Mutex files_mu_;  // guards current_number_ and max_seq_by_file_
  uint64_t current_number_ ABSL_GUARDED_BY(files_mu_) = 0;
  std::map<uint64_t, uint64_t> max_seq_by_file_ ABSL_GUARDED_BY(files_mu_);  // file -> max seq
};

}  // namespace strata::engine
