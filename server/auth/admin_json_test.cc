#include "server/auth/admin_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
