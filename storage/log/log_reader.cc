#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/log.h"
#include "storage/log/log_format.h"
#include "storage/log/range_crc.h"

namespace strata::storage {
namespace {

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

// Candidates shorter than this are checked with a direct CRC; longer ones through
// RangeCrc, which costs O(RangeCrc::kStride) however long the candidate claims to be.
constexpr uint32_t kDirectCrcLimit = 64;

// Looks for valid frames after a bad record at `base`.
class DamageScanner {
 public:
  DamageScanner(std::string_view data, uint64_t base) : data_(data), base_(base) {}

  // The offset of the first valid frame strictly after `base`, or data.size() if none. A
  // valid frame needs a matching CRC, so random bytes pass with probability 2^-32 per offset.
  uint64_t FindNextValidFrame() {
    for (uint64_t q = base_ + 1; q + kLogHeaderSize <= data_.size(); ++q) {
      if (IsValidFrame(q)) return q;
    }
    return data_.size();
  }

 private:
  // Same verdict as CheckFrame, at a bounded cost per offset.
  bool IsValidFrame(uint64_t q) {
    const char* frame = data_.data() + q;
    uint32_t length = DecodeFixed32(frame + log_internal::kLengthOffset);
    uint64_t room = data_.size() - q - kLogHeaderSize;
    if (length > kMaxLogRecordSize || length > room) return false;
    uint32_t stored = crc32c::Unmask(DecodeFixed32(frame + log_internal::kCrcOffset));
    if (length < kDirectCrcLimit) {
      return crc32c::Value(frame + log_internal::kTypeOffset, 1 + length) == stored;
    }
    // Built once, on the first long candidate: most torn tails never need it.
    if (!range_crc_) range_crc_.emplace(data_.substr(base_));
    uint64_t begin = q + log_internal::kTypeOffset - base_;
    return range_crc_->Value(begin, begin + 1 + length) == stored;
  }

  std::string_view data_;
  uint64_t base_;
  std::optional<log_internal::RangeCrc> range_crc_;
};

// Classifies the bad frame at `pos`: fills the torn-tail fields of `result`, or returns
// DataLoss if a valid record follows.
absl::Status ClassifyDamage(const std::string& path, std::string_view data, uint64_t pos,
                            const char* reason, LogReadResult* result) {
  std::string_view rest = data.substr(pos);
  if (AllZero(rest)) {
    // What a file system leaves when it extended the file but never wrote the pages.
    result->torn_reason = absl::StrCat("zero-filled tail (", reason, ")");
  } else {
    uint64_t next = DamageScanner(data, pos).FindNextValidFrame();
    if (next < data.size()) {
      return absl::DataLossError(absl::StrCat("log ", path, ": corrupt record at offset ", pos,
                                              " (", reason, "); a valid record follows at offset ",
                                              next));
    }
    result->torn_reason = reason;
  }
  result->torn_bytes = rest.size();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LogReadResult> ReadLog(const std::string& path, const LogRecordFn& fn) {
  ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  std::string_view data = file->data();
  LogReadResult result;
  uint64_t pos = 0;
  while (pos < data.size()) {
    log_internal::FrameCheck check = log_internal::CheckFrame(data, pos);
    if (check.reason != nullptr) {
      RETURN_IF_ERROR(ClassifyDamage(path, data, pos, check.reason, &result));
      break;
    }
    const char* frame = data.data() + pos;
    uint8_t type = static_cast<uint8_t>(frame[log_internal::kTypeOffset]);
    RETURN_IF_ERROR(fn(type, std::string_view(frame + kLogHeaderSize, check.length), pos));
    pos += kLogHeaderSize + check.length;
    ++result.records;
    result.valid_bytes = pos;
  }
  return result;
}

absl::StatusOr<LogReadResult> RecoverLog(const std::string& path, const LogRecordFn& fn) {
  ASSIGN_OR_RETURN(LogReadResult result, ReadLog(path, fn));
  if (result.torn_bytes == 0) return result;
  ASSIGN_OR_RETURN(auto file, WritableFile::Open(path, /*truncate=*/false));
  RETURN_IF_ERROR(file->Truncate(result.valid_bytes));
  RETURN_IF_ERROR(file->Sync());
  return result;
}

}  // namespace strata::storage
