// BoundExpr basics (ToString, Clone), implicit coercions, and the builders of the
// non-function expressions (AND, OR, NOT, IS NULL, IN, LIKE, CASE, COALESCE).
#include "query/expr.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "query/cast.h"
#include "query/error.h"
#include "query/evaluator.h"
#include "query/expr_internal.h"
#include "query/functions.h"
#include "query/like.h"

namespace strata::query {
namespace {

std::string QuoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string ConstantToSql(const Value& v) {
  if (v.null) return "NULL";
  switch (v.type) {
    case Type::kBool:
      return v.i != 0 ? "true" : "false";
    case Type::kInt64:
    case Type::kFloat64:
      return v.ToString();
    case Type::kString:
    case Type::kTimestamp:
      return QuoteLiteral(v.ToString());
    case Type::kInterval:
      return absl::StrCat(QuoteLiteral(v.ToString()), "::interval");
    case Type::kNull:
      break;
  }
  return "NULL";
}

std::string LikeOperator(bool negated, bool case_insensitive) {
  return absl::StrCat(negated ? "NOT " : "", case_insensitive ? "ILIKE" : "LIKE");
}

ExprPtr NewNode(BoundExpr::Kind kind, Type type) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  return e;
}

bool IsBoolConstant(const BoundExpr& e, bool value) {
  return e.is_constant() && !e.constant.null && e.constant.type == Type::kBool &&
         (e.constant.i != 0) == value;
}

}  // namespace

std::string BoundExpr::ToString() const {
  auto arg_list = [this](size_t from) {
    std::vector<std::string> parts;
    for (size_t i = from; i < args.size(); ++i) parts.push_back(args[i]->ToString());
    return absl::StrJoin(parts, ", ");
  };
  switch (kind) {
    case Kind::kColumn:
      return name.empty() ? absl::StrCat("#", column) : name;
    case Kind::kConstant:
      return ConstantToSql(constant);
    case Kind::kCall:
      if (name == "neg" && args.size() == 1) return absl::StrCat("(- ", args[0]->ToString(), ")");
      if (IsInfixOperator(name) && args.size() == 2) {
        return absl::StrCat("(", args[0]->ToString(), " ", name, " ", args[1]->ToString(), ")");
      }
      return absl::StrCat(name, "(", arg_list(0), ")");
    case Kind::kCast:
      return absl::StrCat("CAST(", args[0]->ToString(), " AS ", AbslView(TypeName(type)), ")");
    case Kind::kCase: {
      std::string out = "CASE";
      for (size_t i = 0; i + 1 < args.size(); i += 2) {
        absl::StrAppend(&out, " WHEN ", args[i]->ToString(), " THEN ", args[i + 1]->ToString());
      }
      absl::StrAppend(&out, " ELSE ", args.back()->ToString(), " END");
      return out;
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<std::string> parts;
      for (const auto& a : args) parts.push_back(a->ToString());
      return absl::StrCat("(", absl::StrJoin(parts, kind == Kind::kAnd ? " AND " : " OR "), ")");
    }
    case Kind::kNot:
      return absl::StrCat("(NOT ", args[0]->ToString(), ")");
    case Kind::kIsNull:
      return absl::StrCat("(", args[0]->ToString(), negated ? " IS NOT NULL)" : " IS NULL)");
    case Kind::kIn:
      return absl::StrCat("(", args[0]->ToString(), negated ? " NOT IN (" : " IN (", arg_list(1),
                          "))");
    case Kind::kLike:
      return absl::StrCat("(", args[0]->ToString(), " ", LikeOperator(negated, case_insensitive),
                          " ", args[1]->ToString(), ")");
    case Kind::kCoalesce:
      return absl::StrCat("COALESCE(", arg_list(0), ")");
  }
  return "?";
}

std::unique_ptr<BoundExpr> BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->column = column;
  e->constant = constant;
  e->name = name;
  e->fn = fn;
  e->negated = negated;
  e->case_insensitive = case_insensitive;
  e->args.reserve(args.size());
  for (const auto& a : args) e->args.push_back(a->Clone());
  return e;
}

ExprPtr MakeColumn(int column, Type type, std::string name) {
  ExprPtr e = NewNode(BoundExpr::Kind::kColumn, type);
  e->column = column;
  e->name = std::move(name);
  return e;
}

ExprPtr MakeConstant(Value v) {
  ExprPtr e = NewNode(BoundExpr::Kind::kConstant, v.type);
  e->constant = std::move(v);
  return e;
}

