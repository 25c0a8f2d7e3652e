/**
 * The page a suggestion belongs to, or null if not a web page. A fragment that only scrolls
 * (`#step-3`) is dropped; one that is a single-page app's route (`#/remote-work`, `#!/x`) is
 * kept, because there it names the page.
 */
export function normalizePageUrl(url: string | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!/^#!?\//.test(parsed.hash)) parsed.hash = '';
  return parsed.href;
}

/** A short name for the site of a page, for lists. */
export function siteOf(pageUrl: string): string {
  try {
    return new URL(pageUrl).host;
  } catch {
    return pageUrl;
  }
}
