// `strata generate`: deterministic GA-like demo traffic as NDJSON, in arrival order, to
// stdout or a file (zstd-compressed when the name ends in .zst). Same flags, same bytes.
//
// Lines accumulate in a 1 MiB buffer; each full buffer is one write (or one zstd
// streaming call), so the sink costs one virtual call per MiB, never one per event.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "ingest/generator.h"
#include "server/args.h"
#include "server/commands.h"
#include "storage/file.h"
#include "zstd.h"

namespace strata::server {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

// Where the NDJSON goes.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual absl::Status Write(std::string_view data) = 0;
  // Flushes and closes; the output is complete only if this returns OK.
  virtual absl::Status Finish() = 0;
};

// Standard output. Not closed: the process exit does that.
class StdoutSink : public Sink {
 public:
  absl::Status Write(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return absl::UnavailableError(absl::StrCat("write stdout: ", std::strerror(errno)));
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }
};

class FileSink : public Sink {
 public:
  explicit FileSink(std::unique_ptr<storage::WritableFile> file) : file_(std::move(file)) {}
  absl::Status Write(std::string_view data) override { return file_->Append(data); }
  absl::Status Finish() override { return file_->Close(); }

 private:
  std::unique_ptr<storage::WritableFile> file_;
};

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// zstd streaming compression in front of another sink; one frame with a content checksum.
class ZstdSink : public Sink {
 public:
  static absl::StatusOr<std::unique_ptr<ZstdSink>> Create(std::unique_ptr<Sink> inner, int level) {
    std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
    if (cctx == nullptr) return absl::ResourceExhaustedError("ZSTD_createCCtx failed");
    for (auto [param, value] :
         {std::pair{ZSTD_c_compressionLevel, level}, std::pair{ZSTD_c_checksumFlag, 1}}) {
      const size_t r = ZSTD_CCtx_setParameter(cctx.get(), param, value);
      if (ZSTD_isError(r))
        return absl::InvalidArgumentError(absl::StrCat("zstd: ", ZSTD_getErrorName(r)));
    }
    return std::unique_ptr<ZstdSink>(new ZstdSink(std::move(inner), std::move(cctx)));
  }
  absl::Status Write(std::string_view data) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (in.pos < in.size) RETURN_IF_ERROR(Step(&in, ZSTD_e_continue, nullptr));
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (bool done = false; !done;) RETURN_IF_ERROR(Step(&in, ZSTD_e_end, &done));
    return inner_->Finish();
  }

 private:
  ZstdSink(std::unique_ptr<Sink> inner, std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx)
      : inner_(std::move(inner)), cctx_(std::move(cctx)), out_(ZSTD_CStreamOutSize()) {}

  // One compression call; passes whatever it produced on. *done: the frame is complete.
  absl::Status Step(ZSTD_inBuffer* in, ZSTD_EndDirective mode, bool* done) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t remaining = ZSTD_compressStream2(cctx_.get(), &out, in, mode);
    if (ZSTD_isError(remaining))
      return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(remaining)));
    if (done != nullptr) *done = remaining == 0;
    if (out.pos == 0) return absl::OkStatus();
    return inner_->Write(std::string_view(out_.data(), out.pos));
  }

  std::unique_ptr<Sink> inner_;
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx_;
  std::vector<char> out_;
};

absl::StatusOr<std::unique_ptr<Sink>> OpenSink(const std::string& output, int zstd_level) {
  if (output == "-") return std::unique_ptr<Sink>(new StdoutSink());
  ASSIGN_OR_RETURN(auto file, storage::WritableFile::Open(output, /*truncate=*/true));
  std::unique_ptr<Sink> sink(new FileSink(std::move(file)));
  if (!absl::EndsWith(output, ".zst")) return sink;
  ASSIGN_OR_RETURN(auto zstd, ZstdSink::Create(std::move(sink), zstd_level));
  return std::unique_ptr<Sink>(std::move(zstd));
}

// --start: epoch milliseconds, or RFC 3339 ("2026-11-01T00:00:00Z"), or a UTC date.
absl::StatusOr<int64_t> ParseStart(const std::string& text) {
  int64_t ms;
  if (absl::SimpleAtoi(text, &ms)) {
    if (ms < 0 || ms > std::numeric_limits<int64_t>::max() / 1000)
      return absl::InvalidArgumentError(absl::StrCat("--start: out of range: ", text));
    return ms * 1000;
  }
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err) ||
      absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    return absl::ToUnixMicros(t);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--start: expected epoch milliseconds or RFC 3339 like 2026-11-01T00:00:00Z, got '", text,
      "'"));
}

