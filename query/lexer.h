// The SQL lexer (private to query/): text -> tokens, and the keyword classes and operator
// precedences the parser and ast::Expr::ToSql share (so printed SQL parses back the same).
//
// Positions are PostgreSQL's: 1-based and counted in characters (UTF-8 code points), so
// a client can put a caret under the offending token. Byte offsets are kept too, for
// slicing the text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::query {

enum class TokenKind {
  kIdentifier,        // unquoted, folded to lower case; keywords are identifiers too
  kQuotedIdentifier,  // "As Written" ("" is a quote)
  kInteger,           // digits only (may not fit in int64; the parser decides)
  kNumeric,           // with a '.' or an exponent: 1.5, .5, 1e9
  kString,            // 'text' with '' undoubled; adjacent literals split by a newline joined
  kParam,             // $n; `text` holds the digits
  kOperator,          // + - * / % || = <> != < <= > >= :: [ ] ( ) , ; .
  kEnd,               // end of input: pos is the character length + 1
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // see TokenKind
  int pos = 0;       // 1-based character position of the first character
  size_t begin = 0;  // byte offsets of the token in the input: [begin, end)
  size_t end = 0;
};

// Splits `text` into tokens, ending with one kEnd token. Comments (-- to end of line,
// nested /* */) are skipped. Errors are 42601: unterminated quoted string / quoted
// identifier / comment (at the opening quote), zero-length quoted identifier, trailing
// junk after a number or parameter, and characters that start no token.
absl::StatusOr<std::vector<Token>> Lex(std::string_view text);

// PostgreSQL's keyword classes, for unquoted lower-case words.
enum class KeywordClass {
  kNone,      // an ordinary identifier or an unreserved keyword: usable anywhere
  kTypeFunc,  // LEFT, JOIN, IS, LIKE, ...: a function or type name, never a column or alias
  kReserved,  // SELECT, FROM, AND, ...: only where the grammar expects that keyword
};
KeywordClass ClassifyKeyword(std::string_view word);

// True if `name` lexes as one unquoted identifier that folds to itself: lower-case ASCII
// letters, digits, '_' and '$', starting with a letter or '_'.
bool IsPlainIdentifier(std::string_view name);
// True if `name` must be double-quoted to be read back as the same column or alias: not
// plain, or a reserved or type/function keyword.
bool IdentifierNeedsQuotes(std::string_view name);

// PostgreSQL's operator precedence, lowest first (gram.y). Comparison, BETWEEN / IN /
// LIKE are non-associative: "a = b = c" is a syntax error.
enum Precedence : int {
  kPrecOr = 1,
  kPrecAnd,
  kPrecNot,        // prefix NOT
  kPrecIs,         // postfix IS [NOT] NULL / TRUE / FALSE, ISNULL, NOTNULL
  kPrecCompare,    // = <> < <= > >=
  kPrecLike,       // [NOT] BETWEEN, IN, LIKE, ILIKE
  kPrecConcat,     // || (PostgreSQL's "any other operator")
  kPrecAdd,        // binary + -
  kPrecMul,        // * / %
  kPrecAt,         // AT TIME ZONE
  kPrecCollate,    // COLLATE
  kPrecUnary,      // prefix - +
  kPrecSubscript,  // x[i]
  kPrecCast,       // x::type
  kPrecPrimary,    // literals, names, calls, (parenthesized)
};

}  // namespace strata::query
