#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/log.h"
#include "storage/log/log_format.h"

namespace strata::storage {
namespace {

// A scratch buffer grown past this by one huge record is freed afterwards, so a single
// 256 MiB record does not pin 256 MiB for the writer's lifetime.
constexpr size_t kMaxRetainedScratch = 1u << 20;

absl::Status CheckPayloadSize(const std::string& path, std::string_view payload) {
  if (payload.size() <= kMaxLogRecordSize) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("log ", path, ": record of ", payload.size(),
                                                 " bytes exceeds the limit of ",
                                                 kMaxLogRecordSize));
}

}  // namespace

absl::StatusOr<std::unique_ptr<LogWriter>> LogWriter::Open(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, WritableFile::Open(path, /*truncate=*/false));
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(file)));
}

absl::StatusOr<std::unique_ptr<LogWriter>> LogWriter::Create(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, WritableFile::Open(path, /*truncate=*/true));
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(file)));
}

absl::Status LogWriter::AddRecord(uint8_t type, std::string_view payload) {
  RETURN_IF_ERROR(broken_);
  RETURN_IF_ERROR(CheckPayloadSize(path(), payload));
  // Header and payload go out in one writev: a WAL batch of many MiB is never copied.
  char header[kLogHeaderSize];
  log_internal::EncodeHeader(header, type, payload);
  const uint64_t size_before = size();
  return HandleAppendResult(file_->Append2(std::string_view(header, kLogHeaderSize), payload),
                            size_before);
}

absl::Status LogWriter::AddRecords(std::span<const LogRecord> records) {
  RETURN_IF_ERROR(broken_);
  size_t total = 0;
  for (const LogRecord& r : records) {
    RETURN_IF_ERROR(CheckPayloadSize(path(), r.payload));
    total += kLogHeaderSize + r.payload.size();
  }
  scratch_.clear();
  scratch_.reserve(total);
  for (const LogRecord& r : records) log_internal::AppendFrame(&scratch_, r.type, r.payload);
  return AppendScratch(size());
}

absl::Status LogWriter::AppendScratch(uint64_t size_before) {
  absl::Status s = file_->Append(scratch_);
  ReleaseLargeScratch();
  return HandleAppendResult(s, size_before);
}

absl::Status LogWriter::HandleAppendResult(absl::Status s, uint64_t size_before) {
  if (s.ok()) return s;
  // A partial frame followed by later records would read back as corruption, so cut the
  // file back to the last complete record before anything else is appended.
  absl::Status cut = file_->Truncate(size_before);
  if (!cut.ok()) {
    broken_ = absl::FailedPreconditionError(
        absl::StrCat("log ", path(), " has a partial record after a failed append (", s.message(),
                     ") and cutting it failed (", cut.message(), "); recover the log"));
  }
  return s;
}

void LogWriter::ReleaseLargeScratch() {
  if (scratch_.capacity() > kMaxRetainedScratch) std::string().swap(scratch_);
}

absl::Status LogWriter::Sync() {
  RETURN_IF_ERROR(broken_);
  absl::Status s = file_->Sync();
  if (!s.ok()) {
    // After a failed fdatasync the kernel may have dropped the dirty pages and cleared the
    // error, so a later Sync could falsely succeed. Refuse everything from now on.
    broken_ = absl::FailedPreconditionError(
        absl::StrCat("log ", path(), " failed to sync earlier (", s.message(),
                     "); its durable content is unknown, recover the log"));
  }
  return s;
}

}  // namespace strata::storage
