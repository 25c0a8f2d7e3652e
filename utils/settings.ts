// Every setting Flywheel keeps, in one place. The access token is read only by the background.
import { storage } from 'wxt/utils/storage';

export type AuthMode = 'token' | 'session';

export interface EndpointSettings {
  /** The annotation container, ending in `/`; empty: Flywheel works on this device only. */
  endpointUrl: string;
  /** `token`: a bearer token; `session`: the browser's intranet sign-in (cookies). */
  authMode: AuthMode;
  /** Sent as the creator's name unless a suggestion is anonymous; empty sends none. */
  displayName: string;
}

export const DEFAULT_ENDPOINT_SETTINGS: EndpointSettings = {
  endpointUrl: '',
  authMode: 'token',
  displayName: '',
};

export const endpointSettingsItem = storage.defineItem<EndpointSettings>('local:endpoint', {
  fallback: DEFAULT_ENDPOINT_SETTINGS,
  version: 1,
});

export const accessTokenItem = storage.defineItem<string>('local:accessToken', { fallback: '' });

/** Sites (match patterns) the person added in the options page. */
export const personSitesItem = storage.defineItem<string[]>('local:sites', { fallback: [] });

export interface SyncStatus {
  lastSyncAt: number | null;
  /** `unauthorized`: the endpoint refused our credentials; sending waits for new ones. */
  paused: 'unauthorized' | null;
  offline: boolean;
  lastError: string | null;
  lastPullAt: number | null;
}

export const syncStatusItem = storage.defineItem<SyncStatus>('local:syncStatus', {
  fallback: { lastSyncAt: null, paused: null, offline: false, lastError: null, lastPullAt: null },
});
