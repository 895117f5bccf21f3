// The scan operator of the stored tables: engine::Scanner batches (events, sessions,
// pageviews) and then live rows (sessions, pageviews) -> query Chunks, with the residual
// filter.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/executor.h"
#include "query/live_rows.h"
#include "query/tables.h"

namespace strata::query {
namespace {

uint64_t SegmentWeight(const engine::SegmentHandle& seg, const engine::ScanSpec& spec) {
  if (seg.meta().max_ts < spec.min_ts || seg.meta().min_ts > spec.max_ts) return 0;
  if (spec.merchants.empty()) return seg.meta().rows;
  uint64_t rows = 0;
  for (uint32_t m : spec.merchants) {
    if (const storage::KeyRange* k = seg.reader().FindKey(m)) rows += k->row_count;
  }
  return rows;
}

// The segment list of `table` in a snapshot (const or not).
template <typename SnapshotT>
auto& SegmentsOf(SnapshotT& snapshot, engine::ScanTable table) {
  switch (table) {
    case engine::ScanTable::kSessions:
      return snapshot.session_segments;
    case engine::ScanTable::kPageviews:
      return snapshot.pageview_segments;
    case engine::ScanTable::kEvents:
      break;
  }
  return snapshot.segments;
}

// One column of a batch, from the Scanner (codes + dictionary for strings) or from live
// rows (views for strings).
struct SourceColumn {
  const std::vector<int64_t>* ints = nullptr;
  const std::vector<double>* doubles = nullptr;
  const std::vector<uint32_t>* codes = nullptr;
  engine::StringDict dict;
  const std::vector<std::string_view>* strings = nullptr;
};

class ScanOperator : public Operator {
 public:
  ScanOperator(const PlanNode& node, ExecContext& ctx, int part, int parts)
      : node_(node), ctx_(ctx), evaluator_(ctx.expr), heap_(std::make_shared<StringHeap>()) {
    engine::ScanSpec spec = node.spec;
    int merchant_column = -1, client_column = -1;
    for (const ScanColumn& c : *GetTable(node.table_id).columns) {
      if (c.role == ScanRole::kMerchant) merchant_column = c.source;
      if (c.role == ScanRole::kClient) client_column = c.source;
    }
    for (const ScanColumn& c : node.scan_columns) {
      if (c.role == ScanRole::kClientKey) {
        inputs_.push_back({EngineIndex(&spec, merchant_column), EngineIndex(&spec, client_column)});
      } else if (c.role == ScanRole::kClient) {
        inputs_.push_back({EngineIndex(&spec, client_column), EngineIndex(&spec, merchant_column)});
      } else {
        inputs_.push_back({EngineIndex(&spec, c.source), -1});
      }
    }
    if (node.scope_empty) return;
    const engine::Snapshot& snapshot = *ctx.snapshot;
    if (spec.table != engine::ScanTable::kEvents) {
      // Live rows: merchants are spread over the partitions round robin.
      std::vector<uint32_t> merchants = MerchantsInScope(snapshot, spec.merchants);
      for (size_t i = part; i < merchants.size(); i += std::max(1, parts)) {
        live_merchants_.push_back(merchants[i]);
      }
      live_spec_ = spec;
    }
    auto share = parts > 1 ? PartitionSnapshot(snapshot, spec, part, parts) : ctx.snapshot;
    scanner_ = std::make_unique<engine::Scanner>(std::move(share), std::move(spec));
  }

  ~ScanOperator() override {
    if (!ctx_.collect_stats) return;
    std::lock_guard<std::mutex> lock(ctx_.stats_mu);
    NodeStats& s = ctx_.stats[&node_];
    s.rows += rows_;
    s.micros += micros_;
    s.workers++;
    s.live_merchants += live_next_;
    s.live_rows += live_rows_;
    if (scanner_) {
      const engine::ScanStats& st = scanner_->stats();
      s.scan.segments_total += st.segments_total;
      s.scan.segments_pruned += st.segments_pruned;
      s.scan.blocks_total += st.blocks_total;
      s.scan.blocks_pruned += st.blocks_pruned;
      s.scan.rows_scanned += st.rows_scanned;
      s.scan.rows_matched += st.rows_matched;
      s.scan.memtable_rows_scanned += st.memtable_rows_scanned;
    }
  }

  absl::Status Next(Chunk* out, bool* done) override {
    auto start = std::chrono::steady_clock::now();
    absl::Status st = NextImpl(out, done);
    micros_ += std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count();
    if (st.ok() && !*done) rows_ += out->rows;
    return st;
  }

 private:
  struct Input {
    int engine_index;  // index in the scanner's batch
    int second_index;  // client key: the client column; client_id: the merchant column
  };

