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

/** Calls of `call`, one after another, for about `ms`; resolves to calls per second. */
export async function rateFor(call, ms) {
  const start = nowMs();
  const stop = start + ms;
  let calls = 0;
  let now = start;
  while (now < stop) {
    // Reading the clock costs too; every 32 calls keeps that out of the figure.
    for (let i = 0; i < 32; i++) await call();
    calls += 32;
    now = nowMs();
  }
  return (calls * 1000) / (now - start);
}

/** Rounds a figure to `digits` significant digits, for tables and JSON alike. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
