#include "server/http/ingest_gate.h"

#include <utility>

namespace strata::server::http {

IngestGate::IngestGate(size_t max_bytes, Gauge* gauge) : max_(max_bytes), gauge_(gauge) {}

bool IngestGate::TryAdd(size_t n, size_t own) {
  size_t current = inflight_.load(std::memory_order_relaxed);
  while (true) {
    // `current == own`: nobody else holds bytes, so this request may pass the bound.
    if (current + n > max_ && current != own) return false;
    if (inflight_.compare_exchange_weak(current, current + n, std::memory_order_relaxed)) break;
  }
  if (gauge_ != nullptr) gauge_->Add(static_cast<int64_t>(n));
  return true;
}

void IngestGate::Sub(size_t n) {
  inflight_.fetch_sub(n, std::memory_order_relaxed);
  if (gauge_ != nullptr) gauge_->Add(-static_cast<int64_t>(n));
}

IngestGate::Reservation::Reservation(Reservation&& other) noexcept
    : gate_(other.gate_), bytes_(std::exchange(other.bytes_, 0)) {}

IngestGate::Reservation& IngestGate::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    Reset();
    gate_ = other.gate_;
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool IngestGate::Reservation::Grow(size_t n) {
  if (n == 0) return true;
  if (gate_ == nullptr || !gate_->TryAdd(n, bytes_)) return false;
  bytes_ += n;
  return true;
}

void IngestGate::Reservation::Shrink(size_t n) {
  if (n > bytes_) n = bytes_;
  if (n == 0) return;
  gate_->Sub(n);
  bytes_ -= n;
}

void IngestGate::Reservation::Reset() { Shrink(bytes_); }

}  // namespace strata::server::http
