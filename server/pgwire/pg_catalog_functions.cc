// PostgreSQL's system information and catalog functions as SQLite functions: version(),
// current_user, current_setting(), has_*_privilege(), obj_description(), format_type(),
// the reg* conversions, visibility and size functions; and what the rewriter needs to
// know about functions (result types, set-returning ones).

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
#include "query/error.h"
#include "query/lexer.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

std::string_view Text(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  return p == nullptr ? std::string_view()
                      : std::string_view(reinterpret_cast<const char*>(p),
                                         static_cast<size_t>(sqlite3_value_bytes(v)));
}
bool IsNull(sqlite3_value* v) { return sqlite3_value_type(v) == SQLITE_NULL; }
bool IsInteger(sqlite3_value* v) { return sqlite3_value_numeric_type(v) == SQLITE_INTEGER; }
void ResultText(sqlite3_context* ctx, std::string_view s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
void Fail(sqlite3_context* ctx, std::string_view state, std::string_view message) {
  std::string m = FunctionError(state, message);
  sqlite3_result_error(ctx, m.c_str(), static_cast<int>(m.size()));
}
const CatalogSession& Session(sqlite3_context* ctx) {
  return *static_cast<FunctionContext*>(sqlite3_user_data(ctx))->session;
}
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
int64_t RegclassOf(sqlite3_context* ctx, sqlite3_value* v, bool quiet) {
  if (IsInteger(v)) return sqlite3_value_int64(v);
  std::string_view text = Text(v);
  int64_t number;
  if (absl::SimpleAtoi(AV(text), &number)) return number;
  if (const RelationDef* r = LookupRelation(text)) return r->oid;
  if (!quiet) {
    Fail(ctx, sqlstate::kUndefinedTable,
         absl::StrCat("relation \"", AV(text), "\" does not exist"));
  }
  return -1;
}

uint32_t TypeOfText(std::string_view text) {
  std::string s(Strip(text));
  bool array = false;
  if (s.size() > 2 && s.substr(s.size() - 2) == "[]") {
    array = true;
    s.resize(s.size() - 2);
  }
  for (std::string_view prefix : {"pg_catalog.", "\"pg_catalog\"."}) {
    if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  }
  bool quoted = s.size() >= 2 && s.front() == '"' && s.back() == '"';
  if (quoted) s = s.substr(1, s.size() - 2);
  // Drop a typmod: varchar(10), numeric(10,2).
  size_t paren = s.find('(');
  if (!quoted && paren != std::string::npos) s = s.substr(0, paren);
  uint32_t type = ParseTypeWords(quoted ? s : Lower(Strip(s)), quoted);
  if (type != 0 && array) type = ArrayTypeOf(type);
  return type;
}

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

// ---- Descriptions and names ------------------------------------------------------------------

const char* NamespaceDescription(uint32_t oid) {
  if (oid == kPgCatalogNamespace) return "system catalog schema";
  if (oid == kPublicNamespace) return "standard public schema";
  return nullptr;
}

void ObjDescription(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  uint32_t oid = static_cast<uint32_t>(sqlite3_value_int64(argv[0]));
  std::string_view catalog = argc > 1 ? Text(argv[1]) : std::string_view();
  if (catalog.empty() || catalog == "pg_class") {
    const RelationDef* r = FindRelationByOid(oid);
    if (r != nullptr && !r->description.empty()) return ResultText(ctx, r->description);
  }
  if (catalog.empty() || catalog == "pg_namespace") {
    if (const char* d = NamespaceDescription(oid)) return ResultText(ctx, d);
  }
  sqlite3_result_null(ctx);
}

// Strata has no column or shared-object comments.
void NoDescription(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_null(ctx); }

void FormatTypeFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  int32_t typmod = IsNull(argv[1]) ? -1 : sqlite3_value_int(argv[1]);
  ResultText(ctx, FormatType(static_cast<uint32_t>(sqlite3_value_int64(argv[0])), typmod));
}

