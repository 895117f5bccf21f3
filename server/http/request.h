// The HTTP front end's own request and reply types, free of Beast, so the endpoint
// handlers (collect, query, admin) compile without it; http_server.cc converts.
//
// Thread safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/auth/tenants.h"

namespace strata::server::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target before '?'
  std::string query;   // the target after '?', without it
  // The headers the handlers look at ("" when absent).
  std::string content_type;
  std::string content_encoding;
  std::string authorization;
  std::string strata_key;  // X-Strata-Key
  std::string origin;
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this reply
};

// {"error":{"message":...}} with `status`.
HttpReply ErrorReply(int status, std::string_view message);
// A 200 (or `status`) reply with a JSON body.
HttpReply JsonReply(std::string body, int status = 200);

// Percent-decoding of a URL component ('+' is a space). Invalid escapes stay as they are.
std::string UrlDecode(std::string_view text);
// The URL-decoded value of `name` in a query string ("a=1&key=x"), nullopt if absent.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// The principal of an Authorization header: "Basic base64(user:password)" or
// "Bearer TOKEN" (scheme names are case-insensitive). nullopt if the header is empty,
// malformed or the credentials are wrong. Basic may run PBKDF2 on a cache miss: call it
// off the I/O threads.
std::optional<auth::Principal> Authenticate(const auth::TenantStore& tenants,
                                            std::string_view authorization);

// The media type of a Content-Type header, lower case, without parameters:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type);

}  // namespace strata::server::http
