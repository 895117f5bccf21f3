// Strata: `strata load` into a data directory, `strata load --server` through POST
// /collect into a running server, and queries over the PostgreSQL wire protocol on one
// persistent connection (node-postgres, simple query protocol), as Grafana or psql would.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { isoFromSqlText } from './cells.mjs';
import { timeRuns } from './timing.mjs';
import { Server, bytesUnder, freePort, peakMemoryBytes, resetPeakMemory, run, runMeasured } from './proc.mjs';

// PostgreSQL type OIDs the queries return.
const INTEGER_TYPES = new Set([20, 21, 23]);
const FLOAT_TYPES = new Set([700, 701, 1700]);
const TIMESTAMP_TYPES = new Set([1114, 1184]);
const BOOL_TYPE = 16;

function cell(text, typeId) {
  if (text === null) return null;
  if (INTEGER_TYPES.has(typeId) || FLOAT_TYPES.has(typeId)) return Number(text);
  if (TIMESTAMP_TYPES.has(typeId)) return isoFromSqlText(text);
  if (typeId === BOOL_TYPE) return text === 't';
  return text;
}

// Every value arrives as its PostgreSQL text; cell() above gives it a type.
const RAW_TEXT = { getTypeParser: () => (value) => value };

// One unlabelled sample of the server's /metrics.
async function metricValue(httpPort, name) {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  const text = await response.text();
  const match = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
  if (!match) throw new Error(`/metrics has no ${name}`);
  return Number(match[1]);
}

export class Strata {
  constructor({ binary, workDir }) {
    this.binary = binary;
    this.workDir = workDir;
    this.server = null;
    this.client = null;
  }

  async version() {
    const { stdout } = await run('git', ['-C', path.dirname(this.binary), 'rev-parse', '--short', 'HEAD'], {
      okCodes: [0, 128],
    });
    return stdout.trim() ? `git ${stdout.trim()}` : 'unknown';
  }

  // `strata load`: the bulk loader, durable (fsync) batches, all cores.
  async loadLocal(input, events) {
    const dataDir = path.join(this.workDir, 'strata-data');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const result = await runMeasured(this.binary, ['load', '--data-dir', dataDir, input]);
    const loaded = Number(result.stderr.match(/(\d+) events/)?.[1] ?? result.stdout.match(/(\d+) events/)?.[1]);
    if (loaded !== events) {
      throw new Error(`strata load reported ${loaded} events, expected ${events}:\n${result.stderr}${result.stdout}`);
    }
    this.dataDir = dataDir;
    const bytesOnDisk = bytesUnder(dataDir);
    const eventBytes = await this.eventSegmentBytes(dataDir);
    return {
      seconds: result.seconds,
      events: loaded,
      peakBytes: result.peakBytes,
      bytesOnDisk,
      detail: `events ${(eventBytes / loaded).toFixed(1)} B/event; rollups, sessions and catalog the rest`,
    };
  }

  // The bytes of the event segments alone, as `strata inspect` reports them.
  async eventSegmentBytes(dataDir) {
    const { stdout } = await run(this.binary, ['inspect', '--data-dir', dataDir, '--merchants', '0']);
    const match = stdout.match(/^bytes on disk\s+([\d.]+) (B|KiB|MiB|GiB) segments/m);
    if (!match) throw new Error(`strata inspect printed no segment bytes:\n${stdout}`);
    const unit = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[match[2]];
    return Number(match[1]) * unit;
  }

  async startServer(dataDir, name) {
    const httpPort = await freePort();
    const pgPort = await freePort();
    const server = new Server(
      name,
      this.binary,
      ['serve', '--data-dir', dataDir, '--http-port', String(httpPort), '--pg-port', String(pgPort)],
      path.join(this.workDir, `${name}.log`),
    );
    await server.waitForPort(pgPort);
    await server.waitForPort(httpPort);
    server.httpPort = httpPort;
    server.pgPort = pgPort;
    return server;
  }

  // A fresh server fed through POST /collect by `strata load --server`. Timed until the
  // server has stopped, so that the events are in segments as after `strata load` (the
  // stop flushes the memtables); the acknowledged rate is in the detail. The peak memory
  // is the server's, read just before the stop.
  async loadCollect(input, events) {
    const dataDir = path.join(this.workDir, 'strata-collect-data');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const server = await this.startServer(dataDir, 'strata-collect');
    try {
      const started = process.hrtime.bigint();
      const result = await run(this.binary, [
        'load', '--server', `http://127.0.0.1:${server.httpPort}`, '--connections', '4', input,
      ]);
      const loaded = Number(result.stderr.match(/loaded (\d+) events/)?.[1]);
      if (loaded !== events) {
        throw new Error(`strata load --server reported ${loaded} events, expected ${events}:\n${result.stderr}`);
      }
      const peakBytes = peakMemoryBytes(server.pid);
      const stalled = await metricValue(server.httpPort, 'strata_engine_write_stall_seconds_total');
      await server.stop();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const requests = result.stderr.trim().split('\n').pop().trim();
      return {
        seconds,
        events,
        peakBytes,
        bytesOnDisk: bytesUnder(dataDir),
        detail:
          `all acknowledged (durable in the WAL, queryable) after ${result.seconds.toFixed(1)} s, ` +
          `${Math.round(events / result.seconds).toLocaleString('en-US')} events/s; in segments after the ` +
          `shutdown flush at ${seconds.toFixed(1)} s; writers waited ${stalled.toFixed(1)} s for flushes; ${requests}`,
      };
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  async startQueries(nowIso) {
    this.server = await this.startServer(this.dataDir, 'strata');
    this.client = new pg.Client({
      host: '127.0.0.1',
      port: this.server.pgPort,
      user: 'strata',
      password: 'strata',
      database: 'strata',
      types: RAW_TEXT,
    });
    await this.client.connect();
    await this.client.query(`SET strata.now = '${nowIso}'`);
    resetPeakMemory(this.server.pid);
  }

  async setRollups(on) {
    await this.client.query(`SET strata.rollups = ${on ? 'on' : 'off'}`);
  }

  async query(sql) {
    const result = await this.client.query({ text: sql, rowMode: 'array' });
    return result.rows.map((row) => row.map((v, i) => cell(v, result.fields[i].dataTypeID)));
  }

  // Whether the planner answers `sql` from rollups.
  async usesRollups(sql) {
    const result = await this.client.query({ text: `EXPLAIN ${sql}`, rowMode: 'array' });
    return result.rows.some((row) => String(row[0]).includes('RollupAggregate'));
  }

  bench(sql, warmups, runs) {
    return timeRuns(() => this.query(sql), warmups, runs);
  }

  queryPeakBytes() {
    return peakMemoryBytes(this.server.pid);
  }

  async stop() {
    await this.client?.end().catch(() => {});
    this.client = null;
    await this.server?.stop();
    this.server = null;
  }
}
