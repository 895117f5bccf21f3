// PostgreSQL's session information functions as SQLite functions: version(),
// current_user, current_schema(s), current_setting(), pg_backend_pid(), txid_current(),
// has_*_privilege(); the helpers the other function files share; registration.

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "query/error.h"
#include "query/lexer.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {

std::string_view Strip(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

std::string Setting(const CatalogSession& session, std::string_view name, bool* found) {
  std::string key = Lower(name);
  *found = true;
  if (session.settings != nullptr) {
    auto it = session.settings->find(key);
    if (it != session.settings->end()) return it->second;
  }
  for (const auto& [k, v] : ReadOnlySettings()) {
    if (k == key) return std::string(v);
  }
  *found = false;
  return "";
}

// The schemas of search_path that exist, pg_catalog first if `implicit`.
std::vector<std::string> SearchPath(const CatalogSession& session, bool implicit) {
  bool found;
  std::string path = Setting(session, "search_path", &found);
  std::vector<std::string> out;
  if (implicit) out.push_back("pg_catalog");
  size_t start = 0;
  while (start <= path.size()) {
    size_t comma = path.find(',', start);
    if (comma == std::string::npos) comma = path.size();
    std::string item(
        absl::StripAsciiWhitespace(absl::string_view(path.data() + start, comma - start)));
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    } else {
      item = Lower(item);
    }
    if (item == "$user") item = session.user;
    if (NamespaceOid(item) != 0 && std::find(out.begin(), out.end(), item) == out.end()) {
      out.push_back(item);
    }
    start = comma + 1;
  }
  return out;
}

// "schema"."name" / schema.name / name -> parts (unquoted parts lower-cased).
bool SplitQualifiedName(std::string_view s, std::vector<std::string>* parts) {
  parts->clear();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  while (i <= s.size()) {
    std::string part;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size()) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            part.push_back('"');
            i += 2;
            continue;
          }
          break;
        }
        part.push_back(s[i++]);
      }
      if (i >= s.size()) return false;
      ++i;
    } else {
      while (i < s.size() && s[i] != '.') part.push_back(absl::ascii_tolower(s[i++]));
      while (!part.empty() && part.back() == ' ') part.pop_back();
    }
    if (part.empty()) return false;
    parts->push_back(std::move(part));
    if (i >= s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return !parts->empty() && parts->size() <= 3;
}

// A relation by name as regclass reads it (search path: pg_catalog, public); nullptr if none.
const RelationDef* LookupRelation(std::string_view text) {
  std::vector<std::string> parts;
  if (!SplitQualifiedName(text, &parts)) return nullptr;
  if (parts.size() >= 2) return FindRelation(parts[parts.size() - 2], parts.back());
  for (std::string_view schema : {"pg_catalog", "public"}) {
    if (const RelationDef* r = FindRelation(schema, parts[0])) return r;
  }
  return nullptr;
}

// regclass input: an OID, or a name. 0 with an error set if unknown (unless `quiet`).
// regclass input: an OID, or a name.
int64_t RegclassOf(sqlite3_context* ctx, sqlite3_value* v, bool quiet) {
  if (IsInteger(v)) return sqlite3_value_int64(v);
  std::string_view text = Text(v);
  int64_t number;
  if (absl::SimpleAtoi(AV(text), &number)) return number;
  if (const RelationDef* r = LookupRelation(text)) return r->oid;
  if (!quiet) {
    Fail(ctx, query::sqlstate::kUndefinedTable,
         absl::StrCat("relation \"", AV(text), "\" does not exist"));
  }
  return -1;
}

const ProcDef* FindProc(int64_t oid) {
  for (const ProcDef& p : CatalogProcs()) {
    if (p.oid == oid) return &p;
  }
  return nullptr;
}

