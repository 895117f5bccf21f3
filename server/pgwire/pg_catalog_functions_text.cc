// PostgreSQL's string and pattern functions as SQLite functions. LIKE is overridden to be
// case-sensitive with '\' as the default escape (PostgreSQL's); GLOB carries ILIKE, REGEXP
// `~` and MATCH `~*` (RE2, compiled patterns cached per session).

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "re2/re2.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {

struct RegexCache {
  std::map<std::string, std::unique_ptr<re2::RE2>> compiled;
};

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

namespace {

namespace sqlstate = query::sqlstate;

// ---- LIKE / ILIKE --------------------------------------------------------------------------

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

}  // namespace

absl::Status RegisterTextFunctions(sqlite3* db, FunctionContext* context) {
  context->regexes = std::make_shared<RegexCache>();
  static constexpr SqlFunction kFunctions[] = {
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
  };
  return Register(db, context, kFunctions);
}

}  // namespace strata::server::pgwire::catalog
