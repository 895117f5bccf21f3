// Operators other than the scan, and running a plan to completion.
#include "query/executor.h"

#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/aggregate.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/rollup_aggregate.h"
#include "query/sort.h"

namespace strata::query {
namespace {

// Records rows and time of one operator for EXPLAIN ANALYZE.
class Timed : public Operator {
 public:
  Timed(const PlanNode& node, ExecContext& ctx, std::unique_ptr<Operator> inner)
      : node_(node), ctx_(ctx), inner_(std::move(inner)) {}
  ~Timed() override {
    std::lock_guard<std::mutex> lock(ctx_.stats_mu);
    NodeStats& s = ctx_.stats[&node_];
    s.rows += rows_;
    s.micros += micros_;
    s.workers++;
  }
  absl::Status Next(Chunk* out, bool* done) override {
    auto start = std::chrono::steady_clock::now();
    absl::Status st = inner_->Next(out, done);
    micros_ += std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count();
    if (st.ok() && !*done) rows_ += out->rows;
    return st;
  }

 private:
  const PlanNode& node_;
  ExecContext& ctx_;
  std::unique_ptr<Operator> inner_;
  uint64_t rows_ = 0;
  uint64_t micros_ = 0;
};

class ValuesOperator : public Operator {
 public:
  absl::Status Next(Chunk* out, bool* done) override {
    *done = emitted_;
    if (!emitted_) {
      out->rows = 1;
      out->columns.clear();
      emitted_ = true;
    }
    return absl::OkStatus();
  }

 private:
  bool emitted_ = false;
};

class ConstRowsOperator : public Operator {
 public:
  explicit ConstRowsOperator(const PlanNode& node) : node_(node) {}
  absl::Status Next(Chunk* out, bool* done) override {
    *done = next_ >= node_.rows.size();
    if (*done) return absl::OkStatus();
    out->columns.clear();
    for (const ResultColumn& c : node_.output) out->columns.emplace_back(c.type);
    size_t end = std::min(node_.rows.size(), next_ + kChunkRows);
    for (; next_ < end; ++next_) {
      for (size_t c = 0; c < node_.output.size(); ++c) {
        out->columns[c].Append(node_.rows[next_][c]);
      }
    }
    out->rows = out->columns.empty() ? 0 : out->columns[0].size();
    return absl::OkStatus();
  }

 private:
  const PlanNode& node_;
  size_t next_ = 0;
};

class FilterOperator : public Operator {
 public:
  FilterOperator(const PlanNode& node, ExecContext& ctx, std::unique_ptr<Operator> child)
      : node_(node), evaluator_(ctx.expr), child_(std::move(child)) {}
  absl::Status Next(Chunk* out, bool* done) override {
    while (true) {
      RETURN_IF_ERROR(child_->Next(out, done));
      if (*done) return absl::OkStatus();
      RETURN_IF_ERROR(evaluator_.Select(*node_.predicate, *out, &selection_));
      if (selection_.size() != out->rows) out->Select(selection_);
      if (out->rows > 0) return absl::OkStatus();
    }
  }

 private:
  const PlanNode& node_;
  ExprEvaluator evaluator_;
  std::unique_ptr<Operator> child_;
  std::vector<uint32_t> selection_;
};

// Evaluates `exprs` over `in` into `out` (one column per expression).
absl::Status EvalAll(ExprEvaluator& evaluator, const std::vector<const BoundExpr*>& exprs,
                     const Chunk& in, Chunk* out) {
  out->rows = in.rows;
  out->columns.resize(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    const BoundExpr& e = *exprs[i];
    if (e.kind == BoundExpr::Kind::kColumn) {
      out->columns[i] = in.columns[e.column];  // shares views and heaps
      continue;
    }
    RETURN_IF_ERROR(evaluator.Eval(e, in, &out->columns[i]));
  }
  return absl::OkStatus();
}

class ProjectOperator : public Operator {
 public:
  ProjectOperator(const PlanNode& node, ExecContext& ctx, std::unique_ptr<Operator> child)
      : evaluator_(ctx.expr), child_(std::move(child)) {
    for (const ExprPtr& e : node.exprs) exprs_.push_back(e.get());
  }
  absl::Status Next(Chunk* out, bool* done) override {
    RETURN_IF_ERROR(child_->Next(&input_, done));
    if (*done) return absl::OkStatus();
    return EvalAll(evaluator_, exprs_, input_, out);
  }

