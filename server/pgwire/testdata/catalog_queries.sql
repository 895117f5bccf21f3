-- Catalog statements real clients send, captured from PostgreSQL 15.18 with
-- log_statement = all (psql 15 -E for the backslash commands, pgJDBC 42.5
-- DatabaseMetaData / ResultSetMetaData, psycopg2 2.9, Grafana's PostgreSQL data source
-- pickers) against a database holding Strata's `events` table, owned by role alice
-- (Strata's catalog now also lists pageviews, realtime_* and sessions: `rows` counts them).
-- Table OIDs in the statements are Strata's (events = 16384).
--
-- One entry per statement:
--   -- ==== <client and call>
--   -- params: v1|v2                 $1, $2 as text
--   -- columns: name:type|...         the result columns PostgreSQL 15 sent
--   -- pg-rows: N                     how many rows PostgreSQL 15 returned (its catalog is bigger)
--   -- rows: N                        how many rows Strata's catalog must return
--   -- row: v1|v2|...                 a row Strata's catalog must return (NULL, (empty))
--   -- first: v1|v2|...               the first row Strata's catalog must return
--   <the statement>
-- pg_catalog_test.cc runs every entry as user alice in database strata.

-- ==== psql \dt
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 1
-- rows: 6
-- row: public|events|table|alice
-- row: public|sessions|table|alice
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dt+
-- columns: Schema:name|Name:name|Type:text|Owner:name|Persistence:text|Access method:name|Size:text|Description:text
-- pg-rows: 1
-- rows: 6
-- row: public|events|table|alice|permanent|strata|NULL|raw tracker events, one row per event
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' END as "Persistence",
  am.amname as "Access method",
  pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)) as "Size",
  pg_catalog.obj_description(c.oid, 'pg_class') as "Description"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \d
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 1
-- rows: 6
-- row: public|events|table|alice
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \d events #1
-- columns: oid:oid|nspname:name|relname:name
-- pg-rows: 1
-- rows: 1
-- row: 16384|public|events
SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(events)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3

-- ==== psql \d events #2
-- columns: relchecks:int2|relkind:char|relhasindex:bool|relhasrules:bool|relhastriggers:bool|relrowsecurity:bool|relforcerowsecurity:bool|relhasoids:bool|relispartition:bool|?column?:text|reltablespace:oid|reloftype:text|relpersistence:char|relreplident:char|amname:name
-- pg-rows: 0
-- rows: 1
-- row: 0|r|f|f|f|f|f|f|f|(empty)|0|(empty)|p|d|strata
SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '16384'

-- ==== psql \d events #3
-- columns: attname:name|format_type:text|pg_get_expr:text|attnotnull:bool|attcollation:name|attidentity:char|attgenerated:char
-- pg-rows: 0
-- rows: 21
-- first: merchant|text|NULL|f|NULL|(empty)|(empty)
-- row: ts|timestamp with time zone|NULL|f|NULL|(empty)|(empty)
-- row: value|double precision|NULL|f|NULL|(empty)|(empty)
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum

-- ==== psql \d events #4
-- columns: polname:name|polpermissive:bool|array_to_string:text|pg_get_expr:text|pg_get_expr:text|cmd:text
-- pg-rows: 0
-- rows: 0
SELECT pol.polname, pol.polpermissive,
  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
  CASE pol.polcmd
    WHEN 'r' THEN 'SELECT'
    WHEN 'a' THEN 'INSERT'
    WHEN 'w' THEN 'UPDATE'
    WHEN 'd' THEN 'DELETE'
    END AS cmd
FROM pg_catalog.pg_policy pol
WHERE pol.polrelid = '16384' ORDER BY 1

-- ==== psql \d events #5
-- columns: oid:oid|stxrelid:regclass|nsp:text|stxname:name|columns:text|ndist_enabled:bool|deps_enabled:bool|mcv_enabled:bool|stxstattarget:int4
-- pg-rows: 0
-- rows: 0
SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp, stxname,
pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,
  'd' = any(stxkind) AS ndist_enabled,
  'f' = any(stxkind) AS deps_enabled,
  'm' = any(stxkind) AS mcv_enabled,
stxstattarget
FROM pg_catalog.pg_statistic_ext
WHERE stxrelid = '16384'
ORDER BY nsp, stxname

