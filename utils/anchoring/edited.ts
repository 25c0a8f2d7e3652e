import search from 'approx-string-match';
import {
  best,
  CONTEXT_MIN,
  keptShare,
  MANY,
  occurrences,
  placer,
  type QuoteMatch,
  type QuoteQuery,
  trimmedSpan,
} from './verbatim';

// Steps 2, 2b and 3 of the rule in match-quote.ts, for a quote not found verbatim. The content
// script does not carry them: the background injects them (anchoring-fuzzy.js) into a page only
// when one of its quotes needs them (see docs/ARCHITECTURE.md).
export const BASE_ERRORS = 0.2;
export const MAX_ERRORS = 0.3;
/** Extra edit rate per unit of context score above CONTEXT_MIN. */
const ERRORS_PER_CONTEXT = 0.4;
/** Edit rate allowed when no context survives: the clear best place, nothing else close, and a
 * quote long enough. Measured on both corpora: such matches were wrong for 3 quotes of 17-36
 * characters (a table row of a sibling algorithm, a code line) and right for 10 of 44-136 and
 * 1 of 31; edit rates (7-14%) did not separate right from wrong, length did. */
export const LONE_ERRORS = 0.15;
export const MIN_LONE_LENGTH = 40;
/** How many more edits the second-best place must need, as a share of the quote's length, for
 * a context-free fuzzy match to count as the clear best place (not measured). */
const LONE_MARGIN = 0.1;
/** How far around the hints a match counts as near, besides the quote's own length. */
export const NEAR_SLACK = 4096;
/** Pieces of the quote looked up exactly to find where it may be; a piece found more often
 * than MAX_PIECE_HITS says nothing about where and is ignored (speed settings, not measured
 * one by one). */
const PIECES = 6;
const MAX_PIECE_HITS = 6;
/** Text longer than this is never fuzzy-searched whole: one scan of the 1 MB bench page took
 * 27-159 ms per quote in Chromium (tests/bench/anchoring-chromium.ts), a tenth of that fits a
 * frame; so only windows from pieces, context and hints are searched in longer text. */
const WHOLE_SCAN_LIMIT = 100_000;
/** Rewritten passages: context kept verbatim on each side at least this long, and at least this
 * share of the quote's words between the two contexts (not measured: 3 of the 15 rewritten
 * quotes found on the corpora come from this rule, none wrongly). */
const PINNED_CONTEXT = 16;
/** Step 2b, alignment of quote and context where the pieces are (for a quote with a part deleted).
 * It answers when: the alignment's edits in the quote are at most BASE_ERRORS of what it covers
 * (a gap costs 1 + 1/4 per further character); its identical quote characters are at least
 * max(PINNED_CONTEXT, PARTIAL_SHARE x length); one run of identical characters carries at least
 * PINNED_CONTEXT characters of context into at least MIN_PIN_QUOTE quote characters and occurs
 * nowhere else; no other place holds more of the quote, or the same part nearly as well. Measured
 * in happy-dom, edited right / wrong answers in all on corpus 1 (360 quotes, at most 2 wrong
 * allowed), then corpus 2 (661, at most 4), both looked at while tuning:
 * - without step 2b: 76/95, 0 wrong; 39/48, 4 wrong.
 * - any 40-character identical run, no pinning: 84/95, 5 wrong; 39/48, 7 wrong.
 * - pinned by 16 context characters, quote part >= max(16, 30% of the quote): 79/95, 2; 39/48, 4.
 * - pinned run + identical share + phrase gaps, no MIN_PIN_QUOTE: 87/95, 3 wrong (a 36-character
 *   code line with 7 quote characters pinned); MIN_PIN_QUOTE 8: 86/95, 2 wrong; 39/48, 4 wrong.
 * - without the rival check: one more wrong (a removed code line); without the split check: one
 *   more wrong (a rewritten quote whose smaller half was pinned).
 * - also accepting an unpinned identical run of max(40, half the quote): 88/95 but 3 wrong.
 * PARTIAL_SHARE 0.4 was not varied. Windows wider than ALIGN_WINDOW are not aligned (the cost
 * grows with quote x window: about 15 ns per cell in Node). */
