// The relations the catalog emulates, with PostgreSQL 15's columns and OIDs, and Strata's
// own tables (query::AllTables()) as they appear in pg_class / pg_attribute.

#include <string>

#include "absl/strings/str_split.h"
#include "common/status.h"
#include "query/tables.h"
#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {
namespace {

struct RawRelation {
  const char* schema;
  const char* name;
  uint32_t oid;  // 0 for information_schema views: numbered from kFirstInformationSchemaOid
  char kind;
  const char* columns;  // "name:typname ..."
};

// Column lists as PostgreSQL 15 defines them (information_schema's domains replaced by
// their base types, as PostgreSQL reports them to clients).
const RawRelation kRawRelations[] = {
    {"pg_catalog", "pg_namespace", 2615, 'r', "oid:oid nspname:name nspowner:oid nspacl:_aclitem"},
    {"pg_catalog", "pg_class", 1259, 'r',
     "oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid "
     "relam:oid relfilenode:oid reltablespace:oid relpages:int4 reltuples:float4 "
     "relallvisible:int4 reltoastrelid:oid relhasindex:bool relisshared:bool "
     "relpersistence:char relkind:char relnatts:int2 relchecks:int2 "
     "relhasrules:bool relhastriggers:bool relhassubclass:bool relrowsecurity:bool "
     "relforcerowsecurity:bool relispopulated:bool relreplident:char "
     "relispartition:bool relrewrite:oid relfrozenxid:xid relminmxid:xid "
     "relacl:_aclitem reloptions:_text relpartbound:pg_node_tree"},
    {"pg_catalog", "pg_attribute", 1249, 'r',
     "attrelid:oid attname:name atttypid:oid attstattarget:int4 attlen:int2 "
     "attnum:int2 attndims:int4 attcacheoff:int4 atttypmod:int4 attbyval:bool "
     "attalign:char attstorage:char attcompression:char attnotnull:bool "
     "atthasdef:bool atthasmissing:bool attidentity:char attgenerated:char "
     "attisdropped:bool attislocal:bool attinhcount:int4 attcollation:oid "
     "attacl:_aclitem attoptions:_text attfdwoptions:_text attmissingval:anyarray"},
    {"pg_catalog", "pg_type", 1247, 'r',
     "oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool "
     "typtype:char typcategory:char typispreferred:bool typisdefined:bool "
     "typdelim:char typrelid:oid typsubscript:regproc typelem:oid typarray:oid "
     "typinput:regproc typoutput:regproc typreceive:regproc typsend:regproc "
     "typmodin:regproc typmodout:regproc typanalyze:regproc typalign:char "
     "typstorage:char typnotnull:bool typbasetype:oid typtypmod:int4 typndims:int4 "
     "typcollation:oid typdefaultbin:pg_node_tree typdefault:text typacl:_aclitem"},
    {"pg_catalog", "pg_database", 1262, 'r',
     "oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char "
     "datistemplate:bool datallowconn:bool datconnlimit:int4 datfrozenxid:xid "
     "datminmxid:xid dattablespace:oid datcollate:text datctype:text "
     "daticulocale:text datcollversion:text datacl:_aclitem"},
    {"pg_catalog", "pg_roles", 12000, 'v',
     "rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool "
     "rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolconnlimit:int4 "
     "rolpassword:text rolvaliduntil:timestamptz rolbypassrls:bool rolconfig:_text "
     "oid:oid"},
    {"pg_catalog", "pg_user", 12014, 'v',
     "usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool "
     "usebypassrls:bool passwd:text valuntil:timestamptz useconfig:_text"},
    {"pg_catalog", "pg_auth_members", 1261, 'r',
     "roleid:oid member:oid grantor:oid admin_option:bool"},
    {"pg_catalog", "pg_settings", 12104, 'v',
     "name:text setting:text unit:text category:text short_desc:text "
     "extra_desc:text context:text vartype:text source:text min_val:text "
     "max_val:text enumvals:_text boot_val:text reset_val:text sourcefile:text "
     "sourceline:int4 pending_restart:bool"},
    {"pg_catalog", "pg_description", 2609, 'r',
     "objoid:oid classoid:oid objsubid:int4 description:text"},
    {"pg_catalog", "pg_shdescription", 2396, 'r', "objoid:oid classoid:oid description:text"},
    {"pg_catalog", "pg_am", 2601, 'r', "oid:oid amname:name amhandler:regproc amtype:char"},
    {"pg_catalog", "pg_tablespace", 1213, 'r',
     "oid:oid spcname:name spcowner:oid spcacl:_aclitem spcoptions:_text"},
    {"pg_catalog", "pg_extension", 3079, 'r',
     "oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool "
     "extversion:text extconfig:_oid extcondition:_text"},
    {"pg_catalog", "pg_tables", 12033, 'v',
     "schemaname:name tablename:name tableowner:name tablespace:name "
     "hasindexes:bool hasrules:bool hastriggers:bool rowsecurity:bool"},
    {"pg_catalog", "pg_views", 12028, 'v',
     "schemaname:name viewname:name viewowner:name definition:text"},
    {"pg_catalog", "pg_matviews", 12038, 'v',
     "schemaname:name matviewname:name matviewowner:name tablespace:name "
     "hasindexes:bool ispopulated:bool definition:text"},
    {"pg_catalog", "pg_indexes", 12043, 'v',
     "schemaname:name tablename:name indexname:name tablespace:name indexdef:text"},
    {"pg_catalog", "pg_proc", 1255, 'r',
     "oid:oid proname:name pronamespace:oid proowner:oid prolang:oid "
     "procost:float4 prorows:float4 provariadic:oid prosupport:regproc "
     "prokind:char prosecdef:bool proleakproof:bool proisstrict:bool "
     "proretset:bool provolatile:char proparallel:char pronargs:int2 "
     "pronargdefaults:int2 prorettype:oid proargtypes:oidvector "
     "proallargtypes:_oid proargmodes:_char proargnames:_text "
     "proargdefaults:pg_node_tree protrftypes:_oid prosrc:text probin:text "
     "prosqlbody:pg_node_tree proconfig:_text proacl:_aclitem"},
    {"pg_catalog", "pg_aggregate", 2600, 'r',
     "aggfnoid:regproc aggkind:char aggnumdirectargs:int2 aggtransfn:regproc "
     "aggfinalfn:regproc aggcombinefn:regproc aggserialfn:regproc "
     "aggdeserialfn:regproc aggmtransfn:regproc aggminvtransfn:regproc "
     "aggmfinalfn:regproc aggfinalextra:bool aggmfinalextra:bool "
     "aggfinalmodify:char aggmfinalmodify:char aggsortop:oid aggtranstype:oid "
     "aggtransspace:int4 aggmtranstype:oid aggmtransspace:int4 agginitval:text "
     "aggminitval:text"},
    {"pg_catalog", "pg_collation", 3456, 'r',
     "oid:oid collname:name collnamespace:oid collowner:oid collprovider:char "
     "collisdeterministic:bool collencoding:int4 collcollate:text collctype:text "
     "colliculocale:text collversion:text"},
    {"pg_catalog", "pg_attrdef", 2604, 'r', "oid:oid adrelid:oid adnum:int2 adbin:pg_node_tree"},
    {"pg_catalog", "pg_index", 2610, 'r',
     "indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool "
     "indnullsnotdistinct:bool indisprimary:bool indisexclusion:bool "
     "indimmediate:bool indisclustered:bool indisvalid:bool indcheckxmin:bool "
     "indisready:bool indislive:bool indisreplident:bool indkey:int2vector "
     "indcollation:oidvector indclass:oidvector indoption:int2vector "
     "indexprs:pg_node_tree indpred:pg_node_tree"},
    {"pg_catalog", "pg_constraint", 2606, 'r',
     "oid:oid conname:name connamespace:oid contype:char condeferrable:bool "
     "condeferred:bool convalidated:bool conrelid:oid contypid:oid conindid:oid "
     "conparentid:oid confrelid:oid confupdtype:char confdeltype:char "
     "confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool "
     "conkey:_int2 confkey:_int2 conpfeqop:_oid conppeqop:_oid conffeqop:_oid "
     "confdelsetcols:_int2 conexclop:_oid conbin:pg_node_tree"},
    {"pg_catalog", "pg_policy", 3256, 'r',
     "oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool "
     "polroles:_oid polqual:pg_node_tree polwithcheck:pg_node_tree"},
    {"pg_catalog", "pg_statistic_ext", 3381, 'r',
     "oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid "
     "stxstattarget:int4 stxkeys:int2vector stxkind:_char stxexprs:pg_node_tree"},
    {"pg_catalog", "pg_publication", 6104, 'r',
     "oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool "
     "pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool"},
    {"pg_catalog", "pg_publication_namespace", 6237, 'r', "oid:oid pnpubid:oid pnnspid:oid"},
    {"pg_catalog", "pg_publication_rel", 6106, 'r',
     "oid:oid prpubid:oid prrelid:oid prqual:pg_node_tree prattrs:int2vector"},
    {"pg_catalog", "pg_inherits", 2611, 'r',
     "inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool"},
    {"pg_catalog", "pg_enum", 3501, 'r',
     "oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name"},
    {"pg_catalog", "pg_event_trigger", 3466, 'r',
     "oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char "
     "evttags:_text"},
    {"pg_catalog", "pg_operator", 2617, 'r',
     "oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char "
     "oprcanmerge:bool oprcanhash:bool oprleft:oid oprright:oid oprresult:oid "
     "oprcom:oid oprnegate:oid oprcode:regproc oprrest:regproc oprjoin:regproc"},
    {"pg_catalog", "pg_conversion", 2607, 'r',
     "oid:oid conname:name connamespace:oid conowner:oid conforencoding:int4 "
     "contoencoding:int4 conproc:regproc condefault:bool"},
    {"pg_catalog", "pg_trigger", 2620, 'r',
     "oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 "
     "tgenabled:char tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid "
     "tgconstraint:oid tgdeferrable:bool tginitdeferred:bool tgnargs:int2 "
     "tgattr:int2vector tgargs:bytea tgqual:pg_node_tree tgoldtable:name "
     "tgnewtable:name"},
    {"pg_catalog", "pg_rewrite", 2618, 'r',
     "oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char "
     "is_instead:bool ev_qual:pg_node_tree ev_action:pg_node_tree"},
    {"pg_catalog", "pg_language", 2612, 'r',
     "oid:oid lanname:name lanowner:oid lanispl:bool lanpltrusted:bool "
     "lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:_aclitem"},
    {"pg_catalog", "pg_stat_activity", 12222, 'v',
     "datid:oid datname:name pid:int4 leader_pid:int4 usesysid:oid usename:name "
     "application_name:text client_addr:inet client_hostname:text client_port:int4 "
     "backend_start:timestamptz xact_start:timestamptz query_start:timestamptz "
     "state_change:timestamptz wait_event_type:text wait_event:text state:text "
     "backend_xid:xid backend_xmin:xid query_id:int8 query:text backend_type:text"},
    {"pg_catalog", "pg_sequence", 2224, 'r',
     "seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 "
     "seqmin:int8 seqcache:int8 seqcycle:bool"},
    {"pg_catalog", "pg_range", 3541, 'r',
     "rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid "
     "rngcanonical:regproc rngsubdiff:regproc"},
    {"pg_catalog", "pg_depend", 2608, 'r',
     "classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid "
     "refobjsubid:int4 deptype:char"},
    {"pg_catalog", "pg_cast", 2605, 'r',
     "oid:oid castsource:oid casttarget:oid castfunc:oid castcontext:char "
     "castmethod:char"},
    {"pg_catalog", "pg_sequences", 12048, 'v',
     "schemaname:name sequencename:name sequenceowner:name data_type:regtype "
     "start_value:int8 min_value:int8 max_value:int8 increment_by:int8 cycle:bool "
     "cache_size:int8 last_value:int8"},
    {"pg_catalog", "pg_foreign_table", 3118, 'r', "ftrelid:oid ftserver:oid ftoptions:_text"},
    {"pg_catalog", "pg_partitioned_table", 3350, 'r',
     "partrelid:oid partstrat:char partnatts:int2 partdefid:oid "
     "partattrs:int2vector partclass:oidvector partcollation:oidvector "
     "partexprs:pg_node_tree"},
    {"pg_catalog", "pg_opclass", 2616, 'r',
     "oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid "
     "opcintype:oid opcdefault:bool opckeytype:oid"},
    {"pg_catalog", "pg_opfamily", 2753, 'r',
     "oid:oid opfmethod:oid opfname:name opfnamespace:oid opfowner:oid"},
    {"pg_catalog", "pg_ts_config", 3602, 'r',
     "oid:oid cfgname:name cfgnamespace:oid cfgowner:oid cfgparser:oid"},
    {"pg_catalog", "pg_ts_dict", 3600, 'r',
     "oid:oid dictname:name dictnamespace:oid dictowner:oid dicttemplate:oid "
     "dictinitoption:text"},
    {"pg_catalog", "pg_ts_parser", 3601, 'r',
     "oid:oid prsname:name prsnamespace:oid prsstart:regproc prstoken:regproc prsend:regproc "
     "prsheadline:regproc prslextype:regproc"},
    {"pg_catalog", "pg_ts_template", 3764, 'r',
     "oid:oid tmplname:name tmplnamespace:oid tmplinit:regproc tmpllexize:regproc"},
    {"information_schema", "schemata", 0, 'v',
     "catalog_name:name schema_name:name schema_owner:name "
     "default_character_set_catalog:name default_character_set_schema:name "
     "default_character_set_name:name sql_path:varchar"},
    {"information_schema", "tables", 0, 'v',
     "table_catalog:name table_schema:name table_name:name table_type:varchar "
     "self_referencing_column_name:name reference_generation:varchar "
     "user_defined_type_catalog:name user_defined_type_schema:name "
     "user_defined_type_name:name is_insertable_into:varchar is_typed:varchar "
     "commit_action:varchar"},
    {"information_schema", "columns", 0, 'v',
     "table_catalog:name table_schema:name table_name:name column_name:name "
     "ordinal_position:int4 column_default:varchar is_nullable:varchar "
     "data_type:varchar character_maximum_length:int4 character_octet_length:int4 "
     "numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 "
     "datetime_precision:int4 interval_type:varchar interval_precision:int4 "
     "character_set_catalog:name character_set_schema:name character_set_name:name "
     "collation_catalog:name collation_schema:name collation_name:name "
     "domain_catalog:name domain_schema:name domain_name:name udt_catalog:name "
     "udt_schema:name udt_name:name scope_catalog:name scope_schema:name "
     "scope_name:name maximum_cardinality:int4 dtd_identifier:name "
     "is_self_referencing:varchar is_identity:varchar identity_generation:varchar "
     "identity_start:varchar identity_increment:varchar identity_maximum:varchar "
     "identity_minimum:varchar identity_cycle:varchar is_generated:varchar "
     "generation_expression:varchar is_updatable:varchar"},
    {"information_schema", "views", 0, 'v',
     "table_catalog:name table_schema:name table_name:name view_definition:varchar "
     "check_option:varchar is_updatable:varchar is_insertable_into:varchar "
     "is_trigger_updatable:varchar is_trigger_deletable:varchar "
     "is_trigger_insertable_into:varchar"},
    {"information_schema", "table_constraints", 0, 'v',
     "constraint_catalog:name constraint_schema:name constraint_name:name "
     "table_catalog:name table_schema:name table_name:name constraint_type:varchar "
     "is_deferrable:varchar initially_deferred:varchar enforced:varchar "
     "nulls_distinct:varchar"},
    {"information_schema", "key_column_usage", 0, 'v',
     "constraint_catalog:name constraint_schema:name constraint_name:name "
     "table_catalog:name table_schema:name table_name:name column_name:name "
     "ordinal_position:int4 position_in_unique_constraint:int4"},
    {"information_schema", "referential_constraints", 0, 'v',
     "constraint_catalog:name constraint_schema:name constraint_name:name "
     "unique_constraint_catalog:name unique_constraint_schema:name "
     "unique_constraint_name:name match_option:varchar update_rule:varchar "
     "delete_rule:varchar"},
    {"information_schema", "routines", 0, 'v',
     "specific_catalog:name specific_schema:name specific_name:name "
     "routine_catalog:name routine_schema:name routine_name:name "
     "routine_type:varchar module_catalog:name module_schema:name module_name:name "
     "udt_catalog:name udt_schema:name udt_name:name data_type:varchar "
     "character_maximum_length:int4 character_octet_length:int4 "
     "character_set_catalog:name character_set_schema:name character_set_name:name "
     "collation_catalog:name collation_schema:name collation_name:name "
     "numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 "
     "datetime_precision:int4 interval_type:varchar interval_precision:int4 "
     "type_udt_catalog:name type_udt_schema:name type_udt_name:name "
     "scope_catalog:name scope_schema:name scope_name:name "
     "maximum_cardinality:int4 dtd_identifier:name routine_body:varchar "
     "routine_definition:varchar external_name:varchar external_language:varchar "
     "parameter_style:varchar is_deterministic:varchar sql_data_access:varchar "
     "is_null_call:varchar sql_path:varchar schema_level_routine:varchar "
     "max_dynamic_result_sets:int4 is_user_defined_cast:varchar "
     "is_implicitly_invocable:varchar security_type:varchar "
     "to_sql_specific_catalog:name to_sql_specific_schema:name "
     "to_sql_specific_name:name as_locator:varchar created:timestamptz "
     "last_altered:timestamptz new_savepoint_level:varchar "
     "is_udt_dependent:varchar result_cast_from_data_type:varchar "
     "result_cast_as_locator:varchar result_cast_char_max_length:int4 "
     "result_cast_char_octet_length:int4 result_cast_char_set_catalog:name "
     "result_cast_char_set_schema:name result_cast_char_set_name:name "
     "result_cast_collation_catalog:name result_cast_collation_schema:name "
     "result_cast_collation_name:name result_cast_numeric_precision:int4 "
     "result_cast_numeric_precision_radix:int4 result_cast_numeric_scale:int4 "
     "result_cast_datetime_precision:int4 result_cast_interval_type:varchar "
     "result_cast_interval_precision:int4 result_cast_type_udt_catalog:name "
     "result_cast_type_udt_schema:name result_cast_type_udt_name:name "
     "result_cast_scope_catalog:name result_cast_scope_schema:name "
     "result_cast_scope_name:name result_cast_maximum_cardinality:int4 "
     "result_cast_dtd_identifier:name"},
    {"information_schema", "parameters", 0, 'v',
     "specific_catalog:name specific_schema:name specific_name:name "
     "ordinal_position:int4 parameter_mode:varchar is_result:varchar "
     "as_locator:varchar parameter_name:name data_type:varchar "
     "character_maximum_length:int4 character_octet_length:int4 "
     "character_set_catalog:name character_set_schema:name character_set_name:name "
     "collation_catalog:name collation_schema:name collation_name:name "
     "numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 "
     "datetime_precision:int4 interval_type:varchar interval_precision:int4 "
     "udt_catalog:name udt_schema:name udt_name:name scope_catalog:name "
     "scope_schema:name scope_name:name maximum_cardinality:int4 "
     "dtd_identifier:name parameter_default:varchar"},
};

std::vector<RelationDef>* BuildRelations() {
  auto* out = new std::vector<RelationDef>;
  uint32_t next_view_oid = kFirstInformationSchemaOid;
  for (const RawRelation& raw : kRawRelations) {
    RelationDef def;
    def.schema = raw.schema;
    def.name = raw.name;
    def.oid = raw.oid != 0 ? raw.oid : next_view_oid++;
    def.kind = raw.kind;
    for (absl::string_view column : absl::StrSplit(raw.columns, ' ', absl::SkipEmpty())) {
      size_t colon = column.find(':');
      STRATA_CHECK(colon != absl::string_view::npos, "catalog column without a type");
      std::string type_name(column.substr(colon + 1));
      const TypeInfo* type = FindTypeByName(type_name);
      STRATA_CHECK(type != nullptr, "catalog column of an unknown type");
      def.columns.push_back({std::string(column.substr(0, colon)), type->oid});
    }
    out->push_back(std::move(def));
  }
  uint32_t oid = kFirstTableOid;
  for (const query::TableInfo& table : query::AllTables()) {
    RelationDef def;
    def.schema = "public";
    def.name = std::string(table.name);
    def.oid = oid++;
    def.kind = 'r';
    def.description = std::string(table.description);
    for (const query::ScanColumn& column : *table.columns) {
      if (query::IsHiddenColumn(column.name)) continue;
      def.columns.push_back({column.name, OidOf(column.type)});
    }
    out->push_back(std::move(def));
  }
  return out;
}

}  // namespace

