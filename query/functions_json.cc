// json_get_text(json, key): params['key'] on the events' params column, a JSON object
// text such as {"plan":"pro","qty":3}. Strings come back unescaped, numbers and booleans as
// written, nested objects and arrays as their JSON text; JSON null or an absent key give
// NULL. A hand parser that scans the object once without building it: values without
// escapes are views into the input, so the common case allocates nothing.
#include <cstdint>
#include <string>
#include <string_view>

#include "query/error.h"
#include "query/functions.h"

namespace strata::query {
namespace {

enum class Found { kValue, kNull, kAbsent, kMalformed };

class JsonObjectScanner {
 public:
  JsonObjectScanner(std::string_view text, std::string* scratch) : s_(text), scratch_(scratch) {}

  // Looks up `key` among the top-level members; on kValue sets *value (a view into the
  // input or into the scratch string).
  Found Lookup(std::string_view key, std::string_view* value) {
    SkipSpace();
    if (!Consume('{')) return Found::kMalformed;
    SkipSpace();
    if (Consume('}')) return End() ? Found::kAbsent : Found::kMalformed;
    while (true) {
      SkipSpace();
      std::string_view raw;
      bool escaped = false;
      if (!ReadString(&raw, &escaped)) return Found::kMalformed;
      bool match;
      if (escaped) {
        if (!Unescape(raw, &key_buf_)) return Found::kMalformed;
        match = key_buf_ == key;
      } else {
        match = raw == key;
      }
      SkipSpace();
      if (!Consume(':')) return Found::kMalformed;
      SkipSpace();
      if (match) return ReadValue(value);
      std::string_view ignored;
      if (ReadValue(&ignored) == Found::kMalformed) return Found::kMalformed;
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) return End() ? Found::kAbsent : Found::kMalformed;
      return Found::kMalformed;
    }
  }

 private:
  bool Consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool End() {
    SkipSpace();
    return pos_ == s_.size();
  }

  // A string token at pos_; *raw is its content between the quotes, still escaped.
  bool ReadString(std::string_view* raw, bool* escaped) {
    if (!Consume('"')) return false;
    size_t start = pos_;
    *escaped = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        *raw = s_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\') {
        *escaped = true;
        pos_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      ++pos_;
    }
    return false;
  }

  Found ReadValue(std::string_view* value) {
    if (pos_ >= s_.size()) return Found::kMalformed;
    char c = s_[pos_];
    if (c == '"') {
      std::string_view raw;
      bool escaped = false;
      if (!ReadString(&raw, &escaped)) return Found::kMalformed;
      if (!escaped) {
        *value = raw;
        return Found::kValue;
      }
      if (!Unescape(raw, scratch_)) return Found::kMalformed;
      *value = *scratch_;
      return Found::kValue;
    }
    size_t start = pos_;
    if (c == '{' || c == '[') {
      if (!SkipNested()) return Found::kMalformed;
      *value = s_.substr(start, pos_ - start);
      return Found::kValue;
    }
    // A number or a literal: up to the next delimiter.
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ' ' &&
           s_[pos_] != '\t' && s_[pos_] != '\n' && s_[pos_] != '\r') {
      ++pos_;
    }
    std::string_view token = s_.substr(start, pos_ - start);
    if (token == "null") return Found::kNull;
    if (token == "true" || token == "false") {
      *value = token;
      return Found::kValue;
    }
    if (!IsNumber(token)) return Found::kMalformed;
    *value = token;
    return Found::kValue;
  }

  bool SkipNested() {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        std::string_view raw;
        bool escaped;
        if (!ReadString(&raw, &escaped)) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }

  static bool IsNumber(std::string_view t) {
    size_t i = 0;
    if (i < t.size() && t[i] == '-') ++i;
    size_t digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++digits;
    if (digits == 0) return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      size_t frac = 0;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++frac;
      if (frac == 0) return false;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      ++i;
      if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
      size_t exp = 0;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++exp;
      if (exp == 0) return false;
    }
    return i == t.size();
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  static bool ReadHex4(std::string_view raw, size_t at, uint32_t* out) {
    if (at + 4 > raw.size()) return false;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int h = Hex(raw[at + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
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

  static bool Unescape(std::string_view raw, std::string* out) {
    out->clear();
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (++i >= raw.size()) return false;
      switch (raw[i]) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!ReadHex4(raw, i + 1, &cp)) return false;
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (i + 2 >= raw.size() || raw[i + 1] != '\\' || raw[i + 2] != 'u' ||
                !ReadHex4(raw, i + 3, &low) || low < 0xDC00 || low > 0xDFFF) {
              return false;
            }
            i += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string* scratch_;
  std::string key_buf_;
};

absl::Status JsonGetText(const KernelArgs& a, Vector* out) {
  const Vector& json = a.arg(0);
  const Vector& key = a.arg(1);
  for (const auto& h : json.heaps) out->heaps.push_back(h);
  StringHeap* heap = out->NewHeap();
  std::string scratch;
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    JsonObjectScanner scanner(json.str[i], &scratch);
    std::string_view value;
    switch (scanner.Lookup(key.str[i], &value)) {
      case Found::kValue:
        // Unescaped strings live in `scratch`; everything else is a view into the input.
        out->str[i] = value.data() == scratch.data() ? heap->Add(value) : value;
        break;
      case Found::kNull:
      case Found::kAbsent:
        out->SetNull(i);
        break;
      case Found::kMalformed:
        return SqlError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json");
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& r) {
  r.Add(Fn("json_get_text", {Type::kString, Type::kString}, Type::kString, JsonGetText));
}

}  // namespace strata::query
