// Hostile input for EventDecoder: every prefix of a valid event, random bytes, random
// mutations, invalid UTF-8, NUL bytes, deep nesting and huge numbers. The decoder must
// return a clean error (or a valid event) and never crash; run under ASan/UBSan too.
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "ingest/event_json.h"

namespace strata::ingest {
namespace {

using engine::Event;

const std::string kEvent =
    R"({"merchant":"shop_1","ts":"2026-11-01T12:00:00.123+01:00","event":"purchase",)"
    R"("client_id":"c-123","user_id":"u-9","page":"https://shop.example/p/42?q=caf\u00e9",)"
    R"("title":"Red \"Shoes\" \ud83d\ude00","referrer":"https://www.google.com/","value":"12.50",)"
    R"("params":{"color":"red","qty":2,"gift":true,"note":null},"extra":-1.5e-3})";

// Whatever Decode accepts must also pass ValidateEvent (one set of rules).
void ExpectCleanResult(EventDecoder& decoder, const std::string& input) {
  Event e;
  std::optional<EventError> error = decoder.Decode(input, &e);
  if (error) {
    EXPECT_FALSE(error->reason.empty());
  } else {
    EXPECT_EQ(ValidateEvent(e, {}), std::nullopt);
  }
}

TEST(EventJsonAdversarialTest, TheFullEventDecodes) {
  EventDecoder decoder;
  Event e;
  ASSERT_EQ(decoder.Decode(kEvent, &e), std::nullopt);
  EXPECT_EQ(e.title, "Red \"Shoes\" \xf0\x9f\x98\x80");
  EXPECT_EQ(e.params.size(), 4u);  // color, qty, gift, extra; note (null) dropped
}

TEST(EventJsonAdversarialTest, EveryTruncationIsACleanError) {
  EventDecoder decoder;
  Event e;
  for (size_t n = 0; n < kEvent.size(); ++n) {
    std::optional<EventError> error = decoder.Decode(std::string_view(kEvent).substr(0, n), &e);
    ASSERT_TRUE(error.has_value()) << "prefix " << n;
    EXPECT_FALSE(error->ToString().empty());
  }
}

TEST(EventJsonAdversarialTest, EveryTruncationInALongerBufferIsACleanError) {
  // The prefix is a view into the full text: the decoder must not read past its end.
  EventDecoder decoder;
  Event e;
  for (size_t n = 0; n < kEvent.size(); ++n) {
    ASSERT_TRUE(decoder.Decode(std::string_view(kEvent.data(), n), &e)) << "prefix " << n;
  }
}

TEST(EventJsonAdversarialTest, RandomBytes) {
  std::mt19937_64 rng(42);
  EventDecoder decoder;
  const std::string alphabet = "{}[]\":,.-+eE0123456789 \\untrfals\x01\x7f\xc3\xa9\xff\xed";
  for (int i = 0; i < 5000; ++i) {
    std::string input(rng() % 300, '\0');
    bool json_like = i % 2 == 0;
    for (char& c : input) {
      c = json_like ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    }
    ExpectCleanResult(decoder, input);
  }
}

TEST(EventJsonAdversarialTest, RandomMutationsOfAValidEvent) {
  std::mt19937_64 rng(7);
  EventDecoder decoder;
  const char interesting[] = {'{',  '}', '[', ']',    '"',    '\\', ':', ',', '\0',
                              '\n', 'u', '0', '\x80', '\xff', 'e',  '-', ' '};
  int accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string input = kEvent;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t pos = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input[pos] = interesting[rng() % sizeof(interesting)];
          break;
        case 1:
          input.erase(pos, 1 + rng() % 5);
          break;
        default:
          input.insert(pos, 1, interesting[rng() % sizeof(interesting)]);
      }
      if (input.empty()) input = "{";
    }
    Event e;
    if (!decoder.Decode(input, &e)) {
      ++accepted;
      EXPECT_EQ(ValidateEvent(e, {}), std::nullopt) << input;
    }
  }
  EXPECT_GT(accepted, 0);  // some mutations (inside strings) stay valid
}

TEST(EventJsonAdversarialTest, InvalidUtf8Sequences) {
  const std::string cases[] = {
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong, 3 bytes
      "\xed\xa0\x80",      // UTF-16 surrogate encoded in UTF-8
      "\xe2\x82",          // truncated 3-byte sequence
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf5\x80\x80\x80",  // lead byte never valid
      "\x80",              // lone continuation byte
      "\xff",
  };
  EventDecoder decoder;
  for (const std::string& bad : cases) {
    for (const std::string& json :
         {R"({"merchant":"m","ts":1,"event":"e","client_id":"c","title":")" + bad + "\"}",
          R"({"merchant":"m","ts":1,"event":"e","client_id":"c",")" + bad + "\":1}",
          R"({"merchant":"m","ts":1,"event":"e","client_id":"c"} )" + bad}) {
      Event e;
      std::optional<EventError> error = decoder.Decode(json, &e);
      ASSERT_TRUE(error);
      EXPECT_EQ(error->ToString(), "invalid UTF-8");
    }
  }
}

