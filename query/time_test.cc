// ParseInterval, ParseTimestamp, LoadZone, calendar helpers, and the time functions across
// daylight-saving transitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "query/cast.h"
#include "query/error.h"
#include "query/expr.h"
#include "query/expr_test_util.h"
#include "query/time_util.h"

namespace strata::query {
namespace {

using testing::Args;
using testing::Call;
using testing::Ctx;
using testing::Int;
using testing::Iv;
using testing::Str;
using testing::Ts;
using testing::TsUs;

constexpr int64_t kH = kMicrosPerHour;
constexpr int64_t kMin = kMicrosPerMinute;
constexpr int64_t kS = kMicrosPerSecond;

Interval I(int32_t months, int32_t days, int64_t micros) { return Interval{months, days, micros}; }

std::string IntervalError(const char* text) {
  auto r = ParseInterval(text);
  return r.ok() ? "ok" : testing::ErrorText(r.status());
}

TEST(ParseIntervalTest, UnitsAndForms) {
  struct Case {
    const char* text;
    Interval want;
  } cases[] = {
      {"7 days", I(0, 7, 0)},
      {"1 day 2 hours", I(0, 1, 2 * kH)},
      {"15 minutes", I(0, 0, 15 * kMin)},
      {"15 min", I(0, 0, 15 * kMin)},
      {"15min", I(0, 0, 15 * kMin)},
      {"90 s", I(0, 0, 90 * kS)},
      {"2 weeks", I(0, 14, 0)},
      {"1 month", I(1, 0, 0)},
      {"1 year 2 mons", I(14, 0, 0)},
      {"1 hour 30 minutes", I(0, 0, 90 * kMin)},
      {"-1 day", I(0, -1, 0)},
      {"00:15:00", I(0, 0, 15 * kMin)},
      {"1 day 02:00:00", I(0, 1, 2 * kH)},
      {"-01:30", I(0, 0, -90 * kMin)},
      {"1:30:15.5", I(0, 0, 90 * kMin + 15 * kS + 500000)},
      {"1.5 hours", I(0, 0, 90 * kMin)},
      {"1.5 days", I(0, 1, 12 * kH)},
      {"1.5 months", I(1, 15, 0)},
      {"1.5 years", I(18, 0, 0)},
      {"0.5 weeks", I(0, 3, 12 * kH)},
      {"2 days ago", I(0, -2, 0)},
      {"10", I(0, 0, 10 * kS)},
      {"  3 DAYS  ", I(0, 3, 0)},
      {"1 s", I(0, 0, kS)},
      {"2 sec", I(0, 0, 2 * kS)},
      {"3 secs", I(0, 0, 3 * kS)},
      {"1 m", I(0, 0, kMin)},
      {"4 mins", I(0, 0, 4 * kMin)},
      {"1 h", I(0, 0, kH)},
      {"1 hr", I(0, 0, kH)},
      {"2 hrs", I(0, 0, 2 * kH)},
      {"3 d", I(0, 3, 0)},
      {"1 w", I(0, 7, 0)},
      {"1 mon", I(1, 0, 0)},
      {"2 mons", I(2, 0, 0)},
      {"1 y", I(12, 0, 0)},
      {"1 yr", I(12, 0, 0)},
      {"2 yrs", I(24, 0, 0)},
      {"250 ms", I(0, 0, 250000)},
      {"7 us", I(0, 0, 7)},
      {"1 decade", I(120, 0, 0)},
      {"@ 1 hour", I(0, 0, kH)},
      {"P1Y2M3DT4H5M6S", I(14, 3, 4 * kH + 5 * kMin + 6 * kS)},
      {"PT15M", I(0, 0, 15 * kMin)},
      {"P2W", I(0, 14, 0)},
  };
  for (const Case& c : cases) {
    auto got = ParseInterval(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text << " -> " << Value::IntervalOf(*got).ToString();
  }
}

TEST(ParseIntervalTest, Errors) {
  EXPECT_EQ(IntervalError("abc"), "ERROR 22007: invalid input syntax for type interval: \"abc\"");
  EXPECT_EQ(IntervalError(""), "ERROR 22007: invalid input syntax for type interval: \"\"");
  EXPECT_EQ(IntervalError("1 fortnight"),
            "ERROR 22007: invalid input syntax for type interval: \"1 fortnight\"");
  EXPECT_EQ(IntervalError("1 day day"),
            "ERROR 22007: invalid input syntax for type interval: \"1 day day\"");
  EXPECT_EQ(IntervalError("12:99"),
            "ERROR 22007: invalid input syntax for type interval: \"12:99\"");
  EXPECT_EQ(IntervalError("P1X"), "ERROR 22007: invalid input syntax for type interval: \"P1X\"");
  EXPECT_EQ(testing::ErrorText(ParseInterval("3000000000 days").status()),
            "ERROR 22008: interval field value out of range: \"3000000000 days\"");
}

TEST(ParseIntervalTest, RoundTripsThroughText) {
  for (const char* text :
       {"1 day 02:00:00", "1 year 2 mons 3 days 04:05:06.5", "-1 days", "00:15:00", "2 mons"}) {
    auto iv = ParseInterval(text);
    ASSERT_TRUE(iv.ok()) << text;
    auto back = ParseInterval(Value::IntervalOf(*iv).ToString());
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(*back, *iv) << text;
  }
  EXPECT_EQ(Value::IntervalOf(*ParseInterval("26 hours")).ToString(), "26:00:00");
}

std::string TsText(const char* text, const char* zone = "UTC", const char* show = "UTC") {
  auto us = ParseTimestamp(text, *LoadZone(zone));
  if (!us.ok()) return testing::ErrorText(us.status());
  return Value::Timestamp(*us).ToString(*LoadZone(show));
}

TEST(ParseTimestampTest, Forms) {
  EXPECT_EQ(TsText("2026-11-01"), "2026-11-01 00:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00"), "2026-11-01 12:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00"), "2026-11-01 12:00:00+00");
  EXPECT_EQ(TsText("2026-11-01T12:00:00Z"), "2026-11-01 12:00:00+00");
  EXPECT_EQ(TsText("2026-11-01T12:00:00z"), "2026-11-01 12:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00.123456"), "2026-11-01 12:00:00.123456+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00.5"), "2026-11-01 12:00:00.5+00");
  EXPECT_EQ(TsText("2026-11-01 00:00:00.1234567"), "2026-11-01 00:00:00.123457+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00+01"), "2026-11-01 11:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00+0100"), "2026-11-01 11:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00+01:00"), "2026-11-01 11:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00:00 -05:00"), "2026-11-01 17:00:00+00");
  EXPECT_EQ(TsText("2026-11-01T12:00:00.25-05:30"), "2026-11-01 17:30:00.25+00");
  EXPECT_EQ(TsText("2026-11-01 12:00 Europe/Berlin"), "2026-11-01 11:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 12:00 UTC", "Europe/Berlin"), "2026-11-01 12:00:00+00");
  EXPECT_EQ(TsText("  2026-1-5  "), "2026-01-05 00:00:00+00");
  EXPECT_EQ(TsText("2026-11-01 24:00:00"), "2026-11-02 00:00:00+00");
  EXPECT_EQ(TsText("2026-12-31 23:59:60"), "2027-01-01 00:00:00+00");
  EXPECT_EQ(TsText("2028-02-29"), "2028-02-29 00:00:00+00");
  EXPECT_EQ(TsText("1969-12-31 23:59:59.5"), "1969-12-31 23:59:59.5+00");
  // Text without an offset is in the given zone.
  EXPECT_EQ(TsText("2026-11-01", "Europe/Berlin"), "2026-10-31 23:00:00+00");
  EXPECT_EQ(TsText("2026-07-01 12:00", "Europe/Berlin", "Europe/Berlin"), "2026-07-01 12:00:00+02");
}

