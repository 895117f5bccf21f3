// Derived rows: a held session's events (sorted) -> its SessionRow and PageviewRows, per the
// metric definitions in session_rows.h.
#include <algorithm>
#include <cmath>

#include "engine/sessions/sessionizer_state.h"

namespace strata::engine {
namespace sessionizer_internal {

namespace {

// Session attributes taken from the first event that has them, and where they go.
constexpr Field kFirstNonEmpty[] = {kFUserId,    kFSessionId,   kFReferrer, kFUtmSource,
                                    kFUtmMedium, kFUtmCampaign, kFDevice,   kFOs,
                                    kFBrowser,   kFCountry};

std::string SessionRow::*AttributeField(Field f) {
  switch (f) {
    case kFUserId:
      return &SessionRow::user_id;
    case kFSessionId:
      return &SessionRow::client_session_id;
    case kFReferrer:
      return &SessionRow::referrer;
    case kFUtmSource:
      return &SessionRow::utm_source;
    case kFUtmMedium:
      return &SessionRow::utm_medium;
    case kFUtmCampaign:
      return &SessionRow::utm_campaign;
    case kFDevice:
      return &SessionRow::device;
    case kFOs:
      return &SessionRow::os;
    case kFBrowser:
      return &SessionRow::browser;
    default:
      return &SessionRow::country;
  }
}

}  // namespace

void EmitRun(const RunRef& run, std::vector<ParsedEvent>* scratch,
             std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews) {
  if (sessions == nullptr && pageviews == nullptr) return;
  const ClientEvents& c = *run.c;
  absl::Span<const HeldEvent> ev = c.events();
  const size_t n = run.end - run.begin;
  scratch->resize(std::max(scratch->size(), n));
  size_t first_view = n, last_view = n;
  int64_t views = 0;
  for (size_t i = 0; i < n; ++i) {
    ParsedEvent& p = (*scratch)[i];
    ParseRecord(c.from(ev[run.begin + i]), &p.value, &p.fields);
    if (p.fields[kFEvent] == kPageView) {
      if (first_view == n) first_view = i;
      last_view = i;
      ++views;
    }
  }
  const ParsedEvent* parsed = scratch->data();
  std::string session_id = SessionIdText(run.id_hash);

  if (pageviews != nullptr && views > 0) {
    for (size_t i = first_view; i <= last_view; ++i) {
      const Fields& f = parsed[i].fields;
      if (f[kFEvent] != kPageView) continue;
      PageviewRow& row = pageviews->emplace_back();
      row.merchant = run.merchant;
      row.ts_us = ev[run.begin + i].ts;
      row.client = run.client;
      row.client_id.assign(c.client_id());
      row.session_id = session_id;
      row.page.assign(f[kFPage]);
      row.title.assign(f[kFTitle]);
      row.referrer.assign(f[kFReferrer]);
      row.device.assign(f[kFDevice]);
      row.country.assign(f[kFCountry]);
      row.time_on_page_us = i + 1 < n ? ev[run.begin + i + 1].ts - row.ts_us : -1;
      row.is_exit = i == last_view;
    }
  }
  if (sessions == nullptr) return;

  const MerchantSettings& settings = *run.m->settings;
  SessionRow& row = sessions->emplace_back();
  bool converted = false;
  double revenue = 0;
  for (size_t i = 0; i < n; ++i) {
    if (settings.IsConversion(parsed[i].fields[kFEvent])) {
      converted = true;
      if (!std::isnan(parsed[i].value)) revenue += parsed[i].value;
    }
  }
  for (Field a : kFirstNonEmpty) {
    for (size_t i = 0; i < n; ++i) {
      std::string_view v = parsed[i].fields[a];
      if (!v.empty()) {
        (row.*AttributeField(a)).assign(v);
        break;
      }
    }
  }
  const std::string_view first_event = parsed[0].fields[kFEvent];
  row.session_id = std::move(session_id);
  row.merchant = run.merchant;
  row.client = run.client;
  row.client_id.assign(c.client_id());
  row.start_us = run.start;
  row.end_us = ev[run.end - 1].ts;
  row.duration_us = row.end_us - row.start_us;
  row.events = static_cast<int64_t>(n);
  row.pageviews = views;
  if (views > 0) {
    row.landing_page.assign(parsed[first_view].fields[kFPage]);
    row.exit_page.assign(parsed[last_view].fields[kFPage]);
  }
  row.bounced = n == 1 && (first_event == kPageView || first_event == kAppOpen);
  row.converted = converted;
  row.revenue = revenue;
  row.engaged = row.duration_us >= 10 * kMicrosPerSecond || views >= 2 || converted;
  row.is_open = run.is_open;
}

void EmitRuns(const std::vector<RunRef>& runs, std::vector<ParsedEvent>* scratch,
              std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews) {
  if (sessions == nullptr && pageviews == nullptr) return;
  // Sorting small keys moves less than sorting the runs. The id's hex digits sort as its
  // hash does, so this is (merchant, start, session_id) order.
  struct Key {
    uint32_t merchant;
    uint32_t index;
    int64_t start;
    uint64_t id_hash;
  };
  std::vector<Key> keys(runs.size());
  for (size_t i = 0; i < runs.size(); ++i)
    keys[i] = {runs[i].merchant, static_cast<uint32_t>(i), runs[i].start, runs[i].id_hash};
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.merchant != b.merchant) return a.merchant < b.merchant;
    if (a.start != b.start) return a.start < b.start;
    return a.id_hash < b.id_hash;
  });
  if (sessions != nullptr) sessions->reserve(sessions->size() + runs.size());
  for (const Key& k : keys) EmitRun(runs[k.index], scratch, sessions, pageviews);
}

}  // namespace sessionizer_internal
}  // namespace strata::engine
