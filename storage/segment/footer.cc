#include "storage/segment/footer.h"

#include <algorithm>
#include <cmath>

#include <set>
#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/status.h"
#include "storage/segment/format.h"

namespace strata::storage::segment {
namespace {

constexpr uint8_t kFlagIndexed = 0x01;

bool IsStringColumn(const ColumnInfo& c) { return c.schema.type == ColumnType::kString; }
bool HasIndex(const ColumnInfo& c) { return IsStringColumn(c) && c.schema.indexed; }

// ---- Encoding -----------------------------------------------------------------------

void EncodeRegion(const RegionInfo& r, std::string* out) {
  PutVarint64(out, r.offset);
  PutVarint32(out, r.stored_size);
  PutVarint32(out, r.raw_size);
  PutFixed32(out, r.crc);
  PutFixed8(out, static_cast<uint8_t>(r.compression));
}

void EncodeBlock(ColumnType type, const BlockInfo& b, std::string* out) {
  PutVarint64(out, b.offset);
  PutVarint32(out, b.stored_size);
  PutVarint32(out, b.raw_size);
  PutFixed32(out, b.crc);
  PutFixed8(out, static_cast<uint8_t>(b.encoding));
  PutFixed8(out, static_cast<uint8_t>(b.compression));
  PutVarint32(out, b.row_begin);
  PutVarint32(out, b.row_count);
  if (type == ColumnType::kDouble) {
    PutDouble(out, b.min_double);
    PutDouble(out, b.max_double);
  } else {
    PutVarsint64(out, b.min_int);
    PutVarsint64(out, b.max_int);
  }
}

void EncodeColumn(const ColumnInfo& c, std::string* out) {
  PutLengthPrefixed(out, c.schema.name);
  PutFixed8(out, static_cast<uint8_t>(c.schema.type));
  PutFixed8(out, c.schema.indexed ? kFlagIndexed : 0);
  PutVarint64(out, c.blocks.size());
  for (const BlockInfo& b : c.blocks) EncodeBlock(c.schema.type, b, out);
  if (IsStringColumn(c)) {
    PutVarint32(out, c.dict_size);
    EncodeRegion(c.dictionary, out);
    if (HasIndex(c)) EncodeRegion(*c.index, out);
  }
}

// ---- Decoding -----------------------------------------------------------------------

Compression DecodeCompression(Cursor& in) {
  uint8_t id = in.Fixed8("compression id");
  if (id > static_cast<uint8_t>(Compression::kZstd)) in.Fail("compression id", "unknown id");
  return static_cast<Compression>(id);
}

RegionInfo DecodeRegion(Cursor& in) {
  RegionInfo r;
  r.offset = in.Varint64("region offset");
  r.stored_size = in.Varint32("region stored size");
  r.raw_size = in.Varint32("region raw size");
  r.crc = in.Fixed32("region crc");
  r.compression = DecodeCompression(in);
  return r;
}

BlockInfo DecodeBlock(ColumnType type, Cursor& in) {
  BlockInfo b;
  b.offset = in.Varint64("block offset");
  b.stored_size = in.Varint32("block stored size");
  b.raw_size = in.Varint32("block raw size");
  b.crc = in.Fixed32("block crc");
  uint8_t enc = in.Fixed8("encoding id");
  bool known = type == ColumnType::kDouble ? IsFloatEncoding(static_cast<Encoding>(enc))
                                           : IsIntEncoding(static_cast<Encoding>(enc));
  if (in.ok() && !known) in.Fail("encoding id", "unknown for this column type");
  b.encoding = static_cast<Encoding>(enc);
  b.compression = DecodeCompression(in);
  b.row_begin = in.Varint32("block row begin");
  b.row_count = in.Varint32("block row count");
  if (type == ColumnType::kDouble) {
    b.min_double = in.Double("block min");
    b.max_double = in.Double("block max");
  } else {
    b.min_int = in.Varsint64("block min");
    b.max_int = in.Varsint64("block max");
  }
  return b;
}

void DecodeColumn(Cursor& in, ColumnInfo* c) {
  c->schema.name = std::string(in.LengthPrefixed("column name"));
  uint8_t type = in.Fixed8("column type");
  if (type < static_cast<uint8_t>(ColumnType::kInt64) ||
      type > static_cast<uint8_t>(ColumnType::kString)) {
    in.Fail("column type", "unknown type id");
  }
  c->schema.type = static_cast<ColumnType>(type);
  uint8_t flags = in.Fixed8("column flags");
  if ((flags & ~kFlagIndexed) != 0) in.Fail("column flags", "unknown flag bits");
  c->schema.indexed = (flags & kFlagIndexed) != 0;
  uint64_t block_count = in.Varint64("block count");
  // Each block descriptor takes at least 12 bytes, so this bounds the allocation.
  if (block_count > in.remaining() / 12) in.Fail("block count", "exceeds footer size");
  if (!in.ok()) return;
  c->blocks.reserve(block_count);
  for (uint64_t i = 0; i < block_count && in.ok(); ++i) {
    c->blocks.push_back(DecodeBlock(c->schema.type, in));
  }
  if (IsStringColumn(*c)) {
    c->dict_size = in.Varint32("dictionary size");
    c->dictionary = DecodeRegion(in);
    if (HasIndex(*c)) c->index = DecodeRegion(in);
  }
}

KeyRange DecodeKey(Cursor& in) {
  KeyRange k;
  k.key = in.Varint32("key");
  k.row_begin = in.Varint32("key row begin");
  k.row_count = in.Varint32("key row count");
  k.min_ts = in.Varsint64("key min ts");
  k.max_ts = in.Varsint64("key max ts");
  return k;
}

// ---- Validation ---------------------------------------------------------------------

class Checker {
 public:
  explicit Checker(const FooterContext& ctx) : ctx_(ctx) {}

