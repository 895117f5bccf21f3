// DuckDB through @duckdb/node-api, run in a child process (duckdb_worker.mjs) so that
// its peak memory is its own; the timing happens inside that process, next to DuckDB.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { peakMemoryBytes, resetPeakMemory } from './proc.mjs';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'duckdb_worker.mjs');

export class DuckDB {
  constructor({ workDir }) {
    this.file = path.join(workDir, 'duckdb', 'events.duckdb');
  }

  async start() {
    fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.child = spawn(process.execPath, [WORKER], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.replies = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    const { version } = await this.call({ op: 'open', file: this.file });
    this.duckdbVersion = version;
  }

  async call(command) {
    this.child.stdin.write(JSON.stringify(command) + '\n');
    const { value, done } = await this.replies.next();
    if (done) throw new Error('the DuckDB worker exited');
    const reply = JSON.parse(value);
    if (!reply.ok) throw new Error(`DuckDB: ${reply.error}`);
    return reply;
  }

  async version() {
    return this.duckdbVersion;
  }

  async load(input, events) {
    resetPeakMemory(this.child.pid);
    const result = await this.call({ op: 'load', input });
    if (result.events !== events) throw new Error(`DuckDB holds ${result.events} events, expected ${events}`);
    const walFile = `${this.file}.wal`;
    const bytesOnDisk = fs.statSync(this.file).size + (fs.existsSync(walFile) ? fs.statSync(walFile).size : 0);
    return { seconds: result.seconds, events, peakBytes: peakMemoryBytes(this.child.pid), bytesOnDisk };
  }

  async startQueries() {
    resetPeakMemory(this.child.pid);
  }

  async query(sql) {
    return (await this.call({ op: 'query', sql })).rows;
  }

  async bench(sql, warmups, runs) {
    const { ms, rows } = await this.call({ op: 'bench', sql, warmups, runs });
    return { ms, rows };
  }

  queryPeakBytes() {
    return peakMemoryBytes(this.child.pid);
  }

  async stop() {
    if (!this.child) return;
    await this.call({ op: 'close' }).catch(() => {});
    this.child.stdin.end();
    await new Promise((resolve) => (this.child.exitCode !== null ? resolve() : this.child.on('exit', resolve)));
    this.child = null;
  }
}
