// The recursive-descent parser behind parser.h (private to query/). Statements and
// queries are in parser.cc, expressions and type names in parser_expr.cc.
//
// Recursion and tree size are bounded so hostile input cannot overflow the stack, here or
// in any later walk of the tree: at most kMaxNestingDepth nested expressions / queries
// while parsing, and no expression tree (counting the expressions inside its subqueries)
// higher than kMaxExprHeight. Beyond either: 54001 "stack depth limit exceeded".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "query/ast.h"
#include "query/lexer.h"

namespace strata::query::parser_internal {

inline constexpr int kMaxNestingDepth = 200;  // ~1 KB of stack per level
inline constexpr int kMaxExprHeight = 1000;

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  absl::StatusOr<std::vector<ast::Statement>> ParseStatements();

 private:
  // Counts one level of recursion for as long as it lives.
  class NestingScope {
   public:
    explicit NestingScope(int& depth) : depth_(depth) { ++depth_; }
    ~NestingScope() { --depth_; }
    NestingScope(const NestingScope&) = delete;
    NestingScope& operator=(const NestingScope&) = delete;

   private:
    int& depth_;
  };

  // --- statements and queries (parser.cc) ---
  absl::Status ParseStatementBody(ast::Statement* statement);
  absl::Status ParseExplain(ast::Statement* statement);
  absl::StatusOr<bool> ParseExplainBoolean(const std::string& option);
  absl::Status ParseSet(ast::Statement* statement);
  absl::Status ParseShowOrReset(ast::Statement* statement);
  absl::Status ParseTransactionModes();
  absl::StatusOr<std::string> ParseVariableName();
  absl::StatusOr<std::string> ParseSetValue();

  absl::StatusOr<std::unique_ptr<ast::Query>> ParseQuery();
  // ParseQuery after its first term: UNION ALL terms, ORDER BY, LIMIT / OFFSET / FETCH.
  // `first_wrapped`: the first term wraps a parenthesized query (see AddParenthesizedTerm).
  absl::StatusOr<std::unique_ptr<ast::Query>> FinishQuery(std::unique_ptr<ast::Query> query,
                                                          bool first_wrapped);
  absl::Status ParseWith(ast::Query* query);
  absl::Status ParseSetOperand(ast::Query* query, bool* wrapped);
  // A parenthesized query as a UNION ALL operand: its terms join `query` when it is plain;
  // with its own WITH / ORDER BY / LIMIT / OFFSET it becomes SELECT * FROM (inner).
  void AddParenthesizedTerm(ast::Query* query, std::unique_ptr<ast::Query> inner, bool* wrapped);
  absl::Status ParseOrderBy(ast::Query* query);
  absl::Status ParseLimitOffset(ast::Query* query);
  absl::StatusOr<ast::Select> ParseSelect();
  absl::StatusOr<ast::SelectItem> ParseSelectItem();
  absl::StatusOr<ast::TableRef> ParseTableRef();

  // --- expressions and types (parser_expr.cc) ---
  absl::StatusOr<ast::ExprPtr> ParseExpr(int min_precedence = 0);
  absl::StatusOr<std::vector<ast::ExprPtr>> ParseExprList();
  absl::StatusOr<ast::ExprPtr> ParsePrefix();
  absl::StatusOr<ast::ExprPtr> ParsePrimary();
  absl::StatusOr<ast::ExprPtr> ParseNumber();
  absl::StatusOr<ast::ExprPtr> ParseParenthesized();
  absl::StatusOr<ast::ExprPtr> ParsePredicate(ast::ExprPtr left, const Token& word, bool negated);
  absl::StatusOr<ast::ExprPtr> ParseIn(ast::ExprPtr left, bool negated);
  absl::StatusOr<ast::ExprPtr> ParseIs(ast::ExprPtr left);
  absl::StatusOr<ast::ExprPtr> ParseNameOrCall();
  absl::StatusOr<ast::ExprPtr> ParseFunctionCall(std::string name, int pos);
  absl::StatusOr<ast::ExprPtr>
  ParseSpecialForm();  // CAST, EXTRACT, POSITION, TRIM, SUBSTRING, OVERLAY
  absl::StatusOr<ast::ExprPtr> ParseCase();
  absl::StatusOr<ast::ExprPtr> ParseTrim();
  absl::StatusOr<ast::ExprPtr> ParseSubstring();
  absl::StatusOr<ast::ExprPtr> ParseOverlay();
  // type 'text' (see TypedLiteralTypeLength); INTERVAL '...' [unit] gives kInterval.
  absl::StatusOr<ast::ExprPtr> ParseTypedLiteral();
  // A scalar subquery; `(` already consumed, `)` consumed here.
  absl::StatusOr<ast::ExprPtr> ParseSubqueryExpr(int pos);
  // ParseQuery, setting `height` to the highest expression inside it.
  absl::StatusOr<std::unique_ptr<ast::Query>> ParseMeasuredQuery(int* height);
  // `((SELECT ...) UNION ALL ...)`: an expression that turned out to be a parenthesized
  // query (`first`, a kSubquery) continues as a query; `height` as in ParseMeasuredQuery.
  absl::StatusOr<std::unique_ptr<ast::Query>> ContinueQuery(ast::ExprPtr first, int* height);
  absl::StatusOr<std::string> ParseTypeName();
  // Tokens a type name followed by a string literal takes from the current one on (a typed
  // literal such as `timestamp with time zone '...'`), or 0 if none starts here.
  int TypedLiteralTypeLength() const;

  // --- tree bookkeeping ---
  ast::ExprPtr NewExpr(ast::ExprKind kind, int pos) const;
  // Records `expr`'s height (1 + its highest child, or + `inner_height` of a subquery).
  absl::Status Track(const ast::Expr& expr, int inner_height = 0);
  int HeightOf(const ast::Expr* expr) const;
  // 54001 once depth_ (raised by a live NestingScope) passes kMaxNestingDepth.
  absl::Status CheckNestingDepth() const;

  // --- tokens ---
  const Token& Peek(int ahead = 0) const;
  const Token& Next();
  bool AtKeyword(std::string_view keyword, int ahead = 0) const;
  bool AcceptKeyword(std::string_view keyword);
  absl::Status ExpectKeyword(std::string_view keyword);
  bool AtOp(std::string_view op, int ahead = 0) const;
  bool AcceptOp(std::string_view op);
  absl::Status ExpectOp(std::string_view op);
  // Starts SELECT / WITH (a query, not a parenthesized expression).
  bool AtQueryStart(int ahead = 0) const;
  // UNION / INTERSECT / EXCEPT / ORDER / LIMIT / OFFSET / FETCH: more of a query follows.
  bool AtQueryContinuation() const;
  // A column / table / alias name: quoted, or an unquoted non-keyword.
  bool AtColId(int ahead = 0) const;
  absl::StatusOr<std::string> ParseColId();
  // After AS: any word, keywords included.
  absl::StatusOr<std::string> ParseColLabel();

  absl::Status SyntaxError(const Token& token) const;
  absl::Status Unsupported(const Token& token, std::string_view message) const;

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  int max_height_ = 0;  // highest expression tracked since the last reset (for subqueries)
  absl::flat_hash_map<const ast::Expr*, int> heights_;
};

}  // namespace strata::query::parser_internal
