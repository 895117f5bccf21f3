// DISTINCT aggregates: exact per-group sets of the distinct input values.
//
// bigint / timestamp / boolean values go into DistinctIntSets (Roaring64Map for the
// non-negative ones, a hash set for the rest); doubles into a hash set of canonical bits
// (all NaNs one value, -0 == 0); text gets a dense id per distinct string (a one-key
// GroupKeyTable, which hashes dictionary-coded text once per code, not per row, and keeps
// the strings) and each group a hash set of ids; intervals into a set of their total
// length (equal intervals are one value, as in PostgreSQL).
//
// count(DISTINCT x) reads the set sizes. Other aggregates (sum, avg, string_agg, ... of
// DISTINCT x) get each group's distinct values, in ascending order, replayed into an
// ordinary state before finalizing.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/status.h"
#include "query/aggregate_functions.h"
#include "query/distinct_ints.h"
#include "query/group_key.h"
#include "query/hashing.h"

namespace strata::query {
namespace {

enum class SetKind { kInt, kDouble, kString, kInterval };

SetKind SetKindOf(Type t) {
  switch (t) {
    case Type::kFloat64:
      return SetKind::kDouble;
    case Type::kString:
    case Type::kNull:
      return SetKind::kString;
    case Type::kInterval:
      return SetKind::kInterval;
    default:
      return SetKind::kInt;
  }
}

template <typename Set>
size_t SetSlotBytes(const Set& set) {
  return set.capacity() * (sizeof(typename Set::value_type) + 1);
}

class DistinctAgg final : public AggregateFunction {
 public:
  DistinctAgg(Type input, std::unique_ptr<AggregateFunction> inner)
      : input_(input), kind_(SetKindOf(input)), inner_(std::move(inner)) {
    if (kind_ == SetKind::kString) {
      strings_ = std::make_unique<GroupKeyTable>(std::vector<Type>{Type::kString});
    }
  }

  void Resize(size_t groups) override {
    switch (kind_) {
      case SetKind::kInt:
        ints_.Resize(groups);
        break;
      case SetKind::kDouble:
        bits_sets_.resize(groups);
        break;
      case SetKind::kString:
        id_sets_.resize(groups);
        break;
      case SetKind::kInterval:
        interval_sets_.resize(groups);
        break;
    }
    if (inner_ != nullptr) inner_->Resize(groups);
  }

  void Update(const Vector* input, const uint32_t* group_ids, RowSet rows) override {
    switch (kind_) {
      case SetKind::kInt: {
        const int64_t* values = input->i64.data();
        ForEachRow(rows, [&](uint32_t r) { ints_.Add(group_ids[r], values[r]); });
        break;
      }
      case SetKind::kDouble:
        ForEachRow(rows, [&](uint32_t r) {
          InsertInto(bits_sets_[group_ids[r]], CanonicalDoubleBits(input->f64[r]));
        });
        break;
      case SetKind::kString:
        if (input->type != Type::kString) break;  // an all-NULL input
        UpdateStrings(*input, group_ids, rows);
        break;
      case SetKind::kInterval:
        ForEachRow(rows, [&](uint32_t r) {
          auto total = static_cast<UInt128>(IntervalTotalMicros(input->iv[r]));
          InsertInto(interval_sets_[group_ids[r]],
                     std::pair<uint64_t, uint64_t>(static_cast<uint64_t>(total >> 64),
                                                   static_cast<uint64_t>(total)));
        });
        break;
    }
  }

  void Merge(AggregateFunction& other_base, const uint32_t* group_map) override {
    auto& other = static_cast<DistinctAgg&>(other_base);
    switch (kind_) {
      case SetKind::kInt:
        for (size_t g = 0; g < other.ints_.groups(); ++g) {
          if (!other.ints_.Empty(g)) ints_.MergeGroup(other.ints_, g, group_map[g]);
        }
        break;
      case SetKind::kDouble:
        MergeSets(bits_sets_, other.bits_sets_, group_map);
        break;
      case SetKind::kString:
        MergeStrings(other, group_map);
        break;
      case SetKind::kInterval:
        MergeSets(interval_sets_, other.interval_sets_, group_map);
        break;
    }
  }

