// Similar suggestions while writing: which existing suggestions on this page and site say what
// the person is typing, so they can support one instead of writing a duplicate. Runs in the
// editor frame (extension origin); pure, no extension APIs, no DOM.
//
// The score is a blend of two overlaps between the draft and a suggestion, each the shared part
// over both sides' sizes (DEFAULT_TUNING.draftSide: weighting the draft's side more, which
// favours long suggestions for short drafts, measured worse):
//  - words: stems after light English and Dutch suffix stripping and stop words, weighted by
//    rarity on the site (IDF), with a one-edit allowance for typos in longer words and a prefix
//    match for the word still being typed;
//  - character trigrams of those words, which catch what stems miss (Dutch compounds such as
//    "inkooporder" and "inkoop order", inflections, typos the word match does not forgive).
// The quote (the page text a suggestion is about) is a weaker signal added on top, and a
// suggestion on the same page ranks above one elsewhere on the site at the same score.
// Brute force over the site's suggestions, with trigram postings to count the overlap: 1,000
// suggestions take a few milliseconds per keystroke (tests/bench/similar.ts).

export interface SimilarCandidate {
  id: string;
  text: string;
  /** The page text the suggestion is about; empty if none. */
  quote: string;
  /** As normalised by `normalizePageUrl`; compared as a string. */
  pageUrl: string;
  supportCount: number;
}

export interface SimilarMatch {
  id: string;
  /** 0 to 1; at least `SIMILAR_THRESHOLD` for anything offered. */
  score: number;
  samePage: boolean;
}

export interface SimilarOptions {
  /** The page the draft is written on, normalised as the candidates' pages are. */
  pageUrl: string;
  /** The page text the draft is about, if any: overlap with a suggestion's quote counts a little. */
  quote?: string;
  /** How many to offer at most; 3 unless told. */
  limit?: number;
  /** Never offered: the suggestion being edited, say, which would match itself. */
  excludeIds?: readonly string[];
  /** Only for measurement (the threshold sweep in tests); the editor leaves the default. */
  minScore?: number;
}

export interface SimilarIndex {
  add(candidate: SimilarCandidate): void;
  remove(id: string): void;
  /** Add or update (a text edited, a support count changed). */
  replace(candidate: SimilarCandidate): void;
  similarTo(draftText: string, options: SimilarOptions): SimilarMatch[];
  readonly size: number;
}

/**
 * Nothing scoring below this is offered. Chosen, with DEFAULT_TUNING, as the threshold with the
 * best recall at precision@3 >= 0.9 on the even-numbered groups of
 * tests/fixtures/similar/near-duplicates.json; the odd ones were held out. Measured (top 3):
 *   all 221 drafts:  precision@3 0.935, recall 0.822, 8 of 86 negatives offered something
 *   tuned on / held out: 0.908 / 0.786 and 0.966 / 0.862
 *   by kind (recall): reworded 0.743, typo 0.969, partial 1.000, other language 0.000
 * tests/unit/similar.test.ts prints the whole sweep (0.5: 0.900 / 0.837; 0.6: 0.990 / 0.726).
 */
export const SIMILAR_THRESHOLD = 0.525;
/** A draft with fewer content words than this (after stop words) offers nothing. */
export const MIN_DRAFT_WORDS = 3;
export const DEFAULT_LIMIT = 3;

/** The ranking's weights; a parameter only so the measurement can vary them. */
export interface SimilarTuning {
  /** How much of each overlap's denominator is the draft's side (the rest is the suggestion's). */
  draftSide: number;
  /** The word overlap's share of the score; the trigram overlap has the rest. */
  wordWeight: number;
  /** Added at most for the same quote. */
  quoteWeight: number;
  /** Added for ranking only: the threshold is applied to the text's own score. */
  samePageBoost: number;
  /** A word one edit away counts this much of a word matched exactly. */
  typoCredit: number;
}

export const DEFAULT_TUNING: SimilarTuning = {
  draftSide: 0.5,
  wordWeight: 0.3,
  quoteWeight: 0.1,
  samePageBoost: 0.05,
  typoCredit: 0.8,
};
const PREFIX_MIN = 3;
const TYPO_MIN = 5;

