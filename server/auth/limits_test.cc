#include "server/auth/limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace strata::server::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MerchantLimits AllSet() {
  MerchantLimits limits;
  limits.max_connections = 5;
  limits.statement_timeout_ms = 0;
  limits.memory_limit_mb = 256;
  limits.session_timeout_minutes = 45;
  limits.time_zone = "Europe/Paris";
  limits.conversion_events = std::vector<std::string>{"purchase", "sign \"up\""};
  return limits;
}

absl::Status Parse(const std::string& json, MerchantLimits* limits,
                   std::vector<std::string>* reset = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return absl::InvalidArgumentError("test: bad JSON");
  return ParseLimitsJson(doc, limits, reset);
}

TEST(LimitsTest, JsonRoundTrip) {
  std::string json;
  AppendLimitsJson(AllSet(), &json);
  EXPECT_EQ(json, R"({"max_connections":5,"statement_timeout_ms":0,"memory_limit_mb":256,)"
                  R"("session_timeout_minutes":45,"time_zone":"Europe/Paris",)"
                  R"("conversion_events":["purchase","sign \"up\""]})");
  MerchantLimits back;
  ASSERT_TRUE(Parse(json, &back).ok());
  EXPECT_EQ(back.max_connections, 5);
  EXPECT_EQ(back.statement_timeout_ms, 0);
  EXPECT_EQ(back.memory_limit_mb, 256);
  EXPECT_EQ(back.session_timeout_minutes, 45);
  EXPECT_EQ(back.time_zone, "Europe/Paris");
  ASSERT_TRUE(back.conversion_events.has_value());
  EXPECT_THAT(*back.conversion_events, ElementsAre("purchase", "sign \"up\""));

  std::string empty;
  AppendLimitsJson({}, &empty);
  EXPECT_EQ(empty, "{}");
  MerchantLimits none;
  ASSERT_TRUE(Parse("{}", &none).ok());
  EXPECT_FALSE(none.time_zone || none.conversion_events || none.session_timeout_minutes);
}

