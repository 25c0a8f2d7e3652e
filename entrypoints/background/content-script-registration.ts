import { browser } from 'wxt/browser';
import { personSitesItem } from '@/utils/background/settings';
import type { SiteEntry } from '@/utils/shared/messaging';
import { CONTENT_SCRIPT_FILE } from '@/utils/shared/open-widget';
import { checkSitePattern } from '@/utils/shared/site-pattern';
import { readPolicy } from './policy';

export const CONTENT_SCRIPT_ID = 'flywheel-launcher';

/** Match patterns given at build time in FLYWHEEL_SITES. */
export function buildTimeSites(): string[] {
  return (import.meta.env.FLYWHEEL_SITES ?? '')
    .split(',')
    .map((site: string) => site.trim())
    .filter(Boolean);
}

/**
 * Every site the launcher should show on: built in, set by the organisation's policy, or added
 * by the person; each says whether the browser has granted Flywheel that site yet.
 */
export async function configuredSites(): Promise<SiteEntry[]> {
  const [policy, personal] = await Promise.all([readPolicy(), personSitesItem.getValue()]);
  const entries = new Map<string, SiteEntry['source']>();
  const add = (patterns: string[], source: SiteEntry['source']) => {
    for (const raw of patterns) {
      const check = checkSitePattern(raw);
      if (check.ok && !entries.has(check.pattern)) entries.set(check.pattern, source);
    }
  };
  add(buildTimeSites(), 'build');
  add(policy.sites ?? [], 'policy');
  add(personal, 'person');
  return Promise.all(
    [...entries].map(async ([pattern, source]) => ({
      pattern,
      source,
      allowed: await browser.permissions.contains({ origins: [pattern] }),
    })),
  );
}

/** Keeps the launcher's content script registered for exactly the allowed sites. */
export async function syncContentScriptRegistration(): Promise<string[]> {
  const permitted = (await configuredSites()).filter((s) => s.allowed).map((s) => s.pattern);
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
    // Registered scripts are named relative to the extension's root, without the leading slash.
    js: [CONTENT_SCRIPT_FILE.slice(1)],
    matches: permitted,
    runAt: 'document_idle' as const,
    persistAcrossSessions: true,
  };
  if (registered.length > 0) await browser.scripting.updateContentScripts([script]);
  else await browser.scripting.registerContentScripts([script]);
  return permitted;
}
