// PostgreSQL -> SQLite, expression level: literals, casts, CASE, ARRAY, subscripts,
// function calls (schema qualifiers dropped, special syntax such as trim(both x from y)),
// operators (~ -> REGEXP, ILIKE -> GLOB, = ANY(array) -> IN json_each), and the
// PostgreSQL type of each expression.

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_rewrite.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

bool IsComparison(std::string_view op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" ||
         op == ">=";
}

// Keywords copied through as they are; `boolean` ones make the expression a boolean.
struct KeywordInfo {
  std::string_view word;
  bool boolean;
  bool window_only;
};
constexpr KeywordInfo kKeywords[] = {
    {"and", true, false},       {"or", true, false},        {"not", true, false},
    {"in", true, false},        {"between", true, false},   {"symmetric", false, false},
    {"like", true, false},      {"escape", false, false},   {"exists", true, false},
    {"isnull", true, false},    {"notnull", true, false},   {"distinct", false, false},
    {"asc", false, false},      {"desc", false, false},     {"nulls", false, false},
    {"first", false, true},     {"last", false, true},      {"partition", false, true},
    {"by", false, true},        {"order", false, true},     {"rows", false, true},
    {"range", false, true},     {"groups", false, true},    {"preceding", false, true},
    {"following", false, true}, {"unbounded", false, true}, {"current", false, true},
    {"row", false, true},       {"exclude", false, true},   {"ties", false, true},
    {"others", false, true},    {"no", false, true},
};

const KeywordInfo* FindKeyword(std::string_view word, bool window) {
  for (const KeywordInfo& k : kKeywords) {
    if (k.word == word && (window || !k.window_only)) return &k;
  }
  // NULLS FIRST / LAST also appear outside windows (aggregate ORDER BY is dropped).
  return nullptr;
}

struct Elem {
  enum Kind { kPrimary, kOp, kKeyword } kind = kPrimary;
  Typed value;       // kPrimary
  std::string text;  // kOp / kKeyword as written to SQLite
  bool boolean = false;
};

uint32_t ResolveUnknown(uint32_t t) { return t == oid::kUnknown ? oid::kText : t; }

// Wraps a literal compared with a value of type `other` so that SQLite compares like
// PostgreSQL, which gives the literal the other operand's type.
void CoerceLiteral(Typed* literal, uint32_t other) {
  if (!literal->literal || other == 0 || other == oid::kUnknown) return;
  std::string& sql = literal->sql;
  if (other == oid::kBool) {
    sql = absl::StrCat("pg_bool(", sql, ")");
  } else if (other == oid::kRegclass) {
    sql = absl::StrCat("pg_regclass(", sql, ")");
  } else if (other == oid::kRegtype) {
    sql = absl::StrCat("pg_regtype(", sql, ")");
  } else if (other == oid::kRegproc) {
    sql = absl::StrCat("pg_regproc(", sql, ")");
  } else if (other == 4089) {
    sql = absl::StrCat("pg_regnamespace(", sql, ")");
  } else if (IsIntegerType(other)) {
    sql = absl::StrCat("CAST(", sql, " AS INTEGER)");
  } else if (IsFloatType(other)) {
    sql = absl::StrCat("CAST(", sql, " AS REAL)");
  } else if (IsArrayType(other)) {
    sql = absl::StrCat("pg_array(", sql, ", ", ElementType(other), ")");
  } else {
    return;
  }
  literal->literal = false;
  literal->type = other;
}

}  // namespace

const ScopeColumn* Rewriter::ResolveColumn(const Scope* scope,
                                           const std::vector<std::string>& parts) const {
  for (const Scope* s = scope; s != nullptr; s = s->parent) {
    for (const ScopeRelation& rel : s->relations) {
      if (parts.size() >= 2 && rel.alias != parts[parts.size() - 2]) continue;
      for (const ScopeColumn& col : rel.columns) {
        if (col.name == parts.back()) return &col;
      }
      if (parts.size() >= 2) return nullptr;
    }
  }
  return nullptr;
}

const ScopeRelation* Rewriter::ResolveTableOid(const Scope* scope,
                                               const std::vector<std::string>& parts) const {
  for (const Scope* s = scope; s != nullptr; s = s->parent) {
    for (const ScopeRelation& rel : s->relations) {
      if (rel.oid == 0) continue;
      if (parts.size() == 1 || rel.alias == parts[parts.size() - 2]) return &rel;
    }
  }
  return nullptr;
}

