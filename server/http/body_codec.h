// /collect bodies: Content-Encoding (gzip/deflate via zlib, with an output cap) and
// splitting a body into the JSON text of each event without building a DOM of the body.
//
// Forms (docs/http.md), told apart by the content:
// - a JSON array of objects `[{...},{...}]` when the first non-blank byte is '[': each
//   element is one event (an element that is not an object becomes a per-event error; a
//   broken envelope, such as a missing ',' or ']', fails the whole body);
// - NDJSON when the first line holds a complete JSON value (the usual case, including a
//   single object): every non-blank line is one event, so one bad line never touches the
//   others;
// - otherwise a stream of objects spanning lines (pretty-printed, one after another): each
//   top-level object is one event; a top-level line that does not start an object is one
//   bad event; an object that never closes makes the rest of the body one bad event.
// Content-Type application/x-ndjson forces the NDJSON reading.
//
// Every form is split in one pass over the bytes (strings and escapes respected); the
// scanners never look at more than a constant number of bytes per input byte.
//
// Thread safety: stateless functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace strata::server::http {

enum class BodyEncoding { kIdentity, kGzip, kDeflate };

// "", "identity", "gzip", "x-gzip", "deflate" (case-insensitive) -> the encoding; false for
// anything else (415).
bool ParseContentEncoding(std::string_view header, BodyEncoding* out);

// Inflates `in` (gzip: one or more members; deflate: zlib-wrapped or raw) into *out.
// `grow(n)` is asked before *out may hold n more bytes; when it says no, stops with
// ResourceExhausted. More than `max_out` decoded bytes: OutOfRange ("decoded body larger
// than N bytes"). Corrupt or truncated input: InvalidArgument.
absl::Status Inflate(std::string_view in, BodyEncoding encoding, size_t max_out,
                     absl::FunctionRef<bool(size_t)> grow, std::string* out);

enum class BodyForm {
  kDetect,  // array, NDJSON or object stream, by the content (above)
  kLines,   // NDJSON: one event per non-blank line
};

// Appends the text of each event of `body` to *events, in request order. InvalidArgument
// (naming the byte offset) only for a malformed array envelope.
absl::Status SplitEvents(std::string_view body, BodyForm form,
                         std::vector<std::string_view>* events);

}  // namespace strata::server::http
