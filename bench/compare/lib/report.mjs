// The Markdown table and the JSON file of one comparison run.
import fs from 'node:fs';
import os from 'node:os';
import { median } from './timing.mjs';

export function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpu: model.trim(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osRelease.match(/^PRETTY_NAME="?(.*?)"?$/m)?.[1] ?? os.type(),
    kernel: os.release(),
  };
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtMiB = (bytes) => (bytes / 2 ** 20).toFixed(0);
const fmtRate = (n) => Math.round(n).toLocaleString('en-US');

// results: { meta, loads: [...], latencies: [...], failures: [...] }
export function markdown(results) {
  const { meta, loads, latencies, failures, systems } = results;
  const out = [];
  out.push(`Dataset: ${meta.events.toLocaleString('en-US')} events, ${meta.merchants.toLocaleString('en-US')} merchants, ${meta.days} days, seed ${meta.seed} (${(meta.datasetBytes / 2 ** 20).toFixed(0)} MiB of NDJSON).`);
  out.push(`Merchants: biggest = ${meta.merchantsQueried.biggest.merchant} (${meta.merchantsQueried.biggest.events.toLocaleString('en-US')} events), 100th = ${meta.merchantsQueried.hundredth.merchant} (${meta.merchantsQueried.hundredth.events.toLocaleString('en-US')} events).`);
  out.push(`Machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, ${meta.machine.memoryGiB} GiB, ${meta.machine.os}, Linux ${meta.machine.kernel}.`);
  out.push(`Versions: ${Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push(`Command: \`${meta.command}\` (${meta.date}).`);
  out.push('');
  out.push('#### Load');
  out.push('');
  out.push('| system | how | events/s | seconds | bytes on disk / event | peak memory, load (MiB) | peak memory, queries (MiB) |');
  out.push('|---|---|---:|---:|---:|---:|---:|');
  for (const l of loads) {
    out.push(`| ${l.system} | ${l.how} | ${fmtRate(l.events / l.seconds)} | ${l.seconds.toFixed(1)} | ${(l.bytesOnDisk / l.events).toFixed(1)} | ${fmtMiB(l.peakBytes)} | ${l.queryPeakBytes ? fmtMiB(l.queryPeakBytes) : '–'} |`);
  }
  out.push('');
  for (const l of loads.filter((x) => x.detail)) out.push(`${l.system}, ${l.how}: ${l.detail}.`);
  out.push('');
  out.push(`#### Query latency, ms: median / min of ${meta.runs} warm runs after ${meta.warmups} warm-ups`);
  out.push('');
  out.push(`| query | merchant | ${systems.join(' | ')} |`);
  out.push(`|---|---|${systems.map(() => '---:').join('|')}|`);
  for (const row of latencies) {
    const cells = systems.map((s) => {
      const m = row.ms[s];
      if (!m) return '–';
      const mark = s === 'Strata (rollups)' && row.rollup ? ' ᴿ' : '';
      return `${fmtMs(median(m))} / ${fmtMs(Math.min(...m))}${mark}`;
    });
    out.push(`| ${row.query} | ${row.merchantLabel} | ${cells.join(' | ')} |`);
  }
  out.push('');
  out.push('ᴿ: answered from rollups (EXPLAIN shows RollupAggregate); otherwise from raw events.');
  out.push('');
  if (failures.length === 0) {
    out.push(`Answers: all ${meta.checks} answers of every system agree (numbers to 1e-9 relative).`);
  } else {
    out.push(`**Answers differ (${failures.length}): the run FAILED.**`);
    out.push('');
    for (const f of failures) out.push(`- ${f}`);
  }
  return out.join('\n') + '\n';
}

export function writeReport(outDir, results) {
  fs.mkdirSync(outDir, { recursive: true });
  const md = markdown(results);
  fs.writeFileSync(`${outDir}/comparison.md`, md);
  fs.writeFileSync(`${outDir}/comparison.json`, JSON.stringify(results, null, 2) + '\n');
  return md;
}

// Replaces what lies between the compare markers of a docs page with the table.
export function updateDocs(docsFile, md) {
  const begin = '<!-- compare:begin -->';
  const end = '<!-- compare:end -->';
  const text = fs.readFileSync(docsFile, 'utf8');
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${docsFile} has no ${begin} ... ${end} section`);
  fs.writeFileSync(docsFile, `${text.slice(0, i + begin.length)}\n${md}${text.slice(j)}`);
}