  template <typename... Args>
  absl::Status Corrupt(const Args&... args) const {
    return absl::DataLossError(absl::StrCat("segment ", AbslView(ctx_.path), ": footer at offset ",
                                            ctx_.footer_offset, ": ", args...));
  }

  // Regions must tile the data area in order: each starts where the previous ended.
  absl::Status NextRegion(const ColumnInfo& c, const char* what, size_t index, uint64_t offset,
                          uint32_t stored) {
    if (offset != next_ || stored > ctx_.footer_offset - next_) {
      return Corrupt("column '", c.schema.name, "' ", what, " ", index, " at offset ", offset,
                     " size ", stored, " does not continue the data area at offset ", next_,
                     " or ends beyond the footer");
    }
    next_ += stored;
    return absl::OkStatus();
  }
  uint64_t next() const { return next_; }

 private:
  const FooterContext& ctx_;
  uint64_t next_ = kHeaderSize;
};

absl::Status ValidateSchema(const Footer& f, const Checker& chk) {
  if (f.row_count == 0 || f.row_count > UINT32_MAX) {
    return chk.Corrupt("row count ", f.row_count, " out of range");
  }
  if (f.rows_per_block == 0) return chk.Corrupt("rows per block is 0");
  if (f.columns.empty()) return chk.Corrupt("no columns");
  for (uint32_t col : {f.key_column, f.time_column}) {
    if (col >= f.columns.size() || f.columns[col].schema.type != ColumnType::kInt64) {
      return chk.Corrupt("key/time column ", col, " is not an int64 column");
    }
  }
  std::set<std::string_view> names;
  for (const ColumnInfo& c : f.columns) {
    if (c.schema.name.empty() || !names.insert(c.schema.name).second) {
      return chk.Corrupt("column name '", c.schema.name, "' is empty or repeated");
    }
    if (c.schema.indexed && !IsStringColumn(c)) {
      return chk.Corrupt("column '", c.schema.name, "' is indexed but not a string column");
    }
    if (IsStringColumn(c) && (c.dict_size == 0 || c.dict_size > f.row_count)) {
      return chk.Corrupt("column '", c.schema.name, "' dictionary size ", c.dict_size,
                         " out of range");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateBlock(const Footer& f, const ColumnInfo& c, size_t i, const Checker& chk) {
  const BlockInfo& b = c.blocks[i];
  uint64_t begin = uint64_t{i} * f.rows_per_block;
  uint64_t count = std::min<uint64_t>(f.rows_per_block, f.row_count - begin);
  if (b.row_begin != begin || b.row_count != count) {
    return chk.Corrupt("column '", c.schema.name, "' block ", i, " row range [", b.row_begin, ", +",
                       b.row_count, ") should be [", begin, ", +", count, ")");
  }
  if (b.compression == Compression::kNone && b.stored_size != b.raw_size) {
    return chk.Corrupt("column '", c.schema.name, "' block ", i,
                       " is uncompressed but stored and raw sizes differ");
  }
  bool bad_range;
  if (c.schema.type == ColumnType::kDouble) {
    bool nan = std::isnan(b.min_double) || std::isnan(b.max_double);
    bad_range =
        nan ? !(std::isnan(b.min_double) && std::isnan(b.max_double)) : b.min_double > b.max_double;
  } else {
    bad_range =
        b.min_int > b.max_int || (IsStringColumn(c) && (b.min_int < 0 || b.max_int >= c.dict_size));
  }
  if (bad_range) return chk.Corrupt("column '", c.schema.name, "' block ", i, " bad min/max");
  return absl::OkStatus();
}

absl::Status CheckRegionSizes(const ColumnInfo& c, const char* what, const RegionInfo& r,
                              const Checker& chk) {
  if (r.compression == Compression::kNone && r.stored_size != r.raw_size) {
    return chk.Corrupt("column '", c.schema.name, "' ", what,
                       " is uncompressed but stored and raw sizes differ");
  }
  return absl::OkStatus();
}

absl::Status ValidateLayout(const Footer& f, const FooterContext& ctx, const Checker& proto) {
  Checker chk = proto;
  uint64_t block_count = (f.row_count + f.rows_per_block - 1) / f.rows_per_block;
  for (const ColumnInfo& c : f.columns) {
    if (c.blocks.size() != block_count) {
      return chk.Corrupt("column '", c.schema.name, "' has ", c.blocks.size(), " blocks, expected ",
                         block_count);
    }
    for (size_t i = 0; i < c.blocks.size(); ++i) {
      RETURN_IF_ERROR(ValidateBlock(f, c, i, chk));
      RETURN_IF_ERROR(chk.NextRegion(c, "block", i, c.blocks[i].offset, c.blocks[i].stored_size));
    }
  }
  for (const ColumnInfo& c : f.columns) {
    if (!IsStringColumn(c)) continue;
    RETURN_IF_ERROR(CheckRegionSizes(c, "dictionary", c.dictionary, chk));
    RETURN_IF_ERROR(
        chk.NextRegion(c, "dictionary", 0, c.dictionary.offset, c.dictionary.stored_size));
  }
  for (const ColumnInfo& c : f.columns) {
    if (!HasIndex(c)) continue;
    RETURN_IF_ERROR(CheckRegionSizes(c, "index", *c.index, chk));
    RETURN_IF_ERROR(chk.NextRegion(c, "index", 0, c.index->offset, c.index->stored_size));
  }
  if (chk.next() != ctx.footer_offset) {
    return chk.Corrupt("data regions end at offset ", chk.next(), ", not at the footer");
  }
  return absl::OkStatus();
}

absl::Status ValidateKeys(const Footer& f, const Checker& chk) {
  if (f.keys.empty()) return chk.Corrupt("empty key directory");
  uint64_t next_row = 0;
  int64_t min_ts = f.keys[0].min_ts, max_ts = f.keys[0].max_ts;
  for (size_t i = 0; i < f.keys.size(); ++i) {
    const KeyRange& k = f.keys[i];
    if ((i > 0 && k.key <= f.keys[i - 1].key) || k.row_begin != next_row || k.row_count == 0 ||
        k.min_ts > k.max_ts) {
      return chk.Corrupt("key directory entry ", i, " (key ", k.key,
                         ") is out of order, not contiguous or empty");
    }
    next_row += k.row_count;
    min_ts = std::min(min_ts, k.min_ts);
    max_ts = std::max(max_ts, k.max_ts);
  }
  if (next_row != f.row_count) {
    return chk.Corrupt("key directory covers ", next_row, " rows, not ", f.row_count);
  }
  if (min_ts != f.min_ts || max_ts != f.max_ts) {
    return chk.Corrupt("segment time range does not match the key directory");
  }
  return absl::OkStatus();
}

}  // namespace

void EncodeFooter(const Footer& f, std::string* out) {
  PutVarint64(out, f.row_count);
  PutVarsint64(out, f.min_ts);
  PutVarsint64(out, f.max_ts);
  PutVarint32(out, f.rows_per_block);
  PutVarint32(out, f.key_column);
  PutVarint32(out, f.time_column);
  PutVarint64(out, f.columns.size());
  for (const ColumnInfo& c : f.columns) EncodeColumn(c, out);
  PutVarint64(out, f.keys.size());
  for (const KeyRange& k : f.keys) {
    PutVarint32(out, k.key);
    PutVarint32(out, k.row_begin);
    PutVarint32(out, k.row_count);
    PutVarsint64(out, k.min_ts);
    PutVarsint64(out, k.max_ts);
  }
}

absl::Status DecodeFooter(std::string_view bytes, const FooterContext& ctx, Footer* f) {
  Cursor in(bytes);
  f->row_count = in.Varint64("row count");
  f->min_ts = in.Varsint64("min ts");
  f->max_ts = in.Varsint64("max ts");
  f->rows_per_block = in.Varint32("rows per block");
  f->key_column = in.Varint32("key column");
  f->time_column = in.Varint32("time column");
  uint64_t column_count = in.Varint64("column count");
  // A column takes at least 4 bytes (name length, type, flags, block count).
  if (column_count > in.remaining() / 4) in.Fail("column count", "exceeds footer size");
  if (in.ok()) f->columns.resize(column_count);
  for (size_t i = 0; i < f->columns.size() && in.ok(); ++i) DecodeColumn(in, &f->columns[i]);
  uint64_t key_count = in.Varint64("key count");
  // A key entry takes at least 5 bytes.
  if (key_count > in.remaining() / 5) in.Fail("key count", "exceeds footer size");
  if (in.ok()) f->keys.reserve(key_count);
  for (uint64_t i = 0; i < key_count && in.ok(); ++i) f->keys.push_back(DecodeKey(in));
  if (in.ok() && !in.empty()) in.Fail("footer end", "trailing bytes");
  RETURN_IF_ERROR(in.status(
      absl::StrCat("segment ", AbslView(ctx.path), ": footer at offset ", ctx.footer_offset)));
  for (ColumnInfo& c : f->columns) {
    c.stored_bytes = 0;
    for (const BlockInfo& b : c.blocks) c.stored_bytes += b.stored_size;
    c.stored_bytes += c.dictionary.stored_size;
    if (c.index) c.stored_bytes += c.index->stored_size;
  }
  return ValidateFooter(*f, ctx);
}

absl::Status ValidateFooter(const Footer& f, const FooterContext& ctx) {
  Checker chk(ctx);
  RETURN_IF_ERROR(ValidateSchema(f, chk));
  RETURN_IF_ERROR(ValidateLayout(f, ctx, chk));
  return ValidateKeys(f, chk);
}

}  // namespace strata::storage::segment
