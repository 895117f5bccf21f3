#include "query/lexer.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "common/status.h"
#include "query/error.h"

namespace strata::query {
namespace {

// PostgreSQL 16's reserved keywords (kwlist.h, RESERVED_KEYWORD).
constexpr std::string_view kReservedWords[] = {
    "all",          "analyse",
    "analyze",      "and",
    "any",          "array",
    "as",           "asc",
    "asymmetric",   "both",
    "case",         "cast",
    "check",        "collate",
    "column",       "constraint",
    "create",       "current_catalog",
    "current_date", "current_role",
    "current_time", "current_timestamp",
    "current_user", "default",
    "deferrable",   "desc",
    "distinct",     "do",
    "else",         "end",
    "except",       "false",
    "fetch",        "for",
    "foreign",      "from",
    "grant",        "group",
    "having",       "in",
    "initially",    "intersect",
    "into",         "lateral",
    "leading",      "limit",
    "localtime",    "localtimestamp",
    "not",          "null",
    "offset",       "on",
    "only",         "or",
    "order",        "placing",
    "primary",      "references",
    "returning",    "select",
    "session_user", "some",
    "symmetric",    "system_user",
    "table",        "then",
    "to",           "trailing",
    "true",         "union",
    "unique",       "user",
    "using",        "variadic",
    "when",         "where",
    "window",       "with",
};

// TYPE_FUNC_NAME_KEYWORD: names of functions or types, never of columns or aliases.
constexpr std::string_view kTypeFuncWords[] = {
    "authorization", "binary", "collation", "concurrently", "cross",   "current_schema",
    "freeze",        "full",   "ilike",     "inner",        "is",      "isnull",
    "join",          "left",   "like",      "natural",      "notnull", "outer",
    "overlaps",      "right",  "similar",   "tablesample",  "verbose",
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsIdentStart(unsigned char c) { return absl::ascii_isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || absl::ascii_isdigit(c) || c == '$'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Operators longest first, so "<=" wins over "<".
constexpr std::string_view kOperators[] = {
    "||", "<>", "!=", "<=", ">=", "::", "+", "-", "*", "/", "%",
    "=",  "<",  ">",  "[",  "]",  "(",  ")", ",", ";", ".",
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      RETURN_IF_ERROR(SkipSpaceAndComments());
      Token token;
      token.begin = at_;
      token.pos = PosOf(at_);
      if (at_ >= text_.size()) {
        token.kind = TokenKind::kEnd;
        token.end = at_;
        tokens.push_back(std::move(token));
        return tokens;
      }
      RETURN_IF_ERROR(LexOne(&token));
      token.end = at_;
      tokens.push_back(std::move(token));
    }
  }

 private:
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  // Character position of byte offset `byte`. Offsets are almost always asked in
  // increasing order, so the count continues from the previous answer.
  int PosOf(size_t byte) {
    if (byte < counted_byte_) {
      counted_byte_ = 0;
      counted_chars_ = 0;
    }
    for (; counted_byte_ < byte && counted_byte_ < text_.size(); ++counted_byte_) {
      // UTF-8 continuation bytes (10xxxxxx) do not start a character.
      if ((static_cast<unsigned char>(text_[counted_byte_]) & 0xC0) != 0x80) ++counted_chars_;
    }
    return counted_chars_ + 1;
  }

  absl::Status ErrorAt(size_t byte, std::string_view what, std::string_view near) {
    return SqlError(sqlstate::kSyntaxError,
                    std::string(what) + " at or near \"" + std::string(near) + "\"", PosOf(byte));
  }

  absl::Status SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (IsSpace(c)) {
        ++at_;
      } else if (c == '-' && At(at_ + 1) == '-') {
        while (at_ < text_.size() && text_[at_] != '\n') ++at_;
      } else if (c == '/' && At(at_ + 1) == '*') {
        size_t start = at_;
        int depth = 0;
        while (true) {
          if (at_ >= text_.size()) {
            return ErrorAt(start, "unterminated /* comment", text_.substr(start));
          }
          if (text_[at_] == '/' && At(at_ + 1) == '*') {
            ++depth;
            at_ += 2;
          } else if (text_[at_] == '*' && At(at_ + 1) == '/') {
            at_ += 2;
            if (--depth == 0) break;
          } else {
            ++at_;
          }
        }
      } else {
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  absl::Status LexOne(Token* token) {
    unsigned char c = text_[at_];
    if ((c == 'e' || c == 'E') && At(at_ + 1) == '\'') {
      return SqlError(sqlstate::kFeatureNotSupported,
                      "escape string literals (E'...') are not supported", token->pos);
    }
    if (IsIdentStart(c)) {
      size_t start = at_;
      while (at_ < text_.size() && IsIdentChar(text_[at_])) ++at_;
      token->kind = TokenKind::kIdentifier;
      token->text = std::string(text_.substr(start, at_ - start));
      absl::AsciiStrToLower(&token->text);
      return absl::OkStatus();
    }
    if (IsDigit(c) || (c == '.' && IsDigit(At(at_ + 1)))) return LexNumber(token);
    if (c == '\'') return LexString(token);
    if (c == '"') return LexQuotedIdentifier(token);
    if (c == '$' && IsDigit(At(at_ + 1))) return LexParam(token);
    for (std::string_view op : kOperators) {
      if (text_.substr(at_, op.size()) == op) {
        token->kind = TokenKind::kOperator;
        token->text = std::string(op);
        at_ += op.size();
        return absl::OkStatus();
      }
    }
    // One whole UTF-8 character for the message.
    size_t end = at_ + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return ErrorAt(at_, "syntax error", text_.substr(at_, end - at_));
  }

  // digits [. digits] [e [+-] digits] | . digits [e ...]; an identifier character right
  // after the number is an error (PostgreSQL 15+), so "1abc" is not read as "1 AS abc".
  absl::Status LexNumber(Token* token) {
    size_t start = at_;
    bool numeric = false;
    while (IsDigit(At(at_))) ++at_;
    if (At(at_) == '.' && At(at_ + 1) != '.') {
      numeric = true;
      ++at_;
      while (IsDigit(At(at_))) ++at_;
    }
    if (At(at_) == 'e' || At(at_) == 'E') {
      size_t digits = at_ + 1;
      if (At(digits) == '+' || At(digits) == '-') ++digits;
      if (IsDigit(At(digits))) {
        numeric = true;
        at_ = digits;
        while (IsDigit(At(at_))) ++at_;
      }
    }
    token->kind = numeric ? TokenKind::kNumeric : TokenKind::kInteger;
    token->text = std::string(text_.substr(start, at_ - start));
    return CheckNoTrailingJunk(start, "trailing junk after numeric literal");
  }

  absl::Status LexParam(Token* token) {
    size_t start = at_;
    ++at_;
    while (IsDigit(At(at_))) ++at_;
    token->kind = TokenKind::kParam;
    token->text = std::string(text_.substr(start + 1, at_ - start - 1));
    return CheckNoTrailingJunk(start, "trailing junk after parameter");
  }

  absl::Status CheckNoTrailingJunk(size_t start, std::string_view what) {
    if (at_ >= text_.size() || !IsIdentStart(text_[at_])) return absl::OkStatus();
    size_t end = at_;
    while (end < text_.size() && IsIdentChar(text_[end])) ++end;
    return ErrorAt(start, what, text_.substr(start, end - start));
  }

  // '...' with '' for a quote. Like PostgreSQL, 'a' <newline> 'b' is one literal 'ab'.
  absl::Status LexString(Token* token) {
    size_t start = at_;
    token->kind = TokenKind::kString;
    ++at_;
    while (true) {
      if (at_ >= text_.size()) {
        return ErrorAt(start, "unterminated quoted string", text_.substr(start));
      }
      char c = text_[at_++];
      if (c != '\'') {
        token->text += c;
        continue;
      }
      if (At(at_) == '\'') {
        token->text += '\'';
        ++at_;
        continue;
      }
      size_t next = at_;
      bool newline = false;
      while (next < text_.size() && IsSpace(text_[next])) newline |= text_[next++] == '\n';
      if (!newline || At(next) != '\'') return absl::OkStatus();
      at_ = next + 1;
    }
  }

  absl::Status LexQuotedIdentifier(Token* token) {
    size_t start = at_;
    token->kind = TokenKind::kQuotedIdentifier;
    ++at_;
    while (true) {
      if (at_ >= text_.size()) {
        return ErrorAt(start, "unterminated quoted identifier", text_.substr(start));
      }
      char c = text_[at_++];
      if (c != '"') {
        token->text += c;
      } else if (At(at_) == '"') {
        token->text += '"';
        ++at_;
      } else {
        break;
      }
    }
    if (token->text.empty()) {
      return ErrorAt(start, "zero-length delimited identifier", text_.substr(start, 2));
    }
    return absl::OkStatus();
  }

  std::string_view text_;
  size_t at_ = 0;
  size_t counted_byte_ = 0;
  int counted_chars_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Lex(std::string_view text) { return Lexer(text).Run(); }

KeywordClass ClassifyKeyword(std::string_view word) {
  static const auto* reserved = new absl::flat_hash_set<std::string_view>(
      std::begin(kReservedWords), std::end(kReservedWords));
  static const auto* type_func = new absl::flat_hash_set<std::string_view>(
      std::begin(kTypeFuncWords), std::end(kTypeFuncWords));
  if (reserved->contains(word)) return KeywordClass::kReserved;
  if (type_func->contains(word)) return KeywordClass::kTypeFunc;
  return KeywordClass::kNone;
}

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || !(absl::ascii_islower(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || IsDigit(c) || c == '_' || c == '$')) return false;
  }
  return true;
}

bool IdentifierNeedsQuotes(std::string_view name) {
  return !IsPlainIdentifier(name) || ClassifyKeyword(name) != KeywordClass::kNone;
}

}  // namespace strata::query
