// The aggregate catalog: which names are aggregates, their argument and result types
// (BindAggregate) and the state behind each bound aggregate (CreateAggregateFunction).
#include <array>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "query/aggregate.h"
#include "query/aggregate_functions.h"
#include "query/error.h"

namespace strata::query {
namespace {

constexpr std::array<std::string_view, 21> kAggregateNames = {"count",
                                                              "sum",
                                                              "avg",
                                                              "min",
                                                              "max",
                                                              "approx_count_distinct",
                                                              "quantile",
                                                              "percentile_cont",
                                                              "percentile_disc",
                                                              "median",
                                                              "stddev",
                                                              "stddev_samp",
                                                              "stddev_pop",
                                                              "variance",
                                                              "var_samp",
                                                              "var_pop",
                                                              "bool_and",
                                                              "bool_or",
                                                              "string_agg",
                                                              "any_value",
                                                              "every"};

bool IsVarianceFamily(std::string_view n) {
  return n == "stddev" || n == "stddev_samp" || n == "stddev_pop" || n == "variance" ||
         n == "var_samp" || n == "var_pop";
}
bool IsQuantileFamily(std::string_view n) {
  return n == "quantile" || n == "percentile_cont" || n == "percentile_disc";
}

// PostgreSQL's message for a call no signature matches: "function sum(text) does not exist".
absl::Status NoSuchFunction(std::string_view name, bool star, const std::vector<Type>& args) {
  std::vector<std::string> names;
  if (star) names.emplace_back("*");
  for (Type t : args) names.emplace_back(TypeName(t));
  return SqlError(sqlstate::kUndefinedFunction,
                  absl::StrCat("function ", std::string(name), "(", absl::StrJoin(names, ", "),
                               ") does not exist"));
}

// The fraction of quantile(x, p) and friends: a numeric constant in [0, 1], or NULL.
absl::StatusOr<Value> BindFraction(std::string_view name, Type type,
                                   const std::optional<Value>& constant) {
  if (!constant.has_value()) {
    return SqlError(sqlstate::kFeatureNotSupported,
                    absl::StrCat("the fraction of ", std::string(name), " must be a constant"));
  }
  if (constant->null) return Value::Null(Type::kFloat64);
  if (!IsNumeric(type) || !IsNumeric(constant->type)) {
    return SqlError(sqlstate::kDatatypeMismatch,
                    absl::StrCat("the fraction of ", std::string(name),
                                 " must be double precision, not ", std::string(TypeName(type))));
  }
  double p = constant->type == Type::kInt64 ? static_cast<double>(constant->i) : constant->f;
  if (!(p >= 0 && p <= 1)) {
    return SqlError(
        sqlstate::kInvalidParameterValue,
        absl::StrCat("percentile value ", Value::Float(p).ToString(), " is not between 0 and 1"));
  }
  return Value::Float(p);
}

}  // namespace

bool IsAggregateFunction(std::string_view name) {
  for (std::string_view n : kAggregateNames) {
    if (n == name) return true;
  }
  return false;
}

absl::StatusOr<AggregateSpec> BindAggregate(
    std::string_view name, bool star, bool distinct, const std::vector<Type>& arg_types,
    const std::vector<std::optional<Value>>& constant_args) {
  AggregateSpec spec;
  spec.name = std::string(name);
  spec.star = star;
  spec.distinct = distinct;
  spec.arg_types = arg_types;
  if (!IsAggregateFunction(name)) return NoSuchFunction(name, star, arg_types);
  if (star) {
    if (name != "count" || !arg_types.empty() || distinct) {
      return NoSuchFunction(name, star, arg_types);
    }
    spec.result_type = Type::kInt64;
    return spec;
  }
  const size_t arity = arg_types.size();
  const Type input = arity > 0 ? arg_types[0] : Type::kNull;
  auto fail = [&] { return NoSuchFunction(name, star, arg_types); };

  if (name == "count" || name == "approx_count_distinct") {
    if (arity != 1) return fail();
    spec.result_type = Type::kInt64;
  } else if (name == "sum") {
    if (arity != 1 || !IsNumeric(input)) return fail();
    spec.result_type = input;
  } else if (name == "avg" || IsVarianceFamily(name) || name == "median") {
    if (arity != 1 || !IsNumeric(input)) return fail();
    spec.result_type = Type::kFloat64;
  } else if (name == "min" || name == "max" || name == "any_value") {
    if (arity != 1) return fail();
    spec.result_type = input == Type::kNull ? Type::kString : input;
  } else if (name == "bool_and" || name == "bool_or" || name == "every") {
    if (arity != 1 || (input != Type::kBool && input != Type::kNull)) return fail();
    spec.result_type = Type::kBool;
  } else if (IsQuantileFamily(name)) {
    if (arity != 2 || !IsNumeric(input)) return fail();
    ASSIGN_OR_RETURN(Value fraction,
                     BindFraction(name, arg_types[1],
                                  constant_args.size() > 1 ? constant_args[1] : std::nullopt));
    spec.constant_args.push_back(fraction);
    spec.result_type = Type::kFloat64;
  } else if (name == "string_agg") {
    bool text = input == Type::kString || input == Type::kNull;
    bool text_delimiter =
        arity == 2 && (arg_types[1] == Type::kString || arg_types[1] == Type::kNull);
    if (arity != 2 || !text || !text_delimiter) return fail();
    if (constant_args.size() < 2 || !constant_args[1].has_value()) {
      return SqlError(sqlstate::kFeatureNotSupported,
                      "the delimiter of string_agg must be a constant");
    }
    const Value& delimiter = *constant_args[1];
    spec.constant_args.push_back(delimiter.null ? Value::Null(Type::kString)
                                                : Value::String(delimiter.s));
    spec.result_type = Type::kString;
  }
  return spec;
}

absl::StatusOr<std::unique_ptr<AggregateFunction>> CreateAggregateFunction(
    const AggregateSpec& spec) {
  const std::string& n = spec.name;
  auto bad_spec = [&] {
    return SqlError(sqlstate::kInternalError,
                    absl::StrCat("aggregate ", n, " was not bound by BindAggregate"));
  };
  if (spec.star) {
    if (n != "count") return bad_spec();
    return MakeCount();
  }
  if (spec.arg_types.empty() || spec.arg_columns.size() != 1) return bad_spec();
  const Type input = spec.arg_types[0];

  // Aggregates that ignore DISTINCT: duplicates cannot change their result.
  if (n == "bool_and" || n == "every") return MakeExtreme(Type::kBool, ExtremeKind::kMin);
  if (n == "bool_or") return MakeExtreme(Type::kBool, ExtremeKind::kMax);
  if (n == "min") return MakeExtreme(input, ExtremeKind::kMin);
  if (n == "max") return MakeExtreme(input, ExtremeKind::kMax);
  if (n == "any_value") return MakeExtreme(input, ExtremeKind::kAny);
  if (n == "approx_count_distinct") return MakeApproxCountDistinct();
  if (n == "count") return spec.distinct ? MakeDistinct(input, nullptr) : MakeCount();

  std::unique_ptr<AggregateFunction> function;
  if (n == "sum" || n == "avg") {
    if (!IsNumeric(input)) return bad_spec();
    function = MakeSum(input, n == "avg");
  } else if (n == "stddev" || n == "stddev_samp") {
    function = MakeVariance(VarianceKind::kStddevSamp);
  } else if (n == "stddev_pop") {
    function = MakeVariance(VarianceKind::kStddevPop);
  } else if (n == "variance" || n == "var_samp") {
    function = MakeVariance(VarianceKind::kVarSamp);
  } else if (n == "var_pop") {
    function = MakeVariance(VarianceKind::kVarPop);
  } else if (n == "median" || IsQuantileFamily(n)) {
    std::optional<double> fraction = 0.5;
    if (n != "median") {
      if (spec.constant_args.size() != 1) return bad_spec();
      const Value& p = spec.constant_args[0];
      fraction = p.null ? std::nullopt : std::optional<double>(p.f);
    }
    function =
        MakeQuantile(n == "percentile_disc" ? QuantileKind::kDisc : QuantileKind::kCont, fraction);
  } else if (n == "string_agg") {
    if (spec.constant_args.size() != 1) return bad_spec();
    const Value& d = spec.constant_args[0];
    function = MakeStringAgg(d.null ? std::nullopt : std::optional<std::string>(d.s));
  } else {
    return bad_spec();
  }
  if ((IsVarianceFamily(n) || n == "median" || IsQuantileFamily(n)) && !IsNumeric(input)) {
    return bad_spec();
  }
  if (spec.distinct) return MakeDistinct(input, std::move(function));
  return function;
}

}  // namespace strata::query
