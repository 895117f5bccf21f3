// Table-driven tests of every event JSON rule: one good and one bad case per rule, the
// exact error field and reason, ValidateEvent on Events built in code, and RFC 3339.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/event_json.h"

namespace strata::ingest {
namespace {

using engine::Event;
using engine::Param;

constexpr int64_t kNoonUs = 1793534400000000;  // 2026-11-01T12:00:00Z
const std::string kRequired =
    R"("merchant":"shop_1","ts":1793534400000,"event":"page_view","client_id":"c-1")";

// The required fields plus `extra` (which starts with a comma when not empty).
std::string Doc(const std::string& extra) { return "{" + kRequired + extra + "}"; }

const std::string kFullEvent = R"({"merchant":"shop_1","ts":1793534400000,"event":"purchase",)"
                               R"("client_id":"c-123","user_id":"u-9","session_id":"s-1",)"
                               R"("page":"https://shop.example/p/42?ref=x","title":"Red Shoes",)"
                               R"("referrer":"https://www.google.com/search?q=shoes",)"
                               R"("utm_source":"google","utm_medium":"cpc","utm_campaign":"fall",)"
                               R"("device":"mobile","os":"iOS","browser":"Safari","country":"DE",)"
                               R"("language":"de-DE","item_id":"sku-42","value":12.5,)"
                               R"("event_id":"e-1","params":{"color":"red","qty":2}})";

std::string Repeat(char c, size_t n) { return std::string(n, c); }

struct BadCase {
  std::string name;
  std::string json;
  std::string field;
  std::string reason;
};

// Keeps test listings readable (gtest would otherwise dump the struct's bytes).
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadCase> BadCases() {
  const std::string k65(65, 'a');
  const std::string k257(257, 'a');
  std::string params33 = R"(,"params":{)";
  for (int i = 0; i < 33; ++i) params33 += (i ? "," : "") + ("\"p" + std::to_string(i) + "\":1");
  params33 += "}";
  std::string mixed33 = R"(,"params":{)";
  for (int i = 0; i < 20; ++i) mixed33 += (i ? "," : "") + ("\"p" + std::to_string(i) + "\":1");
  mixed33 += "}";
  for (int i = 0; i < 13; ++i) mixed33 += ",\"x" + std::to_string(i) + "\":\"v\"";
  const std::string too_many = "too many params (at most 32, counting unknown top-level fields)";
  const std::string control = "must not contain control characters (U+0000-U+001F)";
  const std::string bad_escape = "invalid string escape (bad \\u escape or unpaired surrogate)";
  const std::string ts_range = "out of range (must be within years 0000-9999)";
  return {
      // The document as a whole.
      {"empty", "", "", "empty document"},
      {"whitespace only", "  \n ", "", "empty document"},
      {"array", "[1,2]", "", "must be a JSON object"},
      {"string", R"("hello")", "", "must be a JSON object"},
      {"number", "42", "", "must be a JSON object"},
      {"trailing brace", Doc("") + "}", "", "trailing content after the JSON object"},
      {"nul byte", Doc(std::string(R"(,"title":"a)") + '\0' + "b\""), "", "contains a NUL byte"},
      {"invalid utf8", Doc(",\"title\":\"caf\xe9\""), "", "invalid UTF-8"},
      {"raw control char", Doc(",\"title\":\"a\tb\""), "",
       "invalid JSON: Within strings, some characters must be escaped, we found unescaped "
       "characters"},
      // merchant
      {"merchant missing", R"({"ts":1,"event":"e","client_id":"c"})", "merchant", "required"},
      {"merchant null", R"({"merchant":null,"ts":1,"event":"e","client_id":"c"})", "merchant",
       "required"},
      {"merchant empty", R"({"merchant":"","ts":1,"event":"e","client_id":"c"})", "merchant",
       "required"},
      {"merchant space", R"({"merchant":"my shop","ts":1,"event":"e","client_id":"c"})", "merchant",
       "must be 1-64 characters of [A-Za-z0-9_.-]"},
      {"merchant 65", R"({"merchant":")" + k65 + R"(","ts":1,"event":"e","client_id":"c"})",
       "merchant", "must be 1-64 characters of [A-Za-z0-9_.-]"},
      {"merchant non-ascii", R"({"merchant":"caf\u00e9","ts":1,"event":"e","client_id":"c"})",
       "merchant", "must be 1-64 characters of [A-Za-z0-9_.-]"},
      {"merchant number", R"({"merchant":7,"ts":1,"event":"e","client_id":"c"})", "merchant",
       "must be a string"},
      // event
      {"event missing", R"({"merchant":"m","ts":1,"client_id":"c"})", "event", "required"},
      {"event 65", R"({"merchant":"m","ts":1,"event":")" + k65 + R"(","client_id":"c"})", "event",
       "must be 1-64 bytes"},
      {"event newline", R"({"merchant":"m","ts":1,"event":"a\nb","client_id":"c"})", "event",
       control},
      {"event object", R"({"merchant":"m","ts":1,"event":{},"client_id":"c"})", "event",
       "must be a string"},
      // client_id
      {"client_id missing", R"({"merchant":"m","ts":1,"event":"e"})", "client_id", "required"},
      {"client_id 257", R"({"merchant":"m","ts":1,"event":"e","client_id":")" + k257 + "\"}",
       "client_id", "must be 1-256 bytes"},
      // ts
      {"ts missing", R"({"merchant":"m","event":"e","client_id":"c"})", "ts", "required"},
      {"ts null", R"({"merchant":"m","ts":null,"event":"e","client_id":"c"})", "ts", "required"},
      {"ts bool", R"({"merchant":"m","ts":true,"event":"e","client_id":"c"})", "ts",
       "must be epoch milliseconds (number) or an RFC 3339 string"},
      {"ts bad string", R"({"merchant":"m","ts":"yesterday","event":"e","client_id":"c"})", "ts",
       "must be an RFC 3339 timestamp such as 2026-11-01T12:00:00Z"},
      {"ts feb 30", R"({"merchant":"m","ts":"2026-02-30T00:00:00Z","event":"e","client_id":"c"})",
       "ts", "must be an RFC 3339 timestamp such as 2026-11-01T12:00:00Z"},
      {"ts 1e300", R"({"merchant":"m","ts":1e300,"event":"e","client_id":"c"})", "ts", ts_range},
      {"ts 1e400", R"({"merchant":"m","ts":1e400,"event":"e","client_id":"c"})", "ts", ts_range},
      {"ts bigint",
       R"({"merchant":"m","ts":123456789012345678901234567890,"event":"e","client_id":"c"})", "ts",
       ts_range},
      {"ts u64", R"({"merchant":"m","ts":18446744073709551615,"event":"e","client_id":"c"})", "ts",
       ts_range},
      {"ts below year 0", R"({"merchant":"m","ts":-62167219200001,"event":"e","client_id":"c"})",
       "ts", ts_range},
      {"ts above year 9999", R"({"merchant":"m","ts":253402300800000,"event":"e","client_id":"c"})",
       "ts", ts_range},
      {"ts offset below year 0",
       R"({"merchant":"m","ts":"0000-01-01T00:30:00+01:00","event":"e","client_id":"c"})", "ts",
       ts_range},
      // Lengths of the other strings.
      {"page 2049", Doc(R"(,"page":")" + Repeat('p', 2049) + "\""), "page",
       "must be at most 2048 bytes"},
      {"referrer 2049", Doc(R"(,"referrer":")" + Repeat('r', 2049) + "\""), "referrer",
       "must be at most 2048 bytes"},
      {"title 257", Doc(R"(,"title":")" + k257 + "\""), "title", "must be at most 256 bytes"},
      {"utm_campaign 257", Doc(R"(,"utm_campaign":")" + k257 + "\""), "utm_campaign",
       "must be at most 256 bytes"},
      {"event_id 257", Doc(R"(,"event_id":")" + k257 + "\""), "event_id",
       "must be at most 256 bytes"},
      // Wrong types.
      {"page number", Doc(R"(,"page":5)"), "page", "must be a string"},
      {"country array", Doc(R"(,"country":["DE"])"), "country", "must be a string"},
      {"user_id bool", Doc(R"(,"user_id":false)"), "user_id", "must be a string"},
      // String content.
      {"escaped nul", Doc(R"(,"title":"a\u0000b")"), "title", control},
      {"escaped unit separator", Doc(R"(,"os":"a\u001fb")"), "os", control},
      {"lone high surrogate", Doc(R"(,"title":"\ud800")"), "title", bad_escape},
      {"lone low surrogate", Doc(R"(,"title":"\udc00x")"), "title", bad_escape},
      {"bad escape", Doc(R"(,"title":"\x41")"), "title", bad_escape},
      // value
      {"value word", Doc(R"(,"value":"abc")"), "value",
       "must be a finite number (a numeric string like \"12.50\" is allowed)"},
      {"value inf string", Doc(R"(,"value":"inf")"), "value",
       "must be a finite number (a numeric string like \"12.50\" is allowed)"},
      {"value spaced string", Doc(R"(,"value":" 12")"), "value",
       "must be a finite number (a numeric string like \"12.50\" is allowed)"},
      {"value 1e400", Doc(R"(,"value":1e400)"), "value", "must be a finite number"},
      {"value bool", Doc(R"(,"value":true)"), "value", "must be a number"},
      {"value array", Doc(R"(,"value":[1])"), "value", "must be a number"},
      // params
      {"params string", Doc(R"(,"params":"x")"), "params", "must be an object"},
      {"params array", Doc(R"(,"params":[1])"), "params", "must be an object"},
      {"params nested object", Doc(R"(,"params":{"a":{"b":1}})"), "params.a",
       "must be a string or number"},
      {"params nested array", Doc(R"(,"params":{"a":[1]})"), "params.a",
       "must be a string or number"},
      {"params 33", Doc(params33), "params", too_many},
      {"params 20 + unknown 13", Doc(mixed33), "params", too_many},
      {"params key empty", Doc(R"(,"params":{"":1})"), "params", "keys must be 1-64 bytes"},
      {"params key 65", Doc(R"(,"params":{")" + k65 + "\":1}"), "params",
       "keys must be 1-64 bytes"},
      {"params key raw tab", Doc(",\"params\":{\"a\tb\":1}"), "",
       "invalid JSON: Within strings, some characters must be escaped, we found unescaped "
       "characters"},
      {"params key escaped control", Doc(R"(,"params":{"a\u0001b":1})"), "params",
       "keys " + control},
      {"params string 257", Doc(R"(,"params":{"a":")" + k257 + "\"}"), "params.a",
       "must be at most 256 bytes"},
      {"params string control", Doc(R"(,"params":{"a":"x\u0007"})"), "params.a", control},
      {"params number 1e400", Doc(R"(,"params":{"a":1e400})"), "params.a",
       "must be a finite number"},
      {"unknown nested", Doc(R"(,"extra":{"a":1})"), "extra", "must be a string or number"},
      {"unknown array", Doc(R"(,"tags":["a"])"), "tags", "must be a string or number"},
      {"unknown key 65", Doc(",\"" + k65 + "\":1"), "", "field names must be 1-64 bytes"},
      {"unknown empty key", Doc(R"(,"":1)"), "", "field names must be 1-64 bytes"},
      {"key bad escape", Doc(R"(,"\ud800":1)"), "", bad_escape},
      // Duplicates.
      {"duplicate known", Doc(R"(,"page":"/a","page":"/b")"), "page", "duplicate field"},
      {"duplicate known with null", Doc(R"(,"page":null,"page":"/b")"), "page", "duplicate field"},
      {"duplicate required", Doc(R"(,"merchant":"other")"), "merchant", "duplicate field"},
      {"duplicate unknown", Doc(R"(,"x":1,"x":2)"), "x", "duplicate field"},
      {"duplicate param", Doc(R"(,"params":{"a":1,"a":"b"})"), "params.a", "duplicate field"},
      {"duplicate unknown and param", Doc(R"(,"color":"red","params":{"color":"blue"})"),
       "params.color", "duplicate field"},
      {"duplicate params object", Doc(R"(,"params":{},"params":{})"), "params", "duplicate field"},
      // Literals are checked even where the value is dropped.
      {"bad null literal in params", Doc(R"(,"params":{"a":nul})"), "", ""},
      {"bad true literal", Doc(R"(,"params":{"a":tru})"), "", ""},
      // First error wins, in document order.
      {"first error wins", Doc(R"(,"page":5,"title":7)"), "page", "must be a string"},
  };
}

class BadEventTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadEventTest, ReportsFieldAndReason) {
  const BadCase& c = GetParam();
  EventDecoder decoder;
  Event e;
  std::optional<EventError> error = decoder.Decode(c.json, &e);
  ASSERT_TRUE(error.has_value()) << c.json;
  EXPECT_EQ(error->field, c.field) << c.json;
  if (c.reason.empty()) {
    EXPECT_TRUE(error->reason.starts_with("invalid JSON")) << error->reason;
  } else {
    EXPECT_EQ(error->reason, c.reason) << c.json;
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, BadEventTest, testing::ValuesIn(BadCases()),
                         [](const testing::TestParamInfo<BadCase>& param_info) {
                           std::string name;
                           for (char c : param_info.param.name) {
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           }
                           return name;
                         });

std::optional<EventError> DecodeWith(const ValidationOptions& options, const std::string& json,
                                     Event* e) {
  EventDecoder decoder(options);
  return decoder.Decode(json, e);
}

TEST(EventJsonTest, DecodesEveryField) {
  EventDecoder decoder;
  Event e;
  ASSERT_EQ(decoder.Decode(kFullEvent, &e), std::nullopt);
  EXPECT_EQ(e.merchant, "shop_1");
  EXPECT_EQ(e.ts_us, kNoonUs);
  EXPECT_EQ(e.event, "purchase");
  EXPECT_EQ(e.client_id, "c-123");
  EXPECT_EQ(e.user_id, "u-9");
  EXPECT_EQ(e.session_id, "s-1");
  EXPECT_EQ(e.page, "https://shop.example/p/42?ref=x");
  EXPECT_EQ(e.title, "Red Shoes");
  EXPECT_EQ(e.referrer, "https://www.google.com/search?q=shoes");
  EXPECT_EQ(e.utm_source, "google");
  EXPECT_EQ(e.utm_medium, "cpc");
  EXPECT_EQ(e.utm_campaign, "fall");
  EXPECT_EQ(e.device, "mobile");
  EXPECT_EQ(e.os, "iOS");
  EXPECT_EQ(e.browser, "Safari");
  EXPECT_EQ(e.country, "DE");
  EXPECT_EQ(e.language, "de-DE");
  EXPECT_EQ(e.item_id, "sku-42");
  EXPECT_EQ(e.value, 12.5);
  EXPECT_EQ(e.event_id, "e-1");
  std::vector<Param> want = {{"color", false, "red", 0}, {"qty", true, "", 2}};
  EXPECT_EQ(e.params, want);
  EXPECT_EQ(ValidateEvent(e, {}), std::nullopt);
}

TEST(EventJsonTest, DecodeResetsEveryFieldOfAReusedEvent) {
  EventDecoder decoder;
  Event e;
  ASSERT_EQ(decoder.Decode(kFullEvent, &e), std::nullopt);
  ASSERT_EQ(decoder.Decode(Doc(""), &e), std::nullopt);
  Event want;
  want.merchant = "shop_1";
  want.ts_us = kNoonUs;
  want.event = "page_view";
  want.client_id = "c-1";
  EXPECT_EQ(e, want);
  EXPECT_TRUE(std::isnan(e.value));
  EXPECT_TRUE(e.params.empty());
}

TEST(EventJsonTest, AFailedDecodeLeavesNothingOfThePreviousEvent) {
  EventDecoder decoder;
  Event e;
  ASSERT_EQ(decoder.Decode(kFullEvent, &e), std::nullopt);
  ASSERT_TRUE(decoder.Decode(R"({"merchant":"m2","page":5})", &e));
  EXPECT_EQ(e.merchant, "m2");
  EXPECT_EQ(e.user_id, "");
  EXPECT_EQ(e.ts_us, 0);
  EXPECT_TRUE(std::isnan(e.value));
  EXPECT_TRUE(e.params.empty());
}

TEST(EventJsonTest, LimitsAreInclusive) {
  Event e;
  std::string json = R"({"merchant":")" + Repeat('m', 64) + R"(","ts":0,"event":")" +
                     Repeat('e', 64) + R"(","client_id":")" + Repeat('c', 256) + R"(","page":")" +
                     Repeat('p', 2048) + R"(","referrer":")" + Repeat('r', 2048) +
                     R"(","title":")" + Repeat('t', 256) + R"(","params":{")" + Repeat('k', 64) +
                     R"(":")" + Repeat('v', 256) + "\"}}";
  ASSERT_EQ(DecodeWith({}, json, &e), std::nullopt);
  EXPECT_EQ(e.page.size(), 2048u);
  EXPECT_EQ(e.params[0].key.size(), 64u);
  EXPECT_EQ(e.ts_us, 0);
}

TEST(EventJsonTest, ThirtyTwoParamsIncludingUnknownFieldsAreAccepted) {
  std::string extra = R"(,"params":{)";
  for (int i = 0; i < 20; ++i) extra += (i ? "," : "") + ("\"p" + std::to_string(i) + "\":1");
  extra += "}";
  for (int i = 0; i < 12; ++i) extra += ",\"x" + std::to_string(i) + "\":\"v\"";
  Event e;
  ASSERT_EQ(DecodeWith({}, Doc(extra), &e), std::nullopt);
  EXPECT_EQ(e.params.size(), 32u);
  EXPECT_EQ(e.params[20].key, "x0");  // document order: params object first, then x*
}

TEST(EventJsonTest, ParamValueKinds) {
  Event e;
  ASSERT_EQ(DecodeWith({},
                       Doc(R"(,"params":{"s":"a","n":-1.5e3,"t":true,"f":false,"z":null},)"
                           R"("extra":"kept","count":3,"gone":null)"),
                       &e),
            std::nullopt);
  std::vector<Param> want = {{"s", false, "a", 0},        {"n", true, "", -1500},
                             {"t", false, "true", 0},     {"f", false, "false", 0},
                             {"extra", false, "kept", 0}, {"count", true, "", 3}};
  EXPECT_EQ(e.params, want);
}

TEST(EventJsonTest, NullOptionalFieldsAreAbsent) {
  Event e;
  ASSERT_EQ(DecodeWith({}, Doc(R"(,"page":null,"value":null,"params":null,"user_id":"")"), &e),
            std::nullopt);
  EXPECT_EQ(e.page, "");
  EXPECT_TRUE(std::isnan(e.value));
  EXPECT_FALSE(e.has_value());
  EXPECT_TRUE(e.params.empty());
}

TEST(EventJsonTest, ValueForms) {
  struct Case {
    std::string json;
    double want;
  } cases[] = {
      {R"(12.5)", 12.5},   {R"("12.50")", 12.5},
      {R"(-3)", -3},       {R"("1e3")", 1000},
      {R"(0)", 0},         {R"("-0.25")", -0.25},
      {R"(1e308)", 1e308}, {R"(123456789012345678901234567890)", 1.2345678901234568e29},
  };
  for (const Case& c : cases) {
    Event e;
    ASSERT_EQ(DecodeWith({}, Doc(",\"value\":" + c.json), &e), std::nullopt) << c.json;
    EXPECT_EQ(e.value, c.want) << c.json;
  }
}

TEST(EventJsonTest, TimestampForms) {
  struct Case {
    std::string json;
    int64_t want;
  } cases[] = {
      {"1793534400000", kNoonUs},
      {"1793534400000.5", kNoonUs + 500},
      {"1793534400000.0001", kNoonUs},  // rounds to the nearest µs
      {"1.7935344e12", kNoonUs},
      {"-1", -1000},
      {"0", 0},
      {R"("2026-11-01T12:00:00Z")", kNoonUs},
      {R"("2026-11-01T14:00:00.25+02:00")", kNoonUs + 250000},
      {"-62167219200000", kMinTimestampUs},
      {"253402300799999", kMaxTimestampUs - 999},
  };
  for (const Case& c : cases) {
    Event e;
    ASSERT_EQ(
        DecodeWith({}, R"({"merchant":"m","event":"e","client_id":"c","ts":)" + c.json + "}", &e),
        std::nullopt)
        << c.json;
    EXPECT_EQ(e.ts_us, c.want) << c.json;
  }
}

TEST(EventJsonTest, UnicodeEscapes) {
  Event e;
  ASSERT_EQ(DecodeWith({}, Doc(R"(,"title":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/","page":"é😀")"), &e),
            std::nullopt);
  EXPECT_EQ(e.title, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ /");
  EXPECT_EQ(e.page, "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(EventJsonTest, WhitespaceAroundTheObjectIsAllowed) {
  Event e;
  EXPECT_EQ(DecodeWith({}, " \t\n" + Doc("") + " \r\n", &e), std::nullopt);
}

TEST(EventJsonTest, MaxEventBytes) {
  ValidationOptions options;
  std::string json = Doc("");
  options.max_event_bytes = json.size();
  Event e;
  EXPECT_EQ(DecodeWith(options, json, &e), std::nullopt);
  options.max_event_bytes = json.size() - 1;
  std::optional<EventError> error = DecodeWith(options, json, &e);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->ToString(), "event larger than " + std::to_string(json.size() - 1) + " bytes");
}

TEST(EventJsonTest, TimestampWindow) {
  ValidationOptions options;
  options.now_us = kNoonUs;
  options.max_past_us = 3600LL * 1000000;   // 1 h
  options.max_future_us = 300LL * 1000000;  // 5 min
  auto doc_at = [](const std::string& ts) {
    return R"({"merchant":"m","event":"e","client_id":"c","ts":")" + ts + "\"}";
  };
  Event e;
  EXPECT_EQ(DecodeWith(options, doc_at("2026-11-01T11:00:00Z"), &e), std::nullopt);
  EXPECT_EQ(DecodeWith(options, doc_at("2026-11-01T12:05:00Z"), &e), std::nullopt);
  std::optional<EventError> error = DecodeWith(options, doc_at("2026-11-01T10:59:59.999999Z"), &e);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->ToString(), "ts: before the accepted window (earliest 2026-11-01T11:00:00Z)");
  error = DecodeWith(options, doc_at("2026-11-01T12:05:00.5Z"), &e);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->ToString(), "ts: after the accepted window (latest 2026-11-01T12:05:00Z)");
}

