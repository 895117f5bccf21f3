#include "tests/serve/test_data.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "simdjson.h"

namespace strata::serve_test {

std::string DatasetNdjson(const std::string& merchant, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const bool purchase = i % 4 == 0;
    absl::StrAppend(&out, "{\"merchant\":\"", merchant, "\",\"ts\":", kBaseTsMs + i * 60'000,
                    ",\"event\":\"", purchase ? "purchase" : "page_view", "\",\"client_id\":\"c",
                    i % 5, "\",\"page\":\"/", merchant, "/", i, "\",\"title\":\"Caf\xc3\xa9 #", i,
                    "\",\"country\":\"", i % 2 == 1 ? "US" : "DE", "\"");
    if (purchase) absl::StrAppend(&out, ",\"value\":", (i + 1) * 1.5);
    absl::StrAppend(&out, ",\"params\":{\"n\":", i, "}}\n");
  }
  return out;
}

namespace {

std::string HeavyUnion(int branches, int repeat) {
  std::vector<std::string> parts(
      static_cast<size_t>(branches),
      absl::StrCat("SELECT length(repeat(title, ", repeat, ")) AS l FROM events"));
  return absl::StrCat("SELECT sum(l) FROM (", absl::StrJoin(parts, " UNION ALL "), ") t");
}

}  // namespace