void GetUserById(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  int64_t oid = sqlite3_value_int64(argv[0]);
  if (oid == kSessionRoleOid) return ResultText(ctx, Session(ctx).user);
  ResultText(ctx, absl::StrCat("unknown (OID=", oid, ")"));
}

void EncodingToChar(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  int64_t e = sqlite3_value_int64(argv[0]);
  ResultText(ctx, e == 6 ? "UTF8" : e == 0 ? "SQL_ASCII" : "");
}

void CharToEncoding(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::string e = Lower(Text(argv[0]));
  sqlite3_result_int(ctx, e == "utf8" || e == "utf-8" ? 6 : e == "sql_ascii" ? 0 : -1);
}

// pg_get_expr(text, relation): Strata's catalog stores no expression trees but text.
void GetExpr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  ResultText(ctx, Text(argv[0]));
}

// Definitions of objects Strata does not have (indexes, constraints, triggers, rules,
// views' SQL): NULL, as PostgreSQL answers for an OID it does not know.
void NoDefinition(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_null(ctx); }

const ProcDef* FindProc(int64_t oid) {
  for (const ProcDef& p : CatalogProcs()) {
    if (p.oid == oid) return &p;
  }
  return nullptr;
}

void FunctionResult(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  const ProcDef* p = FindProc(sqlite3_value_int64(argv[0]));
  if (p == nullptr) return sqlite3_result_null(ctx);
  ResultText(ctx, FormatType(p->result_type, -1));
}

void FunctionArguments(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  const ProcDef* p = FindProc(sqlite3_value_int64(argv[0]));
  if (p == nullptr) return sqlite3_result_null(ctx);
  ResultText(ctx, p->arg_type == 2276 ? "\"any\"" : FormatType(p->arg_type, -1));
}

void RelationIsPublishable(sqlite3_context* ctx, int, sqlite3_value** argv) {
  int64_t oid = RegclassOf(ctx, argv[0], true);
  const RelationDef* r = oid < 0 ? nullptr : FindRelationByOid(static_cast<uint32_t>(oid));
  sqlite3_result_int(ctx, r != nullptr && r->schema == "public" ? 1 : 0);
}

void EmptyText(sqlite3_context* ctx, int, sqlite3_value**) { ResultText(ctx, ""); }

void TableIsVisible(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  const RelationDef* r = FindRelationByOid(static_cast<uint32_t>(sqlite3_value_int64(argv[0])));
  if (r == nullptr) return sqlite3_result_null(ctx);
  std::vector<std::string> path = SearchPath(Session(ctx), true);
  sqlite3_result_int(ctx, std::find(path.begin(), path.end(), r->schema) != path.end() &&
                                  LookupRelation(QuoteIdentIfNeeded(r->name)) == r
                              ? 1
                              : 0);
}

void TypeIsVisible(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (FindType(static_cast<uint32_t>(sqlite3_value_int64(argv[0]))) == nullptr) {
    return sqlite3_result_null(ctx);
  }
  sqlite3_result_int(ctx, 1);  // every type is in pg_catalog
}

void FunctionIsVisible(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0]) || FindProc(sqlite3_value_int64(argv[0])) == nullptr) {
    return sqlite3_result_null(ctx);
  }
  sqlite3_result_int(ctx, 1);
}

// Objects of catalogs that are empty here (operators, collations, text search, ...).
void UnknownObjectVisible(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_null(ctx); }

// Strata's storage sizes are not known to the catalog: NULL (psql prints nothing).
void UnknownSize(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_null(ctx); }

