// Record logs: the framing shared by the WAL, the catalog log and the manifest.
//
// A log file is a sequence of records, each
//   [payload length u32 LE][masked CRC-32C of (type byte + payload) u32 LE][type u8][payload]
// (byte layout and rules: docs/format/logs.md). A writer only appends; Sync() makes
// everything appended so far durable. A reader returns records in order and classifies
// damage at offset P (length past EOF or over kMaxLogRecordSize, CRC mismatch):
//   - torn tail: no valid record starts anywhere after P (a forward byte-by-byte scan
//     finds no header whose length fits and whose CRC verifies), or everything from P on
//     is zero bytes. This is what a crash during an append leaves. The reader stops at P,
//     reports it, and RecoverLog truncates the file there.
//   - corruption: a valid record starts somewhere after P. That is not a crash artifact;
//     ReadLog returns DataLoss naming the file and P.
// Invariant: a writer never leaves a partial record followed by more records. If an
// append fails it cuts the file back; if that or an fdatasync fails, the writer refuses
// every later call (the on-disk state is unknown until the log is recovered).
//
// Thread safety: a LogWriter is used by one thread at a time; ReadLog/RecoverLog are
// reentrant but must not run on a file a writer is appending to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/file.h"

namespace strata::storage {

inline constexpr size_t kLogHeaderSize = 9;
// A record payload may not exceed this; larger appends are InvalidArgument, and a header
// claiming more is damage on read.
inline constexpr uint32_t kMaxLogRecordSize = 256u << 20;

// One record of a batch append. `payload` is borrowed for the duration of the call.
struct LogRecord {
  uint8_t type = 0;
  std::string_view payload;
};

class LogWriter {
 public:
  // Opens `path` for appending (creating it if needed). Existing records are kept; run
  // RecoverLog first if the file may have a torn tail.
  static absl::StatusOr<std::unique_ptr<LogWriter>> Open(const std::string& path);
  // Creates `path` empty, discarding any previous content (for a brand-new log).
  static absl::StatusOr<std::unique_ptr<LogWriter>> Create(const std::string& path);

  // Appends one record with one write(). Not durable until Sync(). InvalidArgument if the
  // payload exceeds kMaxLogRecordSize (nothing is written).
  absl::Status AddRecord(uint8_t type, std::string_view payload);
  // Appends all records with a single write(), so a group commit costs one write plus one
  // Sync(). All-or-nothing validation: if any payload is too large nothing is written.
  absl::Status AddRecords(std::span<const LogRecord> records);
  absl::Status Sync();  // fdatasync
  uint64_t size() const { return file_->size(); }
  const std::string& path() const { return file_->path(); }

 private:
  explicit LogWriter(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}
  // Appends scratch_ and, on failure, cuts the file back to `size_before`.
  absl::Status AppendScratch(uint64_t size_before);
  // On a failed append, cuts the file back to `size_before` (or marks the writer broken).
  absl::Status HandleAppendResult(absl::Status s, uint64_t size_before);
  void ReleaseLargeScratch();

  std::unique_ptr<WritableFile> file_;
  std::string scratch_;  // reused frame buffer: one allocation amortised over many records
  absl::Status broken_;  // sticky: set when the file's tail state is unknown
};

struct LogReadResult {
  uint64_t records = 0;
  uint64_t valid_bytes = 0;  // offset just past the last good record
  uint64_t torn_bytes = 0;   // bytes after valid_bytes that form a torn tail (0 if none)
  std::string torn_reason;   // why the tail was judged torn ("" if none)
};

using LogRecordFn =
    std::function<absl::Status(uint8_t type, std::string_view payload, uint64_t offset)>;

// Calls `fn(type, payload, offset)` for every good record in order (`offset` is where the
// record's header starts); `payload` is valid only during the call. If `fn` returns an
// error, reading stops and that error is returned. Corruption (a bad record followed by a
// good one) is DataLoss with file and offset. A torn tail is not an error: it is described
// in the result. A missing file is NotFound.
absl::StatusOr<LogReadResult> ReadLog(const std::string& path, const LogRecordFn& fn);

// Reads the log and, if it has a torn tail, truncates the file to its valid prefix (and
// fdatasyncs it), so the next LogWriter::Open appends right after the last good record.
absl::StatusOr<LogReadResult> RecoverLog(const std::string& path, const LogRecordFn& fn);

}  // namespace strata::storage
