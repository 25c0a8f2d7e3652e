import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  anonymityAllowed,
  authModeInForce,
  lockedSettings,
  offeredCategories,
  readPolicy,
  screenshotAllowed,
} from '@/entrypoints/background/policy';
import { CATEGORIES } from '@/utils/shared/suggestion';

describe("the administrator's policy (managed storage)", () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads every setting an administrator may set', async () => {
    await fakeBrowser.storage.managed.set({
      endpointUrl: 'https://feedback.intranet.example/annotations/',
      authMode: 'session',
      sites: ['https://intranet.example/*'],
      allowAnonymous: false,
      categories: ['outdated', 'unclear'],
      allowScreenshot: false,
    });
    expect(await readPolicy()).toEqual({
      endpointUrl: 'https://feedback.intranet.example/annotations/',
      authMode: 'session',
      sites: ['https://intranet.example/*'],
      allowAnonymous: false,
      categories: ['outdated', 'unclear'],
      allowScreenshot: false,
    });
  });

  it('is empty where no policy is set (Chromium answers {})', async () => {
    const policy = await readPolicy();
    expect(policy).toEqual({});
    expect(offeredCategories(policy)).toEqual(CATEGORIES);
    expect(anonymityAllowed(policy)).toBe(true);
    expect(screenshotAllowed(policy)).toBe(true);
    expect(authModeInForce(policy, 'token')).toBe('token');
    expect(lockedSettings(policy)).toEqual({});
  });

  it('is empty, not an error, when Firefox throws because there is no policy', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(
      new Error('Managed storage manifest not found'),
    );
    expect(await readPolicy()).toEqual({});
  });

  it('ignores a value of the wrong shape on its own and keeps the rest', async () => {
    await fakeBrowser.storage.managed.set({
      endpointUrl: 42,
      authMode: 'password',
      sites: 'https://intranet.example/*',
      allowAnonymous: 'no',
      categories: [1, 2],
      allowScreenshot: false,
    });
    expect(await readPolicy()).toEqual({ allowScreenshot: false });

    fakeBrowser.reset();
    await fakeBrowser.storage.managed.set({ allowAnonymous: 'false', authMode: 'token' });
    expect(await readPolicy()).toEqual({ authMode: 'token' });
  });

  it("offers the policy's categories in its order, leaving out ids this version does not know", async () => {
    await fakeBrowser.storage.managed.set({
      categories: ['simplify', 'from-a-newer-version', 'missing-step', 'simplify'],
    });
    const policy = await readPolicy();
    expect(offeredCategories(policy)).toEqual(['simplify', 'missing-step']);

    fakeBrowser.reset();
    await fakeBrowser.storage.managed.set({ categories: ['none-of-ours'] });
    expect(offeredCategories(await readPolicy())).toEqual(CATEGORIES);

    fakeBrowser.reset();
    await fakeBrowser.storage.managed.set({ categories: [] });
    expect(offeredCategories(await readPolicy())).toEqual(CATEGORIES);
  });

  it('lets the policy decide sign-in, anonymity and screenshots, and says what it locked', async () => {
    await fakeBrowser.storage.managed.set({
      authMode: 'session',
      allowAnonymous: false,
      allowScreenshot: true,
      categories: ['other'],
    });
    const policy = await readPolicy();
    expect(authModeInForce(policy, 'token')).toBe('session');
    expect(anonymityAllowed(policy)).toBe(false);
    expect(screenshotAllowed(policy)).toBe(true);
    expect(lockedSettings(policy)).toEqual({
      authMode: 'session',
      allowAnonymous: false,
      allowScreenshot: true,
      categories: ['other'],
    });
  });

  it('describes every policy setting in the managed-storage schema, and no other', async () => {
    const { readFile } = await import('node:fs/promises');
    const schema = JSON.parse(await readFile('public/managed-schema.json', 'utf8')) as {
      properties: Record<string, { type: string; items?: { enum?: string[] }; enum?: string[] }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual([
      'allowAnonymous',
      'allowScreenshot',
      'authMode',
      'categories',
      'endpointUrl',
      'sites',
    ]);
    expect(schema.properties.categories?.items?.enum).toEqual([...CATEGORIES]);
    expect(schema.properties.authMode?.enum).toEqual(['token', 'session']);
  });
});