const PARTIAL_SHARE = 0.4;
const MIN_PIN_QUOTE = 8;
const ALIGN_WINDOW = 2048;
const KEPT_WORDS = 0.6;

/** Share of a quote's length that may be edited, given its context score (-1: none). */
export function errorBudget(score: number): number {
  if (score < CONTEXT_MIN) return -1;
  return Math.min(MAX_ERRORS, BASE_ERRORS + (score - CONTEXT_MIN) * ERRORS_PER_CONTEXT);
}

// keeps some of the quote intact, so pieces spread over the quote are looked up exactly and each
// hit gives a window wide enough for the edits; so do the context's inner ends (a quote edited
// all over still sits after its prefix) and the hints.
function windows(
  text: string,
  query: QuoteQuery,
  maxErrors: number,
  around: [number, number][],
): [[number, number][], [number, number][]] {
  const { exact, prefix, suffix } = query;
  const length = exact.length;
  const size = Math.max(5, Math.min(12, Math.floor(length / PIECES)));
  const count = Math.min(PIECES, Math.floor(length / size));
  const spans: [number, number][] = [];
  let informative = false;
  const lookUp = (piece: string, offset: number) => {
    const hits = occurrences(text, piece, MAX_PIECE_HITS);
    if (hits.length > MAX_PIECE_HITS) return;
    informative = true;
    for (const at of hits) spans.push([at - offset - maxErrors, at - offset + length + maxErrors]);
  };
  for (let i = 0; i < count; i++) {
    const offset = Math.round((i * (length - size)) / Math.max(1, count - 1));
    lookUp(exact.slice(offset, offset + size), offset);
  }
  if (prefix.length >= 8) lookUp(prefix.slice(-8), -8);
  if (suffix.length >= 8) lookUp(suffix.slice(0, 8), length);
  // Overlapping spans are merged, so no text is searched twice.
  const merge = (list: [number, number][]) => {
    const found: [number, number][] = [];
    for (const [from, to] of list.sort((x, y) => x[0] - y[0])) {
      const last = found.at(-1);
      if (last && from < last[1]) last[1] = Math.min(text.length, Math.max(last[1], to));
      else if (to > 0 && from < text.length) {
        found.push([Math.max(0, from), Math.min(text.length, to)]);
      }
    }
    return found;
  };
  // The pieces' own windows, widened by the context, are where the alignment looks: one per
  // place (hits less than half a quote apart are one place), not merged into wide windows, since
  // its cost grows with the window's width.
  const pieces: [number, number][] = [];
  for (const [from, to] of spans.sort((x, y) => x[0] - y[0])) {
    if (from - prefix.length >= (pieces.at(-1)?.[0] ?? -MANY) + length / 2) {
      pieces.push([Math.max(0, from - prefix.length), Math.min(text.length, to + suffix.length)]);
    }
  }
  if (!informative && text.length <= WHOLE_SCAN_LIMIT) return [[[0, text.length]], pieces];
  return [merge([...spans, ...around]), pieces];
}

// A rewritten passage between its two contexts, both found verbatim and once each.
function pinned(text: string, { exact, prefix, suffix }: QuoteQuery): QuoteMatch | null {
  const before = occurrences(text, prefix, 1);
  const after = occurrences(text, suffix, 1);
  if (
    prefix.length < PINNED_CONTEXT ||
    suffix.length < PINNED_CONTEXT ||
    before.length !== 1 ||
    after.length !== 1
  ) {
    return null;
  }
  const [start, end] = trimmedSpan(text, (before[0] as number) + prefix.length, after[0] as number);
  const length = end - start;
  return length >= exact.length * 0.5 &&
    length <= exact.length * 1.5 + 10 &&
    keptShare(text.slice(start, end), exact) >= KEPT_WORDS
    ? { start, end, errors: exact.length, contextScore: 2 }
    : null;
}

interface Alignment {
  score: number;
  match: QuoteMatch;
  /** Quote characters covered by the alignment: the first and the one after the last (offsets in
   * context + quote + context). */
  part: [number, number];
  /** The longest run of identical characters that crosses from PINNED_CONTEXT or more characters
   * of context into the quote: where it starts in the text, its length, how many of them are quote
   * characters (length 0: none). */
  pin: [number, number, number];
}

