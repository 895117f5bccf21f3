// Cuts SQL text into statements at each ';' that is outside quotes ('...', "...") and
// comments (-- to end of line, nested /* */), across any number of Append calls: the lines
// of an interactive prompt or of a script.
//
// Thread safety: one splitter per input stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::server {

class StatementSplitter {
 public:
  // Adds `text` and appends every statement it completes to *statements: without its ';',
  // trimmed of surrounding whitespace. Statements of nothing but whitespace and comments
  // are dropped.
  void Append(std::string_view text, std::vector<std::string>* statements);
  // Returns the unterminated rest (a script's last statement without ';'), trimmed, or ""
  // if it holds nothing but whitespace and comments; the splitter is empty afterwards.
  std::string TakeRest();
  // True while no statement text is pending (the prompt is "strata=> ", not "strata-> ").
  bool empty() const { return !has_content_; }
  // True inside a quoted string or a comment (a backslash there is not a shell command).
  bool in_quote_or_comment() const { return state_ != State::kNormal; }

 private:
  enum class State { kNormal, kSingleQuote, kDoubleQuote, kLineComment, kBlockComment };

  std::string buffer_;  // text of the statement in progress
  size_t scanned_ = 0;  // buffer_[0, scanned_) is classified
  State state_ = State::kNormal;
  int comment_depth_ = 0;     // nesting of /* */
  bool has_content_ = false;  // the pending statement holds more than blanks and comments
};

}  // namespace strata::server
