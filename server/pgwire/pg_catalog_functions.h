// Private to pg_catalog_functions*.cc: what the SQLite function files share.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {

// One element of an array as the functions see it.
struct ArrayElement {
  enum Kind { kNull, kNumber, kBool, kString, kArray, kObject } kind = kNull;
  std::string text;  // decoded string, number text, "t"/"f", or JSON of a nested value
};

bool ParseJsonArray(std::string_view json, std::vector<ArrayElement>* out);
std::string ElementsToJson(const std::vector<ArrayElement>& elems);

// quote_ident(): double-quotes unless `name` is a plain lower-case non-keyword.
std::string PgQuoteIdent(std::string_view name);

// ---- SQLite glue ----

inline std::string_view Text(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_value_bytes(v)));
}
inline bool IsNull(sqlite3_value* v) { return sqlite3_value_type(v) == SQLITE_NULL; }
inline bool IsInteger(sqlite3_value* v) { return sqlite3_value_numeric_type(v) == SQLITE_INTEGER; }
inline void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
// Fails the call with a PostgreSQL error (see FunctionError).
inline void Fail(sqlite3_context* ctx, std::string_view state, std::string_view message) {
  std::string m = FunctionError(state, message);
  sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
}
inline FunctionContext& Context(sqlite3_context* ctx) {
  return *static_cast<FunctionContext*>(sqlite3_user_data(ctx));
}
inline const CatalogSession& Session(sqlite3_context* ctx) { return *Context(ctx).session; }

std::string Lower(std::string_view s);
std::string_view Strip(std::string_view s);
size_t Utf8Length(unsigned char lead);

// ---- Session and names (pg_catalog_functions.cc) ----

// A setting as current_setting() reads it; `found` false if there is none.
std::string Setting(const CatalogSession& session, std::string_view name, bool* found);
// The schemas of search_path that exist, pg_catalog first if `implicit`.
std::vector<std::string> SearchPath(const CatalogSession& session, bool implicit);
// "schema"."name" / schema.name / name -> parts (unquoted parts lower-cased).
bool SplitQualifiedName(std::string_view s, std::vector<std::string>* parts);
// A relation by name as regclass reads it (search path: pg_catalog, public); nullptr if none.
const RelationDef* LookupRelation(std::string_view text);
const ProcDef* FindProc(int64_t oid);
// regclass input: an OID, or a name. -1 with an error set (unless `quiet`) if unknown.
int64_t RegclassOf(sqlite3_context* ctx, sqlite3_value* v, bool quiet);

// ---- Registration ----

struct SqlFunction {
  const char* name;
  int args;  // -1: any number
  void (*fn)(sqlite3_context*, int, sqlite3_value**);
};
absl::Status Register(sqlite3* db, FunctionContext* context, const SqlFunction* functions,
                      size_t count);
template <size_t N>
absl::Status Register(sqlite3* db, FunctionContext* context, const SqlFunction (&functions)[N]) {
  return Register(db, context, functions, N);
}

absl::Status RegisterObjectFunctions(sqlite3* db, FunctionContext* context);  // _objects.cc
absl::Status RegisterTextFunctions(sqlite3* db, FunctionContext* context);    // _text.cc
absl::Status RegisterArrayFunctions(sqlite3* db, FunctionContext* context);   // _array.cc

}  // namespace strata::server::pgwire::catalog
