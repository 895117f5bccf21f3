// Cutting a simple-query string into statements, lexically.
//
// The query parser cannot do this for the server: catalog queries from drivers use
// PostgreSQL syntax it does not know (JOIN, OPERATOR(...), E'' strings, dollar quotes), and
// they must still be split and routed to PgCatalog. So the split is PostgreSQL's lexical
// one: ';' outside '...', E'...' (backslash escapes), "...", $tag$...$tag$, -- and nested
// /* */ comments, and parentheses.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace strata::server::pgwire {

struct StatementText {
  std::string_view text;  // from just after the previous ';' up to (without) this ';'
  int char_offset = 0;    // characters (UTF-8 code points) of the message before `text`
  bool empty = true;      // nothing but whitespace and comments
};

// Every statement of `sql`, empty ones included (the caller skips them). An unterminated
// quote or comment runs to the end of the text; the query layer then reports it.
std::vector<StatementText> SplitStatements(std::string_view sql);

// The first keyword of a statement, lower-cased ("select", "begin", "commit", ...), after
// whitespace, comments and opening parentheses; "" if it does not start with a word.
// Writes at most `capacity` characters into `buf` and returns the view.
std::string_view FirstKeyword(std::string_view sql, char* buf, size_t capacity);

// UTF-8 code points in `text` (bytes that do not continue a sequence).
int CharCount(std::string_view text);

}  // namespace strata::server::pgwire
