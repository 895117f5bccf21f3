// PostgreSQL's catalog object functions as SQLite functions: descriptions, names
// (format_type, pg_get_userbyid, pg_get_expr, ...), visibility, sizes, and the reg*
// conversions (regclass, regtype, regproc, regnamespace, regrole) with to_reg*().

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "query/error.h"
#include "server/pgwire/pg_catalog_functions.h"

namespace strata::server::pgwire::catalog {
namespace {

namespace sqlstate = query::sqlstate;

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

absl::Status RegisterObjectFunctions(sqlite3* db, FunctionContext* context) {
  static constexpr SqlFunction kFunctions[] = {
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
  return Register(db, context, kFunctions);
}

}  // namespace strata::server::pgwire::catalog
