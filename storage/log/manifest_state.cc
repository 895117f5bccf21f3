// ManifestState: validating and applying edits, and snapshotting the whole state.

#include <algorithm>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/manifest.h"

namespace strata::storage {

absl::Status ManifestState::Validate(const ManifestEdit& edit) const {
  // Removals happen before additions, so an id may be removed and re-added in one edit.
  std::unordered_set<uint64_t> removed;
  for (uint64_t id : edit.removed) {
    if (!segments.contains(id) || !removed.insert(id).second) {
      return absl::DataLossError(
          absl::StrCat("manifest edit removes segment ", id, ", which is not live"));
    }
  }
  std::unordered_set<uint64_t> added;
  for (const SegmentMeta& s : edit.added) {
    bool live = segments.contains(s.id) && !removed.contains(s.id);
    if (live || !added.insert(s.id).second) {
      return absl::DataLossError(
          absl::StrCat("manifest edit adds segment ", s.id, ", which is already live"));
    }
  }
  if (edit.next_file_number && *edit.next_file_number < next_file_number) {
    return absl::DataLossError(absl::StrCat("manifest edit lowers next_file_number from ",
                                            next_file_number, " to ", *edit.next_file_number));
  }
  return absl::OkStatus();
}

absl::Status ManifestState::Apply(const ManifestEdit& edit) {
  RETURN_IF_ERROR(Validate(edit));
  // Nothing below can fail, so the state changes entirely or not at all.
  for (uint64_t id : edit.removed) segments.erase(id);
  for (const SegmentMeta& s : edit.added) {
    segments.emplace(s.id, s);
    next_file_number = std::max(next_file_number, s.id + 1);
  }
  if (edit.next_file_number) next_file_number = std::max(next_file_number, *edit.next_file_number);
  if (edit.wal_checkpoint) wal_checkpoint = *edit.wal_checkpoint;
  if (edit.catalog_checkpoint) catalog_checkpoint = *edit.catalog_checkpoint;
  for (const auto& [key, value] : edit.properties) properties[key] = value;
  return absl::OkStatus();
}

ManifestEdit ManifestState::Snapshot() const {
  ManifestEdit edit;
  edit.added.reserve(segments.size());
  for (const auto& [id, meta] : segments) edit.added.push_back(meta);
  edit.next_file_number = next_file_number;
  edit.wal_checkpoint = wal_checkpoint;
  edit.catalog_checkpoint = catalog_checkpoint;
  edit.properties = properties;
  return edit;
}

}  // namespace strata::storage
