// Every setting Flywheel keeps, in one place. Storage items in `local:` are readable by content
// scripts, so nothing secret is one: the access token lives in the background's database.
import { storage } from 'wxt/utils/storage';
import { type AuthMode, INITIAL_SYNC_STATUS, type SyncStatus } from '../shared/sync-status';
import type { FlywheelDatabase } from './db';

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

/** Where version 0.1 kept the token (readable by content scripts): moved out on first read. */
const legacyTokenItem = storage.defineItem<string>('local:accessToken', { fallback: '' });

/** The endpoint's bearer token; empty when there is none. */
export async function readAccessToken(db: FlywheelDatabase): Promise<string> {
  const row = await db.secrets.get('accessToken');
  if (row) return row.value;
  const legacy = await legacyTokenItem.getValue();
  if (legacy !== '') {
    await db.secrets.put({ key: 'accessToken', value: legacy });
    await legacyTokenItem.removeValue();
  }
  return legacy;
}

export async function writeAccessToken(db: FlywheelDatabase, value: string): Promise<void> {
  if (value === '') await db.secrets.delete('accessToken');
  else await db.secrets.put({ key: 'accessToken', value });
  await legacyTokenItem.removeValue();
}

/** Sites (match patterns) the person added in the options page. */
export const personSitesItem = storage.defineItem<string[]>('local:sites', { fallback: [] });

export const syncStatusItem = storage.defineItem<SyncStatus>('local:syncStatus', {
  fallback: INITIAL_SYNC_STATUS,
});