absl::StatusOr<Typed> Rewriter::CaseExpr(size_t* at, size_t end, const ExprContext& ctx) {
  size_t begin = *at;  // CASE
  // The matching END and this CASE's own WHEN / THEN / ELSE.
  std::vector<size_t> marks;
  int depth = 0;
  size_t stop = end;
  for (size_t i = begin + 1; i < end; ++i) {
    if (K(i) == TokKind::kLParen || K(i) == TokKind::kLBracket) {
      i = Match(i);
      continue;
    }
    if (Is(i, "case")) {
      ++depth;
    } else if (Is(i, "end")) {
      if (depth == 0) {
        stop = i;
        break;
      }
      --depth;
    } else if (depth == 0 && (Is(i, "when") || Is(i, "then") || Is(i, "else"))) {
      marks.push_back(i);
    }
  }
  if (stop == end || marks.empty() || !Is(marks[0], "when")) return SyntaxError(stop);
  marks.push_back(stop);
  Typed out;
  out.sql = "CASE";
  if (marks[0] > begin + 1) {
    ASSIGN_OR_RETURN(Typed operand, Expr(begin + 1, marks[0], ctx));
    absl::StrAppend(&out.sql, " ", operand.sql);
  }
  uint32_t result_type = 0;
  bool has_else = false;
  Typed else_value;
  for (size_t m = 0; m + 1 < marks.size(); ++m) {
    ASSIGN_OR_RETURN(Typed part, Expr(marks[m] + 1, marks[m + 1], ctx));
    absl::StrAppend(&out.sql, " ", Upper(Raw(marks[m])), " ", part.sql);
    if (Is(marks[m], "then") || Is(marks[m], "else")) {
      if (part.type != 0 && (result_type == 0 || result_type == oid::kUnknown)) {
        result_type = part.type;
      }
      if (Is(marks[m], "else")) {
        has_else = true;
        else_value = std::move(part);
      }
    }
  }
  out.sql += " END";
  out.type = ResolveUnknown(result_type);
  if (has_else && else_value.strength >= 2) {
    out.name = else_value.name;
    out.strength = 2;
  } else {
    out.name = "case";
    out.strength = 1;
  }
  *at = stop + 1;
  return out;
}

absl::StatusOr<Typed> Rewriter::Postfix(Typed value, size_t* at, size_t end,
                                        const ExprContext& ctx) {
  size_t i = *at;
  while (i < end) {
    if (K(i) == TokKind::kCast) {
      ++i;
      std::string word;
      ASSIGN_OR_RETURN(uint32_t type, TypeName(&i, end, &word));
      ASSIGN_OR_RETURN(value, Cast(std::move(value), type, word));
    } else if (K(i) == TokKind::kLBracket) {
      size_t close = Match(i);
      for (size_t j = i + 1; j < close; ++j) {
        if (K(j) == TokKind::kColon) {
          return query::SqlError(sqlstate::kFeatureNotSupported, "array slices are not supported");
        }
      }
      ExprContext index_ctx = ctx;
      index_ctx.select = nullptr;
      ASSIGN_OR_RETURN(Typed index, Expr(i + 1, close, index_ctx));
      value.sql = absl::StrCat("pg_subscript(", value.sql, ", ", index.sql, ")");
      value.type = ElementType(value.type);
      value.literal = false;
      i = close + 1;
    } else if (K(i) == TokKind::kDot && K(i - 1) == TokKind::kRParen &&
               (K(i + 1) == TokKind::kIdent || K(i + 1) == TokKind::kQuotedIdent)) {
      // (composite).field: our composite values are JSON objects.
      std::string field = Name(i + 1);
      uint32_t type = 0;
      if (value.expandarray) type = field == "n" ? oid::kInt4 : oid::kInt2;
      value.sql = absl::StrCat("json_extract(", value.sql, ", ", QuoteString("$." + field), ")");
      value.type = type;
      value.name = field;
      value.strength = 2;
      value.expandarray = false;
      i += 2;
    } else {
      break;
    }
  }
  *at = i;
  return value;
}

