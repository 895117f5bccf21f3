#include "query/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "query/error.h"

namespace strata::query {
namespace {

// "kind:text@pos" per token, without the final kEnd.
std::vector<std::string> Describe(std::string_view sql) {
  absl::StatusOr<std::vector<Token>> tokens = Lex(sql);
  EXPECT_TRUE(tokens.ok()) << tokens.status();
  std::vector<std::string> out;
  if (!tokens.ok()) return out;
  for (const Token& token : *tokens) {
    const char* kind = "?";
    switch (token.kind) {
      case TokenKind::kIdentifier:
        kind = "id";
        break;
      case TokenKind::kQuotedIdentifier:
        kind = "qid";
        break;
      case TokenKind::kInteger:
        kind = "int";
        break;
      case TokenKind::kNumeric:
        kind = "num";
        break;
      case TokenKind::kString:
        kind = "str";
        break;
      case TokenKind::kParam:
        kind = "param";
        break;
      case TokenKind::kOperator:
        kind = "op";
        break;
      case TokenKind::kEnd:
        continue;
    }
    out.push_back(std::string(kind) + ":" + token.text + "@" + std::to_string(token.pos));
  }
  return out;
}

void ExpectLexError(std::string_view sql, std::string_view state, const std::string& message,
                    int position) {
  absl::StatusOr<std::vector<Token>> tokens = Lex(sql);
  ASSERT_FALSE(tokens.ok()) << sql;
  EXPECT_EQ(SqlStateOf(tokens.status()), state) << sql;
  EXPECT_EQ(tokens.status().message(), message) << sql;
  EXPECT_EQ(ErrorPosition(tokens.status()), position) << sql;
}

using Tokens = std::vector<std::string>;

TEST(LexerTest, IdentifiersFoldUnlessQuoted) {
  EXPECT_EQ(Describe("SELECT Foo_1, \"Mixed Case\", \"a\"\"b\", _x$y"),
            (Tokens{"id:select@1", "id:foo_1@8", "op:,@13", "qid:Mixed Case@15", "op:,@27",
                    "qid:a\"b@29", "op:,@35", "id:_x$y@37"}));
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Describe("42 4.2 .5 1e9 1.5E-3 2. 007"),
            (Tokens{"int:42@1", "num:4.2@4", "num:.5@8", "num:1e9@11", "num:1.5E-3@15", "num:2.@22",
                    "int:007@25"}));
  // An exponent needs digits; "1e" alone is trailing junk (PostgreSQL 15+).
  ExpectLexError("SELECT 1e", sqlstate::kSyntaxError,
                 "trailing junk after numeric literal at or near \"1e\"", 8);
  ExpectLexError("SELECT 123abc", sqlstate::kSyntaxError,
                 "trailing junk after numeric literal at or near \"123abc\"", 8);
}

TEST(LexerTest, StringsUndoubleQuotesAndJoinAcrossNewlines) {
  EXPECT_EQ(Describe("'it''s' ''"), (Tokens{"str:it's@1", "str:@9"}));
  EXPECT_EQ(Describe("'a'\n  'b' 'c'"), (Tokens{"str:ab@1", "str:c@11"}));
}

TEST(LexerTest, Operators) {
  EXPECT_EQ(
      Describe("+ - * / % || = <> != < <= > >= :: [ ] ( ) , ; ."),
      (Tokens{"op:+@1",   "op:-@3",   "op:*@5",  "op:/@7",   "op:%@9",  "op:||@11", "op:=@14",
              "op:<>@16", "op:!=@19", "op:<@22", "op:<=@24", "op:>@27", "op:>=@29", "op:::@32",
              "op:[@35",  "op:]@37",  "op:(@39", "op:)@41",  "op:,@43", "op:;@45",  "op:.@47"}));
  // No multi-character operator swallows a sign: a<-1 is a < -1.
  EXPECT_EQ(Describe("a<-1"), (Tokens{"id:a@1", "op:<@2", "op:-@3", "int:1@4"}));
  EXPECT_EQ(Describe("x::int"), (Tokens{"id:x@1", "op:::@2", "id:int@4"}));
}

TEST(LexerTest, Parameters) {
  EXPECT_EQ(Describe("$1 + $12"), (Tokens{"param:1@1", "op:+@4", "param:12@6"}));
  ExpectLexError("SELECT $1x", sqlstate::kSyntaxError,
                 "trailing junk after parameter at or near \"$1x\"", 8);
}

TEST(LexerTest, CommentsAreSkipped) {
  EXPECT_EQ(Describe("a -- comment\nb /* c /* nested */ still */ c"),
            (Tokens{"id:a@1", "id:b@14", "id:c@43"}));
  EXPECT_EQ(Describe("a--b"), (Tokens{"id:a@1"}));
  EXPECT_EQ(Describe("a/**/b"), (Tokens{"id:a@1", "id:b@6"}));
}

TEST(LexerTest, PositionsCountCharactersNotBytes) {
  // 'é' and '€' are 2 and 3 bytes in UTF-8 but one character each.
  EXPECT_EQ(Describe("'é€' x"), (Tokens{"str:é€@1", "id:x@6"}));
  absl::StatusOr<std::vector<Token>> tokens = Lex("'é€' x");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ((*tokens)[1].begin, 8u);
  EXPECT_EQ((*tokens)[2].kind, TokenKind::kEnd);
  EXPECT_EQ((*tokens)[2].pos, 7);
}

TEST(LexerTest, UnterminatedLiteralsPointAtTheOpeningQuote) {
  ExpectLexError("SELECT 'abc", sqlstate::kSyntaxError,
                 "unterminated quoted string at or near \"'abc\"", 8);
  ExpectLexError("SELECT \"abc", sqlstate::kSyntaxError,
                 "unterminated quoted identifier at or near \"\"abc\"", 8);
  ExpectLexError("SELECT 1 /* a /* b */", sqlstate::kSyntaxError,
                 "unterminated /* comment at or near \"/* a /* b */\"", 10);
  ExpectLexError("SELECT \"\"", sqlstate::kSyntaxError,
                 "zero-length delimited identifier at or near \"\"\"\"", 8);
}

TEST(LexerTest, StrayCharactersAreSyntaxErrors) {
  ExpectLexError("SELECT a @ b", sqlstate::kSyntaxError, "syntax error at or near \"@\"", 10);
  ExpectLexError("SELECT a ? b", sqlstate::kSyntaxError, "syntax error at or near \"?\"", 10);
  ExpectLexError("SELECT 'é' ~", sqlstate::kSyntaxError, "syntax error at or near \"~\"", 12);
  ExpectLexError("SELECT E'\\n'", sqlstate::kFeatureNotSupported,
                 "escape string literals (E'...') are not supported", 8);
}

TEST(LexerTest, EndTokenIsOnePastTheLastCharacter) {
  for (std::string_view sql : {"", "a", "a  ", "a -- c", "a /* c */", "'é'"}) {
    absl::StatusOr<std::vector<Token>> tokens = Lex(sql);
    ASSERT_TRUE(tokens.ok()) << sql;
    const Token& end = tokens->back();
    EXPECT_EQ(end.kind, TokenKind::kEnd) << sql;
    EXPECT_EQ(end.pos, sql == "'é'" ? 4 : static_cast<int>(sql.size()) + 1) << sql;
  }
}

TEST(LexerTest, ByteOffsetsSliceTheTokenAsWritten) {
  std::string_view sql = "SELECT \"A\"\"b\", 'x''y' FROM t";
  absl::StatusOr<std::vector<Token>> tokens = Lex(sql);
  ASSERT_TRUE(tokens.ok());
  std::vector<std::string_view> raw;
  for (const Token& token : *tokens)
    raw.push_back(sql.substr(token.begin, token.end - token.begin));
  EXPECT_EQ(
      raw, (std::vector<std::string_view>{"SELECT", "\"A\"\"b\"", ",", "'x''y'", "FROM", "t", ""}));
}

TEST(LexerTest, DotsNumbersAndQualifiedNames) {
  EXPECT_EQ(Describe("t.a t.\"B\" 1.5 .5 t.*"),
            (Tokens{"id:t@1", "op:.@2", "id:a@3", "id:t@5", "op:.@6", "qid:B@7", "num:1.5@11",
                    "num:.5@15", "id:t@18", "op:.@19", "op:*@20"}));
  EXPECT_EQ(Describe("1..2"), (Tokens{"int:1@1", "op:.@2", "num:.2@3"}));
}

TEST(LexerTest, OnlyAsciiLettersFold) {
  EXPECT_EQ(Describe("CAFÉ Straße"), (Tokens{"id:cafÉ@1", "id:straße@6"}));
}

TEST(LexerTest, KeywordClasses) {
  EXPECT_EQ(ClassifyKeyword("select"), KeywordClass::kReserved);
  EXPECT_EQ(ClassifyKeyword("from"), KeywordClass::kReserved);
  EXPECT_EQ(ClassifyKeyword("left"), KeywordClass::kTypeFunc);
  EXPECT_EQ(ClassifyKeyword("ilike"), KeywordClass::kTypeFunc);
  for (std::string_view word : {"date", "time", "value", "event", "page", "name", "day", "hour",
                                "interval", "timestamp", "ts", "filter", "over"}) {
    EXPECT_EQ(ClassifyKeyword(word), KeywordClass::kNone) << word;
  }
  EXPECT_FALSE(IdentifierNeedsQuotes("page_view_2"));
  EXPECT_TRUE(IdentifierNeedsQuotes("Page"));
  EXPECT_TRUE(IdentifierNeedsQuotes("order"));
  EXPECT_TRUE(IdentifierNeedsQuotes("2x"));
  EXPECT_TRUE(IdentifierNeedsQuotes("a b"));
  EXPECT_TRUE(IdentifierNeedsQuotes(""));
}

}  // namespace
}  // namespace strata::query