namespace {

namespace sqlstate = query::sqlstate;

// ---- Session -------------------------------------------------------------------------------

void Version(sqlite3_context* ctx, int, sqlite3_value**) {
  bool found;
  std::string version = Setting(Session(ctx), "server_version", &found);
#if defined(__aarch64__)
  const char* arch = "aarch64-unknown-linux-gnu";
#else
  const char* arch = "x86_64-pc-linux-gnu";
#endif
  ResultText(ctx,
             absl::StrCat("PostgreSQL ", version, " on ", arch, ", compiled by Strata, 64-bit"));
}

void CurrentDatabase(sqlite3_context* ctx, int, sqlite3_value**) {
  ResultText(ctx, Session(ctx).database);
}

void CurrentUser(sqlite3_context* ctx, int, sqlite3_value**) { ResultText(ctx, Session(ctx).user); }

void CurrentSchema(sqlite3_context* ctx, int, sqlite3_value**) {
  std::vector<std::string> path = SearchPath(Session(ctx), false);
  if (path.empty()) return sqlite3_result_null(ctx);
  ResultText(ctx, path[0]);
}

void CurrentSchemas(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::vector<ArrayElement> elems;
  for (std::string& s : SearchPath(Session(ctx), sqlite3_value_int(argv[0]) != 0)) {
    elems.push_back({ArrayElement::kString, std::move(s)});
  }
  ResultText(ctx, ElementsToJson(elems));
}

void CurrentSetting(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  bool found;
  std::string value = Setting(Session(ctx), Text(argv[0]), &found);
  if (found) return ResultText(ctx, value);
  if (argc > 1 && sqlite3_value_int(argv[1]) != 0) return sqlite3_result_null(ctx);
  Fail(ctx, "42704",
       absl::StrCat("unrecognized configuration parameter \"", AV(Text(argv[0])), "\""));
}

void BackendPid(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3_result_int64(ctx, Session(ctx).backend_pid);
}

void ReturnFalse(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_int(ctx, 0); }

void TxidCurrent(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* context = static_cast<FunctionContext*>(sqlite3_user_data(ctx));
  sqlite3_result_int64(ctx, ++context->txid);
}

std::string TimestampText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

void StartTime(sqlite3_context* ctx, int, sqlite3_value**) {
  static const absl::Time start = absl::Now();
  ResultText(ctx, TimestampText(start));
}

void Now(sqlite3_context* ctx, int, sqlite3_value**) {
  ResultText(ctx, TimestampText(absl::Now()));
}

void CurrentDate(sqlite3_context* ctx, int, sqlite3_value**) {
  ResultText(ctx, absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()));
}

// ---- Privileges ------------------------------------------------------------------------------

// has_*_privilege([user,] object, privilege): Strata grants reading, never writing.
bool Grants(std::string_view privileges, std::initializer_list<std::string_view> granted) {
  std::string all = Lower(privileges);
  size_t start = 0;
  while (start <= all.size()) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    std::string p(absl::StripAsciiWhitespace(absl::string_view(all.data() + start, comma - start)));
    if (p.size() > 18 && p.substr(p.size() - 18) == " with grant option") p.resize(p.size() - 18);
    for (std::string_view g : granted) {
      if (p == g) return true;
    }
    start = comma + 1;
  }
  return false;
}

bool CheckUser(sqlite3_context* ctx, int argc, int full_argc, sqlite3_value** argv) {
  if (argc < full_argc) return true;
  if (IsInteger(argv[0])) {
    if (sqlite3_value_int64(argv[0]) == kSessionRoleOid) return true;
  } else if (Text(argv[0]) == Session(ctx).user) {
    return true;
  }
  Fail(ctx, "42704", absl::StrCat("role \"", AV(Text(argv[0])), "\" does not exist"));
  return false;
}

void HasTablePrivilege(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 3, argv)) return;
  int64_t oid = RegclassOf(ctx, argv[argc - 2], false);
  if (oid < 0) return;
  if (FindRelationByOid(static_cast<uint32_t>(oid)) == nullptr) return sqlite3_result_null(ctx);
  sqlite3_result_int(ctx, Grants(Text(argv[argc - 1]), {"select"}) ? 1 : 0);
}

void HasColumnPrivilege(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 4, argv)) return;
  int64_t oid = RegclassOf(ctx, argv[argc - 3], false);
  if (oid < 0) return;
  sqlite3_result_int(ctx, Grants(Text(argv[argc - 1]), {"select"}) ? 1 : 0);
}

void HasSchemaPrivilege(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 3, argv)) return;
  sqlite3_value* schema = argv[argc - 2];
  bool exists = IsInteger(schema)
                    ? NamespaceName(static_cast<uint32_t>(sqlite3_value_int64(schema))) != nullptr
                    : NamespaceOid(Text(schema)) != 0;
  if (!exists) {
    return Fail(ctx, "3F000", absl::StrCat("schema \"", AV(Text(schema)), "\" does not exist"));
  }
  sqlite3_result_int(ctx, Grants(Text(argv[argc - 1]), {"usage"}) ? 1 : 0);
}

void HasDatabasePrivilege(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 3, argv)) return;
  sqlite3_value* db = argv[argc - 2];
  bool exists =
      IsInteger(db) ? sqlite3_value_int64(db) == kDatabaseOid : Text(db) == Session(ctx).database;
  if (!exists) {
    return Fail(ctx, "3D000", absl::StrCat("database \"", AV(Text(db)), "\" does not exist"));
  }
  sqlite3_result_int(ctx, Grants(Text(argv[argc - 1]), {"connect"}) ? 1 : 0);
}

void HasUsagePrivilege(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 3, argv)) return;
  sqlite3_result_int(ctx, Grants(Text(argv[argc - 1]), {"execute", "usage"}) ? 1 : 0);
}

void HasRole(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (IsNull(argv[i])) return sqlite3_result_null(ctx);
  }
  if (!CheckUser(ctx, argc, 3, argv)) return;
  sqlite3_value* role = argv[argc - 2];
  bool self = IsInteger(role) ? sqlite3_value_int64(role) == kSessionRoleOid
                              : Text(role) == Session(ctx).user;
  sqlite3_result_int(ctx, self ? 1 : 0);
}

}  // namespace