-- ==== psql \d events #6
-- columns: pubname:name|?column?:text|?column?:text
-- pg-rows: 0
-- rows: 0
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
WHERE pc.oid ='16384' and pg_catalog.pg_relation_is_publishable('16384')
UNION
SELECT pubname
     , pg_get_expr(pr.prqual, c.oid)
     , (CASE WHEN pr.prattrs IS NOT NULL THEN
         (SELECT string_agg(attname, ', ')
           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                pg_catalog.pg_attribute
          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
        ELSE NULL END) FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
WHERE pr.prrelid = '16384'
UNION
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16384')
ORDER BY 1

-- ==== psql \d events #7
-- columns: oid:regclass
-- pg-rows: 0
-- rows: 0
SELECT c.oid::pg_catalog.regclass
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhparent AND i.inhrelid = '16384'
  AND c.relkind != 'p' AND c.relkind != 'I'
ORDER BY inhseqno

-- ==== psql \d events #8
-- columns: oid:regclass|relkind:char|inhdetachpending:bool|pg_get_expr:text
-- pg-rows: 0
-- rows: 0
SELECT c.oid::pg_catalog.regclass, c.relkind, inhdetachpending, pg_catalog.pg_get_expr(c.relpartbound, c.oid)
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhrelid AND i.inhparent = '16384'
ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text

-- ==== psql \d+ events #2
-- columns: relchecks:int2|relkind:char|relhasindex:bool|relhasrules:bool|relhastriggers:bool|relrowsecurity:bool|relforcerowsecurity:bool|relhasoids:bool|relispartition:bool|array_to_string:text|reltablespace:oid|reloftype:text|relpersistence:char|relreplident:char|amname:name
-- pg-rows: 0
-- rows: 1
-- row: 0|r|f|f|f|f|f|f|f|(empty)|0|(empty)|p|d|strata
SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, pg_catalog.array_to_string(c.reloptions || array(select 'toast.' || x from pg_catalog.unnest(tc.reloptions) x), ', ')
, c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '16384'

-- ==== psql \d+ events #3
-- columns: attname:name|format_type:text|pg_get_expr:text|attnotnull:bool|attcollation:name|attidentity:char|attgenerated:char|attstorage:char|attcompression:char|attstattarget:int4|col_description:text
-- pg-rows: 0
-- rows: 21
-- first: merchant|text|NULL|f|NULL|(empty)|(empty)|x|(empty)|NULL|NULL
-- row: ts|timestamp with time zone|NULL|f|NULL|(empty)|(empty)|p|(empty)|NULL|NULL
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated,
  a.attstorage,
  a.attcompression AS attcompression,
  CASE WHEN a.attstattarget=-1 THEN NULL ELSE a.attstattarget END AS attstattarget,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum

-- ==== psql \dn
-- columns: Name:name|Owner:name
-- pg-rows: 1
-- rows: 1
-- row: public|alice
SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1

-- ==== psql \l
-- columns: Name:name|Owner:name|Encoding:name|Collate:text|Ctype:text|ICU Locale:text|Locale Provider:text|Access privileges:text
-- pg-rows: 4
-- rows: 1
-- row: strata|alice|UTF8|C.UTF-8|C.UTF-8|NULL|libc|NULL
SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
ORDER BY 1

-- ==== psql \du
-- columns: rolname:name|rolsuper:bool|rolinherit:bool|rolcreaterole:bool|rolcreatedb:bool|rolcanlogin:bool|rolconnlimit:int4|rolvaliduntil:timestamptz|memberof:_name|rolreplication:bool|rolbypassrls:bool
-- pg-rows: 2
-- rows: 1
-- row: alice|f|t|f|f|t|-1|NULL|{}|f|f
SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1

-- ==== psql \dT
-- columns: Schema:name|Name:text|Description:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  pg_catalog.format_type(t.oid, NULL) AS "Name",
  pg_catalog.obj_description(t.oid, 'pg_type') as "Description"
FROM pg_catalog.pg_type t
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))
  AND NOT EXISTS(SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_type_is_visible(t.oid)
ORDER BY 1, 2

-- ==== psql \df
-- columns: Schema:name|Name:name|Result data type:text|Argument data types:text|Type:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  p.proname as "Name",
  pg_catalog.pg_get_function_result(p.oid) as "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) as "Argument data types",
 CASE p.prokind
  WHEN 'a' THEN 'agg'
  WHEN 'w' THEN 'window'
  WHEN 'p' THEN 'proc'
  ELSE 'func'
 END as "Type"
FROM pg_catalog.pg_proc p
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE pg_catalog.pg_function_is_visible(p.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
ORDER BY 1, 2, 4

-- ==== psql \dv
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \di
-- columns: Schema:name|Name:name|Type:text|Owner:name|Table:name
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dn+
-- columns: Name:name|Owner:name|Access privileges:text|Description:text
-- pg-rows: 1
-- rows: 1
-- row: public|alice|NULL|standard public schema
SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner",
  pg_catalog.array_to_string(n.nspacl, E'\n') AS "Access privileges",
  pg_catalog.obj_description(n.oid, 'pg_namespace') AS "Description"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1

-- ==== psql \d+
-- columns: Schema:name|Name:name|Type:text|Owner:name|Persistence:text|Access method:name|Size:text|Description:text
-- pg-rows: 1
-- rows: 6
-- row: public|events|table|alice|permanent|strata|NULL|raw tracker events, one row per event
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' END as "Persistence",
  am.amname as "Access method",
  pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)) as "Size",
  pg_catalog.obj_description(c.oid, 'pg_class') as "Description"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dS
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 140
-- first: pg_catalog|pg_aggregate|table|alice
-- row: public|events|table|alice
-- row: pg_catalog|pg_class|table|alice
-- row: pg_catalog|pg_roles|view|alice
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','t','v','m','S','s','f','')
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dx
-- columns: Name:name|Version:text|Schema:name|Description:text
-- pg-rows: 1
-- rows: 0
SELECT e.extname AS "Name", e.extversion AS "Version", n.nspname AS "Schema", c.description AS "Description"
FROM pg_catalog.pg_extension e LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_catalog.pg_description c ON c.objoid = e.oid AND c.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass
ORDER BY 1

-- ==== psql \db
-- columns: Name:name|Owner:name|Location:text
-- pg-rows: 2
-- rows: 2
-- row: pg_default|alice|(empty)
SELECT spcname AS "Name",
  pg_catalog.pg_get_userbyid(spcowner) AS "Owner",
  pg_catalog.pg_tablespace_location(oid) AS "Location"
FROM pg_catalog.pg_tablespace
ORDER BY 1

-- ==== psql \dp
-- columns: Schema:name|Name:name|Type:text|Access privileges:text|Column privileges:text|Policies:text
-- pg-rows: 1
-- rows: 6
-- row: public|events|table|NULL|(empty)|(empty)
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' END as "Type",
  pg_catalog.array_to_string(c.relacl, E'\n') AS "Access privileges",
  pg_catalog.array_to_string(ARRAY(
    SELECT attname || E':\n  ' || pg_catalog.array_to_string(attacl, E'\n  ')
    FROM pg_catalog.pg_attribute a
    WHERE attrelid = c.oid AND NOT attisdropped AND attacl IS NOT NULL
  ), E'\n') AS "Column privileges",
  pg_catalog.array_to_string(ARRAY(
    SELECT polname
    || CASE WHEN NOT polpermissive THEN
       E' (RESTRICTIVE)'
       ELSE '' END
    || CASE WHEN polcmd != '*' THEN
           E' (' || polcmd::pg_catalog.text || E'):'
       ELSE E':'
       END
    || CASE WHEN polqual IS NOT NULL THEN
           E'\n  (u): ' || pg_catalog.pg_get_expr(polqual, polrelid)
       ELSE E''
       END
    || CASE WHEN polwithcheck IS NOT NULL THEN
           E'\n  (c): ' || pg_catalog.pg_get_expr(polwithcheck, polrelid)
       ELSE E''
       END    || CASE WHEN polroles <> '{0}' THEN
           E'\n  to: ' || pg_catalog.array_to_string(
               ARRAY(
                   SELECT rolname
                   FROM pg_catalog.pg_roles
                   WHERE oid = ANY (polroles)
                   ORDER BY 1
               ), E', ')
       ELSE E''
       END
    FROM pg_catalog.pg_policy pol
    WHERE polrelid = c.oid), E'\n')
    AS "Policies"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r','v','m','S','f','p')
  AND n.nspname !~ '^pg_' AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1, 2

