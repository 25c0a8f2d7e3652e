import { describe, expect, it } from 'vitest';
import {
  BASE_ERRORS,
  CONTEXT_MIN,
  contextScore,
  errorBudget,
  MAX_ERRORS,
  MIN_FUZZY_LENGTH,
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

  it('rejects an exact quote whose context differs on both sides', () => {
    const text = `Someone told me that the ${EXACT} for new hires, not invoices.`;
    const at = text.indexOf(EXACT);
    expect(contextScore(text, query(), at, at + EXACT.length)).toBeLessThan(CONTEXT_MIN);
    expect(matchQuote(text, query(at))).toBeNull();
  });

  it('treats missing context at the document edges as neutral', () => {
    expect(
      matchQuote(`${EXACT}${SUFFIX}`, { exact: EXACT, prefix: '', suffix: SUFFIX }),
    ).not.toBeNull();
    expect(
      matchQuote(`${EXACT} was dropped from ...`, { exact: EXACT, prefix: '', suffix: SUFFIX }),
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
    expect(matchQuote(moved, query(0), { wide: false })).toBeNull();
    // A closer copy of the quote elsewhere (1 edit, unrelated context) makes the far match
    // ambiguous: context may confirm the quote's best place, not pick a worse one.
    const twice = `${moved} Elsewhere, ${EXACT.replace('signs', 'sign')} for new hires.`;
    expect(matchQuote(twice, query(0))).toBeNull();
    // Near a hint, the context decides as usual.
    expect(matchQuote(twice, { ...query(0), near: [at - 10, at + 40] })).toMatchObject({
      start: at,
    });
  });

  it('searches around the hints when edits leave no piece of the quote intact', () => {
    const position = 3 * NEAR_SLACK;
    const make = (at: number) =>
      `${filler(at - PREFIX.length)}${PREFIX}${edit(EXACT, 5)}${SUFFIX}${filler(100)}`;
    expect(matchQuote(make(position), query(position))).toMatchObject({
      start: position,
      errors: 5,
    });
    // Spread edits far from every hint: not found by pieces, not searched for: an orphan.
    expect(matchQuote(make(position), query(0))).toBeNull();
  });

  it('only matches quotes shorter than MIN_FUZZY_LENGTH exactly', () => {
    const shortQuote = 'Sign forms'.slice(0, MIN_FUZZY_LENGTH - 1);
    const longer = 'Sign forms'.slice(0, MIN_FUZZY_LENGTH);
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
