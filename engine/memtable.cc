#include "engine/memtable.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace strata::engine {

using storage::ColumnInput;
using storage::ColumnType;

namespace {

// Columns whose values rarely repeat within a memtable: interned at flush, not on insert.
bool IsHighCardinality(int column) {
  switch (column) {
    case kColTitle:
    case kColPage:
    case kColUserId:
    case kColSessionId:
    case kColItemId:
    case kColEventId:
    case kColParams:
      return true;
    default:
      return false;
  }
}

}  // namespace

Memtable::Memtable() : created_(absl::Now()) {
  const auto& cols = EventColumns();
  for (int c = 0; c < kNumEventColumns; ++c) {
    if (cols[c].type == ColumnType::kString) {
      codes_[c] = std::make_unique<ChunkedVector<uint32_t>>();
      pools_[c] = std::make_unique<StringPool>(/*dedupe=*/!IsHighCardinality(c));
    }
  }
}

void Memtable::Add(const Event& e, uint32_t merchant, uint32_t client, std::string_view params,
                   uint64_t seq) {
  const auto& cols = EventColumns();
  merchant_.PushBack(merchant);
  ts_.PushBack(e.ts_us);
  client_.PushBack(client);
  value_.PushBack(e.value);
  for (int c = 0; c < kNumEventColumns; ++c) {
    if (!codes_[c]) continue;
    std::string_view v = cols[c].field != nullptr ? std::string_view(e.*cols[c].field) : params;
    codes_[c]->PushBack(pools_[c]->Intern(v));
  }
  if (rows_ == 0) min_seq_ = seq;
  max_seq_ = seq;
  ++rows_;
}

size_t Memtable::MemoryBytes() const {
  size_t bytes =
      merchant_.MemoryBytes() + ts_.MemoryBytes() + client_.MemoryBytes() + value_.MemoryBytes();
  for (int c = 0; c < kNumEventColumns; ++c)
    if (codes_[c]) bytes += codes_[c]->MemoryBytes() + pools_[c]->MemoryBytes();
  return bytes;
}

namespace {

struct SortKey {
  int32_t day;
  uint32_t merchant;
  int64_t ts;
  uint32_t row;
  bool operator<(const SortKey& o) const {
    if (day != o.day) return day < o.day;
    if (merchant != o.merchant) return merchant < o.merchant;
    if (ts != o.ts) return ts < o.ts;
    return row < o.row;  // arrival order breaks ties: deterministic output
  }
};

}  // namespace

std::vector<FlushPart> Memtable::BuildFlushParts(size_t rows) const {
  std::vector<SortKey> keys(rows);
  for (size_t r = 0; r < rows; ++r)
    keys[r] = {DayOf(ts_[r]), merchant_[r], ts_[r], static_cast<uint32_t>(r)};
  std::sort(keys.begin(), keys.end());

  const auto& cols = EventColumns();
  std::vector<FlushPart> parts;
  std::vector<uint32_t> remap;  // pool code -> segment dictionary code, per string column
  absl::flat_hash_map<absl::string_view, uint32_t> by_value;  // for pools without dedupe
  size_t begin = 0;
  while (begin < rows) {
    size_t end = begin;
    while (end < rows && keys[end].day == keys[begin].day) ++end;
    FlushPart part;
    part.day = keys[begin].day;
    part.columns.resize(kNumEventColumns);
    size_t n = end - begin;
    for (int c = 0; c < kNumEventColumns; ++c) {
      ColumnInput& in = part.columns[c];
      in.schema = {cols[c].name, cols[c].type, cols[c].indexed};
      switch (c) {
        case kColMerchant:
          in.ints.resize(n);
          for (size_t i = 0; i < n; ++i) in.ints[i] = keys[begin + i].merchant;
          break;
        case kColTs:
          in.ints.resize(n);
          for (size_t i = 0; i < n; ++i) in.ints[i] = keys[begin + i].ts;
          break;
        case kColClient:
          in.ints.resize(n);
          for (size_t i = 0; i < n; ++i) in.ints[i] = client_[keys[begin + i].row];
          break;
        case kColValue:
          in.doubles.resize(n);
          for (size_t i = 0; i < n; ++i) in.doubles[i] = value_[keys[begin + i].row];
          break;
        default: {
          const ChunkedVector<uint32_t>& codes = *codes_[c];
          const StringPool& pool = *pools_[c];
          in.codes.resize(n);
          if (pool.dedupe()) {
            // Keep only the dictionary values this day uses.
            remap.assign(pool.size(), UINT32_MAX);
            for (size_t i = 0; i < n; ++i) {
              uint32_t code = codes[keys[begin + i].row];
              if (remap[code] == UINT32_MAX) {
                remap[code] = static_cast<uint32_t>(in.dict.size());
                in.dict.emplace_back(pool.value(code));
              }
              in.codes[i] = remap[code];
            }
          } else {
            // Values were appended without deduplication: build the dictionary here.
            by_value.clear();
            for (size_t i = 0; i < n; ++i) {
              std::string_view v = pool.value(codes[keys[begin + i].row]);
              auto [it, inserted] = by_value.try_emplace(absl::string_view(v.data(), v.size()),
                                                         static_cast<uint32_t>(in.dict.size()));
              if (inserted) in.dict.emplace_back(v);
              in.codes[i] = it->second;
            }
          }
        }
      }
    }
    parts.push_back(std::move(part));
    begin = end;
  }
  return parts;
}

}  // namespace strata::engine
