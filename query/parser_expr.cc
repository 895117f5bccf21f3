// Expressions and type names: precedence climbing over lexer.h's Precedence table.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "query/error.h"
#include "query/parser_internal.h"

namespace strata::query::parser_internal {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;

bool IsComparison(std::string_view op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
         op == ">=";
}

bool IsLikeFamily(std::string_view word) {
  return word == "between" || word == "in" || word == "like" || word == "ilike" ||
         word == "similar";
}

// Keywords that are function calls without parentheses (SQL "value functions").
std::string_view SqlValueFunction(std::string_view word) {
  for (std::string_view name :
       {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
        "current_user", "session_user", "current_role", "current_schema", "current_catalog"}) {
    if (word == name) return name;
  }
  if (word == "user") return "current_user";
  return {};
}

bool TakesPrecision(std::string_view word) {
  return word == "current_timestamp" || word == "current_time" || word == "localtimestamp" ||
         word == "localtime";
}

bool IsIntervalField(const Token& token) {
  if (token.kind != TokenKind::kIdentifier) return false;
  for (std::string_view field : {"year", "month", "day", "hour", "minute", "second"}) {
    if (token.text == field) return true;
  }
  return false;
}

// [+-]digits[.digits]: the interval text that a trailing unit (INTERVAL '7' DAY) applies to.
bool IsPlainNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  bool dot = false;
  for (; i < text.size(); ++i) {
    if (absl::ascii_isdigit(text[i])) {
      ++digits;
    } else if (text[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

}  // namespace

// --- bookkeeping ---

ExprPtr Parser::NewExpr(ExprKind kind, int pos) const {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->pos = pos;
  return expr;
}

int Parser::HeightOf(const Expr* expr) const {
  if (expr == nullptr) return 0;
  auto it = heights_.find(expr);
  return it == heights_.end() ? 1 : it->second;
}

absl::Status Parser::Track(const Expr& expr, int inner_height) {
  int height = inner_height;
  for (const ExprPtr& arg : expr.args) height = std::max(height, HeightOf(arg.get()));
  for (const auto& [condition, result] : expr.whens) {
    height = std::max({height, HeightOf(condition.get()), HeightOf(result.get())});
  }
  height = std::max({height, HeightOf(expr.filter.get()), HeightOf(expr.case_operand.get()),
                     HeightOf(expr.case_else.get())});
  ++height;
  heights_[&expr] = height;
  max_height_ = std::max(max_height_, height);
  if (height > kMaxExprHeight) {
    return SqlError(sqlstate::kStatementTooComplex, "stack depth limit exceeded", expr.pos);
  }
  return absl::OkStatus();
}

// --- operators ---

absl::StatusOr<ExprPtr> Parser::ParseExpr(int min_precedence) {
  NestingScope nesting(depth_);
  RETURN_IF_ERROR(CheckNestingDepth());
  ASSIGN_OR_RETURN(ExprPtr left, ParsePrefix());
  // Precedence of the last non-associative operator with a right operand applied here:
  // another one at the same level ("a = b = c") is a syntax error, as in PostgreSQL.
  int non_associative = 0;
  while (true) {
    const Token& token = Peek();
    int precedence = 0;
    if (token.kind == TokenKind::kOperator) {
      const std::string& op = token.text;
      if (op == "::") {
        precedence = kPrecCast;
      } else if (op == "[") {
        precedence = kPrecSubscript;
      } else if (op == "*" || op == "/" || op == "%") {
        precedence = kPrecMul;
      } else if (op == "+" || op == "-") {
        precedence = kPrecAdd;
      } else if (op == "||") {
        precedence = kPrecConcat;
      } else if (IsComparison(op)) {
        precedence = kPrecCompare;
      }
    } else if (token.kind == TokenKind::kIdentifier) {
      const std::string& word = token.text;
      if (word == "or") {
        precedence = kPrecOr;
      } else if (word == "and") {
        precedence = kPrecAnd;
      } else if (word == "is" || word == "isnull" || word == "notnull") {
        precedence = kPrecIs;
      } else if (IsLikeFamily(word) || (word == "not" && Peek(1).kind == TokenKind::kIdentifier &&
                                        IsLikeFamily(Peek(1).text))) {
        precedence = kPrecLike;
      } else if (word == "at" && AtKeyword("time", 1) && AtKeyword("zone", 2)) {
        precedence = kPrecAt;
      } else if (word == "collate") {
        precedence = kPrecCollate;
      }
    }
    if (precedence == 0 || precedence < min_precedence) return left;
    if (precedence == non_associative) return SyntaxError(token);
    non_associative = 0;
    Next();
    const int pos = left->pos;
    ExprPtr node;
    if (token.text == "::") {
      node = NewExpr(ExprKind::kCast, pos);
      ASSIGN_OR_RETURN(node->type_name, ParseTypeName());
      node->args.push_back(std::move(left));
    } else if (token.text == "[") {
      node = NewExpr(ExprKind::kSubscript, pos);
      node->args.push_back(std::move(left));
      ASSIGN_OR_RETURN(ExprPtr index, ParseExpr());
      node->args.push_back(std::move(index));
      RETURN_IF_ERROR(ExpectOp("]"));
    } else if (token.kind == TokenKind::kOperator || token.text == "and" || token.text == "or") {
      node = NewExpr(ExprKind::kBinary, pos);
      node->op = token.text == "!=" ? "<>" : absl::AsciiStrToUpper(token.text);
      node->args.push_back(std::move(left));
      ASSIGN_OR_RETURN(ExprPtr right, ParseExpr(precedence + 1));
      node->args.push_back(std::move(right));
      if (precedence == kPrecCompare) non_associative = precedence;
    } else if (token.text == "is") {
      ASSIGN_OR_RETURN(node, ParseIs(std::move(left)));
    } else if (token.text == "isnull" || token.text == "notnull") {
      node = NewExpr(ExprKind::kIsNull, pos);
      node->negated = token.text == "notnull";
      node->args.push_back(std::move(left));
    } else if (precedence == kPrecLike) {
      bool negated = token.text == "not";
      const Token& word = negated ? Next() : token;
      ASSIGN_OR_RETURN(node, ParsePredicate(std::move(left), word, negated));
      if (word.text != "in") non_associative = precedence;
    } else if (token.text == "at") {
      next_ += 2;  // TIME ZONE
      node = NewExpr(ExprKind::kFunction, pos);
      node->name = "timezone";
      ASSIGN_OR_RETURN(ExprPtr zone, ParseExpr(kPrecAt + 1));
      node->args.push_back(std::move(zone));
      node->args.push_back(std::move(left));
    } else {
      return Unsupported(token, "COLLATE is not supported");
    }
    RETURN_IF_ERROR(Track(*node));
    left = std::move(node);
  }
}

// After [NOT] BETWEEN / IN / LIKE / ILIKE / SIMILAR (`word`, consumed).
absl::StatusOr<ExprPtr> Parser::ParsePredicate(ExprPtr left, const Token& word, bool negated) {
  if (word.text == "in") return ParseIn(std::move(left), negated);
  if (word.text == "similar") return Unsupported(word, "SIMILAR TO is not supported");
  ExprPtr node = NewExpr(word.text == "between" ? ExprKind::kBetween : ExprKind::kLike, left->pos);
  node->negated = negated;
  node->args.push_back(std::move(left));
  if (word.text == "between") {
    if (AtKeyword("symmetric")) {
      return Unsupported(Peek(), "BETWEEN SYMMETRIC is not supported");
    }
    AcceptKeyword("asymmetric");
    ASSIGN_OR_RETURN(ExprPtr low, ParseExpr(kPrecLike + 1));
    node->args.push_back(std::move(low));
    RETURN_IF_ERROR(ExpectKeyword("and"));
    ASSIGN_OR_RETURN(ExprPtr high, ParseExpr(kPrecLike + 1));
    node->args.push_back(std::move(high));
    return node;
  }
  node->op = absl::AsciiStrToUpper(word.text);
  ASSIGN_OR_RETURN(ExprPtr pattern, ParseExpr(kPrecLike + 1));
  node->args.push_back(std::move(pattern));
  if (AtKeyword("escape")) return Unsupported(Peek(), "LIKE ... ESCAPE is not supported");
  return node;
}

// After IS: [NOT] NULL | UNKNOWN | TRUE | FALSE.
absl::StatusOr<ExprPtr> Parser::ParseIs(ExprPtr left) {
  bool negated = AcceptKeyword("not");
  ExprPtr node;
  if (AcceptKeyword("null") || AcceptKeyword("unknown")) {
    node = NewExpr(ExprKind::kIsNull, left->pos);
  } else if (AtKeyword("true") || AtKeyword("false")) {
    node = NewExpr(ExprKind::kFunction, left->pos);
    node->name = Next().text == "true" ? "is_true" : "is_false";
  } else if (AtKeyword("distinct")) {
    return Unsupported(Peek(), "IS DISTINCT FROM is not supported");
  } else {
    return SyntaxError(Peek());
  }
  node->negated = negated;
  node->args.push_back(std::move(left));
  return node;
}

// After [NOT] IN: (subquery) or (expr, ...).
absl::StatusOr<ExprPtr> Parser::ParseIn(ExprPtr left, bool negated) {
  RETURN_IF_ERROR(ExpectOp("("));
  ExprPtr node = NewExpr(ExprKind::kIn, left->pos);
  node->negated = negated;
  node->args.push_back(std::move(left));
  int inner_height = 0;
  if (AtQueryStart()) {
    node->kind = ExprKind::kInSubquery;
    ASSIGN_OR_RETURN(node->subquery, ParseMeasuredQuery(&inner_height));
  } else {
    ASSIGN_OR_RETURN(std::vector<ExprPtr> list, ParseExprList());
    // x IN ((SELECT ...)) is a subquery too, as in PostgreSQL.
    if (list.size() == 1 && list[0]->kind == ExprKind::kSubquery &&
        (AtOp(")") || AtQueryContinuation())) {
      node->kind = ExprKind::kInSubquery;
      ASSIGN_OR_RETURN(node->subquery, ContinueQuery(std::move(list[0]), &inner_height));
    } else {
      for (ExprPtr& item : list) node->args.push_back(std::move(item));
    }
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node, inner_height));
  return node;
}

absl::StatusOr<ExprPtr> Parser::ParsePrefix() {
  const Token& token = Peek();
  if (AtKeyword("not")) {
    Next();
    ExprPtr node = NewExpr(ExprKind::kUnary, token.pos);
    node->op = "NOT";
    ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr(kPrecNot));
    node->args.push_back(std::move(operand));
    RETURN_IF_ERROR(Track(*node));
    return node;
  }
  if (!AtOp("-") && !AtOp("+")) return ParsePrimary();
  Next();
  const Token& operand_token = Peek();
  ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr(kPrecUnary));
  Value& literal = operand->literal;
  if (token.text == "-" && operand->kind == ExprKind::kLiteral && !literal.null &&
      IsNumeric(literal.type)) {
    // -5 is the constant -5 (PostgreSQL's doNegate), so -9223372036854775808 is a bigint.
    int64_t negated = 0;
    if (literal.type == Type::kInt64) {
      literal = literal.i == std::numeric_limits<int64_t>::min()
                    ? Value::Float(-static_cast<double>(literal.i))
                    : Value::Int(-literal.i);
    } else if (operand_token.kind == TokenKind::kInteger && operand->pos == operand_token.pos &&
               absl::SimpleAtoi("-" + operand_token.text, &negated)) {
      literal = Value::Int(negated);
    } else {
      literal = Value::Float(-literal.f);
    }
    operand->pos = token.pos;
    return operand;
  }
  ExprPtr node = NewExpr(ExprKind::kUnary, token.pos);
  node->op = token.text;
  node->args.push_back(std::move(operand));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

absl::StatusOr<std::vector<ExprPtr>> Parser::ParseExprList() {
  std::vector<ExprPtr> list;
  do {
    ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr());
    list.push_back(std::move(expr));
  } while (AcceptOp(","));
  return list;
}