TEST(LimitsTest, JsonErrors) {
  for (const char* bad :
       {R"([])", R"({"nope":1})", R"({"max_connections":"5"})", R"({"max_connections":1.5})",
        R"({"max_connections":99999999999})", R"({"session_timeout_minutes":"30"})",
        R"({"time_zone":1})", R"({"conversion_events":"purchase"})", R"({"conversion_events":[1]})",
        R"({"time_zone":null})"}) {
    MerchantLimits limits;
    EXPECT_EQ(Parse(bad, &limits).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  MerchantLimits limits;
  EXPECT_THAT(Parse(R"({"nope":1})", &limits).message(), HasSubstr("time_zone"));  // known
  EXPECT_THAT(Parse(R"({"time_zone":null})", &limits).message(), HasSubstr("null"));
}

TEST(LimitsTest, NullResetsWhenAllowed) {
  MerchantLimits limits;
  std::vector<std::string> reset;
  ASSERT_TRUE(
      Parse(R"({"time_zone":null,"max_connections":3,"conversion_events":null})", &limits, &reset)
          .ok());
  EXPECT_THAT(reset, ElementsAre("time_zone", "conversion_events"));
  EXPECT_EQ(limits.max_connections, 3);
  EXPECT_FALSE(limits.time_zone.has_value());
}

TEST(LimitsTest, Validation) {
  EXPECT_TRUE(ValidateLimits(AllSet()).ok());
  EXPECT_TRUE(ValidateLimits({}).ok());
  struct Case {
    const char* name;
    void (*edit)(MerchantLimits*);
    const char* message;
  };
  const Case cases[] = {
      {"timeout 0", [](MerchantLimits* l) { l->session_timeout_minutes = 0; },
       "session_timeout_minutes must be 1-10080"},
      {"timeout > 7 days", [](MerchantLimits* l) { l->session_timeout_minutes = 10081; },
       "session_timeout_minutes"},
      {"unknown zone", [](MerchantLimits* l) { l->time_zone = "Mars/Olympus_Mons"; },
       "time_zone \"Mars/Olympus_Mons\""},
      {"empty zone", [](MerchantLimits* l) { l->time_zone = ""; }, "time_zone"},
      {"path zone", [](MerchantLimits* l) { l->time_zone = "../zoneinfo/UTC"; }, "time_zone"},
      {"absolute zone", [](MerchantLimits* l) { l->time_zone = "/usr/share/zoneinfo/UTC"; },
       "time_zone"},
      {"no events", [](MerchantLimits* l) { l->conversion_events.emplace(); },
       "conversion_events must list 1-100"},
      {"empty event",
       [](MerchantLimits* l) {
         l->conversion_events = std::vector<std::string>{"a", ""};
       },
       "1-64 bytes"},
      {"long event",
       [](MerchantLimits* l) {
         l->conversion_events = std::vector<std::string>{std::string(65, 'e')};
       },
       "1-64 bytes"},
      {"bad UTF-8",
       [](MerchantLimits* l) { l->conversion_events = std::vector<std::string>{"\xff"}; }, "UTF-8"},
      {"too many events",
       [](MerchantLimits* l) { l->conversion_events = std::vector<std::string>(101, "e"); },
       "1-100"},
      {"connections", [](MerchantLimits* l) { l->max_connections = 0; }, "max_connections"},
  };
  for (const Case& c : cases) {
    MerchantLimits limits = AllSet();
    c.edit(&limits);
    absl::Status status = ValidateLimits(limits);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.name;
  }
  MerchantLimits edge;
  edge.session_timeout_minutes = 10080;
  edge.time_zone = "America/Argentina/Buenos_Aires";
  edge.conversion_events = std::vector<std::string>{std::string(64, 'e'), "ç"};
  EXPECT_TRUE(ValidateLimits(edge).ok());
  // A stored file needs only well-formed zone names.
  MerchantLimits stored;
  stored.time_zone = "Nowhere/Gone";
  EXPECT_FALSE(ValidateLimits(stored).ok());
  EXPECT_TRUE(ValidateLimits(stored, ZoneCheck::kNameOnly).ok());
  stored.time_zone = "../etc";
  EXPECT_FALSE(ValidateLimits(stored, ZoneCheck::kNameOnly).ok());
}

TEST(LimitsTest, ApplyChange) {
  MerchantLimits limits = AllSet();
  LimitsChange change;
  change.set.time_zone = "Asia/Tokyo";
  change.set.max_connections = 9;
  change.reset = {"conversion_events", "memory_limit_mb"};
  ASSERT_TRUE(ApplyLimitsChange(change, &limits).ok());
  EXPECT_EQ(limits.time_zone, "Asia/Tokyo");
  EXPECT_EQ(limits.max_connections, 9);
  EXPECT_FALSE(limits.conversion_events.has_value());
  EXPECT_FALSE(limits.memory_limit_mb.has_value());
  EXPECT_EQ(limits.session_timeout_minutes, 45);  // untouched
  EXPECT_EQ(limits.statement_timeout_ms, 0);

  LimitsChange unknown;
  unknown.reset = {"time-zone"};
  EXPECT_THAT(ApplyLimitsChange(unknown, &limits).message(), HasSubstr("unknown limit"));
  LimitsChange both;
  both.set.time_zone = "UTC";
  both.reset = {"time_zone"};
  EXPECT_THAT(ApplyLimitsChange(both, &limits).message(), HasSubstr("both set and reset"));
  EXPECT_EQ(limits.time_zone, "Asia/Tokyo");  // a refused change changes nothing
}

TEST(LimitsTest, ProcessingSettings) {
  engine::MerchantSettings defaults;
  defaults.session_timeout_us = 30 * engine::kMicrosPerMinute;
  defaults.conversion_events = {"purchase"};
  EXPECT_FALSE(HasProcessingOverrides({}));
  MerchantLimits query_only;
  query_only.max_connections = 3;
  EXPECT_FALSE(HasProcessingOverrides(query_only));

  MerchantLimits limits;
  limits.time_zone = "Asia/Kolkata";
  EXPECT_TRUE(HasProcessingOverrides(limits));
  engine::MerchantSettings zoned = ProcessingSettingsOf(defaults, limits);
  EXPECT_EQ(zoned.time_zone, "Asia/Kolkata");
  EXPECT_EQ(zoned.session_timeout_us, defaults.session_timeout_us);
  EXPECT_TRUE(zoned.IsConversion("purchase"));
  // 2024-01-01 00:00 UTC is 05:30 in Kolkata.
  absl::CivilSecond local = absl::ToCivilSecond(absl::FromUnixSeconds(1704067200), zoned.zone);
  EXPECT_EQ(local, absl::CivilSecond(2024, 1, 1, 5, 30, 0));

  limits.session_timeout_minutes = 90;
  limits.conversion_events = std::vector<std::string>{"signup", "trial"};
  engine::MerchantSettings all = ProcessingSettingsOf(defaults, limits);
  EXPECT_EQ(all.session_timeout_us, 90 * engine::kMicrosPerMinute);
  EXPECT_TRUE(all.IsConversion("trial"));
  EXPECT_FALSE(all.IsConversion("purchase"));

  limits.time_zone = "Nowhere/Gone";
  bool bad_zone = false;
  engine::MerchantSettings fallback = ProcessingSettingsOf(defaults, limits, &bad_zone);
  EXPECT_TRUE(bad_zone);
  EXPECT_EQ(fallback.time_zone, "UTC");
  EXPECT_EQ(fallback.zone, absl::UTCTimeZone());
}

TEST(LimitsTest, Text) {
  EXPECT_EQ(LimitsText({}), "-");
  EXPECT_EQ(LimitsText(AllSet()),
            "max_connections=5 statement_timeout_ms=0 memory_limit_mb=256 "
            "session_timeout_minutes=45 time_zone=Europe/Paris "
            "conversion_events=purchase,sign \"up\"");
}

}  // namespace
}  // namespace strata::server::auth
