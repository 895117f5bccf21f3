#include "server/http/body_codec.h"

#include <zlib.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Split(std::string_view body, BodyForm form = BodyForm::kDetect) {
  std::vector<std::string_view> spans;
  const absl::Status s = SplitEvents(body, form, &spans);
  EXPECT_TRUE(s.ok()) << s;
  return std::vector<std::string>(spans.begin(), spans.end());
}

absl::Status SplitError(std::string_view body) {
  std::vector<std::string_view> spans;
  return SplitEvents(body, BodyForm::kDetect, &spans);
}

// window_bits: 15 + 16 gzip, 15 zlib, -15 raw deflate.
std::string Compress(std::string_view in, int window_bits = 15 + 16) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

absl::Status InflateTo(std::string_view in, BodyEncoding e, size_t cap, std::string* out,
                       size_t grow_budget = SIZE_MAX) {
  size_t granted = 0;
  return Inflate(
      in, e, cap,
      [&](size_t n) {
        if (granted + n > grow_budget) return false;
        granted += n;
        return true;
      },
      out);
}

TEST(SplitEvents, SingleObject) {
  EXPECT_THAT(Split(R"({"a":1})"), ElementsAre(R"({"a":1})"));
  EXPECT_THAT(Split("  \n{\"a\":1}\n\n"), ElementsAre(R"({"a":1})"));
}

TEST(SplitEvents, EmptyBodies) {
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split(" \r\n\t"), IsEmpty());
  EXPECT_THAT(Split("[]"), IsEmpty());
  EXPECT_THAT(Split(" [ ] "), IsEmpty());
}

TEST(SplitEvents, Array) {
  EXPECT_THAT(Split(R"([{"a":1},{"b":[1,2,{"c":"]}"}]}])"),
              ElementsAre(R"({"a":1})", R"({"b":[1,2,{"c":"]}"}]})"));
  EXPECT_THAT(Split("[\n  {\"a\":1} ,\n  {\"b\":2}\n]\n"), ElementsAre(R"({"a":1})", R"({"b":2})"));
}

TEST(SplitEvents, ArrayElementsThatAreNotObjectsAreStillEvents) {
  // The decoder rejects them one by one ("must be a JSON object").
  EXPECT_THAT(Split(R"([1, "x", null, [2], {"a":"\"}"}])"),
              ElementsAre("1", R"("x")", "null", "[2]", R"({"a":"\"}"})"));
}

TEST(SplitEvents, BrokenArrayEnvelopeFailsTheBody) {
  EXPECT_THAT(SplitError(R"([{"a":1} {"b":2}])").message(),
              ::testing::HasSubstr("expected ',' or ']' at byte 9"));
  EXPECT_FALSE(SplitError(R"([{"a":1},])").ok());
  EXPECT_FALSE(SplitError(R"([{"a":1})").ok());
  EXPECT_FALSE(SplitError(R"([{"a":1}]x)").ok());
  EXPECT_FALSE(SplitError(R"([{"a":"1)").ok());
  EXPECT_FALSE(SplitError(R"([,{"a":1}])").ok());
}

TEST(SplitEvents, Ndjson) {
  EXPECT_THAT(Split("{\"a\":1}\n{\"b\":2}\r\n\n  \n{\"c\":3}"), ElementsAre(R"({"a":1})",
                                                                            R"({"b":2})"
                                                                            "\r",
                                                                            R"({"c":3})"));
}

TEST(SplitEvents, NdjsonBadLinesStayAlone) {
  // A truncated line, garbage, trailing content: each is one event of its own.
  EXPECT_THAT(Split("{\"a\":1}\n{\"b\":\nhello\n{\"c\":3}}\n{\"d\":4}\n"),
              ElementsAre(R"({"a":1})", R"({"b":)", "hello", R"({"c":3}})", R"({"d":4})"));
}

TEST(SplitEvents, NdjsonFormIsLineBased) {
  EXPECT_THAT(Split("{\n\"a\":1}\n", BodyForm::kLines), ElementsAre("{", R"("a":1})"));
  EXPECT_THAT(Split("[{\"a\":1}]\n", BodyForm::kLines), ElementsAre(R"([{"a":1}])"));
}

TEST(SplitEvents, PrettyPrintedObjects) {
  EXPECT_THAT(Split("{\n  \"a\": \"{\\\"\",\n  \"b\": {\"c\": 1}\n}\n{\n  \"d\": 2\n}"),
              ElementsAre("{\n  \"a\": \"{\\\"\",\n  \"b\": {\"c\": 1}\n}", "{\n  \"d\": 2\n}"));
  // Two objects on one line in a stream.
  EXPECT_THAT(Split("{\n\"a\":1}{\"b\":2}\n"), ElementsAre("{\n\"a\":1}", R"({"b":2})"));
}

TEST(SplitEvents, UnterminatedObjectInAStreamTakesTheRest) {
  EXPECT_THAT(Split("{\n\"a\":1}\nxyz\n{\n\"b\":"), ElementsAre("{\n\"a\":1}", "xyz", "{\n\"b\":"));
}

TEST(SplitEvents, LongBodiesAreLinear) {
  // 200K unterminated lines: each must cost O(its length), not O(the rest of the body).
  std::string body = "{\"ok\":1}\n";
  for (int i = 0; i < 200000; ++i) body += "{\"a\":[\n";
  std::vector<std::string_view> spans;
  ASSERT_TRUE(SplitEvents(body, BodyForm::kDetect, &spans).ok());
  EXPECT_EQ(spans.size(), 200001u);
  // The same in a stream of objects: lines that start no object are one event each.
  body = "{\n}\n";
  for (int i = 0; i < 200000; ++i) body += "x [ { \"\n";
  spans.clear();
  ASSERT_TRUE(SplitEvents(body, BodyForm::kDetect, &spans).ok());
  EXPECT_EQ(spans.size(), 200001u);
}

TEST(ContentEncoding, Parse) {
  BodyEncoding e;
  ASSERT_TRUE(ParseContentEncoding("", &e));
  EXPECT_EQ(e, BodyEncoding::kIdentity);
  ASSERT_TRUE(ParseContentEncoding(" GZip ", &e));
  EXPECT_EQ(e, BodyEncoding::kGzip);
  ASSERT_TRUE(ParseContentEncoding("x-gzip", &e));
  EXPECT_EQ(e, BodyEncoding::kGzip);
  ASSERT_TRUE(ParseContentEncoding("deflate", &e));
  EXPECT_EQ(e, BodyEncoding::kDeflate);
  EXPECT_FALSE(ParseContentEncoding("br", &e));
  EXPECT_FALSE(ParseContentEncoding("gzip, br", &e));
}

TEST(Inflate, GzipRoundTrip) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "{\"merchant\":\"m1\",\"i\":" + std::to_string(i) + "}\n";
  std::string out;
  ASSERT_TRUE(InflateTo(Compress(text), BodyEncoding::kGzip, 64 << 20, &out).ok());
  EXPECT_EQ(out, text);
}

