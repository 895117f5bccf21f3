// The tracked event: what a tracker or SDK sends, after decoding and validation.
//
// Field meanings follow docs/architecture.md ("Data model"). Optional string fields are
// empty when absent (empty is NULL in SQL); `value` is NaN when absent. `ts_us` is event
// time in microseconds since the Unix epoch, UTC. Params keep their insertion order;
// unknown top-level JSON fields land here too.
//
// EncodeEvent/DecodeEvent give the compact binary form used by the WAL (and later Kafka
// and the lake): docs/storage-format.md ("Event record").
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::engine {

struct Param {
  std::string key;
  bool is_number = false;
  std::string str;  // when !is_number
  double num = 0;   // when is_number

  bool operator==(const Param&) const = default;
};

struct Event {
  std::string merchant;
  int64_t ts_us = 0;
  std::string event;
  std::string client_id;
  std::string user_id;
  std::string session_id;
  std::string page;
  std::string title;
  std::string referrer;
  std::string utm_source;
  std::string utm_medium;
  std::string utm_campaign;
  std::string device;
  std::string os;
  std::string browser;
  std::string country;
  std::string language;
  std::string item_id;
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string event_id;
  std::vector<Param> params;

  bool has_value() const { return !std::isnan(value); }
  bool operator==(const Event& o) const;
};

// Appends the binary form of `e` to `out`.
void EncodeEvent(const Event& e, std::string* out);
// Decodes one event from the front of `*in`, advancing it. DataLoss if malformed.
absl::Status DecodeEvent(std::string_view* in, Event* e);

}  // namespace strata::engine
