// PostgreSQL -> SQLite, statement and clause level: WITH, UNION, SELECT lists (with
// PostgreSQL's output names), FROM items (catalog tables, subqueries, set-returning
// functions as json_each), ORDER BY with PostgreSQL's NULL ordering, LIMIT ALL.

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_rewrite.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

// Words that cannot be a bare column alias at the end of a select item.
bool IsNonAliasWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {"end",
                                                "null",
                                                "true",
                                                "false",
                                                "and",
                                                "or",
                                                "not",
                                                "is",
                                                "in",
                                                "like",
                                                "ilike",
                                                "between",
                                                "asc",
                                                "desc",
                                                "all",
                                                "any",
                                                "some",
                                                "distinct",
                                                "from",
                                                "unknown",
                                                "precision",
                                                "varying",
                                                "zone",
                                                "current_user",
                                                "session_user",
                                                "user",
                                                "current_role",
                                                "current_catalog",
                                                "current_schema",
                                                "current_date",
                                                "current_timestamp",
                                                "localtimestamp",
                                                "nulls",
                                                "first",
                                                "last",
                                                "escape",
                                                "then",
                                                "else",
                                                "when",
                                                "case",
                                                "isnull",
                                                "notnull"};
  for (std::string_view k : kWords) {
    if (w == k) return true;
  }
  return false;
}

uint32_t MergeType(uint32_t a, uint32_t b) {
  if (a != 0 && a != oid::kUnknown) return a;
  if (b != 0 && b != oid::kUnknown) return b;
  return a != 0 ? a : b;
}

const char* RegNameFunction(uint32_t type) {
  switch (type) {
    case oid::kRegclass:
      return "pg_regclass_name";
    case oid::kRegtype:
      return "pg_regtype_name";
    case oid::kRegproc:
      return "pg_regproc_name";
    case 4089:
      return "pg_regnamespace_name";
    case 4096:
      return "pg_regrole_name";
    default:
      return nullptr;
  }
}

}  // namespace

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

std::string QuoteString(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

Rewriter::Rewriter(std::string_view text, std::vector<Tok> tokens,
                   const std::vector<uint32_t>& params)
    : text_(text), tokens_(std::move(tokens)), param_types_(params) {}

bool Rewriter::Is(size_t i, std::string_view lower_word) const {
  return i < tokens_.size() && IdentIs(text_, tokens_[i], lower_word);
}

bool Rewriter::IsOp(size_t i, std::string_view op) const {
  return i < tokens_.size() && tokens_[i].kind == TokKind::kOp && Raw(i) == op;
}

std::string_view Rewriter::Raw(size_t i) const {
  return text_.substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin);
}

bool Rewriter::StartsQuery(size_t i) const {
  while (K(i) == TokKind::kLParen) ++i;
  return Is(i, "select") || Is(i, "with") || Is(i, "values") || Is(i, "table");
}

absl::Status Rewriter::SyntaxError(size_t i) const {
  int position = 1;
  for (size_t b = 0; b < tokens_[i].begin && b < text_.size(); ++b) {
    if ((static_cast<unsigned char>(text_[b]) & 0xC0) != 0x80) ++position;
  }
  if (K(i) == TokKind::kEnd) {
    return query::SqlError(sqlstate::kSyntaxError, "syntax error at end of input", position);
  }
  return query::SqlError(sqlstate::kSyntaxError,
                         absl::StrCat("syntax error at or near \"", AV(Raw(i)), "\""), position);
}

std::vector<size_t> Rewriter::SplitCommas(size_t begin, size_t end) const {
  std::vector<size_t> commas;
  int case_depth = 0;
  for (size_t i = begin; i < end; ++i) {
    if (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket) {
      i = Match(i);
    } else if (Is(i, "case")) {
      ++case_depth;
    } else if (Is(i, "end") && case_depth > 0) {
      --case_depth;
    } else if (K(i) == TokKind::kComma && case_depth == 0) {
      commas.push_back(i);
    }
  }
  return commas;
}

