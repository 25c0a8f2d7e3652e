// Second corpus, independent of corpus.ts: READMEs of other npm packages at versions far apart
// (tests/fixtures/corpus-revisions, npm website links replaced by a placeholder host), with whole
// sections moved and tables of contents that repeat headings. It differs from the first corpus
// in what is sampled (whole blocks such as headings and list items, and word runs inside one
// block, as people select) and in how it is labelled: greedy string tiling of the two word
// sequences (Wise 1993: longest common runs first, so a moved block keeps its words wherever it
// went), not a diff with a move pass. Its thresholds were set before running the anchorer on it.
// Two later changes, both to the alignment and both made after anchorer outputs had been seen
// (so this corpus is not a clean held-out set): runs of one length are tiled per pass, repeated
// ones where their neighbourhood went (before, a repeated code line took its first copy and an
// edited example beside it came out "removed"); and a short verbatim copy the alignment cannot
// vouch for is labelled "chance" instead of "unchanged". The judge was not changed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import { createAnchorer, type Selector } from '../../../utils/anchoring';
import { seededRandom } from '../../support/seeded-random';
import { baselineAnchor } from './corpus';

export const REVISIONS: [name: string, oldVersion: string, newVersion: string][] = [
  ['body-parser', '1.9.0', '1.20.3'],
  ['cors', '2.5.0', '2.8.5'],
  ['dotenv', '4.0.0', '16.4.5'],
  ['http-proxy', '1.11.0', '1.18.1'],
  ['jsonwebtoken', '5.0.0', '9.0.2'],
  ['multer', '1.0.0', '1.4.4'],
  ['node-fetch', '1.7.3', '3.3.2'],
  ['uuid', '3.4.0', '10.0.0'],
  ['winston', '2.4.0', '3.14.2'],
  ['ws', '3.3.3', '8.18.0'],
];
const HEADINGS_PER_DOCUMENT = 10;
const BLOCKS_PER_DOCUMENT = 40;
const SAME_PER_DOCUMENT = 20;

/**
 * unchanged: verbatim in the new text, once.
 * repeated: verbatim in the new text more than once (a heading and its contents entry); the
 *   truth is the copy nearest to where the quote's neighbourhood went.
 * edited: >= 70% of its words kept, close together, >= 75% character similarity.
 * rewritten: >= 35% of its words kept otherwise; an orphan is acceptable.
 * removed: fewer words kept; any anchor is wrong.
 * chance: verbatim in the new text, but shorter than 3 words (the tiling's shortest run, so the
 *   alignment cannot vouch for it) and not where its neighbourhood went ("Version 5", a removed
 *   heading, now inside a sentence): an orphan or that copy are both acceptable.
 * same: described in the new version and anchored in a fresh load of it.
 */
export type RevisionLabel =
  | 'unchanged'
  | 'repeated'
  | 'chance'
  | 'edited'
  | 'rewritten'
  | 'removed'
  | 'same';
export const REVISION_LABELS: RevisionLabel[] = [
  'unchanged',
  'repeated',
  'chance',
  'edited',
  'rewritten',
  'removed',
  'same',
];

export interface RevisionCase {
  document: string;
  label: RevisionLabel;
  selectors: Selector[];
  truth?: [number, number];
  /** Verbatim, but not where the words around it went (a chance copy, or a big move). */
  far?: boolean;
}

interface Token {
  key: string;
  start: number;
  end: number;
}

function render(name: string, version: string): Document {
  const file = join(
    import.meta.dirname,
    '../../fixtures/corpus-revisions',
    `${name}-${version}.md`,
  );
  const window = new Window({
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true },
  });
  const document = window.document as unknown as Document;
  document.body.innerHTML = marked.parse(readFileSync(file, 'utf8'), { async: false });
  return document;
}

