// Float codecs: bit-exact round trips (NaN payloads, -0.0, infinities, subnormals), exact
// sizes, golden bytes of the XOR bit stream and the plain/XOR choice.
#include <bit>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/encoding/codec.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/test_data.h"

namespace strata::storage {
namespace {

using codec_test::FloatCase;

std::vector<uint64_t> BitsOf(const std::vector<double>& v) {
  std::vector<uint64_t> bits(v.size());
  for (size_t i = 0; i < v.size(); ++i) bits[i] = std::bit_cast<uint64_t>(v[i]);
  return bits;
}

std::string Encode(Encoding e, absl::Span<const double> v) {
  std::string out;
  EncodeFloats(e, v, &out);
  return out;
}

class FloatCodecTest : public ::testing::TestWithParam<Encoding> {};

TEST_P(FloatCodecTest, RoundTripsBitExact) {
  const Encoding e = GetParam();
  for (const FloatCase& c : codec_test::FloatCases()) {
    SCOPED_TRACE(c.name);
    const std::string encoded = Encode(e, c.values);
    const size_t expected_size = c.values.empty()           ? 0
                                 : e == Encoding::kFloatXor ? codecs::FloatXorSize(c.values)
                                                            : codecs::FloatPlainSize(c.values);
    EXPECT_EQ(encoded.size(), expected_size);
    std::vector<double> decoded(c.values.size());
    ASSERT_TRUE(DecodeFloats(e, encoded, decoded.size(), decoded.data()).ok());
    EXPECT_EQ(BitsOf(decoded), BitsOf(c.values));
  }
}

TEST_P(FloatCodecTest, RejectsTrailingAndMissingBytes) {
  const Encoding e = GetParam();
  for (const FloatCase& c : codec_test::FloatCases()) {
    SCOPED_TRACE(c.name);
    const std::string encoded = Encode(e, c.values);
    std::vector<double> decoded(c.values.size() + 1);
    EXPECT_EQ(DecodeFloats(e, encoded + '\0', c.values.size(), decoded.data()).code(),
              absl::StatusCode::kDataLoss);
    if (encoded.empty()) continue;
    EXPECT_EQ(
        DecodeFloats(e, encoded.substr(0, encoded.size() - 1), c.values.size(), decoded.data())
            .code(),
        absl::StatusCode::kDataLoss);
    EXPECT_EQ(DecodeFloats(e, encoded, c.values.size() + 1, decoded.data()).code(),
              absl::StatusCode::kDataLoss);
  }
}

INSTANTIATE_TEST_SUITE_P(AllFloatEncodings, FloatCodecTest,
                         ::testing::Values(Encoding::kFloatPlain, Encoding::kFloatXor),
                         [](const ::testing::TestParamInfo<Encoding>& param_info) {
                           return std::string(EncodingName(param_info.param));
                         });

TEST(FloatCodecTest, XorMatchesGoldenBytes) {
  // 1.0 raw; 1.0 again: bit 0; 2.0: x = 0x7ff0..., bits 1,1, lead 1, len 11, 0x7ff.
  const std::vector<double> v = {1.0, 1.0, 2.0};
  const std::string golden("\x03\0\0\0\0\0\0\xf0\x3f\x0e\xcb\xff\x01", 13);
  EXPECT_EQ(Encode(Encoding::kFloatXor, v), golden);
  // A 4th value equal to the 3rd is one more 0 bit, still inside the last byte.
  std::string four = golden;
  four[0] = 4;
  EXPECT_EQ(Encode(Encoding::kFloatXor, {1.0, 1.0, 2.0, 2.0}), four);
}

TEST(FloatCodecTest, XorReusesTheWindow) {
  // 2.0 -> 3.0 and 3.0 -> 2.0 flip the same single mantissa bit: the second flip reuses
  // the window: 2 control bits + 1 meaningful bit.
  const std::vector<double> v = {2.0, 3.0, 2.0};
  const size_t bits = 64 + (2 + 5 + 6 + 1) + (2 + 1);
  EXPECT_EQ(Encode(Encoding::kFloatXor, v).size(), 1 + (bits + 7) / 8);
}

TEST(FloatCodecTest, ChooseReturnsTheSmallestEncoding) {
  for (const FloatCase& c : codec_test::FloatCases()) {
    SCOPED_TRACE(c.name);
    const size_t plain = Encode(Encoding::kFloatPlain, c.values).size();
    const size_t xor_size = Encode(Encoding::kFloatXor, c.values).size();
    const Encoding chosen = ChooseFloatEncoding(c.values);
    EXPECT_EQ(Encode(chosen, c.values).size(), std::min(plain, xor_size));
    if (c.name == "random_bits") {
      EXPECT_EQ(chosen, Encoding::kFloatPlain);
    } else if (c.name == "revenue" || c.name == "constant") {
      EXPECT_EQ(chosen, Encoding::kFloatXor);
    }
  }
}

}  // namespace
}  // namespace strata::storage
