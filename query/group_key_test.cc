// GroupKeyTable: group ids against a reference (dense, in order of first appearance) for
// the packed and serialized multi-key strategies, NULLs, text from several dictionaries
// or none, keys whose packed hashes collide, codes kept in the key values, and merging
// another table's keys.
#include "query/group_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "query/chunk_test_util.h"
#include "query/hashing.h"

namespace strata::query {
namespace {

using testing::B;
using testing::I;
using testing::N;
using testing::T;

const std::vector<std::string> kDictionaryA = {"alpha", "beta", "gamma", "delta", "", "beta"};
const std::vector<std::string> kDictionaryB = {"delta", "alpha", "epsilon", "zeta"};

// How a text column arrives: codes of dictionary A or B, or plain views.
enum class TextSource { kCodesA, kCodesB, kPlain };

// A text column of `rows` random values from the source's dictionary (plain: from A's),
// `null_percent` of them NULL.
Vector Texts(std::mt19937_64& rng, size_t rows, TextSource source, int null_percent) {
  const std::vector<std::string>& dictionary =
      source == TextSource::kCodesB ? kDictionaryB : kDictionaryA;
  Vector v(Type::kString);
  if (source != TextSource::kPlain) v.code_source = &dictionary;
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t code = static_cast<uint32_t>(rng() % dictionary.size());
    const bool null = static_cast<int>(rng() % 100) < null_percent;
    v.str.push_back(null ? std::string_view() : std::string_view(dictionary[code]));
    if (source != TextSource::kPlain) v.codes.push_back(code);
    v.nulls.push_back(null ? 1 : 0);
  }
  return v;
}

Vector Values(Type type, const std::vector<Value>& values) { return testing::Column(type, values); }

// The reference identity of row r's key: NULL or the value, column by column.
std::string KeyOf(const std::vector<const Vector*>& keys, size_t r) {
  std::string key;
  for (const Vector* v : keys) {
    Value value = v->GetValue(r);
    key += value.null ? std::string("\x01NULL") : "\x02" + value.ToString();
    key += '\x00';
  }
  return key;
}

// Feeds chunks into one table and checks every row's group id against first-appearance
// numbering of the keys, then the table's key values against each group's first row.
class ReferenceChecker {
 public:
  explicit ReferenceChecker(std::vector<Type> types) : table_(types), types_(types) {}

  void Feed(const std::vector<Vector>& columns) {
    std::vector<const Vector*> keys;
    for (const Vector& v : columns) keys.push_back(&v);
    const size_t rows = columns[0].type == Type::kNull && columns.size() > 1 ? columns[1].size()
                                                                             : columns[0].size();
    std::vector<uint32_t> ids(rows);
    table_.FindOrCreate(keys, rows, ids.data());
    for (size_t r = 0; r < rows; ++r) {
      auto [it, inserted] = expected_.emplace(KeyOf(keys, r), expected_.size());
      ASSERT_EQ(ids[r], it->second) << "row " << r;
      if (inserted) {
        std::vector<Value> first;
        for (const Vector* v : keys) first.push_back(v->GetValue(r));
        first_rows_.push_back(first);
      }
    }
  }

  void CheckKeyValues() const {
    ASSERT_EQ(table_.groups(), expected_.size());
    const std::vector<Vector>& values = table_.key_values();
    ASSERT_EQ(values.size(), types_.size());
    for (size_t g = 0; g < first_rows_.size(); ++g) {
      for (size_t c = 0; c < types_.size(); ++c) {
        Value got = values[c].GetValue(g);
        const Value& want = first_rows_[g][c];
        EXPECT_EQ(got.null, want.null) << "group " << g << " column " << c;
        if (!want.null) {
          EXPECT_TRUE(got == want) << got.ToString() << " vs " << want.ToString();
        }
      }
    }
  }

  GroupKeyTable& table() { return table_; }

