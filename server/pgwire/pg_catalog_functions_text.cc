// PostgreSQL's string, pattern and array functions as SQLite functions.
//
// Arrays are JSON arrays inside SQLite ('["a","b"]'); int2vector / oidvector columns keep
// PostgreSQL's text ("1 2", subscripts from 0). LIKE is overridden to be case-sensitive
// with '\' as the default escape (PostgreSQL's), GLOB carries ILIKE, REGEXP `~` and MATCH
// `~*` (RE2).

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "re2/re2.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {

struct RegexCache {
  std::map<std::string, std::unique_ptr<re2::RE2>> compiled;
};

namespace {

namespace sqlstate = query::sqlstate;

// ---- JSON arrays -----------------------------------------------------------------------

void SkipJsonSpace(std::string_view s, size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r')) {
    ++*i;
  }
}

// Reads one JSON value at *i; strings come back decoded.
bool ParseJsonValue(std::string_view s, size_t* i, ArrayElement* out) {
  SkipJsonSpace(s, i);
  if (*i >= s.size()) return false;
  char c = s[*i];
  if (c == '"') {
    out->kind = ArrayElement::kString;
    out->text.clear();
    ++*i;
    while (*i < s.size() && s[*i] != '"') {
      char ch = s[(*i)++];
      if (ch != '\\') {
        out->text.push_back(ch);
        continue;
      }
      if (*i >= s.size()) return false;
      char e = s[(*i)++];
      switch (e) {
        case 'n':
          out->text.push_back('\n');
          break;
        case 't':
          out->text.push_back('\t');
          break;
        case 'r':
          out->text.push_back('\r');
          break;
        case 'b':
          out->text.push_back('\b');
          break;
        case 'f':
          out->text.push_back('\f');
          break;
        case 'u': {
          if (*i + 4 > s.size()) return false;
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = s[(*i)++];
            cp = cp * 16 + static_cast<uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          }
          if (cp >= 0xD800 && cp < 0xDC00 && *i + 6 <= s.size() && s[*i] == '\\') {
            uint32_t lo = 0;
            for (int k = 2; k < 6; ++k) {
              char h = s[*i + k];
              lo = lo * 16 + static_cast<uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            *i += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          if (cp < 0x80) {
            out->text.push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out->text.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out->text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else if (cp < 0x10000) {
            out->text.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out->text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out->text.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out->text.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out->text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default:
          out->text.push_back(e);
      }
    }
    if (*i >= s.size()) return false;
    ++*i;
    return true;
  }
  if (c == '[' || c == '{') {
    // Nested: kept as JSON text.
    size_t start = *i;
    int depth = 0;
    bool in_string = false;
    for (; *i < s.size(); ++*i) {
      char ch = s[*i];
      if (in_string) {
        if (ch == '\\')
          ++*i;
        else if (ch == '"')
          in_string = false;
      } else if (ch == '"') {
        in_string = true;
      } else if (ch == '[' || ch == '{') {
        ++depth;
      } else if (ch == ']' || ch == '}') {
        if (--depth == 0) break;
      }
    }
    if (*i >= s.size()) return false;
    ++*i;
    out->kind = c == '[' ? ArrayElement::kArray : ArrayElement::kObject;
    out->text = std::string(s.substr(start, *i - start));
    return true;
  }
  size_t start = *i;
  while (*i < s.size() && s[*i] != ',' && s[*i] != ']' && s[*i] != ' ') ++*i;
  std::string_view word = s.substr(start, *i - start);
  if (word == "null") {
    out->kind = ArrayElement::kNull;
  } else if (word == "true" || word == "false") {
    out->kind = ArrayElement::kBool;
    out->text = word == "true" ? "t" : "f";
  } else {
    out->kind = ArrayElement::kNumber;
    out->text = std::string(word);
  }
  return !word.empty();
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

bool LooksNumeric(std::string_view s) {
  double d;
  return !s.empty() && absl::SimpleAtod(absl::string_view(s.data(), s.size()), &d) &&
         std::isfinite(d) && s.find_first_of("xXnN ") == std::string_view::npos;
}

// PostgreSQL array text: {a,"b c",NULL,{1,2}}. `numbers`: unquoted numeric elements
// become JSON numbers.
bool ParsePgArray(std::string_view s, size_t* i, bool numbers, std::string* json) {
  if (*i >= s.size() || s[*i] != '{') return false;
  ++*i;
  json->push_back('[');
  bool first = true;
  while (true) {
    while (*i < s.size() && s[*i] == ' ') ++*i;
    if (*i >= s.size()) return false;
    if (s[*i] == '}') {
      ++*i;
      break;
    }
    if (!first) {
      if (s[*i] != ',') return false;
      ++*i;
      while (*i < s.size() && s[*i] == ' ') ++*i;
    }
    if (!first || true) {
      if (!first) json->push_back(',');
    }
    first = false;
    if (*i >= s.size()) return false;
    if (s[*i] == '{') {
      if (!ParsePgArray(s, i, numbers, json)) return false;
    } else if (s[*i] == '"') {
      std::string value;
      ++*i;
      while (*i < s.size() && s[*i] != '"') {
        if (s[*i] == '\\' && *i + 1 < s.size()) ++*i;
        value.push_back(s[(*i)++]);
      }
      if (*i >= s.size()) return false;
      ++*i;
      AppendJsonString(value, json);
    } else {
      size_t start = *i;
      while (*i < s.size() && s[*i] != ',' && s[*i] != '}') ++*i;
      std::string_view word = s.substr(start, *i - start);
      while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
      if (EqualsIgnoreCase(word, "null")) {
        *json += "null";
      } else if (numbers && LooksNumeric(word)) {
        json->append(word);
      } else {
        AppendJsonString(word, json);
      }
    }
  }
  json->push_back(']');
  return true;
}

bool NeedsPgQuotes(std::string_view s) {
  if (s.empty() || EqualsIgnoreCase(s, "null")) return true;
  for (char c : s) {
    if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || c == ' ' || c == '\t' ||
        c == '\n' || c == '\r') {
      return true;
    }
  }
  return false;
}

void AppendPgElement(const ArrayElement& e, std::string* out) {
  switch (e.kind) {
    case ArrayElement::kNull:
      *out += "NULL";
      return;
    case ArrayElement::kArray:
      *out += JsonArrayToPgText(e.text);
      return;
    case ArrayElement::kNumber:
    case ArrayElement::kBool:
      *out += e.text;
      return;
    case ArrayElement::kString:
    case ArrayElement::kObject:
      if (!NeedsPgQuotes(e.text)) {
        *out += e.text;
        return;
      }
      out->push_back('"');
      for (char c : e.text) {
        if (c == '"' || c == '\\') out->push_back('\\');
        out->push_back(c);
      }
      out->push_back('"');
      return;
  }
}

// ---- SQLite glue -------------------------------------------------------------------------

std::string_view Text(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_value_bytes(v)));
}
bool IsNull(sqlite3_value* v) { return sqlite3_value_type(v) == SQLITE_NULL; }
void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
void Fail(sqlite3_context* ctx, std::string_view state, std::string_view message) {
  std::string m = FunctionError(state, message);
  sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
}

// ---- LIKE / ILIKE --------------------------------------------------------------------------

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

char Fold(char c, bool icase) {
  return icase && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// PostgreSQL LIKE: % any run, _ one character, `escape` quotes the next character.
bool LikeMatch(std::string_view s, std::string_view p, int escape, bool icase) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      if (p[pi] == '_') {
        si += Utf8Length(static_cast<unsigned char>(s[si]));
        pi += Utf8Length(static_cast<unsigned char>(p[pi]));
        continue;
      }
      size_t lit = pi;
      if (escape >= 0 && static_cast<unsigned char>(p[pi]) == escape && pi + 1 < p.size()) lit++;
      size_t len = Utf8Length(static_cast<unsigned char>(p[lit]));
      bool same = lit + len <= p.size() && si + len <= s.size();
      for (size_t k = 0; same && k < len; ++k)
        same = Fold(s[si + k], icase) == Fold(p[lit + k], icase);
      if (same) {
        si += len;
        pi = lit + len;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    star_s += Utf8Length(static_cast<unsigned char>(s[star_s]));
    si = star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

int EscapeOf(sqlite3_context* ctx, int argc, sqlite3_value** argv, bool* ok) {
  *ok = true;
  if (argc < 3) return '\\';
  std::string_view e = Text(argv[2]);
  if (e.empty()) return -1;
  if (e.size() != 1) {
    Fail(ctx, "22025", "invalid escape string");
    *ok = false;
  }
  return static_cast<unsigned char>(e[0]);
}

void LikeFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv, bool icase) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  bool ok;
  int escape = EscapeOf(ctx, argc, argv, &ok);
  if (!ok) return;
  // SQLite calls like(pattern, string).
  sqlite3_result_int(ctx, LikeMatch(Text(argv[1]), Text(argv[0]), escape, icase) ? 1 : 0);
}

void Like(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  LikeFunction(ctx, argc, argv, false);
}
void ILike(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  LikeFunction(ctx, argc, argv, true);
}

// ---- Regular expressions -------------------------------------------------------------------

const re2::RE2* Compile(sqlite3_context* ctx, std::string_view pattern, bool icase) {
  auto* context = static_cast<FunctionContext*>(sqlite3_user_data(ctx));
  RegexCache& cache = *context->regexes;
  std::string key = absl::StrCat(icase ? "i:" : "c:", AV(pattern));
  auto it = cache.compiled.find(key);
  if (it != cache.compiled.end()) return it->second.get();
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!icase);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    Fail(ctx, sqlstate::kInvalidRegex, absl::StrCat("invalid regular expression: ", re->error()));
    return nullptr;
  }
  if (cache.compiled.size() >= 64) cache.compiled.clear();
  return cache.compiled.emplace(key, std::move(re)).first->second.get();
}

