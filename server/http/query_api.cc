#include "server/http/query_api.h"

#include <simdjson.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/error.h"
#include "query/query.h"
#include "server/http/json_writer.h"

namespace strata::server::http {
namespace {

enum StatusIndex { kOk = 0, kError = 1, kTimeout = 2, kUnauthorized = 3 };

bool IsJsonBody(const HttpRequest& request) {
  if (MediaType(request.content_type) == "application/json") return true;
  for (char c : request.body) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

// {"sql":..., "params":[...]} -> sql and params; an error message for a bad body.
std::optional<std::string> ParseJsonBody(const std::string& body, std::string* sql,
                                         std::vector<query::Value>* params) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto error = parser.parse(padded).get(doc); error) {
    return absl::StrCat("invalid JSON body: ", simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return "the JSON body must be an object";
  bool has_sql = false;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == "sql") {
      std::string_view text;
      if (field.value.get_string().get(text)) return "\"sql\" must be a string";
      sql->assign(text);
      has_sql = true;
    } else if (field.key == "params") {
      simdjson::dom::array array;
      if (field.value.get_array().get(array)) return "\"params\" must be an array";
      for (simdjson::dom::element e : array) {
        switch (e.type()) {
          case simdjson::dom::element_type::INT64:
            params->push_back(query::Value::Int(e.get_int64().value_unsafe()));
            break;
          case simdjson::dom::element_type::UINT64:
            params->push_back(
                query::Value::Float(static_cast<double>(e.get_uint64().value_unsafe())));
            break;
          case simdjson::dom::element_type::DOUBLE:
            params->push_back(query::Value::Float(e.get_double().value_unsafe()));
            break;
          case simdjson::dom::element_type::STRING:
            params->push_back(query::Value::String(std::string(e.get_string().value_unsafe())));
            break;
          case simdjson::dom::element_type::BOOL:
            params->push_back(query::Value::Bool(e.get_bool().value_unsafe()));
            break;
          case simdjson::dom::element_type::NULL_VALUE:
            params->push_back(query::Value::Null());
            break;
          default:
            return "each of \"params\" must be a number, string, boolean or null";
        }
      }
    } else {
      return absl::StrCat("unknown field \"", std::string(field.key),
                          "\" (expected \"sql\" and \"params\")");
    }
  }
  if (!has_sql) return "the JSON body needs \"sql\"";
  return std::nullopt;
}

HttpReply SqlErrorReply(const absl::Status& status, std::string_view message_override = {}) {
  const std::string state = query::SqlStateOf(status);
  const int position = query::ErrorPosition(status);
  std::string body = "{\"error\":{\"sqlstate\":";
  AppendJsonString(state, &body);
  body += ",\"message\":";
  AppendJsonString(
      message_override.empty() ? std::string(status.message()) : std::string(message_override),
      &body);
  if (position > 0) absl::StrAppend(&body, ",\"position\":", position);
  body += "}}";
  // Internal errors (XX000, XX001: corrupt data, I/O) are the server's fault.
  return JsonReply(std::move(body), state.rfind("XX", 0) == 0 ? 500 : 400);
}

std::string ResultJson(const query::QueryResult& result, double elapsed_ms) {
  std::string out = "{\"columns\":[";
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (c > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(result.columns[c].name, &out);
    out += ",\"type\":";
    AppendJsonString(query::TypeName(result.columns[c].type), &out);
    out += '}';
  }
  out += "],\"rows\":[";
  for (size_t r = 0; r < result.rows.size(); ++r) {
    if (r > 0) out += ',';
    out += '[';
    const std::vector<query::Value>& row = result.rows[r];
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      AppendJsonValue(row[c], &out);
    }
    out += ']';
  }
  out += "],\"tag\":";
  AppendJsonString(result.tag, &out);
  absl::StrAppendFormat(&out, ",\"elapsed_ms\":%.3f}", elapsed_ms);
  return out;
}

}  // namespace

QueryApi::QueryApi(QueryLimits limits, engine::Engine* engine, const auth::TenantStore* tenants,
                   MetricsRegistry* metrics)
    : limits_(limits), engine_(engine), tenants_(tenants) {
  const char* names[] = {"ok", "error", "timeout", "unauthorized"};
  for (int i = 0; i < 4; ++i) {
    status_counters_[i] =
        metrics->GetCounter("strata_query_api_total", "Statements run by /api/v1/query, by outcome",
                            {{"status", names[i]}});
  }
}

QueryApi::~QueryApi() = default;

HttpReply QueryApi::Handle(const HttpRequest& request) {
  if (request.method != "POST") {
    HttpReply reply = ErrorReply(405, "use POST");
    reply.headers.emplace_back("Allow", "POST");
    return reply;
  }
  std::optional<auth::Principal> principal = Authenticate(*tenants_, request.authorization);
  if (!principal.has_value()) {
    StatusCounter(kUnauthorized)->Add();
    HttpReply reply = ErrorReply(401, request.authorization.empty()
                                          ? "authentication required (Bearer token or Basic)"
                                          : "invalid credentials");
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"strata\"");
    return reply;
  }

  std::string sql;
  std::vector<query::Value> params;
  if (IsJsonBody(request)) {
    if (std::optional<std::string> error = ParseJsonBody(request.body, &sql, &params)) {
      StatusCounter(kError)->Add();
      return ErrorReply(400, *error);
    }
  } else {
    sql = request.body;
  }

  query::SessionOptions options;
  if (!principal->admin) options.merchant_scope = std::vector<std::string>{principal->merchant};
  options.memory_limit_bytes = limits_.memory_limit_bytes;
  if (principal->limits.memory_limit_mb.has_value()) {
    options.memory_limit_bytes = static_cast<size_t>(*principal->limits.memory_limit_mb) << 20;
  }
  options.max_result_rows = limits_.max_result_rows;
  options.threads = limits_.query_threads;
  absl::Duration timeout = limits_.statement_timeout;
  if (principal->limits.statement_timeout_ms.has_value()) {
    timeout = absl::Milliseconds(*principal->limits.statement_timeout_ms);
  }

  engine::Engine* engine = engine_;
  query::QuerySession session([engine] { return engine->GetSnapshot(); }, options);
  const auto start = std::chrono::steady_clock::now();
  std::optional<uint64_t> timer;
  if (timeout > absl::ZeroDuration()) {
    timer = deadlines_.Arm(absl::Now() + timeout, [&session] { session.Cancel(); });
  }
  {
    absl::MutexLock lock(&running_mu_);
    if (cancel_all_) {
      StatusCounter(kError)->Add();
      return ErrorReply(503, "the server is shutting down");
    }
    running_.insert(&session);
  }
  absl::StatusOr<query::QueryResult> result = session.Execute(sql, params);
  {
    absl::MutexLock lock(&running_mu_);
    running_.erase(&session);
  }
  const bool timed_out = timer.has_value() && deadlines_.Disarm(*timer);
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  if (!result.ok()) {
    if (timed_out && query::SqlStateOf(result.status()) == query::sqlstate::kQueryCanceled) {
      StatusCounter(kTimeout)->Add();
      return SqlErrorReply(result.status(), "canceling statement due to statement timeout");
    }
    StatusCounter(kError)->Add();
    return SqlErrorReply(result.status());
  }
  StatusCounter(kOk)->Add();
  return JsonReply(ResultJson(*result, elapsed_ms));
}

void QueryApi::CancelAll() {
  absl::MutexLock lock(&running_mu_);
  cancel_all_ = true;
  for (query::QuerySession* session : running_) session->Cancel();
}

}  // namespace strata::server::http
