// The columns of the `events` table as stored in segments and memtables.
//
// `merchant` and `client` are dense ids from the catalog (merchant string -> u32, and per
// merchant client_id -> u32); every other string field is dictionary-coded per segment.
// Column order is part of segment schema v1 (docs/storage-format.md); add new columns at
// the end only.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "storage/segment.h"

namespace strata::engine {

enum EventColumn : int {
  kColMerchant = 0,
  kColTs,
  kColEvent,
  kColClient,
  kColUserId,
  kColSessionId,
  kColPage,
  kColTitle,
  kColReferrer,
  kColUtmSource,
  kColUtmMedium,
  kColUtmCampaign,
  kColDevice,
  kColOs,
  kColBrowser,
  kColCountry,
  kColLanguage,
  kColItemId,
  kColValue,
  kColEventId,
  kColParams,
  kNumEventColumns,
};

struct EventColumnDef {
  const char* name;
  storage::ColumnType type;
  bool indexed;
  std::string Event::*field;  // string columns taken verbatim from the event, else nullptr
};

// Definitions indexed by EventColumn.
const std::array<EventColumnDef, kNumEventColumns>& EventColumns();

// Returns the column index for `name`, or -1.
int FindEventColumn(std::string_view name);

// The stored form of params: a compact JSON object ("" when there are none), so the query
// layer can read params['key'] and users see familiar text.
std::string EncodeParams(const std::vector<Param>& params);

}  // namespace strata::engine