const STOP_WORDS = new Set(
  [
    // English
    'a an and are as at be been but by can could do does for from has have how i if in into is',
    'it its me my no not of on or our please should so than that the their them then there these',
    'they this to too us was we were what when where which who why will with would you your also',
    'all any just more must need needs very',
    // Dutch
    'de het een en van in op te dat die dit deze is niet met voor zijn er aan om ook als bij maar',
    'dan nog wel kan kun kunnen moet moeten graag zou zouden worden wordt werd we wij ik je jij u',
    'hier daar ons onze mijn hun wat wie waar waarom hoe naar uit over tot door al alle meer heel',
    'nu zo geen iets men mag',
  ]
    .join(' ')
    .split(' '),
);

// Longest first; a stem keeps at least four letters. English and Dutch alike: light, so two
// forms of a word usually meet and unrelated words rarely do.
const SUFFIXES = [
  'heden',
  'ingen',
  'ation',
  'ities',
  'ings',
  'ing',
  'ies',
  'ied',
  'en',
  'ed',
  'es',
  'er',
  'ly',
  'e',
  's',
];

function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    const keep = suffix === 's' ? 3 : 4;
    if (word.length - suffix.length >= keep && word.endsWith(suffix)) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** Lower case, accents off, letters and digits only: markup is text like any other. */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

function trigramsOf(stems: Iterable<string>, into = new Set<string>()): Set<string> {
  for (const word of stems) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) into.add(padded.slice(i, i + 3));
  }
  return into;
}

/** True if a and b differ by at most one insertion, deletion, substitution or swap. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length || i === b.length) return true;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

interface Entry {
  candidate: SimilarCandidate;
  stems: string[];
  stemSet: Set<string>;
  /** Distinct, so each counts once in the postings. */
  trigrams: string[];
  /** Shared by the suggestions of one quote (see `quoteTrigramsOf`). */
  quoteTrigrams: Set<string>;
  /** The sum of its words' IDF, as of `weightVersion` of the index. */
  weight: number;
  weightVersion: number;
}

function entryOf(candidate: SimilarCandidate, quoteTrigrams: Set<string>): Entry {
  const stemSet = new Set(words(candidate.text).map(stem));
  return {
    candidate,
    stems: [...stemSet],
    stemSet,
    trigrams: [...trigramsOf(stemSet)],
    quoteTrigrams,
    weight: 0,
    weightVersion: -1,
  };
}

function overlap(shared: number, draft: number, other: number, draftSide: number): number {
  const denominator = draftSide * draft + (1 - draftSide) * other;
  return denominator > 0 ? Math.min(1, shared / denominator) : 0;
}

function sharedCount(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let count = 0;
  for (const item of small) if (large.has(item)) count++;
  return count;
}

