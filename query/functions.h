// Scalar functions and operators: signatures and vectorized kernels (private to the
// expression module; expr.h only forward-declares ScalarFunction).
//
// Each overload is one ScalarFunction with exact argument types; the builders in expr.h
// pick an overload and insert the casts its arguments need, so a kernel sees exactly the
// declared types. The evaluator calls a kernel once per chunk with every argument evaluated
// to a vector of the chunk's rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/expr.h"
#include "query/vector.h"

namespace strata::query {

// What a function keeps between chunks of one expression (a compiled regular expression,
// verdicts per dictionary code). One per expression node per evaluator, so kernels may
// mutate it without locking.
struct FunctionState {
  virtual ~FunctionState() = default;
};

struct KernelArgs {
  const ExprContext& ctx;
  const Vector* const* args;      // `nargs` vectors of `rows` rows each
  const Value* const* constants;  // per argument: its value if it is a constant, else null
  size_t nargs = 0;
  size_t rows = 0;
  // Strict functions: 1 for rows where some argument is NULL (those rows are already NULL
  // in the output; kernels must not fail on them). Null pointer if no row is.
  const uint8_t* nulls = nullptr;
  FunctionState* state = nullptr;

  const Vector& arg(size_t i) const { return *args[i]; }
  bool skip(size_t row) const { return nulls != nullptr && nulls[row] != 0; }
};

// Fills `out`, which arrives typed as the function's result, sized to `rows`, with the
// null mask of a strict function already applied.
using Kernel = absl::Status (*)(const KernelArgs& a, Vector* out);
// Builds the per-expression state; also run when an expression is built, so that a bad
// constant argument (a regular expression) fails at bind time.
using StateFactory = absl::StatusOr<std::unique_ptr<FunctionState>> (*)(const BoundExpr& call);

struct ScalarFunction {
  std::string_view name;  // canonical, lower case (operators: "+", "=", "neg", ...)
  std::vector<Type> arg_types;
  Type result_type = Type::kNull;
  Kernel kernel = nullptr;
  bool variadic = false;      // the last argument type may repeat any number of times
  bool strict = true;         // a NULL argument makes the result NULL without the kernel
  bool args_to_text = false;  // arguments of any type are cast to text (concat)
  StateFactory make_state = nullptr;

  Type ArgType(size_t i) const { return i < arg_types.size() ? arg_types[i] : arg_types.back(); }
  bool Accepts(size_t n) const { return variadic ? n >= arg_types.size() : n == arg_types.size(); }
};

// A strict overload (the common case); set the other fields on the result as needed.
inline ScalarFunction Fn(std::string_view name, std::vector<Type> arg_types, Type result,
                         Kernel kernel) {
  ScalarFunction f;
  f.name = name;
  f.arg_types = std::move(arg_types);
  f.result_type = result;
  f.kernel = kernel;
  return f;
}

class FunctionRegistry {
 public:
  void Add(ScalarFunction f);
  void Alias(std::string_view alias, std::string_view canonical);

  // Overloads of `name` (canonical or alias) in registration order; null if unknown.
  const std::vector<ScalarFunction>* Find(std::string_view name) const;
  std::string_view Canonical(std::string_view name) const;
  // Every overload (for tests that sweep all functions).
  std::vector<const ScalarFunction*> All() const;

  static const FunctionRegistry& Get();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  FunctionRegistry();
};

// Registration, one per file.
void RegisterArithmeticFunctions(FunctionRegistry& r);
void RegisterComparisonFunctions(FunctionRegistry& r);
void RegisterMathFunctions(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterRegexFunctions(FunctionRegistry& r);
void RegisterTimeFunctions(FunctionRegistry& r);
void RegisterJsonFunctions(FunctionRegistry& r);

// True for "=", "<>", "<", "<=", ">", ">=".
bool IsComparisonName(std::string_view name);
// The comparison with its operands swapped ("<" -> ">").
std::string_view FlipComparison(std::string_view name);
// True for the binary operators written between their operands ("+", "||", "=", ...).
bool IsInfixOperator(std::string_view name);

// Verdicts of a string predicate per dictionary code, per dictionary (Vector::code_source),
// so a predicate on a dictionary-coded vector is decided once per distinct string.
class CodeVerdicts {
 public:
  // out[k] = decide(string of row r) for k < n, r = rows[k] (k if `rows` is null), asking
  // `decide` only for codes not seen before. NULL rows get 0 and decide nothing.
  template <class Out, class Decide>
  void Apply(const Vector& v, const uint32_t* rows, size_t n, Decide decide, Out* out) {
    if (rows == nullptr) {
      Run<false>(v, rows, n, decide, out);
    } else {
      Run<true>(v, rows, n, decide, out);
    }
  }

  // True if `v` carries codes this cache can use.
  static bool Usable(const Vector& v) {
    return v.code_source != nullptr && v.codes.size() == v.str.size() && !v.codes.empty();
  }

 private:
  template <bool kRows, class Out, class Decide>
  void Run(const Vector& v, const uint32_t* rows, size_t n, Decide& decide, Out* out) {
    std::vector<int8_t>& verdicts = For(v.code_source);
    int8_t* known = verdicts.data();
    size_t size = verdicts.size();
    const uint32_t* codes = v.codes.data();
    for (size_t k = 0; k < n; ++k) {
      size_t row = kRows ? rows[k] : k;
      uint32_t code = codes[row];
      if (code < size && known[code] >= 0) {  // the common case: decided before
        out[k] = static_cast<Out>(known[code]);
        continue;
      }
      if (v.IsNull(row)) {
        out[k] = 0;
        continue;
      }
      if (code >= size) {
        verdicts.resize(static_cast<size_t>(code) + 1, -1);
        known = verdicts.data();
        size = verdicts.size();
      }
      known[code] = decide(v.str[row]) ? 1 : 0;
      out[k] = static_cast<Out>(known[code]);
    }
  }

  std::vector<int8_t>& For(const void* source);
  struct Entry {
    const void* source = nullptr;
    std::vector<int8_t> verdicts;
  };
  std::vector<Entry> entries_;  // most recently used first; a query sees few dictionaries
};

// std::string_view -> absl::string_view (distinct types in this Abseil build).
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Shared by kernels: a fixed error for integer overflow.
absl::Status BigintOutOfRange();
absl::Status DivisionByZero();

}  // namespace strata::query
