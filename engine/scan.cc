#include "engine/scan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/rollup/rollup.h"
#include "engine/sessions/session_rows.h"

namespace strata::engine {

using storage::ColumnType;

ScanPredicate ScanPredicate::In(int column, std::vector<std::string> values) {
  ScanPredicate p;
  p.column = column;
  p.op = Op::kIn;
  p.values = std::move(values);
  return p;
}

ScanPredicate ScanPredicate::Range(int column, int64_t lo, int64_t hi) {
  ScanPredicate p;
  p.column = column;
  p.op = Op::kRange;
  p.lo = lo;
  p.hi = hi;
  return p;
}

namespace {

constexpr size_t kMemtableBatchRows = 4096;
// Column-less (count-only) batches gather the counts of several blocks up to this many rows.
constexpr uint64_t kCountBatchRows = 1 << 16;

// A run of rows inside one block of a segment: [begin, end) in segment row numbers.
struct Unit {
  size_t block;
  uint32_t begin;
  uint32_t end;
};

// A string IN predicate resolved against one source's dictionary.
struct CodeSet {
  std::vector<uint32_t> codes;  // sorted
  bool Contains(uint32_t c) const { return std::binary_search(codes.begin(), codes.end(), c); }
};

using SegmentList = std::vector<std::shared_ptr<const SegmentHandle>>;

// What the scanner needs to know about a stored table: its columns, its time column and
// where a snapshot keeps its segments. Events are also in memtables; the others are not.
struct TableLayout {
  const char* name = "";
  std::vector<storage::ColumnSchema> columns;
  int time_column = 0;
  SegmentList Snapshot::*segments = nullptr;
};

const TableLayout& Layout(ScanTable table) {
  static const TableLayout* layouts = [] {
    auto* out = new TableLayout[3];
    out[0].name = "events";
    for (const EventColumnDef& d : EventColumns()) {
      out[0].columns.push_back({d.name, d.type, d.indexed});
    }
    out[0].time_column = kColTs;
    out[0].segments = &Snapshot::segments;
    out[1] = {"sessions", SessionSchema(), kSesStart, &Snapshot::session_segments};
    out[2] = {"pageviews", PageviewSchema(), kPvTs, &Snapshot::pageview_segments};
    return out;
  }();
  return layouts[static_cast<int>(table)];
}

}  // namespace

struct Scanner::Impl {
  std::shared_ptr<const Snapshot> snap;
  ScanSpec spec;
  const TableLayout* table = nullptr;
  const SegmentList* segments = nullptr;
  size_t segment_count = 0;           // 0 unless read_segments
  size_t memtable_count = 0;          // 0 unless read_memtables (events only)
  std::vector<bool> merchant_wanted;  // by id; empty = all
  size_t source = 0;                  // index into segments, then memtables

  // Current segment.
  const storage::SegmentReader* seg = nullptr;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // row ranges to read: [begin, end)
  std::vector<Unit> units;
  size_t next_unit = 0;
  std::vector<CodeSet> code_sets;  // per predicate (kIn only)
  // Rows that pass every indexed predicate: null if none applies; else either a bitmap of
  // the segment's cached index (one predicate, one value: no copy) or `owned_candidates`.
  const Bitmap* candidates = nullptr;
  Bitmap owned_candidates;
  uint64_t counted_rows = 0;           // count-only rows of this segment not yet returned
  std::vector<size_t> row_predicates;  // predicates the index does not answer: checked per row
  std::vector<int> segment_needed;     // columns to decode for every unit of this segment
  // Decoded current block, per column of the table. decoded_block[c] names the block of the
  // current segment that ints/doubles[c] hold (kNoBlock: none), so the many small units a
  // merchant-by-merchant scan cuts from one block decode it once.
  static constexpr size_t kNoBlock = SIZE_MAX;
  std::vector<size_t> decoded_block;
  std::vector<std::vector<int64_t>> ints;
  std::vector<std::vector<double>> doubles;
  std::vector<const storage::Dictionary*> dicts;

