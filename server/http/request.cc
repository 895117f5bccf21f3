#include "server/http/request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/json_writer.h"

namespace strata::server::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

HttpReply ErrorReply(int status, std::string_view message) {
  HttpReply reply;
  reply.status = status;
  reply.body = "{\"error\":{\"message\":";
  AppendJsonString(message, &reply.body);
  reply.body += "}}";
  return reply;
}

HttpReply JsonReply(std::string body, int status) {
  HttpReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (UrlDecode(key) != name) continue;
    return eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<auth::Principal> Authenticate(const auth::TenantStore& tenants,
                                            std::string_view authorization) {
  authorization = Trim(authorization);
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string scheme = absl::AsciiStrToLower(std::string(authorization.substr(0, space)));
  const std::string_view credentials = Trim(authorization.substr(space + 1));
  if (credentials.empty()) return std::nullopt;
  if (scheme == "bearer") return tenants.AuthenticateToken(credentials);
  if (scheme != "basic") return std::nullopt;
  std::string decoded;
  if (!absl::Base64Unescape(std::string(credentials), &decoded)) return std::nullopt;
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return tenants.AuthenticatePassword(std::string_view(decoded).substr(0, colon),
                                      std::string_view(decoded).substr(colon + 1));
}

std::string MediaType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  return absl::AsciiStrToLower(std::string(Trim(content_type.substr(0, semicolon))));
}

}  // namespace strata::server::http
