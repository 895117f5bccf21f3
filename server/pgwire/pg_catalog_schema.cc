// The SQLite side of the catalog: pg_catalog and information_schema as attached in-memory
// schemas, their tables created from AllRelations() and filled.
//
// Everything that does not depend on the session (relations, columns, types, ...) is built
// once per process into an image; a session deserializes the image (a memcpy) and adds
// its own rows: the database, the role, pg_settings and pg_stat_activity.

#include <sqlite3.h>

#include <cstring>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

absl::Status SqliteError(sqlite3* db, std::string_view what) {
  return query::SqlError(sqlstate::kInternalError,
                         absl::StrCat("catalog: ", AV(what), ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return query::SqlError(sqlstate::kInternalError,
                           absl::StrCat("catalog: ", message, " in ", sql.substr(0, 80)));
  }
  return absl::OkStatus();
}

bool IsCollatable(uint32_t type) {
  return type == oid::kText || type == oid::kVarchar || type == oid::kBpchar || type == oid::kName;
}

// Columns whose value is the session's (database name, user name): the relation is a view
// computing them over a table "_name" of the rest, so the per-process image stays the same
// for every session.
const char* SessionColumn(const ColumnDef& col) {
  static constexpr std::string_view kDatabase[] = {"table_catalog", "udt_catalog", "catalog_name"};
  static constexpr std::string_view kUser[] = {"schema_owner", "tableowner", "viewowner",
                                               "matviewowner"};
  for (std::string_view c : kDatabase) {
    if (col.name == c) return "current_database()";
  }
  for (std::string_view c : kUser) {
    if (col.name == c) return "pg_current_user()";
  }
  return nullptr;
}

bool HasSessionColumns(const RelationDef& rel) {
  for (const ColumnDef& c : rel.columns) {
    if (SessionColumn(c) != nullptr) return true;
  }
  return false;
}

// The SQLite table holding a relation's rows.
std::string StorageName(const RelationDef& rel) {
  return absl::StrCat("\"", rel.schema, "\".\"", HasSessionColumns(rel) ? "_" : "", rel.name, "\"");
}

// One INSERT into a relation, prepared once, with columns set by name.
class RowWriter {
 public:
  using Cell = std::variant<std::monostate, int64_t, double, std::string>;

  RowWriter(sqlite3* db, const RelationDef& rel) : db_(db), rel_(rel) {
    std::string sql = absl::StrCat("INSERT INTO ", StorageName(rel), " VALUES (");
    for (size_t i = 0; i < rel.columns.size(); ++i) absl::StrAppend(&sql, i ? ", ?" : "?");
    sql += ")";
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
    Reset();
  }
  ~RowWriter() { sqlite3_finalize(stmt_); }
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  RowWriter& Set(std::string_view column, Cell value) {
    for (size_t i = 0; i < rel_.columns.size(); ++i) {
      if (rel_.columns[i].name == column) {
        cells_[i] = std::move(value);
        return *this;
      }
    }
    STRATA_CHECK(false, "catalog row: no such column");
    return *this;
  }
  RowWriter& Set(std::string_view column, const char* value) {
    return Set(column, Cell(std::string(value)));
  }
  RowWriter& Set(std::string_view column, const std::string& value) {
    return Set(column, Cell(value));
  }
  RowWriter& Set(std::string_view column, int64_t value) { return Set(column, Cell(value)); }
  RowWriter& Set(std::string_view column, int value) {
    return Set(column, Cell(static_cast<int64_t>(value)));
  }
  RowWriter& Set(std::string_view column, uint32_t value) {
    return Set(column, Cell(static_cast<int64_t>(value)));
  }
  RowWriter& Set(std::string_view column, bool value) {
    return Set(column, Cell(static_cast<int64_t>(value ? 1 : 0)));
  }
  RowWriter& Set(std::string_view column, double value) { return Set(column, Cell(value)); }
  RowWriter& SetChar(std::string_view column, char value) {
    return Set(column, Cell(std::string(1, value)));
  }

  absl::Status Insert() {
    if (rc_ != SQLITE_OK) return SqliteError(db_, absl::StrCat("prepare insert ", rel_.name));
    for (size_t i = 0; i < cells_.size(); ++i) {
      int p = static_cast<int>(i + 1);
      const Cell& c = cells_[i];
      if (std::holds_alternative<int64_t>(c)) {
        sqlite3_bind_int64(stmt_, p, std::get<int64_t>(c));
      } else if (std::holds_alternative<double>(c)) {
        sqlite3_bind_double(stmt_, p, std::get<double>(c));
      } else if (std::holds_alternative<std::string>(c)) {
        const std::string& s = std::get<std::string>(c);
        sqlite3_bind_text(stmt_, p, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(stmt_, p);
      }
    }
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    Reset();
    if (rc != SQLITE_DONE) return SqliteError(db_, absl::StrCat("insert into ", rel_.name));
    return absl::OkStatus();
  }

 private:
  // PostgreSQL's catalog columns are NOT NULL but for arrays and expression trees: start
  // from zero values (information_schema views start from NULLs).
  void Reset() {
    cells_.assign(rel_.columns.size(), Cell());
    if (rel_.schema != "pg_catalog") return;
    for (size_t i = 0; i < rel_.columns.size(); ++i) {
      uint32_t t = rel_.columns[i].type;
      if (IsIntegerType(t)) {
        cells_[i] = int64_t{0};
      } else if (IsFloatType(t)) {
        cells_[i] = 0.0;
      } else if (t == oid::kChar || t == oid::kInt2Vector || t == oid::kOidVector) {
        cells_[i] = std::string();
      }
    }
  }

  sqlite3* db_;
  const RelationDef& rel_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  std::vector<Cell> cells_;
};

const RelationDef& Rel(std::string_view schema, std::string_view name) {
  const RelationDef* r = FindRelation(schema, name);
  STRATA_CHECK(r != nullptr, "catalog relation missing");
  return *r;
}

std::string InfoSchemaDataType(uint32_t type) {
  const TypeInfo* t = FindType(type);
  if (t == nullptr) return "USER-DEFINED";
  if (t->elem != 0 && t->len == -1) return "ARRAY";
  return FormatType(type, -1);
}

absl::Status CreateTables(sqlite3* db) {
  std::string sql;
  for (const RelationDef& rel : AllRelations()) {
    if (rel.schema == "public") continue;  // Strata's tables live in Strata, not here
    absl::StrAppend(&sql, "CREATE TABLE ", StorageName(rel), " (");
    for (size_t i = 0; i < rel.columns.size(); ++i) {
      absl::StrAppend(&sql, i ? ", " : "", "\"", rel.columns[i].name, "\" ",
                      SqliteDeclaration(rel.columns[i].type));
    }
    sql += ");\n";
    if (HasSessionColumns(rel)) {
      absl::StrAppend(&sql, "CREATE VIEW \"", rel.schema, "\".\"", rel.name, "\" AS SELECT ");
      for (size_t i = 0; i < rel.columns.size(); ++i) {
        const char* session = SessionColumn(rel.columns[i]);
        absl::StrAppend(&sql, i ? ", " : "", session != nullptr ? session : "",
                        session != nullptr ? " AS " : "", "\"", rel.columns[i].name, "\"");
      }
      absl::StrAppend(&sql, " FROM \"_", rel.name, "\";\n");
    }
  }
  return Exec(db, sql);
}

absl::Status FillStatic(sqlite3* db) {
  RETURN_IF_ERROR(Exec(db, "BEGIN"));
  {
    RowWriter ns(db, Rel("pg_catalog", "pg_namespace"));
    for (uint32_t oid : {kPgCatalogNamespace, kPublicNamespace, kInformationSchemaNamespace}) {
      RETURN_IF_ERROR(ns.Set("oid", oid)
                          .Set("nspname", NamespaceName(oid))
                          .Set("nspowner", kSessionRoleOid)
                          .Insert());
    }
    RowWriter desc(db, Rel("pg_catalog", "pg_description"));
    RETURN_IF_ERROR(desc.Set("objoid", kPgCatalogNamespace)
                        .Set("classoid", 2615u)
                        .Set("description", "system catalog schema")
                        .Insert());
    RETURN_IF_ERROR(desc.Set("objoid", kPublicNamespace)
                        .Set("classoid", 2615u)
                        .Set("description", "standard public schema")
                        .Insert());

    RowWriter cls(db, Rel("pg_catalog", "pg_class"));
    RowWriter att(db, Rel("pg_catalog", "pg_attribute"));
    RowWriter tables(db, Rel("pg_catalog", "pg_tables"));
    RowWriter views(db, Rel("pg_catalog", "pg_views"));
    RowWriter is_tables(db, Rel("information_schema", "tables"));
    RowWriter is_views(db, Rel("information_schema", "views"));
    RowWriter is_columns(db, Rel("information_schema", "columns"));
    for (const RelationDef& rel : AllRelations()) {
      bool strata = rel.schema == "public";
      bool catalog_table = rel.schema == "pg_catalog" && rel.kind == 'r';
      cls.Set("oid", rel.oid)
          .Set("relname", rel.name)
          .Set("relnamespace", NamespaceOid(rel.schema))
          .Set("relowner", kSessionRoleOid)
          .Set("relam", rel.kind != 'r' ? 0u
                        : strata        ? kStrataAccessMethodOid
                                        : 2u)
          .Set("reltuples", -1.0)
          .SetChar("relpersistence", 'p')
          .SetChar("relkind", rel.kind)
          .Set("relnatts", static_cast<int64_t>(rel.columns.size()))
          .Set("relhasrules", rel.kind == 'v')
          .Set("relispopulated", true)
          .SetChar("relreplident", strata ? 'd' : 'n');
      RETURN_IF_ERROR(cls.Insert());
      if (!rel.description.empty()) {
        RETURN_IF_ERROR(desc.Set("objoid", rel.oid)
                            .Set("classoid", 1259u)
                            .Set("description", rel.description)
                            .Insert());
      }
      for (size_t i = 0; i < rel.columns.size(); ++i) {
        const ColumnDef& col = rel.columns[i];
        const TypeInfo* type = FindType(col.type);
        bool not_null = catalog_table && !IsArrayType(col.type) && col.type != 194;
        att.Set("attrelid", rel.oid)
            .Set("attname", col.name)
            .Set("atttypid", col.type)
            .Set("attstattarget", -1)
            .Set("attlen", static_cast<int64_t>(type->len))
            .Set("attnum", static_cast<int64_t>(i + 1))
            .Set("attndims", IsArrayType(col.type) ? 1 : 0)
            .Set("attcacheoff", -1)
            .Set("atttypmod", -1)
            .Set("attbyval", type->byval)
            .SetChar("attalign", type->align)
            .SetChar("attstorage", type->storage)
            .Set("attnotnull", not_null)
            .Set("attislocal", true)
            .Set("attcollation", IsCollatable(col.type) ? type->collation : 0u);
        RETURN_IF_ERROR(att.Insert());
        is_columns.Set("table_schema", rel.schema)
            .Set("table_name", rel.name)
            .Set("column_name", col.name)
            .Set("ordinal_position", static_cast<int64_t>(i + 1))
            .Set("is_nullable", not_null ? "NO" : "YES")
            .Set("data_type", InfoSchemaDataType(col.type))
            .Set("udt_schema", "pg_catalog")
            .Set("udt_name", type->name)
            .Set("dtd_identifier", std::to_string(i + 1))
            .Set("is_self_referencing", "NO")
            .Set("is_identity", "NO")
            .Set("identity_cycle", "NO")
            .Set("is_generated", "NEVER")
            .Set("is_updatable", "NO");
        if (col.type == oid::kText || col.type == oid::kVarchar || col.type == oid::kBpchar) {
          is_columns.Set("character_octet_length", 1073741824);
        }
        int precision = col.type == oid::kInt2     ? 16
                        : col.type == oid::kInt4   ? 32
                        : col.type == oid::kInt8   ? 64
                        : col.type == oid::kFloat4 ? 24
                        : col.type == oid::kFloat8 ? 53
                                                   : 0;
        if (precision > 0) {
          is_columns.Set("numeric_precision", precision).Set("numeric_precision_radix", 2);
          if (!IsFloatType(col.type)) is_columns.Set("numeric_scale", 0);
        }
        if (col.type == oid::kTimestamp || col.type == oid::kTimestamptz ||
            col.type == oid::kInterval) {
          is_columns.Set("datetime_precision", 6);
        } else if (col.type == oid::kDate) {
          is_columns.Set("datetime_precision", 0);
        }
        RETURN_IF_ERROR(is_columns.Insert());
      }
      if (rel.kind == 'r') {
        RETURN_IF_ERROR(tables.Set("schemaname", rel.schema).Set("tablename", rel.name).Insert());
      } else {
        RETURN_IF_ERROR(views.Set("schemaname", rel.schema).Set("viewname", rel.name).Insert());
        RETURN_IF_ERROR(is_views.Set("table_schema", rel.schema)
                            .Set("table_name", rel.name)
                            .Set("check_option", "NONE")
                            .Set("is_updatable", "NO")
                            .Set("is_insertable_into", "NO")
                            .Set("is_trigger_updatable", "NO")
                            .Set("is_trigger_deletable", "NO")
                            .Set("is_trigger_insertable_into", "NO")
                            .Insert());
      }
      RETURN_IF_ERROR(is_tables.Set("table_schema", rel.schema)
                          .Set("table_name", rel.name)
                          .Set("table_type", rel.kind == 'r' ? "BASE TABLE" : "VIEW")
                          .Set("is_insertable_into", "NO")
                          .Set("is_typed", "NO")
                          .Insert());
    }

    RowWriter type(db, Rel("pg_catalog", "pg_type"));
    for (const TypeInfo& t : BuiltinTypes()) {
      type.Set("oid", t.oid)
          .Set("typname", t.name)
          .Set("typnamespace", kPgCatalogNamespace)
          .Set("typowner", kSessionRoleOid)
          .Set("typlen", static_cast<int64_t>(t.len))
          .Set("typbyval", t.byval)
          .SetChar("typtype", t.type)
          .SetChar("typcategory", t.category)
          .Set("typispreferred", t.preferred)
          .Set("typisdefined", true)
          .SetChar("typdelim", ',')
          .Set("typsubscript", IsArrayType(t.oid) ? "array_subscript_handler" : "-")
          .Set("typelem", t.elem)
          .Set("typarray", t.array)
          .Set("typinput", t.input)
          .Set("typoutput", t.output)
          .Set("typreceive", t.receive)
          .Set("typsend", t.send)
          .Set("typmodin", "-")
          .Set("typmodout", "-")
          .Set("typanalyze", "-")
          .SetChar("typalign", t.align)
          .SetChar("typstorage", t.storage)
          .Set("typtypmod", -1)
          .Set("typcollation", t.collation);
      RETURN_IF_ERROR(type.Insert());
    }

    RowWriter am(db, Rel("pg_catalog", "pg_am"));
    RETURN_IF_ERROR(am.Set("oid", 2u)
                        .Set("amname", "heap")
                        .Set("amhandler", "heap_tableam_handler")
                        .SetChar("amtype", 't')
                        .Insert());
    RETURN_IF_ERROR(am.Set("oid", 403u)
                        .Set("amname", "btree")
                        .Set("amhandler", "bthandler")
                        .SetChar("amtype", 'i')
                        .Insert());
    RETURN_IF_ERROR(am.Set("oid", kStrataAccessMethodOid)
                        .Set("amname", "strata")
                        .Set("amhandler", "-")
                        .SetChar("amtype", 't')
                        .Insert());

    RowWriter spc(db, Rel("pg_catalog", "pg_tablespace"));
    RETURN_IF_ERROR(spc.Set("oid", 1663u)
                        .Set("spcname", "pg_default")
                        .Set("spcowner", kSessionRoleOid)
                        .Insert());
    RETURN_IF_ERROR(spc.Set("oid", 1664u)
                        .Set("spcname", "pg_global")
                        .Set("spcowner", kSessionRoleOid)
                        .Insert());

    RowWriter coll(db, Rel("pg_catalog", "pg_collation"));
    struct Collation {
      uint32_t oid;
      const char* name;
      char provider;
    };
    for (const Collation& c : {Collation{kDefaultCollationOid, "default", 'd'},
                               Collation{950, "C", 'c'}, Collation{951, "POSIX", 'c'}}) {
      coll.Set("oid", c.oid)
          .Set("collname", c.name)
          .Set("collnamespace", kPgCatalogNamespace)
          .Set("collowner", kSessionRoleOid)
          .SetChar("collprovider", c.provider)
          .Set("collisdeterministic", true)
          .Set("collencoding", -1);
      if (c.provider == 'c') coll.Set("collcollate", c.name).Set("collctype", c.name);
      RETURN_IF_ERROR(coll.Insert());
    }

    RowWriter proc(db, Rel("pg_catalog", "pg_proc"));
    RowWriter agg(db, Rel("pg_catalog", "pg_aggregate"));
    for (const ProcDef& p : CatalogProcs()) {
      RETURN_IF_ERROR(proc.Set("oid", p.oid)
                          .Set("proname", p.name)
                          .Set("pronamespace", kPgCatalogNamespace)
                          .Set("proowner", kSessionRoleOid)
                          .Set("prolang", 12u)
                          .Set("procost", 1.0)
                          .Set("prosupport", "-")
                          .SetChar("prokind", 'a')
                          .SetChar("provolatile", 'i')
                          .SetChar("proparallel", 's')
                          .Set("pronargs", 1)
                          .Set("prorettype", p.result_type)
                          .Set("proargtypes", std::to_string(p.arg_type))
                          .Set("prosrc", "aggregate_dummy")
                          .Insert());
      RETURN_IF_ERROR(agg.Set("aggfnoid", p.name)
                          .SetChar("aggkind", 'n')
                          .Set("aggtransfn", "-")
                          .Set("aggfinalfn", "-")
                          .Set("aggcombinefn", "-")
                          .Set("aggserialfn", "-")
                          .Set("aggdeserialfn", "-")
                          .Set("aggmtransfn", "-")
                          .Set("aggminvtransfn", "-")
                          .Set("aggmfinalfn", "-")
                          .SetChar("aggfinalmodify", 'r')
                          .SetChar("aggmfinalmodify", 'r')
                          .Set("aggsortop", 0u)
                          .Set("aggtranstype", p.result_type)
                          .Insert());
    }

    RowWriter schemata(db, Rel("information_schema", "schemata"));
    for (uint32_t oid : {kPgCatalogNamespace, kPublicNamespace, kInformationSchemaNamespace}) {
      RETURN_IF_ERROR(schemata.Set("schema_name", NamespaceName(oid)).Insert());
    }
  }
  return Exec(db, "COMMIT");
}

// The per-process image of both schemas.
struct Image {
  absl::Status status;
  std::string pg_catalog;
  std::string information_schema;
};

absl::Status AttachSchemas(sqlite3* db) {
  return Exec(db,
              "ATTACH DATABASE ':memory:' AS pg_catalog; "
              "ATTACH DATABASE ':memory:' AS information_schema;");
}

absl::StatusOr<std::string> Serialize(sqlite3* db, const char* schema) {
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, schema, &size, 0);
  if (bytes == nullptr) return SqliteError(db, "serialize");
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  return out;
}

const Image& StaticImage() {
  static const Image* image = [] {
    auto* out = new Image;
    sqlite3* db = nullptr;
    out->status = [&]() -> absl::Status {
      if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
          SQLITE_OK) {
        return SqliteError(db, "open");
      }
      RETURN_IF_ERROR(AttachSchemas(db));
      RETURN_IF_ERROR(CreateTables(db));
      RETURN_IF_ERROR(FillStatic(db));
      ASSIGN_OR_RETURN(out->pg_catalog, Serialize(db, "pg_catalog"));
      ASSIGN_OR_RETURN(out->information_schema, Serialize(db, "information_schema"));
      return absl::OkStatus();
    }();
    sqlite3_close(db);
    return out;
  }();
  return *image;
}