absl::StatusOr<Typed> Rewriter::Primary(size_t* at, size_t end, const ExprContext& ctx) {
  size_t i = *at;
  Typed out;
  switch (K(i)) {
    case TokKind::kString:
      out.sql = QuoteString(DecodeString(text_, T(i)));
      out.type = oid::kUnknown;
      out.literal = true;
      *at = i + 1;
      return out;
    case TokKind::kNumber: {
      std::string_view raw = Raw(i);
      out.sql = std::string(raw);
      int64_t v = 0;
      if (raw.find_first_of(".eE") != std::string_view::npos) {
        out.type = oid::kNumeric;
      } else if (absl::SimpleAtoi(AV(raw), &v) && v <= 2147483647) {
        out.type = oid::kInt4;
      } else {
        out.type = oid::kInt8;
      }
      *at = i + 1;
      return out;
    }
    case TokKind::kParam: {
      int n = std::atoi(std::string(Raw(i).substr(1)).c_str());
      if (n < 1 || n > 65535) {
        return query::SqlError(sqlstate::kSyntaxError, absl::StrCat("there is no parameter $", n));
      }
      max_param_ = std::max(max_param_, n);
      out.sql = absl::StrCat("?", n);
      out.type = n <= static_cast<int>(param_types_.size()) ? param_types_[n - 1] : 0;
      out.literal = out.type == 0;
      if (out.literal) out.type = oid::kUnknown;
      *at = i + 1;
      return out;
    }
    case TokKind::kLParen: {
      size_t close = Match(i);
      if (StartsQuery(i + 1)) {
        ASSIGN_OR_RETURN(QueryOut sub, Query(i + 1, close, ctx.scope, nullptr, false));
        out.sql = absl::StrCat("(", sub.sql, ")");
        if (!sub.columns.empty()) {
          out.type = sub.columns[0].type;
          out.name = sub.columns[0].name;
          out.strength = 2;
        }
      } else {
        ASSIGN_OR_RETURN(Typed inner, Expr(i + 1, close, ctx));
        out = std::move(inner);
        out.sql = absl::StrCat("(", out.sql, ")");
      }
      *at = close + 1;
      return out;
    }
    case TokKind::kIdent:
    case TokKind::kQuotedIdent:
      break;
    default:
      return SyntaxError(i);
  }

  if (K(i) == TokKind::kIdent) {
    std::string word = Name(i);
    if (word == "case") return CaseExpr(at, end, ctx);
    if (word == "array" && K(i + 1) == TokKind::kLBracket) {
      size_t close = Match(i + 1);
      std::string elems;
      uint32_t element = 0;
      if (close > i + 2) {
        std::vector<size_t> commas = SplitCommas(i + 2, close);
        commas.push_back(close);
        size_t b = i + 2;
        for (size_t c = 0; c < commas.size(); ++c) {
          ASSIGN_OR_RETURN(Typed e, Expr(b, commas[c], ctx));
          if (c > 0) elems += ", ";
          elems += IsArrayType(e.type) ? absl::StrCat("json(", e.sql, ")") : e.sql;
          if (element == 0 || element == oid::kUnknown) element = e.type;
          b = commas[c] + 1;
        }
      }
      out.sql = absl::StrCat("json_array(", elems, ")");
      out.type = ArrayTypeOf(ResolveUnknown(element == 0 ? oid::kText : element));
      out.name = "array";
      out.strength = 2;
      *at = close + 1;
      return out;
    }
    if (word == "array" && K(i + 1) == TokKind::kLParen) {
      size_t close = Match(i + 1);
      std::vector<std::string> names{"__v"};
      ASSIGN_OR_RETURN(QueryOut sub, Query(i + 2, close, ctx.scope, &names, false));
      out.sql = absl::StrCat("(SELECT json_group_array(\"__v\") FROM (", sub.sql, "))");
      uint32_t element = sub.columns.empty() ? oid::kText : ResolveUnknown(sub.columns[0].type);
      out.type = ArrayTypeOf(element == 0 ? oid::kText : element);
      out.name = "array";
      out.strength = 2;
      *at = close + 1;
      return out;
    }
    if (word == "cast" && K(i + 1) == TokKind::kLParen) {
      size_t close = Match(i + 1);
      size_t as = close;
      for (size_t j = i + 2; j < close; ++j) {
        if (K(j) == TokKind::kLParen || K(j) == TokKind::kLBracket) {
          j = Match(j);
        } else if (Is(j, "as")) {
          as = j;
        }
      }
      if (as == close) return SyntaxError(close);
      ASSIGN_OR_RETURN(Typed value, Expr(i + 2, as, ctx));
      size_t type_at = as + 1;
      std::string type_word;
      ASSIGN_OR_RETURN(uint32_t type, TypeName(&type_at, close, &type_word));
      if (type_at != close) return SyntaxError(type_at);
      *at = close + 1;
      return Cast(std::move(value), type, type_word);
    }
    if (word == "true" || word == "false") {
      out.sql = word == "true" ? "1" : "0";
      out.type = oid::kBool;
      out.name = "bool";
      out.strength = 1;
      *at = i + 1;
      return out;
    }
    if (word == "null") {
      out.sql = "NULL";
      out.type = oid::kUnknown;
      *at = i + 1;
      return out;
    }
    if (word == "current_user" || word == "session_user" || word == "user" ||
        word == "current_role") {
      out.sql = "pg_current_user()";
      out.type = oid::kName;
      out.name = word;
      out.strength = 2;
      *at = i + 1;
      return out;
    }
    if (word == "current_catalog" || (word == "current_schema" && K(i + 1) != TokKind::kLParen)) {
      out.sql = word == "current_catalog" ? "current_database()" : "current_schema()";
      out.type = oid::kName;
      out.name = word;
      out.strength = 2;
      *at = i + 1;
      return out;
    }
    if (word == "current_timestamp" || word == "localtimestamp" || word == "current_date") {
      out.sql = word == "current_date" ? "pg_current_date()" : "pg_now()";
      out.type = word == "current_date" ? oid::kDate : oid::kTimestamptz;
      out.name = word;
      out.strength = 2;
      *at = i + 1;
      return out;
    }
    if (K(i + 1) == TokKind::kString) {
      // A typed literal: interval '1 day', timestamptz '...', text 'x'.
      size_t type_at = i;
      std::string type_word;
      auto type = TypeName(&type_at, end, &type_word);
      if (type.ok() && type_at == i + 1) {
        Typed literal;
        literal.sql = QuoteString(DecodeString(text_, T(i + 1)));
        literal.type = oid::kUnknown;
        literal.literal = true;
        *at = i + 2;
        return Cast(std::move(literal), *type, type_word);
      }
    }
  }

  // A column reference or a function call: name[.name[.name]].
  std::vector<std::string> parts{Name(i)};
  size_t j = i + 1;
  while (K(j) == TokKind::kDot &&
         (K(j + 1) == TokKind::kIdent || K(j + 1) == TokKind::kQuotedIdent)) {
    parts.push_back(Name(j + 1));
    j += 2;
  }
  if (K(j) == TokKind::kLParen) {
    return FunctionCall(parts, j, at, end, ctx);
  }
  if (K(j) == TokKind::kDot) return SyntaxError(j + 1);
  const ScopeColumn* column = ResolveColumn(ctx.scope, parts);
  if (parts.back() == "tableoid" && column == nullptr) {
    // The system column every PostgreSQL table has: its pg_class OID.
    if (const ScopeRelation* rel = ResolveTableOid(ctx.scope, parts)) {
      out.sql = std::to_string(rel->oid);
      out.type = oid::kOid;
      out.name = "tableoid";
      out.strength = 2;
      *at = j;
      return out;
    }
  }
  if (column != nullptr && !column->sql.empty()) {
    out.sql = column->sql;
  } else {
    for (size_t p = 0; p < parts.size(); ++p) {
      if (p > 0) out.sql += ".";
      out.sql += QuoteIdent(parts[p]);
    }
  }
  out.type = column != nullptr ? column->type : 0;
  out.name = parts.back();
  out.strength = 2;
  *at = j;
  return out;
}

