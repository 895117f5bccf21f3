#include "query/sort_prefix.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "query/hashing.h"

namespace strata::query {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

KeyPrefix KeyPrefix::Make(const Vector& column, const SortKey& key, size_t rows) {
  KeyPrefix p;
  p.column_ = &column;
  p.desc_ = key.desc;
  p.exact_ = column.type != Type::kString && column.type != Type::kInterval;
  if (column.type != Type::kString) return p;
  if (p.RankStrings(rows)) {
    p.exact_ = true;
    return p;
  }
  // The longest prefix all values share (capped: it only sharpens the prefixes).
  constexpr size_t kMaxSkip = 64;
  std::string_view first;
  bool have_first = false;
  size_t common = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (column.IsNull(r)) continue;
    std::string_view s = column.str[r];
    if (!have_first) {
      first = s;
      common = std::min(s.size(), kMaxSkip);
      have_first = true;
      continue;
    }
    size_t n = std::min(common, s.size());
    size_t i = 0;
    while (i < n && s[i] == first[i]) ++i;
    common = i;
    if (common == 0) break;
  }
  p.skip_ = common;
  return p;
}

bool KeyPrefix::RankStrings(size_t rows) {
  const Vector& column = *column_;
  // Ranking pays off while distinct values are few; give up past this many.
  const size_t max_distinct = std::max<size_t>(1024, rows / 8);
  std::vector<std::string_view> distinct;
  std::vector<uint32_t> ids(rows, 0);
  const bool coded = column.code_source != nullptr && column.codes.size() == rows;
  if (coded) {
    // Equal codes are equal strings: one hash-free lookup per row.
    std::vector<int32_t> id_of_code;
    for (size_t r = 0; r < rows; ++r) {
      if (column.IsNull(r)) continue;
      uint32_t code = column.codes[r];
      if (code >= id_of_code.size()) {
        if (code > 4 * rows + 1024) return false;  // a huge dictionary: not worth it
        id_of_code.resize(size_t{code} + 1, -1);
      }
      if (id_of_code[code] < 0) {
        id_of_code[code] = static_cast<int32_t>(distinct.size());
        distinct.push_back(column.str[r]);
        // Several codes may spell one string; ranks below merge them.
        if (distinct.size() > max_distinct) return false;
      }
      ids[r] = static_cast<uint32_t>(id_of_code[code]);
    }
  } else {
    struct Hash {
      size_t operator()(std::string_view s) const { return HashString(s); }
    };
    absl::flat_hash_map<std::string_view, uint32_t, Hash> id_of;
    for (size_t r = 0; r < rows; ++r) {
      if (column.IsNull(r)) continue;
      auto [it, inserted] =
          id_of.try_emplace(column.str[r], static_cast<uint32_t>(distinct.size()));
      if (inserted) {
        distinct.push_back(column.str[r]);
        if (distinct.size() > max_distinct) return false;
      }
      ids[r] = it->second;
    }
  }
  std::vector<uint32_t> order(distinct.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
  // Equal strings (possible under different codes) share a rank.
  std::vector<uint32_t> rank_of_id(distinct.size());
  uint32_t rank = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && distinct[order[i]] != distinct[order[i - 1]]) ++rank;
    rank_of_id[order[i]] = rank;
  }
  for (uint32_t& id : ids) id = rank_of_id.empty() ? 0 : rank_of_id[id];
  ranks_ = std::move(ids);
  return true;
}

uint64_t KeyPrefix::Ascending(size_t row) const {
  const Vector& v = *column_;
  switch (v.type) {
    case Type::kFloat64: {
      uint64_t bits = CanonicalDoubleBits(v.f64[row]);
      // Negative doubles order reversed by their bits; NaN (positive) lands on top.
      return (bits & kSignBit) != 0 ? ~bits : bits | kSignBit;
    }
    case Type::kString: {
      if (!ranks_.empty()) return ranks_[row];
      std::string_view s = v.str[row].substr(skip_);
      unsigned char bytes[8] = {};
      if (!s.empty()) std::memcpy(bytes, s.data(), std::min<size_t>(8, s.size()));
      uint64_t prefix = 0;
      for (unsigned char b : bytes) prefix = (prefix << 8) | b;
      return prefix;
    }
    case Type::kInterval: {
      Int128 total = IntervalTotalMicros(v.iv[row]);
      Int128 lo = std::numeric_limits<int64_t>::min();
      Int128 hi = std::numeric_limits<int64_t>::max();
      return static_cast<uint64_t>(static_cast<int64_t>(std::clamp(total, lo, hi))) ^ kSignBit;
    }
    default:
      return static_cast<uint64_t>(v.i64[row]) ^ kSignBit;
  }
}

void RadixSortByFirstPrefix(std::vector<SortEntry>* entries) {
  const size_t n = entries->size();
  if (n < 2) return;
  // All eight byte histograms in one pass, then one scatter pass per varying byte.
  std::vector<std::array<uint32_t, 256>> counts(8);
  for (auto& c : counts) c.fill(0);
  for (const SortEntry& e : *entries) {
    for (int b = 0; b < 8; ++b) ++counts[b][(e.prefix >> (8 * b)) & 0xff];
  }
  std::vector<SortEntry> scratch(n);
  for (int b = 0; b < 8; ++b) {
    std::array<uint32_t, 256>& count = counts[b];
    if (count[((*entries)[0].prefix >> (8 * b)) & 0xff] == n) continue;  // one value: no-op
    uint32_t offset = 0;
    for (uint32_t& c : count) {
      uint32_t here = c;
      c = offset;
      offset += here;
    }
    const int shift = 8 * b;
    for (const SortEntry& e : *entries) scratch[count[(e.prefix >> shift) & 0xff]++] = e;
    entries->swap(scratch);
  }
}

}  // namespace strata::query
