// GroupKeyTable's packed strategy: several fixed-width keys (text as interned ids) packed
// into 128 bits and looked up as two words, without serializing or comparing bytes.
//
// Layout: column after column from bit 0, the value bits (canonical: double bits with one
// NaN and -0 == 0, a boolean as 0 / 1, text as its interned id), then a null bit. A NULL
// value has zero value bits, so equal keys always pack to equal words.
#include "query/group_key.h"

namespace strata::query {
namespace {

// Bits of one value in a packed key (a null bit follows it, except for NULL-typed columns).
uint32_t PackedValueBits(Type t) {
  switch (t) {
    case Type::kNull:
      return 0;
    case Type::kBool:
      return 1;
    case Type::kString:
      return 32;
    case Type::kInterval:
      return 128;  // never packed: its total length alone needs up to 128 bits
    default:
      return 64;
  }
}

}  // namespace

bool GroupKeyTable::PlanPacked() {
  packed_fields_.clear();
  uint32_t shift = 0;
  for (Type t : key_types_) {
    const uint32_t bits = PackedValueBits(t);
    packed_fields_.push_back(PackedField{shift, bits});
    shift += t == Type::kNull ? 0 : bits + 1;
    if (shift > 128) return false;
  }
  return true;
}

void GroupKeyTable::PackKeys(const std::vector<const Vector*>& keys, size_t rows) {
  row_packed_.assign(rows, PackedKey{0, 0});
  PackedKey* out = row_packed_.data();
  for (size_t c = 0; c < keys.size(); ++c) {
    const Type t = key_types_[c];
    if (t == Type::kNull) continue;
    const Vector& v = *keys[c];
    const PackedField field = packed_fields_[c];
    const UInt128 null_bit = UInt128{1} << (field.shift + field.value_bits);
    auto put = [out](size_t r, UInt128 bits) {
      out[r].lo |= static_cast<uint64_t>(bits);
      out[r].hi |= static_cast<uint64_t>(bits >> 64);
    };
    if (v.type == Type::kNull) {
      for (size_t r = 0; r < rows; ++r) put(r, null_bit);
      continue;
    }
    const uint8_t* nulls = v.has_nulls() ? v.nulls.data() : nullptr;
    auto put_value = [&](size_t r, uint64_t value) {
      put(r, nulls != nullptr && nulls[r] != 0 ? null_bit : UInt128{value} << field.shift);
    };
    switch (t) {
      case Type::kString: {
        InternColumn(c, v, rows);
        const uint32_t* ids = column_ids_[c].data();
        for (size_t r = 0; r < rows; ++r) put_value(r, ids[r]);
        break;
      }
      case Type::kBool:
        for (size_t r = 0; r < rows; ++r) put_value(r, v.i64[r] != 0 ? 1 : 0);
        break;
      case Type::kFloat64:
        for (size_t r = 0; r < rows; ++r) put_value(r, CanonicalDoubleBits(v.f64[r]));
        break;
      default:
        for (size_t r = 0; r < rows; ++r) put_value(r, static_cast<uint64_t>(v.i64[r]));
        break;
    }
  }
}

void GroupKeyTable::FindOrCreatePacked(const std::vector<const Vector*>& keys, size_t rows,
                                       uint32_t* group_ids) {
  IndexPacked();
  PackKeys(keys, rows);
  row_hashes_.resize(rows);
  const PackedKey* packed = row_packed_.data();
  for (size_t r = 0; r < rows; ++r) row_hashes_[r] = PackedHash(packed[r].lo, packed[r].hi);
  // As for one fixed key: prefetch slots ahead, and reuse the group of a repeated key.
  constexpr size_t kPrefetchDistance = 16;
  bool have_previous = false;
  PackedKey previous{0, 0};
  uint32_t previous_group = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (r + kPrefetchDistance < rows) {
      __builtin_prefetch(&packed_slots_[row_hashes_[r + kPrefetchDistance] & slot_mask_]);
    }
    const PackedKey key = packed[r];
    if (!have_previous || key.lo != previous.lo || key.hi != previous.hi) {
      previous_group = PackedLookup(key, row_hashes_[r], r);
      previous = key;
      have_previous = true;
    }
    group_ids[r] = previous_group;
  }
  AppendGroupKeys(keys.data(), new_group_rows_.data(), new_group_rows_.size());
  new_group_rows_.clear();
}