void RegexFunction(sqlite3_context* ctx, sqlite3_value** argv, bool icase) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  const re2::RE2* re = Compile(ctx, Text(argv[0]), icase);
  if (re == nullptr) return;
  std::string_view s = Text(argv[1]);
  sqlite3_result_int(ctx, re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}
void Regexp(sqlite3_context* ctx, int, sqlite3_value** argv) { RegexFunction(ctx, argv, false); }
void RegexpI(sqlite3_context* ctx, int, sqlite3_value** argv) { RegexFunction(ctx, argv, true); }

void RegexpReplace(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  std::string_view flags = argc > 3 ? Text(argv[3]) : std::string_view();
  const re2::RE2* re = Compile(ctx, Text(argv[1]), flags.find('i') != std::string_view::npos);
  if (re == nullptr) return;
  std::string s(Text(argv[0]));
  std::string_view rewrite = Text(argv[2]);
  re2::StringPiece rw(rewrite.data(), rewrite.size());
  if (flags.find('g') != std::string_view::npos) {
    re2::RE2::GlobalReplace(&s, *re, rw);
  } else {
    re2::RE2::Replace(&s, *re, rw);
  }
  ResultText(ctx, s);
}

// ---- Strings ---------------------------------------------------------------------------

// Byte offset of the `n`-th character (0-based) of s, or s.size().
size_t CharOffset(std::string_view s, int64_t n) {
  size_t at = 0;
  for (int64_t k = 0; k < n && at < s.size(); ++k)
    at += Utf8Length(static_cast<unsigned char>(s[at]));
  return std::min(at, s.size());
}
int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void Substring(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  std::string_view s = Text(argv[0]);
  int64_t start = sqlite3_value_int64(argv[1]);
  int64_t from = std::max<int64_t>(start, 1);
  int64_t to = INT64_MAX;  // one past the last character, 1-based
  if (argc > 2) {
    int64_t len = sqlite3_value_int64(argv[2]);
    if (len < 0) return Fail(ctx, "22011", "negative substring length not allowed");
    to = start + len;
  }
  if (to <= from) return ResultText(ctx, "");
  size_t b = CharOffset(s, from - 1);
  size_t e = to == INT64_MAX ? s.size() : CharOffset(s, to - 1);
  ResultText(ctx, s.substr(b, e - b));
}

