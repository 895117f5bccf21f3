#!/usr/bin/python3
"""Writes tests/sql/data/events.ndjson: the hand-written dataset of the SQL script tests.

Every session below is written out by hand so a human can reason about the answers:
who visited, which pages, what was bought, which sessions bounced. The script only expands
the sessions into one JSON line per event (titles from PAGE_TITLES, ids numbered) and
writes them in a fixed shuffled order, so both halves of the file (the runner flushes the
first half to segments and keeps the second in the memtable) span every merchant and day.

Merchants: m1 (big), m2 (medium), m3 (small), m4 (tiny, one day).
Days: 2026-10-31 .. 2026-11-07 (UTC). The default now() of the tests is
2026-11-08T00:00:00Z. Several sessions sit near midnight in UTC, Europe/Berlin (UTC+1 in
November) and America/New_York (EDT UTC-4 until 2026-11-01 06:00Z, then EST UTC-5).

Deliberate corner cases:
  - client id "c-shared" exists in m1 and m2 (count(DISTINCT client_id) counts strings);
  - empty strings ("referrer": "") and missing fields are NULL;
  - one value is a numeric string ("12.50"), one ts is epoch milliseconds, one ts carries
    a +01:00 offset, some ts have fractional seconds;
  - an unknown top-level field ("ab_test") and a boolean param become params;
  - purchase values are multiples of 0.25 so sums are exact in any order.

Run: /usr/bin/python3 tests/sql/tools/make_dataset.py   (from the repository root)
"""

import datetime
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "events.ndjson")

PAGE_TITLES = {
    "/home": "Home",
    "/products/shoes": "Running Shoes",
    "/products/socks": "Wool Socks",
    "/products/jacket": "Rain Jacket",
    "/cart": "Your Cart",
    "/checkout": "Checkout",
    "/checkout/thank-you": "Thank You",
    "/blog/fall-trends": "Fall Trends 2026",
    "/search?q=shoes": None,  # search results have no title
    "/about": "About Us",
}

DESKTOP_DE = dict(device="desktop", os="Windows", browser="Chrome", country="DE",
                  language="de-DE")
MOBILE_US = dict(device="mobile", os="iOS", browser="Safari", country="US", language="en-US")
MOBILE_FR = dict(device="mobile", os="Android", browser="Chrome", country="FR",
                 language="fr-FR")
TABLET_GB = dict(device="tablet", os="iOS", browser="Safari", country="GB", language="en-GB")
DESKTOP_US = dict(device="desktop", os="macOS", browser="Firefox", country="US",
                  language="en-US")
UNKNOWN_DEVICE = dict(country="NL")  # no device, os, browser, language

GOOGLE = dict(referrer="https://www.google.com/", utm_source="google", utm_medium="organic")
NEWSLETTER = dict(utm_source="newsletter", utm_medium="email", utm_campaign="fall_2026")
ADS = dict(referrer="https://ads.example.com/", utm_source="google", utm_medium="cpc",
           utm_campaign="shoes_q4")
FACEBOOK = dict(referrer="https://facebook.com/", utm_source="facebook", utm_medium="social")
DIRECT = {}

