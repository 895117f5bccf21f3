#include "server/auth/admin_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace strata::server::auth {
namespace {

using ::testing::HasSubstr;

TEST(AdminJsonTest, AddRequestRoundTrip) {
  AddMerchantRequest request;
  request.merchant = "shop-1";
  request.password = "p\"w\\";
  request.limits.max_connections = 5;
  request.limits.memory_limit_mb = 64;
  std::string json = AddMerchantRequestToJson(request);
  absl::StatusOr<AddMerchantRequest> back = ParseAddMerchantRequest(json);
  ASSERT_TRUE(back.ok()) << back.status() << json;
  EXPECT_EQ(back->merchant, "shop-1");
  EXPECT_EQ(back->password, "p\"w\\");
  EXPECT_EQ(back->limits.max_connections, 5);
  EXPECT_FALSE(back->limits.statement_timeout_ms.has_value());
  EXPECT_EQ(back->limits.memory_limit_mb, 64);

  absl::StatusOr<AddMerchantRequest> minimal = ParseAddMerchantRequest(R"({"merchant":"m1"})");
  ASSERT_TRUE(minimal.ok());
  EXPECT_TRUE(minimal->password.empty());
  absl::StatusOr<AddMerchantRequest> null_password =
      ParseAddMerchantRequest(R"({"merchant":"m1","password":null})");
  ASSERT_TRUE(null_password.ok());
  EXPECT_TRUE(null_password->password.empty());
}

TEST(AdminJsonTest, BadAddRequests) {
  for (const char* bad :
       {"", "[]", "{", R"({"password":"x"})", R"({"merchant":1})", R"({"merchant":"m","extra":1})",
        R"({"merchant":"m","limits":5})", R"({"merchant":"m","limits":{"max_connections":"5"}})",
        R"({"merchant":"m","limits":{"max_rows":5}})",
        R"({"merchant":"m","limits":{"max_connections":1e3}})",
        R"({"merchant":"m","limits":{"max_connections":99999999999}})"}) {
    EXPECT_EQ(ParseAddMerchantRequest(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(ParseAddMerchantRequest(R"({"merchant":"m","extra":1})").status().message(),
              HasSubstr("unknown field \"extra\""));
}

TEST(AdminJsonTest, AddRequestWithProcessingSettings) {
  AddMerchantRequest request;
  request.merchant = "m";
  request.limits.session_timeout_minutes = 60;
  request.limits.time_zone = "Europe/Paris";
  request.limits.conversion_events = std::vector<std::string>{"purchase", "signup"};
  std::string json = AddMerchantRequestToJson(request);
  EXPECT_EQ(json,
            R"({"merchant":"m","limits":{"session_timeout_minutes":60,"time_zone":"Europe/Paris",)"
            R"("conversion_events":["purchase","signup"]}})");
  absl::StatusOr<AddMerchantRequest> back = ParseAddMerchantRequest(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->limits.session_timeout_minutes, 60);
  EXPECT_EQ(back->limits.time_zone, "Europe/Paris");
  EXPECT_EQ(back->limits.conversion_events, (std::vector<std::string>{"purchase", "signup"}));
  // null = not set, for a new merchant.
  absl::StatusOr<AddMerchantRequest> nulls =
      ParseAddMerchantRequest(R"({"merchant":"m","limits":{"time_zone":null}})");
  ASSERT_TRUE(nulls.ok());
  EXPECT_FALSE(nulls->limits.time_zone.has_value());
  EXPECT_FALSE(
      ParseAddMerchantRequest(R"({"merchant":"m","limits":{"conversion_events":"x"}})").ok());
}

TEST(AdminJsonTest, LimitsChangeRoundTrip) {
  LimitsChange change;
  change.set.time_zone = "Asia/Tokyo";
  change.set.max_connections = 3;
  change.reset = {"conversion_events", "memory_limit_mb"};
  std::string json = LimitsChangeToJson(change);
  EXPECT_EQ(json, R"({"limits":{"max_connections":3,"time_zone":"Asia/Tokyo",)"
                  R"("conversion_events":null,"memory_limit_mb":null}})");
  absl::StatusOr<LimitsChange> back = ParseLimitsChangeJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->set.time_zone, "Asia/Tokyo");
  EXPECT_EQ(back->set.max_connections, 3);
  EXPECT_EQ(back->reset, (std::vector<std::string>{"conversion_events", "memory_limit_mb"}));

  LimitsChange reset_only;
  reset_only.reset = {"time_zone"};
  EXPECT_EQ(LimitsChangeToJson(reset_only), R"({"limits":{"time_zone":null}})");
  EXPECT_EQ(LimitsChangeToJson({}), R"({"limits":{}})");
  EXPECT_TRUE(ParseLimitsChangeJson(R"({"limits":{}})").ok());
  for (const char* bad : {"", "{}", "[]", R"({"limits":{},"x":1})", R"({"limits":{"zone":"UTC"}})",
                          R"({"limits":{"time_zone":5}})"}) {
    EXPECT_EQ(ParseLimitsChangeJson(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(AdminJsonTest, MerchantInfoRoundTrip) {
  MerchantInfo info;
  info.merchant = "m";
  info.write_key = "wk_m";
  info.created_us = 7;
  info.limits.session_timeout_minutes = 15;
  info.limits.conversion_events = std::vector<std::string>{"buy"};
  std::string json = MerchantInfoToJson(info);
  EXPECT_EQ(json, R"({"merchant":"m","write_key":"wk_m","created_us":7,"limits":)"
                  R"({"session_timeout_minutes":15,"conversion_events":["buy"]}})");
  absl::StatusOr<MerchantInfo> back = ParseMerchantInfoJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->merchant, "m");
  EXPECT_EQ(back->limits.session_timeout_minutes, 15);
  EXPECT_EQ(back->limits.conversion_events, std::vector<std::string>{"buy"});
  absl::StatusOr<std::vector<MerchantInfo>> list =
      ParseMerchantListJson(absl::StrCat("{\"merchants\":[", json, "]}"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ((*list)[0].limits.conversion_events, std::vector<std::string>{"buy"});
  EXPECT_FALSE(ParseMerchantInfoJson(R"({"merchant":"m"})").ok());
  EXPECT_FALSE(ParseMerchantInfoJson("nope").ok());
}

TEST(AdminJsonTest, CredentialsOmitWhatWasNotSet) {
  Credentials rotated;
  rotated.merchant = "m";
  rotated.write_key = "wk_1";
  EXPECT_EQ(CredentialsToJson(rotated), R"({"merchant":"m","write_key":"wk_1"})");
  Credentials all{"m", "pw", "wk", "tok"};
  std::string json = CredentialsToJson(all);
  EXPECT_EQ(json, R"({"merchant":"m","password":"pw","write_key":"wk","api_token":"tok"})");
  absl::StatusOr<Credentials> back = ParseCredentialsJson(json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->password, "pw");
  EXPECT_EQ(back->api_token, "tok");
  EXPECT_FALSE(ParseCredentialsJson(R"({"write_key":"x"})").ok());
  EXPECT_FALSE(ParseCredentialsJson(R"({"merchant":"m","password":3})").ok());
  EXPECT_TRUE(ParseCredentialsJson(R"({"merchant":"m","future":3})").ok());
}

TEST(AdminJsonTest, ListRoundTrip) {
  std::vector<MerchantInfo> list(2);
  list[0].merchant = "a";
  list[0].write_key = "wk_a";
  list[0].created_us = 1'700'000'000'000'000;
  list[1].merchant = "b";
  list[1].write_key = "wk_b";
  list[1].created_us = 5;
  list[1].limits.statement_timeout_ms = 0;
  std::string json = MerchantListToJson(list);
  EXPECT_EQ(json,
            R"({"merchants":[{"merchant":"a","write_key":"wk_a","created_us":1700000000000000,)"
            R"("limits":{}},{"merchant":"b","write_key":"wk_b","created_us":5,)"
            R"("limits":{"statement_timeout_ms":0}}]})");
  absl::StatusOr<std::vector<MerchantInfo>> back = ParseMerchantListJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].created_us, 1'700'000'000'000'000);
  EXPECT_EQ((*back)[1].limits.statement_timeout_ms, 0);
  EXPECT_TRUE(ParseMerchantListJson(R"({"merchants":[]})")->empty());
  EXPECT_FALSE(ParseMerchantListJson(R"({"merchants":[{"merchant":"a"}]})").ok());
  EXPECT_FALSE(ParseMerchantListJson("{}").ok());
}

TEST(AdminJsonTest, RemovedAndErrors) {
  EXPECT_EQ(RemovedToJson("m1"), R"({"removed":"m1"})");
  EXPECT_EQ(*ParseRemovedJson(RemovedToJson("m1")), "m1");
  EXPECT_FALSE(ParseRemovedJson("{}").ok());
  EXPECT_EQ(ErrorToJson("no merchant \"x\""), R"({"error":{"message":"no merchant \"x\""}})");
  EXPECT_EQ(ParseErrorJson(ErrorToJson("boom\n")), "boom\n");
  EXPECT_EQ(ParseErrorJson("not json"), "");
  EXPECT_EQ(ParseErrorJson(R"({"error":"flat"})"), "");
}

}  // namespace
}  // namespace strata::server::auth
