// The rollup aggregate operator: cells of covering companions, raw time spans they cannot
// answer, uncovered segments, memtables and live sessions, folded into one RollupFolder.
#include "query/rollup_aggregate.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "engine/schema.h"
#include "engine/sessions/live_sessions.h"
#include "query/error.h"

namespace strata::query {
namespace {

using engine::RollupGrain;

// An inclusive time span (µs).
struct TimeSpan {
  int64_t lo = 0;
  int64_t hi = 0;
};

// Appends `s` to spans sorted by `lo`, merging it with the last one when they touch.
void AppendSpan(std::vector<TimeSpan>* spans, TimeSpan s) {
  if (s.lo > s.hi) return;
  if (!spans->empty()) {
    TimeSpan& last = spans->back();
    if (last.hi == std::numeric_limits<int64_t>::max() || last.hi + 1 >= s.lo) {
      last.hi = std::max(last.hi, s.hi);
      return;
    }
  }
  spans->push_back(s);
}

// True if `s` lies inside one span of `spans` (sorted, disjoint).
bool Contained(const std::vector<TimeSpan>& spans, TimeSpan s) {
  auto it = std::upper_bound(spans.begin(), spans.end(), s.lo,
                             [](int64_t v, const TimeSpan& x) { return v < x.lo; });
  if (it == spans.begin()) return false;
  --it;
  return it->lo <= s.lo && s.hi <= it->hi;
}

// a minus b (both sorted and disjoint).
std::vector<TimeSpan> Subtract(const std::vector<TimeSpan>& a, const std::vector<TimeSpan>& b) {
  std::vector<TimeSpan> out;
  size_t j = 0;
  for (const TimeSpan& s : a) {
    while (j < b.size() && b[j].hi < s.lo) ++j;
    int64_t from = s.lo;
    bool rest = true;
    for (size_t k = j; k < b.size() && b[k].lo <= s.hi; ++k) {
      if (b[k].lo > from) out.push_back({from, b[k].lo - 1});
      if (b[k].hi >= s.hi) {
        rest = false;
        break;
      }
      from = b[k].hi + 1;
    }
    if (rest && from <= s.hi) out.push_back({from, s.hi});
  }
  return out;
}

// The start of local day `day` in `zone` as the rollup builder defines it: its midnight,
// or the transition that skips midnight.
int64_t LocalDayStart(absl::CivilDay day, const absl::TimeZone& zone) {
  const absl::TimeZone::TimeInfo ti = zone.At(absl::CivilSecond(day));
  return absl::ToUnixMicros(ti.kind == absl::TimeZone::TimeInfo::SKIPPED ? ti.trans : ti.pre);
}

// The end (exclusive) of the daily bucket starting at `start`, or nullopt if `start` is not
// a daily bucket of `zone` or the end does not check out against engine::BucketStart.
std::optional<int64_t> DayEnd(int64_t start, const absl::TimeZone& zone) {
  if (engine::BucketStart(start, RollupGrain::kDay, zone) != start) return std::nullopt;
  const absl::CivilDay day = absl::ToCivilDay(absl::FromUnixMicros(start), zone);
  int64_t end = LocalDayStart(day + 1, zone);
  if (end <= start) end = LocalDayStart(day + 2, zone);
  if (end <= start || engine::BucketStart(end - 1, RollupGrain::kDay, zone) != start ||
      engine::BucketStart(end, RollupGrain::kDay, zone) != end) {
    return std::nullopt;
  }
  return end;
}

// The scan's merchants, sorted and without duplicates (a scope may name one twice); empty
// means every merchant.
std::vector<uint32_t> ScopeMerchants(const engine::ScanSpec& spec) {
  std::vector<uint32_t> m = spec.merchants;
  std::sort(m.begin(), m.end());
  m.erase(std::unique(m.begin(), m.end()), m.end());
  return m;
}

// Where each column a raw batch needs is in the scan's output (-1 = not read).
struct RawColumns {
  int merchant = -1, client = -1, time = -1, event = -1, dim = -1, value = -1;
  int duration = -1, pageviews = -1, events = -1, bounced = -1, engaged = -1, converted = -1;
};

// What the workers of one rollup aggregate share (read-only while they run).
struct Shared {
  Shared(const PlanNode& n, ExecContext& c)
      : node(n),
        plan(*n.rollup),
        scan(*n.children[0]),
        ctx(c),
        merchants(ScopeMerchants(scan.spec)) {}

