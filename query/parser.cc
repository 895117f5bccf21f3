// Statements and queries; expressions are in parser_expr.cc.
#include "query/parser.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "common/status.h"
#include "query/error.h"
#include "query/parser_internal.h"

namespace strata::query {

using parser_internal::Parser;

absl::StatusOr<std::vector<ast::Statement>> ParseStatements(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  return Parser(text, std::move(tokens)).ParseStatements();
}

absl::StatusOr<ast::Statement> ParseStatement(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<ast::Statement> statements, ParseStatements(text));
  ast::Statement* found = nullptr;
  for (ast::Statement& statement : statements) {
    if (statement.kind == ast::StatementKind::kEmpty) continue;
    if (found != nullptr) {
      return SqlError(sqlstate::kSyntaxError,
                      "cannot insert multiple commands into a prepared statement", statement.pos);
    }
    found = &statement;
  }
  if (found == nullptr) return std::move(statements.front());
  return std::move(*found);
}

namespace parser_internal {

using ast::ExprKind;
using ast::StatementKind;

// --- statements ---

absl::StatusOr<std::vector<ast::Statement>> Parser::ParseStatements() {
  std::vector<ast::Statement> statements;
  while (true) {
    const Token& first = Peek();
    ast::Statement statement;
    statement.pos = first.pos;
    if (first.kind != TokenKind::kEnd && !AtOp(";")) {
      heights_.clear();
      max_height_ = 0;
      RETURN_IF_ERROR(ParseStatementBody(&statement));
      if (Peek().kind != TokenKind::kEnd && !AtOp(";")) return SyntaxError(Peek());
      const Token& last = tokens_[next_ - 1];
      statement.text = std::string(text_.substr(first.begin, last.end - first.begin));
    }
    bool more = AcceptOp(";");
    // "SELECT 1;" is one statement; only whitespace is one empty statement.
    if (more || statement.kind != StatementKind::kEmpty || statements.empty()) {
      statements.push_back(std::move(statement));
    }
    if (!more || Peek().kind == TokenKind::kEnd) return statements;
  }
}

absl::Status Parser::ParseStatementBody(ast::Statement* statement) {
  if (AtQueryStart() || AtOp("(")) {
    statement->kind = StatementKind::kSelect;
    ASSIGN_OR_RETURN(statement->query, ParseQuery());
    return absl::OkStatus();
  }
  if (AtKeyword("explain")) return ParseExplain(statement);
  if (AtKeyword("set")) return ParseSet(statement);
  if (AtKeyword("show") || AtKeyword("reset")) return ParseShowOrReset(statement);
  if (AcceptKeyword("begin")) {
    statement->kind = StatementKind::kBegin;
    if (!AcceptKeyword("work")) AcceptKeyword("transaction");
    return ParseTransactionModes();
  }
  if (AcceptKeyword("start")) {
    statement->kind = StatementKind::kBegin;
    RETURN_IF_ERROR(ExpectKeyword("transaction"));
    return ParseTransactionModes();
  }
  if (AcceptKeyword("commit") || AcceptKeyword("end")) {
    statement->kind = StatementKind::kCommit;
  } else if (AcceptKeyword("rollback") || AcceptKeyword("abort")) {
    statement->kind = StatementKind::kRollback;
  } else {
    return SyntaxError(Peek());
  }
  if (!AcceptKeyword("work")) AcceptKeyword("transaction");
  return absl::OkStatus();
}

// ISOLATION LEVEL ..., READ ONLY | READ WRITE, [NOT] DEFERRABLE: accepted and ignored,
// since every read runs on its own snapshot anyway.
absl::Status Parser::ParseTransactionModes() {
  bool first = true;
  while (Peek().kind != TokenKind::kEnd && !AtOp(";")) {
    if (!first) AcceptOp(",");
    first = false;
    if (AcceptKeyword("isolation")) {
      RETURN_IF_ERROR(ExpectKeyword("level"));
      if (AcceptKeyword("serializable")) continue;
      if (AcceptKeyword("repeatable")) {
        RETURN_IF_ERROR(ExpectKeyword("read"));
        continue;
      }
      RETURN_IF_ERROR(ExpectKeyword("read"));
      if (!AcceptKeyword("committed")) RETURN_IF_ERROR(ExpectKeyword("uncommitted"));
    } else if (AcceptKeyword("read")) {
      if (!AcceptKeyword("only")) RETURN_IF_ERROR(ExpectKeyword("write"));
    } else {
      AcceptKeyword("not");
      RETURN_IF_ERROR(ExpectKeyword("deferrable"));
    }
  }
  return absl::OkStatus();
}

// EXPLAIN [ANALYZE] [VERBOSE] query | EXPLAIN ( option [value] [, ...] ) query
absl::Status Parser::ParseExplain(ast::Statement* statement) {
  Next();
  statement->kind = StatementKind::kExplain;
  if (AtOp("(") && !AtQueryStart(1) && !AtOp("(", 1)) {
    Next();
    do {
      const Token& option_token = Peek();
      ASSIGN_OR_RETURN(std::string option, ParseColLabel());
      if (option == "analyze" || option == "analyse") {
        ASSIGN_OR_RETURN(statement->analyze, ParseExplainBoolean(option));
      } else if (option == "verbose") {
        ASSIGN_OR_RETURN(statement->verbose, ParseExplainBoolean(option));
      } else {
        return Unsupported(option_token, "EXPLAIN option \"" + option + "\" is not supported");
      }
    } while (AcceptOp(","));
    RETURN_IF_ERROR(ExpectOp(")"));
  } else {
    statement->analyze = AcceptKeyword("analyze") || AcceptKeyword("analyse");
    statement->verbose = AcceptKeyword("verbose");
  }
  if (!AtQueryStart() && !AtOp("(")) return SyntaxError(Peek());
  ASSIGN_OR_RETURN(statement->query, ParseQuery());
  return absl::OkStatus();
}

// An EXPLAIN option's value: none (true), TRUE / FALSE / ON / OFF, 1 / 0, or those quoted.
absl::StatusOr<bool> Parser::ParseExplainBoolean(const std::string& option) {
  if (AtOp(",") || AtOp(")")) return true;
  const Token& token = Next();
  std::string value = token.text;
  if (token.kind == TokenKind::kIdentifier || token.kind == TokenKind::kString ||
      token.kind == TokenKind::kInteger) {
    if (value == "true" || value == "on" || value == "1") return true;
    if (value == "false" || value == "off" || value == "0") return false;
  }
  return SqlError(sqlstate::kSyntaxError, option + " requires a Boolean value", token.pos);
}

// SET [SESSION | LOCAL] name {TO | =} {value [, ...] | DEFAULT}
// SET [SESSION | LOCAL] TIME ZONE {value | LOCAL | DEFAULT}
absl::Status Parser::ParseSet(ast::Statement* statement) {
  Next();
  statement->kind = StatementKind::kSet;
  if ((AtKeyword("session") || AtKeyword("local")) && !AtOp("=", 1) && !AtKeyword("to", 1)) {
    Next();
  }
  if (AtKeyword("time") && AtKeyword("zone", 1)) {
    next_ += 2;
    statement->name = "timezone";
    if (AcceptKeyword("local")) {
      statement->values.push_back("local");
    } else if (AcceptKeyword("default")) {
      statement->values.push_back("default");
    } else {
      ASSIGN_OR_RETURN(std::string value, ParseSetValue());
      statement->values.push_back(std::move(value));
    }
    return absl::OkStatus();
  }
  // SET NAMES 'x' and SET SCHEMA 'x' are PostgreSQL's spellings of two settings.
  if ((AtKeyword("names") || AtKeyword("schema")) && !AtOp("=", 1) && !AtKeyword("to", 1)) {
    statement->name = Next().text == "names" ? "client_encoding" : "search_path";
    ASSIGN_OR_RETURN(std::string value, ParseSetValue());
    statement->values.push_back(std::move(value));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(statement->name, ParseVariableName());
  if (!AcceptKeyword("to")) RETURN_IF_ERROR(ExpectOp("="));
  if (AcceptKeyword("default")) {
    statement->values.push_back("default");
    return absl::OkStatus();
  }
  do {
    ASSIGN_OR_RETURN(std::string value, ParseSetValue());
    statement->values.push_back(std::move(value));
  } while (AcceptOp(","));
  return absl::OkStatus();
}

// SHOW / RESET name | ALL | TIME ZONE | TRANSACTION ISOLATION LEVEL | SESSION AUTHORIZATION
absl::Status Parser::ParseShowOrReset(ast::Statement* statement) {
  statement->kind = Next().text == "show" ? StatementKind::kShow : StatementKind::kReset;
  if (AcceptKeyword("all")) {
    statement->name = "all";
  } else if (AtKeyword("time") && AtKeyword("zone", 1)) {
    next_ += 2;
    statement->name = "timezone";
  } else if (AtKeyword("transaction") && AtKeyword("isolation", 1)) {
    next_ += 2;
    RETURN_IF_ERROR(ExpectKeyword("level"));
    statement->name = "transaction_isolation";
  } else if (AtKeyword("session") && AtKeyword("authorization", 1)) {
    next_ += 2;
    statement->name = "session_authorization";
  } else {
    ASSIGN_OR_RETURN(statement->name, ParseVariableName());
  }
  return absl::OkStatus();
}

// name [. name ...], lower case even when quoted: setting names ignore case in PostgreSQL.
absl::StatusOr<std::string> Parser::ParseVariableName() {
  ASSIGN_OR_RETURN(std::string name, ParseColId());
  while (AcceptOp(".")) {
    ASSIGN_OR_RETURN(std::string part, ParseColId());
    name += "." + part;
  }
  absl::AsciiStrToLower(&name);
  return name;
}

// A SET value as text: 'string', [-]number, a word (TRUE / FALSE / ON included).
absl::StatusOr<std::string> Parser::ParseSetValue() {
  const Token& token = Peek();
  std::string sign;
  if ((AtOp("-") || AtOp("+")) &&
      (Peek(1).kind == TokenKind::kInteger || Peek(1).kind == TokenKind::kNumeric)) {
    sign = Next().text == "-" ? "-" : "";
  }
  const Token& value = Peek();
  switch (value.kind) {
    case TokenKind::kInteger:
    case TokenKind::kNumeric:
      Next();
      return sign + value.text;
    case TokenKind::kString:
    case TokenKind::kQuotedIdentifier:
      if (!sign.empty()) break;
      Next();
      return value.text;
    case TokenKind::kIdentifier:
      if (!sign.empty()) break;
      if (ClassifyKeyword(value.text) == KeywordClass::kReserved && value.text != "true" &&
          value.text != "false" && value.text != "on") {
        break;
      }
      Next();
      return value.text;
    default:
      break;
  }
  return SyntaxError(sign.empty() ? value : token);
}

// --- queries ---

absl::StatusOr<std::unique_ptr<ast::Query>> Parser::ParseQuery() {
  NestingScope nesting(depth_);
  RETURN_IF_ERROR(CheckNestingDepth());
  auto query = std::make_unique<ast::Query>();
  query->pos = Peek().pos;
  if (AtKeyword("with")) RETURN_IF_ERROR(ParseWith(query.get()));
  bool wrapped = false;
  RETURN_IF_ERROR(ParseSetOperand(query.get(), &wrapped));
  return FinishQuery(std::move(query), wrapped);
}

absl::StatusOr<std::unique_ptr<ast::Query>> Parser::FinishQuery(std::unique_ptr<ast::Query> query,
                                                                bool first_wrapped) {
  while (AtKeyword("union") || AtKeyword("intersect") || AtKeyword("except")) {
    const Token& op = Peek();
    if (op.text != "union" || !AtKeyword("all", 1)) {
      return Unsupported(op, "UNION (without ALL) is not supported; use UNION ALL");
    }
    next_ += 2;
    bool wrapped = false;
    RETURN_IF_ERROR(ParseSetOperand(query.get(), &wrapped));
  }
  RETURN_IF_ERROR(ParseOrderBy(query.get()));
  RETURN_IF_ERROR(ParseLimitOffset(query.get()));
  // "(SELECT ... LIMIT 1)" alone is that query itself, not SELECT * FROM it.
  if (first_wrapped && query->terms.size() == 1 && query->with.empty() && query->order_by.empty() &&
      query->limit == nullptr && query->offset == nullptr) {
    return std::move(query->terms[0].from->subquery);
  }
  return query;
}

// WITH name [(column, ...)] AS [[NOT] MATERIALIZED] (query) [, ...]
absl::Status Parser::ParseWith(ast::Query* query) {
  Next();
  if (AtKeyword("recursive")) return Unsupported(Peek(), "WITH RECURSIVE is not supported");
  do {
    ast::CommonTableExpr cte;
    cte.pos = Peek().pos;
    ASSIGN_OR_RETURN(cte.name, ParseColId());
    if (AcceptOp("(")) {
      do {
        ASSIGN_OR_RETURN(std::string column, ParseColId());
        cte.column_names.push_back(std::move(column));
      } while (AcceptOp(","));
      RETURN_IF_ERROR(ExpectOp(")"));
    }
    RETURN_IF_ERROR(ExpectKeyword("as"));
    if (AcceptKeyword("not")) {
      RETURN_IF_ERROR(ExpectKeyword("materialized"));
    } else {
      AcceptKeyword("materialized");
    }
    RETURN_IF_ERROR(ExpectOp("("));
    ASSIGN_OR_RETURN(cte.query, ParseQuery());
    RETURN_IF_ERROR(ExpectOp(")"));
    query->with.push_back(std::move(cte));
  } while (AcceptOp(","));
  return absl::OkStatus();
}

absl::Status Parser::ParseSetOperand(ast::Query* query, bool* wrapped) {
  *wrapped = false;
  if (AcceptOp("(")) {
    ASSIGN_OR_RETURN(std::unique_ptr<ast::Query> inner, ParseQuery());
    RETURN_IF_ERROR(ExpectOp(")"));
    AddParenthesizedTerm(query, std::move(inner), wrapped);
    return absl::OkStatus();
  }
  if (!AtKeyword("select")) return SyntaxError(Peek());
  ASSIGN_OR_RETURN(ast::Select select, ParseSelect());
  query->terms.push_back(std::move(select));
  return absl::OkStatus();
}

void Parser::AddParenthesizedTerm(ast::Query* query, std::unique_ptr<ast::Query> inner,
                                  bool* wrapped) {
  if (inner->with.empty() && inner->order_by.empty() && inner->limit == nullptr &&
      inner->offset == nullptr) {
    for (ast::Select& term : inner->terms) query->terms.push_back(std::move(term));
    *wrapped = false;
    return;
  }
  ast::Select select;
  select.pos = inner->pos;
  ast::SelectItem star;
  star.pos = inner->pos;
  star.expr = NewExpr(ExprKind::kStar, inner->pos);
  select.items.push_back(std::move(star));
  ast::TableRef from;
  from.pos = inner->pos;
  from.subquery = std::move(inner);
  select.from = std::move(from);
  query->terms.push_back(std::move(select));
  *wrapped = true;
}

// ORDER BY expr [ASC | DESC] [NULLS FIRST | LAST] [, ...]
absl::Status Parser::ParseOrderBy(ast::Query* query) {
  if (!AcceptKeyword("order")) return absl::OkStatus();
  RETURN_IF_ERROR(ExpectKeyword("by"));
  do {
    ast::OrderItem item;
    ASSIGN_OR_RETURN(item.expr, ParseExpr());
    if (AcceptKeyword("desc")) {
      item.desc = true;
    } else if (!AcceptKeyword("asc") && AtKeyword("using")) {
      return Unsupported(Peek(), "ORDER BY ... USING is not supported");
    }
    if (AcceptKeyword("nulls")) {
      if (AcceptKeyword("first")) {
        item.nulls_first = true;
      } else {
        RETURN_IF_ERROR(ExpectKeyword("last"));
        item.nulls_first = false;
      }
    }
    query->order_by.push_back(std::move(item));
  } while (AcceptOp(","));
  return absl::OkStatus();
}

// LIMIT {n | ALL}, OFFSET m [ROW | ROWS], FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY, with
// LIMIT / FETCH and OFFSET in either order.
absl::Status Parser::ParseLimitOffset(ast::Query* query) {
  bool have_limit = false;
  bool have_offset = false;
  while (true) {
    if (!have_limit && AcceptKeyword("limit")) {
      have_limit = true;
      if (!AcceptKeyword("all")) {
        ASSIGN_OR_RETURN(query->limit, ParseExpr());
      }
    } else if (!have_offset && AcceptKeyword("offset")) {
      have_offset = true;
      ASSIGN_OR_RETURN(query->offset, ParseExpr());
      if (!AcceptKeyword("row")) AcceptKeyword("rows");
    } else if (!have_limit && AtKeyword("fetch")) {
      have_limit = true;
      Next();
      if (!AcceptKeyword("first")) RETURN_IF_ERROR(ExpectKeyword("next"));
      if (AtKeyword("row") || AtKeyword("rows")) {
        query->limit = NewExpr(ExprKind::kLiteral, Peek().pos);
        query->limit->literal = Value::Int(1);
      } else {
        ASSIGN_OR_RETURN(query->limit, ParseExpr(kPrecPrimary));
      }
      if (!AcceptKeyword("row")) RETURN_IF_ERROR(ExpectKeyword("rows"));
      if (AtKeyword("with")) return Unsupported(Peek(), "FETCH ... WITH TIES is not supported");
      RETURN_IF_ERROR(ExpectKeyword("only"));
    } else {
      return absl::OkStatus();
    }
  }
}

// SELECT [DISTINCT | ALL] items [FROM table_ref] [WHERE e] [GROUP BY e, ...] [HAVING e]
absl::StatusOr<ast::Select> Parser::ParseSelect() {
  ast::Select select;
  select.pos = Next().pos;
  if (AcceptKeyword("distinct")) {
    if (AtKeyword("on")) return Unsupported(Peek(), "SELECT DISTINCT ON is not supported");
    select.distinct = true;
  } else {
    AcceptKeyword("all");
  }
  do {
    ASSIGN_OR_RETURN(ast::SelectItem item, ParseSelectItem());
    select.items.push_back(std::move(item));
  } while (AcceptOp(","));
  if (AcceptKeyword("from")) {
    ASSIGN_OR_RETURN(select.from, ParseTableRef());
    for (std::string_view join : {"join", "inner", "left", "right", "full", "cross", "natural"}) {
      if (AtKeyword(join)) return Unsupported(Peek(), "joins are not supported");
    }
    if (AtOp(",")) return Unsupported(Peek(), "joins are not supported");
  }
  if (AcceptKeyword("where")) {
    ASSIGN_OR_RETURN(select.where, ParseExpr());
  }
  if (AcceptKeyword("group")) {
    RETURN_IF_ERROR(ExpectKeyword("by"));
    do {
      ASSIGN_OR_RETURN(ast::ExprPtr key, ParseExpr());
      select.group_by.push_back(std::move(key));
    } while (AcceptOp(","));
  }
  if (AcceptKeyword("having")) {
    ASSIGN_OR_RETURN(select.having, ParseExpr());
  }
  if (AtKeyword("window")) return Unsupported(Peek(), "window functions are not supported");
  return select;
}

// * | qualifier.* | expr [[AS] alias]
absl::StatusOr<ast::SelectItem> Parser::ParseSelectItem() {
  ast::SelectItem item;
  item.pos = Peek().pos;
  if (AcceptOp("*")) {
    item.expr = NewExpr(ExprKind::kStar, item.pos);
    return item;
  }
  ASSIGN_OR_RETURN(item.expr, ParseExpr());
  if (AcceptKeyword("as")) {
    ASSIGN_OR_RETURN(item.alias, ParseColLabel());
  } else if (AtColId()) {
    item.alias = Next().text;
  }
  return item;
}

// name [[AS] alias] | (query) [[AS] alias]. Names may be qualified (pg_catalog.pg_class)
// and keep their dots; a subquery alias is optional, as in PostgreSQL 16.
absl::StatusOr<ast::TableRef> Parser::ParseTableRef() {
  ast::TableRef ref;
  ref.pos = Peek().pos;
  if (AcceptOp("(")) {
    if (!AtQueryStart() && !AtOp("(")) return SyntaxError(Peek());
    ASSIGN_OR_RETURN(ref.subquery, ParseQuery());
    RETURN_IF_ERROR(ExpectOp(")"));
  } else {
    ASSIGN_OR_RETURN(ref.name, ParseColId());
    while (AcceptOp(".")) {
      ASSIGN_OR_RETURN(std::string part, ParseColLabel());
      ref.name += "." + part;
    }
    if (AtOp("(")) return Unsupported(Peek(), "functions in FROM are not supported");
  }
  if (AcceptKeyword("as")) {
    ASSIGN_OR_RETURN(ref.alias, ParseColId());
  } else if (AtColId()) {
    ref.alias = Next().text;
  }
  if (!ref.alias.empty() && AtOp("(")) {
    return Unsupported(Peek(), "column aliases in FROM are not supported");
  }
  return ref;
}

// --- tokens ---

const Token& Parser::Peek(int ahead) const {
  size_t at = next_ + ahead;
  return at < tokens_.size() ? tokens_[at] : tokens_.back();
}

const Token& Parser::Next() {
  const Token& token = tokens_[next_];
  if (next_ + 1 < tokens_.size()) ++next_;
  return token;
}

bool Parser::AtKeyword(std::string_view keyword, int ahead) const {
  const Token& token = Peek(ahead);
  return token.kind == TokenKind::kIdentifier && token.text == keyword;
}

bool Parser::AcceptKeyword(std::string_view keyword) {
  if (!AtKeyword(keyword)) return false;
  Next();
  return true;
}

absl::Status Parser::ExpectKeyword(std::string_view keyword) {
  return AcceptKeyword(keyword) ? absl::OkStatus() : SyntaxError(Peek());
}

bool Parser::AtOp(std::string_view op, int ahead) const {
  const Token& token = Peek(ahead);
  return token.kind == TokenKind::kOperator && token.text == op;
}

bool Parser::AcceptOp(std::string_view op) {
  if (!AtOp(op)) return false;
  Next();
  return true;
}

absl::Status Parser::ExpectOp(std::string_view op) {
  return AcceptOp(op) ? absl::OkStatus() : SyntaxError(Peek());
}

bool Parser::AtQueryStart(int ahead) const {
  return AtKeyword("select", ahead) || AtKeyword("with", ahead);
}

bool Parser::AtQueryContinuation() const {
  for (std::string_view keyword :
       {"union", "intersect", "except", "order", "limit", "offset", "fetch"}) {
    if (AtKeyword(keyword)) return true;
  }
  return false;
}

bool Parser::AtColId(int ahead) const {
  const Token& token = Peek(ahead);
  return token.kind == TokenKind::kQuotedIdentifier ||
         (token.kind == TokenKind::kIdentifier &&
          ClassifyKeyword(token.text) == KeywordClass::kNone);
}

absl::StatusOr<std::string> Parser::ParseColId() {
  if (!AtColId()) return SyntaxError(Peek());
  return Next().text;
}

absl::StatusOr<std::string> Parser::ParseColLabel() {
  const Token& token = Peek();
  if (token.kind != TokenKind::kIdentifier && token.kind != TokenKind::kQuotedIdentifier) {
    return SyntaxError(token);
  }
  return Next().text;
}

absl::Status Parser::SyntaxError(const Token& token) const {
  if (token.kind == TokenKind::kEnd) {
    return SqlError(sqlstate::kSyntaxError, "syntax error at end of input", token.pos);
  }
  std::string near(text_.substr(token.begin, token.end - token.begin));
  return SqlError(sqlstate::kSyntaxError, "syntax error at or near \"" + near + "\"", token.pos);
}

absl::Status Parser::Unsupported(const Token& token, std::string_view message) const {
  return SqlError(sqlstate::kFeatureNotSupported, message, token.pos);
}

absl::Status Parser::CheckNestingDepth() const {
  if (depth_ <= kMaxNestingDepth) return absl::OkStatus();
  return SqlError(sqlstate::kStatementTooComplex, "stack depth limit exceeded", Peek().pos);
}

}  // namespace parser_internal
}  // namespace strata::query
