"""The reference side of the SQL script tests: the dataset in Python and in SQLite.

Nothing here uses Strata. events.ndjson is decoded by the rules of docs/events.md (empty
string = absent = NULL, ts as RFC 3339 or epoch ms, numeric-string values, unknown
top-level fields and booleans as params, params stored as compact JSON the way
engine::EncodeParams writes them), loaded into an in-memory SQLite table `events`
(ts as integer µs UTC), and a few SQL functions SQLite lacks are added as Python UDFs:
time zone arithmetic with zoneinfo, regexp (RE2-compatible patterns only), split_part,
percentile_cont, ...

Values come back as Python values; pg_text() renders them the way PostgreSQL (and
query::Value::ToString) prints them.
"""

import datetime
import json
import math
import os
import re
import sqlite3
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "events.ndjson")

COLUMNS = ["merchant", "ts", "event", "client_id", "user_id", "session_id", "page", "title",
           "referrer", "utm_source", "utm_medium", "utm_campaign", "device", "os", "browser",
           "country", "language", "item_id", "value", "event_id", "params"]
KNOWN = set(COLUMNS)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def us_of(text):
    """RFC 3339 text -> µs since the epoch (exact, no float rounding)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", text)
    assert m, text
    base = datetime.datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(3) == "Z"
                                                         else m.group(3)))
    frac = int((m.group(2) or "0").ljust(6, "0")[:6])
    delta = base - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + frac


def encode_param_number(v):
    """engine::EncodeParams: integral values with %.0f, others with %.17g."""
    if math.isfinite(v) and v == math.floor(v) and abs(v) < 1e15:
        return "%.0f" % v
    return "%.17g" % v


def encode_params(pairs):
    if not pairs:
        return None
    parts = []
    for k, v in pairs:
        if isinstance(v, bool):
            v = "true" if v else "false"
        if isinstance(v, (int, float)):
            text = encode_param_number(float(v))
        else:
            text = json.dumps(v, ensure_ascii=False)
        parts.append(json.dumps(k, ensure_ascii=False) + ":" + text)
    return "{" + ",".join(parts) + "}"


def decode(line):
    doc = json.loads(line)
    row = {c: None for c in COLUMNS}
    params = []
    for key, v in doc.items():
        if key == "params":
            params.extend((k, pv) for k, pv in v.items() if pv is not None)
        elif key not in KNOWN:
            if v is not None:
                params.append((key, v))
        elif key == "ts":
            row["ts"] = round(v * 1000) if isinstance(v, (int, float)) else us_of(v)
        elif key == "value":
            row["value"] = float(v)
        elif v != "":
            row[key] = v
    row["params"] = encode_params(params)
    return row


def load_events():
    with open(DATA) as f:
        return [decode(line) for line in f if line.strip()]


EVENTS = load_events()


# ---- time zones --------------------------------------------------------------------------

def utc_dt(us):
    return EPOCH + datetime.timedelta(microseconds=us)


def us_of_dt(dt):
    delta = dt - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def local(us, tz):
    return utc_dt(us).astimezone(zoneinfo.ZoneInfo(tz))


def from_local(naive, tz):
    """A local wall-clock time -> µs UTC (times in this dataset's tests are never ambiguous)."""
    return us_of_dt(naive.replace(tzinfo=zoneinfo.ZoneInfo(tz)))


def trunc_local(unit, us, tz):
    """date_trunc(unit, ts, tz): truncate the wall-clock time in tz, back to UTC."""
    t = local(us, tz).replace(tzinfo=None)
    if unit == "minute":
        t = t.replace(second=0, microsecond=0)
    elif unit == "hour":
        t = t.replace(minute=0, second=0, microsecond=0)
    elif unit == "day":
        t = t.replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit == "week":  # ISO week: Monday
        t = (t - datetime.timedelta(days=t.weekday())).replace(hour=0, minute=0, second=0,
                                                                microsecond=0)
    elif unit == "month":
        t = t.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        raise ValueError(unit)
    return from_local(t, tz)


def bucket_local(seconds, us, tz):
    """time_bucket(width, ts, tz) for widths dividing a day: floor the wall clock."""
    t = local(us, tz).replace(tzinfo=None)
    wall = us_of_dt(t.replace(tzinfo=datetime.timezone.utc))
    width = seconds * 1_000_000
    floored = wall - wall % width
    return from_local(utc_dt(floored).replace(tzinfo=None), tz)


def extract_local(field, us, tz):
    t = local(us, tz)
    if field == "epoch":
        return us / 1e6
    if field == "hour":
        return t.hour
    if field == "minute":
        return t.minute
    if field == "day":
        return t.day
    if field == "month":
        return t.month
    if field == "year":
        return t.year
    if field == "dow":  # Sunday = 0
        return (t.weekday() + 1) % 7
    if field == "isodow":
        return t.isoweekday()
    if field == "doy":
        return t.timetuple().tm_yday
    raise ValueError(field)


# ---- PostgreSQL text forms -------------------------------------------------------------

def pg_float(x):
    """float8out: shortest round-trip digits; exponent form when exp < -4 or >= 15."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0" if math.copysign(1, x) < 0 else "0"
    r = repr(x)
    sign = "-" if r.startswith("-") else ""
    r = r.lstrip("-")
    mant, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    int_part, _, frac_part = mant.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # position of the decimal point relative to the first significant digit
    point = len(int_part.lstrip("0")) if int_part.strip("0") else -(len(frac_part) -
                                                                      len(frac_part.lstrip("0")))
    decimal_exp = point - 1 + exp
    digits = digits.rstrip("0") or "0"
    if decimal_exp < -4 or decimal_exp >= 15:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, m, "-" if decimal_exp < 0 else "+", abs(decimal_exp))
    if decimal_exp < 0:
        return sign + "0." + "0" * (-decimal_exp - 1) + digits
    if len(digits) <= decimal_exp + 1:
        return sign + digits + "0" * (decimal_exp + 1 - len(digits))
    return sign + digits[:decimal_exp + 1] + "." + digits[decimal_exp + 1:]


def pg_ts(us):
    """timestamptz in UTC: '2026-11-01 12:00:00+00', fraction only when non-zero."""
    t = utc_dt(us)
    text = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        text += ("." + "%06d" % t.microsecond).rstrip("0")
    return text + "+00"


def pg_text(v, type_code=None):
    """One cell as the script tests print it: NULL, (empty), t/f, numbers, timestamps."""
    if v is None:
        return "NULL"
    if type_code == "B":
        return "t" if v else "f"
    if type_code == "Z":
        return v if isinstance(v, str) else pg_ts(int(v))
    if type_code == "R":
        return pg_float(float(v))
    if type_code == "I":
        assert float(v) == int(v), v
        return str(int(v))
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float):
        return pg_float(v)
    if isinstance(v, int):
        return str(v)
    return v if v != "" else "(empty)"


# ---- SQLite ------------------------------------------------------------------------------

class PercentileCont:
    """percentile_cont(p) WITHIN GROUP (ORDER BY x) as PostgreSQL computes it."""

    def __init__(self):
        self.p = None
        self.xs = []

    def step(self, x, p):
        self.p = p
        if x is not None:
            self.xs.append(float(x))

    def finalize(self):
        if not self.xs:
            return None
        xs = sorted(self.xs)
        rank = self.p * (len(xs) - 1)
        lo = math.floor(rank)
        hi = math.ceil(rank)
        if lo == hi:
            return xs[lo]
        return xs[lo] + (rank - lo) * (xs[hi] - xs[lo])


def regexp_first(s, pattern):
    """regexp_match: the first capture group, or the whole match without groups; NULL if none."""
    if s is None:
        return None
    m = re.search(pattern, s)
    if m is None:
        return None
    return m.group(1) if m.re.groups else m.group(0)


def split_part(s, delim, n):
    if s is None or delim is None or n is None:
        return None
    parts = s.split(delim) if delim else [s]
    return parts[n - 1] if 1 <= n <= len(parts) else ""


def param(params, key):
    """params['key'] as text: strings unquoted, numbers in their stored spelling."""
    if params is None:
        return None
    pairs = json.loads(params)
    if key not in pairs:
        return None
    v = pairs[key]
    if isinstance(v, str):
        return v
    # the stored spelling of the number, exactly as written in the JSON text
    m = re.search(re.escape(json.dumps(key)) + r":(-?[0-9.eE+-]+)", params)
    return m.group(1)


def connect():
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")
    cols = ", ".join("%s %s" % (c, "INTEGER" if c == "ts" else "REAL" if c == "value"
                                else "TEXT") for c in COLUMNS)
    db.execute("CREATE TABLE events (%s)" % cols)
    db.executemany("INSERT INTO events VALUES (%s)" % ",".join("?" * len(COLUMNS)),
                   [tuple(e[c] for c in COLUMNS) for e in EVENTS])
    db.create_function("trunc_local", 3, lambda u, us, tz: None if us is None
                       else trunc_local(u, us, tz), deterministic=True)
    db.create_function("bucket_local", 3, lambda s, us, tz: None if us is None
                       else bucket_local(s, us, tz), deterministic=True)
    db.create_function("extract_local", 3, lambda f, us, tz: None if us is None
                       else extract_local(f, us, tz), deterministic=True)
    db.create_function("pg_ts", 1, lambda us: None if us is None else pg_ts(us),
                       deterministic=True)
    db.create_function("regexp", 2, lambda s, p: None if s is None
                       else int(re.search(p, s) is not None), deterministic=True)
    db.create_function("regexp_first", 2, regexp_first, deterministic=True)
    db.create_function("split_part", 3, split_part, deterministic=True)
    db.create_function("starts_with", 2, lambda s, p: None if s is None
                       else int(s.startswith(p)), deterministic=True)
    db.create_function("param", 2, param, deterministic=True)
    db.create_aggregate("percentile_cont", 2, PercentileCont)
    return db


def T(text):
    """µs of an RFC 3339 time, for writing reference SQL."""
    return us_of(text)
