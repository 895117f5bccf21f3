// PostgreSQL -> SQLite, FROM clauses: catalog tables and views (schema-qualified or
// not), common table expressions, subqueries, joins, column aliases, and functions in
// FROM (set-returning ones as json_each, which sees the items before it like LATERAL).

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "server/pgwire/pg_catalog_rewrite.h"

namespace strata::server::pgwire::catalog {

// Words that end a FROM item or cannot be a bare alias.
bool IsFromKeyword(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "join",    "left",      "right",  "inner",  "full",   "cross",       "natural",
      "on",      "using",     "where",  "group",  "order",  "limit",       "offset",
      "union",   "intersect", "except", "having", "window", "fetch",       "for",
      "lateral", "with",      "as",     "outer",  "select", "tablesample", "returning"};
  for (std::string_view k : kWords) {
    if (w == k) return true;
  }
  return false;
}

bool Rewriter::ReadAlias(size_t* at, size_t end, std::string* alias,
                         std::vector<std::string>* columns) {
  size_t i = *at;
  if (i >= end) return false;
  if (Is(i, "as")) {
    ++i;
  } else if (K(i) != TokKind::kQuotedIdent && (K(i) != TokKind::kIdent || IsFromKeyword(Name(i)))) {
    return false;
  }
  if (i >= end || (K(i) != TokKind::kIdent && K(i) != TokKind::kQuotedIdent)) return false;
  *alias = Name(i++);
  columns->clear();
  if (i < end && K(i) == TokKind::kLParen) {
    for (size_t c = i + 1; c < Match(i); ++c) {
      if (K(c) == TokKind::kIdent || K(c) == TokKind::kQuotedIdent) {
        columns->push_back(Name(c));
        // A column definition list ("AS t(a text)") names a type after the column.
        while (c + 1 < Match(i) && K(c + 1) != TokKind::kComma) ++c;
      }
    }
    i = Match(i) + 1;
  }
  *at = i;
  return true;
}