  // Current memtable.
  const MemtableView* mem = nullptr;
  size_t mem_row = 0;
  std::vector<std::vector<int8_t>> mem_match;  // per predicate: by pool code, -1 unknown

  std::vector<uint32_t> selection;
};

Scanner::Scanner(std::shared_ptr<const Snapshot> snapshot, ScanSpec spec)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.snap = std::move(snapshot);
  s.spec = std::move(spec);
  s.table = &Layout(s.spec.table);
  const std::vector<storage::ColumnSchema>& cols = s.table->columns;
  const int ncols = static_cast<int>(cols.size());
  for (int c : s.spec.columns) {
    if (c < 0 || c >= ncols) {
      status_ = absl::InvalidArgumentError(absl::StrCat("scan: no column ", c));
      return;
    }
  }
  for (const ScanPredicate& p : s.spec.predicates) {
    if (p.column < 0 || p.column >= ncols) {
      status_ = absl::InvalidArgumentError(absl::StrCat("scan: no column ", p.column));
      return;
    }
    bool is_string = cols[p.column].type == ColumnType::kString;
    if ((p.op == ScanPredicate::Op::kIn) != is_string) {
      status_ = absl::InvalidArgumentError(absl::StrCat(
          "scan: ", p.op == ScanPredicate::Op::kIn ? "IN" : "range", " predicate on column ",
          cols[p.column].name, " of type ", storage::ColumnTypeName(cols[p.column].type)));
      return;
    }
    if (cols[p.column].type == ColumnType::kDouble) {
      status_ = absl::InvalidArgumentError("scan: range predicates on doubles are not pushed down");
      return;
    }
  }
  if (!s.spec.merchants.empty()) {
    uint32_t max_id = *std::max_element(s.spec.merchants.begin(), s.spec.merchants.end());
    s.merchant_wanted.assign(max_id + 1, false);
    for (uint32_t m : s.spec.merchants) s.merchant_wanted[m] = true;
    std::sort(s.spec.merchants.begin(), s.spec.merchants.end());
    s.spec.merchants.erase(std::unique(s.spec.merchants.begin(), s.spec.merchants.end()),
                           s.spec.merchants.end());
  }
  s.segments = &(*s.snap.*s.table->segments);
  if (s.spec.read_segments) s.segment_count = s.segments->size();
  if (s.spec.read_memtables && s.spec.table == ScanTable::kEvents) {
    s.memtable_count = s.snap->memtables.size();
  }
  s.ints.resize(ncols);
  s.doubles.resize(ncols);
  s.dicts.resize(ncols);
}

Scanner::~Scanner() = default;

namespace {

bool Overlaps(int64_t lo1, int64_t hi1, int64_t lo2, int64_t hi2) {
  return lo1 <= hi2 && lo2 <= hi1;
}

// A segment whose columns are not the table's is damage, not data.
absl::Status CheckSchema(const TableLayout& table, const storage::SegmentReader& r) {
  const std::vector<storage::ColumnInfo>& got = r.columns();
  if (got.size() < table.columns.size()) {
    return absl::DataLossError(absl::StrCat("segment ", r.path(), ": ", got.size(),
                                            " columns, the ", table.name, " table has ",
                                            table.columns.size()));
  }
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (got[c].schema.type != table.columns[c].type) {
      return absl::DataLossError(
          absl::StrCat("segment ", r.path(), ": column ", c, " (", table.columns[c].name, ") is ",
                       storage::ColumnTypeName(got[c].schema.type), ", the ", table.name,
                       " table has ", storage::ColumnTypeName(table.columns[c].type)));
    }
  }
  return absl::OkStatus();
}

