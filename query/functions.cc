#include "query/functions.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "query/error.h"

namespace strata::query {

struct FunctionRegistry::Impl {
  absl::flat_hash_map<std::string, std::vector<ScalarFunction>> functions;
  absl::flat_hash_map<std::string, std::string> aliases;
};

FunctionRegistry::FunctionRegistry() : impl_(std::make_shared<Impl>()) {}

void FunctionRegistry::Add(ScalarFunction f) {
  impl_->functions[std::string(f.name)].push_back(std::move(f));
}

void FunctionRegistry::Alias(std::string_view alias, std::string_view canonical) {
  impl_->aliases[std::string(alias)] = std::string(canonical);
}

std::string_view FunctionRegistry::Canonical(std::string_view name) const {
  auto it = impl_->aliases.find(absl::string_view(name.data(), name.size()));
  if (it != impl_->aliases.end()) return it->second;
  return name;
}

const std::vector<ScalarFunction>* FunctionRegistry::Find(std::string_view name) const {
  std::string_view canonical = Canonical(name);
  auto it = impl_->functions.find(absl::string_view(canonical.data(), canonical.size()));
  return it == impl_->functions.end() ? nullptr : &it->second;
}

std::vector<const ScalarFunction*> FunctionRegistry::All() const {
  std::vector<const ScalarFunction*> out;
  for (const auto& [name, overloads] : impl_->functions) {
    for (const ScalarFunction& f : overloads) out.push_back(&f);
  }
  return out;
}

const FunctionRegistry& FunctionRegistry::Get() {
  // Built once, never modified afterwards: BoundExpr::fn points into it.
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterArithmeticFunctions(*r);
    RegisterComparisonFunctions(*r);
    RegisterMathFunctions(*r);
    RegisterStringFunctions(*r);
    RegisterRegexFunctions(*r);
    RegisterTimeFunctions(*r);
    RegisterJsonFunctions(*r);
    return r;
  }();
  return *registry;
}

bool IsComparisonName(std::string_view name) {
  return name == "=" || name == "<>" || name == "<" || name == "<=" || name == ">" || name == ">=";
}

std::string_view FlipComparison(std::string_view name) {
  if (name == "<") return ">";
  if (name == "<=") return ">=";
  if (name == ">") return "<";
  if (name == ">=") return "<=";
  return name;  // = and <> are symmetric
}

bool IsInfixOperator(std::string_view name) {
  return IsComparisonName(name) || name == "+" || name == "-" || name == "*" || name == "/" ||
         name == "%" || name == "||";
}

std::vector<int8_t>& CodeVerdicts::For(const void* source) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].source == source) {
      if (i != 0) std::swap(entries_[0], entries_[i]);
      return entries_[0].verdicts;
    }
  }
  // Scans over many segments see many dictionaries; keep the recent ones only.
  constexpr size_t kMaxSources = 64;
  if (entries_.size() >= kMaxSources) entries_.pop_back();
  entries_.insert(entries_.begin(), Entry{source, {}});
  return entries_[0].verdicts;
}

absl::Status BigintOutOfRange() {
  return SqlError(sqlstate::kNumericOutOfRange, "bigint out of range");
}

absl::Status DivisionByZero() { return SqlError(sqlstate::kDivisionByZero, "division by zero"); }

}  // namespace strata::query
