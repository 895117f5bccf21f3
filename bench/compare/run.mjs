// Strata side by side with ClickHouse and DuckDB on one generated dataset: load speed,
// bytes on disk, peak memory, and the latency of Q1-Q8 (bench/workloads/queries.sql) for
// the biggest merchant and the 100th, with every answer cross-checked. See
// docs/benchmarks.md; `bench/compare/run.sh --help` for the options.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { firstDifference } from './lib/cells.mjs';
import { ClickHouse } from './lib/clickhouse.mjs';
import { generate } from './lib/dataset.mjs';
import { DuckDB } from './lib/duckdb.mjs';
import { ALL_MERCHANT_QUERIES, QUERY_IDS, clickhouseQuery, duckdbQuery, strataQueries } from './lib/queries.mjs';
import { machine, updateDocs, writeReport } from './lib/report.mjs';
import { Strata } from './lib/strata.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `usage: bench/compare/run.sh [options]
  --events N        events to generate (default 10000000)
  --merchants N     merchants (default 10000)
  --days N          days of traffic (default 30)
  --seed N          generator seed (default 1)
  --runs N          timed runs per query (default 10)
  --warmups N       untimed runs before them (default 2)
  --work DIR        scratch directory for data (default /tmp/strata-compare)
  --out DIR         where comparison.md and comparison.json go (default bench-results/compare)
  --update-docs     also put the table into docs/benchmarks.md
  --no-collect      skip the load through POST /collect
  --keep            keep the loaded data directories
  --strata PATH     the strata binary (default build/bin/strata)`;

const { values: opt } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    merchants: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '10' },
    warmups: { type: 'string', default: '2' },
    work: { type: 'string', default: '/tmp/strata-compare' },
    out: { type: 'string', default: path.join(ROOT, 'bench-results/compare') },
    'update-docs': { type: 'boolean', default: false },
    'no-collect': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    strata: { type: 'string', default: path.join(ROOT, 'build/bin/strata') },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}

function count(name, min) {
  const value = Number(opt[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench/compare: --${name} must be an integer >= ${min}, not '${opt[name]}'\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

const START = '2026-11-01T00:00:00Z';
const events = count('events', 1000);
const days = count('days', 1);
const runs = count('runs', 1);
const warmups = count('warmups', 0);
count('merchants', 100);
count('seed', 0);
const nowMs = Date.parse(START) + days * 86400000;
const nowIso = new Date(nowMs).toISOString();
const binary = path.resolve(opt.strata);
if (!fs.existsSync(binary)) {
  console.error(`bench/compare: no strata binary at ${binary} (build it, or pass --strata PATH)`);
  process.exit(2);
}
const workDir = path.resolve(opt.work);
fs.mkdirSync(workDir, { recursive: true });

const SYSTEMS = ['Strata (rollups)', 'Strata (raw)', 'ClickHouse', 'DuckDB'];
const log = (...args) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

// The cases: each query for the biggest and the 100th merchant; Q6 (all merchants) once.
function cases(merchants) {
  const out = [];
  for (const id of QUERY_IDS) {
    if (ALL_MERCHANT_QUERIES.has(id)) {
      out.push({ query: id, merchant: merchants.biggest.merchant, merchantLabel: 'all' });
      continue;
    }
    out.push({ query: id, merchant: merchants.biggest.merchant, merchantLabel: 'biggest' });
    out.push({ query: id, merchant: merchants.hundredth.merchant, merchantLabel: '100th' });
  }
  return out;
}

const RANKING = 'SELECT merchant, count(*) AS events FROM events GROUP BY merchant ORDER BY events DESC, merchant LIMIT 100';

async function main() {
  log(`dataset: ${events} events, ${opt.merchants} merchants, ${days} days, seed ${opt.seed}`);
  const dataset = await generate({
    binary, dir: path.join(workDir, 'dataset'), events, merchants: Number(opt.merchants), days,
    seed: Number(opt.seed), start: START,
  });
  const strataText = strataQueries(path.join(ROOT, 'bench/workloads/queries.sql'));
  const loads = [];
  const versions = {};
  const answers = {}; // system -> case key -> rows
  const latencies = new Map(); // case key -> { query, merchantLabel, ms: {system: [...]}, rollup }
  let merchants = null;
  let rankingAnswer = null;
  const record = (system, c, result) => {
    const key = `${c.query} ${c.merchantLabel}`;
    if (!latencies.has(key)) latencies.set(key, { query: c.query, merchantLabel: c.merchantLabel, merchant: c.merchant, ms: {} });
    latencies.get(key).ms[system] = result.ms;
    (answers[system] ??= {})[key] = result.rows;
  };

  // Strata: the bulk loader, then /collect, then queries on the bulk-loaded directory.
  const strata = new Strata({ binary, workDir });
  versions.Strata = await strata.version();
  log('Strata: strata load');
  const strataLoad = { system: 'Strata', how: '`strata load` (WAL fsync per batch)', ...(await strata.loadLocal(dataset.ndjson, events)) };
  loads.push(strataLoad);
  if (!opt['no-collect']) {
    log('Strata: POST /collect (strata load --server, 4 connections)');
    loads.push({ system: 'Strata', how: 'POST /collect, 4 connections', ...(await strata.loadCollect(dataset.ndjson, events)) });
  }
  try {
    await strata.startQueries(nowIso);
    const ranking = await strata.query(RANKING);
    rankingAnswer = ranking;
    merchants = {
      biggest: { merchant: ranking[0][0], events: ranking[0][1] },
      hundredth: { merchant: ranking[Math.min(99, ranking.length - 1)][0], events: ranking[Math.min(99, ranking.length - 1)][1] },
    };
    log(`merchants: biggest ${merchants.biggest.merchant}, 100th ${merchants.hundredth.merchant}`);
    for (const rollups of [true, false]) {
      const system = rollups ? 'Strata (rollups)' : 'Strata (raw)';
      await strata.setRollups(rollups);
      for (const c of cases(merchants)) {
        const sql = strataText[c.query].sql.replaceAll("':m'", `'${c.merchant}'`);
        const result = await strata.bench(sql, warmups, runs);
        record(system, c, result);
        if (rollups) latencies.get(`${c.query} ${c.merchantLabel}`).rollup = await strata.usesRollups(sql);
        log(`${system} ${c.query} ${c.merchantLabel}: ${Math.min(...result.ms).toFixed(2)} ms min`);
      }
    }
    strataLoad.queryPeakBytes = strata.queryPeakBytes();
  } finally {
    await strata.stop();
  }

  // ClickHouse and DuckDB, one at a time, so no system runs while another is measured.
  const others = [
    { name: 'ClickHouse', make: () => new ClickHouse({ workDir }), input: dataset.clickhouse, how: 'HTTP INSERT … FORMAT JSONEachRow', dialect: clickhouseQuery },
    { name: 'DuckDB', make: () => new DuckDB({ workDir }), input: dataset.ndjson, how: 'CREATE TABLE AS read_json ORDER BY merchant, ts', dialect: duckdbQuery },
  ];
  const checks = [];
  for (const other of others) {
    const system = other.make();
    try {
      log(`${other.name}: start and load`);
      await system.start();
      versions[other.name] = await system.version();
      const load = { system: other.name, how: other.how, ...(await system.load(other.input, events)) };
      loads.push(load);
      await system.startQueries();
      const ranking = await system.query(RANKING);
      const difference = firstDifference(rankingAnswer, ranking);
      if (difference) checks.push(`merchant ranking: ${other.name} differs from Strata: ${difference}`);
      for (const c of cases(merchants)) {
        const result = await system.bench(other.dialect(c.query, c.merchant, nowMs), warmups, runs);
        record(other.name, c, result);
        log(`${other.name} ${c.query} ${c.merchantLabel}: ${Math.min(...result.ms).toFixed(2)} ms min`);
      }
      load.queryPeakBytes = system.queryPeakBytes();
    } finally {
      await system.stop();
    }
  }
  versions.Node = process.version;

  // Every system's answer against Strata's raw-data answer.
  let compared = 1;
  const failures = [...checks];
  for (const [key] of latencies) {
    const reference = answers['Strata (raw)'][key];
    for (const system of SYSTEMS) {
      if (system === 'Strata (raw)' || !answers[system]) continue;
      compared++;
      const difference = firstDifference(reference, answers[system][key]);
      if (difference) failures.push(`${key}: ${system} differs from Strata (raw): ${difference}`);
    }
  }

  const results = {
    meta: {
      events, merchants: Number(opt.merchants), days, seed: Number(opt.seed), start: START, now: nowIso,
      datasetBytes: dataset.bytes, runs, warmups, merchantsQueried: merchants, versions, machine: machine(),
      command: `bench/compare/run.sh ${process.argv.slice(2).join(' ')}`.trim(), date: new Date().toISOString(),
      checks: compared,
    },
    systems: SYSTEMS,
    loads,
    latencies: [...latencies.values()],
    answers,
    failures,
  };
  const md = writeReport(opt.out, results);
  if (opt['update-docs']) updateDocs(path.join(ROOT, 'docs/benchmarks.md'), md);
  console.log(md);
  if (!opt.keep) {
    for (const sub of ['strata-data', 'clickhouse', 'duckdb']) fs.rmSync(path.join(workDir, sub), { recursive: true, force: true });
  }
  log(`wrote ${opt.out}/comparison.md and comparison.json`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench/compare: ${error.stack ?? error}`);
    process.exit(2);
  },
);
