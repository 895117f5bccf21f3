// RollupSegment: the cells of one (merchant, grain, cube) key, decoded on first use.
#include <algorithm>
#include <array>
#include <tuple>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"

namespace strata::engine {

using storage::SegmentReader;

// RollupKey holds merchant ids below 2^27.
constexpr uint32_t kMaxMerchant = 1u << 27;

struct RollupSegment::Decoded {
  std::vector<RollupCell> cells;
  std::vector<Bitmap> users;  // distinct user sets; cells point here
};

namespace rollup_internal {
namespace {

// Decodes rows [begin, begin + count) of column `col`, block by block.
template <typename T>
absl::Status ReadRange(const SegmentReader& reader, int col, uint32_t begin, uint32_t count,
                       std::vector<T>* scratch, std::vector<T>* out) {
  out->clear();
  out->reserve(count);
  const auto& blocks = reader.columns()[col].blocks;
  const uint32_t end = begin + count;
  // The first block whose rows end after `begin`.
  auto it = std::upper_bound(
      blocks.begin(), blocks.end(), begin,
      [](uint32_t row, const storage::BlockInfo& b) { return row < b.row_begin + b.row_count; });
  for (; it != blocks.end() && it->row_begin < end; ++it) {
    size_t block = static_cast<size_t>(it - blocks.begin());
    if constexpr (std::is_same_v<T, double>) {
      RETURN_IF_ERROR(reader.ReadDoubles(col, block, scratch));
    } else {
      RETURN_IF_ERROR(reader.ReadInts(col, block, scratch));
    }
    uint32_t from = std::max(begin, it->row_begin) - it->row_begin;
    uint32_t to = std::min(end, it->row_begin + it->row_count) - it->row_begin;
    if (to > scratch->size()) {
      return absl::DataLossError(absl::StrCat("rollup segment ", reader.path(), ": block ", block,
                                              " of column ", col, " is short"));
    }
    out->insert(out->end(), scratch->begin() + from, scratch->begin() + to);
  }
  if (out->size() != count) {
    return absl::DataLossError(absl::StrCat("rollup segment ", reader.path(), ": column ", col,
                                            " does not cover rows ", begin, "+", count));
  }
  return absl::OkStatus();
}

absl::Status CorruptCells(const SegmentReader& reader, uint32_t key, const char* what) {
  return absl::DataLossError(
      absl::StrCat("rollup segment ", reader.path(), ": key ", key, ": ", what));
}

absl::StatusOr<std::unique_ptr<RollupSegment::Decoded>> DecodeKey(const SegmentReader& reader,
                                                                  const storage::KeyRange& range) {
  const uint32_t begin = range.row_begin, n = range.row_count;
  std::vector<int64_t> iscratch;
  std::vector<double> dscratch;
  std::array<std::vector<int64_t>, kNumRollupColumns> ints;
  std::array<std::vector<double>, kNumRollupColumns> doubles;
  const auto& schema = RollupSchema();
  for (int col = kRollBucket; col < kNumRollupColumns; ++col) {
    if (schema[col].type == storage::ColumnType::kDouble) {
      RETURN_IF_ERROR(ReadRange(reader, col, begin, n, &dscratch, &doubles[col]));
    } else {
      RETURN_IF_ERROR(ReadRange(reader, col, begin, n, &iscratch, &ints[col]));
    }
  }
  ASSIGN_OR_RETURN(const storage::Dictionary* events, reader.GetDictionary(kRollEvent));
  ASSIGN_OR_RETURN(const storage::Dictionary* dims, reader.GetDictionary(kRollDim));
  ASSIGN_OR_RETURN(const storage::Dictionary* users, reader.GetDictionary(kRollUsers));

  auto d = std::make_unique<RollupSegment::Decoded>();
  // Equal user sets share one dictionary code: deserialize each once.
  absl::flat_hash_map<int64_t, uint32_t> users_index;
  std::vector<uint32_t> users_of(n);
  for (uint32_t i = 0; i < n; ++i) {
    int64_t code = ints[kRollUsers][i];
    if (code < 0 || static_cast<uint64_t>(code) >= users->size())
      return CorruptCells(reader, range.key, "users code out of range");
    auto [it, inserted] = users_index.try_emplace(code, static_cast<uint32_t>(d->users.size()));
    if (inserted) {
      std::string_view bytes = users->value(static_cast<uint32_t>(code));
      // The safe decoder never reads past `bytes`; a value it does not consume exactly is
      // malformed too.
      roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(bytes.data(), bytes.size());
      if (r == nullptr) return CorruptCells(reader, range.key, "malformed user bitmap");
      Bitmap& b = d->users.emplace_back(r);
      if (b.getSizeInBytes(/*portable=*/true) != bytes.size())
        return CorruptCells(reader, range.key, "malformed user bitmap");
    }
    users_of[i] = it->second;
  }

  d->cells.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    int64_t ev = ints[kRollEvent][i], dim = ints[kRollDim][i];
    if (ev < 0 || static_cast<uint64_t>(ev) >= events->size() || dim < 0 ||
        static_cast<uint64_t>(dim) >= dims->size())
      return CorruptCells(reader, range.key, "string code out of range");
    if (i > 0 && std::tie(ints[kRollBucket][i - 1], ints[kRollEvent][i - 1],
                          ints[kRollDim][i - 1]) >= std::tie(ints[kRollBucket][i], ev, dim))
      return CorruptCells(reader, range.key, "cells out of order");
    RollupCell& c = d->cells[i];
    c.bucket_us = ints[kRollBucket][i];
    c.event = events->value(static_cast<uint32_t>(ev));
    c.dim = dims->value(static_cast<uint32_t>(dim));
    CellMeasures& m = c.m;
    m.count = ints[kRollCount][i];
    m.value_count = ints[kRollValueCount][i];
    m.value_sum = doubles[kRollValueSum][i];
    m.value_min = doubles[kRollValueMin][i];
    m.value_max = doubles[kRollValueMax][i];
    m.bounced = ints[kRollBounced][i];
    m.engaged = ints[kRollEngaged][i];
    m.converted = ints[kRollConverted][i];
    m.pageviews = ints[kRollPageviews][i];
    m.events = ints[kRollEvents][i];
    m.duration_sum_us = ints[kRollDurationSum][i];
    m.duration_min_us = ints[kRollDurationMin][i];
    m.duration_max_us = ints[kRollDurationMax][i];
    c.users = &d->users[users_of[i]];
  }
  return d;
}

}  // namespace
}  // namespace rollup_internal