// Words compare case-blind by their letters and digits ("json([options])" is "jsonoptions"), so
// punctuation and capitals alone do not make a word new; a word of punctuation only is itself.
function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((match) => {
    const word = match[0].toLowerCase();
    const key = word.replace(/[^\p{L}\p{N}]+/gu, '') || word;
    return { key, start: match.index, end: match.index + match[0].length };
  });
}

/** Levenshtein similarity (0..1) of two strings, for the edited/rewritten boundary. */
function similarity(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return 1 - (row[b.length] as number) / Math.max(1, a.length, b.length);
}

/**
 * Greedy string tiling: repeatedly take the longest runs of equal words (at least `minimum`)
 * whose words are all still unpaired on both sides; then pair leftover words inside small gaps
 * between two tiles that follow each other in both texts (an edited sentence between kept ones).
 * Returns old word index -> new word index, or -1.
 */
export function tileWords(a: string[], b: string[], minimum = 3): Int32Array {
  const map = new Int32Array(a.length).fill(-1);
  const used = new Uint8Array(b.length);
  const where = new Map<string, number[]>();
  b.forEach((word, j) => {
    const list = where.get(word);
    if (list) list.push(j);
    else where.set(word, [j]);
  });
  const free = (i: number, j: number) =>
    i < a.length && j < b.length && map[i] === -1 && !used[j] && a[i] === b[j];
  for (;;) {
    const runs: [number, number, number][] = [];
    for (let i = 0; i < a.length; i++) {
      if (map[i] !== -1) continue;
      for (const j of where.get(a[i] as string) ?? []) {
        if (used[j] || (i > 0 && j > 0 && free(i - 1, j - 1))) continue;
        let length = 0;
        while (free(i + length, j + length)) length++;
        if (length >= minimum) runs.push([i, j, length]);
      }
    }
    if (runs.length === 0) break;
    // One length per pass, longest first. Runs of that length that repeat are paired where the
    // text around them went: nearest to the new place predicted by the closest tile before them
    // (or by relative position, before any tile). Without this, a code line repeated in the new
    // version was paired with its first copy, and an edited example next to it came out as
    // removed (dotenv's and multer's examples, var -> const).
    const longest = Math.max(...runs.map((run) => run[2]));
    const expected = (i: number) => {
      for (let k = i - 1; k >= 0; k--) if (map[k] !== -1) return (map[k] as number) + (i - k);
      return Math.round((i * b.length) / Math.max(1, a.length));
    };
    const taken = runs
      .filter((run) => run[2] === longest)
      .map((run) => ({ run, distance: Math.abs(run[1] - expected(run[0])) }))
      .sort((x, y) => x.distance - y.distance || x.run[0] - y.run[0] || x.run[1] - y.run[1]);
    for (const {
      run: [i, j, length],
    } of taken) {
      let open = true;
      for (let k = 0; k < length && open; k++) open = free(i + k, j + k);
      if (!open) continue;
      for (let k = 0; k < length; k++) {
        map[i + k] = j + k;
        used[j + k] = 1;
      }
    }
  }
  // Gaps of up to 40 words between consecutive tiles: plain LCS over the unpaired words.
  for (let i = 0; i < a.length; i++) {
    if (map[i] !== -1 || i === 0 || map[i - 1] === -1) continue;
    let next = i;
    while (next < a.length && map[next] === -1) next++;
    if (next === a.length) break;
    const from = (map[i - 1] as number) + 1;
    const to = map[next] as number;
    if (to < from || next - i > 40 || to - from > 40) {
      i = next;
      continue;
    }
    const n = next - i;
    const m = to - from;
    const table = new Uint16Array((n + 1) * (m + 1));
    for (let x = n - 1; x >= 0; x--) {
      for (let y = m - 1; y >= 0; y--) {
        table[x * (m + 1) + y] =
          a[i + x] === b[from + y] && !used[from + y]
            ? (table[(x + 1) * (m + 1) + y + 1] as number) + 1
            : Math.max(
                table[(x + 1) * (m + 1) + y] as number,
                table[x * (m + 1) + y + 1] as number,
              );
      }
    }
    for (let x = 0, y = 0; x < n && y < m; ) {
      if (a[i + x] === b[from + y] && !used[from + y]) {
        map[i + x] = from + y;
        used[from + y] = 1;
        x++;
        y++;
      } else if ((table[(x + 1) * (m + 1) + y] as number) >= (table[x * (m + 1) + y + 1] as number))
        x++;
      else y++;
    }
    i = next;
  }
  return map;
}

