// GroupKeyTable: strategy choice, group creation, output, and the fixed-width key table.
// The text and composite strategies are in group_key_string.cc.
#include "query/group_key.h"

#include <utility>

#include "common/status.h"
#include "query/hashing.h"

namespace strata::query {
namespace {

constexpr size_t kInitialSlots = 256;

// Bytes of a vector's arrays, without the string heaps it shares.
size_t ArrayBytes(const Vector& v) {
  return v.i64.capacity() * 8 + v.f64.capacity() * 8 + v.str.capacity() * 16 +
         v.iv.capacity() * sizeof(Interval) + v.nulls.capacity() + v.codes.capacity() * 4;
}

bool IsFixedKey(Type t) {
  return t == Type::kInt64 || t == Type::kTimestamp || t == Type::kBool || t == Type::kFloat64;
}

}  // namespace

GroupKeyTable::GroupKeyTable(std::vector<Type> key_types)
    : key_types_(std::move(key_types)), arena_(std::make_shared<StringHeap>()) {
  for (Type t : key_types_) {
    key_values_.emplace_back(t);
    if (t == Type::kString) key_values_.back().heaps.push_back(arena_);
  }
  keeps_codes_.assign(key_types_.size(), true);
  if (key_types_.empty()) {
    strategy_ = Strategy::kNoKeys;
    groups_ = 1;
  } else if (key_types_.size() == 1 && IsFixedKey(key_types_[0])) {
    strategy_ = Strategy::kFixed;
    fixed_slots_.assign(kInitialSlots, FixedSlot{0, 0});
    slot_mask_ = kInitialSlots - 1;
  } else if (key_types_.size() == 1 && key_types_[0] == Type::kString) {
    strategy_ = Strategy::kString;
    hash_slots_.assign(kInitialSlots, HashSlot{0, 0});
    slot_mask_ = kInitialSlots - 1;
  } else if (PlanPacked()) {
    strategy_ = Strategy::kPacked;
    packed_slots_.assign(kInitialSlots, PackedSlot{{0, 0}, 0});
    slot_mask_ = kInitialSlots - 1;
  } else {
    strategy_ = Strategy::kComposite;
    hash_slots_.assign(kInitialSlots, HashSlot{0, 0});
    slot_mask_ = kInitialSlots - 1;
  }
  if (strategy_ == Strategy::kPacked || strategy_ == Strategy::kComposite) {
    interners_.resize(key_types_.size());
    column_ids_.resize(key_types_.size());
  }
}

void GroupKeyTable::FindOrCreateDistinct(const std::vector<const Vector*>& keys, size_t rows,
                                         uint32_t* group_ids) {
  if (strategy_ == Strategy::kPacked) {
    STRATA_CHECK(keys.size() == key_types_.size(), "group key count mismatch");
    FindOrCreatePackedDistinct(keys, rows, group_ids);
    return;
  }
  FindOrCreate(keys, rows, group_ids);
}

void GroupKeyTable::FindOrCreate(const std::vector<const Vector*>& keys, size_t rows,
                                 uint32_t* group_ids) {
  STRATA_CHECK(keys.size() == key_types_.size(), "group key count mismatch");
  switch (strategy_) {
    case Strategy::kNoKeys:
      std::fill(group_ids, group_ids + rows, 0u);
      return;
    case Strategy::kFixed:
      FindOrCreateFixed(*keys[0], rows, group_ids);
      return;
    case Strategy::kString:
      FindOrCreateString(*keys[0], rows, group_ids);
      return;
    case Strategy::kPacked:
      FindOrCreatePacked(keys, rows, group_ids);
      return;
    case Strategy::kComposite:
      FindOrCreateComposite(keys, rows, group_ids);
      return;
  }
}

uint32_t GroupKeyTable::NewGroup(const Vector* const* keys, size_t row) {
  const uint32_t row32 = static_cast<uint32_t>(row);
  for (size_t c = 0; c < key_values_.size(); ++c) {
    const Vector& src = *keys[c];
    Vector& dst = key_values_[c];
    size_t at = dst.size();
    if (dst.type == Type::kNull) {
      dst.nulls.push_back(1);
      continue;
    }
    dst.Resize(at + 1);
    if (dst.type == Type::kString) KeepCodes(c, src, &row32, 1, at);
    if (src.type == Type::kNull || src.IsNull(row)) {
      dst.SetNull(at);
      continue;
    }
    switch (dst.type) {
      case Type::kFloat64:
        dst.f64[at] = src.f64[row];
        break;
      case Type::kString:
        dst.str[at] = arena_->Add(src.str[row]);
        break;
      case Type::kInterval:
        dst.iv[at] = src.iv[row];
        break;
      default:
        dst.i64[at] = src.i64[row];
        break;
    }
  }
  return static_cast<uint32_t>(groups_++);
}

void GroupKeyTable::AppendGroupKeys(const Vector* const* keys, const uint32_t* rows, size_t n) {
  if (n == 0) return;
  for (size_t c = 0; c < key_values_.size(); ++c) {
    const Vector& src = *keys[c];
    Vector& dst = key_values_[c];
    const size_t base = dst.size();
    if (dst.type == Type::kNull) {
      dst.nulls.insert(dst.nulls.end(), n, 1);
      continue;
    }
    dst.Resize(base + n);
    if (dst.type == Type::kString) KeepCodes(c, src, rows, n, base);
    if (src.type == Type::kNull) {
      for (size_t k = 0; k < n; ++k) dst.SetNull(base + k);
      continue;
    }
    const uint8_t* nulls = src.has_nulls() ? src.nulls.data() : nullptr;
    if (nulls != nullptr) {
      for (size_t k = 0; k < n; ++k) {
        if (nulls[rows[k]] != 0) dst.SetNull(base + k);
      }
    }
    // NULL rows keep the default value (their interned id is not set).
    auto copy = [&](auto* out, auto value_of) {
      for (size_t k = 0; k < n; ++k) {
        const uint32_t r = rows[k];
        if (nulls == nullptr || nulls[r] == 0) out[base + k] = value_of(r);
      }
    };
    switch (dst.type) {
      case Type::kFloat64:
        copy(dst.f64.data(), [&](uint32_t r) { return src.f64[r]; });
        break;
      case Type::kString: {
        const uint32_t* ids = column_ids_[c].data();
        const std::string_view* values = interners_[c].values.data();
        copy(dst.str.data(), [&](uint32_t r) { return values[ids[r]]; });
        break;
      }
      case Type::kInterval:
        copy(dst.iv.data(), [&](uint32_t r) { return src.iv[r]; });
        break;
      default:
        copy(dst.i64.data(), [&](uint32_t r) { return src.i64[r]; });
        break;
    }
  }
}

void GroupKeyTable::KeepCodes(size_t column, const Vector& src, const uint32_t* rows, size_t n,
                              size_t base) {
  if (!keeps_codes_[column]) return;
  Vector& dst = key_values_[column];
  const bool coded =
      src.type == Type::kString && src.code_source != nullptr && src.codes.size() == src.str.size();
  if (coded && (base == 0 || src.code_source == dst.code_source)) {
    // A NULL row's code is copied as is: consumers test nulls before codes.
    dst.code_source = src.code_source;
    dst.codes.resize(base + n);
    for (size_t k = 0; k < n; ++k) dst.codes[base + k] = src.codes[rows[k]];
    return;
  }
  // A value without a code, or from another dictionary: the column's codes no longer
  // identify its strings, for good.
  keeps_codes_[column] = false;
  dst.codes.clear();
  dst.codes.shrink_to_fit();
  dst.code_source = nullptr;
}

uint32_t GroupKeyTable::NullGroup(const Vector* key, size_t row) {
  if (null_group_ < 0) null_group_ = NewGroup(&key, row);
  return static_cast<uint32_t>(null_group_);
}

void GroupKeyTable::AppendKeys(size_t begin, size_t end, std::vector<Vector>* columns) const {
  std::vector<uint32_t> sel(end - begin);
  for (size_t k = 0; k < sel.size(); ++k) sel[k] = static_cast<uint32_t>(begin + k);
  for (size_t c = 0; c < key_values_.size(); ++c) {
    (*columns)[c].AppendSelected(key_values_[c], sel.data(), sel.size());
  }
}

size_t GroupKeyTable::MemoryBytes() const {
  size_t bytes = arena_->bytes() + serialized_arena_.bytes() + fixed_slots_.capacity() * 16 +
                 hash_slots_.capacity() * 16 + code_groups_.capacity() * 4 + row_bytes_.capacity() +
                 row_offsets_.capacity() * 4 + (row_keys_.capacity() + row_hashes_.capacity()) * 8 +
                 group_serialized_.capacity() * 16 + packed_slots_.capacity() * sizeof(PackedSlot) +
                 (row_packed_.capacity() + unindexed_packed_.capacity()) * sizeof(PackedKey) +
                 (new_group_rows_.capacity() + intern_rows_.capacity()) * 4 +
                 intern_hashes_.capacity() * 8;
  for (const Vector& v : key_values_) bytes += ArrayBytes(v);
  for (const std::vector<uint32_t>& ids : column_ids_) bytes += ids.capacity() * 4;
  for (const ColumnInterner& in : interners_) {
    bytes += in.slots.capacity() * sizeof(HashSlot) + in.values.capacity() * 16 +
             in.code_ids.capacity() * 4;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------
// One bigint / timestamp / boolean / double key.

void GroupKeyTable::FindOrCreateFixed(const Vector& key, size_t rows, uint32_t* group_ids) {
  if (key.type == Type::kNull) {
    for (size_t r = 0; r < rows; ++r) group_ids[r] = NullGroup(&key, r);
    return;
  }
  const bool has_nulls = key.has_nulls();
  // Canonical keys and their hashes first, so the probe loop can prefetch slots a few
  // rows ahead (large tables do not fit in cache).
  row_keys_.resize(rows);
  row_hashes_.resize(rows);
  if (key.type == Type::kFloat64) {
    for (size_t r = 0; r < rows; ++r) row_keys_[r] = CanonicalDoubleBits(key.f64[r]);
  } else {
    for (size_t r = 0; r < rows; ++r) row_keys_[r] = static_cast<uint64_t>(key.i64[r]);
  }
  for (size_t r = 0; r < rows; ++r) row_hashes_[r] = Mix64(row_keys_[r]);
  constexpr size_t kPrefetchDistance = 16;
  // Time-ordered data often repeats a key on consecutive rows: skip the probe then.
  bool have_previous = false;
  uint64_t previous_key = 0;
  uint32_t previous_group = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (r + kPrefetchDistance < rows) {
      __builtin_prefetch(&fixed_slots_[row_hashes_[r + kPrefetchDistance] & slot_mask_]);
    }
    if (has_nulls && key.nulls[r] != 0) {
      group_ids[r] = NullGroup(&key, r);
      continue;
    }
    uint64_t k = row_keys_[r];
    if (!have_previous || k != previous_key) {
      previous_group = FixedLookup(k, row_hashes_[r], key, r);
      previous_key = k;
      have_previous = true;
    }
    group_ids[r] = previous_group;
  }
}

uint32_t GroupKeyTable::FixedLookup(uint64_t canonical, uint64_t hash, const Vector& key,
                                    size_t row) {
  size_t i = hash & slot_mask_;
  while (true) {
    FixedSlot& slot = fixed_slots_[i];
    if (slot.group_plus_one == 0) {
      const Vector* k = &key;
      uint32_t group = NewGroup(&k, row);
      slot = FixedSlot{canonical, group + 1};
      if (groups_ * 2 > fixed_slots_.size()) GrowFixed();
      return group;
    }
    if (slot.key == canonical) return slot.group_plus_one - 1;
    i = (i + 1) & slot_mask_;
  }
}

void GroupKeyTable::GrowFixed() {
  std::vector<FixedSlot> old = std::move(fixed_slots_);
  fixed_slots_.assign(old.size() * 2, FixedSlot{0, 0});
  slot_mask_ = fixed_slots_.size() - 1;
  for (const FixedSlot& slot : old) {
    if (slot.group_plus_one == 0) continue;
    size_t i = Mix64(slot.key) & slot_mask_;
    while (fixed_slots_[i].group_plus_one != 0) i = (i + 1) & slot_mask_;
    fixed_slots_[i] = slot;
  }
}

void GroupKeyTable::GrowHashSlots() {
  std::vector<HashSlot> old = std::move(hash_slots_);
  hash_slots_.assign(old.size() * 2, HashSlot{0, 0});
  slot_mask_ = hash_slots_.size() - 1;
  for (const HashSlot& slot : old) {
    if (slot.group_plus_one == 0) continue;
    size_t i = slot.hash & slot_mask_;
    while (hash_slots_[i].group_plus_one != 0) i = (i + 1) & slot_mask_;
    hash_slots_[i] = slot;
  }
}

}  // namespace strata::query
