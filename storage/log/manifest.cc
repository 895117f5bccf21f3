// Manifest: open/recover, append edits, and rewrite with the CURRENT switch protocol
// (docs/format/logs.md "CURRENT and the switch protocol").

#include "storage/manifest.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace strata::storage {
namespace {

constexpr std::string_view kManifestPrefix = "MANIFEST-";
constexpr char kCurrentTmpName[] = "CURRENT.tmp";

std::vector<uint64_t> ManifestNumbers(const std::vector<std::string>& names) {
  std::vector<uint64_t> numbers;
  for (const std::string& name : names) {
    if (auto n = ParseManifestFileName(name)) numbers.push_back(*n);
  }
  return numbers;
}

// The manifest number CURRENT names, or DataLoss if it is not exactly "MANIFEST-<n>\n".
absl::StatusOr<uint64_t> ReadCurrent(const std::string& dir) {
  std::string path = JoinPath(dir, kCurrentFileName);
  ASSIGN_OR_RETURN(std::string content, ReadFileToString(path));
  std::optional<uint64_t> number;
  if (!content.empty() && content.back() == '\n') {
    number = ParseManifestFileName(std::string_view(content).substr(0, content.size() - 1));
  }
  if (!number) {
    std::string shown = absl::CEscape(content.substr(0, 64));
    return absl::DataLossError(
        absl::StrCat(path, " is malformed: \"", shown, "\" (want \"MANIFEST-<number>\\n\")"));
  }
  return *number;
}

absl::Status WriteCurrent(const std::string& dir, uint64_t number) {
  return WriteFileAtomic(JoinPath(dir, kCurrentFileName),
                         absl::StrCat(ManifestFileName(number), "\n"));
}

// Writes a complete manifest holding `first_edit` and makes it durable.
absl::Status WriteNewManifest(const std::string& path, const ManifestEdit& first_edit,
                              std::unique_ptr<LogWriter>* writer) {
  ASSIGN_OR_RETURN(auto log, LogWriter::Create(path));
  RETURN_IF_ERROR(log->AddRecord(kManifestEditRecord, first_edit.Encode()));
  RETURN_IF_ERROR(log->Sync());
  *writer = std::move(log);
  return absl::OkStatus();
}

// True if MANIFEST-000001 is all a crash during first creation can leave: empty edits only
// (possibly torn). Such a directory never had a CURRENT, so it is safe to start over.
bool IsInterruptedCreation(const std::string& dir, const std::vector<uint64_t>& numbers) {
  if (numbers.size() != 1 || numbers[0] != 1) return false;
  auto read = ReadLog(JoinPath(dir, ManifestFileName(1)),
                      [](uint8_t type, std::string_view payload, uint64_t) {
                        if (type == kManifestEditRecord && payload.empty()) return absl::OkStatus();
                        return absl::DataLossError("not an empty edit");
                      });
  return read.ok();
}

// A directory without CURRENT may start empty only if no manifest with content exists:
// starting empty next to one would forget every segment.
absl::Status CheckNoLostManifest(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<uint64_t> numbers = ManifestNumbers(names);
  if (numbers.empty() || IsInterruptedCreation(dir, numbers)) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "manifest directory ", dir, " has ", numbers.size(), " MANIFEST-* file(s) (e.g. ",
      ManifestFileName(numbers.back()), ") but no ", kCurrentFileName));
}

absl::Status CreateFirstManifest(const std::string& dir) {
  std::unique_ptr<LogWriter> writer;
  RETURN_IF_ERROR(WriteNewManifest(JoinPath(dir, ManifestFileName(1)), ManifestEdit{}, &writer));
  // WriteCurrent fsyncs the directory, which also makes MANIFEST-000001's entry durable.
  return WriteCurrent(dir, 1);
}

}  // namespace

std::string ManifestFileName(uint64_t number) { return absl::StrFormat("MANIFEST-%06d", number); }

std::optional<uint64_t> ParseManifestFileName(std::string_view name) {
  if (name.substr(0, kManifestPrefix.size()) != kManifestPrefix) return std::nullopt;
  std::string_view digits = name.substr(kManifestPrefix.size());
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(absl::string_view(digits.data(), digits.size()), &n)) return std::nullopt;
  return n;
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::Open(const std::string& dir,
                                                         const ManifestOptions& options) {
  RETURN_IF_ERROR(CreateDirs(dir));
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  bool has_current = std::binary_search(names.begin(), names.end(), kCurrentFileName);
  if (!has_current) {
    RETURN_IF_ERROR(CheckNoLostManifest(dir, names));
    RETURN_IF_ERROR(CreateFirstManifest(dir));
  }
  ASSIGN_OR_RETURN(uint64_t number, ReadCurrent(dir));
  std::unique_ptr<Manifest> manifest(new Manifest(dir, options));
  RETURN_IF_ERROR(manifest->Replay(number, /*read_only=*/false));
  RETURN_IF_ERROR(manifest->RemoveStaleFiles(names));
  if (manifest->TooLong()) RETURN_IF_ERROR(manifest->Rewrite());
  return manifest;
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::OpenReadOnly(const std::string& dir) {
  if (!FileExists(JoinPath(dir, kCurrentFileName))) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
    RETURN_IF_ERROR(CheckNoLostManifest(dir, names));
    return absl::NotFoundError(
        absl::StrCat("no manifest in ", dir, " (no ", kCurrentFileName, ")"));
  }
  ASSIGN_OR_RETURN(uint64_t number, ReadCurrent(dir));
  std::unique_ptr<Manifest> manifest(new Manifest(dir, ManifestOptions()));
  RETURN_IF_ERROR(manifest->Replay(number, /*read_only=*/true));
  manifest->broken_ =
      absl::FailedPreconditionError(absl::StrCat("the manifest in ", dir, " is open read-only"));
  return manifest;
}

