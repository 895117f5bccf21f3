#include "engine/sessions/session_rows.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"

namespace strata::engine {

using storage::ColumnInput;
using storage::ColumnSchema;
using storage::ColumnType;

const std::vector<ColumnSchema>& SessionSchema() {
  static const std::vector<ColumnSchema> kSchema = {
      {"session_id", ColumnType::kString, false},
      {"merchant", ColumnType::kInt64, false},
      {"client", ColumnType::kInt64, false},
      {"user_id", ColumnType::kString, false},
      {"start", ColumnType::kInt64, false},
      {"end", ColumnType::kInt64, false},
      {"duration", ColumnType::kInt64, false},
      {"events", ColumnType::kInt64, false},
      {"pageviews", ColumnType::kInt64, false},
      {"landing_page", ColumnType::kString, true},
      {"exit_page", ColumnType::kString, false},
      {"referrer", ColumnType::kString, false},
      {"utm_source", ColumnType::kString, true},
      {"utm_medium", ColumnType::kString, false},
      {"utm_campaign", ColumnType::kString, false},
      {"device", ColumnType::kString, true},
      {"os", ColumnType::kString, false},
      {"browser", ColumnType::kString, false},
      {"country", ColumnType::kString, true},
      {"bounced", ColumnType::kInt64, false},
      {"engaged", ColumnType::kInt64, false},
      {"converted", ColumnType::kInt64, false},
      {"revenue", ColumnType::kDouble, false},
      {"client_session_id", ColumnType::kString, false},
      {"is_open", ColumnType::kInt64, false},
  };
  return kSchema;
}

const std::vector<ColumnSchema>& PageviewSchema() {
  static const std::vector<ColumnSchema> kSchema = {
      {"merchant", ColumnType::kInt64, false},  {"ts", ColumnType::kInt64, false},
      {"client", ColumnType::kInt64, false},    {"session_id", ColumnType::kString, false},
      {"page", ColumnType::kString, false},     {"title", ColumnType::kString, false},
      {"referrer", ColumnType::kString, false}, {"device", ColumnType::kString, true},
      {"country", ColumnType::kString, true},   {"time_on_page", ColumnType::kInt64, false},
      {"is_exit", ColumnType::kInt64, false},
  };
  return kSchema;
}

storage::SegmentWriterOptions SessionWriterOptions() {
  storage::SegmentWriterOptions o;
  o.key_column = kSesMerchant;
  o.time_column = kSesStart;
  return o;
}

storage::SegmentWriterOptions PageviewWriterOptions() {
  storage::SegmentWriterOptions o;
  o.key_column = kPvMerchant;
  o.time_column = kPvTs;
  return o;
}

namespace {

// Builds one column from the rows in `order`, taking each row's value with `get`.
template <typename Row, typename Get>
void FillInts(const std::vector<const Row*>& order, Get get, ColumnInput* col) {
  col->ints.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) col->ints[i] = static_cast<int64_t>(get(*order[i]));
}

template <typename Row, typename Get>
void FillDoubles(const std::vector<const Row*>& order, Get get, ColumnInput* col) {
  col->doubles.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) col->doubles[i] = get(*order[i]);
}

// Dictionary-codes one string column. `index` is scratch reused across columns; its keys
// view the rows' strings, which outlive the call.
template <typename Row, typename Get>
void FillStrings(const std::vector<const Row*>& order, Get get,
                 absl::flat_hash_map<absl::string_view, uint32_t>* index, ColumnInput* col) {
  index->clear();
  col->codes.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& v = get(*order[i]);
    auto [it, inserted] = index->try_emplace(absl::string_view(v.data(), v.size()),
                                             static_cast<uint32_t>(col->dict.size()));
    if (inserted) col->dict.push_back(v);
    col->codes[i] = it->second;
  }
}

std::vector<ColumnInput> EmptyColumns(const std::vector<ColumnSchema>& schema) {
  std::vector<ColumnInput> cols(schema.size());
  for (size_t c = 0; c < schema.size(); ++c) cols[c].schema = schema[c];
  return cols;
}

}  // namespace

