// GroupKeyTable strategies over bytes: one text key (with the dictionary-code fast path)
// and composite keys serialized into byte strings (text as ids, group_key_intern.cc).
#include <cstring>

#include "query/group_key.h"
#include "query/hashing.h"

namespace strata::query {

// ---------------------------------------------------------------------------------------
// One text key.

void GroupKeyTable::FindOrCreateString(const Vector& key, size_t rows, uint32_t* group_ids) {
  if (key.type == Type::kNull) {
    for (size_t r = 0; r < rows; ++r) group_ids[r] = NullGroup(&key, r);
    return;
  }
  const bool has_nulls = key.has_nulls();
  const bool use_codes = key.code_source != nullptr && key.codes.size() == rows;
  if (use_codes) {
    if (key.code_source != code_source_) {
      // Another dictionary: its codes mean other strings. Forget the old mapping but
      // keep the array's capacity.
      code_source_ = key.code_source;
      std::fill(code_groups_.begin(), code_groups_.end(), -1);
    }
    for (size_t r = 0; r < rows; ++r) {
      if (has_nulls && key.nulls[r] != 0) {
        group_ids[r] = NullGroup(&key, r);
        continue;
      }
      uint32_t code = key.codes[r];
      if (code >= code_groups_.size()) code_groups_.resize(size_t{code} + 1, -1);
      int32_t group = code_groups_[code];
      if (group < 0) {
        group = static_cast<int32_t>(StringLookup(key.str[r], key, r));
        code_groups_[code] = group;
      }
      group_ids[r] = static_cast<uint32_t>(group);
    }
    return;
  }
  // Without codes, views into one dictionary still repeat: an identical view (same bytes
  // at the same address) on consecutive rows is the same key.
  std::string_view previous;
  uint32_t previous_group = 0;
  bool have_previous = false;
  for (size_t r = 0; r < rows; ++r) {
    if (has_nulls && key.nulls[r] != 0) {
      group_ids[r] = NullGroup(&key, r);
      continue;
    }
    std::string_view s = key.str[r];
    if (!have_previous || s.data() != previous.data() || s.size() != previous.size()) {
      previous_group = StringLookup(s, key, r);
      previous = s;
      have_previous = true;
    }
    group_ids[r] = previous_group;
  }
}

uint32_t GroupKeyTable::StringLookup(std::string_view s, const Vector& key, size_t row) {
  uint64_t hash = HashString(s);
  size_t i = hash & slot_mask_;
  const std::vector<std::string_view>& stored = key_values_[0].str;
  while (true) {
    HashSlot& slot = hash_slots_[i];
    if (slot.group_plus_one == 0) {
      const Vector* k = &key;
      uint32_t group = NewGroup(&k, row);
      slot = HashSlot{hash, group + 1};
      if (groups_ * 2 > hash_slots_.size()) GrowHashSlots();
      return group;
    }
    if (slot.hash == hash && stored[slot.group_plus_one - 1] == s) return slot.group_plus_one - 1;
    i = (i + 1) & slot_mask_;
  }
}

// ---------------------------------------------------------------------------------------
// Composite keys. Each row's key becomes, column after column: a null flag byte, then the
// value: 8 bytes for bigint / timestamp / boolean / double (canonical bits), 16 for an
// interval (its total length, so equal intervals group together), a 4-byte length and the
// bytes for text, nothing for a NULL-typed column. NULL values write zeros (fixed widths)
// or a zero length, so equal keys always serialize to equal bytes.

namespace {

size_t FixedWidth(Type t) {
  switch (t) {
    case Type::kNull:
      return 1;
    case Type::kInterval:
      return 1 + 16;
    case Type::kString:
      return 1 + 4;
    default:
      return 1 + 8;
  }
}

}  // namespace

void GroupKeyTable::SerializeKeys(const std::vector<const Vector*>& keys, size_t rows) {
  size_t width = 0;
  for (Type t : key_types_) width += FixedWidth(t);
  row_offsets_.resize(rows + 1);
  for (size_t r = 0; r <= rows; ++r) row_offsets_[r] = static_cast<uint32_t>(r * width);
  row_bytes_.resize(rows * width);
  char* out = row_bytes_.data();
  size_t offset = 0;  // of this column within a row
  for (size_t c = 0; c < keys.size(); ++c) {
    const Vector& v = *keys[c];
    const Type t = key_types_[c];
    const bool all_null = v.type == Type::kNull;
    if (t == Type::kString && !all_null) InternColumn(c, v, rows);
    for (size_t r = 0; r < rows; ++r) {
      char* p = out + r * width + offset;
      bool null = all_null || v.IsNull(r);
      *p++ = null ? 1 : 0;
      switch (t) {
        case Type::kNull:
          break;
        case Type::kString: {
          uint32_t id = null ? 0 : column_ids_[c][r];
          std::memcpy(p, &id, 4);
          break;
        }
        case Type::kInterval: {
          Int128 total = null ? 0 : IntervalTotalMicros(v.iv[r]);
          std::memcpy(p, &total, 16);
          break;
        }
        case Type::kFloat64: {
          uint64_t bits = null ? 0 : CanonicalDoubleBits(v.f64[r]);
          std::memcpy(p, &bits, 8);
          break;
        }
        default: {
          int64_t x = null ? 0 : v.i64[r];
          std::memcpy(p, &x, 8);
          break;
        }
      }
    }
    offset += FixedWidth(t);
  }
}

void GroupKeyTable::FindOrCreateComposite(const std::vector<const Vector*>& keys, size_t rows,
                                          uint32_t* group_ids) {
  SerializeKeys(keys, rows);
  const char* bytes = row_bytes_.data();
  for (size_t r = 0; r < rows; ++r) {
    std::string_view row_key(bytes + row_offsets_[r], row_offsets_[r + 1] - row_offsets_[r]);
    uint64_t hash = HashString(row_key);
    size_t i = hash & slot_mask_;
    while (true) {
      HashSlot& slot = hash_slots_[i];
      if (slot.group_plus_one == 0) {
        group_serialized_.push_back(serialized_arena_.Add(row_key));
        const uint32_t group = static_cast<uint32_t>(groups_++);
        new_group_rows_.push_back(static_cast<uint32_t>(r));
        slot = HashSlot{hash, group + 1};
        if (groups_ * 2 > hash_slots_.size()) GrowHashSlots();
        group_ids[r] = group;
        break;
      }
      if (slot.hash == hash && group_serialized_[slot.group_plus_one - 1] == row_key) {
        group_ids[r] = slot.group_plus_one - 1;
        break;
      }
      i = (i + 1) & slot_mask_;
    }
  }
  AppendGroupKeys(keys.data(), new_group_rows_.data(), new_group_rows_.size());
  new_group_rows_.clear();
}

}  // namespace strata::query
