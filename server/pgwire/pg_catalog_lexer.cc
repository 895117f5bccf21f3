// PostgreSQL's lexical rules (scan.l) as far as catalog queries need them: identifiers,
// quoted identifiers, '' / E'' / $$ strings, numbers, $n, operators, comments.

#include <string>

#include "query/error.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || IsDigit(c) || c == '$'; }
bool IsOpChar(char c) {
  switch (c) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '<':
    case '>':
    case '=':
    case '~':
    case '!':
    case '@':
    case '#':
    case '%':
    case '^':
    case '&':
    case '|':
    case '`':
    case '?':
      return true;
    default:
      return false;
  }
}
char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != lower_b[i]) return false;
  }
  return true;
}

bool Scanner::SkipSpaceAndComments() {
  while (at_ < text_.size()) {
    char c = text_[at_];
    if (IsSpace(c)) {
      ++at_;
    } else if (c == '-' && at_ + 1 < text_.size() && text_[at_ + 1] == '-') {
      while (at_ < text_.size() && text_[at_] != '\n') ++at_;
    } else if (c == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '*') {
      size_t start = at_;
      int depth = 0;
      while (at_ < text_.size()) {
        if (text_[at_] == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '*') {
          ++depth;
          at_ += 2;
        } else if (text_[at_] == '*' && at_ + 1 < text_.size() && text_[at_ + 1] == '/') {
          at_ += 2;
          if (--depth == 0) break;
        } else {
          ++at_;
        }
      }
      if (depth != 0) {
        error_ = "unterminated /* comment";
        error_offset_ = start;
        return false;
      }
    } else {
      break;
    }
  }
  return true;
}

Tok Scanner::Next() {
  Tok tok;
  if (error_ != nullptr || !SkipSpaceAndComments()) {
    tok.begin = tok.end = static_cast<uint32_t>(text_.size());
    return tok;
  }
  tok.begin = static_cast<uint32_t>(at_);
  auto fail = [&](const char* what) {
    error_ = what;
    error_offset_ = tok.begin;
    tok.kind = TokKind::kEnd;
    tok.begin = tok.end = static_cast<uint32_t>(text_.size());
    return tok;
  };
  auto finish = [&](TokKind kind) {
    tok.kind = kind;
    tok.end = static_cast<uint32_t>(at_);
    return tok;
  };
  if (at_ >= text_.size()) return finish(TokKind::kEnd);
  const char c = text_[at_];
  const char next = at_ + 1 < text_.size() ? text_[at_ + 1] : '\0';

  // Strings: '...', E'...', N'...'.
  if (c == '\'' || ((c == 'e' || c == 'E') && next == '\'') ||
      ((c == 'n' || c == 'N') && next == '\'')) {
    tok.escape_string = (c == 'e' || c == 'E');
    if (c != '\'') ++at_;
    ++at_;
    while (true) {
      if (at_ >= text_.size()) return fail("unterminated quoted string");
      char s = text_[at_];
      if (s == '\\' && tok.escape_string) {
        at_ += 2;
      } else if (s == '\'') {
        if (at_ + 1 < text_.size() && text_[at_ + 1] == '\'') {
          at_ += 2;
        } else {
          ++at_;
          break;
        }
      } else {
        ++at_;
      }
    }
    return finish(TokKind::kString);
  }
  if (IsIdentStart(static_cast<unsigned char>(c))) {
    while (at_ < text_.size() && IsIdentChar(static_cast<unsigned char>(text_[at_]))) ++at_;
    return finish(TokKind::kIdent);
  }
  if (c == '"') {
    ++at_;
    while (true) {
      if (at_ >= text_.size()) return fail("unterminated quoted identifier");
      if (text_[at_] == '"') {
        if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
          at_ += 2;
          continue;
        }
        ++at_;
        break;
      }
      ++at_;
    }
    if (at_ - tok.begin == 2) return fail("zero-length delimited identifier");
    return finish(TokKind::kQuotedIdent);
  }
  if (IsDigit(c) || (c == '.' && IsDigit(next))) {
    while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
    if (at_ < text_.size() && text_[at_] == '.' &&
        !(at_ + 1 < text_.size() && text_[at_ + 1] == '.')) {
      ++at_;
      while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      size_t save = at_;
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (at_ < text_.size() && IsDigit(text_[at_])) {
        while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
      } else {
        at_ = save;
      }
    }
    if (at_ < text_.size() && IsIdentStart(static_cast<unsigned char>(text_[at_]))) {
      return fail("trailing junk after numeric literal");
    }
    return finish(TokKind::kNumber);
  }
  if (c == '$') {
    if (IsDigit(next)) {
      ++at_;
      while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
      return finish(TokKind::kParam);
    }
    // $tag$ ... $tag$
    size_t tag_end = at_ + 1;
    while (tag_end < text_.size() && text_[tag_end] != '$' &&
           IsIdentChar(static_cast<unsigned char>(text_[tag_end])) && text_[tag_end] != '$') {
      ++tag_end;
    }
    if (tag_end >= text_.size() || text_[tag_end] != '$') return fail("syntax error at \"$\"");
    std::string_view tag = text_.substr(at_, tag_end - at_ + 1);
    size_t close = text_.find(tag, tag_end + 1);
    if (close == std::string_view::npos) return fail("unterminated dollar-quoted string");
    at_ = close + tag.size();
    tok.dollar_string = true;
    return finish(TokKind::kString);
  }
  switch (c) {
    case '(':
      ++at_;
      return finish(TokKind::kLParen);
    case ')':
      ++at_;
      return finish(TokKind::kRParen);
    case '[':
      ++at_;
      return finish(TokKind::kLBracket);
    case ']':
      ++at_;
      return finish(TokKind::kRBracket);
    case ',':
      ++at_;
      return finish(TokKind::kComma);
    case ';':
      ++at_;
      return finish(TokKind::kSemicolon);
    case '.':
      ++at_;
      return finish(TokKind::kDot);
    case ':':
      if (next == ':') {
        at_ += 2;
        return finish(TokKind::kCast);
      }
      ++at_;
      return finish(TokKind::kColon);
    default:
      break;
  }
  if (IsOpChar(c)) {
    // The longest run of operator characters, stopping before a comment start; a
    // multi-character operator cannot end in + or - unless it contains one of ~!@#%^&|`?
    // (so "=-1" is "=" and "-1").
    size_t end = at_;
    while (end < text_.size() && IsOpChar(text_[end])) {
      if (end > at_ && ((text_[end] == '-' && text_[end - 1] == '-') ||
                        (text_[end] == '*' && text_[end - 1] == '/'))) {
        --end;
        break;
      }
      ++end;
    }
    if (end - at_ > 1) {
      bool special = false;
      for (size_t i = at_; i < end; ++i) {
        if (std::string_view("~!@#%^&|`?").find(text_[i]) != std::string_view::npos) {
          special = true;
        }
      }
      while (!special && end - at_ > 1 && (text_[end - 1] == '+' || text_[end - 1] == '-')) {
        --end;
      }
    }
    at_ = end;
    return finish(TokKind::kOp);
  }
  return fail("syntax error at or near an unexpected character");
}