void Left(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]);
  int64_t n = sqlite3_value_int64(argv[1]);
  int64_t count = n >= 0 ? n : std::max<int64_t>(0, CharCount(s) + n);
  ResultText(ctx, s.substr(0, CharOffset(s, count)));
}

void Right(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]);
  int64_t n = sqlite3_value_int64(argv[1]);
  int64_t total = CharCount(s);
  int64_t skip = n >= 0 ? std::max<int64_t>(0, total - n) : std::min(total, -n);
  ResultText(ctx, s.substr(CharOffset(s, skip)));
}

void Strpos(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]);
  size_t at = s.find(Text(argv[1]));
  sqlite3_result_int64(ctx, at == std::string_view::npos ? 0 : CharCount(s.substr(0, at)) + 1);
}

std::string ValueText(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_FLOAT) {
    return query::Value::Float(sqlite3_value_double(v)).ToString();
  }
  return std::string(Text(v));
}

void Concat(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (!IsNull(argv[i])) out += ValueText(argv[i]);
  }
  ResultText(ctx, out);
}

void ConcatWs(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc == 0 || IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::string sep(Text(argv[0]));
  std::string out;
  bool first = true;
  for (int i = 1; i < argc; ++i) {
    if (IsNull(argv[i])) continue;
    if (!first) out += sep;
    out += ValueText(argv[i]);
    first = false;
  }
  ResultText(ctx, out);
}