  const PlanNode& node;
  const RollupPlan& plan;
  const PlanNode& scan;
  ExecContext& ctx;
  const std::vector<uint32_t> merchants;  // ScopeMerchants of the scan
  engine::ScanSpec raw_spec;  // columns, predicates, merchants and time range of raw reads
  RawColumns cols;
  std::vector<int64_t> transitions;  // offset changes of plan.time_key_zone, ascending
  // A WHERE test on the event (sorted, distinct values), or null.
  const RollupStringTest* event_filter = nullptr;
  RollupStringTest event_test;
  int workers = 1;

  const std::vector<std::shared_ptr<const engine::SegmentHandle>>& Segments() const {
    return plan.sessions ? ctx.snapshot->session_segments : ctx.snapshot->segments;
  }
};

// The raw columns the plan needs. Tests the ScanSpec applies need no column.
void ChooseRawColumns(Shared* s) {
  const RollupPlan& plan = s->plan;
  bool merchant = plan.users_by_merchant, users = false, value = false, duration = false;
  bool pageviews = false, events = false, bounced = false, engaged = false, converted = false;
  bool event = false, dim = false;
  auto flag = [&](RollupMeasure m) {
    bounced |= m == RollupMeasure::kBounced;
    engaged |= m == RollupMeasure::kEngaged;
    converted |= m == RollupMeasure::kConverted;
  };
  auto test = [&](const RollupStringTest& t) { (t.on_event ? event : dim) = true; };
  for (const RollupAggregateSpec& a : plan.aggregates) {
    users |= a.measure == RollupMeasure::kUsers;
    value |= a.measure == RollupMeasure::kValue;
    duration |= a.measure == RollupMeasure::kDuration;
    pageviews |= a.measure == RollupMeasure::kPageviews;
    events |= a.measure == RollupMeasure::kEvents;
    flag(a.measure);
    flag(a.filter_flag);
    for (const RollupStringTest& t : a.filter) test(t);
  }
  for (const RollupStringTest& t : plan.residual) test(t);
  for (RollupKeyKind k : plan.keys) {
    merchant |= k == RollupKeyKind::kMerchant;
    event |= k == RollupKeyKind::kEvent;
    dim |= k == RollupKeyKind::kDim;
  }
  merchant |= users;
  std::vector<int>& c = s->raw_spec.columns;
  auto add = [&](bool needed, int column, int* index) {
    if (!needed) return;
    *index = static_cast<int>(c.size());
    c.push_back(column);
  };
  const bool ses = plan.sessions;
  auto pick = [ses](int session_column, int event_column) {
    return ses ? session_column : event_column;
  };
  add(merchant, pick(engine::kSesMerchant, engine::kColMerchant), &s->cols.merchant);
  add(users, pick(engine::kSesClient, engine::kColClient), &s->cols.client);
  add(plan.time_key != nullptr, pick(engine::kSesStart, engine::kColTs), &s->cols.time);
  add(event && !ses, engine::kColEvent, &s->cols.event);
  add(dim, plan.dim_source, &s->cols.dim);
  add(value, pick(engine::kSesRevenue, engine::kColValue), &s->cols.value);
  add(duration && ses, engine::kSesDuration, &s->cols.duration);
  add(pageviews && ses, engine::kSesPageviews, &s->cols.pageviews);
  add(events && ses, engine::kSesEvents, &s->cols.events);
  add(bounced && ses, engine::kSesBounced, &s->cols.bounced);
  add(engaged && ses, engine::kSesEngaged, &s->cols.engaged);
  add(converted && ses, engine::kSesConverted, &s->cols.converted);
  s->raw_spec.table = ses ? engine::ScanTable::kSessions : engine::ScanTable::kEvents;
  s->raw_spec.predicates = s->scan.spec.predicates;
  s->raw_spec.min_ts = s->scan.spec.min_ts;
  s->raw_spec.max_ts = s->scan.spec.max_ts;
  s->raw_spec.merchants = s->merchants;
}

// The instants at which the time key's zone changes its offset, over the data's time range
// clipped to the query's: a bucket containing one is not one time group.
std::vector<int64_t> FindTransitions(const Shared& s) {
  std::vector<int64_t> out;
  if (!s.plan.time_key_zoned) return out;
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (const auto& seg : s.Segments()) {
    lo = std::min(lo, seg->meta().min_ts);
    hi = std::max(hi, seg->meta().max_ts);
  }
  lo = std::max(lo, s.scan.spec.min_ts);
  hi = std::min(hi, s.scan.spec.max_ts);
  const absl::TimeZone& zone = s.plan.time_key_zone;
  absl::Time t = absl::FromUnixMicros(lo);
  for (int i = 0; i < 100000 && lo <= hi; ++i) {
    absl::TimeZone::CivilTransition tr;
    if (!zone.NextTransition(t, &tr)) break;
    // `from` is the wall time the transition leaves, read in the offset before it.
    const absl::Time at = absl::FromCivil(tr.from, absl::FixedTimeZone(zone.At(t).offset));
    if (at <= t) break;  // no progress: stop looking
    const int64_t us = absl::ToUnixMicros(at);
    if (us > hi) break;
    out.push_back(us);
    t = at;
  }
  return out;
}

// One worker's share: every `workers`-th data segment (cells of covering companions, their
// raw time spans, and the rows of merchants they do not cover), every `workers`-th memtable
// and every `workers`-th merchant's live sessions.
class Worker {
 public:
  Worker(const Shared& shared, int index)
      : s_(shared), plan_(shared.plan), index_(index), folder_(shared.node, shared.ctx) {}

