// The streaming sessionizer of one shard.
//
// The engine feeds it each flushed batch of the shard's events (in any order), then calls
// Advance(), which raises the event-time watermark to the highest ts seen and hands out the
// sessions that can no longer change. Rules (docs/metrics.md, "Sessions"):
// - watermark: the highest event ts the shard has processed (monotonic);
// - an event with ts >= watermark - allowed_lateness (watermark as of before its batch)
//   is sessionized: it joins the held session of its client it is within the timeout of,
//   starts a new one, or bridges two held sessions, which then merge into one;
// - an event older than that is too late: it is not sessionized (it stays in `events`),
//   it is counted in late_events() and reported by TakeLateEvents() so its sessions can be
//   corrected by a rebuild;
// - a held session is closed (is_open = false) once watermark > end + timeout, and final
//   once watermark - allowed_lateness > end + timeout (no allowed event can reach it any
//   more): Advance() removes final sessions from the state and returns them with their
//   pageviews.
// Within the lateness bound the sessions are a pure function of the set of events: the
// same input in any order and any batching yields the same rows.
//
// Copies are cheap (O(merchants)): per-merchant state is shared copy-on-write, so the
// engine publishes a copy after each flush and queries derive live rows from it.
//
// Thread safety: not thread-safe; a const Sessionizer may be read by many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/merchant_settings.h"
#include "engine/sessions/session_rows.h"

namespace strata::engine {

// Settings by dense merchant id (the engine adapts its MerchantSettingsProvider).
using SettingsById = std::function<std::shared_ptr<const MerchantSettings>(uint32_t merchant)>;

struct SessionizerOptions {
  int64_t allowed_lateness_us = 2 * kMicrosPerHour;
  SettingsById settings;  // null = defaults for everyone
};

struct LateEvent {
  uint32_t merchant = 0;
  uint32_t client = 0;
  int64_t ts_us = 0;
  bool operator==(const LateEvent&) const = default;
};

class Sessionizer {
 public:
  explicit Sessionizer(SessionizerOptions options);
  ~Sessionizer();
  Sessionizer(const Sessionizer&);
  Sessionizer& operator=(const Sessionizer&);
  Sessionizer(Sessionizer&&) noexcept;
  Sessionizer& operator=(Sessionizer&&) noexcept;

  // Adds one event against the current watermark (which Add does not move).
  void Add(const SessionEvent& e);
  // Raises the watermark to the highest ts added so far and appends every final session
  // (sorted by merchant, start, session_id) and its pageviews to the outputs.
  void Advance(std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews);

  // Every held session of `merchant` as a live row (is_open set per the rule above), with
  // its pageviews, appended in (start, session_id) order.
  void LiveRows(uint32_t merchant, std::vector<SessionRow>* sessions,
                std::vector<PageviewRow>* pageviews) const;
  // A sessionizer holding only `merchant`'s state (same watermark and options), for a
  // query's live view: the caller adds the merchant's unflushed events to it.
  Sessionizer CopyMerchant(uint32_t merchant) const;

  int64_t watermark() const;                // INT64_MIN before the first Advance
  uint64_t late_events() const;             // too-late events since creation (checkpointed)
  std::vector<LateEvent> TakeLateEvents();  // reported since the last call (not checkpointed)
  size_t held_sessions() const;
  size_t held_events() const;

  // The whole state (watermark, late count, every held session with its events) as bytes,
  // and back. Decode is DataLoss on malformed input. Options are not encoded.
  std::string EncodeCheckpoint() const;
  static absl::StatusOr<Sessionizer> DecodeCheckpoint(std::string_view bytes,
                                                      SessionizerOptions options);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace strata::engine
