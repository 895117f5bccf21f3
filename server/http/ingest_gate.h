// The bound on /collect bodies held in memory: received, decoded or being ingested.
//
// Each request holds a Reservation that grows with the bytes it holds (the received body,
// then the inflated body) and is released when its ingest returned. A Grow that would put
// the total over the bound fails, and the request is answered 429 + Retry-After, so memory
// and queues stay bounded under overload. One exception keeps every request possible: a
// reservation may grow past the bound while it is the only one holding bytes (an idle
// server accepts one body larger than max_inflight_bytes).
//
// Thread safety: thread-safe (one atomic); a Reservation belongs to one request.
#pragma once

#include <atomic>
#include <cstddef>

#include "server/base/metrics.h"

namespace strata::server::http {

class IngestGate {
 public:
  // `gauge` (may be null) shows the bytes held.
  IngestGate(size_t max_bytes, Gauge* gauge);
  IngestGate(const IngestGate&) = delete;
  IngestGate& operator=(const IngestGate&) = delete;

  class Reservation {
   public:
    Reservation() = default;
    explicit Reservation(IngestGate* gate) : gate_(gate) {}
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;
    ~Reservation() { Reset(); }

    // Holds `n` more bytes; false (nothing held) if that would exceed the bound.
    bool Grow(size_t n);
    // Gives back `n` of the bytes held (n <= bytes()).
    void Shrink(size_t n);
    // Gives back everything.
    void Reset();
    size_t bytes() const { return bytes_; }

   private:
    IngestGate* gate_ = nullptr;
    size_t bytes_ = 0;
  };

  Reservation Open() { return Reservation(this); }
  size_t inflight_bytes() const { return inflight_.load(std::memory_order_relaxed); }
  size_t max_bytes() const { return max_; }

 private:
  bool TryAdd(size_t n, size_t own);
  void Sub(size_t n);

  const size_t max_;
  Gauge* const gauge_;
  std::atomic<size_t> inflight_{0};
};

}  // namespace strata::server::http
