// Internal to engine/sessions: the sessionizer's state and the helpers its files share.
//
// Per merchant (shared copy-on-write between Sessionizer copies) and per client (shared
// the same way, client_events.h), the held events are kept sorted by (ts, content hash).
// The client's held sessions are the maximal runs of them with no gap above the
// merchant's timeout, so a late event that lands between two runs merges them without any
// bookkeeping. Derived fields are computed only when a run is emitted as a row.
//
// Finalization is driven by a per-merchant min-heap of client deadlines (the end of the
// client's first run plus the timeout). Entries are lazy: an entry is valid only while
// it equals the client's `scheduled` value, and a popped entry whose client has grown
// is rescheduled, so the heap never needs updates when a run is extended.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/sessions/client_events.h"
#include "engine/sessions/event_record.h"
#include "engine/sessions/sessionizer.h"

namespace strata::engine {
namespace sessionizer_internal {

inline int64_t AddSat(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}
inline int64_t SubSat(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  return r;
}
// True if events at `a` <= `b` belong to one session (the gap does not exceed the timeout).
inline bool Joins(int64_t a, int64_t b, int64_t timeout_us) {
  return static_cast<uint64_t>(b) - static_cast<uint64_t>(a) <= static_cast<uint64_t>(timeout_us);
}

struct ClientSlot {
  ClientEvents events;    // never empty
  int64_t scheduled = 0;  // deadline of the client's valid heap entry
};

struct Deadline {
  int64_t at = 0;  // the client's first run is final once watermark - lateness > at
  uint32_t client = 0;
};

struct MerchantState {
  std::shared_ptr<const MerchantSettings> settings;
  int64_t timeout_us = 0;  // settings->session_timeout_us, at least 0
  absl::flat_hash_map<uint32_t, ClientSlot> clients;
  std::vector<Deadline> heap;  // min-heap on `at` (PushDeadline / PopDeadline)
  uint64_t held_events = 0;
  uint64_t held_sessions = 0;
  bool touched = false;  // events added since the last Advance (settings are re-read then)
};

void PushDeadline(MerchantState* m, Deadline d);
Deadline PopDeadline(MerchantState* m);

// Index one past the end of the run (session) starting at `begin`.
inline size_t RunEnd(absl::Span<const HeldEvent> ev, size_t begin, int64_t timeout_us) {
  size_t end = begin + 1;
  while (end < ev.size() && Joins(ev[end - 1].ts, ev[end].ts, timeout_us)) ++end;
  return end;
}

// Number of runs (held sessions) of `events`.
uint64_t CountRuns(absl::Span<const HeldEvent> events, int64_t timeout_us);

// Recomputes the counts and the heap of `m` from its clients (after decoding, or when
// the merchant's timeout changed).
void RebuildSchedule(MerchantState* m);

// One session to emit: events [begin, end) of a client.
struct RunRef {
  uint32_t merchant = 0;
  uint32_t client = 0;
  int64_t start = 0;
  uint64_t id_hash = 0;  // SessionIdHash(client_id, start)
  const MerchantState* m = nullptr;
  const ClientEvents* c = nullptr;
  size_t begin = 0;
  size_t end = 0;
  bool is_open = false;
};

RunRef MakeRunRef(uint32_t merchant, uint32_t client, const MerchantState& m, const ClientEvents& c,
                  size_t begin, size_t end, bool is_open);

// A parsed event record (EmitRun's scratch).
struct ParsedEvent {
  double value = 0;
  Fields fields;
};

// Appends the session of `run` and its pageviews (in event order); either output may be
// null. `scratch` is reused across calls.
void EmitRun(const RunRef& run, std::vector<ParsedEvent>* scratch,
             std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews);
// Emits `runs` ordered by (merchant, start, session_id); nothing if both outputs are null.
void EmitRuns(const std::vector<RunRef>& runs, std::vector<ParsedEvent>* scratch,
              std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews);

// The session id for a client's session starting at `start_us`: 16 lowercase hex digits
// of SessionIdHash.
uint64_t SessionIdHash(std::string_view client_id, int64_t start_us);
std::string SessionIdText(uint64_t id_hash);
inline std::string SessionId(std::string_view client_id, int64_t start_us) {
  return SessionIdText(SessionIdHash(client_id, start_us));
}

}  // namespace sessionizer_internal

struct Sessionizer::State {
  explicit State(SessionizerOptions o) : options(std::move(o)) {}
  State(const State& o);
  State& operator=(const State&) = delete;

  SessionizerOptions options;
  int64_t watermark = std::numeric_limits<int64_t>::min();
  int64_t max_seen = std::numeric_limits<int64_t>::min();  // highest ts added
  uint64_t late_events = 0;
  std::vector<LateEvent> late;  // since the last TakeLateEvents
  absl::flat_hash_map<uint32_t, std::shared_ptr<sessionizer_internal::MerchantState>> merchants;

  // The last merchant Add touched (flush parts come sorted by merchant). The slot stays
  // valid until `merchants` is rehashed or the merchant erased, which reset it.
  uint32_t cached_merchant = 0;
  std::shared_ptr<sessionizer_internal::MerchantState>* cached_slot = nullptr;

  // Advance's buffers, kept to avoid reallocating them per call (not copied).
  struct Removal {
    sessionizer_internal::MerchantState* m;
    uint32_t client;
    size_t final_events;  // a prefix of the client's events
  };
  std::vector<sessionizer_internal::RunRef> runs;
  std::vector<Removal> removals;
  std::vector<std::pair<uint32_t, sessionizer_internal::MerchantState*>> changed;
  std::vector<sessionizer_internal::ParsedEvent> parsed;

  // Events older than this are too late.
  int64_t Cutoff() const {
    return sessionizer_internal::SubSat(watermark, options.allowed_lateness_us);
  }
  std::shared_ptr<const MerchantSettings> Resolve(uint32_t merchant) const;
  // A fresh merchant state with its settings.
  std::shared_ptr<sessionizer_internal::MerchantState> NewMerchant(uint32_t merchant) const;
  // The merchant's state, owned by this Sessionizer alone (cloned if shared), created if
  // absent.
  sessionizer_internal::MerchantState& Mutable(uint32_t merchant);
};

}  // namespace strata::engine
