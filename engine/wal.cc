#include "engine/wal.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/status.h"
#include "storage/file.h"

namespace strata::engine {
namespace {

constexpr uint8_t kEventBatchRecord = 1;

std::string WalFileName(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06llu.log", static_cast<unsigned long long>(number));
  return buf;
}

bool ParseWalFileName(const std::string& name, uint64_t* number) {
  if (name.size() < 5 || name.substr(name.size() - 4) != ".log") return false;
  return absl::SimpleAtoi(name.substr(0, name.size() - 4), number);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(
    const std::string& dir, uint64_t max_file_bytes,
    const std::function<absl::Status(uint64_t seq, Event& event)>& fn, WalReplayReport* report) {
  std::unique_ptr<Wal> wal(new Wal());
  wal->dir_ = storage::JoinPath(dir, "wal");
  wal->max_file_bytes_ = max_file_bytes;
  RETURN_IF_ERROR(storage::CreateDirs(wal->dir_));
  std::map<uint64_t, uint64_t> max_seq_by_file;
  RETURN_IF_ERROR(ReplayFiles(wal->dir_, /*read_only=*/false, fn, report, &max_seq_by_file));
  {
    absl::MutexLock lock(&wal->files_mu_);
    wal->max_seq_by_file_ = std::move(max_seq_by_file);
    if (!wal->max_seq_by_file_.empty())
      wal->current_number_ = wal->max_seq_by_file_.rbegin()->first;
  }
  RETURN_IF_ERROR(wal->OpenNewFile());
  return wal;
}

absl::Status Wal::ReadOnlyReplay(const std::string& dir,
                                 const std::function<absl::Status(uint64_t seq, Event& event)>& fn,
                                 WalReplayReport* report) {
  std::string wal_dir = storage::JoinPath(dir, "wal");
  *report = WalReplayReport();
  if (!storage::FileExists(wal_dir)) return absl::OkStatus();
  std::map<uint64_t, uint64_t> max_seq_by_file;
  return ReplayFiles(wal_dir, /*read_only=*/true, fn, report, &max_seq_by_file);
}

absl::Status Wal::ReplayFiles(const std::string& wal_dir, bool read_only,
                              const std::function<absl::Status(uint64_t seq, Event& event)>& fn,
                              WalReplayReport* report,
                              std::map<uint64_t, uint64_t>* max_seq_by_file) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, storage::ListDir(wal_dir));
  std::vector<uint64_t> numbers;
  for (const std::string& name : names) {
    uint64_t n;
    if (ParseWalFileName(name, &n)) numbers.push_back(n);
  }
  std::sort(numbers.begin(), numbers.end());

  *report = WalReplayReport();
  Event event;
  for (uint64_t number : numbers) {
    std::string path = storage::JoinPath(wal_dir, WalFileName(number));
    uint64_t file_max_seq = 0;
    auto apply = [&](uint8_t type, std::string_view payload, uint64_t offset) {
      if (type != kEventBatchRecord) {
        return absl::DataLossError(
            absl::StrCat(path, ": unknown record type ", type, " at offset ", offset));
      }
      Cursor c(payload);
      uint64_t first = c.Varint64("first sequence");
      uint64_t count = c.Varint64("event count");
      if (!c.ok()) return c.status(absl::StrCat(path, " record at ", offset));
      std::string_view rest = payload.substr(c.offset());
      for (uint64_t i = 0; i < count; ++i) {
        absl::Status s = DecodeEvent(&rest, &event);
        if (!s.ok()) {
          return absl::DataLossError(
              absl::StrCat(path, " record at offset ", offset, ", event ", i, ": ", s.message()));
        }
        RETURN_IF_ERROR(fn(first + i, event));
      }
      if (count > 0) file_max_seq = std::max(file_max_seq, first + count - 1);
      report->records++;
      report->events += count;
      return absl::OkStatus();
    };
    ASSIGN_OR_RETURN(storage::LogReadResult result,
                     read_only ? storage::ReadLog(path, apply) : storage::RecoverLog(path, apply));
    if (result.torn_bytes > 0) {
      absl::StrAppend(&report->torn_tail, report->torn_tail.empty() ? "" : "; ",
                      read_only ? "ignored (read-only) " : "truncated ", result.torn_bytes,
                      " bytes at offset ", result.valid_bytes, " of ", path, ": ",
                      result.torn_reason);
    }
    report->files++;
    report->last_seq = std::max(report->last_seq, file_max_seq);
    (*max_seq_by_file)[number] = file_max_seq;
  }
  return absl::OkStatus();
}

absl::Status Wal::OpenNewFile() {
  uint64_t number = current_number_ + 1;
  std::string path = storage::JoinPath(dir_, WalFileName(number));
  ASSIGN_OR_RETURN(log_, storage::LogWriter::Open(path));
  RETURN_IF_ERROR(storage::SyncDir(dir_));  // the new file's name must survive a crash
  absl::MutexLock lock(&files_mu_);
  current_number_ = number;
  max_seq_by_file_[number] = 0;
  return absl::OkStatus();
}

absl::Status Wal::Append(uint64_t first_seq, size_t n, absl::Span<const std::string_view> encoded) {
  if (n == 0) return absl::OkStatus();
  if (log_->size() >= max_file_bytes_) {
    RETURN_IF_ERROR(log_->Sync());
    RETURN_IF_ERROR(OpenNewFile());
  }
  scratch_.clear();
  PutVarint64(&scratch_, first_seq);
  PutVarint64(&scratch_, n);
  for (std::string_view piece : encoded) scratch_.append(piece);
  RETURN_IF_ERROR(log_->AddRecord(kEventBatchRecord, scratch_));
  bytes_written_ += scratch_.size() + storage::kLogHeaderSize;
  absl::MutexLock lock(&files_mu_);
  max_seq_by_file_[current_number_] = first_seq + n - 1;
  return absl::OkStatus();
}

absl::Status Wal::Sync() { return log_->Sync(); }

absl::Status Wal::Rotate() {
  RETURN_IF_ERROR(log_->Sync());
  return OpenNewFile();
}

absl::Status Wal::DeleteObsolete(uint64_t oldest_needed_seq) {
  std::vector<uint64_t> doomed;
  {
    absl::MutexLock lock(&files_mu_);
    for (const auto& [number, max_seq] : max_seq_by_file_) {
      if (number == current_number_) break;
      if (max_seq < oldest_needed_seq) doomed.push_back(number);
    }
    for (uint64_t n : doomed) max_seq_by_file_.erase(n);
  }
  for (uint64_t n : doomed)
    RETURN_IF_ERROR(storage::RemoveFile(storage::JoinPath(dir_, WalFileName(n))));
  return absl::OkStatus();
}

}  // namespace strata::engine
