// One representation of a result cell for every system, so answers compare cell by cell:
// null, a number, a string, or a timestamp as an ISO-8601 UTC string with milliseconds.

export function isoFromMicros(micros) {
  return new Date(Number(micros / 1000n)).toISOString();
}

// "2026-11-01 00:00:00[.ffffff][+00[:00]]" (PostgreSQL and ClickHouse text) in UTC.
export function isoFromSqlText(text) {
  const m = text.match(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const fraction = (m[3] ?? '.0').slice(1).padEnd(3, '0').slice(0, 3);
  let zone = m[4] ?? 'Z';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  return new Date(`${m[1]}T${m[2]}.${fraction}${zone}`).toISOString();
}

function closeEnough(a, b) {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function show(cell) {
  return cell === null ? 'NULL' : JSON.stringify(cell);
}

// The first difference between two results (arrays of rows of cells), or null if they are
// the same answer. Numbers may differ in the last bits (sums in another order).
export function firstDifference(expected, actual) {
  if (expected.length !== actual.length) {
    return `${expected.length} rows vs ${actual.length} rows`;
  }
  for (let r = 0; r < expected.length; r++) {
    const a = expected[r];
    const b = actual[r];
    if (a.length !== b.length) return `row ${r + 1}: ${a.length} columns vs ${b.length}`;
    for (let c = 0; c < a.length; c++) {
      const x = a[c];
      const y = b[c];
      const same =
        typeof x === 'number' && typeof y === 'number' ? closeEnough(x, y) : x === y;
      if (!same) return `row ${r + 1} column ${c + 1}: ${show(x)} vs ${show(y)}`;
    }
  }
  return null;
}