// Local alignment (Smith-Waterman: +1 same, -1 other or gap) of context + quote + context in a
// window of the text: it finds the passage when only part of the quote survives (the rest
// deleted) or when one side of the context pins it. The answer is the text aligned to the quote.
function align(text: string, query: QuoteQuery, from: number, to: number): Alignment | null {
  const whole = query.prefix + query.exact + query.suffix;
  const quoteStart = query.prefix.length;
  const quoteEnd = quoteStart + query.exact.length;
  const n = whole.length;
  const m = to - from;
  const width = m + 1;
  const moves = new Uint8Array((n + 1) * width);
  let previous = new Int32Array(width);
  let row = new Int32Array(width);
  let best = 0;
  let bestAt = 0;
  for (let i = 1; i <= n; i++) {
    const char = whole.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const diagonal =
        (previous[j - 1] as number) + (char === text.charCodeAt(from + j - 1) ? 1 : -1);
      const up = (previous[j] as number) - 1;
      const left = (row[j - 1] as number) - 1;
      // Plain comparisons: destructuring here made the loop several times slower.
      let value = 0;
      let move = 0;
      if (diagonal > 0) {
        value = diagonal;
        move = 1;
      }
      if (up > value) {
        value = up;
        move = 2;
      }
      if (left > value) {
        value = left;
        move = 3;
      }
      row[j] = value;
      moves[i * width + j] = move;
      if (value > best) {
        best = value;
        bestAt = i * width + j;
      }
    }
    [previous, row] = [row, previous];
  }
  // Back from the best cell: the text span aligned to the quote, edits inside it, identical
  // characters overall.
  let i = Math.floor(bestAt / width);
  let j = bestAt % width;
  let start = -1;
  let end = -1;
  let first = -1;
  let last = -1;
  let errors = 0;
  let run = 0;
  let pin: [number, number, number] = [0, 0, 0];
  // Edits inside the quote: a gap costs 1 to open and a quarter per further character, so one
  // inserted or deleted phrase counts as about one edit per four characters.
  let gap = 0;
  for (let move = moves[i * width + j] as number; move; move = moves[i * width + j] as number) {
    const inQuote = i > quoteStart && i <= quoteEnd;
    if (move === 1) {
      const equal = whole.charCodeAt(i - 1) === text.charCodeAt(from + j - 1);
      run = equal ? run + 1 : 0;
      if (inQuote) {
        if (!equal) errors++;
        if (end < 0) {
          end = from + j;
          last = i;
        }
        start = from + j - 1;
        first = i - 1;
      }
      // The run so far, from here on: does it pin a side of the context into the quote?
      const inside = Math.min(i - 1 + run, quoteEnd) - Math.max(i - 1, quoteStart);
      if (run > pin[1] && inside > 0 && run - inside >= PINNED_CONTEXT) {
        pin = [from + j - 1, run, inside];
      }
      i--;
      j--;
    } else {
      run = 0;
      // A quote character left out (2), or a text character put in between two of them (3).
      if (move === 2 ? inQuote : end >= 0 && i > quoteStart) errors += gap === move ? 0.25 : 1;
      if (move === 2) i--;
      else j--;
    }
    gap = move;
  }
  if (start === -1) return null;
  return {
    score: best,
    part: [first, last],
    pin,
    match: { start, end, errors, contextScore: 0 },
  };
}

