#include "storage/segment/dictionary.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/coding.h"
#include "common/status.h"
#include "storage/segment/format.h"

namespace strata::storage {

std::optional<uint32_t> Dictionary::Find(std::string_view v) const {
  auto it = std::lower_bound(values_.begin(), values_.end(), v);
  if (it == values_.end() || *it != v) return std::nullopt;
  return static_cast<uint32_t>(it - values_.begin());
}

std::pair<uint32_t, uint32_t> Dictionary::CodeRange(std::string_view from,
                                                    std::string_view to) const {
  auto lo = std::lower_bound(values_.begin(), values_.end(), from);
  auto hi = std::lower_bound(lo, values_.end(), to);
  return {static_cast<uint32_t>(lo - values_.begin()), static_cast<uint32_t>(hi - values_.begin())};
}

std::unique_ptr<Dictionary> Dictionary::FromBuffer(std::string buffer,
                                                   absl::Span<const size_t> ends) {
  auto dict = std::make_unique<Dictionary>(std::move(buffer), std::vector<std::string_view>{});
  dict->values_.reserve(ends.size());
  size_t begin = 0;
  for (size_t end : ends) {
    dict->values_.emplace_back(dict->buffer_.data() + begin, end - begin);
    begin = end;
  }
  return dict;
}

namespace segment {

void EncodeDictionary(absl::Span<const std::string_view> values, std::string* out) {
  std::string_view prev;
  for (std::string_view v : values) {
    size_t shared = 0;
    size_t limit = std::min(prev.size(), v.size());
    while (shared < limit && prev[shared] == v[shared]) ++shared;
    PutVarint64(out, shared);
    PutLengthPrefixed(out, v.substr(shared));
    prev = v;
  }
}

absl::StatusOr<std::unique_ptr<Dictionary>> DecodeDictionary(std::string_view raw, uint32_t count,
                                                             std::string_view context) {
  // Pass 1 validates the structure and sizes the buffer, so pass 2 can copy shared
  // prefixes out of the buffer without it ever reallocating under the views.
  Cursor in(raw);
  uint64_t prev_len = 0, total = 0;
  for (uint32_t i = 0; i < count && in.ok(); ++i) {
    uint64_t shared = in.Varint64("dictionary shared prefix");
    std::string_view suffix = in.LengthPrefixed("dictionary value");
    if (in.ok() && shared > prev_len) in.Fail("dictionary shared prefix", "longer than previous");
    prev_len = shared + suffix.size();
    total += prev_len;
    if (total > (uint64_t{1} << 32)) in.Fail("dictionary value", "dictionary larger than 4 GiB");
  }
  if (in.ok() && !in.empty()) in.Fail("dictionary end", "trailing bytes");
  RETURN_IF_ERROR(in.status(context));

  std::string buffer(total, '\0');
  std::vector<size_t> ends;
  ends.reserve(count);
  Cursor again(raw);
  std::string_view prev;
  for (uint32_t i = 0; i < count; ++i) {
    size_t shared = again.Varint64();
    std::string_view suffix = again.LengthPrefixed();
    char* dst = buffer.data() + (i == 0 ? 0 : ends.back());
    if (shared > 0) std::memcpy(dst, prev.data(), shared);
    if (!suffix.empty()) std::memcpy(dst + shared, suffix.data(), suffix.size());
    std::string_view v(dst, shared + suffix.size());
    if (i > 0 && !(prev < v)) {
      return absl::DataLossError(absl::StrCat(AbslView(context), ": dictionary value ", i,
                                              " is not greater than the previous one"));
    }
    ends.push_back(static_cast<size_t>(v.end() - buffer.data()));
    prev = v;
  }
  return Dictionary::FromBuffer(std::move(buffer), ends);
}

}  // namespace segment
}  // namespace strata::storage
