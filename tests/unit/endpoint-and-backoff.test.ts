import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { toAnnotation } from '@/utils/background/sync/annotation';
import { backoffDelay, parseRetryAfter } from '@/utils/background/sync/backoff';
import { IncomingSuggestionSchema } from '@/utils/protocol/annotation';
import { checkEndpointUrl, originPattern } from '@/utils/shared/endpoint-url';
import type { Suggestion } from '@/utils/shared/suggestion';

describe('endpoint URL check', () => {
  it('accepts https anywhere and http only on this machine, as a container URL', () => {
    expect(checkEndpointUrl(' https://feedback.intranet.example/annotations ')).toEqual({
      ok: true,
      url: 'https://feedback.intranet.example/annotations/',
    });
    expect(checkEndpointUrl('http://127.0.0.1:8787/annotations/#x?y')).toEqual({
      ok: true,
      url: 'http://127.0.0.1:8787/annotations/',
    });
    expect(checkEndpointUrl('http://localhost:8787/a/')).toMatchObject({ ok: true });
  });

  it('says what is wrong with a bad one', () => {
    expect(checkEndpointUrl('feedback.intranet.example')).toEqual({
      ok: false,
      error: 'errorEndpointMalformed',
    });
    expect(checkEndpointUrl('ftp://feedback.intranet.example/')).toEqual({
      ok: false,
      error: 'errorEndpointMalformed',
    });
    expect(checkEndpointUrl('http://feedback.intranet.example/annotations/')).toEqual({
      ok: false,
      error: 'errorEndpointInsecure',
    });
    expect(checkEndpointUrl('https://sam:secret@feedback.intranet.example/')).toEqual({
      ok: false,
      error: 'errorEndpointCredentials',
    });
  });

  it('asks for the endpoint host only', () => {
    expect(originPattern('https://feedback.intranet.example:8443/annotations/')).toBe(
      'https://feedback.intranet.example/*',
    );
  });
});

describe('backoff', () => {
  it('waits a random time up to an exponentially growing, capped ceiling', () => {
    expect(backoffDelay(0, () => 0.999)).toBe(999);
    expect(backoffDelay(3, () => 0.5)).toBe(4_000);
    expect(backoffDelay(30, () => 0.999)).toBeLessThanOrEqual(5 * 60_000);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-11-30T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 09:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('suggestion as a W3C annotation', () => {
  const suggestion: Suggestion = {
    id: crypto.randomUUID(),
    pageUrl: 'https://intranet.example/process/po',
    pageTitle: 'PO',
    text: 'Merge steps 3 and 4',
    category: 'simplify',
    anonymous: false,
    quote: 'Manager signs form',
    selectors: [
      { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
    ],
    syncState: 'queued',
    createdAt: 1,
    updatedAt: 1,
    submittedAt: Date.parse('2026-11-30T09:00:00Z'),
  };

  it('is a valid editing annotation with its selectors and the author name', () => {
    const annotation = toAnnotation(suggestion, ' Sam Jansen ');
    expect(v.safeParse(IncomingSuggestionSchema, annotation).success).toBe(true);
    expect(annotation).toMatchObject({
      motivation: 'editing',
      created: '2026-11-30T09:00:00.000Z',
      target: { source: suggestion.pageUrl, selector: suggestion.selectors },
      creator: { name: 'Sam Jansen' },
    });
  });

  it('carries no name at all when anonymous', () => {
    const annotation = toAnnotation({ ...suggestion, anonymous: true }, 'Sam Jansen');
    expect(annotation.creator).toBeUndefined();
    expect(JSON.stringify(annotation)).not.toContain('Sam');
    expect(v.safeParse(IncomingSuggestionSchema, annotation).success).toBe(true);
  });
});
