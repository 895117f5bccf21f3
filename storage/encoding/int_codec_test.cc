// Integer codecs: round trips on every test block for every encoding, exact sizes (what
// ChooseIntEncoding relies on), golden bytes that pin the documented layouts, and the
// choice of the smallest encoding.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/encoding/codec.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/test_data.h"

namespace strata::storage {
namespace {

using codec_test::IntCase;

constexpr Encoding kIntEncodings[] = {Encoding::kIntPlain, Encoding::kIntFrameOfRef,
                                      Encoding::kIntDelta, Encoding::kIntDeltaOfDelta,
                                      Encoding::kIntRunLength};

std::string Encode(Encoding e, absl::Span<const int64_t> v) {
  std::string out;
  EncodeInts(e, v, &out);
  return out;
}

class IntCodecTest : public ::testing::TestWithParam<Encoding> {};

TEST_P(IntCodecTest, RoundTripsEveryCaseWithExactSize) {
  const Encoding e = GetParam();
  for (const IntCase& c : codec_test::IntCases()) {
    SCOPED_TRACE(c.name);
    // Appending after existing bytes must not disturb them.
    std::string out = "prefix";
    EncodeInts(e, c.values, &out);
    ASSERT_EQ(out.substr(0, 6), "prefix");
    const std::string encoded = out.substr(6);
    EXPECT_EQ(encoded.size(), codecs::IntEncodedSize(e, c.values));

    std::vector<int64_t> decoded(c.values.size());
    ASSERT_TRUE(DecodeInts(e, encoded, decoded.size(), decoded.data()).ok());
    EXPECT_EQ(decoded, c.values);
  }
}

TEST_P(IntCodecTest, RejectsTrailingAndMissingBytes) {
  const Encoding e = GetParam();
  for (const IntCase& c : codec_test::IntCases()) {
    SCOPED_TRACE(c.name);
    const std::string encoded = Encode(e, c.values);
    std::vector<int64_t> decoded(c.values.size() + 1);
    absl::Status s = DecodeInts(e, encoded + '\0', c.values.size(), decoded.data());
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    if (!encoded.empty()) {
      s = DecodeInts(e, encoded.substr(0, encoded.size() - 1), c.values.size(), decoded.data());
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
      // One value more than was encoded cannot be satisfied either.
      s = DecodeInts(e, encoded, c.values.size() + 1, decoded.data());
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    }
  }
}

std::string ParamName(const ::testing::TestParamInfo<Encoding>& param_info) {
  std::string name = EncodingName(param_info.param);
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllIntEncodings, IntCodecTest, ::testing::ValuesIn(kIntEncodings),
                         ParamName);

struct Golden {
  Encoding encoding;
  std::vector<int64_t> values;
  std::string bytes;
};

// Hand-derived from docs/format/encodings.md. All but plain start with varint n.
TEST(IntCodecTest, MatchesGoldenBytes) {
  using std::string_literals::operator""s;
  const Golden goldens[] = {
      {Encoding::kIntPlain, {1, -1}, "\x01\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff"s},
      // ref 5; miniblock: base +0, width 2, values 0 2 1.
      {Encoding::kIntFrameOfRef, {5, 7, 6}, "\x03\x05\0\0\0\0\0\0\0\x00\x02\x18"s},
      // first 10; deltas 2 3 0: ref 0, base +0, width 2.
      {Encoding::kIntDelta,
       {10, 12, 15, 15},
       "\x04\x0a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x00\x02\x0e"s},
      // first 100; first delta 10 (zigzag 20); dods 0 1 (zigzag 0 2), width 2.
      {Encoding::kIntDeltaOfDelta, {100, 110, 120, 131}, "\x04\x64\0\0\0\0\0\0\0\x14\x02\x08"s},
      // 2 runs, ref 3; values 7 3: base +0, width 3, packed 4 0; lengths-1 2 1, width 2.
      {Encoding::kIntRunLength, {7, 7, 7, 3, 3}, "\x05\x02\x03\0\0\0\0\0\0\0\x00\x03\x04\x02\x06"s},
  };
  for (const Golden& g : goldens) {
    SCOPED_TRACE(EncodingName(g.encoding));
    EXPECT_EQ(Encode(g.encoding, g.values), g.bytes);
    std::vector<int64_t> decoded(g.values.size());
    ASSERT_TRUE(DecodeInts(g.encoding, g.bytes, decoded.size(), decoded.data()).ok());
    EXPECT_EQ(decoded, g.values);
  }
}

TEST(IntCodecTest, EmptyBlockIsZeroBytes) {
  for (Encoding e : kIntEncodings) {
    EXPECT_EQ(Encode(e, {}), "");
    EXPECT_TRUE(DecodeInts(e, "", 0, nullptr).ok());
    absl::Status s = DecodeInts(e, "x", 0, nullptr);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(s.message().find("trailing bytes for 0 values"), absl::string_view::npos) << s;
  }
}

TEST(IntCodecTest, ChooseReturnsTheSmallestEncoding) {
  for (const IntCase& c : codec_test::IntCases()) {
    SCOPED_TRACE(c.name);
    size_t smallest = SIZE_MAX;
    for (Encoding e : kIntEncodings) smallest = std::min(smallest, Encode(e, c.values).size());
    const Encoding chosen = ChooseIntEncoding(c.values);
    ASSERT_TRUE(IsIntEncoding(chosen));
    EXPECT_EQ(Encode(chosen, c.values).size(), smallest) << EncodingName(chosen);
  }
}

// The shapes each encoding exists for: it must win there.
TEST(IntCodecTest, ChoosesTheEncodingMadeForTheShape) {
  struct Expectation {
    const char* case_name;
    Encoding expected;
  };
  const Expectation expectations[] = {
      // Jittered timestamps: deltas span 2J, delta-of-deltas 4J, so FOR-packed deltas
      // (one bit narrower) beat zigzag delta-of-deltas; DoD wins on regular series.
      {"timestamps", Encoding::kIntDelta},
      {"merchant_runs", Encoding::kIntRunLength},
      {"dictionary_codes", Encoding::kIntFrameOfRef},
      {"random_full_range", Encoding::kIntPlain},
      {"arith257", Encoding::kIntDeltaOfDelta},
  };
  const std::vector<IntCase> cases = codec_test::IntCases();
  for (const Expectation& x : expectations) {
    auto it = std::find_if(cases.begin(), cases.end(),
                           [&](const IntCase& c) { return c.name == x.case_name; });
    ASSERT_NE(it, cases.end());
    EXPECT_EQ(EncodingName(ChooseIntEncoding(it->values)), std::string(EncodingName(x.expected)))
        << x.case_name;
  }
}

TEST(IntCodecTest, CompressesRealisticShapes) {
  // Upper bounds on the chosen encoding's size: a regression guard for the ratios.
  struct Bound {
    const char* case_name;
    size_t max_bytes;
  };
  const Bound bounds[] = {
      {"timestamps", 8192 * 3},             // about 21 bits of jitter per value
      {"merchant_runs", 100},               // a handful of runs
      {"dictionary_codes", 8192 * 10 / 8},  // at most 9 bits per code
      {"zeros", 16},
  };
  const std::vector<IntCase> cases = codec_test::IntCases();
  for (const Bound& b : bounds) {
    auto it = std::find_if(cases.begin(), cases.end(),
                           [&](const IntCase& c) { return c.name == b.case_name; });
    ASSERT_NE(it, cases.end());
    EXPECT_LE(Encode(ChooseIntEncoding(it->values), it->values).size(), b.max_bytes) << b.case_name;
  }
}

TEST(EncodingNameTest, ShortNames) {
  EXPECT_STREQ(EncodingName(Encoding::kIntPlain), "plain");
  EXPECT_STREQ(EncodingName(Encoding::kIntFrameOfRef), "for-bitpack");
  EXPECT_STREQ(EncodingName(Encoding::kIntDelta), "delta");
  EXPECT_STREQ(EncodingName(Encoding::kIntDeltaOfDelta), "delta-of-delta");
  EXPECT_STREQ(EncodingName(Encoding::kIntRunLength), "rle");
  EXPECT_STREQ(EncodingName(Encoding::kFloatPlain), "plain");
  EXPECT_STREQ(EncodingName(Encoding::kFloatXor), "xor");
  EXPECT_STREQ(EncodingName(static_cast<Encoding>(99)), "unknown");
  EXPECT_TRUE(IsIntEncoding(Encoding::kIntRunLength));
  EXPECT_FALSE(IsIntEncoding(Encoding::kFloatXor));
  EXPECT_TRUE(IsFloatEncoding(Encoding::kFloatXor));
  EXPECT_FALSE(IsFloatEncoding(static_cast<Encoding>(0)));
}

}  // namespace
}  // namespace strata::storage