absl::Status Rewriter::FromClause(size_t begin, size_t end, Scope* scope, std::string* out) {
  ASSIGN_OR_RETURN(size_t at, FromItem(begin, end, scope, out));
  while (at < end) {
    if (K(at) == TokKind::kComma) {
      *out += ", ";
      ASSIGN_OR_RETURN(at, FromItem(at + 1, end, scope, out));
      continue;
    }
    // [NATURAL] [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER] | CROSS] JOIN
    std::string join;
    while (at < end && (Is(at, "natural") || Is(at, "inner") || Is(at, "left") || Is(at, "right") ||
                        Is(at, "full") || Is(at, "outer") || Is(at, "cross"))) {
      absl::StrAppend(&join, Upper(Raw(at)), " ");
      ++at;
    }
    if (!Is(at, "join")) return SyntaxError(at);
    absl::StrAppend(out, " ", join, "JOIN ");
    ++at;
    ASSIGN_OR_RETURN(at, FromItem(at, end, scope, out));
    if (Is(at, "on")) {
      // The condition runs to the next join or comma at depth 0.
      size_t stop = at + 1;
      int case_depth = 0;
      while (stop < end) {
        if (K(stop) == TokKind::kLParen) {
          stop = Match(stop) + 1;
          continue;
        }
        if (Is(stop, "case")) ++case_depth;
        if (Is(stop, "end") && case_depth > 0) --case_depth;
        if (case_depth == 0 && (K(stop) == TokKind::kComma || Is(stop, "join") ||
                                Is(stop, "natural") || Is(stop, "inner") || Is(stop, "left") ||
                                Is(stop, "right") || Is(stop, "full") || Is(stop, "cross"))) {
          break;
        }
        ++stop;
      }
      ExprContext ctx;
      ctx.scope = scope;
      ASSIGN_OR_RETURN(Typed cond, Expr(at + 1, stop, ctx));
      absl::StrAppend(out, " ON ", cond.sql);
      at = stop;
    } else if (Is(at, "using")) {
      if (K(at + 1) != TokKind::kLParen) return SyntaxError(at + 1);
      *out += " USING (";
      bool first = true;
      for (size_t c = at + 2; c < Match(at + 1); ++c) {
        if (K(c) == TokKind::kComma) continue;
        if (!first) *out += ", ";
        *out += QuoteIdent(Name(c));
        first = false;
      }
      *out += ")";
      at = Match(at + 1) + 1;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Rewriter::FromItem(size_t at, size_t end, Scope* scope, std::string* out) {
  bool lateral = false;
  while (Is(at, "lateral") || Is(at, "only")) {
    lateral = lateral || Is(at, "lateral");
    ++at;
  }
  if (at >= end) return SyntaxError(at);
  std::string alias;
  std::vector<std::string> columns;

  if (K(at) == TokKind::kLParen) {
    size_t close = Match(at);
    if (!StartsQuery(at + 1)) {
      // A parenthesized join.
      *out += "(";
      RETURN_IF_ERROR(FromClause(at + 1, close, scope, out));
      *out += ")";
      return close + 1;
    }
    size_t after = close + 1;
    bool has_alias = ReadAlias(&after, end, &alias, &columns);
    ASSIGN_OR_RETURN(QueryOut sub, Query(at + 1, close, lateral ? scope : scope->parent,
                                         columns.empty() ? nullptr : &columns, false));
    if (!has_alias) alias = absl::StrCat("__subquery", next_alias_++);
    absl::StrAppend(out, "(", sub.sql, ") AS ", QuoteIdent(alias));
    scope->relations.push_back({alias, std::move(sub.columns)});
    return after;
  }

  if (K(at) != TokKind::kIdent && K(at) != TokKind::kQuotedIdent) return SyntaxError(at);
  std::vector<std::string> parts{Name(at)};
  size_t i = at + 1;
  while (K(i) == TokKind::kDot &&
         (K(i + 1) == TokKind::kIdent || K(i + 1) == TokKind::kQuotedIdent)) {
    parts.push_back(Name(i + 1));
    i += 2;
  }

  if (K(i) == TokKind::kLParen) {
    // A function in FROM: set-returning ones become json_each, others one row.
    std::string fname = parts.back();
    size_t open = i;
    i = Match(open) + 1;
    bool ordinality = false;
    if (Is(i, "with") && Is(i + 1, "ordinality")) {
      ordinality = true;
      i += 2;
    }
    bool has_alias = ReadAlias(&i, end, &alias, &columns);
    if (!has_alias) alias = fname;
    ExprContext ctx;
    ctx.scope = scope;
    ScopeRelation rel;
    rel.alias = alias;
    if (IsSetReturningFunction(fname)) {
      // json_each(...) AS alias, read as alias.value: a table-valued function may use
      // columns of the FROM items before it (PostgreSQL's implicit LATERAL).
      uint32_t element = 0;
      ASSIGN_OR_RETURN(Typed json, SrfJson(fname, open, ctx, &element));
      size_t next_column = 0;
      auto column_name = [&](const std::string& fallback) {
        return next_column < columns.size() ? columns[next_column++] : fallback;
      };
      std::string value = absl::StrCat(QuoteIdent(alias), ".\"value\"");
      if (fname == "_pg_expandarray") {
        std::string x = column_name("x"), n = column_name("n");
        rel.columns = {{x, oid::kInt2, absl::StrCat("json_extract(", value, ", '$.x')")},
                       {n, oid::kInt4, absl::StrCat("json_extract(", value, ", '$.n')")}};
      } else {
        rel.columns = {{column_name(has_alias ? alias : fname), element, value}};
      }
      if (ordinality) {
        rel.columns.push_back({column_name("ordinality"), oid::kInt8,
                               absl::StrCat("(", QuoteIdent(alias), ".\"key\" + 1)")});
      }
      absl::StrAppend(out, "json_each(", json.sql, ") AS ", QuoteIdent(alias));
    } else {
      size_t after_call = open;
      ASSIGN_OR_RETURN(Typed call, FunctionCall(parts, open, &after_call, Match(open) + 1, ctx));
      std::string c = columns.empty() ? (has_alias ? alias : fname) : columns[0];
      absl::StrAppend(out, "(SELECT ", call.sql, " AS ", QuoteIdent(c), ") AS ", QuoteIdent(alias));
      rel.columns = {{c, call.type, ""}};
    }
    scope->relations.push_back(std::move(rel));
    return i;
  }

  // A table, a view or a common table expression.
  bool has_alias = ReadAlias(&i, end, &alias, &columns);
  if (!has_alias) alias = parts.back();
  ScopeRelation rel;
  rel.alias = alias;
  std::string table_sql;
  const Cte* cte = nullptr;
  if (parts.size() == 1) {
    for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
      if (it->name == parts[0]) {
        cte = &*it;
        break;
      }
    }
  }
  if (cte != nullptr) {
    rel.columns = cte->columns;
    table_sql = QuoteIdent(parts[0]);
  } else {
    std::string schema = parts.size() >= 2 ? parts[parts.size() - 2] : "";
    const RelationDef* def = FindRelation(schema, parts.back());
    if (def != nullptr && def->schema != "public") {
      for (const ColumnDef& c : def->columns) rel.columns.push_back({c.name, c.type, ""});
      rel.oid = def->oid;
      table_sql = absl::StrCat(QuoteIdent(def->schema), ".", QuoteIdent(def->name));
    } else {
      // Unknown here: SQLite reports it (42P01).
      table_sql = schema.empty() ? QuoteIdent(parts.back())
                                 : absl::StrCat(QuoteIdent(schema), ".", QuoteIdent(parts.back()));
    }
  }
  if (!columns.empty()) {
    // Column aliases: SQLite has none for tables, so select the columns renamed.
    std::string select;
    for (size_t c = 0; c < rel.columns.size(); ++c) {
      if (c > 0) select += ", ";
      std::string new_name = c < columns.size() ? columns[c] : rel.columns[c].name;
      absl::StrAppend(&select, QuoteIdent(rel.columns[c].name), " AS ", QuoteIdent(new_name));
      rel.columns[c].name = new_name;
    }
    absl::StrAppend(out, "(SELECT ", select, " FROM ", table_sql, ") AS ", QuoteIdent(alias));
  } else {
    absl::StrAppend(out, table_sql, " AS ", QuoteIdent(alias));
  }
  scope->relations.push_back(std::move(rel));
  return i;
}

}  // namespace strata::server::pgwire::catalog
