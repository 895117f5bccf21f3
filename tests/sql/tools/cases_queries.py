"""Query shapes: subqueries in FROM (per-session questions), WITH, UNION ALL, and the
analytics questions merchants ask (daily users, bounce rate, session length, funnels)."""

from gen_tests import comment, query
from reference import T

TEST_FILE = "queries.test"

SESSIONS_M1 = ("SELECT session_id, min(ts) AS first_ts, max(ts) AS last_ts, "
               "count(*) FILTER (WHERE event = 'page_view') AS pageviews "
               "FROM events WHERE merchant = 'm1' GROUP BY session_id")

CASES = [
    comment("Bounce rate per day from a per-session subquery (bounce = one page view)"),
    query("SELECT date_trunc('day', first_ts) AS day, count(*) AS sessions,\n"
          "       avg(CASE WHEN pageviews = 1 THEN 1.0 ELSE 0.0 END) AS bounce_rate\n"
          "FROM (" + SESSIONS_M1 + ") s\n"
          "GROUP BY 1 ORDER BY 1",
          types="ZIR",
          ref="SELECT trunc_local('day', first_ts, 'UTC') AS day, count(*), "
              "avg(CASE WHEN pageviews = 1 THEN 1.0 ELSE 0.0 END) FROM (" + SESSIONS_M1 +
              ") s GROUP BY 1 ORDER BY 1"),
    query("SELECT date_trunc('day', first_ts, 'Europe/Berlin') AS day,\n"
          "       count(*) FILTER (WHERE pageviews = 1) AS bounces, count(*) AS sessions\n"
          "FROM (" + SESSIONS_M1 + ") s\n"
          "GROUP BY 1 ORDER BY 1",
          types="ZII",
          ref="SELECT trunc_local('day', first_ts, 'Europe/Berlin') AS day, "
              "count(*) FILTER (WHERE pageviews = 1), count(*) FROM (" + SESSIONS_M1 +
              ") s GROUP BY 1 ORDER BY 1"),
    query("SELECT date_trunc('day', first_ts) AS day,\n"
          "       avg(extract(epoch FROM last_ts) - extract(epoch FROM first_ts)) AS seconds\n"
          "FROM (" + SESSIONS_M1 + ") s\n"
          "GROUP BY 1 ORDER BY 1",
          types="ZR",
          ref="SELECT trunc_local('day', first_ts, 'UTC'), "
              "avg(extract_local('epoch', last_ts, 'UTC') - extract_local('epoch', first_ts, "
              "'UTC')) FROM (" + SESSIONS_M1 + ") s GROUP BY 1 ORDER BY 1",
          comment="average session duration per day"),
    query("SELECT merchant, count(*) FILTER (WHERE n = 1) * 1.0 / count(*) AS bounce_rate\n"
          "FROM (SELECT merchant, session_id, count(*) AS n FROM events\n"
          "      WHERE session_id IS NOT NULL GROUP BY merchant, session_id) s\n"
          "GROUP BY merchant ORDER BY merchant"),

    comment("More per-session and per-client questions"),
    query("SELECT n, count(*) AS sessions FROM (SELECT session_id, count(*) FILTER (WHERE "
          "event = 'page_view') AS n FROM events WHERE session_id IS NOT NULL GROUP BY 1) s "
          "GROUP BY n ORDER BY n"),
    query("SELECT count(*) AS sessions, count(*) FILTER (WHERE carts > 0) AS with_cart,\n"
          "       count(*) FILTER (WHERE buys > 0) AS with_purchase\n"
          "FROM (SELECT session_id,\n"
          "             count(*) FILTER (WHERE event = 'add_to_cart') AS carts,\n"
          "             count(*) FILTER (WHERE event = 'purchase') AS buys\n"
          "      FROM events WHERE session_id IS NOT NULL GROUP BY 1) s",
          comment="a funnel"),
    query("SELECT merchant, count(*) AS returning_clients FROM (SELECT merchant, client_id "
          "FROM events GROUP BY 1, 2 HAVING count(DISTINCT session_id) > 1) c "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT session_id, n FROM (SELECT session_id, count(*) AS n FROM events "
          "GROUP BY 1) s WHERE n >= 5 ORDER BY n DESC, session_id"),
    query("SELECT max(n), min(n) FROM (SELECT session_id, count(*) AS n FROM (SELECT * FROM "
          "events WHERE merchant = 'm1') e GROUP BY 1) s",
          comment="nested subqueries"),
    query("SELECT count(*) FROM (SELECT page FROM events ORDER BY ts DESC LIMIT 10) t "
          "WHERE page = '/home'"),
    query("SELECT count(*) FROM (SELECT DISTINCT client_id, merchant FROM events) t"),
    query("SELECT s.sid FROM (SELECT session_id AS sid FROM events WHERE merchant = 'm4') s "
          "ORDER BY 1 NULLS FIRST"),
    query("SELECT x.device, x.n FROM (SELECT device, count(*) AS n FROM events "
          "WHERE merchant = 'm2' GROUP BY device) AS x ORDER BY x.n DESC, x.device",
          ref="SELECT x.device, x.n FROM (SELECT device, count(*) AS n FROM events "
              "WHERE merchant = 'm2' GROUP BY device) AS x ORDER BY x.n DESC, "
              "x.device NULLS LAST"),

    comment("WITH (non-recursive CTEs)"),
    query("WITH s AS (SELECT session_id, count(*) AS n FROM events WHERE merchant = 'm1' "
          "GROUP BY 1)\nSELECT count(*) FILTER (WHERE n = 1), count(*) FROM s"),
    query("WITH v AS (SELECT client_id, session_id FROM events WHERE event = 'page_view'),\n"
          "     per_client AS (SELECT client_id, count(DISTINCT session_id) AS sessions "
          "FROM v GROUP BY 1)\n"
          "SELECT sessions, count(*) FROM per_client GROUP BY 1 ORDER BY 1",
          comment="a CTE reading another CTE"),
    query("WITH daily(day, n) AS (SELECT date_trunc('day', ts), count(*) FROM events "
          "GROUP BY 1)\nSELECT max(n), min(n), count(*) FROM daily",
          ref="WITH daily(day, n) AS (SELECT trunc_local('day', ts, 'UTC'), count(*) "
              "FROM events GROUP BY 1) SELECT max(n), min(n), count(*) FROM daily",
          comment="CTE column names"),
    query("WITH m AS (SELECT merchant, count(*) AS n FROM events GROUP BY 1)\n"
          "SELECT 'max', max(n) FROM m UNION ALL SELECT 'min', min(n) FROM m",
          comment="one CTE used twice"),
    query("WITH purchases AS (SELECT * FROM events WHERE event = 'purchase')\n"
          "SELECT utm_source, count(*), sum(value) FROM purchases GROUP BY 1 "
          "ORDER BY 1 NULLS FIRST"),

    comment("UNION ALL"),
    query("SELECT 'pageviews' AS metric, count(*) FROM events WHERE event = 'page_view'\n"
          "UNION ALL SELECT 'purchases', count(*) FROM events WHERE event = 'purchase'"),
    query("SELECT merchant, page FROM events WHERE merchant = 'm3'\n"
          "UNION ALL SELECT merchant, page FROM events WHERE merchant = 'm4'\n"
          "ORDER BY 1, 2 LIMIT 8",
          ref="SELECT merchant, page FROM events WHERE merchant = 'm3' UNION ALL "
              "SELECT merchant, page FROM events WHERE merchant = 'm4' "
              "ORDER BY 1, 2 NULLS LAST LIMIT 8"),
    query("SELECT merchant, page FROM events WHERE merchant = 'm4' AND page = '/about'\n"
          "UNION ALL SELECT merchant, page FROM events WHERE merchant = 'm4' AND page IS NULL\n"
          "ORDER BY 2 DESC",
          ref="SELECT merchant, page FROM events WHERE merchant = 'm4' AND page = '/about' "
              "UNION ALL SELECT merchant, page FROM events WHERE merchant = 'm4' AND "
              "page IS NULL ORDER BY 2 DESC NULLS FIRST"),
    query("SELECT 1 UNION ALL SELECT 2.5 UNION ALL SELECT NULL", types="R",
          comment="branches coerce to a common type"),
    query("SELECT count(*) FROM (SELECT client_id FROM events WHERE merchant = 'm1'\n"
          "  UNION ALL SELECT client_id FROM events WHERE merchant = 'm2') u"),
    query("SELECT DISTINCT c FROM (SELECT client_id AS c FROM events WHERE merchant = 'm1'\n"
          "  UNION ALL SELECT client_id FROM events WHERE merchant = 'm2') u "
          "WHERE c LIKE 'c-%'"),

    comment("The dashboard questions (see the issue's Q1-Q8)"),
    query("SELECT date_trunc('day', ts) AS day,\n"
          "       count(*) FILTER (WHERE event = 'page_view') AS pageviews,\n"
          "       count(DISTINCT client_id) AS users, count(DISTINCT session_id) AS sessions\n"
          "FROM events WHERE merchant = 'm1' AND ts >= now() - INTERVAL '30 days'\n"
          "GROUP BY 1 ORDER BY 1",
          types="ZIII",
          ref="SELECT trunc_local('day', ts, 'UTC'), count(*) FILTER (WHERE event = "
              "'page_view'), count(DISTINCT client_id), count(DISTINCT session_id) FROM events "
              "WHERE merchant = 'm1' GROUP BY 1 ORDER BY 1",
          comment="Q1 daily pageviews, users, sessions"),
    query("SELECT time_bucket('1 hour', ts) AS hour, count(*) AS pageviews FROM events\n"
          "WHERE merchant = 'm1' AND event = 'page_view' AND ts >= now() - INTERVAL '1 day'\n"
          "GROUP BY 1 ORDER BY 1",
          types="ZI",
          ref="SELECT ts / 3600000000 * 3600000000, count(*) FROM events WHERE merchant = 'm1' "
              "AND event = 'page_view' AND ts >= %d GROUP BY 1 ORDER BY 1"
              % T("2026-11-07T00:00:00Z"),
          comment="Q2 hourly pageviews"),
    query("SELECT page, count(*) AS views FROM events WHERE merchant = 'm1' AND "
          "event = 'page_view'\nGROUP BY page ORDER BY views DESC, page LIMIT 5",
          comment="Q3 top pages"),
    query("SELECT coalesce(utm_source, '(direct)') AS source,\n"
          "       count(DISTINCT session_id) AS sessions,\n"
          "       count(DISTINCT session_id) FILTER (WHERE event = 'purchase') * 1.0\n"
          "         / count(DISTINCT session_id) AS conversion,\n"
          "       coalesce(sum(value) FILTER (WHERE event = 'purchase'), 0) AS revenue\n"
          "FROM events WHERE merchant = 'm1' GROUP BY 1 ORDER BY 1",
          types="TIRR",
          comment="Q5 conversion rate and revenue by utm_source"),
    query("SELECT merchant, count(*) FROM events WHERE ts >= now() - INTERVAL '1 day'\n"
          "GROUP BY merchant ORDER BY 2 DESC, 1 LIMIT 10",
          ref="SELECT merchant, count(*) FROM events WHERE ts >= %d GROUP BY merchant "
              "ORDER BY 2 DESC, 1 LIMIT 10" % T("2026-11-07T00:00:00Z"),
          comment="Q6 top merchants on the last day"),
    query("SELECT country, count(DISTINCT client_id) AS users FROM events "
          "WHERE merchant = 'm1'\nGROUP BY country ORDER BY users DESC, country NULLS LAST",
          comment="Q7 unique users by country"),
    query("SELECT count(DISTINCT client_id) AS active_users FROM events\n"
          "WHERE merchant = 'm1' AND ts >= now() - INTERVAL '5 minutes'",
          ref="SELECT count(DISTINCT client_id) FROM events WHERE merchant = 'm1' AND ts >= %d"
              % T("2026-11-07T23:55:00Z"),
          comment="Q8 active users in the last 5 minutes"),
]