absl::StatusOr<std::unique_ptr<RollupSegment>> RollupSegment::Open(const SegmentReader* reader) {
  const auto& want = RollupSchema();
  const auto& have = reader->columns();
  bool ok = have.size() == want.size() && reader->key_column() == rollup_internal::kRollKey &&
            reader->time_column() == rollup_internal::kRollBucket;
  for (size_t c = 0; ok && c < want.size(); ++c)
    ok = have[c].schema.name == want[c].name && have[c].schema.type == want[c].type;
  if (!ok) {
    return absl::DataLossError(
        absl::StrCat("segment ", reader->path(), " does not have the rollup schema"));
  }
  return std::unique_ptr<RollupSegment>(new RollupSegment(reader));
}

RollupSegment::RollupSegment(const SegmentReader* reader) : reader_(reader) {}

RollupSegment::~RollupSegment() = default;

bool RollupSegment::Covers(uint32_t merchant) const {
  if (merchant >= kMaxMerchant) return false;
  return reader_->FindKey(RollupKey(merchant, RollupGrain::kDay, kCubeEvents)) != nullptr ||
         reader_->FindKey(RollupKey(merchant, RollupGrain::kDay, kCubeSessions)) != nullptr;
}

absl::StatusOr<absl::Span<const RollupCell>> RollupSegment::Cells(uint32_t merchant,
                                                                  RollupGrain grain,
                                                                  RollupCube cube) const {
  if (merchant >= kMaxMerchant || cube >= kNumRollupCubes) return absl::Span<const RollupCell>();
  const uint32_t key = RollupKey(merchant, grain, cube);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = decoded_.find(key);
    if (it != decoded_.end()) return absl::MakeConstSpan(it->second->cells);
  }
  const storage::KeyRange* range = reader_->FindKey(key);
  if (range == nullptr) return absl::Span<const RollupCell>();
  // Decode without the lock so other keys are not held up; the first result is kept.
  ASSIGN_OR_RETURN(std::unique_ptr<Decoded> decoded, rollup_internal::DecodeKey(*reader_, *range));
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = decoded_.try_emplace(key, std::move(decoded));
  return absl::MakeConstSpan(it->second->cells);
}

}  // namespace strata::engine
