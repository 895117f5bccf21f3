// Reads NDJSON input line by line from a file, a .zst file (streaming zstd) or stdin ("-").
//
// Lines are split here, not by simdjson's iterate_many: one bad line must not stop the
// rest (and Debian's simdjson 3.0.1 crashes if iteration continues after an error). A line
// longer than max_line_bytes is reported as too long and skipped without being buffered
// whole (a 100 MB line costs no more memory than max_line_bytes). Reads go in 1 MiB
// chunks; the buffer never exceeds max_line_bytes + 1 MiB. A '\r' before the '\n' is
// stripped; the last line may lack its '\n'.
//
// Thread safety: one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::ingest {

struct NdjsonLine {
  uint64_t number = 0;    // 1-based line number in the input
  std::string_view text;  // without the newline; valid until the next Next()
  bool too_long = false;  // text is empty and the line exceeded max_line_bytes
};

class NdjsonReader {
 public:
  // path "-" reads stdin; a path ending in ".zst" is decompressed while reading.
  static absl::StatusOr<std::unique_ptr<NdjsonReader>> Open(const std::string& path,
                                                            size_t max_line_bytes = 1 << 20);
  virtual ~NdjsonReader() = default;
  // Fills *line with the next line. Returns false at end of input; check status() then
  // (an I/O or zstd error ends the input early; a corrupt or truncated .zst gives DataLoss
  // naming the file and the compressed byte offset).
  virtual bool Next(NdjsonLine* line) = 0;
  virtual absl::Status status() const = 0;
  virtual uint64_t bytes_read() const = 0;  // input bytes read so far (decompressed)
};

}  // namespace strata::ingest
