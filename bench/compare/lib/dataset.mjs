// The dataset: the project's generator with a fixed seed, written once as plain NDJSON
// (every system reads the same bytes), plus a ClickHouse copy whose `params` objects are
// JSON strings, because ClickHouse 18.16's JSONEachRow cannot read an object into a column.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { run } from './proc.mjs';

export async function generate({ binary, dir, events, merchants, days, seed, start }) {
  fs.mkdirSync(dir, { recursive: true });
  const name = `events-${events}-${merchants}-${days}-${seed}`;
  const ndjson = path.join(dir, `${name}.ndjson`);
  if (!fs.existsSync(ndjson)) {
    const partial = `${ndjson}.partial`;
    await run(binary, [
      'generate', '--events', String(events), '--merchants', String(merchants), '--days', String(days),
      '--seed', String(seed), '--start', start, '--output', partial,
    ]);
    fs.renameSync(partial, ndjson);
  }
  const clickhouse = path.join(dir, `${name}.clickhouse.ndjson`);
  if (!fs.existsSync(clickhouse)) {
    await writeClickHouseCopy(ndjson, `${clickhouse}.partial`);
    fs.renameSync(`${clickhouse}.partial`, clickhouse);
  }
  return { ndjson, clickhouse, bytes: fs.statSync(ndjson).size };
}

async function writeClickHouseCopy(from, to) {
  const out = fs.createWriteStream(to, { highWaterMark: 1 << 20 });
  const lines = readline.createInterface({ input: fs.createReadStream(from, { highWaterMark: 1 << 20 }) });
  let pending = [];
  const flush = async () => {
    if (!out.write(pending.join(''))) await new Promise((resolve) => out.once('drain', resolve));
    pending = [];
  };
  for await (const line of lines) {
    if (line.includes('"params":')) {
      const event = JSON.parse(line);
      if (event.params !== null && typeof event.params === 'object') event.params = JSON.stringify(event.params);
      pending.push(JSON.stringify(event) + '\n');
    } else {
      pending.push(line + '\n');
    }
    if (pending.length >= 10000) await flush();
  }
  await flush();
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}
