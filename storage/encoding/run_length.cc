// kIntRunLength: runs of equal values. varint n, varint run count r, fixed64 ref (the smallest run
// value), then per group of up to 128 runs: a FOR miniblock of the run values and a packed
// miniblock of (run length - 1). Best for long runs, e.g. sorted merchant ids.
#include <algorithm>

#include "common/status.h"
#include "storage/encoding/codecs.h"
#include "storage/encoding/miniblock.h"

namespace strata::storage::codecs {
namespace {

using miniblock::kMiniblockValues;

// Calls fn(values, lengths_minus_one, m) for each group of up to 128 runs of `v`.
template <typename Fn>
void ForEachRunGroup(Ints v, Fn fn) {
  int64_t values[kMiniblockValues];
  uint64_t lengths[kMiniblockValues];
  size_t m = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = i + 1;
    while (j < v.size() && v[j] == v[i]) ++j;
    values[m] = v[i];
    lengths[m] = j - i - 1;
    if (++m == kMiniblockValues) {
      fn(values, lengths, m);
      m = 0;
    }
    i = j;
  }
  if (m > 0) fn(values, lengths, m);
}

struct RunSummary {
  size_t runs = 0;
  int64_t min = 0;
};

RunSummary Summarize(Ints v) {
  RunSummary s{1, v[0]};
  for (size_t i = 1; i < v.size(); ++i) {
    s.runs += v[i] != v[i - 1];
    s.min = std::min(s.min, v[i]);
  }
  return s;
}

uint64_t Or(const uint64_t* v, size_t m) {
  uint64_t all = 0;
  for (size_t i = 0; i < m; ++i) all |= v[i];
  return all;
}

constexpr char kContext[] = "rle block";

}  // namespace

// Exact size in one pass: per group of 128 runs, the range of run values and the OR of
// the stored lengths; the reference (smallest value) is known only at the end.
size_t RunLengthSize(Ints v) {
  struct Group {
    miniblock::Range range;
    uint64_t lengths_or;
    size_t runs;
  };
  miniblock::Scratch<Group> groups(miniblock::Count(v.size()));  // runs <= values
  size_t runs = 0;
  int64_t ref = v[0];
  auto close_run = [&](int64_t value, uint64_t length) {
    Group& group = groups[runs / kMiniblockValues];
    if (runs % kMiniblockValues == 0) group = {{value, value}, 0, 0};
    group.range.min = std::min(group.range.min, value);
    group.range.max = std::max(group.range.max, value);
    group.lengths_or |= length - 1;
    ++group.runs;
    ++runs;
    ref = std::min(ref, value);
  };
  size_t run_start = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] != v[i - 1]) {
      close_run(v[i - 1], i - run_start);
      run_start = i;
    }
  }
  close_run(v.back(), v.size() - run_start);

  size_t size = CountSize(v.size()) + miniblock::VarintLength(runs) + 8;
  for (size_t k = 0; k < miniblock::Count(runs); ++k) {
    const Group& group = groups[k];
    size += miniblock::ForSize(ref, group.range.min, group.range.max, group.runs) +
            miniblock::PackedSize(group.runs, bitpack::BitWidth(group.lengths_or));
  }
  return size;
}

void EncodeRunLength(Ints v, std::string* out) {
  const RunSummary s = Summarize(v);
  PutCount(v.size(), out);
  PutVarint64(out, s.runs);
  PutFixed64(out, static_cast<uint64_t>(s.min));
  ForEachRunGroup(v, [&](const int64_t* values, const uint64_t* lengths, size_t m) {
    miniblock::PutFor(
        0, m, s.min, [values](size_t i) { return values[i]; }, out);
    miniblock::PutPacked(lengths, m, bitpack::BitWidth(Or(lengths, m)), out);
  });
}

absl::Status DecodeRunLength(std::string_view in, size_t n, int64_t* out) {
  Cursor c(in);
  RETURN_IF_ERROR(ReadCount(c, n, kContext));
  const uint64_t runs = c.Varint64("run count");
  const uint64_t ref = c.Fixed64("reference value");
  if (c.ok() && (runs == 0 || runs > n)) c.Fail("run count", "zero or more runs than values");
  uint64_t* u = AsUnsigned(out);
  size_t filled = 0;
  uint64_t values[kMiniblockValues];
  uint64_t lengths[kMiniblockValues];
  for (uint64_t done = 0; c.ok() && done < runs; done += kMiniblockValues) {
    const size_t m = static_cast<size_t>(std::min<uint64_t>(kMiniblockValues, runs - done));
    if (!miniblock::ReadFor(c, m, ref, values) || !miniblock::ReadPacked(c, m, lengths)) break;
    for (size_t i = 0; i < m; ++i) {
      // lengths[i] + 1 > n - filled, written so it cannot overflow.
      if (lengths[i] >= n - filled) {
        c.Fail("run lengths", "runs cover more values than the block holds");
        break;
      }
      std::fill_n(u + filled, lengths[i] + 1, values[i]);
      filled += lengths[i] + 1;
    }
  }
  if (c.ok() && filled != n) c.Fail("run lengths", "runs cover fewer values than the block holds");
  return FinishDecode(c, kContext);
}

}  // namespace strata::storage::codecs
