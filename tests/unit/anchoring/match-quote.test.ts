import { describe, expect, it } from 'vitest';
import {
  CONTEXT_MIN,
  contextScore,
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

  it('accepts up to 20% edits near the hints and not more', () => {
    const position = 5000;
    const make = (edits: number) =>
      `${filler(position - PREFIX.length)}${PREFIX}${edit(EXACT, edits)}${SUFFIX}${filler(5000)}`;
    expect(matchQuote(make(6), query(position), { wide: false })).toMatchObject({
      start: position,
      errors: 6,
    });
    expect(matchQuote(make(7), query(position), { wide: false })).toBeNull();
  });

  it('allows only 10% edits far from every hint', () => {
    const far = 3 * NEAR_SLACK;
    const make = (edits: number) => `${filler(far)}${PREFIX}${edit(EXACT, edits)}${SUFFIX}`;
    const at = far + PREFIX.length;
    expect(matchQuote(make(3), query(0))).toMatchObject({ start: at, errors: 3 });
    expect(matchQuote(make(4), query(0))).toBeNull();
    expect(matchQuote(make(4), { ...query(0), near: [at - 10, at + 40] })).toMatchObject({
      start: at,
    });
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
