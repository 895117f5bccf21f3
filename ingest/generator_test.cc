// Tests of the traffic generator: determinism, exact counts, and the statistical shape of
// the traffic measured from the output the way an analyst would (sessions re-split at 30
// minutes of inactivity, lateness from arrival order), plus exact JSON encoding.
#include "ingest/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/crc32c.h"
#include "gtest/gtest.h"
#include "ingest/event_json.h"

namespace strata::ingest {
namespace {

using engine::Event;
using engine::Param;

constexpr int64_t kSecondUs = 1000000;
constexpr int64_t kMinuteUs = 60 * kSecondUs;
constexpr int64_t kHourUs = 60 * kMinuteUs;
constexpr int64_t kDayUs = 24 * kHourUs;

GeneratorOptions Options(uint64_t events, uint64_t seed = 1) {
  GeneratorOptions o;
  o.events = events;
  o.seed = seed;
  return o;
}

std::string Json(const GeneratorOptions& o) {
  Generator g(o);
  Event e;
  std::string out;
  while (g.Next(&e)) Generator::AppendJson(e, &out);
  return out;
}

// Whether `s` has the shape of `pattern`: '#' a digit, 'x' a lowercase hex digit, 'v' one
// of 8 9 a b (the UUID variant), anything else itself.
bool Matches(const std::string& s, const std::string& pattern) {
  if (s.size() != pattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool digit = c >= '0' && c <= '9';
    const bool hex = digit || (c >= 'a' && c <= 'f');
    switch (pattern[i]) {
      case '#':
        if (!digit) return false;
        break;
      case 'x':
        if (!hex) return false;
        break;
      case 'v':
        if (c != '8' && c != '9' && c != 'a' && c != 'b') return false;
        break;
      default:
        if (c != pattern[i]) return false;
    }
  }
  return true;
}

// The merchant id rule of the decoder: 1-64 characters of [A-Za-z0-9_.-].
bool IsValidMerchantId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// What the tests measure: the events plus when each arrived.
struct Sample {
  std::vector<Event> events;
  std::vector<int64_t> arrivals;
  size_t max_buffered = 0;
};

Sample Generate(const GeneratorOptions& o) {
  Generator g(o);
  Sample s;
  Event e;
  while (g.Next(&e)) {
    s.events.push_back(e);
    s.arrivals.push_back(g.arrival_us());
    s.max_buffered = std::max(s.max_buffered, g.buffered_events());
  }
  return s;
}

// One shared 300k-event sample (7 days, 100 merchants) for the statistical tests.
const Sample& Big() {
  static const Sample* sample = new Sample(Generate(Options(300000)));
  return *sample;
}

// Sessions as an analyst computes them: per (merchant, client), sorted by event time,
// split where the gap reaches 30 minutes. Each session is a list of event indices.
std::vector<std::vector<size_t>> Sessionize(const std::vector<Event>& events) {
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_client;
  for (size_t i = 0; i < events.size(); ++i)
    by_client[{events[i].merchant, events[i].client_id}].push_back(i);
  std::vector<std::vector<size_t>> sessions;
  for (auto& [key, idx] : by_client) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t a, size_t b) { return events[a].ts_us < events[b].ts_us; });
    for (size_t k = 0; k < idx.size(); ++k) {
      if (k == 0 || events[idx[k]].ts_us - events[idx[k - 1]].ts_us >= 30 * kMinuteUs)
        sessions.emplace_back();
      sessions.back().push_back(idx[k]);
    }
  }
  return sessions;
}

TEST(GeneratorTest, SameSeedSameBytesOtherSeedDiffers) {
  const std::string a = Json(Options(20000, 7));
  const std::string b = Json(Options(20000, 7));
  const std::string c = Json(Options(20000, 8));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::count(c.begin(), c.end(), '\n'), 20000);
}

// Pins the exact bytes, so a change of output on another machine, compiler or standard
// library (or an unintended model change) fails here. Update the constants only when the
// model is changed on purpose.
TEST(GeneratorTest, GoldenOutput) {
  GeneratorOptions o = Options(5000, 42);
  o.merchants = 20;
  o.days = 2;
  const std::string json = Json(o);
  const std::string first_line = json.substr(0, json.find('\n') + 1);
  EXPECT_EQ(first_line,
            "{\"merchant\":\"shop-000001\",\"ts\":1793491555140,\"event\":\"page_view\","
            "\"client_id\":\"c.4094269094.1785826515\",\"page\":\"/\","
            "\"title\":\"Simple Supply | Official Online Store\","
            "\"referrer\":\"https://www.google.com/\",\"device\":\"mobile\",\"os\":\"Android\","
            "\"browser\":\"Chrome\",\"country\":\"US\",\"language\":\"en-US\"}\n");
  EXPECT_EQ(json.size(), 1499087u);
  EXPECT_EQ(crc32c::Value(json.data(), json.size()), 2577495910u);
}