TEST(EventJsonAdversarialTest, NulBytesAnywhere) {
  EventDecoder decoder;
  for (size_t pos = 0; pos <= kEvent.size(); ++pos) {
    std::string input = kEvent;
    input.insert(pos, 1, '\0');
    Event e;
    std::optional<EventError> error = decoder.Decode(input, &e);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->ToString(), "contains a NUL byte");
  }
}

// Decode skips the control-character scan for documents without a backslash, relying on
// simdjson to reject raw control bytes inside strings: check that for every such byte.
TEST(EventJsonAdversarialTest, RawControlBytesInStringsAreRejected) {
  EventDecoder decoder;
  for (int c = 1; c < 0x20; ++c) {
    const std::string b(1, static_cast<char>(c));
    for (const std::string& json :
         {R"({"merchant":"m","ts":1,"event":"e","client_id":"c","title":"a)" + b + "\"}",
          R"({"merchant":"m","ts":1,"event":"e","client_id":"c","k)" + b + "\":1}",
          R"({"merchant":"m","ts":1,"event":"e","client_id":"c","params":{"k":"v)" + b + "\"}}"}) {
      Event e;
      std::optional<EventError> error = decoder.Decode(json, &e);
      ASSERT_TRUE(error) << "byte " << c;
      EXPECT_EQ(error->field, "") << "byte " << c;
      EXPECT_TRUE(error->reason.starts_with("invalid JSON")) << error->reason;
    }
  }
}

TEST(EventJsonAdversarialTest, DeepNesting) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string deep_objects = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "{\"a\":";
    s += "1";
    s += std::string(10000, '}');
    return s;
  }();
  const std::string base = R"({"merchant":"m","ts":1,"event":"e","client_id":"c",)";
  struct Case {
    std::string json;
    std::string want;  // empty: any error
  } cases[] = {
      {base + R"("params":{"a":)" + deep + "}}", "params.a: must be a string or number"},
      {base + R"("params":{"a":)" + deep_objects + "}}", "params.a: must be a string or number"},
      {base + R"("nested":)" + deep + "}", "nested: must be a string or number"},
      {base + R"("page":)" + deep + "}", "page: must be a string"},
      {base + R"("params":)" + deep_objects + "}", "params.a: must be a string or number"},
      {deep, "must be a JSON object"},
      {deep_objects, ""},
      {std::string(10000, '['), ""},
      {std::string(10000, '{'), ""},
  };
  EventDecoder decoder;
  for (const Case& c : cases) {
    Event e;
    std::optional<EventError> error = decoder.Decode(c.json, &e);
    ASSERT_TRUE(error) << c.json.substr(0, 80);
    if (!c.want.empty()) {
      EXPECT_EQ(error->ToString(), c.want);
    }
  }
}

TEST(EventJsonAdversarialTest, HugeNumbers) {
  const std::string base = R"({"merchant":"m","event":"e","client_id":"c",)";
  const std::string digits(5000, '9');
  struct Case {
    std::string json;
    std::string want;
  } cases[] = {
      {base + R"("ts":)" + digits + "}", "ts: out of range (must be within years 0000-9999)"},
      {base + R"("ts":-)" + digits + "}", "ts: out of range (must be within years 0000-9999)"},
      {base + R"("ts":1e99999})", "ts: out of range (must be within years 0000-9999)"},
      {base + R"("ts":1,"value":1e99999})", "value: must be a finite number"},
      {base + R"("ts":1,"value":-1e309})", "value: must be a finite number"},
      {base + R"("ts":1,"value":")" + digits + "e9999\"}",
       "value: must be a finite number (a numeric string like \"12.50\" is allowed)"},
      {base + R"("ts":1,"params":{"n":1e400}})", "params.n: must be a finite number"},
      {base + R"("ts":1,"extra":-1e400})", "extra: must be a finite number"},
  };
  EventDecoder decoder;
  for (const Case& c : cases) {
    Event e;
    std::optional<EventError> error = decoder.Decode(c.json, &e);
    ASSERT_TRUE(error) << c.json.substr(0, 80);
    EXPECT_EQ(error->ToString(), c.want);
  }
  // A long but representable number is fine.
  Event e;
  ASSERT_EQ(decoder.Decode(base + R"("ts":1,"value":)" + std::string(300, '9') + "}", &e),
            std::nullopt);
  EXPECT_GT(e.value, 1e299);
}

TEST(EventJsonAdversarialTest, OneDecoderSurvivesAlternatingGoodAndBadInput) {
  EventDecoder decoder;
  Event e;
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(decoder.Decode(kEvent, &e), std::nullopt);
    ASSERT_TRUE(decoder.Decode(std::string(i * 50, '['), &e));
    ASSERT_TRUE(decoder.Decode(kEvent.substr(0, i), &e));
  }
  ASSERT_EQ(decoder.Decode(kEvent, &e), std::nullopt);
  EXPECT_EQ(e.merchant, "shop_1");
}

}  // namespace
}  // namespace strata::ingest
