// Writing JSON strings by hand (result formats, the HTTP API, the tenant file, event
// params): one escaping rule for the whole project.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace strata {

// Appends `text` as a quoted JSON string. `text` is expected to be UTF-8 and is copied as
// is, except '"', '\\' and control characters (U+0000-U+001F, U+007F), which are escaped
// (\n \r \t \b \f by name, the others as \u00XX).
void AppendJsonString(std::string_view text, std::string* out);
std::string JsonString(std::string_view text);

}  // namespace strata
