#include "server/pgwire/pg_split.h"

namespace strata::server::pgwire {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }

// If sql[i] starts a dollar quote ($$ or $tag$), the length of its delimiter, else 0.
size_t DollarTagLength(std::string_view sql, size_t i) {
  if (i > 0 && IsIdentChar(sql[i - 1])) return 0;  // part of an identifier such as a$b
  size_t j = i + 1;
  if (j < sql.size() && sql[j] == '$') return 2;
  if (j >= sql.size() || !IsIdentStart(sql[j])) return 0;  // $1 is a parameter
  while (j < sql.size() && IsIdentChar(sql[j]) && sql[j] != '$') ++j;
  if (j < sql.size() && sql[j] == '$') return j - i + 1;
  return 0;
}

// The index just past the token or comment starting at sql[i] when it is a quote or a
// comment; i itself otherwise.
size_t SkipQuotedOrComment(std::string_view sql, size_t i) {
  const size_t n = sql.size();
  const char c = sql[i];
  if (c == '\'') {
    // E'...' takes backslash escapes; plain '...' does not (standard_conforming_strings).
    const bool escapes =
        i > 0 && (sql[i - 1] == 'e' || sql[i - 1] == 'E') && (i < 2 || !IsIdentChar(sql[i - 2]));
    size_t j = i + 1;
    while (j < n) {
      if (escapes && sql[j] == '\\') {
        j += 2;
        continue;
      }
      if (sql[j] == '\'') {
        if (j + 1 < n && sql[j + 1] == '\'') {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (c == '"') {
    size_t j = i + 1;
    while (j < n) {
      if (sql[j] == '"') {
        if (j + 1 < n && sql[j + 1] == '"') {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
    size_t j = sql.find('\n', i);
    return j == std::string_view::npos ? n : j + 1;
  }
  if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
    int depth = 1;
    size_t j = i + 2;
    while (j < n && depth > 0) {
      if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
        ++depth;
        j += 2;
      } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
        --depth;
        j += 2;
      } else {
        ++j;
      }
    }
    return j;
  }
  if (c == '$') {
    const size_t tag = DollarTagLength(sql, i);
    if (tag == 0) return i;
    const size_t close = sql.find(sql.substr(i, tag), i + tag);
    return close == std::string_view::npos ? n : close + tag;
  }
  return i;
}

bool IsComment(std::string_view sql, size_t i) {
  return (sql[i] == '-' && i + 1 < sql.size() && sql[i + 1] == '-') ||
         (sql[i] == '/' && i + 1 < sql.size() && sql[i + 1] == '*');
}

}  // namespace

int CharCount(std::string_view text) {
  int n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::vector<StatementText> SplitStatements(std::string_view sql) {
  std::vector<StatementText> out;
  size_t start = 0;
  int start_chars = 0;
  bool empty = true;
  int depth = 0;
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (c == ';' && depth == 0) {
      std::string_view text = sql.substr(start, i - start);
      out.push_back({text, start_chars, empty});
      start_chars += CharCount(text) + 1;
      start = i + 1;
      empty = true;
      ++i;
      continue;
    }
    const size_t next = SkipQuotedOrComment(sql, i);
    if (next != i) {
      if (!IsComment(sql, i)) empty = false;
      i = next;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (!IsSpace(c)) empty = false;
    ++i;
  }
  if (start < n || out.empty()) {
    out.push_back({sql.substr(start), start_chars, empty});
  }
  return out;
}

std::string_view FirstKeyword(std::string_view sql, char* buf, size_t capacity) {
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    if (IsSpace(sql[i]) || sql[i] == '(') {
      ++i;
    } else if (IsComment(sql, i)) {
      i = SkipQuotedOrComment(sql, i);
    } else {
      break;
    }
  }
  size_t len = 0;
  while (i < n && len < capacity && IsIdentChar(sql[i])) {
    char c = sql[i++];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    buf[len++] = c;
  }
  return std::string_view(buf, len);
}

}  // namespace strata::server::pgwire
