// The built-in types of pg_type: Strata's column types, the types of the catalog's own
// columns and the common ones drivers look up. Rows as PostgreSQL 15 has them.

#include <string>

#include "absl/strings/str_cat.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {
namespace {

// oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typelem, typarray,
// typinput, typoutput, typreceive, typsend, typalign, typstorage, typcollation, display.
const TypeInfo kTypes[] = {
    {16, "bool", 1, true, 'b', 'B', true, 0, 1000, "boolin", "boolout", "boolrecv", "boolsend", 'c',
     'p', 0, "boolean"},
    {17, "bytea", -1, false, 'b', 'U', false, 0, 1001, "byteain", "byteaout", "bytearecv",
     "byteasend", 'i', 'x', 0, "bytea"},
    {18, "char", 1, true, 'b', 'Z', false, 0, 1002, "charin", "charout", "charrecv", "charsend",
     'c', 'p', 0, "\"char\""},
    {19, "name", 64, false, 'b', 'S', false, 18, 1003, "namein", "nameout", "namerecv", "namesend",
     'c', 'p', 950, "name"},
    {20, "int8", 8, true, 'b', 'N', false, 0, 1016, "int8in", "int8out", "int8recv", "int8send",
     'd', 'p', 0, "bigint"},
    {21, "int2", 2, true, 'b', 'N', false, 0, 1005, "int2in", "int2out", "int2recv", "int2send",
     's', 'p', 0, "smallint"},
    {22, "int2vector", -1, false, 'b', 'A', false, 21, 1006, "int2vectorin", "int2vectorout",
     "int2vectorrecv", "int2vectorsend", 'i', 'p', 0, "int2vector"},
    {23, "int4", 4, true, 'b', 'N', false, 0, 1007, "int4in", "int4out", "int4recv", "int4send",
     'i', 'p', 0, "integer"},
    {24, "regproc", 4, true, 'b', 'N', false, 0, 1008, "regprocin", "regprocout", "regprocrecv",
     "regprocsend", 'i', 'p', 0, "regproc"},
    {25, "text", -1, false, 'b', 'S', true, 0, 1009, "textin", "textout", "textrecv", "textsend",
     'i', 'x', 100, "text"},
    {26, "oid", 4, true, 'b', 'N', true, 0, 1028, "oidin", "oidout", "oidrecv", "oidsend", 'i', 'p',
     0, "oid"},
    {27, "tid", 6, false, 'b', 'U', false, 0, 1010, "tidin", "tidout", "tidrecv", "tidsend", 's',
     'p', 0, "tid"},
    {28, "xid", 4, true, 'b', 'U', false, 0, 1011, "xidin", "xidout", "xidrecv", "xidsend", 'i',
     'p', 0, "xid"},
    {29, "cid", 4, true, 'b', 'U', false, 0, 1012, "cidin", "cidout", "cidrecv", "cidsend", 'i',
     'p', 0, "cid"},
    {30, "oidvector", -1, false, 'b', 'A', false, 26, 1013, "oidvectorin", "oidvectorout",
     "oidvectorrecv", "oidvectorsend", 'i', 'p', 0, "oidvector"},
    {114, "json", -1, false, 'b', 'U', false, 0, 199, "json_in", "json_out", "json_recv",
     "json_send", 'i', 'x', 0, "json"},
    {142, "xml", -1, false, 'b', 'U', false, 0, 143, "xml_in", "xml_out", "xml_recv", "xml_send",
     'i', 'x', 0, "xml"},
    {143, "_xml", -1, false, 'b', 'A', false, 142, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "xml[]"},
    {194, "pg_node_tree", -1, false, 'b', 'Z', false, 0, 0, "pg_node_tree_in", "pg_node_tree_out",
     "pg_node_tree_recv", "pg_node_tree_send", 'i', 'x', 100, "pg_node_tree"},
    {199, "_json", -1, false, 'b', 'A', false, 114, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "json[]"},
    {271, "_xid8", -1, false, 'b', 'A', false, 5069, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "xid8[]"},
    {650, "cidr", -1, false, 'b', 'I', false, 0, 651, "cidr_in", "cidr_out", "cidr_recv",
     "cidr_send", 'i', 'm', 0, "cidr"},
    {651, "_cidr", -1, false, 'b', 'A', false, 650, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "cidr[]"},
    {700, "float4", 4, true, 'b', 'N', false, 0, 1021, "float4in", "float4out", "float4recv",
     "float4send", 'i', 'p', 0, "real"},
    {701, "float8", 8, true, 'b', 'N', true, 0, 1022, "float8in", "float8out", "float8recv",
     "float8send", 'd', 'p', 0, "double precision"},
    {705, "unknown", -2, false, 'p', 'X', false, 0, 0, "unknownin", "unknownout", "unknownrecv",
     "unknownsend", 'c', 'p', 0, "unknown"},
    {790, "money", 8, true, 'b', 'N', false, 0, 791, "cash_in", "cash_out", "cash_recv",
     "cash_send", 'd', 'p', 0, "money"},
    {791, "_money", -1, false, 'b', 'A', false, 790, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "money[]"},
    {829, "macaddr", 6, false, 'b', 'U', false, 0, 1040, "macaddr_in", "macaddr_out",
     "macaddr_recv", "macaddr_send", 'i', 'p', 0, "macaddr"},
    {869, "inet", -1, false, 'b', 'I', true, 0, 1041, "inet_in", "inet_out", "inet_recv",
     "inet_send", 'i', 'm', 0, "inet"},
    {1000, "_bool", -1, false, 'b', 'A', false, 16, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "boolean[]"},
    {1001, "_bytea", -1, false, 'b', 'A', false, 17, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "bytea[]"},
    {1002, "_char", -1, false, 'b', 'A', false, 18, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "\"char\"[]"},
    {1003, "_name", -1, false, 'b', 'A', false, 19, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 950, "name[]"},
    {1005, "_int2", -1, false, 'b', 'A', false, 21, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "smallint[]"},
    {1006, "_int2vector", -1, false, 'b', 'A', false, 22, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "int2vector[]"},
    {1007, "_int4", -1, false, 'b', 'A', false, 23, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "integer[]"},
    {1008, "_regproc", -1, false, 'b', 'A', false, 24, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regproc[]"},
    {1009, "_text", -1, false, 'b', 'A', false, 25, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 100, "text[]"},
    {1010, "_tid", -1, false, 'b', 'A', false, 27, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "tid[]"},
    {1011, "_xid", -1, false, 'b', 'A', false, 28, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "xid[]"},
    {1012, "_cid", -1, false, 'b', 'A', false, 29, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "cid[]"},
    {1013, "_oidvector", -1, false, 'b', 'A', false, 30, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "oidvector[]"},
    {1014, "_bpchar", -1, false, 'b', 'A', false, 1042, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 100, "character[]"},
    {1015, "_varchar", -1, false, 'b', 'A', false, 1043, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 100, "character varying[]"},
    {1016, "_int8", -1, false, 'b', 'A', false, 20, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "bigint[]"},
    {1021, "_float4", -1, false, 'b', 'A', false, 700, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "real[]"},
    {1022, "_float8", -1, false, 'b', 'A', false, 701, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "double precision[]"},
    {1028, "_oid", -1, false, 'b', 'A', false, 26, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "oid[]"},
    {1033, "aclitem", 12, false, 'b', 'U', false, 0, 1034, "aclitemin", "aclitemout", "-", "-", 'i',
     'p', 0, "aclitem"},
    {1034, "_aclitem", -1, false, 'b', 'A', false, 1033, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "aclitem[]"},
    {1040, "_macaddr", -1, false, 'b', 'A', false, 829, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "macaddr[]"},
    {1041, "_inet", -1, false, 'b', 'A', false, 869, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "inet[]"},
    {1042, "bpchar", -1, false, 'b', 'S', false, 0, 1014, "bpcharin", "bpcharout", "bpcharrecv",
     "bpcharsend", 'i', 'x', 100, "character"},
    {1043, "varchar", -1, false, 'b', 'S', false, 0, 1015, "varcharin", "varcharout", "varcharrecv",
     "varcharsend", 'i', 'x', 100, "character varying"},
    {1082, "date", 4, true, 'b', 'D', false, 0, 1182, "date_in", "date_out", "date_recv",
     "date_send", 'i', 'p', 0, "date"},
    {1083, "time", 8, true, 'b', 'D', false, 0, 1183, "time_in", "time_out", "time_recv",
     "time_send", 'd', 'p', 0, "time without time zone"},
    {1114, "timestamp", 8, true, 'b', 'D', false, 0, 1115, "timestamp_in", "timestamp_out",
     "timestamp_recv", "timestamp_send", 'd', 'p', 0, "timestamp without time zone"},
    {1115, "_timestamp", -1, false, 'b', 'A', false, 1114, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "timestamp without time zone[]"},
    {1182, "_date", -1, false, 'b', 'A', false, 1082, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "date[]"},
    {1183, "_time", -1, false, 'b', 'A', false, 1083, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "time without time zone[]"},
    {1184, "timestamptz", 8, true, 'b', 'D', true, 0, 1185, "timestamptz_in", "timestamptz_out",
     "timestamptz_recv", "timestamptz_send", 'd', 'p', 0, "timestamp with time zone"},
    {1185, "_timestamptz", -1, false, 'b', 'A', false, 1184, 0, "array_in", "array_out",
     "array_recv", "array_send", 'd', 'x', 0, "timestamp with time zone[]"},
    {1186, "interval", 16, false, 'b', 'T', true, 0, 1187, "interval_in", "interval_out",
     "interval_recv", "interval_send", 'd', 'p', 0, "interval"},
    {1187, "_interval", -1, false, 'b', 'A', false, 1186, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "interval[]"},
    {1231, "_numeric", -1, false, 'b', 'A', false, 1700, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "numeric[]"},
    {1263, "_cstring", -1, false, 'b', 'A', false, 2275, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "cstring[]"},
    {1266, "timetz", 12, false, 'b', 'D', false, 0, 1270, "timetz_in", "timetz_out", "timetz_recv",
     "timetz_send", 'd', 'p', 0, "time with time zone"},
    {1270, "_timetz", -1, false, 'b', 'A', false, 1266, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "time with time zone[]"},
    {1560, "bit", -1, false, 'b', 'V', false, 0, 1561, "bit_in", "bit_out", "bit_recv", "bit_send",
     'i', 'x', 0, "bit"},
    {1561, "_bit", -1, false, 'b', 'A', false, 1560, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "bit[]"},
    {1562, "varbit", -1, false, 'b', 'V', true, 0, 1563, "varbit_in", "varbit_out", "varbit_recv",
     "varbit_send", 'i', 'x', 0, "bit varying"},
    {1563, "_varbit", -1, false, 'b', 'A', false, 1562, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "bit varying[]"},
    {1700, "numeric", -1, false, 'b', 'N', false, 0, 1231, "numeric_in", "numeric_out",
     "numeric_recv", "numeric_send", 'i', 'm', 0, "numeric"},
    {2202, "regprocedure", 4, true, 'b', 'N', false, 0, 2207, "regprocedurein", "regprocedureout",
     "regprocedurerecv", "regproceduresend", 'i', 'p', 0, "regprocedure"},
    {2203, "regoper", 4, true, 'b', 'N', false, 0, 2208, "regoperin", "regoperout", "regoperrecv",
     "regopersend", 'i', 'p', 0, "regoper"},
    {2204, "regoperator", 4, true, 'b', 'N', false, 0, 2209, "regoperatorin", "regoperatorout",
     "regoperatorrecv", "regoperatorsend", 'i', 'p', 0, "regoperator"},
    {2205, "regclass", 4, true, 'b', 'N', false, 0, 2210, "regclassin", "regclassout",
     "regclassrecv", "regclasssend", 'i', 'p', 0, "regclass"},
    {2206, "regtype", 4, true, 'b', 'N', false, 0, 2211, "regtypein", "regtypeout", "regtyperecv",
     "regtypesend", 'i', 'p', 0, "regtype"},
    {2207, "_regprocedure", -1, false, 'b', 'A', false, 2202, 0, "array_in", "array_out",
     "array_recv", "array_send", 'i', 'x', 0, "regprocedure[]"},
    {2208, "_regoper", -1, false, 'b', 'A', false, 2203, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regoper[]"},
    {2209, "_regoperator", -1, false, 'b', 'A', false, 2204, 0, "array_in", "array_out",
     "array_recv", "array_send", 'i', 'x', 0, "regoperator[]"},
    {2210, "_regclass", -1, false, 'b', 'A', false, 2205, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regclass[]"},
    {2211, "_regtype", -1, false, 'b', 'A', false, 2206, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regtype[]"},
    {2249, "record", -1, false, 'p', 'P', false, 0, 2287, "record_in", "record_out", "record_recv",
     "record_send", 'd', 'x', 0, "record"},
    {2275, "cstring", -2, false, 'p', 'P', false, 0, 1263, "cstring_in", "cstring_out",
     "cstring_recv", "cstring_send", 'c', 'p', 0, "cstring"},
    {2276, "any", 4, true, 'p', 'P', false, 0, 0, "any_in", "any_out", "-", "-", 'i', 'p', 0,
     "\"any\""},
    {2277, "anyarray", -1, false, 'p', 'P', false, 0, 0, "anyarray_in", "anyarray_out",
     "anyarray_recv", "anyarray_send", 'd', 'x', 0, "anyarray"},
    {2278, "void", 4, true, 'p', 'P', false, 0, 0, "void_in", "void_out", "void_recv", "void_send",
     'i', 'p', 0, "void"},
    {2279, "trigger", 4, true, 'p', 'P', false, 0, 0, "trigger_in", "trigger_out", "-", "-", 'i',
     'p', 0, "trigger"},
    {2283, "anyelement", 4, true, 'p', 'P', false, 0, 0, "anyelement_in", "anyelement_out", "-",
     "-", 'i', 'p', 0, "anyelement"},
    {2287, "_record", -1, false, 'p', 'P', false, 2249, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "record[]"},
    {2950, "uuid", 16, false, 'b', 'U', false, 0, 2951, "uuid_in", "uuid_out", "uuid_recv",
     "uuid_send", 'c', 'p', 0, "uuid"},
    {2951, "_uuid", -1, false, 'b', 'A', false, 2950, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "uuid[]"},
    {3220, "pg_lsn", 8, true, 'b', 'U', false, 0, 3221, "pg_lsn_in", "pg_lsn_out", "pg_lsn_recv",
     "pg_lsn_send", 'd', 'p', 0, "pg_lsn"},
    {3221, "_pg_lsn", -1, false, 'b', 'A', false, 3220, 0, "array_in", "array_out", "array_recv",
     "array_send", 'd', 'x', 0, "pg_lsn[]"},
    {3734, "regconfig", 4, true, 'b', 'N', false, 0, 3735, "regconfigin", "regconfigout",
     "regconfigrecv", "regconfigsend", 'i', 'p', 0, "regconfig"},
    {3735, "_regconfig", -1, false, 'b', 'A', false, 3734, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regconfig[]"},
    {3802, "jsonb", -1, false, 'b', 'U', false, 0, 3807, "jsonb_in", "jsonb_out", "jsonb_recv",
     "jsonb_send", 'i', 'x', 0, "jsonb"},
    {3807, "_jsonb", -1, false, 'b', 'A', false, 3802, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "jsonb[]"},
    {3904, "int4range", -1, false, 'r', 'R', false, 0, 3905, "range_in", "range_out", "range_recv",
     "range_send", 'i', 'x', 0, "int4range"},
    {3905, "_int4range", -1, false, 'b', 'A', false, 3904, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "int4range[]"},
    {4089, "regnamespace", 4, true, 'b', 'N', false, 0, 4090, "regnamespacein", "regnamespaceout",
     "regnamespacerecv", "regnamespacesend", 'i', 'p', 0, "regnamespace"},
    {4090, "_regnamespace", -1, false, 'b', 'A', false, 4089, 0, "array_in", "array_out",
     "array_recv", "array_send", 'i', 'x', 0, "regnamespace[]"},
    {4096, "regrole", 4, true, 'b', 'N', false, 0, 4097, "regrolein", "regroleout", "regrolerecv",
     "regrolesend", 'i', 'p', 0, "regrole"},
    {4097, "_regrole", -1, false, 'b', 'A', false, 4096, 0, "array_in", "array_out", "array_recv",
     "array_send", 'i', 'x', 0, "regrole[]"},
    {4191, "regcollation", 4, true, 'b', 'N', false, 0, 4192, "regcollationin", "regcollationout",
     "regcollationrecv", "regcollationsend", 'i', 'p', 0, "regcollation"},
    {4192, "_regcollation", -1, false, 'b', 'A', false, 4191, 0, "array_in", "array_out",
     "array_recv", "array_send", 'i', 'x', 0, "regcollation[]"},
    {5069, "xid8", 8, true, 'b', 'U', false, 0, 271, "xid8in", "xid8out", "xid8recv", "xid8send",
     'd', 'p', 0, "xid8"},
};

}  // namespace

const std::vector<TypeInfo>& BuiltinTypes() {
  static const std::vector<TypeInfo>* types =
      new std::vector<TypeInfo>(std::begin(kTypes), std::end(kTypes));
  return *types;
}

const TypeInfo* FindType(uint32_t oid) {
  // kTypes is sorted by oid.
  size_t lo = 0, hi = std::size(kTypes);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kTypes[mid].oid == oid) return &kTypes[mid];
    if (kTypes[mid].oid < oid) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

const TypeInfo* FindTypeByName(std::string_view typname) {
  for (const TypeInfo& t : kTypes) {
    if (typname == t.name) return &t;
  }
  return nullptr;
}

bool IsArrayType(uint32_t oid) {
  const TypeInfo* t = FindType(oid);
  return t != nullptr && std::string_view(t->input) == "array_in";
}

uint32_t ElementType(uint32_t oid) {
  const TypeInfo* t = FindType(oid);
  return t != nullptr && t->category == 'A' ? t->elem : 0;
}

uint32_t ArrayTypeOf(uint32_t element) {
  const TypeInfo* t = FindType(element);
  return t != nullptr ? t->array : 0;
}

bool IsIntegerType(uint32_t oid) {
  switch (oid) {
    case oid::kBool:
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case 28:    // xid
    case 29:    // cid
    case 5069:  // xid8
    case oid::kRegclass:
    case oid::kRegtype:
    case 2202:  // regprocedure
    case 2203:  // regoper
    case 2204:  // regoperator
    case 4089:  // regnamespace
    case 4096:  // regrole
    case 4191:  // regcollation
      return true;
    default:
      return false;
  }
}

bool IsFloatType(uint32_t oid) {
  return oid == oid::kFloat4 || oid == oid::kFloat8 || oid == oid::kNumeric;
}

bool IsRegType(uint32_t oid) {
  switch (oid) {
    case oid::kRegclass:
    case oid::kRegtype:
    case oid::kRegproc:
    case 2202:
    case 2203:
    case 2204:
    case 4089:
    case 4096:
    case 4191:
      return true;
    default:
      return false;
  }
}

uint32_t ParseTypeWords(std::string_view words, bool quoted) {
  if (quoted) {
    if (words == "char") return oid::kChar;
    const TypeInfo* t = FindTypeByName(words);
    return t != nullptr ? t->oid : 0;
  }
  struct Alias {
    std::string_view name;
    uint32_t oid;
  };
  static constexpr Alias kAliases[] = {
      {"int", oid::kInt4},
      {"integer", oid::kInt4},
      {"smallint", oid::kInt2},
      {"bigint", oid::kInt8},
      {"real", oid::kFloat4},
      {"float", oid::kFloat8},
      {"double precision", oid::kFloat8},
      {"decimal", oid::kNumeric},
      {"boolean", oid::kBool},
      {"character varying", oid::kVarchar},
      {"char varying", oid::kVarchar},
      {"character", oid::kBpchar},
      {"char", oid::kBpchar},
      {"timestamp", oid::kTimestamp},
      {"timestamp without time zone", oid::kTimestamp},
      {"timestamp with time zone", oid::kTimestamptz},
      {"time without time zone", 1083},
      {"time with time zone", 1266},
      {"bit varying", 1562},
      // information_schema's domains, as their base types.
      {"sql_identifier", oid::kName},
      {"character_data", oid::kVarchar},
      {"cardinal_number", oid::kInt4},
      {"yes_or_no", oid::kVarchar},
      {"time_stamp", oid::kTimestamptz},
  };
  for (const Alias& a : kAliases) {
    if (words == a.name) return a.oid;
  }
  const TypeInfo* t = FindTypeByName(words);
  if (t == nullptr || t->type == 'p') {
    // Pseudo-types (record, any, ...) are not cast targets, except unknown.
    return t != nullptr && words == "unknown" ? t->oid : 0;
  }
  return t->oid;
}

std::string FormatType(uint32_t oid, int32_t typmod) {
  const TypeInfo* t = FindType(oid);
  if (t == nullptr) return "???";
  if (IsArrayType(oid)) return FormatType(t->elem, typmod) + "[]";
  if (typmod >= 0) {
    switch (oid) {
      case oid::kVarchar:
        return absl::StrCat("character varying(", typmod - 4, ")");
      case oid::kBpchar:
        return absl::StrCat("character(", typmod - 4, ")");
      case oid::kNumeric: {
        int32_t v = typmod - 4;
        return absl::StrCat("numeric(", (v >> 16) & 0xFFFF, ",", v & 0xFFFF, ")");
      }
      case oid::kTimestamp:
        return absl::StrCat("timestamp(", typmod, ") without time zone");
      case oid::kTimestamptz:
        return absl::StrCat("timestamp(", typmod, ") with time zone");
      default:
        break;
    }
  }
  return t->display;
}

}  // namespace strata::server::pgwire::catalog