// --- primaries ---

absl::StatusOr<ExprPtr> Parser::ParsePrimary() {
  const Token& token = Peek();
  switch (token.kind) {
    case TokenKind::kInteger:
    case TokenKind::kNumeric:
      return ParseNumber();
    case TokenKind::kString: {
      Next();
      ExprPtr node = NewExpr(ExprKind::kLiteral, token.pos);
      node->literal = Value::String(token.text);
      RETURN_IF_ERROR(Track(*node));
      return node;
    }
    case TokenKind::kParam: {
      Next();
      ExprPtr node = NewExpr(ExprKind::kParam, token.pos);
      if (!absl::SimpleAtoi(token.text, &node->param_index) || node->param_index < 1 ||
          node->param_index > 65535) {
        return SyntaxError(token);
      }
      RETURN_IF_ERROR(Track(*node));
      return node;
    }
    case TokenKind::kOperator:
      if (AtOp("(")) return ParseParenthesized();
      return SyntaxError(token);
    case TokenKind::kQuotedIdentifier:
      return ParseNameOrCall();
    case TokenKind::kIdentifier:
      break;
    case TokenKind::kEnd:
      return SyntaxError(token);
  }
  const std::string& word = token.text;
  if (word == "true" || word == "false" || word == "null") {
    Next();
    ExprPtr node = NewExpr(ExprKind::kLiteral, token.pos);
    if (word != "null") node->literal = Value::Bool(word == "true");
    RETURN_IF_ERROR(Track(*node));
    return node;
  }
  if (word == "case") return ParseCase();
  if (word == "array") return Unsupported(token, "arrays are not supported");
  if (AtOp("(", 1)) {
    if (word == "exists") return Unsupported(token, "EXISTS is not supported");
    if (word == "any" || word == "some" || word == "all") {
      return Unsupported(token, "ANY / SOME / ALL comparisons are not supported; use IN");
    }
    if (word == "cast" || word == "extract" || word == "trim" || word == "substring" ||
        word == "position" || word == "overlay") {
      return ParseSpecialForm();
    }
  }
  std::string_view value_function = SqlValueFunction(word);
  if (!value_function.empty() && !(word == "current_schema" && AtOp("(", 1))) {
    Next();
    ExprPtr node = NewExpr(ExprKind::kFunction, token.pos);
    node->name = std::string(value_function);
    if (TakesPrecision(word) && AcceptOp("(")) {
      if (Peek().kind != TokenKind::kInteger) return SyntaxError(Peek());
      Next();
      RETURN_IF_ERROR(ExpectOp(")"));
    }
    RETURN_IF_ERROR(Track(*node));
    return node;
  }
  if (TypedLiteralTypeLength() > 0) return ParseTypedLiteral();
  switch (ClassifyKeyword(word)) {
    case KeywordClass::kReserved:
      return SyntaxError(token);
    case KeywordClass::kTypeFunc:  // left(s, n) yes, a column named left no
      if (!AtOp("(", 1)) return SyntaxError(token);
      break;
    case KeywordClass::kNone:
      break;
  }
  return ParseNameOrCall();
}

