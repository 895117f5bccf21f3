"""Aggregates: count variants, sum/avg/min/max, FILTER, HAVING, approx_count_distinct,
quantile / percentile_cont."""

import math

import reference
from gen_tests import comment, query

TEST_FILE = "aggregates.test"


def exact_distinct(column, merchant=None):
    return len({e[column] for e in reference.EVENTS
                if e[column] is not None and (merchant is None or e["merchant"] == merchant)})


def approx_case(column, merchant=None):
    """approx_count_distinct within 10% of the exact count (computed here)."""
    exact = exact_distinct(column, merchant)
    lo, hi = math.floor(exact * 0.9), math.ceil(exact * 1.1)
    where = " WHERE merchant = '%s'" % merchant if merchant else ""
    return query("SELECT approx_count_distinct(%s) BETWEEN %d AND %d FROM events%s"
                 % (column, lo, hi, where), types="B", expect=["t"],
                 comment="exact count(DISTINCT %s)%s is %d" % (column, where, exact))


CASES = [
    comment("count(*), count(x) skips NULLs, count(DISTINCT x) is exact"),
    query("SELECT count(*), count(user_id), count(DISTINCT user_id), count(value) FROM events",
          types="IIII"),
    query("SELECT count(DISTINCT client_id) FROM events",
          comment="client ids are strings: 'c-shared' of m1 and m2 counts once"),
    query("SELECT merchant, count(DISTINCT client_id), count(DISTINCT session_id) FROM events "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT count(DISTINCT device), count(DISTINCT page), count(DISTINCT event) "
          "FROM events"),
    query("SELECT count(DISTINCT merchant) FROM events WHERE client_id = 'c-shared'"),
    query("SELECT country, count(DISTINCT client_id) AS users FROM events "
          "GROUP BY country ORDER BY users DESC, country",
          ref="SELECT country, count(DISTINCT client_id) AS users FROM events "
              "GROUP BY country ORDER BY users DESC, country NULLS LAST"),

    comment("sum, avg, min, max"),
    query("SELECT sum(value), avg(value), min(value), max(value) FROM events", types="RRRR"),
    query("SELECT merchant, sum(value), avg(value), min(value), max(value) FROM events "
          "GROUP BY merchant ORDER BY merchant"),
    query("SELECT min(page), max(page), min(country), max(country) FROM events"),
    query("SELECT merchant, min(ts), max(ts) FROM events GROUP BY 1 ORDER BY 1", types="TZZ"),
    query("SELECT sum(length(page)), max(length(title)) FROM events", types="II"),
    query("SELECT sum(value * 2), avg(value + 1) FROM events WHERE merchant = 'm2'"),
    query("SELECT sum(DISTINCT value), count(DISTINCT value) FROM events"),

    comment("Aggregates over no rows: count 0, the others NULL; grouped: no rows at all"),
    query("SELECT count(*), count(value), sum(value), avg(value), min(page), max(ts) "
          "FROM events WHERE merchant = 'nobody'", types="IIRRTZ"),
    query("SELECT merchant, count(*) FROM events WHERE merchant = 'nobody' GROUP BY merchant"),
    query("SELECT sum(value), avg(value) FROM events WHERE merchant = 'm4'"),

    comment("GROUP BY: NULL is a group of its own; expressions and several keys"),
    query("SELECT device, count(*) FROM events GROUP BY device ORDER BY device NULLS FIRST"),
    query("SELECT merchant, device, count(*), sum(value) FROM events GROUP BY merchant, device "
          "ORDER BY merchant, device NULLS FIRST"),
    query("SELECT lower(coalesce(country, 'zz')), count(*) FROM events GROUP BY 1 ORDER BY 1"),
    query("SELECT count(*) FROM events GROUP BY merchant ORDER BY 1",
          comment="grouping keys need not be selected"),
    query("SELECT value IS NULL, count(*) FROM events GROUP BY 1 ORDER BY 1", types="BI"),

    comment("FILTER (WHERE ...) on any aggregate"),
    query("SELECT merchant, count(*) FILTER (WHERE event = 'purchase') AS purchases, "
          "sum(value) FILTER (WHERE event = 'purchase') AS revenue FROM events "
          "GROUP BY merchant ORDER BY merchant"),
    query("SELECT count(*) FILTER (WHERE device = 'mobile'), "
          "count(DISTINCT client_id) FILTER (WHERE device = 'mobile'), "
          "avg(value) FILTER (WHERE event = 'add_to_cart'), "
          "max(page) FILTER (WHERE event = 'click') FROM events"),
    query("SELECT merchant, count(DISTINCT session_id) FILTER (WHERE event = 'purchase') * 1.0 "
          "/ count(DISTINCT session_id) AS conversion FROM events WHERE session_id IS NOT NULL "
          "GROUP BY 1 ORDER BY 1"),
    query("SELECT count(*) FILTER (WHERE false), sum(value) FILTER (WHERE false) FROM events"),

    comment("HAVING"),
    query("SELECT page, count(*) FROM events GROUP BY page HAVING count(*) >= 10 "
          "ORDER BY 2 DESC, 1"),
    query("SELECT merchant, sum(value) FROM events GROUP BY merchant "
          "HAVING sum(value) > 300 ORDER BY 1"),
    query("SELECT country FROM events GROUP BY country HAVING count(DISTINCT client_id) > 5 "
          "ORDER BY 1",
          comment="HAVING may use aggregates that are not selected"),
    query("SELECT merchant, count(*) FROM events GROUP BY 1 "
          "HAVING min(ts) < '2026-11-01T00:00:00Z' ORDER BY 1",
          ref="SELECT merchant, count(*) FROM events GROUP BY 1 HAVING min(ts) < %d ORDER BY 1"
              % reference.T("2026-11-01T00:00:00Z")),
    query("SELECT device, count(*) FROM events GROUP BY device "
          "HAVING device IS NULL OR count(*) > 40 ORDER BY 1 NULLS FIRST"),

    comment("approx_count_distinct: HyperLogLog, asserted within 10%"),
    approx_case("client_id"),
    approx_case("client_id", "m1"),
    approx_case("page"),
    approx_case("session_id"),
    approx_case("event_id"),

    comment("quantile(x, p) and percentile_cont(x, p): exact, linear interpolation (the "
            "WITHIN GROUP form is not supported: 0A000, see errors.test)"),
    query("SELECT quantile(value, 0.5), quantile(value, 0), quantile(value, 1) FROM events",
          types="RRR",
          ref="SELECT percentile_cont(value, 0.5), percentile_cont(value, 0), "
              "percentile_cont(value, 1) FROM events"),
    query("SELECT merchant, quantile(value, 0.9) FROM events WHERE value IS NOT NULL "
          "GROUP BY 1 ORDER BY 1",
          ref="SELECT merchant, percentile_cont(value, 0.9) FROM events "
              "WHERE value IS NOT NULL GROUP BY 1 ORDER BY 1"),
    query("SELECT percentile_cont(value, 0.25) FROM events",
          types="R", ref="SELECT percentile_cont(value, 0.25) FROM events"),
    query("SELECT merchant, percentile_cont(value, 0.5) FROM events GROUP BY 1 ORDER BY 1"),
    query("SELECT quantile(length(page), 0.5) FROM events",
          ref="SELECT percentile_cont(length(page), 0.5) FROM events"),
]
