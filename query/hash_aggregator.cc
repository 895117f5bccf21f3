// HashAggregator: group ids for a whole chunk first, then one tight update loop per
// aggregate over (group id, value) pairs.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/aggregate.h"
#include "query/aggregate_functions.h"
#include "query/budget_reservation.h"
#include "query/error.h"
#include "query/group_key.h"

namespace strata::query {
namespace {

absl::Status Internal(std::string_view message) {
  return SqlError(sqlstate::kInternalError, message);
}

}  // namespace

struct HashAggregator::Impl {
  Impl(std::vector<int> keys, std::vector<Type> types, std::vector<AggregateSpec> aggregates,
       MemoryBudget* budget)
      : key_columns(std::move(keys)),
        key_types(std::move(types)),
        specs(std::move(aggregates)),
        table(std::make_unique<GroupKeyTable>(key_types)),
        reservation(budget) {
    if (key_columns.size() != key_types.size()) {
      status = Internal("HashAggregator: key columns and key types differ in number");
    }
    for (const AggregateSpec& spec : specs) {
      auto function = CreateAggregateFunction(spec);
      if (!function.ok()) {
        if (status.ok()) status = function.status();
        continue;
      }
      functions.push_back(*std::move(function));
    }
    ResizeStates();
  }

  absl::Status Consume(const Chunk& chunk);
  absl::Status Merge(Impl& other);
  absl::Status Finish(std::vector<Chunk>* out);

  absl::Status Validate(const Chunk& chunk) const;
  void ResizeStates();
  RowSet RowsFeeding(const AggregateSpec& spec, const Chunk& chunk, const Vector* input);
  absl::Status Account();

  const std::vector<int> key_columns;
  const std::vector<Type> key_types;
  const std::vector<AggregateSpec> specs;
  std::unique_ptr<GroupKeyTable> table;
  std::vector<std::unique_ptr<AggregateFunction>> functions;
  BudgetReservation reservation;
  // Not OK once the aggregator cannot continue: a bad spec, merged into another, finished.
  absl::Status status;
  size_t sized_groups = 0;

