// The one place Strata calls LZ4 and zstd. Neither library throws; their failures on
// compression are bugs (the output buffer is sized by their own bound functions), their
// failures on decompression are corrupt input and become DataLoss.
#include "storage/encoding/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace strata::storage {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Contexts hold ~1 MB of tables; reusing one per thread avoids that allocation per block.
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  STRATA_CHECK(ctx != nullptr, "ZSTD_createCCtx failed");
  return ctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  STRATA_CHECK(ctx != nullptr, "ZSTD_createDCtx failed");
  return ctx.get();
}

void CompressLz4(std::string_view in, std::string* out) {
  STRATA_CHECK(in.size() <= LZ4_MAX_INPUT_SIZE, "block too large for LZ4");
  const int src_size = static_cast<int>(in.size());
  const int bound = LZ4_compressBound(src_size);
  const size_t old = out->size();
  out->resize(old + static_cast<size_t>(bound));
  const int n = LZ4_compress_default(in.data(), out->data() + old, src_size, bound);
  STRATA_CHECK(n > 0, "LZ4_compress_default failed with a bound-sized buffer");
  out->resize(old + static_cast<size_t>(n));
}

void CompressZstd(std::string_view in, int level, std::string* out) {
  const size_t bound = ZSTD_compressBound(in.size());
  const size_t old = out->size();
  out->resize(old + bound);
  const size_t n =
      ZSTD_compressCCtx(ThreadCCtx(), out->data() + old, bound, in.data(), in.size(), level);
  STRATA_CHECK(!ZSTD_isError(n), "ZSTD_compressCCtx failed with a bound-sized buffer");
  out->resize(old + n);
}

absl::Status DecompressLz4(std::string_view in, size_t raw_size, std::string* out) {
  if (in.size() > INT_MAX || raw_size > INT_MAX) {
    return absl::DataLossError(absl::StrCat("lz4 block: sizes out of range (", in.size(),
                                            " compressed, ", raw_size, " raw)"));
  }
  const int n = LZ4_decompress_safe(in.data(), out->data(), static_cast<int>(in.size()),
                                    static_cast<int>(raw_size));
  if (n < 0) return absl::DataLossError("lz4 block: malformed compressed data");
  if (static_cast<size_t>(n) != raw_size) {
    return absl::DataLossError(
        absl::StrCat("lz4 block: decompressed to ", n, " bytes, expected ", raw_size));
  }
  return absl::OkStatus();
}

absl::Status DecompressZstd(std::string_view in, size_t raw_size, std::string* out) {
  const size_t n = ZSTD_decompressDCtx(ThreadDCtx(), out->data(), raw_size, in.data(), in.size());
  if (ZSTD_isError(n)) {
    return absl::DataLossError(absl::StrCat("zstd block: ", ZSTD_getErrorName(n)));
  }
  if (n != raw_size) {
    return absl::DataLossError(
        absl::StrCat("zstd block: decompressed to ", n, " bytes, expected ", raw_size));
  }
  return absl::OkStatus();
}

}  // namespace

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

void Compress(Compression c, std::string_view in, int level, std::string* out) {
  switch (c) {
    case Compression::kNone:
      out->append(in.data(), in.size());
      return;
    case Compression::kLz4:
      return CompressLz4(in, out);
    case Compression::kZstd:
      return CompressZstd(in, level, out);
  }
  STRATA_CHECK(false, "unknown compression");
}

absl::Status Decompress(Compression c, std::string_view in, size_t raw_size, std::string* out) {
  switch (c) {
    case Compression::kNone:
      if (in.size() != raw_size) {
        return absl::DataLossError(
            absl::StrCat("uncompressed block: ", in.size(), " bytes, expected ", raw_size));
      }
      out->assign(in.data(), in.size());
      return absl::OkStatus();
    case Compression::kLz4:
      out->resize(raw_size);
      return DecompressLz4(in, raw_size, out);
    case Compression::kZstd:
      out->resize(raw_size);
      return DecompressZstd(in, raw_size, out);
  }
  return absl::DataLossError(absl::StrCat("unknown compression id ", static_cast<int>(c)));
}

}  // namespace strata::storage
