// The latency protocol of the comparison: `warmups` untimed runs, then `runs` timed ones;
// the answer of the last run is kept for the cross-check.
export async function timeRuns(runQuery, warmups, runs) {
  let rows = null;
  for (let i = 0; i < warmups; i++) rows = await runQuery();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    rows = await runQuery();
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { ms, rows };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