# (merchant, client_id, session_id, user_id or None, start (RFC 3339), context, events)
# events: (seconds after start, event name, page, extra fields)
SESSIONS = [
    # ---- m1 ----
    ("m1", "c01", "s01", "u01", "2026-10-31T10:00:00Z", {**DESKTOP_DE, **GOOGLE}, [
        (0, "page_view", "/home", {}),
        (40, "page_view", "/products/shoes", {}),
        (75, "add_to_cart", "/products/shoes",
         {"item_id": "sku-shoes", "value": 89.5, "params": {"currency": "EUR", "items": 1}}),
        (130, "page_view", "/checkout", {}),
        (190, "purchase", "/checkout/thank-you",
         {"item_id": "sku-shoes", "value": 89.5, "event_id": "ord-1001",
          "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m1", "c02", "s02", None, "2026-10-31T23:30:00Z", {**MOBILE_FR, **FACEBOOK}, [
        (0, "page_view", "/blog/fall-trends", {}),  # UTC Oct 31, Berlin Nov 1 00:30
    ]),
    ("m1", "c03", "s03", None, "2026-11-01T03:50:00Z", {**MOBILE_US, **DIRECT}, [
        (0, "page_view", "/home", {}),  # New York: Oct 31 23:50 EDT
        (20, "page_view", "/search?q=shoes", {}),
        (50, "click", "/search?q=shoes", {"params": {"button": "filter"}}),
    ]),
    ("m1", "c04", "s04", "u04", "2026-11-01T08:15:00Z", {**DESKTOP_DE, **NEWSLETTER}, [
        (0, "page_view", "/products/jacket", {}),
        (30, "scroll", "/products/jacket", {"params": {"scroll_depth": 50}}),
        (60, "scroll", "/products/jacket", {"params": {"scroll_depth": 90}}),
        (95, "add_to_cart", "/products/jacket",
         {"item_id": "sku-jacket", "value": 149.75, "params": {"currency": "EUR", "items": 1}}),
        (150, "page_view", "/cart", {}),
    ]),
    ("m1", "c05", "s05", None, "2026-11-01T12:00:00Z", {**TABLET_GB, **ADS}, [
        (0, "page_view", "/products/shoes", {}),
    ]),
    ("m1", "c01", "s06", "u01", "2026-11-01T23:40:00Z", {**DESKTOP_DE, **DIRECT}, [
        (0, "page_view", "/home", {}),  # UTC Nov 1, Berlin Nov 2 00:40
        (25, "page_view", "/about", {}),
    ]),
    ("m1", "c06", "s07", None, "2026-11-02T04:20:00Z", {**MOBILE_US, **GOOGLE}, [
        (0, "page_view", "/home", {}),  # New York: Nov 1 23:20 EST
        (45, "page_view", "/products/socks", {}),
        (70, "add_to_cart", "/products/socks",
         {"item_id": "sku-socks", "value": 12.25, "params": {"currency": "USD", "items": 3}}),
    ]),
    ("m1", "c-shared", "s08", "u08", "2026-11-02T14:05:00Z", {**DESKTOP_US, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (15, "page_view", "/products/socks", {}),
        (35, "add_to_cart", "/products/socks",
         {"item_id": "sku-socks", "value": 24.5, "params": {"currency": "USD", "items": 2}}),
        (60, "page_view", "/checkout", {}),
        (95, "purchase", "/checkout/thank-you",
         {"item_id": "sku-socks", "value": 24.5, "event_id": "ord-1002",
          "params": {"currency": "USD", "items": 2, "coupon": "FALL10"}}),
    ]),
    ("m1", "c07", "s09", None, "2026-11-03T10:15:30.25Z", {**UNKNOWN_DEVICE, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (12.5, "page_view", "/products/jacket", {}),
    ]),
    ("m1", "c08", "s10", None, "2026-11-03T16:00:00Z", {**MOBILE_FR, **GOOGLE}, [
        (0, "page_view", "/search?q=shoes", {}),
    ]),
    ("m1", "c02", "s11", "u02", "2026-11-03T23:10:00Z", {**MOBILE_FR, **NEWSLETTER}, [
        (0, "page_view", "/products/shoes", {}),  # UTC Nov 3, Berlin Nov 4 00:10
        (50, "add_to_cart", "/products/shoes",
         {"item_id": "sku-shoes", "value": 89.5, "params": {"currency": "EUR", "items": 1}}),
        (90, "page_view", "/checkout", {}),
        (140, "purchase", "/checkout/thank-you",
         {"item_id": "sku-shoes", "value": 89.5, "event_id": "ord-1003",
          "params": {"currency": "EUR", "items": 1, "gift": True}}),
    ]),
    ("m1", "c09", "s12", None, "2026-11-04T09:00:00Z", {**DESKTOP_DE, **ADS}, [
        (0, "page_view", "/products/shoes", {}),
        (20, "click", "/products/shoes", {"params": {"button": "size_guide"}}),
        (45, "page_view", "/products/socks", {}),
    ]),
    ("m1", "c10", "s13", None, "2026-11-04T13:00:00+01:00", {**TABLET_GB, **FACEBOOK}, [
        (0, "page_view", "/blog/fall-trends", {}),  # 12:00Z, written with an offset
    ]),
    ("m1", "c04", "s14", "u04", "2026-11-05T07:30:00Z", {**DESKTOP_DE, **DIRECT}, [
        (0, "page_view", "/cart", {}),
        (40, "page_view", "/checkout", {}),
        (100, "purchase", "/checkout/thank-you",
         {"item_id": "sku-jacket", "value": 149.75, "event_id": "ord-1004",
          "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m1", "c11", "s15", None, "2026-11-05T18:45:00Z", {**MOBILE_US, **ADS}, [
        (0, "page_view", "/products/shoes", {}),
        (10, "page_view", "/products/jacket", {}),
        (30, "page_view", "/products/socks", {}),
        (55, "page_view", "/home", {}),
    ]),
    ("m1", "c12", "s16", None, "2026-11-06T02:00:00Z", {**UNKNOWN_DEVICE, **DIRECT}, [
        (0, "page_view", "/home", {"referrer": ""}),  # empty string = NULL
    ]),
    ("m1", "c13", "s17", "u13", "2026-11-06T11:11:11Z", {**DESKTOP_US, **NEWSLETTER}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/products/jacket", {}),
        (80, "add_to_cart", "/products/jacket",
         {"item_id": "sku-jacket", "value": 149.75, "params": {"currency": "USD", "items": 1}}),
        (120, "page_view", "/checkout", {}),
        (180, "purchase", "/checkout/thank-you",
         {"item_id": "sku-jacket", "value": "12.50", "event_id": "ord-1005",
          "params": {"currency": "USD", "items": 1, "coupon": "BIGSALE"}}),
    ]),
    ("m1", "c05", "s18", None, "2026-11-07T08:00:00Z", {**TABLET_GB, **GOOGLE}, [
        (0, "page_view", "/products/socks", {}),
        (25, "page_view", "/about", {}),
    ]),
    ("m1", "c14", "s19", None, "2026-11-07T15:30:00Z", {**MOBILE_FR, **DIRECT}, [
        (0, "page_view", "/home", {"ab_test": "checkout_b"}),  # unknown field -> param
        (20, "scroll", "/home", {"params": {"scroll_depth": 25}}),
    ]),
    ("m1", "c15", "s20", None, "2026-11-07T23:56:00Z", {**MOBILE_US, **DIRECT}, [
        (0, "page_view", "/home", {}),  # in the last 5 minutes before the default now
        (60, "page_view", "/products/shoes", {}),
        (119.5, "page_view", "/cart", {}),
    ]),
    ("m1", "c16", "s21", None, "2026-11-07T23:58:30Z", {**DESKTOP_DE, **GOOGLE}, [
        (0, "page_view", "/blog/fall-trends", {}),
    ]),
    ("m1", "c17", "s22", None, "2026-11-02T09:00:00Z", {**DESKTOP_DE, **GOOGLE}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/products/shoes", {}),
        (65, "page_view", "/products/socks", {}),
        (100, "page_view", "/cart", {}),
    ]),
    ("m1", "c18", "s23", None, "2026-11-02T19:45:00Z", {**MOBILE_FR, **DIRECT}, [
        (0, "page_view", "/blog/fall-trends", {}),
    ]),
    ("m1", "c03", "s24", "u03", "2026-11-03T13:00:00Z", {**MOBILE_US, **NEWSLETTER}, [
        (0, "page_view", "/home", {}),
        (20, "page_view", "/products/jacket", {}),
        (50, "add_to_cart", "/products/jacket",
         {"item_id": "sku-jacket", "value": 149.75, "params": {"currency": "USD", "items": 1}}),
        (80, "page_view", "/checkout", {}),
        (130, "purchase", "/checkout/thank-you",
         {"item_id": "sku-jacket", "value": 149.75, "event_id": "ord-1006",
          "params": {"currency": "USD", "items": 1}}),
    ]),
    ("m1", "c19", "s25", None, "2026-11-04T21:30:00Z", {**TABLET_GB, **GOOGLE}, [
        (0, "page_view", "/search?q=shoes", {}),
        (15, "page_view", "/products/shoes", {}),
        (40, "click", "/products/shoes", {"params": {"button": "size_guide"}}),
    ]),
    ("m1", "c20", "s26", None, "2026-11-05T10:10:00Z", {**DESKTOP_US, **ADS}, [
        (0, "page_view", "/products/shoes", {}),
        (35, "add_to_cart", "/products/shoes",
         {"item_id": "sku-shoes", "value": 89.5, "params": {"currency": "USD", "items": 1}}),
    ]),
    ("m1", "c21", "s27", None, "2026-11-05T23:05:00Z", {**MOBILE_FR, **DIRECT}, [
        (0, "page_view", "/home", {}),  # UTC Nov 5, Berlin Nov 6 00:05
    ]),
    ("m1", "c09", "s28", None, "2026-11-06T14:00:00Z", {**DESKTOP_DE, **NEWSLETTER}, [
        (0, "page_view", "/home", {}),
        (25, "page_view", "/products/socks", {}),
        (50, "add_to_cart", "/products/socks",
         {"item_id": "sku-socks", "value": 12.25, "params": {"currency": "EUR", "items": 3}}),
        (90, "page_view", "/checkout", {}),
        (150, "purchase", "/checkout/thank-you",
         {"item_id": "sku-socks", "value": 36.75, "event_id": "ord-1007",
          "params": {"currency": "EUR", "items": 3}}),
    ]),
    ("m1", "c22", "s29", None, "2026-11-07T04:30:00Z", {**MOBILE_US, **FACEBOOK}, [
        (0, "page_view", "/blog/fall-trends", {}),  # New York: Nov 6 23:30 EST
        (50, "page_view", "/home", {}),
    ]),
    ("m1", "c23", "s30", None, "2026-11-07T19:00:00Z", {**UNKNOWN_DEVICE, **DIRECT}, [
        (0, "page_view", "/about", {}),
    ]),
    ("m1", "c01", "s31", "u01", "2026-11-04T07:00:00Z", {**DESKTOP_DE, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/products/shoes", {}),
        (60, "page_view", "/products/jacket", {}),
        (75, "scroll", "/products/jacket", {"params": {"scroll_depth": 75}}),
        (110, "page_view", "/products/socks", {}),
        (140, "page_view", "/cart", {}),
    ]),
    # ---- m2 ----
    ("m2", "c-shared", "t01", None, "2026-11-01T03:59:59Z", {**MOBILE_US, **DIRECT}, [
        (0, "page_view", "/home", {}),  # New York: Oct 31 23:59:59 EDT
        (2, "page_view", "/products/socks", {}),  # New York: Nov 1 00:00:01 EDT
    ]),
    ("m2", "d01", "t02", "v01", "2026-11-01T06:30:00Z", {**MOBILE_US, **GOOGLE}, [
        (0, "page_view", "/home", {}),  # New York: 01:30 EST (the repeated hour)
        (30, "page_view", "/products/shoes", {}),
        (60, "purchase", "/checkout/thank-you",
         {"item_id": "sku-shoes", "value": 75.25, "event_id": "ord-2001",
          "params": {"currency": "USD", "items": 1}}),
    ]),
    ("m2", "d02", "t03", None, "2026-11-02T10:00:00Z", {**DESKTOP_DE, **ADS}, [
        (0, "page_view", "/products/jacket", {}),
    ]),
    ("m2", "d03", "t04", None, "2026-11-03T20:00:00Z", {**MOBILE_FR, **FACEBOOK}, [
        (0, "page_view", "/blog/fall-trends", {}),
        (60, "page_view", "/home", {}),
        (90, "click", "/home", {"params": {"button": "newsletter_signup"}}),
    ]),
    ("m2", "d01", "t05", "v01", "2026-11-04T15:00:00Z", {**MOBILE_US, **NEWSLETTER}, [
        (0, "page_view", "/products/socks", {}),
        (20, "add_to_cart", "/products/socks",
         {"item_id": "sku-socks", "value": 8.0, "params": {"currency": "USD", "items": 1}}),
        (50, "purchase", "/checkout/thank-you",
         {"item_id": "sku-socks", "value": 8.0, "event_id": "ord-2002",
          "params": {"currency": "USD", "items": 1}}),
    ]),
    ("m2", "d04", "t06", None, "2026-11-05T22:59:59.5Z", {**DESKTOP_DE, **GOOGLE}, [
        (0, "page_view", "/home", {}),  # Berlin: Nov 5 23:59:59.5
        (0.5, "page_view", "/about", {}),  # 23:00:00Z exactly: Berlin Nov 6 00:00:00
    ]),
    ("m2", "d05", "t07", None, "2026-11-06T09:30:00Z", {**UNKNOWN_DEVICE, **DIRECT}, [
        (0, "page_view", "/products/shoes", {}),
        (30, "page_view", "/products/jacket", {}),
        (70, "add_to_cart", "/products/jacket",
         {"item_id": "sku-jacket", "value": 120.0, "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m2", "d06", "t08", None, "2026-11-06T17:00:00Z", {**TABLET_GB, **DIRECT}, [
        (0, "page_view", "/search?q=shoes", {}),
    ]),
    ("m2", "d02", "t09", "v02", "2026-11-07T12:00:00Z", {**DESKTOP_DE, **NEWSLETTER}, [
        (0, "page_view", "/home", {}),
        (40, "page_view", "/products/jacket", {}),
        (80, "purchase", "/checkout/thank-you",
         {"item_id": "sku-jacket", "value": 120.0, "event_id": "ord-2003",
          "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m2", "d07", "t10", None, "2026-11-02T15:00:00Z", {**MOBILE_FR, **GOOGLE}, [
        (0, "page_view", "/home", {}),
        (20, "page_view", "/products/shoes", {}),
        (45, "add_to_cart", "/products/shoes",
         {"item_id": "sku-shoes", "value": 75.25, "params": {"currency": "EUR", "items": 1}}),
        (70, "page_view", "/checkout", {}),
        (110, "purchase", "/checkout/thank-you",
         {"item_id": "sku-shoes", "value": 75.25, "event_id": "ord-2004",
          "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m2", "d08", "t11", None, "2026-11-03T04:45:00Z", {**MOBILE_US, **DIRECT}, [
        (0, "page_view", "/home", {}),  # New York: Nov 2 23:45 EST
    ]),
    ("m2", "d03", "t12", None, "2026-11-04T08:00:00Z", {**MOBILE_FR, **NEWSLETTER}, [
        (0, "page_view", "/blog/fall-trends", {}),
        (30, "page_view", "/products/socks", {}),
        (55, "page_view", "/about", {}),
    ]),
    ("m2", "d09", "t13", None, "2026-11-05T13:00:00Z", {**DESKTOP_US, **ADS}, [
        (0, "page_view", "/products/jacket", {}),
        (25, "click", "/products/jacket", {"params": {"button": "size_guide"}}),
        (60, "page_view", "/products/jacket", {}),
    ]),
    ("m2", "d10", "t14", None, "2026-11-06T23:45:00Z", {**TABLET_GB, **FACEBOOK}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/blog/fall-trends", {}),
    ]),
    ("m2", "d04", "t15", None, "2026-11-07T06:00:00Z", {**DESKTOP_DE, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (15, "page_view", "/search?q=shoes", {}),
        (40, "page_view", "/products/shoes", {}),
        (70, "add_to_cart", "/products/shoes",
         {"item_id": "sku-shoes", "value": 75.25, "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m2", "d11", "t16", None, "2026-10-31T18:00:00Z", {**MOBILE_US, **GOOGLE}, [
        (0, "page_view", "/home", {}),
    ]),
    # ---- m3 ----
    ("m3", "e04", "w05", None, "2026-10-31T12:00:00Z", {**DESKTOP_US, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (20, "page_view", "/about", {}),
        (45, "page_view", "/products/shoes", {}),
    ]),
    ("m3", "e02", "w06", None, "2026-11-05T05:30:00Z", {**MOBILE_US, **GOOGLE}, [
        (0, "page_view", "/home", {}),  # New York: Nov 5 00:30 EST
        (25, "page_view", "/products/socks", {}),
        (60, "purchase", "/checkout/thank-you",
         {"item_id": "sku-socks", "value": 19.75, "event_id": "ord-3002",
          "params": {"currency": "USD", "items": 2}}),
    ]),
    ("m3", "e05", "w07", None, "2026-11-07T10:00:00Z", {**UNKNOWN_DEVICE, **DIRECT}, [
        (0, "page_view", "/blog/fall-trends", {}),
    ]),
    ("m3", "e06", "w08", None, "2026-11-03T22:30:00Z", {**MOBILE_FR, **FACEBOOK}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/products/shoes", {}),
        (50, "click", "/products/shoes", {"params": {"button": "size_guide"}}),
    ]),
    ("m3", "e01", "w01", None, "2026-11-02T00:30:00Z", {**DESKTOP_DE, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (30, "page_view", "/about", {}),
    ]),
    ("m3", "e02", "w02", None, "2026-11-03T05:00:00Z", {**MOBILE_US, **GOOGLE}, [
        (0, "page_view", "/home", {}),  # New York: Nov 3 00:00 EST exactly
    ]),
    ("m3", "e01", "w03", "x01", "2026-11-04T19:20:00Z", {**DESKTOP_DE, **FACEBOOK}, [
        (0, "page_view", "/products/shoes", {}),
        (40, "purchase", "/checkout/thank-you",
         {"item_id": "sku-shoes", "value": 60.0, "event_id": "ord-3001",
          "params": {"currency": "EUR", "items": 1}}),
    ]),
    ("m3", "e03", "w04", None, "2026-11-06T23:30:00Z", {**MOBILE_FR, **DIRECT}, [
        (0, "page_view", "/blog/fall-trends", {}),
        (15, "scroll", "/blog/fall-trends", {"params": {"scroll_depth": 100}}),
    ]),
    # ---- m4: one day, no session ids on the app events ----
    ("m4", "f01", "z01", None, "2026-11-05T12:00:00Z", {**DESKTOP_US, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (5, "click", "/home", {"params": {"button": "cta"}}),
    ]),
    ("m4", "f02", None, None, "2026-11-05T12:30:00Z", {"device": "app"}, [
        (0, "app_open", None, {}),
        (600, "app_open", None, {}),
    ]),
    ("m4", "f01", "z02", None, "2026-11-05T18:00:00Z", {**DESKTOP_US, **DIRECT}, [
        (0, "page_view", "/home", {}),
        (40, "page_view", "/about", {}),
    ]),
]


def parse_start(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def format_ts(start, offset_s):
    """Keeps the start's own spelling (offset) and adds the offset with ms precision."""
    t = start + datetime.timedelta(seconds=offset_s)
    frac = t.microsecond // 1000
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        base += ".%03d" % frac
    off = t.utcoffset()
    if off == datetime.timedelta(0):
        return base + "Z"
    minutes = int(off.total_seconds() // 60)
    return base + "%+03d:%02d" % (minutes // 60, minutes % 60)


def expand():
    lines = []
    for merchant, client, session, user, start_text, ctx, events in SESSIONS:
        start = parse_start(start_text)
        for offset_s, name, page, extra in events:
            doc = {"merchant": merchant, "ts": format_ts(start, offset_s), "event": name,
                   "client_id": client}
            if user:
                doc["user_id"] = user
            if session:
                doc["session_id"] = session
            if page:
                doc["page"] = page
                if PAGE_TITLES.get(page):
                    doc["title"] = PAGE_TITLES[page]
            for key in ("referrer", "utm_source", "utm_medium", "utm_campaign", "device", "os",
                        "browser", "country", "language"):
                if key in extra:
                    doc[key] = extra[key]
                elif key in ctx:
                    doc[key] = ctx[key]
            for key in ("item_id", "value", "event_id", "params"):
                if key in extra:
                    doc[key] = extra[key]
            for key, v in extra.items():  # unknown top-level fields go last
                if key not in doc and key not in ("referrer",):
                    doc[key] = v
            lines.append(json.dumps(doc, separators=(",", ":")))
    # One event written with epoch milliseconds instead of RFC 3339.
    ms = json.loads(lines[0])
    lines[0] = lines[0].replace('"ts":"%s"' % ms["ts"],
                                '"ts":%d' % (parse_start(ms["ts"]).timestamp() * 1000))
    random.Random(20261101).shuffle(lines)
    return lines


def main():
    lines = expand()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d events to %s" % (len(lines), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