/** Steps 2, 2b and 3, for a quote that step 1 (matchVerbatim) did not find and did not rule out. */
export function matchEdited(text: string, query: QuoteQuery): QuoteMatch | null {
  const { exact, prefix, suffix, position } = query;
  const length = exact.length;
  const hints: [number, number][] = [];
  let hintsRead = false;
  const slack = NEAR_SLACK + length;
  const readHints = () => {
    if (hintsRead) return hints;
    hintsRead = true;
    const near = query.near?.();
    if (near) hints.push(near);
    if (position !== undefined) hints.push([position, position]);
    return hints;
  };
  const isNear = (at: number) =>
    readHints().some(([from, to]) => at >= from - slack && at <= to + slack);
  const place = placer(text, query);

  // 2. Fuzzy, case-blind, in windows.
  // Offsets must stay the same: a text whose case folding changes its length is searched as is.
  const lower = query.folded?.() ?? text.toLowerCase();
  const folded = lower.length === text.length ? lower : text;
  const needle = {
    ...query,
    exact: exact.toLowerCase(),
    prefix: prefix.toLowerCase(),
    suffix: suffix.toLowerCase(),
  };
  const maxErrors = Math.floor(length * MAX_ERRORS);
  const around = readHints().map(([from, to]): [number, number] => [from - slack, to + slack]);
  const found: Omit<QuoteMatch, 'contextScore'>[] = [];
  // The search reports only the fewest-edit matches of what it is given, so a wide window is
  // searched in overlapping stretches: a near place is not hidden by a better one a stretch away.
  // 2 KB stretches: with 4 times the quote's length (about 300 characters) the two corpora took
  // about 1.3 times as long in Node (CPU time), for the same answers.
  const stretch = Math.max(2048, 4 * length);
  const [searched, pieceWindows] = windows(folded, needle, maxErrors, around);
  const scan = (list: [number, number][]) => {
    for (const [from, to] of list) {
      for (let at = from; at < to; at += stretch) {
        const end = Math.min(to, at + stretch + length + maxErrors);
        for (const match of search(folded.slice(at, end), needle.exact, maxErrors)) {
          found.push({ ...match, start: match.start + at, end: match.end + at });
        }
      }
    }
  };
  scan(searched);
  const places = found.map((match) => place(match.start, match.end, match.errors));
  const fewest = Math.min(...places.map((candidate) => candidate.errors));
  // Separate places at the fewest edits (overlapping matches are one), and the next best count.
  let clear = 0;
  let lastEnd = -1;
  let runnerUp = MANY;
  for (const candidate of places.sort((x, y) => x.start - y.start)) {
    if (candidate.errors > fewest) runnerUp = Math.min(runnerUp, candidate.errors);
    else {
      if (candidate.start >= lastEnd) clear++;
      lastEnd = candidate.end;
    }
  }
  if (clear > 1) runnerUp = fewest;
  const accepted = places.filter((candidate) =>
    candidate.errors <= length * errorBudget(candidate.contextScore)
      ? // Context agrees: near a hint, or the quote's best place anywhere.
        candidate.errors === fewest || isNear(candidate.start)
      : // No context: the clear best place of a long enough quote, with few edits.
        candidate.errors === fewest &&
        length >= MIN_LONE_LENGTH &&
        candidate.errors <= length * LONE_ERRORS &&
        runnerUp - fewest >= length * LONE_MARGIN,
  );
  const chosen = best(accepted, query, text.length);
  if (chosen) return chosen;

  // 2b. Aligned with its context, where pieces of it are: a quote with a part deleted.
  const alignments: Alignment[] = [];
  for (const [from, to] of pieceWindows) {
    if (to - from > ALIGN_WINDOW) continue;
    const found = align(folded, needle, from, to);
    if (found) alignments.push(found);
  }
  alignments.sort((x, y) => y.score - x.score);
  const top = alignments[0];
  const covered = top ? top.part[1] - top.part[0] : 0;
  if (
    top &&
    top.match.errors <= covered * BASE_ERRORS &&
    covered - top.match.errors >= Math.max(PINNED_CONTEXT, length * PARTIAL_SHARE) &&
    // Evidence that it is this place: one run of identical characters that pins a side of the
    // context and goes on into the quote, found nowhere else.
    top.pin[2] >= MIN_PIN_QUOTE &&
    occurrences(folded, folded.slice(top.pin[0], top.pin[0] + top.pin[1]), 1).length === 1 &&
    // No other place holds more of the quote (a quote split between two blocks goes where most
    // of it went) or the same part about as well (a rival; the other half of a split quote is not).
    !alignments.some((other) => {
      const [from, to] = other.part;
      return (
        !(other.match.start < top.match.end && top.match.start < other.match.end) &&
        (to - from > covered ||
          (Math.min(to, top.part[1]) - Math.max(from, top.part[0]) >
            Math.min(to - from, covered) / 2 &&
            other.score > top.score - length * LONE_MARGIN))
      );
    })
  ) {
    const [start, end] = trimmedSpan(text, top.match.start, top.match.end);
    return { ...top.match, start, end };
  }

  // 3. Rewritten, between its two contexts.
  return pinned(text, query);
}
