import { describe, expect, it } from 'vitest';
import { checkSitePattern } from '@/utils/shared/site-pattern';

describe('site patterns', () => {
  it('turns a page address or a pattern into the pattern of the whole site', () => {
    expect(checkSitePattern('https://intranet.example/wiki/po?x=1')).toEqual({
      ok: true,
      pattern: 'https://intranet.example/*',
    });
    expect(checkSitePattern(' HTTP://127.0.0.1:8080/ ')).toEqual({
      ok: true,
      pattern: 'http://127.0.0.1/*',
    });
    expect(checkSitePattern('https://*.intranet.example/*')).toEqual({
      ok: true,
      pattern: 'https://*.intranet.example/*',
    });
    expect(checkSitePattern('*://wiki.corp.example')).toEqual({
      ok: true,
      pattern: '*://wiki.corp.example/*',
    });
  });

  it('refuses patterns that would cover every site', () => {
    for (const input of ['<all_urls>', '*://*/*', 'https://*/*', 'https://*.com/*']) {
      expect(checkSitePattern(input).ok, input).toBe(false);
    }
    expect(checkSitePattern('https://*/*')).toEqual({ ok: false, error: 'errorSiteTooBroad' });
  });

  it('refuses what is not a web site', () => {
    for (const input of [
      'intranet.example',
      'file:///etc',
      'ftp://intranet.example/',
      'https://user@intranet.example/',
      'https://intra net/',
    ]) {
      expect(checkSitePattern(input), input).toEqual({ ok: false, error: 'errorSiteMalformed' });
    }
  });
});