const std::vector<std::pair<std::string_view, std::string_view>>& ReadOnlySettings() {
  // Settings PostgreSQL has that Strata's session does not keep (fixed values).
  static const auto* settings = new std::vector<std::pair<std::string_view, std::string_view>>{
      {"block_size", "8192"},          {"max_function_args", "100"}, {"max_index_keys", "32"},
      {"max_identifier_length", "63"}, {"server_encoding", "UTF8"},  {"integer_datetimes", "on"},
      {"lc_collate", "C.UTF-8"},       {"lc_ctype", "C.UTF-8"},      {"data_checksums", "on"},
  };
  return *settings;
}

std::string QuoteIdentIfNeeded(std::string_view name) { return PgQuoteIdent(name); }

std::string PgQuoteIdent(std::string_view name) {
  // COL_NAME_KEYWORD (kwlist.h): quoted too, with the reserved and type/function ones.
  static constexpr std::string_view kColumnNameKeywords[] = {
      "between",    "bigint",       "bit",       "boolean",       "char",          "character",
      "coalesce",   "dec",          "decimal",   "exists",        "extract",       "float",
      "greatest",   "grouping",     "inout",     "int",           "integer",       "interval",
      "least",      "national",     "nchar",     "none",          "normalize",     "nullif",
      "numeric",    "out",          "overlay",   "position",      "precision",     "real",
      "row",        "setof",        "smallint",  "substring",     "time",          "timestamp",
      "treat",      "trim",         "values",    "varchar",       "xmlattributes", "xmlconcat",
      "xmlelement", "xmlexists",    "xmlforest", "xmlnamespaces", "xmlparse",      "xmlpi",
      "xmlroot",    "xmlserialize", "xmltable"};
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
  }
  if (safe && query::ClassifyKeyword(name) != query::KeywordClass::kNone) safe = false;
  for (std::string_view k : kColumnNameKeywords) {
    if (safe && name == k) safe = false;
  }
  if (safe) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

std::string FunctionError(std::string_view state, std::string_view message) {
  return absl::StrCat("SQLSTATE ", AV(state), ": ", AV(message));
}

absl::Status Register(sqlite3* db, FunctionContext* context, const SqlFunction* functions,
                      size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const SqlFunction& f = functions[i];
    int rc = sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8, context, f.fn, nullptr,
                                        nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return query::SqlError(query::sqlstate::kInternalError,
                             absl::StrCat("registering ", f.name, ": ", sqlite3_errmsg(db)));
    }
  }
  return absl::OkStatus();
}

absl::Status RegisterFunctions(sqlite3* db, FunctionContext* context) {
  static constexpr SqlFunction kFunctions[] = {
      {"version", 0, Version},
      {"current_database", 0, CurrentDatabase},
      {"pg_current_user", 0, CurrentUser},
      {"current_schema", 0, CurrentSchema},
      {"current_schemas", 1, CurrentSchemas},
      {"current_setting", 1, CurrentSetting},
      {"current_setting", 2, CurrentSetting},
      {"pg_backend_pid", 0, BackendPid},
      {"pg_is_in_recovery", 0, ReturnFalse},
      {"txid_current", 0, TxidCurrent},
      {"pg_postmaster_start_time", 0, StartTime},
      {"pg_conf_load_time", 0, StartTime},
      {"pg_now", 0, Now},
      {"statement_timestamp", 0, Now},
      {"transaction_timestamp", 0, Now},
      {"clock_timestamp", 0, Now},
      {"pg_current_date", 0, CurrentDate},
      {"has_table_privilege", 2, HasTablePrivilege},
      {"has_table_privilege", 3, HasTablePrivilege},
      {"has_any_column_privilege", 2, HasTablePrivilege},
      {"has_any_column_privilege", 3, HasTablePrivilege},
      {"has_column_privilege", 3, HasColumnPrivilege},
      {"has_column_privilege", 4, HasColumnPrivilege},
      {"has_schema_privilege", 2, HasSchemaPrivilege},
      {"has_schema_privilege", 3, HasSchemaPrivilege},
      {"has_database_privilege", 2, HasDatabasePrivilege},
      {"has_database_privilege", 3, HasDatabasePrivilege},
      {"has_function_privilege", 2, HasUsagePrivilege},
      {"has_function_privilege", 3, HasUsagePrivilege},
      {"has_type_privilege", 2, HasUsagePrivilege},
      {"has_type_privilege", 3, HasUsagePrivilege},
      {"pg_has_role", 2, HasRole},
      {"pg_has_role", 3, HasRole},
  };
  RETURN_IF_ERROR(Register(db, context, kFunctions));
  RETURN_IF_ERROR(RegisterObjectFunctions(db, context));
  RETURN_IF_ERROR(RegisterTextFunctions(db, context));
  return RegisterArrayFunctions(db, context);
}

}  // namespace strata::server::pgwire::catalog