void GroupKeyTable::FindOrCreatePackedDistinct(const std::vector<const Vector*>& keys, size_t rows,
                                               uint32_t* group_ids) {
  IndexPacked();
  PackKeys(keys, rows);
  row_hashes_.resize(rows);
  const PackedKey* packed = row_packed_.data();
  for (size_t r = 0; r < rows; ++r) row_hashes_[r] = PackedHash(packed[r].lo, packed[r].hi);
  constexpr size_t kPrefetchDistance = 16;
  for (size_t r = 0; r < rows; ++r) {
    if (r + kPrefetchDistance < rows) {
      __builtin_prefetch(&packed_slots_[row_hashes_[r + kPrefetchDistance] & slot_mask_]);
    }
    const int64_t found = PackedFind(packed[r], row_hashes_[r]);
    if (found >= 0) {
      group_ids[r] = static_cast<uint32_t>(found);
      continue;
    }
    // Distinct keys: no later row of this call has the same key, so the new group can wait
    // to be indexed.
    group_ids[r] = static_cast<uint32_t>(groups_++);
    new_group_rows_.push_back(static_cast<uint32_t>(r));
    unindexed_packed_.push_back(packed[r]);
  }
  AppendGroupKeys(keys.data(), new_group_rows_.data(), new_group_rows_.size());
  new_group_rows_.clear();
}

int64_t GroupKeyTable::PackedFind(PackedKey key, uint64_t hash) const {
  size_t i = hash & slot_mask_;
  while (true) {
    const PackedSlot& slot = packed_slots_[i];
    if (slot.group_plus_one == 0) return -1;
    if (slot.key.lo == key.lo && slot.key.hi == key.hi) return int64_t{slot.group_plus_one} - 1;
    i = (i + 1) & slot_mask_;
  }
}

void GroupKeyTable::IndexPacked() {
  if (unindexed_packed_.empty()) return;
  while (groups_ * 2 > packed_slots_.size()) GrowPacked();
  uint32_t group = static_cast<uint32_t>(groups_ - unindexed_packed_.size());
  for (const PackedKey& key : unindexed_packed_) {
    size_t i = PackedHash(key.lo, key.hi) & slot_mask_;
    while (packed_slots_[i].group_plus_one != 0) i = (i + 1) & slot_mask_;
    packed_slots_[i] = PackedSlot{key, ++group};
  }
  unindexed_packed_.clear();
  unindexed_packed_.shrink_to_fit();
}

uint32_t GroupKeyTable::PackedLookup(PackedKey key, uint64_t hash, size_t row) {
  size_t i = hash & slot_mask_;
  while (true) {
    PackedSlot& slot = packed_slots_[i];
    if (slot.group_plus_one == 0) {
      const uint32_t group = static_cast<uint32_t>(groups_++);
      new_group_rows_.push_back(static_cast<uint32_t>(row));
      slot = PackedSlot{key, group + 1};
      if (groups_ * 2 > packed_slots_.size()) GrowPacked();
      return group;
    }
    if (slot.key.lo == key.lo && slot.key.hi == key.hi) return slot.group_plus_one - 1;
    i = (i + 1) & slot_mask_;
  }
}

void GroupKeyTable::GrowPacked() {
  std::vector<PackedSlot> old = std::move(packed_slots_);
  packed_slots_.assign(old.size() * 2, PackedSlot{{0, 0}, 0});
  slot_mask_ = packed_slots_.size() - 1;
  for (const PackedSlot& slot : old) {
    if (slot.group_plus_one == 0) continue;
    size_t i = PackedHash(slot.key.lo, slot.key.hi) & slot_mask_;
    while (packed_slots_[i].group_plus_one != 0) i = (i + 1) & slot_mask_;
    packed_slots_[i] = slot;
  }
}

}  // namespace strata::query
