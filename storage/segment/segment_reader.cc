// SegmentReader: Open (trailer, footer), block reads, lazy dictionaries and indexes.
#include "absl/strings/str_cat.h"
#include "common/crc32c.h"
#include "common/status.h"
#include "storage/segment.h"
#include "storage/segment/bitmap_index.h"
#include "storage/segment/dictionary.h"
#include "storage/segment/footer.h"
#include "storage/segment/format.h"

namespace strata::storage {

using segment::AbslView;

const char* ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<SegmentReader>> SegmentReader::Open(const std::string& path) {
  std::unique_ptr<SegmentReader> r(new SegmentReader());
  ASSIGN_OR_RETURN(r->file_, MappedFile::Open(path));
  std::string_view data = r->file_->data();
  if (data.size() < segment::kHeaderSize + segment::kTrailerSize) {
    return absl::DataLossError(absl::StrCat("segment ", path, ": file size ", data.size(),
                                            " at offset 0 is smaller than header and trailer (",
                                            segment::kHeaderSize + segment::kTrailerSize,
                                            " bytes)"));
  }
  uint64_t trailer_at = data.size() - segment::kTrailerSize;
  segment::Trailer t;
  if (!segment::DecodeTrailer(data.substr(trailer_at), &t)) {
    return absl::DataLossError(absl::StrCat("segment ", path, ": bad trailer magic at offset ",
                                            data.size() - segment::kMagic.size()));
  }
  if (data.substr(0, segment::kHeaderSize) != segment::kMagic) {
    return absl::DataLossError(absl::StrCat("segment ", path, ": bad header magic at offset 0"));
  }
  if (t.version != kSegmentFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "segment ", path, ": unsupported segment format version ", t.version, " at offset ",
        trailer_at + 16, " (this build reads version ", kSegmentFormatVersion, ")"));
  }
  if (t.footer_offset < segment::kHeaderSize || t.footer_offset > trailer_at ||
      trailer_at - t.footer_offset != t.footer_length) {
    return absl::DataLossError(absl::StrCat(
        "segment ", path, ": footer offset ", t.footer_offset, " / length ", t.footer_length,
        " in the trailer at offset ", trailer_at, " do not end at the trailer"));
  }
  std::string_view footer = data.substr(t.footer_offset, t.footer_length);
  if (crc32c::Unmask(t.footer_crc) != crc32c::Value(footer)) {
    return absl::DataLossError(absl::StrCat("segment ", path, ": footer at offset ",
                                            t.footer_offset, ": checksum mismatch"));
  }
  RETURN_IF_ERROR(r->DecodeFooter(footer));
  return r;
}

absl::Status SegmentReader::DecodeFooter(std::string_view footer) {
  segment::FooterContext ctx;
  ctx.path = file_->path();
  ctx.footer_offset = static_cast<uint64_t>(footer.data() - file_->data().data());
  segment::Footer f;
  RETURN_IF_ERROR(segment::DecodeFooter(footer, ctx, &f));
  row_count_ = f.row_count;
  min_ts_ = f.min_ts;
  max_ts_ = f.max_ts;
  rows_per_block_ = f.rows_per_block;
  key_column_ = static_cast<int>(f.key_column);
  time_column_ = static_cast<int>(f.time_column);
  columns_ = std::move(f.columns);
  keys_ = std::move(f.keys);
  dictionaries_.resize(columns_.size());
  indexes_.resize(columns_.size());
  return absl::OkStatus();
}

int SegmentReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].schema.name == name) return static_cast<int>(i);
  }
  return -1;
}

const KeyRange* SegmentReader::FindKey(uint32_t key) const {
  auto it = std::lower_bound(keys_.begin(), keys_.end(), key,
                             [](const KeyRange& k, uint32_t v) { return k.key < v; });
  return it != keys_.end() && it->key == key ? &*it : nullptr;
}

std::string SegmentReader::RegionLabel(int col, const char* what, size_t index,
                                       uint64_t offset) const {
  std::string label =
      absl::StrCat("segment ", path(), ": column ", columns_[col].schema.name, " ", what);
  if (std::string_view(what) == "block") absl::StrAppend(&label, " ", index);
  absl::StrAppend(&label, " at offset ", offset);
  return label;
}

absl::StatusOr<std::string_view> SegmentReader::LoadStored(int col, const char* what, size_t index,
                                                           const RegionInfo& r,
                                                           std::string* scratch) const {
  // Open validated that the region lies inside the data area.
  std::string_view stored = file_->data().substr(r.offset, r.stored_size);
  if (crc32c::Unmask(r.crc) != crc32c::Value(stored)) {
    return absl::DataLossError(
        absl::StrCat(RegionLabel(col, what, index, r.offset), ": checksum mismatch"));
  }
  if (r.compression == Compression::kNone) return stored;
  absl::Status s = Decompress(r.compression, stored, r.raw_size, scratch);
  if (s.ok() && scratch->size() != r.raw_size) {
    s = absl::DataLossError("decompressed size does not match the raw size");
  }
  if (!s.ok()) {
    return absl::DataLossError(
        absl::StrCat(RegionLabel(col, what, index, r.offset), ": ", s.message()));
  }
  return std::string_view(*scratch);
}

absl::StatusOr<std::string> SegmentReader::ReadRegion(int col, const char* what,
                                                      const RegionInfo& r) const {
  std::string scratch;
  ASSIGN_OR_RETURN(std::string_view raw, LoadStored(col, what, 0, r, &scratch));
  if (raw.data() == scratch.data()) return scratch;
  return std::string(raw);
}