function label(
  map: Int32Array,
  newTokens: Token[],
  newText: string,
  first: number,
  last: number,
  exact: string,
): Pick<RevisionCase, 'label' | 'truth' | 'far'> {
  const words = last - first + 1;
  // Verbatim in the new text: the copy nearest to where the quote's words and ten words on each
  // side went (greedy tiling may split a heading whose neighbours changed; its words are still
  // there). `far` records when that copy is not where the neighbourhood went, for measuring
  // chance matches of short quotes.
  const copies: number[] = [];
  for (let at = newText.indexOf(exact); at !== -1; at = newText.indexOf(exact, at + 1)) {
    copies.push(at);
  }
  if (copies.length > 0) {
    const went: number[] = [];
    for (let i = Math.max(0, first - 10); i <= Math.min(map.length - 1, last + 10); i++) {
      if ((map[i] as number) >= 0) went.push((newTokens[map[i] as number] as Token).start);
    }
    went.sort((x, y) => x - y);
    const median = went[went.length >> 1];
    const nearest =
      median === undefined
        ? (copies[0] as number)
        : copies.reduce((x, y) => (Math.abs(y - median) < Math.abs(x - median) ? y : x));
    const far = median === undefined || Math.abs(nearest - median) > 500 + 2 * exact.length;
    if (far && words < 3) return { label: 'chance', truth: [nearest, nearest + exact.length], far };
    return {
      label: copies.length > 1 ? 'repeated' : 'unchanged',
      truth: [nearest, nearest + exact.length],
      far,
    };
  }
  const pairs: [number, number][] = [];
  for (let i = first; i <= last; i++)
    if ((map[i] as number) >= 0) pairs.push([i, map[i] as number]);
  pairs.sort((x, y) => x[1] - y[1]);
  // The kept words that sit together in the new text (a word paired far away is not the passage).
  const gap = Math.max(4, Math.ceil(words / 3));
  let cluster: [number, number][] = [];
  for (let k = 0, current: [number, number][] = []; k < pairs.length; k++) {
    const pair = pairs[k] as [number, number];
    const previous = pairs[k - 1];
    current = previous && pair[1] - previous[1] <= gap ? [...current, pair] : [pair];
    if (current.length > cluster.length) cluster = current;
  }
  const kept = cluster.length / words;
  if (kept < 0.35) return { label: 'removed' };
  const firstPair = cluster[0] as [number, number];
  const lastPair = cluster.at(-1) as [number, number];
  // Widened by the quote's unpaired edge words, as far as the new text has words there.
  const lead = Math.min(...cluster.map((pair) => pair[0])) - first;
  const trail = last - Math.max(...cluster.map((pair) => pair[0]));
  const truth: [number, number] = [
    (newTokens[Math.max(0, firstPair[1] - lead)] as Token).start,
    (newTokens[Math.min(newTokens.length - 1, lastPair[1] + trail)] as Token).end,
  ];
  const compact = lastPair[1] - firstPair[1] + 1 <= words * 1.5 + 2;
  const close = similarity(exact, newText.slice(truth[0], truth[1])) >= 0.75;
  if (kept >= 0.7 && compact && close) return { label: 'edited', truth };
  return { label: 'rewritten', truth };
}

const BLOCK_SELECTOR = 'p, li, td, th, blockquote, pre';
const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6';

