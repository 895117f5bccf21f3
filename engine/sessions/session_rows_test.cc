// Session and pageview segment schemas and the row -> column conversion.
#include "engine/sessions/session_rows.h"

#include <string>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "storage/segment.h"

namespace strata::engine {
namespace {

using storage::ColumnType;

SessionRow Session(uint32_t merchant, int64_t start, std::string id, std::string source) {
  SessionRow r;
  r.session_id = std::move(id);
  r.merchant = merchant;
  r.client = merchant * 10 + 1;
  r.client_id = "c";
  r.start_us = start;
  r.end_us = start + 5;
  r.duration_us = 5;
  r.events = 2;
  r.pageviews = 1;
  r.landing_page = "/";
  r.utm_source = std::move(source);
  r.bounced = false;
  r.engaged = true;
  r.converted = true;
  r.revenue = 12.5;
  r.is_open = true;  // never stored
  return r;
}

std::string Text(const storage::ColumnInput& c, size_t row) { return c.dict[c.codes[row]]; }

TEST(SessionRowsTest, SchemasFollowTheColumnEnums) {
  const auto& s = SessionSchema();
  ASSERT_EQ(s.size(), static_cast<size_t>(kNumSessionColumns));
  EXPECT_EQ(s[kSesSessionId].name, "session_id");
  EXPECT_EQ(s[kSesMerchant].type, ColumnType::kInt64);
  EXPECT_EQ(s[kSesClient].name, "client");
  EXPECT_EQ(s[kSesStart].name, "start");
  EXPECT_EQ(s[kSesEnd].name, "end");
  EXPECT_EQ(s[kSesRevenue].type, ColumnType::kDouble);
  EXPECT_EQ(s[kSesBounced].type, ColumnType::kInt64);
  EXPECT_EQ(s[kSesIsOpen].name, "is_open");
  for (int c : {kSesLandingPage, kSesUtmSource, kSesDevice, kSesCountry})
    EXPECT_TRUE(s[c].indexed) << s[c].name;
  for (const auto& col : s) {
    if (col.indexed) {
      EXPECT_EQ(col.type, ColumnType::kString);
    }
  }
  const auto& p = PageviewSchema();
  ASSERT_EQ(p.size(), static_cast<size_t>(kNumPageviewColumns));
  EXPECT_EQ(p[kPvTs].name, "ts");
  EXPECT_EQ(p[kPvTimeOnPage].name, "time_on_page");
  EXPECT_EQ(p[kPvIsExit].type, ColumnType::kInt64);
  EXPECT_EQ(SessionWriterOptions().key_column, kSesMerchant);
  EXPECT_EQ(SessionWriterOptions().time_column, kSesStart);
  EXPECT_EQ(PageviewWriterOptions().key_column, kPvMerchant);
  EXPECT_EQ(PageviewWriterOptions().time_column, kPvTs);
}

TEST(SessionRowsTest, SessionColumnsAreSortedAndCoded) {
  std::vector<SessionRow> rows = {Session(2, 100, "bb", "google"), Session(1, 300, "aa", ""),
                                  Session(2, 100, "aa", "google"), Session(1, 200, "cc", "fb")};
  auto cols = SessionRowsToColumns(rows);
  ASSERT_EQ(cols.size(), static_cast<size_t>(kNumSessionColumns));
  for (int c = 0; c < kNumSessionColumns; ++c)
    EXPECT_EQ(cols[c].schema.name, SessionSchema()[c].name);
  EXPECT_EQ(cols[kSesMerchant].ints, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(cols[kSesStart].ints, (std::vector<int64_t>{200, 300, 100, 100}));
  EXPECT_EQ(Text(cols[kSesSessionId], 0), "cc");
  EXPECT_EQ(Text(cols[kSesSessionId], 2), "aa");  // ties by session_id
  EXPECT_EQ(Text(cols[kSesSessionId], 3), "bb");
  EXPECT_EQ(Text(cols[kSesUtmSource], 0), "fb");
  EXPECT_EQ(Text(cols[kSesUtmSource], 1), "");
  EXPECT_EQ(cols[kSesUtmSource].dict.size(), 3u);  // deduplicated
  EXPECT_EQ(cols[kSesClient].ints[0], 11);
  EXPECT_EQ(cols[kSesEngaged].ints, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(cols[kSesBounced].ints, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(cols[kSesIsOpen].ints, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(cols[kSesRevenue].doubles[0], 12.5);
}

TEST(SessionRowsTest, SegmentsAcceptTheColumns) {
  TempDir dir;
  std::vector<SessionRow> rows;
  std::vector<PageviewRow> views;
  for (int i = 0; i < 100; ++i) {
    rows.push_back(Session(i % 3, 1000 - i, "s" + std::to_string(i), i % 2 ? "a" : "b"));
    PageviewRow v;
    v.merchant = i % 3;
    v.ts_us = 5000 - i % 10;
    v.client = i;
    v.session_id = "s" + std::to_string(i);
    v.page = "/p" + std::to_string(i % 4);
    v.time_on_page_us = i % 2 ? -1 : 7;
    v.is_exit = i % 2;
    views.push_back(v);
  }
  auto s = storage::WriteSegment(dir.path() + "/s.seg", SessionWriterOptions(),
                                 SessionRowsToColumns(rows));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 100u);
  auto p = storage::WriteSegment(dir.path() + "/p.seg", PageviewWriterOptions(),
                                 PageviewRowsToColumns(views));
  ASSERT_TRUE(p.ok()) << p.status();
  auto reader = storage::SegmentReader::Open(dir.path() + "/p.seg");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->keys().size(), 3u);
  EXPECT_TRUE((*reader)->VerifyAll().ok());
}

TEST(SessionRowsTest, PageviewColumnsAreSorted) {
  std::vector<PageviewRow> rows(3);
  rows[0].merchant = 1;
  rows[0].ts_us = 5;
  rows[0].client = 2;
  rows[0].session_id = "x";
  rows[0].page = "/b";
  rows[0].time_on_page_us = -1;
  rows[1] = rows[0];
  rows[1].client = 1;
  rows[1].page = "/a";
  rows[1].is_exit = true;
  rows[1].time_on_page_us = 4;
  rows[2] = rows[0];
  rows[2].merchant = 0;
  rows[2].ts_us = 9;
  auto cols = PageviewRowsToColumns(rows);
  EXPECT_EQ(cols[kPvMerchant].ints, (std::vector<int64_t>{0, 1, 1}));
  EXPECT_EQ(cols[kPvClient].ints, (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(Text(cols[kPvPage], 1), "/a");
  EXPECT_EQ(cols[kPvTimeOnPage].ints, (std::vector<int64_t>{-1, 4, -1}));
  EXPECT_EQ(cols[kPvIsExit].ints, (std::vector<int64_t>{0, 1, 0}));
}

}  // namespace
}  // namespace strata::engine
