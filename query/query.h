// The query layer's public API: run SQL against a snapshot of the engine.
//
// A QuerySession holds what a connection sets (TimeZone, ...) and the merchant scope the
// caller authenticated: every statement it runs reads only rows of merchants in the scope,
// whatever the query text says (the scope is applied inside the scan, below any predicate
// the query could write).
//
//   query::QuerySession session(engine.get(), {.merchant_scope = {"m42"}});
//   absl::StatusOr<query::QueryResult> r = session.Execute("SELECT count(*) FROM events");
//
// Errors carry a SQLSTATE (error.h). A failed statement leaves the session usable.
//
// Thread safety: a session is used by one thread at a time; sessions are independent.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/snapshot.h"
#include "query/types.h"

namespace strata::query {

struct BindOptions;  // binder.h

struct SessionOptions {
  // Merchant ids (strings) this session may read; nullopt = every merchant (admin).
  std::optional<std::vector<std::string>> merchant_scope;
  std::string time_zone = "UTC";
  size_t memory_limit_bytes = 1ull << 30;  // per statement
  size_t max_result_rows = 10'000'000;     // 54000 beyond
  int threads = 0;                         // scan/aggregate workers; 0 = hardware threads
};

struct ResultColumn {
  std::string name;
  Type type = Type::kNull;
};

struct QueryResult {
  std::vector<ResultColumn> columns;  // empty for SET and friends
  std::vector<std::vector<Value>> rows;
  std::string tag;  // command tag: "SELECT 3", "SET", "EXPLAIN"
};

// Where a session gets its data: a fresh snapshot per statement.
using SnapshotSource = std::function<std::shared_ptr<const engine::Snapshot>()>;

class QuerySession {
 public:
  QuerySession(SnapshotSource snapshots, SessionOptions options);
  ~QuerySession();
  QuerySession(const QuerySession&) = delete;
  QuerySession& operator=(const QuerySession&) = delete;

  // Runs every ';'-separated statement of `sql` in order and returns one result per
  // statement; stops at the first error (earlier SETs stay applied).
  absl::StatusOr<std::vector<QueryResult>> ExecuteScript(std::string_view sql);
  // Runs exactly one statement. `params` are the values of $1..$n.
  absl::StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Value>& params = {});

  // What Execute would return without running it (extended protocol Describe): the
  // result columns (empty for SET, BEGIN, ...) and how many parameters ($1..$n, n the
  // highest) the statement takes. Parameters not in `params` are bound as NULL; scalar
  // subqueries are not run (they bind as NULL of their type).
  struct Description {
    std::vector<ResultColumn> columns;
    int param_count = 0;
  };
  absl::StatusOr<Description> Describe(std::string_view sql, const std::vector<Value>& params = {});

  // Cancels the statement running now (from any thread); it fails with 57014.
  void Cancel();
  // Fixes now() for the following statements (tests); 0 = the wall clock.
  void SetNowForTesting(int64_t now_us) { fixed_now_us_ = now_us; }

  // Session settings as SHOW reports them (timezone, datestyle, ...).
  const std::map<std::string, std::string>& settings() const { return settings_; }

  struct Impl;

 private:
  absl::Status PrepareBind(const engine::Catalog* catalog, const std::vector<Value>& params,
                           BindOptions* bind);

  std::unique_ptr<Impl> impl_;
  std::map<std::string, std::string> settings_;
  int64_t fixed_now_us_ = 0;
};

}  // namespace strata::query
