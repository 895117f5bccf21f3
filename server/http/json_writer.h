// JSON output for the HTTP API: string escaping and query Values as JSON values.
//
// Values: NULL -> null, booleans -> true/false, integers -> numbers, doubles -> shortest
// round-trip numbers (NaN/Infinity/-Infinity as strings: JSON has no such numbers),
// strings -> strings, timestamps -> RFC 3339 strings ("2026-11-01T12:00:00.25Z"),
// intervals -> their PostgreSQL text ("1 day 02:00:00").
//
// Thread safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "query/types.h"

namespace strata::server::http {

// Appends `text` as a quoted JSON string. `text` is expected to be UTF-8 and is copied
// as is, except '"', '\\' and control characters (U+0000-U+001F, U+007F), which are
// escaped.
void AppendJsonString(std::string_view text, std::string* out);
void AppendJsonValue(const query::Value& value, std::string* out);
// A double in shortest round-trip form; non-finite values as the strings "NaN",
// "Infinity", "-Infinity".
void AppendJsonDouble(double value, std::string* out);

}  // namespace strata::server::http