const std::vector<RelationDef>& AllRelations() {
  static const std::vector<RelationDef>* relations = BuildRelations();
  return *relations;
}

const RelationDef* FindRelation(std::string_view schema, std::string_view name) {
  const std::vector<RelationDef>& all = AllRelations();
  if (!schema.empty()) {
    for (const RelationDef& r : all) {
      if (r.schema == schema && r.name == name) return &r;
    }
    return nullptr;
  }
  for (std::string_view s : {"pg_catalog", "public", "information_schema"}) {
    for (const RelationDef& r : all) {
      if (r.schema == s && r.name == name) return &r;
    }
  }
  return nullptr;
}

const RelationDef* FindRelationByOid(uint32_t oid) {
  for (const RelationDef& r : AllRelations()) {
    if (r.oid == oid) return &r;
  }
  return nullptr;
}

const char* NamespaceName(uint32_t oid) {
  switch (oid) {
    case kPgCatalogNamespace:
      return "pg_catalog";
    case kPublicNamespace:
      return "public";
    case kInformationSchemaNamespace:
      return "information_schema";
    default:
      return nullptr;
  }
}

uint32_t NamespaceOid(std::string_view name) {
  if (name == "pg_catalog") return kPgCatalogNamespace;
  if (name == "public") return kPublicNamespace;
  if (name == "information_schema") return kInformationSchemaNamespace;
  return 0;
}

const std::vector<ProcDef>& CatalogProcs() {
  // The aggregates over double precision that Strata runs, with PostgreSQL's OIDs.
  static const std::vector<ProcDef>* procs = new std::vector<ProcDef>{
      {2105, "avg", oid::kFloat8, oid::kFloat8},
      {2147, "count", 2276, oid::kInt8},
      {2120, "max", oid::kFloat8, oid::kFloat8},
      {2136, "min", oid::kFloat8, oid::kFloat8},
      {2111, "sum", oid::kFloat8, oid::kFloat8},
      {2158, "stddev", oid::kFloat8, oid::kFloat8},
      {2728, "stddev_pop", oid::kFloat8, oid::kFloat8},
      {2716, "stddev_samp", oid::kFloat8, oid::kFloat8},
      {2152, "variance", oid::kFloat8, oid::kFloat8},
      {2722, "var_pop", oid::kFloat8, oid::kFloat8},
      {2645, "var_samp", oid::kFloat8, oid::kFloat8},
  };
  return *procs;
}

}  // namespace strata::server::pgwire::catalog