TEST(EventJsonTest, TimestampWindowUsesTheWallClockByDefault) {
  ValidationOptions options;
  options.max_past_us = 3600LL * 1000000;
  Event e;
  // 2026-11-01 is in the past or the future of "now", but year 2000 is always too old.
  std::optional<EventError> error = DecodeWith(
      options, R"({"merchant":"m","event":"e","client_id":"c","ts":"2000-01-01T00:00:00Z"})", &e);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "ts");
  EXPECT_TRUE(error->reason.starts_with("before the accepted window (earliest ")) << error->reason;
}

TEST(EventJsonTest, ErrorToString) {
  EXPECT_EQ((EventError{"page", "must be a string"}).ToString(), "page: must be a string");
  EXPECT_EQ((EventError{"", "empty document"}).ToString(), "empty document");
}

// ValidateEvent shares the rules with Decode; these Events are built in code.
Event GoodEvent() {
  Event e;
  e.merchant = "shop_1";
  e.ts_us = kNoonUs;
  e.event = "page_view";
  e.client_id = "c-1";
  e.params = {{"color", false, "red", 0}, {"qty", true, "", 2}};
  return e;
}

TEST(ValidateEventTest, AcceptsAGoodEvent) {
  EXPECT_EQ(ValidateEvent(GoodEvent(), {}), std::nullopt);
}

