// The SQL parser: text -> statements (ast.h).
//
// Hand-written recursive descent with PostgreSQL's precedence. Keywords are case
// insensitive; unquoted identifiers are folded to lower case, "quoted" ones kept as written.
// Comments (-- and nested /* */) are skipped; '' doubles a quote; E'' escapes are not
// supported. Positions are 1-based characters, as PostgreSQL reports them.
//
// Errors are SqlError(42601, ...) with the position of the offending token, e.g.
//   syntax error at or near "FORM"
//   syntax error at end of input
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/ast.h"

namespace strata::query {

// Parses one or more ';'-separated statements. Positions are relative to `text`.
absl::StatusOr<std::vector<ast::Statement>> ParseStatements(std::string_view text);

// Parses exactly one statement (a trailing ';' is allowed).
absl::StatusOr<ast::Statement> ParseStatement(std::string_view text);

}  // namespace strata::query