std::vector<ColumnInput> SessionRowsToColumns(absl::Span<const SessionRow> rows) {
  STRATA_CHECK(!rows.empty(), "SessionRowsToColumns needs rows");
  std::vector<const SessionRow*> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = &rows[i];
  std::sort(order.begin(), order.end(), [](const SessionRow* a, const SessionRow* b) {
    if (a->merchant != b->merchant) return a->merchant < b->merchant;
    if (a->start_us != b->start_us) return a->start_us < b->start_us;
    return a->session_id < b->session_id;
  });

  std::vector<ColumnInput> cols = EmptyColumns(SessionSchema());
  absl::flat_hash_map<absl::string_view, uint32_t> index;
  auto strings = [&](int c, std::string SessionRow::*field) {
    FillStrings(
        order, [field](const SessionRow& r) -> const std::string& { return r.*field; }, &index,
        &cols[c]);
  };
  auto ints = [&](int c, auto get) { FillInts(order, get, &cols[c]); };
  strings(kSesSessionId, &SessionRow::session_id);
  ints(kSesMerchant, [](const SessionRow& r) { return r.merchant; });
  ints(kSesClient, [](const SessionRow& r) { return r.client; });
  strings(kSesUserId, &SessionRow::user_id);
  ints(kSesStart, [](const SessionRow& r) { return r.start_us; });
  ints(kSesEnd, [](const SessionRow& r) { return r.end_us; });
  ints(kSesDuration, [](const SessionRow& r) { return r.duration_us; });
  ints(kSesEvents, [](const SessionRow& r) { return r.events; });
  ints(kSesPageviews, [](const SessionRow& r) { return r.pageviews; });
  strings(kSesLandingPage, &SessionRow::landing_page);
  strings(kSesExitPage, &SessionRow::exit_page);
  strings(kSesReferrer, &SessionRow::referrer);
  strings(kSesUtmSource, &SessionRow::utm_source);
  strings(kSesUtmMedium, &SessionRow::utm_medium);
  strings(kSesUtmCampaign, &SessionRow::utm_campaign);
  strings(kSesDevice, &SessionRow::device);
  strings(kSesOs, &SessionRow::os);
  strings(kSesBrowser, &SessionRow::browser);
  strings(kSesCountry, &SessionRow::country);
  ints(kSesBounced, [](const SessionRow& r) { return r.bounced ? 1 : 0; });
  ints(kSesEngaged, [](const SessionRow& r) { return r.engaged ? 1 : 0; });
  ints(kSesConverted, [](const SessionRow& r) { return r.converted ? 1 : 0; });
  FillDoubles(
      order, [](const SessionRow& r) { return r.revenue; }, &cols[kSesRevenue]);
  strings(kSesClientSessionId, &SessionRow::client_session_id);
  // Only finalized sessions are stored, so is_open is always false here.
  ints(kSesIsOpen, [](const SessionRow&) { return 0; });
  return cols;
}

std::vector<ColumnInput> PageviewRowsToColumns(absl::Span<const PageviewRow> rows) {
  STRATA_CHECK(!rows.empty(), "PageviewRowsToColumns needs rows");
  std::vector<const PageviewRow*> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = &rows[i];
  // Stable: pageviews of one session with equal ts keep their (event) order.
  std::stable_sort(order.begin(), order.end(), [](const PageviewRow* a, const PageviewRow* b) {
    if (a->merchant != b->merchant) return a->merchant < b->merchant;
    if (a->ts_us != b->ts_us) return a->ts_us < b->ts_us;
    if (a->client != b->client) return a->client < b->client;
    return a->session_id < b->session_id;
  });

  std::vector<ColumnInput> cols = EmptyColumns(PageviewSchema());
  absl::flat_hash_map<absl::string_view, uint32_t> index;
  auto strings = [&](int c, std::string PageviewRow::*field) {
    FillStrings(
        order, [field](const PageviewRow& r) -> const std::string& { return r.*field; }, &index,
        &cols[c]);
  };
  auto ints = [&](int c, auto get) { FillInts(order, get, &cols[c]); };
  ints(kPvMerchant, [](const PageviewRow& r) { return r.merchant; });
  ints(kPvTs, [](const PageviewRow& r) { return r.ts_us; });
  ints(kPvClient, [](const PageviewRow& r) { return r.client; });
  strings(kPvSessionId, &PageviewRow::session_id);
  strings(kPvPage, &PageviewRow::page);
  strings(kPvTitle, &PageviewRow::title);
  strings(kPvReferrer, &PageviewRow::referrer);
  strings(kPvDevice, &PageviewRow::device);
  strings(kPvCountry, &PageviewRow::country);
  ints(kPvTimeOnPage, [](const PageviewRow& r) { return r.time_on_page_us; });
  ints(kPvIsExit, [](const PageviewRow& r) { return r.is_exit ? 1 : 0; });
  return cols;
}

}  // namespace strata::engine