absl::StatusOr<RewrittenQuery> Rewriter::Run() {
  // Brackets must balance; record each one's partner.
  match_.assign(tokens_.size(), -1);
  std::vector<size_t> open;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    TokKind k = K(i);
    if (k == TokKind::kLParen || k == TokKind::kLBracket) {
      open.push_back(i);
    } else if (k == TokKind::kRParen || k == TokKind::kRBracket) {
      TokKind want = k == TokKind::kRParen ? TokKind::kLParen : TokKind::kLBracket;
      if (open.empty() || K(open.back()) != want) return SyntaxError(i);
      match_[open.back()] = static_cast<int>(i);
      match_[i] = static_cast<int>(open.back());
      open.pop_back();
    }
  }
  if (!open.empty()) return SyntaxError(tokens_.size() - 1);

  size_t end = tokens_.size() - 1;  // the kEnd token
  while (end > 0 && K(end - 1) == TokKind::kSemicolon) --end;
  for (size_t i = 0; i < end; ++i) {
    if (K(i) == TokKind::kSemicolon) {
      return query::SqlError(sqlstate::kFeatureNotSupported,
                             "cannot run more than one statement on the system catalogs");
    }
  }
  if (end == 0 || !StartsQuery(0)) {
    return query::SqlError(sqlstate::kFeatureNotSupported,
                           "only SELECT statements can read the system catalogs");
  }
  ASSIGN_OR_RETURN(QueryOut out, Query(0, end, nullptr, nullptr, /*top_level=*/true));
  RewrittenQuery result;
  result.sql = std::move(out.sql);
  for (ScopeColumn& c : out.columns) {
    uint32_t type = c.type == oid::kUnknown ? oid::kText : c.type;
    result.columns.push_back({std::move(c.name), type});
  }
  result.param_count = max_param_;
  return result;
}

absl::StatusOr<QueryOut> Rewriter::Query(size_t begin, size_t end, const Scope* outer,
                                         const std::vector<std::string>* names, bool top_level) {
  size_t saved_ctes = ctes_.size();
  std::string with_sql;
  size_t at = begin;
  if (Is(at, "with")) {
    ++at;
    with_sql = "WITH ";
    if (Is(at, "recursive")) {
      with_sql += "RECURSIVE ";
      ++at;
    }
    while (true) {
      if (K(at) != TokKind::kIdent && K(at) != TokKind::kQuotedIdent) return SyntaxError(at);
      Cte cte;
      cte.name = Name(at++);
      std::vector<std::string> column_names;
      if (K(at) == TokKind::kLParen) {
        for (size_t i = at + 1; i < Match(at); ++i) {
          if (K(i) == TokKind::kIdent || K(i) == TokKind::kQuotedIdent) {
            column_names.push_back(Name(i));
          } else if (K(i) != TokKind::kComma) {
            return SyntaxError(i);
          }
        }
        at = Match(at) + 1;
      }
      if (!Is(at, "as")) return SyntaxError(at);
      ++at;
      if (Is(at, "not")) ++at;
      if (Is(at, "materialized")) ++at;
      if (K(at) != TokKind::kLParen) return SyntaxError(at);
      // Visible inside itself (WITH RECURSIVE), with types filled in below.
      for (const std::string& n : column_names) cte.columns.push_back({n, 0, ""});
      ctes_.push_back(cte);
      size_t index = ctes_.size() - 1;
      ASSIGN_OR_RETURN(QueryOut body, Query(at + 1, Match(at), outer,
                                            column_names.empty() ? nullptr : &column_names, false));
      ctes_[index].columns = body.columns;
      absl::StrAppend(&with_sql, QuoteIdent(cte.name), " AS (", body.sql, ")");
      at = Match(at) + 1;
      if (K(at) != TokKind::kComma) break;
      with_sql += ", ";
      ++at;
    }
    with_sql += " ";
  }

  // Compound members, split at depth-0 UNION / INTERSECT / EXCEPT.
  QueryOut result;
  result.sql = with_sql;
  size_t core_begin = at;
  bool first = true;
  for (size_t i = at; i <= end; ++i) {
    bool boundary = i == end;
    if (!boundary && (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket)) {
      i = Match(i);
      continue;
    }
    if (!boundary && !(Is(i, "union") || Is(i, "intersect") || Is(i, "except"))) continue;
    if (core_begin >= i) return SyntaxError(i);
    QueryOut core;
    if (K(core_begin) == TokKind::kLParen && Match(core_begin) == i - 1) {
      ASSIGN_OR_RETURN(QueryOut inner, Query(core_begin + 1, i - 1, outer, names, top_level));
      core.columns = std::move(inner.columns);
      core.sql = first && boundary ? inner.sql : absl::StrCat("SELECT * FROM (", inner.sql, ")");
    } else if (Is(core_begin, "values")) {
      ASSIGN_OR_RETURN(core, ValuesCore(core_begin, i, outer, names));
    } else if (Is(core_begin, "table")) {
      if (K(core_begin + 1) != TokKind::kIdent && K(core_begin + 1) != TokKind::kQuotedIdent) {
        return SyntaxError(core_begin + 1);
      }
      Scope scope;
      scope.parent = outer;
      std::string from;
      RETURN_IF_ERROR(FromClause(core_begin + 1, i, &scope, &from));
      core.sql = "SELECT * FROM " + from;
      for (const ScopeRelation& r : scope.relations) {
        for (const ScopeColumn& c : r.columns) core.columns.push_back(c);
      }
    } else if (Is(core_begin, "select")) {
      ASSIGN_OR_RETURN(core, SelectCore(core_begin, i, outer, names, top_level));
    } else {
      return SyntaxError(core_begin);
    }
    if (first) {
      result.columns = std::move(core.columns);
    } else {
      for (size_t c = 0; c < result.columns.size() && c < core.columns.size(); ++c) {
        result.columns[c].type = MergeType(result.columns[c].type, core.columns[c].type);
      }
    }
    result.sql += core.sql;
    if (boundary) break;
    // The set operator and its ALL / DISTINCT.
    absl::StrAppend(&result.sql, " ", Upper(Raw(i)), " ");
    ++i;
    if (Is(i, "all")) {
      result.sql += "ALL ";
      ++i;
    } else if (Is(i, "distinct")) {
      ++i;
    }
    core_begin = i;
    --i;
    first = false;
  }
  ctes_.resize(saved_ctes);
  return result;
}