// Integers that do not fit in int64 become doubles, as in PostgreSQL (numeric there).
absl::StatusOr<ExprPtr> Parser::ParseNumber() {
  const Token& token = Next();
  ExprPtr node = NewExpr(ExprKind::kLiteral, token.pos);
  int64_t integer = 0;
  if (token.kind == TokenKind::kInteger && absl::SimpleAtoi(token.text, &integer)) {
    node->literal = Value::Int(integer);
  } else {
    double value = 0;
    const char* end = token.text.data() + token.text.size();
    auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
    if (ec != std::errc() || ptr != end) {
      return SqlError(sqlstate::kNumericOutOfRange,
                      "\"" + token.text + "\" is out of range for type double precision",
                      token.pos);
    }
    node->literal = Value::Float(value);
  }
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// ( expr ) or ( query ), including ((SELECT ...) UNION ALL (SELECT ...)).
absl::StatusOr<ExprPtr> Parser::ParseParenthesized() {
  const Token& open = Next();
  if (AtQueryStart()) return ParseSubqueryExpr(open.pos);
  ASSIGN_OR_RETURN(ExprPtr inner, ParseExpr());
  if (inner->kind == ExprKind::kSubquery && AtQueryContinuation()) {
    ExprPtr node = NewExpr(ExprKind::kSubquery, open.pos);
    int inner_height = 0;
    ASSIGN_OR_RETURN(node->subquery, ContinueQuery(std::move(inner), &inner_height));
    RETURN_IF_ERROR(ExpectOp(")"));
    RETURN_IF_ERROR(Track(*node, inner_height));
    return node;
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  return inner;
}

absl::StatusOr<ExprPtr> Parser::ParseSubqueryExpr(int pos) {
  ExprPtr node = NewExpr(ExprKind::kSubquery, pos);
  int inner_height = 0;
  ASSIGN_OR_RETURN(node->subquery, ParseMeasuredQuery(&inner_height));
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node, inner_height));
  return node;
}

