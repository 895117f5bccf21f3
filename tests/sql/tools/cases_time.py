"""Time: now(), INTERVAL, timestamp literals, to_timestamp, extract, time_bucket and
date_trunc with and without a zone, SET/SHOW timezone.

Timestamps print in UTC ('...+00'): query::Value::ToString has no zone. Europe/Berlin is
UTC+1 all through the data; America/New_York leaves daylight time on 2026-11-01 at 06:00Z
(UTC-4 before, UTC-5 after), so local days there differ in length.
"""

from gen_tests import comment, query, statement
from reference import T

TEST_FILE = "time.test"


def per(expr, where=""):
    """SQLite reference for `SELECT <bucket>, count(*) ... GROUP BY 1 ORDER BY 1`."""
    return "SELECT pg_ts(%s) AS b, count(*) FROM events %s GROUP BY 1 ORDER BY 1" % (expr, where)


CASES = [
    comment("now() is fixed by the runner: 2026-11-08T00:00:00Z unless the query says now="),
    query("SELECT now()", types="Z", expect=["2026-11-08 00:00:00+00"]),
    query("SELECT now(), current_timestamp", now="2026-11-05T12:30:00Z", types="ZZ",
          expect=["2026-11-05 12:30:00+00|2026-11-05 12:30:00+00"]),
    query("SELECT count(*) FROM events WHERE ts >= now() - INTERVAL '1 day'",
          ref="SELECT count(*) FROM events WHERE ts >= %d" % T("2026-11-07T00:00:00Z")),
    query("SELECT count(*) FROM events WHERE ts >= now() - INTERVAL '1 day' AND ts < now()",
          now="2026-11-03T00:00:00Z",
          ref="SELECT count(*) FROM events WHERE ts >= %d AND ts < %d"
              % (T("2026-11-02T00:00:00Z"), T("2026-11-03T00:00:00Z"))),
    query("SELECT count(DISTINCT client_id), count(*) FROM events "
          "WHERE ts >= now() - INTERVAL '5 minutes'",
          ref="SELECT count(DISTINCT client_id), count(*) FROM events WHERE ts >= %d"
              % T("2026-11-07T23:55:00Z"),
          comment="active users in the last 5 minutes"),
    query("SELECT page, count(*) FROM events WHERE ts > now() - INTERVAL '5 minutes' "
          "GROUP BY 1 ORDER BY 2 DESC, 1",
          ref="SELECT page, count(*) FROM events WHERE ts > %d GROUP BY 1 ORDER BY 2 DESC, 1"
              % T("2026-11-07T23:55:00Z")),
    query("SELECT count(*) FROM events WHERE ts >= now() - INTERVAL '7 days'",
          ref="SELECT count(*) FROM events WHERE ts >= %d" % T("2026-11-01T00:00:00Z")),
    query("SELECT count(*) FROM events WHERE ts < now() - INTERVAL '1 week'",
          ref="SELECT count(*) FROM events WHERE ts < %d" % T("2026-11-01T00:00:00Z")),
    query("SELECT count(*) FROM events WHERE ts > now() - INTERVAL '1 hour 30 minutes'",
          now="2026-11-05T13:00:00Z",
          ref="SELECT count(*) FROM events WHERE ts > %d" % T("2026-11-05T11:30:00Z")),

    comment("Intervals"),
    query("SELECT INTERVAL '1 day 2 hours', INTERVAL '90 minutes', INTERVAL '7 days'",
          types="VVV", expect=["1 day 02:00:00|01:30:00|7 days"],
          comment="PostgreSQL's interval output"),
    query("SELECT INTERVAL '1 hour 30 minutes' = INTERVAL '90 minutes'", types="B",
          expect=["t"]),
    query("SELECT '2026-11-01T00:00:00Z'::timestamptz + INTERVAL '36 hours', "
          "'2026-11-01T00:00:00Z'::timestamptz - INTERVAL '1 day 30 minutes'", types="ZZ",
          expect=["2026-11-02 12:00:00+00|2026-10-30 23:30:00+00"]),
    query("SELECT ts + INTERVAL '1 hour', ts - INTERVAL '15 minutes' FROM events "
          "WHERE session_id = 's13'", types="ZZ",
          expect=["2026-11-04 13:00:00+00|2026-11-04 11:45:00+00"]),

    comment("Timestamp literals: RFC 3339, PostgreSQL's form, typed literals, offsets"),
    query("SELECT count(*) FROM events WHERE ts >= '2026-11-05T00:00:00Z'::timestamptz "
          "AND ts < '2026-11-06T00:00:00Z'::timestamptz",
          ref="SELECT count(*) FROM events WHERE ts >= %d AND ts < %d"
              % (T("2026-11-05T00:00:00Z"), T("2026-11-06T00:00:00Z"))),
    query("SELECT count(*) FROM events WHERE ts >= TIMESTAMPTZ '2026-11-05 00:00:00+00' "
          "AND ts < timestamptz '2026-11-06 00:00:00+00'",
          ref="SELECT count(*) FROM events WHERE ts >= %d AND ts < %d"
              % (T("2026-11-05T00:00:00Z"), T("2026-11-06T00:00:00Z"))),
    query("SELECT '2026-11-05T01:00:00+01:00'::timestamptz, "
          "'2026-11-05 00:00:00.25'::timestamptz", types="ZZ",
          expect=["2026-11-05 00:00:00+00|2026-11-05 00:00:00.25+00"]),
    query("SELECT count(*) FROM events WHERE ts = '2026-11-05T23:00:00Z'",
          ref="SELECT count(*) FROM events WHERE ts = %d" % T("2026-11-05T23:00:00Z")),
    query("SELECT '2026-11-02T00:00:00Z'::timestamptz > '2026-11-01T23:59:59.999Z'::timestamptz",
          types="B", expect=["t"]),

    comment("to_timestamp(seconds)"),
    query("SELECT to_timestamp(1793534400), to_timestamp(1793534400.5), to_timestamp(0)",
          types="ZZZ",
          expect=["2026-11-01 12:00:00+00|2026-11-01 12:00:00.5+00|1970-01-01 00:00:00+00"]),
    query("SELECT count(*) FROM events WHERE ts >= to_timestamp(1793534400)",
          ref="SELECT count(*) FROM events WHERE ts >= 1793534400000000"),

    comment("extract (UTC session)"),
    query("SELECT extract(epoch FROM ts) FROM events WHERE event_id = 'ord-1001'",
          ref="SELECT extract_local('epoch', ts, 'UTC') FROM events WHERE event_id = 'ord-1001'"),
    query("SELECT extract(epoch FROM ts) FROM events WHERE session_id = 's09' ORDER BY ts",
          ref="SELECT extract_local('epoch', ts, 'UTC') FROM events WHERE session_id = 's09' "
              "ORDER BY ts"),
    query("SELECT extract(hour FROM ts) AS h, count(*) FROM events WHERE merchant = 'm1' "
          "GROUP BY 1 ORDER BY 1",
          ref="SELECT extract_local('hour', ts, 'UTC') AS h, count(*) FROM events "
              "WHERE merchant = 'm1' GROUP BY 1 ORDER BY 1"),
    query("SELECT extract(dow FROM ts) AS d, count(*) FROM events GROUP BY 1 ORDER BY 1",
          ref="SELECT extract_local('dow', ts, 'UTC') AS d, count(*) FROM events "
              "GROUP BY 1 ORDER BY 1",
          comment="Sunday is 0; 2026-11-01 is a Sunday"),
    query("SELECT extract(year FROM ts), extract(month FROM ts), extract(day FROM ts), "
          "extract(minute FROM ts), extract(doy FROM ts), extract(isodow FROM ts) "
          "FROM events WHERE event_id = 'ord-1002'",
          ref="SELECT extract_local('year', ts, 'UTC'), extract_local('month', ts, 'UTC'), "
              "extract_local('day', ts, 'UTC'), extract_local('minute', ts, 'UTC'), "
              "extract_local('doy', ts, 'UTC'), extract_local('isodow', ts, 'UTC') "
              "FROM events WHERE event_id = 'ord-1002'"),
    query("SELECT date_part('hour', ts), date_part('dow', ts) FROM events "
          "WHERE session_id = 's13'", expect=["12|3"],
          comment="2026-11-04 12:00Z is a Wednesday"),

    comment("time_bucket without a zone: UTC"),
    query("SELECT time_bucket('1 day', ts) AS day, count(*) FROM events WHERE merchant = 'm1' "
          "GROUP BY 1 ORDER BY 1", types="ZI",
          ref=per("ts / 86400000000 * 86400000000", "WHERE merchant = 'm1'")),
    query("SELECT time_bucket('15 minutes', ts) AS b, count(*) FROM events "
          "WHERE merchant = 'm2' AND ts < '2026-11-04T00:00:00Z' GROUP BY 1 ORDER BY 1",
          ref=per("ts / 900000000 * 900000000",
                  "WHERE merchant = 'm2' AND ts < %d" % T("2026-11-04T00:00:00Z"))),
    query("SELECT time_bucket('1 hour', ts), count(*) FROM events "
          "WHERE ts >= '2026-11-07T00:00:00Z' GROUP BY 1 ORDER BY 1",
          ref=per("ts / 3600000000 * 3600000000", "WHERE ts >= %d" % T("2026-11-07T00:00:00Z"))),

    comment("time_bucket with a zone: buckets follow the local wall clock"),
    query("SELECT time_bucket('1 day', ts, 'Europe/Berlin') AS day, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1",
          ref=per("bucket_local(86400, ts, 'Europe/Berlin')")),
    query("SELECT time_bucket('1 day', ts, 'America/New_York') AS day, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1",
          ref=per("bucket_local(86400, ts, 'America/New_York')"),
          comment="2026-11-01 in New York is 25 hours long: 04:00Z to 05:00Z next day"),
    query("SELECT time_bucket('6 hours', ts, 'America/New_York') AS b, count(*) FROM events "
          "WHERE merchant = 'm2' AND ts < '2026-11-02T00:00:00Z' GROUP BY 1 ORDER BY 1",
          ref=per("bucket_local(21600, ts, 'America/New_York')",
                  "WHERE merchant = 'm2' AND ts < %d" % T("2026-11-02T00:00:00Z"))),
    query("SELECT time_bucket('15 minutes', ts, 'Europe/Berlin') = time_bucket('15 minutes', ts), "
          "count(*) FROM events GROUP BY 1", types="BI",
          ref="SELECT bucket_local(900, ts, 'Europe/Berlin') = ts / 900000000 * 900000000, "
              "count(*) FROM events GROUP BY 1"),

    comment("date_trunc, with and without a zone"),
    query("SELECT date_trunc('day', ts) AS d, count(*) FROM events GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('day', ts, 'UTC')")),
    query("SELECT date_trunc('hour', ts), count(*) FROM events WHERE merchant = 'm3' "
          "GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('hour', ts, 'UTC')", "WHERE merchant = 'm3'")),
    query("SELECT date_trunc('month', ts) AS m, count(*) FROM events GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('month', ts, 'UTC')")),
    query("SELECT date_trunc('week', ts) AS w, count(*) FROM events GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('week', ts, 'UTC')"), comment="weeks start on Monday"),
    query("SELECT date_trunc('minute', ts) FROM events WHERE session_id = 's09' ORDER BY 1",
          ref="SELECT pg_ts(trunc_local('minute', ts, 'UTC')) FROM events "
              "WHERE session_id = 's09' ORDER BY 1"),
    query("SELECT date_trunc('day', ts, 'Europe/Berlin') AS d, count(*) FROM events "
          "GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('day', ts, 'Europe/Berlin')")),
    query("SELECT date_trunc('day', ts, 'America/New_York') AS d, count(*) FROM events "
          "WHERE merchant = 'm2' GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('day', ts, 'America/New_York')", "WHERE merchant = 'm2'")),

    comment("SET / SHOW timezone: the session zone drives date_trunc, extract and literals"),
    query("SHOW timezone", expect=["UTC"]),
    statement("SET timezone = 'Europe/Berlin'"),
    query("SHOW timezone", expect=["Europe/Berlin"]),
    query("SELECT date_trunc('day', ts) AS d, count(*) FROM events GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('day', ts, 'Europe/Berlin')")),
    query("SELECT extract(hour FROM ts), extract(day FROM ts) FROM events "
          "WHERE session_id IN ('s13', 's02') ORDER BY ts",
          ref="SELECT extract_local('hour', ts, 'Europe/Berlin'), "
              "extract_local('day', ts, 'Europe/Berlin') FROM events "
              "WHERE session_id IN ('s13', 's02') ORDER BY ts"),
    query("SELECT '2026-11-05 00:00:00'::timestamptz", types="Z",
          expect=["2026-11-04 23:00:00+00"],
          comment="text without an offset is in the session zone (printed in UTC)"),
    query("SELECT count(*) FROM events WHERE ts >= '2026-11-06 00:00:00' "
          "AND ts < '2026-11-07 00:00:00'",
          ref="SELECT count(*) FROM events WHERE ts >= %d AND ts < %d"
              % (T("2026-11-05T23:00:00Z"), T("2026-11-06T23:00:00Z"))),
    query("SELECT time_bucket('1 day', ts, 'UTC') AS day, count(*) FROM events "
          "WHERE merchant = 'm3' GROUP BY 1 ORDER BY 1",
          ref=per("ts / 86400000000 * 86400000000", "WHERE merchant = 'm3'"),
          comment="an explicit zone wins over the session's"),
    statement("SET TIME ZONE 'America/New_York'"),
    query("SHOW TIME ZONE", expect=["America/New_York"]),
    query("SELECT date_trunc('day', ts) AS d, count(*) FROM events WHERE merchant = 'm2' "
          "GROUP BY 1 ORDER BY 1",
          ref=per("trunc_local('day', ts, 'America/New_York')", "WHERE merchant = 'm2'")),
    query("SELECT extract(hour FROM ts) FROM events WHERE session_id IN ('t01', 't02') "
          "ORDER BY ts",
          ref="SELECT extract_local('hour', ts, 'America/New_York') FROM events "
              "WHERE session_id IN ('t01', 't02') ORDER BY ts"),
    query("SELECT '2026-11-01 00:00:00'::timestamptz + INTERVAL '1 day', "
          "'2026-11-01 00:00:00'::timestamptz + INTERVAL '24 hours'", types="ZZ",
          expect=["2026-11-02 05:00:00+00|2026-11-02 04:00:00+00"],
          comment="a day across the end of daylight time is 25 hours; 24 hours is not a day"),
    statement("RESET timezone"),
    query("SHOW timezone", expect=["UTC"]),
    query("SELECT extract(hour FROM ts) FROM events WHERE session_id = 's13'",
          expect=["12"]),
]