 private:
  ExprEvaluator evaluator_;
  std::unique_ptr<Operator> child_;
  std::vector<const BoundExpr*> exprs_;
  Chunk input_;
};

// True if `node`'s subtree is scans, filters and projections only: it can run as several
// independent pipelines over partitions of the snapshot.
bool Partitionable(const PlanNode& node) {
  switch (node.kind) {
    case PlanNode::Kind::kScan:
      return true;
    case PlanNode::Kind::kFilter:
    case PlanNode::Kind::kProject:
      return Partitionable(*node.children[0]);
    default:
      return false;
  }
}

// Feeds one input pipeline into one (partial) HashAggregator.
class AggregateFeeder {
 public:
  AggregateFeeder(const PlanNode& node, ExecContext& ctx) : evaluator_(ctx.expr) {
    for (const ExprPtr& k : node.keys) inputs_.push_back(k.get());
    for (const BoundAggregate& a : node.aggregates) {
      for (const ExprPtr& arg : a.args) inputs_.push_back(arg.get());
      if (a.filter) inputs_.push_back(a.filter.get());
    }
  }
  absl::Status Feed(Operator& child, HashAggregator& agg) {
    while (true) {
      bool done = false;
      RETURN_IF_ERROR(child.Next(&input_, &done));
      if (done) return absl::OkStatus();
      RETURN_IF_ERROR(EvalAll(evaluator_, inputs_, input_, &evaluated_));
      RETURN_IF_ERROR(agg.Consume(evaluated_));
    }
  }

 private:
  ExprEvaluator evaluator_;
  std::vector<const BoundExpr*> inputs_;
  Chunk input_;
  Chunk evaluated_;
};

std::unique_ptr<HashAggregator> NewAggregator(const PlanNode& node, MemoryBudget* budget) {
  std::vector<int> key_columns;
  std::vector<Type> key_types;
  for (size_t i = 0; i < node.keys.size(); ++i) {
    key_columns.push_back(static_cast<int>(i));
    key_types.push_back(node.keys[i]->type);
  }
  int next = static_cast<int>(node.keys.size());
  std::vector<AggregateSpec> specs;
  for (const BoundAggregate& a : node.aggregates) {
    AggregateSpec spec = a.spec;
    spec.arg_columns.clear();
    for (size_t i = 0; i < a.args.size(); ++i) spec.arg_columns.push_back(next++);
    spec.filter_column = a.filter ? next++ : -1;
    specs.push_back(std::move(spec));
  }
  return std::make_unique<HashAggregator>(std::move(key_columns), std::move(key_types),
                                          std::move(specs), budget);
}

class AggregateOperator : public Operator {
 public:
  AggregateOperator(const PlanNode& node, ExecContext& ctx) : node_(node), ctx_(ctx) {}

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
    const PlanNode& child = *node_.children[0];
    const int workers = Partitionable(child) ? std::max(1, ctx_.threads) : 1;
    std::vector<std::unique_ptr<HashAggregator>> partials;
    std::vector<absl::Status> statuses(workers);
    for (int w = 0; w < workers; ++w) partials.push_back(NewAggregator(node_, ctx_.budget));
    auto work = [&](int w) {
      auto input = BuildOperator(child, ctx_, w, workers);
      if (!input.ok()) {
        statuses[w] = input.status();
        return;
      }
      AggregateFeeder feeder(node_, ctx_);
      statuses[w] = feeder.Feed(**input, *partials[w]);
    };
    if (workers == 1) {
      work(0);
    } else {
      std::vector<std::thread> threads;
      for (int w = 1; w < workers; ++w) threads.emplace_back(work, w);
      work(0);
      for (std::thread& t : threads) t.join();
    }
    for (const absl::Status& st : statuses) RETURN_IF_ERROR(st);
    for (int w = 1; w < workers; ++w) RETURN_IF_ERROR(partials[0]->Merge(*partials[w]));
    return partials[0]->Finish(&results_);
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  bool finished_ = false;
  std::vector<Chunk> results_;
  size_t next_ = 0;
};

class SortOperator : public Operator {
 public:
  SortOperator(const PlanNode& node, ExecContext& ctx, std::unique_ptr<Operator> child)
      : node_(node), ctx_(ctx), child_(std::move(child)) {}
  absl::Status Next(Chunk* out, bool* done) override {
    if (!finished_) {
      // Without a child, BuildOperator chose the parallel top-N.
      RETURN_IF_ERROR(child_ == nullptr ? RunParallelTopN() : SortAll(*child_, &results_));
      finished_ = true;
    }
    *done = next_ >= results_.size();
    if (!*done) *out = std::move(results_[next_++]);
    return absl::OkStatus();
  }