absl::StatusOr<QueryOut> Rewriter::ValuesCore(size_t begin, size_t end, const Scope* outer,
                                              const std::vector<std::string>* names) {
  QueryOut out;
  out.sql = "VALUES ";
  Scope scope;
  scope.parent = outer;
  ExprContext ctx;
  ctx.scope = &scope;
  size_t at = begin + 1;
  bool first_row = true;
  while (at < end) {
    if (K(at) != TokKind::kLParen) return SyntaxError(at);
    size_t close = Match(at);
    std::vector<size_t> commas = SplitCommas(at + 1, close);
    commas.push_back(close);
    out.sql += first_row ? "(" : ", (";
    size_t item_begin = at + 1;
    for (size_t c = 0; c < commas.size(); ++c) {
      ASSIGN_OR_RETURN(Typed v, Expr(item_begin, commas[c], ctx));
      if (c > 0) out.sql += ", ";
      out.sql += v.sql;
      if (first_row) {
        out.columns.push_back({absl::StrCat("column", c + 1), v.type, ""});
      } else if (c < out.columns.size()) {
        out.columns[c].type = MergeType(out.columns[c].type, v.type);
      }
      item_begin = commas[c] + 1;
    }
    out.sql += ")";
    first_row = false;
    at = close + 1;
    if (at < end) {
      if (K(at) != TokKind::kComma) break;
      ++at;
    }
  }
  if (at < end) {
    // ORDER BY / LIMIT after VALUES.
    std::string rest;
    ExprContext rest_ctx;
    rest_ctx.scope = &scope;
    if (Is(at, "order") && Is(at + 1, "by")) {
      size_t stop = at + 2;
      while (stop < end && !Is(stop, "limit") && !Is(stop, "offset")) {
        if (K(stop) == TokKind::kLParen) stop = Match(stop);
        ++stop;
      }
      ASSIGN_OR_RETURN(std::string order, OrderBy(at + 2, stop, rest_ctx));
      absl::StrAppend(&out.sql, " ORDER BY ", order);
      at = stop;
    }
    if (Is(at, "limit")) {
      ASSIGN_OR_RETURN(Typed n, Expr(at + 1, end, rest_ctx));
      absl::StrAppend(&out.sql, " LIMIT ", n.sql);
      at = end;
    }
    if (at < end) return SyntaxError(at);
  }
  if (names != nullptr) {
    // Column aliases: (VALUES ...) AS v(x, y).
    std::string select = "SELECT ";
    for (size_t c = 0; c < out.columns.size(); ++c) {
      if (c < names->size()) {
        absl::StrAppend(&select, c > 0 ? ", " : "", "\"column", c + 1, "\" AS ",
                        QuoteIdent((*names)[c]));
        out.columns[c].name = (*names)[c];
      } else {
        absl::StrAppend(&select, c > 0 ? ", " : "", "\"column", c + 1, "\"");
      }
    }
    out.sql = absl::StrCat(select, " FROM (", out.sql, ")");
  }
  return out;
}

