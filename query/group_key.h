// Grouping keys -> dense group ids (0, 1, 2, ... in order of first appearance).
//
// One table per HashAggregator. It picks a strategy from the key types:
//  - no keys: every row is group 0 (the group exists from the start);
//  - one bigint / timestamp / boolean / double key: an open-addressing table on the 64-bit
//    value (doubles by canonical bits: all NaNs one group, -0 == 0);
//  - one text key: when the vector carries dictionary `codes`, a per-source array
//    code -> group id, so each distinct code is hashed once per source; otherwise the
//    bytes are hashed;
//  - several keys (or a NULL-typed one) that pack into 128 bits: each column contributes
//    its value bits and a null bit (bigint / timestamp / double 64 + 1, boolean 1 + 1,
//    text 32 + 1 as an id interned per column, NULL-typed 0), and the key is looked up as
//    two 64-bit words with a cheap mixing hash (e.g. client id + hour bucket: 98 bits);
//  - anything else (intervals, wider keys): each row's key is serialized column by column
//    into a compact fixed-width byte string, hashed and looked up.
// Text columns of the last two enter as ids interned per column, by code when the vector
// has dictionary codes, so a client or page string is hashed once per source, not per row
// (codes are not assumed to be distinct strings: two codes may spell one). NULL is a key
// value like any other (NULL groups with NULL).
//
// The table keeps each group's key values in typed vectors (strings copied into its own
// arena, since the input's bytes may go away after Consume); output vectors share that
// arena, so their strings stay valid even after the table is gone. A text key column also
// keeps its dictionary codes while every group's value came with codes of one source, so
// merging a table into another (HashAggregator::Merge feeds key_values() back into
// FindOrCreate) and the operators downstream can still work on codes.
//
// Dictionary codes: a code_source pointer must identify one dictionary for the life of
// the table and of the vectors it outputs (the scan keeps its snapshot, hence its
// dictionaries, alive for the query).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "query/hashing.h"
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
  // The same for keys known to be distinct: the key_values() of another table of the same
  // key types, being merged into this one. The packed strategy then indexes the new groups
  // only when a later lookup needs them (often none comes: the merged table is output).
  void FindOrCreateDistinct(const std::vector<const Vector*>& keys, size_t rows,
                            uint32_t* group_ids);

  size_t groups() const { return groups_; }
  // One vector per key column with one row per group (for output and for merging).
  const std::vector<Vector>& key_values() const { return key_values_; }
  // Appends the keys of groups [begin, end) to `columns` (one per key column).
  void AppendKeys(size_t begin, size_t end, std::vector<Vector>* columns) const;
  size_t MemoryBytes() const;

  // The hash of a packed key (public for tests that build colliding keys).
  static uint64_t PackedHash(uint64_t lo, uint64_t hi) { return Mix64(lo ^ Mix64(hi)); }

 private:
  enum class Strategy { kNoKeys, kFixed, kString, kPacked, kComposite };

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
  // A key of the packed strategy, and a slot of its table.
  struct PackedKey {
    uint64_t lo;
    uint64_t hi;
  };
  struct PackedSlot {
    PackedKey key;
    uint32_t group_plus_one;
  };
  // Where key column c sits in a packed key: value bits from `shift`, then the null bit.
  struct PackedField {
    uint32_t shift;
    uint32_t value_bits;  // 0 for a NULL-typed column (which has no null bit either)
  };

  // Creates a group whose key is row `row` of keys[0 .. key columns).
  uint32_t NewGroup(const Vector* const* keys, size_t row);
  // kPacked / kComposite: appends the key values of the groups just created for rows
  // rows[0 .. n) of the chunk (text from the interned copies, column_ids_), column by
  // column once the chunk's lookups are done.
  void AppendGroupKeys(const Vector* const* keys, const uint32_t* rows, size_t n);
  // Appends to text key column `column`, at `base`, the dictionary codes of rows[0 .. n)
  // of `src` while that column keeps codes of one source.
  void KeepCodes(size_t column, const Vector& src, const uint32_t* rows, size_t n, size_t base);
  // The group of a NULL single key (created on first use).
  uint32_t NullGroup(const Vector* key, size_t row);

  void FindOrCreateFixed(const Vector& key, size_t rows, uint32_t* group_ids);
  uint32_t FixedLookup(uint64_t canonical, uint64_t hash, const Vector& key, size_t row);
  void GrowFixed();

  void FindOrCreateString(const Vector& key, size_t rows, uint32_t* group_ids);
  uint32_t StringLookup(std::string_view s, const Vector& key, size_t row);
  void GrowHashSlots();

  // The packed layout of key_types_, or false if they need more than 128 bits.
  bool PlanPacked();
  void FindOrCreatePacked(const std::vector<const Vector*>& keys, size_t rows, uint32_t* group_ids);
  void FindOrCreatePackedDistinct(const std::vector<const Vector*>& keys, size_t rows,
                                  uint32_t* group_ids);
  void PackKeys(const std::vector<const Vector*>& keys, size_t rows);
  // The group of `key` (row `row` of the chunk), created if new (keys appended later).
  uint32_t PackedLookup(PackedKey key, uint64_t hash, size_t row);
  // The group of `key`, or -1 if it has none.
  int64_t PackedFind(PackedKey key, uint64_t hash) const;
  void GrowPacked();
  // Enters the groups of unindexed_packed_ into packed_slots_.
  void IndexPacked();

  void FindOrCreateComposite(const std::vector<const Vector*>& keys, size_t rows,
                             uint32_t* group_ids);
  void SerializeKeys(const std::vector<const Vector*>& keys, size_t rows);
  // kPacked / kComposite: column_ids_[column] = the interned ids of text key column
  // `column` for rows [0, rows) (unset for NULL rows).
  void InternColumn(size_t column, const Vector& v, size_t rows);

  std::vector<Type> key_types_;
  Strategy strategy_ = Strategy::kNoKeys;
  size_t groups_ = 0;
  std::vector<Vector> key_values_;
  std::shared_ptr<StringHeap> arena_;  // key strings (shared with output vectors)
  int64_t null_group_ = -1;            // single-key strategies: the group of NULL

  std::vector<FixedSlot> fixed_slots_;
  std::vector<uint64_t> row_keys_;    // kFixed: the chunk's canonical keys
  std::vector<uint64_t> row_hashes_;  // kFixed, kPacked: the chunk's key hashes
  std::vector<HashSlot> hash_slots_;
  size_t slot_mask_ = 0;
  // Text key columns still keeping codes in key_values_ (see KeepCodes).
  std::vector<bool> keeps_codes_;

  // kPacked: the layout, the table, and the chunk's keys and hashes.
  std::vector<PackedField> packed_fields_;
  std::vector<PackedSlot> packed_slots_;
  std::vector<PackedKey> row_packed_;
  // The keys of the last groups, [groups_ - size, groups_), not yet in packed_slots_.
  std::vector<PackedKey> unindexed_packed_;
  // kPacked / kComposite: the chunk rows whose keys made new groups, in group order.
  std::vector<uint32_t> new_group_rows_;

  // kString with dictionary codes: code -> group id (-1 = not seen) for code_source_.
  const void* code_source_ = nullptr;
  std::vector<int32_t> code_groups_;

  // kComposite: serialized keys of the current chunk and of every group.
  std::vector<char> row_bytes_;
  std::vector<uint32_t> row_offsets_;  // rows + 1 offsets into row_bytes_
  StringHeap serialized_arena_;
  std::vector<std::string_view> group_serialized_;

  // kPacked / kComposite: text key columns as dense ids (group_key_intern.cc). The arena
  // copy of each distinct text is also the key string of the groups that have it.
  struct ColumnInterner {
    std::vector<HashSlot> slots;           // hash and id + 1 of each text (0 = empty)
    std::vector<std::string_view> values;  // id -> its text (a view into arena_)
    const void* code_source = nullptr;
    std::vector<int32_t> code_ids;  // code -> id (< 0: none yet) for code_source
  };
  // The id of `s` (whose HashString is `hash`) in `in`, interning a copy of it if new.
  uint32_t Intern(ColumnInterner& in, std::string_view s, uint64_t hash);
  std::vector<ColumnInterner> interners_;          // one per key column
  std::vector<std::vector<uint32_t>> column_ids_;  // per key column: the chunk's ids
  std::vector<uint32_t> intern_rows_;              // InternColumn: the rows whose text it interns
  std::vector<uint64_t> intern_hashes_;            // and their hashes
};

}  // namespace strata::query
