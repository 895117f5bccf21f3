#include "engine/realtime/realtime.h"

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace strata::engine {
namespace {

constexpr size_t kWindows = std::size(kRealtimeWindowsUs);
constexpr int64_t kHorizonUs = kRealtimeWindowsUs[kWindows - 1];
// Merchants are spread over this many independently locked stripes (merchant id modulo).
constexpr size_t kStripes = 64;
// A merchant expires its own old clients after this many of its events, or after as many
// events as it kept clients at its last expiry if that is more: the scan costs about one
// client per event and the merchant holds at most about twice its live clients.
constexpr uint64_t kMinEventsBetweenExpiry = 4096;
// An interner is compacted once it holds more than twice the ids its clients can reference.
constexpr size_t kInternerSlack = 64;

constexpr int64_t kNoTs = std::numeric_limits<int64_t>::min();
constexpr uint32_t kNoId = std::numeric_limits<uint32_t>::max();
constexpr std::string_view kPageView = "page_view";

int64_t SaturatingSub(int64_t a, int64_t b) {
  return a < kNoTs + b ? kNoTs : a - b;  // b >= 0
}

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Strings of one merchant (pages or items) as dense ids, so a client stores 4 bytes and
// Observe allocates only for a key it has never seen. The bytes live in a few growing
// chunks (not one heap block per string) so that a lookup touches little memory.
class Interner {
 public:
  uint32_t Intern(std::string_view key) {
    auto it = ids_.find(AbslView(key));
    if (it != ids_.end()) return it->second;
    const absl::string_view stored = Store(key);
    const uint32_t id = static_cast<uint32_t>(names_.size());
    names_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
  }
  absl::string_view Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }
  // Starts loading the memory Intern(key) will read.
  void Prefetch(std::string_view key) const { ids_.prefetch(AbslView(key)); }

  // Keeps only the ids marked in `used`; returns old id -> new id (kNoId for dropped ones).
  std::vector<uint32_t> Compact(const std::vector<bool>& used) {
    std::vector<uint32_t> remap(names_.size(), kNoId);
    Interner kept;
    for (uint32_t id = 0; id < names_.size(); ++id) {
      if (used[id]) remap[id] = kept.Intern(std::string_view(names_[id].data(), names_[id].size()));
    }
    *this = std::move(kept);
    return remap;
  }

 private:
  static constexpr size_t kFirstChunkBytes = 256;
  static constexpr size_t kMaxChunkBytes = 64 << 10;

  absl::string_view Store(std::string_view key) {
    if (chunks_.empty() || chunk_used_ + key.size() > chunk_capacity_) {
      const size_t grown = chunks_.empty() ? kFirstChunkBytes : 2 * chunk_capacity_;
      chunk_capacity_ = std::max(std::min(grown, kMaxChunkBytes), key.size());
      chunks_.push_back(std::make_unique<char[]>(chunk_capacity_));
      chunk_used_ = 0;
    }
    char* bytes = chunks_.back().get() + chunk_used_;
    std::copy(key.begin(), key.end(), bytes);
    chunk_used_ += key.size();
    return absl::string_view(bytes, key.size());
  }

  // Chunks never move or shrink, so the views in names_ and ids_ stay valid.
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0;
  size_t chunk_capacity_ = 0;
  std::vector<absl::string_view> names_;
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
};

struct ClientState {
  int64_t last_ts = kNoTs;
  int64_t last_page_view_ts = kNoTs;
  int64_t last_item_ts = kNoTs;
  uint32_t page = kNoId;  // of the latest page_view, in MerchantState::pages
  uint32_t item = kNoId;  // of the latest event with an item_id, in MerchantState::items
};

struct MerchantState {
  absl::flat_hash_map<uint32_t, ClientState> clients;
  Interner pages;
  Interner items;
  int64_t newest_ts = kNoTs;
  int64_t oldest_kept_ts = kNoTs;  // exclusive: events at or before it are ignored
  uint64_t events_since_expiry = 0;
  uint64_t events_between_expiries = kMinEventsBetweenExpiry;
  bool changed = false;  // listed in Stripe::changed since the last TakeChangedMerchants
};

// Where times fall among the nested windows (now - w, now]: Smallest(ts) is the index of the
// smallest window holding ts, or kWindows (a discard slot) for none. Branch-free: Summarize
// asks three times per client and the answers are unpredictable.
class WindowBounds {
 public:
  explicit WindowBounds(int64_t now_us) : now_us_(now_us) {
    for (size_t w = 0; w < kWindows; ++w) lower_[w] = SaturatingSub(now_us, kRealtimeWindowsUs[w]);
  }
  size_t Smallest(int64_t ts) const {
    size_t outside = 0;
    for (size_t w = 0; w < kWindows; ++w) outside += static_cast<size_t>(ts <= lower_[w]);
    return ts > now_us_ ? kWindows : outside;
  }

 private:
  int64_t now_us_;
  std::array<int64_t, kWindows> lower_;  // exclusive
};

// Counts by window, plus the discard slot WindowBounds::Smallest uses for "none".
using WindowCounts = std::array<int64_t, kWindows + 1>;

// Turns counts by smallest window into counts per (nested) window.
void Accumulate(WindowCounts& counts) {  // the discard slot is left alone
  for (size_t w = 1; w < kWindows; ++w) counts[w] += counts[w - 1];
}

// The keys with viewers in window `w`, by viewers descending then key, at most top_n (0 =
// all). Empty keys (a page_view without a page) are not listed. Only the listed keys are
// copied out.
std::vector<RealtimeCount> TopKeys(const Interner& keys, const std::vector<WindowCounts>& counts,
                                   size_t w, size_t top_n) {
  std::vector<std::pair<int64_t, uint32_t>> ranked;  // viewers, key id
  for (uint32_t id = 0; id < counts.size(); ++id) {
    if (counts[id][w] > 0 && !keys.Name(id).empty()) ranked.emplace_back(counts[id][w], id);
  }
  const size_t listed = top_n == 0 ? ranked.size() : std::min(top_n, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(listed), ranked.end(),
                    [&keys](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first
                                                : keys.Name(a.second) < keys.Name(b.second);
                    });
  std::vector<RealtimeCount> top;
  top.reserve(listed);
  for (size_t i = 0; i < listed; ++i) {
    top.push_back({std::string(keys.Name(ranked[i].second)), ranked[i].first});
  }
  return top;
}

}  // namespace

