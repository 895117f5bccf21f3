// The derived rows of the sessionizer: sessions and pageviews, and their segment schemas.
//
// Metric definitions (docs/metrics.md):
// - a session is the events of one (merchant, client_id) with no gap above the merchant's
//   session timeout; start = first event ts, end = last event ts, duration = end - start;
// - bounced: the session's only event is one page_view or one app_open;
// - engaged: duration >= 10 s, or >= 2 page_views, or converted;
// - converted: at least one of the merchant's conversion events; revenue = the sum of
//   `value` over those conversion events (NaN values skipped; 0 when none);
// - landing_page / exit_page: the page of the first / last page_view ("" when none);
//   referrer, utm_*, device, os, browser, country, user_id, client_session_id: the first
//   non-empty value in event order;
// - time on page of a page_view: the next event of the session's ts minus its ts; a
//   page_view with no later event in its session has none (NULL); is_exit marks the last
//   page_view of the session.
// Event order inside a session is (ts, then a hash of the event's content), so the result
// never depends on arrival order.
//
// session_id: 16 lowercase hex digits of a 64-bit hash of (client_id string, start ts):
// stable for the same input whatever the arrival order (dense ids are not used, since they
// depend on first-seen order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "storage/segment.h"

namespace strata::engine {

// One event as the sessionizer consumes it. Views are valid only during the call.
struct SessionEvent {
  uint32_t merchant = 0;       // dense merchant id
  uint32_t client = 0;         // dense client id (for user bitmaps)
  std::string_view client_id;  // the client's string id (for session ids)
  int64_t ts_us = 0;
  std::string_view event;
  std::string_view user_id;
  std::string_view session_id;  // client-sent, kept as client_session_id
  std::string_view page;
  std::string_view title;
  std::string_view referrer;
  std::string_view utm_source;
  std::string_view utm_medium;
  std::string_view utm_campaign;
  std::string_view device;
  std::string_view os;
  std::string_view browser;
  std::string_view country;
  double value = 0;  // NaN when absent
};

struct SessionRow {
  std::string session_id;
  uint32_t merchant = 0;
  uint32_t client = 0;
  std::string client_id;
  std::string user_id;
  int64_t start_us = 0;
  int64_t end_us = 0;
  int64_t duration_us = 0;
  int64_t events = 0;
  int64_t pageviews = 0;
  std::string landing_page;
  std::string exit_page;
  std::string referrer;
  std::string utm_source;
  std::string utm_medium;
  std::string utm_campaign;
  std::string device;
  std::string os;
  std::string browser;
  std::string country;
  bool bounced = false;
  bool engaged = false;
  bool converted = false;
  double revenue = 0;
  std::string client_session_id;
  bool is_open = false;  // live rows only: the watermark has not passed end + timeout
  bool operator==(const SessionRow&) const = default;
};

struct PageviewRow {
  uint32_t merchant = 0;
  int64_t ts_us = 0;
  uint32_t client = 0;
  std::string client_id;
  std::string session_id;
  std::string page;
  std::string title;
  std::string referrer;  // the page_view event's own referrer
  std::string device;
  std::string country;
  int64_t time_on_page_us = -1;  // -1 = none (NULL)
  bool is_exit = false;
  bool operator==(const PageviewRow&) const = default;
};

// Stored columns of session segments, in this order (SQL order of the `sessions` table).
// `merchant` and `client` are kInt64 dense ids; booleans are kInt64 0/1; times and
// durations kInt64 µs; revenue kDouble; the rest kString.
enum SessionColumn : int {
  kSesSessionId = 0,
  kSesMerchant,  // key column
  kSesClient,
  kSesUserId,
  kSesStart,  // time column
  kSesEnd,
  kSesDuration,
  kSesEvents,
  kSesPageviews,
  kSesLandingPage,
  kSesExitPage,
  kSesReferrer,
  kSesUtmSource,
  kSesUtmMedium,
  kSesUtmCampaign,
  kSesDevice,
  kSesOs,
  kSesBrowser,
  kSesCountry,
  kSesBounced,
  kSesEngaged,
  kSesConverted,
  kSesRevenue,
  kSesClientSessionId,
  kSesIsOpen,  // always 0 in segments (only finalized sessions are stored)
  kNumSessionColumns,
};

enum PageviewColumn : int {
  kPvMerchant = 0,  // key column
  kPvTs,            // time column
  kPvClient,
  kPvSessionId,
  kPvPage,
  kPvTitle,
  kPvReferrer,
  kPvDevice,
  kPvCountry,
  kPvTimeOnPage,  // kInt64 µs, -1 = NULL
  kPvIsExit,
  kNumPageviewColumns,
};

const std::vector<storage::ColumnSchema>& SessionSchema();
const std::vector<storage::ColumnSchema>& PageviewSchema();
storage::SegmentWriterOptions SessionWriterOptions();   // key kSesMerchant, time kSesStart
storage::SegmentWriterOptions PageviewWriterOptions();  // key kPvMerchant, time kPvTs

// Columns ready for storage::WriteSegment, rows sorted by (merchant, start) / (merchant,
// ts) (ties by session_id / (client, session_id) for determinism). REQUIRES: non-empty.
std::vector<storage::ColumnInput> SessionRowsToColumns(absl::Span<const SessionRow> rows);
std::vector<storage::ColumnInput> PageviewRowsToColumns(absl::Span<const PageviewRow> rows);

}  // namespace strata::engine
