import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createSyncHandlers } from '@/entrypoints/background/sync';
import { FlywheelDatabase } from '@/utils/background/db';
import { syncStatusItem } from '@/utils/background/settings';
import type { SyncEngine } from '@/utils/background/sync/engine';

function fakeEngine() {
  return {
    recover: vi.fn(async () => 0),
    drain: vi.fn(async () => {}),
    pullStatuses: vi.fn(async () => 2),
    retry: vi.fn(async () => true),
    sendNow: vi.fn(async () => {}),
  } satisfies SyncEngine;
}

describe('sync requests from the popup and options page', () => {
  beforeEach(() => fakeBrowser.reset());

  it('brings statuses back when the popup opens, at most once a minute', async () => {
    const engine = fakeEngine();
    const handlers = createSyncHandlers(
      new FlywheelDatabase(`t-${crypto.randomUUID()}`),
      engine,
      () => {},
    );
    const context = { sender: {} };
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

  it('refuses to save a malformed or insecure endpoint and keeps the old one', async () => {
    const engine = fakeEngine();
    const handlers = createSyncHandlers(
      new FlywheelDatabase(`t-${crypto.randomUUID()}`),
      engine,
      () => {},
    );
    const context = { sender: {} };
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
    // The token itself never leaves the background.
    expect(JSON.stringify(settings)).not.toContain('secret');
    expect(engine.sendNow).toHaveBeenCalledTimes(1);
  });
});