TEST(ParseTimestampTest, Errors) {
  EXPECT_EQ(TsText("x"),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: \"x\"");
  EXPECT_EQ(TsText("2026-11-01 12"),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: "
            "\"2026-11-01 12\"");
  EXPECT_EQ(TsText("2026/11/01"),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: "
            "\"2026/11/01\"");
  EXPECT_EQ(TsText("2026-11-01 12:00:00 junk!"),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: "
            "\"2026-11-01 12:00:00 junk!\"");
  EXPECT_EQ(TsText("2026-02-30"),
            "ERROR 22008: date/time field value out of range: \"2026-02-30\"");
  EXPECT_EQ(TsText("2026-02-29"),
            "ERROR 22008: date/time field value out of range: \"2026-02-29\"");
  EXPECT_EQ(TsText("2026-13-01"),
            "ERROR 22008: date/time field value out of range: \"2026-13-01\"");
  EXPECT_EQ(TsText("2026-11-01 25:00"),
            "ERROR 22008: date/time field value out of range: \"2026-11-01 25:00\"");
  EXPECT_EQ(TsText("2026-11-01 12:61"),
            "ERROR 22008: date/time field value out of range: \"2026-11-01 12:61\"");
  EXPECT_EQ(TsText("2026-11-01 12:00 Mars/Phobos"),
            "ERROR 22023: time zone \"Mars/Phobos\" not recognized");
  EXPECT_EQ(TsText("2026-11-01 12:00+16"),
            "ERROR 22009: time zone displacement out of range: \"2026-11-01 12:00+16\"");
}