absl::StatusOr<std::unique_ptr<ast::Query>> Parser::ParseMeasuredQuery(int* height) {
  int outer = max_height_;
  max_height_ = 0;
  ASSIGN_OR_RETURN(std::unique_ptr<ast::Query> query, ParseQuery());
  *height = max_height_;
  max_height_ = std::max(outer, max_height_);
  return query;
}

absl::StatusOr<std::unique_ptr<ast::Query>> Parser::ContinueQuery(ExprPtr first, int* height) {
  int first_height = HeightOf(first.get()) - 1;
  int outer = max_height_;
  max_height_ = 0;
  auto query = std::make_unique<ast::Query>();
  query->pos = first->pos;
  bool wrapped = false;
  AddParenthesizedTerm(query.get(), std::move(first->subquery), &wrapped);
  ASSIGN_OR_RETURN(query, FinishQuery(std::move(query), wrapped));
  *height = std::max(first_height, max_height_);
  max_height_ = std::max(outer, *height);
  return query;
}

// name, qualifier.name, qualifier.*, [schema.]function(...)
absl::StatusOr<ExprPtr> Parser::ParseNameOrCall() {
  const Token& first = Next();
  std::vector<std::string> parts = {first.text};
  while (AtOp(".")) {
    if (AtOp("*", 1)) {
      next_ += 2;
      ExprPtr star = NewExpr(ExprKind::kStar, first.pos);
      star->qualifier = absl::StrJoin(parts, ".");
      RETURN_IF_ERROR(Track(*star));
      return star;
    }
    Next();
    ASSIGN_OR_RETURN(std::string part, ParseColLabel());
    parts.push_back(std::move(part));
  }
  if (AtOp("(")) {
    // Built-in functions live in pg_catalog; pg_catalog.now() is now().
    if (parts.size() > 1 && parts[0] == "pg_catalog") parts.erase(parts.begin());
    return ParseFunctionCall(absl::StrJoin(parts, "."), first.pos);
  }
  if (parts.size() > 2) {
    return Unsupported(first, "column references with more than one qualifier are not supported");
  }
  ExprPtr column = NewExpr(ExprKind::kColumn, first.pos);
  column->name = parts.back();
  if (parts.size() == 2) column->qualifier = parts[0];
  RETURN_IF_ERROR(Track(*column));
  return column;
}

