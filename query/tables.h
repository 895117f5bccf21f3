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

}  // namespace strata::query
