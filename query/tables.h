// The tables SQL can name, and their columns.
//
// `events` is the raw event table of engine/schema.h as users see it: `merchant` and
// `client_id` are the catalog's strings (stored as dense ids), `ts` is timestamptz,
// `value` double precision, every other field text; an empty stored string and an absent
// value read as NULL.
#pragma once

#include <string_view>
#include <vector>

#include "query/plan.h"

namespace strata::query {

// The columns of `events` in SQL order (engine column order), followed by the hidden
// virtual columns (names starting with "__", never expanded by *).
const std::vector<ScanColumn>& EventsTableColumns();

bool IsHiddenColumn(std::string_view name);

// A table SQL can name, for catalogs (pg_catalog, information_schema) and tools.
struct TableInfo {
  std::string_view name;
  std::string_view description;
  const std::vector<ScanColumn>* columns;  // hidden columns included; skip IsHiddenColumn
};

// Every table Strata serves, in name order.
const std::vector<TableInfo>& AllTables();

}  // namespace strata::query
