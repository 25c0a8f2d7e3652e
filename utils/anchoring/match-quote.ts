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
// - quote: exact; or fuzzy with at most errorBudget(contextScore) of its length in edits: 20%
//   with one side intact, growing with the other side's agreement up to 30%.
// - place: near the hints (position, containing element) the best context wins; far from every
//   hint a fuzzy match is only taken where the quote matches best (strictly fewest edits of all
//   the places it matches): there, context may confirm the quote, not overrule it.
export const CONTEXT_MIN = 1;
export const BASE_ERRORS = 0.2;
export const MAX_ERRORS = 0.3;
/** Extra edit rate per unit of context score above CONTEXT_MIN. */
const ERRORS_PER_CONTEXT = 0.4;
/** Shorter quotes are only matched exactly: a few edits turn them into other words. */
export const MIN_FUZZY_LENGTH = 10;
/** How far around the hints a match counts as near, besides the quote's own length. */
export const NEAR_SLACK = 4096;
/** Exact occurrences scored at most (nearest to the position hint first). */
const MAX_CANDIDATES = 200;
/** Pieces of the quote looked up exactly to find where it may be; a piece found more often
 * than MAX_PIECE_HITS says nothing about where and is ignored. */
const PIECES = 4;
const MAX_PIECE_HITS = 4;

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
  // One row, updated in place: `diagonal` keeps the previous row's value at j - 1.
  const row = Uint16Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return 1 - (row[b.length] as number) / longest;
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

/** Share of a quote's length that may be edited, given its context score (-1: none). */
export function errorBudget(score: number): number {
  if (score < CONTEXT_MIN) return -1;
  return Math.min(MAX_ERRORS, BASE_ERRORS + (score - CONTEXT_MIN) * ERRORS_PER_CONTEXT);
}

// Among candidates that pass the confidence rule, the best context wins; position breaks ties
// (a duplicated paragraph with identical context is anchored where it was).
function pickBest(
  text: string,
  query: QuoteQuery,
  candidates: QuoteMatch[],
  allowed: (candidate: QuoteMatch) => boolean = () => true,
): QuoteMatch | null {
  let best: QuoteMatch | null = null;
  let bestScore = -1;
  const length = query.exact.length;
  for (const candidate of candidates) {
    candidate.contextScore = contextScore(text, query, candidate.start, candidate.end);
    if (candidate.errors > length * errorBudget(candidate.contextScore) || !allowed(candidate)) {
      continue;
    }
    const distance = query.position === undefined ? 0 : Math.abs(candidate.start - query.position);
    const score = candidate.contextScore - candidate.errors / length - distance / (text.length + 1);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

// Where a fuzzy match may be, without scanning the whole text: a match with few edits usually
// keeps some of the quote intact, so a few pieces spread over the quote are looked up exactly
// and each hit gives a window wide enough for the edits. Pieces found too often say nothing
// and are ignored; when all are, the whole text is one window. When no piece is found (edits
// spread all over the quote), the windows around the hints are searched instead.
function windows(
  text: string,
  exact: string,
  maxErrors: number,
  around: [number, number][],
): [number, number][] {
  const length = exact.length;
  const size = Math.max(5, Math.min(10, Math.floor(length / PIECES)));
  const count = Math.min(PIECES, Math.floor(length / size));
  let spans: [number, number][] = [];
  let informative = false;
  for (let i = 0; i < count; i++) {
    const offset = Math.round((i * (length - size)) / Math.max(1, count - 1));
    const piece = exact.slice(offset, offset + size);
    const hits: [number, number][] = [];
    for (
      let at = text.indexOf(piece);
      at !== -1 && hits.length <= MAX_PIECE_HITS;
      at = text.indexOf(piece, at + 1)
    ) {
      hits.push([at - offset - maxErrors, at - offset + length + maxErrors]);
    }
    if (hits.length > MAX_PIECE_HITS) continue;
    informative = true;
    spans.push(...hits);
  }
  if (!informative) return [[0, text.length]];
  if (spans.length === 0) spans = around;
  // Overlapping spans are merged, so no text is searched twice.
  const found: [number, number][] = [];
  for (const [from, to] of spans.sort((x, y) => x[0] - y[0])) {
    const last = found.at(-1);
    if (last && from < last[1]) last[1] = Math.min(text.length, Math.max(last[1], to));
    else found.push([Math.max(0, from), Math.min(text.length, to)]);
  }
  return found;
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

  // 3. Fuzzy: the fewest-edit matches in each window, judged by the confidence rule; windows
  // near the hints first, the others only when those give nothing.
  const maxErrors = Math.floor(exact.length * MAX_ERRORS);
  const slack = NEAR_SLACK + exact.length;
  const hints: [number, number][] = [];
  const near = typeof query.near === 'function' ? query.near() : query.near;
  if (near) hints.push(near);
  if (position !== undefined) hints.push([position, position]);
  const isNear = (at: number) => hints.some(([from, to]) => at >= from - slack && at <= to + slack);
  const nearWindows: [number, number][] = [];
  const farWindows: [number, number][] = [];
  const around = hints.map(([from, to]): [number, number] => [from - slack, to + slack]);
  for (const window of windows(text, exact, maxErrors, around)) {
    (isNear(window[0]) || isNear(window[1]) ? nearWindows : farWindows).push(window);
  }
  const matches: QuoteMatch[] = [];
  const searchIn = (list: [number, number][]) => {
    for (const [from, to] of list) {
      for (const match of search(text.slice(from, to), exact, maxErrors)) {
        matches.push({
          ...match,
          start: match.start + from,
          end: match.end + from,
          contextScore: 0,
        });
      }
    }
  };
  searchIn(nearWindows);
  const nearMatch = pickBest(text, query, matches, (match) => isNear(match.start));
  if (nearMatch || options.wide === false) return nearMatch;
  searchIn(farWindows);
  // How many separate places the quote matches with the fewest edits.
  const fewest = Math.min(...matches.map((match) => match.errors));
  let places = 0;
  let lastEnd = -1;
  for (const match of matches.sort((x, y) => x.start - y.start)) {
    if (match.errors !== fewest) continue;
    if (match.start >= lastEnd) places++;
    lastEnd = match.end;
  }
  return pickBest(
    text,
    query,
    matches,
    (match) => isNear(match.start) || (match.errors === fewest && places === 1),
  );
}