export function createSimilarIndex(
  items: SimilarCandidate[] = [],
  tuning: SimilarTuning = DEFAULT_TUNING,
): SimilarIndex {
  const { draftSide, wordWeight, quoteWeight, samePageBoost, typoCredit } = tuning;
  const entries = new Map<string, Entry>();
  const documentFrequency = new Map<string, number>();
  /** Changes with every add and remove: IDF weights computed before it are stale. */
  let version = 0;
  /** Trigram to the suggestions that have it: a keystroke counts shared trigrams per posting. */
  // Arrays, not sets: an index of 1,000 is built when the editor opens, and removals are rare.
  const postings = new Map<string, Entry[]>();
  /** Suggestions on one page often share a quote; its trigrams are kept once (and kept). */
  const quoteCache = new Map<string, Set<string>>();
  const quoteTrigramsOf = (quote: string) => {
    let trigrams = quoteCache.get(quote);
    if (!trigrams) {
      trigrams = trigramsOf(new Set(words(quote).map(stem)));
      quoteCache.set(quote, trigrams);
    }
    return trigrams;
  };

  const count = (entry: Entry, delta: 1 | -1) => {
    version++;
    for (const s of entry.stems) {
      const next = (documentFrequency.get(s) ?? 0) + delta;
      if (next > 0) documentFrequency.set(s, next);
      else documentFrequency.delete(s);
    }
    for (const trigram of entry.trigrams) {
      const having = postings.get(trigram);
      if (delta > 0) {
        if (having) having.push(entry);
        else postings.set(trigram, [entry]);
      } else if (having) {
        const at = having.indexOf(entry);
        if (at >= 0) having.splice(at, 1);
        if (having.length === 0) postings.delete(trigram);
      }
    }
  };
  const idf = (s: string) =>
    Math.log(1 + (entries.size + 1) / ((documentFrequency.get(s) ?? 0) + 1));

  const remove = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return;
    count(entry, -1);
    entries.delete(id);
  };
  const replace = (candidate: SimilarCandidate) => {
    remove(candidate.id);
    const entry = entryOf(candidate, quoteTrigramsOf(candidate.quote));
    entries.set(candidate.id, entry);
    count(entry, 1);
  };
  for (const item of items) replace(item);

  return {
    add: replace,
    remove,
    replace,
    get size() {
      return entries.size;
    },
    similarTo(draftText, options) {
      const draftWords = words(draftText);
      const draftStems = [...new Set(draftWords.map(stem))];
      if (draftStems.length < MIN_DRAFT_WORDS) return [];
      // The last word is still being typed unless the draft ends in a space or punctuation.
      const lastWord = /[\p{L}\p{N}]$/u.test(draftText) ? draftWords.at(-1) : undefined;
      const draftTrigrams = trigramsOf(draftStems);
      const draftQuote = options.quote ? trigramsOf(new Set(words(options.quote).map(stem))) : null;
      const weights = draftStems.map(idf);
      const draftWeight = weights.reduce((sum, w) => sum + w, 0);
      const minScore = options.minScore ?? SIMILAR_THRESHOLD;

      // Which words of the site count for each draft word besides itself: the one being typed
      // matches what it begins, a longer one what is one edit away. Looked up once per keystroke
      // over the site's vocabulary, not once per suggestion.
      const lastStem = lastWord && lastWord.length >= PREFIX_MIN ? stem(lastWord) : undefined;
      const prefixed: string[] = [];
      const typos = draftStems.map(() => [] as string[]);
      for (const known of documentFrequency.keys()) {
        if (lastWord && lastStem && known !== lastStem) {
          if (known.startsWith(lastWord) || known.startsWith(lastStem)) prefixed.push(known);
        }
        draftStems.forEach((s, i) => {
          if (s.length >= TYPO_MIN && known !== s && withinOneEdit(s, known)) typos[i]?.push(known);
        });
      }
      const hasAny = (set: Set<string>, list: string[]) => list.some((item) => set.has(item));
      const quoteScores = new Map<string, number>();
      const sharedTrigrams = new Map<Entry, number>();
      for (const trigram of draftTrigrams) {
        for (const entry of postings.get(trigram) ?? []) {
          sharedTrigrams.set(entry, (sharedTrigrams.get(entry) ?? 0) + 1);
        }
      }

      const ranked: { match: SimilarMatch; rank: number; support: number }[] = [];
      const excluded = new Set(options.excludeIds ?? []);
      for (const entry of entries.values()) {
        if (excluded.has(entry.candidate.id)) continue;
        let shared = 0;
        draftStems.forEach((s, i) => {
          const weight = weights[i] ?? 0;
          if (entry.stemSet.has(s)) shared += weight;
          else if (s === lastStem && hasAny(entry.stemSet, prefixed)) shared += weight;
          else if (hasAny(entry.stemSet, typos[i] ?? [])) shared += weight * typoCredit;
        });
        if (entry.weightVersion !== version) {
          entry.weight = 0;
          for (const s of entry.stems) entry.weight += idf(s);
          entry.weightVersion = version;
        }
        const wordScore = overlap(shared, draftWeight, entry.weight, draftSide);
        const trigramScore = overlap(
          sharedTrigrams.get(entry) ?? 0,
          draftTrigrams.size,
          entry.trigrams.length,
          draftSide,
        );
        let score = wordWeight * wordScore + (1 - wordWeight) * trigramScore;
        if (draftQuote && draftQuote.size > 0 && entry.quoteTrigrams.size > 0) {
          // Suggestions on one page often share a quote: its overlap is worked out once.
          let quoteScore = quoteScores.get(entry.candidate.quote);
          if (quoteScore === undefined) {
            const quoteShared = sharedCount(draftQuote, entry.quoteTrigrams);
            quoteScore = (2 * quoteShared) / (draftQuote.size + entry.quoteTrigrams.size);
            quoteScores.set(entry.candidate.quote, quoteScore);
          }
          score += quoteWeight * quoteScore;
        }
        score = Math.min(1, score);
        if (score < minScore) continue;
        const samePage = entry.candidate.pageUrl === options.pageUrl;
        ranked.push({
          match: { id: entry.candidate.id, score, samePage },
          rank: score + (samePage ? samePageBoost : 0),
          support: entry.candidate.supportCount,
        });
      }
      ranked.sort((a, b) => b.rank - a.rank || b.support - a.support);
      return ranked.slice(0, options.limit ?? DEFAULT_LIMIT).map(({ match }) => match);
    },
  };
}
