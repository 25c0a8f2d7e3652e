// Step 1 of the rule in match-quote.ts: the quote found verbatim. This is all the content script
// carries; the edited steps (edited.ts) are loaded only on a page where a quote is not found
// verbatim (see docs/ARCHITECTURE.md).
export const CONTEXT_MIN = 1;
/** Verbatim quotes found once are taken without context from this length on. Measured (see
 * tests/unit/anchoring/chance-matches.test.ts): a word-aligned run of N characters from one
 * README occurs exactly once in an unrelated README of the corpora in 4.8% of tries at N = 6,
 * 2.9% at 8, 1.3% at 10, 0.8% at 12, 0.4% at 16, 0.2% at 20: from 12 on, under 1 in 100. */
export const MIN_UNIQUE_LENGTH = 12;
/** Shorter quotes are only matched exactly: a few edits make them other words. The same length
 * as MIN_UNIQUE_LENGTH, below which chance matches are common (see there); at 10, one removed
 * 10-character heading ("Change Log") was matched to another one edit away. */
export const MIN_FUZZY_LENGTH = 12;
/** Context-score bonus for a place in the same kind of element as the quote was in: a quarter of
 * one side's agreement, enough to break ties, not to overrule context (not measured). */
const KIND_BONUS = 0.25;
/** Exact occurrences scored at most (the first ones on the page: a quote found more often than
 * this on one page is not worth the bytes of sorting by distance to the position hint). */
const MAX_CANDIDATES = 200;
/** More than any count or score here (shorter in the content script than Number.POSITIVE_INFINITY). */
export const MANY = 1e9;

export interface QuoteQuery {
  exact: string;
  prefix: string;
  suffix: string;
  /** Where the quote started when it was written. */
  position?: number;
  /** Span of the element that contained the quote, found again by its CSS selector; a function
   * so that the lookup is only paid for when the fuzzy step needs it. */
  near?: () => [number, number] | undefined;
  /** Whether the text at an offset is in the same kind of element as the quote was. */
  sameKind?: (offset: number) => boolean;
  /** The text in lower case, cached by the caller across queries. */
  folded?: () => string;
}

export interface QuoteMatch {
  start: number;
  end: number;
  errors: number;
  contextScore: number;
}

/** Levenshtein similarity in 0..1, one-row dynamic programming (contexts are <= 32 chars). */
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

/** A span without the spaces at its edges (they are not part of what a person meant). */
export function trimmedSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return [start, end];
}

export interface Place extends QuoteMatch {
  kind: boolean;
}

// The best-scored place: context, then kind of element, then few edits, then nearness.
export function best(places: Place[], query: QuoteQuery, textLength: number): Place | null {
  let found: Place | null = null;
  let foundScore = -MANY;
  for (const place of places) {
    const distance = Math.abs(place.start - (query.position ?? place.start));
    const score =
      place.contextScore +
      (place.kind ? KIND_BONUS : 0) -
      (2 * place.errors) / query.exact.length -
      distance / (textLength + 1);
    if (score > foundScore) {
      found = place;
      foundScore = score;
    }
  }
  return found;
}

/** Makes a scored place of a span of `text` for `query` (steps 1 and 2 score places alike). */
export const placer =
  (text: string, query: QuoteQuery) =>
  (start: number, end: number, errors: number): Place => ({
    start,
    end,
    errors,
    contextScore: contextScore(text, query, start, end),
    kind: !!query.sameKind?.(start),
  });

export function occurrences(text: string, needle: string, limit: number): number[] {
  const starts: number[] = [];
  for (let at = text.indexOf(needle); at !== -1 && starts.length <= limit; ) {
    starts.push(at);
    at = text.indexOf(needle, at + 1);
  }
  return starts;
}

// Where a fuzzy match may be, without scanning the whole text: a match with few edits usually

const WORD = /[\p{L}\p{N}]{2,}/gu;

const words = (value: string) => value.toLowerCase().match(WORD) ?? [];

/** Share of the words of `exact` (two or more letters or digits, any case) found in `text`. */
export function keptShare(text: string, exact: string): number {
  const quoted = words(exact);
  const present = new Set(words(text));
  return quoted.filter((word) => present.has(word)).length / (quoted.length || 1);
}

/** Steps 2, 2b and 3 of the rule (edited.ts `matchEdited`), for a quote not found verbatim. */
export type EditedStep = (text: string, query: QuoteQuery) => QuoteMatch | null;

/**
 * Where the lazily injected script (entrypoints/anchoring-fuzzy.ts) leaves the edited step: a
 * property of the extension's isolated world's globalThis, which the page's scripts never see.
 * Here, not in core.ts, so that the injected script carries nothing of the anchorer.
 */
export const EDITED_STEP_GLOBAL = 'flywheelAnchoringEditedStep';

/**
 * Step 1: the quote where it was, or found verbatim and told apart from its copies. `false`:
 * not found so, and long enough for the edited steps (matchEdited) to look for it; null: an
 * orphan whatever they would say (too short to be matched but exactly).
 */
export function matchVerbatim(text: string, query: QuoteQuery): QuoteMatch | null | false {
  const { exact, prefix, suffix, position } = query;
  if (!exact) return null;
  const length = exact.length;

  // Unchanged page: the quote and its whole context are still at the stored position.
  if (
    position !== undefined &&
    text.startsWith(exact, position) &&
    text.startsWith(suffix, position + length) &&
    text.slice(Math.max(0, position - prefix.length), position) === prefix
  ) {
    return { start: position, end: position + length, errors: 0, contextScore: 2 };
  }

  const place = placer(text, query);

  // 1. Verbatim occurrences.
  const copies = occurrences(text, exact, MAX_CANDIDATES).map((at) => place(at, at + length, 0));
  const sameKind = copies.filter((copy) => copy.kind);
  const verbatim =
    // Found once and long enough: whatever its context.
    (length >= MIN_UNIQUE_LENGTH && copies.length === 1 && copies[0]) ||
    best(
      copies.filter((copy) => copy.contextScore >= CONTEXT_MIN),
      query,
      text.length,
    ) ||
    // No copy keeps its context (the section moved): the only one in the same kind of element.
    (length >= MIN_UNIQUE_LENGTH && sameKind.length === 1 && sameKind[0]);
  if (verbatim) return verbatim;
  // MIN_FUZZY_LENGTH is MIN_UNIQUE_LENGTH (one constant in the bundle).
  return length < MIN_UNIQUE_LENGTH ? null : false;
}
