// User sets of cells: the inline small form, spilling into the pool, merging, and the
// direct serialization of small sets (byte-identical to CRoaring's).
#include <random>
#include <set>

#include "engine/rollup/rollup_internal.h"
#include "gtest/gtest.h"

namespace strata::engine::rollup_internal {
namespace {

std::vector<uint32_t> Members(const UserSet& u, const std::vector<Bitmap>& pool) {
  if (u.n == UserSet::kSpilled) {
    std::vector<uint32_t> out;
    for (uint32_t v : pool[u.small[1]]) out.push_back(v);
    return out;
  }
  std::vector<uint32_t> out(u.small, u.small + u.n);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(UserSet, StaysSmallThenSpills) {
  std::vector<Bitmap> pool;
  UserSet u;
  for (uint32_t c : {7u, 3u, 7u, 9u, 3u}) u.Add(c, &pool);
  EXPECT_EQ(u.n, 3u);
  EXPECT_TRUE(pool.empty());
  for (uint32_t c : {100u, 70000u, 3u, 5u, 5u, 8u}) u.Add(c, &pool);
  EXPECT_EQ(u.n, UserSet::kSpilled);
  ASSERT_EQ(pool.size(), 1u);
  EXPECT_EQ(Members(u, pool), (std::vector<uint32_t>{3, 5, 7, 8, 9, 100, 70000}));
}

TEST(UserSet, MergesEveryForm) {
  std::vector<Bitmap> pool;
  UserSet a, b, big;
  a.Add(1, &pool);
  a.Add(2, &pool);
  b.Add(2, &pool);
  b.Add(3, &pool);
  for (uint32_t c = 10; c < 20; ++c) big.Add(c, &pool);
  a.Merge(b, &pool);
  EXPECT_EQ(Members(a, pool), (std::vector<uint32_t>{1, 2, 3}));
  a.Merge(big, &pool);
  EXPECT_EQ(Members(a, pool).size(), 13u);
  big.Merge(b, &pool);
  EXPECT_EQ(Members(big, pool).front(), 2u);
  EXPECT_EQ(Members(big, pool).size(), 12u);
}

TEST(SerializeSmallUsers, MatchesCroaringBytes) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 2000; ++trial) {
    std::set<uint32_t> want;
    uint32_t n = trial % (UserSet::kSmall + 1);
    // Values straddle container boundaries (high 16 bits) and sometimes collide in one.
    while (want.size() < n) {
      uint32_t v = trial % 3 == 0 ? static_cast<uint32_t>(rng()) : rng() % 200000;
      want.insert(v);
    }
    UserSet u;
    std::vector<Bitmap> pool;
    for (uint32_t v : want) u.Add(v, &pool);
    ASSERT_EQ(u.n, n);
    std::string bytes = SerializeSmallUsers(u);
    std::vector<uint32_t> sorted(want.begin(), want.end());
    Bitmap reference(sorted.size(), sorted.data());
    std::string expected(reference.getSizeInBytes(true), '\0');
    reference.write(expected.data(), true);
    ASSERT_EQ(bytes, expected) << "trial " << trial;
    ASSERT_EQ(roaring_bitmap_portable_deserialize_size(bytes.data(), bytes.size()), bytes.size());
    Bitmap back = Bitmap::readSafe(bytes.data(), bytes.size());
    EXPECT_TRUE(back == reference);
  }
}

}  // namespace
}  // namespace strata::engine::rollup_internal