// ---------------------------------------------------------------------------------------
// Coercion

bool IsUnknownLiteral(const BoundExpr& e) {
  return e.is_constant() &&
         (e.type == Type::kNull || (e.type == Type::kString && !e.constant.null));
}

int CoercionCost(const BoundExpr& e, Type to) {
  if (e.type == to) return 0;
  if (e.type == Type::kNull) return 1;
  if (e.type == Type::kInt64 && to == Type::kFloat64) return 1;
  if (IsUnknownLiteral(e) && CanCast(Type::kString, to)) return 2;
  return -1;
}

absl::StatusOr<ExprPtr> Coerce(ExprPtr e, Type to, const ExprContext& ctx) {
  if (e->type == to) return e;
  return MakeCast(std::move(e), to, ctx);
}

absl::StatusOr<Type> CommonType(Type a, Type b) {
  if (a == b) return a;
  if (a == Type::kNull) return b;
  if (b == Type::kNull) return a;
  if (IsNumeric(a) && IsNumeric(b)) return Type::kFloat64;
  return SqlError(sqlstate::kDatatypeMismatch,
                  absl::StrCat("types ", AbslView(TypeName(a)), " and ", AbslView(TypeName(b)),
                               " cannot be matched"));
}

absl::StatusOr<Type> ResolveCommonType(const std::vector<const BoundExpr*>& exprs,
                                       std::string_view context) {
  Type t = Type::kNull;
  bool any_string_literal = false;
  for (const BoundExpr* e : exprs) {
    if (IsUnknownLiteral(*e)) {
      any_string_literal |= e->type == Type::kString;
      continue;
    }
    if (t == Type::kNull || t == e->type) {
      t = e->type;
    } else if (IsNumeric(t) && IsNumeric(e->type)) {
      t = Type::kFloat64;
    } else {
      return SqlError(sqlstate::kDatatypeMismatch,
                      absl::StrCat(absl::string_view(context.data(), context.size()), " types ",
                                   AbslView(TypeName(t)), " and ", AbslView(TypeName(e->type)),
                                   " cannot be matched"));
    }
  }
  if (t == Type::kNull && any_string_literal) t = Type::kString;
  return t;
}

absl::StatusOr<ExprPtr> FoldIfConstant(ExprPtr e, const ExprContext& ctx) {
  if (e->kind == BoundExpr::Kind::kColumn || e->kind == BoundExpr::Kind::kConstant) return e;
  for (const auto& a : e->args) {
    if (!a->is_constant()) return e;
  }
  ASSIGN_OR_RETURN(Value v, EvaluateConstant(*e, ctx));
  v.type = e->type;
  return MakeConstant(std::move(v));
}

absl::StatusOr<ExprPtr> CoerceCondition(ExprPtr e, std::string_view context,
                                        const ExprContext& ctx) {
  if (e->type == Type::kBool) return e;
  if (CoercionCost(*e, Type::kBool) >= 0) return Coerce(std::move(e), Type::kBool, ctx);
  return SqlError(sqlstate::kDatatypeMismatch,
                  absl::StrCat("argument of ", absl::string_view(context.data(), context.size()),
                               " must be type boolean, not type ", AbslView(TypeName(e->type))));
}

// ---------------------------------------------------------------------------------------
// AND / OR / NOT / IS NULL

namespace {

// AND and OR: flattened; constants that cannot change the result are dropped and a
// deciding constant (FALSE for AND, TRUE for OR) replaces the whole expression.
absl::StatusOr<ExprPtr> MakeJunction(BoundExpr::Kind kind, std::vector<ExprPtr> args,
                                     const ExprContext& ctx) {
  const bool is_and = kind == BoundExpr::Kind::kAnd;
  const char* context = is_and ? "AND" : "OR";
  std::vector<ExprPtr> kept;
  bool saw_null = false;
  for (auto& raw : args) {
    ASSIGN_OR_RETURN(ExprPtr a, CoerceCondition(std::move(raw), context, ctx));
    if (IsBoolConstant(*a, !is_and)) return MakeConstant(Value::Bool(!is_and));
    if (IsBoolConstant(*a, is_and)) continue;
    if (a->is_constant()) {  // NULL
      saw_null = true;
      continue;
    }
    if (a->kind == kind) {
      for (auto& inner : a->args) kept.push_back(std::move(inner));
    } else {
      kept.push_back(std::move(a));
    }
  }
  if (saw_null) kept.push_back(MakeConstant(Value::Null(Type::kBool)));
  if (kept.empty()) return MakeConstant(Value::Bool(is_and));
  if (kept.size() == 1) return std::move(kept[0]);
  ExprPtr e = NewNode(kind, Type::kBool);
  e->args = std::move(kept);
  return e;
}

}  // namespace