// Prepares a segment: resolves predicates against its dictionaries, computes the row
// units to visit. Returns false if the whole segment is pruned.
absl::StatusOr<bool> OpenSegment(Scanner::Impl& s, const SegmentHandle& h, ScanStats& stats) {
  const storage::SegmentReader& r = h.reader();
  RETURN_IF_ERROR(CheckSchema(*s.table, r));
  s.seg = &r;
  s.decoded_block.assign(s.table->columns.size(), Scanner::Impl::kNoBlock);
  s.units.clear();
  s.next_unit = 0;
  s.candidates = nullptr;
  s.row_predicates.clear();
  s.code_sets.assign(s.spec.predicates.size(), {});
  for (size_t i = 0; i < s.spec.predicates.size(); ++i) {
    if (s.spec.predicates[i].op == ScanPredicate::Op::kRange) s.row_predicates.push_back(i);
  }
  if (!Overlaps(r.min_ts(), r.max_ts(), s.spec.min_ts, s.spec.max_ts)) return false;

  // Row ranges from the key directory, without the merchants the companion rollup answers
  // when the scan is the raw remainder of a rollup-answered query.
  const RollupSegment* rollup = s.spec.skip_rolled_up ? h.rollup() : nullptr;
  auto add_range = [&](const storage::KeyRange& k) {
    if (!Overlaps(k.min_ts, k.max_ts, s.spec.min_ts, s.spec.max_ts)) return;
    if (rollup != nullptr && rollup->Covers(k.key)) return;
    s.ranges.push_back({k.row_begin, k.row_begin + k.row_count});
  };
  s.ranges.clear();
  if (s.spec.merchants.empty() && rollup == nullptr) {
    s.ranges.push_back({0, static_cast<uint32_t>(r.row_count())});
  } else if (s.spec.merchants.empty()) {
    for (const storage::KeyRange& k : r.keys()) add_range(k);
  } else {
    for (uint32_t m : s.spec.merchants) {
      if (const storage::KeyRange* k = r.FindKey(m)) add_range(*k);
    }
  }
  if (s.ranges.empty()) return false;

  // String predicates become code sets; an empty set means no row can match.
  for (size_t i = 0; i < s.spec.predicates.size(); ++i) {
    const ScanPredicate& p = s.spec.predicates[i];
    if (p.op != ScanPredicate::Op::kIn) continue;
    ASSIGN_OR_RETURN(const storage::Dictionary* dict, r.GetDictionary(p.column));
    for (const std::string& v : p.values)
      if (auto code = dict->Find(v)) s.code_sets[i].codes.push_back(*code);
    std::sort(s.code_sets[i].codes.begin(), s.code_sets[i].codes.end());
    if (s.code_sets[i].codes.empty()) return false;
    if (!r.columns()[p.column].index.has_value()) {
      s.row_predicates.push_back(i);
    } else {
      ASSIGN_OR_RETURN(const std::vector<Bitmap>* index, r.GetIndex(p.column));
      const std::vector<uint32_t>& codes = s.code_sets[i].codes;
      Bitmap merged;
      const Bitmap* rows = &(*index)[codes[0]];
      if (codes.size() > 1) {
        for (uint32_t code : codes) merged |= (*index)[code];
        rows = &merged;
      }
      if (s.candidates == nullptr) {
        if (rows == &merged) {
          s.owned_candidates = std::move(merged);
          rows = &s.owned_candidates;
        }
        s.candidates = rows;
      } else {
        Bitmap both = *s.candidates & *rows;
        s.owned_candidates = std::move(both);
        s.candidates = &s.owned_candidates;
      }
    }
  }
  if (s.candidates != nullptr && s.candidates->isEmpty()) return false;
  // Decode what the output and the row-checked predicates need; ts only where a block
  // straddles the time range (decided per unit).
  s.segment_needed = s.spec.columns;
  for (size_t i : s.row_predicates) {
    int c = s.spec.predicates[i].column;
    if (std::find(s.segment_needed.begin(), s.segment_needed.end(), c) == s.segment_needed.end()) {
      s.segment_needed.push_back(c);
    }
  }

  const uint32_t rpb = r.rows_per_block();
  const auto& ts_blocks = r.columns()[s.table->time_column].blocks;
  for (auto [begin, end] : s.ranges) {
    for (uint32_t row = begin; row < end;) {
      size_t block = row / rpb;
      uint32_t block_end = std::min<uint32_t>(end, static_cast<uint32_t>((block + 1) * rpb));
      Unit u{block, row, block_end};
      row = block_end;
      stats.blocks_total++;
      bool pruned = !Overlaps(ts_blocks[block].min_int, ts_blocks[block].max_int, s.spec.min_ts,
                              s.spec.max_ts);
      for (size_t i = 0; i < s.spec.predicates.size() && !pruned; ++i) {
        const ScanPredicate& p = s.spec.predicates[i];
        const storage::BlockInfo& b = r.columns()[p.column].blocks[block];
        if (p.op == ScanPredicate::Op::kRange) {
          pruned = !Overlaps(b.min_int, b.max_int, p.lo, p.hi);
        } else {
          const auto& codes = s.code_sets[i].codes;
          auto it = std::lower_bound(codes.begin(), codes.end(), static_cast<uint32_t>(b.min_int));
          pruned = it == codes.end() || *it > b.max_int;
        }
      }
      if (!pruned && s.candidates != nullptr) {
        uint64_t below_end = s.candidates->rank(u.end - 1);
        uint64_t below_begin = u.begin == 0 ? 0 : s.candidates->rank(u.begin - 1);
        pruned = below_end == below_begin;
      }
      if (pruned) {
        stats.blocks_pruned++;
      } else {
        s.units.push_back(u);
      }
    }
  }
  return true;
}

}  // namespace

