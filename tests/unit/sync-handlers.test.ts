import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createSettings } from '@/entrypoints/background/settings';
import { createSync } from '@/entrypoints/background/sync';
import { FlywheelDatabase } from '@/utils/background/db';
import { createErrorLog } from '@/utils/background/error-log';
import { readAccessToken, syncStatusItem } from '@/utils/background/settings';
import type { SyncEngine } from '@/utils/background/sync/engine';

function fakeEngine() {
  return {
    recover: vi.fn(async () => 0),
    drain: vi.fn(async () => {}),
    pullStatuses: vi.fn(async () => 2),
    retry: vi.fn(async () => true),
    resolveConflict: vi.fn(async () => true),
    sendNow: vi.fn(async () => {}),
  } satisfies SyncEngine;
}

const context = { sender: {}, kind: 'extension' as const };

describe('sync and settings requests from the popup and options page', () => {
  beforeEach(() => fakeBrowser.reset());

  it('brings statuses back when the popup opens, at most once a minute', async () => {
    const engine = fakeEngine();
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    const { handlers } = createSync({ db, log: createErrorLog(db), onChange: () => {}, engine });
    expect(await handlers.refreshStatuses({}, context)).toEqual({ updated: 2 });
    await syncStatusItem.setValue({ ...(await syncStatusItem.getValue()), lastPullAt: Date.now() });
    expect(await handlers.refreshStatuses({}, context)).toEqual({ updated: 0 });
    expect(engine.pullStatuses).toHaveBeenCalledTimes(1);
    await syncStatusItem.setValue({
      ...(await syncStatusItem.getValue()),
      lastPullAt: Date.now() - 61_000,
    });
    await handlers.refreshStatuses({}, context);
    expect(engine.pullStatuses).toHaveBeenCalledTimes(2);
  });

  it('refuses a malformed or insecure endpoint, keeps the token out of content scripts reach', async () => {
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    const changed = vi.fn();
    const { handlers } = createSettings({ db, onSettingsChanged: changed });
    await handlers.saveSettings(
      {
        endpointUrl: 'https://feedback.intranet.example/annotations',
        authMode: 'token',
        displayName: ' Sam ',
        token: 'secret',
      },
      context,
    );
    await expect(
      handlers.saveSettings(
        {
          endpointUrl: 'http://feedback.intranet.example/annotations/',
          authMode: 'token',
          displayName: '',
        },
        context,
      ),
    ).rejects.toThrow('errorEndpointInsecure');
    const settings = await handlers.getSettings({}, context);
    expect(settings).toMatchObject({
      endpointUrl: 'https://feedback.intranet.example/annotations/',
      displayName: 'Sam',
      hasToken: true,
    });
    // The token itself never leaves the background, and is not in chrome.storage.local, which
    // content scripts can read: it lives in the background's own database.
    expect(JSON.stringify(settings)).not.toContain('secret');
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('secret');
    expect(await db.secrets.get('accessToken')).toEqual({ key: 'accessToken', value: 'secret' });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('moves a token kept by an older version out of chrome.storage.local', async () => {
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    await fakeBrowser.storage.local.set({ accessToken: 'old-secret' });
    expect(await readAccessToken(db)).toBe('old-secret');
    expect(await fakeBrowser.storage.local.get('accessToken')).toEqual({});
    expect(await readAccessToken(db)).toBe('old-secret');
  });
});