// name( [* | [DISTINCT | ALL] args] ) [FILTER (WHERE e)]
absl::StatusOr<ExprPtr> Parser::ParseFunctionCall(std::string name, int pos) {
  RETURN_IF_ERROR(ExpectOp("("));
  ExprPtr node = NewExpr(ExprKind::kFunction, pos);
  node->name = std::move(name);
  if (AcceptOp("*")) {
    node->star = true;
    RETURN_IF_ERROR(ExpectOp(")"));
  } else if (!AcceptOp(")")) {
    if (AcceptKeyword("distinct")) {
      node->distinct = true;
    } else {
      AcceptKeyword("all");
    }
    ASSIGN_OR_RETURN(node->args, ParseExprList());
    if (AtKeyword("order")) {
      return Unsupported(Peek(), "ORDER BY in aggregate arguments is not supported");
    }
    RETURN_IF_ERROR(ExpectOp(")"));
  }
  if (AtKeyword("within") && AtKeyword("group", 1)) {
    return Unsupported(Peek(), "WITHIN GROUP is not supported; use percentile_cont(x, p)");
  }
  if (AtKeyword("filter") && AtOp("(", 1)) {
    next_ += 2;
    RETURN_IF_ERROR(ExpectKeyword("where"));
    ASSIGN_OR_RETURN(node->filter, ParseExpr());
    RETURN_IF_ERROR(ExpectOp(")"));
  }
  if (AtKeyword("over") && (AtOp("(", 1) || Peek(1).kind == TokenKind::kIdentifier ||
                            Peek(1).kind == TokenKind::kQuotedIdentifier)) {
    return Unsupported(Peek(), "window functions are not supported");
  }
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// CASE [operand] WHEN e THEN r [...] [ELSE r] END
absl::StatusOr<ExprPtr> Parser::ParseCase() {
  ExprPtr node = NewExpr(ExprKind::kCase, Next().pos);
  if (!AtKeyword("when")) {
    ASSIGN_OR_RETURN(node->case_operand, ParseExpr());
  }
  while (AcceptKeyword("when")) {
    ASSIGN_OR_RETURN(ExprPtr condition, ParseExpr());
    RETURN_IF_ERROR(ExpectKeyword("then"));
    ASSIGN_OR_RETURN(ExprPtr result, ParseExpr());
    node->whens.emplace_back(std::move(condition), std::move(result));
  }
  if (node->whens.empty()) return SyntaxError(Peek());
  if (AcceptKeyword("else")) {
    ASSIGN_OR_RETURN(node->case_else, ParseExpr());
  }
  RETURN_IF_ERROR(ExpectKeyword("end"));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// CAST(e AS type), EXTRACT(field FROM e), POSITION(a IN b), TRIM / SUBSTRING / OVERLAY.
absl::StatusOr<ExprPtr> Parser::ParseSpecialForm() {
  const Token& keyword = Peek();
  if (keyword.text == "trim") return ParseTrim();
  if (keyword.text == "substring") return ParseSubstring();
  if (keyword.text == "overlay") return ParseOverlay();
  next_ += 2;  // keyword (
  ExprPtr node;
  if (keyword.text == "cast") {
    node = NewExpr(ExprKind::kCast, keyword.pos);
    ASSIGN_OR_RETURN(ExprPtr arg, ParseExpr());
    node->args.push_back(std::move(arg));
    RETURN_IF_ERROR(ExpectKeyword("as"));
    ASSIGN_OR_RETURN(node->type_name, ParseTypeName());
  } else if (keyword.text == "extract") {
    node = NewExpr(ExprKind::kExtract, keyword.pos);
    const Token& field = Peek();
    if (field.kind != TokenKind::kIdentifier && field.kind != TokenKind::kString) {
      return SyntaxError(field);
    }
    node->name = absl::AsciiStrToLower(Next().text);
    RETURN_IF_ERROR(ExpectKeyword("from"));
    ASSIGN_OR_RETURN(ExprPtr arg, ParseExpr());
    node->args.push_back(std::move(arg));
  } else {  // position: strpos(b, a); both sides stop before IN
    node = NewExpr(ExprKind::kFunction, keyword.pos);
    node->name = "strpos";
    ASSIGN_OR_RETURN(ExprPtr needle, ParseExpr(kPrecLike + 1));
    RETURN_IF_ERROR(ExpectKeyword("in"));
    ASSIGN_OR_RETURN(ExprPtr haystack, ParseExpr(kPrecLike + 1));
    node->args.push_back(std::move(haystack));
    node->args.push_back(std::move(needle));
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// TRIM([BOTH | LEADING | TRAILING] [chars] FROM s) -> btrim / ltrim / rtrim (s [, chars]);
// also TRIM([BOTH ...] s [, chars]).
absl::StatusOr<ExprPtr> Parser::ParseTrim() {
  ExprPtr node = NewExpr(ExprKind::kFunction, Next().pos);
  Next();  // (
  node->name = "btrim";
  if (AcceptKeyword("leading")) {
    node->name = "ltrim";
  } else if (AcceptKeyword("trailing")) {
    node->name = "rtrim";
  } else {
    AcceptKeyword("both");
  }
  if (AcceptKeyword("from")) {
    ASSIGN_OR_RETURN(node->args, ParseExprList());
  } else {
    ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
    if (AcceptKeyword("from")) {
      ASSIGN_OR_RETURN(node->args, ParseExprList());
      node->args.push_back(std::move(first));
    } else {
      node->args.push_back(std::move(first));
      while (AcceptOp(",")) {
        ASSIGN_OR_RETURN(ExprPtr more, ParseExpr());
        node->args.push_back(std::move(more));
      }
    }
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// SUBSTRING(s FROM a [FOR b]) | SUBSTRING(s FOR b [FROM a]) | substring(s, a [, b])
absl::StatusOr<ExprPtr> Parser::ParseSubstring() {
  ExprPtr node = NewExpr(ExprKind::kFunction, Next().pos);
  Next();  // (
  node->name = "substring";
  ASSIGN_OR_RETURN(ExprPtr text, ParseExpr());
  node->args.push_back(std::move(text));
  ExprPtr from, length;
  if (AtKeyword("from") || AtKeyword("for")) {
    for (int clause = 0; clause < 2; ++clause) {
      if (from == nullptr && AcceptKeyword("from")) {
        ASSIGN_OR_RETURN(from, ParseExpr());
      } else if (length == nullptr && AcceptKeyword("for")) {
        ASSIGN_OR_RETURN(length, ParseExpr());
      }
    }
    if (from == nullptr) {  // FOR b alone starts at 1
      from = NewExpr(ExprKind::kLiteral, length->pos);
      from->literal = Value::Int(1);
      RETURN_IF_ERROR(Track(*from));
    }
    node->args.push_back(std::move(from));
    if (length != nullptr) node->args.push_back(std::move(length));
  } else {
    while (AcceptOp(",")) {
      ASSIGN_OR_RETURN(ExprPtr more, ParseExpr());
      node->args.push_back(std::move(more));
    }
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// OVERLAY(s PLACING r FROM a [FOR b]) -> overlay(s, r, a [, b]); also overlay(s, r, a [, b]).
absl::StatusOr<ExprPtr> Parser::ParseOverlay() {
  ExprPtr node = NewExpr(ExprKind::kFunction, Next().pos);
  Next();  // (
  node->name = "overlay";
  ASSIGN_OR_RETURN(ExprPtr text, ParseExpr());
  node->args.push_back(std::move(text));
  if (AcceptKeyword("placing")) {
    ASSIGN_OR_RETURN(ExprPtr replacement, ParseExpr());
    node->args.push_back(std::move(replacement));
    RETURN_IF_ERROR(ExpectKeyword("from"));
    ASSIGN_OR_RETURN(ExprPtr from, ParseExpr());
    node->args.push_back(std::move(from));
    if (AcceptKeyword("for")) {
      ASSIGN_OR_RETURN(ExprPtr length, ParseExpr());
      node->args.push_back(std::move(length));
    }
  } else {
    while (AcceptOp(",")) {
      ASSIGN_OR_RETURN(ExprPtr more, ParseExpr());
      node->args.push_back(std::move(more));
    }
  }
  RETURN_IF_ERROR(ExpectOp(")"));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// --- types ---

int Parser::TypedLiteralTypeLength() const {
  const Token& token = Peek();
  if (token.kind != TokenKind::kIdentifier || ClassifyKeyword(token.text) != KeywordClass::kNone) {
    return 0;
  }
  int length = 1;
  if (token.text == "double" && AtKeyword("precision", 1)) {
    length = 2;
  } else if ((token.text == "character" || token.text == "char") && AtKeyword("varying", 1)) {
    length = 2;
  } else if ((token.text == "timestamp" || token.text == "time") &&
             (AtKeyword("with", 1) || AtKeyword("without", 1)) && AtKeyword("time", 2) &&
             AtKeyword("zone", 3)) {
    length = 4;
  }
  return Peek(length).kind == TokenKind::kString ? length : 0;
}

// type 'text': a cast of the string, or kInterval for INTERVAL '...' [unit [TO unit]].
absl::StatusOr<ExprPtr> Parser::ParseTypedLiteral() {
  const int pos = Peek().pos;
  ASSIGN_OR_RETURN(std::string type, ParseTypeName());
  const Token& text = Next();
  if (type == "interval") {
    ExprPtr node = NewExpr(ExprKind::kInterval, pos);
    node->literal = Value::String(text.text);
    if (IsIntervalField(Peek())) {
      std::string unit = Next().text;
      if (AtKeyword("to") && IsIntervalField(Peek(1))) {
        Next();
        unit = Next().text;
      }
      // INTERVAL '7' DAY is '7 day'; a number with a range counts its last unit, as in PG.
      if (IsPlainNumber(text.text)) node->literal.s = text.text + " " + unit;
    }
    RETURN_IF_ERROR(Track(*node));
    return node;
  }
  ExprPtr arg = NewExpr(ExprKind::kLiteral, text.pos);
  arg->literal = Value::String(text.text);
  RETURN_IF_ERROR(Track(*arg));
  ExprPtr node = NewExpr(ExprKind::kCast, pos);
  node->type_name = std::move(type);
  node->args.push_back(std::move(arg));
  RETURN_IF_ERROR(Track(*node));
  return node;
}

// A type name, lower case: int, double precision, timestamp with time zone, varchar(n),
// numeric(p, s) (modifiers accepted and dropped), pg_catalog.int8.
absl::StatusOr<std::string> Parser::ParseTypeName() {
  const Token& first = Peek();
  bool quoted = first.kind == TokenKind::kQuotedIdentifier;
  if (!quoted && (first.kind != TokenKind::kIdentifier ||
                  ClassifyKeyword(first.text) == KeywordClass::kReserved)) {
    return SyntaxError(first);
  }
  std::string name = Next().text;
  if (!quoted && name == "pg_catalog" && AcceptOp(".")) {
    ASSIGN_OR_RETURN(name, ParseColLabel());
  }
  if (name == "double" && AcceptKeyword("precision")) {
    name = "double precision";
  } else if ((name == "character" || name == "char") && AcceptKeyword("varying")) {
    name = "character varying";
  }
  if (AcceptOp("(")) {
    do {
      if (Peek().kind != TokenKind::kInteger) return SyntaxError(Peek());
      Next();
    } while (AcceptOp(","));
    RETURN_IF_ERROR(ExpectOp(")"));
  }
  if ((name == "timestamp" || name == "time") && (AtKeyword("with") || AtKeyword("without")) &&
      AtKeyword("time", 1) && AtKeyword("zone", 2)) {
    name += " " + Next().text + " time zone";
    next_ += 2;
  }
  if (AtOp("[") || AtKeyword("array")) return Unsupported(Peek(), "array types are not supported");
  return name;
}

}  // namespace strata::query::parser_internal
