// Unit tests of the small pieces: JSON output, URL and header helpers, the in-flight gate,
// the deadline timer.
#include <atomic>
#include <cmath>
#include <limits>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/http/deadline_timer.h"
#include "server/http/ingest_gate.h"
#include "server/http/json_writer.h"
#include "server/http/request.h"

namespace strata::server::http {
namespace {

std::string JsonOf(const query::Value& v) {
  std::string out;
  AppendJsonValue(v, &out);
  return out;
}

TEST(JsonWriter, EscapesStrings) {
  std::string out;
  AppendJsonString("a\"b\\c\n\r\t\b\f\x01\x1f\x7f é 😀", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f é 😀\"");
}

TEST(JsonWriter, Values) {
  EXPECT_EQ(JsonOf(query::Value::Null()), "null");
  EXPECT_EQ(JsonOf(query::Value::Null(query::Type::kInt64)), "null");
  EXPECT_EQ(JsonOf(query::Value::Bool(true)), "true");
  EXPECT_EQ(JsonOf(query::Value::Bool(false)), "false");
  EXPECT_EQ(JsonOf(query::Value::Int(-42)), "-42");
  EXPECT_EQ(JsonOf(query::Value::Float(0.1)), "0.1");
  EXPECT_EQ(JsonOf(query::Value::Float(1e300)), "1e+300");
  EXPECT_EQ(JsonOf(query::Value::Float(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(JsonOf(query::Value::Float(std::numeric_limits<double>::infinity())), "\"Infinity\"");
  EXPECT_EQ(JsonOf(query::Value::Float(-std::numeric_limits<double>::infinity())), "\"-Infinity\"");
  EXPECT_EQ(JsonOf(query::Value::String("x\"y")), "\"x\\\"y\"");
  EXPECT_EQ(JsonOf(query::Value::Timestamp(1793534400250000)), "\"2026-11-01T12:00:00.25Z\"");
  EXPECT_EQ(JsonOf(query::Value::IntervalOf({0, 1, 7200000000})), "\"1 day 02:00:00\"");
}

TEST(Request, UrlDecode) {
  EXPECT_EQ(UrlDecode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(UrlDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(UrlDecode("wk_%41"), "wk_A");
}

TEST(Request, QueryParam) {
  EXPECT_EQ(QueryParam("a=1&key=wk%5Fx&b", "key"), "wk_x");
  EXPECT_EQ(QueryParam("a=1&b", "b"), "");
  EXPECT_EQ(QueryParam("a=1", "key"), std::nullopt);
  EXPECT_EQ(QueryParam("", "key"), std::nullopt);
}

TEST(Request, MediaType) {
  EXPECT_EQ(MediaType("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(MediaType(" text/plain "), "text/plain");
  EXPECT_EQ(MediaType(""), "");
}

TEST(Request, ErrorReply) {
  HttpReply r = ErrorReply(404, "no \"x\"");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error":{"message":"no \"x\""}})");
}

TEST(IngestGate, BoundsTheTotal) {
  Gauge gauge;
  IngestGate gate(100, &gauge);
  IngestGate::Reservation a = gate.Open();
  IngestGate::Reservation b = gate.Open();
  EXPECT_TRUE(a.Grow(60));
  EXPECT_TRUE(b.Grow(40));
  EXPECT_FALSE(b.Grow(1));
  EXPECT_EQ(gate.inflight_bytes(), 100u);
  EXPECT_EQ(gauge.value(), 100);
  a.Shrink(10);
  EXPECT_TRUE(b.Grow(10));
  a.Reset();
  EXPECT_EQ(gate.inflight_bytes(), 50u);
  {
    IngestGate::Reservation moved = std::move(b);
    EXPECT_EQ(moved.bytes(), 50u);
  }
  EXPECT_EQ(gate.inflight_bytes(), 0u);
  EXPECT_EQ(gauge.value(), 0);
}

TEST(IngestGate, ALoneRequestMayPassTheBound) {
  IngestGate gate(100, nullptr);
  IngestGate::Reservation a = gate.Open();
  EXPECT_TRUE(a.Grow(500));
  EXPECT_TRUE(a.Grow(500));  // still alone
  IngestGate::Reservation b = gate.Open();
  EXPECT_FALSE(b.Grow(1));
  a.Reset();
  EXPECT_TRUE(b.Grow(1));
}

TEST(DeadlineTimer, FiresRepeatedlyUntilDisarmed) {
  DeadlineTimer timer(absl::Milliseconds(5));
  std::atomic<int> fired{0};
  const uint64_t id = timer.Arm(absl::Now() + absl::Milliseconds(20), [&] { fired++; });
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_TRUE(timer.Disarm(id));
  const int after = fired.load();
  EXPECT_GE(after, 2);
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(fired.load(), after);
}

TEST(DeadlineTimer, DisarmedBeforeTheDeadlineNeverFires) {
  DeadlineTimer timer;
  std::atomic<int> fired{0};
  const uint64_t id = timer.Arm(absl::Now() + absl::Seconds(10), [&] { fired++; });
  EXPECT_FALSE(timer.Disarm(id));
  EXPECT_FALSE(timer.Disarm(id));
  EXPECT_EQ(fired.load(), 0);
}

}  // namespace
}  // namespace strata::server::http
