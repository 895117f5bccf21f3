#include "ingest/kafka/message_decoder.h"

#include <cstring>

namespace strata::ingest::kafka {
namespace {

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// The line starting at `pos` (without '\n' and a '\r' before it) and the position after
// its '\n' (value.size() + 1 for the last line).
std::pair<std::string_view, size_t> LineAt(std::string_view value, size_t pos) {
  const void* nl = std::memchr(value.data() + pos, '\n', value.size() - pos);
  const size_t end = nl == nullptr
                         ? value.size()
                         : static_cast<size_t>(static_cast<const char*>(nl) - value.data());
  std::string_view line = value.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return {line, end + 1};
}

}  // namespace

size_t MessageDecoder::Decode(std::string_view value, EventSlots* events,
                              std::vector<BadLine>* bad) {
  size_t kept = 0;
  size_t index = 0;
  bool first_line = true;
  for (size_t pos = 0; pos <= value.size(); ++index) {
    auto [line, next] = LineAt(value, pos);
    const bool more_lines = next < value.size();
    pos = next;
    if (IsBlank(line)) continue;
    engine::Event* slot = events->Next();
    std::optional<EventError> error = decoder_.Decode(line, slot);
    if (error.has_value() && first_line && more_lines && error->field.empty() &&
        !decoder_.Decode(value, slot).has_value()) {
      // One event spread over several lines (pretty-printed JSON).
      events->Keep();
      return 1;
    }
    first_line = false;
    if (error.has_value()) {
      bad->push_back({index, line, std::move(*error)});
      continue;
    }
    events->Keep();
    ++kept;
  }
  return kept;
}

}  // namespace strata::ingest::kafka
