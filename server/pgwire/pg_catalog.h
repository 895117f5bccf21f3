// PostgreSQL's system catalogs, as far as drivers and tools need them: psql's \d, \dt,
// \dn, \l, \du, \df; JDBC DatabaseMetaData (getTables, getColumns, getSchemas,
// getPrimaryKeys, getTypeInfo) and ResultSetMetaData; psycopg2; Grafana's PostgreSQL data
// source (table and column pickers); the functions they call on connect (version(),
// current_database(), current_user, current_schema(), current_setting(), pg_backend_pid(),
// has_*_privilege(), ...).
//
// How: each session gets an in-memory SQLite database that holds Strata's tables in the
// shape of pg_catalog (pg_namespace, pg_class, pg_attribute, pg_type, pg_database,
// pg_roles, pg_settings, ...) and information_schema (tables, columns, schemata, ...).
// A catalog query is rewritten from PostgreSQL syntax to SQLite (`::` casts, regclass /
// regtype, OPERATOR(pg_catalog.~), COLLATE, ANY(array), ARRAY[...], schema-qualified
// functions, E'' strings) and run there; PostgreSQL functions are registered as SQLite
// functions. Arrays are JSON text inside SQLite and PostgreSQL's '{a,b}' text outside.
// Results carry PostgreSQL type OIDs so drivers decode them as PostgreSQL would.
//
// Thread safety: a PgCatalog is used by one thread at a time (one per connection).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/query.h"
#include "query/types.h"

namespace strata::server::pgwire {

// PostgreSQL type OIDs used by Strata (pg_type.oid).
namespace oid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kRegproc = 24;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kUnknown = 705;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestamptz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kRegclass = 2205;
inline constexpr uint32_t kRegtype = 2206;
inline constexpr uint32_t kTextArray = 1009;
inline constexpr uint32_t kNameArray = 1003;
inline constexpr uint32_t kInt2Vector = 22;
inline constexpr uint32_t kOidVector = 30;
}  // namespace oid

// The PostgreSQL type a query::Type is sent as.
uint32_t OidOf(query::Type type);

// What a catalog query may depend on, from the connection.
struct CatalogSession {
  std::string user;
  bool superuser = false;  // the admin: pg_roles.rolsuper
  std::string database = "strata";
  int32_t backend_pid = 0;
  const std::map<std::string, std::string>* settings = nullptr;  // SHOW-able settings
};

struct CatalogColumn {
  std::string name;
  uint32_t type_oid = oid::kText;
};

struct CatalogResult {
  std::vector<CatalogColumn> columns;
  // Values typed for the column's OID: kInt64 for int2/int4/int8/oid, kFloat64 for
  // float4/float8/numeric, kBool for bool, kTimestamp for timestamptz/timestamp/date,
  // kInterval for interval, kString for the rest (arrays as '{a,b}'). reg* values
  // (regclass, regtype, ...) come as their names in a text column, PostgreSQL's text form.
  std::vector<std::vector<query::Value>> rows;
  std::string tag;  // "SELECT 3"
};

class PgCatalog {
 public:
  // True if `sql` (one statement) must be answered here: it names a pg_catalog or
  // information_schema relation, or calls a catalog-only function, and names no Strata
  // table. Cheap (one token scan, no parse).
  static bool IsCatalogQuery(std::string_view sql);

  explicit PgCatalog(CatalogSession session);
  ~PgCatalog();
  PgCatalog(const PgCatalog&) = delete;
  PgCatalog& operator=(const PgCatalog&) = delete;

  // Runs one statement. `params` are $1..$n (query::Value, typed by their Bind OIDs; text
  // params as kString). Errors are SQL errors (query/error.h) with PostgreSQL's SQLSTATEs:
  // 42P01 for an unknown relation, 42883 unknown function, 42601 syntax, 0A000 for
  // PostgreSQL features Strata does not emulate.
  absl::StatusOr<CatalogResult> Execute(std::string_view sql,
                                        const std::vector<query::Value>& params);
  // The columns `sql` would return, and the number of parameters it takes, without
  // running it (extended protocol Describe).
  struct Description {
    std::vector<CatalogColumn> columns;
    int param_count = 0;
  };
  absl::StatusOr<Description> Describe(std::string_view sql);

  // The settings map may change between calls (SET); the catalog reads it at each call.
  CatalogSession& session() { return session_; }

 private:
  struct Db;
  absl::Status Open();  // creates db_
  CatalogSession session_;
  std::unique_ptr<Db> db_;  // created at the first query
};

}  // namespace strata::server::pgwire
