// PgCatalog: routing (IsCatalogQuery), the per-connection SQLite database, statement
// preparation (rewrite + sqlite3_prepare, cached), execution and PostgreSQL's errors.

#include "server/pgwire/pg_catalog.h"

#include <sqlite3.h>

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "query/error.h"
#include "query/expr.h"
#include "query/tables.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire {
namespace {

namespace sqlstate = query::sqlstate;
using catalog::AV;

// Identifiers that only the catalog knows: a query naming one (and no Strata table) is a
// catalog query. Names starting with pg_ always are.
constexpr std::string_view kCatalogWords[] = {
    "information_schema",
    "version",
    "current_user",
    "session_user",
    "user",
    "current_role",
    "current_catalog",
    "current_database",
    "current_schema",
    "current_schemas",
    "current_setting",
    "obj_description",
    "col_description",
    "shobj_description",
    "format_type",
    "quote_ident",
    "txid_current",
    "array_to_string",
    "string_to_array",
    "array_lower",
    "array_upper",
    "array_length",
    "cardinality",
    "generate_series",
    "unnest",
    "to_regclass",
    "to_regtype",
    "to_regnamespace",
    "to_regrole",
    "regclass",
    "regtype",
    "regproc",
    "regnamespace",
    "regrole",
    "_pg_expandarray",
    "array",
};

bool IsCatalogWord(std::string_view word) {
  if (word.size() > 3 && catalog::EqualsIgnoreCase(word.substr(0, 3), "pg_")) return true;
  // has_table_privilege, has_schema_privilege, ...
  if (word.size() > 14 && catalog::EqualsIgnoreCase(word.substr(0, 4), "has_") &&
      catalog::EqualsIgnoreCase(word.substr(word.size() - 10), "_privilege")) {
    return true;
  }
  for (std::string_view w : kCatalogWords) {
    if (catalog::EqualsIgnoreCase(word, w)) return true;
  }
  return false;
}

bool IsStrataTable(std::string_view word, bool quoted) {
  for (const query::TableInfo& t : query::AllTables()) {
    if (quoted ? word == t.name : catalog::EqualsIgnoreCase(word, t.name)) return true;
  }
  return false;
}

absl::Status MapSqliteError(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  auto after = [&](std::string_view prefix) -> std::string {
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : "";
  };
  if (message.rfind("SQLSTATE ", 0) == 0 && message.size() > 16 && message[14] == ':') {
    return query::SqlError(message.substr(9, 5), message.substr(16));
  }
  if (std::string name = after("no such table: "); !name.empty()) {
    size_t dot = name.find('.');
    if (dot != std::string::npos && name.substr(0, dot) == "main") name = name.substr(dot + 1);
    return query::SqlError(sqlstate::kUndefinedTable,
                           absl::StrCat("relation \"", name, "\" does not exist"));
  }
  if (std::string name = after("no such function: "); !name.empty()) {
    return query::SqlError(sqlstate::kUndefinedFunction,
                           absl::StrCat("function ", name, " does not exist"));
  }
  if (std::string name = after("wrong number of arguments to function "); !name.empty()) {
    if (name.size() > 2 && name.substr(name.size() - 2) == "()") name.resize(name.size() - 2);
    return query::SqlError(sqlstate::kUndefinedFunction,
                           absl::StrCat("function ", name, " with these arguments does not exist"));
  }
  if (std::string name = after("no such column: "); !name.empty()) {
    return query::SqlError(sqlstate::kUndefinedColumn,
                           absl::StrCat("column \"", name, "\" does not exist"));
  }
  if (std::string name = after("ambiguous column name: "); !name.empty()) {
    return query::SqlError(sqlstate::kAmbiguousColumn,
                           absl::StrCat("column reference \"", name, "\" is ambiguous"));
  }
  if (message.find("syntax error") != std::string::npos ||
      message.find("incomplete input") != std::string::npos) {
    return query::SqlError(sqlstate::kSyntaxError, message);
  }
  if (message == "interrupted") return query::SqlError(sqlstate::kQueryCanceled, message);
  return query::SqlError(sqlstate::kInternalError, message);
}

// The type a parameter is bound with: its own for typed values; text and NULL stay
// untyped (0) so the statement decides, as for PostgreSQL's unknown literals.
uint32_t ParamType(const query::Value& v) {
  return v.type == query::Type::kString || v.type == query::Type::kNull ? 0 : OidOf(v.type);
}

query::Type ValueTypeOf(uint32_t type) {
  if (type == oid::kBool) return query::Type::kBool;
  if (type == oid::kTimestamptz || type == oid::kTimestamp || type == oid::kDate) {
    return query::Type::kTimestamp;
  }
  if (type == oid::kInterval) return query::Type::kInterval;
  if (catalog::IsIntegerType(type)) return query::Type::kInt64;
  if (catalog::IsFloatType(type)) return query::Type::kFloat64;
  return query::Type::kString;
}

std::string_view ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* p = sqlite3_column_text(stmt, col);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

// One SQLite cell as the value PostgreSQL would send for a column of type `type`.
query::Value CellValue(sqlite3_stmt* stmt, int col, uint32_t type) {
  int storage = sqlite3_column_type(stmt, col);
  query::Type value_type = ValueTypeOf(type);
  if (storage == SQLITE_NULL) return query::Value::Null(value_type);
  switch (value_type) {
    case query::Type::kBool:
      if (storage == SQLITE_TEXT) {
        std::string_view t = ColumnText(stmt, col);
        return query::Value::Bool(t == "t" || t == "true" || t == "1" || t == "on");
      }
      return query::Value::Bool(sqlite3_column_double(stmt, col) != 0);
    case query::Type::kInt64: {
      if (storage == SQLITE_INTEGER) return query::Value::Int(sqlite3_column_int64(stmt, col));
      if (storage == SQLITE_FLOAT) {
        return query::Value::Int(std::llround(sqlite3_column_double(stmt, col)));
      }
      int64_t v;
      if (absl::SimpleAtoi(AV(ColumnText(stmt, col)), &v)) return query::Value::Int(v);
      return query::Value::String(std::string(ColumnText(stmt, col)));
    }
    case query::Type::kFloat64: {
      if (storage != SQLITE_TEXT) return query::Value::Float(sqlite3_column_double(stmt, col));
      double v;
      if (absl::SimpleAtod(AV(ColumnText(stmt, col)), &v)) return query::Value::Float(v);
      return query::Value::String(std::string(ColumnText(stmt, col)));
    }
    case query::Type::kTimestamp: {
      // Text as our functions write it ("2026-11-01 12:00:00.5+00"), µs if a number.
      if (storage != SQLITE_TEXT) return query::Value::Timestamp(sqlite3_column_int64(stmt, col));
      auto us = query::ParseTimestamp(ColumnText(stmt, col), absl::UTCTimeZone());
      if (us.ok()) return query::Value::Timestamp(*us);
      return query::Value::String(std::string(ColumnText(stmt, col)));
    }
    case query::Type::kInterval: {
      auto iv = query::ParseInterval(ColumnText(stmt, col));
      if (iv.ok()) return query::Value::IntervalOf(*iv);
      return query::Value::String(std::string(ColumnText(stmt, col)));
    }
    default:
      break;
  }
  if (storage == SQLITE_INTEGER) {
    return query::Value::String(std::to_string(sqlite3_column_int64(stmt, col)));
  }
  if (storage == SQLITE_FLOAT) {
    return query::Value::String(query::Value::Float(sqlite3_column_double(stmt, col)).ToString());
  }
  std::string_view text = ColumnText(stmt, col);
  if (catalog::IsArrayType(type) && !text.empty() && text.front() == '[') {
    std::string pg = catalog::JsonArrayToPgText(text);
    if (!pg.empty()) return query::Value::String(std::move(pg));
  }
  return query::Value::String(std::string(text));
}

// The session's statement_timeout ("0", "250", "250ms", "5s", "1min"); zero for none.
absl::Duration StatementTimeout(const CatalogSession& session) {
  if (session.settings == nullptr) return absl::ZeroDuration();
  auto it = session.settings->find("statement_timeout");
  if (it == session.settings->end()) return absl::ZeroDuration();
  std::string_view v = it->second;
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  int64_t n = 0;
  if (digits == 0 || !absl::SimpleAtoi(AV(v.substr(0, digits)), &n)) return absl::ZeroDuration();
  std::string_view unit = v.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty() || unit == "ms") return absl::Milliseconds(n);
  if (unit == "s") return absl::Seconds(n);
  if (unit == "min") return absl::Minutes(n);
  if (unit == "h") return absl::Hours(n);
  return absl::ZeroDuration();
}

