// WriteSegment: lays out magic, column blocks, dictionaries, indexes, footer and trailer
// (docs/storage-format.md, "Segment file") into path.tmp, then publishes it atomically.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/crc32c.h"
#include "common/status.h"
#include "storage/segment.h"
#include "storage/segment/bitmap_index.h"
#include "storage/segment/dictionary.h"
#include "storage/segment/footer.h"
#include "storage/segment/format.h"
#include "storage/segment/writer_input.h"

namespace strata::storage {
namespace {

using segment::Footer;

// Batches small appends into large writes; tracks the file offset of the next byte.
class BufferedOutput {
 public:
  explicit BufferedOutput(WritableFile* file) : file_(file) {}

  absl::Status Append(std::string_view bytes) {
    buffer_.append(bytes.data(), bytes.size());
    offset_ += bytes.size();
    if (buffer_.size() >= kFlushBytes) return Flush();
    return absl::OkStatus();
  }
  absl::Status Flush() {
    RETURN_IF_ERROR(file_->Append(buffer_));
    buffer_.clear();
    return absl::OkStatus();
  }
  uint64_t offset() const { return offset_; }

 private:
  static constexpr size_t kFlushBytes = size_t{1} << 20;
  WritableFile* file_;
  std::string buffer_;
  uint64_t offset_ = 0;
};

// Removes path.tmp unless the segment was published.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// Per-write scratch buffers, reused for every block so the loop does not allocate.
struct Scratch {
  std::vector<int64_t> ints;
  std::string encoded;
  std::string compressed;
  std::vector<uint32_t> codes;
  std::vector<uint32_t> rows;
};

class SegmentBuilder {
 public:
  SegmentBuilder(const SegmentWriterOptions& options, BufferedOutput* out)
      : options_(options), out_(out) {}

  // Compresses `raw` if that makes it smaller, writes it, and describes where it went.
  absl::Status WriteStored(std::string_view raw, RegionInfo* r) {
    std::string_view stored = raw;
    r->compression = Compression::kNone;
    if (options_.compression != Compression::kNone) {
      scratch_.compressed.clear();
      Compress(options_.compression, raw, options_.zstd_level, &scratch_.compressed);
      if (scratch_.compressed.size() < raw.size()) {
        stored = scratch_.compressed;
        r->compression = options_.compression;
      }
    }
    if (raw.size() > UINT32_MAX) return absl::InvalidArgumentError("region exceeds 4 GiB");
    r->offset = out_->offset();
    r->stored_size = static_cast<uint32_t>(stored.size());
    r->raw_size = static_cast<uint32_t>(raw.size());
    r->crc = crc32c::Mask(crc32c::Value(stored));
    return out_->Append(stored);
  }

  absl::Status WriteIntBlock(absl::Span<const int64_t> values, BlockInfo* b) {
    auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    b->min_int = *lo;
    b->max_int = *hi;
    b->encoding = ChooseIntEncoding(values);
    scratch_.encoded.clear();
    EncodeInts(b->encoding, values, &scratch_.encoded);
    return WriteBlock(b);
  }

