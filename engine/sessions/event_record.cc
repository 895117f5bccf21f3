#include "engine/sessions/event_record.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace strata::engine::sessionizer_internal {

namespace {

inline uint64_t Mum(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

constexpr uint64_t kK0 = 0xa0761d6478bd642full;
constexpr uint64_t kK1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kK2 = 0x8ebc6af09c88c6e3ull;

inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// memcpy for the short strings of a record without a call: two overlapping loads and
// stores cover 4..16 bytes.
inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n > 16) {
    std::memcpy(dst, src, n);
  } else if (n >= 8) {
    uint64_t a = Load64(src), b = Load64(src + n - 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n >> 1] = src[n >> 1];
    dst[n - 1] = src[n - 1];
  }
}

}  // namespace

// wyhash-style: 16 bytes per multiply, overlapping loads for the tail.
uint64_t Hash64(const char* p, size_t n, uint64_t seed) {
  const size_t len = n;
  uint64_t s = seed ^ kK0;
  while (n > 16) {
    s = Mum(Load64(p) ^ kK1, Load64(p + 8) ^ s);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
        static_cast<uint8_t>(p[n - 1]);
  }
  return Mum(kK2 ^ len, Mum(a ^ kK1, b ^ s));
}

RecordPlan PlanRecord(const SessionEvent& e) {
  RecordPlan plan;
  const bool pageview = e.event == kPageView;
  plan.fields = {e.event,
                 e.user_id,
                 e.session_id,
                 pageview ? e.page : std::string_view(),
                 pageview ? e.title : std::string_view(),
                 e.referrer,
                 e.utm_source,
                 e.utm_medium,
                 e.utm_campaign,
                 e.device,
                 e.os,
                 e.browser,
                 e.country};
  plan.value = e.value;
  size_t size = 2;
  uint16_t mask = 0;
  if (!std::isnan(e.value)) {
    mask = uint16_t{1} << kValueBit;
    size += 8;
  }
  for (int f = 0; f < kNumFields; ++f) {
    const size_t n = plan.fields[f].size();
    if (n == 0) continue;
    mask |= uint16_t{1} << f;
    size += (n < 0x80 ? 1 : VarintLength(n)) + n;
  }
  plan.mask = mask;
  plan.size = size;
  return plan;
}

void WriteRecord(const RecordPlan& plan, char* p) {
  std::memcpy(p, &plan.mask, 2);
  p += 2;
  if (plan.mask & (uint16_t{1} << kValueBit)) {
    std::memcpy(p, &plan.value, 8);
    p += 8;
  }
  for (uint32_t fields = plan.mask & ((1u << kValueBit) - 1); fields != 0; fields &= fields - 1) {
    const std::string_view f = plan.fields[__builtin_ctz(fields)];
    uint64_t v = f.size();
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    CopyBytes(p, f.data(), f.size());
    p += f.size();
  }
}

size_t ParseRecord(std::string_view bytes, double* value, Fields* out) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  if (end - p < 2) return 0;
  uint16_t mask;
  std::memcpy(&mask, p, 2);
  p += 2;
  if (mask >> (kValueBit + 1) != 0) return 0;
  *value = std::numeric_limits<double>::quiet_NaN();
  if (mask & (uint16_t{1} << kValueBit)) {
    if (end - p < 8) return 0;
    std::memcpy(value, p, 8);
    p += 8;
    if (std::isnan(*value)) return 0;
  }
  *out = Fields();
  for (uint32_t fields = mask & ((1u << kValueBit) - 1); fields != 0; fields &= fields - 1) {
    const int f = __builtin_ctz(fields);
    if (p == end) return 0;
    uint64_t len = static_cast<uint8_t>(*p++);
    if (len >= 0x80) {  // multi-byte varint (rare: a string of 128 bytes or more)
      len &= 0x7f;
      for (int shift = 7;; shift += 7) {
        if (p == end || shift > 63) return 0;
        uint64_t byte = static_cast<uint8_t>(*p++);
        len |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) break;
      }
    }
    if (len == 0 || len > static_cast<uint64_t>(end - p)) return 0;
    (*out)[f] = std::string_view(p, len);
    p += len;
  }
  return static_cast<size_t>(p - bytes.data());
}

}  // namespace strata::engine::sessionizer_internal