 private:
  absl::Status SortAll(Operator& input, std::vector<Chunk>* sorted) {
    Sorter sorter(node_.sort_keys, node_.limit, ctx_.budget);
    while (true) {
      Chunk in;
      bool child_done = false;
      RETURN_IF_ERROR(input.Next(&in, &child_done));
      if (child_done) break;
      RETURN_IF_ERROR(sorter.Add(std::move(in)));
    }
    return sorter.Finish(sorted);
  }

  // ORDER BY ... LIMIT over a scan pipeline: a top-N per worker over its partition of the
  // snapshot, then the top-N of their union.
  absl::Status RunParallelTopN() {
    const PlanNode& child = *node_.children[0];
    const int workers = ctx_.threads;
    std::vector<std::vector<Chunk>> partial(workers);
    std::vector<absl::Status> statuses(workers);
    auto work = [&](int w) {
      auto input = BuildOperator(child, ctx_, w, workers);
      statuses[w] = input.ok() ? SortAll(**input, &partial[w]) : input.status();
    };
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w) threads.emplace_back(work, w);
    work(0);
    for (std::thread& t : threads) t.join();
    for (const absl::Status& st : statuses) RETURN_IF_ERROR(st);
    Sorter final_sort(node_.sort_keys, node_.limit, ctx_.budget);
    for (auto& chunks : partial) {
      for (Chunk& c : chunks) RETURN_IF_ERROR(final_sort.Add(std::move(c)));
    }
    return final_sort.Finish(&results_);
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  std::unique_ptr<Operator> child_;
  bool finished_ = false;
  std::vector<Chunk> results_;
  size_t next_ = 0;
};

class LimitOperator : public Operator {
 public:
  LimitOperator(const PlanNode& node, std::unique_ptr<Operator> child)
      : to_skip_(node.offset), remaining_(node.limit), child_(std::move(child)) {}
  absl::Status Next(Chunk* out, bool* done) override {
    while (true) {
      if (remaining_ == 0) {
        *done = true;
        return absl::OkStatus();
      }
      RETURN_IF_ERROR(child_->Next(out, done));
      if (*done) return absl::OkStatus();
      size_t begin = 0;
      if (to_skip_ > 0) {
        begin = static_cast<size_t>(std::min<int64_t>(to_skip_, out->rows));
        to_skip_ -= static_cast<int64_t>(begin);
      }
      size_t end = out->rows;
      if (remaining_ > 0 && static_cast<int64_t>(end - begin) > remaining_) {
        end = begin + static_cast<size_t>(remaining_);
      }
      if (remaining_ > 0) remaining_ -= static_cast<int64_t>(end - begin);
      if (begin == end) continue;
      if (begin != 0 || end != out->rows) {
        std::vector<uint32_t> sel;
        for (size_t r = begin; r < end; ++r) sel.push_back(static_cast<uint32_t>(r));
        out->Select(sel);
      }
      return absl::OkStatus();
    }
  }

 private:
  int64_t to_skip_;
  int64_t remaining_;  // -1 = unlimited
  std::unique_ptr<Operator> child_;
};

class UnionAllOperator : public Operator {
 public:
  explicit UnionAllOperator(std::vector<std::unique_ptr<Operator>> children)
      : children_(std::move(children)) {}
  absl::Status Next(Chunk* out, bool* done) override {
    while (current_ < children_.size()) {
      RETURN_IF_ERROR(children_[current_]->Next(out, done));
      if (!*done) return absl::OkStatus();
      children_[current_].reset();
      ++current_;
    }
    *done = true;
    return absl::OkStatus();
  }

