"""Expressions: arithmetic, CASE, CAST and ::, COALESCE, NULLIF, string functions,
regexp_match, params['key']."""

from gen_tests import comment, query

TEST_FILE = "expressions.test"


CASES = [
    comment("Arithmetic: integer division truncates toward zero, % is the remainder"),
    query("SELECT 7 / 2, -7 / 2, 7 % 3, 2 + 3 * 4, (2 + 3) * 4, -(5 - 8)", types="IIIIII"),
    query("SELECT 7.0 / 2, 1.5 * 4, 0.1 + 0.2, 1e20 * 1", types="RRRR",
          comment="doubles print in shortest round-trip form"),
    query("SELECT 1 / 3.0", types="R"),
    query("SELECT event_id, value * 2, value + 0.25, value - 100, value / 4 FROM events "
          "WHERE merchant = 'm2' AND event = 'purchase' ORDER BY event_id"),
    query("SELECT count(*) + 1, count(*) * 2 - 1 FROM events WHERE merchant = 'm3'"),
    query("SELECT NULL + 1 IS NULL, value + 1 IS NULL FROM events WHERE session_id = 's05'",
          types="BB"),
    query("SELECT abs(-3), abs(value - 100) FROM events WHERE event_id = 'ord-1001'"),
    query("SELECT event_id, floor(value), ceil(value) FROM events WHERE event_id IN "
          "('ord-1004', 'ord-1007') ORDER BY event_id", types="TRR"),

    comment("Comparisons are boolean values"),
    query("SELECT 1 < 2, 'a' = 'b', 2 >= 2, 'b' > 'a', 1 <> 1", types="BBBBB",
          ref="SELECT 1 < 2, 'a' = 'b', 2 >= 2, 'b' > 'a', 1 <> 1"),
    query("SELECT event_id, value > 100 FROM events WHERE event = 'purchase' ORDER BY event_id",
          types="TB"),

    comment("CASE"),
    query("SELECT CASE WHEN value >= 100 THEN 'high' WHEN value >= 50 THEN 'mid' ELSE 'low' END "
          "AS band, count(*) FROM events WHERE value IS NOT NULL GROUP BY 1 ORDER BY 1"),
    query("SELECT CASE device WHEN 'mobile' THEN 'M' WHEN 'desktop' THEN 'D' ELSE 'other' END, "
          "count(*) FROM events GROUP BY 1 ORDER BY 1"),
    query("SELECT CASE WHEN country = 'DE' THEN 'home' END AS c, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1",
          ref="SELECT CASE WHEN country = 'DE' THEN 'home' END AS c, count(*) FROM events "
              "GROUP BY 1 ORDER BY 1 NULLS LAST",
          comment="CASE without ELSE is NULL"),
    query("SELECT sum(CASE WHEN event = 'purchase' THEN 1 ELSE 0 END) FROM events", types="I"),
    query("SELECT CASE WHEN value IS NULL THEN 0 ELSE value END FROM events "
          "WHERE session_id = 't02' ORDER BY ts", types="R"),

    comment("CAST and ::"),
    query("SELECT '42'::int + 1, CAST('7' AS bigint) * 2, '2.5'::double precision * 2",
          types="IIR", ref="SELECT 43, 14, 5.0"),
    query("SELECT event_id, value::bigint, CAST(value AS integer) FROM events "
          "WHERE event_id IN ('ord-1001', 'ord-1004', 'ord-1007', 'ord-2001') ORDER BY 1",
          types="TII",
          expect=["ord-1001|90|90", "ord-1004|150|150", "ord-1007|37|37", "ord-2001|75|75"],
          comment="double to bigint rounds to nearest (89.5 -> 90 is a tie rounded to even)"),
    query("SELECT value::text, CAST(value AS varchar) FROM events "
          "WHERE event_id IN ('ord-1005', 'ord-2003') ORDER BY event_id", types="TT",
          expect=["12.5|12.5", "120|120"],
          comment="double to text: PostgreSQL's float8 output (120, not 120.0)"),
    query("SELECT 3::text || 'x', length(12345::text)", types="TI", ref="SELECT '3x', 5"),
    query("SELECT count(*)::double precision / 4 FROM events WHERE merchant = 'm4'",
          types="R", ref="SELECT 6.0 / 4"),
    query("SELECT CAST('2026-11-01T12:00:00Z' AS timestamptz)", types="Z",
          expect=["2026-11-01 12:00:00+00"]),
    query("SELECT ts::text FROM events WHERE session_id = 's13'", types="T",
          expect=["2026-11-04 12:00:00+00"],
          comment="timestamptz as text in the session time zone (UTC here)"),
    query("SELECT sum(params['items']::int) FROM events WHERE event = 'purchase'",
          ref="SELECT sum(CAST(param(params, 'items') AS INTEGER)) FROM events "
              "WHERE event = 'purchase'"),

    comment("COALESCE and NULLIF"),
    query("SELECT coalesce(user_id, 'anon') AS u, count(*) FROM events WHERE merchant = 'm2' "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT coalesce(utm_campaign, utm_source, 'direct') AS src, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT coalesce(NULL, NULL, 3), coalesce(NULL, 'x')", types="IT",
          ref="SELECT 3, 'x'"),
    query("SELECT nullif(country, 'DE') AS c, count(*) FROM events WHERE merchant = 'm3' "
          "GROUP BY 1 ORDER BY 1",
          ref="SELECT nullif(country, 'DE') AS c, count(*) FROM events WHERE merchant = 'm3' "
              "GROUP BY 1 ORDER BY 1 NULLS LAST"),
    query("SELECT nullif(1, 1) IS NULL, nullif(1, 2)", types="BI", ref="SELECT 1, 1"),
    query("SELECT count(nullif(device, 'mobile')) FROM events"),

    comment("String functions"),
    query("SELECT DISTINCT lower(title), upper(country) FROM events WHERE merchant = 'm3' "
          "AND title IS NOT NULL ORDER BY 1, 2",
          ref="SELECT DISTINCT lower(title), upper(country) FROM events WHERE merchant = 'm3' "
              "AND title IS NOT NULL ORDER BY 1, 2 NULLS LAST"),
    query("SELECT DISTINCT page, length(page) FROM events WHERE page IS NOT NULL ORDER BY 1"),
    query("SELECT DISTINCT substr(page, 2, 4) FROM events WHERE page LIKE '/products/%'"),
    query("SELECT DISTINCT substr(page, 11) FROM events WHERE page LIKE '/products/%' "
          "ORDER BY 1"),
    query("SELECT substring('analytics' FROM 3 FOR 4), substring('analytics', 6)",
          ref="SELECT 'alyt', 'tics'"),
    query("SELECT split_part(page, '/', 2) AS section, count(*) FROM events "
          "WHERE page IS NOT NULL GROUP BY 1 ORDER BY 1"),
    query("SELECT DISTINCT split_part(referrer, '/', 3) FROM events WHERE referrer IS NOT NULL "
          "ORDER BY 1"),
    query("SELECT split_part('a,b,c', ',', 3), split_part('a,b,c', ',', 4)",
          ref="SELECT 'c', ''"),
    query("SELECT count(*) FROM events WHERE starts_with(page, '/products')"),
    query("SELECT starts_with('/checkout/thank-you', '/checkout'), starts_with('x', 'xy')",
          types="BB", ref="SELECT 1, 0"),
    query("SELECT DISTINCT page, strpos(page, 'o') FROM events WHERE page LIKE '/c%' "
          "ORDER BY 1", ref="SELECT DISTINCT page, instr(page, 'o') FROM events "
                            "WHERE page LIKE '/c%' ORDER BY 1"),
    query("SELECT replace('/products/shoes', '/', '_'), concat('a', NULL, 'b', 1)",
          ref="SELECT '_products_shoes', 'ab1'"),
    query("SELECT left('checkout', 5), right('checkout', 3), trim('  pad  '), "
          "ltrim('  pad'), rtrim('pad  ')",
          ref="SELECT 'check', 'out', 'pad', 'pad', 'pad'"),
    query("SELECT 'x' || NULL IS NULL, 'merchant ' || merchant FROM events "
          "WHERE session_id = 'z02' ORDER BY ts", types="BT"),

    comment("regexp_like (RE2) is the boolean test; regexp_match returns the first capture "
            "group, or the whole match, or NULL"),
    query("SELECT count(*) FROM events WHERE regexp_like(page, '^/products/[a-z]+$')",
          ref="SELECT count(*) FROM events WHERE regexp(page, '^/products/[a-z]+$')"),
    query("SELECT DISTINCT page FROM events WHERE regexp_like(page, 's$|\\?') ORDER BY 1",
          ref="SELECT DISTINCT page FROM events WHERE regexp(page, 's$|\\?') ORDER BY 1"),
    query("SELECT DISTINCT referrer, regexp_like(referrer, 'google|facebook') FROM events "
          "WHERE referrer IS NOT NULL ORDER BY 1", types="TB",
          ref="SELECT DISTINCT referrer, regexp(referrer, 'google|facebook') FROM events "
              "WHERE referrer IS NOT NULL ORDER BY 1"),
    query("SELECT DISTINCT referrer, regexp_match(referrer, 'google|facebook') FROM events "
          "WHERE referrer IS NOT NULL ORDER BY 1", types="TT",
          ref="SELECT DISTINCT referrer, regexp_first(referrer, 'google|facebook') FROM events "
              "WHERE referrer IS NOT NULL ORDER BY 1"),
    query("SELECT regexp_match(page, '^/products/([a-z]+)$') AS product, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1",
          ref="SELECT regexp_first(page, '^/products/([a-z]+)$') AS product, count(*) "
              "FROM events GROUP BY 1 ORDER BY 1 NULLS LAST"),

    comment("params['key']: the value as text; numbers keep their stored spelling"),
    query("SELECT params['currency'] AS currency, count(*) FROM events "
          "WHERE event = 'purchase' GROUP BY 1 ORDER BY 1",
          ref="SELECT param(params, 'currency') AS currency, count(*) FROM events "
              "WHERE event = 'purchase' GROUP BY 1 ORDER BY 1"),
    query("SELECT event_id, params['items'], params['coupon'], params['gift'] FROM events "
          "WHERE event = 'purchase' AND merchant = 'm1' ORDER BY event_id",
          ref="SELECT event_id, param(params, 'items'), param(params, 'coupon'), "
              "param(params, 'gift') FROM events WHERE event = 'purchase' AND merchant = 'm1' "
              "ORDER BY event_id"),
    query("SELECT params['ab_test'], params['scroll_depth'], params['nope'] FROM events "
          "WHERE session_id = 's19' ORDER BY ts",
          ref="SELECT param(params, 'ab_test'), param(params, 'scroll_depth'), "
              "param(params, 'nope') FROM events WHERE session_id = 's19' ORDER BY ts",
          comment="unknown top-level fields are params too"),
    query("SELECT params['button'] AS b, count(*) FROM events WHERE event = 'click' "
          "GROUP BY 1 ORDER BY 2 DESC, 1",
          ref="SELECT param(params, 'button') AS b, count(*) FROM events WHERE event = 'click' "
              "GROUP BY 1 ORDER BY 2 DESC, 1"),
    query("SELECT avg(params['scroll_depth']::double precision) FROM events "
          "WHERE event = 'scroll'",
          ref="SELECT avg(CAST(param(params, 'scroll_depth') AS REAL)) FROM events "
              "WHERE event = 'scroll'"),
    query("SELECT params FROM events WHERE event_id = 'ord-1003'"),
    query("SELECT count(*) FROM events WHERE params IS NULL"),
    query("SELECT count(*) FROM events WHERE params['currency'] = 'EUR'",
          ref="SELECT count(*) FROM events WHERE param(params, 'currency') = 'EUR'"),
]
