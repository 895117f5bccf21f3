// The sessionizer's state helpers: the deadline heap, counts, session ids, run order.
#include <algorithm>

#include "engine/sessions/sessionizer_state.h"

namespace strata::engine {
namespace sessionizer_internal {

namespace {

bool DeadlineAfter(const Deadline& a, const Deadline& b) { return a.at > b.at; }

}  // namespace

void PushDeadline(MerchantState* m, Deadline d) {
  m->heap.push_back(d);
  std::push_heap(m->heap.begin(), m->heap.end(), DeadlineAfter);
}

Deadline PopDeadline(MerchantState* m) {
  std::pop_heap(m->heap.begin(), m->heap.end(), DeadlineAfter);
  Deadline d = m->heap.back();
  m->heap.pop_back();
  return d;
}

uint64_t CountRuns(absl::Span<const HeldEvent> events, int64_t timeout_us) {
  uint64_t runs = events.empty() ? 0 : 1;
  for (size_t i = 1; i < events.size(); ++i)
    if (!Joins(events[i - 1].ts, events[i].ts, timeout_us)) ++runs;
  return runs;
}

void RebuildSchedule(MerchantState* m) {
  m->heap.clear();
  m->held_events = 0;
  m->held_sessions = 0;
  for (auto& [id, slot] : m->clients) {
    absl::Span<const HeldEvent> ev = slot.events.events();
    m->held_events += ev.size();
    m->held_sessions += CountRuns(ev, m->timeout_us);
    size_t end = RunEnd(ev, 0, m->timeout_us);
    slot.scheduled = AddSat(ev[end - 1].ts, m->timeout_us);
    PushDeadline(m, {slot.scheduled, id});
  }
}

uint64_t SessionIdHash(std::string_view client_id, int64_t start_us) {
  // Two rounds so that nearby starts of one client differ in every digit.
  uint64_t seed = Hash64(reinterpret_cast<const char*>(&start_us), sizeof(start_us), 0x5e55);
  return Hash64(client_id.data(), client_id.size(), seed);
}

std::string SessionIdText(uint64_t h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[i] = kHex[h & 0xf];
    h >>= 4;
  }
  return id;
}

RunRef MakeRunRef(uint32_t merchant, uint32_t client, const MerchantState& m, const ClientEvents& c,
                  size_t begin, size_t end, bool is_open) {
  RunRef r;
  r.merchant = merchant;
  r.client = client;
  r.start = c.events()[begin].ts;
  r.id_hash = SessionIdHash(c.client_id(), r.start);
  r.m = &m;
  r.c = &c;
  r.begin = begin;
  r.end = end;
  r.is_open = is_open;
  return r;
}

}  // namespace sessionizer_internal
}  // namespace strata::engine