void GreatestLeast(sqlite3_context* ctx, int argc, sqlite3_value** argv, bool greatest) {
  sqlite3_value* best = nullptr;
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) continue;
    if (best == nullptr) {
      best = argv[i];
      continue;
    }
    bool numeric = sqlite3_value_numeric_type(argv[i]) != SQLITE_TEXT &&
                   sqlite3_value_numeric_type(best) != SQLITE_TEXT;
    int cmp;
    if (numeric) {
      double a = sqlite3_value_double(argv[i]), b = sqlite3_value_double(best);
      cmp = a < b ? -1 : a > b ? 1 : 0;
    } else {
      cmp = Text(argv[i]).compare(Text(best));
    }
    if (greatest ? cmp > 0 : cmp < 0) best = argv[i];
  }
  if (best == nullptr) return sqlite3_result_null(ctx);
  sqlite3_result_value(ctx, best);
}
void Greatest(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GreatestLeast(ctx, argc, argv, true);
}
void Least(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GreatestLeast(ctx, argc, argv, false);
}

std::string QuoteLiteralText(std::string_view s) {
  std::string out;
  bool backslash = s.find('\\') != std::string_view::npos;
  if (backslash) out += "E";
  out += "'";
  for (char c : s) {
    if (c == '\'' || (backslash && c == '\\')) out.push_back(c);
    out.push_back(c);
  }
  out += "'";
  return out;
}

void QuoteLiteral(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  ResultText(ctx, QuoteLiteralText(ValueText(argv[0])));
}

void QuoteNullable(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return ResultText(ctx, "NULL");
  ResultText(ctx, QuoteLiteralText(ValueText(argv[0])));
}

void QuoteIdentFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  ResultText(ctx, PgQuoteIdent(Text(argv[0])));
}

