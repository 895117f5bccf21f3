// Column vectors and chunks: the unit of vectorized execution.
//
// A Vector holds one column of up to a few thousand values of one Type. Fixed-width values
// live in `i64` (kBool, kInt64, kTimestamp), `f64` (kFloat64) or `iv` (kInterval); strings
// are views in `str` whose bytes are owned elsewhere: by the snapshot's segments and
// memtables (scan output), by the catalog, or by a StringHeap the vector shares (computed
// strings). A vector keeps its heaps alive, so views stay valid as long as the vector.
//
// Strings that come from a dictionary may also carry `codes` (one per row) and
// `code_source` (which dictionary): equal codes from one source are equal strings, so
// grouping and equality can work on codes and decode only what they output. Any operator
// that produces new strings leaves `codes` empty and `code_source` null.
//
// Nulls: `nulls` is empty when no value is null, else one byte per row (1 = null); the
// value slot of a null row holds a default (0, "", ...) that must not be relied on.
//
// A Chunk is a set of equally long vectors (the columns of an operator's output).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/types.h"

namespace strata::query {

// Owns computed string bytes. Append-only; views never move.
class StringHeap {
 public:
  std::string_view Add(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > kBlock / 4) {
      big_.emplace_back(s);
      bytes_ += s.size();
      return big_.back();
    }
    if (blocks_.empty() || used_ + s.size() > kBlock) {
      blocks_.emplace_back(new char[kBlock]);
      used_ = 0;
      bytes_ += kBlock;
    }
    char* dst = blocks_.back().get() + used_;
    std::copy(s.begin(), s.end(), dst);
    used_ += s.size();
    return {dst, s.size()};
  }
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::deque<std::string> big_;
  size_t used_ = 0;
  size_t bytes_ = 0;
};

struct Vector {
  Type type = Type::kNull;
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<std::string_view> str;
  std::vector<Interval> iv;
  std::vector<uint8_t> nulls;  // empty = no nulls

  std::vector<uint32_t> codes;                           // optional dictionary codes of `str`
  const void* code_source = nullptr;                     // identity of the dictionary `codes` index
  std::vector<std::shared_ptr<const StringHeap>> heaps;  // keep string bytes alive

  explicit Vector(Type t = Type::kNull) : type(t) {}

  size_t size() const;
  bool IsNull(size_t row) const { return !nulls.empty() && nulls[row] != 0; }
  bool has_nulls() const { return !nulls.empty(); }
  // Resizes the storage of this vector's type to `n` rows (new rows are non-null defaults).
  void Resize(size_t n);
  void Clear();
  // Marks row `row` null (allocating the null mask if needed).
  void SetNull(size_t row);

  // A new heap for strings this vector will own; kept alive by the vector.
  StringHeap* NewHeap();

  Value GetValue(size_t row) const;  // copies (strings included)
  void Append(const Value& v);       // v.type must equal type, or v.null
  // Appends rows `sel[0..n)` of `src` (same type); shares src's heaps, keeps codes when
  // this vector is empty or has the same code_source.
  void AppendSelected(const Vector& src, const uint32_t* sel, size_t n);
  void AppendAll(const Vector& src);
  // A vector of `n` copies of `v`.
  static Vector Constant(const Value& v, size_t n);
  // Approximate heap bytes held (for memory budgets).
  size_t MemoryBytes() const;
};

struct Chunk {
  size_t rows = 0;
  std::vector<Vector> columns;

  size_t MemoryBytes() const;
  // Keeps only rows sel[0..n) of every column.
  void Select(const std::vector<uint32_t>& sel);
};

// Rows per chunk produced by scans and operators.
inline constexpr size_t kChunkRows = 4096;

}  // namespace strata::query
