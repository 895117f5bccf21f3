// BuildEventRollup / BuildSessionRollup: one pass over a merchant's rows, each row
// updating one cell per cube (and grain), found in the current bucket's CellGrid.
#include <algorithm>
#include <array>
#include <numeric>

#include "common/status.h"
#include "engine/rollup/rollup.h"
#include "engine/rollup/rollup_internal.h"
#include "engine/schema.h"

namespace strata::engine {

using rollup_internal::AddValue;
using rollup_internal::BucketWindow;
using rollup_internal::CellGrid;
using rollup_internal::CellTable;
using rollup_internal::EventCell;
using rollup_internal::SessionCell;
using rollup_internal::ZoneOf;
using storage::ColumnInput;

namespace {

constexpr int kNumEventCubes = kCubeSessions;  // events cubes are [0, kCubeSessions)
constexpr int kNumSessionCubes = kNumRollupCubes - kCubeSessions;
constexpr uint32_t kMaxMerchant = 1u << 27;  // RollupKey's limit

// Calls fn(begin, end) for every maximal run of equal values in `merchants`.
template <typename Fn>
void ForEachRun(size_t rows, const std::vector<int64_t>& merchants, Fn fn) {
  size_t begin = 0;
  while (begin < rows) {
    size_t end = begin + 1;
    while (end < rows && merchants[end] == merchants[begin]) ++end;
    fn(begin, end);
    begin = end;
  }
}

// Rows per merchant (runs of one merchant need not be contiguous).
absl::flat_hash_map<uint32_t, uint64_t> CountRows(const std::vector<int64_t>& merchants) {
  absl::flat_hash_map<uint32_t, uint64_t> counts;
  ForEachRun(merchants.size(), merchants,
             [&](size_t b, size_t e) { counts[static_cast<uint32_t>(merchants[b])] += e - b; });
  return counts;
}

// Per client of a merchant run, the cell it was last added to as a user in each daily
// cube and the hourly events cube. On generator traffic two thirds of the user additions
// repeat a (cell, client) pair; this catches about half of them (the same client's next
// event in the same cell) before the bitmap's binary search.
class LastCells {
 public:
  static constexpr int kHourlySlot = kNumEventCubes;  // after the daily cubes
  static constexpr int kSlots = kHourlySlot + 1;

  void Reset(const int64_t* clients, size_t n) {
    int64_t min_client = 0, max_client = 0;
    for (size_t i = 0; i < n; ++i) {
      min_client = std::min(min_client, clients[i]);
      max_client = std::max(max_client, clients[i]);
    }
    STRATA_CHECK(min_client >= 0 && max_client <= UINT32_MAX, "BuildEventRollup: bad client id");
    // Dense client ids index directly (at most 32 bytes per row) unless the run uses few
    // of a larger id range (an old merchant's ids count every client it ever had); then
    // they are renumbered in order of appearance.
    remap_ = static_cast<uint64_t>(max_client) >= n + 4096;
    local_.clear();
    cells_.assign(remap_ ? 0 : (static_cast<size_t>(max_client) + 1) * kSlots, UINT32_MAX);
  }
  uint32_t* Of(uint32_t client) {
    if (remap_) {
      auto [it, inserted] = local_.try_emplace(client, static_cast<uint32_t>(local_.size()));
      if (inserted) cells_.resize(cells_.size() + kSlots, UINT32_MAX);
      client = it->second;
    }
    return &cells_[size_t{client} * kSlots];
  }

