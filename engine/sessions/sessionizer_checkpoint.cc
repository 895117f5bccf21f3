// Sessionizer checkpoints: the whole state as bytes and back.
//
// Layout (version 1), integers as varints unless noted:
//   u8 version
//   zigzag watermark, zigzag highest ts added, late event count
//   merchant count, then per merchant (ascending id):
//     id, client count, then per client (ascending id):
//       id, client_id (length-prefixed), event count,
//       per event (sorted by ts, hash): ts (zigzag for the first, then the increase
//       over the previous event), the event record (event_record.h)
//   fixed32 masked CRC-32C of all the bytes before it
// Content hashes are recomputed on decode, which also checks the event order.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/crc32c.h"
#include "common/status.h"
#include "engine/sessions/sessionizer.h"
#include "engine/sessions/sessionizer_state.h"

namespace strata::engine {

using sessionizer_internal::ClientEvents;
using sessionizer_internal::ClientSlot;
using sessionizer_internal::HeldEvent;
using sessionizer_internal::MerchantState;

namespace {

constexpr uint8_t kCheckpointVersion = 1;
constexpr const char* kContext = "sessionizer checkpoint";

template <typename Map>
std::vector<uint32_t> SortedKeys(const Map& map) {
  std::vector<uint32_t> keys;
  keys.reserve(map.size());
  for (const auto& [k, v] : map) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

std::string Sessionizer::EncodeCheckpoint() const {
  const State& s = *state_;
  std::string out;
  PutFixed8(&out, kCheckpointVersion);
  PutVarsint64(&out, s.watermark);
  PutVarsint64(&out, s.max_seen);
  PutVarint64(&out, s.late_events);
  PutVarint64(&out, s.merchants.size());
  double value;
  sessionizer_internal::Fields fields;
  for (uint32_t merchant : SortedKeys(s.merchants)) {
    const MerchantState& m = *s.merchants.at(merchant);
    PutVarint32(&out, merchant);
    PutVarint64(&out, m.clients.size());
    for (uint32_t client : SortedKeys(m.clients)) {
      const ClientEvents& c = m.clients.at(client).events;
      absl::Span<const HeldEvent> ev = c.events();
      PutVarint32(&out, client);
      PutLengthPrefixed(&out, c.client_id());
      PutVarint64(&out, ev.size());
      for (size_t i = 0; i < ev.size(); ++i) {
        if (i == 0) {
          PutVarsint64(&out, ev[i].ts);
        } else {
          PutVarint64(&out, static_cast<uint64_t>(ev[i].ts) - static_cast<uint64_t>(ev[i - 1].ts));
        }
        std::string_view record = c.from(ev[i]);
        out.append(record.data(), sessionizer_internal::ParseRecord(record, &value, &fields));
      }
    }
  }
  PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  return out;
}

absl::StatusOr<Sessionizer> Sessionizer::DecodeCheckpoint(std::string_view bytes,
                                                          SessionizerOptions options) {
  if (bytes.size() < 5) {
    return absl::DataLossError(
        absl::StrCat(kContext, ": ", bytes.size(), " bytes is too short to be one"));
  }
  std::string_view body = bytes.substr(0, bytes.size() - 4);
  uint32_t stored = crc32c::Unmask(DecodeFixed32(bytes.data() + body.size()));
  if (stored != crc32c::Value(body)) {
    return absl::DataLossError(absl::StrCat(kContext, ": checksum mismatch over ", body.size(),
                                            " bytes (the file is damaged)"));
  }

  Sessionizer out(std::move(options));
  State& s = *out.state_;
  Cursor cur(body);
  uint8_t version = cur.Fixed8("version");
  if (cur.ok() && version != kCheckpointVersion) cur.Fail("version", "unknown version");
  s.watermark = cur.Varsint64("watermark");
  s.max_seen = cur.Varsint64("highest ts");
  s.late_events = cur.Varint64("late event count");
  uint64_t merchants = cur.Varint64("merchant count");
  // Every entry takes at least one byte: a count above what is left is damage, and
  // checking first keeps a damaged count from driving a huge allocation.
  if (merchants > cur.remaining()) cur.Fail("merchant count", "exceeds the remaining bytes");
  double value;
  sessionizer_internal::Fields fields;
  for (uint64_t mi = 0; mi < merchants && cur.ok(); ++mi) {
    uint32_t merchant = cur.Varint32("merchant id");
    uint64_t clients = cur.Varint64("client count");
    if (!cur.ok()) break;
    if (clients == 0 || clients > cur.remaining()) {
      cur.Fail("client count", "zero or exceeds the remaining bytes");
      break;
    }
    std::shared_ptr<MerchantState> m = s.NewMerchant(merchant);
    if (!s.merchants.emplace(merchant, m).second) {
      cur.Fail("merchant id", "duplicate merchant");
      break;
    }
    m->clients.reserve(clients);
    for (uint64_t ci = 0; ci < clients && cur.ok(); ++ci) {
      uint32_t client = cur.Varint32("client id");
      std::string_view client_id = cur.LengthPrefixed("client_id");
      uint64_t events = cur.Varint64("event count");
      if (!cur.ok()) break;
      if (events == 0 || events > cur.remaining()) {
        cur.Fail("event count", "zero or exceeds the remaining bytes");
        break;
      }
      auto [it, fresh] = m->clients.try_emplace(client);
      if (!fresh) {
        cur.Fail("client id", "duplicate client");
        break;
      }
      ClientEvents& c = it->second.events;
      c = ClientEvents(client_id);
      int64_t ts = 0;
      for (uint64_t ei = 0; ei < events && cur.ok(); ++ei) {
        if (ei == 0) {
          ts = cur.Varsint64("event ts");
        } else {
          uint64_t delta = cur.Varint64("event ts delta");
          if (__builtin_add_overflow(ts, delta, &ts)) cur.Fail("event ts delta", "overflows");
        }
        if (!cur.ok()) break;
        std::string_view rest = body.substr(cur.offset());
        size_t size = sessionizer_internal::ParseRecord(rest, &value, &fields);
        if (size == 0) {
          cur.Fail("event record", "malformed");
          break;
        }
        cur.Bytes(size, "event record");
        char* record = c.PrepareRecord(size);
        std::memcpy(record, rest.data(), size);
        // Appended in order unless the events are out of order.
        if (c.Insert(ts, sessionizer_internal::Hash64(record, size, 0), size) != ei) {
          cur.Fail("event record", "events out of order");
          break;
        }
      }
    }
    if (cur.ok()) sessionizer_internal::RebuildSchedule(m.get());
  }
  if (cur.ok() && !cur.empty()) cur.Fail("end", "unexpected trailing bytes");
  RETURN_IF_ERROR(cur.status(kContext));
  return out;
}

}  // namespace strata::engine
