#include "engine/catalog.h"

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/status.h"
#include "storage/file.h"

namespace strata::engine {
namespace {

constexpr uint8_t kCatalogRecord = 1;
constexpr uint8_t kEntryMerchant = 1;
constexpr uint8_t kEntryClient = 2;

absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(const std::string& dir,
                                                       uint64_t durable_bytes,
                                                       std::string* torn_report) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  std::string path = storage::JoinPath(dir, "catalog.log");
  RETURN_IF_ERROR(catalog->Load(path, durable_bytes, /*read_only=*/false, torn_report));
  ASSIGN_OR_RETURN(catalog->log_, storage::LogWriter::Open(path));
  catalog->written_bytes_ = catalog->log_->size();
  return catalog;
}

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::OpenReadOnly(const std::string& dir,
                                                               uint64_t durable_bytes,
                                                               std::string* torn_report) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  std::string path = storage::JoinPath(dir, "catalog.log");
  RETURN_IF_ERROR(catalog->Load(path, durable_bytes, /*read_only=*/true, torn_report));
  return catalog;
}

absl::Status Catalog::Load(const std::string& path, uint64_t durable_bytes, bool read_only,
                           std::string* torn_report) {
  torn_report->clear();
  if (!storage::FileExists(path)) return absl::OkStatus();
  const char* action = read_only ? "ignored (read-only)" : "truncated";
  uint64_t good_end = 0;  // end of the last record applied
  auto apply = [&](uint8_t type, std::string_view payload, uint64_t offset) {
    if (type != kCatalogRecord) {
      return absl::DataLossError(
          absl::StrCat(path, ": unknown record type ", type, " at offset ", offset));
    }
    absl::Status s = ApplyRecord(payload);
    if (!s.ok()) {
      return absl::DataLossError(absl::StrCat(path, " at offset ", offset, ": ", s.message()));
    }
    good_end = offset + storage::kLogHeaderSize + payload.size();
    return absl::OkStatus();
  };
  auto result = read_only ? storage::ReadLog(path, apply) : storage::RecoverLog(path, apply);
  if (!result.ok()) {
    // Entries past the durable point were never synced: the WAL re-derives them.
    if (result.status().code() != absl::StatusCode::kDataLoss || good_end < durable_bytes) {
      return result.status();
    }
    ASSIGN_OR_RETURN(uint64_t size, storage::FileSize(path));
    if (!read_only) {
      ASSIGN_OR_RETURN(auto file, storage::WritableFile::Open(path, /*truncate=*/false));
      RETURN_IF_ERROR(file->Truncate(good_end));
      RETURN_IF_ERROR(file->Sync());
    }
    *torn_report = absl::StrCat(action, " ", size - good_end, " unsynced bytes at offset ",
                                good_end, " of ", path, ": ", result.status().message());
  } else if (result->torn_bytes > 0 && result->valid_bytes < durable_bytes) {
    return absl::DataLossError(absl::StrCat(path, ": damaged at offset ", result->valid_bytes,
                                            ", before the synced size ", durable_bytes, ": ",
                                            result->torn_reason));
  } else if (result->torn_bytes > 0) {
    *torn_report = absl::StrCat(action, " ", result->torn_bytes, " bytes at offset ",
                                result->valid_bytes, " of ", path, ": ", result->torn_reason);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Catalog::SyncLog() {
  if (log_ == nullptr) return absl::FailedPreconditionError("catalog opened read-only");
  uint64_t written = written_bytes_.load(std::memory_order_acquire);
  RETURN_IF_ERROR(log_->Sync());
  return written;
}

absl::Status Catalog::ApplyRecord(std::string_view payload) {
  absl::MutexLock lock(&mu_);
  Cursor c(payload);
  uint32_t n = c.Varint32("entry count");
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    uint8_t kind = c.Fixed8("entry kind");
    uint32_t merchant = c.Varint32("merchant id");
    if (kind == kEntryMerchant) {
      std::string_view name = c.LengthPrefixed("merchant name");
      if (!c.ok()) break;
      if (merchant != merchants_.size()) return absl::DataLossError("merchant ids out of order");
      auto entry = std::make_unique<MerchantEntry>();
      entry->name = std::string(name);
      merchant_ids_.emplace(entry->name, merchant);
      merchants_.push_back(std::move(entry));
    } else if (kind == kEntryClient) {
      uint32_t client = c.Varint32("client id");
      std::string_view name = c.LengthPrefixed("client name");
      if (!c.ok()) break;
      if (merchant >= merchants_.size()) return absl::DataLossError("client of unknown merchant");
      MerchantEntry& m = *merchants_[merchant];
      if (client != m.client_names.size()) return absl::DataLossError("client ids out of order");
      m.client_ids.emplace(std::string(name), client);
      m.client_names.emplace_back(name);
    } else {
      c.Fail("entry kind", "unknown kind");
    }
  }
  return c.status("catalog record");
}

uint32_t Catalog::ResolveMerchant(std::string_view merchant) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = merchant_ids_.find(AbslView(merchant));
    if (it != merchant_ids_.end()) return it->second;
  }
  absl::MutexLock lock(&mu_);
  uint32_t id = static_cast<uint32_t>(merchants_.size());
  auto entry = std::make_unique<MerchantEntry>();
  entry->name = std::string(merchant);
  merchant_ids_.emplace(entry->name, id);
  merchants_.push_back(std::move(entry));
  PutFixed8(&pending_, kEntryMerchant);
  PutVarint32(&pending_, id);
  PutLengthPrefixed(&pending_, merchant);
  ++pending_count_;
  return id;
}