absl::StatusOr<Typed> Rewriter::Expr(size_t begin, size_t end, const ExprContext& ctx) {
  if (begin >= end) return SyntaxError(begin);
  std::vector<Elem> elems;
  size_t i = begin;
  auto push_op = [&](std::string text, bool boolean) {
    Elem e;
    e.kind = Elem::kOp;
    e.text = std::move(text);
    e.boolean = boolean;
    elems.push_back(std::move(e));
  };
  auto push_keyword = [&](std::string text, bool boolean) {
    Elem e;
    e.kind = Elem::kKeyword;
    e.text = std::move(text);
    e.boolean = boolean;
    elems.push_back(std::move(e));
  };
  while (i < end) {
    TokKind k = K(i);
    if (k == TokKind::kIdent) {
      std::string word = Name(i);
      if (word == "is") {
        // IS [NOT] DISTINCT FROM | IS [NOT] NULL / TRUE / FALSE / UNKNOWN
        size_t j = i + 1;
        bool negated = Is(j, "not");
        if (negated) ++j;
        if (Is(j, "distinct") && Is(j + 1, "from")) {
          push_keyword(negated ? "IS" : "IS NOT", true);
          i = j + 2;
        } else if (Is(j, "null") || Is(j, "true") || Is(j, "false") || Is(j, "unknown")) {
          std::string what = Is(j, "unknown") ? "NULL" : Upper(Raw(j));
          push_keyword(absl::StrCat(negated ? "IS NOT " : "IS ", what), true);
          i = j + 1;
        } else {
          push_keyword(negated ? "IS NOT" : "IS", true);
          i = j;
        }
        continue;
      }
      if (word == "ilike") {
        push_op("GLOB", true);
        ++i;
        continue;
      }
      if (word == "similar") {
        return query::SqlError(sqlstate::kFeatureNotSupported, "SIMILAR TO is not supported");
      }
      if (word == "collate") {
        // COLLATE "C" / pg_catalog.default: SQLite compares bytes, as "C" does.
        ++i;
        if (i < end && (K(i) == TokKind::kIdent || K(i) == TokKind::kQuotedIdent)) ++i;
        if (i + 1 < end && K(i) == TokKind::kDot &&
            (K(i + 1) == TokKind::kIdent || K(i + 1) == TokKind::kQuotedIdent)) {
          i += 2;
        }
        continue;
      }
      if (word == "operator" && K(i + 1) == TokKind::kLParen) {
        size_t close = Match(i + 1);
        size_t op = close - 1;
        if (K(op) != TokKind::kOp) return SyntaxError(op);
        // Treated below like the bare operator.
        std::string_view text = Raw(op);
        i = close + 1;
        if (text == "~")
          push_op("REGEXP", true);
        else if (text == "~*")
          push_op("MATCH", true);
        else if (text == "!~")
          push_op("NOT REGEXP", true);
        else if (text == "!~*")
          push_op("NOT MATCH", true);
        else if (text == "~~")
          push_op("LIKE", true);
        else if (text == "~~*")
          push_op("GLOB", true);
        else
          push_op(std::string(text), IsComparison(text));
        continue;
      }
      if (word == "any" || word == "all" || word == "some") {
        return query::SqlError(sqlstate::kFeatureNotSupported,
                               absl::StrCat(Upper(word), " is only supported after = and <>"));
      }
      if (const KeywordInfo* kw = FindKeyword(word, ctx.window)) {
        push_keyword(Upper(word), kw->boolean);
        ++i;
        continue;
      }
    }
    if (k == TokKind::kOp) {
      std::string_view op = Raw(i);
      bool any = Is(i + 1, "any") || Is(i + 1, "some");
      bool all = Is(i + 1, "all");
      if (IsComparison(op) && (any || all) && K(i + 2) == TokKind::kLParen) {
        bool in = op == "=" && any;
        bool not_in = (op == "<>" || op == "!=") && all;
        if (!in && !not_in) {
          return query::SqlError(
              sqlstate::kFeatureNotSupported,
              absl::StrCat(AV(op), " ", any ? "ANY" : "ALL", " is not supported"));
        }
        size_t open = i + 2, close = Match(open);
        std::string list;
        if (StartsQuery(open + 1)) {
          ASSIGN_OR_RETURN(QueryOut sub, Query(open + 1, close, ctx.scope, nullptr, false));
          list = std::move(sub.sql);
        } else {
          ExprContext inner = ctx;
          inner.select = nullptr;
          ASSIGN_OR_RETURN(Typed array, Expr(open + 1, close, inner));
          list = absl::StrCat("SELECT value FROM json_each(pg_array(", array.sql, "))");
        }
        push_keyword(in ? "IN" : "NOT IN", true);
        Elem e;
        e.value.sql = absl::StrCat("(", list, ")");
        elems.push_back(std::move(e));
        i = close + 1;
        continue;
      }
      if (op == "~")
        push_op("REGEXP", true);
      else if (op == "~*")
        push_op("MATCH", true);
      else if (op == "!~")
        push_op("NOT REGEXP", true);
      else if (op == "!~*")
        push_op("NOT MATCH", true);
      else if (op == "~~")
        push_op("LIKE", true);
      else if (op == "~~*")
        push_op("GLOB", true);
      else if (op == "!~~")
        push_op("NOT LIKE", true);
      else if (op == "!~~*")
        push_op("NOT GLOB", true);
      else if (op == "!=")
        push_op("<>", true);
      else if (op == "@>" || op == "<@" || op == "&&" || op == "^" || op == "#") {
        return query::SqlError(sqlstate::kFeatureNotSupported,
                               absl::StrCat("operator ", AV(op), " is not supported"));
      } else {
        push_op(std::string(op), IsComparison(op));
      }
      ++i;
      continue;
    }
    if (k == TokKind::kComma) {
      push_op(",", false);
      ++i;
      continue;
    }
    Elem e;
    ASSIGN_OR_RETURN(Typed primary, Primary(&i, end, ctx));
    ASSIGN_OR_RETURN(e.value, Postfix(std::move(primary), &i, end, ctx));
    elems.push_back(std::move(e));
  }

  // Array concatenation: `a || b` with an array operand.
  for (size_t j = 1; j + 1 < elems.size(); ++j) {
    if (elems[j].kind != Elem::kOp || elems[j].text != "||") continue;
    Elem& l = elems[j - 1];
    Elem& r = elems[j + 1];
    if (l.kind != Elem::kPrimary || r.kind != Elem::kPrimary) continue;
    if (!IsArrayType(l.value.type) && !IsArrayType(r.value.type)) continue;
    uint32_t type = IsArrayType(l.value.type) ? l.value.type : r.value.type;
    l.value.sql = absl::StrCat("pg_array_cat(", l.value.sql, ", ", r.value.sql, ")");
    l.value.type = type;
    l.value.literal = false;
    elems.erase(elems.begin() + static_cast<long>(j), elems.begin() + static_cast<long>(j) + 2);
    --j;
  }
  // Comparisons: literals take the other operand's type; regproc (a name here) meets oid.
  for (size_t j = 1; j + 1 < elems.size(); ++j) {
    if (elems[j].kind != Elem::kOp || !IsComparison(elems[j].text)) continue;
    Elem& l = elems[j - 1];
    Elem& r = elems[j + 1];
    if (l.kind != Elem::kPrimary || r.kind != Elem::kPrimary) continue;
    CoerceLiteral(&l.value, r.value.type);
    CoerceLiteral(&r.value, l.value.type);
    auto is_oid = [](uint32_t t) { return IsIntegerType(t) && t != oid::kBool; };
    if (l.value.type == oid::kRegproc && is_oid(r.value.type) && r.value.type != oid::kRegproc) {
      l.value.sql = absl::StrCat("pg_regproc_oid(", l.value.sql, ")");
    } else if (r.value.type == oid::kRegproc && is_oid(l.value.type)) {
      r.value.sql = absl::StrCat("pg_regproc_oid(", r.value.sql, ")");
    }
  }

  Typed out;
  bool boolean = false, concat = false, arithmetic = false;
  int primaries = 0;
  const Elem* single = nullptr;
  for (const Elem& e : elems) {
    if (!out.sql.empty()) out.sql += " ";
    if (e.kind == Elem::kPrimary) {
      out.sql += e.value.sql;
      ++primaries;
      single = &e;
    } else {
      out.sql += e.text;
      boolean = boolean || e.boolean;
      concat = concat || e.text == "||";
      arithmetic = arithmetic || e.text == "+" || e.text == "-" || e.text == "*" || e.text == "/" ||
                   e.text == "%";
    }
  }
  if (elems.size() == 1 && single != nullptr) {
    Typed v = single->value;
    v.sql = std::move(out.sql);
    return v;
  }
  out.name = "?column?";
  if (boolean) {
    out.type = oid::kBool;
  } else if (concat) {
    out.type = oid::kText;
  } else if (arithmetic) {
    uint32_t type = 0;
    for (const Elem& e : elems) {
      if (e.kind != Elem::kPrimary) continue;
      uint32_t t = e.value.type;
      if (IsFloatType(t)) {
        type = t == oid::kNumeric && type != oid::kFloat8 ? oid::kNumeric : oid::kFloat8;
      } else if (t == oid::kInt8 && !IsFloatType(type)) {
        type = oid::kInt8;
      } else if ((t == oid::kInt4 || t == oid::kInt2) && type == 0) {
        type = oid::kInt4;
      }
    }
    out.type = type;
    if (primaries == 1 && elems.size() == 2 && single != nullptr) out.type = single->value.type;
  } else if (primaries == 1 && single != nullptr) {
    out.type = single->value.type;
  }
  return out;
}

}  // namespace strata::server::pgwire::catalog
