// @vitest-environment node
// "Open on the page" links: text directives as the Text Fragments spec reads them.
import { describe, expect, it } from 'vitest';
import { pageLinkWithQuote, textDirective } from '../../server/triage/text-fragment';

describe('text fragment of a quote', () => {
  it('links the quote with whole-word context on either side', () => {
    expect(
      pageLinkWithQuote('https://intranet.example/buy', {
        exact: 'signs the form',
        prefix: 'ep three: the manager ',
        suffix: ' within two da',
      }),
    ).toBe(
      'https://intranet.example/buy#:~:text=three%3A%20the%20manager-,signs%20the%20form,-within%20two',
    );
  });

  it('percent-encodes the characters that are syntax in a directive', () => {
    expect(textDirective({ exact: 'pre-approved, signed & filed' })).toBe(
      'pre%2Dapproved%2C%20signed%20%26%20filed',
    );
  });

  it('matches a long or multi-line quote by its first and last words', () => {
    expect(
      textDirective({
        exact: 'Fill in the form\n\nSend it to your manager for approval',
      }),
    ).toBe('Fill%20in%20the%20form,your%20manager%20for%20approval');
    const long = `${'one two three four '.repeat(10)}last words here`;
    expect(textDirective({ exact: long })).toBe(
      'one%20two%20three%20four,four%20last%20words%20here',
    );
  });

  it('keeps a hash route and links the bare page when there is no quote', () => {
    expect(pageLinkWithQuote('https://intranet.example/#/travel', { exact: 'Book early' })).toBe(
      'https://intranet.example/#/travel:~:text=Book%20early',
    );
    expect(pageLinkWithQuote('https://intranet.example/a', undefined)).toBe(
      'https://intranet.example/a',
    );
    expect(pageLinkWithQuote('https://intranet.example/a', { exact: '   ' })).toBe(
      'https://intranet.example/a',
    );
  });
});
