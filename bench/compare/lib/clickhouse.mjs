// ClickHouse: Debian's clickhouse-server started on loopback with a temporary data
// directory, a MergeTree table ordered by (merchant, ts) and partitioned by month, loaded
// with JSONEachRow and queried over HTTP on a keep-alive connection, as its HTTP clients do.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isoFromSqlText } from './cells.mjs';
import { timeRuns } from './timing.mjs';
import { Server, freePort, peakMemoryBytes, resetPeakMemory } from './proc.mjs';

const CONFIG = '/etc/clickhouse-server/config.xml';

// ts stays the generator's epoch milliseconds (ClickHouse 18.16 has no DateTime64); t is
// its DateTime for the partition key and the hour/day functions.
const CREATE_TABLE = `CREATE TABLE events (
  merchant String, ts UInt64, t DateTime MATERIALIZED toDateTime(intDiv(ts, 1000)),
  event String, client_id String, user_id Nullable(String), session_id Nullable(String),
  event_id Nullable(String), page Nullable(String), title Nullable(String),
  referrer Nullable(String), utm_source Nullable(String), utm_medium Nullable(String),
  utm_campaign Nullable(String), device Nullable(String), os Nullable(String),
  browser Nullable(String), country Nullable(String), language Nullable(String),
  item_id Nullable(String), value Nullable(Float64), params Nullable(String)
) ENGINE = MergeTree() PARTITION BY toYYYYMM(t) ORDER BY (merchant, ts)`;

function cell(value, type) {
  if (value === null) return null;
  const base = type.replace(/^Nullable\((.*)\)$/, '$1');
  if (/^(U?Int\d+|Float\d+)$/.test(base)) return Number(value);
  if (/^(DateTime|Date)\b/.test(base)) return isoFromSqlText(value.length === 10 ? `${value} 00:00:00` : value);
  return value;
}

export class ClickHouse {
  constructor({ workDir }) {
    this.workDir = workDir;
    this.dir = path.join(workDir, 'clickhouse');
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  async start() {
    if (!fs.existsSync('/usr/sbin/clickhouse-server') && !fs.existsSync('/usr/bin/clickhouse-server')) {
      throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server)');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) {
      fs.mkdirSync(path.join(this.dir, sub), { recursive: true });
    }
    this.port = await freePort();
    const tcpPort = await freePort();
    const interserverPort = await freePort();
    const d = this.dir;
    this.server = new Server(
      'clickhouse',
      'clickhouse-server',
      [
        `--config-file=${CONFIG}`, '--',
        `--path=${d}/data/`, `--tmp_path=${d}/tmp/`, `--user_files_path=${d}/user_files/`,
        `--format_schema_path=${d}/format_schemas/`, `--logger.log=${d}/server.log`,
        `--logger.errorlog=${d}/error.log`, `--http_port=${this.port}`, `--tcp_port=${tcpPort}`,
        `--interserver_http_port=${interserverPort}`, '--listen_host=127.0.0.1', '--timezone=UTC',
      ],
      path.join(this.workDir, 'clickhouse.log'),
    );
    await this.server.waitForPort(this.port);
    await this.exec('DROP TABLE IF EXISTS events');
    await this.exec(CREATE_TABLE);
  }

  // POSTs `body` (a string or a readable stream) with `sql` in the URL.
  request(sql, body, params = {}) {
    const query = new URLSearchParams({ query: sql, ...params }).toString();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, path: `/?${query}`, method: 'POST', agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`ClickHouse ${res.statusCode}: ${text.slice(0, 1000)}`));
            else resolve(text);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (typeof body === 'string' || body === undefined) req.end(body ?? '');
      else body.pipe(req);
    });
  }

  exec(sql) {
    return this.request(sql, '');
  }

  async version() {
    return (await this.exec('SELECT version()')).trim();
  }

  // JSONEachRow streamed in one INSERT; the server cuts it into blocks of 1M rows.
  async load(input, events) {
    resetPeakMemory(this.server.pid);
    const started = process.hrtime.bigint();
    await this.request('INSERT INTO events FORMAT JSONEachRow', fs.createReadStream(input, { highWaterMark: 1 << 20 }), {
      input_format_skip_unknown_fields: '1',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakBytes = peakMemoryBytes(this.server.pid);
    const [[count]] = await this.query('SELECT count() FROM events');
    if (count !== events) throw new Error(`ClickHouse holds ${count} events, expected ${events}`);
    const [[bytes]] = await this.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE table = 'events' AND active");
    return { seconds, events: count, peakBytes, bytesOnDisk: bytes };
  }

  async startQueries() {
    resetPeakMemory(this.server.pid);
  }

  async query(sql) {
    const text = await this.request(`${sql} FORMAT JSONCompact`, '');
    const { meta, data } = JSON.parse(text);
    return data.map((row) => row.map((v, i) => cell(v, meta[i].type)));
  }

  bench(sql, warmups, runs) {
    return timeRuns(() => this.query(sql), warmups, runs);
  }

  queryPeakBytes() {
    return peakMemoryBytes(this.server.pid);
  }

  async stop() {
    this.agent.destroy();
    await this.server?.stop();
    this.server = null;
  }
}