-- ==== psql \l+
-- columns: Name:name|Owner:name|Encoding:name|Collate:text|Ctype:text|ICU Locale:text|Locale Provider:text|Access privileges:text|Size:text|Tablespace:name|Description:text
-- pg-rows: 4
-- rows: 1
-- row: strata|alice|UTF8|C.UTF-8|C.UTF-8|NULL|libc|NULL|NULL|pg_default|NULL
SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges",
       CASE WHEN pg_catalog.has_database_privilege(d.datname, 'CONNECT')
            THEN pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(d.datname))
            ELSE 'No Access'
       END as "Size",
       t.spcname as "Tablespace",
       pg_catalog.shobj_description(d.oid, 'pg_database') as "Description"
FROM pg_catalog.pg_database d
  JOIN pg_catalog.pg_tablespace t on d.dattablespace = t.oid
ORDER BY 1

-- ==== psql \dT+
-- columns: Schema:name|Name:text|Internal name:name|Size:text|Elements:text|Owner:name|Access privileges:text|Description:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  pg_catalog.format_type(t.oid, NULL) AS "Name",
  t.typname AS "Internal name",
  CASE WHEN t.typrelid != 0
      THEN CAST('tuple' AS pg_catalog.text)
    WHEN t.typlen < 0
      THEN CAST('var' AS pg_catalog.text)
    ELSE CAST(t.typlen AS pg_catalog.text)
  END AS "Size",
  pg_catalog.array_to_string(
      ARRAY(
          SELECT e.enumlabel
          FROM pg_catalog.pg_enum e
          WHERE e.enumtypid = t.oid
          ORDER BY e.enumsortorder
      ),
      E'\n'
  ) AS "Elements",
  pg_catalog.pg_get_userbyid(t.typowner) AS "Owner",
pg_catalog.array_to_string(t.typacl, E'\n') AS "Access privileges",
    pg_catalog.obj_description(t.oid, 'pg_type') as "Description"
