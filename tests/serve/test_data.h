// The serve tests' dataset and the small HTTP/psql helpers every serve test uses.
//
// Dataset (the client programs in clients/ check it too): merchant shop-a has 40 events,
// shop-b 25. Event i of merchant M: ts = 2026-11-01T10:00:00Z + i minutes; a purchase with
// value (i + 1) * 1.5 when i % 4 == 0, else a page_view without value; page "/M/i"; title
// "Café #i"; client_id "c<i % 5>"; country US for odd i, else DE; params {"n": i}.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/http_client.h"
#include "libpq-fe.h"
#include "tests/serve/serve_process.h"
#include "tests/serve/subprocess.h"

namespace strata::serve_test {

inline constexpr char kAdminUser[] = "strata";
inline constexpr char kAdminPassword[] = "strata";
inline constexpr char kMerchantA[] = "shop-a";
inline constexpr char kPasswordA[] = "pa-secret";
inline constexpr int kEventsA = 40;
inline constexpr char kMerchantB[] = "shop-b";
inline constexpr char kPasswordB[] = "pb-secret";
inline constexpr int kEventsB = 25;
inline constexpr int64_t kBaseTsMs = 1793527200000;  // 2026-11-01T10:00:00Z

// The first `count` events of `merchant` as NDJSON.
std::string DatasetNdjson(const std::string& merchant, int count);

// A statement that runs for several seconds (about 4 s on a busy 2-core machine) on shop-a's
// 40 rows and can be cancelled early: a UNION ALL of many scans (cancellation is checked
// between scan batches), each doing heavy string work.
std::string LongRunningSql();
// The same for minutes.
std::string VeryLongRunningSql();

struct MerchantCredentials {
  std::string merchant;
  std::string password;
  std::string write_key;
  std::string api_token;
};

std::string AdminAuthorization();

// POST /api/v1/admin/merchants as the admin; the reply's credentials.
absl::StatusOr<MerchantCredentials> AddMerchant(const ServeProcess& server,
                                                const std::string& merchant,
                                                const std::string& password);

struct CollectReply {
  int status = 0;
  int64_t accepted = -1;
  int64_t rejected = -1;
  std::string body;
};
// POST /collect with NDJSON as the admin (or with `headers` instead).
absl::StatusOr<CollectReply> Collect(client::HttpClient& http, const std::string& body,
                                     const client::HttpHeaders& headers = {});

// POST /api/v1/query with a text body and the given Authorization.
absl::StatusOr<client::HttpResponse> QueryApi(const ServeProcess& server,
                                              const std::string& authorization,
                                              const std::string& sql);

// The value of an unlabelled metric in GET /metrics; -1 if absent.
int64_t MetricValue(const ServeProcess& server, const std::string& name);

// Waits up to `timeout` until MetricValue(name) == value; false if it never did.
bool WaitForMetric(const ServeProcess& server, const std::string& name, int64_t value,
                   absl::Duration timeout);

// The integer in the first row and column of a query API reply ({"rows":[[N]]}); -1 if
// absent.
int64_t FirstInteger(const std::string& json);

// Starts a server on `data_dir`, adds shop-a and shop-b and ingests the dataset.
absl::StatusOr<std::unique_ptr<ServeProcess>> StartWithDataset(const std::string& data_dir,
                                                               std::vector<std::string> extra = {});

// psql -X -q -h 127.0.0.1 -p PORT -U user strata [extra...] with PGPASSWORD set and
// `script` on stdin.
ProgramResult RunPsql(const ServeProcess& server, const std::string& user,
                      const std::string& password, const std::string& script,
                      const std::vector<std::string>& extra = {});

// The events counted over PG wire by the admin (all merchants).
absl::StatusOr<int64_t> CountEvents(const ServeProcess& server, const std::string& where = "");

// libpq handles that clean up after themselves.
struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultCloser>;

// Connects (check PQstatus) with libpq.
PgConnection ConnectPg(const ServeProcess& server, const std::string& user,
                       const std::string& password);
inline PgResult Exec(PGconn* conn, const std::string& sql) {
  return PgResult(PQexec(conn, sql.c_str()));
}
// The SQLSTATE of a failed result, "" if none.
std::string SqlState(const PGresult* r);

}  // namespace strata::serve_test
