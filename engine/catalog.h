// The catalog: merchant string -> dense u32 id, and per merchant client_id -> dense u32 id.
//
// Dense per-merchant client ids are what make exact unique-user counts cheap: a set of
// users is a roaring bitmap of small integers. Ids are assigned in first-seen order and
// never change or get reused.
//
// Durability: new entries are buffered by Resolve and written as one record of the
// catalog log (storage/log.h, file `catalog.log`) by Persist. The engine syncs the catalog
// log before any segment that references its ids is published. Ids not yet durable are
// re-derived by WAL replay: ids are assigned per merchant in first-seen order, and the WAL
// holds the events in that order, so replay assigns exactly the same ids. Record format:
// docs/storage-format.md ("Catalog log").
//
// Thread safety: Resolve/Persist must be serialized by the caller (the engine's write
// path); lookups may run concurrently with them from any thread (internal reader lock).
#pragma once

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/log.h"

namespace strata::engine {

class Catalog {
 public:
  // Opens (or creates) DIR/catalog.log, loading every entry. `durable_bytes` is the log
  // size last recorded as synced (the manifest's catalog_checkpoint). Damage past it —
  // a torn tail, or a hole left by a power loss in writes that were never synced — is
  // truncated and described in *torn_report, since WAL replay re-derives those ids; damage
  // before it is DataLoss.
  static absl::StatusOr<std::unique_ptr<Catalog>> Open(const std::string& dir,
                                                       uint64_t durable_bytes,
                                                       std::string* torn_report);
  // The same for a read-only engine, changing nothing on disk: damage past `durable_bytes`
  // is skipped (reported) instead of truncated, a missing log is an empty catalog. New ids
  // may still be resolved in memory (WAL replay), but Persist and SyncLog fail with
  // FailedPrecondition.
  static absl::StatusOr<std::unique_ptr<Catalog>> OpenReadOnly(const std::string& dir,
                                                               uint64_t durable_bytes,
                                                               std::string* torn_report);

  // Returns the merchant's id, assigning one if new (buffered until Persist).
  uint32_t ResolveMerchant(std::string_view merchant);
  // Returns the client's id within `merchant`, assigning one if new.
  uint32_t ResolveClient(uint32_t merchant, std::string_view client_id);
  bool has_pending() const { return !pending_.empty(); }
  // Appends buffered new entries as one log record; syncs if `sync`.
  absl::Status Persist(bool sync);
  // fdatasyncs what Persist wrote and returns the log size now durable (for the manifest's
  // catalog_checkpoint). Safe to call from another thread than the writer.
  absl::StatusOr<uint64_t> SyncLog();

  std::optional<uint32_t> FindMerchant(std::string_view merchant) const;
  std::string MerchantName(uint32_t id) const;
  std::optional<uint32_t> FindClient(uint32_t merchant, std::string_view client_id) const;
  std::string ClientName(uint32_t merchant, uint32_t client) const;
  // Calls visit(client, name) for each known client of `clients` under one lock, without
  // copying; `name` is valid only during the call. For decoding many ids at once.
  void VisitClientNames(
      uint32_t merchant, absl::Span<const uint32_t> clients,
      absl::FunctionRef<void(uint32_t client, std::string_view name)> visit) const;
  uint32_t merchant_count() const;
  uint32_t client_count(uint32_t merchant) const;

 private:
  struct MerchantEntry {
    std::string name;
    absl::flat_hash_map<std::string, uint32_t> client_ids;
    std::vector<std::string> client_names;
  };
  Catalog() = default;
  // Loads every entry of the log at `path`; truncates damage past durable_bytes unless
  // read_only.
  absl::Status Load(const std::string& path, uint64_t durable_bytes, bool read_only,
                    std::string* torn_report);
  absl::Status ApplyRecord(std::string_view payload);

  mutable absl::Mutex mu_;  // guards the maps below; writers also hold the engine write lock
  absl::flat_hash_map<std::string, uint32_t> merchant_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<MerchantEntry>> merchants_ ABSL_GUARDED_BY(mu_);

  std::string pending_;  // encoded new entries not yet in the log
  uint32_t pending_count_ = 0;
  std::unique_ptr<storage::LogWriter> log_;  // null when read-only
  std::atomic<uint64_t> written_bytes_{0};   // log size after the last Persist
};

}  // namespace strata::engine