absl::StatusOr<ExprPtr> MakeAnd(std::vector<ExprPtr> args, const ExprContext& ctx) {
  return MakeJunction(BoundExpr::Kind::kAnd, std::move(args), ctx);
}

absl::StatusOr<ExprPtr> MakeOr(std::vector<ExprPtr> args, const ExprContext& ctx) {
  return MakeJunction(BoundExpr::Kind::kOr, std::move(args), ctx);
}

absl::StatusOr<ExprPtr> MakeNot(ExprPtr arg, const ExprContext& ctx) {
  ASSIGN_OR_RETURN(arg, CoerceCondition(std::move(arg), "NOT", ctx));
  if (arg->is_constant()) {
    if (arg->constant.null) return MakeConstant(Value::Null(Type::kBool));
    return MakeConstant(Value::Bool(arg->constant.i == 0));
  }
  switch (arg->kind) {
    case BoundExpr::Kind::kNot:
      return std::move(arg->args[0]);
    case BoundExpr::Kind::kIsNull:
    case BoundExpr::Kind::kIn:
    case BoundExpr::Kind::kLike:
      arg->negated = !arg->negated;
      return arg;
    case BoundExpr::Kind::kCall:
      // NOT (a < b) is a >= b under three-valued logic, and stays pushable into the scan.
      if (IsComparisonName(arg->name) && arg->args.size() == 2) {
        static constexpr std::pair<std::string_view, std::string_view> kInverse[] = {
            {"=", "<>"}, {"<>", "="}, {"<", ">="}, {"<=", ">"}, {">", "<="}, {">=", "<"}};
        for (const auto& [op, inverse] : kInverse) {
          if (arg->name == op) return MakeCall(inverse, std::move(arg->args), ctx);
        }
      }
      break;
    default:
      break;
  }
  ExprPtr e = NewNode(BoundExpr::Kind::kNot, Type::kBool);
  e->args.push_back(std::move(arg));
  return e;
}

absl::StatusOr<ExprPtr> MakeIsNull(ExprPtr arg, bool negated) {
  if (arg->is_constant()) return MakeConstant(Value::Bool(arg->constant.null != negated));
  ExprPtr e = NewNode(BoundExpr::Kind::kIsNull, Type::kBool);
  e->negated = negated;
  e->args.push_back(std::move(arg));
  return e;
}

// ---------------------------------------------------------------------------------------
// IN / LIKE

absl::StatusOr<ExprPtr> MakeIn(ExprPtr arg, std::vector<ExprPtr> list, bool negated,
                               const ExprContext& ctx) {
  // The tested expression's type decides, as for `arg = item`; string literals adapt.
  std::vector<const BoundExpr*> typed;
  typed.push_back(arg.get());
  for (const auto& item : list) typed.push_back(item.get());
  Type target = Type::kNull;
  if (!IsUnknownLiteral(*arg)) {
    target = arg->type;
    for (const auto& item : list) {
      if (IsUnknownLiteral(*item) || item->type == target) continue;
      if (IsNumeric(target) && IsNumeric(item->type)) {
        target = Type::kFloat64;
        continue;
      }
      return SqlError(sqlstate::kUndefinedFunction,
                      absl::StrCat("operator does not exist: ", AbslView(TypeName(arg->type)),
                                   " = ", AbslView(TypeName(item->type))));
    }
  } else {
    ASSIGN_OR_RETURN(target, ResolveCommonType(typed, "IN"));
  }
  if (target == Type::kNull) return MakeConstant(Value::Null(Type::kBool));
  ExprPtr e = NewNode(BoundExpr::Kind::kIn, Type::kBool);
  e->negated = negated;
  ASSIGN_OR_RETURN(ExprPtr tested, Coerce(std::move(arg), target, ctx));
  e->args.push_back(std::move(tested));
  for (auto& item : list) {
    ASSIGN_OR_RETURN(ExprPtr coerced, Coerce(std::move(item), target, ctx));
    e->args.push_back(std::move(coerced));
  }
  return FoldIfConstant(std::move(e), ctx);
}