 private:
  std::vector<std::unique_ptr<Operator>> children_;
  size_t current_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Operator>> BuildOperator(const PlanNode& node, ExecContext& ctx,
                                                        int part, int parts) {
  if (node.kind == PlanNode::Kind::kScan) return MakeScanOperator(node, ctx, part, parts);
  std::unique_ptr<Operator> op;
  auto child = [&](size_t i) { return BuildOperator(*node.children[i], ctx, part, parts); };
  switch (node.kind) {
    case PlanNode::Kind::kScan:
      break;
    case PlanNode::Kind::kValues:
      op = std::make_unique<ValuesOperator>();
      break;
    case PlanNode::Kind::kConstRows:
      op = std::make_unique<ConstRowsOperator>(node);
      break;
    case PlanNode::Kind::kFilter: {
      ASSIGN_OR_RETURN(auto c, child(0));
      op = std::make_unique<FilterOperator>(node, ctx, std::move(c));
      break;
    }
    case PlanNode::Kind::kProject: {
      ASSIGN_OR_RETURN(auto c, child(0));
      op = std::make_unique<ProjectOperator>(node, ctx, std::move(c));
      break;
    }
    case PlanNode::Kind::kAggregate:
      op = std::make_unique<AggregateOperator>(node, ctx);
      break;
    case PlanNode::Kind::kRollupAggregate:
      op = MakeRollupAggregateOperator(node, ctx);
      break;
    case PlanNode::Kind::kSort: {
      // A top-N over a scan pipeline builds its inputs per worker itself.
      std::unique_ptr<Operator> c;
      if (node.limit < 0 || ctx.threads <= 1 || parts > 1 || !Partitionable(*node.children[0])) {
        ASSIGN_OR_RETURN(c, child(0));
      }
      op = std::make_unique<SortOperator>(node, ctx, std::move(c));
      break;
    }
    case PlanNode::Kind::kLimit: {
      ASSIGN_OR_RETURN(auto c, child(0));
      op = std::make_unique<LimitOperator>(node, std::move(c));
      break;
    }
    case PlanNode::Kind::kUnionAll: {
      std::vector<std::unique_ptr<Operator>> children;
      for (size_t i = 0; i < node.children.size(); ++i) {
        ASSIGN_OR_RETURN(auto c, child(i));
        children.push_back(std::move(c));
      }
      op = std::make_unique<UnionAllOperator>(std::move(children));
      break;
    }
  }
  if (ctx.collect_stats) op = std::make_unique<Timed>(node, ctx, std::move(op));
  return op;
}

absl::StatusOr<std::vector<std::vector<Value>>> RunPlan(const PlanNode& plan, ExecContext& ctx,
                                                        size_t max_rows) {
  ASSIGN_OR_RETURN(auto root, BuildOperator(plan, ctx, 0, 1));
  std::vector<std::vector<Value>> rows;
  size_t reserved = 0;
  absl::Status status;
  while (status.ok()) {
    Chunk chunk;
    bool done = false;
    status = root->Next(&chunk, &done);
    if (!status.ok() || done) break;
    if (rows.size() + chunk.rows > max_rows) {
      status = SqlError(sqlstate::kProgramLimitExceeded,
                        absl::StrCat("query result exceeds the limit of ", max_rows, " rows"));
      break;
    }
    size_t bytes = 0;
    for (size_t r = 0; r < chunk.rows; ++r) {
      std::vector<Value> row;
      row.reserve(chunk.columns.size());
      for (const Vector& v : chunk.columns) {
        row.push_back(v.GetValue(r));
        bytes += sizeof(Value) + row.back().s.size();
      }
      rows.push_back(std::move(row));
    }
    status = ctx.budget->Reserve(bytes);
    if (status.ok()) reserved += bytes;
  }
  ctx.budget->Release(reserved);
  root.reset();
  if (!status.ok()) return status;
  return rows;
}

}  // namespace strata::query
