// PostgreSQL -> SQLite, casts and calls: type names (double precision, int4[], ...),
// casts to SQLite expressions (reg* lookups, arrays, booleans), function calls (schema
// qualifiers dropped, special syntax such as trim(both x from y), FILTER, OVER), and
// set-returning functions as the JSON arrays json_each reads.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_rewrite.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

// PostgreSQL function -> the SQLite function that implements it (same name if absent).
std::string_view SqliteFunctionName(std::string_view name) {
  struct Rename {
    std::string_view pg;
    std::string_view sqlite;
  };
  static constexpr Rename kRenames[] = {
      {"array_agg", "json_group_array"},
      {"string_agg", "group_concat"},
      {"bool_and", "min"},
      {"every", "min"},
      {"bool_or", "max"},
      {"char_length", "length"},
      {"character_length", "length"},
      {"now", "pg_now"},
      {"left", "pg_left"},
      {"right", "pg_right"},
      {"format", "pg_format"},
      {"greatest", "pg_greatest"},
      {"least", "pg_least"},
      {"concat", "pg_concat"},
      {"concat_ws", "pg_concat_ws"},
      {"btrim", "trim"},
      {"substr", "pg_substring"},
      {"substring", "pg_substring"},
      {"strpos", "pg_strpos"},
      {"user", "pg_current_user"},
      {"current_user", "pg_current_user"},
      {"session_user", "pg_current_user"},
      {"current_catalog", "current_database"},
      {"regexp_replace", "pg_regexp_replace"},
  };
  for (const Rename& r : kRenames) {
    if (r.pg == name) return r.sqlite;
  }
  return name;
}

}  // namespace

absl::StatusOr<uint32_t> Rewriter::TypeName(size_t* at, size_t end, std::string* column_name) {
  size_t i = *at;
  // A schema qualifier (pg_catalog.text, information_schema.sql_identifier).
  if ((K(i) == TokKind::kIdent || K(i) == TokKind::kQuotedIdent) && K(i + 1) == TokKind::kDot) {
    i += 2;
  }
  if (i >= end || (K(i) != TokKind::kIdent && K(i) != TokKind::kQuotedIdent)) {
    return SyntaxError(i);
  }
  bool quoted = K(i) == TokKind::kQuotedIdent;
  std::string words = Name(i++);
  if (!quoted) {
    if (words == "double" && Is(i, "precision")) {
      words += " precision";
      ++i;
    } else if ((words == "character" || words == "char" || words == "bit") && Is(i, "varying")) {
      words += " varying";
      ++i;
    } else if ((words == "timestamp" || words == "time") && (Is(i, "with") || Is(i, "without")) &&
               Is(i + 1, "time") && Is(i + 2, "zone")) {
      absl::StrAppend(&words, " ", Name(i), " time zone");
      i += 3;
    }
  }
  if (i < end && K(i) == TokKind::kLParen) i = Match(i) + 1;  // typmod: varchar(10)
  bool array = false;
  while (i < end && K(i) == TokKind::kLBracket) {
    array = true;
    i = Match(i) + 1;
  }
  uint32_t type = ParseTypeWords(words, quoted);
  if (type == 0) {
    return query::SqlError("42704", absl::StrCat("type \"", words, "\" does not exist"));
  }
  const TypeInfo* info = FindType(type);
  *column_name = info != nullptr ? info->name : words;
  if (words.find('_') != std::string::npos && FindTypeByName(words) == nullptr) {
    *column_name = words;  // information_schema's domains keep their own names
  }
  if (array) {
    uint32_t array_type = ArrayTypeOf(type);
    if (array_type == 0) {
      return query::SqlError("42704", absl::StrCat("type \"", words, "[]\" does not exist"));
    }
    type = array_type;
  }
  *at = i;
  return type;
}

