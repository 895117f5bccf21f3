// Live sessions: the sessions of one merchant that are not in session segments yet.
//
// They are the shard's held sessions after its last flush (Snapshot::sessionizers) plus
// the merchant's events still in memtables, run through a copy of the sessionizer
// (CopyMerchant + Add), exactly as the next flush would. Held sessions that are final in
// the copy are included too: nothing a later flush stores is missing or counted twice.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "engine/sessions/session_rows.h"
#include "engine/snapshot.h"
#include "storage/segment.h"

namespace strata::engine {

class Catalog;

// Feeds the rows of one events FlushPart (`columns` in EventColumn order, as
// Memtable::BuildFlushParts makes them) to `sessionizer`, in row order. Client id strings
// come from `catalog`. This is what the engine's flush does for each part.
void AddFlushPart(const std::vector<storage::ColumnInput>& columns, const Catalog& catalog,
                  Sessionizer* sessionizer);

// Appends the live sessions (and their pageviews) of `merchant` in `snap`, sorted by
// (start, session_id). Either output may be null when not needed.
absl::Status LiveSessions(const Snapshot& snap, uint32_t merchant,
                          std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews);

}  // namespace strata::engine
