// Comparison operators = <> < <= > >= on every type.
#include "query/functions_compare.h"

#include "query/functions.h"

namespace strata::query {
namespace {

template <class T>
const T* Data(const Vector& v) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return v.i64.data();
  } else if constexpr (std::is_same_v<T, double>) {
    return v.f64.data();
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return v.str.data();
  } else {
    return v.iv.data();
  }
}

template <CmpOp op, class T>
absl::Status CompareVectors(const KernelArgs& a, Vector* out) {
  const T* x = Data<T>(a.arg(0));
  const T* y = Data<T>(a.arg(1));
  int64_t* o = out->i64.data();
  for (size_t i = 0; i < a.rows; ++i) o[i] = Cmp<op>(x[i], y[i]);
  return absl::OkStatus();
}

// nullif(a, b): NULL if a = b, else a.
template <class T>
absl::Status NullIf(const KernelArgs& a, Vector* out) {
  const Vector& x = a.arg(0);
  const Vector& y = a.arg(1);
  out->Clear();
  out->AppendAll(x);
  out->codes.clear();
  out->code_source = nullptr;
  const T* xd = Data<T>(x);
  const T* yd = Data<T>(y);
  for (size_t i = 0; i < a.rows; ++i) {
    if (!x.IsNull(i) && !y.IsNull(i) && Cmp<CmpOp::kEq>(xd[i], yd[i])) out->SetNull(i);
  }
  return absl::OkStatus();
}

template <class T>
void RegisterComparisons(FunctionRegistry& r, Type t) {
  r.Add(Fn("=", {t, t}, Type::kBool, CompareVectors<CmpOp::kEq, T>));
  r.Add(Fn("<>", {t, t}, Type::kBool, CompareVectors<CmpOp::kNe, T>));
  r.Add(Fn("<", {t, t}, Type::kBool, CompareVectors<CmpOp::kLt, T>));
  r.Add(Fn("<=", {t, t}, Type::kBool, CompareVectors<CmpOp::kLe, T>));
  r.Add(Fn(">", {t, t}, Type::kBool, CompareVectors<CmpOp::kGt, T>));
  r.Add(Fn(">=", {t, t}, Type::kBool, CompareVectors<CmpOp::kGe, T>));
  ScalarFunction nullif = Fn("nullif", {t, t}, t, NullIf<T>);
  nullif.strict = false;
  r.Add(nullif);
}

template <CmpOp op, class T>
void CompareConstLoop(const T* data, const T& c, const uint32_t* rows, size_t n, uint8_t* verdict) {
  if (rows == nullptr) {
    for (size_t k = 0; k < n; ++k) verdict[k] = Cmp<op>(data[k], c);
  } else {
    for (size_t k = 0; k < n; ++k) verdict[k] = Cmp<op>(data[rows[k]], c);
  }
}

template <CmpOp op>
void CompareToConstantOp(const Vector& v, const Value& c, const uint32_t* rows, size_t n,
                         CodeVerdicts* cache, uint8_t* verdict) {
  switch (v.type) {
    case Type::kBool:
    case Type::kInt64:
    case Type::kTimestamp:
      CompareConstLoop<op, int64_t>(v.i64.data(), c.i, rows, n, verdict);
      return;
    case Type::kFloat64:
      CompareConstLoop<op, double>(v.f64.data(), c.f, rows, n, verdict);
      return;
    case Type::kInterval:
      CompareConstLoop<op, Interval>(v.iv.data(), c.iv, rows, n, verdict);
      return;
    case Type::kString: {
      std::string_view cs = c.s;
      if (cache != nullptr && CodeVerdicts::Usable(v)) {
        cache->Apply(
            v, rows, n, [cs](std::string_view s) { return Cmp<op>(s, cs); }, verdict);
        return;
      }
      CompareConstLoop<op, std::string_view>(v.str.data(), cs, rows, n, verdict);
      return;
    }
    case Type::kNull:
      break;
  }
  for (size_t k = 0; k < n; ++k) verdict[k] = 0;
}

}  // namespace

bool ParseCmpOp(std::string_view name, CmpOp* op) {
  if (name == "=") {
    *op = CmpOp::kEq;
  } else if (name == "<>") {
    *op = CmpOp::kNe;
  } else if (name == "<") {
    *op = CmpOp::kLt;
  } else if (name == "<=") {
    *op = CmpOp::kLe;
  } else if (name == ">") {
    *op = CmpOp::kGt;
  } else if (name == ">=") {
    *op = CmpOp::kGe;
  } else {
    return false;
  }
  return true;
}

void CompareToConstant(const Vector& subject, CmpOp op, const Value& constant, const uint32_t* rows,
                       size_t n, CodeVerdicts* cache, uint8_t* verdict) {
  switch (op) {
    case CmpOp::kEq:
      return CompareToConstantOp<CmpOp::kEq>(subject, constant, rows, n, cache, verdict);
    case CmpOp::kNe:
      return CompareToConstantOp<CmpOp::kNe>(subject, constant, rows, n, cache, verdict);
    case CmpOp::kLt:
      return CompareToConstantOp<CmpOp::kLt>(subject, constant, rows, n, cache, verdict);
    case CmpOp::kLe:
      return CompareToConstantOp<CmpOp::kLe>(subject, constant, rows, n, cache, verdict);
    case CmpOp::kGt:
      return CompareToConstantOp<CmpOp::kGt>(subject, constant, rows, n, cache, verdict);
    case CmpOp::kGe:
      return CompareToConstantOp<CmpOp::kGe>(subject, constant, rows, n, cache, verdict);
  }
}

void RegisterComparisonFunctions(FunctionRegistry& r) {
  RegisterComparisons<int64_t>(r, Type::kBool);
  RegisterComparisons<int64_t>(r, Type::kInt64);
  RegisterComparisons<double>(r, Type::kFloat64);
  RegisterComparisons<std::string_view>(r, Type::kString);
  RegisterComparisons<int64_t>(r, Type::kTimestamp);
  RegisterComparisons<Interval>(r, Type::kInterval);
}

}  // namespace strata::query