absl::StatusOr<Typed> Rewriter::Cast(Typed value, uint32_t type, const std::string& type_word) {
  std::string base = std::move(value.sql);
  std::string sql;
  if (IsArrayType(type)) {
    sql = IsArrayType(value.type) ? base
                                  : absl::StrCat("pg_array(", base, ", ", ElementType(type), ")");
  } else if (type == oid::kBool) {
    sql = value.type == oid::kBool ? base : absl::StrCat("pg_bool(", base, ")");
  } else if (IsRegType(type)) {
    const char* fn = type == oid::kRegclass                  ? "pg_regclass"
                     : type == oid::kRegtype                 ? "pg_regtype"
                     : type == oid::kRegproc || type == 2202 ? "pg_regproc"
                     : type == 4089                          ? "pg_regnamespace"
                     : type == 4096                          ? "pg_regrole"
                                                             : nullptr;
    sql = value.type == type || fn == nullptr ? base : absl::StrCat(fn, "(", base, ")");
  } else if (IsIntegerType(type)) {
    if (value.type == oid::kRegproc) {
      sql = absl::StrCat("pg_regproc_oid(", base, ")");
    } else if (IsIntegerType(value.type) && value.type != oid::kBool) {
      sql = base;
    } else {
      sql = absl::StrCat("CAST(", base, " AS INTEGER)");
    }
  } else if (IsFloatType(type)) {
    sql = absl::StrCat("CAST(", base, " AS REAL)");
  } else if (type == oid::kText || type == oid::kVarchar || type == oid::kName ||
             type == oid::kBpchar || type == oid::kChar || type == oid::kUnknown) {
    if (value.type == oid::kRegclass) {
      sql = absl::StrCat("pg_regclass_name(", base, ")");
    } else if (value.type == oid::kRegtype) {
      sql = absl::StrCat("pg_regtype_name(", base, ")");
    } else if (value.type == oid::kRegproc) {
      sql = absl::StrCat("pg_regproc_name(", base, ")");
    } else if (value.type == 4089) {
      sql = absl::StrCat("pg_regnamespace_name(", base, ")");
    } else if (value.type == 4096) {
      sql = absl::StrCat("pg_regrole_name(", base, ")");
    } else if (value.type == oid::kBool) {
      sql = absl::StrCat("pg_bool_text(", base, ")");
    } else if (IsArrayType(value.type)) {
      sql = absl::StrCat("pg_array_text(", base, ")");
    } else if (value.literal) {
      sql = base;
    } else {
      sql = absl::StrCat("CAST(", base, " AS TEXT)");
    }
  } else {
    // timestamps, intervals, json, bytea, vectors, ...: kept as they are stored (text).
    sql = base;
  }
  Typed out;
  out.sql = std::move(sql);
  out.type = type;
  if (value.strength >= 2) {
    out.name = std::move(value.name);
    out.strength = 2;
  } else {
    out.name = type_word;
    out.strength = 1;
  }
  return out;
}

absl::StatusOr<Typed> Rewriter::SrfJson(const std::string& name, size_t open,
                                        const ExprContext& ctx, uint32_t* element_type) {
  size_t close = Match(open);
  std::vector<Typed> args;
  if (close > open + 1) {
    std::vector<size_t> commas = SplitCommas(open + 1, close);
    commas.push_back(close);
    size_t b = open + 1;
    for (size_t c : commas) {
      ExprContext arg_ctx = ctx;
      arg_ctx.select = nullptr;
      ASSIGN_OR_RETURN(Typed a, Expr(b, c, arg_ctx));
      args.push_back(std::move(a));
      b = c + 1;
    }
  }
  Typed out;
  if (name == "generate_series") {
    if (args.size() < 2 || args.size() > 3) {
      return query::SqlError(sqlstate::kUndefinedFunction,
                             "function generate_series needs 2 or 3 arguments");
    }
    out.sql = "pg_generate_series(" + args[0].sql + ", " + args[1].sql +
              (args.size() == 3 ? ", " + args[2].sql : "") + ")";
    *element_type = oid::kInt4;
    for (const Typed& a : args) {
      if (a.type == oid::kInt8) *element_type = oid::kInt8;
      if (IsFloatType(a.type)) *element_type = oid::kNumeric;
    }
  } else if (name == "unnest" || name == "_pg_expandarray") {
    if (args.size() != 1) {
      return query::SqlError(sqlstate::kFeatureNotSupported,
                             absl::StrCat(name, " of more than one array is not supported"));
    }
    if (name == "unnest") {
      out.sql = "pg_array(" + args[0].sql + ")";
      uint32_t element = ElementType(args[0].type);
      *element_type = element != 0 ? element : oid::kText;
    } else {
      out.sql = "pg_expandarray(" + args[0].sql + ")";
      *element_type = 2249;  // record
    }
  } else {
    return query::SqlError(sqlstate::kUndefinedFunction,
                           absl::StrCat("function ", name, " does not exist"));
  }
  return out;
}

