#include "query/like.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "query/error.h"

namespace strata::query {
namespace {

constexpr char kInvalidEscape[] = "22025";

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Bytes in the UTF-8 character starting with `lead` (1 for stray continuation bytes).
size_t CharLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

size_t NextChar(std::string_view s, size_t pos) {
  size_t next = pos + CharLength(static_cast<unsigned char>(s[pos]));
  return next > s.size() ? s.size() : next;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && std::memcmp(s.data(), p.data(), p.size()) == 0;
}

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() &&
         std::memcmp(s.data() + s.size() - p.size(), p.data(), p.size()) == 0;
}

// Position of `needle` (2+ bytes) in s[0..n), or npos: candidates are positions whose
// first and last bytes match the needle's, found 16 at a time (W. Muła's SIMD-friendly
// search), then confirmed with memcmp. Subjects are short (URLs, titles), where this beats
// memmem's per-call setup several times over.
size_t FindLong(const char* s, size_t n, const char* needle, size_t m) {
  const char first = needle[0];
  const char last = needle[m - 1];
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i first16 = _mm_set1_epi8(first);
  const __m128i last16 = _mm_set1_epi8(last);
  for (; i + m - 1 + 16 <= n; i += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + m - 1));
    auto mask = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first16), _mm_cmpeq_epi8(b, last16))));
    while (mask != 0) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(s + at + 1, needle + 1, m - 2) == 0) return at;
      mask &= mask - 1;
    }
  }
#endif
  for (; i + m <= n; ++i) {
    if (s[i] == first && s[i + m - 1] == last && std::memcmp(s + i + 1, needle + 1, m - 2) == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Position of `needle` in `s` at or after `from`, or npos.
size_t Find(std::string_view s, size_t from, std::string_view needle) {
  if (from > s.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  if (s.size() - from < needle.size()) return std::string_view::npos;
  if (needle.size() == 1) {
    const void* hit = std::memchr(s.data() + from, needle[0], s.size() - from);
    return hit == nullptr ? std::string_view::npos
                          : static_cast<size_t>(static_cast<const char*>(hit) - s.data());
  }
  size_t at = FindLong(s.data() + from, s.size() - from, needle.data(), needle.size());
  return at == std::string_view::npos ? at : at + from;
}

}  // namespace

absl::StatusOr<LikeMatcher> LikeMatcher::Compile(std::string_view pattern, bool case_insensitive) {
  LikeMatcher m;
  m.pattern_ = std::string(pattern);
  m.case_insensitive_ = case_insensitive;
  // Split into segments at unescaped '%'.
  std::vector<Segment> segments(1);
  bool saw_percent = false;
  bool any_wildcard = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '%') {
      if (i == 0) m.leading_percent_ = true;
      if (i + 1 == pattern.size()) m.trailing_percent_ = true;
      saw_percent = true;
      if (!segments.back().bytes.empty()) segments.emplace_back();
      continue;
    }
    bool wildcard = false;
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return SqlError(kInvalidEscape, "LIKE pattern must not end with escape character");
      }
      c = pattern[++i];
    } else if (c == '_') {
      wildcard = true;
      any_wildcard = true;
    }
    Segment& seg = segments.back();
    seg.bytes.push_back(case_insensitive ? FoldAscii(c) : c);
    seg.any.push_back(wildcard);
    seg.has_any |= wildcard;
  }
  if (segments.back().bytes.empty() && segments.size() > 1) segments.pop_back();
  if (!saw_percent && !any_wildcard) {
    m.shape_ = Shape::kExact;
    m.literal_ = segments[0].bytes;
  } else if (segments.size() == 1 && segments[0].bytes.empty()) {
    m.shape_ = Shape::kAll;
  } else if (segments.size() == 1 && !any_wildcard) {
    m.literal_ = segments[0].bytes;
    if (m.leading_percent_ && m.trailing_percent_) {
      m.shape_ = Shape::kContains;
    } else if (m.leading_percent_) {
      m.shape_ = Shape::kSuffix;
    } else {
      m.shape_ = Shape::kPrefix;
    }
  } else {
    m.shape_ = Shape::kGeneral;
  }
  m.segments_ = std::move(segments);
  return m;
}

bool LikeMatcher::Matches(std::string_view s) {
  if (!case_insensitive_) return MatchFolded(s);
  folded_.resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) folded_[i] = FoldAscii(s[i]);
  return MatchFolded(folded_);
}

bool LikeMatcher::MatchFolded(std::string_view s) const {
  switch (shape_) {
    case Shape::kExact:
      return s == literal_;
    case Shape::kPrefix:
      return StartsWith(s, literal_);
    case Shape::kSuffix:
      return EndsWith(s, literal_);
    case Shape::kContains:
      return Find(s, 0, literal_) != std::string_view::npos;
    case Shape::kAll:
      return true;
    case Shape::kGeneral:
      return MatchGeneral(s);
  }
  return false;
}

bool LikeMatcher::MatchSegmentAt(const Segment& seg, std::string_view s, size_t pos, size_t* end) {
  for (size_t k = 0; k < seg.bytes.size(); ++k) {
    if (pos >= s.size()) return false;
    if (seg.any[k]) {
      pos = NextChar(s, pos);
    } else {
      if (s[pos] != seg.bytes[k]) return false;
      ++pos;
    }
  }
  *end = pos;
  return true;
}

// Each segment takes its earliest match after the previous one (optimal for patterns whose
// only variable-length element is '%'); the last one must end the subject unless the
// pattern ends with '%'.
bool LikeMatcher::MatchGeneral(std::string_view s) const {
  size_t pos = 0;
  const size_t n = segments_.size();
  for (size_t k = 0; k < n; ++k) {
    const Segment& seg = segments_[k];
    bool anchored_start = k == 0 && !leading_percent_;
    bool anchored_end = k + 1 == n && !trailing_percent_;
    size_t end = 0;
    if (anchored_start) {
      if (!MatchSegmentAt(seg, s, 0, &end)) return false;
      if (anchored_end) return end == s.size();
      pos = end;
      continue;
    }
    if (anchored_end) {
      if (!seg.has_any) {
        return s.size() >= pos + seg.bytes.size() && EndsWith(s, seg.bytes);
      }
      for (size_t start = pos; start < s.size(); start = NextChar(s, start)) {
        if (MatchSegmentAt(seg, s, start, &end) && end == s.size()) return true;
      }
      return false;
    }
    if (!seg.has_any) {
      size_t hit = Find(s, pos, seg.bytes);
      if (hit == std::string_view::npos) return false;
      pos = hit + seg.bytes.size();
      continue;
    }
    bool found = false;
    for (size_t start = pos; start < s.size(); start = NextChar(s, start)) {
      if (MatchSegmentAt(seg, s, start, &end)) {
        pos = end;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace strata::query
