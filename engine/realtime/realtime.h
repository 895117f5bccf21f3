// Realtime state: who is on each merchant's site right now.
//
// Per merchant the tracker keeps, for every client seen in the last 30 minutes (of the
// newest event time or the wall clock, whichever is later), its latest event time, and its
// latest page_view (time, page) and latest event with an item_id (time, item). From these:
// - active users in a window w (1, 5, 30 minutes): clients whose latest event ts is in
//   (now - w, now];
// - active pages: pages whose viewers' latest page_view is in the window; a page's
//   viewers = clients whose latest page_view is that page and in the window; top N by
//   viewers (ties by page);
// - items the same way from each client's latest item event.
// `now` is the caller's (the query's now(), or the wall clock for the Redis mirror).
// Events older than 30 minutes before the newest seen are ignored; an event older than a
// client's latest does not move it back.
//
// The engine calls Observe from the write path for each committed event (and WAL replay,
// and from the last 30 minutes of segments at open), so the state is fresh the moment an
// append returns.
//
// Thread safety: all methods are thread-safe (striped locks by merchant).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::engine {

inline constexpr int64_t kRealtimeWindowsUs[] = {60'000'000, 300'000'000, 1'800'000'000};

struct RealtimeCount {
  std::string key;  // page or item_id
  int64_t viewers = 0;
};

struct RealtimeWindow {
  int64_t window_us = 0;
  int64_t active_users = 0;
  std::vector<RealtimeCount> pages;  // by viewers desc, then key; at most top_n
  std::vector<RealtimeCount> items;
};

struct RealtimeSummary {
  uint32_t merchant = 0;
  std::vector<RealtimeWindow> windows;  // one per kRealtimeWindowsUs, in that order
};

class RealtimeTracker {
 public:
  RealtimeTracker();
  ~RealtimeTracker();
  RealtimeTracker(const RealtimeTracker&) = delete;
  RealtimeTracker& operator=(const RealtimeTracker&) = delete;

  void Observe(uint32_t merchant, uint32_t client, int64_t ts_us, std::string_view event,
               std::string_view page, std::string_view item_id);
  // top_n = 0 means every page/item.
  RealtimeSummary Summarize(uint32_t merchant, int64_t now_us, size_t top_n) const;
  // Merchants observed since the last call (for the Redis mirror), in no particular order.
  std::vector<uint32_t> TakeChangedMerchants();
  // Merchants with any client held.
  std::vector<uint32_t> Merchants() const;
  // Drops clients older than 30 minutes before max(newest event ts, now_us).
  void Expire(int64_t now_us);
  size_t clients() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::engine