absl::Status Deserialize(sqlite3* db, const char* schema, const std::string& bytes) {
  auto* buffer = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (buffer == nullptr) return SqliteError(db, "out of memory");
  std::memcpy(buffer, bytes.data(), bytes.size());
  int rc = sqlite3_deserialize(db, schema, buffer, static_cast<sqlite3_int64>(bytes.size()),
                               static_cast<sqlite3_int64>(bytes.size()),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) return SqliteError(db, "deserialize");
  return absl::OkStatus();
}

absl::Status FillSession(sqlite3* db, const CatalogSession& session) {
  RETURN_IF_ERROR(Exec(db, "BEGIN"));
  RowWriter database(db, Rel("pg_catalog", "pg_database"));
  RETURN_IF_ERROR(database.Set("oid", kDatabaseOid)
                      .Set("datname", session.database)
                      .Set("datdba", kSessionRoleOid)
                      .Set("encoding", 6)
                      .SetChar("datlocprovider", 'c')
                      .Set("datallowconn", true)
                      .Set("datconnlimit", -1)
                      .Set("datminmxid", 1)
                      .Set("dattablespace", 1663u)
                      .Set("datcollate", "C.UTF-8")
                      .Set("datctype", "C.UTF-8")
                      .Insert());
  RowWriter roles(db, Rel("pg_catalog", "pg_roles"));
  RETURN_IF_ERROR(roles.Set("oid", kSessionRoleOid)
                      .Set("rolname", session.user)
                      .Set("rolsuper", session.superuser)
                      .Set("rolinherit", true)
                      .Set("rolcreaterole", session.superuser)
                      .Set("rolcreatedb", session.superuser)
                      .Set("rolcanlogin", true)
                      .Set("rolconnlimit", -1)
                      .Set("rolpassword", "********")
                      .Insert());
  RowWriter user(db, Rel("pg_catalog", "pg_user"));
  RETURN_IF_ERROR(user.Set("usename", session.user)
                      .Set("usesysid", kSessionRoleOid)
                      .Set("usecreatedb", session.superuser)
                      .Set("usesuper", session.superuser)
                      .Set("passwd", "********")
                      .Insert());
  return Exec(db, "COMMIT");
}

