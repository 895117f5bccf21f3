// The scan operator of the realtime tables: the snapshot's RealtimeTracker summarized per
// merchant as of the statement's now(), one row per (merchant, window) for
// realtime_users and per (merchant, window, page or item) for realtime_pages/_items.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "engine/realtime/realtime.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/executor.h"
#include "query/tables.h"

namespace strata::query {
namespace {

class RealtimeScanOperator : public Operator {
 public:
  RealtimeScanOperator(const PlanNode& node, ExecContext& ctx, int part)
      : node_(node), ctx_(ctx), evaluator_(ctx.expr) {
    // The rows are few: the first partition produces them all.
    if (part != 0 || node.scope_empty || ctx.snapshot->realtime == nullptr) return;
    merchants_ = MerchantsInScope(*ctx.snapshot, node.spec.merchants);
    for (int64_t w : engine::kRealtimeWindowsUs) {
      window_names_.push_back(absl::StrCat(w / engine::kMicrosPerMinute, "m"));
    }
  }

  ~RealtimeScanOperator() override {
    if (!ctx_.collect_stats) return;
    std::lock_guard<std::mutex> lock(ctx_.stats_mu);
    NodeStats& s = ctx_.stats[&node_];
    s.rows += rows_;
    s.micros += micros_;
    s.workers++;
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
  absl::Status NextImpl(Chunk* out, bool* done) {
    *done = false;
    while (next_merchant_ < merchants_.size()) {
      if (ctx_.cancel != nullptr && ctx_.cancel->load(std::memory_order_relaxed)) {
        return SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
      }
      Fill(out);
      if (node_.residual) {
        RETURN_IF_ERROR(evaluator_.Select(*node_.residual, *out, &selection_));
        if (selection_.size() != out->rows) out->Select(selection_);
      }
      if (out->rows > 0) return absl::OkStatus();
    }
    *done = true;
    return absl::OkStatus();
  }

  const std::vector<engine::RealtimeCount>& Counts(const engine::RealtimeWindow& w) const {
    return node_.table_id == TableId::kRealtimeItems ? w.items : w.pages;
  }

  // Appends rows to `out` from where the last call stopped, up to kChunkRows: every
  // window of the current merchant (realtime_users) or every page/item of each window.
  void Fill(Chunk* out) {
    out->rows = 0;
    out->columns.clear();
    for (const ScanColumn& c : node_.scan_columns) out->columns.emplace_back(c.type);
    auto heap = std::make_shared<StringHeap>();
    for (Vector& v : out->columns) {
      if (v.type == Type::kString) v.heaps.push_back(heap);
    }
    const bool users = node_.table_id == TableId::kRealtimeUsers;
    while (out->rows < kChunkRows && next_merchant_ < merchants_.size()) {
      if (!loaded_) {
        summary_ =
            ctx_.snapshot->realtime->Summarize(merchants_[next_merchant_], ctx_.expr.now_us, 0);
        merchant_name_ = ctx_.catalog->MerchantName(merchants_[next_merchant_]);
        loaded_ = true;
        window_ = 0;
        rank_ = 0;
      }
      if (window_ >= summary_.windows.size()) {
        loaded_ = false;
        ++next_merchant_;
        continue;
      }
      const engine::RealtimeWindow& w = summary_.windows[window_];
      if (!users && rank_ >= Counts(w).size()) {
        ++window_;
        rank_ = 0;
        continue;
      }
      AppendRow(w, users ? nullptr : &Counts(w)[rank_], *heap, out);
      if (users) {
        ++window_;
      } else {
        ++rank_;
      }
    }
  }

  void AppendRow(const engine::RealtimeWindow& w, const engine::RealtimeCount* count,
                 StringHeap& heap, Chunk* out) {
    const size_t row = out->rows++;
    for (size_t c = 0; c < node_.scan_columns.size(); ++c) {
      Vector& v = out->columns[c];
      switch (node_.scan_columns[c].source) {
        case kRtWindow:
          v.str.push_back(heap.Add(window_names_[window_]));
          break;
        case kRtWindowSeconds:
          v.i64.push_back(w.window_us / engine::kMicrosPerSecond);
          break;
        case kRtActiveUsers:
          v.i64.push_back(w.active_users);
          break;
        case kRtRank:
          v.i64.push_back(static_cast<int64_t>(rank_) + 1);
          break;
        case kRtKey:
          v.str.push_back(heap.Add(count->key));
          if (count->key.empty()) v.SetNull(row);
          break;
        case kRtViewers:
          v.i64.push_back(count->viewers);
          break;
        case kRtMinutes:
          v.i64.push_back(w.window_us / engine::kMicrosPerMinute);
          break;
        case kRtMerchant:
          v.str.push_back(heap.Add(merchant_name_));
          break;
      }
      if (v.has_nulls() && v.nulls.size() <= row) v.nulls.resize(row + 1, 0);
    }
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  ExprEvaluator evaluator_;
  std::vector<uint32_t> merchants_;
  std::vector<std::string> window_names_;
  size_t next_merchant_ = 0;
  bool loaded_ = false;
  engine::RealtimeSummary summary_;
  std::string merchant_name_;
  size_t window_ = 0;
  size_t rank_ = 0;
  std::vector<uint32_t> selection_;
  uint64_t rows_ = 0;
  uint64_t micros_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeRealtimeScanOperator(const PlanNode& node, ExecContext& ctx,
                                                   int part) {
  return std::make_unique<RealtimeScanOperator>(node, ctx, part);
}

}  // namespace strata::query