absl::StatusOr<std::string> Rewriter::OrderBy(size_t begin, size_t end, const ExprContext& ctx) {
  std::vector<size_t> commas = SplitCommas(begin, end);
  commas.push_back(end);
  std::string out;
  size_t item = begin;
  for (size_t c = 0; c < commas.size(); ++c) {
    size_t stop = commas[c];
    // Trailing ASC / DESC / NULLS FIRST / NULLS LAST.
    std::string nulls;
    if (stop - item >= 2 && Is(stop - 2, "nulls") &&
        (Is(stop - 1, "first") || Is(stop - 1, "last"))) {
      nulls = Is(stop - 1, "first") ? " NULLS FIRST" : " NULLS LAST";
      stop -= 2;
    }
    bool desc = false;
    if (stop - item >= 2 && (Is(stop - 1, "asc") || Is(stop - 1, "desc"))) {
      desc = Is(stop - 1, "desc");
      --stop;
    }
    if (stop - item >= 3 && Is(stop - 2, "using")) {
      return query::SqlError(sqlstate::kFeatureNotSupported, "ORDER BY ... USING is not supported");
    }
    // PostgreSQL sorts NULLs as larger than any value; SQLite as smaller.
    if (nulls.empty()) nulls = desc ? " NULLS FIRST" : " NULLS LAST";
    ASSIGN_OR_RETURN(Typed key, Expr(item, stop, ctx));
    if (c > 0) out += ", ";
    absl::StrAppend(&out, key.sql, desc ? " DESC" : " ASC", nulls);
    item = commas[c] + 1;
  }
  return out;
}