  static int EngineIndex(engine::ScanSpec* spec, int column) {
    auto it = std::find(spec->columns.begin(), spec->columns.end(), column);
    if (it != spec->columns.end()) return static_cast<int>(it - spec->columns.begin());
    spec->columns.push_back(column);
    return static_cast<int>(spec->columns.size() - 1);
  }

  absl::Status NextImpl(Chunk* out, bool* done) {
    *done = false;
    while (scanner_ != nullptr) {
      RETURN_IF_ERROR(CheckCancel());
      if (!scanner_->Next(&batch_)) {
        if (!scanner_->status().ok()) return scanner_->status();
        break;
      }
      sources_.resize(batch_.columns.size());
      for (size_t i = 0; i < batch_.columns.size(); ++i) {
        const engine::ColumnVector& c = batch_.columns[i];
        sources_[i] = {&c.ints, &c.doubles, &c.codes, c.dict, nullptr};
      }
      RETURN_IF_ERROR(Emit(batch_.rows, out));
      if (out->rows > 0) return absl::OkStatus();
    }
    while (live_pos_ < live_.size() || live_next_ < live_merchants_.size()) {
      RETURN_IF_ERROR(CheckCancel());
      if (live_pos_ >= live_.size()) {
        RETURN_IF_ERROR(live_.Load(*ctx_.snapshot, live_spec_, live_merchants_[live_next_++]));
        live_pos_ = 0;
        live_rows_ += live_.size();
        continue;
      }
      const size_t begin = live_pos_;
      const size_t end = std::min(live_.size(), begin + kChunkRows);
      live_pos_ = end;
      GatherLive(begin, end);
      RETURN_IF_ERROR(Emit(end - begin, out));
      if (out->rows > 0) return absl::OkStatus();
    }
    *done = true;
    return absl::OkStatus();
  }

  absl::Status CheckCancel() const {
    if (ctx_.cancel != nullptr && ctx_.cancel->load(std::memory_order_relaxed)) {
      return SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    return absl::OkStatus();
  }

  // Live rows [begin, end) into `sources_`, in the scanner's column order.
  void GatherLive(size_t begin, size_t end) {
    const std::vector<int>& columns = live_spec_.columns;
    const std::vector<storage::ColumnSchema>& schema =
        live_spec_.table == engine::ScanTable::kSessions ? engine::SessionSchema()
                                                         : engine::PageviewSchema();
    live_ints_.resize(columns.size());
    live_doubles_.resize(columns.size());
    live_strings_.resize(columns.size());
    sources_.assign(columns.size(), {});
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = columns[i];
      switch (schema[c].type) {
        case storage::ColumnType::kInt64:
          live_.Ints(c, begin, end, &live_ints_[i]);
          sources_[i].ints = &live_ints_[i];
          break;
        case storage::ColumnType::kDouble:
          live_.Doubles(c, begin, end, &live_doubles_[i]);
          sources_[i].doubles = &live_doubles_[i];
          break;
        case storage::ColumnType::kString:
          live_.Strings(c, begin, end, &live_strings_[i]);
          sources_[i].strings = &live_strings_[i];
          break;
      }
    }
  }

  // Converts `sources_` (n rows) into `out` and applies the residual filter.
  absl::Status Emit(size_t n, Chunk* out) {
    Convert(n, out);
    if (node_.residual) {
      RETURN_IF_ERROR(evaluator_.Select(*node_.residual, *out, &selection_));
      if (selection_.size() != out->rows) out->Select(selection_);
    }
    return absl::OkStatus();
  }

  std::string_view MerchantName(uint32_t id) {
    if (id >= merchant_names_.size()) merchant_names_.resize(id + 1);
    if (merchant_names_[id].data() == nullptr) {
      std::string name = ctx_.catalog->MerchantName(id);
      merchant_names_[id] = name.empty() ? std::string_view("", 0) : heap_->Add(name);
      if (merchant_names_[id].data() == nullptr) merchant_names_[id] = std::string_view("", 0);
    }
    return merchant_names_[id];
  }

  // Client names by dense id, one table per merchant: a row costs an indexed load, and
  // each distinct client is fetched from the catalog once, in batches under one lock.
  std::vector<std::string_view>& ClientTable(uint32_t merchant) {
    if (merchant != cached_merchant_ || client_cache_ == nullptr) {
      client_cache_ = &client_names_[merchant];
      cached_merchant_ = merchant;
    }
    return *client_cache_;
  }