FROM pg_catalog.pg_type t
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))
  AND NOT EXISTS(SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_type_is_visible(t.oid)
ORDER BY 1, 2

-- ==== psql \da
-- columns: Schema:name|Name:name|Result data type:text|Argument data types:text|Description:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  p.proname AS "Name",
  pg_catalog.format_type(p.prorettype, NULL) AS "Result data type",
  CASE WHEN p.pronargs = 0
    THEN CAST('*' AS pg_catalog.text)
    ELSE pg_catalog.pg_get_function_arguments(p.oid)
  END AS "Argument data types",
  pg_catalog.obj_description(p.oid, 'pg_proc') as "Description"
FROM pg_catalog.pg_proc p
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind = 'a'
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_function_is_visible(p.oid)
ORDER BY 1, 2, 4

-- ==== psql \dC
-- columns: Source type:text|Target type:text|Function:name|Implicit?:text
-- pg-rows: 229
-- rows: 0
SELECT pg_catalog.format_type(castsource, NULL) AS "Source type",
       pg_catalog.format_type(casttarget, NULL) AS "Target type",
       CASE WHEN c.castmethod = 'b' THEN '(binary coercible)'
            WHEN c.castmethod = 'i' THEN '(with inout)'
            ELSE p.proname
       END AS "Function",
       CASE WHEN c.castcontext = 'e' THEN 'no'
            WHEN c.castcontext = 'a' THEN 'in assignment'
            ELSE 'yes'
       END AS "Implicit?"
FROM pg_catalog.pg_cast c LEFT JOIN pg_catalog.pg_proc p
     ON c.castfunc = p.oid
     LEFT JOIN pg_catalog.pg_type ts
     ON c.castsource = ts.oid
     LEFT JOIN pg_catalog.pg_namespace ns
     ON ns.oid = ts.typnamespace
     LEFT JOIN pg_catalog.pg_type tt
     ON c.casttarget = tt.oid
     LEFT JOIN pg_catalog.pg_namespace nt
     ON nt.oid = tt.typnamespace
WHERE ( (true  AND pg_catalog.pg_type_is_visible(ts.oid)
) OR (true  AND pg_catalog.pg_type_is_visible(tt.oid)
) )
ORDER BY 1, 2

-- ==== psql \dd
-- columns: Schema:name|Name:text|Object:text|Description:text
-- pg-rows: 0
-- rows: 0
SELECT DISTINCT tt.nspname AS "Schema", tt.name AS "Name", tt.object AS "Object", d.description AS "Description"
FROM (
  SELECT pgc.oid as oid, pgc.tableoid AS tableoid,
  n.nspname as nspname,
  CAST(pgc.conname AS pg_catalog.text) as name,  CAST('table constraint' AS pg_catalog.text) as object
  FROM pg_catalog.pg_constraint pgc
    JOIN pg_catalog.pg_class c ON c.oid = pgc.conrelid
    LEFT JOIN pg_catalog.pg_namespace n     ON n.oid = c.relnamespace
WHERE n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
UNION ALL
  SELECT pgc.oid as oid, pgc.tableoid AS tableoid,
  n.nspname as nspname,
  CAST(pgc.conname AS pg_catalog.text) as name,  CAST('domain constraint' AS pg_catalog.text) as object
  FROM pg_catalog.pg_constraint pgc
    JOIN pg_catalog.pg_type t ON t.oid = pgc.contypid
    LEFT JOIN pg_catalog.pg_namespace n     ON n.oid = t.typnamespace
WHERE n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_type_is_visible(t.oid)
UNION ALL
  SELECT o.oid as oid, o.tableoid as tableoid,
  n.nspname as nspname,
  CAST(o.opcname AS pg_catalog.text) as name,
  CAST('operator class' AS pg_catalog.text) as object
  FROM pg_catalog.pg_opclass o
    JOIN pg_catalog.pg_am am ON o.opcmethod = am.oid
    JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_opclass_is_visible(o.oid)
UNION ALL
  SELECT opf.oid as oid, opf.tableoid as tableoid,
  n.nspname as nspname,
  CAST(opf.opfname AS pg_catalog.text) AS name,
  CAST('operator family' AS pg_catalog.text) as object
  FROM pg_catalog.pg_opfamily opf
    JOIN pg_catalog.pg_am am ON opf.opfmethod = am.oid
    JOIN pg_catalog.pg_namespace n ON opf.opfnamespace = n.oid
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_opfamily_is_visible(opf.oid)
UNION ALL
  SELECT r.oid as oid, r.tableoid as tableoid,
  n.nspname as nspname,
  CAST(r.rulename AS pg_catalog.text) as name,  CAST('rule' AS pg_catalog.text) as object
  FROM pg_catalog.pg_rewrite r
       JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE r.rulename != '_RETURN'
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
UNION ALL
  SELECT t.oid as oid, t.tableoid as tableoid,
  n.nspname as nspname,
  CAST(t.tgname AS pg_catalog.text) as name,  CAST('trigger' AS pg_catalog.text) as object
  FROM pg_catalog.pg_trigger t
       JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
) AS tt
  JOIN pg_catalog.pg_description d ON (tt.oid = d.objoid AND tt.tableoid = d.classoid AND d.objsubid = 0)
ORDER BY 1, 2, 3

-- ==== psql \dE
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dm
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('m','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \ds
-- columns: Schema:name|Name:name|Type:text|Owner:name
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('S','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2

-- ==== psql \dy
-- columns: Name:name|Event:name|Owner:name|Enabled:text|Function:regproc|Tags:text
-- pg-rows: 0
-- rows: 0
SELECT evtname as "Name", evtevent as "Event", pg_catalog.pg_get_userbyid(e.evtowner) as "Owner",
 case evtenabled when 'O' then 'enabled'  when 'R' then 'replica'  when 'A' then 'always'  when 'D' then 'disabled' end as "Enabled",
 e.evtfoid::pg_catalog.regproc as "Function", pg_catalog.array_to_string(array(select x from pg_catalog.unnest(evttags) as t(x)), ', ') as "Tags"
FROM pg_catalog.pg_event_trigger e ORDER BY 1

-- ==== psql \dF
-- columns: Schema:name|Name:name|Description:text
-- pg-rows: 29
-- rows: 0
SELECT
   n.nspname as "Schema",
   c.cfgname as "Name",
   pg_catalog.obj_description(c.oid, 'pg_ts_config') as "Description"
FROM pg_catalog.pg_ts_config c
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
WHERE pg_catalog.pg_ts_config_is_visible(c.oid)
ORDER BY 1, 2

-- ==== psql \dD
-- columns: Schema:name|Name:name|Type:text|Collation:name|Nullable:text|Default:text|Check:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
       t.typname as "Name",
       pg_catalog.format_type(t.typbasetype, t.typtypmod) as "Type",
       (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type bt
        WHERE c.oid = t.typcollation AND bt.oid = t.typbasetype AND t.typcollation <> bt.typcollation) as "Collation",
       CASE WHEN t.typnotnull THEN 'not null' END as "Nullable",
       t.typdefault as "Default",
       pg_catalog.array_to_string(ARRAY(
         SELECT pg_catalog.pg_get_constraintdef(r.oid, true) FROM pg_catalog.pg_constraint r WHERE t.oid = r.contypid
       ), ' ') as "Check"
FROM pg_catalog.pg_type t
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd'
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_type_is_visible(t.oid)
ORDER BY 1, 2

-- ==== psql \do
-- columns: Schema:name|Name:name|Left arg type:text|Right arg type:text|Result type:text|Description:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname as "Schema",
  o.oprname AS "Name",
  CASE WHEN o.oprkind='l' THEN NULL ELSE pg_catalog.format_type(o.oprleft, NULL) END AS "Left arg type",
  CASE WHEN o.oprkind='r' THEN NULL ELSE pg_catalog.format_type(o.oprright, NULL) END AS "Right arg type",
  pg_catalog.format_type(o.oprresult, NULL) AS "Result type",
  coalesce(pg_catalog.obj_description(o.oid, 'pg_operator'),
           pg_catalog.obj_description(o.oprcode, 'pg_proc')) AS "Description"
FROM pg_catalog.pg_operator o
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_operator_is_visible(o.oid)
ORDER BY 1, 2, 3, 4

-- ==== psql \dc
-- columns: Schema:name|Name:name|Source:name|Destination:name|Default?:text
-- pg-rows: 0
-- rows: 0
SELECT n.nspname AS "Schema",
       c.conname AS "Name",
       pg_catalog.pg_encoding_to_char(c.conforencoding) AS "Source",
       pg_catalog.pg_encoding_to_char(c.contoencoding) AS "Destination",
       CASE WHEN c.condefault THEN 'yes'
       ELSE 'no' END AS "Default?"
FROM pg_catalog.pg_conversion c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
WHERE true
  AND n.nspname <> 'pg_catalog'
  AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_conversion_is_visible(c.oid)
ORDER BY 1, 2

-- ==== jdbc getTables(%, TABLE)
-- columns: table_cat:text|table_schem:name|table_name:name|table_type:text|remarks:text|type_cat:text|type_schem:text|type_name:text|self_referencing_col_name:text|ref_generation:text
-- pg-rows: 1
-- rows: 6
-- row: NULL|public|events|TABLE|raw tracker events, one row per event|(empty)|(empty)|(empty)|(empty)|(empty)
SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND c.relname LIKE '%' AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ) )  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME

-- ==== jdbc ResultSetMetaData of catalog result
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 3
-- rows: 3
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 2615 AS oid , 2 AS attnum UNION ALL SELECT 1259, 2 UNION ALL SELECT 2609, 4) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc getTables(public)
-- columns: table_cat:text|table_schem:name|table_name:name|table_type:text|remarks:text|type_cat:text|type_schem:text|type_name:text|self_referencing_col_name:text|ref_generation:text
-- pg-rows: 1
-- rows: 6
-- row: NULL|public|events|TABLE|raw tracker events, one row per event|(empty)|(empty)|(empty)|(empty)|(empty)
SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND n.nspname LIKE 'public' ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME

