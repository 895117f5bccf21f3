// Record logs: the framing shared by the WAL, the catalog log and the manifest.
//
// A log file is a sequence of records, each
//   [payload length u32 LE][masked CRC-32C of (type byte + payload) u32 LE][type u8][payload]
// (docs/storage-format.md, "Record log"). A writer only appends; Sync() makes everything
// appended so far durable. A reader returns records in order and classifies damage:
//   - torn tail: the last record is incomplete or fails its CRC and no valid record
//     follows it. This is what a crash during an append leaves. The reader stops there,
//     reports the offset and byte count, and the owner truncates the file to that offset.
//   - corruption: a bad record followed by a valid one. That is not a crash artifact;
//     ReadAll returns DataLoss naming the file and offset.
//
// Thread safety: a LogWriter or LogReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/file.h"

namespace strata::storage {

inline constexpr size_t kLogHeaderSize = 9;
// A record payload may not exceed this; larger appends are InvalidArgument.
inline constexpr uint32_t kMaxLogRecordSize = 256u << 20;

class LogWriter {
 public:
  // Opens `path` for appending (creating it if needed). Existing records are kept.
  static absl::StatusOr<std::unique_ptr<LogWriter>> Open(const std::string& path);

  // Appends one record. Not durable until Sync().
  absl::Status AddRecord(uint8_t type, std::string_view payload);
  absl::Status Sync();
  uint64_t size() const { return file_->size(); }
  const std::string& path() const { return file_->path(); }

 private:
  explicit LogWriter(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}
  std::unique_ptr<WritableFile> file_;
  std::string scratch_;
};

struct LogReadResult {
  uint64_t records = 0;
  uint64_t valid_bytes = 0;    // offset just past the last good record
  uint64_t torn_bytes = 0;     // bytes after valid_bytes that form a torn tail (0 if none)
  std::string torn_reason;     // why the tail was judged torn ("" if none)
};

// Calls `fn(type, payload, offset)` for every good record in order; `payload` is valid
// only during the call. If `fn` returns an error, reading stops and that error is
// returned. Corruption (a bad record followed by a good one) is DataLoss with file and
// offset. A torn tail is not an error: it is described in the result.
absl::StatusOr<LogReadResult> ReadLog(
    const std::string& path,
    const std::function<absl::Status(uint8_t type, std::string_view payload, uint64_t offset)>&
        fn);

// Reads the log and, if it has a torn tail, truncates the file to its valid prefix.
absl::StatusOr<LogReadResult> RecoverLog(
    const std::string& path,
    const std::function<absl::Status(uint8_t type, std::string_view payload, uint64_t offset)>&
        fn);

}  // namespace strata::storage