  void FillClientNames(const std::vector<int64_t>& merchants, const std::vector<int64_t>& clients,
                       size_t n, Vector* v) {
    // Pass 1: the ids not yet decoded, per merchant (rows come grouped by merchant).
    size_t r = 0;
    while (r < n) {
      uint32_t merchant = static_cast<uint32_t>(merchants[r]);
      std::vector<std::string_view>& names = ClientTable(merchant);
      missing_.clear();
      for (; r < n && static_cast<uint32_t>(merchants[r]) == merchant; ++r) {
        uint32_t client = static_cast<uint32_t>(clients[r]);
        if (client >= names.size()) names.resize(client + 1);
        if (names[client].data() == nullptr) {
          names[client] = std::string_view("", 0);  // requested; filled below
          missing_.push_back(client);
        }
      }
      if (!missing_.empty()) {
        ctx_.catalog->VisitClientNames(merchant, missing_,
                                       [&](uint32_t client, std::string_view name) {
                                         if (!name.empty()) names[client] = heap_->Add(name);
                                       });
      }
    }
    // Pass 2: the views.
    v->str.resize(n);
    for (r = 0; r < n; ++r) {
      v->str[r] =
          ClientTable(static_cast<uint32_t>(merchants[r]))[static_cast<uint32_t>(clients[r])];
    }
  }

