// The content script's UI text, from the locale files like all UI text, but fetched from the
// background in one message at start: the first i18n.getMessage call in a page is a
// synchronous round trip to the browser that costs milliseconds of the page's load.
import type { MessageKey } from './i18n';

export const PAGE_LABEL_KEYS = [
  'launcherLabel',
  'pickElementLabel',
  'pickElementHint',
  'editorFrameTitle',
  'pageSuggestionsLabel',
  'pageSuggestionsOne',
  'pageSuggestionsMany',
  'pageSuggestionPosition',
  'openSuggestionText',
  'openSuggestionLabel',
  'previousSuggestionLabel',
  'nextSuggestionLabel',
  'errorOpenFailed',
  'errorFrameReplaced',
] as const satisfies readonly MessageKey[];

export type PageLabelKey = (typeof PAGE_LABEL_KEYS)[number];

/** Messages with their placeholders as `$1`, `$2`, … (filled in by `fillTemplate`). */
export type PageLabelTemplates = Record<PageLabelKey, string>;

export function fillTemplate(template: string, substitutions: string | string[] = []): string {
  const values = Array.isArray(substitutions) ? substitutions : [substitutions];
  return template.replace(/\$(\d)/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}