struct RealtimeTracker::Impl {
  // std::mutex, not absl::Mutex: Debian's Abseil is built with deadlock detection on, which
  // costs ~45 ns per lock, as much as the rest of an Observe of a known client.
  struct alignas(64) Stripe {
    mutable std::mutex mu;
    // Guarded by mu. Merchant ids are the catalog's dense ids: a merchant's state is at
    // merchants[merchant / kStripes], null when none.
    std::vector<std::unique_ptr<MerchantState>> merchants;
    std::vector<uint32_t> changed;  // merchants observed since the last TakeChangedMerchants
    size_t clients = 0;
  };

  Stripe& StripeOf(uint32_t merchant) { return stripes[merchant % kStripes]; }
  const Stripe& StripeOf(uint32_t merchant) const { return stripes[merchant % kStripes]; }

  // REQUIRES: stripe.mu held (for this and the functions below).
  static MerchantState* Find(const Stripe& stripe, uint32_t merchant) {
    const size_t slot = merchant / kStripes;
    return slot < stripe.merchants.size() ? stripe.merchants[slot].get() : nullptr;
  }

  // Drops the merchant's clients last seen at or before 30 minutes before max(newest, now).
  static void ExpireMerchant(Stripe& stripe, MerchantState& m, int64_t now_us) {
    m.events_since_expiry = 0;
    const int64_t cutoff = SaturatingSub(std::max(m.newest_ts, now_us), kHorizonUs);
    stripe.clients -= absl::erase_if(
        m.clients, [cutoff](const auto& entry) { return entry.second.last_ts <= cutoff; });
    CompactIfSparse(m.pages, m.clients, &ClientState::page);
    CompactIfSparse(m.items, m.clients, &ClientState::item);
    m.events_between_expiries = std::max<uint64_t>(kMinEventsBetweenExpiry, m.clients.size());
  }

  static void CompactIfSparse(Interner& keys, absl::flat_hash_map<uint32_t, ClientState>& clients,
                              uint32_t ClientState::*field) {
    if (keys.size() <= 2 * clients.size() + kInternerSlack) return;
    std::vector<bool> used(keys.size(), false);
    for (const auto& [client, state] : clients) {
      if (state.*field != kNoId) used[state.*field] = true;
    }
    const std::vector<uint32_t> remap = keys.Compact(used);
    for (auto& [client, state] : clients) {
      if (state.*field != kNoId) state.*field = remap[state.*field];
    }
  }

  std::array<Stripe, kStripes> stripes;
};

RealtimeTracker::RealtimeTracker() : impl_(std::make_unique<Impl>()) {}
RealtimeTracker::~RealtimeTracker() = default;

void RealtimeTracker::Observe(uint32_t merchant, uint32_t client, int64_t ts_us,
                              std::string_view event, std::string_view page,
                              std::string_view item_id) {
  Impl::Stripe& stripe = impl_->StripeOf(merchant);
  std::lock_guard<std::mutex> lock(stripe.mu);
  const size_t slot = merchant / kStripes;
  if (slot >= stripe.merchants.size()) stripe.merchants.resize(slot + 1);
  if (stripe.merchants[slot] == nullptr) stripe.merchants[slot] = std::make_unique<MerchantState>();
  MerchantState& m = *stripe.merchants[slot];
  if (ts_us > m.newest_ts) {
    m.newest_ts = ts_us;
    m.oldest_kept_ts = std::max(m.oldest_kept_ts, SaturatingSub(ts_us, kHorizonUs));
  } else if (ts_us <= m.oldest_kept_ts) {
    return;  // too old to be in any window of the merchant's present
  }

  // The client, page and item lookups each touch memory that is likely cold (the merchant
  // and its keys are random per event): start the client's and the item's loads, then look
  // the page up while they arrive.
  m.clients.prefetch(client);
  if (!item_id.empty()) m.items.Prefetch(item_id);
  const uint32_t viewed_page = event == kPageView ? m.pages.Intern(page) : kNoId;
  auto [it, inserted] = m.clients.try_emplace(client);
  if (inserted) ++stripe.clients;
  ClientState& c = it->second;
  c.last_ts = std::max(c.last_ts, ts_us);
  // Ties go to the event observed last, the order the write path commits them in.
  if (viewed_page != kNoId && ts_us >= c.last_page_view_ts) {
    c.last_page_view_ts = ts_us;
    c.page = viewed_page;
  }
  if (!item_id.empty() && ts_us >= c.last_item_ts) {
    c.last_item_ts = ts_us;
    c.item = m.items.Intern(item_id);
  }
  if (!m.changed) {
    m.changed = true;
    stripe.changed.push_back(merchant);
  }
  if (++m.events_since_expiry >= m.events_between_expiries) {
    Impl::ExpireMerchant(stripe, m, kNoTs);
  }
}