bool Scanner::Next(ColumnBatch* batch) {
  if (!status_.ok()) return false;
  Impl& s = *impl_;
  const std::vector<storage::ColumnSchema>& cols = s.table->columns;
  const int time_column = s.table->time_column;
  const size_t nseg = s.segment_count;
  const size_t nsources = nseg + s.memtable_count;

  auto prepare_batch = [&]() {
    batch->rows = 0;
    batch->columns.resize(s.spec.columns.size());
    for (size_t i = 0; i < s.spec.columns.size(); ++i) {
      ColumnVector& v = batch->columns[i];
      v.type = cols[s.spec.columns[i]].type;
      v.ints.clear();
      v.doubles.clear();
      v.codes.clear();
    }
  };

  while (s.source < nsources) {
    // Segments.
    if (s.source < nseg) {
      if (s.seg == nullptr) {
        stats_.segments_total++;
        auto open = OpenSegment(s, *(*s.segments)[s.source], stats_);
        if (!open.ok()) {
          status_ = open.status();
          return false;
        }
        if (!*open) {
          stats_.segments_pruned++;
          s.seg = nullptr;
          s.source++;
          continue;
        }
      }
      if (s.next_unit >= s.units.size()) {
        s.seg = nullptr;
        s.source++;
        continue;
      }
      const Unit u = s.units[s.next_unit++];
      const storage::SegmentReader& r = *s.seg;
      const uint32_t block_begin = static_cast<uint32_t>(u.block * r.rows_per_block());
      const storage::BlockInfo& ts_block = r.columns()[time_column].blocks[u.block];
      const bool ts_inside = ts_block.min_int >= s.spec.min_ts && ts_block.max_int <= s.spec.max_ts;
      auto read = [&](int c) -> absl::Status {
        if (s.decoded_block[c] == u.block) return absl::OkStatus();
        s.decoded_block[c] = Scanner::Impl::kNoBlock;
        if (cols[c].type == ColumnType::kDouble) {
          RETURN_IF_ERROR(r.ReadDoubles(c, u.block, &s.doubles[c]));
          s.decoded_block[c] = u.block;
          return absl::OkStatus();
        }
        RETURN_IF_ERROR(r.ReadInts(c, u.block, &s.ints[c]));
        if (cols[c].type == ColumnType::kString) {
          ASSIGN_OR_RETURN(s.dicts[c], r.GetDictionary(c));
        }
        s.decoded_block[c] = u.block;
        return absl::OkStatus();
      };
      absl::Status st;
      for (int c : s.segment_needed) {
        if (st.ok()) st = read(c);
      }
      const bool ts_read = std::find(s.segment_needed.begin(), s.segment_needed.end(),
                                     time_column) != s.segment_needed.end();
      if (st.ok() && !ts_inside && !ts_read) st = read(time_column);
      if (!st.ok()) {
        status_ = st;
        return false;
      }
      // Selection: the unit's rows (or the index candidates among them), then the time
      // range where the block straddles it, then predicates the index did not answer.
      // Without output columns only counts matter: a segment's counts travel as one batch
      // of column-less rows (or several, of up to kCountBatchRows).
      auto take_counted = [&](uint64_t n) {
        s.counted_rows += n;
        const bool last_unit = s.next_unit >= s.units.size();
        if (s.counted_rows == 0 || (!last_unit && s.counted_rows < kCountBatchRows)) return false;
        prepare_batch();
        batch->rows = s.counted_rows;
        stats_.rows_matched += s.counted_rows;
        s.counted_rows = 0;
        return true;
      };
      s.selection.clear();
      if (s.spec.columns.empty() && s.row_predicates.empty() && ts_inside) {
        // Nothing to read or check per row: the index answers how many.
        uint64_t n = u.end - u.begin;
        if (s.candidates != nullptr) {
          n = s.candidates->rank(u.end - 1) - (u.begin == 0 ? 0 : s.candidates->rank(u.begin - 1));
        }
        stats_.rows_scanned += u.end - u.begin;
        if (!take_counted(n)) continue;
        return true;
      }
      if (s.candidates != nullptr) {
        roaring_uint32_iterator_t it;
        roaring_init_iterator(&s.candidates->roaring, &it);
        roaring_move_uint32_iterator_equalorlarger(&it, u.begin);
        uint32_t buf[256];
        bool more = it.has_value;
        while (more) {
          uint32_t got = roaring_read_uint32_iterator(&it, buf, 256);
          for (uint32_t k = 0; k < got; ++k) {
            if (buf[k] >= u.end) {
              more = false;
              break;
            }
            s.selection.push_back(buf[k] - block_begin);
          }
          more = more && got == 256 && it.has_value;
        }
      } else {
        s.selection.resize(u.end - u.begin);
        for (uint32_t k = 0; k < u.end - u.begin; ++k) s.selection[k] = u.begin - block_begin + k;
      }
      auto keep_if = [&](auto pred) {
        size_t kept = 0;
        for (uint32_t off : s.selection) {
          if (pred(off)) s.selection[kept++] = off;
        }
        s.selection.resize(kept);
      };
      if (!ts_inside) {
        const int64_t* ts = s.ints[time_column].data();
        const int64_t lo = s.spec.min_ts, hi = s.spec.max_ts;
        keep_if([&](uint32_t off) { return ts[off] >= lo && ts[off] <= hi; });
      }
      for (size_t i : s.row_predicates) {
        const ScanPredicate& p = s.spec.predicates[i];
        const int64_t* v = s.ints[p.column].data();
        if (p.op == ScanPredicate::Op::kRange) {
          keep_if([&](uint32_t off) { return v[off] >= p.lo && v[off] <= p.hi; });
        } else {
          const CodeSet& set = s.code_sets[i];
          keep_if([&](uint32_t off) { return set.Contains(static_cast<uint32_t>(v[off])); });
        }
      }
      stats_.rows_scanned += u.end - u.begin;
      if (s.spec.columns.empty()) {
        if (!take_counted(s.selection.size())) continue;
        return true;
      }
      if (s.selection.empty()) continue;
      prepare_batch();
      const size_t n = s.selection.size();
      const bool contiguous = s.selection.back() - s.selection.front() + 1 == n;
      const uint32_t first = s.selection.front();
      for (size_t i = 0; i < s.spec.columns.size(); ++i) {
        int c = s.spec.columns[i];
        ColumnVector& v = batch->columns[i];
        switch (v.type) {
          case ColumnType::kInt64:
            if (contiguous) {
              v.ints.assign(s.ints[c].begin() + first, s.ints[c].begin() + first + n);
            } else {
              v.ints.resize(n);
              for (size_t k = 0; k < n; ++k) v.ints[k] = s.ints[c][s.selection[k]];
            }
            break;
          case ColumnType::kDouble:
            if (contiguous) {
              v.doubles.assign(s.doubles[c].begin() + first, s.doubles[c].begin() + first + n);
            } else {
              v.doubles.resize(n);
              for (size_t k = 0; k < n; ++k) v.doubles[k] = s.doubles[c][s.selection[k]];
            }
            break;
          case ColumnType::kString:
            v.codes.resize(n);
            for (size_t k = 0; k < n; ++k) {
              v.codes[k] = static_cast<uint32_t>(s.ints[c][s.selection[k]]);
            }
            v.dict = StringDict(s.dicts[c]);
            break;
        }
      }
      batch->rows = s.selection.size();
      stats_.rows_matched += batch->rows;
      return true;
    }

    // Memtables.
    const MemtableView& view = s.snap->memtables[s.source - nseg];
    if (s.mem != &view) {
      s.mem = &view;
      s.mem_row = 0;
      s.mem_match.assign(s.spec.predicates.size(), {});
    }
    if (s.mem_row >= view.rows) {
      s.mem = nullptr;
      s.source++;
      continue;
    }
    const Memtable& m = *view.memtable;
    size_t begin = s.mem_row;
    size_t end = std::min(view.rows, begin + kMemtableBatchRows);
    s.mem_row = end;
    s.selection.clear();
    for (size_t row = begin; row < end; ++row) {
      uint32_t merchant = m.merchant(row);
      if (!s.merchant_wanted.empty() &&
          (merchant >= s.merchant_wanted.size() || !s.merchant_wanted[merchant]))
        continue;
      int64_t t = m.ts(row);
      if (t < s.spec.min_ts || t > s.spec.max_ts) continue;
      bool ok = true;
      for (size_t i = 0; i < s.spec.predicates.size() && ok; ++i) {
        const ScanPredicate& p = s.spec.predicates[i];
        if (p.op == ScanPredicate::Op::kRange) {
          int64_t v = p.column == kColMerchant ? merchant
                      : p.column == kColTs     ? t
                                               : static_cast<int64_t>(m.client(row));
          ok = v >= p.lo && v <= p.hi;
          continue;
        }
        uint32_t code = m.code(p.column, row);
        std::vector<int8_t>& cache = s.mem_match[i];
        if (code >= cache.size()) cache.resize(code + 1, -1);
        if (cache[code] < 0) {
          std::string_view value = m.string_pool(p.column).value(code);
          cache[code] = std::find(p.values.begin(), p.values.end(), value) != p.values.end();
        }
        ok = cache[code] == 1;
      }
      if (ok) s.selection.push_back(static_cast<uint32_t>(row));
    }
    stats_.memtable_rows_scanned += end - begin;
    stats_.rows_scanned += end - begin;
    if (s.selection.empty()) continue;
    prepare_batch();
    for (size_t i = 0; i < s.spec.columns.size(); ++i) {
      int c = s.spec.columns[i];
      ColumnVector& v = batch->columns[i];
      for (uint32_t row : s.selection) {
        switch (c) {
          case kColMerchant:
            v.ints.push_back(m.merchant(row));
            break;
          case kColTs:
            v.ints.push_back(m.ts(row));
            break;
          case kColClient:
            v.ints.push_back(m.client(row));
            break;
          case kColValue:
            v.doubles.push_back(m.value(row));
            break;
          default:
            v.codes.push_back(m.code(c, row));
        }
      }
      if (v.type == ColumnType::kString) v.dict = StringDict(&m.string_pool(c));
    }
    batch->rows = s.selection.size();
    stats_.rows_matched += batch->rows;
    return true;
  }
  return false;
}

}  // namespace strata::engine
