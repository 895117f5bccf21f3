// Casts between SQL types, vectorized (private to the expression module).
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "query/expr.h"
#include "query/vector.h"

namespace strata::query {

// True if CAST(x AS to) exists for a value of type `from` (NULL casts to anything).
bool CanCast(Type from, Type to);

// Casts every row of `in` to `to` into `out` (which is reset). Errors: 22P02 bad text,
// 22003 out of range, 22007 / 22008 bad timestamp or interval text.
absl::Status CastVector(const Vector& in, Type to, const ExprContext& ctx, Vector* out);
absl::StatusOr<Value> CastValue(const Value& v, Type to, const ExprContext& ctx);

}  // namespace strata::query
