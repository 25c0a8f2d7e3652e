// Corpus evaluation: READMEs of well-known npm packages at two versions far apart (real
// documents with real revisions, in tests/fixtures/corpus, npm website links replaced by a
// placeholder host). Quotes are sampled deterministically from the old version, labelled from
// a word diff of the two texts (never from the anchorer), then anchored in the new version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import search from 'approx-string-match';
import { Window } from 'happy-dom';
import { marked } from 'marked';
import { createAnchorer, type Selector } from '../../../utils/anchoring';

export const CORPUS: [name: string, oldVersion: string, newVersion: string][] = [
  ['express', '4.0.0', '5.1.0'],
  ['commander', '5.0.0', '12.1.0'],
  ['chalk', '2.4.2', '5.3.0'],
  ['yargs', '15.0.0', '17.7.2'],
  ['axios', '0.21.1', '1.7.7'],
  ['debug', '2.6.9', '4.3.7'],
  ['semver', '5.7.1', '7.6.3'],
  ['minimist', '1.2.0', '1.2.8'],
  ['dexie', '3.0.0', '4.0.8'],
];
const QUOTES_PER_DOCUMENT = 40;

/**
 * unchanged: quote and its 32-char context are verbatim at the diff-aligned place in the new text.
 * context-edited: the quote is verbatim there but its context changed.
 * edited: >= 60% of the quote's words survive, close together (a close variant).
 * rewritten: 20-60% of its words survive; an orphan is the expected answer, an anchor elsewhere is wrong.
 * removed: <= 20% survive; any anchor is wrong.
 */
export type Label = 'unchanged' | 'context-edited' | 'edited' | 'rewritten' | 'removed';
export const LABELS: Label[] = ['unchanged', 'context-edited', 'edited', 'rewritten', 'removed'];
export type Outcome = 'correct' | 'wrong' | 'orphan';

export interface CorpusCase {
  document: string;
  label: Label;
  selectors: Selector[];
  /** Where the quote is in the new text, per the diff (absent when removed). */
  truth?: [number, number];
  /** Equally right places, when the new text holds indistinguishable copies. */
  alternatives?: [number, number][];
}

export interface LoadedDocument {
  name: string;
  newDocument: Document;
  newText: string;
  cases: CorpusCase[];
  /** Model span of an anchored range in the new document. */
  spanOf(range: Range): [number, number];
}

function render(name: string, version: string): Document {
  const file = join(import.meta.dirname, '../../fixtures/corpus', `${name}-${version}.md`);
  const markdown = readFileSync(file, 'utf8');
  const window = new Window({
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true },
  });
  const document = window.document as unknown as Document;
  document.body.innerHTML = marked.parse(markdown, { async: false });
  return document;
}

