// Test helpers for the rollup tests: generator events as flush parts (through a real
// Memtable, as the engine flushes them), a brute-force reference of every cell, and a
// checker comparing a written rollup segment with that reference.
//
// Thread safety: test-only; one thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/temp_dir.h"
#include "engine/memtable.h"
#include "engine/rollup/rollup.h"
#include "engine/schema.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "storage/segment.h"

namespace strata::engine::rollup_test {

inline absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  STRATA_CHECK(absl::LoadTimeZone(name, &tz), "time zone data missing");
  return tz;
}

// Generator events with dense merchant / client ids, flushed through a Memtable.
struct FlushedEvents {
  std::vector<FlushPart> parts;
  uint32_t merchants = 0;
};

inline FlushedEvents FlushGeneratorEvents(const ingest::GeneratorOptions& g) {
  FlushedEvents out;
  Memtable mem;
  absl::flat_hash_map<std::string, uint32_t> merchant_ids;
  std::vector<absl::flat_hash_map<std::string, uint32_t>> client_ids;
  ingest::Generator gen(g);
  Event e;
  uint64_t seq = 0;
  while (gen.Next(&e)) {
    auto [m, new_merchant] =
        merchant_ids.try_emplace(e.merchant, static_cast<uint32_t>(merchant_ids.size()));
    if (new_merchant) client_ids.emplace_back();
    auto& clients = client_ids[m->second];
    auto [c, new_client] = clients.try_emplace(e.client_id, static_cast<uint32_t>(clients.size()));
    mem.Add(e, m->second, c->second, EncodeParams(e.params), ++seq);
  }
  out.parts = mem.BuildFlushParts(mem.rows());
  out.merchants = static_cast<uint32_t>(merchant_ids.size());
  return out;
}

struct RefCell {
  CellMeasures m;
  std::set<uint32_t> users;
};
// (key, bucket, event, dim) -> cell
using RefCells = std::map<std::tuple<uint32_t, int64_t, std::string, std::string>, RefCell>;

// Bucket starts computed without the code under test: civil hour in UTC, civil day in the
// zone, back to an instant with absl::FromCivil.
inline int64_t RefBucket(int64_t ts_us, RollupGrain grain, const absl::TimeZone& zone) {
  absl::Time t = absl::FromUnixMicros(ts_us);
  if (grain == RollupGrain::kHour) {
    absl::TimeZone utc = absl::UTCTimeZone();
    return absl::ToUnixMicros(absl::FromCivil(absl::ToCivilHour(t, utc), utc));
  }
  return absl::ToUnixMicros(absl::FromCivil(absl::ToCivilDay(t, zone), zone));
}

inline void RefAddValue(CellMeasures* m, double v) {
  if (std::isnan(v)) return;
  ++m->value_count;
  m->value_sum += v;
  m->value_min = std::min(m->value_min, v);
  m->value_max = std::max(m->value_max, v);
}

inline absl::TimeZone RefZone(const RollupBuildOptions& o, uint32_t merchant) {
  if (!o.settings) return absl::UTCTimeZone();
  auto s = o.settings(merchant);
  return s ? s->zone : absl::UTCTimeZone();
}

// The reference cells of an events part, from its raw rows.
inline RefCells ReferenceEventCells(const std::vector<storage::ColumnInput>& cols,
                                    const RollupBuildOptions& o) {
  std::map<uint32_t, uint64_t> rows_of;
  for (int64_t m : cols[kColMerchant].ints) ++rows_of[static_cast<uint32_t>(m)];
  RefCells ref;
  auto str = [&](int col, size_t r) { return cols[col].dict[cols[col].codes[r]]; };
  for (size_t r = 0; r < cols[kColMerchant].ints.size(); ++r) {
    uint32_t merchant = static_cast<uint32_t>(cols[kColMerchant].ints[r]);
    if (rows_of[merchant] < o.min_rows) continue;
    absl::TimeZone zone = RefZone(o, merchant);
    int64_t ts = cols[kColTs].ints[r];
    for (int cube = 0; cube < kCubeSessions; ++cube) {
      const CubeDef& def = GetCubeDef(static_cast<RollupCube>(cube));
      std::string dim = def.dim_column < 0 ? "" : str(def.dim_column, r);
      for (RollupGrain grain : {RollupGrain::kHour, RollupGrain::kDay}) {
        if (grain == RollupGrain::kHour && !def.hourly) continue;
        RefCell& c = ref[{RollupKey(merchant, grain, static_cast<RollupCube>(cube)),
                          RefBucket(ts, grain, zone), str(kColEvent, r), dim}];
        ++c.m.count;
        RefAddValue(&c.m, cols[kColValue].doubles[r]);
        c.users.insert(static_cast<uint32_t>(cols[kColClient].ints[r]));
      }
    }
  }
  return ref;
}

