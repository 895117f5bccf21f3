#include "query/live_rows.h"

#include <algorithm>

#include "common/status.h"
#include "engine/sessions/live_sessions.h"

namespace strata::query {
namespace {

using engine::PageviewRow;
using engine::SessionRow;

int64_t IntOf(const SessionRow& r, int column) {
  switch (column) {
    case engine::kSesMerchant:
      return r.merchant;
    case engine::kSesClient:
      return r.client;
    case engine::kSesStart:
      return r.start_us;
    case engine::kSesEnd:
      return r.end_us;
    case engine::kSesDuration:
      return r.duration_us;
    case engine::kSesEvents:
      return r.events;
    case engine::kSesPageviews:
      return r.pageviews;
    case engine::kSesBounced:
      return r.bounced;
    case engine::kSesEngaged:
      return r.engaged;
    case engine::kSesConverted:
      return r.converted;
    case engine::kSesIsOpen:
      return r.is_open;
    default:
      return 0;
  }
}

std::string_view StringOf(const SessionRow& r, int column) {
  switch (column) {
    case engine::kSesSessionId:
      return r.session_id;
    case engine::kSesUserId:
      return r.user_id;
    case engine::kSesLandingPage:
      return r.landing_page;
    case engine::kSesExitPage:
      return r.exit_page;
    case engine::kSesReferrer:
      return r.referrer;
    case engine::kSesUtmSource:
      return r.utm_source;
    case engine::kSesUtmMedium:
      return r.utm_medium;
    case engine::kSesUtmCampaign:
      return r.utm_campaign;
    case engine::kSesDevice:
      return r.device;
    case engine::kSesOs:
      return r.os;
    case engine::kSesBrowser:
      return r.browser;
    case engine::kSesCountry:
      return r.country;
    case engine::kSesClientSessionId:
      return r.client_session_id;
    default:
      return {};
  }
}

double DoubleOf(const SessionRow& r, int /*column: kSesRevenue, the only double*/) {
  return r.revenue;
}

int64_t IntOf(const PageviewRow& r, int column) {
  switch (column) {
    case engine::kPvMerchant:
      return r.merchant;
    case engine::kPvTs:
      return r.ts_us;
    case engine::kPvClient:
      return r.client;
    case engine::kPvTimeOnPage:
      return r.time_on_page_us;
    case engine::kPvIsExit:
      return r.is_exit;
    default:
      return 0;
  }
}

std::string_view StringOf(const PageviewRow& r, int column) {
  switch (column) {
    case engine::kPvSessionId:
      return r.session_id;
    case engine::kPvPage:
      return r.page;
    case engine::kPvTitle:
      return r.title;
    case engine::kPvReferrer:
      return r.referrer;
    case engine::kPvDevice:
      return r.device;
    case engine::kPvCountry:
      return r.country;
    default:
      return {};
  }
}

double DoubleOf(const PageviewRow& /*r*/, int /*column: pageviews have no doubles*/) { return 0; }

// The Scanner's row test: time range, then every predicate (IN on strings, inclusive
// ranges on integers).
template <typename Row>
void KeepMatching(const engine::ScanSpec& spec, int time_column, std::vector<Row>* rows) {
  auto matches = [&](const Row& r) {
    const int64_t t = IntOf(r, time_column);
    if (t < spec.min_ts || t > spec.max_ts) return false;
    for (const engine::ScanPredicate& p : spec.predicates) {
      if (p.op == engine::ScanPredicate::Op::kRange) {
        const int64_t v = IntOf(r, p.column);
        if (v < p.lo || v > p.hi) return false;
      } else if (std::find(p.values.begin(), p.values.end(), StringOf(r, p.column)) ==
                 p.values.end()) {
        return false;
      }
    }
    return true;
  };
  rows->erase(std::remove_if(rows->begin(), rows->end(), [&](const Row& r) { return !matches(r); }),
              rows->end());
}

template <typename Row, typename Get, typename T>
void Gather(const std::vector<Row>& rows, size_t begin, size_t end, Get get, std::vector<T>* out) {
  out->resize(end - begin);
  for (size_t i = begin; i < end; ++i) (*out)[i - begin] = get(rows[i]);
}

}  // namespace

absl::Status LiveRows::Load(const engine::Snapshot& snap, const engine::ScanSpec& spec,
                            uint32_t merchant) {
  table_ = spec.table;
  sessions_.clear();
  pageviews_.clear();
  if (table_ == engine::ScanTable::kSessions) {
    RETURN_IF_ERROR(engine::LiveSessions(snap, merchant, &sessions_, nullptr));
    KeepMatching(spec, engine::kSesStart, &sessions_);
  } else {
    RETURN_IF_ERROR(engine::LiveSessions(snap, merchant, nullptr, &pageviews_));
    KeepMatching(spec, engine::kPvTs, &pageviews_);
  }
  return absl::OkStatus();
}

size_t LiveRows::size() const {
  return table_ == engine::ScanTable::kSessions ? sessions_.size() : pageviews_.size();
}

void LiveRows::Ints(int column, size_t begin, size_t end, std::vector<int64_t>* out) const {
  if (table_ == engine::ScanTable::kSessions) {
    Gather(
        sessions_, begin, end, [column](const SessionRow& r) { return IntOf(r, column); }, out);
  } else {
    Gather(
        pageviews_, begin, end, [column](const PageviewRow& r) { return IntOf(r, column); }, out);
  }
}

void LiveRows::Doubles(int column, size_t begin, size_t end, std::vector<double>* out) const {
  if (table_ == engine::ScanTable::kSessions) {
    Gather(
        sessions_, begin, end, [column](const SessionRow& r) { return DoubleOf(r, column); }, out);
  } else {
    Gather(
        pageviews_, begin, end, [column](const PageviewRow& r) { return DoubleOf(r, column); },
        out);
  }
}

void LiveRows::Strings(int column, size_t begin, size_t end,
                       std::vector<std::string_view>* out) const {
  if (table_ == engine::ScanTable::kSessions) {
    Gather(
        sessions_, begin, end, [column](const SessionRow& r) { return StringOf(r, column); }, out);
  } else {
    Gather(
        pageviews_, begin, end, [column](const PageviewRow& r) { return StringOf(r, column); },
        out);
  }
}

}  // namespace strata::query
