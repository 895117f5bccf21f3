// POST /api/v1/query: one SQL statement in, JSON out (docs/http.md, "Query API").
//
// Body: the SQL as text (text/plain, application/sql, none), or JSON
// {"sql":"...","params":[...]} (Content-Type application/json, or a body starting with '{').
// JSON numbers become bigint (integers) or double precision values, strings text, booleans
// boolean, null NULL. Auth: Bearer token or Basic. The statement runs in a fresh
// QuerySession scoped to the principal's merchant (every merchant for the admin), with
// the statement timeout (57014), memory limit and row limit of the server or the
// merchant's own limits.
//
// Thread safety: Handle may run on many threads at once.
#pragma once

#include <cstddef>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "query/query.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/http/deadline_timer.h"
#include "server/http/request.h"

namespace strata::server::http {

struct QueryLimits {
  absl::Duration statement_timeout = absl::Seconds(30);  // zero = none
  size_t memory_limit_bytes = 1ull << 30;
  size_t max_result_rows = 1'000'000;
  int query_threads = 0;
};

class QueryApi {
 public:
  // `engine`, `tenants` and `metrics` must outlive the object.
  QueryApi(QueryLimits limits, engine::Engine* engine, const auth::TenantStore* tenants,
           MetricsRegistry* metrics);
  ~QueryApi();
  QueryApi(const QueryApi&) = delete;
  QueryApi& operator=(const QueryApi&) = delete;

  // Runs the request (blocking; call it off the I/O threads).
  HttpReply Handle(const HttpRequest& request);

  // Cancels every running statement (57014) and refuses later ones (503): the server's
  // grace period is over. A statement that was just starting may miss one call, so the
  // server calls this until its connections are gone.
  void CancelAll();

 private:
  Counter* StatusCounter(int index) const { return status_counters_[index]; }

  const QueryLimits limits_;
  engine::Engine* const engine_;
  const auth::TenantStore* const tenants_;
  Counter* status_counters_[4];  // ok, error, timeout, unauthorized
  DeadlineTimer deadlines_;
  absl::Mutex running_mu_;
  absl::flat_hash_set<query::QuerySession*> running_ ABSL_GUARDED_BY(running_mu_);
  bool cancel_all_ ABSL_GUARDED_BY(running_mu_) = false;
};

}  // namespace strata::server::http
