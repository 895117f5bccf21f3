-- The benchmark queries Q1-Q8 (issue 3, docs/benchmarks.md), for one merchant ':m'.
-- now() is the end of the generated data (2026-12-01T00:00:00Z for the 30-day dataset).
-- Raw events carry no server-side sessions yet (the sessionizer comes with the `sessions`
-- table), so these raw-data queries use a session approximation: one client's events
-- within one clock hour.

-- Q1: daily pageviews, unique users and sessions over 30 days
SELECT date_trunc('day', hour) AS day, sum(pageviews) AS pageviews,
       count(DISTINCT client_id) AS users, count(*) AS sessions
FROM (SELECT client_id, date_trunc('hour', ts) AS hour,
             count(*) FILTER (WHERE event = 'page_view') AS pageviews
      FROM events WHERE merchant = ':m' AND ts >= now() - INTERVAL '30 days'
      GROUP BY 1, 2) AS s
GROUP BY 1 ORDER BY 1;

-- Q2: hourly pageviews over 7 days
SELECT time_bucket('1 hour', ts) AS hour, count(*) AS pageviews
FROM events WHERE merchant = ':m' AND event = 'page_view' AND ts >= now() - INTERVAL '7 days'
GROUP BY 1 ORDER BY 1;

-- Q3: top 10 pages by pageviews
SELECT page, count(*) AS pageviews
FROM events WHERE merchant = ':m' AND event = 'page_view'
GROUP BY page ORDER BY pageviews DESC, page LIMIT 10;

-- Q4: per day bounce rate and average session duration, via a subquery per session
SELECT date_trunc('day', hour) AS day,
       avg(CASE WHEN pageviews <= 1 THEN 1.0 ELSE 0.0 END) AS bounce_rate,
       avg(duration_s) AS avg_session_seconds
FROM (SELECT client_id, date_trunc('hour', ts) AS hour,
             count(*) FILTER (WHERE event = 'page_view') AS pageviews,
             extract(epoch FROM max(ts) - min(ts)) AS duration_s
      FROM events WHERE merchant = ':m'
      GROUP BY 1, 2) AS s
GROUP BY 1 ORDER BY 1;

-- Q5: conversion rate and revenue by utm_source
SELECT utm_source, count(DISTINCT client_id) AS users,
       count(DISTINCT client_id) FILTER (WHERE event = 'purchase') AS buyers,
       count(DISTINCT client_id) FILTER (WHERE event = 'purchase')::double precision
         / count(DISTINCT client_id) AS conversion_rate,
       sum(value) FILTER (WHERE event = 'purchase') AS revenue
FROM events WHERE merchant = ':m'
GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source;

-- Q6: top 10 merchants by events on the last day (all merchants)
SELECT merchant, count(*) AS events
FROM events WHERE ts >= now() - INTERVAL '1 day'
GROUP BY merchant ORDER BY events DESC, merchant LIMIT 10;

-- Q7: unique users by country
SELECT country, count(DISTINCT client_id) AS users
FROM events WHERE merchant = ':m'
GROUP BY country ORDER BY users DESC, country;

-- Q8: active users and top pages in the last 5 minutes
SELECT page, count(DISTINCT client_id) AS active_users
FROM events WHERE merchant = ':m' AND ts >= now() - INTERVAL '5 minutes'
GROUP BY page ORDER BY active_users DESC, page LIMIT 10;