// format(fmt, ...): %s, %I, %L and %%.
void Format(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc == 0 || IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::string_view fmt = Text(argv[0]);
  std::string out;
  int next = 1;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (++i >= fmt.size()) return Fail(ctx, "22023", "unterminated format() type specifier");
    char spec = fmt[i];
    if (spec == '%') {
      out.push_back('%');
      continue;
    }
    if (spec != 's' && spec != 'I' && spec != 'L') {
      return Fail(
          ctx, "22023",
          absl::StrCat("unrecognized format() type specifier \"", std::string(1, spec), "\""));
    }
    if (next >= argc) return Fail(ctx, "22023", "too few arguments for format()");
    sqlite3_value* v = argv[next++];
    if (spec == 's') {
      if (!IsNull(v)) out += ValueText(v);
    } else if (spec == 'I') {
      if (IsNull(v))
        return Fail(ctx, "22004", "null values cannot be formatted as an SQL identifier");
      out += PgQuoteIdent(ValueText(v));
    } else {
      out += IsNull(v) ? "NULL" : QuoteLiteralText(ValueText(v));
    }
  }
  ResultText(ctx, out);
}

void StartsWith(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]), p = Text(argv[1]);
  sqlite3_result_int(ctx, s.substr(0, p.size()) == p ? 1 : 0);
}

// ---- Arrays ------------------------------------------------------------------------------

// Any array representation -> its elements. `vector`: an int2vector / oidvector (0-based).
bool ReadArray(sqlite3_value* v, std::vector<ArrayElement>* out, bool* vector) {
  *vector = false;
  out->clear();
  if (sqlite3_value_type(v) == SQLITE_INTEGER) {
    *vector = true;
    out->push_back({ArrayElement::kNumber, std::to_string(sqlite3_value_int64(v))});
    return true;
  }
  std::string_view s = Text(v);
  size_t i = 0;
  SkipJsonSpace(s, &i);
  if (i < s.size() && s[i] == '[') {
    return ParseJsonArray(s, out);
  }
  if (i < s.size() && s[i] == '{') {
    return ParseJsonArray(PgArrayTextToJson(s), out);
  }
  *vector = true;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start)
      out->push_back({ArrayElement::kNumber, std::string(s.substr(start, end - start))});
    start = end + 1;
  }
  return true;
}

void ResultElement(sqlite3_context* ctx, const ArrayElement& e) {
  switch (e.kind) {
    case ArrayElement::kNull:
      return sqlite3_result_null(ctx);
    case ArrayElement::kNumber: {
      int64_t i;
      double d;
      if (absl::SimpleAtoi(e.text, &i)) return sqlite3_result_int64(ctx, i);
      if (absl::SimpleAtod(e.text, &d)) return sqlite3_result_double(ctx, d);
      return ResultText(ctx, e.text);
    }
    case ArrayElement::kBool:
      return sqlite3_result_int(ctx, e.text == "t" ? 1 : 0);
    default:
      return ResultText(ctx, e.text);
  }
}

void ResultJsonArray(sqlite3_context* ctx, const std::vector<ArrayElement>& elems) {
  ResultText(ctx, ElementsToJson(elems));
}

// pg_array(x [, element type]): any array form -> JSON.
void PgArray(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]);
  size_t i = 0;
  SkipJsonSpace(s, &i);
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT && i < s.size() && s[i] == '[') {
    return ResultText(ctx, s);
  }
  if (i < s.size() && s[i] == '{') {
    bool numbers = true;
    if (argc > 1 && !IsNull(argv[1])) {
      uint32_t element = static_cast<uint32_t>(sqlite3_value_int64(argv[1]));
      numbers = IsIntegerType(element) || IsFloatType(element);
    }
    size_t at = 0;
    std::string json;
    if (!ParsePgArray(s, &at, numbers, &json)) {
      return Fail(ctx, sqlstate::kInvalidTextRepresentation,
                  absl::StrCat("malformed array literal: \"", AV(s), "\""));
    }
    return ResultText(ctx, json);
  }
  std::vector<ArrayElement> elems;
  bool vector;
  ReadArray(argv[0], &elems, &vector);
  ResultJsonArray(ctx, elems);
}

