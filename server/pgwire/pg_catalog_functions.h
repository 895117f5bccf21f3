// Private to pg_catalog_functions*.cc: helpers shared by the SQLite functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

void RegisterTextFunctions(sqlite3* db, FunctionContext* context);

}  // namespace strata::server::pgwire::catalog
