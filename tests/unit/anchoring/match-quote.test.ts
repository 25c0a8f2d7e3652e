import { describe, expect, it } from 'vitest';
import {
  BASE_ERRORS,
  CONTEXT_MIN,
  contextScore,
  errorBudget,
  MAX_ERRORS,
  MIN_FUZZY_LENGTH,
  MIN_LONE_LENGTH,
  MIN_UNIQUE_LENGTH,
  matchQuote,
  NEAR_SLACK,
  similarity,
} from '../../../utils/anchoring/match-quote';

// The confidence rule, pinned on plain text so each threshold is visible.
const PREFIX = 'Before paying any invoice, the ';
const EXACT = 'manager signs the purchase form';
const SUFFIX = ' and files it with Finance today';
const query = (position?: number) => ({ exact: EXACT, prefix: PREFIX, suffix: SUFFIX, position });

function edit(value: string, edits: number): string {
  // Replaces `edits` letters spread over the string.
  const chars = [...value];
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(((i + 0.5) * chars.length) / edits);
    chars[at] = chars[at] === 'x' ? 'y' : 'x';
  }
  return chars.join('');
}

const filler = (length: number) =>
  'lorem ipsum dolor sit amet '.repeat(Math.ceil(length / 27)).slice(0, length);

describe('confidence rule', () => {
  it('scores similarity as 1 minus edit distance over the longer length', () => {
    expect(similarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7);
    expect(similarity('', '')).toBe(1);
  });

  it('accepts an exact quote when one side of its context is intact', () => {
    const text = `${filler(50)}${'Totally different opening words '}${EXACT}${SUFFIX}`;
    expect(matchQuote(text, query())).toMatchObject({ start: 82, errors: 0 });
  });

  it('takes a verbatim quote found once whatever its context, from MIN_UNIQUE_LENGTH on', () => {
    const text = `Someone told me that the ${EXACT} for new hires, not invoices.`;
    const at = text.indexOf(EXACT);
    expect(contextScore(text, query(), at, at + EXACT.length)).toBeLessThan(CONTEXT_MIN);
    expect(matchQuote(text, query(at))).toMatchObject({ start: at, errors: 0 });
    // Shorter quotes found once still need their context.
    const short = 'signs the p'.slice(0, MIN_UNIQUE_LENGTH - 1);
    const ask = { exact: short, prefix: PREFIX, suffix: SUFFIX };
    expect(matchQuote(text, ask)).toBeNull();
    expect(matchQuote(`${PREFIX}${short}${SUFFIX}`, ask)).toMatchObject({ errors: 0 });
  });

  it('rejects several verbatim copies when none keeps its context', () => {
    const text = `One: the ${EXACT} for hires. Two: the ${EXACT} for leavers.`;
    expect(matchQuote(text, query())).toBeNull();
    // With context, the copy that keeps it wins, wherever the position hint points.
    const kept = `${text} ${PREFIX}${EXACT}${SUFFIX}`;
    expect(matchQuote(kept, query(0))).toMatchObject({ start: kept.lastIndexOf(EXACT) });
  });

  it('prefers the copy in the same kind of element when no copy keeps its context', () => {
    const text = `Contents: ${EXACT} Approvals. Approvals ${EXACT} applies from May.`;
    const second = text.lastIndexOf(EXACT);
    const sameKind = (offset: number) => offset === second;
    expect(matchQuote(text, { ...query(), sameKind })).toMatchObject({ start: second });
    expect(matchQuote(text, { ...query(), sameKind: () => true })).toBeNull();
  });

  it('treats missing context at the document edges as neutral', () => {
    expect(
      matchQuote(`${EXACT}${SUFFIX}`, { exact: EXACT, prefix: '', suffix: SUFFIX }),
    ).not.toBeNull();
    const short = 'the manager';
    expect(
      matchQuote(`${short} was dropped from ...`, { exact: short, prefix: '', suffix: SUFFIX }),
    ).toBeNull();
  });

  it('allows 20% edits with context score 1, more as the context agrees, at most 30%', () => {
    const position = 5000;
    const make = (edits: number, suffix = SUFFIX) =>
      `${filler(position - PREFIX.length)}${PREFIX}${edit(EXACT, edits)}${suffix}${filler(5000)}`;
    // Prefix intact, suffix with nothing in common: context score about 1, budget about 20%.
    const unrelated = ' '.padEnd(SUFFIX.length, '#');
    const score = contextScore(make(0, unrelated), query(), position, position + EXACT.length);
    expect(errorBudget(score)).toBeCloseTo(BASE_ERRORS, 1);
    expect(matchQuote(make(6, unrelated), query(position))).toMatchObject({ errors: 6 });
    expect(matchQuote(make(7, unrelated), query(position))).toBeNull();
    // Both sides intact: budget 30% (9 of 31).
    expect(errorBudget(2)).toBe(MAX_ERRORS);
    expect(matchQuote(make(9), query(position))).toMatchObject({ start: position, errors: 9 });
    expect(matchQuote(make(10), query(position))).toBeNull();
    // Context below CONTEXT_MIN allows no edits at all.
    expect(errorBudget(CONTEXT_MIN - 0.01)).toBeLessThan(0);
  });

  it('far from every hint, takes a fuzzy match only where the quote matches best', () => {
    const far = 3 * NEAR_SLACK;
    const at = far + PREFIX.length;
    // One word changed: pieces of the quote stay intact and locate it anywhere.
    const moved = `${filler(far)}${PREFIX}${EXACT.replace('signs', 'approves')}${SUFFIX}`;
    expect(matchQuote(moved, query(0))).toMatchObject({ start: at });
    // A closer copy of the quote elsewhere (1 edit, other context) makes it ambiguous when the
    // moved one has lost its context too.
    const lost = `${filler(far)}Nowadays the ${EXACT.replace('signs', 'approves')} quickly.`;
    const twice = `${lost} Elsewhere, ${EXACT.replace('signs', 'sign')} for new hires.`;
    expect(matchQuote(twice, query(0))).toBeNull();
    // Near a hint, the context decides as usual.
    const kept = `${moved} ${filler(3000)} Elsewhere, ${EXACT.replace('signs', 'sign')} for hires.`;
    expect(matchQuote(kept, { ...query(0), near: () => [at - 10, at + 40] })).toMatchObject({
      start: at,
    });
  });

  it('without context, takes the clear best place of a long enough quote', () => {
    const long = `${EXACT} within two working days`;
    const ask = { exact: long, prefix: PREFIX, suffix: SUFFIX, position: 0 };
    expect(long.length).toBeGreaterThanOrEqual(MIN_LONE_LENGTH);
    const edited = long.replace('two', 'three');
    const text = `${filler(20_000)} Note: the ${edited}, ask HR. ${filler(100)}`;
    expect(matchQuote(text, ask)).toMatchObject({ start: text.indexOf(edited) });
    // Too many edits for a place without context.
    const heavier = edited.replace('purchase', 'expense').replace('signs', 'files');
    expect(matchQuote(text.replace(edited, heavier), ask)).toBeNull();
    // A shorter quote is not taken without context.
    expect(EXACT.length).toBeLessThan(MIN_LONE_LENGTH);
    const shorter = text.replace(edited, EXACT.replace('signs', 'sign'));
    expect(matchQuote(shorter, { ...ask, exact: EXACT })).toBeNull();
  });

  it('finds a quote edited all over from its surviving context or the hints', () => {
    const position = 3 * NEAR_SLACK;
    const make = (at: number, prefix = PREFIX) =>
      `${filler(at - prefix.length)}${prefix}${edit(EXACT, 5)}${SUFFIX}${filler(100)}`;
    expect(matchQuote(make(position), query(position))).toMatchObject({
      start: position,
      errors: 5,
    });
    // Far from every hint, the prefix's end still points at it.
    expect(matchQuote(make(position), query(0))).toMatchObject({ start: position });
    // No piece of quote or context left, far from the hints: an orphan.
    const other = 'Whatever happens on Fridays is '.padStart(PREFIX.length);
    expect(matchQuote(make(position, other).replace(SUFFIX, ' #'.repeat(16)), query(0))).toBeNull();
  });

  it('finds a rewritten passage only between both contexts, with half of it kept', () => {
    // Four of five words kept, 14 edits of 31: beyond any edit budget.
    const rewritten = 'the purchase form is signed by the manager';
    const text = `${filler(9000)}${PREFIX}${rewritten}${SUFFIX}${filler(100)}`;
    expect(matchQuote(text, query(0))).toMatchObject({ start: text.indexOf(rewritten) });
    const reworded = 'head of unit approves each order';
    expect(matchQuote(text.replace(rewritten, reworded), query(0))).toBeNull();
    expect(matchQuote(text.replace(SUFFIX, ' and sends it on.'), query(0))).toBeNull();
  });

  it('only matches quotes shorter than MIN_FUZZY_LENGTH exactly', () => {
    const shortQuote = 'Sign the forms'.slice(0, MIN_FUZZY_LENGTH - 1);
    const longer = 'Sign the forms'.slice(0, MIN_FUZZY_LENGTH);
    const page = (quote: string) => `${PREFIX}${quote.replace('o', 'a')}${SUFFIX}`;
    const ask = (quote: string) => ({
      exact: quote,
      prefix: PREFIX,
      suffix: SUFFIX,
      position: PREFIX.length,
    });
    expect(matchQuote(page(shortQuote), ask(shortQuote))).toBeNull();
    expect(matchQuote(page(longer), ask(longer))).toMatchObject({ errors: 1 });
  });
});

describe('a quote with part of it deleted', () => {
  const prefix = 'returns false for an option, the ';
  const exact = 'unknown option is not added to argv. Then the parser stops after the first word';
  const kept = 'unknown option is not added to argv.';

  it('is found where its context pins the surviving part', () => {
    const text = `${filler(3000)} ${prefix}${kept} Install it with npm. ${filler(3000)}`;
    const match = matchQuote(text, { exact, prefix, suffix: ' for good.', position: 10 });
    expect(match && text.slice(match.start, match.end)).toBe(kept);
  });

  it('stays an orphan when the surviving part is not pinned by its context', () => {
    const text = `${filler(3000)} something else entirely: ${kept} Install it. ${filler(3000)}`;
    expect(matchQuote(text, { exact, prefix, suffix: ' for good.', position: 10 })).toBeNull();
  });

  it('stays an orphan when the pinned surviving part occurs twice', () => {
    const copy = `${prefix}${kept} Install it with npm.`;
    const text = `${filler(3000)} ${copy} ${filler(3000)} ${copy} ${filler(100)}`;
    expect(matchQuote(text, { exact, prefix, suffix: ' for good.', position: 10 })).toBeNull();
  });
});
