// Private to ingest/kafka: a Kafka message value -> lines -> validated events or bad lines.
//
// A value holds one JSON event or NDJSON lines ('\n', an optional '\r' before it; lines of
// only whitespace are skipped). Each line is decoded by one ingest::EventDecoder into the
// next reusable slot of an EventSlots, so a steady stream allocates nothing beyond what
// new string capacity needs. A value that is one pretty-printed JSON object (its first
// line is not JSON, the whole value is one valid event) is accepted as that one event.
//
// Thread safety: a MessageDecoder (and an EventSlots) belongs to one thread.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "engine/event.h"
#include "ingest/event_json.h"

namespace strata::ingest::kafka {

// A growing array of events whose slots (and their string capacity) are reused.
class EventSlots {
 public:
  // The slot after the kept events; its contents are stale until written.
  engine::Event* Next() {
    if (size_ == slots_.size()) slots_.emplace_back();
    return &slots_[size_];
  }
  // Keeps the slot returned by Next().
  void Keep() { ++size_; }
  // Keeps, among the events from index `first` on, those for which keep(event) is true,
  // in order; returns how many were dropped.
  template <typename Keep>
  size_t KeepIf(size_t first, Keep keep) {
    size_t out = first;
    for (size_t i = first; i < size_; ++i) {
      if (!keep(slots_[i])) continue;
      if (i != out) std::swap(slots_[i], slots_[out]);
      ++out;
    }
    const size_t dropped = size_ - out;
    size_ = out;
    return dropped;
  }
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const engine::Event& operator[](size_t i) const { return slots_[i]; }
  absl::Span<const engine::Event> events() const { return {slots_.data(), size_}; }

 private:
  std::vector<engine::Event> slots_;
  size_t size_ = 0;
};

struct BadLine {
  size_t index = 0;       // 0-based line index in the value (skipped blank lines count)
  std::string_view text;  // the line without its line end; points into the value
  EventError error;
};

class MessageDecoder {
 public:
  explicit MessageDecoder(const ValidationOptions& options) : decoder_(options) {}

  // Decodes `value`, keeping each valid event in *events (after those already there) and
  // appending each bad line to *bad. Returns the number of events kept.
  size_t Decode(std::string_view value, EventSlots* events, std::vector<BadLine>* bad);

 private:
  EventDecoder decoder_;
};

}  // namespace strata::ingest::kafka
