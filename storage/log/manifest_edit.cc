// ManifestEdit and SegmentMeta encoding: tagged fields, docs/format/logs.md "ManifestEdit".
// Tag values are on-disk constants: never renumber or reuse one.

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "storage/manifest.h"

namespace strata::storage {
namespace {

enum EditTag : uint64_t {
  kTagAddedSegment = 1,       // length-prefixed SegmentMeta (repeated)
  kTagRemovedSegment = 2,     // varint id (repeated)
  kTagNextFileNumber = 3,     // varint
  kTagWalCheckpoint = 4,      // varint
  kTagCatalogCheckpoint = 5,  // varint
  kTagProperty = 6,           // length-prefixed key, length-prefixed value (repeated)
};

enum SegmentTag : uint64_t {
  kSegId = 1,        // varint (required)
  kSegShard = 2,     // varint, fits u32
  kSegDay = 3,       // zigzag varint, fits i32
  kSegRows = 4,      // varint
  kSegMinTs = 5,     // zigzag varint
  kSegMaxTs = 6,     // zigzag varint
  kSegFileSize = 7,  // varint
  kSegLevel = 8,     // varint, fits u32
  kSegKind = 9,      // varint SegmentMeta::Kind; absent = kEvents
  kSegBase = 10,     // varint segment id; only with kind kRollup
};

void EncodeSegment(const SegmentMeta& s, std::string* dst) {
  PutVarint64(dst, kSegId);
  PutVarint64(dst, s.id);
  PutVarint64(dst, kSegShard);
  PutVarint64(dst, s.shard);
  PutVarint64(dst, kSegDay);
  PutVarsint64(dst, s.day);
  PutVarint64(dst, kSegRows);
  PutVarint64(dst, s.rows);
  PutVarint64(dst, kSegMinTs);
  PutVarsint64(dst, s.min_ts);
  PutVarint64(dst, kSegMaxTs);
  PutVarsint64(dst, s.max_ts);
  PutVarint64(dst, kSegFileSize);
  PutVarint64(dst, s.file_size);
  PutVarint64(dst, kSegLevel);
  PutVarint64(dst, s.level);
  if (s.kind != SegmentMeta::kEvents) {
    PutVarint64(dst, kSegKind);
    PutVarint64(dst, s.kind);
  }
  if (s.base != 0) {
    PutVarint64(dst, kSegBase);
    PutVarint64(dst, s.base);
  }
}

// Tracks which single-valued tags were seen, so a repeated one is reported.
class SeenTags {
 public:
  // False if `tag` (< 64) was already seen.
  bool Add(uint64_t tag) {
    uint64_t bit = uint64_t{1} << tag;
    bool fresh = (bits_ & bit) == 0;
    bits_ |= bit;
    return fresh;
  }
  bool Has(uint64_t tag) const { return (bits_ >> tag) & 1; }

 private:
  uint64_t bits_ = 0;
};

absl::Status TagError(const char* what, uint64_t tag, size_t offset, const char* problem) {
  return absl::DataLossError(
      absl::StrCat(what, ": ", problem, " tag ", tag, " at offset ", offset));
}

int32_t ToInt32(int64_t v, Cursor* c, const char* what) {
  if (v < INT32_MIN || v > INT32_MAX) c->Fail(what, "value does not fit in 32 bits");
  return static_cast<int32_t>(v);
}

// Reads the value of one SegmentMeta field; DataLoss on an unknown tag.
absl::Status DecodeSegmentField(uint64_t tag, size_t tag_offset, Cursor* c, SegmentMeta* s) {
  switch (tag) {
    case kSegId:
      s->id = c->Varint64("segment id");
      break;
    case kSegShard:
      s->shard = c->Varint32("segment shard");
      break;
    case kSegDay:
      s->day = ToInt32(c->Varsint64("segment day"), c, "segment day");
      break;
    case kSegRows:
      s->rows = c->Varint64("segment rows");
      break;
    case kSegMinTs:
      s->min_ts = c->Varsint64("segment min_ts");
      break;
    case kSegMaxTs:
      s->max_ts = c->Varsint64("segment max_ts");
      break;
    case kSegFileSize:
      s->file_size = c->Varint64("segment file_size");
      break;
    case kSegLevel:
      s->level = c->Varint32("segment level");
      break;
    case kSegKind: {
      uint64_t kind = c->Varint64("segment kind");
      if (kind > SegmentMeta::kRollup) {
        return TagError("segment meta", tag, tag_offset, "unknown kind for");
      }
      s->kind = static_cast<SegmentMeta::Kind>(kind);
      break;
    }
    case kSegBase:
      s->base = c->Varint64("segment base");
      break;
    default:
      return TagError("segment meta", tag, tag_offset, "unknown");
  }
  return absl::OkStatus();
}

absl::StatusOr<SegmentMeta> DecodeSegment(std::string_view bytes) {
  Cursor c(bytes);
  SegmentMeta s;
  SeenTags seen;
  while (c.ok() && !c.empty()) {
    size_t tag_offset = c.offset();
    uint64_t tag = c.Varint64("segment meta tag");
    if (!c.ok()) break;
    if (tag < 64 && !seen.Add(tag)) return TagError("segment meta", tag, tag_offset, "repeated");
    if (auto st = DecodeSegmentField(tag, tag_offset, &c, &s); !st.ok()) return st;
  }
  if (!c.ok()) return c.status("segment meta");
  if (!seen.Has(kSegId)) return absl::DataLossError("segment meta: no id field");
  return s;
}

// Decodes one edit; each field handler reports problems through the cursor or a Status.
class EditDecoder {
 public:
  explicit EditDecoder(std::string_view bytes) : c_(bytes) {}

