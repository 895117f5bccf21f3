// Private to the pg_catalog emulation (pg_catalog*.cc): the lexer, the built-in types and
// relations, the PostgreSQL -> SQLite rewriter and the SQLite functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/types.h"
#include "server/pgwire/pg_catalog.h"

struct sqlite3;
struct sqlite3_stmt;

namespace strata::server::pgwire::catalog {

// absl::StrCat and friends take absl::string_view, which is not std::string_view here.
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ---------------------------------------------------------------------------------------
// Lexer (pg_catalog_lexer.cc): PostgreSQL's tokens, without allocating.

enum class TokKind : uint8_t {
  kIdent,        // unquoted; fold with LowerAscii before comparing
  kQuotedIdent,  // "As Written" ("" inside)
  kString,       // '...', E'...', $$...$$ (decode with DecodeString)
  kNumber,       // 12, 1.5, .5, 1e9
  kParam,        // $3
  kOp,           // + - * / < > = ~ ! @ # % ^ & | ` ? and their combinations, "::" excluded
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kSemicolon,
  kDot,
  kCast,  // ::
  kColon,
  kEnd,
};

struct Tok {
  TokKind kind = TokKind::kEnd;
  uint32_t begin = 0;  // byte offsets in the statement: [begin, end)
  uint32_t end = 0;
  bool escape_string = false;  // E'...'
  bool dollar_string = false;  // $tag$...$tag$
};

// Scans one token at a time. Errors (unterminated quote or comment, a stray character)
// come back as a kEnd token with `error` set.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  Tok Next();
  bool failed() const { return error_ != nullptr; }
  const char* error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  bool SkipSpaceAndComments();
  std::string_view text_;
  size_t at_ = 0;
  const char* error_ = nullptr;
  size_t error_offset_ = 0;
};

// All tokens of `text` (ending with kEnd); 42601 on a lexical error.
absl::StatusOr<std::vector<Tok>> Tokenize(std::string_view text);

// The value of a kString token; the name of a kIdent (lower-cased) or kQuotedIdent token.
std::string DecodeString(std::string_view text, const Tok& tok);
std::string IdentName(std::string_view text, const Tok& tok);
// True if the kIdent token equals `lower_word` ignoring ASCII case.
bool IdentIs(std::string_view text, const Tok& tok, std::string_view lower_word);
bool EqualsIgnoreCase(std::string_view a, std::string_view lower_b);

// ---------------------------------------------------------------------------------------
// Types (pg_catalog_types.cc): the rows of pg_type.

struct TypeInfo {
  uint32_t oid;
  const char* name;  // typname: int4, _text, ...
  int16_t len;
  bool byval;
  char type;      // typtype: b, p, c, d
  char category;  // typcategory: A (array), B, N, S, ...
  bool preferred;
  uint32_t elem;   // typelem
  uint32_t array;  // typarray
  const char* input;
  const char* output;
  const char* receive;
  const char* send;
  char align;
  char storage;
  uint32_t collation;
  const char* display;  // format_type(oid, NULL): integer, text[], "char", ...
};

const std::vector<TypeInfo>& BuiltinTypes();
const TypeInfo* FindType(uint32_t oid);
const TypeInfo* FindTypeByName(std::string_view typname);
bool IsArrayType(uint32_t oid);
// The element type of an array (or of int2vector / oidvector); 0 if not an array.
uint32_t ElementType(uint32_t oid);
uint32_t ArrayTypeOf(uint32_t element);
bool IsIntegerType(uint32_t oid);  // int2/4/8, oid, xid, cid, reg*: stored as INTEGER
bool IsFloatType(uint32_t oid);    // float4/8, numeric: stored as REAL
bool IsRegType(uint32_t oid);      // regclass, regtype, regproc, ...: printed as names
// The type a SQL type name stands for: "int", "integer", "double precision",
// "character varying", "timestamp with time zone", "text", "int4", "_text", "\"char\"" ->
// oid (arrays are handled by the caller). 0 if unknown.
uint32_t ParseTypeWords(std::string_view words, bool quoted);
// format_type(oid, typmod).
std::string FormatType(uint32_t oid, int32_t typmod);
// (Strata's own column types map to OIDs with OidOf, pg_catalog.h.)

// ---------------------------------------------------------------------------------------
// Relations (pg_catalog_relations.cc): the emulated catalog tables and views, and the
// OIDs of everything in the catalog.

inline constexpr uint32_t kPgCatalogNamespace = 11;
inline constexpr uint32_t kPublicNamespace = 2200;
inline constexpr uint32_t kInformationSchemaNamespace = 13000;
inline constexpr uint32_t kFirstTableOid = 16384;  // Strata's tables, in AllTables order
inline constexpr uint32_t kFirstInformationSchemaOid = 13001;
inline constexpr uint32_t kSessionRoleOid = 10;
inline constexpr uint32_t kDatabaseOid = 16383;
inline constexpr uint32_t kStrataAccessMethodOid = 9000;
inline constexpr uint32_t kDefaultCollationOid = 100;

