// Private to pg_catalog_rewrite*.cc: the rewriter's state.
//
// The rewriter walks PostgreSQL tokens once, clause by clause, and writes SQLite SQL.
// Expressions are rewritten primary by primary, so postfix forms (`x::type`, `x[i]`,
// `(x).field`) apply to the primary just read; binary operators are copied or renamed
// (~ -> REGEXP, ILIKE -> GLOB, ...), which SQLite turns into calls of our functions.
// Along the way it tracks each expression's PostgreSQL type (from the catalog's column
// definitions, casts, literals and function result types), because SQLite has no types
// and clients need PostgreSQL's: a boolean column must come out as 't'/'f'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {

// An expression or primary after rewriting.
struct Typed {
  std::string sql;
  uint32_t type = 0;         // PostgreSQL type; 0 = unknown; oid::kUnknown for a bare literal
  std::string name;          // the output column name PostgreSQL would give it
  int strength = 0;          // how sure that name is (PostgreSQL's FigureColname): 0 none, 1 type
                             // name, 2 column / function name
  bool literal = false;      // a bare string literal (coerces to the other operand's type)
  bool expandarray = false;  // an information_schema._pg_expandarray() record (x, n)
};

struct ScopeColumn {
  std::string name;
  uint32_t type = 0;
  std::string sql;  // how SQLite reads it, if not "alias"."name" (json_each columns)
};

struct ScopeRelation {
  std::string alias;
  std::vector<ScopeColumn> columns;
  uint32_t oid = 0;  // a catalog relation's OID (its rows' tableoid)
};

// The relations a query level can name; `parent` is the enclosing query (correlation).
struct Scope {
  std::vector<ScopeRelation> relations;
  const Scope* parent = nullptr;
};

struct QueryOut {
  std::string sql;
  std::vector<ScopeColumn> columns;
};

// Set-returning functions of one select list, evaluated as json_each() joins.
struct SelectState {
  struct Srf {
    std::string json_sql;
    std::string alias;
  };
  std::vector<Srf> srfs;
};

struct ExprContext {
  const Scope* scope = nullptr;
  SelectState* select = nullptr;  // non-null in a select list: set-returning functions allowed
  bool window = false;            // inside OVER (...)
};

class Rewriter {
 public:
  Rewriter(std::string_view text, std::vector<Tok> tokens, const std::vector<uint32_t>& params);
  absl::StatusOr<RewrittenQuery> Run();

 private:
  // pg_catalog_rewrite.cc: statements, queries, clauses.
  absl::StatusOr<QueryOut> Query(size_t begin, size_t end, const Scope* outer,
                                 const std::vector<std::string>* names, bool top_level);
  absl::StatusOr<QueryOut> SelectCore(size_t begin, size_t end, const Scope* outer,
                                      const std::vector<std::string>* names, bool top_level);
  absl::StatusOr<QueryOut> ValuesCore(size_t begin, size_t end, const Scope* outer,
                                      const std::vector<std::string>* names);
  absl::StatusOr<std::string> OrderBy(size_t begin, size_t end, const ExprContext& ctx);

  // pg_catalog_rewrite_from.cc: FROM clauses.
  absl::Status FromClause(size_t begin, size_t end, Scope* scope, std::string* out);
  absl::StatusOr<size_t> FromItem(size_t at, size_t end, Scope* scope, std::string* out);
  // Reads `[AS] alias [(col, ...)]` at `*at`; false if there is none.
  bool ReadAlias(size_t* at, size_t end, std::string* alias, std::vector<std::string>* columns);

  // pg_catalog_rewrite_expr.cc: expressions; pg_catalog_rewrite_call.cc: casts and calls.
  absl::StatusOr<Typed> Expr(size_t begin, size_t end, const ExprContext& ctx);
  absl::StatusOr<Typed> Primary(size_t* at, size_t end, const ExprContext& ctx);
  absl::StatusOr<Typed> Postfix(Typed value, size_t* at, size_t end, const ExprContext& ctx);
  absl::StatusOr<Typed> FunctionCall(const std::vector<std::string>& name_parts, size_t open,
                                     size_t* at, size_t end, const ExprContext& ctx);
  absl::StatusOr<Typed> SpecialFunction(const std::string& name, size_t open,
                                        const ExprContext& ctx, bool* handled);
  absl::StatusOr<Typed> CaseExpr(size_t* at, size_t end, const ExprContext& ctx);
  absl::StatusOr<Typed> Cast(Typed value, uint32_t type, const std::string& type_word);
  // Reads a type name at `*at` (after :: or AS): returns its oid, 42704 if unknown.
  absl::StatusOr<uint32_t> TypeName(size_t* at, size_t end, std::string* name_for_column);
  // The SRF call `name(args)` of a select list or FROM clause, as the JSON array it yields.
  absl::StatusOr<Typed> SrfJson(const std::string& name, size_t open, const ExprContext& ctx,
                                uint32_t* element_type);
  const ScopeColumn* ResolveColumn(const Scope* scope, const std::vector<std::string>& parts) const;
  // The relation `parts` (alias.tableoid or tableoid) refers to; nullptr if none.
  const ScopeRelation* ResolveTableOid(const Scope* scope,
                                       const std::vector<std::string>& parts) const;

  // Tokens.
  const Tok& T(size_t i) const { return tokens_[i]; }
  TokKind K(size_t i) const { return tokens_[i].kind; }
  bool Is(size_t i, std::string_view lower_word) const;  // kIdent equal to the word
  bool IsOp(size_t i, std::string_view op) const;
  std::string_view Raw(size_t i) const;
  std::string Name(size_t i) const { return IdentName(text_, tokens_[i]); }
  size_t Match(size_t open) const { return static_cast<size_t>(match_[open]); }
  bool StartsQuery(size_t i) const;  // SELECT, WITH, VALUES or a ( that starts one
  absl::Status SyntaxError(size_t i) const;
  // Depth-0 (outside parentheses and CASE) positions of `sep` in [begin, end).
  std::vector<size_t> SplitCommas(size_t begin, size_t end) const;

  std::string_view text_;
  std::vector<Tok> tokens_;
  std::vector<int> match_;  // matching bracket of each ( ) [ ]
  const std::vector<uint32_t>& param_types_;
  int max_param_ = 0;
  int next_alias_ = 0;
  struct Cte {
    std::string name;
    std::vector<ScopeColumn> columns;
  };
  std::vector<Cte> ctes_;  // visible common table expressions, innermost last
};

std::string Upper(std::string_view s);
// Words that end a FROM item or cannot be a bare alias (pg_catalog_rewrite_from.cc).
bool IsFromKeyword(std::string_view w);

// "name" quoted for SQLite.
std::string QuoteIdent(std::string_view name);
std::string QuoteString(std::string_view value);

}  // namespace strata::server::pgwire::catalog
