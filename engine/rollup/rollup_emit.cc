// EmitCells: accumulated cells -> rollup segment columns, sorted and deduplicated.
#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <tuple>

#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"

namespace strata::engine::rollup_internal {

using storage::ColumnInput;

std::string SerializeSmallUsers(const UserSet& users) {
  static_assert(std::endian::native == std::endian::little, "the format is little-endian");
  uint32_t v[UserSet::kSmall];
  const uint32_t n = users.n;
  for (uint32_t i = 0; i < n; ++i) {  // insertion sort: n <= kSmall
    uint32_t x = users.small[i], j = i;
    for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
    v[j] = x;
  }
  uint32_t containers = 0;
  for (uint32_t i = 0; i < n; ++i) containers += i == 0 || (v[i] >> 16) != (v[i - 1] >> 16);
  std::string out(8 + 8 * containers + 2 * n, '\0');
  char* p = out.data();
  auto put32 = [&p](uint32_t x) {
    std::memcpy(p, &x, 4);
    p += 4;
  };
  auto put16 = [&p](uint16_t x) {
    std::memcpy(p, &x, 2);
    p += 2;
  };
  put32(12346);
  put32(containers);
  for (uint32_t i = 0; i < n;) {
    uint32_t j = i;
    while (j < n && (v[j] >> 16) == (v[i] >> 16)) ++j;
    put16(static_cast<uint16_t>(v[i] >> 16));
    put16(static_cast<uint16_t>(j - i - 1));
    i = j;
  }
  uint32_t offset = 8 + 8 * containers;
  for (uint32_t i = 0; i < n;) {
    uint32_t j = i;
    while (j < n && (v[j] >> 16) == (v[i] >> 16)) ++j;
    put32(offset);
    offset += 2 * (j - i);
    i = j;
  }
  for (uint32_t i = 0; i < n; ++i) put16(static_cast<uint16_t>(v[i]));
  return out;
}

namespace {

// Ranks of the used ids by string (equal strings share a rank), and the ranked strings.
struct Ranking {
  std::vector<uint32_t> rank_of;  // by id; only used ids are set
  std::vector<std::string> dict;  // by rank
};

Ranking RankUsed(const std::vector<CellId>& ids, uint32_t CellId::*field,
                 absl::Span<const std::string_view> strings) {
  std::vector<bool> used(strings.size(), false);
  for (const CellId& c : ids) used[c.*field] = true;
  std::vector<uint32_t> used_ids;
  for (uint32_t id = 0; id < used.size(); ++id)
    if (used[id]) used_ids.push_back(id);
  std::sort(used_ids.begin(), used_ids.end(),
            [&](uint32_t a, uint32_t b) { return strings[a] < strings[b]; });
  Ranking r;
  r.rank_of.resize(strings.size());
  for (uint32_t id : used_ids) {
    if (r.dict.empty() || r.dict.back() != strings[id]) r.dict.emplace_back(strings[id]);
    r.rank_of[id] = static_cast<uint32_t>(r.dict.size() - 1);
  }
  return r;
}

// The portable serialization of a user set: small sets directly, pooled bitmaps
// run-optimized (their containers are freed).
std::string SerializeUsers(const UserSet& users, std::vector<Bitmap>* pool) {
  if (users.n != UserSet::kSpilled) return SerializeSmallUsers(users);
  Bitmap& b = (*pool)[users.small[1]];
  b.runOptimize();
  std::string bytes(b.getSizeInBytes(/*portable=*/true), '\0');
  b.write(bytes.data(), /*portable=*/true);
  b = Bitmap();
  return bytes;
}

// What the output is sorted by, next to the cell it comes from (sorting these compact
// records is far cheaper than sorting through the cells).
struct SortKey {
  uint32_t key;
  uint32_t event;  // rank
  int64_t bucket;
  uint32_t dim;  // rank
  uint32_t cell;
  auto Tuple() const { return std::tie(key, bucket, event, dim); }
};

}  // namespace

template <typename CellT>
std::optional<std::vector<ColumnInput>> EmitCells(CellTable<CellT>* t,
                                                  absl::Span<const std::string_view> events,
                                                  absl::Span<const std::string_view> dims) {
  if (t->ids.empty()) return std::nullopt;
  Ranking ev = RankUsed(t->ids, &CellId::event, events);
  Ranking dm = RankUsed(t->ids, &CellId::dim, dims);
  std::vector<SortKey> order(t->ids.size());
  for (uint32_t i = 0; i < t->ids.size(); ++i) {
    const CellId& c = t->ids[i];
    order[i] = {c.key, ev.rank_of[c.event], c.bucket, dm.rank_of[c.dim], i};
  }
  std::sort(order.begin(), order.end(),
            [](const SortKey& a, const SortKey& b) { return a.Tuple() < b.Tuple(); });

  const auto& schema = RollupSchema();
  std::vector<ColumnInput> out(schema.size());
  for (size_t c = 0; c < schema.size(); ++c) {
    out[c].schema = schema[c];
    switch (schema[c].type) {
      case storage::ColumnType::kInt64:
        out[c].ints.reserve(order.size());
        break;
      case storage::ColumnType::kDouble:
        out[c].doubles.reserve(order.size());
        break;
      case storage::ColumnType::kString:
        out[c].codes.reserve(order.size());
        break;
    }
  }
  out[kRollEvent].dict = std::move(ev.dict);
  out[kRollDim].dict = std::move(dm.dict);
  out[kRollUsers].dict.reserve(order.size());

  // One pass in output order, so each cell is read once. Cells naming the same (key,
  // bucket, event, dim) merge into the first of them.
  for (size_t i = 0; i < order.size();) {
    const SortKey& k = order[i];
    CellT& first = t->cells[k.cell];
    CellMeasures m = first.Measures();
    size_t j = i + 1;
    for (; j < order.size() && order[j].Tuple() == k.Tuple(); ++j) {
      m.Merge(t->cells[order[j].cell].Measures());
      first.users.Merge(t->cells[order[j].cell].users, &t->pool);
    }
    i = j;
    out[kRollKey].ints.push_back(k.key);
    out[kRollBucket].ints.push_back(k.bucket);
    out[kRollEvent].codes.push_back(k.event);
    out[kRollDim].codes.push_back(k.dim);
    out[kRollCount].ints.push_back(m.count);
    out[kRollValueCount].ints.push_back(m.value_count);
    out[kRollValueSum].doubles.push_back(m.value_sum);
    out[kRollValueMin].doubles.push_back(m.value_min);
    out[kRollValueMax].doubles.push_back(m.value_max);
    out[kRollBounced].ints.push_back(m.bounced);
    out[kRollEngaged].ints.push_back(m.engaged);
    out[kRollConverted].ints.push_back(m.converted);
    out[kRollPageviews].ints.push_back(m.pageviews);
    out[kRollEvents].ints.push_back(m.events);
    out[kRollDurationSum].ints.push_back(m.duration_sum_us);
    out[kRollDurationMin].ints.push_back(m.duration_min_us);
    out[kRollDurationMax].ints.push_back(m.duration_max_us);
    // One value per cell; the writer stores equal sets once.
    out[kRollUsers].codes.push_back(static_cast<uint32_t>(out[kRollUsers].dict.size()));
    out[kRollUsers].dict.push_back(SerializeUsers(first.users, &t->pool));
  }
  *t = CellTable<CellT>();
  return out;
}

template std::optional<std::vector<ColumnInput>> EmitCells<EventCell>(
    CellTable<EventCell>*, absl::Span<const std::string_view>, absl::Span<const std::string_view>);
template std::optional<std::vector<ColumnInput>> EmitCells<SessionCell>(
    CellTable<SessionCell>*, absl::Span<const std::string_view>,
    absl::Span<const std::string_view>);

}  // namespace strata::engine::rollup_internal
