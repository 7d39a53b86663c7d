// Small statistics and timing helpers: medians, percentiles, and a bounded rate loop.

/** The value at quantile `q` (0..1) of `values`, by nearest rank; NaN when empty. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Milliseconds since an arbitrary origin, with sub-microsecond resolution. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Calls of `call`, one after another, for about `ms` of wall time. Resolves to calls per
 * second of wall time and per second of this process's CPU time; the second is what other
 * work on a busy machine disturbs least.
 */
export async function ratesFor(call, ms) {
  const start = nowMs();
  const cpuStart = process.cpuUsage();
  const stop = start + ms;
  let calls = 0;
  let now = start;
  while (now < stop) {
    // Reading the clock costs too; every 32 calls keeps that out of the figure.
    for (let i = 0; i < 32; i++) await call();
    calls += 32;
    now = nowMs();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (calls * 1000) / (now - start), cpu: (calls * 1e6) / Math.max(1, cpu.user + cpu.system) };
}

/** Calls per second of wall time of `call`, one after another, for about `ms`. */
export async function rateFor(call, ms) {
  return (await ratesFor(call, ms)).wall;
}

/** Rounds a figure to `digits` significant digits, for tables and JSON alike. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
