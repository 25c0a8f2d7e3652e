import { describe, expect, it } from 'vitest';
import { normalizePageUrl, siteOf } from '@/utils/shared/pages';

describe('page identity', () => {
  it('drops a fragment that only scrolls, keeps the query', () => {
    expect(normalizePageUrl('https://intranet.example/po?v=2#step-3')).toBe(
      'https://intranet.example/po?v=2',
    );
  });

  it("keeps a single-page app's hash route, which names the page", () => {
    expect(normalizePageUrl('https://intranet.example/handbook#/remote-work')).toBe(
      'https://intranet.example/handbook#/remote-work',
    );
    expect(normalizePageUrl('https://intranet.example/app#!/forms/7')).toBe(
      'https://intranet.example/app#!/forms/7',
    );
  });

  it('is null for anything that is not a web page', () => {
    for (const url of [
      'file:///etc/hosts',
      'chrome://settings',
      'javascript:alert(1)',
      'nonsense',
      undefined,
    ]) {
      expect(normalizePageUrl(url)).toBeNull();
    }
  });

  it('names the site by its host', () => {
    expect(siteOf('http://127.0.0.1:8080/po.html')).toBe('127.0.0.1:8080');
  });
});