// Interrupts a statement past its deadline (SQLite calls this every few thousand steps).
int CheckDeadline(void* deadline) {
  return absl::Now() > *static_cast<absl::Time*>(deadline) ? 1 : 0;
}

}  // namespace

bool PgCatalog::IsCatalogQuery(std::string_view sql) {
  catalog::Scanner scanner(sql);
  catalog::Tok tok = scanner.Next();
  while (tok.kind == catalog::TokKind::kLParen) tok = scanner.Next();
  if (tok.kind != catalog::TokKind::kIdent) return false;
  std::string_view first = sql.substr(tok.begin, tok.end - tok.begin);
  if (!catalog::EqualsIgnoreCase(first, "select") && !catalog::EqualsIgnoreCase(first, "with") &&
      !catalog::EqualsIgnoreCase(first, "values") && !catalog::EqualsIgnoreCase(first, "table")) {
    return false;
  }
  bool catalog_word = false;
  for (; tok.kind != catalog::TokKind::kEnd; tok = scanner.Next()) {
    if (tok.kind == catalog::TokKind::kIdent) {
      std::string_view word = sql.substr(tok.begin, tok.end - tok.begin);
      if (IsStrataTable(word, false)) return false;
      catalog_word = catalog_word || IsCatalogWord(word);
    } else if (tok.kind == catalog::TokKind::kQuotedIdent) {
      std::string_view word = sql.substr(tok.begin + 1, tok.end - tok.begin - 2);
      if (IsStrataTable(word, true)) return false;
      catalog_word = catalog_word || word == "pg_catalog" || word == "information_schema";
    }
  }
  return catalog_word && !scanner.failed();
}