-- ==== jdbc getColumns(events)
-- columns: nspname:name|relname:name|attname:name|atttypid:oid|attnotnull:bool|atttypmod:int4|attlen:int2|typtypmod:int4|attnum:int8|attidentity:char|attgenerated:char|adsrc:text|description:text|typbasetype:oid|typtype:char
-- pg-rows: 21
-- rows: 21
-- first: public|events|merchant|25|f|-1|-1|-1|1|NULL|NULL|NULL|NULL|0|b
-- row: public|events|ts|1184|f|-1|8|-1|2|NULL|NULL|NULL|NULL|0|b
-- row: public|events|value|701|f|-1|8|-1|19|NULL|NULL|NULL|NULL|0|b
SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND c.relname LIKE 'events') c WHERE true  ORDER BY nspname,c.relname,attnum

-- ==== jdbc getSchemas()
-- columns: table_schem:name|table_catalog:text
-- pg-rows: 3
-- rows: 3
-- first: information_schema|NULL
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM

-- ==== jdbc getSchemas(pub%)
-- columns: table_schem:name|table_catalog:text
-- pg-rows: 1
-- rows: 1
-- row: public|NULL
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  AND nspname LIKE 'pub%' ORDER BY TABLE_SCHEM

-- ==== jdbc getPrimaryKeys
-- columns: table_cat:text|table_schem:name|table_name:name|column_name:name|key_seq:int4|pk_name:name
-- pg-rows: 0
-- rows: 0
SELECT        result.TABLE_CAT,        result.TABLE_SCHEM,        result.TABLE_NAME,        result.COLUMN_NAME,        result.KEY_SEQ,        result.PK_NAME FROM      (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'events' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq

-- ==== jdbc ResultSetMetaData of catalog result
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 1
-- rows: 1
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 1249 AS oid , 2 AS attnum) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc getIndexInfo
-- columns: table_cat:text|table_schem:name|table_name:name|non_unique:bool|index_qualifier:text|index_name:name|type:int4|ordinal_position:int4|column_name:text|asc_or_desc:text|cardinality:float4|pages:int4|filter_condition:text
-- pg-rows: 0
-- rows: 0
SELECT     tmp.TABLE_CAT,     tmp.TABLE_SCHEM,     tmp.TABLE_NAME,     tmp.NON_UNIQUE,     tmp.INDEX_QUALIFIER,     tmp.INDEX_NAME,     tmp.TYPE,     tmp.ORDINAL_POSITION,     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME,   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS ASC_OR_DESC,     tmp.CARDINALITY,     tmp.PAGES,     tmp.FILTER_CONDITION FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'events') AS tmp ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION

-- ==== jdbc ResultSetMetaData of catalog result
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 2
-- rows: 2
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 1259 AS oid , 11 AS attnum UNION ALL SELECT 1259, 10) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc getTypeInfo #1
-- columns: typname:name|oid:oid
-- pg-rows: 404
-- row: bool|16
-- row: text|25
-- row: timestamptz|1184
-- row: float8|701
SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)  WHERE n.nspname  != 'pg_toast' AND  (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))

-- ==== jdbc getTypeInfo #2 (type cache)
-- columns: is_array:bool|typtype:char|typname:name|oid:oid
-- pg-rows: 613
-- row: f|b|text|25
-- row: t|b|_text|1009
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  ORDER BY sp.r, pg_type.oid DESC

-- ==== jdbc getTypeInfo #3
-- columns: setting:text
-- pg-rows: 1
-- rows: 1
-- row: 32
SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'

-- ==== jdbc getImportedKeys
-- columns: pktable_cat:text|pktable_schem:name|pktable_name:name|pkcolumn_name:name|fktable_cat:text|fktable_schem:name|fktable_name:name|fkcolumn_name:name|key_seq:int4|update_rule:int4|delete_rule:int4|fk_name:name|pk_name:name|deferrability:int4
-- pg-rows: 0
-- rows: 0
SELECT NULL::text AS PKTABLE_CAT, pkn.nspname AS PKTABLE_SCHEM, pkc.relname AS PKTABLE_NAME, pka.attname AS PKCOLUMN_NAME, NULL::text AS FKTABLE_CAT, fkn.nspname AS FKTABLE_SCHEM, fkc.relname AS FKTABLE_NAME, fka.attname AS FKCOLUMN_NAME, pos.n AS KEY_SEQ, CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS UPDATE_RULE, CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS DELETE_RULE, con.conname AS FK_NAME, pkic.relname AS PK_NAME, CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS DEFERRABILITY  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND fkn.nspname = 'public' AND fkc.relname = 'events' ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n

-- ==== jdbc ResultSetMetaData of catalog result
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 1
-- rows: 1
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 2606 AS oid , 2 AS attnum) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc getFunctions
-- columns: function_cat:name|function_schem:name|function_name:name|remarks:text|function_type:int4|specific_name:text
-- pg-rows: 0
-- rows: 0
SELECT current_database() AS FUNCTION_CAT, n.nspname AS FUNCTION_SCHEM, p.proname AS FUNCTION_NAME,  d.description AS REMARKS,  CASE    WHEN (format_type(p.prorettype, null) = 'unknown') THEN 0   WHEN      (substring(pg_get_function_result(p.oid) from 0 for 6) = 'TABLE') OR      (substring(pg_get_function_result(p.oid) from 0 for 6) = 'SETOF') THEN 2   ELSE 1 END  AS FUNCTION_TYPE,  p.proname || '_' || p.oid AS SPECIFIC_NAME FROM pg_catalog.pg_proc p INNER JOIN pg_catalog.pg_namespace n ON p.pronamespace=n.oid LEFT JOIN pg_catalog.pg_description d ON p.oid=d.objoid WHERE true   AND p.prokind='f' AND n.nspname LIKE 'public' AND p.proname LIKE '%' ORDER BY FUNCTION_SCHEM, FUNCTION_NAME, p.oid::text

