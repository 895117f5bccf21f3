// String functions. Positions and lengths count characters (UTF-8 code points) as
// PostgreSQL does; lower/upper fold ASCII letters only. Results that are a piece of an
// argument (substr, trim, split_part, ...) are views into it, sharing its heaps.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "query/functions.h"

namespace strata::query {
namespace {

constexpr char kSubstringError[] = "22011";
// Longest string a function may build (PostgreSQL allows 1 GB; a row this large is a bug).
constexpr int64_t kMaxResultBytes = 64 << 20;

absl::Status TooLarge() {
  return SqlError(sqlstate::kProgramLimitExceeded, "requested length too large");
}

size_t CharLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

int64_t CountChars(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += !IsContinuation(c);
  return n;
}

// Byte offset of character `k` (0-based), or s.size() if there are fewer characters.
size_t ByteOffsetOfChar(std::string_view s, int64_t k) {
  size_t pos = 0;
  while (k > 0 && pos < s.size()) {
    pos += CharLength(static_cast<unsigned char>(s[pos]));
    --k;
  }
  return std::min(pos, s.size());
}

// Characters [from, to) (0-based, clamped) of s.
std::string_view CharRange(std::string_view s, int64_t from, int64_t to) {
  if (from < 0) from = 0;
  if (to <= from) return {};
  size_t b = ByteOffsetOfChar(s, from);
  size_t e = b + ByteOffsetOfChar(s.substr(b), to - from);
  return s.substr(b, e - b);
}

void ShareHeaps(const Vector& from, Vector* out) {
  for (const auto& h : from.heaps) out->heaps.push_back(h);
}

// Applies f(row) -> string_view (a view into argument 0) to each non-NULL row.
template <class F>
absl::Status MapView(const KernelArgs& a, Vector* out, F f) {
  ShareHeaps(a.arg(0), out);
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    out->str[i] = f(i);
  }
  return absl::OkStatus();
}

// Applies f(row, &buf) that builds the result in `buf`; the bytes go to a new heap.
template <class F>
absl::Status MapBuilt(const KernelArgs& a, Vector* out, F f) {
  StringHeap* heap = out->NewHeap();
  std::string buf;
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    buf.clear();
    absl::Status s = f(i, &buf);
    if (!s.ok()) return s;
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

template <bool kUpper>
absl::Status ChangeCase(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  return MapBuilt(a, out, [&](size_t i, std::string* buf) {
    buf->assign(s.str[i]);
    for (char& c : *buf) {
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return absl::OkStatus();
  });
}

absl::Status Length(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  for (size_t i = 0; i < a.rows; ++i) out->i64[i] = CountChars(s.str[i]);
  return absl::OkStatus();
}

absl::Status OctetLength(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  for (size_t i = 0; i < a.rows; ++i) out->i64[i] = static_cast<int64_t>(s.str[i].size());
  return absl::OkStatus();
}

// substr(s, start [, count]), 1-based; a start before 1 still counts toward `count`.
absl::Status Substr(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& start = a.arg(1);
  const Vector* count = a.nargs > 2 ? &a.arg(2) : nullptr;
  for (size_t i = 0; i < a.rows; ++i) {
    if (count != nullptr && !a.skip(i) && count->i64[i] < 0) {
      return SqlError(kSubstringError, "negative substring length not allowed");
    }
  }
  return MapView(a, out, [&](size_t i) {
    int64_t from = std::max(start.i64[i], INT64_MIN + 1) - 1;  // 0-based, may be negative
    int64_t to = INT64_MAX;
    if (count != nullptr && __builtin_add_overflow(from, count->i64[i], &to)) to = INT64_MAX;
    return CharRange(s.str[i], from, to);
  });
}

absl::Status Left(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& n = a.arg(1);
  return MapView(a, out, [&](size_t i) {
    int64_t k = n.i64[i];
    if (k < 0) k = std::max<int64_t>(0, CountChars(s.str[i]) + k);
    return CharRange(s.str[i], 0, k);
  });
}

absl::Status Right(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& n = a.arg(1);
  return MapView(a, out, [&](size_t i) {
    int64_t total = CountChars(s.str[i]);
    int64_t k = n.i64[i];
    int64_t from = k >= 0 ? std::max<int64_t>(0, total - k) : (k < -total ? total : -k);
    return CharRange(s.str[i], from, total);
  });
}

absl::Status SplitPart(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& delim = a.arg(1);
  const Vector& field = a.arg(2);
  for (size_t i = 0; i < a.rows; ++i) {
    if (!a.skip(i) && field.i64[i] == 0) {
      return SqlError(sqlstate::kInvalidParameterValue, "field position must not be zero");
    }
  }
  return MapView(a, out, [&](size_t i) -> std::string_view {
    std::string_view str = s.str[i];
    std::string_view d = delim.str[i];
    int64_t n = field.i64[i];
    if (d.empty()) return (n == 1 || n == -1) ? str : std::string_view();
    if (n < 0) {
      // Count fields, then take the one |n| from the end.
      int64_t fields = 1;
      for (size_t p = str.find(d); p != std::string_view::npos; p = str.find(d, p + d.size())) {
        ++fields;
      }
      n = fields + n + 1;
      if (n < 1) return {};
    }
    size_t begin = 0;
    for (int64_t k = 1; k < n; ++k) {
      size_t p = str.find(d, begin);
      if (p == std::string_view::npos) return {};
      begin = p + d.size();
    }
    size_t end = str.find(d, begin);
    return str.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  });
}

absl::Status StartsWith(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& p = a.arg(1);
  for (size_t i = 0; i < a.rows; ++i) {
    out->i64[i] = s.str[i].size() >= p.str[i].size() &&
                  std::memcmp(s.str[i].data(), p.str[i].data(), p.str[i].size()) == 0;
  }
  return absl::OkStatus();
}

absl::Status EndsWith(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& p = a.arg(1);
  for (size_t i = 0; i < a.rows; ++i) {
    std::string_view str = s.str[i], suffix = p.str[i];
    out->i64[i] =
        str.size() >= suffix.size() &&
        std::memcmp(str.data() + str.size() - suffix.size(), suffix.data(), suffix.size()) == 0;
  }
  return absl::OkStatus();
}

absl::Status Strpos(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& sub = a.arg(1);
  for (size_t i = 0; i < a.rows; ++i) {
    size_t p = s.str[i].find(sub.str[i]);
    out->i64[i] = p == std::string_view::npos ? 0 : CountChars(s.str[i].substr(0, p)) + 1;
  }
  return absl::OkStatus();
}

absl::Status Replace(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& from = a.arg(1);
  const Vector& to = a.arg(2);
  ShareHeaps(s, out);
  StringHeap* heap = out->NewHeap();
  std::string buf;
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    std::string_view str = s.str[i], f = from.str[i], t = to.str[i];
    size_t p = f.empty() ? std::string_view::npos : str.find(f);
    if (p == std::string_view::npos) {
      out->str[i] = str;
      continue;
    }
    buf.clear();
    size_t begin = 0;
    for (; p != std::string_view::npos; p = str.find(f, begin)) {
      buf.append(str.substr(begin, p - begin));
      buf.append(t);
      begin = p + f.size();
    }
    buf.append(str.substr(begin));
    if (static_cast<int64_t>(buf.size()) > kMaxResultBytes) return TooLarge();
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

// The characters of a trim set, each a view of 1-4 bytes.
void SplitChars(std::string_view set, std::vector<std::string_view>* chars) {
  chars->clear();
  for (size_t p = 0; p < set.size();) {
    size_t len = std::min(CharLength(static_cast<unsigned char>(set[p])), set.size() - p);
    chars->push_back(set.substr(p, len));
    p += len;
  }
}

bool InSet(std::string_view c, const std::vector<std::string_view>& set) {
  for (std::string_view x : set) {
    if (x == c) return true;
  }
  return false;
}

std::string_view TrimChars(std::string_view s, const std::vector<std::string_view>& set,
                           bool leading, bool trailing) {
  if (leading) {
    while (!s.empty()) {
      size_t len = std::min(CharLength(static_cast<unsigned char>(s[0])), s.size());
      if (!InSet(s.substr(0, len), set)) break;
      s.remove_prefix(len);
    }
  }
  if (trailing) {
    while (!s.empty()) {
      size_t start = s.size() - 1;
      while (start > 0 && IsContinuation(s[start])) --start;
      if (!InSet(s.substr(start), set)) break;
      s = s.substr(0, start);
    }
  }
  return s;
}

template <bool kLeading, bool kTrailing>
absl::Status Trim(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector* chars = a.nargs > 1 ? &a.arg(1) : nullptr;
  std::vector<std::string_view> set;
  if (chars == nullptr) set.push_back(" ");
  bool constant_set = chars == nullptr || a.constants[1] != nullptr;
  if (chars != nullptr && constant_set) SplitChars(a.constants[1]->s, &set);
  return MapView(a, out, [&](size_t i) {
    if (!constant_set) SplitChars(chars->str[i], &set);
    return TrimChars(s.str[i], set, kLeading, kTrailing);
  });
}

// lpad / rpad (s, length [, fill]): pads with `fill` (default ' ') or truncates to
// `length` characters.
template <bool kLeft>
absl::Status Pad(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& length = a.arg(1);
  const Vector* fill = a.nargs > 2 ? &a.arg(2) : nullptr;
  ShareHeaps(s, out);
  StringHeap* heap = out->NewHeap();
  std::string buf;
  for (size_t i = 0; i < a.rows; ++i) {
    if (a.skip(i)) continue;
    int64_t want = length.i64[i];
    std::string_view str = s.str[i];
    std::string_view f = fill != nullptr ? fill->str[i] : std::string_view(" ");
    if (want <= 0) {
      out->str[i] = {};
      continue;
    }
    if (want > kMaxResultBytes / 4) return TooLarge();
    int64_t have = CountChars(str);
    if (have >= want || f.empty()) {
      out->str[i] = CharRange(str, 0, want);
      continue;
    }
    buf.clear();
    if (!kLeft) buf.append(str);
    size_t fp = 0;
    for (int64_t k = have; k < want; ++k) {
      size_t len = std::min(CharLength(static_cast<unsigned char>(f[fp])), f.size() - fp);
      buf.append(f.substr(fp, len));
      fp += len;
      if (fp >= f.size()) fp = 0;
    }
    if (kLeft) buf.append(str);
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

absl::Status Repeat(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  const Vector& n = a.arg(1);
  return MapBuilt(a, out, [&](size_t i, std::string* buf) {
    int64_t times = n.i64[i];
    if (times <= 0) return absl::OkStatus();
    int64_t bytes;
    if (__builtin_mul_overflow(times, static_cast<int64_t>(s.str[i].size()), &bytes) ||
        bytes > kMaxResultBytes) {
      return TooLarge();
    }
    buf->reserve(static_cast<size_t>(bytes));
    for (int64_t k = 0; k < times; ++k) buf->append(s.str[i]);
    return absl::OkStatus();
  });
}

absl::Status Reverse(const KernelArgs& a, Vector* out) {
  const Vector& s = a.arg(0);
  return MapBuilt(a, out, [&](size_t i, std::string* buf) {
    std::string_view str = s.str[i];
    buf->resize(str.size());
    size_t w = str.size();
    for (size_t p = 0; p < str.size();) {
      size_t len = std::min(CharLength(static_cast<unsigned char>(str[p])), str.size() - p);
      w -= len;
      std::memcpy(buf->data() + w, str.data() + p, len);
      p += len;
    }
    return absl::OkStatus();
  });
}

// concat(any...): NULL arguments are skipped; never NULL.
absl::Status Concat(const KernelArgs& a, Vector* out) {
  StringHeap* heap = out->NewHeap();
  std::string buf;
  for (size_t i = 0; i < a.rows; ++i) {
    buf.clear();
    for (size_t j = 0; j < a.nargs; ++j) {
      if (!a.arg(j).IsNull(i)) buf.append(a.arg(j).str[i]);
    }
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

// concat_ws(sep, any...): NULL if sep is NULL; NULL arguments are skipped.
absl::Status ConcatWs(const KernelArgs& a, Vector* out) {
  StringHeap* heap = out->NewHeap();
  std::string buf;
  const Vector& sep = a.arg(0);
  for (size_t i = 0; i < a.rows; ++i) {
    if (sep.IsNull(i)) {
      out->SetNull(i);
      continue;
    }
    buf.clear();
    bool first = true;
    for (size_t j = 1; j < a.nargs; ++j) {
      if (a.arg(j).IsNull(i)) continue;
      if (!first) buf.append(sep.str[i]);
      buf.append(a.arg(j).str[i]);
      first = false;
    }
    out->str[i] = heap->Add(buf);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& r) {
  using T = Type;
  r.Add(Fn("lower", {T::kString}, T::kString, ChangeCase<false>));
  r.Add(Fn("upper", {T::kString}, T::kString, ChangeCase<true>));
  r.Add(Fn("length", {T::kString}, T::kInt64, Length));
  r.Alias("char_length", "length");
  r.Alias("character_length", "length");
  r.Add(Fn("octet_length", {T::kString}, T::kInt64, OctetLength));
  r.Add(Fn("substr", {T::kString, T::kInt64}, T::kString, Substr));
  r.Add(Fn("substr", {T::kString, T::kInt64, T::kInt64}, T::kString, Substr));
  r.Alias("substring", "substr");
  r.Add(Fn("left", {T::kString, T::kInt64}, T::kString, Left));
  r.Add(Fn("right", {T::kString, T::kInt64}, T::kString, Right));
  r.Add(Fn("split_part", {T::kString, T::kString, T::kInt64}, T::kString, SplitPart));
  r.Add(Fn("starts_with", {T::kString, T::kString}, T::kBool, StartsWith));
  r.Add(Fn("ends_with", {T::kString, T::kString}, T::kBool, EndsWith));
  r.Add(Fn("strpos", {T::kString, T::kString}, T::kInt64, Strpos));
  r.Add(Fn("replace", {T::kString, T::kString, T::kString}, T::kString, Replace));
  r.Add(Fn("trim", {T::kString}, T::kString, Trim<true, true>));
  r.Add(Fn("trim", {T::kString, T::kString}, T::kString, Trim<true, true>));
  r.Alias("btrim", "trim");
  r.Add(Fn("ltrim", {T::kString}, T::kString, Trim<true, false>));
  r.Add(Fn("ltrim", {T::kString, T::kString}, T::kString, Trim<true, false>));
  r.Add(Fn("rtrim", {T::kString}, T::kString, Trim<false, true>));
  r.Add(Fn("rtrim", {T::kString, T::kString}, T::kString, Trim<false, true>));
  r.Add(Fn("lpad", {T::kString, T::kInt64}, T::kString, Pad<true>));
  r.Add(Fn("lpad", {T::kString, T::kInt64, T::kString}, T::kString, Pad<true>));
  r.Add(Fn("rpad", {T::kString, T::kInt64}, T::kString, Pad<false>));
  r.Add(Fn("rpad", {T::kString, T::kInt64, T::kString}, T::kString, Pad<false>));
  r.Add(Fn("repeat", {T::kString, T::kInt64}, T::kString, Repeat));
  r.Add(Fn("reverse", {T::kString}, T::kString, Reverse));
  ScalarFunction concat = Fn("concat", {T::kString}, T::kString, Concat);
  concat.variadic = true;
  concat.strict = false;
  concat.args_to_text = true;
  r.Add(concat);
  ScalarFunction concat_ws = Fn("concat_ws", {T::kString, T::kString}, T::kString, ConcatWs);
  concat_ws.variadic = true;
  concat_ws.strict = false;
  concat_ws.args_to_text = true;
  r.Add(concat_ws);
}

}  // namespace strata::query