// Small seeded generator (mulberry32), so every run samples the same quotes.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Token {
  word: string;
  start: number;
  end: number;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((match) => ({
    word: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/**
 * Word alignment (old index -> new index or -1): patience-style, unique common words as
 * anchors in increasing order, recursion between them, plain LCS for small leftovers.
 */
export function alignWords(a: string[], b: string[]): Int32Array {
  const map = new Int32Array(a.length).fill(-1);
  const lcs = (aLo: number, aHi: number, bLo: number, bHi: number) => {
    const n = aHi - aLo;
    const m = bHi - bLo;
    if (n === 0 || m === 0 || n * m > 4_000_000) return;
    const table = new Uint16Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * (m + 1) + j] =
          a[aLo + i] === b[bLo + j]
            ? (table[(i + 1) * (m + 1) + j + 1] as number) + 1
            : Math.max(
                table[(i + 1) * (m + 1) + j] as number,
                table[i * (m + 1) + j + 1] as number,
              );
      }
    }
    for (let i = 0, j = 0; i < n && j < m; ) {
      if (a[aLo + i] === b[bLo + j]) {
        map[aLo + i] = bLo + j;
        i++;
        j++;
      } else if ((table[(i + 1) * (m + 1) + j] as number) >= (table[i * (m + 1) + j + 1] as number))
        i++;
      else j++;
    }
  };
  const align = (aLo: number, aHi: number, bLo: number, bHi: number) => {
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) map[aLo++] = bLo++;
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) map[--aHi] = --bHi;
    const counts = new Map<string, [number, number, number]>();
    for (let i = aLo; i < aHi; i++) {
      const entry = counts.get(a[i] as string) ?? [0, 0, 0];
      entry[0]++;
      entry[2] = i;
      counts.set(a[i] as string, entry);
    }
    const pairs: [number, number][] = [];
    for (let j = bLo; j < bHi; j++) {
      const entry = counts.get(b[j] as string);
      if (entry) {
        entry[1]++;
        if (entry[0] === 1 && entry[1] === 1) pairs.push([entry[2], j]);
        else if (entry[0] === 1 && entry[1] === 2)
          pairs.splice(
            pairs.findIndex((p) => p[0] === entry[2]),
            1,
          );
      }
    }
    if (pairs.length === 0) return lcs(aLo, aHi, bLo, bHi);
    // Longest increasing subsequence of new indices, in old order.
    pairs.sort((x, y) => x[0] - y[0]);
    const tails: number[] = [];
    const previous = new Int32Array(pairs.length).fill(-1);
    for (let k = 0; k < pairs.length; k++) {
      const j = (pairs[k] as [number, number])[1];
      let low = 0;
      let high = tails.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if ((pairs[tails[mid] as number] as [number, number])[1] < j) low = mid + 1;
        else high = mid;
      }
      if (low > 0) previous[k] = tails[low - 1] as number;
      tails[low] = k;
    }
    const chain: [number, number][] = [];
    for (let k = tails.at(-1) ?? -1; k !== -1; k = previous[k] as number) {
      chain.unshift(pairs[k] as [number, number]);
    }
    let [lastA, lastB] = [aLo, bLo];
    for (const [i, j] of chain) {
      align(lastA, i, lastB, j);
      map[i] = j;
      [lastA, lastB] = [i + 1, j + 1];
    }
    align(lastA, aHi, lastB, bHi);
  };
  align(0, a.length, 0, b.length);
  addMoves(a, b, map);
  return map;
}

// A diff sees a moved paragraph as deleted and inserted: pair runs of 4 unmatched words that
// occur once in each text, so moved text is labelled by where it went.
function addMoves(a: string[], b: string[], map: Int32Array) {
  const width = 4;
  const used = new Uint8Array(b.length);
  for (const j of map) if (j >= 0) used[j] = 1;
  const shingles = (words: string[]) => {
    const found = new Map<string, number>();
    for (let i = 0; i + width <= words.length; i++) {
      const key = words.slice(i, i + width).join(' ');
      found.set(key, found.has(key) ? -1 : i);
    }
    return found;
  };
  const inOld = shingles(a);
  const inNew = shingles(b);
  for (let i = 0; i + width <= a.length; i++) {
    const key = a.slice(i, i + width).join(' ');
    const j = inNew.get(key) ?? -1;
    if (inOld.get(key) !== i || j < 0) continue;
    for (let k = 0; k < width; k++) {
      if (map[i + k] !== -1 || used[j + k]) continue;
      map[i + k] = j + k;
      used[j + k] = 1;
    }
  }
}