absl::StatusOr<Typed> Rewriter::SpecialFunction(const std::string& name, size_t open,
                                                const ExprContext& ctx, bool* handled) {
  *handled = false;
  size_t close = Match(open);
  // Depth-0 keyword positions inside the parentheses.
  auto find_word = [&](std::string_view word, size_t from) -> size_t {
    for (size_t i = from; i < close; ++i) {
      if (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket) {
        i = Match(i);
        continue;
      }
      if (Is(i, word)) return i;
    }
    return close;
  };
  Typed out;
  if (name == "trim") {
    size_t b = open + 1;
    std::string fn = "trim";
    out.name = "btrim";
    if (Is(b, "both")) {
      ++b;
    } else if (Is(b, "leading")) {
      fn = "ltrim";
      out.name = "ltrim";
      ++b;
    } else if (Is(b, "trailing")) {
      fn = "rtrim";
      out.name = "rtrim";
      ++b;
    }
    size_t from = find_word("from", b);
    std::string str_sql, chars_sql;
    if (from != close) {
      ASSIGN_OR_RETURN(Typed str, Expr(from + 1, close, ctx));
      str_sql = str.sql;
      if (from > b) {
        ASSIGN_OR_RETURN(Typed chars, Expr(b, from, ctx));
        chars_sql = chars.sql;
      }
    } else {
      std::vector<size_t> commas = SplitCommas(b, close);
      size_t first_end = commas.empty() ? close : commas[0];
      ASSIGN_OR_RETURN(Typed str, Expr(b, first_end, ctx));
      str_sql = str.sql;
      if (!commas.empty()) {
        ASSIGN_OR_RETURN(Typed chars, Expr(commas[0] + 1, close, ctx));
        chars_sql = chars.sql;
      }
    }
    out.sql = chars_sql.empty() ? absl::StrCat(fn, "(", str_sql, ")")
                                : absl::StrCat(fn, "(", str_sql, ", ", chars_sql, ")");
    out.type = oid::kText;
  } else if (name == "substring") {
    size_t from = find_word("from", open + 1);
    size_t for_pos = find_word("for", open + 1);
    if (from == close && for_pos == close) return out;  // substring(x, a, b): ordinary call
    size_t str_end = std::min(from, for_pos);
    ASSIGN_OR_RETURN(Typed str, Expr(open + 1, str_end, ctx));
    std::string start = "1";
    if (from != close) {
      ASSIGN_OR_RETURN(Typed s, Expr(from + 1, for_pos < from ? close : for_pos, ctx));
      start = s.sql;
    }
    out.sql = absl::StrCat("pg_substring(", str.sql, ", ", start);
    if (for_pos != close) {
      ASSIGN_OR_RETURN(Typed n,
                       Expr(for_pos + 1, from > for_pos && from != close ? from : close, ctx));
      absl::StrAppend(&out.sql, ", ", n.sql);
    }
    out.sql += ")";
    out.type = oid::kText;
    out.name = "substring";
  } else if (name == "position") {
    size_t in = find_word("in", open + 1);
    if (in == close) return out;
    ASSIGN_OR_RETURN(Typed needle, Expr(open + 1, in, ctx));
    ASSIGN_OR_RETURN(Typed haystack, Expr(in + 1, close, ctx));
    out.sql = absl::StrCat("instr(", haystack.sql, ", ", needle.sql, ")");
    out.type = oid::kInt4;
    out.name = "position";
  } else if (name == "extract" || name == "overlay") {
    return query::SqlError(sqlstate::kFeatureNotSupported,
                           absl::StrCat(name, "() is not supported on the system catalogs"));
  } else {
    return out;
  }
  out.strength = 2;
  *handled = true;
  return out;
}