TEST(Inflate, ConcatenatedGzipMembers) {
  std::string out;
  ASSERT_TRUE(
      InflateTo(Compress("{\"a\":1}\n") + Compress("{\"b\":2}\n"), BodyEncoding::kGzip, 1000, &out)
          .ok());
  EXPECT_EQ(out, "{\"a\":1}\n{\"b\":2}\n");
}

TEST(Inflate, DeflateZlibAndRaw) {
  std::string out;
  ASSERT_TRUE(InflateTo(Compress("hello zlib", 15), BodyEncoding::kDeflate, 100, &out).ok());
  EXPECT_EQ(out, "hello zlib");
  ASSERT_TRUE(InflateTo(Compress("hello raw", -15), BodyEncoding::kDeflate, 100, &out).ok());
  EXPECT_EQ(out, "hello raw");
}

TEST(Inflate, ExactlyAtTheCap) {
  std::string out;
  ASSERT_TRUE(InflateTo(Compress(std::string(1000, 'x')), BodyEncoding::kGzip, 1000, &out).ok());
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_TRUE(absl::IsOutOfRange(
      InflateTo(Compress(std::string(1001, 'x')), BodyEncoding::kGzip, 1000, &out)));
}

TEST(Inflate, GzipBombStopsAtTheCap) {
  // 64 MiB of zeros compress to ~64 KiB; inflating stops after 1 MiB + 1 bytes.
  const std::string bomb = Compress(std::string(64 << 20, '\0'));
  ASSERT_LT(bomb.size(), 100u << 10);
  std::string out;
  size_t granted = 0;
  const absl::Status s = Inflate(
      bomb, BodyEncoding::kGzip, 1 << 20,
      [&](size_t n) {
        granted += n;
        return true;
      },
      &out);
  EXPECT_TRUE(absl::IsOutOfRange(s)) << s;
  EXPECT_THAT(s.message(), ::testing::HasSubstr("decoded body larger than 1048576 bytes"));
  EXPECT_LE(granted, (1u << 20) + 1);
}

TEST(Inflate, GrowRefusalIsResourceExhausted) {
  std::string out;
  const absl::Status s = InflateTo(Compress(std::string(1 << 20, 'a')), BodyEncoding::kGzip,
                                   64 << 20, &out, /*grow_budget=*/100 << 10);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
}

TEST(Inflate, CorruptAndTruncated) {
  std::string out;
  absl::Status s = InflateTo("not gzip at all", BodyEncoding::kGzip, 1000, &out);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(s.message(), ::testing::HasSubstr("corrupt gzip body"));

  const std::string good = Compress(std::string(5000, 'q'));
  s = InflateTo(good.substr(0, good.size() / 2), BodyEncoding::kGzip, 1 << 20, &out);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(s.message(), ::testing::HasSubstr("truncated gzip body"));

  std::string flipped = good;
  flipped[flipped.size() - 6] ^= 0x55;  // inside the CRC32 trailer
  s = InflateTo(flipped, BodyEncoding::kGzip, 1 << 20, &out);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;

  s = InflateTo(good + "junk", BodyEncoding::kGzip, 1 << 20, &out);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
}

TEST(Inflate, IdentityChecksTheCapAndTheGate) {
  std::string out;
  EXPECT_TRUE(InflateTo("abc", BodyEncoding::kIdentity, 3, &out).ok());
  EXPECT_EQ(out, "abc");
  EXPECT_TRUE(absl::IsOutOfRange(InflateTo("abcd", BodyEncoding::kIdentity, 3, &out)));
  EXPECT_TRUE(
      absl::IsResourceExhausted(InflateTo("abc", BodyEncoding::kIdentity, 10, &out, /*budget=*/2)));
}

}  // namespace
}  // namespace strata::server::http