void PgArrayText(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::vector<ArrayElement> elems;
  bool vector;
  if (!ReadArray(argv[0], &elems, &vector)) return ResultText(ctx, Text(argv[0]));
  std::string out = "{";
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out += ",";
    AppendPgElement(elems[i], &out);
  }
  out += "}";
  ResultText(ctx, out);
}

void ArrayCat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  std::vector<ArrayElement> all, part;
  bool vector;
  for (int i = 0; i < 2; ++i) {
    if (IsNull(argv[i])) continue;
    if (!ReadArray(argv[i], &part, &vector)) return Fail(ctx, "22P02", "malformed array");
    all.insert(all.end(), part.begin(), part.end());
  }
  if (IsNull(argv[0]) && IsNull(argv[1])) return sqlite3_result_null(ctx);
  ResultJsonArray(ctx, all);
}

void ArrayToString(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::vector<ArrayElement> elems;
  bool vector;
  if (!ReadArray(argv[0], &elems, &vector)) return Fail(ctx, "22P02", "malformed array");
  std::string sep(Text(argv[1]));
  bool has_null_text = argc > 2 && !IsNull(argv[2]);
  std::string out;
  bool first = true;
  for (const ArrayElement& e : elems) {
    if (e.kind == ArrayElement::kNull && !has_null_text) continue;
    if (!first) out += sep;
    first = false;
    if (e.kind == ArrayElement::kNull) {
      out += Text(argv[2]);
    } else if (e.kind == ArrayElement::kArray) {
      out += JsonArrayToPgText(e.text);
    } else {
      out += e.text;
    }
  }
  ResultText(ctx, out);
}

void StringToArray(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::string_view s = Text(argv[0]);
  std::vector<ArrayElement> elems;
  std::string_view null_text;
  bool has_null = argc > 2 && !IsNull(argv[2]);
  if (has_null) null_text = Text(argv[2]);
  auto add = [&](std::string_view piece) {
    if (has_null && piece == null_text) {
      elems.push_back({ArrayElement::kNull, ""});
    } else {
      elems.push_back({ArrayElement::kString, std::string(piece)});
    }
  };
  if (!s.empty()) {
    if (IsNull(argv[1])) {
      for (size_t i = 0; i < s.size();) {
        size_t len = Utf8Length(static_cast<unsigned char>(s[i]));
        add(s.substr(i, len));
        i += len;
      }
    } else {
      std::string_view sep = Text(argv[1]);
      if (sep.empty()) {
        add(s);
      } else {
        size_t start = 0;
        while (true) {
          size_t at = s.find(sep, start);
          if (at == std::string_view::npos) {
            add(s.substr(start));
            break;
          }
          add(s.substr(start, at - start));
          start = at + sep.size();
        }
      }
    }
  }
  ResultJsonArray(ctx, elems);
}

// array_lower / array_upper / array_length / cardinality.
void ArrayBound(sqlite3_context* ctx, int argc, sqlite3_value** argv, char which) {
  if (IsNull(argv[0]) || (argc > 1 && IsNull(argv[1]))) return sqlite3_result_null(ctx);
  std::vector<ArrayElement> elems;
  bool vector;
  if (!ReadArray(argv[0], &elems, &vector)) return Fail(ctx, "22P02", "malformed array");
  int64_t n = static_cast<int64_t>(elems.size());
  if (which == 'c') return sqlite3_result_int64(ctx, n);
  int64_t dim = sqlite3_value_int64(argv[1]);
  if (dim != 1 || n == 0) return sqlite3_result_null(ctx);
  int64_t lower = vector ? 0 : 1;
  if (which == 'l') return sqlite3_result_int64(ctx, lower);
  if (which == 'u') return sqlite3_result_int64(ctx, lower + n - 1);
  sqlite3_result_int64(ctx, n);
}
void ArrayLower(sqlite3_context* c, int n, sqlite3_value** v) { ArrayBound(c, n, v, 'l'); }
void ArrayUpper(sqlite3_context* c, int n, sqlite3_value** v) { ArrayBound(c, n, v, 'u'); }
void ArrayLength(sqlite3_context* c, int n, sqlite3_value** v) { ArrayBound(c, n, v, 'n'); }
void Cardinality(sqlite3_context* c, int n, sqlite3_value** v) { ArrayBound(c, n, v, 'c'); }