absl::StatusOr<ExprPtr> MakeLike(ExprPtr arg, ExprPtr pattern, bool negated, bool case_insensitive,
                                 const ExprContext& ctx) {
  for (const ExprPtr* p : {&arg, &pattern}) {
    if (CoercionCost(**p, Type::kString) != 0 && !IsUnknownLiteral(**p)) {
      static constexpr const char* kOps[2][2] = {{"~~", "~~*"}, {"!~~", "!~~*"}};
      return SqlError(
          sqlstate::kUndefinedFunction,
          absl::StrCat("operator does not exist: ", AbslView(TypeName(arg->type)), " ",
                       kOps[negated][case_insensitive], " ", AbslView(TypeName(pattern->type))));
    }
  }
  ASSIGN_OR_RETURN(arg, Coerce(std::move(arg), Type::kString, ctx));
  ASSIGN_OR_RETURN(pattern, Coerce(std::move(pattern), Type::kString, ctx));
  if ((arg->is_constant() && arg->constant.null) ||
      (pattern->is_constant() && pattern->constant.null)) {
    return MakeConstant(Value::Null(Type::kBool));
  }
  if (pattern->is_constant()) {
    // A bad pattern fails now rather than at the first row.
    auto matcher = LikeMatcher::Compile(pattern->constant.s, case_insensitive);
    if (!matcher.ok()) return matcher.status();
  }
  ExprPtr e = NewNode(BoundExpr::Kind::kLike, Type::kBool);
  e->negated = negated;
  e->case_insensitive = case_insensitive;
  e->args.push_back(std::move(arg));
  e->args.push_back(std::move(pattern));
  return FoldIfConstant(std::move(e), ctx);
}

// ---------------------------------------------------------------------------------------
// CASE / COALESCE

absl::StatusOr<ExprPtr> MakeCase(ExprPtr operand, std::vector<std::pair<ExprPtr, ExprPtr>> whens,
                                 ExprPtr else_result, const ExprContext& ctx) {
  if (else_result == nullptr) else_result = MakeConstant(Value::Null());
  std::vector<const BoundExpr*> results;
  for (const auto& w : whens) results.push_back(w.second.get());
  results.push_back(else_result.get());
  ASSIGN_OR_RETURN(Type type, ResolveCommonType(results, "CASE"));

  ExprPtr e = NewNode(BoundExpr::Kind::kCase, type);
  for (auto& [when, then] : whens) {
    ExprPtr cond;
    if (operand != nullptr) {
      std::vector<ExprPtr> eq;
      eq.push_back(operand->Clone());
      eq.push_back(std::move(when));
      ASSIGN_OR_RETURN(cond, MakeCall("=", std::move(eq), ctx));
    } else {
      cond = std::move(when);
    }
    ASSIGN_OR_RETURN(cond, CoerceCondition(std::move(cond), "CASE/WHEN", ctx));
    ASSIGN_OR_RETURN(ExprPtr result, Coerce(std::move(then), type, ctx));
    // A WHEN that is never true is dropped; one that is always true ends the list.
    if (cond->is_constant() && (cond->constant.null || cond->constant.i == 0)) continue;
    if (IsBoolConstant(*cond, true)) {
      if (e->args.empty()) return result;
      else_result = std::move(result);
      break;
    }
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(result));
  }
  ASSIGN_OR_RETURN(else_result, Coerce(std::move(else_result), type, ctx));
  if (e->args.empty()) return else_result;
  e->args.push_back(std::move(else_result));
  return FoldIfConstant(std::move(e), ctx);
}

absl::StatusOr<ExprPtr> MakeCoalesce(std::vector<ExprPtr> args, const ExprContext& ctx) {
  std::vector<const BoundExpr*> typed;
  for (const auto& a : args) typed.push_back(a.get());
  ASSIGN_OR_RETURN(Type type, ResolveCommonType(typed, "COALESCE"));
  ExprPtr e = NewNode(BoundExpr::Kind::kCoalesce, type);
  for (auto& raw : args) {
    ASSIGN_OR_RETURN(ExprPtr a, Coerce(std::move(raw), type, ctx));
    if (a->is_constant() && a->constant.null) continue;  // never chosen
    bool last = a->is_constant();                        // later arguments are unreachable
    e->args.push_back(std::move(a));
    if (last) break;
  }
  if (e->args.empty()) return MakeConstant(Value::Null(type));
  if (e->args.size() == 1) return std::move(e->args[0]);
  return e;
}

}  // namespace strata::query
