#include "engine/sessions/live_sessions.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/types/span.h"
#include "engine/catalog.h"
#include "engine/memtable.h"
#include "engine/schema.h"
#include "engine/sessions/sessionizer.h"

namespace strata::engine {

namespace {

// The client id strings of a run of rows of one merchant, copied out of the catalog in
// row order (its views are valid only inside VisitClientNames). Copying a short id per
// row is cheaper than sorting and hashing to copy each once.
class RowClientNames {
 public:
  void Load(const Catalog& catalog, uint32_t merchant, absl::Span<const uint32_t> clients) {
    bytes_.clear();
    ends_.clear();
    // In slices, so the catalog's lock is never held long.
    constexpr size_t kSlice = 4096;
    for (size_t begin = 0; begin < clients.size(); begin += kSlice) {
      absl::Span<const uint32_t> slice = clients.subspan(begin, kSlice);
      size_t next = 0;
      catalog.VisitClientNames(merchant, slice, [&](uint32_t client, std::string_view name) {
        // Clients the catalog does not know are skipped by the visit: they get "".
        for (; next < slice.size() && slice[next] != client; ++next) ends_.push_back(bytes_.size());
        if (next == slice.size()) return;
        bytes_.append(name);
        ends_.push_back(bytes_.size());
        ++next;
      });
      for (; next < slice.size(); ++next) ends_.push_back(bytes_.size());
    }
  }
  // The id of row i of the loaded span.
  std::string_view Get(size_t i) const {
    size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
};

}  // namespace

void AddFlushPart(const std::vector<storage::ColumnInput>& columns, const Catalog& catalog,
                  Sessionizer* sessionizer) {
  const std::vector<int64_t>& merchants = columns[kColMerchant].ints;
  const std::vector<int64_t>& ts = columns[kColTs].ints;
  const std::vector<int64_t>& clients = columns[kColClient].ints;
  const std::vector<double>& values = columns[kColValue].doubles;
  auto text = [&columns](int col, size_t row) -> std::string_view {
    const storage::ColumnInput& c = columns[col];
    return c.dict[c.codes[row]];
  };

  RowClientNames names;
  std::vector<uint32_t> row_clients;
  SessionEvent e;
  const size_t rows = merchants.size();
  size_t begin = 0;
  while (begin < rows) {  // one merchant at a time: rows are sorted by (merchant, ts)
    size_t end = begin;
    while (end < rows && merchants[end] == merchants[begin]) ++end;
    const uint32_t merchant = static_cast<uint32_t>(merchants[begin]);
    row_clients.clear();
    for (size_t r = begin; r < end; ++r) row_clients.push_back(static_cast<uint32_t>(clients[r]));
    names.Load(catalog, merchant, row_clients);

    e.merchant = merchant;
    for (size_t r = begin; r < end; ++r) {
      e.client = row_clients[r - begin];
      e.client_id = names.Get(r - begin);
      e.ts_us = ts[r];
      e.event = text(kColEvent, r);
      e.user_id = text(kColUserId, r);
      e.session_id = text(kColSessionId, r);
      e.page = text(kColPage, r);
      e.title = text(kColTitle, r);
      e.referrer = text(kColReferrer, r);
      e.utm_source = text(kColUtmSource, r);
      e.utm_medium = text(kColUtmMedium, r);
      e.utm_campaign = text(kColUtmCampaign, r);
      e.device = text(kColDevice, r);
      e.os = text(kColOs, r);
      e.browser = text(kColBrowser, r);
      e.country = text(kColCountry, r);
      e.value = values[r];
      sessionizer->Add(e);
    }
    begin = end;
  }
}

absl::Status LiveSessions(const Snapshot& snap, uint32_t merchant,
                          std::vector<SessionRow>* sessions, std::vector<PageviewRow>* pageviews) {
  if (snap.catalog == nullptr) {
    return absl::FailedPreconditionError("live sessions need a snapshot with a catalog");
  }
  // Only the merchant's shard holds its state and its memtable events.
  std::optional<uint32_t> shard;
  std::optional<Sessionizer> live;
  if (!snap.sessionizers.empty()) {
    shard = snap.ShardOfMerchant(merchant);
    if (*shard < snap.sessionizers.size() && snap.sessionizers[*shard] != nullptr)
      live.emplace(snap.sessionizers[*shard]->CopyMerchant(merchant));
  }
  if (!live.has_value()) {
    SessionizerOptions options;
    options.settings = snap.settings;
    live.emplace(std::move(options));
  }

  // The next flush adds every memtable event of the merchant to the shard's sessionizer;
  // the copy does the same, so held-but-final sessions and the new events' sessions are
  // all here (a flush only stores what is here).
  std::vector<size_t> rows;
  std::vector<uint32_t> row_clients;
  RowClientNames names;
  SessionEvent e;
  e.merchant = merchant;
  for (const MemtableView& view : snap.memtables) {
    if (view.memtable == nullptr || (shard.has_value() && view.shard != *shard)) continue;
    const Memtable& mem = *view.memtable;
    rows.clear();
    row_clients.clear();
    for (size_t r = 0; r < view.rows; ++r) {
      if (mem.merchant(r) != merchant) continue;
      rows.push_back(r);
      row_clients.push_back(mem.client(r));
    }
    if (rows.empty()) continue;
    names.Load(*snap.catalog, merchant, row_clients);
    auto text = [&mem](int col, size_t row) {
      return mem.string_pool(col).value(mem.code(col, row));
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      const size_t r = rows[i];
      e.client = row_clients[i];
      e.client_id = names.Get(i);
      e.ts_us = mem.ts(r);
      e.event = text(kColEvent, r);
      e.user_id = text(kColUserId, r);
      e.session_id = text(kColSessionId, r);
      e.page = text(kColPage, r);
      e.title = text(kColTitle, r);
      e.referrer = text(kColReferrer, r);
      e.utm_source = text(kColUtmSource, r);
      e.utm_medium = text(kColUtmMedium, r);
      e.utm_campaign = text(kColUtmCampaign, r);
      e.device = text(kColDevice, r);
      e.os = text(kColOs, r);
      e.browser = text(kColBrowser, r);
      e.country = text(kColCountry, r);
      e.value = mem.value(r);
      live->Add(e);
    }
  }
  live->LiveRows(merchant, sessions, pageviews);
  return absl::OkStatus();
}

}  // namespace strata::engine
