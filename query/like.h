// LIKE / ILIKE pattern matching with PostgreSQL's rules (private to the expression module):
// '%' matches any sequence, '_' exactly one character (a UTF-8 code point), and a backslash
// makes the next character literal. ILIKE folds ASCII letters.
//
// A pattern is compiled once per expression; common shapes ('abc', 'abc%', '%abc',
// '%abc%') match with one comparison or one memmem, and nothing allocates per row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::query {

class LikeMatcher {
 public:
  // 22025 if the pattern ends with an unescaped backslash.
  static absl::StatusOr<LikeMatcher> Compile(std::string_view pattern, bool case_insensitive);

  // Not const: ILIKE folds the subject into a reused buffer.
  bool Matches(std::string_view s);

  const std::string& pattern() const { return pattern_; }
  bool case_insensitive() const { return case_insensitive_; }

 private:
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kAll, kGeneral };
  // A run of pattern characters between two '%': literal bytes and '_' wildcards.
  struct Segment {
    std::string bytes;      // the literal bytes; '_' positions hold a placeholder
    std::vector<bool> any;  // per byte of `bytes`: true for a '_' wildcard
    bool has_any = false;
  };

  bool MatchFolded(std::string_view s) const;
  bool MatchGeneral(std::string_view s) const;
  static bool MatchSegmentAt(const Segment& seg, std::string_view s, size_t pos, size_t* end);

  std::string pattern_;
  bool case_insensitive_ = false;
  Shape shape_ = Shape::kGeneral;
  std::string literal_;  // kExact / kPrefix / kSuffix / kContains
  std::vector<Segment> segments_;
  bool leading_percent_ = false;
  bool trailing_percent_ = false;
  std::string folded_;  // ILIKE scratch
};

}  // namespace strata::query
