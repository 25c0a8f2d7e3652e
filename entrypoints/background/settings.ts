// Endpoint settings: which endpoint, how to sign in, the display name. The token never leaves
// the background.
import * as v from 'valibot';
import type { FlywheelDatabase } from '@/utils/background/db';
import {
  type EndpointSettings,
  endpointSettingsItem,
  readAccessToken,
  syncStatusItem,
  writeAccessToken,
} from '@/utils/background/settings';
import type { SyncConfig } from '@/utils/background/sync/engine';
import { exchange } from '@/utils/background/sync/http';
import { AnnotationCollectionSchema } from '@/utils/protocol/annotation';
import { checkEndpointUrl } from '@/utils/shared/endpoint-url';
import type { ConnectionReport } from '@/utils/shared/messaging';
import { authModeInForce, lockedSettings, type Policy, readPolicy } from './policy';
import { defineHandlers, RequestError } from './router';

/** The endpoint in force: the policy's, else the person's, else the one built in. */
function endpointInForce(policy: Policy, settings: EndpointSettings): string {
  return policy.endpointUrl || settings.endpointUrl || import.meta.env.FLYWHEEL_ENDPOINT || '';
}

export async function loadSyncConfig(db: FlywheelDatabase): Promise<SyncConfig | null> {
  const [settings, token, policy] = await Promise.all([
    endpointSettingsItem.getValue(),
    readAccessToken(db),
    readPolicy(),
  ]);
  const check = checkEndpointUrl(endpointInForce(policy, settings));
  if (!check.ok) return null;
  return {
    endpointUrl: check.url,
    authMode: authModeInForce(policy, settings.authMode),
    token,
    displayName: settings.displayName,
  };
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
    case 'forbidden':
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

export interface SettingsDeps {
  db: FlywheelDatabase;
  /** New credentials or a new endpoint: whatever waited for them may go now. */
  onSettingsChanged: () => void;
}

export function createSettings({ db, onSettingsChanged }: SettingsDeps) {
  const handlers = defineHandlers({
    async getSettings() {
      const [settings, token, policy] = await Promise.all([
        endpointSettingsItem.getValue(),
        readAccessToken(db),
        readPolicy(),
      ]);
      return {
        endpointUrl: endpointInForce(policy, settings),
        authMode: authModeInForce(policy, settings.authMode),
        displayName: settings.displayName,
        hasToken: token !== '',
        endpointFromPolicy: Boolean(policy.endpointUrl),
        policy: lockedSettings(policy),
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
      if (data.token !== undefined) await writeAccessToken(db, data.token.trim());
      await syncStatusItem.setValue({
        ...(await syncStatusItem.getValue()),
        paused: null,
        lastError: null,
      });
      onSettingsChanged();
      return { endpointUrl };
    },
    async testConnection(data) {
      const check = checkEndpointUrl(data.endpointUrl);
      if (!check.ok) throw new RequestError(check.error);
      const token = data.token ?? (await readAccessToken(db));
      return testConnection({
        endpointUrl: check.url,
        authMode: data.authMode,
        token,
        displayName: '',
      });
    },
  });
  return { handlers };
}