TEST(ValidateEventTest, RejectsByTheSameRules) {
  struct Case {
    std::string name;
    void (*mutate)(Event*);
    std::string want;
  } cases[] = {
      {"no merchant", [](Event* e) { e->merchant.clear(); }, "merchant: required"},
      {"bad merchant", [](Event* e) { e->merchant = "a/b"; },
       "merchant: must be 1-64 characters of [A-Za-z0-9_.-]"},
      {"no event", [](Event* e) { e->event.clear(); }, "event: required"},
      {"no client_id", [](Event* e) { e->client_id.clear(); }, "client_id: required"},
      {"long page", [](Event* e) { e->page = std::string(2049, 'p'); },
       "page: must be at most 2048 bytes"},
      {"invalid utf8", [](Event* e) { e->title = "caf\xe9"; }, "title: must be valid UTF-8"},
      {"nul", [](Event* e) { e->title = std::string("a\0b", 3); },
       "title: must not contain control characters (U+0000-U+001F)"},
      {"ts range", [](Event* e) { e->ts_us = kMaxTimestampUs + 1; },
       "ts: out of range (must be within years 0000-9999)"},
      {"infinite value", [](Event* e) { e->value = INFINITY; }, "value: must be a finite number"},
      {"empty param key", [](Event* e) { e->params[0].key.clear(); },
       "params: keys must be 1-64 bytes"},
      {"duplicate param", [](Event* e) { e->params[1].key = "color"; },
       "params.color: duplicate field"},
      {"param nan", [](Event* e) { e->params[1].num = NAN; },
       "params.qty: must be a finite number"},
      {"param invalid utf8", [](Event* e) { e->params[0].str = "\xc0\xaf"; },
       "params.color: must be valid UTF-8"},
      {"param key utf8", [](Event* e) { e->params[0].key = "\xff"; },
       "params: keys must be valid UTF-8"},
      {"too many params",
       [](Event* e) {
         for (int i = 0; i < 31; ++i) e->params.push_back({"k" + std::to_string(i), true, "", 1});
       },
       "params: too many params (at most 32, counting unknown top-level fields)"},
  };
  for (const Case& c : cases) {
    Event e = GoodEvent();
    c.mutate(&e);
    std::optional<EventError> error = ValidateEvent(e, {});
    ASSERT_TRUE(error) << c.name;
    EXPECT_EQ(error->ToString(), c.want) << c.name;
  }
}

