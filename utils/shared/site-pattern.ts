// Sites where the launcher shows, as match patterns. Shared by the options page and the
// background; no extension APIs here.
import { MatchPattern } from 'wxt/utils/match-patterns';

export type SitePatternCheck =
  | { ok: true; pattern: string }
  | { ok: false; error: 'errorSiteMalformed' | 'errorSiteTooBroad' };

const SCHEMES = new Set(['http', 'https', '*']);

/**
 * Accepts a page address (`https://intranet.example/wiki/page`) or a match pattern
 * (`https://*.intranet.example/*`) and gives the pattern for the whole site. Patterns that would
 * cover every site are refused: Flywheel runs on intranet sites someone chose.
 */
export function checkSitePattern(input: string): SitePatternCheck {
  const text = input.trim();
  const match = /^([a-z*]+):\/\/([^/?#]+)(\/.*)?$/i.exec(text);
  if (!match) return { ok: false, error: 'errorSiteMalformed' };
  const scheme = (match[1] as string).toLowerCase();
  let host = (match[2] as string).toLowerCase();
  if (!SCHEMES.has(scheme)) return { ok: false, error: 'errorSiteMalformed' };
  if (host.includes('@')) return { ok: false, error: 'errorSiteMalformed' };
  // Match patterns carry no port: the site is the host.
  host = host.replace(/:\d+$/, '');
  if (host === '*' || host === '*.' || /^\*\.[^.]+$/.test(host)) {
    return { ok: false, error: 'errorSiteTooBroad' };
  }
  const label = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:]+\]$/;
  if (!label.test(host)) return { ok: false, error: 'errorSiteMalformed' };
  const pattern = `${scheme}://${host}/*`;
  // The browser's own grammar of match patterns has the last word (WXT ships its parser).
  try {
    new MatchPattern(pattern);
  } catch {
    return { ok: false, error: 'errorSiteMalformed' };
  }
  return { ok: true, pattern };
}