TEST(GeneratorTest, ExactEventCount) {
  struct Case {
    uint64_t events;
    uint32_t merchants;
    uint32_t days;
  };
  for (const Case& c : {Case{0, 1, 1}, Case{1, 1, 1}, Case{7, 3, 2}, Case{1000, 1, 1},
                        Case{12345, 50, 3}, Case{100000, 1000, 1}}) {
    GeneratorOptions o = Options(c.events);
    o.merchants = c.merchants;
    o.days = c.days;
    Generator g(o);
    Event e;
    uint64_t n = 0;
    while (g.Next(&e)) ++n;
    EXPECT_EQ(n, c.events) << c.events << " events, " << c.days << " days";
    EXPECT_FALSE(g.Next(&e));
  }
}

TEST(GeneratorTest, TimestampsInsideRangeAndWholeMilliseconds) {
  GeneratorOptions o = Options(50000);
  o.days = 2;
  o.start_us = 1700000000000000;
  Generator g(o);
  Event e;
  while (g.Next(&e)) {
    ASSERT_GE(e.ts_us, o.start_us);
    ASSERT_LT(e.ts_us, o.start_us + 2 * kDayUs);
    ASSERT_EQ(e.ts_us % 1000, 0);
  }
}

TEST(GeneratorTest, MerchantIdsValid) {
  std::set<std::string> seen;
  for (const Event& e : Big().events) seen.insert(e.merchant);
  EXPECT_GT(seen.size(), 80u);
  EXPECT_LE(seen.size(), 100u);
  for (const std::string& m : seen) {
    EXPECT_TRUE(Matches(m, "shop-######")) << m;
    EXPECT_TRUE(IsValidMerchantId(m)) << m;
  }
}