inline RefCells ReferenceSessionCells(const std::vector<SessionRow>& sessions,
                                      const RollupBuildOptions& o) {
  std::map<uint32_t, uint64_t> rows_of;
  for (const SessionRow& s : sessions) ++rows_of[s.merchant];
  RefCells ref;
  for (const SessionRow& s : sessions) {
    if (rows_of[s.merchant] < o.min_rows) continue;
    absl::TimeZone zone = RefZone(o, s.merchant);
    const std::string* dims[] = {nullptr, &s.landing_page, &s.utm_source, &s.device, &s.country};
    for (int cube = kCubeSessions; cube < kNumRollupCubes; ++cube) {
      const CubeDef& def = GetCubeDef(static_cast<RollupCube>(cube));
      const std::string* dim = dims[cube - kCubeSessions];
      for (RollupGrain grain : {RollupGrain::kHour, RollupGrain::kDay}) {
        if (grain == RollupGrain::kHour && !def.hourly) continue;
        RefCell& c = ref[{RollupKey(s.merchant, grain, static_cast<RollupCube>(cube)),
                          RefBucket(s.start_us, grain, zone), "", dim ? *dim : ""}];
        ++c.m.count;
        RefAddValue(&c.m, s.revenue);
        c.m.bounced += s.bounced;
        c.m.engaged += s.engaged;
        c.m.converted += s.converted;
        c.m.pageviews += s.pageviews;
        c.m.events += s.events;
        c.m.duration_sum_us += s.duration_us;
        c.m.duration_min_us = std::min(c.m.duration_min_us, s.duration_us);
        c.m.duration_max_us = std::max(c.m.duration_max_us, s.duration_us);
        c.users.insert(s.client);
      }
    }
  }
  return ref;
}

inline std::vector<uint32_t> Members(const Bitmap& b) {
  std::vector<uint32_t> out;
  for (uint32_t v : b) out.push_back(v);
  return out;
}

inline void ExpectMeasuresEq(const CellMeasures& got, const CellMeasures& want) {
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.value_count, want.value_count);
  EXPECT_NEAR(got.value_sum, want.value_sum, 1e-9 * (1 + std::fabs(want.value_sum)));
  EXPECT_EQ(got.value_min, want.value_min);
  EXPECT_EQ(got.value_max, want.value_max);
  EXPECT_EQ(got.bounced, want.bounced);
  EXPECT_EQ(got.engaged, want.engaged);
  EXPECT_EQ(got.converted, want.converted);
  EXPECT_EQ(got.pageviews, want.pageviews);
  EXPECT_EQ(got.events, want.events);
  EXPECT_EQ(got.duration_sum_us, want.duration_sum_us);
  EXPECT_EQ(got.duration_min_us, want.duration_min_us);
  EXPECT_EQ(got.duration_max_us, want.duration_max_us);
}

// Every key of the segment is in the reference and every reference cell is read back
// exactly, in (bucket, event, dim) order. Returns the number of cells checked.
inline size_t ExpectSegmentMatches(const storage::SegmentReader& reader, const RollupSegment& seg,
                                   const RefCells& ref) {
  std::map<uint32_t, std::vector<RefCells::const_iterator>> by_key;
  for (auto it = ref.begin(); it != ref.end(); ++it) by_key[std::get<0>(it->first)].push_back(it);
  std::vector<uint32_t> stored_keys;
  for (const storage::KeyRange& k : reader.keys()) stored_keys.push_back(k.key);
  std::vector<uint32_t> ref_keys;
  for (const auto& [key, cells] : by_key) ref_keys.push_back(key);
  EXPECT_EQ(stored_keys, ref_keys);
  size_t checked = 0;
  for (const auto& [key, want] : by_key) {
    uint32_t merchant = key >> 5;
    RollupGrain grain = static_cast<RollupGrain>(key >> 4 & 1);
    RollupCube cube = static_cast<RollupCube>(key & 15);
    EXPECT_TRUE(seg.Covers(merchant));
    auto cells = seg.Cells(merchant, grain, cube);
    if (!cells.ok()) {
      ADD_FAILURE() << cells.status();
      continue;
    }
    if (cells->size() != want.size()) {
      ADD_FAILURE() << "key " << key << ": " << cells->size() << " cells, want " << want.size();
      continue;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      const RollupCell& got = (*cells)[i];
      const auto& [k, bucket, event, dim] = want[i]->first;
      SCOPED_TRACE(testing::Message() << "key " << key << " bucket " << bucket << " event " << event
                                      << " dim " << dim);
      EXPECT_EQ(got.bucket_us, bucket);
      EXPECT_EQ(got.event, event);
      EXPECT_EQ(got.dim, dim);
      ExpectMeasuresEq(got.m, want[i]->second.m);
      if (got.users == nullptr) {
        ADD_FAILURE() << "null users";
        continue;
      }
      std::vector<uint32_t> users(want[i]->second.users.begin(), want[i]->second.users.end());
      EXPECT_EQ(Members(*got.users), users);
      ++checked;
    }
  }
  return checked;
}

}  // namespace strata::engine::rollup_test