  std::vector<const Vector*> key_vectors;
  std::vector<uint32_t> group_ids;
  std::vector<uint32_t> selection;
};

absl::Status HashAggregator::Impl::Validate(const Chunk& chunk) const {
  auto column = [&](int index) -> const Vector* {
    if (index < 0 || static_cast<size_t>(index) >= chunk.columns.size()) return nullptr;
    const Vector* v = &chunk.columns[index];
    return v->type == Type::kNull || v->size() == chunk.rows ? v : nullptr;
  };
  for (size_t k = 0; k < key_columns.size(); ++k) {
    const Vector* v = column(key_columns[k]);
    if (v == nullptr || (v->type != key_types[k] && v->type != Type::kNull)) {
      return Internal(absl::StrCat("HashAggregator: bad group key column ", key_columns[k]));
    }
  }
  for (const AggregateSpec& spec : specs) {
    if (spec.filter_column >= 0) {
      const Vector* f = column(spec.filter_column);
      if (f == nullptr || (f->type != Type::kBool && f->type != Type::kNull)) {
        return Internal(absl::StrCat("HashAggregator: bad FILTER column for ", spec.name));
      }
    }
    if (spec.star) continue;
    const Vector* v = column(spec.arg_columns[0]);
    if (v == nullptr || (v->type != spec.arg_types[0] && v->type != Type::kNull)) {
      return Internal(absl::StrCat("HashAggregator: bad argument column for ", spec.name));
    }
  }
  return absl::OkStatus();
}

void HashAggregator::Impl::ResizeStates() {
  size_t groups = table->groups();
  if (groups == sized_groups) return;
  for (auto& function : functions) function->Resize(groups);
  sized_groups = groups;
}

RowSet HashAggregator::Impl::RowsFeeding(const AggregateSpec& spec, const Chunk& chunk,
                                         const Vector* input) {
  const size_t rows = chunk.rows;
  const Vector* filter = spec.filter_column >= 0 ? &chunk.columns[spec.filter_column] : nullptr;
  if ((input != nullptr && input->type == Type::kNull) ||
      (filter != nullptr && filter->type == Type::kNull)) {
    return RowSet{selection.data(), 0};
  }
  const uint8_t* input_nulls =
      input != nullptr && input->has_nulls() ? input->nulls.data() : nullptr;
  if (filter == nullptr && input_nulls == nullptr) return RowSet{nullptr, rows};
  const int64_t* filter_values = filter != nullptr ? filter->i64.data() : nullptr;
  const uint8_t* filter_nulls =
      filter != nullptr && filter->has_nulls() ? filter->nulls.data() : nullptr;
  selection.resize(rows);
  uint32_t* sel = selection.data();
  size_t n = 0;
  for (uint32_t r = 0; r < rows; ++r) {
    bool keep = true;
    if (filter_values != nullptr) keep = filter_values[r] != 0;
    if (filter_nulls != nullptr) keep = keep && filter_nulls[r] == 0;
    if (input_nulls != nullptr) keep = keep && input_nulls[r] == 0;
    sel[n] = r;
    n += keep ? 1 : 0;
  }
  if (n == rows) return RowSet{nullptr, rows};
  return RowSet{sel, n};
}

absl::Status HashAggregator::Impl::Account() {
  size_t bytes = table->MemoryBytes() + group_ids.capacity() * 4 + selection.capacity() * 4;
  for (const auto& function : functions) bytes += function->MemoryBytes();
  return reservation.Cover(bytes);
}

absl::Status HashAggregator::Impl::Consume(const Chunk& chunk) {
  RETURN_IF_ERROR(status);
  if (chunk.rows == 0) return absl::OkStatus();
  RETURN_IF_ERROR(Validate(chunk));
  key_vectors.clear();
  for (int c : key_columns) key_vectors.push_back(&chunk.columns[c]);
  group_ids.resize(chunk.rows);
  table->FindOrCreate(key_vectors, chunk.rows, group_ids.data());
  ResizeStates();
  for (size_t i = 0; i < functions.size(); ++i) {
    const AggregateSpec& spec = specs[i];
    const Vector* input = spec.star ? nullptr : &chunk.columns[spec.arg_columns[0]];
    RowSet rows = RowsFeeding(spec, chunk, input);
    if (rows.n > 0) functions[i]->Update(input, group_ids.data(), rows);
  }
  return Account();
}

absl::Status HashAggregator::Impl::Merge(Impl& other) {
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(other.status);
  bool same_shape = key_types == other.key_types && specs.size() == other.specs.size();
  for (size_t i = 0; same_shape && i < specs.size(); ++i) {
    same_shape = specs[i].name == other.specs[i].name &&
                 specs[i].distinct == other.specs[i].distinct &&
                 specs[i].arg_types == other.specs[i].arg_types;
  }
  if (!same_shape) return Internal("HashAggregator::Merge: aggregators differ");

  // Other's groups are looked up (created if new) here by their key values.
  const std::vector<Vector>& other_keys = other.table->key_values();
  key_vectors.clear();
  for (const Vector& v : other_keys) key_vectors.push_back(&v);
  std::vector<uint32_t> group_map(other.table->groups());
  table->FindOrCreateDistinct(key_vectors, group_map.size(), group_map.data());
  ResizeStates();
  for (size_t i = 0; i < functions.size(); ++i) {
    functions[i]->Merge(*other.functions[i], group_map.data());
  }

  // The other aggregator's states now live here: free them and their reservation before
  // this one grows its own.
  other.functions.clear();
  other.table = std::make_unique<GroupKeyTable>(other.key_types);
  other.reservation.ReleaseAll();
  other.status = Internal("HashAggregator: used after being merged into another");
  return Account();
}

absl::Status HashAggregator::Impl::Finish(std::vector<Chunk>* out) {
  RETURN_IF_ERROR(status);
  status = Internal("HashAggregator: used after Finish");
  for (auto& function : functions) RETURN_IF_ERROR(function->PrepareFinalize());
  RETURN_IF_ERROR(Account());
  const size_t groups = table->groups();
  for (size_t begin = 0; begin < groups; begin += kChunkRows) {
    size_t end = std::min(groups, begin + kChunkRows);
    Chunk chunk;
    chunk.rows = end - begin;
    for (Type t : key_types) chunk.columns.emplace_back(t);
    table->AppendKeys(begin, end, &chunk.columns);
    for (size_t i = 0; i < functions.size(); ++i) {
      Vector result(specs[i].result_type);
      RETURN_IF_ERROR(functions[i]->Finalize(begin, end, &result));
      chunk.columns.push_back(std::move(result));
    }
    out->push_back(std::move(chunk));
  }
  return absl::OkStatus();
}

HashAggregator::HashAggregator(std::vector<int> key_columns, std::vector<Type> key_types,
                               std::vector<AggregateSpec> aggregates, MemoryBudget* budget)
    : impl_(std::make_unique<Impl>(std::move(key_columns), std::move(key_types),
                                   std::move(aggregates), budget)) {}

HashAggregator::~HashAggregator() = default;

absl::Status HashAggregator::Consume(const Chunk& chunk) { return impl_->Consume(chunk); }

absl::Status HashAggregator::Merge(HashAggregator& other) {
  if (&other == this) return Internal("HashAggregator::Merge with itself");
  return impl_->Merge(*other.impl_);
}

absl::Status HashAggregator::Finish(std::vector<Chunk>* out) { return impl_->Finish(out); }

size_t HashAggregator::groups() const { return impl_->table->groups(); }

}  // namespace strata::query
