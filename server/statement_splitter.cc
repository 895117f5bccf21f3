#include "server/statement_splitter.h"

namespace strata::server {
namespace {

bool IsBlank(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

std::string Trimmed(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsBlank(text[begin])) ++begin;
  while (end > begin && IsBlank(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

void StatementSplitter::Append(std::string_view text, std::vector<std::string>* statements) {
  buffer_.append(text);
  size_t begin = 0;  // start of the statement in progress
  size_t i = scanned_;
  while (i < buffer_.size()) {
    const char ch = buffer_[i];
    const bool has_next = i + 1 < buffer_.size();
    const char next = has_next ? buffer_[i + 1] : '\0';
    // "--", "/*" and "*/" need the next character: wait for more text if it is not here.
    if (!has_next &&
        (state_ == State::kNormal ? (ch == '-' || ch == '/')
                                  : (state_ == State::kBlockComment && (ch == '*' || ch == '/')))) {
      break;
    }
    switch (state_) {
      case State::kNormal:
        if (ch == '-' && next == '-') {
          state_ = State::kLineComment;
          i += 2;
          continue;
        }
        if (ch == '/' && next == '*') {
          state_ = State::kBlockComment;
          comment_depth_ = 1;
          i += 2;
          continue;
        }
        if (ch == ';') {
          if (has_content_)
            statements->push_back(Trimmed(std::string_view(buffer_).substr(begin, i - begin)));
          has_content_ = false;
          begin = ++i;
          continue;
        }
        if (ch == '\'') state_ = State::kSingleQuote;
        if (ch == '"') state_ = State::kDoubleQuote;
        if (!IsBlank(ch)) has_content_ = true;
        break;
      case State::kSingleQuote:  // a doubled '' closes and reopens: no special case needed
        if (ch == '\'') state_ = State::kNormal;
        break;
      case State::kDoubleQuote:
        if (ch == '"') state_ = State::kNormal;
        break;
      case State::kLineComment:
        if (ch == '\n') state_ = State::kNormal;
        break;
      case State::kBlockComment:
        if (ch == '/' && next == '*') {
          ++comment_depth_;
          i += 2;
          continue;
        }
        if (ch == '*' && next == '/') {
          if (--comment_depth_ == 0) state_ = State::kNormal;
          i += 2;
          continue;
        }
        break;
    }
    ++i;
  }
  buffer_.erase(0, begin);
  scanned_ = i - begin;
}

std::string StatementSplitter::TakeRest() {
  // A trailing '-' or '/' waiting for its successor is plain text now.
  for (size_t i = scanned_; i < buffer_.size() && state_ == State::kNormal; ++i)
    if (!IsBlank(buffer_[i])) has_content_ = true;
  std::string rest = has_content_ ? Trimmed(buffer_) : std::string();
  buffer_.clear();
  scanned_ = 0;
  state_ = State::kNormal;
  comment_depth_ = 0;
  has_content_ = false;
  return rest;
}

}  // namespace strata::server