absl::StatusOr<QueryOut> Rewriter::SelectCore(size_t begin, size_t end, const Scope* outer,
                                              const std::vector<std::string>* names,
                                              bool top_level) {
  // Clause positions at depth 0.
  enum Clause {
    kFrom,
    kWhere,
    kGroup,
    kHaving,
    kWindow,
    kOrder,
    kLimit,
    kOffset,
    kFetch,
    kFor,
    kNumClauses
  };
  size_t pos[kNumClauses];
  for (size_t& p : pos) p = end;
  int case_depth = 0;
  for (size_t i = begin + 1; i < end; ++i) {
    if (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket) {
      i = Match(i);
      continue;
    }
    if (Is(i, "case")) ++case_depth;
    if (Is(i, "end") && case_depth > 0) --case_depth;
    if (case_depth > 0) continue;
    if (Is(i, "from") && !Is(i - 1, "distinct") && pos[kFrom] == end)
      pos[kFrom] = i;
    else if (Is(i, "where") && pos[kWhere] == end)
      pos[kWhere] = i;
    else if (Is(i, "group") && Is(i + 1, "by") && pos[kGroup] == end)
      pos[kGroup] = i;
    else if (Is(i, "having") && pos[kHaving] == end)
      pos[kHaving] = i;
    else if (Is(i, "window") && pos[kWindow] == end)
      pos[kWindow] = i;
    else if (Is(i, "order") && Is(i + 1, "by") && pos[kOrder] == end)
      pos[kOrder] = i;
    else if (Is(i, "limit") && pos[kLimit] == end)
      pos[kLimit] = i;
    else if (Is(i, "offset") && pos[kOffset] == end)
      pos[kOffset] = i;
    else if (Is(i, "fetch") && pos[kFetch] == end)
      pos[kFetch] = i;
    else if (Is(i, "for") && pos[kFor] == end)
      pos[kFor] = i;
  }
  auto clause_end = [&](Clause c) {
    size_t e = end;
    for (int k = 0; k < kNumClauses; ++k) {
      if (pos[k] > pos[c] && pos[k] < e) e = pos[k];
    }
    return e;
  };
  if (pos[kWindow] != end) {
    return query::SqlError(sqlstate::kFeatureNotSupported, "WINDOW clauses are not supported");
  }

  Scope scope;
  scope.parent = outer;
  std::string from_sql;
  if (pos[kFrom] != end) {
    RETURN_IF_ERROR(FromClause(pos[kFrom] + 1, clause_end(kFrom), &scope, &from_sql));
  }

  // The select list.
  size_t items_begin = begin + 1;
  size_t items_end = end;
  for (size_t p : pos) items_end = std::min(items_end, p);
  std::string head = "SELECT ";
  if (Is(items_begin, "distinct")) {
    if (Is(items_begin + 1, "on")) {
      return query::SqlError(sqlstate::kFeatureNotSupported, "DISTINCT ON is not supported");
    }
    head += "DISTINCT ";
    ++items_begin;
  } else if (Is(items_begin, "all")) {
    ++items_begin;
  }
  QueryOut out;
  SelectState state;
  ExprContext item_ctx;
  item_ctx.scope = &scope;
  item_ctx.select = &state;
  std::vector<std::string> items;
  std::vector<size_t> commas = SplitCommas(items_begin, items_end);
  commas.push_back(items_end);
  size_t item = items_begin;
  bool has_star = false;
  for (size_t c = 0; c < commas.size(); ++c) {
    size_t stop = commas[c];
    if (item >= stop) {
      if (items_begin == items_end) break;  // SELECT FROM t (no columns)
      return SyntaxError(stop);
    }
    // `*` and `rel.*`.
    if (K(stop - 1) == TokKind::kOp && Raw(stop - 1) == "*" &&
        (stop - 1 == item || K(stop - 2) == TokKind::kDot)) {
      std::string rel_name = stop - 1 == item ? "" : Name(stop - 3);
      for (const ScopeRelation& r : scope.relations) {
        if (!rel_name.empty() && r.alias != rel_name) continue;
        for (const ScopeColumn& col : r.columns) out.columns.push_back(col);
      }
      // Relations read through expressions (json_each) have no such SQLite columns.
      bool explicit_columns = !state.srfs.empty();
      for (const ScopeRelation& r : scope.relations) {
        if (!rel_name.empty() && r.alias != rel_name) continue;
        for (const ScopeColumn& col : r.columns) explicit_columns |= !col.sql.empty();
      }
      if (explicit_columns) {
        std::string list;
        for (const ScopeRelation& r : scope.relations) {
          if (!rel_name.empty() && r.alias != rel_name) continue;
          for (const ScopeColumn& col : r.columns) {
            absl::StrAppend(
                &list, list.empty() ? "" : ", ",
                col.sql.empty() ? QuoteIdent(r.alias) + "." + QuoteIdent(col.name) : col.sql,
                " AS ", QuoteIdent(col.name));
          }
        }
        items.push_back(list.empty() ? "NULL" : list);
      } else {
        items.push_back(rel_name.empty() ? "*" : QuoteIdent(rel_name) + ".*");
        has_star = has_star || rel_name.empty();
      }
      item = stop + 1;
      continue;
    }
    std::string alias;
    size_t expr_end = stop;
    if (stop - item >= 3 && Is(stop - 2, "as") &&
        (K(stop - 1) == TokKind::kIdent || K(stop - 1) == TokKind::kQuotedIdent)) {
      alias = Name(stop - 1);
      expr_end = stop - 2;
    } else if (stop - item >= 2 &&
               (K(stop - 1) == TokKind::kQuotedIdent ||
                (K(stop - 1) == TokKind::kIdent && !IsNonAliasWord(Name(stop - 1)))) &&
               (K(stop - 2) == TokKind::kRParen || K(stop - 2) == TokKind::kRBracket ||
                K(stop - 2) == TokKind::kString || K(stop - 2) == TokKind::kNumber ||
                K(stop - 2) == TokKind::kQuotedIdent ||
                (K(stop - 2) == TokKind::kIdent && !IsNonAliasWord(Name(stop - 2)) &&
                 !IsFromKeyword(Name(stop - 2)) && !Is(stop - 2, "not"))) &&
               !(stop - item >= 3 && K(stop - 3) == TokKind::kCast)) {
      alias = Name(stop - 1);
      expr_end = stop - 1;
    }
    ASSIGN_OR_RETURN(Typed value, Expr(item, expr_end, item_ctx));
    std::string name = !alias.empty() ? alias : (value.strength > 0 ? value.name : "?column?");
    if (names != nullptr && out.columns.size() < names->size()) name = (*names)[out.columns.size()];
    uint32_t type = value.type;
    std::string sql = std::move(value.sql);
    if (top_level && RegNameFunction(type) != nullptr) {
      sql = absl::StrCat(RegNameFunction(type), "(", sql, ")");
      type = oid::kText;
    }
    items.push_back(absl::StrCat(sql, " AS ", QuoteIdent(name)));
    out.columns.push_back({name, type, ""});
    item = stop + 1;
  }
  if (names != nullptr) {
    for (size_t c = 0; c < out.columns.size() && c < names->size(); ++c) {
      out.columns[c].name = (*names)[c];
    }
  }

  // Set-returning functions of the select list join as json_each.
  for (const SelectState::Srf& srf : state.srfs) {
    if (has_star) {
      return query::SqlError(sqlstate::kFeatureNotSupported,
                             "SELECT * with a set-returning function is not supported");
    }
    absl::StrAppend(&from_sql, from_sql.empty() ? "" : ", ", "json_each(", srf.json_sql, ") AS ",
                    QuoteIdent(srf.alias));
  }

  out.sql = head;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.sql += ", ";
    out.sql += items[i];
  }
  if (items.empty()) out.sql += "NULL";
  if (!from_sql.empty()) absl::StrAppend(&out.sql, " FROM ", from_sql);

  ExprContext ctx;
  ctx.scope = &scope;
  if (pos[kWhere] != end) {
    ASSIGN_OR_RETURN(Typed cond, Expr(pos[kWhere] + 1, clause_end(kWhere), ctx));
    absl::StrAppend(&out.sql, " WHERE ", cond.sql);
  }
  if (pos[kGroup] != end) {
    size_t b = pos[kGroup] + 2, e = clause_end(kGroup);
    std::vector<size_t> group_commas = SplitCommas(b, e);
    group_commas.push_back(e);
    out.sql += " GROUP BY ";
    for (size_t g = 0; g < group_commas.size(); ++g) {
      ASSIGN_OR_RETURN(Typed key, Expr(b, group_commas[g], ctx));
      if (g > 0) out.sql += ", ";
      out.sql += key.sql;
      b = group_commas[g] + 1;
    }
  }
  if (pos[kHaving] != end) {
    ASSIGN_OR_RETURN(Typed cond, Expr(pos[kHaving] + 1, clause_end(kHaving), ctx));
    absl::StrAppend(&out.sql, " HAVING ", cond.sql);
  }
  if (pos[kOrder] != end) {
    ASSIGN_OR_RETURN(std::string order, OrderBy(pos[kOrder] + 2, clause_end(kOrder), ctx));
    absl::StrAppend(&out.sql, " ORDER BY ", order);
  }
  std::string limit, offset;
  if (pos[kLimit] != end) {
    size_t b = pos[kLimit] + 1, e = clause_end(kLimit);
    if (!(e - b == 1 && Is(b, "all"))) {
      ASSIGN_OR_RETURN(Typed n, Expr(b, e, ctx));
      limit = n.sql;
    }
  }
  if (pos[kFetch] != end) {
    // FETCH { FIRST | NEXT } [n] { ROW | ROWS } ONLY
    size_t b = pos[kFetch] + 1, e = clause_end(kFetch);
    if (b < e && (Is(b, "first") || Is(b, "next"))) ++b;
    size_t n_end = b;
    while (n_end < e && !Is(n_end, "row") && !Is(n_end, "rows")) ++n_end;
    if (n_end == b) {
      limit = "1";
    } else {
      ASSIGN_OR_RETURN(Typed n, Expr(b, n_end, ctx));
      limit = n.sql;
    }
  }
  if (pos[kOffset] != end) {
    size_t b = pos[kOffset] + 1, e = clause_end(kOffset);
    if (e > b && (Is(e - 1, "row") || Is(e - 1, "rows"))) --e;
    ASSIGN_OR_RETURN(Typed n, Expr(b, e, ctx));
    offset = n.sql;
  }
  if (!limit.empty() || !offset.empty()) {
    absl::StrAppend(&out.sql, " LIMIT ", limit.empty() ? "-1" : limit);
    if (!offset.empty()) absl::StrAppend(&out.sql, " OFFSET ", offset);
  }
  // FOR UPDATE / FOR SHARE: the catalog is read-only, there is nothing to lock.
  return out;
}

absl::StatusOr<RewrittenQuery> RewriteQuery(std::string_view sql,
                                            const std::vector<uint32_t>& param_types) {
  ASSIGN_OR_RETURN(std::vector<Tok> tokens, Tokenize(sql));
  Rewriter rewriter(sql, std::move(tokens), param_types);
  return rewriter.Run();
}

}  // namespace strata::server::pgwire::catalog