absl::StatusOr<Typed> Rewriter::FunctionCall(const std::vector<std::string>& name_parts,
                                             size_t open, size_t* at, size_t end,
                                             const ExprContext& ctx) {
  const std::string& name = name_parts.back();
  size_t close = Match(open);
  *at = close + 1;
  bool handled = false;
  ASSIGN_OR_RETURN(Typed special, SpecialFunction(name, open, ctx, &handled));
  if (handled) return special;

  if (IsSetReturningFunction(name)) {
    if (ctx.select == nullptr) {
      return query::SqlError(sqlstate::kFeatureNotSupported,
                             absl::StrCat("set-returning function ", name,
                                          " is only supported in a select list or FROM"));
    }
    uint32_t element = 0;
    ASSIGN_OR_RETURN(Typed json, SrfJson(name, open, ctx, &element));
    std::string alias;
    for (const SelectState::Srf& srf : ctx.select->srfs) {
      if (srf.json_sql == json.sql) alias = srf.alias;  // the same call twice: one series
    }
    if (alias.empty()) {
      alias = absl::StrCat("__srf", next_alias_++);
      ctx.select->srfs.push_back({json.sql, alias});
    }
    Typed out;
    out.sql = absl::StrCat(QuoteIdent(alias), ".\"value\"");
    out.type = element;
    out.name = name;
    out.strength = 2;
    out.expandarray = name == "_pg_expandarray";
    return out;
  }

  // Arguments: `*`, DISTINCT, a trailing ORDER BY (SQLite 3.40 has none: dropped).
  std::string args_sql;
  std::vector<uint32_t> arg_types;
  size_t b = open + 1;
  size_t args_end = close;
  for (size_t i = b; i < close; ++i) {
    if (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket) {
      i = Match(i);
    } else if (Is(i, "order") && Is(i + 1, "by")) {
      args_end = i;
      break;
    }
  }
  if (args_end == b + 1 && IsOp(b, "*")) {
    args_sql = "*";
  } else if (args_end > b) {
    if (Is(b, "distinct")) {
      args_sql = "DISTINCT ";
      ++b;
    } else if (Is(b, "all") || Is(b, "variadic")) {
      ++b;
    }
    std::vector<size_t> commas = SplitCommas(b, args_end);
    commas.push_back(args_end);
    for (size_t c = 0; c < commas.size(); ++c) {
      if (Is(b, "variadic")) ++b;
      ASSIGN_OR_RETURN(Typed a, Expr(b, commas[c], ctx));
      if (c > 0) args_sql += ", ";
      args_sql += a.sql;
      arg_types.push_back(a.type);
      b = commas[c] + 1;
    }
  }
  Typed out;
  out.sql = absl::StrCat(AV(SqliteFunctionName(name)), "(", args_sql, ")");
  out.type = FunctionResultType(name, arg_types);
  out.name = name;
  out.strength = 2;

  size_t i = close + 1;
  if (Is(i, "filter") && K(i + 1) == TokKind::kLParen && Is(i + 2, "where")) {
    ASSIGN_OR_RETURN(Typed cond, Expr(i + 3, Match(i + 1), ctx));
    absl::StrAppend(&out.sql, " FILTER (WHERE ", cond.sql, ")");
    i = Match(i + 1) + 1;
  }
  if (Is(i, "over")) {
    if (K(i + 1) != TokKind::kLParen) {
      return query::SqlError(sqlstate::kFeatureNotSupported, "named windows are not supported");
    }
    ExprContext window = ctx;
    window.window = true;
    window.select = nullptr;
    std::string spec;
    if (Match(i + 1) > i + 2) {
      ASSIGN_OR_RETURN(Typed w, Expr(i + 2, Match(i + 1), window));
      spec = std::move(w.sql);
    }
    absl::StrAppend(&out.sql, " OVER (", spec, ")");
    i = Match(i + 1) + 1;
  }
  *at = i;
  (void)end;
  return out;
}

}  // namespace strata::server::pgwire::catalog