TEST(ParseTimestampTest, DaylightSavingGapsAndRepeats) {
  // PostgreSQL: a skipped wall-clock time is read with the offset before the jump, a
  // repeated one with the offset after it.
  EXPECT_EQ(TsText("2026-03-29 02:30", "Europe/Berlin", "Europe/Berlin"), "2026-03-29 03:30:00+02");
  EXPECT_EQ(TsText("2026-10-25 02:30", "Europe/Berlin"), "2026-10-25 01:30:00+00");
  EXPECT_EQ(TsText("2026-03-08 02:30", "America/New_York", "America/New_York"),
            "2026-03-08 03:30:00-04");
  EXPECT_EQ(TsText("2026-11-01 01:30", "America/New_York", "America/New_York"),
            "2026-11-01 01:30:00-05");
}

TEST(LoadZoneTest, NamesAndOffsets) {
  auto at = [](const char* name) {
    auto z = LoadZone(name);
    if (!z.ok()) return testing::ErrorText(z.status());
    return std::to_string(z->At(absl::FromUnixSeconds(1'784'000'000)).offset);  // July 2026
  };
  EXPECT_EQ(at("UTC"), "0");
  EXPECT_EQ(at("utc"), "0");
  EXPECT_EQ(at("GMT"), "0");
  EXPECT_EQ(at("Z"), "0");
  EXPECT_EQ(at("Europe/Berlin"), "7200");
  EXPECT_EQ(at("europe/berlin"), "7200");
  EXPECT_EQ(at("America/New_York"), "-14400");
  EXPECT_EQ(at("+02:00"), "7200");
  EXPECT_EQ(at("-05"), "-18000");
  EXPECT_EQ(at("+0530"), "19800");
  EXPECT_EQ(at("Mars/Phobos"), "ERROR 22023: time zone \"Mars/Phobos\" not recognized");
  EXPECT_EQ(at("../../etc/passwd"), "ERROR 22023: time zone \"../../etc/passwd\" not recognized");
  EXPECT_EQ(at(""), "ERROR 22023: time zone \"\" not recognized");
  EXPECT_EQ(at("+25:00"), "ERROR 22023: time zone \"+25:00\" not recognized");
}

TEST(LoadZoneTest, ConcurrentLoadsAgree) {
  std::vector<std::thread> threads;
  std::vector<int> offsets(8, -1);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &offsets] {
      const char* names[] = {"Asia/Tokyo", "Europe/Paris"};
      for (int k = 0; k < 200; ++k) {
        auto z = LoadZone(names[t % 2]);
        if (z.ok()) offsets[t] = z->At(absl::FromUnixSeconds(0)).offset;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(offsets[t], t % 2 == 0 ? 9 * 3600 : 3600);
}

TEST(CalendarTest, DaysAndFields) {
  for (int64_t days : {-800000, -719468, -1, 0, 1, 59, 365, 10957, 20758, 2932896}) {
    int64_t y;
    int m, d;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, m, d), days);
  }
  CivilFields f = SplitLocal(TsUs("2026-11-01 13:14:15.5"));
  EXPECT_EQ(f.year, 2026);
  EXPECT_EQ(f.month, 11);
  EXPECT_EQ(f.day, 1);
  EXPECT_EQ(f.hour, 13);
  EXPECT_EQ(f.minute, 14);
  EXPECT_EQ(f.second, 15);
  EXPECT_EQ(f.micros, 500000);
  EXPECT_EQ(JoinLocal(2026, 13, 1, 0), TsUs("2027-01-01"));
  EXPECT_EQ(JoinLocal(2026, 3, 0, 0), TsUs("2026-02-28"));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
}

TEST(ZoneConverterTest, MatchesAbseilEverywhere) {
  for (const char* name :
       {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"}) {
    absl::TimeZone zone = *LoadZone(name);
    ZoneConverter conv(zone);
    // Every 37 minutes over two years, in order and then backwards.
    std::vector<int64_t> times;
    for (int64_t t = TsUs("2025-06-01"); t < TsUs("2027-06-01"); t += 37 * kMin) {
      times.push_back(t);
    }
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t t : times) {
        int64_t want = t + int64_t{zone.At(absl::FromUnixMicros(t)).offset} * kS;
        ASSERT_EQ(conv.ToLocal(t), want) << name << " " << t;
      }
      std::reverse(times.begin(), times.end());
    }
  }
}

TEST(FormatTest, SameAsValueToString) {
  char buf[128];
  for (double d : {0.0, -0.0, 1.5, -2.25, 1e15, 1e-5, 0.0001, 123456789012345.0, 0.1 + 0.2, 1e300,
                   -1e-300, 3.0, 100.0}) {
    EXPECT_EQ(std::string(buf, FormatDoubleTo(d, buf)), Value::Float(d).ToString()) << d;
  }
  EXPECT_EQ(std::string(buf, FormatDoubleTo(std::nan(""), buf)), "NaN");
  EXPECT_EQ(std::string(buf, FormatDoubleTo(-HUGE_VAL, buf)), "-Infinity");
  for (const char* zone_name : {"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"}) {
    absl::TimeZone zone = *LoadZone(zone_name);
    ZoneConverter conv(zone);
    for (int64_t us : {int64_t{0}, TsUs("2026-11-01 12:00:00.5"), TsUs("1969-07-20 20:17:40"),
                       TsUs("2026-03-29 01:00:00.000001"), int64_t{-1}}) {
      EXPECT_EQ(std::string(buf, FormatTimestampTo(us, conv.OffsetSeconds(us), buf)),
                Value::Timestamp(us).ToString(zone))
          << zone_name << " " << us;
    }
  }
  for (Interval iv : {I(0, 0, 0), I(14, 3, 4 * kH + 5 * kMin + 6 * kS + 500000), I(-1, -2, -kS),
                      I(0, 1, 0), I(0, 0, -90 * kMin), I(12, 0, 0)}) {
    EXPECT_EQ(std::string(buf, FormatIntervalTo(iv, buf)), Value::IntervalOf(iv).ToString());
  }
}

// ---------------------------------------------------------------------------------------
// Time functions across daylight-saving transitions.

std::string TruncDay(const char* ts_utc, const char* zone) {
  ExprContext ctx = Ctx(zone);
  auto e = MakeCall("date_trunc", Args(Str("day"), Ts(TsUs(ts_utc))), ctx);
  if (!e.ok()) return testing::ErrorText(e.status());
  return (*e)->constant.ToString(ctx.time_zone);
}

std::string BucketDay(const char* ts_utc, const char* zone) {
  ExprContext ctx = Ctx();
  auto e = MakeCall("time_bucket", Args(Iv(0, 1, 0), Ts(TsUs(ts_utc)), Str(zone)), ctx);
  if (!e.ok()) return testing::ErrorText(e.status());
  return (*e)->constant.ToString(*LoadZone(zone));
}

TEST(TimeFunctionsTest, DateTruncDayAcrossDst) {
  // Berlin: 2026-03-29 has 23 hours, 2026-10-25 has 25.
  EXPECT_EQ(TruncDay("2026-03-29 12:00", "Europe/Berlin"), "2026-03-29 00:00:00+01");
  EXPECT_EQ(TruncDay("2026-03-29 00:30", "Europe/Berlin"), "2026-03-29 00:00:00+01");
  EXPECT_EQ(TruncDay("2026-03-29 22:30", "Europe/Berlin"), "2026-03-30 00:00:00+02");
  EXPECT_EQ(TruncDay("2026-10-25 12:00", "Europe/Berlin"), "2026-10-25 00:00:00+02");
  EXPECT_EQ(TruncDay("2026-10-25 22:59", "Europe/Berlin"), "2026-10-25 00:00:00+02");
  EXPECT_EQ(TruncDay("2026-10-25 23:00", "Europe/Berlin"), "2026-10-26 00:00:00+01");
  // New York: 2026-03-08 and 2026-11-01.
  EXPECT_EQ(TruncDay("2026-03-08 12:00", "America/New_York"), "2026-03-08 00:00:00-05");
  EXPECT_EQ(TruncDay("2026-03-09 03:59", "America/New_York"), "2026-03-08 00:00:00-05");
  EXPECT_EQ(TruncDay("2026-11-01 12:00", "America/New_York"), "2026-11-01 00:00:00-04");
  EXPECT_EQ(TruncDay("2026-11-02 04:59", "America/New_York"), "2026-11-01 00:00:00-04");
}

TEST(TimeFunctionsTest, TimeBucketDayAcrossDst) {
  EXPECT_EQ(BucketDay("2026-03-29 12:00", "Europe/Berlin"), "2026-03-29 00:00:00+01");
  EXPECT_EQ(BucketDay("2026-03-29 22:30", "Europe/Berlin"), "2026-03-30 00:00:00+02");
  EXPECT_EQ(BucketDay("2026-10-25 12:00", "Europe/Berlin"), "2026-10-25 00:00:00+02");
  EXPECT_EQ(BucketDay("2026-10-25 23:00", "Europe/Berlin"), "2026-10-26 00:00:00+01");
  EXPECT_EQ(BucketDay("2026-03-08 12:00", "America/New_York"), "2026-03-08 00:00:00-05");
  EXPECT_EQ(BucketDay("2026-11-01 12:00", "America/New_York"), "2026-11-01 00:00:00-04");
  EXPECT_EQ(BucketDay("2026-11-02 04:59", "America/New_York"), "2026-11-01 00:00:00-04");
}

TEST(TimeFunctionsTest, VectorizedBucketsMatchFoldedOnes) {
  // A chunk of timestamps every 10 minutes across the Berlin fall-back day, bucketed by
  // the vectorized kernel (with its caches) and one value at a time.
  Vector ts(Type::kTimestamp);
  for (int64_t t = TsUs("2026-10-24 20:00"); t < TsUs("2026-10-26 04:00"); t += 10 * kMin) {
    ts.Append(Value::Timestamp(t));
  }
  Chunk chunk = testing::MakeChunk({ts});
  ExprContext ctx = Ctx("Europe/Berlin");
  for (const char* width : {"1 day", "1 hour", "15 minutes"}) {
    auto bucket = MakeCall(
        "time_bucket",
        Args(Str(width), MakeColumn(0, Type::kTimestamp, "ts"), Str("Europe/Berlin")), ctx);
    auto trunc =
        MakeCall("date_trunc", Args(Str("day"), MakeColumn(0, Type::kTimestamp, "ts")), ctx);
    ASSERT_TRUE(bucket.ok() && trunc.ok());
    auto got = testing::EvalTexts(**bucket, chunk, ctx);
    auto got_trunc = testing::EvalTexts(**trunc, chunk, ctx);
    for (size_t r = 0; r < ts.size(); ++r) {
      auto one =
          MakeCall("time_bucket", Args(Str(width), Ts(ts.i64[r]), Str("Europe/Berlin")), ctx);
      EXPECT_EQ(got[r], testing::ValueText((*one)->constant, ctx.time_zone)) << width << r;
      auto day = MakeCall("date_trunc", Args(Str("day"), Ts(ts.i64[r])), ctx);
      EXPECT_EQ(got_trunc[r], testing::ValueText((*day)->constant, ctx.time_zone)) << r;
    }
  }
}

TEST(TimeFunctionsTest, HourBucketsInTheRepeatedHour) {
  ExprContext ctx = Ctx("Europe/Berlin");
  auto show = [&](const char* fn, const char* width_or_field, const char* ts) {
    auto e = std::string(fn) == "date_trunc"
                 ? MakeCall(fn, Args(Str(width_or_field), Ts(TsUs(ts))), ctx)
                 : MakeCall(fn, Args(Str(width_or_field), Ts(TsUs(ts)), Str("Europe/Berlin")), ctx);
    return (*e)->constant.ToString(ctx.time_zone);
  };
  // 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET. date_trunc below a day keeps the
  // instant's offset (PostgreSQL); time_bucket reads the wall clock 02:00 back in the zone,
  // which picks the later (standard time) instant for both (TimescaleDB).
  EXPECT_EQ(show("date_trunc", "hour", "2026-10-25 00:30"), "2026-10-25 02:00:00+02");
  EXPECT_EQ(show("date_trunc", "hour", "2026-10-25 01:30"), "2026-10-25 02:00:00+01");
  EXPECT_EQ(show("time_bucket", "1 hour", "2026-10-25 00:30"), "2026-10-25 02:00:00+01");
  EXPECT_EQ(show("time_bucket", "1 hour", "2026-10-25 01:30"), "2026-10-25 02:00:00+01");
}

TEST(TimeFunctionsTest, IntervalArithmeticInTheSessionZone) {
  ExprContext berlin = Ctx("Europe/Berlin");
  auto plus = [&](const char* ts, Interval iv) {
    auto e = MakeCall("+", Args(Ts(TsUs(ts)), testing::Lit(Value::IntervalOf(iv))), berlin);
    if (!e.ok()) return testing::ErrorText(e.status());
    return (*e)->constant.ToString(berlin.time_zone);
  };
  // Noon stays noon across the spring-forward night; 24 hours do not.
  EXPECT_EQ(plus("2026-03-28 11:00", I(0, 1, 0)), "2026-03-29 12:00:00+02");
  EXPECT_EQ(plus("2026-03-28 11:00", I(0, 0, 24 * kH)), "2026-03-29 13:00:00+02");
  EXPECT_EQ(plus("2026-01-31 11:00", I(1, 0, 0)), "2026-02-28 12:00:00+01");
  EXPECT_EQ(plus("2026-01-31 11:00", I(13, 0, 0)), "2027-02-28 12:00:00+01");
  EXPECT_EQ(plus("2026-03-31 10:00", I(-1, 0, 0)), "2026-02-28 12:00:00+01");
  EXPECT_EQ(plus("2026-10-24 10:00", I(0, 1, kH)), "2026-10-25 13:00:00+01");
  auto minus =
      MakeCall("-", Args(Ts(TsUs("2026-03-29 10:00")), Ts(TsUs("2026-03-28 11:00"))), berlin);
  EXPECT_EQ((*minus)->constant.ToString(), "23:00:00");
  auto minus2 =
      MakeCall("-", Args(Ts(TsUs("2026-11-02 12:00")), Ts(TsUs("2026-11-01 00:00"))), berlin);
  EXPECT_EQ((*minus2)->constant.ToString(), "1 day 12:00:00");
  auto minus3 =
      MakeCall("-", Args(Ts(TsUs("2026-11-01 00:00")), Ts(TsUs("2026-11-03 12:00"))), berlin);
  EXPECT_EQ((*minus3)->constant.ToString(), "-2 days -12:00:00");
}

TEST(TimeFunctionsTest, CurrentDateIsMidnightInTheSessionZone) {
  // now = 2026-11-01 00:00 UTC: still Oct 31 in New York, already Nov 1 in Berlin.
  EXPECT_EQ(Call("current_date", {}, Ctx("America/New_York")), "2026-10-31 04:00:00+00");
  EXPECT_EQ(Call("current_date", {}, Ctx("Europe/Berlin")), "2026-10-31 23:00:00+00");
  EXPECT_EQ(Call("now", {}, Ctx()), "2026-11-01 00:00:00+00");
  EXPECT_EQ(Call("current_timestamp", {}, Ctx()), "2026-11-01 00:00:00+00");
  EXPECT_EQ(Call("localtimestamp", {}, Ctx()), "2026-11-01 00:00:00+00");
}

}  // namespace
}  // namespace strata::query