  void Convert(size_t n, Chunk* out) {
    out->rows = n;
    out->columns.resize(node_.scan_columns.size());
    for (size_t c = 0; c < node_.scan_columns.size(); ++c) {
      const ScanColumn& col = node_.scan_columns[c];
      Vector& v = out->columns[c];
      v.Clear();
      v.type = col.type;
      const SourceColumn& src = sources_[inputs_[c].engine_index];
      switch (col.role) {
        case ScanRole::kMerchant: {
          v.str.resize(n);
          v.codes.resize(n);
          v.code_source = ctx_.catalog;
          for (size_t r = 0; r < n; ++r) {
            uint32_t id = static_cast<uint32_t>((*src.ints)[r]);
            v.codes[r] = id;
            v.str[r] = MerchantName(id);
          }
          v.heaps.push_back(heap_);
          break;
        }
        case ScanRole::kClient: {
          const SourceColumn& merchants = sources_[inputs_[c].second_index];
          FillClientNames(*merchants.ints, *src.ints, n, &v);
          if (node_.spec.merchants.size() == 1) {
            // One merchant: its dense client ids are codes of one dictionary, the catalog's
            // client list of that merchant. The plan node names it: it is the same for
            // every worker of this scan (so their partial aggregates merge by code) and
            // outlives every table and vector of the query.
            v.codes.resize(n);
            for (size_t r = 0; r < n; ++r) v.codes[r] = static_cast<uint32_t>((*src.ints)[r]);
            v.code_source = &node_;
          }
          v.heaps.push_back(heap_);
          break;
        }
        case ScanRole::kTime:
        case ScanRole::kTimestamp:
        case ScanRole::kInt:
          v.i64.assign(src.ints->begin(), src.ints->begin() + n);
          break;
        case ScanRole::kBool:
          v.i64.resize(n);
          for (size_t r = 0; r < n; ++r) v.i64[r] = (*src.ints)[r] != 0;
          break;
        case ScanRole::kSeconds:
          v.f64.resize(n);
          for (size_t r = 0; r < n; ++r) {
            const int64_t us = (*src.ints)[r];
            v.f64[r] = static_cast<double>(us) / 1e6;
            if (us < 0) v.SetNull(r);
          }
          break;
        case ScanRole::kDouble:
          v.f64.assign(src.doubles->begin(), src.doubles->begin() + n);
          for (size_t r = 0; r < n; ++r) {
            if (std::isnan(v.f64[r])) v.SetNull(r);
          }
          break;
        case ScanRole::kClientKey: {
          const SourceColumn& clients = sources_[inputs_[c].second_index];
          v.i64.resize(n);
          for (size_t r = 0; r < n; ++r) {
            v.i64[r] = static_cast<int64_t>((static_cast<uint64_t>((*src.ints)[r]) << 32) |
                                            static_cast<uint64_t>((*clients.ints)[r]));
          }
          break;
        }
        case ScanRole::kString:
          v.str.resize(n);
          if (src.strings != nullptr) {
            // Live rows: copied, since their strings go away with the next merchant.
            for (size_t r = 0; r < n; ++r) {
              v.str[r] = heap_->Add((*src.strings)[r]);
              if (v.str[r].empty()) v.SetNull(r);
            }
            v.heaps.push_back(heap_);
            break;
          }
          v.codes.assign(src.codes->begin(), src.codes->begin() + n);
          v.code_source = src.dict.source_id();
          for (size_t r = 0; r < n; ++r) {
            std::string_view s = src.dict.value((*src.codes)[r]);
            v.str[r] = s;
            if (s.empty()) v.SetNull(r);
          }
          break;
      }
    }
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  ExprEvaluator evaluator_;
  std::shared_ptr<StringHeap> heap_;  // merchant and client names, live strings
  std::vector<std::string_view> merchant_names_;
  absl::node_hash_map<uint32_t, std::vector<std::string_view>> client_names_;
  std::vector<std::string_view>* client_cache_ = nullptr;
  uint32_t cached_merchant_ = 0;
  std::vector<uint32_t> missing_;
  std::vector<Input> inputs_;
  std::unique_ptr<engine::Scanner> scanner_;
  engine::ColumnBatch batch_;
  std::vector<SourceColumn> sources_;  // the batch being converted, by scanner column
  std::vector<uint32_t> selection_;
  uint64_t rows_ = 0;
  uint64_t micros_ = 0;

  // Live rows (sessions, pageviews): this worker's merchants, loaded one at a time.
  engine::ScanSpec live_spec_;
  std::vector<uint32_t> live_merchants_;
  size_t live_next_ = 0;  // merchants loaded so far
  LiveRows live_;
  size_t live_pos_ = 0;
  uint64_t live_rows_ = 0;
  std::vector<std::vector<int64_t>> live_ints_;
  std::vector<std::vector<double>> live_doubles_;
  std::vector<std::vector<std::string_view>> live_strings_;
};

}  // namespace

std::unique_ptr<Operator> MakeScanOperator(const PlanNode& node, ExecContext& ctx, int part,
                                           int parts) {
  if (!IsStoredTable(node.table_id)) return MakeRealtimeScanOperator(node, ctx, part);
  return std::make_unique<ScanOperator>(node, ctx, part, parts);
}

const std::vector<std::shared_ptr<const engine::SegmentHandle>>& TableSegments(
    const engine::Snapshot& snapshot, engine::ScanTable table) {
  return SegmentsOf(snapshot, table);
}

std::shared_ptr<const engine::Snapshot> PartitionSnapshot(const engine::Snapshot& snapshot,
                                                          const engine::ScanSpec& spec, int part,
                                                          int parts) {
  auto out = std::make_shared<engine::Snapshot>();
  out->catalog = snapshot.catalog;
  out->realtime = snapshot.realtime;
  out->settings = snapshot.settings;
  out->sessionizers = snapshot.sessionizers;
  out->sequence = snapshot.sequence;
  // Greedy: heaviest source first onto the lightest partition. Deterministic, so every
  // partition computes the same assignment independently.
  struct Source {
    uint64_t weight;
    int index;  // segments first, then memtables (index - segments.size())
  };
  const auto& segments = TableSegments(snapshot, spec.table);
  std::vector<Source> sources;
  if (spec.read_segments) {
    for (size_t i = 0; i < segments.size(); ++i) {
      uint64_t w = SegmentWeight(*segments[i], spec);
      if (w > 0) sources.push_back({w, static_cast<int>(i)});
    }
  }
  if (spec.read_memtables && spec.table == engine::ScanTable::kEvents) {
    for (size_t i = 0; i < snapshot.memtables.size(); ++i) {
      sources.push_back({snapshot.memtables[i].rows + 1, static_cast<int>(segments.size() + i)});
    }
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [](const Source& a, const Source& b) { return a.weight > b.weight; });
  std::vector<uint64_t> load(parts, 0);
  std::vector<int> mine;
  for (const Source& s : sources) {
    int target = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[target] += s.weight;
    if (target == part) mine.push_back(s.index);
  }
  std::sort(mine.begin(), mine.end());
  auto& out_segments = SegmentsOf(*out, spec.table);
  for (int index : mine) {
    if (index < static_cast<int>(segments.size())) {
      out_segments.push_back(segments[index]);
    } else {
      out->memtables.push_back(snapshot.memtables[index - segments.size()]);
    }
  }
  return out;
}

uint64_t CountPrunableSegments(const engine::Snapshot& snapshot, const engine::ScanSpec& spec) {
  uint64_t pruned = 0;
  for (const auto& seg : TableSegments(snapshot, spec.table)) {
    pruned += SegmentWeight(*seg, spec) == 0 ? 1 : 0;
  }
  return pruned;
}

std::vector<uint32_t> MerchantsInScope(const engine::Snapshot& snapshot,
                                       const std::vector<uint32_t>& merchants) {
  if (!merchants.empty()) {
    std::vector<uint32_t> out = merchants;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  std::vector<uint32_t> all(snapshot.catalog == nullptr ? 0 : snapshot.catalog->merchant_count());
  for (uint32_t m = 0; m < all.size(); ++m) all[m] = m;
  return all;
}

}  // namespace strata::query