  absl::Status PrepareFinalize() override {
    if (kind_ == SetKind::kInt) ints_.FlushAll();
    if (inner_ == nullptr) return absl::OkStatus();
    Replay();
    return inner_->PrepareFinalize();
  }

  absl::Status Finalize(size_t begin, size_t end, Vector* out) override {
    if (inner_ != nullptr) return inner_->Finalize(begin, end, out);
    size_t base = out->size();
    out->Resize(base + (end - begin));
    for (size_t g = begin; g < end; ++g) {
      out->i64[base + (g - begin)] = static_cast<int64_t>(Count(g));
    }
    return absl::OkStatus();
  }

  size_t MemoryBytes() const override {
    size_t bytes = ints_.MemoryBytes() + bits_sets_.capacity() * sizeof(BitsSet) +
                   id_sets_.capacity() * sizeof(IdSet) +
                   interval_sets_.capacity() * sizeof(IntervalSet) + set_bytes_ +
                   string_ids_.capacity() * 4;
    if (strings_ != nullptr) bytes += strings_->MemoryBytes();
    if (inner_ != nullptr) bytes += inner_->MemoryBytes();
    return bytes;
  }

 private:
  using BitsSet = absl::flat_hash_set<uint64_t>;
  using IdSet = absl::flat_hash_set<uint32_t>;
  using IntervalSet = absl::flat_hash_set<std::pair<uint64_t, uint64_t>>;

  uint64_t Count(size_t g) const {
    switch (kind_) {
      case SetKind::kInt:
        return ints_.Count(g);
      case SetKind::kDouble:
        return bits_sets_[g].size();
      case SetKind::kString:
        return id_sets_[g].size();
      case SetKind::kInterval:
        return interval_sets_[g].size();
    }
    return 0;
  }

  template <typename Set, typename V>
  void InsertInto(Set& set, const V& v) {
    size_t before = SetSlotBytes(set);
    if (set.insert(v).second) set_bytes_ += SetSlotBytes(set) - before;
  }

  // The ids of the texts of `rows` (interning new ones), into the groups' sets.
  void UpdateStrings(const Vector& input, const uint32_t* group_ids, RowSet rows) {
    const Vector* texts = &input;
    if (rows.sel != nullptr) {
      // Only the rows that feed this aggregate: a FILTER may keep few of them.
      selected_.Clear();
      selected_.type = Type::kString;
      selected_.AppendSelected(input, rows.sel, rows.n);
      texts = &selected_;
    }
    string_ids_.resize(rows.n);
    key_vectors_.assign(1, texts);
    strings_->FindOrCreate(key_vectors_, rows.n, string_ids_.data());
    const uint32_t* ids = string_ids_.data();
    if (rows.sel == nullptr) {
      for (size_t k = 0; k < rows.n; ++k) InsertInto(id_sets_[group_ids[k]], ids[k]);
    } else {
      for (size_t k = 0; k < rows.n; ++k) InsertInto(id_sets_[group_ids[rows.sel[k]]], ids[k]);
    }
  }

  // other's texts get ids here (other's table is a column of distinct texts, with their
  // codes while they came from one dictionary), then its sets are translated.
  void MergeStrings(DistinctAgg& other, const uint32_t* group_map) {
    if (strings_->groups() == 0) {
      // Nothing here yet: other's ids can stay as they are.
      std::swap(strings_, other.strings_);
      MergeSets(id_sets_, other.id_sets_, group_map);
      return;
    }
    const GroupKeyTable& theirs = *other.strings_;
    string_ids_.resize(theirs.groups());
    key_vectors_.assign(1, &theirs.key_values()[0]);
    strings_->FindOrCreate(key_vectors_, string_ids_.size(), string_ids_.data());
    for (size_t g = 0; g < other.id_sets_.size(); ++g) {
      IdSet& into = id_sets_[group_map[g]];
      for (uint32_t id : other.id_sets_[g]) InsertInto(into, string_ids_[id]);
      other.id_sets_[g] = IdSet();
    }
  }

