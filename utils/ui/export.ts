// The person's suggestions as files of their own: JSON in the W3C Web Annotation shape the
// endpoint speaks, and CSV for a spreadsheet. Pure: the popup hands in the suggestions and
// downloads what comes out. (The background's toAnnotation is out of an extension page's
// reach by design; this is the same shape, built from the same model.)
import { ANNOTATION_CONTEXT } from '../protocol/annotation';
import type { Suggestion } from '../shared/suggestion';

export interface ExportedAnnotation {
  '@context': (typeof ANNOTATION_CONTEXT)[number][];
  id: string;
  type: 'Annotation';
  motivation: 'editing';
  created: string;
  modified: string;
  body: { type: 'TextualBody'; value: string; format?: 'text/plain'; purpose: string }[];
  target: string | { source: string; selector: Suggestion['selectors'] };
  /** Absent for a draft whose category is not chosen yet. */
  category?: string;
  anonymous: boolean;
  status?: string;
  voteCount?: number;
  replyCount?: number;
}

const iso = (time: number) => new Date(time).toISOString();

/** One suggestion as a W3C Web Annotation: its endpoint IRI once it has one, else its uuid. */
export function toExportedAnnotation(suggestion: Suggestion): ExportedAnnotation {
  return {
    '@context': [...ANNOTATION_CONTEXT],
    id: suggestion.remoteId ?? `urn:uuid:${suggestion.id}`,
    type: 'Annotation',
    motivation: 'editing',
    created: iso(suggestion.submittedAt ?? suggestion.createdAt),
    modified: iso(suggestion.updatedAt),
    body: [
      { type: 'TextualBody', value: suggestion.text, format: 'text/plain', purpose: 'editing' },
      ...(suggestion.category
        ? [{ type: 'TextualBody' as const, value: suggestion.category, purpose: 'tagging' }]
        : []),
    ],
    // The whole page is its URL (the W3C model's External Web Resource); a part of it, the
    // page and the selectors that find it (a Specific Resource).
    target:
      suggestion.selectors.length > 0
        ? { source: suggestion.pageUrl, selector: suggestion.selectors }
        : suggestion.pageUrl,
    ...(suggestion.category ? { category: suggestion.category } : {}),
    anonymous: suggestion.anonymous,
    ...(suggestion.remoteStatus ? { status: suggestion.remoteStatus } : {}),
    ...(suggestion.voteCount !== undefined ? { voteCount: suggestion.voteCount } : {}),
    ...(suggestion.replyCount !== undefined ? { replyCount: suggestion.replyCount } : {}),
  };
}

/** A JSON array of annotations, each standing on its own (with its `@context`). */
export function exportJson(suggestions: Suggestion[]): string {
  return `${JSON.stringify(suggestions.map(toExportedAnnotation), null, 2)}\n`;
}

/** Column names are data, not UI: the same in every language, so scripts can rely on them. */
export const CSV_COLUMNS = [
  'id',
  'created',
  'modified',
  'page_url',
  'page_title',
  'quote',
  'suggestion',
  'category',
  'anonymous',
  'sync_state',
  'status',
  'votes',
  'replies',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * A cell that a spreadsheet would run as a formula (= + - @, or a leading tab or carriage
 * return) gets an apostrophe first: the text came from anyone on the intranet.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function exportCsv(suggestions: Suggestion[]): string {
  const rows = suggestions.map((s) => [
    s.id,
    iso(s.submittedAt ?? s.createdAt),
    iso(s.updatedAt),
    s.pageUrl,
    s.pageTitle,
    s.quote,
    s.text,
    s.category ?? '',
    s.anonymous ? 'true' : 'false',
    s.syncState,
    s.remoteStatus ?? '',
    s.voteCount === undefined ? '' : String(s.voteCount),
    s.replyCount === undefined ? '' : String(s.replyCount),
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

/** `flywheel-suggestions-2026-12-02.csv`: the day of the export, in UTC. */
export function exportFileName(format: 'json' | 'csv', now: number): string {
  return `flywheel-suggestions-${iso(now).slice(0, 10)}.${format}`;
}

export const EXPORT_MEDIA_TYPES = {
  json: 'application/ld+json',
  csv: 'text/csv;charset=utf-8',
} as const;