struct Totals {
  uint64_t events = 0;
  uint64_t bytes = 0;  // uncompressed NDJSON
};

absl::Status Generate(const ingest::GeneratorOptions& options, Sink& sink, Totals* totals) {
  ingest::Generator generator(options);
  engine::Event event;
  std::string buffer;
  buffer.reserve(kFlushBytes + (64 << 10));
  while (generator.Next(&event)) {
    ingest::Generator::AppendJson(event, &buffer);
    ++totals->events;
    if (buffer.size() >= kFlushBytes) {
      RETURN_IF_ERROR(sink.Write(buffer));
      totals->bytes += buffer.size();
      buffer.clear();
    }
  }
  RETURN_IF_ERROR(sink.Write(buffer));
  totals->bytes += buffer.size();
  return sink.Finish();
}

struct Flags {
  uint64_t events = 1000000;
  uint64_t merchants = 100;
  uint64_t days = 7;
  uint64_t seed = 1;
  std::string start = "2026-11-01T00:00:00Z";
  double zipf = 1.1;
  std::string output = "-";
  int64_t zstd_level = 3;
};

// Flags -> options; InvalidArgument names the flag.
absl::StatusOr<ingest::GeneratorOptions> ToOptions(const Flags& f) {
  if (f.merchants > UINT32_MAX || f.days > UINT32_MAX)
    return absl::InvalidArgumentError("--merchants and --days must fit 32 bits");
  if (f.zstd_level < 1 || f.zstd_level > 19)
    return absl::InvalidArgumentError(
        absl::StrCat("--zstd-level must be 1..19, got ", f.zstd_level));
  ingest::GeneratorOptions o;
  o.events = f.events;
  o.merchants = static_cast<uint32_t>(f.merchants);
  o.days = static_cast<uint32_t>(f.days);
  o.seed = f.seed;
  o.zipf_exponent = f.zipf;
  ASSIGN_OR_RETURN(o.start_us, ParseStart(f.start));
  RETURN_IF_ERROR(ingest::ValidateGeneratorOptions(o));
  return o;
}

}  // namespace

int RunGenerate(const std::vector<std::string>& args) {
  Flags f;
  ArgParser parser(
      "strata generate [--events N] [--merchants M] [--days D] [--seed S] [--start TIME] "
      "[--output FILE]",
      "Writes realistic GA-like demo traffic as NDJSON, one event per line, in arrival\n"
      "order (event time plus network lateness). The same flags give the same bytes on any\n"
      "machine. FILE ending in .zst is zstd-compressed. See docs/generator.md.");
  parser.AddUint64("events", &f.events, "number of events");
  parser.AddUint64("merchants", &f.merchants, "number of merchants (shop-000001...)");
  parser.AddUint64("days", &f.days, "days of traffic from --start");
  parser.AddUint64("seed", &f.seed, "random seed");
  parser.AddString("start", &f.start, "first day: RFC 3339 time or epoch milliseconds");
  parser.AddDouble("zipf", &f.zipf, "Zipf exponent of traffic over merchants");
  parser.AddString("output", &f.output, "output file, '-' for stdout");
  parser.AddInt64("zstd-level", &f.zstd_level, "zstd level for .zst output");
  if (std::optional<int> exit = parser.ParseOrExit(args, "generate")) return *exit;
  if (!parser.positional().empty()) {
    std::fprintf(stderr, "strata generate: unexpected argument '%s' (see --help)\n",
                 parser.positional()[0].c_str());
    return 2;
  }
  absl::StatusOr<ingest::GeneratorOptions> options = ToOptions(f);
  if (!options.ok()) {
    std::fprintf(stderr, "strata generate: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }

  const auto started = std::chrono::steady_clock::now();
  Totals totals;
  absl::StatusOr<std::unique_ptr<Sink>> sink = OpenSink(f.output, static_cast<int>(f.zstd_level));
  absl::Status status = sink.status();
  if (status.ok()) status = Generate(*options, **sink, &totals);
  if (!status.ok()) {
    std::fprintf(stderr, "strata generate: %s\n", status.ToString().c_str());
    return 1;
  }
  if (f.output != "-") {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "strata generate: %llu events, %llu bytes of NDJSON to %s in %.1f s\n",
                 static_cast<unsigned long long>(totals.events),
                 static_cast<unsigned long long>(totals.bytes), f.output.c_str(), seconds);
  }
  return 0;
}

}  // namespace strata::server