void SizePretty(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  // PostgreSQL 15's dbsize.c: bytes below 10 kB, then kB, MB, ... rounded half up.
  struct Unit {
    const char* name;
    int64_t limit;
    bool round;
    int bits;
  };
  static constexpr Unit kUnits[] = {
      {"bytes", 10 * 1024, false, 0},  {"kB", 20 * 1024 - 1, true, 10},
      {"MB", 20 * 1024 - 1, true, 20}, {"GB", 20 * 1024 - 1, true, 30},
      {"TB", 20 * 1024 - 1, true, 40}, {"PB", 20 * 1024 - 1, true, 50}};
  int64_t size = sqlite3_value_int64(argv[0]);
  for (size_t u = 0; u < std::size(kUnits); ++u) {
    const Unit& unit = kUnits[u];
    bool last = u + 1 == std::size(kUnits);
    if (last || std::llabs(size) < unit.limit) {
      if (unit.round) size = (size + (size < 0 ? -1 : 1)) / 2;
      return ResultText(ctx, absl::StrCat(size, " ", unit.name));
    }
    const Unit& next = kUnits[u + 1];
    int bits = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0);
    size /= int64_t{1} << bits;
  }
}

// ---- reg* conversions ----------------------------------------------------------------------

void Regclass(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  int64_t oid = RegclassOf(ctx, argv[0], false);
  if (oid >= 0) sqlite3_result_int64(ctx, oid);
}

void ToRegclass(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  const RelationDef* r = LookupRelation(Text(argv[0]));
  if (r == nullptr) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, r->oid);
}

void RegclassName(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (!IsInteger(argv[0])) return ResultText(ctx, Text(argv[0]));
  int64_t oid = sqlite3_value_int64(argv[0]);
  const RelationDef* r = FindRelationByOid(static_cast<uint32_t>(oid));
  if (r == nullptr) return ResultText(ctx, oid == 0 ? "-" : std::to_string(oid));
  std::string name = QuoteIdentIfNeeded(r->name);
  if (LookupRelation(name) != r) name = QuoteIdentIfNeeded(r->schema) + "." + name;
  ResultText(ctx, name);
}

void Regtype(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (IsInteger(argv[0])) return sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
  uint32_t type = TypeOfText(Text(argv[0]));
  if (type == 0) {
    return Fail(ctx, "42704", absl::StrCat("type \"", AV(Text(argv[0])), "\" does not exist"));
  }
  sqlite3_result_int64(ctx, type);
}

void ToRegtype(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  uint32_t type = TypeOfText(Text(argv[0]));
  if (type == 0) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, type);
}

void RegtypeName(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (!IsInteger(argv[0])) return ResultText(ctx, Text(argv[0]));
  int64_t oid = sqlite3_value_int64(argv[0]);
  if (oid == 0) return ResultText(ctx, "-");
  if (FindType(static_cast<uint32_t>(oid)) == nullptr) return ResultText(ctx, std::to_string(oid));
  ResultText(ctx, FormatType(static_cast<uint32_t>(oid), -1));
}

// regproc values are function names here (no pg_proc rows for input functions).
void Regproc(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (IsInteger(argv[0])) {
    int64_t oid = sqlite3_value_int64(argv[0]);
    if (oid == 0) return ResultText(ctx, "-");
    const ProcDef* p = FindProc(oid);
    return ResultText(ctx, p != nullptr ? std::string(p->name) : std::to_string(oid));
  }
  std::vector<std::string> parts;
  if (!SplitQualifiedName(Text(argv[0]), &parts)) return ResultText(ctx, Text(argv[0]));
  ResultText(ctx, parts.back());
}

void RegprocOid(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (IsInteger(argv[0])) return sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
  std::string_view name = Text(argv[0]);
  if (name == "-") return sqlite3_result_int64(ctx, 0);
  for (const ProcDef& p : CatalogProcs()) {
    if (name == p.name) return sqlite3_result_int64(ctx, p.oid);
  }
  sqlite3_result_null(ctx);
}

void Regnamespace(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (IsInteger(argv[0])) return sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
  std::vector<std::string> parts;
  uint32_t oid =
      SplitQualifiedName(Text(argv[0]), &parts) && parts.size() == 1 ? NamespaceOid(parts[0]) : 0;
  if (oid == 0) {
    return Fail(ctx, "3F000", absl::StrCat("schema \"", AV(Text(argv[0])), "\" does not exist"));
  }
  sqlite3_result_int64(ctx, oid);
}