  absl::Status WriteDoubleBlock(absl::Span<const double> values, BlockInfo* b) {
    // NaN is ignored for min/max; an all-NaN block has NaN for both.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    bool any = false;
    for (double v : values) {
      if (std::isnan(v)) continue;
      any = true;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    b->min_double = any ? lo : std::numeric_limits<double>::quiet_NaN();
    b->max_double = any ? hi : std::numeric_limits<double>::quiet_NaN();
    b->encoding = ChooseFloatEncoding(values);
    scratch_.encoded.clear();
    EncodeFloats(b->encoding, values, &scratch_.encoded);
    return WriteBlock(b);
  }

  absl::Status WriteColumnBlocks(const ColumnInput& c, const segment::StringDictionary* dict,
                                 uint32_t rows, ColumnInfo* info) {
    for (uint32_t begin = 0; begin < rows; begin += options_.rows_per_block) {
      BlockInfo& b = info->blocks.emplace_back();
      b.row_begin = begin;
      b.row_count = std::min(options_.rows_per_block, rows - begin);
      switch (c.schema.type) {
        case ColumnType::kInt64:
          RETURN_IF_ERROR(
              WriteIntBlock(absl::MakeConstSpan(c.ints).subspan(begin, b.row_count), &b));
          break;
        case ColumnType::kDouble:
          RETURN_IF_ERROR(
              WriteDoubleBlock(absl::MakeConstSpan(c.doubles).subspan(begin, b.row_count), &b));
          break;
        case ColumnType::kString:
          scratch_.ints.resize(b.row_count);
          for (uint32_t i = 0; i < b.row_count; ++i) {
            scratch_.ints[i] = dict->remap[c.codes[begin + i]];
          }
          RETURN_IF_ERROR(WriteIntBlock(scratch_.ints, &b));
          break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status WriteDictionary(const segment::StringDictionary& dict, ColumnInfo* info) {
    info->dict_size = static_cast<uint32_t>(dict.values.size());
    scratch_.encoded.clear();
    segment::EncodeDictionary(dict.values, &scratch_.encoded);
    return WriteStored(scratch_.encoded, &info->dictionary);
  }

  absl::Status WriteIndex(const ColumnInput& c, const segment::StringDictionary& dict,
                          ColumnInfo* info) {
    scratch_.codes.resize(c.codes.size());
    for (size_t row = 0; row < c.codes.size(); ++row)
      scratch_.codes[row] = dict.remap[c.codes[row]];
    scratch_.encoded.clear();
    segment::EncodeBitmapIndex(scratch_.codes, info->dict_size, &scratch_.rows, &scratch_.encoded);
    return WriteStored(scratch_.encoded, &info->index.emplace());
  }

 private:
  absl::Status WriteBlock(BlockInfo* b) {
    RegionInfo r;
    RETURN_IF_ERROR(WriteStored(scratch_.encoded, &r));
    b->offset = r.offset;
    b->stored_size = r.stored_size;
    b->raw_size = r.raw_size;
    b->crc = r.crc;
    b->compression = r.compression;
    return absl::OkStatus();
  }

  const SegmentWriterOptions& options_;
  BufferedOutput* out_;
  Scratch scratch_;
};

// Rows are sorted by (key, time), so a key's rows are one run and its time range is the
// run's first and last time.
std::vector<KeyRange> BuildKeyDirectory(const std::vector<int64_t>& keys,
                                        const std::vector<int64_t>& times) {
  std::vector<KeyRange> out;
  for (uint32_t row = 0; row < keys.size(); ++row) {
    if (out.empty() || out.back().key != keys[row]) {
      out.push_back(KeyRange{static_cast<uint32_t>(keys[row]), row, 0, times[row], times[row]});
    }
    ++out.back().row_count;
    out.back().max_ts = times[row];
  }
  return out;
}

// Steps 1-3 of the layout: blocks of every column, then dictionaries, then indexes.
absl::Status WriteDataRegions(const SegmentWriterOptions& options,
                              absl::Span<const ColumnInput> columns, uint32_t rows,
                              BufferedOutput* out, Footer* footer) {
  SegmentBuilder builder(options, out);
  std::vector<segment::StringDictionary> dicts(columns.size());
  footer->columns.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    footer->columns[i].schema = columns[i].schema;
    if (columns[i].schema.type == ColumnType::kString) {
      dicts[i] = segment::BuildStringDictionary(columns[i]);
    }
    RETURN_IF_ERROR(builder.WriteColumnBlocks(columns[i], &dicts[i], rows, &footer->columns[i]));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].schema.type != ColumnType::kString) continue;
    RETURN_IF_ERROR(builder.WriteDictionary(dicts[i], &footer->columns[i]));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].schema.type != ColumnType::kString || !columns[i].schema.indexed) continue;
    RETURN_IF_ERROR(builder.WriteIndex(columns[i], dicts[i], &footer->columns[i]));
  }
  return absl::OkStatus();
}

// Steps 4-5: footer and trailer.
absl::Status WriteFooterAndTrailer(const Footer& footer, BufferedOutput* out) {
  std::string bytes;
  segment::EncodeFooter(footer, &bytes);
  if (bytes.size() > UINT32_MAX) return absl::InvalidArgumentError("footer exceeds 4 GiB");
  segment::Trailer trailer;
  trailer.footer_offset = out->offset();
  trailer.footer_length = static_cast<uint32_t>(bytes.size());
  trailer.footer_crc = crc32c::Mask(crc32c::Value(bytes));
  trailer.version = kSegmentFormatVersion;
  segment::EncodeTrailer(trailer, &bytes);
  return out->Append(bytes);
}

absl::Status Publish(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("rename ", tmp, " to ", path, ": ", std::strerror(errno)));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return SyncDir(dir.empty() ? "." : dir);
}

}  // namespace

absl::StatusOr<SegmentSummary> WriteSegment(const std::string& path,
                                            const SegmentWriterOptions& options,
                                            absl::Span<const ColumnInput> columns) {
  ASSIGN_OR_RETURN(uint32_t rows, segment::ValidateWriterInput(options, columns));
  const std::vector<int64_t>& keys = columns[options.key_column].ints;
  const std::vector<int64_t>& times = columns[options.time_column].ints;

  Footer footer;
  footer.row_count = rows;
  footer.rows_per_block = options.rows_per_block;
  footer.key_column = static_cast<uint32_t>(options.key_column);
  footer.time_column = static_cast<uint32_t>(options.time_column);
  footer.keys = BuildKeyDirectory(keys, times);
  footer.min_ts = footer.keys[0].min_ts;
  footer.max_ts = footer.keys[0].max_ts;
  for (const KeyRange& k : footer.keys) {
    footer.min_ts = std::min(footer.min_ts, k.min_ts);
    footer.max_ts = std::max(footer.max_ts, k.max_ts);
  }

  std::string tmp = path + ".tmp";
  TempFileGuard guard(tmp);
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, WritableFile::Open(tmp, /*truncate=*/true));
  BufferedOutput out(file.get());
  RETURN_IF_ERROR(out.Append(segment::kMagic));
  RETURN_IF_ERROR(WriteDataRegions(options, columns, rows, &out, &footer));
  RETURN_IF_ERROR(WriteFooterAndTrailer(footer, &out));
  RETURN_IF_ERROR(out.Flush());
  RETURN_IF_ERROR(file->Sync());
  RETURN_IF_ERROR(file->Close());
  RETURN_IF_ERROR(Publish(tmp, path));
  guard.Release();
  return SegmentSummary{rows, footer.min_ts, footer.max_ts, out.offset()};
}

}  // namespace strata::storage