export interface LoadedRevision {
  name: string;
  newDocument: Document;
  newText: string;
  cases: RevisionCase[];
}

/** Samples and labels the cases of one document pair. */
export function loadRevision([name, oldVersion, newVersion]: (typeof REVISIONS)[number]) {
  const oldDocument = render(name, oldVersion);
  const oldAnchorer = createAnchorer(oldDocument);
  const newDocument = render(name, newVersion);
  const newAnchorer = createAnchorer(newDocument);
  const oldText = oldAnchorer.index.text;
  const newText = newAnchorer.index.text;
  const oldTokens = tokenize(oldText);
  const newTokens = tokenize(newText);
  const map = tileWords(
    oldTokens.map((token) => token.key),
    newTokens.map((token) => token.key),
  );
  const next = seededRandom([...name].reduce((hash, char) => hash * 33 + char.charCodeAt(0), 11));
  const pick = <T>(list: T[]) => list.splice(Math.floor(next() * list.length), 1)[0] as T;
  // A selection inside one block: the whole block when short, else a run of words in it.
  const sample = (anchorer: typeof oldAnchorer, element: Element): [number, number] | null => {
    const { text } = anchorer.index;
    const [from, to] = anchorer.index.spanOf(element);
    if (to - from < 8) return null;
    if (to - from <= 80) return [from, to];
    const inside = tokenize(text.slice(from, to)).map((token) => ({
      ...token,
      start: token.start + from,
      end: token.end + from,
    }));
    const want = 20 + Math.floor(next() * 140);
    const firstWord = Math.floor(next() * inside.length);
    let lastWord = firstWord;
    while (
      lastWord + 1 < inside.length &&
      (inside[lastWord] as Token).end - (inside[firstWord] as Token).start < want
    ) {
      lastWord++;
    }
    const start = (inside[firstWord] as Token).start;
    const end = (inside[lastWord] as Token).end;
    return end - start >= 15 && end - start <= 200 ? [start, end] : null;
  };
  const wordAt = (offset: number) => oldTokens.findIndex((token) => token.end > offset);
  const cases: RevisionCase[] = [];
  const headings = [...oldDocument.querySelectorAll(HEADING_SELECTOR)];
  const blocks = [...oldDocument.querySelectorAll(BLOCK_SELECTOR)];
  const fromOld = (list: Element[], count: number) => {
    for (let taken = 0; taken < count && list.length > 0; ) {
      const span = sample(oldAnchorer, pick(list));
      if (!span) continue;
      const selectors = oldAnchorer.describe(oldAnchorer.index.rangeOf(...span));
      const quote = selectors.find((selector) => selector.type === 'TextQuoteSelector');
      if (!quote) continue;
      const first = wordAt(span[0]);
      const last = wordAt(span[1] - 1);
      cases.push({
        document: name,
        selectors,
        ...label(map, newTokens, newText, first, last, quote.exact),
      });
      taken++;
    }
  };
  fromOld(headings, HEADINGS_PER_DOCUMENT);
  fromOld(blocks, BLOCKS_PER_DOCUMENT);
  const newBlocks = [...newDocument.querySelectorAll(`${HEADING_SELECTOR}, ${BLOCK_SELECTOR}`)];
  for (let taken = 0; taken < SAME_PER_DOCUMENT && newBlocks.length > 0; ) {
    const span = sample(newAnchorer, pick(newBlocks));
    if (!span) continue;
    const selectors = newAnchorer.describe(newAnchorer.index.rangeOf(...span));
    const quote = selectors.find((selector) => selector.type === 'TextQuoteSelector');
    const position = selectors.find((selector) => selector.type === 'TextPositionSelector');
    if (!quote || !position) continue;
    cases.push({ document: name, selectors, label: 'same', truth: [position.start, position.end] });
    taken++;
  }
  // Anchored in a fresh load, as on a revisit.
  return { name, newDocument: render(name, newVersion), newText, cases } satisfies LoadedRevision;
}