void ToRegnamespace(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::vector<std::string> parts;
  uint32_t oid =
      SplitQualifiedName(Text(argv[0]), &parts) && parts.size() == 1 ? NamespaceOid(parts[0]) : 0;
  if (oid == 0) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, oid);
}

void RegnamespaceName(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (!IsInteger(argv[0])) return ResultText(ctx, Text(argv[0]));
  const char* name = NamespaceName(static_cast<uint32_t>(sqlite3_value_int64(argv[0])));
  ResultText(ctx, name != nullptr ? name : std::to_string(sqlite3_value_int64(argv[0])));
}

void Regrole(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (IsInteger(argv[0])) return sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
  std::vector<std::string> parts;
  if (SplitQualifiedName(Text(argv[0]), &parts) && parts.size() == 1 &&
      parts[0] == Session(ctx).user) {
    return sqlite3_result_int64(ctx, kSessionRoleOid);
  }
  Fail(ctx, "42704", absl::StrCat("role \"", AV(Text(argv[0])), "\" does not exist"));
}

void ToRegrole(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  std::vector<std::string> parts;
  if (SplitQualifiedName(Text(argv[0]), &parts) && parts.size() == 1 &&
      parts[0] == Session(ctx).user) {
    return sqlite3_result_int64(ctx, kSessionRoleOid);
  }
  sqlite3_result_null(ctx);
}

void RegroleName(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (!IsInteger(argv[0])) return ResultText(ctx, Text(argv[0]));
  int64_t oid = sqlite3_value_int64(argv[0]);
  ResultText(ctx, oid == kSessionRoleOid ? Session(ctx).user
                  : oid == 0             ? "-"
                                         : std::to_string(oid));
}

void Bool(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    return sqlite3_result_int(ctx, sqlite3_value_double(argv[0]) != 0 ? 1 : 0);
  }
  std::string v = Lower(Strip(Text(argv[0])));
  if (v == "t" || v == "true" || v == "yes" || v == "y" || v == "on" || v == "1") {
    return sqlite3_result_int(ctx, 1);
  }
  if (v == "f" || v == "false" || v == "no" || v == "n" || v == "off" || v == "0") {
    return sqlite3_result_int(ctx, 0);
  }
  Fail(ctx, sqlstate::kInvalidTextRepresentation,
       absl::StrCat("invalid input syntax for type boolean: \"", AV(Text(argv[0])), "\""));
}