TEST(ValidateEventTest, AbsentValueIsFine) {
  Event e = GoodEvent();
  e.value = NAN;
  EXPECT_EQ(ValidateEvent(e, {}), std::nullopt);
}

TEST(ValidateEventTest, Window) {
  ValidationOptions options;
  options.now_us = kNoonUs;
  options.max_future_us = 0;
  Event e = GoodEvent();
  EXPECT_EQ(ValidateEvent(e, options), std::nullopt);
  e.ts_us += 1;
  ASSERT_TRUE(ValidateEvent(e, options));
  EXPECT_EQ(ValidateEvent(e, options)->ToString(),
            "ts: after the accepted window (latest 2026-11-01T12:00:00Z)");
}

TEST(Rfc3339Test, Valid) {
  struct Case {
    std::string text;
    int64_t want;
  } cases[] = {
      {"2026-11-01T12:00:00Z", kNoonUs},
      {"2026-11-01t12:00:00z", kNoonUs},
      {"2026-11-01T14:00:00+02:00", kNoonUs},
      {"2026-11-01T07:00:00-05:00", kNoonUs},
      {"2026-11-01T12:00:00-00:00", kNoonUs},
      {"2026-11-02T01:30:00+13:30", kNoonUs},
      {"2026-11-01T12:00:00.5Z", kNoonUs + 500000},
      {"2026-11-01T12:00:00.123Z", kNoonUs + 123000},
      {"2026-11-01T12:00:00.123456Z", kNoonUs + 123456},
      {"2026-11-01T12:00:00.123456789Z", kNoonUs + 123456},  // below 1 µs truncated
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.999999Z", -1},
      {"2024-02-29T00:00:00Z", 1709164800000000},
      {"2000-02-29T23:59:59Z", 951868799000000},
      {"0000-01-01T00:00:00Z", kMinTimestampUs},
      {"9999-12-31T23:59:59.999999Z", kMaxTimestampUs},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseRfc3339(c.text), std::optional<int64_t>(c.want)) << c.text;
  }
}

