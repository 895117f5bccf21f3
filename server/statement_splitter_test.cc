#include "server/statement_splitter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> SplitAll(std::string_view text, std::string* rest = nullptr) {
  StatementSplitter splitter;
  std::vector<std::string> out;
  splitter.Append(text, &out);
  std::string tail = splitter.TakeRest();
  if (rest != nullptr) *rest = tail;
  return out;
}

TEST(StatementSplitterTest, SplitsAtSemicolonsAndTrims) {
  std::string rest;
  EXPECT_THAT(SplitAll("SELECT 1;  SELECT 2 ;\n\tSELECT 3", &rest),
              ElementsAre("SELECT 1", "SELECT 2"));
  EXPECT_EQ(rest, "SELECT 3");
}

TEST(StatementSplitterTest, IgnoresSemicolonsInQuotesAndComments) {
  EXPECT_THAT(SplitAll("SELECT 'a;b', \"c;d\" FROM events; SELECT 'it''s;'; "),
              ElementsAre("SELECT 'a;b', \"c;d\" FROM events", "SELECT 'it''s;'"));
  // A quote inside a comment opens nothing.
  EXPECT_THAT(SplitAll("SELECT 1 -- don't; stop\n, 2; SELECT /* it's; /* nested; */ ; */ 3;"),
              ElementsAre("SELECT 1 -- don't; stop\n, 2", "SELECT /* it's; /* nested; */ ; */ 3"));
}

TEST(StatementSplitterTest, DropsEmptyAndCommentOnlyStatements) {
  std::string rest;
  EXPECT_THAT(SplitAll(";; \n ; -- nothing here;\n /* nor; here */ ;", &rest), IsEmpty());
  EXPECT_EQ(rest, "");
  EXPECT_THAT(SplitAll("SELECT 1; -- trailing comment", &rest), ElementsAre("SELECT 1"));
  EXPECT_EQ(rest, "");
}

TEST(StatementSplitterTest, StatementsSpanAppendCalls) {
  StatementSplitter splitter;
  std::vector<std::string> out;
  EXPECT_TRUE(splitter.empty());
  splitter.Append("   \n", &out);
  EXPECT_TRUE(splitter.empty());  // blank lines keep the first prompt
  splitter.Append("SELECT 'multi\n", &out);
  EXPECT_FALSE(splitter.empty());
  EXPECT_TRUE(splitter.in_quote_or_comment());
  splitter.Append("line;'\n", &out);
  EXPECT_FALSE(splitter.in_quote_or_comment());
  EXPECT_THAT(out, IsEmpty());
  splitter.Append("FROM events; SELECT 2", &out);
  EXPECT_THAT(out, ElementsAre("SELECT 'multi\nline;'\nFROM events"));
  EXPECT_FALSE(splitter.empty());
  splitter.Append(";\n", &out);
  EXPECT_THAT(out, ElementsAre("SELECT 'multi\nline;'\nFROM events", "SELECT 2"));
  EXPECT_TRUE(splitter.empty());
}

TEST(StatementSplitterTest, CommentMarkersSplitAcrossAppendCalls) {
  StatementSplitter splitter;
  std::vector<std::string> out;
  splitter.Append("SELECT 1 -", &out);
  splitter.Append("- not; yet\n;", &out);
  splitter.Append("SELECT 8 /", &out);
  splitter.Append("2; SELECT 3 /", &out);
  splitter.Append("* c; */;", &out);
  EXPECT_THAT(out, ElementsAre("SELECT 1 -- not; yet", "SELECT 8 /2", "SELECT 3 /* c; */"));
  splitter.Append("SELECT 4 -", &out);
  EXPECT_EQ(splitter.TakeRest(), "SELECT 4 -");  // at the end it is just a minus
  EXPECT_TRUE(splitter.empty());
}

TEST(StatementSplitterTest, UnterminatedQuoteIsReturnedAsTheRest) {
  StatementSplitter splitter;
  std::vector<std::string> out;
  splitter.Append("SELECT 'open; ", &out);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_EQ(splitter.TakeRest(), "SELECT 'open;");
  EXPECT_FALSE(splitter.in_quote_or_comment());  // TakeRest starts over
  splitter.Append("SELECT 1;", &out);
  EXPECT_THAT(out, ElementsAre("SELECT 1"));
}

}  // namespace
}  // namespace strata::server
