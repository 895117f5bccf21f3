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

#include "common/json_text.h"
#include "query/types.h"

namespace strata::server::http {

using ::strata::AppendJsonString;  // common/json_text.h
void AppendJsonValue(const query::Value& value, std::string* out);
// A double in shortest round-trip form; non-finite values as the strings "NaN",
// "Infinity", "-Infinity".
void AppendJsonDouble(double value, std::string* out);

}  // namespace strata::server::http
