// Decoders never trust their input: truncations, trailing bytes, random garbage and bit
// flips give DataLoss (or, for a flip that still forms a valid block, some values) and
// never a crash or an out-of-bounds access (run under ASan: -DSTRATA_SANITIZE=ON).
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/encoding/codec.h"
#include "storage/encoding/test_data.h"

namespace strata::storage {
namespace {

using std::string_literals::operator""s;

constexpr Encoding kAllEncodings[] = {Encoding::kIntPlain,     Encoding::kIntFrameOfRef,
                                      Encoding::kIntDelta,     Encoding::kIntDeltaOfDelta,
                                      Encoding::kIntRunLength, Encoding::kFloatPlain,
                                      Encoding::kFloatXor};

// Decodes `in` as `count` values into a buffer of exactly `count` elements.
absl::Status Decode(Encoding e, std::string_view in, size_t count) {
  if (IsFloatEncoding(e)) {
    std::vector<double> out(count);
    return DecodeFloats(e, in, count, out.data());
  }
  std::vector<int64_t> out(count);
  return DecodeInts(e, in, count, out.data());
}

std::string Encoded(Encoding e, size_t n, std::mt19937_64& rng) {
  std::string out;
  if (IsFloatEncoding(e)) {
    std::vector<double> v(n);
    for (auto& x : v) x = static_cast<double>(rng() % 1000) / 8;
    EncodeFloats(e, v, &out);
  } else {
    std::vector<int64_t> v(n);
    int64_t t = 0;
    for (auto& x : v) x = t += static_cast<int64_t>(rng() % 4 == 0 ? rng() % 100 : 0);
    EncodeInts(e, v, &out);
  }
  return out;
}

std::string Name(const ::testing::TestParamInfo<Encoding>& info) {
  std::string name =
      std::string(IsFloatEncoding(info.param) ? "float_" : "int_") + EncodingName(info.param);
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

class CorruptionTest : public ::testing::TestWithParam<Encoding> {};

TEST_P(CorruptionTest, EveryTruncationIsDataLoss) {
  std::mt19937_64 rng(1);
  for (size_t n : {1, 2, 3, 130, 600}) {
    const std::string encoded = Encoded(GetParam(), n, rng);
    for (size_t len = 0; len < encoded.size(); ++len) {
      const absl::Status s = Decode(GetParam(), encoded.substr(0, len), n);
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << "n=" << n << " len=" << len << s;
    }
  }
}

TEST_P(CorruptionTest, RandomGarbageIsDataLossOrDecodes) {
  std::mt19937_64 rng(2);
  int data_loss = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    const size_t count = rng() % 300;
    std::string garbage(rng() % 400, '\0');
    for (char& ch : garbage) ch = static_cast<char>(rng());
    const absl::Status s = Decode(GetParam(), garbage, count);
    ASSERT_TRUE(s.ok() || s.code() == absl::StatusCode::kDataLoss) << s;
    data_loss += !s.ok();
  }
  EXPECT_GT(data_loss, 4000);
}

TEST_P(CorruptionTest, BitFlipsAreDataLossOrDecode) {
  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 3000; ++iter) {
    const size_t n = 1 + rng() % 400;
    std::string encoded = Encoded(GetParam(), n, rng);
    for (int flips = 1 + rng() % 3; flips > 0; --flips) {
      encoded[rng() % encoded.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    const absl::Status s = Decode(GetParam(), encoded, n);
    ASSERT_TRUE(s.ok() || s.code() == absl::StatusCode::kDataLoss) << s;
  }
}

TEST_P(CorruptionTest, HugeCountIsDataLossWithoutOverflow) {
  // A count the input cannot hold (here one whose byte size wraps size_t) fails after
  // writing at most the values the input does hold: `out` is deliberately small.
  std::mt19937_64 rng(4);
  const std::string encoded = Encoded(GetParam(), 10, rng);
  const size_t huge = SIZE_MAX / 8 + 2;
  std::vector<int64_t> ints(64);
  std::vector<double> floats(64);
  const absl::Status s = IsFloatEncoding(GetParam())
                             ? DecodeFloats(GetParam(), encoded, huge, floats.data())
                             : DecodeInts(GetParam(), encoded, huge, ints.data());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
}

INSTANTIATE_TEST_SUITE_P(AllEncodings, CorruptionTest, ::testing::ValuesIn(kAllEncodings), Name);

struct BadInput {
  const char* what;
  Encoding encoding;
  std::string bytes;
  size_t count;
  const char* message;
};

TEST(CorruptionTest, SpecificDefectsNameTheProblem) {
  const std::string ref(8, '\0');  // a fixed64 zero
  const BadInput cases[] = {
      {"count mismatch", Encoding::kIntFrameOfRef, "\x02"s + ref + "\x00\x00"s, 3,
       "for-bitpack block: block holds 2 values, expected 3"},
      {"count truncated", Encoding::kIntDeltaOfDelta, "\x80"s, 3,
       "delta-of-delta block: value count at offset 1: truncated"},
      {"width 65", Encoding::kIntFrameOfRef, "\x01"s + ref + "\x00\x41"s + std::string(9, 'x'), 1,
       "for-bitpack block: miniblock width at offset 11: bit width > 64"},
      {"missing packed bytes", Encoding::kIntFrameOfRef, "\x02"s + ref + "\x00\x08\x01"s, 2,
       "for-bitpack block: packed values at offset 11: truncated"},
      {"trailing", Encoding::kIntDelta, "\x01"s + ref + "zz", 1,
       "delta block: 2 trailing bytes at offset 9"},
      {"zero runs", Encoding::kIntRunLength, "\x03\x00"s + ref, 3,
       "rle block: run count at offset 10: zero or more runs than values"},
      {"more runs than values", Encoding::kIntRunLength, "\x03\x04"s + ref, 3,
       "rle block: run count at offset 10: zero or more runs than values"},
      // 1 run of value 0 with length-1 = 5, in a block of 3.
      {"run overflows", Encoding::kIntRunLength, "\x03\x01"s + ref + "\x00\x00\x03\x05"s, 3,
       "rle block: run lengths at offset 14: runs cover more values than the block holds"},
      // Length-1 = 2^64 - 1 must not wrap to a zero-length run.
      {"run length wraps", Encoding::kIntRunLength,
       "\x03\x01"s + ref + "\x00\x00\x40"s + std::string(8, '\xff'), 3,
       "rle block: run lengths at offset 21: runs cover more values than the block holds"},
      {"runs too short", Encoding::kIntRunLength, "\x03\x01"s + ref + "\x00\x00\x02\x01"s, 3,
       "rle block: run lengths at offset 14: runs cover fewer values than the block holds"},
      {"plain size", Encoding::kIntPlain, std::string(12, '\0'), 2,
       "plain int block: 12 bytes for 2 values of 8 bytes"},
      {"plain float size", Encoding::kFloatPlain, std::string(8, '\0'), 2,
       "plain float block: 8 bytes for 2 values of 8 bytes"},
      // 0.0, then control bits 1,0 (reuse) with no window yet: stream byte 8 = 0b01.
      {"xor reuse before window", Encoding::kFloatXor, "\x02"s + ref + "\x01"s, 2,
       "xor block: at offset 9 (bit 2): window reused before one was set"},
      // New window with lead 31 and length 40: 71 > 64.
      {"xor wide window", Encoding::kFloatXor, "\x02"s + ref + "\x7f\x14"s, 2,
       "xor block: at offset 10 (bit 5): window wider than 64 bits"},
      {"xor truncated", Encoding::kFloatXor, "\x01"s + std::string(7, '\0'), 1,
       "xor block: at offset 1 (bit 0): truncated"},
      {"xor trailing", Encoding::kFloatXor, "\x02"s + std::string(10, '\0'), 2,
       "xor block: 1 trailing bytes at offset 10"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.what);
    const absl::Status s = Decode(c.encoding, c.bytes, c.count);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(std::string(s.message()), c.message);
  }
}

TEST(CorruptionTest, UnknownEncodingIdIsDataLoss) {
  int64_t i = 0;
  double d = 0;
  absl::Status s = DecodeInts(static_cast<Encoding>(77), "", 0, &i);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "unknown integer encoding id 77");
  s = DecodeInts(Encoding::kFloatXor, "", 0, &i);
  EXPECT_EQ(s.message(), "unknown integer encoding id 17");
  s = DecodeFloats(Encoding::kIntDelta, "", 0, &d);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "unknown float encoding id 3");
}

}  // namespace
}  // namespace strata::storage