struct ColumnDef {
  std::string name;
  uint32_t type = 0;
};

struct RelationDef {
  std::string schema;  // pg_catalog, information_schema or public
  std::string name;
  uint32_t oid = 0;
  char kind = 'r';  // r table, v view
  std::string description;
  std::vector<ColumnDef> columns;
};

// Every relation a catalog query can name: the catalog's own (pg_catalog.*,
// information_schema.*) and Strata's tables (public.*, from query::AllTables()).
const std::vector<RelationDef>& AllRelations();
// `schema` empty searches pg_catalog, then public, then information_schema.
const RelationDef* FindRelation(std::string_view schema, std::string_view name);
const RelationDef* FindRelationByOid(uint32_t oid);
const char* NamespaceName(uint32_t oid);       // nullptr if unknown
uint32_t NamespaceOid(std::string_view name);  // 0 if unknown

// Aggregates listed in pg_proc / pg_aggregate (for tools that offer them in pickers).
struct ProcDef {
  uint32_t oid;
  const char* name;
  uint32_t arg_type;
  uint32_t result_type;
};
const std::vector<ProcDef>& CatalogProcs();

// ---------------------------------------------------------------------------------------
// Rewriter (pg_catalog_rewrite*.cc): one PostgreSQL SELECT -> one SQLite SELECT.

struct RewrittenQuery {
  std::string sql;
  // The result columns as PostgreSQL names and types them; type 0 = not known statically
  // (the executor asks SQLite's declared type, else sends text).
  std::vector<CatalogColumn> columns;
  int param_count = 0;
};

// `param_types` are the types of $1..$n as far as known (0 = unknown).
absl::StatusOr<RewrittenQuery> RewriteQuery(std::string_view sql,
                                            const std::vector<uint32_t>& param_types);

// The SQLite type declaration of a column of PostgreSQL type `oid`: "<typname> <affinity>",
// e.g. "name TEXT", "oid INTEGER", "_text TEXT"; TypeOfDeclaration reverses it (0 if the
// declaration is not one of ours).
std::string SqliteDeclaration(uint32_t oid);
uint32_t TypeOfDeclaration(const char* decl);

// ---------------------------------------------------------------------------------------
// Functions (pg_catalog_functions*.cc).

struct RegexCache;

// What the registered functions read at call time.
struct FunctionContext {
  const CatalogSession* session = nullptr;
  int64_t txid = 0;
  std::shared_ptr<RegexCache> regexes;  // compiled ~ / ~* patterns
};

absl::Status RegisterFunctions(sqlite3* db, FunctionContext* context);
// The result type of function `name` (lower case, no schema) given its argument types
// (0 = unknown); 0 if unknown.
uint32_t FunctionResultType(std::string_view name, const std::vector<uint32_t>& args);
// True for set-returning functions the rewriter turns into json_each joins.
bool IsSetReturningFunction(std::string_view name);

// Error messages of our SQLite functions carry a SQLSTATE: "SQLSTATE 42P01: relation ...".
std::string FunctionError(std::string_view sqlstate, std::string_view message);
// Settings PostgreSQL reports that a Strata session does not keep (fixed values).
const std::vector<std::pair<std::string_view, std::string_view>>& ReadOnlySettings();
// quote_ident().
std::string QuoteIdentIfNeeded(std::string_view name);

// PostgreSQL array text ('{a,b}') and the JSON arrays used inside SQLite.
std::string JsonArrayToPgText(std::string_view json);  // "" for invalid JSON
std::string PgArrayTextToJson(std::string_view text);  // "" if not an array literal

// ---------------------------------------------------------------------------------------
// Schema (pg_catalog_schema.cc).

// Opens the session database: pg_catalog and information_schema attached, every relation
// created and filled (static rows from a per-process image, session rows from `session`).
absl::StatusOr<sqlite3*> OpenCatalogDatabase(const CatalogSession& session);
// Refreshes the session-dependent rows whose source may change between statements
// (pg_settings from session.settings). Cheap when nothing changed.
class SessionRows {
 public:
  explicit SessionRows(sqlite3* db) : db_(db) {}
  ~SessionRows();
  SessionRows(const SessionRows&) = delete;
  SessionRows& operator=(const SessionRows&) = delete;
  absl::Status Refresh(const CatalogSession& session);

 private:
  sqlite3* db_;
  std::map<std::string, std::string> settings_;  // as last written
  bool filled_ = false;
  std::vector<sqlite3_stmt*> statements_;  // prepared once: delete + insert per table
};

}  // namespace strata::server::pgwire::catalog