function labelQuote(
  oldKeys: string[],
  newKeys: string[],
  newTokens: Token[],
  map: Int32Array,
  first: number,
  last: number,
  newText: string,
  quote: { exact: string; prefix: string; suffix: string },
): Pick<CorpusCase, 'label' | 'truth' | 'alternatives'> {
  const mapped: number[] = [];
  for (let i = first; i <= last; i++) if ((map[i] as number) >= 0) mapped.push(map[i] as number);
  mapped.sort((x, y) => x - y);
  // Surviving words may be scattered (a word matched far away); keep the biggest cluster.
  let cluster: number[] = [];
  for (let k = 0, current: number[] = []; k < mapped.length; k++) {
    const j = mapped[k] as number;
    const gap =
      k === 0
        ? 0
        : (newTokens[j] as Token).start - (newTokens[mapped[k - 1] as number] as Token).end;
    current = gap > quote.exact.length ? [j] : [...current, j];
    if (current.length > cluster.length) cluster = current;
  }
  const share = cluster.length / (last - first + 1);
  if (share < 0.6) {
    // Repeated text defeats the diff; a unique copy of the quote's words (letters and digits
    // only) in the new text is still the same passage.
    const words = oldKeys.slice(first, last + 1).join(' ');
    const copies: number[] = [];
    for (let j = 0; j + last - first < newKeys.length; j++) {
      if (newKeys.slice(j, j + last - first + 1).join(' ') === words) copies.push(j);
    }
    // Several copies: the one preceded by the same three words, if that is unique.
    const before = (keys: string[], at: number) => keys.slice(Math.max(0, at - 3), at).join(' ');
    const placed =
      copies.length > 1
        ? copies.filter((j) => before(newKeys, j) === before(oldKeys, first))
        : copies;
    // Copies that even their context cannot tell apart are all right answers.
    const spans = placed.map((j): [number, number] => [
      (newTokens[j] as Token).start,
      (newTokens[j + last - first] as Token).end,
    ]);
    if (spans.length > 0) return { label: 'edited', truth: spans[0], alternatives: spans };
  }
  if (cluster.length === 0) return { label: 'removed' };
  const start = (newTokens[cluster[0] as number] as Token).start;
  const end = (newTokens[cluster.at(-1) as number] as Token).end;
  const contiguous = (cluster.at(-1) as number) - (cluster[0] as number) === last - first;
  if (share === 1 && contiguous && newText.slice(start, end) === quote.exact) {
    const sameContext =
      newText.slice(start - quote.prefix.length, start) === quote.prefix &&
      newText.startsWith(quote.suffix, end);
    return { label: sameContext ? 'unchanged' : 'context-edited', truth: [start, end] };
  }
  const compact = end - start <= quote.exact.length * 1.5 + 10;
  if (share >= 0.6 && compact) return { label: 'edited', truth: [start, end] };
  if (share <= 0.2) return { label: 'removed' };
  return { label: 'rewritten', truth: [start, end] };
}

/** Renders both versions and samples the labelled cases of one corpus document. */
export function loadDocument([
  name,
  oldVersion,
  newVersion,
]: (typeof CORPUS)[number]): LoadedDocument {
  const oldAnchorer = createAnchorer(render(name, oldVersion));
  const newDocument = render(name, newVersion);
  const newIndex = createAnchorer(newDocument).index;
  const oldText = oldAnchorer.index.text;
  const oldTokens = tokenize(oldText);
  const newTokens = tokenize(newIndex.text);
  // Words compare by letters and digits only, so a change of quote style is not a new word.
  const key = (token: Token) => token.word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const oldKeys = oldTokens.map(key);
  const newKeys = newTokens.map(key);
  const map = alignWords(oldKeys, newKeys);
  const next = random([...name].reduce((hash, char) => hash * 31 + char.charCodeAt(0), 7));
  const cases: CorpusCase[] = [];
  const seen = new Set<number>();
  for (let attempt = 0; cases.length < QUOTES_PER_DOCUMENT && attempt < 1000; attempt++) {
    const first = Math.floor(next() * oldTokens.length);
    const length = 20 + Math.floor(next() * 100);
    let last = first;
    while (
      last + 1 < oldTokens.length &&
      (oldTokens[last] as Token).end - (oldTokens[first] as Token).start < length
    ) {
      last++;
    }
    const start = (oldTokens[first] as Token).start;
    const end = (oldTokens[last] as Token).end;
    if (seen.has(first) || end - start < 20 || end - start > 120) continue;
    seen.add(first);
    const selectors = oldAnchorer.describe(oldAnchorer.index.rangeOf(start, end));
    const quote = selectors.find((selector) => selector.type === 'TextQuoteSelector');
    if (!quote || quote.exact !== oldText.slice(start, end)) {
      throw new Error(`describe() did not round-trip a sampled span of ${name}`);
    }
    const truth = labelQuote(oldKeys, newKeys, newTokens, map, first, last, newIndex.text, {
      exact: quote.exact,
      prefix: quote.prefix ?? '',
      suffix: quote.suffix ?? '',
    });
    cases.push({ document: name, selectors, ...truth });
  }
  const spanOf = (range: Range): [number, number] => {
    let start = newIndex.offsetOf(range.startContainer, range.startOffset, 'start');
    let end = newIndex.offsetOf(range.endContainer, range.endOffset, 'end');
    while (start < end && newIndex.text.charCodeAt(start) === 32) start++;
    while (end > start && newIndex.text.charCodeAt(end - 1) === 32) end--;
    return [start, end];
  };
  return { name, newDocument, newText: newIndex.text, cases, spanOf };
}

