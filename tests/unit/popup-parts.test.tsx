// @vitest-environment happy-dom
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { SuggestionList } from '@/components/SuggestionList';
import { syncMessages } from '@/components/SyncStatusBar';
import type { SyncOverview } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';

// In unit tests t() answers with the key itself: the assertions name the messages.
const overview = (over: Partial<SyncOverview> = {}): SyncOverview => ({
  endpointUrl: 'https://feedback.intranet.example/annotations/',
  status: {} as SyncOverview['status'],
  pending: 0,
  ...over,
});

describe('the sync bar says one true thing', () => {
  it('with nothing waiting and nothing ever sent: nothing to send yet, and only that', () => {
    expect(syncMessages(overview(), null, 'en')).toEqual({
      message: 'syncNothingYet',
      tone: 'muted',
      detail: null,
    });
  });

  it('with everything sent: that, and when', () => {
    expect(syncMessages(overview(), '5 minutes ago', 'en')).toMatchObject({
      message: 'syncAllSent',
      detail: 'syncLast',
    });
  });

  it('with suggestions waiting: how many, and that none went yet', () => {
    expect(syncMessages(overview({ pending: 3 }), null, 'en')).toMatchObject({
      message: 'syncPending',
      detail: 'syncNever',
    });
  });

  it('without an endpoint: that suggestions stay here, nothing about sending', () => {
    expect(syncMessages(overview({ endpointUrl: '' }), null, 'en')).toEqual({
      message: 'syncLocalOnly',
      tone: 'muted',
      detail: null,
    });
  });

  it('signed out or offline: the problem first', () => {
    const paused = overview({ status: { paused: 'unauthorized' } as SyncOverview['status'] });
    expect(syncMessages(paused, null, 'en').message).toBe('syncSignedOut');
    const offline = overview({ pending: 2, status: { offline: true } as SyncOverview['status'] });
    expect(syncMessages(offline, null, 'en')).toMatchObject({
      message: 'syncOffline',
      tone: 'error',
    });
  });
});

const suggestion = (over: Partial<Suggestion>): Suggestion => ({
  id: crypto.randomUUID(),
  pageUrl: 'https://intranet.example/process/po',
  pageTitle: 'Raising a purchase order: who signs, who approves, and where the form goes next',
  text: 'Merge steps 3 and 4',
  category: 'simplify',
  anonymous: false,
  quote: 'Manager signs form',
  selectors: [],
  syncState: 'queued',
  createdAt: 0,
  updatedAt: Date.now() - 4_000,
  ...over,
});

describe('the popup list', () => {
  afterEach(() => render(null, document.body));

  it('gives the page title a line of its own and marks anonymous suggestions', async () => {
    render(
      <main>
        <h1>Flywheel</h1>
        <SuggestionList
          suggestions={[suggestion({ anonymous: true }), suggestion({})]}
          total={2}
          now={Date.now()}
          locale="nl"
          onOpen={() => undefined}
          onShowMore={() => undefined}
        />
      </main>,
      document.body,
    );
    const items = [...document.querySelectorAll('li')];
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector('.page')?.textContent).toBe(
      'Raising a purchase order: who signs, who approves, and where the form goes next · intranet.example',
    );
    expect(items[0]?.querySelector('.anonymous')?.textContent).toBe('popupAnonymous');
    expect(items[1]?.querySelector('.anonymous')).toBeNull();
    expect(items[0]?.querySelector('time')?.textContent).toBe('4 seconden geleden');
    const results = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });

  it('counts in the UI language', () => {
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
      (key: string, substitutions?: string | string[]) =>
        `${key}:${[substitutions].flat().join('|')}`,
    );
    render(
      <SuggestionList
        suggestions={[suggestion({})]}
        total={10_000}
        now={Date.now()}
        locale="nl"
        onOpen={() => undefined}
        onShowMore={() => undefined}
      />,
      document.body,
    );
    expect(document.querySelector('.more span')?.textContent).toBe('popupCount:1|10.000');
  });
});