-- ==== jdbc ResultSetMetaData of catalog result
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 1
-- rows: 1
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 1255 AS oid , 2 AS attnum) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc ResultSetMetaData(events)
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 0
-- rows: 3
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 16384 AS oid , 1 AS attnum UNION ALL SELECT 16384, 2 UNION ALL SELECT 16384, 19) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc ResultSetMetaData(events)
-- columns: oid:oid|attnum:int2|attname:name|relname:name|nspname:name|?column?:bool|?column?:bool
-- pg-rows: 0
-- rows: 1
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 16384 AS oid , 3 AS attnum) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)

-- ==== jdbc TypeInfoCache name of oid
-- params: 2205
-- columns: ?column?:bool|nspname:name|typname:name
-- pg-rows: 1
-- rows: 1
-- row: t|pg_catalog|regclass
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1

-- ==== jdbc TypeInfoCache by oid
-- params: 2205
-- columns: is_array:bool|typtype:char|typname:name|oid:oid
-- pg-rows: 1
-- rows: 1
-- row: f|b|regclass|2205
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC

-- ==== jdbc getColumns(pg_catalog, pg_class, rel%)
-- columns: nspname:name|relname:name|attname:name|atttypid:oid|attnotnull:bool|atttypmod:int4|attlen:int2|typtypmod:int4|attnum:int8|attidentity:char|attgenerated:char|adsrc:text|description:text|typbasetype:oid|typtype:char
-- pg-rows: 32
-- rows: 32
-- first: pg_catalog|pg_class|relname|19|t|-1|64|-1|2|NULL|NULL|NULL|NULL|0|b
SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE 'pg_catalog' AND c.relname LIKE 'pg_class') c WHERE true  AND attname LIKE 'rel%' ORDER BY nspname,c.relname,attnum

-- ==== psycopg2 register_hstore
-- columns: oid:oid|typarray:oid
-- pg-rows: 0
-- rows: 0
SELECT t.oid, typarray
FROM pg_type t JOIN pg_namespace ns
    ON typnamespace = ns.oid
WHERE typname = 'hstore'

-- ==== grafana version
-- columns: version:int4
-- pg-rows: 1
-- rows: 1
-- row: 1500
SELECT current_setting('server_version_num')::int/100 as version

-- ==== grafana timescaledb version
-- columns: extversion:text
-- pg-rows: 0
-- rows: 0
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'

-- ==== grafana databases
-- columns: datname:name
-- pg-rows: 2
-- rows: 1
-- row: strata
SELECT datname FROM pg_database WHERE datistemplate = false

-- ==== grafana table picker
-- columns: table:text
-- pg-rows: 1
-- rows: 6
-- row: events
select quote_ident(table_name) as "table" from information_schema.tables
    where quote_ident(table_schema) not in ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
      and table_type = 'BASE TABLE' and quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )

-- ==== grafana column picker
-- columns: column:text|type:varchar
-- pg-rows: 21
-- rows: 21
-- row: merchant|text
-- row: ts|timestamp with time zone
-- row: value|double precision
select quote_ident(column_name) as "column", data_type as "type"
    from information_schema.columns
    where quote_ident(table_name) = 'events'

-- ==== grafana column picker (schema-qualified)
-- columns: column:text|type:varchar
-- pg-rows: 21
-- rows: 21
-- row: merchant|text
-- row: ts|timestamp with time zone
select quote_ident(column_name) as "column", data_type as "type"
    from information_schema.columns
    where quote_ident(table_schema) = 'public' and quote_ident(table_name) = 'events'

-- ==== grafana 8 table query
-- columns: quote_ident:text
-- pg-rows: 1
-- rows: 6
-- row: events
SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) ORDER BY table_name

-- ==== grafana 8 time column query
-- columns: quote_ident:text
-- pg-rows: 2
-- rows: 2
-- first: ts
-- row: value
SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND table_name = 'events' AND data_type IN ('timestamp without time zone','timestamp with time zone','bigint','integer','double precision','real') ORDER BY column_name

-- ==== grafana 8 value column query
-- columns: quote_ident:text
-- pg-rows: 1
-- rows: 1
-- row: value
SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND table_name = 'events' AND data_type IN ('bigint','integer','double precision','real','numeric') AND column_name <> 'ts' ORDER BY column_name

-- ==== grafana 8 group column query
-- columns: quote_ident:text
-- pg-rows: 19
-- rows: 19
-- first: browser
SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'events' AND data_type IN ('text','character','character varying','uuid') ORDER BY column_name

-- ==== grafana 8 datatype query
-- columns: udt_name:name
-- pg-rows: 1
-- rows: 1
-- row: float8
SELECT udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'events' AND column_name = 'value'

-- ==== grafana 8 aggregate query
-- columns: proname:name
-- pg-rows: 10
-- rows: 10
-- first: avg
SELECT DISTINCT proname FROM pg_aggregate INNER JOIN pg_proc ON pg_aggregate.aggfnoid = pg_proc.oid INNER JOIN pg_type ON pg_type.oid=pg_proc.prorettype WHERE pronargs=1 AND typname IN ('float8') AND aggkind='n' ORDER BY 1

-- ==== grafana 8 find metric table
-- columns: table_name:text|time_column:text|value_column:text
-- pg-rows: 1
-- rows: 1
-- row: events|ts|value
SELECT
	quote_ident(table_name) as table_name,
	( SELECT
	    quote_ident(column_name) as column_name
	  FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
    ORDER BY ordinal_position LIMIT 1
  ) AS time_column,
  ( SELECT
      quote_ident(column_name) AS column_name
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
    ORDER BY ordinal_position LIMIT 1
  ) AS value_column
FROM information_schema.tables t
WHERE table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
  ) AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
  )
LIMIT 1

-- ==== function SELECT version()
-- columns: version:text
-- pg-rows: 1
-- rows: 1
SELECT version()

-- ==== function SELECT pg_catalog.version()
-- columns: version:text
-- pg-rows: 1
-- rows: 1
SELECT pg_catalog.version()

-- ==== function select current_user
-- columns: current_user:name
-- pg-rows: 1
-- rows: 1
-- row: alice
select current_user

