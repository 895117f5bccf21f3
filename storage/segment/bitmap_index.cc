#include "storage/segment/bitmap_index.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "storage/segment/format.h"

namespace strata::storage::segment {

void EncodeBitmapIndex(absl::Span<const uint32_t> codes, uint32_t dict_size,
                       std::vector<uint32_t>* scratch, std::string* out) {
  // Counting sort of row ids by code: each code's rows come out ascending, ready for
  // the bulk constructor, with two allocations in total instead of one per row.
  std::vector<uint32_t> starts(size_t{dict_size} + 1, 0);
  for (uint32_t c : codes) ++starts[c + 1];
  for (uint32_t i = 0; i < dict_size; ++i) starts[i + 1] += starts[i];
  scratch->resize(codes.size());
  {
    std::vector<uint32_t> next(starts.begin(), starts.end() - 1);
    for (uint32_t row = 0; row < codes.size(); ++row) (*scratch)[next[codes[row]]++] = row;
  }
  size_t table = out->size();
  out->resize(table + size_t{4} * dict_size);
  size_t area = out->size();
  for (uint32_t code = 0; code < dict_size; ++code) {
    strata::Bitmap bitmap(starts[code + 1] - starts[code], scratch->data() + starts[code]);
    bitmap.runOptimize();
    size_t at = out->size();
    out->resize(at + bitmap.getSizeInBytes(/*portable=*/true));
    bitmap.write(out->data() + at, /*portable=*/true);
    EncodeFixed32(out->data() + table + size_t{4} * code,
                  static_cast<uint32_t>(out->size() - area));
  }
}

namespace {

absl::Status IndexError(std::string_view context, uint32_t code, size_t offset,
                        std::string_view reason) {
  return absl::DataLossError(absl::StrCat(AbslView(context), ": bitmap of code ", code,
                                          " at offset ", offset, ": ", AbslView(reason)));
}

}  // namespace

absl::StatusOr<std::vector<strata::Bitmap>> DecodeBitmapIndex(std::string_view raw,
                                                              uint32_t dict_size,
                                                              uint64_t row_count,
                                                              std::string_view context) {
  size_t table = size_t{4} * dict_size;
  if (raw.size() < table) {
    return absl::DataLossError(
        absl::StrCat(AbslView(context), ": index offset table truncated at offset 0"));
  }
  std::string_view area = raw.substr(table);
  std::vector<strata::Bitmap> bitmaps;
  bitmaps.reserve(dict_size);
  uint64_t begin = 0, total = 0;
  for (uint32_t code = 0; code < dict_size; ++code) {
    uint64_t end = DecodeFixed32(raw.data() + size_t{4} * code);
    size_t at = table + begin;
    if (end < begin || end > area.size() || (code + 1 == dict_size && end != area.size())) {
      return IndexError(context, code, at, "bad end offset in the offset table");
    }
    std::string_view bytes = area.substr(begin, end - begin);
    try {
      bitmaps.push_back(strata::Bitmap::readSafe(bytes.data(), bytes.size()));
    } catch (const std::exception& e) {
      return IndexError(context, code, at, e.what());
    }
    const strata::Bitmap& b = bitmaps.back();
    if (b.getSizeInBytes(/*portable=*/true) != bytes.size()) {
      return IndexError(context, code, at, "serialized size does not match its slot");
    }
    if (b.isEmpty() || b.maximum() >= row_count) {
      return IndexError(context, code, at, "empty, or holds a row id beyond the segment");
    }
    total += b.cardinality();
    begin = end;
  }
  if (total != row_count) {
    return absl::DataLossError(absl::StrCat(AbslView(context), ": index bitmaps hold ", total,
                                            " rows, segment has ", row_count));
  }
  return bitmaps;
}

}  // namespace strata::storage::segment