export type RevisionOutcome = 'correct' | 'wrong' | 'orphan';

/**
 * Verbatim labels need the exact span, or a copy with the same quote and context (no text can
 * tell those apart). Other labels need the anchor and the truth (or a verbatim copy of the
 * truth's text: a parser's option described the same way under each parser) to overlap by at
 * least half of each one's length.
 */
export function judgeRevision(
  found: [number, number] | null,
  item: RevisionCase,
  newText: string,
): RevisionOutcome {
  if (!found) return 'orphan';
  if (!item.truth) return 'wrong';
  const [start, end] = item.truth;
  if (
    item.label === 'unchanged' ||
    item.label === 'repeated' ||
    item.label === 'chance' ||
    item.label === 'same'
  ) {
    if (found[0] === start && found[1] === end) return 'correct';
    const quote = item.selectors.find((selector) => selector.type === 'TextQuoteSelector');
    const whole = `${quote?.prefix ?? ''}${quote?.exact ?? ''}${quote?.suffix ?? ''}`;
    const around = newText.slice(
      found[0] - (quote?.prefix ?? '').length,
      found[1] + (quote?.suffix ?? '').length,
    );
    return around === whole ? 'correct' : 'wrong';
  }
  const truthText = newText.slice(start, end);
  for (let at = newText.indexOf(truthText); at !== -1; at = newText.indexOf(truthText, at + 1)) {
    const overlap = Math.min(at + truthText.length, found[1]) - Math.max(at, found[0]);
    if (overlap >= 0.5 * truthText.length && overlap >= 0.5 * (found[1] - found[0])) {
      return 'correct';
    }
  }
  return 'wrong';
}

export type RevisionFigures = Record<RevisionLabel, Record<RevisionOutcome | 'total', number>>;

export interface RevisionRun {
  figures: RevisionFigures;
  outcomes: { document: string; label: RevisionLabel; outcome: RevisionOutcome; exact: string }[];
  /** Milliseconds of every anchoring call (index building excluded). */
  times: number[];
}

/** Anchors every case with Flywheel's anchor() (or the full-scan baseline) and counts outcomes. */
export function computeRevisionFigures(
  method: 'flywheel' | 'baseline' = 'flywheel',
  loaded: LoadedRevision[] = REVISIONS.map(loadRevision),
): RevisionRun {
  const figures = {} as RevisionFigures;
  for (const name of REVISION_LABELS) figures[name] = { total: 0, correct: 0, wrong: 0, orphan: 0 };
  const outcomes: RevisionRun['outcomes'] = [];
  const times: number[] = [];
  for (const document of loaded) {
    const anchorer = createAnchorer(document.newDocument);
    const index = anchorer.index;
    for (const item of document.cases) {
      let found: [number, number] | null = null;
      const started = performance.now();
      if (method === 'baseline') found = baselineAnchor(document.newText, item.selectors);
      else {
        const range = anchorer.anchor(item.selectors);
        if (range) {
          found = [
            index.offsetOf(range.startContainer, range.startOffset, 'start'),
            index.offsetOf(range.endContainer, range.endOffset, 'end'),
          ];
        }
      }
      times.push(performance.now() - started);
      if (found) {
        while (found[0] < found[1] && document.newText.charCodeAt(found[0]) === 32) found[0]++;
        while (found[1] > found[0] && document.newText.charCodeAt(found[1] - 1) === 32) found[1]--;
      }
      const outcome = judgeRevision(found, item, document.newText);
      figures[item.label].total++;
      figures[item.label][outcome]++;
      const quote = item.selectors.find((selector) => selector.type === 'TextQuoteSelector');
      outcomes.push({
        document: item.document,
        label: item.label,
        outcome,
        exact: quote?.exact ?? '',
      });
    }
  }
  return { figures, outcomes, times };
}
