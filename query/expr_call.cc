// MakeCall (overload resolution, implicit casts, folding) and MakeCast.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "query/cast.h"
#include "query/error.h"
#include "query/expr.h"
#include "query/expr_internal.h"
#include "query/functions.h"

namespace strata::query {
namespace {

constexpr char kCannotCoerce[] = "42846";

absl::Status NoSuchFunction(std::string_view name, const std::vector<ExprPtr>& args) {
  std::vector<std::string> types;
  for (const auto& a : args) types.emplace_back(AbslView(TypeName(a->type)));
  absl::string_view n(name.data(), name.size());
  if (name == "neg" && args.size() == 1) {
    return SqlError(sqlstate::kUndefinedFunction,
                    absl::StrCat("operator does not exist: - ", types[0]));
  }
  if (IsInfixOperator(name) && args.size() == 2) {
    return SqlError(sqlstate::kUndefinedFunction,
                    absl::StrCat("operator does not exist: ", types[0], " ", n, " ", types[1]));
  }
  return SqlError(
      sqlstate::kUndefinedFunction,
      absl::StrCat("function ", n, "(", absl::StrJoin(types, ", "), ") does not exist"));
}

// Cost of calling `f` with `args`, or -1 if it does not apply.
int OverloadCost(const ScalarFunction& f, const std::vector<ExprPtr>& args) {
  if (!f.Accepts(args.size())) return -1;
  int total = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    Type want = f.ArgType(i);
    int cost = CoercionCost(*args[i], want);
    if (cost < 0 && f.args_to_text && want == Type::kString && CanCast(args[i]->type, want)) {
      cost = 3;  // concat(1, 'a'): any value is shown as text
    }
    if (cost < 0) return -1;
    total += cost;
  }
  return total;
}

bool HasNullConstant(const std::vector<ExprPtr>& args) {
  for (const auto& a : args) {
    if (a->is_constant() && a->constant.null) return true;
  }
  return false;
}

// Builds the call of overload `f`, casting the arguments to its types.
absl::StatusOr<ExprPtr> BuildCall(const ScalarFunction& f, std::vector<ExprPtr> args,
                                  const ExprContext& ctx) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCall;
  e->type = f.result_type;
  e->name = std::string(f.name);
  e->fn = &f;
  for (size_t i = 0; i < args.size(); ++i) {
    ASSIGN_OR_RETURN(ExprPtr a, Coerce(std::move(args[i]), f.ArgType(i), ctx));
    e->args.push_back(std::move(a));
  }
  // A strict function of a NULL constant is NULL whatever the other arguments are.
  if (f.strict && HasNullConstant(e->args)) return MakeConstant(Value::Null(f.result_type));
  if (f.make_state != nullptr) {
    auto state = f.make_state(*e);  // rejects a bad constant pattern now
    if (!state.ok()) return state.status();
  }
  return FoldIfConstant(std::move(e), ctx);
}

}  // namespace

absl::StatusOr<ExprPtr> MakeCall(std::string_view raw_name, std::vector<ExprPtr> args,
                                 const ExprContext& ctx) {
  std::string lowered = absl::AsciiStrToLower(absl::string_view(raw_name.data(), raw_name.size()));
  std::string_view name = lowered;
  if (name == "coalesce") return MakeCoalesce(std::move(args), ctx);
  if (IsComparisonName(name) && args.size() == 2 && args[0]->is_constant() &&
      !args[1]->is_constant()) {
    // `5 < x` becomes `x > 5`: the planner finds the column on the left.
    std::swap(args[0], args[1]);
    lowered = std::string(FlipComparison(name));
    name = lowered;
  }
  const FunctionRegistry& registry = FunctionRegistry::Get();
  const std::vector<ScalarFunction>* overloads = registry.Find(name);
  if (overloads == nullptr) return NoSuchFunction(name, args);
  if (name == "||") {
    // At least one side must be text (or a literal); the other is shown as text.
    bool text = false;
    for (const auto& a : args) text |= a->type == Type::kString || IsUnknownLiteral(*a);
    if (!text) return NoSuchFunction(name, args);
  }

  int best = -1;
  for (const ScalarFunction& f : *overloads) {
    int cost = OverloadCost(f, args);
    if (cost >= 0 && (best < 0 || cost < best)) best = cost;
  }
  if (best < 0) return NoSuchFunction(registry.Canonical(name), args);
  // Equally good overloads are tried in registration order; the first whose literal
  // arguments convert wins (`ts - '1 day'` is timestamp - interval, not timestamp -
  // timestamp).
  absl::Status first_error;
  for (const ScalarFunction& f : *overloads) {
    if (OverloadCost(f, args) != best) continue;
    std::vector<ExprPtr> copies;
    for (const auto& a : args) copies.push_back(a->Clone());
    auto call = BuildCall(f, std::move(copies), ctx);
    if (call.ok()) return call;
    if (first_error.ok()) first_error = call.status();
  }
  return first_error;
}

absl::StatusOr<ExprPtr> MakeCast(ExprPtr arg, Type to, const ExprContext& ctx) {
  if (arg->type == to) return arg;
  if (!CanCast(arg->type, to)) {
    return SqlError(kCannotCoerce, absl::StrCat("cannot cast type ", AbslView(TypeName(arg->type)),
                                                " to ", AbslView(TypeName(to))));
  }
  if (arg->is_constant()) {
    ASSIGN_OR_RETURN(Value v, CastValue(arg->constant, to, ctx));
    v.type = to;
    return MakeConstant(std::move(v));
  }
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExpr::Kind::kCast;
  e->type = to;
  e->args.push_back(std::move(arg));
  return e;
}

}  // namespace strata::query
