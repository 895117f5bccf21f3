// The scan operator: engine::Scanner batches -> query Chunks, with the residual filter.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "common/status.h"
#include "engine/schema.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/executor.h"

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

class ScanOperator : public Operator {
 public:
  ScanOperator(const PlanNode& node, ExecContext& ctx, int part, int parts)
      : node_(node), ctx_(ctx), evaluator_(ctx.expr), heap_(std::make_shared<StringHeap>()) {
    engine::ScanSpec spec = node.spec;
    for (const ScanColumn& c : node.scan_columns) {
      if (c.source == kVirtualClientKey) {
        inputs_.push_back(
            {EngineIndex(&spec, engine::kColMerchant), EngineIndex(&spec, engine::kColClient)});
      } else if (c.source == engine::kColClient) {
        inputs_.push_back(
            {EngineIndex(&spec, engine::kColClient), EngineIndex(&spec, engine::kColMerchant)});
      } else {
        inputs_.push_back({EngineIndex(&spec, c.source), -1});
      }
    }
    if (!node.scope_empty) {
      auto snapshot =
          parts > 1 ? PartitionSnapshot(*ctx.snapshot, spec, part, parts) : ctx.snapshot;
      scanner_ = std::make_unique<engine::Scanner>(std::move(snapshot), std::move(spec));
    }
  }

  ~ScanOperator() override {
    if (!ctx_.collect_stats) return;
    std::lock_guard<std::mutex> lock(ctx_.stats_mu);
    NodeStats& s = ctx_.stats[&node_];
    s.rows += rows_;
    s.micros += micros_;
    s.workers++;
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
    if (scanner_ == nullptr) {
      *done = true;
      return absl::OkStatus();
    }
    while (true) {
      if (ctx_.cancel != nullptr && ctx_.cancel->load(std::memory_order_relaxed)) {
        return SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
      }
      if (!scanner_->Next(&batch_)) {
        if (!scanner_->status().ok()) return scanner_->status();
        *done = true;
        return absl::OkStatus();
      }
      Convert(out);
      if (node_.residual) {
        RETURN_IF_ERROR(evaluator_.Select(*node_.residual, *out, &selection_));
        if (selection_.size() != out->rows) out->Select(selection_);
      }
      if (out->rows > 0) return absl::OkStatus();
    }
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

  void Convert(Chunk* out) {
    const size_t n = batch_.rows;
    out->rows = n;
    out->columns.resize(node_.scan_columns.size());
    for (size_t c = 0; c < node_.scan_columns.size(); ++c) {
      const ScanColumn& col = node_.scan_columns[c];
      Vector& v = out->columns[c];
      v.Clear();
      v.type = col.type;
      const engine::ColumnVector& src = batch_.columns[inputs_[c].engine_index];
      switch (col.source) {
        case engine::kColMerchant: {
          v.str.resize(n);
          v.codes.resize(n);
          v.code_source = ctx_.catalog;
          for (size_t r = 0; r < n; ++r) {
            uint32_t id = static_cast<uint32_t>(src.ints[r]);
            v.codes[r] = id;
            v.str[r] = MerchantName(id);
          }
          v.heaps.push_back(heap_);
          break;
        }
        case engine::kColClient: {
          const engine::ColumnVector& merchants = batch_.columns[inputs_[c].second_index];
          FillClientNames(merchants.ints, src.ints, n, &v);
          if (node_.spec.merchants.size() == 1) {
            // One merchant: its dense client ids are codes of one dictionary.
            v.codes.resize(n);
            for (size_t r = 0; r < n; ++r) v.codes[r] = static_cast<uint32_t>(src.ints[r]);
            v.code_source = &client_names_;
          }
          v.heaps.push_back(heap_);
          break;
        }
        case engine::kColTs:
          v.i64.assign(src.ints.begin(), src.ints.begin() + n);
          break;
        case engine::kColValue: {
          v.f64.assign(src.doubles.begin(), src.doubles.begin() + n);
          for (size_t r = 0; r < n; ++r) {
            if (std::isnan(v.f64[r])) v.SetNull(r);
          }
          break;
        }
        case kVirtualClientKey: {
          const engine::ColumnVector& clients = batch_.columns[inputs_[c].second_index];
          v.i64.resize(n);
          for (size_t r = 0; r < n; ++r) {
            v.i64[r] = static_cast<int64_t>((static_cast<uint64_t>(src.ints[r]) << 32) |
                                            static_cast<uint64_t>(clients.ints[r]));
          }
          break;
        }
        default: {  // dictionary-coded strings
          v.str.resize(n);
          v.codes.assign(src.codes.begin(), src.codes.begin() + n);
          v.code_source = src.dict.source_id();
          for (size_t r = 0; r < n; ++r) {
            std::string_view s = src.dict.value(src.codes[r]);
            v.str[r] = s;
            if (s.empty()) v.SetNull(r);
          }
          break;
        }
      }
    }
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  ExprEvaluator evaluator_;
  std::shared_ptr<StringHeap> heap_;  // merchant and client names
  std::vector<std::string_view> merchant_names_;
  absl::node_hash_map<uint32_t, std::vector<std::string_view>> client_names_;
  std::vector<std::string_view>* client_cache_ = nullptr;
  uint32_t cached_merchant_ = 0;
  std::vector<uint32_t> missing_;
  std::vector<Input> inputs_;
  std::unique_ptr<engine::Scanner> scanner_;
  engine::ColumnBatch batch_;
  std::vector<uint32_t> selection_;
  uint64_t rows_ = 0;
  uint64_t micros_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeScanOperator(const PlanNode& node, ExecContext& ctx, int part,
                                           int parts) {
  return std::make_unique<ScanOperator>(node, ctx, part, parts);
}

std::shared_ptr<const engine::Snapshot> PartitionSnapshot(const engine::Snapshot& snapshot,
                                                          const engine::ScanSpec& spec, int part,
                                                          int parts) {
  auto out = std::make_shared<engine::Snapshot>();
  out->catalog = snapshot.catalog;
  out->sequence = snapshot.sequence;
  // Greedy: heaviest source first onto the lightest partition. Deterministic, so every
  // partition computes the same assignment independently.
  struct Source {
    uint64_t weight;
    int index;  // segments first, then memtables (index - segments.size())
  };
  std::vector<Source> sources;
  for (size_t i = 0; i < snapshot.segments.size(); ++i) {
    uint64_t w = SegmentWeight(*snapshot.segments[i], spec);
    if (w > 0) sources.push_back({w, static_cast<int>(i)});
  }
  for (size_t i = 0; i < snapshot.memtables.size(); ++i) {
    sources.push_back(
        {snapshot.memtables[i].rows + 1, static_cast<int>(snapshot.segments.size() + i)});
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
  for (int index : mine) {
    if (index < static_cast<int>(snapshot.segments.size())) {
      out->segments.push_back(snapshot.segments[index]);
    } else {
      out->memtables.push_back(snapshot.memtables[index - snapshot.segments.size()]);
    }
  }
  return out;
}

uint64_t CountPrunableSegments(const engine::Snapshot& snapshot, const engine::ScanSpec& spec) {
  uint64_t pruned = 0;
  for (const auto& seg : snapshot.segments) pruned += SegmentWeight(*seg, spec) == 0 ? 1 : 0;
  return pruned;
}

}  // namespace strata::query