// Recovers MANIFEST-<number> (truncating a torn tail unless read_only), rebuilds state_
// from its edits and, unless read_only, opens it for appending.
absl::Status Manifest::Replay(uint64_t number, bool read_only) {
  std::string path = PathOf(number);
  if (!FileExists(path)) {
    return absl::DataLossError(absl::StrCat(JoinPath(dir_, kCurrentFileName), " names ",
                                            ManifestFileName(number), ", which does not exist"));
  }
  auto apply = [&](uint8_t type, std::string_view payload, uint64_t offset) -> absl::Status {
    absl::Status s;
    if (type != kManifestEditRecord) {
      s = absl::DataLossError(absl::StrCat("unknown record type ", type));
    } else if (absl::StatusOr<ManifestEdit> edit = ManifestEdit::Decode(payload); !edit.ok()) {
      s = edit.status();
    } else {
      s = state_.Apply(*edit);
    }
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat(path, ": edit at offset ", offset, ": ", s.message()));
    }
    ++edits_in_file_;
    return absl::OkStatus();
  };
  ASSIGN_OR_RETURN(LogReadResult read, read_only ? ReadLog(path, apply) : RecoverLog(path, apply));
  if (read.records == 0) {
    // Both creation paths fsync the first edit before CURRENT names the file.
    return absl::DataLossError(
        absl::StrCat(path, " holds no complete edit (", read.torn_reason, " at offset 0)"));
  }
  if (read.torn_bytes > 0) {
    torn_tail_report_ =
        absl::StrCat(read_only ? "ignored (read-only) " : "truncated ", read.torn_bytes,
                     " bytes at offset ", read.valid_bytes, " of ", path, ": ", read.torn_reason);
  }
  if (!read_only) {
    ASSIGN_OR_RETURN(log_, LogWriter::Open(path));
  }
  number_ = number;
  return absl::OkStatus();
}

// Deletes what a crash during Rewrite may leave: manifests other than the live one, and
// CURRENT.tmp. `names` was listed before Replay, so it cannot include files made since.
absl::Status Manifest::RemoveStaleFiles(const std::vector<std::string>& names) const {
  for (const std::string& name : names) {
    std::optional<uint64_t> n = ParseManifestFileName(name);
    if ((n && *n != number_) || name == kCurrentTmpName) {
      RETURN_IF_ERROR(RemoveFile(JoinPath(dir_, name)));
    }
  }
  return absl::OkStatus();
}

absl::Status Manifest::LogAndApply(const ManifestEdit& edit) {
  RETURN_IF_ERROR(broken_);
  if (absl::Status s = state_.Validate(edit); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  if (TooLong()) RETURN_IF_ERROR(Rewrite());
  RETURN_IF_ERROR(log_->AddRecord(kManifestEditRecord, edit.Encode()));
  if (absl::Status s = log_->Sync(); !s.ok()) {
    broken_ = absl::FailedPreconditionError(
        absl::StrCat("manifest ", log_->path(), " failed to sync (", s.message(), "); reopen it"));
    return s;
  }
  absl::Status applied = state_.Apply(edit);
  STRATA_CHECK(applied.ok(), "a validated manifest edit failed to apply");
  ++edits_in_file_;
  return absl::OkStatus();
}

absl::Status Manifest::Rewrite() {
  RETURN_IF_ERROR(broken_);
  uint64_t next = number_ + 1;
  std::string next_path = PathOf(next);
  std::unique_ptr<LogWriter> writer;
  if (absl::Status s = WriteNewManifest(next_path, state_.Snapshot(), &writer); !s.ok()) {
    RemoveFile(next_path).IgnoreError();  // CURRENT never named it; Open also removes it
    return s;
  }
  if (absl::Status s = WriteCurrent(dir_, next); !s.ok()) {
    // If the rename did not happen the old manifest is still live and we carry on with it.
    // If it did, CURRENT's durable content is unknown, so neither file may take new edits.
    absl::StatusOr<uint64_t> current = ReadCurrent(dir_);
    if (current.ok() && *current == number_) {
      RemoveFile(next_path).IgnoreError();
    } else {
      broken_ = absl::FailedPreconditionError(absl::StrCat(
          "manifest switch to ", next_path, " failed midway (", s.message(), "); reopen it"));
    }
    return s;
  }
  std::string old_path = PathOf(number_);
  log_ = std::move(writer);
  number_ = next;
  edits_in_file_ = 1;
  // The old manifest is no longer live; if this fails, the next Open removes it.
  RemoveFile(old_path).IgnoreError();
  return absl::OkStatus();
}

bool Manifest::TooLong() const {
  return edits_in_file_ >= options_.max_edits || log_->size() >= options_.max_bytes;
}

std::string Manifest::PathOf(uint64_t number) const {
  return JoinPath(dir_, ManifestFileName(number));
}

}  // namespace strata::storage
