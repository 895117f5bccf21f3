// ast::Expr::ToSql: SQL text that parses back to the same tree. Parentheses are added only
// where the parser's precedence (lexer.h) needs them; identifiers are quoted only when
// they must be.
#include "query/ast.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "query/lexer.h"

namespace strata::query::ast {
namespace {

std::string QueryToSql(const Query& query);

std::string QuoteIdentifier(std::string_view name) {
  if (!IdentifierNeedsQuotes(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string_view> SplitDots(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', start)) {
    parts.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(name.substr(start));
  return parts;
}

// schema.table, part by part.
std::string QuoteQualifiedName(std::string_view name) {
  std::vector<std::string> parts;
  for (std::string_view part : SplitDots(name)) parts.push_back(QuoteIdentifier(part));
  return absl::StrJoin(parts, ".");
}

// Function names may be type/function keywords (left, right); words the parser reads as a
// special form (trim(x) would come back as btrim) must be quoted.
std::string QuoteFunctionName(std::string_view name) {
  std::vector<std::string> parts;
  for (std::string_view word : SplitDots(name)) {
    bool special = word == "trim" || word == "position" || word == "extract" || word == "exists" ||
                   word == "cast";
    bool plain = IsPlainIdentifier(word) && ClassifyKeyword(word) != KeywordClass::kReserved;
    if (special) {
      parts.push_back("\"" + std::string(word) + "\"");
    } else {
      parts.push_back(plain ? std::string(word) : QuoteIdentifier(word));
    }
  }
  return absl::StrJoin(parts, ".");
}

std::string QuoteString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string FloatToSql(double value) {
  if (std::isnan(value)) return "'NaN'::double precision";
  if (std::isinf(value))
    return value > 0 ? "'Infinity'::double precision" : "'-Infinity'::double precision";
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, result.ptr);
  // Keep it a float when read back: 1.0, not the integer 1.
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string LiteralToSql(const Value& value) {
  if (value.null) return "NULL";
  switch (value.type) {
    case Type::kNull:
      return "NULL";
    case Type::kBool:
      return value.i ? "TRUE" : "FALSE";
    case Type::kInt64:
      return std::to_string(value.i);
    case Type::kFloat64:
      return FloatToSql(value.f);
    case Type::kString:
      return QuoteString(value.s);
    case Type::kTimestamp:
      return QuoteString(absl::FormatTime("%Y-%m-%d %H:%M:%E*S+00", absl::FromUnixMicros(value.i),
                                          absl::UTCTimeZone())) +
             "::timestamptz";
    case Type::kInterval:
      return "INTERVAL " + QuoteString(absl::StrCat(value.iv.months, " months ", value.iv.days,
                                                    " days ", value.iv.micros, " microseconds"));
  }
  return "NULL";
}

bool IsSqlValueFunction(const Expr& expr) {
  if (!expr.args.empty() || expr.star || expr.distinct || expr.filter != nullptr) return false;
  for (std::string_view name :
       {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
        "current_user", "session_user", "current_role", "current_schema", "current_catalog"}) {
    if (expr.name == name) return true;
  }
  return false;
}

// is_true(x) / is_false(x) print as x IS [NOT] TRUE / FALSE, which parses back to them.
bool IsTruthTest(const Expr& expr) {
  return (expr.name == "is_true" || expr.name == "is_false") && expr.args.size() == 1 &&
         !expr.star && !expr.distinct && expr.filter == nullptr;
}

int BinaryPrecedence(std::string_view op) {
  if (op == "OR") return kPrecOr;
  if (op == "AND") return kPrecAnd;
  if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    return kPrecCompare;
  }
  if (op == "+" || op == "-") return kPrecAdd;
  if (op == "*" || op == "/" || op == "%") return kPrecMul;
  return kPrecConcat;  // || and any other operator
}

// How tightly the printed text of `expr` binds.
int PrecedenceOf(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral: {
      const Value& value = expr.literal;
      if (value.null) return kPrecPrimary;
      if (value.type == Type::kTimestamp) return kPrecCast;
      if (value.type == Type::kInt64 && value.i < 0) return kPrecUnary;
      if (value.type == Type::kFloat64) {
        if (!std::isfinite(value.f)) return kPrecCast;
        if (std::signbit(value.f)) return kPrecUnary;
      }
      return kPrecPrimary;
    }
    case ExprKind::kUnary:
      return expr.op == "NOT" ? kPrecNot : kPrecUnary;
    case ExprKind::kBinary:
      return BinaryPrecedence(expr.op);
    case ExprKind::kIsNull:
      return kPrecIs;
    case ExprKind::kFunction:
      return IsTruthTest(expr) ? kPrecIs : kPrecPrimary;
    case ExprKind::kIn:
    case ExprKind::kInSubquery:
    case ExprKind::kBetween:
    case ExprKind::kLike:
      return kPrecLike;
    case ExprKind::kSubscript:
      return kPrecSubscript;
    case ExprKind::kCast:
      return kPrecCast;
    default:
      return kPrecPrimary;
  }
}

// `expr` as an operand that the parser reads at `min_precedence`.
std::string Operand(const Expr& expr, int min_precedence) {
  std::string text = expr.ToSql();
  if (PrecedenceOf(expr) < min_precedence) return "(" + text + ")";
  return text;
}

std::string Not(bool negated) { return negated ? " NOT" : ""; }

std::string ListToSql(const std::vector<ExprPtr>& list) {
  std::vector<std::string> parts;
  parts.reserve(list.size());
  for (const ExprPtr& expr : list) parts.push_back(expr->ToSql());
  return absl::StrJoin(parts, ", ");
}

std::string FunctionToSql(const Expr& expr) {
  if (IsTruthTest(expr)) {
    return Operand(*expr.args[0], kPrecIs) + " IS" + Not(expr.negated) +
           (expr.name == "is_true" ? " TRUE" : " FALSE");
  }
  if (IsSqlValueFunction(expr)) return absl::AsciiStrToUpper(expr.name);
  std::string out = QuoteFunctionName(expr.name) + "(";
  if (expr.distinct) out += "DISTINCT ";
  out += expr.star ? "*" : ListToSql(expr.args);
  out += ")";
  if (expr.filter != nullptr) out += " FILTER (WHERE " + expr.filter->ToSql() + ")";
  return out;
}

std::string ExtractFieldToSql(std::string_view field) {
  return IsPlainIdentifier(field) ? std::string(field) : QuoteString(field);
}

std::string SelectToSql(const Select& select) {
  std::string out = select.distinct ? "SELECT DISTINCT " : "SELECT ";
  std::vector<std::string> items;
  for (const SelectItem& item : select.items) {
    std::string text = item.expr->ToSql();
    if (!item.alias.empty()) text += " AS " + QuoteIdentifier(item.alias);
    items.push_back(std::move(text));
  }
  out += absl::StrJoin(items, ", ");
  if (select.from.has_value()) {
    const TableRef& from = *select.from;
    out += " FROM ";
    out += from.subquery != nullptr ? "(" + QueryToSql(*from.subquery) + ")"
                                    : QuoteQualifiedName(from.name);
    if (!from.alias.empty()) out += " AS " + QuoteIdentifier(from.alias);
  }
  if (select.where != nullptr) out += " WHERE " + select.where->ToSql();
  if (!select.group_by.empty()) out += " GROUP BY " + ListToSql(select.group_by);
  if (select.having != nullptr) out += " HAVING " + select.having->ToSql();
  return out;
}

std::string QueryToSql(const Query& query) {
  std::string out;
  if (!query.with.empty()) {
    std::vector<std::string> ctes;
    for (const CommonTableExpr& cte : query.with) {
      std::string text = QuoteIdentifier(cte.name);
      if (!cte.column_names.empty()) {
        std::vector<std::string> columns;
        for (const std::string& column : cte.column_names)
          columns.push_back(QuoteIdentifier(column));
        text += "(" + absl::StrJoin(columns, ", ") + ")";
      }
      ctes.push_back(text + " AS (" + QueryToSql(*cte.query) + ")");
    }
    out += "WITH " + absl::StrJoin(ctes, ", ") + " ";
  }
  std::vector<std::string> terms;
  for (const Select& term : query.terms) terms.push_back(SelectToSql(term));
  out += absl::StrJoin(terms, " UNION ALL ");
  if (!query.order_by.empty()) {
    std::vector<std::string> keys;
    for (const OrderItem& item : query.order_by) {
      std::string key = item.expr->ToSql();
      if (item.desc) key += " DESC";
      if (item.nulls_first.has_value()) key += *item.nulls_first ? " NULLS FIRST" : " NULLS LAST";
      keys.push_back(std::move(key));
    }
    out += " ORDER BY " + absl::StrJoin(keys, ", ");
  }
  if (query.limit != nullptr) out += " LIMIT " + query.limit->ToSql();
  if (query.offset != nullptr) out += " OFFSET " + query.offset->ToSql();
  return out;
}

}  // namespace

std::string Expr::ToSql() const {
  switch (kind) {
    case ExprKind::kLiteral:
      return LiteralToSql(literal);
    case ExprKind::kColumn:
      return qualifier.empty() ? QuoteIdentifier(name)
                               : QuoteQualifiedName(qualifier) + "." + QuoteIdentifier(name);
    case ExprKind::kStar:
      return qualifier.empty() ? "*" : QuoteQualifiedName(qualifier) + ".*";
    case ExprKind::kParam:
      return "$" + std::to_string(param_index);
    case ExprKind::kUnary: {
      if (op == "NOT") return "NOT " + Operand(*args[0], kPrecNot);
      std::string operand = Operand(*args[0], kPrecUnary);
      // "- -x" must not become the comment "--x".
      if (operand[0] == '-' || operand[0] == '+') operand = "(" + operand + ")";
      return op + operand;
    }
    case ExprKind::kBinary: {
      int precedence = BinaryPrecedence(op);
      // Comparisons do not associate: (a = b) = c keeps its parentheses.
      int left_min = precedence == kPrecCompare ? precedence + 1 : precedence;
      return Operand(*args[0], left_min) + " " + op + " " + Operand(*args[1], precedence + 1);
    }
    case ExprKind::kFunction:
      return FunctionToSql(*this);
    case ExprKind::kCast:
      return Operand(*args[0], kPrecCast) + "::" +
             (type_name.find(' ') != std::string::npos ? type_name : QuoteIdentifier(type_name));
    case ExprKind::kCase: {
      std::string out = "CASE";
      if (case_operand != nullptr) out += " " + case_operand->ToSql();
      for (const auto& [condition, result] : whens) {
        out += " WHEN " + condition->ToSql() + " THEN " + result->ToSql();
      }
      if (case_else != nullptr) out += " ELSE " + case_else->ToSql();
      return out + " END";
    }
    case ExprKind::kIn: {
      std::vector<std::string> items;
      for (size_t i = 1; i < args.size(); ++i) items.push_back(args[i]->ToSql());
      return Operand(*args[0], kPrecLike + 1) + Not(negated) + " IN (" +
             absl::StrJoin(items, ", ") + ")";
    }
    case ExprKind::kInSubquery:
      return Operand(*args[0], kPrecLike + 1) + Not(negated) + " IN (" + QueryToSql(*subquery) +
             ")";
    case ExprKind::kBetween:
      return Operand(*args[0], kPrecLike + 1) + Not(negated) + " BETWEEN " +
             Operand(*args[1], kPrecLike + 1) + " AND " + Operand(*args[2], kPrecLike + 1);
    case ExprKind::kLike:
      return Operand(*args[0], kPrecLike + 1) + Not(negated) + " " + op + " " +
             Operand(*args[1], kPrecLike + 1);
    case ExprKind::kIsNull:
      return Operand(*args[0], kPrecIs) + " IS" + Not(negated) + " NULL";
    case ExprKind::kSubscript:
      return Operand(*args[0], kPrecSubscript) + "[" + args[1]->ToSql() + "]";
    case ExprKind::kInterval:
      return "INTERVAL " + QuoteString(literal.s);
    case ExprKind::kExtract:
      return "EXTRACT(" + ExtractFieldToSql(name) + " FROM " + args[0]->ToSql() + ")";
    case ExprKind::kSubquery:
      return "(" + QueryToSql(*subquery) + ")";
  }
  return "";
}

}  // namespace strata::query::ast