 private:
  bool remap_ = false;
  absl::flat_hash_map<uint32_t, uint32_t> local_;
  std::vector<uint32_t> cells_;
};

// The largest code of a column (0 when empty), to check codes once instead of per row.
uint32_t MaxCode(const std::vector<uint32_t>& codes) {
  uint32_t max = 0;
  for (uint32_t c : codes) max = std::max(max, c);
  return max;
}

}  // namespace

void rollup_internal::CellGrid::Init(uint32_t events, uint32_t dim_begin, uint32_t dim_end) {
  // Direct tables up to 64 KiB stay in cache; larger products (pages) hash.
  constexpr uint64_t kMaxDirectSlots = 16384;
  const uint64_t slots = uint64_t{events} * (dim_end - dim_begin);
  direct_ = events > 0 && slots <= kMaxDirectSlots;
  dim_begin_ = dim_begin;
  dims_ = dim_end - dim_begin;
  table_.assign(direct_ ? slots : 0, 0);
  touched_.clear();
  index_.clear();
}

std::optional<std::vector<ColumnInput>> BuildEventRollup(const std::vector<ColumnInput>& columns,
                                                         const RollupBuildOptions& options) {
  STRATA_CHECK(columns.size() >= kNumEventColumns, "BuildEventRollup: not an events part");
  const std::vector<int64_t>& merchants = columns[kColMerchant].ints;
  const std::vector<int64_t>& ts = columns[kColTs].ints;
  const std::vector<int64_t>& clients = columns[kColClient].ints;
  const std::vector<double>& values = columns[kColValue].doubles;
  const std::vector<uint32_t>& event_codes = columns[kColEvent].codes;
  const size_t rows = merchants.size();
  if (rows == 0) return std::nullopt;
  STRATA_CHECK(ts.size() == rows && clients.size() == rows && values.size() == rows &&
                   event_codes.size() == rows,
               "BuildEventRollup: columns of different lengths");

  // String ids: events are the event column's codes; dims are the dim columns' codes
  // offset into one id space, with id 0 the empty dim of kCubeEvents.
  std::vector<std::string_view> event_strings(columns[kColEvent].dict.begin(),
                                              columns[kColEvent].dict.end());
  std::vector<std::string_view> dim_strings = {""};
  std::array<const std::vector<uint32_t>*, kNumEventCubes> dim_codes{};
  std::array<uint32_t, kNumEventCubes> dim_offset{};
  for (int cube = kCubePage; cube < kNumEventCubes; ++cube) {
    const ColumnInput& col = columns[GetCubeDef(static_cast<RollupCube>(cube)).dim_column];
    dim_codes[cube] = &col.codes;
    STRATA_CHECK(col.codes.size() == rows, "BuildEventRollup: columns of different lengths");
    dim_offset[cube] = static_cast<uint32_t>(dim_strings.size());
    STRATA_CHECK(dim_strings.size() + col.dict.size() < UINT32_MAX, "rollup: dictionaries too big");
    dim_strings.insert(dim_strings.end(), col.dict.begin(), col.dict.end());
  }

  const uint32_t n_events = static_cast<uint32_t>(event_strings.size());
  STRATA_CHECK(MaxCode(event_codes) < n_events, "BuildEventRollup: event code out of range");
  for (int cube = kCubePage; cube < kNumEventCubes; ++cube) {
    STRATA_CHECK(MaxCode(*dim_codes[cube]) + dim_offset[cube] < dim_strings.size(),
                 "BuildEventRollup: code out of range");
  }

  absl::flat_hash_map<uint32_t, uint64_t> counts = CountRows(merchants);
  CellTable<EventCell> cells;
  std::array<CellGrid, kNumEventCubes> daily;
  CellGrid hourly;  // kCubeEvents only
  hourly.Init(n_events, 0, 1);
  daily[kCubeEvents].Init(n_events, 0, 1);
  for (int cube = kCubePage; cube < kNumEventCubes; ++cube) {
    uint32_t dict_size = static_cast<uint32_t>(
        columns[GetCubeDef(static_cast<RollupCube>(cube)).dim_column].dict.size());
    daily[cube].Init(n_events, dim_offset[cube], dim_offset[cube] + dict_size);
  }
  std::array<uint32_t, kNumEventCubes> daily_keys;
  std::array<uint32_t, kNumEventCubes> dims;
  dims[kCubeEvents] = 0;
  std::shared_ptr<const MerchantSettings> settings;
  LastCells last_cells;

  ForEachRun(rows, merchants, [&](size_t begin, size_t end) {
    const uint32_t merchant = static_cast<uint32_t>(merchants[begin]);
    if (counts[merchant] < options.min_rows) return;
    STRATA_CHECK(merchants[begin] >= 0 && merchant < kMaxMerchant, "rollup: merchant id too big");
    const absl::TimeZone& zone = ZoneOf(options, merchant, &settings);
    const uint32_t hourly_key = RollupKey(merchant, RollupGrain::kHour, kCubeEvents);
    for (int cube = 0; cube < kNumEventCubes; ++cube)
      daily_keys[cube] = RollupKey(merchant, RollupGrain::kDay, static_cast<RollupCube>(cube));
    BucketWindow hour, day;
    last_cells.Reset(&clients[begin], end - begin);
    for (size_t r = begin; r < end; ++r) {
      const int64_t t = ts[r];
      if (!hour.Contains(t)) {
        hour.MoveTo(t, RollupGrain::kHour, zone);
        hourly.Clear();
      }
      if (!day.Contains(t)) {
        day.MoveTo(t, RollupGrain::kDay, zone);
        for (CellGrid& g : daily) g.Clear();
      }
      const uint32_t event = event_codes[r];
      const uint32_t client = static_cast<uint32_t>(clients[r]);
      const double value = values[r];
      for (int cube = kCubePage; cube < kNumEventCubes; ++cube)
        dims[cube] = dim_offset[cube] + (*dim_codes[cube])[r];
      uint32_t* last = last_cells.Of(client);

      uint32_t hi = hourly.IndexOf(hourly_key, hour.start, event, 0, &cells);
      EventCell& h = cells.cells[hi];
      h.Add(value);
      if (last[LastCells::kHourlySlot] != hi) {
        last[LastCells::kHourlySlot] = hi;
        h.users.Add(client, &cells.pool);
      }
      for (int cube = 0; cube < kNumEventCubes; ++cube) {
        uint32_t ci = daily[cube].IndexOf(daily_keys[cube], day.start, event, dims[cube], &cells);
        EventCell& c = cells.cells[ci];
        c.Add(value);
        if (last[cube] != ci) {
          last[cube] = ci;
          c.users.Add(client, &cells.pool);
        }
      }
    }
    hourly.Clear();
    for (CellGrid& g : daily) g.Clear();
  });
  return rollup_internal::EmitCells(&cells, event_strings, dim_strings);
}

std::optional<std::vector<ColumnInput>> BuildSessionRollup(absl::Span<const SessionRow> sessions,
                                                           const RollupBuildOptions& options) {
  // Sessions come sorted by (merchant, start) from the sessionizer; any other order is
  // sorted through an index.
  std::vector<uint32_t> order(sessions.size());
  std::iota(order.begin(), order.end(), 0u);
  auto before = [&](uint32_t a, uint32_t b) {
    const SessionRow& x = sessions[a];
    const SessionRow& y = sessions[b];
    if (x.merchant != y.merchant) return x.merchant < y.merchant;
    return x.start_us < y.start_us;
  };
  if (!std::is_sorted(order.begin(), order.end(), before))
    std::sort(order.begin(), order.end(), before);

  // Dim strings get ids on first use; the rows outlive the build, so views suffice.
  std::vector<std::string_view> dim_strings = {""};
  absl::flat_hash_map<std::string_view, uint32_t> dim_ids = {{"", 0}};
  auto dim_id = [&](const std::string& s) {
    auto [it, inserted] =
        dim_ids.try_emplace(std::string_view(s), static_cast<uint32_t>(dim_strings.size()));
    if (inserted) dim_strings.push_back(s);
    return it->second;
  };
  const std::vector<std::string_view> event_strings = {""};

  CellTable<SessionCell> cells;
  std::array<CellGrid, kNumSessionCubes> daily;  // dim ids grow as rows come: hashed grids
  CellGrid hourly;                               // kCubeSessions only
  hourly.Init(0, 0, 0);
  for (CellGrid& g : daily) g.Init(0, 0, 0);
  std::array<uint32_t, kNumSessionCubes> daily_keys;
  std::array<uint32_t, kNumSessionCubes> dims;
  std::shared_ptr<const MerchantSettings> settings;

  size_t begin = 0;
  while (begin < order.size()) {
    const uint32_t merchant = sessions[order[begin]].merchant;
    size_t end = begin + 1;
    while (end < order.size() && sessions[order[end]].merchant == merchant) ++end;
    if (end - begin < options.min_rows) {
      begin = end;
      continue;
    }
    STRATA_CHECK(merchant < kMaxMerchant, "rollup: merchant id too big");
    const absl::TimeZone& zone = ZoneOf(options, merchant, &settings);
    const uint32_t hourly_key = RollupKey(merchant, RollupGrain::kHour, kCubeSessions);
    for (int i = 0; i < kNumSessionCubes; ++i)
      daily_keys[i] =
          RollupKey(merchant, RollupGrain::kDay, static_cast<RollupCube>(i + kCubeSessions));
    BucketWindow hour, day;
    for (size_t k = begin; k < end; ++k) {
      const SessionRow& s = sessions[order[k]];
      if (!hour.Contains(s.start_us)) {
        hour.MoveTo(s.start_us, RollupGrain::kHour, zone);
        hourly.Clear();
      }
      if (!day.Contains(s.start_us)) {
        day.MoveTo(s.start_us, RollupGrain::kDay, zone);
        for (CellGrid& g : daily) g.Clear();
      }
      dims[0] = 0;
      dims[kCubeLandingPage - kCubeSessions] = dim_id(s.landing_page);
      dims[kCubeSessionUtmSource - kCubeSessions] = dim_id(s.utm_source);
      dims[kCubeSessionDevice - kCubeSessions] = dim_id(s.device);
      dims[kCubeSessionCountry - kCubeSessions] = dim_id(s.country);
      auto add = [&](SessionCell& c) {
        CellMeasures& m = c.m;
        ++m.count;
        AddValue(m, s.revenue);
        m.bounced += s.bounced;
        m.engaged += s.engaged;
        m.converted += s.converted;
        m.pageviews += s.pageviews;
        m.events += s.events;
        m.duration_sum_us += s.duration_us;
        m.duration_min_us = std::min(m.duration_min_us, s.duration_us);
        m.duration_max_us = std::max(m.duration_max_us, s.duration_us);
        c.users.Add(s.client, &cells.pool);
      };
      add(hourly.Get(hourly_key, hour.start, 0, 0, &cells));
      for (int i = 0; i < kNumSessionCubes; ++i)
        add(daily[i].Get(daily_keys[i], day.start, 0, dims[i], &cells));
    }
    hourly.Clear();
    for (CellGrid& g : daily) g.Clear();
    begin = end;
  }
  return rollup_internal::EmitCells(&cells, event_strings, dim_strings);
}

}  // namespace strata::engine
