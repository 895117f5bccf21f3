// DuckDB in its own process, so its memory is measured apart from the harness. It reads
// one JSON command per line on stdin and answers one JSON line on stdout; queries are
// timed here, in process, around the DuckDB call and the reading of the whole result.
import readline from 'node:readline';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { isoFromMicros } from './cells.mjs';
import { timeRuns } from './timing.mjs';

const TEXT_COLUMNS = [
  'event', 'client_id', 'user_id', 'session_id', 'event_id', 'page', 'title', 'referrer',
  'utm_source', 'utm_medium', 'utm_campaign', 'device', 'os', 'browser', 'country',
  'language', 'item_id',
];

let instance = null;
let connection = null;

function cell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value;
  if (typeof value.micros === 'bigint') return isoFromMicros(value.micros);
  if (typeof value.toDouble === 'function') return value.toDouble();
  return String(value);
}

async function rowsOf(sql) {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRows().map((row) => row.map(cell));
}

const handlers = {
  async open({ file }) {
    instance = await DuckDBInstance.create(file);
    connection = await instance.connect();
    const [[version]] = await rowsOf('SELECT version()');
    return { version };
  },

  // The table holds every field of the events, sorted by (merchant, ts) as the issue asks.
  async load({ input }) {
    const columns = [`merchant:'VARCHAR'`, `ts:'BIGINT'`, `value:'DOUBLE'`, `params:'JSON'`]
      .concat(TEXT_COLUMNS.map((c) => `${c}:'VARCHAR'`))
      .join(', ');
    const select = ['merchant', 'make_timestamp(ts * 1000) AS ts', ...TEXT_COLUMNS, 'value', 'params'];
    const started = process.hrtime.bigint();
    await connection.run(
      `CREATE TABLE events AS SELECT ${select.join(', ')}
       FROM read_json('${input}', format = 'newline_delimited', columns = {${columns}})
       ORDER BY merchant, ts`);
    await connection.run('CHECKPOINT');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [[events]] = await rowsOf('SELECT count(*) FROM events');
    return { seconds, events };
  },

  async query({ sql }) {
    return { rows: await rowsOf(sql) };
  },

  // warmups untimed runs, then `runs` timed ones; the answer of the last run is returned.
  bench({ sql, warmups, runs }) {
    return timeRuns(() => rowsOf(sql), warmups, runs);
  },

  async close() {
    connection?.closeSync?.();
    instance?.closeSync?.();
    connection = null;
    instance = null;
    return {};
  },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  let reply;
  try {
    reply = { ok: true, ...(await handlers[command.op](command)) };
  } catch (error) {
    reply = { ok: false, error: String(error?.message ?? error) };
  }
  fs.writeSync(1, JSON.stringify(reply) + '\n');
  if (command.op === 'close') break;
}
