"""SELECT basics: projection, DISTINCT, WHERE operators, NULLs, ORDER BY, LIMIT/OFFSET."""

from gen_tests import comment, query
from reference import T

TEST_FILE = "basics.test"

CASES = [
    comment("Counting and grouping"),
    query("SELECT count(*) FROM events", types="I"),
    query("SELECT merchant, count(*) FROM events GROUP BY merchant ORDER BY merchant",
          types="TI"),
    query("SELECT count(*) FROM events WHERE merchant = 'm1'"),
    query("select COUNT(*) from EVENTS where MERCHANT = 'm3'",
          comment="keywords and unquoted identifiers are case insensitive"),
    query("SELECT count(*)\nFROM events\nWHERE merchant = 'm2'\n  AND event = 'page_view'",
          comment="statements may span lines"),

    comment("SELECT * keeps the table's column order; ts prints in UTC, value as double"),
    query("SELECT * FROM events WHERE event_id = 'ord-1005'",
          types="TZTTTTTTTTTTTTTTTTRTT"),
    query("SELECT * FROM events WHERE session_id = 's16'", types="TZTTTTTTTTTTTTTTTTRTT"),

    comment("DISTINCT"),
    query("SELECT DISTINCT device FROM events ORDER BY device NULLS FIRST"),
    query("SELECT DISTINCT country FROM events"),
    query("SELECT DISTINCT merchant, device FROM events WHERE merchant IN ('m3', 'm4')"),
    query("SELECT DISTINCT event FROM events WHERE merchant = 'm4' ORDER BY event"),
    query("SELECT DISTINCT page FROM events WHERE merchant = 'm1' ORDER BY page DESC LIMIT 3"),
    query("SELECT count(DISTINCT country) FROM events"),

    comment("Column aliases in GROUP BY and ORDER BY, positional references"),
    query("SELECT page AS p, count(*) AS n FROM events WHERE merchant = 'm1' "
          "GROUP BY p ORDER BY n DESC, p"),
    query("SELECT event AS e, count(*) AS n FROM events GROUP BY e ORDER BY n DESC, e"),
    query("SELECT lower(country) AS c, count(*) AS n FROM events WHERE country IS NOT NULL "
          "GROUP BY c ORDER BY c"),
    query("SELECT country, device, count(*) FROM events WHERE merchant = 'm1' "
          "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5",
          ref="SELECT country, device, count(*) FROM events WHERE merchant = 'm1' "
              "GROUP BY 1, 2 ORDER BY 3 DESC, 1 NULLS LAST, 2 NULLS LAST LIMIT 5"),
    query("SELECT \"page\", count(*) AS \"Page Views\" FROM events WHERE merchant = 'm3' "
          "GROUP BY 1 ORDER BY 2 DESC, 1",
          comment="quoted identifiers"),

    comment("ORDER BY: PostgreSQL puts NULLs last ascending and first descending"),
    query("SELECT DISTINCT country FROM events ORDER BY country",
          ref="SELECT DISTINCT country FROM events ORDER BY country NULLS LAST"),
    query("SELECT DISTINCT country FROM events ORDER BY country DESC",
          ref="SELECT DISTINCT country FROM events ORDER BY country DESC NULLS FIRST"),
    query("SELECT DISTINCT country FROM events ORDER BY country NULLS FIRST"),
    query("SELECT DISTINCT country FROM events ORDER BY country DESC NULLS LAST"),
    query("SELECT DISTINCT device, os FROM events ORDER BY device NULLS FIRST, os DESC",
          ref="SELECT DISTINCT device, os FROM events ORDER BY device NULLS FIRST, "
              "os DESC NULLS FIRST"),
    query("SELECT event_id, value FROM events WHERE event = 'purchase' "
          "ORDER BY value DESC, event_id"),

    comment("LIMIT and OFFSET"),
    query("SELECT event_id FROM events WHERE event_id IS NOT NULL ORDER BY event_id LIMIT 3"),
    query("SELECT event_id FROM events WHERE event_id IS NOT NULL ORDER BY event_id "
          "LIMIT 3 OFFSET 2"),
    query("SELECT event_id FROM events WHERE event_id IS NOT NULL ORDER BY event_id OFFSET 10",
          ref="SELECT event_id FROM events WHERE event_id IS NOT NULL ORDER BY event_id "
              "LIMIT -1 OFFSET 10"),
    query("SELECT event_id FROM events ORDER BY event_id LIMIT 0"),
    query("SELECT event_id FROM events WHERE event_id IS NOT NULL ORDER BY event_id "
          "LIMIT 5 OFFSET 100"),
    query("SELECT count(*) FROM (SELECT page FROM events LIMIT 7) s"),

    comment("Comparisons"),
    query("SELECT count(*) FROM events WHERE page <> '/home'",
          comment="NULL pages (m4 app events) are neither equal nor unequal"),
    query("SELECT count(*) FROM events WHERE country < 'FR'"),
    query("SELECT count(*) FROM events WHERE value >= 89.5"),
    query("SELECT count(*) FROM events WHERE value < 20"),
    query("SELECT count(*) FROM events WHERE ts > '2026-11-06T00:00:00Z'",
          ref="SELECT count(*) FROM events WHERE ts > %d" % T("2026-11-06T00:00:00Z")),

    comment("IN, BETWEEN"),
    query("SELECT count(*) FROM events WHERE country IN ('DE', 'FR')"),
    query("SELECT count(*) FROM events WHERE country NOT IN ('DE', 'FR', 'US')",
          comment="NOT IN never matches NULL"),
    query("SELECT merchant, count(*) FROM events WHERE event IN ('purchase', 'add_to_cart') "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT count(*) FROM events WHERE value BETWEEN 20 AND 89.5"),
    query("SELECT count(*) FROM events WHERE value NOT BETWEEN 20 AND 89.5"),
    query("SELECT count(*) FROM events WHERE ts BETWEEN '2026-11-02T00:00:00Z'::timestamptz "
          "AND '2026-11-02T23:59:59Z'::timestamptz",
          ref="SELECT count(*) FROM events WHERE ts BETWEEN %d AND %d"
              % (T("2026-11-02T00:00:00Z"), T("2026-11-02T23:59:59Z"))),

    comment("LIKE and ILIKE (LIKE is case sensitive; _ matches one character)"),
    query("SELECT count(*) FROM events WHERE page LIKE '/products/%'"),
    query("SELECT count(*) FROM events WHERE page NOT LIKE '/products/%'"),
    query("SELECT DISTINCT page FROM events WHERE page LIKE '%s' ORDER BY page"),
    query("SELECT DISTINCT page FROM events WHERE page LIKE '/c_rt'"),
    query("SELECT count(*) FROM events WHERE title LIKE 'running%'"),
    query("SELECT count(*) FROM events WHERE page ILIKE '%SHOES%'",
          ref="SELECT count(*) FROM events WHERE lower(page) LIKE '%shoes%'"),
    query("SELECT DISTINCT title FROM events WHERE title ILIKE 'r%' ORDER BY title",
          ref="SELECT DISTINCT title FROM events WHERE lower(title) LIKE 'r%' ORDER BY title"),
    query("SELECT count(*) FROM events WHERE title NOT ILIKE '%a%'",
          ref="SELECT count(*) FROM events WHERE lower(title) NOT LIKE '%a%'"),

    comment("IS NULL: absent fields and empty strings are NULL"),
    query("SELECT count(*) FROM events WHERE user_id IS NULL"),
    query("SELECT count(*) FROM events WHERE referrer IS NULL"),
    query("SELECT referrer IS NULL FROM events WHERE client_id = 'c12'", types="B",
          ref="SELECT referrer IS NULL FROM events WHERE client_id = 'c12'"),
    query("SELECT count(*) FROM events WHERE session_id IS NULL"),
    query("SELECT count(*) FROM events WHERE device IS NOT NULL AND value IS NULL"),
    query("SELECT page, title FROM events WHERE merchant = 'm4' ORDER BY ts"),

    comment("AND / OR / NOT and three-valued logic"),
    query("SELECT count(*) FROM events WHERE merchant = 'm2' AND (country = 'US' OR "
          "country = 'DE')"),
    query("SELECT count(*) FROM events WHERE merchant = 'm2' AND country = 'US' OR "
          "country = 'DE'",
          comment="AND binds tighter than OR"),
    query("SELECT count(*) FROM events WHERE NOT (event = 'page_view') AND merchant = 'm3'"),
    query("SELECT count(*) FROM events WHERE NOT (country = 'DE')"),
    query("SELECT count(*) FROM events WHERE country = 'DE' OR country <> 'DE'"),
    query("SELECT count(*) FROM events WHERE NOT (country = 'DE' AND device = 'mobile')"),
    query("SELECT count(*) FROM events WHERE false"),
    query("SELECT page FROM events WHERE 1 = 0"),

    comment("Stored forms: epoch-millisecond and offset timestamps, fractions, numeric strings"),
    query("SELECT ts FROM events WHERE session_id = 's01' ORDER BY ts LIMIT 1", types="Z",
          ref="SELECT pg_ts(ts) FROM events WHERE session_id = 's01' ORDER BY ts LIMIT 1"),
    query("SELECT ts FROM events WHERE session_id = 's13'",
          ref="SELECT pg_ts(ts) FROM events WHERE session_id = 's13'"),
    query("SELECT ts FROM events WHERE session_id IN ('s09', 't06') ORDER BY ts",
          ref="SELECT pg_ts(ts) FROM events WHERE session_id IN ('s09', 't06') ORDER BY ts"),
    query("SELECT value FROM events WHERE event_id = 'ord-1005'", types="R"),

    comment("SELECT without FROM"),
    query("SELECT 1 + 2 * 3, 'a' || 'b', NULL IS NULL", types="ITB",
          ref="SELECT 1 + 2 * 3, 'a' || 'b', NULL IS NULL"),
]