TEST(Rfc3339Test, Malformed) {
  const char* cases[] = {
      "",
      "2026",
      "2026-13-01T00:00:00Z",             // month 13
      "2026-00-01T00:00:00Z",             // month 0
      "2026-02-30T00:00:00Z",             // Feb 30
      "2025-02-29T00:00:00Z",             // not a leap year
      "1900-02-29T00:00:00Z",             // century, not a leap year
      "2026-04-31T00:00:00Z",             // April has 30 days
      "2026-11-00T00:00:00Z",             // day 0
      "2026-11-01T24:00:00Z",             // hour 24
      "2026-11-01T12:60:00Z",             // minute 60
      "2026-11-01T12:00:60Z",             // leap second
      "2026-11-01T12:00:00",              // missing zone
      "2026-11-01T12:00:00.5",            // missing zone after a fraction
      "2026-11-01 12:00:00Z",             // space instead of T
      "2026-11-01T12:00Z",                // no seconds
      "2026-11-1T12:00:00Z",              // one-digit day
      "2026-11-01T12:00:00.Z",            // empty fraction
      "2026-11-01T12:00:00.1234567890Z",  // 10 fractional digits
      "2026-11-01T12:00:00+02",           // short offset
      "2026-11-01T12:00:00+0200",         // offset without colon
      "2026-11-01T12:00:00+24:00",        // offset hour 24
      "2026-11-01T12:00:00+02:60",        // offset minute 60
      "2026-11-01T12:00:00Z ",            // trailing space
      " 2026-11-01T12:00:00Z",            // leading space
      "2026-11-01T12:00:00ZZ",            // trailing garbage
      "+2026-11-01T12:00:00Z",            // sign on the year
      "2026-11-01T12:00:00,5Z",           // comma fraction
      "2026/11/01T12:00:00Z",
      "abcd-ef-ghTij:kl:mnZ",
  };
  for (const char* text : cases) EXPECT_EQ(ParseRfc3339(text), std::nullopt) << text;
}

TEST(Rfc3339Test, FormatRoundTrips) {
  const int64_t values[] = {0,
                            -1,
                            kNoonUs,
                            kNoonUs + 250000,
                            kNoonUs + 1,
                            kMinTimestampUs,
                            kMaxTimestampUs,
                            -86400LL * 1000000 * 365 * 100};
  for (int64_t v : values) {
    std::string text = FormatRfc3339(v);
    EXPECT_EQ(ParseRfc3339(text), std::optional<int64_t>(v)) << text;
  }
  EXPECT_EQ(FormatRfc3339(kNoonUs), "2026-11-01T12:00:00Z");
  EXPECT_EQ(FormatRfc3339(kNoonUs + 250000), "2026-11-01T12:00:00.25Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
  // Far outside RFC 3339's years, but must not overflow (UBSan checks this).
  EXPECT_EQ(FormatRfc3339(INT64_MAX), "294247-01-10T04:00:54.775807Z");
  EXPECT_EQ(FormatRfc3339(INT64_MIN), "-290308-12-21T19:59:05.224192Z");
}

}  // namespace
}  // namespace strata::ingest
