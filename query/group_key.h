// Grouping keys -> dense group ids (0, 1, 2, ... in order of first appearance).
//
// One table per HashAggregator. It picks a strategy from the key types:
//  - no keys: every row is group 0 (the group exists from the start);
//  - one bigint / timestamp / boolean / double key: an open-addressing table on the 64-bit
//    value (doubles by canonical bits: all NaNs one group, -0 == 0);
//  - one text key: when the vector carries dictionary `codes`, a per-source array
//    code -> group id, so each distinct code is hashed once per source; otherwise the
//    bytes are hashed;
//  - anything else (several keys, intervals, NULL-typed keys): each row's key is
//    serialized column by column into a compact fixed-width byte string, hashed and looked
//    up. Text columns enter it as ids interned per column (by code when the vector has
//    dictionary codes, so a client or page string is hashed once per source, not per row).
// NULL is a key value like any other (NULL groups with NULL).
//
// The table keeps each group's key values in typed vectors (strings copied into its own
// arena, since the input's bytes may go away after Consume); output vectors share that
// arena, so their strings stay valid even after the table is gone.
//
// Dictionary codes: a code_source pointer must identify one dictionary for the life of
// the table (the scan keeps its snapshot, hence its dictionaries, alive for the query).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "query/types.h"
#include "query/vector.h"

namespace strata::query {

class GroupKeyTable {
 public:
  explicit GroupKeyTable(std::vector<Type> key_types);
  GroupKeyTable(const GroupKeyTable&) = delete;
  GroupKeyTable& operator=(const GroupKeyTable&) = delete;

  // Writes the group ids of rows [0, rows) to group_ids; `keys` holds one vector per key
  // column (in key order). Creates groups for new keys.
  void FindOrCreate(const std::vector<const Vector*>& keys, size_t rows, uint32_t* group_ids);

  size_t groups() const { return groups_; }
  // One vector per key column with one row per group (for output and for merging).
  const std::vector<Vector>& key_values() const { return key_values_; }
  // Appends the keys of groups [begin, end) to `columns` (one per key column).
  void AppendKeys(size_t begin, size_t end, std::vector<Vector>* columns) const;
  size_t MemoryBytes() const;

 private:
  enum class Strategy { kNoKeys, kFixed, kString, kComposite };

  // A slot of the fixed-width table: the canonical key and group id + 1 (0 = empty).
  struct FixedSlot {
    uint64_t key;
    uint32_t group_plus_one;
  };
  // A slot of the string and composite tables: key hash and group id + 1 (0 = empty).
  struct HashSlot {
    uint64_t hash;
    uint32_t group_plus_one;
  };

  // Creates a group whose key is row `row` of keys[0 .. key columns).
  uint32_t NewGroup(const Vector* const* keys, size_t row);
  // The group of a NULL single key (created on first use).
  uint32_t NullGroup(const Vector* key, size_t row);

  void FindOrCreateFixed(const Vector& key, size_t rows, uint32_t* group_ids);
  uint32_t FixedLookup(uint64_t canonical, uint64_t hash, const Vector& key, size_t row);
  void GrowFixed();

  void FindOrCreateString(const Vector& key, size_t rows, uint32_t* group_ids);
  uint32_t StringLookup(std::string_view s, const Vector& key, size_t row);
  void GrowHashSlots();

  void FindOrCreateComposite(const std::vector<const Vector*>& keys, size_t rows,
                             uint32_t* group_ids);
  void SerializeKeys(const std::vector<const Vector*>& keys, size_t rows);
  // kComposite: the interned ids of text key column `column` for rows [0, rows).
  void InternColumn(size_t column, const Vector& v, size_t rows);

  std::vector<Type> key_types_;
  Strategy strategy_ = Strategy::kNoKeys;
  size_t groups_ = 0;
  std::vector<Vector> key_values_;
  std::shared_ptr<StringHeap> arena_;  // key strings (shared with output vectors)
  int64_t null_group_ = -1;            // single-key strategies: the group of NULL

  std::vector<FixedSlot> fixed_slots_;
  std::vector<uint64_t> row_keys_;    // kFixed: the chunk's canonical keys
  std::vector<uint64_t> row_hashes_;  // kFixed: and their hashes
  std::vector<HashSlot> hash_slots_;
  size_t slot_mask_ = 0;

  // kString with dictionary codes: code -> group id (-1 = not seen) for code_source_.
  const void* code_source_ = nullptr;
  std::vector<int32_t> code_groups_;

  // kComposite: serialized keys of the current chunk and of every group.
  std::vector<char> row_bytes_;
  std::vector<uint32_t> row_offsets_;  // rows + 1 offsets into row_bytes_
  StringHeap serialized_arena_;
  std::vector<std::string_view> group_serialized_;
  struct ColumnInterner {
    absl::flat_hash_map<std::string_view, uint32_t> ids;  // views into arena_
    const void* code_source = nullptr;
    std::vector<int32_t> code_ids;  // code -> id (-1 = not yet seen) for code_source
  };
  std::vector<ColumnInterner> interners_;  // one per key column
  std::vector<uint32_t> row_ids_;
};

}  // namespace strata::query