TEST(GeneratorTest, MerchantTrafficIsZipf) {
  std::map<std::string, double> count;
  for (const Event& e : Big().events) count[e.merchant] += 1;
  std::vector<double> by_rank;
  for (auto& [m, c] : count) by_rank.push_back(c);
  std::sort(by_rank.rbegin(), by_rank.rend());

  double harmonic = 0;
  for (int k = 1; k <= 100; ++k) harmonic += std::pow(k, -1.1);
  const double expected_top = 1 / harmonic;  // ~0.22
  const double top = by_rank[0] / Big().events.size();
  EXPECT_NEAR(top, expected_top, 0.15 * expected_top);
  EXPECT_EQ(count.begin()->first, "shop-000001");  // rank 1 is the first merchant

  // Least-squares slope of log(frequency) over log(rank), ranks 1..30: about -1.1.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const int n = 30;
  for (int r = 1; r <= n; ++r) {
    const double x = std::log(r), y = std::log(by_rank[r - 1]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  EXPECT_NEAR(slope, -1.1, 0.25);
}

TEST(GeneratorTest, SessionStructure) {
  const std::vector<Event>& events = Big().events;
  const auto sessions = Sessionize(events);
  size_t single_page_view = 0, purchase = 0;
  for (const auto& s : sessions) {
    if (s.size() == 1 && events[s[0]].event == "page_view") ++single_page_view;
    bool bought = false;
    for (size_t i : s) bought |= events[i].event == "purchase";
    purchase += bought;
    // The split recovers the generator's sessions: campaign and referrer data only on the
    // landing event, an app session opens with its only app_open.
    for (size_t k = 1; k < s.size(); ++k) {
      ASSERT_TRUE(events[s[k]].utm_source.empty() && events[s[k]].referrer.empty())
          << "landing data inside a session";
      ASSERT_NE(events[s[k]].event, "app_open");
    }
    if (!events[s[0]].event_id.empty()) {
      ASSERT_EQ(events[s[0]].event, "app_open");
    }
  }
  const double n = sessions.size();
  EXPECT_GT(n, events.size() / 6.0);
  EXPECT_LT(n, events.size() / 2.5);
  EXPECT_GE(single_page_view / n, 0.35);
  EXPECT_LE(single_page_view / n, 0.45);
  EXPECT_GE(purchase / n, 0.015);
  EXPECT_LE(purchase / n, 0.035);

  // Clients come back: several sessions per client on average.
  std::set<std::pair<std::string, std::string>> clients;
  for (const Event& e : events) clients.insert({e.merchant, e.client_id});
  EXPECT_GT(n / clients.size(), 1.5);
}

TEST(GeneratorTest, EventMixAndFields) {
  const std::vector<Event>& events = Big().events;
  const std::string sku = "SKU-#####";
  const std::string hex16 = "xxxxxxxxxxxxxxxx";
  const std::string ga_client = "c.##########.##########";
  const std::string uuid = "xxxxxxxx-xxxx-4xxx-vxxx-xxxxxxxxxxxx";
  std::map<std::string, size_t> by_event;
  size_t with_event_id = 0, with_session_id = 0, landings = 0, landings_with_utm = 0;
  std::set<std::string> clients, logged_in;
  for (const Event& e : events) {
    ++by_event[e.event];
    clients.insert(e.client_id);
    if (!e.user_id.empty()) logged_in.insert(e.client_id);
    EXPECT_FALSE(e.device.empty());
    EXPECT_FALSE(e.os.empty());
    EXPECT_FALSE(e.country.empty());
    EXPECT_FALSE(e.language.empty());
    if (!e.event_id.empty()) {  // app (SDK) events
      ++with_event_id;
      ASSERT_TRUE(Matches(e.event_id, hex16)) << e.event_id;
      ASSERT_TRUE(Matches(e.client_id, uuid)) << e.client_id;
      EXPECT_TRUE(e.browser.empty());
    } else {
      ASSERT_TRUE(Matches(e.client_id, ga_client)) << e.client_id;
      EXPECT_FALSE(e.browser.empty());
    }
    with_session_id += !e.session_id.empty();
    if (e.event == "purchase") {
      ASSERT_TRUE(e.has_value());
      EXPECT_GE(e.value, 2.0);
      EXPECT_LE(e.value, 5000.0);
      EXPECT_EQ(std::round(e.value * 100) / 100, e.value);  // whole cents
      ASSERT_TRUE(Matches(e.item_id, sku)) << e.item_id;
      ASSERT_EQ(e.params.size(), 1u);
      EXPECT_EQ(e.params[0].key, "currency");
      EXPECT_EQ(e.page, "/checkout/thank-you");
    } else {
      EXPECT_FALSE(e.has_value());
    }
    if (e.event == "add_to_cart") {
      EXPECT_TRUE(Matches(e.item_id, sku)) << e.item_id;
    }
    if (e.event == "scroll") {
      ASSERT_EQ(e.params.size(), 1u);
      EXPECT_EQ(e.params[0].key, "scroll_depth");
      EXPECT_TRUE(e.params[0].is_number);
    }
    if (e.event == "page_view" && !e.page.empty()) {
      EXPECT_EQ(e.page[0], '/');
      EXPECT_FALSE(e.title.empty());
    }
    if (e.event == "page_view" && e.event_id.empty() &&
        (!e.referrer.empty() || !e.utm_source.empty())) {
      ++landings;
      landings_with_utm += !e.utm_source.empty();
    }
  }
  const double n = events.size();
  EXPECT_GT(by_event["page_view"] / n, 0.5);
  EXPECT_GT(by_event["scroll"], 0u);
  EXPECT_GT(by_event["click"], 0u);
  EXPECT_GT(by_event["add_to_cart"], by_event["purchase"]);
  EXPECT_GT(by_event["app_open"], 0u);
  EXPECT_NEAR(with_event_id / n, 0.20, 0.06);
  EXPECT_EQ(with_session_id, with_event_id);  // session_id: app events only
  EXPECT_NEAR(static_cast<double>(logged_in.size()) / clients.size(), 0.20, 0.03);
  // Landings with a referrer or campaign: ~30% of all landings carry UTM, and about 2/3
  // of landings have a referrer or UTM, so the share here is about 0.3 / 0.75.
  EXPECT_NEAR(static_cast<double>(landings_with_utm) / landings, 0.40, 0.06);
}

TEST(GeneratorTest, ArrivalOrderAndLateness) {
  const Sample& s = Big();
  std::vector<int64_t> lateness;
  int64_t max_ts_seen = std::numeric_limits<int64_t>::min();
  size_t behind_by_an_hour = 0;
  for (size_t i = 0; i < s.events.size(); ++i) {
    if (i > 0) {
      ASSERT_GE(s.arrivals[i], s.arrivals[i - 1]);
    }
    lateness.push_back(s.arrivals[i] - s.events[i].ts_us);
    // What a consumer sees without arrival times: how far behind the newest event.
    max_ts_seen = std::max(max_ts_seen, s.events[i].ts_us);
    behind_by_an_hour += max_ts_seen - s.events[i].ts_us > kHourUs;
  }
  std::sort(lateness.begin(), lateness.end());
  const double n = lateness.size();
  EXPECT_GE(lateness.front(), 0);
  EXPECT_GE(lateness[lateness.size() / 2], kSecondUs / 2);
  EXPECT_LE(lateness[lateness.size() / 2], 5 * kSecondUs);
  const auto share_above = [&](int64_t t) {
    return (lateness.end() - std::upper_bound(lateness.begin(), lateness.end(), t)) / n;
  };
  EXPECT_NEAR(share_above(kMinuteUs), 0.10, 0.04);
  EXPECT_GE(share_above(kHourUs), 0.002);
  EXPECT_LE(share_above(kHourUs), 0.01);
  EXPECT_LE(lateness.back(), 6 * kHourUs + kHourUs);
  EXPECT_GT(behind_by_an_hour, 0u);
}

TEST(GeneratorTest, BufferBoundedByLatenessWindowNotTotal) {
  // 300k events over 7 days is ~1.8k events per hour; the buffer holds the events of the
  // minutes-late window plus the few offline sessions, far below the total.
  EXPECT_LT(Big().max_buffered, 3000u);
  GeneratorOptions o = Options(300000);
  o.days = 1;  // seven times the rate: the buffer grows with the rate, not the total
  const Sample dense = Generate(o);
  EXPECT_LT(dense.max_buffered, 20000u);
  EXPECT_GT(dense.max_buffered, Big().max_buffered);
}

TEST(GeneratorTest, DailyCycle) {
  std::vector<double> by_hour(24);
  for (const Event& e : Big().events) by_hour[(e.ts_us / kHourUs) % 24] += 1;
  const double night = by_hour[2] + by_hour[3] + by_hour[4] + by_hour[5];
  const double afternoon = by_hour[13] + by_hour[14] + by_hour[15] + by_hour[16];
  EXPECT_LT(night * 4, afternoon);
  EXPECT_EQ(std::max_element(by_hour.begin(), by_hour.end()) - by_hour.begin() >= 12, true);
}

TEST(GeneratorTest, LineSizesRealistic) {
  Generator g(Options(50000));
  Event e;
  std::string line;
  size_t total = 0, min_size = SIZE_MAX, max_size = 0, n = 0;
  while (g.Next(&e)) {
    line.clear();
    Generator::AppendJson(e, &line);
    ASSERT_EQ(line.back(), '\n');
    ASSERT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
    total += line.size();
    min_size = std::min(min_size, line.size());
    max_size = std::max(max_size, line.size());
    ++n;
  }
  const double average = static_cast<double>(total) / n;
  EXPECT_GE(average, 250);
  EXPECT_LE(average, 450);
  EXPECT_GE(min_size, 150u);
  EXPECT_LE(max_size, 800u);
}

// The generator's lines are valid tracker input: the decoder accepts every one and gets
// back exactly the generated event.
TEST(GeneratorTest, JsonRoundTripsThroughDecoder) {
  Generator g(Options(20000, 3));
  EventDecoder decoder;
  Event e, decoded;
  std::string line;
  while (g.Next(&e)) {
    line.clear();
    Generator::AppendJson(e, &line);
    line.pop_back();  // the newline
    const std::optional<EventError> error = decoder.Decode(line, &decoded);
    ASSERT_FALSE(error.has_value()) << error->ToString() << " in " << line;
    ASSERT_EQ(decoded, e) << line;
  }
}

TEST(GeneratorTest, AppendJsonMinimalEvent) {
  Event e;
  e.merchant = "m";
  e.ts_us = 1793491200123999;  // truncated to the millisecond
  e.event = "page_view";
  std::string out = "prefix|";
  Generator::AppendJson(e, &out);
  EXPECT_EQ(out, "prefix|{\"merchant\":\"m\",\"ts\":1793491200123,\"event\":\"page_view\"}\n");
}

TEST(GeneratorTest, AppendJsonAllFieldsInOrder) {
  Event e;
  e.merchant = "shop-000001";
  e.ts_us = 1000000;
  e.event = "purchase";
  e.client_id = "c";
  e.user_id = "u";
  e.session_id = "s";
  e.page = "/p";
  e.title = "t";
  e.referrer = "r";
  e.utm_source = "us";
  e.utm_medium = "um";
  e.utm_campaign = "uc";
  e.device = "d";
  e.os = "o";
  e.browser = "b";
  e.country = "US";
  e.language = "en-US";
  e.item_id = "SKU-1";
  e.value = 59.99;
  e.event_id = "0123456789abcdef";
  e.params = {Param{"currency", false, "USD", 0}, Param{"qty", true, "", 2},
              Param{"ratio", true, "", 0.1}};
  std::string out;
  Generator::AppendJson(e, &out);
  EXPECT_EQ(out,
            "{\"merchant\":\"shop-000001\",\"ts\":1000,\"event\":\"purchase\",\"client_id\":\"c\","
            "\"user_id\":\"u\",\"session_id\":\"s\",\"page\":\"/p\",\"title\":\"t\","
            "\"referrer\":\"r\",\"utm_source\":\"us\",\"utm_medium\":\"um\","
            "\"utm_campaign\":\"uc\",\"device\":\"d\",\"os\":\"o\",\"browser\":\"b\","
            "\"country\":\"US\",\"language\":\"en-US\",\"item_id\":\"SKU-1\",\"value\":59.99,"
            "\"event_id\":\"0123456789abcdef\","
            "\"params\":{\"currency\":\"USD\",\"qty\":2,\"ratio\":0.1}}\n");
}

TEST(GeneratorTest, AppendJsonEscapes) {
  Event e;
  e.merchant = "m";
  e.ts_us = -1;  // floor: millisecond -1
  e.event = std::string("q\"b\\n\nr\rt\tb\bf\f\x01\x1f\x7f", 17);
  e.title = "caf\xc3\xa9 \"quoted\" and \\slash\\";  // UTF-8 passes through
  e.params = {Param{"k\"ey", false, "line1\nline2", 0},
              Param{"nan", true, "", std::numeric_limits<double>::quiet_NaN()}};
  std::string out;
  Generator::AppendJson(e, &out);
  EXPECT_EQ(out,
            "{\"merchant\":\"m\",\"ts\":-1,\"event\":\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001"
            "\\u001f\x7f\",\"title\":\"caf\xc3\xa9 \\\"quoted\\\" and \\\\slash\\\\\","
            "\"params\":{\"k\\\"ey\":\"line1\\nline2\",\"nan\":null}}\n");
}

// Strings around the 8-byte word size, with the escape in each position: the word-wise
// fast path and the overlapping tail copy must agree with byte-by-byte escaping.
TEST(GeneratorTest, AppendJsonEscapesAtEveryPosition) {
  const std::pair<char, std::string> kSpecial[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}};
  for (const auto& [special, escaped] : kSpecial) {
    for (size_t len = 1; len <= 24; ++len) {
      for (size_t at = 0; at <= len; ++at) {  // at == len: no special character
        std::string s(len, 'a');
        for (size_t i = 0; i < len; ++i) s[i] = static_cast<char>('a' + i % 26);
        std::string expected = s;
        if (at < len) {
          s[at] = special;
          expected = s.substr(0, at) + escaped + s.substr(at + 1);
        }
        Event e;
        e.merchant = "m";
        e.event = "e";
        e.page = s;
        std::string out;
        Generator::AppendJson(e, &out);
        ASSERT_EQ(out,
                  "{\"merchant\":\"m\",\"ts\":0,\"event\":\"e\",\"page\":\"" + expected + "\"}\n")
            << "len " << len << " at " << at;
      }
    }
  }
}

TEST(GeneratorTest, AppendJsonOmitsNonFiniteValue) {
  Event e;
  e.merchant = "m";
  e.event = "e";
  e.value = std::numeric_limits<double>::infinity();
  std::string out;
  Generator::AppendJson(e, &out);
  EXPECT_EQ(out, "{\"merchant\":\"m\",\"ts\":0,\"event\":\"e\"}\n");
}

TEST(GeneratorTest, ValidateOptions) {
  EXPECT_TRUE(ValidateGeneratorOptions(GeneratorOptions()).ok());
  GeneratorOptions o;
  o.merchants = 0;
  absl::Status s = ValidateGeneratorOptions(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "merchants must be 1..1000000, got 0");
  o = GeneratorOptions();
  o.days = 0;
  EXPECT_EQ(ValidateGeneratorOptions(o).message(), "days must be 1..3660, got 0");
  o = GeneratorOptions();
  o.zipf_exponent = 0;
  EXPECT_EQ(ValidateGeneratorOptions(o).code(), absl::StatusCode::kInvalidArgument);
  o = GeneratorOptions();
  o.start_us = 1500;
  EXPECT_EQ(ValidateGeneratorOptions(o).message(),
            "start_us must be a non-negative whole millisecond, got 1500");
}

}  // namespace
}  // namespace strata::ingest
