#include "engine/sessions/client_events.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "engine/sessions/event_record.h"

namespace strata::engine::sessionizer_internal {

struct ClientEvents::Block {
  std::atomic<uint32_t> refs{1};
  uint32_t id_size = 0;
  uint32_t count = 0;  // events
  uint32_t cap = 0;    // event capacity
  uint64_t used = 0;   // bytes: the client_id, then records
  uint64_t bytes_cap = 0;

  HeldEvent* events() { return reinterpret_cast<HeldEvent*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(events() + cap); }
};

namespace {
// Room for a typical session on creation (a few events); longer ones grow by doubling.
// A new client's block is then about 450 bytes: held state is kept small.
constexpr size_t kInitialEvents = 4;
constexpr size_t kInitialRecordBytes = 320;
}  // namespace

ClientEvents::Block* ClientEvents::Allocate(size_t cap, size_t bytes_cap) {
  static_assert(sizeof(Block) % alignof(HeldEvent) == 0);
  void* p = ::operator new(sizeof(Block) + cap * sizeof(HeldEvent) + bytes_cap);
  Block* b = new (p) Block;
  b->cap = static_cast<uint32_t>(cap);
  b->bytes_cap = bytes_cap;
  return b;
}

void ClientEvents::Release() {
  if (block_ == nullptr) return;
  if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

ClientEvents::ClientEvents(std::string_view client_id) {
  block_ = Allocate(kInitialEvents, client_id.size() + kInitialRecordBytes);
  block_->id_size = static_cast<uint32_t>(client_id.size());
  if (!client_id.empty()) std::memcpy(block_->bytes(), client_id.data(), client_id.size());
  block_->used = client_id.size();
}

ClientEvents::ClientEvents(const ClientEvents& o) : block_(o.block_) {
  if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

ClientEvents& ClientEvents::operator=(const ClientEvents& o) {
  ClientEvents copy(o);
  std::swap(block_, copy.block_);
  return *this;
}

ClientEvents& ClientEvents::operator=(ClientEvents&& o) noexcept {
  std::swap(block_, o.block_);
  return *this;
}

std::string_view ClientEvents::client_id() const { return {block_->bytes(), block_->id_size}; }

absl::Span<const HeldEvent> ClientEvents::events() const {
  return {block_->events(), block_->count};
}

size_t ClientEvents::size() const { return block_->count; }

std::string_view ClientEvents::from(const HeldEvent& e) const {
  return {block_->bytes() + e.offset, block_->used - e.offset};
}

void ClientEvents::Reserve(size_t cap, size_t bytes) {
  Block* old = block_;
  const bool unshared = old->refs.load(std::memory_order_acquire) == 1;
  if (unshared && old->cap >= cap && old->bytes_cap >= bytes) return;
  size_t new_cap = old->cap >= cap ? old->cap : std::max(cap, size_t{old->cap} * 2);
  size_t new_bytes = old->bytes_cap >= bytes ? old->bytes_cap : std::max(bytes, old->bytes_cap * 2);
  Block* b = Allocate(new_cap, new_bytes);
  b->id_size = old->id_size;
  b->count = old->count;
  b->used = old->used;
  std::memcpy(b->events(), old->events(), old->count * sizeof(HeldEvent));
  std::memcpy(b->bytes(), old->bytes(), old->used);
  Release();
  block_ = b;
}

char* ClientEvents::PrepareRecord(size_t record_size) {
  Reserve(size_t{block_->count} + 1, block_->used + record_size);
  return block_->bytes() + block_->used;
}

size_t ClientEvents::Insert(int64_t ts, uint64_t hash, size_t record_size) {
  Block* b = block_;
  HeldEvent h{ts, hash, b->used};
  b->used += record_size;
  HeldEvent* ev = b->events();
  size_t pos = b->count;
  // Most events arrive in order: try the end first.
  if (pos > 0 && Before(h, ev[pos - 1]))
    pos = static_cast<size_t>(std::upper_bound(ev, ev + b->count, h, Before) - ev);
  std::memmove(ev + pos + 1, ev + pos, (b->count - pos) * sizeof(HeldEvent));
  ev[pos] = h;
  ++b->count;
  return pos;
}

void ClientEvents::EraseFront(size_t n) {
  Block* old = block_;
  const size_t keep = old->count - n;
  double value;
  Fields fields;
  size_t bytes = old->id_size;
  for (size_t i = n; i < old->count; ++i)
    bytes += ParseRecord(from(old->events()[i]), &value, &fields);
  Block* b = Allocate(std::max(keep, kInitialEvents), bytes + kInitialRecordBytes);
  b->id_size = old->id_size;
  std::memcpy(b->bytes(), old->bytes(), old->id_size);
  b->used = old->id_size;
  for (size_t i = n; i < old->count; ++i) {
    HeldEvent e = old->events()[i];
    size_t size = ParseRecord(from(e), &value, &fields);
    std::memcpy(b->bytes() + b->used, old->bytes() + e.offset, size);
    e.offset = b->used;
    b->used += size;
    b->events()[b->count++] = e;
  }
  Release();
  block_ = b;
}

}  // namespace strata::engine::sessionizer_internal
