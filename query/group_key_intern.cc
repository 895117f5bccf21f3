// GroupKeyTable: text key columns of the packed and composite strategies become dense ids,
// one id space per column. A chunk's texts that need interning (each new dictionary code
// once, or every row without codes) are hashed first, so the probe loop can prefetch the
// interner's slots a few texts ahead: with many distinct texts they do not fit in cache.
#include "query/group_key.h"

namespace strata::query {
namespace {

constexpr size_t kInitialInternSlots = 64;
constexpr int32_t kNotSeen = -1;  // code_ids: the code has no id yet
constexpr int32_t kPending = -2;  // code_ids: the code's text is being interned

}  // namespace

uint32_t GroupKeyTable::Intern(ColumnInterner& in, std::string_view s, uint64_t hash) {
  size_t mask = in.slots.size() - 1;
  size_t i = hash & mask;
  while (in.slots[i].group_plus_one != 0) {
    const HashSlot& slot = in.slots[i];
    if (slot.hash == hash && in.values[slot.group_plus_one - 1] == s) {
      return slot.group_plus_one - 1;
    }
    i = (i + 1) & mask;
  }
  const uint32_t id = static_cast<uint32_t>(in.values.size());
  in.values.push_back(s.empty() ? std::string_view() : arena_->Add(s));
  in.slots[i] = HashSlot{hash, id + 1};
  if (in.values.size() * 2 > in.slots.size()) {
    std::vector<HashSlot> old = std::move(in.slots);
    in.slots.assign(old.size() * 2, HashSlot{0, 0});
    mask = in.slots.size() - 1;
    for (const HashSlot& slot : old) {
      if (slot.group_plus_one == 0) continue;
      size_t j = slot.hash & mask;
      while (in.slots[j].group_plus_one != 0) j = (j + 1) & mask;
      in.slots[j] = slot;
    }
  }
  return id;
}

void GroupKeyTable::InternColumn(size_t column, const Vector& v, size_t rows) {
  ColumnInterner& in = interners_[column];
  if (in.slots.empty()) in.slots.assign(kInitialInternSlots, HashSlot{0, 0});
  std::vector<uint32_t>& ids = column_ids_[column];
  ids.resize(rows);
  const bool use_codes = !v.codes.empty() && v.code_source != nullptr;
  if (use_codes && in.code_source != v.code_source) {
    in.code_source = v.code_source;
    in.code_ids.clear();
  }
  intern_rows_.clear();
  if (use_codes) {
    for (size_t r = 0; r < rows; ++r) {
      if (v.IsNull(r)) continue;
      const uint32_t code = v.codes[r];
      if (code >= in.code_ids.size()) in.code_ids.resize(size_t{code} + 1, kNotSeen);
      int32_t& id = in.code_ids[code];
      if (id == kNotSeen) {
        id = kPending;
        intern_rows_.push_back(static_cast<uint32_t>(r));
      }
    }
  } else {
    for (size_t r = 0; r < rows; ++r) {
      if (!v.IsNull(r)) intern_rows_.push_back(static_cast<uint32_t>(r));
    }
  }
  const size_t n = intern_rows_.size();
  intern_hashes_.resize(n);
  for (size_t k = 0; k < n; ++k) intern_hashes_[k] = HashString(v.str[intern_rows_[k]]);
  constexpr size_t kPrefetchDistance = 8;
  for (size_t k = 0; k < n; ++k) {
    if (k + kPrefetchDistance < n) {
      __builtin_prefetch(&in.slots[intern_hashes_[k + kPrefetchDistance] & (in.slots.size() - 1)]);
    }
    const uint32_t r = intern_rows_[k];
    const uint32_t id = Intern(in, v.str[r], intern_hashes_[k]);
    if (use_codes) {
      in.code_ids[v.codes[r]] = static_cast<int32_t>(id);
    } else {
      ids[r] = id;
    }
  }
  if (use_codes) {
    for (size_t r = 0; r < rows; ++r) {
      if (!v.IsNull(r)) ids[r] = static_cast<uint32_t>(in.code_ids[v.codes[r]]);
    }
  }
}

}  // namespace strata::query
