#include <climits>
#include <string>

#include "common/coding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/manifest.h"

namespace strata::storage {
namespace {

using ::testing::HasSubstr;

SegmentMeta Meta(uint64_t id) {
  return SegmentMeta{.id = id,
                     .shard = 3,
                     .day = 19700,
                     .rows = 1000,
                     .min_ts = 5,
                     .max_ts = 9,
                     .file_size = 4096,
                     .level = 0};
}

ManifestEdit FullEdit() {
  ManifestEdit e;
  e.added.push_back(Meta(7));
  e.added.push_back(SegmentMeta{.id = UINT64_MAX,
                                .shard = UINT32_MAX,
                                .day = INT32_MIN,
                                .rows = UINT64_MAX,
                                .min_ts = INT64_MIN,
                                .max_ts = INT64_MAX,
                                .file_size = 0,
                                .level = UINT32_MAX});
  e.added.push_back(SegmentMeta{.id = 0, .day = -1, .min_ts = -123456789});
  e.removed = {1, 2, 1ull << 40};
  e.next_file_number = 42;
  e.wal_checkpoint = 0;  // present-but-zero must survive
  e.catalog_checkpoint = 1ull << 62;
  e.properties["kafka/events/0"] = "1234";
  e.properties[std::string("bin\0key", 7)] = std::string("\0\xff", 2);
  e.properties["empty"] = "";
  return e;
}

TEST(ManifestEditTest, RoundTripsEveryField) {
  ManifestEdit e = FullEdit();
  auto decoded = ManifestEdit::Decode(e.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, e);
}

TEST(ManifestEditTest, EmptyEditIsEmptyBytes) {
  EXPECT_EQ(ManifestEdit{}.Encode(), "");
  auto decoded = ManifestEdit::Decode("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, ManifestEdit{});
  EXPECT_FALSE(decoded->next_file_number.has_value());
}

TEST(ManifestEditTest, EncodingIsTaggedFieldByField) {
  ManifestEdit e;
  e.removed = {5};
  e.next_file_number = 300;
  // tag 2, varint 5; tag 3, varint 300 (0xac 0x02).
  EXPECT_EQ(e.Encode(), std::string("\x02\x05\x03\xac\x02", 5));
}

TEST(ManifestEditTest, UnknownTagIsDataLoss) {
  std::string bytes = FullEdit().Encode();
  PutVarint64(&bytes, 99);
  PutVarint64(&bytes, 1);
  auto decoded = ManifestEdit::Decode(bytes);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(decoded.status().message(), HasSubstr("unknown tag 99"));
}

TEST(ManifestEditTest, UnknownSegmentFieldIsDataLoss) {
  std::string segment;
  PutVarint64(&segment, 1);  // id
  PutVarint64(&segment, 8);
  PutVarint64(&segment, 77);  // no such field
  PutVarint64(&segment, 0);
  std::string bytes;
  PutVarint64(&bytes, 1);
  PutLengthPrefixed(&bytes, segment);
  auto decoded = ManifestEdit::Decode(bytes);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(decoded.status().message(), HasSubstr("segment meta: unknown tag 77"));
}

TEST(ManifestEditTest, MalformedInputsAreDataLoss) {
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  std::string no_id;
  PutVarint64(&no_id, 1);
  PutLengthPrefixed(&no_id, std::string("\x04\x05", 2));  // rows only
  std::string day_too_big;
  {
    std::string seg("\x01\x01\x03", 3);
    PutVarsint64(&seg, int64_t{1} << 40);
    PutVarint64(&day_too_big, 1);
    PutLengthPrefixed(&day_too_big, seg);
  }
  std::string repeated_key;
  for (int i = 0; i < 2; ++i) {
    PutVarint64(&repeated_key, 6);
    PutLengthPrefixed(&repeated_key, "k");
    PutLengthPrefixed(&repeated_key, "v");
  }
  const Case cases[] = {
      {"tag cut short", std::string("\x83", 1), "truncated"},
      {"value missing", std::string("\x03", 1), "truncated"},
      {"segment blob past end", std::string("\x01\x10\x01", 3), "truncated"},
      {"repeated next_file_number", std::string("\x03\x01\x03\x02", 4), "repeated tag 3"},
      {"repeated segment field", std::string("\x01\x04\x01\x01\x01\x02", 6), "repeated tag 1"},
      {"segment without id", no_id, "no id field"},
      {"day out of range", day_too_big, "does not fit in 32 bits"},
      {"repeated property key", repeated_key, "repeated property key"},
      {"tag zero", std::string("\x00", 1), "unknown tag 0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto decoded = ManifestEdit::Decode(c.bytes);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(decoded.status().message(), HasSubstr(c.message));
  }
}

TEST(ManifestEditTest, EveryTruncationDecodesOrFailsCleanly) {
  std::string bytes = FullEdit().Encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = ManifestEdit::Decode(std::string_view(bytes).substr(0, n));
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

TEST(ManifestStateTest, AppliesAddsRemovesAndScalars) {
  ManifestState state;
  ManifestEdit first;
  first.added = {Meta(1), Meta(2)};
  first.next_file_number = 3;
  first.properties["a"] = "1";
  ASSERT_TRUE(state.Apply(first).ok());
  ManifestEdit second;
  second.removed = {1, 2};
  second.added = {Meta(3)};  // a compaction: 1 + 2 -> 3
  second.wal_checkpoint = 100;
  second.catalog_checkpoint = 7;
  second.properties["a"] = "2";
  ASSERT_TRUE(state.Apply(second).ok());
  EXPECT_EQ(state.segments.size(), 1u);
  EXPECT_EQ(state.segments.at(3), Meta(3));
  EXPECT_EQ(state.next_file_number, 4u);  // raised past the added id
  EXPECT_EQ(state.wal_checkpoint, 100u);
  EXPECT_EQ(state.catalog_checkpoint, 7u);
  EXPECT_EQ(state.properties.at("a"), "2");
}

TEST(ManifestStateTest, RejectsContradictionsAndLeavesStateUnchanged) {
  ManifestState state;
  ManifestEdit setup;
  setup.added = {Meta(1), Meta(2)};
  setup.next_file_number = 10;
  ASSERT_TRUE(state.Apply(setup).ok());
  const ManifestState before = state;

  struct Case {
    const char* name;
    ManifestEdit edit;
    const char* message;
  };
  ManifestEdit remove_unknown;
  remove_unknown.added = {Meta(5)};  // valid part must not be applied either
  remove_unknown.removed = {1, 99};
  ManifestEdit remove_twice;
  remove_twice.removed = {1, 1};
  ManifestEdit add_live;
  add_live.added = {Meta(2)};
  ManifestEdit add_twice;
  add_twice.added = {Meta(6), Meta(6)};
  ManifestEdit lower_next;
  lower_next.next_file_number = 9;
  const Case cases[] = {
      {"remove unknown", remove_unknown, "removes segment 99, which is not live"},
      {"remove twice", remove_twice, "removes segment 1, which is not live"},
      {"add live", add_live, "adds segment 2, which is already live"},
      {"add twice", add_twice, "adds segment 6, which is already live"},
      {"lower next_file_number", lower_next, "lowers next_file_number from 10 to 9"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::Status s = state.Apply(c.edit);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(s.message(), HasSubstr(c.message));
    EXPECT_EQ(state, before);
  }
}

TEST(ManifestStateTest, RemoveThenReAddInOneEditIsAllowed) {
  ManifestState state;
  ManifestEdit add;
  add.added = {Meta(1)};
  ASSERT_TRUE(state.Apply(add).ok());
  ManifestEdit replace;
  replace.removed = {1};
  SegmentMeta bigger = Meta(1);
  bigger.rows = 5;
  replace.added = {bigger};
  ASSERT_TRUE(state.Apply(replace).ok());
  EXPECT_EQ(state.segments.at(1).rows, 5u);
}

TEST(ManifestStateTest, SnapshotRebuildsTheState) {
  ManifestState state;
  ManifestEdit e = FullEdit();
  e.removed.clear();
  ASSERT_TRUE(state.Apply(e).ok());
  ManifestState rebuilt;
  ASSERT_TRUE(rebuilt.Apply(state.Snapshot()).ok());
  EXPECT_EQ(rebuilt, state);
}

TEST(ManifestFileNameTest, FormatsAndParses) {
  EXPECT_EQ(ManifestFileName(1), "MANIFEST-000001");
  EXPECT_EQ(ManifestFileName(1234567), "MANIFEST-1234567");
  EXPECT_EQ(ParseManifestFileName("MANIFEST-000042"), 42u);
  EXPECT_EQ(ParseManifestFileName("MANIFEST-1234567"), 1234567u);
  EXPECT_EQ(ParseManifestFileName("MANIFEST-"), std::nullopt);
  EXPECT_EQ(ParseManifestFileName("MANIFEST-12a"), std::nullopt);
  EXPECT_EQ(ParseManifestFileName("MANIFEST-000001.tmp"), std::nullopt);
  EXPECT_EQ(ParseManifestFileName("CURRENT"), std::nullopt);
  EXPECT_EQ(ParseManifestFileName("MANIFEST-99999999999999999999"), std::nullopt);  // > 2^64
}

}  // namespace
}  // namespace strata::storage