void Subscript(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || IsNull(argv[1])) return sqlite3_result_null(ctx);
  std::vector<ArrayElement> elems;
  bool vector;
  if (!ReadArray(argv[0], &elems, &vector)) return Fail(ctx, "22P02", "malformed array");
  int64_t index = sqlite3_value_int64(argv[1]) - (vector ? 0 : 1);
  if (index < 0 || index >= static_cast<int64_t>(elems.size())) return sqlite3_result_null(ctx);
  ResultElement(ctx, elems[static_cast<size_t>(index)]);
}

void GenerateSeries(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return ResultText(ctx, "[]");
  }
  bool integers = true;
  for (int i = 0; i < argc; ++i) {
    integers = integers && sqlite3_value_numeric_type(argv[i]) == SQLITE_INTEGER;
  }
  std::string out = "[";
  constexpr int64_t kMaxElements = 10'000'000;
  int64_t count = 0;
  if (integers) {
    int64_t from = sqlite3_value_int64(argv[0]), to = sqlite3_value_int64(argv[1]);
    int64_t step = argc > 2 ? sqlite3_value_int64(argv[2]) : 1;
    if (step == 0) return Fail(ctx, "22023", "step size cannot equal zero");
    for (int64_t v = from; step > 0 ? v <= to : v >= to; v += step) {
      if (++count > kMaxElements) return Fail(ctx, "54000", "generate_series is too long");
      if (out.size() > 1) out += ",";
      absl::StrAppend(&out, v);
      if ((step > 0 && v > INT64_MAX - step) || (step < 0 && v < INT64_MIN - step)) break;
    }
  } else {
    double from = sqlite3_value_double(argv[0]), to = sqlite3_value_double(argv[1]);
    double step = argc > 2 ? sqlite3_value_double(argv[2]) : 1;
    if (step == 0) return Fail(ctx, "22023", "step size cannot equal zero");
    for (double v = from; step > 0 ? v <= to : v >= to; v += step) {
      if (++count > kMaxElements) return Fail(ctx, "54000", "generate_series is too long");
      if (out.size() > 1) out += ",";
      out += query::Value::Float(v).ToString();
    }
  }
  out += "]";
  ResultText(ctx, out);
}

// information_schema._pg_expandarray(arr): rows (x, n) as JSON objects.
void ExpandArray(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return ResultText(ctx, "[]");
  std::vector<ArrayElement> elems;
  bool vector;
  if (!ReadArray(argv[0], &elems, &vector)) return Fail(ctx, "22P02", "malformed array");
  std::string out = "[";
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"x\":";
    std::vector<ArrayElement> one{elems[i]};
    std::string element = ElementsToJson(one);
    out += element.substr(1, element.size() - 2);
    absl::StrAppend(&out, ",\"n\":", i + 1, "}");
  }
  out += "]";
  ResultText(ctx, out);
}

}  // namespace

