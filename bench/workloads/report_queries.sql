-- The benchmark queries Q1-Q8 in their report form (issue 5): sessions from the
-- `sessions` table, realtime from `realtime_*`, everything a rollup can answer answered
-- from rollups (SET strata.rollups = off forces raw data). One merchant ':m';
-- now() is the end of the generated data (2026-12-01T00:00:00Z for the 30-day dataset).

-- Q1: daily pageviews, unique users and sessions over 30 days
SELECT date_trunc('day', start) AS day, sum(pageviews) AS pageviews,
       count(DISTINCT client_id) AS users, count(*) AS sessions
FROM sessions WHERE merchant = ':m' AND start >= now() - INTERVAL '30 days'
GROUP BY 1 ORDER BY 1;

-- Q2: hourly pageviews over 7 days
SELECT time_bucket('1 hour', ts) AS hour, count(*) AS pageviews
FROM events WHERE merchant = ':m' AND event = 'page_view' AND ts >= now() - INTERVAL '7 days'
GROUP BY 1 ORDER BY 1;

-- Q3: top 10 pages by pageviews
SELECT page, count(*) AS pageviews
FROM events WHERE merchant = ':m' AND event = 'page_view'
GROUP BY page ORDER BY pageviews DESC, page LIMIT 10;

-- Q4: per day bounce rate and average session duration
SELECT date_trunc('day', start) AS day,
       count(*) FILTER (WHERE bounced)::double precision / count(*) AS bounce_rate,
       avg(duration) AS avg_session_seconds
FROM sessions WHERE merchant = ':m'
GROUP BY 1 ORDER BY 1;

-- Q5: conversion rate and revenue by utm_source
SELECT utm_source, count(*) AS sessions,
       count(*) FILTER (WHERE converted)::double precision / count(*) AS conversion_rate,
       sum(revenue) AS revenue
FROM sessions WHERE merchant = ':m'
GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source;

-- Q6: top 10 merchants by events on the last day (all merchants)
SELECT merchant, count(*) AS events
FROM events WHERE ts >= now() - INTERVAL '1 day'
GROUP BY merchant ORDER BY events DESC, merchant LIMIT 10;

-- Q7: unique users by country
SELECT country, count(DISTINCT client_id) AS users
FROM events WHERE merchant = ':m'
GROUP BY country ORDER BY users DESC, country;

-- Q8: active users in the last 5 minutes and the top pages
SELECT page, viewers FROM realtime_pages
WHERE merchant = ':m' AND minutes = 5
ORDER BY viewers DESC, page LIMIT 10;