void BoolText(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (IsNull(argv[0])) return sqlite3_result_null(ctx);
  ResultText(ctx, sqlite3_value_int(argv[0]) != 0 ? "true" : "false");
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

bool IsSetReturningFunction(std::string_view name) {
  return name == "generate_series" || name == "unnest" || name == "_pg_expandarray";
}

uint32_t FunctionResultType(std::string_view name, const std::vector<uint32_t>& args) {
  auto first_known = [&]() -> uint32_t {
    for (uint32_t t : args) {
      if (t != 0 && t != oid::kUnknown) return t;
    }
    return args.empty() || args[0] == 0 ? 0 : oid::kText;
  };
  auto arg = [&](size_t i) -> uint32_t { return i < args.size() ? args[i] : 0; };
  if (name.substr(0, 4) == "has_" ||
      (name.size() > 11 && name.substr(name.size() - 11) == "_is_visible")) {
    return oid::kBool;
  }
  struct Fixed {
    std::string_view name;
    uint32_t type;
  };
  static constexpr Fixed kFixed[] = {
      {"pg_is_in_recovery", oid::kBool},
      {"pg_relation_is_publishable", oid::kBool},
      {"pg_has_role", oid::kBool},
      {"starts_with", oid::kBool},
      {"bool_and", oid::kBool},
      {"bool_or", oid::kBool},
      {"every", oid::kBool},
      {"pg_backend_pid", oid::kInt4},
      {"array_lower", oid::kInt4},
      {"array_upper", oid::kInt4},
      {"array_length", oid::kInt4},
      {"cardinality", oid::kInt4},
      {"strpos", oid::kInt4},
      {"length", oid::kInt4},
      {"char_length", oid::kInt4},
      {"character_length", oid::kInt4},
      {"pg_char_to_encoding", oid::kInt4},
      {"count", oid::kInt8},
      {"txid_current", oid::kInt8},
      {"row_number", oid::kInt8},
      {"rank", oid::kInt8},
      {"dense_rank", oid::kInt8},
      {"pg_table_size", oid::kInt8},
      {"pg_relation_size", oid::kInt8},
      {"pg_total_relation_size", oid::kInt8},
      {"pg_indexes_size", oid::kInt8},
      {"pg_database_size", oid::kInt8},
      {"current_database", oid::kName},
      {"current_schema", oid::kName},
      {"current_user", oid::kName},
      {"session_user", oid::kName},
      {"user", oid::kName},
      {"pg_get_userbyid", oid::kName},
      {"pg_encoding_to_char", oid::kName},
      {"current_schemas", oid::kNameArray},
      {"string_to_array", oid::kTextArray},
      {"to_regclass", oid::kRegclass},
      {"to_regtype", oid::kRegtype},
      {"to_regnamespace", 4089},
      {"to_regrole", 4096},
      {"now", oid::kTimestamptz},
      {"pg_postmaster_start_time", oid::kTimestamptz},
      {"pg_conf_load_time", oid::kTimestamptz},
      {"statement_timestamp", oid::kTimestamptz},
      {"transaction_timestamp", oid::kTimestamptz},
      {"clock_timestamp", oid::kTimestamptz},
  };
  for (const Fixed& f : kFixed) {
    if (f.name == name) return f.type;
  }
  static constexpr std::string_view kText[] = {"version",
                                               "current_setting",
                                               "format_type",
                                               "obj_description",
                                               "col_description",
                                               "shobj_description",
                                               "quote_ident",
                                               "quote_literal",
                                               "quote_nullable",
                                               "array_to_string",
                                               "pg_size_pretty",
                                               "lower",
                                               "upper",
                                               "trim",
                                               "btrim",
                                               "ltrim",
                                               "rtrim",
                                               "replace",
                                               "substr",
                                               "substring",
                                               "left",
                                               "right",
                                               "concat",
                                               "concat_ws",
                                               "format",
                                               "string_agg",
                                               "regexp_replace",
                                               "lpad",
                                               "rpad",
                                               "split_part",
                                               "pg_tablespace_location",
                                               "repeat",
                                               "reverse",
                                               "initcap",
                                               "md5",
                                               "translate"};
  for (std::string_view t : kText) {
    if (t == name) return oid::kText;
  }
  if (name.substr(0, 7) == "pg_get_") return oid::kText;
  if (name == "coalesce" || name == "nullif" || name == "greatest" || name == "least" ||
      name == "max" || name == "min" || name == "abs" || name == "ceil" || name == "floor") {
    return first_known();
  }
  if (name == "sum") {
    uint32_t t = arg(0);
    if (t == oid::kInt2 || t == oid::kInt4) return oid::kInt8;
    if (t == oid::kInt8) return oid::kNumeric;
    return t == 0 ? 0 : (IsFloatType(t) ? t : oid::kFloat8);
  }
  if (name == "avg")
    return IsFloatType(arg(0)) && arg(0) != oid::kNumeric ? oid::kFloat8 : oid::kNumeric;
  if (name == "round") return oid::kNumeric;
  if (name == "array_agg") {
    uint32_t t = arg(0) == 0 || arg(0) == oid::kUnknown ? oid::kText : arg(0);
    return ArrayTypeOf(t);
  }
  return 0;
}

absl::Status RegisterFunctions(sqlite3* db, FunctionContext* context) {
  struct Fn {
    const char* name;
    int args;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static constexpr Fn kFunctions[] = {
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
      {"obj_description", 1, ObjDescription},
      {"obj_description", 2, ObjDescription},
      {"col_description", 2, NoDescription},
      {"shobj_description", 2, NoDescription},
      {"format_type", 2, FormatTypeFunction},
      {"pg_get_userbyid", 1, GetUserById},
      {"pg_encoding_to_char", 1, EncodingToChar},
      {"pg_char_to_encoding", 1, CharToEncoding},
      {"pg_get_expr", 2, GetExpr},
      {"pg_get_expr", 3, GetExpr},
      {"pg_get_indexdef", 1, NoDefinition},
      {"pg_get_indexdef", 3, NoDefinition},
      {"pg_get_constraintdef", 1, NoDefinition},
      {"pg_get_constraintdef", 2, NoDefinition},
      {"pg_get_viewdef", 1, NoDefinition},
      {"pg_get_viewdef", 2, NoDefinition},
      {"pg_get_triggerdef", 1, NoDefinition},
      {"pg_get_triggerdef", 2, NoDefinition},
      {"pg_get_ruledef", 1, NoDefinition},
      {"pg_get_ruledef", 2, NoDefinition},
      {"pg_get_partkeydef", 1, NoDefinition},
      {"pg_get_serial_sequence", 2, NoDefinition},
      {"pg_get_statisticsobjdef_columns", 1, NoDefinition},
      {"pg_get_function_result", 1, FunctionResult},
      {"pg_get_function_arguments", 1, FunctionArguments},
      {"pg_get_function_identity_arguments", 1, FunctionArguments},
      {"pg_relation_is_publishable", 1, RelationIsPublishable},
      {"pg_tablespace_location", 1, EmptyText},
      {"pg_table_is_visible", 1, TableIsVisible},
      {"pg_type_is_visible", 1, TypeIsVisible},
      {"pg_function_is_visible", 1, FunctionIsVisible},
      {"pg_operator_is_visible", 1, UnknownObjectVisible},
      {"pg_opclass_is_visible", 1, UnknownObjectVisible},
      {"pg_opfamily_is_visible", 1, UnknownObjectVisible},
      {"pg_conversion_is_visible", 1, UnknownObjectVisible},
      {"pg_collation_is_visible", 1, UnknownObjectVisible},
      {"pg_statistics_obj_is_visible", 1, UnknownObjectVisible},
      {"pg_ts_config_is_visible", 1, UnknownObjectVisible},
      {"pg_ts_dict_is_visible", 1, UnknownObjectVisible},
      {"pg_ts_parser_is_visible", 1, UnknownObjectVisible},
      {"pg_ts_template_is_visible", 1, UnknownObjectVisible},
      {"pg_table_size", 1, UnknownSize},
      {"pg_relation_size", 1, UnknownSize},
      {"pg_relation_size", 2, UnknownSize},
      {"pg_total_relation_size", 1, UnknownSize},
      {"pg_indexes_size", 1, UnknownSize},
      {"pg_database_size", 1, UnknownSize},
      {"pg_size_pretty", 1, SizePretty},
      {"pg_regclass", 1, Regclass},
      {"to_regclass", 1, ToRegclass},
      {"pg_regclass_name", 1, RegclassName},
      {"pg_regtype", 1, Regtype},
      {"to_regtype", 1, ToRegtype},
      {"pg_regtype_name", 1, RegtypeName},
      {"pg_regproc", 1, Regproc},
      {"pg_regproc_name", 1, Regproc},
      {"pg_regproc_oid", 1, RegprocOid},
      {"pg_regnamespace", 1, Regnamespace},
      {"to_regnamespace", 1, ToRegnamespace},
      {"pg_regnamespace_name", 1, RegnamespaceName},
      {"pg_regrole", 1, Regrole},
      {"to_regrole", 1, ToRegrole},
      {"pg_regrole_name", 1, RegroleName},
      {"pg_bool", 1, Bool},
      {"pg_bool_text", 1, BoolText},
  };
  for (const Fn& f : kFunctions) {
    int rc = sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8, context, f.fn, nullptr,
                                        nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return query::SqlError(sqlstate::kInternalError,
                             absl::StrCat("registering ", f.name, ": ", sqlite3_errmsg(db)));
    }
  }
  RegisterTextFunctions(db, context);
  return absl::OkStatus();
}

}  // namespace strata::server::pgwire::catalog
