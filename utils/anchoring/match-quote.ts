import search from 'approx-string-match';

// Finding a quote in the text model. A wrong anchor is worse than an orphan, so every match,
// exact or fuzzy, must also agree with the stored context (prefix and suffix); when nothing
// passes the rule below the answer is null.
//
// Confidence rule (pinned by tests/unit/anchoring/match-quote.test.ts):
// - context: contextScore = side(prefix) + side(suffix) >= CONTEXT_MIN, where side() is the
//   Levenshtein similarity (0..1) of the stored context to the text beside the candidate, pulled
//   towards a neutral 0.5 when the stored context is short (at the document's edges). One side
//   intact is enough; two unrelated sides (about 0.3 each for English) are not.
// - quote: exact; or, near the hints (position, containing element), at most NEAR_ERRORS of
//   its length in edits; or, anywhere in the text, at most WIDE_ERRORS.
export const CONTEXT_MIN = 1;
export const NEAR_ERRORS = 0.2;
export const WIDE_ERRORS = 0.1;
/** Shorter quotes are only matched exactly: a few edits turn them into other words. */
export const MIN_FUZZY_LENGTH = 10;
/** How far around the hints the near search looks, besides the quote's own length. */
export const NEAR_SLACK = 4096;
/** Exact occurrences scored at most (nearest to the position hint first). */
const MAX_CANDIDATES = 200;

export interface QuoteQuery {
  exact: string;
  prefix: string;
  suffix: string;
  /** Where the quote started when it was written. */
  position?: number;
  /** Span of the element that contained the quote, found again by its CSS selector; a function
   * so that the lookup is only paid for when the fuzzy step needs it. */
  near?: [number, number] | (() => [number, number] | undefined);
}

export interface QuoteMatch {
  start: number;
  end: number;
  errors: number;
  contextScore: number;
}

export interface MatchOptions {
  /** Allow the whole-text fuzzy search when the near search finds nothing (default true). */
  wide?: boolean;
}

/** Levenshtein similarity in 0..1, two-row dynamic programming (contexts are <= 32 chars). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return 1 - (previous[b.length] as number) / longest;
}

function sideScore(stored: string, actual: string): number {
  const weight = Math.min(1, stored.length / 16);
  return 0.5 + (similarity(stored, actual) - 0.5) * weight;
}

export function contextScore(text: string, query: QuoteQuery, start: number, end: number) {
  const before = text.slice(Math.max(0, start - query.prefix.length), start);
  const after = text.slice(end, end + query.suffix.length);
  return sideScore(query.prefix, before) + sideScore(query.suffix, after);
}

// Among candidates that pass the context rule, the best context wins; position breaks ties
// (a duplicated paragraph with identical context is anchored where it was).
function pickBest(text: string, query: QuoteQuery, candidates: QuoteMatch[]): QuoteMatch | null {
  let best: QuoteMatch | null = null;
  let bestScore = -1;
  for (const candidate of candidates) {
    candidate.contextScore = contextScore(text, query, candidate.start, candidate.end);
    if (candidate.contextScore < CONTEXT_MIN) continue;
    const distance = query.position === undefined ? 0 : Math.abs(candidate.start - query.position);
    const score =
      candidate.contextScore - candidate.errors / query.exact.length - distance / (text.length + 1);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function fuzzyIn(text: string, query: QuoteQuery, from: number, to: number, maxErrorRate: number) {
  const maxErrors = Math.floor(query.exact.length * maxErrorRate);
  const matches = search(text.slice(from, to), query.exact, maxErrors).map((match) => ({
    start: match.start + from,
    end: match.end + from,
    errors: match.errors,
    contextScore: 0,
  }));
  return pickBest(text, query, matches);
}

export function matchQuote(
  text: string,
  query: QuoteQuery,
  options: MatchOptions = {},
): QuoteMatch | null {
  const { exact, prefix, suffix, position } = query;
  if (!exact) return null;

  // 1. Unchanged page: the quote and its whole context are still at the stored position.
  if (
    position !== undefined &&
    text.startsWith(exact, position) &&
    text.startsWith(suffix, position + exact.length) &&
    text.slice(Math.max(0, position - prefix.length), position) === prefix
  ) {
    return { start: position, end: position + exact.length, errors: 0, contextScore: 2 };
  }

  // 2. Exact occurrences anywhere, judged by context and nearness.
  const starts: number[] = [];
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) starts.push(at);
  if (position !== undefined && starts.length > MAX_CANDIDATES) {
    starts.sort((a, b) => Math.abs(a - position) - Math.abs(b - position));
  }
  const exactMatch = pickBest(
    text,
    query,
    starts
      .slice(0, MAX_CANDIDATES)
      .map((start) => ({ start, end: start + exact.length, errors: 0, contextScore: 0 })),
  );
  if (exactMatch || exact.length < MIN_FUZZY_LENGTH) return exactMatch;

  // 3. Fuzzy, first in windows around the hints, then (stricter) over the whole text.
  const slack = NEAR_SLACK + exact.length;
  const windows: [number, number][] = [];
  const near = typeof query.near === 'function' ? query.near() : query.near;
  if (near) windows.push([near[0] - slack, near[1] + slack]);
  if (position !== undefined) windows.push([position - slack, position + exact.length + slack]);
  // Overlapping windows are searched once; a window covering the whole text makes the wide
  // search redundant (small pages).
  windows.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (let k = 0; k < windows.length; k++) {
    const from = Math.max(0, (windows[k] as [number, number])[0], covered);
    let to = Math.min(text.length, (windows[k] as [number, number])[1]);
    while (k + 1 < windows.length && (windows[k + 1] as [number, number])[0] <= to) {
      to = Math.min(text.length, Math.max(to, (windows[++k] as [number, number])[1]));
    }
    if (to <= from) continue;
    const match = fuzzyIn(text, query, from, to, NEAR_ERRORS);
    if (match) return match;
    if (from === 0 && to === text.length) return null;
    covered = to;
  }
  return options.wide === false ? null : fuzzyIn(text, query, 0, text.length, WIDE_ERRORS);
}
