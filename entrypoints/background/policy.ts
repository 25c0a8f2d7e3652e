import { browser } from 'wxt/browser';

export interface Policy {
  endpointUrl?: string;
  sites?: string[];
}

/** What an administrator set by policy (managed storage); nothing where there is no policy. */
export async function readPolicy(): Promise<Policy> {
  try {
    const managed = (await browser.storage.managed.get()) as Record<string, unknown>;
    return {
      endpointUrl: typeof managed.endpointUrl === 'string' ? managed.endpointUrl : undefined,
      sites: Array.isArray(managed.sites)
        ? managed.sites.filter((s): s is string => typeof s === 'string')
        : undefined,
    };
  } catch {
    return {};
  }
}