// pg_settings' display names of settings Strata keeps in lower case.
std::string SettingDisplayName(const std::string& name) {
  if (name == "timezone") return "TimeZone";
  if (name == "datestyle") return "DateStyle";
  if (name == "intervalstyle") return "IntervalStyle";
  return name;
}

std::string SettingType(const std::string& value) {
  if (value == "on" || value == "off") return "bool";
  if (!value.empty() && value.find_first_not_of("-0123456789") == std::string::npos) {
    return "integer";
  }
  return "string";
}

}  // namespace

std::string SqliteDeclaration(uint32_t type) {
  const TypeInfo* t = FindType(type);
  const char* affinity = IsIntegerType(type) ? "INTEGER" : IsFloatType(type) ? "REAL" : "TEXT";
  return absl::StrCat(t != nullptr ? t->name : "text", " ", affinity);
}

uint32_t TypeOfDeclaration(const char* decl) {
  if (decl == nullptr) return 0;
  std::string_view d(decl);
  size_t space = d.find(' ');
  if (space == std::string_view::npos) return 0;
  const TypeInfo* t = FindTypeByName(d.substr(0, space));
  return t != nullptr ? t->oid : 0;
}

absl::StatusOr<sqlite3*> OpenCatalogDatabase(const CatalogSession& session) {
  const Image& image = StaticImage();
  RETURN_IF_ERROR(image.status);
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(":memory:", &db, flags, nullptr) != SQLITE_OK) {
    absl::Status status = SqliteError(db, "open");
    sqlite3_close(db);
    return status;
  }
  absl::Status status = [&]() -> absl::Status {
    // PostgreSQL never reads a "double-quoted" word as a string.
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    RETURN_IF_ERROR(AttachSchemas(db));
    RETURN_IF_ERROR(Deserialize(db, "pg_catalog", image.pg_catalog));
    RETURN_IF_ERROR(Deserialize(db, "information_schema", image.information_schema));
    return FillSession(db, session);
  }();
  if (!status.ok()) {
    sqlite3_close(db);
    return status;
  }
  return db;
}