-- ==== function select session_user
-- columns: session_user:name
-- pg-rows: 1
-- rows: 1
-- row: alice
select session_user

-- ==== function select user
-- columns: user:name
-- pg-rows: 1
-- rows: 1
-- row: alice
select user

-- ==== function select current_role
-- columns: current_role:name
-- pg-rows: 1
-- rows: 1
-- row: alice
select current_role

-- ==== function SELECT current_database()
-- columns: current_database:name
-- pg-rows: 1
-- rows: 1
-- row: strata
SELECT current_database()

-- ==== function SELECT current_catalog
-- columns: current_catalog:name
-- pg-rows: 1
-- rows: 1
-- row: strata
SELECT current_catalog

-- ==== function SELECT current_schema()
-- columns: current_schema:name
-- pg-rows: 1
-- rows: 1
-- row: public
SELECT current_schema()

-- ==== function SELECT current_schema
-- columns: current_schema:name
-- pg-rows: 1
-- rows: 1
-- row: public
SELECT current_schema

-- ==== function select pg_catalog.current_schema()
-- columns: current_schema:name
-- pg-rows: 1
-- rows: 1
-- row: public
select pg_catalog.current_schema()

-- ==== function SELECT current_schemas(true)
-- columns: current_schemas:_name
-- pg-rows: 1
-- rows: 1
-- row: {pg_catalog,public}
SELECT current_schemas(true)

-- ==== function SELECT current_schemas(false)
-- columns: current_schemas:_name
-- pg-rows: 1
-- rows: 1
-- row: {public}
SELECT current_schemas(false)

-- ==== function SELECT current_setting('search_path')
-- columns: current_setting:text
-- pg-rows: 1
-- rows: 1
-- row: "$user", public
SELECT current_setting('search_path')

-- ==== function SELECT current_setting('TimeZone')
-- columns: current_setting:text
-- pg-rows: 1
-- rows: 1
-- row: UTC
SELECT current_setting('TimeZone')

-- ==== function SELECT current_setting('server_version_num')::int AS v
-- columns: v:int4
-- pg-rows: 1
-- rows: 1
-- row: 150000
SELECT current_setting('server_version_num')::int AS v

-- ==== function SELECT pg_backend_pid()
-- columns: pg_backend_pid:int4
-- pg-rows: 1
-- rows: 1
-- row: 4242
SELECT pg_backend_pid()

-- ==== function SELECT pg_is_in_recovery()
-- columns: pg_is_in_recovery:bool
-- pg-rows: 1
-- rows: 1
-- row: f
SELECT pg_is_in_recovery()

-- ==== function SELECT txid_current()
-- columns: txid_current:int8
-- pg-rows: 1
-- rows: 1
SELECT txid_current()

-- ==== function SELECT has_table_privilege('events', 'SELECT')
-- columns: has_table_privilege:bool
-- pg-rows: 1
-- rows: 1
-- row: t
SELECT has_table_privilege('events', 'SELECT')

