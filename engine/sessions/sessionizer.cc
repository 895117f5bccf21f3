#include "engine/sessions/sessionizer.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "engine/sessions/sessionizer_state.h"

namespace strata::engine {

using sessionizer_internal::AddSat;
using sessionizer_internal::ClientEvents;
using sessionizer_internal::ClientSlot;
using sessionizer_internal::Deadline;
using sessionizer_internal::HeldEvent;
using sessionizer_internal::Joins;
using sessionizer_internal::MerchantState;
using sessionizer_internal::RunEnd;
using sessionizer_internal::RunRef;

namespace {

// A client whose events are all being removed: no heap entry can match it.
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

const std::shared_ptr<const MerchantSettings>& DefaultSettings() {
  static const auto* kDefaults =
      new std::shared_ptr<const MerchantSettings>(std::make_shared<MerchantSettings>());
  return *kDefaults;
}

MerchantState& MakeUnique(std::shared_ptr<MerchantState>* slot) {
  // Only this Sessionizer can add holders of its own pointers (a const Sessionizer being
  // copied is not being mutated), so a count of 1 cannot grow behind our back.
  if (slot->use_count() > 1) *slot = std::make_shared<MerchantState>(**slot);
  return **slot;
}

// Re-reads the merchant's settings; a changed timeout regroups its held events.
void RefreshSettings(const Sessionizer::State& s, uint32_t merchant, MerchantState* m) {
  std::shared_ptr<const MerchantSettings> settings = s.Resolve(merchant);
  int64_t timeout = std::max<int64_t>(0, settings->session_timeout_us);
  m->settings = std::move(settings);
  if (timeout == m->timeout_us) return;
  m->timeout_us = timeout;
  sessionizer_internal::RebuildSchedule(m);
}

}  // namespace

Sessionizer::State::State(const State& o)
    : options(o.options),
      watermark(o.watermark),
      max_seen(o.max_seen),
      late_events(o.late_events),
      late(o.late),
      merchants(o.merchants) {}

std::shared_ptr<const MerchantSettings> Sessionizer::State::Resolve(uint32_t merchant) const {
  if (options.settings) {
    std::shared_ptr<const MerchantSettings> s = options.settings(merchant);
    if (s != nullptr) return s;
  }
  return DefaultSettings();
}

std::shared_ptr<MerchantState> Sessionizer::State::NewMerchant(uint32_t merchant) const {
  auto m = std::make_shared<MerchantState>();
  m->settings = Resolve(merchant);
  m->timeout_us = std::max<int64_t>(0, m->settings->session_timeout_us);
  return m;
}

MerchantState& Sessionizer::State::Mutable(uint32_t merchant) {
  if (cached_slot == nullptr || cached_merchant != merchant) {
    auto [it, inserted] = merchants.try_emplace(merchant);
    if (inserted) it->second = NewMerchant(merchant);
    cached_merchant = merchant;
    cached_slot = &it->second;
  }
  return MakeUnique(cached_slot);
}

Sessionizer::Sessionizer(SessionizerOptions options)
    : state_(std::make_unique<State>(std::move(options))) {
  state_->options.allowed_lateness_us = std::max<int64_t>(0, state_->options.allowed_lateness_us);
}
Sessionizer::~Sessionizer() = default;
Sessionizer::Sessionizer(const Sessionizer& o) : state_(std::make_unique<State>(*o.state_)) {}
Sessionizer& Sessionizer::operator=(const Sessionizer& o) {
  if (this != &o) state_ = std::make_unique<State>(*o.state_);
  return *this;
}
Sessionizer::Sessionizer(Sessionizer&&) noexcept = default;
Sessionizer& Sessionizer::operator=(Sessionizer&&) noexcept = default;

void Sessionizer::Add(const SessionEvent& e) {
  State& s = *state_;
  if (e.ts_us < s.Cutoff()) {
    ++s.late_events;
    s.late.push_back({e.merchant, e.client, e.ts_us});
    return;
  }
  if (e.ts_us > s.max_seen) s.max_seen = e.ts_us;
  MerchantState& m = s.Mutable(e.merchant);
  m.touched = true;
  const int64_t timeout = m.timeout_us;

  auto [it, fresh] = m.clients.try_emplace(e.client);
  ClientSlot& slot = it->second;
  if (fresh) slot.events = ClientEvents(e.client_id);
  const sessionizer_internal::RecordPlan plan = sessionizer_internal::PlanRecord(e);
  char* record = slot.events.PrepareRecord(plan.size);
  sessionizer_internal::WriteRecord(plan, record);
  const uint64_t hash = sessionizer_internal::Hash64(record, plan.size, 0);
  const size_t pos = slot.events.Insert(e.ts_us, hash, plan.size);
  absl::Span<const HeldEvent> ev = slot.events.events();

  // Held sessions: +1 for the new event, -1 per neighbour it joins, +1 if it bridges a
  // gap its neighbours did not.
  const bool has_prev = pos > 0;
  const bool has_next = pos + 1 < ev.size();
  int64_t delta = 1;
  if (has_prev && Joins(ev[pos - 1].ts, e.ts_us, timeout)) --delta;
  if (has_next && Joins(e.ts_us, ev[pos + 1].ts, timeout)) --delta;
  if (has_prev && has_next && Joins(ev[pos - 1].ts, ev[pos + 1].ts, timeout)) ++delta;
  m.held_sessions += delta;
  ++m.held_events;

  // Deadlines only ever move later, which the lazy heap handles, except when the event
  // starts a new first run: then the client's deadline moves earlier.
  if (fresh || (pos == 0 && !Joins(e.ts_us, ev[1].ts, timeout))) {
    int64_t deadline = AddSat(e.ts_us, timeout);
    if (fresh || deadline < slot.scheduled) {
      slot.scheduled = deadline;
      sessionizer_internal::PushDeadline(&m, {deadline, e.client});
    }
  }
}

void Sessionizer::Advance(std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews) {
  State& s = *state_;
  s.watermark = std::max(s.watermark, s.max_seen);
  const int64_t cutoff = s.Cutoff();

  // 1. Find the final runs; nothing is removed yet, so the runs can point at the events.
  std::vector<RunRef>& runs = s.runs;
  std::vector<State::Removal>& removals = s.removals;
  std::vector<std::pair<uint32_t, MerchantState*>>& changed = s.changed;
  runs.clear();
  removals.clear();
  changed.clear();
  for (auto& [merchant, merchant_slot] : s.merchants) {
    if (merchant_slot->touched) {
      MerchantState& m = MakeUnique(&merchant_slot);
      m.touched = false;
      RefreshSettings(s, merchant, &m);
    }
    if (merchant_slot->heap.empty() || merchant_slot->heap.front().at >= cutoff) continue;
    MerchantState& m = MakeUnique(&merchant_slot);
    changed.emplace_back(merchant, &m);
    const int64_t timeout = m.timeout_us;
    while (!m.heap.empty() && m.heap.front().at < cutoff) {
      Deadline d = sessionizer_internal::PopDeadline(&m);
      auto it = m.clients.find(d.client);
      if (it == m.clients.end() || it->second.scheduled != d.at) continue;  // stale entry
      ClientSlot& slot = it->second;
      absl::Span<const HeldEvent> ev = slot.events.events();
      size_t begin = 0;
      int64_t deadline = 0;
      while (begin < ev.size()) {
        size_t end = RunEnd(ev, begin, timeout);
        deadline = AddSat(ev[end - 1].ts, timeout);
        if (deadline >= cutoff) break;
        runs.push_back(sessionizer_internal::MakeRunRef(merchant, d.client, m, slot.events, begin,
                                                        end, /*is_open=*/false));
        --m.held_sessions;
        begin = end;
      }
      m.held_events -= begin;
      if (begin > 0) removals.push_back({&m, d.client, begin});
      if (begin == ev.size()) {
        slot.scheduled = kNever;  // removed below; no entry may match it meanwhile
      } else {
        slot.scheduled = deadline;
        sessionizer_internal::PushDeadline(&m, {deadline, d.client});
      }
    }
  }

  // 2. Emit them in order.
  sessionizer_internal::EmitRuns(runs, &s.parsed, sessions, pageviews);

  // 3. Remove them.
  for (const State::Removal& r : removals) {
    auto it = r.m->clients.find(r.client);
    if (r.final_events == it->second.events.size()) {
      r.m->clients.erase(it);
    } else {
      it->second.events.EraseFront(r.final_events);
    }
  }
  bool erased = false;
  for (auto [merchant, m] : changed) {
    if (!m->clients.empty()) continue;
    s.merchants.erase(merchant);
    erased = true;
  }
  if (erased) s.cached_slot = nullptr;
}

void Sessionizer::LiveRows(uint32_t merchant, std::vector<SessionRow>* sessions,
                           std::vector<PageviewRow>* pageviews) const {
  const State& s = *state_;
  auto found = s.merchants.find(merchant);
  if (found == s.merchants.end()) return;
  const MerchantState& m = *found->second;
  std::vector<RunRef> runs;
  runs.reserve(m.held_sessions);
  for (const auto& [client, slot] : m.clients) {
    absl::Span<const HeldEvent> ev = slot.events.events();
    size_t begin = 0;
    while (begin < ev.size()) {
      size_t end = RunEnd(ev, begin, m.timeout_us);
      bool is_open = !(s.watermark > AddSat(ev[end - 1].ts, m.timeout_us));
      runs.push_back(
          sessionizer_internal::MakeRunRef(merchant, client, m, slot.events, begin, end, is_open));
      begin = end;
    }
  }
  std::vector<sessionizer_internal::ParsedEvent> scratch;
  sessionizer_internal::EmitRuns(runs, &scratch, sessions, pageviews);
}

Sessionizer Sessionizer::CopyMerchant(uint32_t merchant) const {
  const State& s = *state_;
  Sessionizer copy(s.options);
  copy.state_->watermark = s.watermark;
  copy.state_->max_seen = s.max_seen;
  copy.state_->late_events = s.late_events;
  auto it = s.merchants.find(merchant);
  if (it != s.merchants.end()) copy.state_->merchants.emplace(merchant, it->second);
  return copy;
}

int64_t Sessionizer::watermark() const { return state_->watermark; }
uint64_t Sessionizer::late_events() const { return state_->late_events; }

std::vector<LateEvent> Sessionizer::TakeLateEvents() {
  std::vector<LateEvent> out;
  out.swap(state_->late);
  return out;
}

size_t Sessionizer::held_sessions() const {
  size_t n = 0;
  for (const auto& [id, m] : state_->merchants) n += m->held_sessions;
  return n;
}

size_t Sessionizer::held_events() const {
  size_t n = 0;
  for (const auto& [id, m] : state_->merchants) n += m->held_events;
  return n;
}

}  // namespace strata::engine