uint32_t Catalog::ResolveClient(uint32_t merchant, std::string_view client_id) {
  // Only the (serialized) writer mutates, so reading without the lock here is safe; the
  // lock is taken only to publish a new entry to concurrent readers.
  MerchantEntry* m;
  {
    absl::ReaderMutexLock lock(&mu_);
    m = merchants_[merchant].get();
    auto it = m->client_ids.find(AbslView(client_id));
    if (it != m->client_ids.end()) return it->second;
  }
  absl::MutexLock lock(&mu_);
  uint32_t id = static_cast<uint32_t>(m->client_names.size());
  m->client_ids.emplace(std::string(client_id), id);
  m->client_names.emplace_back(client_id);
  PutFixed8(&pending_, kEntryClient);
  PutVarint32(&pending_, merchant);
  PutVarint32(&pending_, id);
  PutLengthPrefixed(&pending_, client_id);
  ++pending_count_;
  return id;
}

absl::Status Catalog::Persist(bool sync) {
  if (log_ == nullptr) return absl::FailedPreconditionError("catalog opened read-only");
  if (!pending_.empty()) {
    std::string record;
    PutVarint32(&record, pending_count_);
    record += pending_;
    RETURN_IF_ERROR(log_->AddRecord(kCatalogRecord, record));
    pending_.clear();
    pending_count_ = 0;
    written_bytes_.store(log_->size(), std::memory_order_release);
  }
  if (sync) RETURN_IF_ERROR(log_->Sync());
  return absl::OkStatus();
}

std::optional<uint32_t> Catalog::FindMerchant(std::string_view merchant) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = merchant_ids_.find(AbslView(merchant));
  if (it == merchant_ids_.end()) return std::nullopt;
  return it->second;
}

std::string Catalog::MerchantName(uint32_t id) const {
  absl::ReaderMutexLock lock(&mu_);
  return id < merchants_.size() ? merchants_[id]->name : std::string();
}

std::optional<uint32_t> Catalog::FindClient(uint32_t merchant, std::string_view client_id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (merchant >= merchants_.size()) return std::nullopt;
  const MerchantEntry& m = *merchants_[merchant];
  auto it = m.client_ids.find(AbslView(client_id));
  if (it == m.client_ids.end()) return std::nullopt;
  return it->second;
}

std::string Catalog::ClientName(uint32_t merchant, uint32_t client) const {
  absl::ReaderMutexLock lock(&mu_);
  if (merchant >= merchants_.size()) return {};
  const MerchantEntry& m = *merchants_[merchant];
  return client < m.client_names.size() ? m.client_names[client] : std::string();
}

void Catalog::VisitClientNames(
    uint32_t merchant, absl::Span<const uint32_t> clients,
    absl::FunctionRef<void(uint32_t client, std::string_view name)> visit) const {
  absl::ReaderMutexLock lock(&mu_);
  if (merchant >= merchants_.size()) return;
  const MerchantEntry& m = *merchants_[merchant];
  for (uint32_t client : clients) {
    if (client < m.client_names.size()) visit(client, m.client_names[client]);
  }
}

uint32_t Catalog::merchant_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<uint32_t>(merchants_.size());
}

uint32_t Catalog::client_count(uint32_t merchant) const {
  absl::ReaderMutexLock lock(&mu_);
  return merchant < merchants_.size()
             ? static_cast<uint32_t>(merchants_[merchant]->client_names.size())
             : 0;
}

}  // namespace strata::engine
