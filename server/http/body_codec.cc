#include "server/http/body_codec.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace strata::server::http {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMinInflateChunk = 64 << 10;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RAII for a zlib inflate stream.
class Inflater {
 public:
  explicit Inflater(int window_bits) { ok_ = inflateInit2(&z_, window_bits) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream* z() { return &z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

// A zlib (RFC 1950) header: CM = 8 and the 16-bit check.
bool HasZlibHeader(std::string_view in) {
  if (in.size() < 2) return false;
  const unsigned b0 = static_cast<unsigned char>(in[0]);
  const unsigned b1 = static_cast<unsigned char>(in[1]);
  return (b0 & 0x0f) == 8 && (b0 * 256 + b1) % 31 == 0;
}

bool HasGzipMagic(std::string_view in) {
  return in.size() >= 2 && static_cast<unsigned char>(in[0]) == 0x1f &&
         static_cast<unsigned char>(in[1]) == 0x8b;
}

// The index just past the string whose opening quote is at `quote`, or kNpos.
size_t SkipString(std::string_view s, size_t quote) {
  for (size_t i = quote + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return kNpos;
}

// The index just past the object or array opening at `open`, looking no further than
// `limit`; kNpos if it does not close before. Brackets of both kinds count alike: the
// event decoder validates the content.
size_t SkipComposite(std::string_view s, size_t open, size_t limit) {
  size_t depth = 0;
  for (size_t i = open; i < limit; ++i) {
    const char c = s[i];
    if (c == '"') {
      i = SkipString(s.substr(0, limit), i);
      if (i == kNpos) return kNpos;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return kNpos;
}

// The index just past a scalar (number, literal) starting at `start`.
size_t SkipScalar(std::string_view s, size_t start) {
  size_t i = start;
  while (i < s.size() && s[i] != ',' && s[i] != ']' && s[i] != '}' && !IsBlank(s[i])) ++i;
  return i;
}

size_t SkipBlanks(std::string_view s, size_t i) {
  while (i < s.size() && IsBlank(s[i])) ++i;
  return i;
}

size_t LineEnd(std::string_view s, size_t from) {
  const void* nl = std::memchr(s.data() + from, '\n', s.size() - from);
  return nl == nullptr ? s.size() : static_cast<const char*>(nl) - s.data();
}

absl::Status EnvelopeError(std::string_view what, size_t offset) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed JSON array: ", std::string(what), " at byte ", offset));
}

absl::Status SplitArray(std::string_view s, size_t open, std::vector<std::string_view>* events) {
  size_t i = SkipBlanks(s, open + 1);
  if (i < s.size() && s[i] == ']') {
    i = SkipBlanks(s, i + 1);
    if (i != s.size()) return EnvelopeError("content after the array", i);
    return absl::OkStatus();
  }
  while (true) {
    if (i >= s.size()) return EnvelopeError("unterminated array", s.size());
    size_t end;
    const char c = s[i];
    if (c == '{' || c == '[') {
      end = SkipComposite(s, i, s.size());
    } else if (c == '"') {
      end = SkipString(s, i);
    } else if (c == ',' || c == ']') {
      return EnvelopeError("missing element", i);
    } else {
      end = SkipScalar(s, i);
    }
    if (end == kNpos) return EnvelopeError("unterminated element", i);
    events->push_back(s.substr(i, end - i));
    i = SkipBlanks(s, end);
    if (i >= s.size()) return EnvelopeError("unterminated array", s.size());
    if (s[i] == ']') break;
    if (s[i] != ',') return EnvelopeError("expected ',' or ']'", i);
    i = SkipBlanks(s, i + 1);
  }
  const size_t after = SkipBlanks(s, i + 1);
  if (after != s.size()) return EnvelopeError("content after the array", after);
  return absl::OkStatus();
}

void SplitLines(std::string_view s, size_t from, std::vector<std::string_view>* events) {
  size_t i = from;
  while (i < s.size()) {
    const size_t end = LineEnd(s, i);
    const size_t first = SkipBlanks(s.substr(0, end), i);
    if (first < end) events->push_back(s.substr(first, end - first));
    i = end + 1;
  }
}

// Objects spanning lines, one after another (see the header).
void SplitObjectStream(std::string_view s, size_t from, std::vector<std::string_view>* events) {
  size_t i = SkipBlanks(s, from);
  while (i < s.size()) {
    if (s[i] != '{') {
      const size_t end = LineEnd(s, i);
      events->push_back(s.substr(i, end - i));
      i = SkipBlanks(s, end);
      continue;
    }
    const size_t end = SkipComposite(s, i, s.size());
    if (end == kNpos) {
      events->push_back(s.substr(i));
      return;
    }
    size_t next = end;
    while (next < s.size() && (s[next] == ' ' || s[next] == '\t' || s[next] == '\r')) ++next;
    if (next < s.size() && s[next] != '\n' && s[next] != '{') {
      // Something else follows on the object's last line: one bad event up to the line's
      // end (the decoder names it: trailing content).
      const size_t line_end = LineEnd(s, next);
      events->push_back(s.substr(i, line_end - i));
      i = SkipBlanks(s, line_end);
      continue;
    }
    events->push_back(s.substr(i, end - i));
    i = SkipBlanks(s, end);
  }
}

}  // namespace

bool ParseContentEncoding(std::string_view header, BodyEncoding* out) {
  const std::string value =
      absl::AsciiStrToLower(std::string(absl::StripAsciiWhitespace(std::string(header))));
  if (value.empty() || value == "identity") {
    *out = BodyEncoding::kIdentity;
  } else if (value == "gzip" || value == "x-gzip") {
    *out = BodyEncoding::kGzip;
  } else if (value == "deflate") {
    *out = BodyEncoding::kDeflate;
  } else {
    return false;
  }
  return true;
}

absl::Status Inflate(std::string_view in, BodyEncoding encoding, size_t max_out,
                     absl::FunctionRef<bool(size_t)> grow, std::string* out) {
  out->clear();
  if (encoding == BodyEncoding::kIdentity) {
    if (in.size() > max_out) {
      return absl::OutOfRangeError(absl::StrCat("decoded body larger than ", max_out, " bytes"));
    }
    if (!grow(in.size())) return absl::ResourceExhaustedError("ingest is over its memory bound");
    out->assign(in);
    return absl::OkStatus();
  }
  const char* name = encoding == BodyEncoding::kGzip ? "gzip" : "deflate";
  int window_bits = 15 + 16;  // gzip only
  if (encoding == BodyEncoding::kDeflate) window_bits = HasZlibHeader(in) ? 15 : -15;
  Inflater inflater(window_bits);
  if (!inflater.ok()) return absl::InternalError("zlib inflateInit2 failed");
  z_stream* z = inflater.z();
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  size_t in_left = in.size();
  size_t produced = 0;
  // One byte past the cap is room enough to tell "exactly max_out" from "more".
  const size_t hard_cap = max_out + 1;
  while (true) {
    if (produced == out->size()) {
      const size_t chunk =
          std::min(std::max({kMinInflateChunk, in.size() * 4, out->size()}), hard_cap - produced);
      if (chunk == 0) break;
      if (!grow(chunk)) return absl::ResourceExhaustedError("ingest is over its memory bound");
      out->resize(out->size() + chunk);
    }
    const uInt in_step = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
    const uInt out_step = static_cast<uInt>(std::min<size_t>(out->size() - produced, 1u << 30));
    z->avail_in = in_step;
    z->next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    z->avail_out = out_step;
    const int rc = inflate(z, Z_NO_FLUSH);
    in_left -= in_step - z->avail_in;
    produced += out_step - z->avail_out;
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated .gz files are one stream).
      const std::string_view rest(reinterpret_cast<const char*>(z->next_in), in_left);
      if (encoding == BodyEncoding::kGzip && HasGzipMagic(rest)) {
        if (inflateReset(z) != Z_OK) return absl::InternalError("zlib inflateReset failed");
        continue;
      }
      if (!rest.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("corrupt ", name, " body: data after the end of the stream"));
      }
      break;
    }
    if (rc == Z_BUF_ERROR && in_left == 0 && produced < out->size()) {
      return absl::InvalidArgumentError(absl::StrCat("truncated ", name, " body"));
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return absl::InvalidArgumentError(
          absl::StrCat("corrupt ", name, " body: ", z->msg != nullptr ? z->msg : "inflate failed"));
    }
    if (produced > max_out) break;
  }
  if (produced > max_out) {
    return absl::OutOfRangeError(absl::StrCat("decoded body larger than ", max_out, " bytes"));
  }
  out->resize(produced);
  return absl::OkStatus();
}

absl::Status SplitEvents(std::string_view body, BodyForm form,
                         std::vector<std::string_view>* events) {
  const size_t first = SkipBlanks(body, 0);
  if (form == BodyForm::kLines) {
    SplitLines(body, first, events);
    return absl::OkStatus();
  }
  if (first == body.size()) return absl::OkStatus();
  if (body[first] == '[') return SplitArray(body, first, events);
  const size_t line_end = LineEnd(body, first);
  const bool one_line_value = body[first] != '{' || SkipComposite(body, first, line_end) != kNpos;
  if (one_line_value) {
    SplitLines(body, first, events);
  } else {
    SplitObjectStream(body, first, events);
  }
  return absl::OkStatus();
}

}  // namespace strata::server::http
