// The syntax tree the parser produces and the binder consumes.
//
// Every node records `pos`, the 1-based character offset of its first token in the
// statement text, so errors found after parsing (unknown column, type mismatch) still
// point at the right place.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "query/types.h"

namespace strata::query::ast {

struct Expr;
struct Query;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  kLiteral,     // literal: 42, 4.2, 'text', TRUE, NULL
  kColumn,      // [qualifier.]name
  kStar,        // * or qualifier.* (select list and count(*) only)
  kParam,       // $n (extended protocol); param_index is n
  kUnary,       // op: "-", "+", "NOT"
  kBinary,      // op: + - * / % || = <> < <= > >= AND OR
  kFunction,    // name(args) [FILTER (WHERE filter)]; count(*) has star=true, no args.
                // Special syntax arrives as plain calls: x IS [NOT] TRUE / FALSE is
                // "is_true" / "is_false" (x) with `negated` for NOT; x AT TIME ZONE z is
                // "timezone" (z, x); TRIM([LEADING|TRAILING|BOTH] c FROM s) is "ltrim" /
                // "rtrim" / "btrim" (s, c); SUBSTRING(s FROM a FOR b) is "substring" (s, a, b);
                // POSITION(a IN b) is "strpos" (b, a); OVERLAY(s PLACING r FROM a FOR b) is
                // "overlay" (s, r, a, b); CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP,
                // CURRENT_USER, ... are that name, lower case, with no args.
  kCast,        // CAST(arg AS type), arg::type, and typed literals (timestamptz '...')
  kCase,        // CASE [operand] WHEN .. THEN .. [ELSE ..] END
  kIn,          // args[0] [NOT] IN (args[1..])
  kInSubquery,  // args[0] [NOT] IN (subquery)
  kBetween,     // args[0] [NOT] BETWEEN args[1] AND args[2]
  kLike,        // args[0] [NOT] LIKE|ILIKE args[1]; op is "LIKE" or "ILIKE"
  kIsNull,      // args[0] IS [NOT] NULL
  kSubscript,   // args[0][args[1]]: params['key']
  kInterval,    // INTERVAL '7 days' (literal.s holds the text) or INTERVAL '7' DAY ("7 day")
  kExtract,     // EXTRACT(field FROM args[0]); name holds the field, lower case
  kSubquery,    // (SELECT ...) used as a scalar value
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int pos = 0;

  Value literal;          // kLiteral; kInterval text in literal.s
  std::string qualifier;  // kColumn / kStar: table or alias before the dot ("" if none)
  std::string name;       // kColumn: column; kFunction: function (lower case); kExtract
  std::string op;         // kUnary / kBinary / kLike: upper case operator text
  std::string type_name;  // kCast: the type as written, lower case ("double precision")
  int param_index = 0;    // kParam
  bool negated = false;   // NOT IN / NOT BETWEEN / NOT LIKE / IS NOT NULL / IS NOT TRUE
  bool distinct = false;  // kFunction: count(DISTINCT x)
  bool star = false;      // kFunction: count(*)
  std::vector<ExprPtr> args;
  ExprPtr filter;  // kFunction: FILTER (WHERE ...)
  // kFunction with OVER is not supported; the parser rejects it with 0A000.

  // kCase
  ExprPtr case_operand;                            // CASE x WHEN ... (null for searched CASE)
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;  // WHEN cond THEN result
  ExprPtr case_else;

  // kInSubquery / kSubquery
  std::unique_ptr<Query> subquery;

  // For messages and EXPLAIN: the expression as SQL text (normalized spacing).
  std::string ToSql() const;
};

struct SelectItem {
  ExprPtr expr;       // kStar for * and t.*
  std::string alias;  // "" when none written
  int pos = 0;
};

// FROM item: a named table or a parenthesized subquery, with an optional alias.
struct TableRef {
  std::string name;                 // events, sessions, ... ("" for a subquery)
  std::unique_ptr<Query> subquery;  // FROM (SELECT ...) [AS] alias
  std::string alias;
  int pos = 0;
};

struct OrderItem {
  ExprPtr expr;
  bool desc = false;
  std::optional<bool> nulls_first;  // unset: NULLs sort as larger than any value (PG)
};

// One SELECT ... [FROM] [WHERE] [GROUP BY] [HAVING]; the terms of a UNION ALL.
struct Select {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::optional<TableRef> from;  // absent for SELECT 1
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  int pos = 0;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;  // WITH t(a, b) AS (...); empty if not given
  std::unique_ptr<Query> query;
  int pos = 0;
};

// [WITH ...] select [UNION ALL select ...] [ORDER BY ...] [LIMIT n] [OFFSET m]
struct Query {
  std::vector<CommonTableExpr> with;
  std::vector<Select> terms;  // at least one; more than one means UNION ALL
  std::vector<OrderItem> order_by;
  ExprPtr limit;  // a constant expression (or $n); null if absent
  ExprPtr offset;
  int pos = 0;
};

enum class StatementKind {
  kSelect,    // query
  kExplain,   // EXPLAIN [ANALYZE] query
  kSet,       // SET [SESSION|LOCAL] name {TO|=} value[, ...]  /  SET TIME ZONE value
  kShow,      // SHOW name | SHOW ALL
  kReset,     // RESET name | RESET ALL
  kBegin,     // BEGIN / START TRANSACTION (accepted, no effect: reads are snapshots)
  kCommit,    // COMMIT / END
  kRollback,  // ROLLBACK
  kEmpty,     // only whitespace / comments / ';'
};

struct Statement {
  StatementKind kind = StatementKind::kEmpty;
  int pos = 0;                   // of the first token, within the whole text
  std::string text;              // this statement's own text (without the ';')
  std::unique_ptr<Query> query;  // kSelect, kExplain
  bool analyze = false;          // EXPLAIN ANALYZE
  bool verbose = false;          // EXPLAIN VERBOSE
  std::string name;  // kSet / kShow / kReset: lower case ("timezone" for TIME ZONE; "all")
  std::vector<std::string> values;  // kSet: values as text (quotes removed; DEFAULT -> "default")
};

}  // namespace strata::query::ast
