// Dates, times and numbers in the UI's language (see uiLocale in ./i18n.ts), never the
// browser's: a Dutch UI says "4 seconden geleden" and "10.000" in an English browser too.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * One formatter per locale and kind, made once: building an Intl formatter costs far more than
 * using one, and a list formats a date for every item.
 */
const formatters = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "3 minutes ago", "in 2 days", "now": the largest whole unit, in `locale`. */
export function relativeTime(then: number, now: number, locale: string): string {
  const seconds = Math.round((then - now) / 1000);
  const format = cached(
    `relative:${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  );
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** 10,000 in English, 10.000 in Dutch. */
export function formatNumber(value: number, locale: string): string {
  return cached(`number:${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** A short date and time, e.g. 02-12-2026 09:30:00 in Dutch. */
export function formatDateTime(time: number, locale: string): string {
  return cached(
    `datetime:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
  ).format(time);
}

/** "Unclear, Outdated" or "Onduidelijk en Verouderd": a list joined as the language does. */
export function formatList(items: string[], locale: string): string {
  return cached(
    `list:${locale}`,
    () => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }),
  ).format(items);
}
