#include "query/tables.h"

#include "engine/schema.h"
#include "engine/sessions/session_rows.h"

namespace strata::query {
namespace {

std::vector<ScanColumn>* WithClientKey(std::vector<ScanColumn>* columns) {
  columns->push_back({kVirtualClientKey, "__client_key", Type::kInt64, ScanRole::kClientKey});
  return columns;
}

ScanColumn Text(int source, const char* name) {
  return {source, name, Type::kString, ScanRole::kString};
}
ScanColumn Int(int source, const char* name) {
  return {source, name, Type::kInt64, ScanRole::kInt};
}
ScanColumn Bool(int source, const char* name) {
  return {source, name, Type::kBool, ScanRole::kBool};
}

}  // namespace

const std::vector<ScanColumn>& EventsTableColumns() {
  static const std::vector<ScanColumn>* columns = [] {
    auto* out = new std::vector<ScanColumn>;
    const auto& defs = engine::EventColumns();
    for (int c = 0; c < engine::kNumEventColumns; ++c) {
      ScanColumn col = Text(c, defs[c].name);
      switch (c) {
        case engine::kColMerchant:
          col.role = ScanRole::kMerchant;
          break;
        case engine::kColClient:
          col = {c, "client_id", Type::kString, ScanRole::kClient};
          break;
        case engine::kColTs:
          col = {c, defs[c].name, Type::kTimestamp, ScanRole::kTime};
          break;
        case engine::kColValue:
          col = {c, defs[c].name, Type::kFloat64, ScanRole::kDouble};
          break;
        default:
          break;
      }
      out->push_back(col);
    }
    return WithClientKey(out);
  }();
  return *columns;
}

const std::vector<ScanColumn>& SessionsTableColumns() {
  using namespace engine;  // NOLINT: the SessionColumn ids
  static const std::vector<ScanColumn>* columns = WithClientKey(new std::vector<ScanColumn>{
      Text(kSesSessionId, "session_id"),
      {kSesMerchant, "merchant", Type::kString, ScanRole::kMerchant},
      {kSesClient, "client_id", Type::kString, ScanRole::kClient},
      Text(kSesUserId, "user_id"),
      {kSesStart, "start", Type::kTimestamp, ScanRole::kTime},
      {kSesEnd, "end", Type::kTimestamp, ScanRole::kTimestamp},
      {kSesDuration, "duration", Type::kFloat64, ScanRole::kSeconds},
      Int(kSesEvents, "events"),
      Int(kSesPageviews, "pageviews"),
      Text(kSesLandingPage, "landing_page"),
      Text(kSesExitPage, "exit_page"),
      Text(kSesReferrer, "referrer"),
      Text(kSesUtmSource, "utm_source"),
      Text(kSesUtmMedium, "utm_medium"),
      Text(kSesUtmCampaign, "utm_campaign"),
      Text(kSesDevice, "device"),
      Text(kSesOs, "os"),
      Text(kSesBrowser, "browser"),
      Text(kSesCountry, "country"),
      Bool(kSesBounced, "bounced"),
      Bool(kSesEngaged, "engaged"),
      Bool(kSesConverted, "converted"),
      {kSesRevenue, "revenue", Type::kFloat64, ScanRole::kDouble},
      Text(kSesClientSessionId, "client_session_id"),
      Bool(kSesIsOpen, "is_open"),
  });
  return *columns;
}

const std::vector<ScanColumn>& PageviewsTableColumns() {
  using namespace engine;  // NOLINT: the PageviewColumn ids
  static const std::vector<ScanColumn>* columns = WithClientKey(new std::vector<ScanColumn>{
      {kPvMerchant, "merchant", Type::kString, ScanRole::kMerchant},
      {kPvTs, "ts", Type::kTimestamp, ScanRole::kTime},
      {kPvClient, "client_id", Type::kString, ScanRole::kClient},
      Text(kPvSessionId, "session_id"),
      Text(kPvPage, "page"),
      Text(kPvTitle, "title"),
      Text(kPvReferrer, "referrer"),
      Text(kPvDevice, "device"),
      Text(kPvCountry, "country"),
      {kPvTimeOnPage, "time_on_page", Type::kFloat64, ScanRole::kSeconds},
      Bool(kPvIsExit, "is_exit"),
  });
  return *columns;
}

namespace {

const std::vector<ScanColumn>& RealtimeColumns(int key_source, const char* key_name) {
  auto* out = new std::vector<ScanColumn>{Text(kRtWindow, "window"),
                                          Int(kRtWindowSeconds, "window_seconds")};
  if (key_source < 0) {
    out->push_back(Int(kRtActiveUsers, "active_users"));
  } else {
    out->push_back(Int(kRtRank, "rank"));
    out->push_back(Text(key_source, key_name));
    out->push_back(Int(kRtViewers, "viewers"));
  }
  out->push_back(Int(kRtMinutes, "minutes"));
  out->push_back({kRtMerchant, "merchant", Type::kString, ScanRole::kMerchant});
  return *out;
}

}  // namespace

bool IsHiddenColumn(std::string_view name) { return name.substr(0, 2) == "__"; }

const std::vector<TableInfo>& AllTables() {
  static const std::vector<TableInfo>* tables = new std::vector<TableInfo>{
      {"events", "raw tracker events, one row per event", &EventsTableColumns(), TableId::kEvents},
      {"pageviews", "page views with their session and time on page", &PageviewsTableColumns(),
       TableId::kPageviews},
      {"realtime_items", "items viewed by active users in the last 1, 5 and 30 minutes",
       &RealtimeColumns(kRtKey, "item_id"), TableId::kRealtimeItems},
      {"realtime_pages", "pages viewed by active users in the last 1, 5 and 30 minutes",
       &RealtimeColumns(kRtKey, "page"), TableId::kRealtimePages},
      {"realtime_users", "active users in the last 1, 5 and 30 minutes", &RealtimeColumns(-1, ""),
       TableId::kRealtimeUsers},
      {"sessions", "visits: one row per session of a client (finished and live)",
       &SessionsTableColumns(), TableId::kSessions},
  };
  return *tables;
}

const TableInfo* FindTable(std::string_view name) {
  if (name.substr(0, 7) == "public.") name.remove_prefix(7);
  for (const TableInfo& t : AllTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const TableInfo& GetTable(TableId id) {
  for (const TableInfo& t : AllTables()) {
    if (t.id == id) return t;
  }
  return AllTables()[0];  // unreachable: every TableId is listed
}

bool IsStoredTable(TableId id) {
  return id == TableId::kEvents || id == TableId::kSessions || id == TableId::kPageviews;
}

engine::ScanTable ScanTableOf(TableId id) {
  switch (id) {
    case TableId::kSessions:
      return engine::ScanTable::kSessions;
    case TableId::kPageviews:
      return engine::ScanTable::kPageviews;
    default:
      return engine::ScanTable::kEvents;
  }
}

}  // namespace strata::query
