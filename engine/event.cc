#include "engine/event.h"

#include <cstring>

#include "common/coding.h"

namespace strata::engine {
namespace {

// The string fields in their on-disk order. Never reorder: the WAL depends on it.
constexpr std::string Event::*kStringFields[] = {
    &Event::merchant,   &Event::event,      &Event::client_id,    &Event::user_id,
    &Event::session_id, &Event::page,       &Event::title,        &Event::referrer,
    &Event::utm_source, &Event::utm_medium, &Event::utm_campaign, &Event::device,
    &Event::os,         &Event::browser,    &Event::country,      &Event::language,
    &Event::item_id,    &Event::event_id,
};

bool SameDouble(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

bool Event::operator==(const Event& o) const {
  for (auto field : kStringFields)
    if (this->*field != o.*field) return false;
  return ts_us == o.ts_us && SameDouble(value, o.value) && params == o.params;
}

void EncodeEvent(const Event& e, std::string* out) {
  PutVarsint64(out, e.ts_us);
  for (auto field : kStringFields) PutLengthPrefixed(out, e.*field);
  PutDouble(out, e.value);
  PutVarint32(out, static_cast<uint32_t>(e.params.size()));
  for (const Param& p : e.params) {
    PutLengthPrefixed(out, p.key);
    PutFixed8(out, p.is_number ? 1 : 0);
    if (p.is_number) {
      PutDouble(out, p.num);
    } else {
      PutLengthPrefixed(out, p.str);
    }
  }
}

absl::Status DecodeEvent(std::string_view* in, Event* e) {
  Cursor c(*in);
  e->ts_us = c.Varsint64("ts");
  for (auto field : kStringFields) {
    std::string_view s = c.LengthPrefixed("string field");
    (e->*field).assign(s.data(), s.size());
  }
  e->value = c.Double("value");
  uint32_t n = c.Varint32("param count");
  if (n > 1024) c.Fail("param count", "too many params");
  e->params.clear();
  for (uint32_t i = 0; i < n && c.ok(); ++i) {
    Param p;
    std::string_view k = c.LengthPrefixed("param key");
    p.key.assign(k.data(), k.size());
    uint8_t kind = c.Fixed8("param kind");
    if (kind > 1) c.Fail("param kind", "unknown kind");
    p.is_number = kind == 1;
    if (p.is_number) {
      p.num = c.Double("param number");
    } else {
      std::string_view s = c.LengthPrefixed("param string");
      p.str.assign(s.data(), s.size());
    }
    e->params.push_back(std::move(p));
  }
  if (!c.ok()) return c.status("event record");
  in->remove_prefix(c.offset());
  return absl::OkStatus();
}

}  // namespace strata::engine
