// Live rows of `sessions` and `pageviews`: the rows no session segment holds yet (held
// sessions of the last flush plus the sessions of memtable events, engine/sessions/
// live_sessions.h), in the column layout of their segments.
//
// They are filtered by the scan's ScanSpec exactly as engine::Scanner filters stored rows
// (time range, IN and range predicates), so a query gives the same answer whether a
// session is still live or already stored.
//
// Thread safety: one LiveRows per scan worker.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/scan.h"
#include "engine/sessions/session_rows.h"
#include "engine/snapshot.h"

namespace strata::query {

class LiveRows {
 public:
  // Replaces the rows with those live rows of `merchant` in `snap` that satisfy `spec`.
  // REQUIRES: spec.table is kSessions or kPageviews.
  absl::Status Load(const engine::Snapshot& snap, const engine::ScanSpec& spec, uint32_t merchant);

  size_t size() const;
  // Values of column `column` (a SessionColumn / PageviewColumn) for rows [begin, end):
  // integers (kInt64 columns), doubles (kDouble), or views of strings (kString) that stay
  // valid until the next Load.
  void Ints(int column, size_t begin, size_t end, std::vector<int64_t>* out) const;
  void Doubles(int column, size_t begin, size_t end, std::vector<double>* out) const;
  void Strings(int column, size_t begin, size_t end, std::vector<std::string_view>* out) const;

 private:
  engine::ScanTable table_ = engine::ScanTable::kSessions;
  std::vector<engine::SessionRow> sessions_;
  std::vector<engine::PageviewRow> pageviews_;
};

}  // namespace strata::query