  absl::StatusOr<ManifestEdit> Run() {
    while (c_.ok() && !c_.empty()) {
      size_t at = c_.offset();
      uint64_t tag = c_.Varint64("manifest edit tag");
      if (!c_.ok()) break;
      if (absl::Status s = Field(tag, at); !s.ok()) return s;
    }
    if (!c_.ok()) return c_.status("manifest edit");
    return std::move(edit_);
  }

 private:
  absl::Status Field(uint64_t tag, size_t at) {
    switch (tag) {
      case kTagAddedSegment:
        return AddedSegment(at);
      case kTagRemovedSegment:
        edit_.removed.push_back(c_.Varint64("removed segment id"));
        return absl::OkStatus();
      case kTagNextFileNumber:
        return Once(tag, at, &edit_.next_file_number, "next_file_number");
      case kTagWalCheckpoint:
        return Once(tag, at, &edit_.wal_checkpoint, "wal_checkpoint");
      case kTagCatalogCheckpoint:
        return Once(tag, at, &edit_.catalog_checkpoint, "catalog_checkpoint");
      case kTagProperty:
        return Property(at);
      default:
        return TagError("manifest edit", tag, at, "unknown");
    }
  }

  absl::Status AddedSegment(size_t at) {
    std::string_view blob = c_.LengthPrefixed("added segment");
    if (!c_.ok()) return absl::OkStatus();  // reported by Run
    absl::StatusOr<SegmentMeta> s = DecodeSegment(blob);
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat("manifest edit: added segment at offset ", at, ": ", s.status().message()));
    }
    edit_.added.push_back(*s);
    return absl::OkStatus();
  }

  absl::Status Once(uint64_t tag, size_t at, std::optional<uint64_t>* field, const char* what) {
    if (!seen_.Add(tag)) return TagError("manifest edit", tag, at, "repeated");
    *field = c_.Varint64(what);
    return absl::OkStatus();
  }

  absl::Status Property(size_t at) {
    std::string_view key = c_.LengthPrefixed("property key");
    std::string_view value = c_.LengthPrefixed("property value");
    if (!c_.ok()) return absl::OkStatus();  // reported by Run
    if (!edit_.properties.emplace(std::string(key), std::string(value)).second) {
      return absl::DataLossError(
          absl::StrCat("manifest edit: repeated property key at offset ", at));
    }
    return absl::OkStatus();
  }

  Cursor c_;
  ManifestEdit edit_;
  SeenTags seen_;
};

}  // namespace

std::string ManifestEdit::Encode() const {
  std::string out;
  std::string segment;
  for (const SegmentMeta& s : added) {
    segment.clear();
    EncodeSegment(s, &segment);
    PutVarint64(&out, kTagAddedSegment);
    PutLengthPrefixed(&out, segment);
  }
  for (uint64_t id : removed) {
    PutVarint64(&out, kTagRemovedSegment);
    PutVarint64(&out, id);
  }
  auto put_optional = [&out](EditTag tag, const std::optional<uint64_t>& v) {
    if (!v) return;
    PutVarint64(&out, tag);
    PutVarint64(&out, *v);
  };
  put_optional(kTagNextFileNumber, next_file_number);
  put_optional(kTagWalCheckpoint, wal_checkpoint);
  put_optional(kTagCatalogCheckpoint, catalog_checkpoint);
  for (const auto& [key, value] : properties) {
    PutVarint64(&out, kTagProperty);
    PutLengthPrefixed(&out, key);
    PutLengthPrefixed(&out, value);
  }
  return out;
}

absl::StatusOr<ManifestEdit> ManifestEdit::Decode(std::string_view bytes) {
  EditDecoder decoder(bytes);
  return decoder.Run();
}

}  // namespace strata::storage
