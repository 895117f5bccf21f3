// Internal to engine/sessions: one client's held events, in a single heap block shared
// copy-on-write between Sessionizer copies.
//
// The block holds the client_id, the events sorted by (ts, content hash) and their
// records (event_record.h) in arrival order. Copying a ClientEvents copies a pointer; a
// write to a shared block first copies it. One allocation per client keeps the flush's
// per-event cost low and makes publishing a Sessionizer copy cheap.
//
// Thread safety: the reference count is atomic, so copies may be released on any thread;
// a block is written only when unshared.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "absl/types/span.h"

namespace strata::engine::sessionizer_internal {

struct HeldEvent {
  int64_t ts = 0;
  uint64_t hash = 0;    // of the record: orders events with equal ts
  uint64_t offset = 0;  // of the record in the client's bytes
};

inline bool Before(const HeldEvent& a, const HeldEvent& b) {
  return a.ts != b.ts ? a.ts < b.ts : a.hash < b.hash;
}

class ClientEvents {
 public:
  ClientEvents() = default;
  explicit ClientEvents(std::string_view client_id);
  ClientEvents(const ClientEvents& o);
  ClientEvents& operator=(const ClientEvents& o);
  ClientEvents(ClientEvents&& o) noexcept : block_(o.block_) { o.block_ = nullptr; }
  ClientEvents& operator=(ClientEvents&& o) noexcept;
  ~ClientEvents() { Release(); }

  std::string_view client_id() const;
  absl::Span<const HeldEvent> events() const;
  size_t size() const;
  // The bytes from `e`'s record to the end of the client's records (the record is their
  // prefix).
  std::string_view from(const HeldEvent& e) const;

  // Room for one more event and a record of `record_size` bytes, unshared: the pointer
  // stays valid until the next write. The caller writes the record there, then calls
  // Insert.
  char* PrepareRecord(size_t record_size);
  // Inserts the event whose record PrepareRecord(record_size) placed, in order. Returns
  // its index.
  size_t Insert(int64_t ts, uint64_t hash, size_t record_size);
  // Removes the first `n` events (and their records). REQUIRES: n < size().
  void EraseFront(size_t n);

 private:
  struct Block;
  static Block* Allocate(size_t cap, size_t bytes_cap);
  void Release();
  // Makes the block unshared with room for `cap` events and `bytes` bytes.
  void Reserve(size_t cap, size_t bytes);

  Block* block_ = nullptr;
};

}  // namespace strata::engine::sessionizer_internal
