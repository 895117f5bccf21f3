// Text forms of query results and SQL errors, as psql shows them: the aligned table, CSV,
// TSV and JSON lines, and "ERROR:  ... (SQLSTATE ...)" with the LINE/caret pointer. Used by
// `strata sql` and by any other tool that prints query results; knows nothing of a shell.
//
// Thread safety: stateless functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "query/query.h"

namespace strata::server {

enum class OutputFormat {
  kTable,  // psql's aligned format: header, '-'/'+' rule, "(N rows)" footer, blank line
  kCsv,    // RFC 4180 quoting, header line, LF line ends (as psql --csv); NULL empty, '' as ""
  kTsv,    // header line; \ tab newline CR escaped as \\ \t \n \r; NULL empty
  kJson,   // one object per row: numbers and booleans bare, NULL null, NaN/Infinity strings
};

// "table", "csv", "tsv", "json" -> the format; false if `name` is none of them.
bool ParseOutputFormat(std::string_view name, OutputFormat* out);
std::string_view OutputFormatName(OutputFormat format);

// Appends `result` to *out in `format`. A result without columns (SET, ...) is its command
// tag on a line. In the table, numbers are right-aligned and other values left-aligned; a
// value with line breaks spans several lines marked '+' at the column edge, except in a
// "QUERY PLAN" column (EXPLAIN), whose lines are printed plainly. Cell values are
// query::Value::ToString text, timestamps shown in `zone` (the session's TimeZone).
void AppendResult(const query::QueryResult& result, OutputFormat format, const absl::TimeZone& zone,
                  std::string* out);

// The psql-style report of a failed statement:
//   ERROR:  syntax error at or near "FORM" (SQLSTATE 42601)
//   LINE 1: SELECT * FORM events
//                    ^
// The LINE/caret part appears when the error has a position (query::ErrorPosition, 1-based
// in code points of `statement`, the text that was executed). Ends with a newline.
std::string FormatError(const absl::Status& status, std::string_view statement);

// The width of UTF-8 text on a terminal, counted as its code points.
size_t DisplayWidth(std::string_view text);

}  // namespace strata::server