SessionRows::~SessionRows() {
  for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
}

absl::Status SessionRows::Refresh(const CatalogSession& session) {
  static const std::map<std::string, std::string> kNoSettings;
  const std::map<std::string, std::string>& settings =
      session.settings != nullptr ? *session.settings : kNoSettings;
  if (filled_ && settings == settings_) return absl::OkStatus();
  if (statements_.empty()) {
    std::string insert_settings = absl::StrCat(
        "INSERT INTO pg_catalog.pg_settings (name, setting, category, short_desc, context, "
        "vartype, source, boot_val, reset_val, pending_restart) "
        "VALUES (?1, ?2, ?3, '', ?4, ?5, 'default', ?2, ?2, 0)");
    std::string insert_activity =
        "INSERT INTO pg_catalog.pg_stat_activity (datid, datname, pid, usesysid, usename, "
        "application_name, state, query, backend_type) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', '', 'client backend')";
    for (const std::string& sql :
         {std::string("DELETE FROM pg_catalog.pg_settings"), insert_settings,
          std::string("DELETE FROM pg_catalog.pg_stat_activity"), insert_activity}) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
          SQLITE_OK) {
        return SqliteError(db_, "prepare pg_settings refresh");
      }
      statements_.push_back(stmt);
    }
  }
  auto run = [&](sqlite3_stmt* stmt) -> absl::Status {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) return SqliteError(db_, "refresh pg_settings");
    return absl::OkStatus();
  };
  auto bind = [](sqlite3_stmt* stmt, int i, std::string_view s) {
    sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  };
  RETURN_IF_ERROR(Exec(db_, "BEGIN"));
  RETURN_IF_ERROR(run(statements_[0]));
  for (const auto& [name, value] : settings) {
    bind(statements_[1], 1, SettingDisplayName(name));
    bind(statements_[1], 2, value);
    bind(statements_[1], 3,
         name.rfind("strata.", 0) == 0 ? "Strata" : "Client Connection Defaults");
    bind(statements_[1], 4, "user");
    bind(statements_[1], 5, SettingType(value));
    RETURN_IF_ERROR(run(statements_[1]));
  }
  for (const auto& [name, value] : ReadOnlySettings()) {
    if (settings.count(std::string(name)) > 0) continue;
    bind(statements_[1], 1, name);
    bind(statements_[1], 2, value);
    bind(statements_[1], 3, "Preset Options");
    bind(statements_[1], 4, "internal");
    bind(statements_[1], 5, SettingType(std::string(value)));
    RETURN_IF_ERROR(run(statements_[1]));
  }
  RETURN_IF_ERROR(run(statements_[2]));
  auto app = settings.find("application_name");
  sqlite3_bind_int64(statements_[3], 1, kDatabaseOid);
  bind(statements_[3], 2, session.database);
  sqlite3_bind_int64(statements_[3], 3, session.backend_pid);
  sqlite3_bind_int64(statements_[3], 4, kSessionRoleOid);
  bind(statements_[3], 5, session.user);
  bind(statements_[3], 6, app != settings.end() ? std::string_view(app->second) : "");
  RETURN_IF_ERROR(run(statements_[3]));
  RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  settings_ = settings;
  filled_ = true;
  return absl::OkStatus();
}

}  // namespace strata::server::pgwire::catalog
