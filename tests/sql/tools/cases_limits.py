"""Result and memory limits (54000), EXPLAIN, and the merchant scope of a session."""

from gen_tests import comment, contains, error, query

TEST_FILE = "limits.test"

CASES = [
    comment("54000: more result rows than the session allows"),
    error("54000", "SELECT page FROM events WHERE merchant = 'm1'", max_rows=5),
    error("54000", "SELECT page, count(*) FROM events GROUP BY page", max_rows=5),
    query("SELECT page FROM events WHERE merchant = 'm1' ORDER BY ts LIMIT 5", max_rows=5,
          comment="exactly at the limit is fine"),
    query("SELECT merchant, count(*) FROM events GROUP BY 1 ORDER BY 1", max_rows=5),

    comment("54000: a statement that needs more memory than its budget fails cleanly"),
    error("54000", "SELECT DISTINCT event_id, ts, page, client_id, session_id, title "
                   "FROM events", memory_limit=1024),
    error("54000", "SELECT client_id, session_id, page, count(*) FROM events GROUP BY 1, 2, 3",
          memory_limit=1024),
    error("54000", "SELECT page, title, referrer FROM events ORDER BY ts", memory_limit=1024),
    query("SELECT count(*) FROM events", memory_limit=1000000,
          comment="a plain count fits in a modest budget"),
    query("SELECT count(*) FROM events WHERE merchant = 'm2'",
          comment="the session is still usable after the failures above"),

    comment("EXPLAIN returns the plan as rows of text; it mentions the scan"),
    contains("EXPLAIN SELECT count(*) FROM events WHERE merchant = 'm1'", ["scan"]),
    contains("EXPLAIN SELECT page, count(*) FROM events WHERE ts >= now() - INTERVAL '1 day' "
             "GROUP BY 1 ORDER BY 2 DESC LIMIT 3", ["scan"]),
    contains("EXPLAIN ANALYZE SELECT count(*) FROM events WHERE merchant = 'm2'",
             ["scan", "rows"]),
    contains("EXPLAIN SELECT count(*) FROM (SELECT session_id, count(*) AS n FROM events "
             "GROUP BY 1) s WHERE n = 1", ["scan"]),

    comment("The session's merchant scope: other merchants' rows do not exist for it "
            "(the reference runs on a view of the scoped merchants)"),
    query("SELECT count(*) FROM events", scope=["m2"]),
    query("SELECT merchant, count(*) FROM events GROUP BY 1 ORDER BY 1", scope=["m1", "m3"]),
    query("SELECT count(*) FROM events WHERE merchant = 'm1'", scope=["m2"]),
    query("SELECT count(*) FROM events WHERE merchant = 'm1' OR true", scope=["m3"]),
    query("SELECT count(*), count(DISTINCT client_id) FROM events", scope=["nobody"],
          comment="an unknown merchant: no rows, not an error"),
    query("SELECT count(DISTINCT client_id) FROM events", scope=["m1", "m2"]),
    query("SELECT page, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3",
          scope=["m2"]),
]