 private:
  GroupKeyTable table_;
  std::vector<Type> types_;
  std::map<std::string, uint32_t> expected_;
  std::vector<std::vector<Value>> first_rows_;
};

TEST(GroupKeyTable, PackedKeysWithNullsAndTextFromSeveralSources) {
  // text (33 bits) + timestamp (65) + boolean (2): packed.
  std::mt19937_64 rng(7);
  ReferenceChecker checker({Type::kString, Type::kTimestamp, Type::kBool});
  const TextSource sources[] = {TextSource::kCodesA, TextSource::kCodesA, TextSource::kCodesB,
                                TextSource::kPlain,  TextSource::kCodesA, TextSource::kCodesB};
  for (int chunk = 0; chunk < 24; ++chunk) {
    const size_t rows = 1 + rng() % 600;
    std::vector<Value> times, flags;
    for (size_t r = 0; r < rows; ++r) {
      times.push_back(rng() % 10 == 0
                          ? N(Type::kTimestamp)
                          : T(static_cast<int64_t>(rng() % 40) * 3'600'000'000 - 50'000'000'000));
      flags.push_back(rng() % 8 == 0 ? N(Type::kBool) : B(rng() % 2 == 0));
    }
    std::vector<Vector> columns;
    columns.push_back(Texts(rng, rows, sources[chunk % 6], 10));
    columns.push_back(chunk == 5 ? Vector(Type::kNull) : Values(Type::kTimestamp, times));
    if (chunk == 5) columns[1].nulls.assign(rows, 1);  // an all-NULL (NULL-typed) vector
    columns.push_back(Values(Type::kBool, flags));
    checker.Feed(columns);
    if (HasFatalFailure()) return;
  }
  checker.CheckKeyValues();
  // Text from several dictionaries and plain: the key values carry no codes.
  EXPECT_TRUE(checker.table().key_values()[0].codes.empty());
  EXPECT_EQ(checker.table().key_values()[0].code_source, nullptr);
}

TEST(GroupKeyTable, SerializedKeysWithNulls) {
  // Two bigints (130 bits) and an interval do not pack.
  std::mt19937_64 rng(8);
  ReferenceChecker two_ints({Type::kInt64, Type::kInt64});
  ReferenceChecker with_interval({Type::kString, Type::kInterval});
  for (int chunk = 0; chunk < 10; ++chunk) {
    const size_t rows = 1 + rng() % 500;
    std::vector<Value> a, b, intervals;
    for (size_t r = 0; r < rows; ++r) {
      a.push_back(rng() % 10 == 0 ? N(Type::kInt64) : I(static_cast<int64_t>(rng() % 20) - 10));
      b.push_back(rng() % 10 == 0 ? N(Type::kInt64) : I(static_cast<int64_t>(rng() % 7) << 40));
      intervals.push_back(rng() % 10 == 0 ? N(Type::kInterval)
                                          : testing::Iv(0, static_cast<int32_t>(rng() % 3), 0));
    }
    two_ints.Feed({Values(Type::kInt64, a), Values(Type::kInt64, b)});
    with_interval.Feed(
        {Texts(rng, rows, chunk % 2 == 0 ? TextSource::kCodesB : TextSource::kPlain, 10),
         Values(Type::kInterval, intervals)});
    if (HasFatalFailure()) return;
  }
  two_ints.CheckKeyValues();
  with_interval.CheckKeyValues();
}

TEST(GroupKeyTable, NullTypedKeyColumnPacks) {
  std::mt19937_64 rng(9);
  ReferenceChecker checker({Type::kNull, Type::kString});
  for (int chunk = 0; chunk < 4; ++chunk) {
    Vector nulls(Type::kNull);
    nulls.nulls.assign(300, 1);
    checker.Feed({nulls, Texts(rng, 300, TextSource::kCodesA, 20)});
    if (HasFatalFailure()) return;
  }
  checker.CheckKeyValues();
}

// The packed layout of (timestamp, boolean) (group_key_packed.cc): the timestamp in bits
// 0-63 (`lo`), its null bit 64, the boolean's value bit 65 and null bit 66 (`hi` bits 0-2).
TEST(GroupKeyTable, KeysWithEqualPackedHashesAreDifferentGroups) {
  // Equal hashes: lo ^ Mix64(hi) equal for (t1, false) and (t2, true).
  const uint64_t lo_false = 1'000'000;
  const uint64_t hi_false = 0;
  const uint64_t hi_true = 2;
  const uint64_t lo_true = lo_false ^ Mix64(hi_false) ^ Mix64(hi_true);
  ASSERT_EQ(GroupKeyTable::PackedHash(lo_false, hi_false),
            GroupKeyTable::PackedHash(lo_true, hi_true));
  // And many keys sharing the first key's slot in the initial 256-slot table, found by
  // search: long probe chains, then growth.
  const uint64_t slot = GroupKeyTable::PackedHash(lo_false, hi_false) & 255;
  std::vector<Value> times = {T(static_cast<int64_t>(lo_false)), T(static_cast<int64_t>(lo_true))};
  std::vector<Value> flags = {B(false), B(true)};
  for (uint64_t t = 0; times.size() < 300; ++t) {
    if ((GroupKeyTable::PackedHash(t, hi_false) & 255) == slot) {
      times.push_back(T(static_cast<int64_t>(t)));
      flags.push_back(B(false));
    }
  }
  // The colliding keys also with the other boolean and NULLs.
  const size_t n = times.size();
  for (size_t i = 0; i < n; ++i) {
    times.push_back(times[i]);
    flags.push_back(i % 3 == 0 ? N(Type::kBool) : B(!flags[i].i));
  }
  ReferenceChecker checker({Type::kTimestamp, Type::kBool});
  checker.Feed({Values(Type::kTimestamp, times), Values(Type::kBool, flags)});
  // Again, reversed: every key is found.
  std::reverse(times.begin(), times.end());
  std::reverse(flags.begin(), flags.end());
  checker.Feed({Values(Type::kTimestamp, times), Values(Type::kBool, flags)});
  checker.CheckKeyValues();
  EXPECT_EQ(checker.table().groups(), 2 * n);
}

TEST(GroupKeyTable, KeyValuesKeepCodesWhileOneSourceLasts) {
  for (std::vector<Type> types :
       {std::vector<Type>{Type::kString}, std::vector<Type>{Type::kString, Type::kInt64},
        std::vector<Type>{Type::kString, Type::kInterval}}) {
    SCOPED_TRACE(types.size() == 1 ? "one text key" : std::string(TypeName(types[1])));
    std::mt19937_64 rng(10);
    GroupKeyTable table(types);
    auto feed = [&](TextSource source) {
      std::vector<Vector> columns;
      columns.push_back(Texts(rng, 200, source, 10));
      if (types.size() > 1) {
        std::vector<Value> second;
        for (int r = 0; r < 200; ++r) {
          second.push_back(types[1] == Type::kInt64 ? I(r % 3) : testing::Iv(0, r % 3, 0));
        }
        columns.push_back(Values(types[1], second));
      }
      std::vector<const Vector*> keys;
      for (const Vector& v : columns) keys.push_back(&v);
      std::vector<uint32_t> ids(200);
      table.FindOrCreate(keys, 200, ids.data());
      return columns;
    };
    std::vector<Vector> first = feed(TextSource::kCodesA);
    feed(TextSource::kCodesA);
    const Vector& texts = table.key_values()[0];
    ASSERT_EQ(texts.code_source, &kDictionaryA);
    ASSERT_EQ(texts.codes.size(), table.groups());
    for (size_t g = 0; g < table.groups(); ++g) {
      if (!texts.IsNull(g)) {
        EXPECT_EQ(kDictionaryA[texts.codes[g]], texts.str[g]);
      }
    }
    // Text from another dictionary makes new groups: the codes go, for good.
    feed(TextSource::kCodesB);
    EXPECT_TRUE(table.key_values()[0].codes.empty());
    EXPECT_EQ(table.key_values()[0].code_source, nullptr);
    feed(TextSource::kCodesA);
    EXPECT_TRUE(table.key_values()[0].codes.empty());
  }
}

// Merging: another table's key values into this one, as HashAggregator::Merge does.
void ExpectMergeMapsKeys(std::vector<Type> types, TextSource source_a, TextSource source_b) {
  std::mt19937_64 rng(11);
  auto make_chunk = [&](TextSource source, int64_t hour_base) {
    std::vector<Value> hours;
    for (int r = 0; r < 400; ++r) {
      hours.push_back(rng() % 20 == 0
                          ? N(types[1])
                          : (types[1] == Type::kTimestamp
                                 ? T((hour_base + static_cast<int64_t>(rng() % 6)) * 3'600'000'000)
                                 : testing::Iv(0, static_cast<int32_t>(rng() % 6), 0)));
    }
    std::vector<Vector> columns;
    columns.push_back(Texts(rng, 400, source, 5));
    columns.push_back(Values(types[1], hours));
    return columns;
  };
  auto feed = [](GroupKeyTable& table, const std::vector<Vector>& columns) {
    std::vector<const Vector*> keys = {&columns[0], &columns[1]};
    std::vector<uint32_t> ids(columns[0].size());
    table.FindOrCreate(keys, ids.size(), ids.data());
    return ids;
  };
  GroupKeyTable a(types), b(types), all(types);
  // Hours 0-5 in a, 3-8 in b: overlapping keys.
  for (int i = 0; i < 3; ++i) {
    auto chunk_a = make_chunk(source_a, 0);
    auto chunk_b = make_chunk(source_b, 3);
    feed(a, chunk_a);
    feed(b, chunk_b);
    feed(all, chunk_a);
    feed(all, chunk_b);
  }
  const size_t a_groups = a.groups();
  std::vector<const Vector*> b_keys;
  for (const Vector& v : b.key_values()) b_keys.push_back(&v);
  std::vector<uint32_t> map(b.groups());
  a.FindOrCreateDistinct(b_keys, map.size(), map.data());
  ASSERT_EQ(a.groups(), all.groups());
  EXPECT_GT(a_groups + b.groups(), all.groups());  // some keys overlapped
  // Each of b's groups maps to the group with its key in a; new ones come after a's own.
  std::map<std::string, uint32_t> a_group_of_key;
  std::vector<const Vector*> a_keys;
  for (const Vector& v : a.key_values()) a_keys.push_back(&v);
  for (uint32_t g = 0; g < a.groups(); ++g) {
    EXPECT_TRUE(a_group_of_key.emplace(KeyOf(a_keys, g), g).second) << "duplicate key " << g;
  }
  uint32_t next_new = static_cast<uint32_t>(a_groups);
  for (uint32_t g = 0; g < b.groups(); ++g) {
    EXPECT_EQ(map[g], a_group_of_key.at(KeyOf(b_keys, g)));
    if (map[g] >= a_groups) {
      EXPECT_EQ(map[g], next_new++);
    }
  }
  // Later lookups find the merged groups (no duplicates), and new keys still get groups.
  auto again = make_chunk(source_b, 2);
  std::vector<uint32_t> ids = feed(a, again);
  std::vector<const Vector*> again_keys = {&again[0], &again[1]};
  for (size_t r = 0; r < ids.size(); ++r) {
    auto it = a_group_of_key.find(KeyOf(again_keys, r));
    if (it != a_group_of_key.end()) {
      EXPECT_EQ(ids[r], it->second) << "row " << r;
    }
  }
  feed(all, again);
  EXPECT_EQ(a.groups(), all.groups());
}

TEST(GroupKeyTable, MergeOfOverlappingTablesPacked) {
  ExpectMergeMapsKeys({Type::kString, Type::kTimestamp}, TextSource::kCodesA, TextSource::kCodesA);
  ExpectMergeMapsKeys({Type::kString, Type::kTimestamp}, TextSource::kCodesA, TextSource::kCodesB);
  ExpectMergeMapsKeys({Type::kString, Type::kTimestamp}, TextSource::kPlain, TextSource::kCodesA);
}

TEST(GroupKeyTable, MergeOfOverlappingTablesSerialized) {
  ExpectMergeMapsKeys({Type::kString, Type::kInterval}, TextSource::kCodesA, TextSource::kCodesA);
  ExpectMergeMapsKeys({Type::kString, Type::kInterval}, TextSource::kCodesB, TextSource::kPlain);
}

TEST(GroupKeyTable, MergeIntoAnEmptyTableAndAgain) {
  std::mt19937_64 rng(12);
  const std::vector<Type> types = {Type::kString, Type::kBool};
  GroupKeyTable a(types), b(types), c(types);
  std::vector<Value> flags;
  for (int r = 0; r < 300; ++r) flags.push_back(r % 7 == 0 ? N(Type::kBool) : B(r % 2 == 0));
  Vector texts_b = Texts(rng, 300, TextSource::kCodesA, 10);
  Vector texts_c = Texts(rng, 300, TextSource::kPlain, 10);
  Vector bools = Values(Type::kBool, flags);
  std::vector<uint32_t> ids(300);
  std::vector<const Vector*> keys_b = {&texts_b, &bools};
  std::vector<const Vector*> keys_c = {&texts_c, &bools};
  b.FindOrCreate(keys_b, 300, ids.data());
  c.FindOrCreate(keys_c, 300, ids.data());
  auto merge = [](GroupKeyTable& into, const GroupKeyTable& from) {
    std::vector<const Vector*> keys;
    for (const Vector& v : from.key_values()) keys.push_back(&v);
    std::vector<uint32_t> map(from.groups());
    into.FindOrCreateDistinct(keys, map.size(), map.data());
    return map;
  };
  std::vector<uint32_t> map_b = merge(a, b);
  for (uint32_t g = 0; g < map_b.size(); ++g) EXPECT_EQ(map_b[g], g);  // all new, in order
  // A second merge before any lookup: the first merge's groups are found.
  const size_t before = a.groups();
  std::vector<uint32_t> map_b_again = merge(a, b);
  EXPECT_EQ(map_b_again, map_b);
  EXPECT_EQ(a.groups(), before);
  merge(a, c);
  // c's texts are spelled like b's (one dictionary): every key of c that b had is shared.
  GroupKeyTable reference(types);
  reference.FindOrCreate(keys_b, 300, ids.data());
  reference.FindOrCreate(keys_c, 300, ids.data());
  EXPECT_EQ(a.groups(), reference.groups());
}

}  // namespace
}  // namespace strata::query