/**
 * Judges an anchored span against the case's truth. Verbatim labels need the exact span (or
 * another verbatim copy of quote and context, which no text can tell apart). Other labels need
 * the anchor mostly inside the truth (widened by the quote's lost characters) and covering half
 * of it (or half the quote's length, when insertions widened the truth).
 */
export function judge(found: [number, number] | null, item: CorpusCase, newText: string): Outcome {
  if (!found) return 'orphan';
  if (!item.truth) return 'wrong';
  if (item.alternatives) {
    const right = item.alternatives.some(
      (truth) => judge(found, { ...item, truth, alternatives: undefined }, newText) === 'correct',
    );
    return right ? 'correct' : 'wrong';
  }
  const [start, end] = item.truth;
  const quote = item.selectors.find((selector) => selector.type === 'TextQuoteSelector');
  const exact = quote?.exact ?? '';
  if (item.label === 'unchanged' || item.label === 'context-edited') {
    const copy =
      newText.slice(
        found[0] - (quote?.prefix ?? '').length,
        found[1] + (quote?.suffix ?? '').length,
      ) === `${quote?.prefix ?? ''}${exact}${quote?.suffix ?? ''}`;
    return (found[0] === start && found[1] === end) || copy ? 'correct' : 'wrong';
  }
  // The truth spans surviving words only; the quote's changed words may sit just beside it.
  const spare = Math.max(0, exact.length - (end - start));
  const overlap = Math.min(end, found[1]) - Math.max(start, found[0]);
  const inside = Math.min(end + spare, found[1]) - Math.max(start - spare, found[0]);
  const mostlyInside = inside >= 0.5 * (found[1] - found[0]);
  const coversEnough = overlap >= 0.5 * Math.min(end - start, exact.length);
  return mostlyInside && coversEnough ? 'correct' : 'wrong';
}

/** The baseline: one approx-string-match scan of the whole new text, best error count,
 * ties broken by the stored position; no context check. */
export function baselineAnchor(text: string, selectors: Selector[]): [number, number] | null {
  const quote = selectors.find((selector) => selector.type === 'TextQuoteSelector');
  const position = selectors.find((selector) => selector.type === 'TextPositionSelector');
  if (!quote) return null;
  const matches = search(text, quote.exact, Math.floor(quote.exact.length * 0.2));
  let best: [number, number] | null = null;
  for (const match of matches) {
    const distance = Math.abs(match.start - (position?.start ?? 0));
    if (!best || distance < Math.abs(best[0] - (position?.start ?? 0)))
      best = [match.start, match.end];
  }
  return best;
}

export type Figures = Record<Label, Record<Outcome | 'total', number>>;

export interface CorpusRun {
  figures: Figures;
  /** Every case with its outcome, for diagnosing a failure. */
  outcomes: { document: string; label: Label; outcome: Outcome; exact: string }[];
}

function emptyFigures(): Figures {
  const figures = {} as Figures;
  for (const label of LABELS) figures[label] = { total: 0, correct: 0, wrong: 0, orphan: 0 };
  return figures;
}

/** Anchors every corpus case with Flywheel's anchor() (or the baseline) and counts outcomes. */
export function computeCorpusFigures(method: 'flywheel' | 'baseline' = 'flywheel'): CorpusRun {
  const figures = emptyFigures();
  const outcomes: CorpusRun['outcomes'] = [];
  for (const entry of CORPUS) {
    const loaded = loadDocument(entry);
    const anchorer = createAnchorer(loaded.newDocument);
    for (const item of loaded.cases) {
      let found: [number, number] | null;
      if (method === 'baseline') found = baselineAnchor(loaded.newText, item.selectors);
      else {
        const range = anchorer.anchor(item.selectors);
        found = range ? loaded.spanOf(range) : null;
      }
      const outcome = judge(found, item, loaded.newText);
      const row = figures[item.label];
      row.total++;
      row[outcome]++;
      const quote = item.selectors.find((selector) => selector.type === 'TextQuoteSelector');
      outcomes.push({
        document: item.document,
        label: item.label,
        outcome,
        exact: quote?.exact ?? '',
      });
    }
  }
  return { figures, outcomes };
}
