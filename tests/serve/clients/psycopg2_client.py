"""What a Python application sees from Strata through psycopg2.

usage: /usr/bin/python3 psycopg2_client.py HOST PORT USER PASSWORD DBNAME

USER is merchant shop-a of the serve tests' dataset (tests/serve/test_data.h): 40 events,
event i at 2026-11-01T10:00:00Z + i minutes, a purchase with value (i + 1) * 1.5 when
i % 4 == 0, else a page_view without value; title "Café #i"; page "/shop-a/i".

Prints one "ok ..." line per check; raises (exit 1) on the first failure.
"""
import datetime
import sys

import psycopg2
import psycopg2.errors
import psycopg2.extras

UTC = datetime.timezone.utc
BASE = datetime.datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
OID_INT8, OID_TEXT, OID_FLOAT8, OID_TIMESTAMPTZ = 20, 25, 701, 1184


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main():
    host, port, user, password, dbname = sys.argv[1:6]
    conn = psycopg2.connect(host=host, port=int(port), user=user, password=password,
                            dbname=dbname, connect_timeout=10, application_name="psycopg2-test")
    check(conn.server_version >= 90000, "server_version %r" % conn.server_version)
    check(conn.get_parameter_status("integer_datetimes") == "on", "integer_datetimes")
    print("ok connect, server_version", conn.server_version)

    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM events")
    (count,) = cur.fetchone()
    check(count == 40 and isinstance(count, int), "count %r" % (count,))
    print("ok count")

    # Parameters of several Python types; results typed by the column OIDs.
    cur.execute(
        "SELECT page, ts, value, title, event FROM events "
        "WHERE event = %s AND ts >= %s AND value > %s ORDER BY ts LIMIT %s",
        ("purchase", BASE + datetime.timedelta(minutes=8), 10.0, 5))
    check([d.name for d in cur.description] == ["page", "ts", "value", "title", "event"],
          "description names %r" % (cur.description,))
    check([d.type_code for d in cur.description] ==
          [OID_TEXT, OID_TIMESTAMPTZ, OID_FLOAT8, OID_TEXT, OID_TEXT],
          "description type codes %r" % ([d.type_code for d in cur.description],))
    rows = cur.fetchall()
    check(cur.rowcount == 5 and len(rows) == 5, "5 rows, got %d" % len(rows))
    for k, (page, ts, value, title, event) in enumerate(rows):
        i = 8 + 4 * k
        check(page == "/shop-a/%d" % i, "page %r" % page)
        check(isinstance(ts, datetime.datetime) and ts.tzinfo is not None,
              "ts is an aware datetime: %r" % (ts,))
        check(ts.utcoffset() == datetime.timedelta(0), "ts in UTC: %r" % (ts,))
        check(ts == BASE + datetime.timedelta(minutes=i), "ts %r" % (ts,))
        check(isinstance(value, float) and value == (i + 1) * 1.5, "value %r" % (value,))
        check(title == "Café #%d" % i, "title %r" % (title,))
        check(event == "purchase", "event %r" % (event,))
    print("ok parameterized query, types")

    # NULLs, fetchmany, aggregates with aliases.
    cur.execute("SELECT value FROM events WHERE event = 'page_view' ORDER BY ts")
    first = cur.fetchmany(3)
    check(first == [(None,), (None,), (None,)], "NULL values %r" % (first,))
    rest = cur.fetchall()
    check(len(rest) == 27, "fetchmany then fetchall: %d" % len(rest))
    cur.execute("SELECT event, count(*) AS n, sum(value) AS revenue FROM events "
                "GROUP BY event ORDER BY event")
    check(cur.fetchall() == [("page_view", 30, None), ("purchase", 10, 285.0)],
          "group by")
    print("ok NULLs, fetchmany, group by")

    # An error: SQLSTATE as pgcode, the transaction must be rolled back, then it works.
    try:
        cur.execute("SELECT no_such_column FROM events")
        raise AssertionError("no error for a bad column")
    except psycopg2.errors.UndefinedColumn as e:
        check(e.pgcode == "42703", "pgcode %r" % e.pgcode)
        check("no_such_column" in str(e), "message %r" % str(e))
    try:
        cur.execute("SELECT 1")
        raise AssertionError("statement ran in an aborted transaction")
    except psycopg2.errors.InFailedSqlTransaction as e:
        check(e.pgcode == "25P02", "pgcode %r" % e.pgcode)
    conn.rollback()
    cur.execute("SELECT count(*) FROM events WHERE ts < %s", (BASE + datetime.timedelta(minutes=10),))
    check(cur.fetchone() == (10,), "after rollback")
    try:
        cur.execute("SELECT 1 / 0")
        raise AssertionError("no error for a division by zero")
    except psycopg2.Error as e:
        check(e.pgcode == "22012", "pgcode %r" % e.pgcode)
    conn.rollback()
    print("ok errors, pgcode, rollback")

    # Autocommit, dict rows, a parameter with quotes, SET/SHOW.
    conn.autocommit = True
    dcur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    dcur.execute("SELECT page FROM events WHERE title = %s", ("Café #3",))
    check(dcur.fetchall() == [{"page": "/shop-a/3"}], "dict rows")
    dcur.execute("SELECT %s AS s", ("it's \"quoted\"",))
    check(dcur.fetchone()["s"] == "it's \"quoted\"", "quoted parameter")
    dcur.execute("SET TIME ZONE 'Europe/Berlin'")
    dcur.execute("SELECT ts FROM events ORDER BY ts LIMIT 1")
    ts = dcur.fetchone()["ts"]
    check(ts == BASE and ts.utcoffset() == datetime.timedelta(hours=1),
          "ts in Europe/Berlin: %r" % (ts,))
    cur.execute("SHOW TimeZone")
    check(cur.fetchone()[0] == "Europe/Berlin", "SHOW TimeZone")
    print("ok autocommit, dict rows, quoting, time zone")

    conn.close()
    print("all ok")


if __name__ == "__main__":
    main()
