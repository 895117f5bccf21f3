// RollupFolder: the per-group states of a rollup aggregate, fed by cells and raw rows.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "query/error.h"
#include "query/rollup_aggregate.h"

namespace strata::query {
namespace {

// Neumaier's compensated sum, as the raw aggregator's sum/avg of double.
inline void AddCompensated(double* sum, double* compensation, double x) {
  double t = *sum + x;
  if (std::fabs(*sum) >= std::fabs(x)) {
    *compensation += (*sum - t) + x;
  } else {
    *compensation += (x - t) + *sum;
  }
  *sum = t;
}

bool IsIntMeasure(RollupMeasure m) {
  return m == RollupMeasure::kPageviews || m == RollupMeasure::kEvents ||
         m == RollupMeasure::kBounced || m == RollupMeasure::kEngaged ||
         m == RollupMeasure::kConverted;
}

int64_t FlagCount(const engine::CellMeasures& m, RollupMeasure flag) {
  switch (flag) {
    case RollupMeasure::kBounced:
      return m.bounced;
    case RollupMeasure::kEngaged:
      return m.engaged;
    case RollupMeasure::kConverted:
      return m.converted;
    default:
      return m.count;
  }
}

const int64_t* FlagColumn(const RawRows& rows, RollupMeasure flag) {
  switch (flag) {
    case RollupMeasure::kBounced:
      return rows.bounced;
    case RollupMeasure::kEngaged:
      return rows.engaged;
    case RollupMeasure::kConverted:
      return rows.converted;
    case RollupMeasure::kPageviews:
      return rows.pageviews;
    case RollupMeasure::kEvents:
      return rows.events;
    default:
      return nullptr;
  }
}

}  // namespace

bool RollupFolder::TestCache::Matches(const RollupStringTest& test, const RawStrings& s,
                                      size_t row) {
  if (s.codes == nullptr) return test.Matches(s.str[row]);
  if (s.dict.source_id() != source_) {
    source_ = s.dict.source_id();
    by_code_.clear();
  }
  const uint32_t code = s.codes[row];
  if (code >= by_code_.size()) by_code_.resize(static_cast<size_t>(code) + 1, -1);
  int8_t& known = by_code_[code];
  if (known < 0) known = test.Matches(s.dict.value(code)) ? 1 : 0;
  return known != 0;
}

RollupFolder::RollupFolder(const PlanNode& node, ExecContext& ctx)
    : node_(node),
      plan_(*node.rollup),
      ctx_(ctx),
      evaluator_(ctx.expr),
      table_([&] {
        std::vector<Type> types;
        for (const ExprPtr& k : node.keys) types.push_back(k->type);
        return types;
      }()),
      reservation_(ctx.budget),
      states_(plan_.aggregates.size()),
      users_(plan_.aggregates.size()),
      names_heap_(std::make_shared<StringHeap>()) {
  for (const ExprPtr& k : node.keys) key_vectors_.emplace_back(k->type);
  for (const Vector& v : key_vectors_) key_ptrs_.push_back(&v);
  time_chunk_.columns.emplace_back(Type::kTimestamp);
  filter_caches_.resize(plan_.aggregates.size());
  for (size_t a = 0; a < plan_.aggregates.size(); ++a) {
    filter_caches_[a].resize(plan_.aggregates[a].filter.size());
  }
  ResizeStates();
}

std::string_view RollupFolder::MerchantName(uint32_t merchant) {
  if (merchant >= merchant_names_.size()) merchant_names_.resize(merchant + 1);
  std::string_view& name = merchant_names_[merchant];
  if (name.data() == nullptr) {
    name = names_heap_->Add(ctx_.catalog->MerchantName(merchant));
    if (name.data() == nullptr) name = std::string_view("", 0);
  }
  return name;
}

absl::Status RollupFolder::TimeKeys(const std::vector<int64_t>& ts, std::vector<int64_t>* keys) {
  keys->clear();
  if (plan_.time_key == nullptr || ts.empty()) {
    keys->resize(ts.size(), 0);
    return absl::OkStatus();
  }
  Vector& in = time_chunk_.columns[0];
  in.Clear();
  in.type = Type::kTimestamp;
  in.i64 = ts;
  time_chunk_.rows = ts.size();
  RETURN_IF_ERROR(evaluator_.Eval(*plan_.time_key, time_chunk_, &time_out_));
  keys->assign(time_out_.i64.begin(), time_out_.i64.begin() + ts.size());
  return absl::OkStatus();
}

void RollupFolder::ResizeStates() {
  const size_t groups = table_.groups();
  for (size_t a = 0; a < states_.size(); ++a) {
    if (states_[a].size() == groups) continue;
    State init;
    init.min = std::numeric_limits<double>::infinity();
    init.max = -std::numeric_limits<double>::infinity();
    states_[a].resize(groups, init);
  }
}

absl::Status RollupFolder::Account() {
  size_t bytes = table_.MemoryBytes() + group_ids_.capacity() * 4 + selection_.capacity() * 4;
  for (const auto& s : states_) bytes += s.capacity() * sizeof(State);
  if (user_ops_since_measure_ > (1u << 16)) {
    user_ops_since_measure_ = 0;
    user_bytes_ = 0;
    for (const auto& map : users_) {
      for (const auto& [key, bitmap] : map) user_bytes_ += bitmap.getSizeInBytes(false) + 64;
    }
  }
  return reservation_.Cover(bytes + user_bytes_);
}

Bitmap& RollupFolder::Users(size_t agg, uint32_t group, uint32_t merchant) {
  ++user_ops_since_measure_;
  return users_[agg][static_cast<uint64_t>(group) << 32 | merchant];
}

absl::Status RollupFolder::AddCell(uint32_t merchant, int64_t time_key,
                                   const engine::RollupCell& cell) {
  for (const RollupStringTest& t : plan_.where) {
    if (!t.Matches(t.on_event ? cell.event : cell.dim)) return absl::OkStatus();
  }
  pending_.push_back({merchant, &cell});
  pending_time_.push_back(time_key);
  if (pending_.size() >= kChunkRows) return FoldCellBuffer();
  return absl::OkStatus();
}

absl::Status RollupFolder::FlushCells() {
  if (pending_.empty()) return absl::OkStatus();
  return FoldCellBuffer();
}

absl::Status RollupFolder::FoldCellBuffer() {
  const size_t n = pending_.size();
  for (size_t k = 0; k < plan_.keys.size(); ++k) {
    Vector& v = key_vectors_[k];
    v.Clear();
    v.type = node_.keys[k]->type;
    switch (plan_.keys[k]) {
      case RollupKeyKind::kMerchant:
        v.str.resize(n);
        v.codes.resize(n);
        v.code_source = ctx_.catalog;
        for (size_t i = 0; i < n; ++i) {
          v.codes[i] = pending_[i].merchant;
          v.str[i] = MerchantName(pending_[i].merchant);
        }
        break;
      case RollupKeyKind::kTime:
        v.i64.assign(pending_time_.begin(), pending_time_.end());
        break;
      case RollupKeyKind::kEvent:
      case RollupKeyKind::kDim: {
        const bool event = plan_.keys[k] == RollupKeyKind::kEvent;
        v.str.resize(n);
        for (size_t i = 0; i < n; ++i) {
          std::string_view s = event ? pending_[i].cell->event : pending_[i].cell->dim;
          v.str[i] = s;
          if (s.empty()) v.SetNull(i);
        }
        break;
      }
    }
  }
  group_ids_.resize(n);
  table_.FindOrCreate(key_ptrs_, n, group_ids_.data());
  ResizeStates();
  for (size_t a = 0; a < plan_.aggregates.size(); ++a) {
    for (size_t i = 0; i < n; ++i)
      FoldCell(a, group_ids_[i], pending_[i].merchant, *pending_[i].cell);
  }
  pending_.clear();
  pending_time_.clear();
  return Account();
}

void RollupFolder::FoldCell(size_t agg, uint32_t group, uint32_t merchant,
                            const engine::RollupCell& cell) {
  const RollupAggregateSpec& spec = plan_.aggregates[agg];
  for (const RollupStringTest& t : spec.filter) {
    if (!t.Matches(t.on_event ? cell.event : cell.dim)) return;
  }
  const engine::CellMeasures& m = cell.m;
  State& s = states_[agg][group];
  switch (spec.measure) {
    case RollupMeasure::kRows: {
      int64_t n = m.count;
      if (spec.filter_flag != RollupMeasure::kRows) {
        const int64_t flagged = FlagCount(m, spec.filter_flag);
        n = spec.filter_flag_negated ? m.count - flagged : flagged;
      }
      s.count += n;
      break;
    }
    case RollupMeasure::kValue:
      if (m.value_count == 0) break;
      s.count += m.value_count;
      AddCompensated(&s.sum, &s.compensation, m.value_sum);
      s.min = std::min(s.min, m.value_min);
      s.max = std::max(s.max, m.value_max);
      break;
    case RollupMeasure::kDuration:
      s.count += m.count;
      AddCompensated(&s.sum, &s.compensation, static_cast<double>(m.duration_sum_us) / 1e6);
      s.min = std::min(s.min, static_cast<double>(m.duration_min_us) / 1e6);
      s.max = std::max(s.max, static_cast<double>(m.duration_max_us) / 1e6);
      break;
    case RollupMeasure::kPageviews:
      s.count += m.count;
      s.int_sum += m.pageviews;
      break;
    case RollupMeasure::kEvents:
      s.count += m.count;
      s.int_sum += m.events;
      break;
    case RollupMeasure::kBounced:
    case RollupMeasure::kEngaged:
    case RollupMeasure::kConverted:
      s.count += m.count;
      s.int_sum += FlagCount(m, spec.measure);
      break;
    case RollupMeasure::kUsers:
      Users(agg, group, merchant) |= *cell.users;
      break;
  }
}

void RollupFolder::BuildStringKey(const RawStrings& s, const uint32_t* sel, size_t n, Vector* out) {
  out->str.resize(n);
  if (s.codes != nullptr) {
    out->codes.resize(n);
    out->code_source = s.dict.source_id();
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t r = sel[i];
    std::string_view v = s.Get(r);
    out->str[i] = v;
    if (s.codes != nullptr) out->codes[i] = s.codes[r];
    if (v.empty()) out->SetNull(i);
  }
}

absl::Status RollupFolder::AddRows(const RawRows& rows,
                                   const std::vector<RollupStringTest>& tests) {
  if (rows.rows == 0) return absl::OkStatus();
  // Rows passing the tests.
  selection_.clear();
  if (tests.empty()) {
    selection_.resize(rows.rows);
    for (size_t r = 0; r < rows.rows; ++r) selection_[r] = static_cast<uint32_t>(r);
  } else {
    caches_.clear();
    for (const RollupStringTest& t : tests) caches_.push_back(&where_caches_[&t]);
    for (size_t r = 0; r < rows.rows; ++r) {
      bool keep = true;
      for (size_t t = 0; t < tests.size() && keep; ++t) {
        const RawStrings& col = tests[t].on_event ? rows.event : rows.dim;
        keep = caches_[t]->Matches(tests[t], col, r);
      }
      if (keep) selection_.push_back(static_cast<uint32_t>(r));
    }
  }
  const size_t n = selection_.size();
  if (n == 0) return absl::OkStatus();
  const uint32_t* sel = selection_.data();

  // Group keys.
  for (size_t k = 0; k < plan_.keys.size(); ++k) {
    Vector& v = key_vectors_[k];
    v.Clear();
    v.type = node_.keys[k]->type;
    switch (plan_.keys[k]) {
      case RollupKeyKind::kMerchant:
        v.str.resize(n);
        v.codes.resize(n);
        v.code_source = ctx_.catalog;
        for (size_t i = 0; i < n; ++i) {
          const uint32_t m = static_cast<uint32_t>(rows.merchant[sel[i]]);
          v.codes[i] = m;
          v.str[i] = MerchantName(m);
        }
        break;
      case RollupKeyKind::kTime: {
        Vector& in = time_chunk_.columns[0];
        in.Clear();
        in.type = Type::kTimestamp;
        in.i64.resize(n);
        for (size_t i = 0; i < n; ++i) in.i64[i] = rows.time[sel[i]];
        time_chunk_.rows = n;
        RETURN_IF_ERROR(evaluator_.Eval(*plan_.time_key, time_chunk_, &v));
        break;
      }
      case RollupKeyKind::kEvent:
        BuildStringKey(rows.event, sel, n, &v);
        break;
      case RollupKeyKind::kDim:
        BuildStringKey(rows.dim, sel, n, &v);
        break;
    }
  }
  group_ids_.resize(n);
  table_.FindOrCreate(key_ptrs_, n, group_ids_.data());
  ResizeStates();

  for (size_t a = 0; a < plan_.aggregates.size(); ++a) {
    const RollupAggregateSpec& spec = plan_.aggregates[a];
    // Rows passing the aggregate's FILTER.
    pass_.assign(n, 1);
    for (size_t t = 0; t < spec.filter.size(); ++t) {
      const RollupStringTest& test = spec.filter[t];
      const RawStrings& col = test.on_event ? rows.event : rows.dim;
      for (size_t i = 0; i < n; ++i) {
        if (pass_[i] != 0) pass_[i] = filter_caches_[a][t].Matches(test, col, sel[i]) ? 1 : 0;
      }
    }
    if (spec.filter_flag != RollupMeasure::kRows) {
      const int64_t* flag = FlagColumn(rows, spec.filter_flag);
      const int64_t want = spec.filter_flag_negated ? 0 : 1;
      for (size_t i = 0; i < n; ++i) {
        if ((flag[sel[i]] != 0 ? 1 : 0) != want) pass_[i] = 0;
      }
    }
    std::vector<State>& st = states_[a];
    const uint32_t* g = group_ids_.data();
    switch (spec.measure) {
      case RollupMeasure::kRows:
        for (size_t i = 0; i < n; ++i) st[g[i]].count += pass_[i];
        break;
      case RollupMeasure::kValue:
        for (size_t i = 0; i < n; ++i) {
          const double v = rows.value[sel[i]];
          if (pass_[i] == 0 || std::isnan(v)) continue;
          State& s = st[g[i]];
          ++s.count;
          AddCompensated(&s.sum, &s.compensation, v);
          s.min = std::min(s.min, v);
          s.max = std::max(s.max, v);
        }
        break;
      case RollupMeasure::kDuration:
        for (size_t i = 0; i < n; ++i) {
          if (pass_[i] == 0) continue;
          const double v = static_cast<double>(rows.duration_us[sel[i]]) / 1e6;
          State& s = st[g[i]];
          ++s.count;
          AddCompensated(&s.sum, &s.compensation, v);
          s.min = std::min(s.min, v);
          s.max = std::max(s.max, v);
        }
        break;
      case RollupMeasure::kPageviews:
      case RollupMeasure::kEvents:
      case RollupMeasure::kBounced:
      case RollupMeasure::kEngaged:
      case RollupMeasure::kConverted: {
        const int64_t* x = FlagColumn(rows, spec.measure);
        for (size_t i = 0; i < n; ++i) {
          if (pass_[i] == 0) continue;
          State& s = st[g[i]];
          ++s.count;
          s.int_sum += x[sel[i]];
        }
        break;
      }
      case RollupMeasure::kUsers: {
        uint64_t last_key = ~uint64_t{0};
        Bitmap* last = nullptr;
        for (size_t i = 0; i < n; ++i) {
          if (pass_[i] == 0) continue;
          const uint64_t key =
              static_cast<uint64_t>(g[i]) << 32 | static_cast<uint32_t>(rows.merchant[sel[i]]);
          if (key != last_key || last == nullptr) {
            last = &users_[a][key];
            last_key = key;
          }
          last->add(static_cast<uint32_t>(rows.client[sel[i]]));
        }
        user_ops_since_measure_ += n;
        break;
      }
    }
  }
  return Account();
}

absl::Status RollupFolder::Merge(RollupFolder& other) {
  RETURN_IF_ERROR(FlushCells());
  RETURN_IF_ERROR(other.FlushCells());
  const std::vector<Vector>& other_keys = other.table_.key_values();
  std::vector<const Vector*> keys;
  for (const Vector& v : other_keys) keys.push_back(&v);
  std::vector<uint32_t> group_map(other.table_.groups());
  table_.FindOrCreate(keys, group_map.size(), group_map.data());
  ResizeStates();
  for (size_t a = 0; a < states_.size(); ++a) {
    const std::vector<State>& from = other.states_[a];
    for (size_t g = 0; g < from.size(); ++g) {
      const State& o = from[g];
      State& s = states_[a][group_map[g]];
      s.count += o.count;
      s.int_sum += o.int_sum;
      AddCompensated(&s.sum, &s.compensation, o.sum);
      s.compensation += o.compensation;
      s.min = std::min(s.min, o.min);
      s.max = std::max(s.max, o.max);
    }
    for (auto& [key, bitmap] : other.users_[a]) {
      const uint64_t group = group_map[key >> 32];
      Users(a, static_cast<uint32_t>(group), static_cast<uint32_t>(key)) |= bitmap;
    }
  }
  other.states_.clear();
  other.users_.clear();
  other.reservation_.ReleaseAll();
  return Account();
}

absl::Status RollupFolder::FinishAggregate(size_t agg, size_t begin, size_t end, Vector* out) {
  const RollupAggregateSpec& spec = plan_.aggregates[agg];
  const std::vector<State>& st = states_[agg];
  const size_t n = end - begin;
  out->Resize(n);
  if (spec.measure == RollupMeasure::kUsers) {
    for (size_t i = 0; i < n; ++i) out->i64[i] = user_counts_[agg][begin + i];
    return absl::OkStatus();
  }
  const bool ints = IsIntMeasure(spec.measure);
  for (size_t i = 0; i < n; ++i) {
    const State& s = st[begin + i];
    if (spec.function == RollupFunction::kCount) {
      out->i64[i] = s.count;
      continue;
    }
    if (s.count == 0) {
      out->SetNull(i);
      continue;
    }
    const double sum = std::isfinite(s.sum) ? s.sum + s.compensation : s.sum;
    switch (spec.function) {
      case RollupFunction::kCount:
        break;
      case RollupFunction::kSum:
        if (!ints) {
          out->f64[i] = sum;
        } else if (s.int_sum > std::numeric_limits<int64_t>::max() ||
                   s.int_sum < std::numeric_limits<int64_t>::min()) {
          return SqlError(sqlstate::kNumericOutOfRange, "bigint out of range");
        } else {
          out->i64[i] = static_cast<int64_t>(s.int_sum);
        }
        break;
      case RollupFunction::kAvg:
        out->f64[i] = ints ? static_cast<double>(static_cast<long double>(s.int_sum) /
                                                 static_cast<long double>(s.count))
                           : sum / static_cast<double>(s.count);
        break;
      case RollupFunction::kMin:
        out->f64[i] = s.min;
        break;
      case RollupFunction::kMax:
        out->f64[i] = s.max;
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status RollupFolder::Finish(std::vector<Chunk>* out) {
  RETURN_IF_ERROR(FlushCells());
  const size_t groups = table_.groups();
  user_counts_.assign(plan_.aggregates.size(), {});
  for (size_t a = 0; a < plan_.aggregates.size(); ++a) {
    if (plan_.aggregates[a].measure != RollupMeasure::kUsers) continue;
    user_counts_[a].assign(groups, 0);
    for (const auto& [key, bitmap] : users_[a]) {
      user_counts_[a][key >> 32] += static_cast<int64_t>(bitmap.cardinality());
    }
  }
  for (size_t begin = 0; begin < groups; begin += kChunkRows) {
    const size_t end = std::min(groups, begin + kChunkRows);
    Chunk chunk;
    chunk.rows = end - begin;
    for (const ExprPtr& k : node_.keys) chunk.columns.emplace_back(k->type);
    table_.AppendKeys(begin, end, &chunk.columns);
    for (size_t a = 0; a < plan_.aggregates.size(); ++a) {
      Vector result(plan_.aggregates[a].result_type);
      RETURN_IF_ERROR(FinishAggregate(a, begin, end, &result));
      chunk.columns.push_back(std::move(result));
    }
    out->push_back(std::move(chunk));
  }
  return absl::OkStatus();
}

}  // namespace strata::query