absl::StatusOr<std::vector<Tok>> Tokenize(std::string_view text) {
  std::vector<Tok> tokens;
  Scanner scanner(text);
  while (true) {
    Tok tok = scanner.Next();
    if (scanner.failed()) {
      int position = 1;
      for (size_t i = 0; i < scanner.error_offset() && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++position;
      }
      return query::SqlError(query::sqlstate::kSyntaxError, scanner.error(), position);
    }
    tokens.push_back(tok);
    if (tok.kind == TokKind::kEnd) return tokens;
  }
}

std::string DecodeString(std::string_view text, const Tok& tok) {
  std::string_view raw = text.substr(tok.begin, tok.end - tok.begin);
  std::string out;
  if (tok.dollar_string) {
    size_t tag = raw.find('$', 1) + 1;
    return std::string(raw.substr(tag, raw.size() - 2 * tag));
  }
  if (raw.front() != '\'') raw.remove_prefix(1);  // E or N
  raw = raw.substr(1, raw.size() - 2);
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\'' && i + 1 < raw.size() && raw[i + 1] == '\'') {
      out.push_back('\'');
      ++i;
    } else if (c == '\\' && tok.escape_string && i + 1 < raw.size()) {
      char e = raw[++i];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'x': {
          int value = 0, digits = 0;
          while (digits < 2 && i + 1 < raw.size() && HexValue(raw[i + 1]) >= 0) {
            value = value * 16 + HexValue(raw[++i]);
            ++digits;
          }
          out.push_back(static_cast<char>(value));
          break;
        }
        case 'u':
        case 'U': {
          int want = e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          int digits = 0;
          while (digits < want && i + 1 < raw.size() && HexValue(raw[i + 1]) >= 0) {
            cp = cp * 16 + static_cast<uint32_t>(HexValue(raw[++i]));
            ++digits;
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0', digits = 1;
            while (digits < 3 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7') {
              value = value * 8 + (raw[++i] - '0');
              ++digits;
            }
            out.push_back(static_cast<char>(value));
          } else {
            out.push_back(e);  // \\ \' and any other character stand for themselves
          }
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string IdentName(std::string_view text, const Tok& tok) {
  std::string_view raw = text.substr(tok.begin, tok.end - tok.begin);
  std::string out;
  if (tok.kind == TokKind::kQuotedIdent) {
    raw = raw.substr(1, raw.size() - 2);
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      out.push_back(raw[i]);
      if (raw[i] == '"') ++i;
    }
    return out;
  }
  out.reserve(raw.size());
  for (char c : raw) out.push_back(LowerAscii(c));
  return out;
}

bool IdentIs(std::string_view text, const Tok& tok, std::string_view lower_word) {
  return tok.kind == TokKind::kIdent &&
         EqualsIgnoreCase(text.substr(tok.begin, tok.end - tok.begin), lower_word);
}

}  // namespace strata::server::pgwire::catalog