  RollupFolder& folder() { return folder_; }
  const RollupStats& stats() const { return stats_; }

  absl::Status Run() {
    // Checked once up front too: a statement whose time ran out while it waited (for its
    // snapshot, say) fails even when there is nothing to read.
    RETURN_IF_ERROR(CheckCancel());
    const engine::Snapshot& snap = *s_.ctx.snapshot;
    const engine::ScanSpec& spec = s_.scan.spec;
    const auto& segments = s_.Segments();
    std::vector<std::shared_ptr<const engine::SegmentHandle>> raw_segments;
    for (size_t i = index_; i < segments.size(); i += s_.workers) {
      RETURN_IF_ERROR(CheckCancel());
      const auto& seg = segments[i];
      if (seg->meta().max_ts < spec.min_ts || seg->meta().min_ts > spec.max_ts) continue;
      bool covered = false, raw = false, uncovered = false;
      auto visit = [&](const storage::KeyRange& k) -> absl::Status {
        if (k.max_ts < spec.min_ts || k.min_ts > spec.max_ts) return absl::OkStatus();
        if (seg->rollup() == nullptr || !seg->rollup()->Covers(k.key)) {
          uncovered = true;
          return absl::OkStatus();
        }
        covered = true;
        return FoldCovered(seg, k, &raw);
      };
      if (s_.merchants.empty()) {
        for (const storage::KeyRange& k : seg->reader().keys()) RETURN_IF_ERROR(visit(k));
      } else {
        for (uint32_t m : s_.merchants) {
          if (const storage::KeyRange* k = seg->reader().FindKey(m)) RETURN_IF_ERROR(visit(*k));
        }
      }
      if (uncovered) raw_segments.push_back(seg);
      stats_.covered_segments += covered ? 1 : 0;
      stats_.raw_segments += raw || uncovered ? 1 : 0;
    }
    RETURN_IF_ERROR(folder_.FlushCells());

    // Rows of merchants the companions do not cover.
    if (!raw_segments.empty()) {
      auto share = PartSnapshot();
      (plan_.sessions ? share->session_segments : share->segments) = std::move(raw_segments);
      engine::ScanSpec raw = s_.raw_spec;
      raw.skip_rolled_up = true;
      raw.read_memtables = false;
      ASSIGN_OR_RETURN(uint64_t rows, ScanRaw(std::move(share), std::move(raw), plan_.residual));
      stats_.raw_rows += rows;
    }
    // Memtables (events): apart, so EXPLAIN tells their rows from the segments'.
    if (!plan_.sessions && index_ < snap.memtables.size()) {
      auto share = PartSnapshot();
      for (size_t i = index_; i < snap.memtables.size(); i += s_.workers) {
        share->memtables.push_back(snap.memtables[i]);
      }
      engine::ScanSpec raw = s_.raw_spec;
      raw.read_segments = false;
      ASSIGN_OR_RETURN(uint64_t rows, ScanRaw(std::move(share), std::move(raw), plan_.residual));
      stats_.memtable_rows += rows;
    }

    if (plan_.sessions) {
      const std::vector<uint32_t>& merchants = s_.merchants;
      const size_t n = merchants.empty() ? s_.ctx.catalog->merchant_count() : merchants.size();
      for (size_t i = index_; i < n; i += s_.workers) {
        RETURN_IF_ERROR(FoldLive(merchants.empty() ? static_cast<uint32_t>(i) : merchants[i]));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CheckCancel() const {
    if (s_.ctx.cancel != nullptr && s_.ctx.cancel->load(std::memory_order_relaxed)) {
      return SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    return absl::OkStatus();
  }

  // A snapshot with the query snapshot's catalog and settings and no data yet.
  std::shared_ptr<engine::Snapshot> PartSnapshot() const {
    const engine::Snapshot& snap = *s_.ctx.snapshot;
    auto part = std::make_shared<engine::Snapshot>();
    part->catalog = snap.catalog;
    part->realtime = snap.realtime;
    part->settings = snap.settings;
    part->sequence = snap.sequence;
    return part;
  }

  const absl::TimeZone& MerchantZone(uint32_t merchant) {
    auto it = settings_.find(merchant);
    if (it == settings_.end()) {
      it = settings_.emplace(merchant, s_.ctx.snapshot->settings(merchant)).first;
    }
    return it->second->zone;
  }

  // True if the time group is the same for every instant of `span`: the key is monotone in
  // time while the zone's offset stays, so equal keys at both ends and no offset change
  // inside are enough.
  bool OneTimeGroup(TimeSpan span, int64_t key_lo, int64_t key_hi) const {
    if (key_lo != key_hi) return false;
    auto it = std::upper_bound(s_.transitions.begin(), s_.transitions.end(), span.lo);
    return it == s_.transitions.end() || *it > span.hi;
  }

  // One bucket of cells: cells [begin, end) share the bucket; `span` is where their rows
  // can be (the bucket clipped to the merchant's rows in the segment).
  struct Bucket {
    size_t begin = 0, end = 0;
    TimeSpan span;
    bool usable = false;
    int64_t key = 0;
  };

  // Groups `cells` by bucket, with spans clipped to the merchant's rows. False if a daily
  // bucket's extent cannot be established (then the cells are not used).
  bool MakeBuckets(absl::Span<const engine::RollupCell> cells, RollupGrain grain,
                   const absl::TimeZone& zone, const storage::KeyRange& k,
                   std::vector<Bucket>* out) {
    out->clear();
    for (size_t i = 0; i < cells.size();) {
      Bucket b;
      b.begin = i;
      const int64_t start = cells[i].bucket_us;
      i = std::upper_bound(cells.begin() + i, cells.end(), start,
                           [](int64_t t, const engine::RollupCell& c) { return t < c.bucket_us; }) -
          cells.begin();
      b.end = i;
      int64_t end = start + engine::kMicrosPerHour;
      if (grain == RollupGrain::kDay) {
        std::optional<int64_t> day_end = DayEnd(start, zone);
        if (!day_end.has_value()) return false;
        end = *day_end;
      }
      b.span = {std::max(start, k.min_ts), std::min(end - 1, k.max_ts)};
      if (b.span.lo > b.span.hi) continue;  // no rows of the merchant there
      out->push_back(b);
    }
    return true;
  }

  // Sets usable and key of each bucket whose span passes `candidate`.
  template <typename Candidate>
  absl::Status DecideBuckets(std::vector<Bucket>* buckets, Candidate candidate) {
    points_.clear();
    for (const Bucket& b : *buckets) {
      points_.push_back(b.span.lo);
      points_.push_back(b.span.hi);
    }
    RETURN_IF_ERROR(folder_.TimeKeys(points_, &keys_));
    for (size_t i = 0; i < buckets->size(); ++i) {
      Bucket& b = (*buckets)[i];
      b.key = keys_[2 * i];
      b.usable = candidate(b.span) && OneTimeGroup(b.span, keys_[2 * i], keys_[2 * i + 1]);
    }
    return absl::OkStatus();
  }

  absl::Status FoldBucket(uint32_t merchant, const Bucket& b,
                          absl::Span<const engine::RollupCell> cells) {
    auto fold = [&](size_t begin, size_t end) -> absl::Status {
      for (size_t i = begin; i < end; ++i) {
        RETURN_IF_ERROR(folder_.AddCell(merchant, b.key, cells[i]));
      }
      stats_.cells += end - begin;
      return absl::OkStatus();
    };
    if (s_.event_filter == nullptr) return fold(b.begin, b.end);
    // A bucket's cells are sorted by event: read only the events WHERE names.
    const engine::RollupCell* first = cells.data() + b.begin;
    const engine::RollupCell* last = cells.data() + b.end;
    for (const std::string& event : s_.event_filter->values) {
      auto range = std::equal_range(
          first, last, event, [](const auto& x, const auto& y) { return Event(x) < Event(y); });
      RETURN_IF_ERROR(fold(range.first - cells.data(), range.second - cells.data()));
    }
    return absl::OkStatus();
  }

  static std::string_view Event(const engine::RollupCell& c) { return c.event; }
  static std::string_view Event(const std::string& s) { return s; }

  // The rows of merchant k.key in `seg`, whose companion covers it: cells where they can
  // answer, raw time spans elsewhere.
  absl::Status FoldCovered(const std::shared_ptr<const engine::SegmentHandle>& seg,
                           const storage::KeyRange& k, bool* raw) {
    const uint32_t m = k.key;
    const engine::RollupSegment& rollup = *seg->rollup();
    const int64_t lo = s_.scan.spec.min_ts, hi = s_.scan.spec.max_ts;
    auto in_range = [&](TimeSpan s) { return s.lo >= lo && s.hi <= hi; };
    const absl::TimeZone& zone = MerchantZone(m);

    std::vector<TimeSpan> residual;  // spans the daily cells could not answer
    bool use_hours = plan_.grain == RollupGrain::kHour;
    if (plan_.grain == RollupGrain::kDay) {
      ASSIGN_OR_RETURN(auto cells, rollup.Cells(m, RollupGrain::kDay, plan_.cube));
      if (!MakeBuckets(cells, RollupGrain::kDay, zone, k, &buckets_)) {
        *raw = true;  // unknown day extents: this merchant's rows of the segment, raw
        return ScanSegmentSpan(seg, m, {std::max(lo, k.min_ts), std::min(hi, k.max_ts)});
      }
      RETURN_IF_ERROR(DecideBuckets(&buckets_, in_range));
      for (const Bucket& b : buckets_) {
        if (b.usable) {
          RETURN_IF_ERROR(FoldBucket(m, b, cells));
        } else {
          AppendSpan(&residual, {std::max(b.span.lo, lo), std::min(b.span.hi, hi)});
        }
      }
      use_hours = engine::GetCubeDef(plan_.cube).hourly && !residual.empty();
    } else {
      residual.push_back({std::max(lo, k.min_ts), std::min(hi, k.max_ts)});
    }

    std::vector<TimeSpan> raw_spans = residual;
    if (use_hours) {
      ASSIGN_OR_RETURN(auto cells, rollup.Cells(m, RollupGrain::kHour, plan_.cube));
      MakeBuckets(cells, RollupGrain::kHour, zone, k, &buckets_);
      // An hourly cell may answer only rows no daily cell counted: its span must lie
      // inside one residual span.
      RETURN_IF_ERROR(DecideBuckets(
          &buckets_, [&](TimeSpan s) { return in_range(s) && Contained(residual, s); }));
      std::vector<TimeSpan> used;
      for (const Bucket& b : buckets_) {
        if (!b.usable) continue;
        RETURN_IF_ERROR(FoldBucket(m, b, cells));
        AppendSpan(&used, b.span);
      }
      raw_spans = Subtract(residual, used);
    }
    for (TimeSpan s : raw_spans) {
      *raw = true;
      RETURN_IF_ERROR(ScanSegmentSpan(seg, m, s));
    }
    return absl::OkStatus();
  }

  // The rows of merchant `m` in `seg` within `span`, raw.
  absl::Status ScanSegmentSpan(const std::shared_ptr<const engine::SegmentHandle>& seg, uint32_t m,
                               TimeSpan span) {
    if (span.lo > span.hi) return absl::OkStatus();
    auto one = PartSnapshot();
    (plan_.sessions ? one->session_segments : one->segments).push_back(seg);
    engine::ScanSpec spec = s_.raw_spec;
    spec.merchants = {m};
    spec.min_ts = span.lo;
    spec.max_ts = span.hi;
    spec.read_memtables = false;
    spec.skip_rolled_up = false;
    ASSIGN_OR_RETURN(uint64_t rows, ScanRaw(std::move(one), std::move(spec), plan_.residual));
    stats_.raw_rows += rows;
    return absl::OkStatus();
  }

  // Folds the rows `spec` selects in `snapshot`; returns how many it read (the scope's rows
  // only: EXPLAIN shows it to scoped sessions).
  absl::StatusOr<uint64_t> ScanRaw(std::shared_ptr<const engine::Snapshot> snapshot,
                                   engine::ScanSpec spec,
                                   const std::vector<RollupStringTest>& tests) {
    uint64_t read = 0;
    engine::Scanner scanner(std::move(snapshot), std::move(spec));
    const RawColumns& c = s_.cols;
    while (scanner.Next(&batch_)) {
      RETURN_IF_ERROR(CheckCancel());
      RawRows rows;
      rows.rows = batch_.rows;
      auto ints = [&](int index) -> const int64_t* {
        return index < 0 ? nullptr : batch_.columns[index].ints.data();
      };
      auto strings = [&](int index, RawStrings* out) {
        if (index < 0) return;
        out->codes = batch_.columns[index].codes.data();
        out->dict = batch_.columns[index].dict;
      };
      rows.merchant = ints(c.merchant);
      rows.client = ints(c.client);
      rows.time = ints(c.time);
      strings(c.event, &rows.event);
      strings(c.dim, &rows.dim);
      rows.value = c.value < 0 ? nullptr : batch_.columns[c.value].doubles.data();
      rows.duration_us = ints(c.duration);
      rows.pageviews = ints(c.pageviews);
      rows.events = ints(c.events);
      rows.bounced = ints(c.bounced);
      rows.engaged = ints(c.engaged);
      rows.converted = ints(c.converted);
      RETURN_IF_ERROR(folder_.AddRows(rows, tests));
      read += batch_.rows;
    }
    RETURN_IF_ERROR(scanner.status());
    return read;
  }

  static std::string_view SessionDim(const engine::SessionRow& s, int source) {
    switch (source) {
      case engine::kSesLandingPage:
        return s.landing_page;
      case engine::kSesUtmSource:
        return s.utm_source;
      case engine::kSesDevice:
        return s.device;
      case engine::kSesCountry:
        return s.country;
      default:
        return {};
    }
  }

  // The live sessions of merchant `m` that start inside the time range.
  absl::Status FoldLive(uint32_t m) {
    RETURN_IF_ERROR(CheckCancel());
    live_.clear();
    RETURN_IF_ERROR(engine::LiveSessions(*s_.ctx.snapshot, m, &live_, nullptr));
    constexpr int kInts = 9;
    live_ints_.resize(kInts);
    for (auto& v : live_ints_) v.clear();
    live_revenue_.clear();
    live_dims_.clear();
    for (const engine::SessionRow& r : live_) {
      if (r.start_us < s_.scan.spec.min_ts || r.start_us > s_.scan.spec.max_ts) continue;
      const int64_t values[kInts] = {r.merchant, r.client,  r.start_us, r.duration_us, r.pageviews,
                                     r.events,   r.bounced, r.engaged,  r.converted};
      for (int c = 0; c < kInts; ++c) live_ints_[c].push_back(values[c]);
      live_revenue_.push_back(r.revenue);
      live_dims_.push_back(SessionDim(r, plan_.dim_source));
    }
    RawRows rows;
    rows.rows = live_revenue_.size();
    rows.merchant = live_ints_[0].data();
    rows.client = live_ints_[1].data();
    rows.time = live_ints_[2].data();
    rows.duration_us = live_ints_[3].data();
    rows.pageviews = live_ints_[4].data();
    rows.events = live_ints_[5].data();
    rows.bounced = live_ints_[6].data();
    rows.engaged = live_ints_[7].data();
    rows.converted = live_ints_[8].data();
    rows.value = live_revenue_.data();
    rows.dim.str = live_dims_.data();
    stats_.live_sessions += rows.rows;
    return folder_.AddRows(rows, plan_.where);  // nothing applied them yet
  }

  const Shared& s_;
  const RollupPlan& plan_;
  const size_t index_;
  RollupFolder folder_;
  RollupStats stats_;
  absl::flat_hash_map<uint32_t, std::shared_ptr<const engine::MerchantSettings>> settings_;

  // Scratch.
  std::vector<Bucket> buckets_;
  std::vector<int64_t> points_;
  std::vector<int64_t> keys_;
  engine::ColumnBatch batch_;
  std::vector<engine::SessionRow> live_;
  std::vector<std::vector<int64_t>> live_ints_;
  std::vector<double> live_revenue_;
  std::vector<std::string_view> live_dims_;
};

class RollupAggregateOperator : public Operator {
 public:
  RollupAggregateOperator(const PlanNode& node, ExecContext& ctx) : shared_(node, ctx) {}

  ~RollupAggregateOperator() override {
    ExecContext& ctx = shared_.ctx;
    if (!ctx.collect_stats) return;
    std::lock_guard<std::mutex> lock(ctx.stats_mu);
    RollupStats& s = ctx.stats[&shared_.node].rollup;
    s.cells += stats_.cells;
    s.covered_segments += stats_.covered_segments;
    s.raw_segments += stats_.raw_segments;
    s.raw_rows += stats_.raw_rows;
    s.memtable_rows += stats_.memtable_rows;
    s.live_sessions += stats_.live_sessions;
  }

  absl::Status Next(Chunk* out, bool* done) override {
    if (!finished_) {
      RETURN_IF_ERROR(Run());
      finished_ = true;
    }
    *done = next_ >= results_.size();
    if (!*done) *out = std::move(results_[next_++]);
    return absl::OkStatus();
  }

 private:
  absl::Status Run() {
    ChooseRawColumns(&shared_);
    for (const RollupStringTest& t : shared_.plan.where) {
      if (!t.on_event || shared_.event_filter != nullptr) continue;
      shared_.event_test = t;
      std::vector<std::string>& v = shared_.event_test.values;
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      shared_.event_filter = &shared_.event_test;
    }
    shared_.transitions = FindTransitions(shared_);
    shared_.workers = Workers();
    std::vector<std::unique_ptr<Worker>> workers;
    for (int w = 0; w < shared_.workers; ++w) {
      workers.push_back(std::make_unique<Worker>(shared_, w));
    }
    std::vector<absl::Status> statuses(workers.size());
    std::vector<std::thread> threads;
    for (size_t w = 1; w < workers.size(); ++w) {
      threads.emplace_back([&, w] { statuses[w] = workers[w]->Run(); });
    }
    statuses[0] = workers[0]->Run();
    for (std::thread& t : threads) t.join();
    for (const absl::Status& st : statuses) RETURN_IF_ERROR(st);
    for (size_t w = 0; w < workers.size(); ++w) {
      const RollupStats& s = workers[w]->stats();
      stats_.cells += s.cells;
      stats_.covered_segments += s.covered_segments;
      stats_.raw_segments += s.raw_segments;
      stats_.raw_rows += s.raw_rows;
      stats_.memtable_rows += s.memtable_rows;
      stats_.live_sessions += s.live_sessions;
      if (w > 0) RETURN_IF_ERROR(workers[0]->folder().Merge(workers[w]->folder()));
    }
    return workers[0]->folder().Finish(&results_);
  }

  // Workers pay off for many rows: the raw remainder decodes the blocks of uncovered
  // merchants, memtables (events) or the memtable events live sessions are derived from,
  // per merchant (sessions); cells cost a fraction of the rows they stand for.
  int Workers() const {
    const engine::Snapshot& snap = *shared_.ctx.snapshot;
    const RollupCoverage coverage = CountRollupCoverage(snap, shared_.node);
    // A cell stands for several rows (a handful in high-cardinality cubes such as page).
    uint64_t rows = coverage.raw_block_rows + coverage.covered_rows / 8;
    uint64_t memtable_rows = 0;
    for (const engine::MemtableView& m : snap.memtables) memtable_rows += m.rows;
    if (shared_.plan.sessions) {
      const std::vector<uint32_t>& merchants = shared_.merchants;
      memtable_rows *= merchants.empty() ? shared_.ctx.catalog->merchant_count() : merchants.size();
    }
    rows += memtable_rows;
    constexpr uint64_t kRowsPerWorker = 1 << 15;
    return static_cast<int>(
        std::clamp<uint64_t>(rows / kRowsPerWorker + 1, 1, std::max(1, shared_.ctx.threads)));
  }

  Shared shared_;
  RollupStats stats_;
  bool finished_ = false;
  std::vector<Chunk> results_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeRollupAggregateOperator(const PlanNode& node, ExecContext& ctx) {
  return std::make_unique<RollupAggregateOperator>(node, ctx);
}

RollupCoverage CountRollupCoverage(const engine::Snapshot& snapshot, const PlanNode& node) {
  RollupCoverage out;
  const RollupPlan& plan = *node.rollup;
  const engine::ScanSpec& spec = node.children[0]->spec;
  const std::vector<uint32_t> merchants = ScopeMerchants(spec);
  const auto& segments = plan.sessions ? snapshot.session_segments : snapshot.segments;
  for (const auto& seg : segments) {
    if (seg->meta().max_ts < spec.min_ts || seg->meta().min_ts > spec.max_ts) continue;
    bool covered = false, raw = false;
    auto visit = [&](const storage::KeyRange& k) {
      if (k.max_ts < spec.min_ts || k.min_ts > spec.max_ts) return;
      if (seg->rollup() != nullptr && seg->rollup()->Covers(k.key)) {
        covered = true;
        out.covered_rows += k.row_count;
      } else {
        raw = true;
        const uint64_t block = std::max<uint32_t>(1, seg->reader().rows_per_block());
        out.raw_block_rows += (k.row_count / block + 1) * block;
      }
    };
    if (merchants.empty()) {
      for (const storage::KeyRange& k : seg->reader().keys()) visit(k);
    } else {
      for (uint32_t m : merchants) {
        if (const storage::KeyRange* k = seg->reader().FindKey(m)) visit(*k);
      }
    }
    out.covered += covered ? 1 : 0;
    out.raw += raw ? 1 : 0;
  }
  return out;
}

}  // namespace strata::query
