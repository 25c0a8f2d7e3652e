import { browser } from 'wxt/browser';

export const CONTENT_SCRIPT_ID = 'flywheel-launcher';
export const CONTENT_SCRIPT_FILE = 'content-scripts/content.js';

/** Match patterns given at build time in FLYWHEEL_SITES. */
export function buildTimeSites(): string[] {
  return (import.meta.env.FLYWHEEL_SITES ?? '')
    .split(',')
    .map((site: string) => site.trim())
    .filter(Boolean);
}

/**
 * Keeps the launcher's content script registered for exactly the sites Flywheel may run on:
 * those it holds a host permission for among the configured ones.
 */
export async function syncContentScriptRegistration(sites: string[]): Promise<string[]> {
  const permitted: string[] = [];
  for (const site of sites) {
    if (await browser.permissions.contains({ origins: [site] })) permitted.push(site);
  }
  const registered = await browser.scripting.getRegisteredContentScripts({
    ids: [CONTENT_SCRIPT_ID],
  });
  if (permitted.length === 0) {
    if (registered.length > 0) {
      await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    }
    return permitted;
  }
  const script = {
    id: CONTENT_SCRIPT_ID,
    js: [CONTENT_SCRIPT_FILE],
    matches: permitted,
    runAt: 'document_idle' as const,
    persistAcrossSessions: true,
  };
  if (registered.length > 0) await browser.scripting.updateContentScripts([script]);
  else await browser.scripting.registerContentScripts([script]);
  return permitted;
}