-- ==== function SELECT has_table_privilege('alice', 'public.events', 'select
-- columns: has_table_privilege:bool
-- pg-rows: 1
-- rows: 1
-- row: t
SELECT has_table_privilege('alice', 'public.events', 'select')

-- ==== function SELECT has_schema_privilege('public', 'USAGE')
-- columns: has_schema_privilege:bool
-- pg-rows: 1
-- rows: 1
-- row: t
SELECT has_schema_privilege('public', 'USAGE')

-- ==== function SELECT has_database_privilege('strata', 'CONNECT')
-- columns: has_database_privilege:bool
-- pg-rows: 1
-- rows: 1
-- row: t
SELECT has_database_privilege('strata', 'CONNECT')

-- ==== function SELECT obj_description('events'::regclass, 'pg_class')
-- columns: obj_description:text
-- pg-rows: 1
-- rows: 1
-- row: raw tracker events, one row per event
SELECT obj_description('events'::regclass, 'pg_class')

-- ==== function SELECT col_description('events'::regclass, 2)
-- columns: col_description:text
-- pg-rows: 1
-- rows: 1
-- row: NULL
SELECT col_description('events'::regclass, 2)

-- ==== function SELECT format_type(1184, NULL), format_type(25, -1), format_
-- columns: format_type:text|format_type:text|format_type:text|format_type:text|format_type:text
-- pg-rows: 1
-- rows: 1
-- row: timestamp with time zone|text|character varying(32)|text[]|double precision
SELECT format_type(1184, NULL), format_type(25, -1), format_type(1043, 36), format_type(1009, NULL), format_type(701, NULL)

-- ==== function SELECT pg_catalog.pg_get_expr(NULL, 0)
-- columns: pg_get_expr:text
-- pg-rows: 1
-- rows: 1
-- row: NULL
SELECT pg_catalog.pg_get_expr(NULL, 0)

-- ==== function SELECT pg_table_is_visible('events'::regclass)
-- columns: pg_table_is_visible:bool
-- pg-rows: 1
-- rows: 1
-- row: t
SELECT pg_table_is_visible('events'::regclass)

-- ==== function SELECT pg_encoding_to_char(6)
-- columns: pg_encoding_to_char:name
-- pg-rows: 1
-- rows: 1
-- row: UTF8
SELECT pg_encoding_to_char(6)

-- ==== function SELECT quote_ident('events'), quote_ident('Events'), quote_i
-- columns: quote_ident:text|quote_ident:text|quote_ident:text|quote_ident:text
-- pg-rows: 1
-- rows: 1
-- row: events|"Events"|"select"|"a""b"
SELECT quote_ident('events'), quote_ident('Events'), quote_ident('select'), quote_ident('a"b')

-- ==== function SELECT array_to_string(ARRAY['a','b','c'], ', ')
-- columns: array_to_string:text
-- pg-rows: 1
-- rows: 1
-- row: a, b, c
SELECT array_to_string(ARRAY['a','b','c'], ', ')

-- ==== function SELECT string_to_array('a,b,c', ',')
-- columns: string_to_array:_text
-- pg-rows: 1
-- rows: 1
-- row: {a,b,c}
SELECT string_to_array('a,b,c', ',')

-- ==== function SELECT array_lower(ARRAY[1,2,3], 1), array_upper(ARRAY[1,2,3
-- columns: array_lower:int4|array_upper:int4|array_length:int4
-- pg-rows: 1
-- rows: 1
-- row: 1|3|3
SELECT array_lower(ARRAY[1,2,3], 1), array_upper(ARRAY[1,2,3], 1), array_length(ARRAY[1,2,3], 1)

-- ==== function SELECT generate_series(1, 3)
-- columns: generate_series:int4
-- pg-rows: 3
-- rows: 3
-- first: 1
SELECT generate_series(1, 3)

-- ==== function SELECT g FROM generate_series(1, 3) AS g ORDER BY g DESC
-- columns: g:int4
-- pg-rows: 3
-- rows: 3
-- first: 3
SELECT g FROM generate_series(1, 3) AS g ORDER BY g DESC

-- ==== function SELECT unnest(ARRAY['a','b'])
-- columns: unnest:text
-- pg-rows: 2
-- rows: 2
-- first: a
SELECT unnest(ARRAY['a','b'])

-- ==== function SELECT x FROM unnest(ARRAY['b','a']) AS x ORDER BY x
-- columns: x:text
-- pg-rows: 2
-- rows: 2
-- first: a
SELECT x FROM unnest(ARRAY['b','a']) AS x ORDER BY x

-- ==== function SELECT 'events'::regclass
-- columns: regclass:regclass
-- pg-rows: 1
-- rows: 1
-- row: events
SELECT 'events'::regclass

-- ==== function SELECT 'events'::regclass::oid
-- columns: oid:oid
-- pg-rows: 1
-- rows: 1
-- row: 16384
SELECT 'events'::regclass::oid

-- ==== function SELECT 'int4'::regtype, 'pg_catalog.text'::regtype::oid
-- columns: regtype:regtype|oid:oid
-- pg-rows: 1
-- rows: 1
-- row: integer|25
SELECT 'int4'::regtype, 'pg_catalog.text'::regtype::oid

-- ==== function SELECT to_regclass('events')
-- columns: to_regclass:regclass
-- pg-rows: 1
-- rows: 1
-- row: events
SELECT to_regclass('events')

-- ==== function SELECT pg_size_pretty(8192::bigint)
-- columns: pg_size_pretty:text
-- pg-rows: 1
-- rows: 1
-- row: 8192 bytes
SELECT pg_size_pretty(8192::bigint)

-- ==== function SELECT oid, typname FROM pg_type WHERE typname IN ('text', '
-- columns: oid:oid|typname:name
-- pg-rows: 5
-- rows: 5
-- first: 16|bool
SELECT oid, typname FROM pg_type WHERE typname IN ('text', 'int8', 'float8', 'timestamptz', 'bool') ORDER BY oid

-- ==== function SELECT * FROM information_schema.tables WHERE table_schema =
-- columns: table_catalog:name|table_schema:name|table_name:name|table_type:varchar|self_referencing_column_name:name|reference_generation:varchar|user_defined_type_catalog:name|user_defined_type_schema:name|user_defined_type_name:name|is_insertable_into:varchar|is_typed:varchar|commit_action:varchar
-- pg-rows: 1
-- rows: 6
-- row: strata|public|events|BASE TABLE|NULL|NULL|NULL|NULL|NULL|NO|NO|NULL
SELECT * FROM information_schema.tables WHERE table_schema = 'public'

-- ==== function SELECT table_name, column_name, data_type, udt_name, is_null
-- columns: table_name:name|column_name:name|data_type:varchar|udt_name:name|is_nullable:varchar|ordinal_position:int4
-- pg-rows: 21
-- rows: 21
-- first: events|merchant|text|text|YES|1
SELECT table_name, column_name, data_type, udt_name, is_nullable, ordinal_position FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position

-- ==== function SELECT schema_name FROM information_schema.schemata ORDER BY
-- columns: schema_name:name
-- pg-rows: 3
-- rows: 3
-- first: information_schema
SELECT schema_name FROM information_schema.schemata ORDER BY 1

-- ==== function SELECT schemaname, tablename, tableowner FROM pg_catalog.pg_
-- columns: schemaname:name|tablename:name|tableowner:name
-- pg-rows: 1
-- rows: 6
-- row: public|events|alice
SELECT schemaname, tablename, tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'public'

-- ==== function SELECT name, setting FROM pg_settings WHERE name IN ('max_in
-- columns: name:text|setting:text
-- pg-rows: 3
-- rows: 3
-- first: max_index_keys|32
SELECT name, setting FROM pg_settings WHERE name IN ('max_index_keys', 'search_path', 'server_encoding') ORDER BY 1

-- ==== function SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_toast
-- columns: nspname:name
-- pg-rows: 3
-- rows: 3
-- first: pg_catalog
SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_toast' AND nspname !~ '^pg_temp' ORDER BY oid

-- ==== function SELECT relname, relkind FROM pg_class WHERE relnamespace = '
-- columns: relname:name|relkind:char
-- pg-rows: 1
-- rows: 6
-- row: events|r
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace

-- ==== function SELECT c.relname FROM pg_class c WHERE c.relname ILIKE 'EV%'
-- columns: relname:name
-- pg-rows: 1
-- rows: 1
-- row: events
SELECT c.relname FROM pg_class c WHERE c.relname ILIKE 'EV%'

-- ==== function SELECT a.attname, a.attnum, t.typname FROM pg_attribute a JO
-- columns: attname:name|attnum:int2|typname:name
-- pg-rows: 21
-- rows: 21
-- first: merchant|1|text
SELECT a.attname, a.attnum, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = 'public.events'::regclass AND a.attnum > 0 ORDER BY a.attnum

-- ==== function SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE ro
-- columns: rolname:name|rolsuper:bool|rolcanlogin:bool
-- pg-rows: 1
-- rows: 1
-- row: alice|f|t
SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = current_user

-- ==== function SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba) FROM 
-- columns: datname:name|pg_get_userbyid:name
-- pg-rows: 1
-- rows: 1
-- row: strata|alice
SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba) FROM pg_database d WHERE d.datname = current_database()
