// Q1-Q8 in each system's dialect. Strata's text is bench/workloads/queries.sql itself;
// the ClickHouse and DuckDB texts below ask the same questions with the same semantics
// (same time bounds, same session approximation, same ordering with every tie broken),
// so the answers can be compared cell by cell.
import fs from 'node:fs';

export const QUERY_IDS = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8'];

// Queries that do not depend on the merchant run once per system, not once per merchant.
export const ALL_MERCHANT_QUERIES = new Set(['Q6']);

// The "-- Qn: title" blocks of queries.sql, with comments and the final ';' removed.
export function strataQueries(queriesSqlPath) {
  const text = fs.readFileSync(queriesSqlPath, 'utf8');
  const queries = {};
  let current = null;
  for (const line of text.split('\n')) {
    const header = line.match(/^-- (Q\d+): (.*)$/);
    if (header) {
      current = { id: header[1], title: header[2], lines: [] };
      queries[current.id] = current;
      continue;
    }
    if (current === null || line.startsWith('--')) continue;
    current.lines.push(line);
  }
  const out = {};
  for (const [id, q] of Object.entries(queries)) {
    out[id] = { title: q.title, sql: q.lines.join('\n').trim().replace(/;\s*$/, '') };
  }
  for (const id of QUERY_IDS) {
    if (!out[id]) throw new Error(`${queriesSqlPath} has no ${id}`);
  }
  return out;
}

function quote(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// ClickHouse 18.16 (MergeTree with ts = epoch milliseconds as UInt64 and t = the
// DateTime of it): -If combinators stand for FILTER, uniqExact for count(DISTINCT).
export function clickhouseQuery(id, merchant, nowMs) {
  const m = quote(merchant);
  const since = (ms) => String(nowMs - ms);
  const DAY = 86400000;
  switch (id) {
    case 'Q1':
      return `SELECT toStartOfDay(hour) AS day, sum(pageviews) AS pageviews,
       uniqExact(client_id) AS users, count() AS sessions
FROM (SELECT client_id, toStartOfHour(t) AS hour, countIf(event = 'page_view') AS pageviews
      FROM events WHERE merchant = ${m} AND ts >= ${since(30 * DAY)}
      GROUP BY client_id, hour)
GROUP BY day ORDER BY day`;
    case 'Q2':
      return `SELECT toStartOfHour(t) AS hour, count() AS pageviews
FROM events WHERE merchant = ${m} AND event = 'page_view' AND ts >= ${since(7 * DAY)}
GROUP BY hour ORDER BY hour`;
    case 'Q3':
      return `SELECT page, count() AS pageviews
FROM events WHERE merchant = ${m} AND event = 'page_view'
GROUP BY page ORDER BY pageviews DESC, page LIMIT 10`;
    case 'Q4':
      return `SELECT toStartOfDay(hour) AS day,
       avg(if(pageviews <= 1, 1.0, 0.0)) AS bounce_rate,
       avg(duration_s) AS avg_session_seconds
FROM (SELECT client_id, toStartOfHour(t) AS hour,
             countIf(event = 'page_view') AS pageviews,
             (max(ts) - min(ts)) / 1000 AS duration_s
      FROM events WHERE merchant = ${m}
      GROUP BY client_id, hour)
GROUP BY day ORDER BY day`;
    case 'Q5':
      return `SELECT utm_source, uniqExact(client_id) AS users,
       uniqExactIf(client_id, event = 'purchase') AS buyers,
       buyers / users AS conversion_rate,
       sumIf(value, event = 'purchase') AS revenue
FROM events WHERE merchant = ${m}
GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source`;
    case 'Q6':
      return `SELECT merchant, count() AS events
FROM events WHERE ts >= ${since(DAY)}
GROUP BY merchant ORDER BY events DESC, merchant LIMIT 10`;
    case 'Q7':
      return `SELECT country, uniqExact(client_id) AS users
FROM events WHERE merchant = ${m}
GROUP BY country ORDER BY users DESC, country`;
    case 'Q8':
      return `SELECT page, uniqExact(client_id) AS active_users
FROM events WHERE merchant = ${m} AND ts >= ${since(5 * 60000)}
GROUP BY page ORDER BY active_users DESC, page LIMIT 10`;
    default:
      throw new Error(`unknown query ${id}`);
  }
}

// DuckDB (ts is a TIMESTAMP in UTC): PostgreSQL's syntax nearly as written, with now()
// replaced by the dataset's end.
export function duckdbQuery(id, merchant, nowMs) {
  const m = quote(merchant);
  const now = `make_timestamp(${nowMs * 1000})`;
  switch (id) {
    case 'Q1':
      return `SELECT date_trunc('day', hour) AS day, sum(pageviews) AS pageviews,
       count(DISTINCT client_id) AS users, count(*) AS sessions
FROM (SELECT client_id, date_trunc('hour', ts) AS hour,
             count(*) FILTER (WHERE event = 'page_view') AS pageviews
      FROM events WHERE merchant = ${m} AND ts >= ${now} - INTERVAL '30 days'
      GROUP BY 1, 2) AS s
GROUP BY 1 ORDER BY 1`;
    case 'Q2':
      return `SELECT time_bucket(INTERVAL '1 hour', ts) AS hour, count(*) AS pageviews
FROM events WHERE merchant = ${m} AND event = 'page_view' AND ts >= ${now} - INTERVAL '7 days'
GROUP BY 1 ORDER BY 1`;
    case 'Q3':
      return `SELECT page, count(*) AS pageviews
FROM events WHERE merchant = ${m} AND event = 'page_view'
GROUP BY page ORDER BY pageviews DESC, page LIMIT 10`;
    case 'Q4':
      return `SELECT date_trunc('day', hour) AS day,
       avg(CASE WHEN pageviews <= 1 THEN 1.0 ELSE 0.0 END) AS bounce_rate,
       avg(duration_s) AS avg_session_seconds
FROM (SELECT client_id, date_trunc('hour', ts) AS hour,
             count(*) FILTER (WHERE event = 'page_view') AS pageviews,
             extract(epoch FROM max(ts) - min(ts)) AS duration_s
      FROM events WHERE merchant = ${m}
      GROUP BY 1, 2) AS s
GROUP BY 1 ORDER BY 1`;
    case 'Q5':
      return `SELECT utm_source, count(DISTINCT client_id) AS users,
       count(DISTINCT client_id) FILTER (WHERE event = 'purchase') AS buyers,
       count(DISTINCT client_id) FILTER (WHERE event = 'purchase')::DOUBLE
         / count(DISTINCT client_id) AS conversion_rate,
       sum(value) FILTER (WHERE event = 'purchase') AS revenue
FROM events WHERE merchant = ${m}
GROUP BY utm_source ORDER BY revenue DESC NULLS LAST, utm_source`;
    case 'Q6':
      return `SELECT merchant, count(*) AS events
FROM events WHERE ts >= ${now} - INTERVAL '1 day'
GROUP BY merchant ORDER BY events DESC, merchant LIMIT 10`;
    case 'Q7':
      return `SELECT country, count(DISTINCT client_id) AS users
FROM events WHERE merchant = ${m}
GROUP BY country ORDER BY users DESC, country`;
    case 'Q8':
      return `SELECT page, count(DISTINCT client_id) AS active_users
FROM events WHERE merchant = ${m} AND ts >= ${now} - INTERVAL '5 minutes'
GROUP BY page ORDER BY active_users DESC, page LIMIT 10`;
    default:
      throw new Error(`unknown query ${id}`);
  }
}
