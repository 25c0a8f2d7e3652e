import { browser } from 'wxt/browser';
import { personSitesItem } from '@/utils/background/settings';
import type { SiteRequestType } from '@/utils/shared/messaging';
import { checkSitePattern } from '@/utils/shared/site-pattern';
import { configuredSites, syncContentScriptRegistration } from './content-script-registration';
import { type Handlers, RequestError } from './router';

/** Keeps the launcher registered as sites, permissions and the policy change. */
export function setupSites(): void {
  const register = () => void syncContentScriptRegistration().catch(() => {});
  browser.runtime.onInstalled.addListener(register);
  browser.runtime.onStartup.addListener(register);
  browser.permissions.onAdded.addListener(register);
  browser.permissions.onRemoved.addListener(register);
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') register();
  });
}

export function createSiteHandlers(): Pick<Handlers, SiteRequestType> {
  const listed = async () => ({ sites: await configuredSites() });
  return {
    getSites: listed,
    async addSite({ pattern }) {
      const check = checkSitePattern(pattern);
      if (!check.ok) throw new RequestError(check.error);
      const sites = await personSitesItem.getValue();
      if (!sites.includes(check.pattern)) await personSitesItem.setValue([...sites, check.pattern]);
      await syncContentScriptRegistration();
      return listed();
    },
    async removeSite({ pattern }) {
      const sites = await personSitesItem.getValue();
      if (!sites.includes(pattern)) throw new RequestError('errorSiteNotYours');
      await personSitesItem.setValue(sites.filter((site) => site !== pattern));
      const stillConfigured = (await configuredSites()).some((s) => s.pattern === pattern);
      // Give the permission back unless the build or the policy still needs the site.
      if (!stillConfigured)
        await browser.permissions.remove({ origins: [pattern] }).catch(() => false);
      await syncContentScriptRegistration();
      return listed();
    },
  };
}
