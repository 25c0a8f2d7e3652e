/** A figure measured several times: the median, with the spread seen. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  p95: number;
  runs: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function spread(values: number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    p95: quantile(sorted, 0.95),
    runs: sorted.length,
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** "12.3 (10.1–15.0)": median, then min–max. */
export function formatSpread(s: Spread, digits = 1, unit = ''): string {
  if (s.runs === 0) return 'n/a';
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
