import * as v from 'valibot';
import { browser } from 'wxt/browser';
import type { FlywheelDatabase } from '@/utils/background/db';
import {
  accessTokenItem,
  type EndpointSettings,
  endpointSettingsItem,
  syncStatusItem,
} from '@/utils/background/settings';
import { createSyncEngine, type SyncConfig, type SyncEngine } from '@/utils/background/sync/engine';
import { exchange } from '@/utils/background/sync/http';
import { AnnotationCollectionSchema } from '@/utils/protocol/annotation';
import { checkEndpointUrl } from '@/utils/shared/endpoint-url';
import type { ConnectionReport, SyncRequestType } from '@/utils/shared/messaging';
import { countUnsent } from './badge';
import { type Policy, readPolicy } from './policy';
import { type Handlers, RequestError } from './router';

export const SYNC_ALARM = 'flywheel-sync';
export const PULL_ALARM = 'flywheel-pull';
const PULL_EVERY_MINUTES = 5;
/** Opening the popup asks the endpoint again only if its last answer is older than this. */
const STATUS_REFRESH_MS = 60_000;

/** The endpoint in force: the policy's, else the person's, else the one built in. */
function endpointInForce(policy: Policy, settings: EndpointSettings): string {
  return policy.endpointUrl || settings.endpointUrl || import.meta.env.FLYWHEEL_ENDPOINT || '';
}

export async function loadSyncConfig(): Promise<SyncConfig | null> {
  const [settings, token, policy] = await Promise.all([
    endpointSettingsItem.getValue(),
    accessTokenItem.getValue(),
    readPolicy(),
  ]);
  const check = checkEndpointUrl(endpointInForce(policy, settings));
  if (!check.ok) return null;
  return {
    endpointUrl: check.url,
    authMode: settings.authMode,
    token,
    displayName: settings.displayName,
  };
}

export function setupSync(db: FlywheelDatabase, onChange: () => void): SyncEngine {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const engine = createSyncEngine({
    db,
    loadConfig: loadSyncConfig,
    status: { get: () => syncStatusItem.getValue(), set: (s) => syncStatusItem.setValue(s) },
    onChange,
    wakeAt(time) {
      // A timer while this worker lives; an alarm in case it is stopped before then.
      const delay = Math.max(0, time - Date.now());
      clearTimeout(timer);
      timer = setTimeout(() => void engine.drain(), delay);
      void browser.alarms.create(SYNC_ALARM, { when: Math.max(time, Date.now() + 1_000) });
    },
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void engine.drain();
    if (alarm.name === PULL_ALARM) void engine.drain().then(() => engine.pullStatuses());
  });
  void browser.alarms.create(PULL_ALARM, { periodInMinutes: PULL_EVERY_MINUTES });
  // The network coming back is the best moment to try again.
  globalThis.addEventListener?.('online', () => void engine.sendNow());
  // At start-up: whatever a stopped worker left in flight is resent with the same key.
  void engine.recover().then(() => engine.drain());
  return engine;
}

async function testConnection(config: SyncConfig): Promise<ConnectionReport> {
  const outcome = await exchange(
    (input, init) => fetch(input, init),
    `${config.endpointUrl}?limit=1`,
    { method: 'GET' },
    config,
    { now: Date.now() },
  );
  switch (outcome.kind) {
    case 'ok': {
      const collection = v.safeParse(AnnotationCollectionSchema, outcome.body);
      return collection.success
        ? { ok: true, result: 'connectionOk', detail: String(collection.output.total) }
        : { ok: false, result: 'connectionNotAnEndpoint', detail: '' };
    }
    case 'unauthorized':
      return { ok: false, result: 'connectionUnauthorized', detail: outcome.reason };
    case 'retry':
      if (outcome.reason === 'errorEndpointTimeout') {
        return { ok: false, result: 'connectionTimeout', detail: '' };
      }
      if (outcome.reason === 'errorEndpointUnreachable') {
        return { ok: false, result: 'connectionUnreachable', detail: '' };
      }
      return { ok: false, result: 'connectionHttpError', detail: outcome.reason };
    case 'gone':
      return { ok: false, result: 'connectionNotAnEndpoint', detail: 'HTTP 404' };
    default:
      return { ok: false, result: 'connectionHttpError', detail: outcome.reason };
  }
}

export function createSyncHandlers(
  db: FlywheelDatabase,
  engine: SyncEngine,
  onSettingsChanged: () => void,
): Pick<Handlers, SyncRequestType> {
  return {
    async getSyncOverview() {
      const [config, status, pending] = await Promise.all([
        loadSyncConfig(),
        syncStatusItem.getValue(),
        countUnsent(db),
      ]);
      return { endpointUrl: config?.endpointUrl ?? '', status, pending };
    },
    async syncNow() {
      await engine.sendNow();
      return { pending: await countUnsent(db) };
    },
    async refreshStatuses() {
      const { lastPullAt } = await syncStatusItem.getValue();
      if (lastPullAt !== null && Date.now() - lastPullAt < STATUS_REFRESH_MS) return { updated: 0 };
      return { updated: await engine.pullStatuses() };
    },
    async retrySuggestion({ id }) {
      return { queued: await engine.retry(id) };
    },
    async getSettings() {
      const [settings, token, policy] = await Promise.all([
        endpointSettingsItem.getValue(),
        accessTokenItem.getValue(),
        readPolicy(),
      ]);
      return {
        endpointUrl: endpointInForce(policy, settings),
        authMode: settings.authMode,
        displayName: settings.displayName,
        hasToken: token !== '',
        endpointFromPolicy: Boolean(policy.endpointUrl),
      };
    },
    async saveSettings(data) {
      const policy = await readPolicy();
      let endpointUrl = '';
      if (policy.endpointUrl) {
        endpointUrl = policy.endpointUrl;
      } else if (data.endpointUrl.trim() !== '') {
        const check = checkEndpointUrl(data.endpointUrl);
        if (!check.ok) throw new RequestError(check.error);
        endpointUrl = check.url;
      }
      await endpointSettingsItem.setValue({
        endpointUrl: policy.endpointUrl ? '' : endpointUrl,
        authMode: data.authMode,
        displayName: data.displayName.trim(),
      });
      if (data.token !== undefined) await accessTokenItem.setValue(data.token.trim());
      // New credentials or a new endpoint: whatever waited for them goes now.
      await syncStatusItem.setValue({
        ...(await syncStatusItem.getValue()),
        paused: null,
        lastError: null,
      });
      onSettingsChanged();
      void engine.sendNow();
      return { endpointUrl };
    },
    async testConnection(data) {
      const check = checkEndpointUrl(data.endpointUrl);
      if (!check.ok) throw new RequestError(check.error);
      const token = data.token ?? (await accessTokenItem.getValue());
      return testConnection({
        endpointUrl: check.url,
        authMode: data.authMode,
        token,
        displayName: '',
      });
    },
  };
}
