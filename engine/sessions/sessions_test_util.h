// Test helpers for engine/sessions: owned events, dense ids, and row comparisons.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/event.h"
#include "engine/sessions/session_rows.h"
#include "engine/sessions/sessionizer.h"

namespace strata::engine {

// Readable gtest output for row mismatches (found by ADL).
inline void PrintTo(const SessionRow& r, std::ostream* os) {
  *os << "{id=" << r.session_id << " m=" << r.merchant << " c=" << r.client
      << " cid=" << r.client_id << " user=" << r.user_id << " start=" << r.start_us
      << " end=" << r.end_us << " dur=" << r.duration_us << " events=" << r.events
      << " pv=" << r.pageviews << " landing=" << r.landing_page << " exit=" << r.exit_page
      << " ref=" << r.referrer << " utm=" << r.utm_source << "/" << r.utm_medium << "/"
      << r.utm_campaign << " dev=" << r.device << " os=" << r.os << " br=" << r.browser
      << " cc=" << r.country << " b/e/c=" << r.bounced << r.engaged << r.converted
      << " rev=" << r.revenue << " csid=" << r.client_session_id << " open=" << r.is_open << "}";
}
inline void PrintTo(const PageviewRow& r, std::ostream* os) {
  *os << "{m=" << r.merchant << " ts=" << r.ts_us << " c=" << r.client << " cid=" << r.client_id
      << " sid=" << r.session_id << " page=" << r.page << " title=" << r.title
      << " ref=" << r.referrer << " dev=" << r.device << " cc=" << r.country
      << " top=" << r.time_on_page_us << " exit=" << r.is_exit << "}";
}

}  // namespace strata::engine

namespace strata::engine::testing_util {

inline constexpr int64_t kT0 = 1793491200000000;  // 2026-11-01T00:00:00Z
inline int64_t Sec(double s) { return kT0 + static_cast<int64_t>(s * 1e6); }

// An event with its dense ids, owning its strings.
struct TestEvent {
  uint32_t merchant = 0;
  uint32_t client = 0;
  Event e;
};

inline SessionEvent View(const TestEvent& t) {
  SessionEvent s;
  s.merchant = t.merchant;
  s.client = t.client;
  s.client_id = t.e.client_id;
  s.ts_us = t.e.ts_us;
  s.event = t.e.event;
  s.user_id = t.e.user_id;
  s.session_id = t.e.session_id;
  s.page = t.e.page;
  s.title = t.e.title;
  s.referrer = t.e.referrer;
  s.utm_source = t.e.utm_source;
  s.utm_medium = t.e.utm_medium;
  s.utm_campaign = t.e.utm_campaign;
  s.device = t.e.device;
  s.os = t.e.os;
  s.browser = t.e.browser;
  s.country = t.e.country;
  s.value = t.e.value;
  return s;
}

// A page_view (or other event) of client `client` ("c<client>") of merchant 0.
inline TestEvent Ev(uint32_t client, double at_seconds, std::string event = "page_view",
                    std::string page = "") {
  TestEvent t;
  t.client = client;
  t.e.client_id = "c" + std::to_string(client);
  t.e.ts_us = Sec(at_seconds);
  t.e.event = std::move(event);
  t.e.page = std::move(page);
  return t;
}

// Assigns dense ids in first-seen order, as the catalog does.
class DenseIds {
 public:
  TestEvent Make(const Event& e) {
    TestEvent t;
    auto [m, new_m] = merchants_.try_emplace(e.merchant, static_cast<uint32_t>(merchants_.size()));
    if (new_m) clients_.emplace_back();
    t.merchant = m->second;
    auto& clients = clients_[t.merchant];
    t.client =
        clients.try_emplace(e.client_id, static_cast<uint32_t>(clients.size())).first->second;
    t.e = e;
    return t;
  }
  uint32_t merchant_count() const { return static_cast<uint32_t>(merchants_.size()); }

 private:
  absl::flat_hash_map<std::string, uint32_t> merchants_;
  std::vector<absl::flat_hash_map<std::string, uint32_t>> clients_;
};

inline void SortSessions(std::vector<SessionRow>* rows) {
  std::sort(rows->begin(), rows->end(), [](const SessionRow& a, const SessionRow& b) {
    return std::tie(a.merchant, a.start_us, a.session_id) <
           std::tie(b.merchant, b.start_us, b.session_id);
  });
}

inline void SortPageviews(std::vector<PageviewRow>* rows) {
  std::stable_sort(rows->begin(), rows->end(), [](const PageviewRow& a, const PageviewRow& b) {
    return std::tie(a.merchant, a.ts_us, a.client, a.session_id) <
           std::tie(b.merchant, b.ts_us, b.client, b.session_id);
  });
}

// Everything a sessionizer produced: final rows from every Advance, then the live rows of
// every merchant (is_open cleared, so closed and final rows compare equal).
struct Produced {
  std::vector<SessionRow> sessions;
  std::vector<PageviewRow> pageviews;
};

inline void DrainLive(const Sessionizer& s, uint32_t merchants, Produced* out) {
  for (uint32_t m = 0; m < merchants; ++m) s.LiveRows(m, &out->sessions, &out->pageviews);
  for (SessionRow& r : out->sessions) r.is_open = false;
}

}  // namespace strata::engine::testing_util
