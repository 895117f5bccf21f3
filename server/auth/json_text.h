// Writing JSON by hand: string escaping for the tenant file and the admin tools.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace strata::server::auth {

// Appends `text` as a JSON string literal (with quotes). '"', '\\' and control characters
// are escaped; other bytes are copied as they are (the text is expected to be UTF-8).
void AppendJsonString(std::string_view text, std::string* out);
std::string JsonString(std::string_view text);

}  // namespace strata::server::auth