absl::Status SegmentReader::CheckColumn(int col, bool int_like, const char* call) const {
  if (col < 0 || static_cast<size_t>(col) >= columns_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(call, ": segment ", path(), " has no column ", col));
  }
  ColumnType t = columns_[col].schema.type;
  if (int_like != (t != ColumnType::kDouble)) {
    return absl::InvalidArgumentError(absl::StrCat(call, ": column ", columns_[col].schema.name,
                                                   " of segment ", path(), " is ",
                                                   ColumnTypeName(t)));
  }
  return absl::OkStatus();
}

absl::Status SegmentReader::CheckBlock(int col, size_t block, bool int_like,
                                       const char* call) const {
  RETURN_IF_ERROR(CheckColumn(col, int_like, call));
  if (block >= columns_[col].blocks.size()) {
    return absl::InvalidArgumentError(absl::StrCat(call, ": column ", columns_[col].schema.name,
                                                   " of segment ", path(), " has no block ",
                                                   block));
  }
  return absl::OkStatus();
}

namespace {

RegionInfo BlockRegion(const BlockInfo& b) {
  return RegionInfo{b.offset, b.stored_size, b.raw_size, b.crc, b.compression};
}

// Decompression buffer reused across reads on this thread, so scans do not allocate.
std::string* ThreadScratch() {
  thread_local std::string scratch;
  return &scratch;
}

}  // namespace

absl::Status SegmentReader::ReadInts(int col, size_t block, std::vector<int64_t>* out) const {
  RETURN_IF_ERROR(CheckBlock(col, block, /*int_like=*/true, "ReadInts"));
  const ColumnInfo& c = columns_[col];
  const BlockInfo& b = c.blocks[block];
  ASSIGN_OR_RETURN(std::string_view raw,
                   LoadStored(col, "block", block, BlockRegion(b), ThreadScratch()));
  out->resize(b.row_count);
  absl::Status s = DecodeInts(b.encoding, raw, b.row_count, out->data());
  if (s.ok() && c.schema.type == ColumnType::kString) {
    // Codes index the dictionary: an out-of-range one must never reach a caller.
    uint64_t bad = 0;
    for (int64_t code : *out) bad |= static_cast<uint64_t>(code) >= c.dict_size;
    if (bad != 0) s = absl::DataLossError("dictionary code out of range");
  }
  if (!s.ok()) {
    out->clear();  // never hand back partially decoded garbage
    return absl::DataLossError(
        absl::StrCat(RegionLabel(col, "block", block, b.offset), ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status SegmentReader::ReadDoubles(int col, size_t block, std::vector<double>* out) const {
  RETURN_IF_ERROR(CheckBlock(col, block, /*int_like=*/false, "ReadDoubles"));
  const BlockInfo& b = columns_[col].blocks[block];
  ASSIGN_OR_RETURN(std::string_view raw,
                   LoadStored(col, "block", block, BlockRegion(b), ThreadScratch()));
  out->resize(b.row_count);
  absl::Status s = DecodeFloats(b.encoding, raw, b.row_count, out->data());
  if (!s.ok()) {
    out->clear();  // never hand back partially decoded garbage
    return absl::DataLossError(
        absl::StrCat(RegionLabel(col, "block", block, b.offset), ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<const Dictionary*> SegmentReader::GetDictionary(int col) const {
  RETURN_IF_ERROR(CheckColumn(col, /*int_like=*/true, "GetDictionary"));
  const ColumnInfo& c = columns_[col];
  if (c.schema.type != ColumnType::kString) {
    return absl::InvalidArgumentError(
        absl::StrCat("GetDictionary: column ", c.schema.name, " of segment ", path(), " is int64"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (dictionaries_[col] == nullptr) {
    ASSIGN_OR_RETURN(std::string raw, ReadRegion(col, "dictionary", c.dictionary));
    ASSIGN_OR_RETURN(dictionaries_[col],
                     segment::DecodeDictionary(
                         raw, c.dict_size, RegionLabel(col, "dictionary", 0, c.dictionary.offset)));
  }
  return dictionaries_[col].get();
}

absl::StatusOr<const std::vector<strata::Bitmap>*> SegmentReader::GetIndex(int col) const {
  RETURN_IF_ERROR(CheckColumn(col, /*int_like=*/true, "GetIndex"));
  const ColumnInfo& c = columns_[col];
  if (!c.index.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("column ", c.schema.name, " of segment ", path(), " has no bitmap index"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (indexes_[col] == nullptr) {
    ASSIGN_OR_RETURN(std::string raw, ReadRegion(col, "index", *c.index));
    ASSIGN_OR_RETURN(std::vector<strata::Bitmap> bitmaps,
                     segment::DecodeBitmapIndex(raw, c.dict_size, row_count_,
                                                RegionLabel(col, "index", 0, c.index->offset)));
    indexes_[col] = std::make_unique<std::vector<strata::Bitmap>>(std::move(bitmaps));
  }
  return indexes_[col].get();
}

absl::StatusOr<strata::Bitmap> SegmentReader::IndexBitmap(int col, uint32_t code) const {
  ASSIGN_OR_RETURN(const std::vector<strata::Bitmap>* index, GetIndex(col));
  if (code >= index->size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("IndexBitmap: code ", code, " is outside the dictionary of column ",
                     columns_[col].schema.name, " (", index->size(), " values)"));
  }
  return (*index)[code];
}

}  // namespace strata::storage
