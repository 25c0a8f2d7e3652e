import { formatSpread, type Spread } from './stats';

export function isSpread(value: unknown): value is Pick<Spread, 'median' | 'min' | 'max'> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'median' in value &&
    'min' in value &&
    'max' in value
  );
}

/** Markdown table; cells are escaped for pipes. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cell = (value: string | number) => String(value).replaceAll('|', '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function formatValue(value: unknown): string {
  if (isSpread(value)) {
    const digits = Math.abs(value.median) >= 100 ? 0 : 2;
    return formatSpread({ ...value, p95: Number.NaN, runs: 1 }, digits);
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Flattens a plain result object into rows: nested objects become dotted names, and
 * `{ median, min, max }` objects are shown as "median (min–max)".
 */
export function flatten(value: unknown, prefix = ''): [string, string][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isSpread(value)) {
    return [[prefix || 'value', formatValue(value)]];
  }
  return Object.entries(value).flatMap(([key, inner]) =>
    flatten(inner, prefix ? `${prefix}.${key}` : key),
  );
}
