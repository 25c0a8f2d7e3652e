// Sites where the launcher shows: built in, set by the organisation's policy, or added by the
// person. The launcher's content script is registered for exactly the sites the browser has
// granted, and put into tabs already open on them when Flywheel is installed or updated.
import { browser } from 'wxt/browser';
import type { ErrorLog } from '@/utils/background/error-log';
import { personSitesItem } from '@/utils/background/settings';
import type { SiteEntry } from '@/utils/shared/messaging';
import { CONTENT_SCRIPT_FILE } from '@/utils/shared/open-editor';
import { checkSitePattern } from '@/utils/shared/site-pattern';
import { readPolicy } from './policy';
import { defineHandlers, RequestError } from './router';

export const CONTENT_SCRIPT_ID = 'flywheel-launcher';

/** Match patterns given at build time in FLYWHEEL_SITES. */
export function buildTimeSites(): string[] {
  return (import.meta.env.FLYWHEEL_SITES ?? '')
    .split(',')
    .map((site: string) => site.trim())
    .filter(Boolean);
}

/** Every configured site, each saying whether the browser has granted Flywheel that site. */
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

/**
 * Tabs that were open before the script was registered (Flywheel just installed or updated)
 * get it now; a second copy in a tab defers to the first (see the content script).
 */
async function injectIntoOpenTabs(patterns: string[]): Promise<void> {
  if (patterns.length === 0) return;
  const tabs = await browser.tabs.query({ url: patterns });
  await Promise.all(
    tabs.map((tab) =>
      tab.id === undefined
        ? undefined
        : browser.scripting
            .executeScript({ target: { tabId: tab.id }, files: [CONTENT_SCRIPT_FILE] })
            // A tab showing an error page or the web store cannot be scripted: nothing to do.
            .catch(() => undefined),
    ),
  );
}

export function createSites({ log }: { log: ErrorLog }) {
  const listed = async () => ({ sites: await configuredSites() });
  const register = (inject: boolean) => () =>
    void syncContentScriptRegistration()
      .then((patterns) => (inject ? injectIntoOpenTabs(patterns) : undefined))
      .catch((error) => log.record('background', 'sites/register', error));

  const handlers = defineHandlers({
    getSites: listed,
    async addSite({ pattern }) {
      const check = checkSitePattern(pattern);
      if (!check.ok) throw new RequestError(check.error);
      const sites = await personSitesItem.getValue();
      if (!sites.includes(check.pattern)) await personSitesItem.setValue([...sites, check.pattern]);
      await injectIntoOpenTabs(await syncContentScriptRegistration());
      return listed();
    },
    async removeSite({ pattern }) {
      const sites = await personSitesItem.getValue();
      if (!sites.includes(pattern)) throw new RequestError('errorSiteNotYours');
      await personSitesItem.setValue(sites.filter((site) => site !== pattern));
      const stillConfigured = (await configuredSites()).some((s) => s.pattern === pattern);
      // Give the permission back unless the build or the policy still needs the site.
      if (!stillConfigured) await browser.permissions.remove({ origins: [pattern] });
      await syncContentScriptRegistration();
      return listed();
    },
  });

  return {
    handlers,
    start() {
      browser.runtime.onInstalled.addListener(register(true));
      browser.runtime.onStartup.addListener(register(true));
      browser.permissions.onAdded.addListener(register(true));
      browser.permissions.onRemoved.addListener(register(false));
      browser.storage.onChanged.addListener((_changes, area) => {
        if (area === 'managed') register(true)();
      });
    },
  };
}