std::string LongRunningSql() { return HeavyUnion(30, 100'000); }

std::string VeryLongRunningSql() { return HeavyUnion(400, 200'000); }

int64_t MetricValue(const ServeProcess& server, const std::string& name) {
  client::HttpClient http("127.0.0.1", server.http_port());
  absl::StatusOr<client::HttpResponse> r = http.Request("GET", "/metrics");
  if (!r.ok() || r->status != 200) return -1;
  for (absl::string_view line : absl::StrSplit(r->body, '\n')) {
    if (!absl::StartsWith(line, name) || line.size() <= name.size() || line[name.size()] != ' ') {
      continue;
    }
    double value;
    if (absl::SimpleAtod(line.substr(name.size() + 1), &value)) {
      return static_cast<int64_t>(value);
    }
  }
  return -1;
}

bool WaitForMetric(const ServeProcess& server, const std::string& name, int64_t value,
                   absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (MetricValue(server, name) != value) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

std::string AdminAuthorization() { return client::BasicAuthorization(kAdminUser, kAdminPassword); }

absl::StatusOr<MerchantCredentials> AddMerchant(const ServeProcess& server,
                                                const std::string& merchant,
                                                const std::string& password) {
  client::HttpClient http("127.0.0.1", server.http_port());
  std::string body =
      absl::StrCat("{\"merchant\":\"", merchant, "\",\"password\":\"", password, "\"}");
  absl::StatusOr<client::HttpResponse> r =
      http.Request("POST", "/api/v1/admin/merchants", body,
                   {{"Authorization", AdminAuthorization()}, {"Content-Type", "application/json"}});
  if (!r.ok()) return r.status();
  if (r->status != 201) {
    return absl::InternalError(
        absl::StrCat("add merchant ", merchant, ": HTTP ", r->status, ": ", r->body));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(r->body).get(doc) != simdjson::SUCCESS) {
    return absl::InternalError(absl::StrCat("add merchant: bad JSON: ", r->body));
  }
  MerchantCredentials c;
  c.merchant = merchant;
  c.password = password;
  std::string_view v;
  if (doc["write_key"].get_string().get(v) == simdjson::SUCCESS) c.write_key = std::string(v);
  if (doc["api_token"].get_string().get(v) == simdjson::SUCCESS) c.api_token = std::string(v);
  if (c.write_key.empty() || c.api_token.empty()) {
    return absl::InternalError(absl::StrCat("add merchant: no write_key/api_token: ", r->body));
  }
  return c;
}

absl::StatusOr<CollectReply> Collect(client::HttpClient& http, const std::string& body,
                                     const client::HttpHeaders& headers) {
  client::HttpHeaders h = headers;
  if (h.empty()) {
    h = {{"Authorization", AdminAuthorization()}, {"Content-Type", "application/x-ndjson"}};
  }
  absl::StatusOr<client::HttpResponse> r = http.Request("POST", "/collect", body, h);
  if (!r.ok()) return r.status();
  CollectReply reply;
  reply.status = r->status;
  reply.body = r->body;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(r->body).get(doc) == simdjson::SUCCESS) {
    int64_t n;
    if (doc["accepted"].get_int64().get(n) == simdjson::SUCCESS) reply.accepted = n;
    if (doc["rejected"].get_int64().get(n) == simdjson::SUCCESS) reply.rejected = n;
  }
  return reply;
}

absl::StatusOr<client::HttpResponse> QueryApi(const ServeProcess& server,
                                              const std::string& authorization,
                                              const std::string& sql) {
  client::HttpClient http("127.0.0.1", server.http_port());
  return http.Request("POST", "/api/v1/query", sql,
                      {{"Authorization", authorization}, {"Content-Type", "text/plain"}});
}

int64_t FirstInteger(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return -1;
  simdjson::dom::array rows;
  if (doc["rows"].get_array().get(rows) != simdjson::SUCCESS) return -1;
  for (simdjson::dom::element row : rows) {
    simdjson::dom::array cells;
    if (row.get_array().get(cells) != simdjson::SUCCESS) return -1;
    for (simdjson::dom::element cell : cells) {
      int64_t n;
      if (cell.get_int64().get(n) == simdjson::SUCCESS) return n;
      std::string_view s;  // bigints may come as strings
      if (cell.get_string().get(s) == simdjson::SUCCESS &&
          absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &n)) {
        return n;
      }
      return -1;
    }
  }
  return -1;
}

absl::StatusOr<std::unique_ptr<ServeProcess>> StartWithDataset(const std::string& data_dir,
                                                               std::vector<std::string> extra) {
  ServeOptions options;
  options.data_dir = data_dir;
  options.extra_args = std::move(extra);
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(options);
  if (!server.ok()) return server.status();
  for (auto [merchant, password] :
       {std::pair{kMerchantA, kPasswordA}, std::pair{kMerchantB, kPasswordB}}) {
    absl::StatusOr<MerchantCredentials> c = AddMerchant(**server, merchant, password);
    if (!c.ok()) return c.status();
  }
  client::HttpClient http("127.0.0.1", (*server)->http_port());
  absl::StatusOr<CollectReply> r =
      Collect(http, DatasetNdjson(kMerchantA, kEventsA) + DatasetNdjson(kMerchantB, kEventsB));
  if (!r.ok()) return r.status();
  if (r->status != 200 || r->accepted != kEventsA + kEventsB || r->rejected != 0) {
    return absl::InternalError(
        absl::StrCat("ingesting the dataset: HTTP ", r->status, ": ", r->body));
  }
  return server;
}

ProgramResult RunPsql(const ServeProcess& server, const std::string& user,
                      const std::string& password, const std::string& script,
                      const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {
      "psql", "-X", "-q",    "-h", "127.0.0.1", "-p", absl::StrCat(server.pg_port()),
      "-U",   user, "strata"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  ProgramOptions options;
  options.env = {{"PGPASSWORD", password}, {"PGCONNECT_TIMEOUT", "10"}, {"PAGER", ""},
                 {"PGTZ", "UTC"},          {"LC_ALL", "C.UTF-8"},       {"PSQLRC", "/dev/null"}};
  options.stdin_text = script;
  options.timeout = absl::Seconds(60);
  absl::StatusOr<ProgramResult> r = RunProgram(argv, options);
  if (!r.ok()) {
    ProgramResult failed;
    failed.err = std::string(r.status().message());
    return failed;
  }
  return *r;
}

PgConnection ConnectPg(const ServeProcess& server, const std::string& user,
                       const std::string& password) {
  return PgConnection(PQconnectdb(server.Conninfo(user, password).c_str()));
}

std::string SqlState(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return state != nullptr ? state : "";
}

absl::StatusOr<int64_t> CountEvents(const ServeProcess& server, const std::string& where) {
  PgConnection conn = ConnectPg(server, kAdminUser, kAdminPassword);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("connect: ", PQerrorMessage(conn.get())));
  }
  std::string sql =
      absl::StrCat("SELECT count(*) FROM events", where.empty() ? "" : " WHERE ", where);
  PgResult r = Exec(conn.get(), sql);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return absl::InternalError(absl::StrCat(sql, ": ", PQresultErrorMessage(r.get())));
  }
  int64_t n;
  if (!absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), &n)) return absl::InternalError("count");
  return n;
}

}  // namespace strata::serve_test