RealtimeSummary RealtimeTracker::Summarize(uint32_t merchant, int64_t now_us, size_t top_n) const {
  RealtimeSummary summary;
  summary.merchant = merchant;
  summary.windows.resize(kWindows);
  for (size_t w = 0; w < kWindows; ++w) summary.windows[w].window_us = kRealtimeWindowsUs[w];

  const Impl::Stripe& stripe = impl_->StripeOf(merchant);
  std::lock_guard<std::mutex> lock(stripe.mu);
  const MerchantState* found = Impl::Find(stripe, merchant);
  if (found == nullptr) return summary;
  const MerchantState& m = *found;

  // One pass: each client is counted in the smallest window holding it; then the nested
  // windows are running sums.
  WindowCounts users{};
  std::vector<WindowCounts> page_viewers(m.pages.size(), WindowCounts{});
  std::vector<WindowCounts> item_viewers(m.items.size(), WindowCounts{});
  const WindowBounds bounds(now_us);
  const int64_t oldest_counted = SaturatingSub(now_us, kHorizonUs);
  for (const auto& [client, c] : m.clients) {
    // The latest page view and item event are no newer than the latest event.
    if (c.last_ts <= oldest_counted) continue;
    ++users[bounds.Smallest(c.last_ts)];
    if (c.page != kNoId) ++page_viewers[c.page][bounds.Smallest(c.last_page_view_ts)];
    if (c.item != kNoId) ++item_viewers[c.item][bounds.Smallest(c.last_item_ts)];
  }
  Accumulate(users);
  for (WindowCounts& counts : page_viewers) Accumulate(counts);
  for (WindowCounts& counts : item_viewers) Accumulate(counts);
  for (size_t w = 0; w < kWindows; ++w) {
    summary.windows[w].active_users = users[w];
    summary.windows[w].pages = TopKeys(m.pages, page_viewers, w, top_n);
    summary.windows[w].items = TopKeys(m.items, item_viewers, w, top_n);
  }
  return summary;
}

std::vector<uint32_t> RealtimeTracker::TakeChangedMerchants() {
  std::vector<uint32_t> merchants;
  for (Impl::Stripe& stripe : impl_->stripes) {
    std::lock_guard<std::mutex> lock(stripe.mu);
    for (uint32_t merchant : stripe.changed) {
      MerchantState* m = Impl::Find(stripe, merchant);
      if (m != nullptr) m->changed = false;
      merchants.push_back(merchant);
    }
    stripe.changed.clear();  // keeps its capacity: Observe does not allocate to list again
  }
  // A merchant dropped by Expire and observed again is listed twice.
  std::sort(merchants.begin(), merchants.end());
  merchants.erase(std::unique(merchants.begin(), merchants.end()), merchants.end());
  return merchants;
}

std::vector<uint32_t> RealtimeTracker::Merchants() const {
  std::vector<uint32_t> merchants;
  for (size_t stripe_index = 0; stripe_index < kStripes; ++stripe_index) {
    const Impl::Stripe& stripe = impl_->stripes[stripe_index];
    std::lock_guard<std::mutex> lock(stripe.mu);
    for (size_t slot = 0; slot < stripe.merchants.size(); ++slot) {
      const MerchantState* m = stripe.merchants[slot].get();
      if (m != nullptr && !m->clients.empty()) {
        merchants.push_back(static_cast<uint32_t>(slot * kStripes + stripe_index));
      }
    }
  }
  return merchants;
}

void RealtimeTracker::Expire(int64_t now_us) {
  for (Impl::Stripe& stripe : impl_->stripes) {
    std::lock_guard<std::mutex> lock(stripe.mu);
    for (std::unique_ptr<MerchantState>& m : stripe.merchants) {
      if (m == nullptr) continue;
      Impl::ExpireMerchant(stripe, *m, now_us);
      if (m->clients.empty()) m.reset();
    }
  }
}

size_t RealtimeTracker::clients() const {
  size_t total = 0;
  for (const Impl::Stripe& stripe : impl_->stripes) {
    std::lock_guard<std::mutex> lock(stripe.mu);
    total += stripe.clients;
  }
  return total;
}

}  // namespace strata::engine
