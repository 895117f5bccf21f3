// PostgreSQL's array functions as SQLite functions. Arrays are JSON arrays inside SQLite
// ('["a","b"]') and PostgreSQL's text ('{a,b}') outside; int2vector / oidvector columns
// keep PostgreSQL's text ("1 2", subscripts from 0). Set-returning functions return the
// JSON array the rewriter joins with json_each().

#include <sqlite3.h>

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "query/types.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {
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
    if (!first) json->push_back(',');
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

absl::Status RegisterArrayFunctions(sqlite3* db, FunctionContext* context) {
  static constexpr SqlFunction kFunctions[] = {
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
  return Register(db, context, kFunctions);
}

}  // namespace strata::server::pgwire::catalog