struct PgCatalog::Db {
  sqlite3* sqlite = nullptr;
  catalog::FunctionContext functions;
  std::unique_ptr<catalog::SessionRows> rows;
  struct Prepared {
    std::string key;
    catalog::RewrittenQuery query;
    sqlite3_stmt* stmt = nullptr;
    uint64_t last_used = 0;
  };
  std::vector<std::unique_ptr<Prepared>> cache;
  uint64_t clock = 0;

  ~Db() {
    for (auto& p : cache) sqlite3_finalize(p->stmt);
    rows.reset();
    sqlite3_close_v2(sqlite);
  }

  // The prepared statement of `sql` for parameters of these types.
  absl::StatusOr<Prepared*> Prepare(std::string_view sql, const std::vector<uint32_t>& types) {
    std::string key(sql);
    key.push_back('\0');
    for (uint32_t t : types) absl::StrAppend(&key, t, ",");
    for (auto& p : cache) {
      if (p->key == key) {
        p->last_used = ++clock;
        return p.get();
      }
    }
    ASSIGN_OR_RETURN(catalog::RewrittenQuery query, catalog::RewriteQuery(sql, types));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(sqlite, query.sql.c_str(), static_cast<int>(query.sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return MapSqliteError(sqlite);
    }
    if (stmt == nullptr || !sqlite3_stmt_readonly(stmt)) {
      sqlite3_finalize(stmt);
      return query::SqlError(sqlstate::kFeatureNotSupported,
                             "only SELECT statements can read the system catalogs");
    }
    // Types not known from the rewrite come from SQLite's declared column types.
    int n = sqlite3_column_count(stmt);
    if (static_cast<int>(query.columns.size()) != n) {
      query.columns.clear();
      for (int i = 0; i < n; ++i) query.columns.push_back({sqlite3_column_name(stmt, i), 0});
    }
    for (int i = 0; i < n; ++i) {
      CatalogColumn& c = query.columns[static_cast<size_t>(i)];
      if (c.type_oid == 0) {
        c.type_oid = catalog::TypeOfDeclaration(sqlite3_column_decltype(stmt, i));
      }
      // reg* values are sent as names, which is what PostgreSQL's text output of them is.
      if (c.type_oid == 0 || c.type_oid == oid::kUnknown || catalog::IsRegType(c.type_oid)) {
        c.type_oid = oid::kText;
      }
    }
    auto prepared = std::make_unique<Prepared>();
    prepared->key = std::move(key);
    prepared->query = std::move(query);
    prepared->stmt = stmt;
    prepared->last_used = ++clock;
    constexpr size_t kMaxCached = 32;
    if (cache.size() >= kMaxCached) {
      auto oldest = cache.begin();
      for (auto it = cache.begin(); it != cache.end(); ++it) {
        if ((*it)->last_used < (*oldest)->last_used) oldest = it;
      }
      sqlite3_finalize((*oldest)->stmt);
      cache.erase(oldest);
    }
    cache.push_back(std::move(prepared));
    return cache.back().get();
  }
};

PgCatalog::PgCatalog(CatalogSession session) : session_(std::move(session)) {}

PgCatalog::~PgCatalog() = default;

absl::StatusOr<PgCatalog::Description> PgCatalog::Describe(std::string_view sql) {
  if (db_ == nullptr) RETURN_IF_ERROR(Open());
  ASSIGN_OR_RETURN(Db::Prepared * prepared, db_->Prepare(sql, {}));
  Description d;
  d.columns = prepared->query.columns;
  d.param_count = prepared->query.param_count;
  return d;
}

absl::StatusOr<CatalogResult> PgCatalog::Execute(std::string_view sql,
                                                 const std::vector<query::Value>& params) {
  if (db_ == nullptr) RETURN_IF_ERROR(Open());
  RETURN_IF_ERROR(db_->rows->Refresh(session_));
  std::vector<uint32_t> types;
  types.reserve(params.size());
  for (const query::Value& p : params) types.push_back(p.null ? 0 : ParamType(p));
  ASSIGN_OR_RETURN(Db::Prepared * prepared, db_->Prepare(sql, types));
  sqlite3_stmt* stmt = prepared->stmt;
  for (int i = 0; i < prepared->query.param_count; ++i) {
    int p = i + 1;
    if (static_cast<size_t>(i) >= params.size() || params[static_cast<size_t>(i)].null) {
      sqlite3_bind_null(stmt, p);
      continue;
    }
    const query::Value& v = params[static_cast<size_t>(i)];
    switch (v.type) {
      case query::Type::kBool:
      case query::Type::kInt64:
        sqlite3_bind_int64(stmt, p, v.i);
        break;
      case query::Type::kFloat64:
        sqlite3_bind_double(stmt, p, v.f);
        break;
      case query::Type::kString:
        sqlite3_bind_text(stmt, p, v.s.data(), static_cast<int>(v.s.size()), SQLITE_STATIC);
        break;
      default: {
        std::string text = v.ToString();
        sqlite3_bind_text(stmt, p, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        break;
      }
    }
  }
  // Catalog statements are small; a runaway one (a cross join of big catalogs) stops at
  // the session's statement_timeout, and at kMaxStatementTime in any case.
  constexpr absl::Duration kMaxStatementTime = absl::Seconds(30);
  absl::Duration timeout = StatementTimeout(session_);
  if (timeout <= absl::ZeroDuration() || timeout > kMaxStatementTime) timeout = kMaxStatementTime;
  absl::Time deadline = absl::Now() + timeout;
  sqlite3_progress_handler(db_->sqlite, 10000, CheckDeadline, &deadline);
  CatalogResult result;
  result.columns = prepared->query.columns;
  const size_t n = result.columns.size();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<query::Value> row;
    row.reserve(n);
    for (size_t c = 0; c < n; ++c) {
      row.push_back(CellValue(stmt, static_cast<int>(c), result.columns[c].type_oid));
    }
    result.rows.push_back(std::move(row));
  }
  absl::Status status = rc == SQLITE_DONE ? absl::OkStatus()
                        : rc == SQLITE_INTERRUPT
                            ? query::SqlError(sqlstate::kQueryCanceled,
                                              "canceling statement due to statement timeout")
                            : MapSqliteError(db_->sqlite);
  sqlite3_progress_handler(db_->sqlite, 0, nullptr, nullptr);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  RETURN_IF_ERROR(status);
  result.tag = absl::StrCat("SELECT ", result.rows.size());
  return result;
}

absl::Status PgCatalog::Open() {
  auto db = std::make_unique<Db>();
  ASSIGN_OR_RETURN(db->sqlite, catalog::OpenCatalogDatabase(session_));
  db->functions.session = &session_;
  RETURN_IF_ERROR(catalog::RegisterFunctions(db->sqlite, &db->functions));
  db->rows = std::make_unique<catalog::SessionRows>(db->sqlite);
  db_ = std::move(db);
  return absl::OkStatus();
}

}  // namespace strata::server::pgwire
