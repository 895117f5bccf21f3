// Lexical statement splitting for simple queries.
#include "server/pgwire/pg_split.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::server::pgwire {
namespace {

std::vector<std::string> NonEmpty(std::string_view sql) {
  std::vector<std::string> out;
  for (const StatementText& s : SplitStatements(sql)) {
    if (!s.empty) out.emplace_back(s.text);
  }
  return out;
}

TEST(PgSplit, SplitsAtTopLevelSemicolons) {
  EXPECT_EQ(NonEmpty("SELECT 1; SELECT 2"), (std::vector<std::string>{"SELECT 1", " SELECT 2"}));
  EXPECT_EQ(NonEmpty("SELECT 1;"), (std::vector<std::string>{"SELECT 1"}));
  EXPECT_EQ(NonEmpty(";;SELECT 1;;"), (std::vector<std::string>{"SELECT 1"}));
}

TEST(PgSplit, QuotesAndCommentsHideSemicolons) {
  EXPECT_EQ(NonEmpty("SELECT ';' ; SELECT \"a;b\""),
            (std::vector<std::string>{"SELECT ';' ", " SELECT \"a;b\""}));
  EXPECT_EQ(NonEmpty("SELECT 'it''s;'; SELECT 2").size(), 2u);
  EXPECT_EQ(NonEmpty("SELECT E'\\';'; SELECT 2").size(), 2u);
  EXPECT_EQ(NonEmpty("SELECT $$;$$; SELECT $tag$ ; $ $tag$").size(), 2u);
  EXPECT_EQ(NonEmpty("SELECT $1; SELECT 2").size(), 2u);  // $1 is a parameter
  EXPECT_EQ(NonEmpty("SELECT 1 -- ; no\n; SELECT 2").size(), 2u);
  EXPECT_EQ(NonEmpty("SELECT /* ; /* ; */ ; */ 1; SELECT 2").size(), 2u);
  EXPECT_EQ(NonEmpty("CREATE RULE r AS ON SELECT DO (SELECT 1; SELECT 2)").size(), 1u);
}

TEST(PgSplit, EmptyAndCommentOnlyStatements) {
  auto all = SplitStatements("");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].empty);
  EXPECT_TRUE(NonEmpty("  -- nothing\n /* at all */ ;").empty());
}

TEST(PgSplit, CharacterOffsetsCountCodePoints) {
  auto all = SplitStatements("SELECT 'é'; SELECT x");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].char_offset, 0);
  EXPECT_EQ(all[1].char_offset, 11);  // "SELECT 'é';" is 11 characters, 12 bytes
  EXPECT_EQ(CharCount("é"), 1);
}

TEST(PgSplit, FirstKeyword) {
  char buf[16];
  EXPECT_EQ(FirstKeyword("  BEGIN;", buf, sizeof(buf)), "begin");
  EXPECT_EQ(FirstKeyword("-- c\n/* x */ (Select 1)", buf, sizeof(buf)), "select");
  EXPECT_EQ(FirstKeyword("'x'", buf, sizeof(buf)), "");
  EXPECT_EQ(FirstKeyword("", buf, sizeof(buf)), "");
}

}  // namespace
}  // namespace strata::server::pgwire
