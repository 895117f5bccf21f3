// The tables SQL can name, and their columns.
//
// `events` is the raw event table of engine/schema.h as users see it: `merchant` and
// `client_id` are the catalog's strings (stored as dense ids), `ts` is timestamptz,
// `value` double precision, every other field text; an empty stored string and an absent
// value read as NULL.
//
// `sessions` and `pageviews` are the sessionizer's rows (engine/sessions/session_rows.h)
// the same way: stored 0/1 flags read as boolean, stored µs durations as double precision
// seconds (time_on_page -1 as NULL). Their rows are the stored (final) ones plus the live
// ones derived from held sessions and memtable events at query time.
//
// `realtime_users`, `realtime_pages` and `realtime_items` summarize the realtime tracker
// (engine/realtime/realtime.h) per merchant as of the statement's now(). The window is
// given three ways: `window` ('1m', ...), `window_seconds` and `minutes`; `merchant` tells
// the merchants of an admin query apart.
#pragma once

#include <string_view>
#include <vector>

#include "engine/scan.h"
#include "query/plan.h"

namespace strata::query {

// The columns of `events` in SQL order (engine column order), followed by the hidden
// virtual columns (names starting with "__", never expanded by *).
const std::vector<ScanColumn>& EventsTableColumns();
const std::vector<ScanColumn>& SessionsTableColumns();
const std::vector<ScanColumn>& PageviewsTableColumns();

// Column sources of the realtime tables.
enum RealtimeField : int {
  kRtWindow = 0,     // '1m', '5m', '30m'
  kRtWindowSeconds,  // 60, 300, 1800
  kRtActiveUsers,    // realtime_users
  kRtRank,           // realtime_pages / realtime_items: 1 = most viewers
  kRtKey,            // the page or the item_id
  kRtViewers,        //
  kRtMinutes,        // 1, 5, 30
  kRtMerchant,       //
};

bool IsHiddenColumn(std::string_view name);

// A table SQL can name, for the binder and for catalogs (pg_catalog, information_schema).
struct TableInfo {
  std::string_view name;
  std::string_view description;
  const std::vector<ScanColumn>* columns;  // hidden columns included; skip IsHiddenColumn
  TableId id = TableId::kEvents;
};

// Every table Strata serves, in name order.
const std::vector<TableInfo>& AllTables();
// The table called `name` (optionally "public."-qualified), or null.
const TableInfo* FindTable(std::string_view name);
const TableInfo& GetTable(TableId id);

// True for the tables engine::Scanner reads (events, sessions, pageviews).
bool IsStoredTable(TableId id);
engine::ScanTable ScanTableOf(TableId id);  // REQUIRES: IsStoredTable(id)

}  // namespace strata::query
