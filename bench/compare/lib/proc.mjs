// Process plumbing shared by the systems: starting and stopping servers, waiting for
// ports, peak memory from /proc, and sizes on disk.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Runs a command to completion; rejects with its stderr tail on a non-zero exit unless
// `okCodes` lists that code. Returns { code, stdout, stderr, seconds }.
export function run(cmd, args, { okCodes = [0], input, env } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (!okCodes.includes(code)) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ code, stdout, stderr, seconds });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

// Runs a command under /usr/bin/time to learn its peak resident memory.
export async function runMeasured(cmd, args, options = {}) {
  const timeFile = path.join(fs.mkdtempSync('/tmp/strata-cmp-time-'), 'time.txt');
  const result = await run('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args], options);
  const peakKiB = Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
  return { ...result, peakBytes: peakKiB * 1024 };
}

// A long-running server process whose output goes to a log file.
export class Server {
  constructor(name, cmd, args, logFile) {
    this.name = name;
    this.logFile = logFile;
    const log = fs.openSync(logFile, 'a');
    this.child = spawn(cmd, args, { stdio: ['ignore', log, log], detached: false });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.child.on('exit', () => (this.dead = true));
  }

  get pid() {
    return this.child.pid;
  }

  async waitForPort(port, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.dead) throw new Error(`${this.name} exited while starting; see ${this.logFile}`);
      if (await portOpen(port)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not open port ${port} in ${timeoutMs} ms; see ${this.logFile}`);
  }

  async stop(timeoutMs = 60000) {
    if (this.dead) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Peak resident memory of a live process since it started or since resetPeakMemory.
export function peakMemoryBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmHWM:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : 0;
}

// Writing 5 to clear_refs resets VmHWM (Linux 4.0+), so each phase gets its own peak.
export function resetPeakMemory(pid) {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

// Bytes of every regular file under `dir` (what `du --apparent-size -b` reports).
export function bytesUnder(dir) {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    }
  }
  return total;
}

// A free TCP port on loopback.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
