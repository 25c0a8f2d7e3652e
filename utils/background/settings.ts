// Every setting Flywheel keeps, in one place. The access token is read only by the background.
import { storage } from 'wxt/utils/storage';
import { type AuthMode, INITIAL_SYNC_STATUS, type SyncStatus } from '../shared/sync-status';

export type { AuthMode, SyncStatus } from '../shared/sync-status';

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

export const syncStatusItem = storage.defineItem<SyncStatus>('local:syncStatus', {
  fallback: INITIAL_SYNC_STATUS,
});