bool ParseJsonArray(std::string_view json, std::vector<ArrayElement>* out) {
  out->clear();
  size_t i = 0;
  SkipJsonSpace(json, &i);
  if (i >= json.size() || json[i] != '[') return false;
  ++i;
  SkipJsonSpace(json, &i);
  if (i < json.size() && json[i] == ']') return true;
  while (true) {
    ArrayElement e;
    if (!ParseJsonValue(json, &i, &e)) return false;
    out->push_back(std::move(e));
    SkipJsonSpace(json, &i);
    if (i >= json.size()) return false;
    if (json[i] == ']') return true;
    if (json[i] != ',') return false;
    ++i;
  }
}

std::string ElementsToJson(const std::vector<ArrayElement>& elems) {
  std::string out = "[";
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out += ",";
    const ArrayElement& e = elems[i];
    switch (e.kind) {
      case ArrayElement::kNull:
        out += "null";
        break;
      case ArrayElement::kBool:
        out += e.text == "t" ? "true" : "false";
        break;
      case ArrayElement::kNumber:
        out += LooksNumeric(e.text) ? e.text : "\"" + e.text + "\"";
        break;
      case ArrayElement::kArray:
      case ArrayElement::kObject:
        out += e.text;
        break;
      case ArrayElement::kString:
        AppendJsonString(e.text, &out);
        break;
    }
  }
  out += "]";
  return out;
}

std::string JsonArrayToPgText(std::string_view json) {
  std::vector<ArrayElement> elems;
  if (!ParseJsonArray(json, &elems)) return "";
  std::string out = "{";
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out += ",";
    AppendPgElement(elems[i], &out);
  }
  out += "}";
  return out;
}

std::string PgArrayTextToJson(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i < text.size() && text[i] == '[') {
    // Explicit bounds: [0:1]={1,2}
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return "";
    i = eq + 1;
  }
  std::string json;
  if (!ParsePgArray(text, &i, true, &json)) return "";
  return json;
}

void RegisterTextFunctions(sqlite3* db, FunctionContext* context) {
  context->regexes = std::make_shared<RegexCache>();
  struct Fn {
    const char* name;
    int args;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static constexpr Fn kFunctions[] = {
      {"like", 2, Like},
      {"like", 3, Like},
      {"glob", 2, ILike},
      {"regexp", 2, Regexp},
      {"match", 2, RegexpI},
      {"pg_regexp_replace", 3, RegexpReplace},
      {"pg_regexp_replace", 4, RegexpReplace},
      {"pg_substring", 2, Substring},
      {"pg_substring", 3, Substring},
      {"pg_left", 2, Left},
      {"pg_right", 2, Right},
      {"pg_strpos", 2, Strpos},
      {"pg_concat", -1, Concat},
      {"pg_concat_ws", -1, ConcatWs},
      {"pg_greatest", -1, Greatest},
      {"pg_least", -1, Least},
      {"pg_format", -1, Format},
      {"quote_ident", 1, QuoteIdentFunction},
      {"quote_literal", 1, QuoteLiteral},
      {"quote_nullable", 1, QuoteNullable},
      {"starts_with", 2, StartsWith},
      {"pg_array", 1, PgArray},
      {"pg_array", 2, PgArray},
      {"pg_array_text", 1, PgArrayText},
      {"pg_array_cat", 2, ArrayCat},
      {"array_to_string", 2, ArrayToString},
      {"array_to_string", 3, ArrayToString},
      {"string_to_array", 2, StringToArray},
      {"string_to_array", 3, StringToArray},
      {"array_lower", 2, ArrayLower},
      {"array_upper", 2, ArrayUpper},
      {"array_length", 2, ArrayLength},
      {"cardinality", 1, Cardinality},
      {"pg_subscript", 2, Subscript},
      {"pg_generate_series", 2, GenerateSeries},
      {"pg_generate_series", 3, GenerateSeries},
      {"pg_expandarray", 1, ExpandArray},
  };
  for (const Fn& f : kFunctions) {
    sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8, context, f.fn, nullptr, nullptr,
                               nullptr);
  }
}

}  // namespace strata::server::pgwire::catalog