  template <typename Set>
  void MergeSets(std::vector<Set>& sets, std::vector<Set>& others, const uint32_t* group_map) {
    for (size_t g = 0; g < others.size(); ++g) {
      Set& from = others[g];
      if (from.empty()) continue;
      Set& into = sets[group_map[g]];
      size_t before = SetSlotBytes(into);
      if (into.empty()) {
        into.swap(from);
      } else {
        into.insert(from.begin(), from.end());
        from.clear();
      }
      set_bytes_ += SetSlotBytes(into) - before;
    }
  }

  // Feeds every group's distinct values, ascending, to the inner aggregate in batches.
  void Replay() {
    STRATA_CHECK(kind_ != SetKind::kInterval, "no aggregate over DISTINCT intervals replays");
    Vector batch(kind_ == SetKind::kInt      ? Type::kInt64
                 : kind_ == SetKind::kDouble ? Type::kFloat64
                                             : Type::kString);
    std::vector<uint32_t> group_ids;
    auto flush = [&] {
      inner_->Update(&batch, group_ids.data(), RowSet{nullptr, group_ids.size()});
      batch.i64.clear();
      batch.f64.clear();
      batch.str.clear();
      group_ids.clear();
    };
    auto emit = [&](uint32_t g) {
      group_ids.push_back(g);
      if (group_ids.size() == kChunkRows) flush();
    };
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<std::string_view> strings;
    const size_t groups = kind_ == SetKind::kInt      ? ints_.groups()
                          : kind_ == SetKind::kDouble ? bits_sets_.size()
                                                      : id_sets_.size();
    for (uint32_t g = 0; g < groups; ++g) {
      switch (kind_) {
        case SetKind::kInt:
          ints.clear();
          ints_.AppendSorted(g, &ints);
          for (int64_t v : ints) {
            batch.i64.push_back(v);
            emit(g);
          }
          break;
        case SetKind::kDouble:
          doubles.clear();
          for (uint64_t bits : bits_sets_[g]) {
            double d;
            std::memcpy(&d, &bits, 8);
            doubles.push_back(d);
          }
          std::sort(doubles.begin(), doubles.end(),
                    [](double a, double b) { return CompareDoubles(a, b) < 0; });
          for (double v : doubles) {
            batch.f64.push_back(v);
            emit(g);
          }
          break;
        case SetKind::kString: {
          const std::vector<std::string_view>& texts = strings_->key_values()[0].str;
          strings.clear();
          for (uint32_t id : id_sets_[g]) strings.push_back(texts[id]);
          std::sort(strings.begin(), strings.end());
          for (std::string_view v : strings) {
            batch.str.push_back(v);
            emit(g);
          }
          break;
        }
        case SetKind::kInterval:
          break;
      }
    }
    if (!group_ids.empty()) flush();
  }

  const Type input_;
  const SetKind kind_;
  std::unique_ptr<AggregateFunction> inner_;
  DistinctIntSets ints_;
  std::vector<BitsSet> bits_sets_;
  std::vector<IdSet> id_sets_;  // kString: ids of strings_
  std::vector<IntervalSet> interval_sets_;
  size_t set_bytes_ = 0;
  // kString: distinct texts -> dense ids, and scratch for Update and Merge.
  std::unique_ptr<GroupKeyTable> strings_;
  Vector selected_;
  std::vector<const Vector*> key_vectors_;
  std::vector<uint32_t> string_ids_;
};

}  // namespace

std::unique_ptr<AggregateFunction> MakeDistinct(Type input,
                                                std::unique_ptr<AggregateFunction> inner) {
  STRATA_CHECK(inner == nullptr || input != Type::kInterval,
               "DISTINCT intervals support count only");
  return std::make_unique<DistinctAgg>(input, std::move(inner));
}

}  // namespace strata::query
