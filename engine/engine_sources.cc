// Source positions (external logs such as Kafka): their manifest encoding and the flush
// thread's bookkeeping of what each shard's segments cover.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/engine_impl.h"

namespace strata::engine {

std::string SourcesProperty(uint32_t shard) { return absl::StrCat("shard.", shard, ".sources"); }

// "key=offset;key=offset", keys in order. Append rejects keys holding '=' or ';'.
std::string EncodeSourcePositions(const SourcePositions& positions) {
  std::string out;
  for (const auto& [key, offset] : positions) {
    if (!out.empty()) out.push_back(';');
    absl::StrAppend(&out, key, "=", offset);
  }
  return out;
}

absl::StatusOr<SourcePositions> DecodeSourcePositions(std::string_view text) {
  SourcePositions out;
  if (text.empty()) return out;
  for (absl::string_view item : absl::StrSplit(absl::string_view(text.data(), text.size()), ';')) {
    const size_t eq = item.rfind('=');
    int64_t offset = 0;
    if (eq == absl::string_view::npos || eq == 0 ||
        !absl::SimpleAtoi(item.substr(eq + 1), &offset)) {
      return absl::DataLossError(
          absl::StrCat("manifest: malformed source position '", std::string(item), "'"));
    }
    out[std::string(item.substr(0, eq))] = offset;
  }
  return out;
}

void AdvanceSourcePositions(const SourcePositions& from, SourcePositions* into) {
  for (const auto& [key, offset] : from) {
    auto [it, inserted] = into->emplace(key, offset);
    if (!inserted && it->second < offset) it->second = offset;
  }
}

std::vector<SourcePositions> EngineImpl::DurablePositions() const {
  absl::MutexLock lock(&state_mu_);
  std::vector<SourcePositions> out;
  out.reserve(shards_.size());
  for (const ShardState& s : shards_) out.push_back(s.durable_positions);
  return out;
}

// The flushed shard covers what was applied when its memtable froze. A shard with nothing
// in memory (no published rows, nothing frozen) covers everything applied so far: every
// event it was given is in segments already (rows of a group being inserted are not
// published yet, and neither are that group's positions: both happen in PublishGroup). Without
// this, a shard that no source event maps to would hold every partition's resume point at zero.
std::vector<std::pair<uint32_t, SourcePositions>> EngineImpl::RecordSourcePositions(
    const FlushTask& task, storage::ManifestEdit* edit) {
  std::vector<std::pair<uint32_t, SourcePositions>> recorded;
  {
    absl::MutexLock lock(&state_mu_);
    if (applied_positions_.empty()) return recorded;
    for (uint32_t i = 0; i < shard_count_; ++i) {
      const ShardState& s = shards_[i];
      SourcePositions positions = s.durable_positions;
      if (i == task.shard) {
        AdvanceSourcePositions(task.covers, &positions);
      } else if (s.mem->visible_rows() == 0 && s.frozen.empty()) {
        AdvanceSourcePositions(applied_positions_, &positions);
      } else {
        continue;
      }
      if (positions != s.durable_positions) recorded.emplace_back(i, std::move(positions));
    }
  }
  for (const auto& [shard, positions] : recorded) {
    edit->properties[SourcesProperty(shard)] = EncodeSourcePositions(positions);
  }
  return recorded;
}

}  // namespace strata::engine
