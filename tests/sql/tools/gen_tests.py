#!/usr/bin/python3
"""Regenerates tests/sql/*.test from the case lists in tests/sql/tools/cases_*.py.

Each case names the Strata SQL and how to compute its answer without Strata:
  - ref=None: the same SQL run by SQLite over the same events (reference.py);
  - ref="SELECT ...": SQLite SQL that means the same (time as integer µs, Python UDFs
    for time zones, regexp, percentile_cont, params['k'], ...);
  - ref=callable: Python over reference.EVENTS returning rows;
  - expect=[...]: literal rows, for constants whose PostgreSQL answer is known (a comment
    says why).
For ordered queries the reference is run twice, once with SQLite's
reverse_unordered_selects, and must give the same order: an ORDER BY that is not total
fails here instead of becoming a flaky test.

Run from anywhere: /usr/bin/python3 tests/sql/tools/gen_tests.py
"""

import importlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)

import reference  # noqa: E402

OUT_DIR = os.path.normpath(os.path.join(HERE, ".."))
CASE_MODULES = ["cases_basics", "cases_expressions", "cases_aggregates", "cases_time",
                "cases_queries", "cases_errors", "cases_limits"]


class Case:
    def __init__(self, kind, sql, **kw):
        self.kind = kind  # statement | query | error | comment
        self.sql = sql.strip()
        self.kw = kw


def statement(sql, comment=None):
    return Case("statement", sql, comment=comment)


def query(sql, ref=None, expect=None, sort=None, types=None, comment=None, **options):
    return Case("query", sql, ref=ref, expect=expect, sort=sort, types=types, comment=comment,
                options=options)


def contains(sql, lines, comment=None, **options):
    return Case("query", sql, expect=lines, sort="contains", comment=comment, options=options)


def error(code, sql, at=None, at_end=False, comment=None, **options):
    """An expected error; `at` is the text the error position points at (first occurrence,
    or the occurrence after `|` if written 'prefix|token'), at_end = end of input."""
    position = None
    if at_end:
        position = len(sql.strip()) + 1
    elif at is not None:
        if "|" in at:
            prefix, token = at.split("|")
            position = sql.strip().index(prefix + token) + len(prefix) + 1
        else:
            position = sql.strip().index(at) + 1
    return Case("error", sql, code=code, position=position, comment=comment, options=options)


def comment(text):
    return Case("comment", "", text=text)


def options_text(options):
    words = []
    for key in ("scope", "now", "max_rows", "memory_limit"):
        if key in options:
            v = options[key]
            words.append("%s=%s" % (key, ",".join(v) if isinstance(v, (list, tuple)) else v))
    unknown = set(options) - {"scope", "now", "max_rows", "memory_limit"}
    assert not unknown, unknown
    return words


def run_reference(db, case):
    ref = case.kw["ref"]
    if callable(ref):
        return [tuple(r) for r in ref()]
    sql = ref if ref is not None else case.sql
    scope = case.kw["options"].get("scope")
    if scope is not None:
        # A TEMP view shadows main.events: the reference sees only the scoped merchants.
        db.execute("CREATE TEMP VIEW events AS SELECT * FROM main.events WHERE merchant IN (%s)"
                   % ",".join("'%s'" % m for m in scope))
    try:
        return run_reference_sql(db, case, sql)
    finally:
        if scope is not None:
            db.execute("DROP VIEW temp.events")


def run_reference_sql(db, case, sql):
    rows = db.execute(sql).fetchall()
    if has_top_level_order(case.sql) and case.kw.get("sort") != "rowsort":
        db.execute("PRAGMA reverse_unordered_selects = ON")
        again = db.execute(sql).fetchall()
        db.execute("PRAGMA reverse_unordered_selects = OFF")
        if again != rows:
            raise SystemExit("ORDER BY is not total, the order would be arbitrary:\n" + case.sql)
    return rows


def has_top_level_order(sql):
    depth = 0
    text = sql.upper()
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and text.startswith("ORDER BY", i):
            return True
    return False


def render_rows(rows, types):
    lines = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cells.append(reference.pg_text(v, types[i] if types else None))
        lines.append("|".join(cells))
    return lines


def emit(case, db, out):
    kw = case.kw
    if case.kind == "comment":
        out.append("# " + kw["text"])
        out.append("")
        return 0
    if kw.get("comment"):
        for line in kw["comment"].split("\n"):
            out.append("# " + line)
    assert "\n\n" not in case.sql, case.sql
    if case.kind == "statement":
        out += ["statement ok", case.sql, ""]
        db_statement(db, case.sql)
        return 1
    if case.kind == "error":
        header = ["error", kw["code"]] + options_text(kw["options"])
        if kw["position"] is not None:
            header.append("position=%d" % kw["position"])
        out += [" ".join(header), case.sql, ""]
        return 1
    if kw["expect"] is not None:
        lines = list(kw["expect"])
    else:
        try:
            lines = render_rows(run_reference(db, case), kw.get("types"))
        except Exception as e:
            raise SystemExit("reference failed for:\n%s\n%s" % (case.sql, e))
    sort = kw["sort"]
    if sort is None:
        sort = "nosort" if has_top_level_order(case.sql) or len(lines) <= 1 else "rowsort"
    if sort == "rowsort":
        lines.sort()
    header = ["query"]
    if sort != "nosort":
        header.append(sort)
    if kw.get("types"):
        header.append("types=" + kw["types"])
    header += options_text(kw["options"])
    out += [" ".join(header), case.sql, "----"] + lines + [""]
    return 1


def db_statement(db, sql):
    """Statements only set the session time zone; the reference cases pass zones explicitly."""
    assert re.match(r"(?i)(SET|RESET|BEGIN|COMMIT)\b", sql), sql


def main():
    total = 0
    db = reference.connect()
    for name in CASE_MODULES:
        module = importlib.import_module(name)
        out = ["# Generated by tests/sql/tools/gen_tests.py from tests/sql/tools/%s.py." % name,
               "# Expected rows come from SQLite / Python over tests/sql/data/events.ndjson",
               "# (tools/reference.py), never from Strata. Edit the case file, then regenerate.",
               ""] + ["# " + line if line else "#" for line in module.__doc__.strip().split("\n")]
        out.append("")
        count = 0
        for case in module.CASES:
            count += emit(case, db, out)
        path = os.path.join(OUT_DIR, module.TEST_FILE)
        with open(path, "w") as f:
            f.write("\n".join(out).rstrip("\n") + "\n")
        print("%-24s %3d cases" % (module.TEST_FILE, count))
        total += count
    print("total %d cases" % total)


if __name__ == "__main__":
    main()
