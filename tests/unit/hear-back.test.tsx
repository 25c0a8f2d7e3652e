// @vitest-environment happy-dom
// Authors hear back, the parts: the popup item (one status word, the owner's reply, a New mark,
// both versions after a 412), the popup's port (live pulls, seen on close), the badge and a
// notice's click.
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { type KeepChoice, SuggestionItem } from '@/components/SuggestionItem';
import { updateBadge } from '@/entrypoints/background/badge';
import { createCapture } from '@/entrypoints/background/capture';
import { createNotices, NOTICE_PREFIX } from '@/entrypoints/background/notices';
import { createPageSuggestions } from '@/entrypoints/background/page-suggestions';
import { createPopupLink, LIVE_PULL_MS } from '@/entrypoints/background/popup-link';
import { createRouter } from '@/entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import { createErrorLog } from '@/utils/background/error-log';
import { POPUP_PORT } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };

const suggestion = (over: Partial<Suggestion> = {}): Suggestion => ({
  id: crypto.randomUUID(),
  pageUrl: 'https://intranet.example/process/po',
  pageTitle: 'Raising a purchase order',
  text: 'Merge steps 3 and 4',
  category: 'simplify',
  anonymous: false,
  quote: 'Manager signs form',
  selectors: [],
  syncState: 'synced',
  remoteStatus: 'submitted',
  createdAt: 0,
  updatedAt: Date.now() - 4_000,
  ...over,
});

function item(s: Suggestion, onKeep?: (s: Suggestion, keep: KeepChoice) => void) {
  const onRetry = vi.fn();
  render(
    <main>
      <h1>Flywheel</h1>
      <ul>
        <SuggestionItem
          suggestion={s}
          relativeTime="now"
          onOpen={() => undefined}
          onRetry={onRetry}
          onKeep={onKeep}
        />
      </ul>
    </main>,
    document.body,
  );
  return { li: document.querySelector('li') as HTMLLIElement, onRetry };
}

describe('a popup item', () => {
  afterEach(() => render(null, document.body));

  it('says where it stands in one word: the owner’s status once sent, else ours', () => {
    expect(
      item(suggestion({ remoteStatus: 'planned' })).li.querySelectorAll('.status'),
    ).toHaveLength(1);
    expect(item(suggestion({ remoteStatus: 'planned' })).li.textContent).not.toContain(
      'state_synced',
    );
    expect(
      item(suggestion({ remoteStatus: 'planned' })).li.querySelector('.status')?.textContent,
    ).toBe('status_planned');
    expect(
      item(suggestion({ syncState: 'queued', remoteStatus: 'planned' })).li.querySelector('.status')
        ?.textContent,
    ).toBe('state_queued');
    expect(
      item(suggestion({ remoteStatus: undefined })).li.querySelector('.status')?.textContent,
    ).toBe('state_synced');
  });

  it('shows the owner’s reply, and marks an unread update in words until it is seen', async () => {
    const unread = suggestion({
      remoteStatus: 'planned',
      ownerReply: { text: 'We do this in March', created: '2026-12-01T10:00:00Z' },
      unread: { at: 1, status: true, reply: true },
    });
    const { li } = item(unread);
    const link = li.querySelector('a') as HTMLAnchorElement;
    // Visible, and part of what a screen reader reads for the item.
    expect(li.querySelector('.unread-mark')?.textContent).toBe('popupUnread');
    expect(link.textContent).toContain('popupUnread');
    expect(link.textContent).toContain('We do this in March');
    expect(link.textContent).toContain('status_planned');
    const results = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => v.id)).toEqual([]);

    const seen = item({ ...unread, unread: undefined }).li;
    expect(seen.querySelector('.unread-mark')).toBeNull();
    expect(seen.textContent).toContain('We do this in March');
  });

  it('takes the focus when a notice opened the list at it, once', async () => {
    const asked = suggestion({});
    const list = (focusedId?: string) =>
      render(
        <ul>
          {[suggestion({}), asked].map((s) => (
            <SuggestionItem
              key={s.id}
              suggestion={s}
              relativeTime="now"
              onOpen={() => undefined}
              focused={s.id === focusedId}
            />
          ))}
        </ul>,
        document.body,
      );
    list(asked.id);
    await vi.waitFor(() =>
      expect(document.activeElement?.closest('li')?.dataset.suggestionId).toBe(asked.id),
    );
    (document.querySelector('li a') as HTMLAnchorElement).focus();
    list(asked.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.activeElement?.closest('li')?.dataset.suggestionId).not.toBe(asked.id);
  });

  it('after a 412 shows both versions and lets the person keep one', async () => {
    const onKeep = vi.fn();
    const conflicting = suggestion({
      syncState: 'conflict',
      text: 'My edit: merge 3, 4 and 5',
      lastError: 'Precondition failed (412)',
      remoteVersion: {
        text: 'Merge steps 3 and 4',
        status: 'under-review',
        etag: '"2"',
        voteCount: 1,
        replyCount: 0,
        modified: '2026-12-01T10:00:00Z',
      },
    });
    const { li, onRetry } = item(conflicting, onKeep);
    const conflict = li.querySelector('.conflict') as HTMLElement;
    expect(conflict.textContent).toContain('conflictTheirs');
    expect(conflict.textContent).toContain('Merge steps 3 and 4');
    expect(conflict.textContent).toContain('status_under_review');
    expect(conflict.textContent).toContain('conflictYours');
    expect(conflict.textContent).toContain('My edit: merge 3, 4 and 5');
    const buttons = [...li.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['keepMine', 'keepTheirs']);
    buttons[0]?.click();
    buttons[1]?.click();
    expect(onKeep.mock.calls.map(([, keep]) => keep)).toEqual(['mine', 'theirs']);
    expect(onRetry).not.toHaveBeenCalled();
    const results = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => v.id)).toEqual([]);

    // A withdrawal that met a 412 says so as the person's version.
    const withdrawn = item({ ...conflicting, withdrawn: true }, onKeep).li;
    expect(withdrawn.querySelector('.conflict')?.textContent).toContain('conflictYoursWithdrawn');
    expect(withdrawn.querySelector('.status')?.textContent).toBe('state_conflict');

    // Before the endpoint's version could be fetched: Retry (which fetches it).
    const unknown = item({ ...conflicting, remoteVersion: undefined }, onKeep);
    expect([...unknown.li.querySelectorAll('button')].map((b) => b.textContent)).toEqual([
      'retryLabel',
    ]);
  });
});

interface FakePort extends Browser.runtime.Port {
  say: (message: unknown) => void;
  close: () => void;
}

function fakePort(url: string, name = POPUP_PORT): FakePort {
  const onMessage: ((message: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  return {
    name,
    sender: { id: self.id, url },
    disconnect: vi.fn(),
    postMessage: vi.fn(),
    onMessage: { addListener: (listener: (message: unknown) => void) => onMessage.push(listener) },
    onDisconnect: { addListener: (listener: () => void) => onDisconnect.push(listener) },
    say: (message: unknown) => {
      for (const listener of onMessage) listener(message);
    },
    close: () => {
      for (const listener of onDisconnect) listener();
    },
  } as unknown as FakePort;
}

describe('the popup’s port', () => {
  let db: FlywheelDatabase;
  let clock: number;
  let lastPullAt: number | null;
  const pull = vi.fn(async () => {
    lastPullAt = clock;
  });
  const changed = vi.fn();
  const link = () =>
    createPopupLink({
      db,
      self,
      pull,
      lastPullAt: async () => lastPullAt,
      onChange: changed,
      onError: (_where, error) => {
        throw error;
      },
      now: () => clock,
    });
  beforeEach(() => {
    db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    clock = 1_000_000;
    lastPullAt = null;
    pull.mockClear();
    changed.mockClear();
  });

  it('serves only Flywheel’s own pages', () => {
    const fromPage = fakePort('https://intranet.example/process/po');
    expect(link().connect(fromPage)).toBe(false);
    expect(fromPage.disconnect).toHaveBeenCalled();
    const otherName = fakePort('chrome-extension://flywheel-id/popup.html', 'something-else');
    expect(link().connect(otherName)).toBe(false);
    expect(link().connect(fakePort('chrome-extension://flywheel-id/popup.html'))).toBe(true);
  });

  it('pulls while a popup is open, at most once per live interval', async () => {
    const popupLink = link();
    const port = fakePort('chrome-extension://flywheel-id/popup.html');
    popupLink.connect(port);
    await vi.waitFor(() => expect(pull).toHaveBeenCalledTimes(1));
    clock += LIVE_PULL_MS - 1;
    port.say({ kind: 'alive' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pull).toHaveBeenCalledTimes(1);
    clock += 1;
    port.say({ kind: 'alive' });
    await vi.waitFor(() => expect(pull).toHaveBeenCalledTimes(2));
    // Garbage is ignored.
    clock += LIVE_PULL_MS;
    port.say({ kind: 'shown', items: [{ id: 'not-a-uuid', at: 1 }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pull).toHaveBeenCalledTimes(2);
  });

  it('marks what the popup showed seen when it closes, and only that', async () => {
    const shown = suggestion({ unread: { at: 5, status: true } });
    const newer = suggestion({ unread: { at: 9, reply: true } });
    const notShown = suggestion({ unread: { at: 3, status: true } });
    await db.suggestions.bulkAdd([shown, newer, notShown]);
    const port = fakePort('chrome-extension://flywheel-id/popup.html');
    link().connect(port);
    port.say({
      kind: 'shown',
      items: [
        { id: shown.id, at: 5 },
        // The popup showed an older update than the one that arrived since.
        { id: newer.id, at: 7 },
      ],
    });
    // Still open: still unread.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await db.suggestions.get(shown.id))?.unread).toBeDefined();
    port.close();
    await vi.waitFor(async () =>
      expect((await db.suggestions.get(shown.id))?.unread).toBeUndefined(),
    );
    expect((await db.suggestions.get(newer.id))?.unread).toEqual({ at: 9, reply: true });
    expect((await db.suggestions.get(notShown.id))?.unread).toBeDefined();
    expect(changed).toHaveBeenCalled();
  });
});

describe('the toolbar badge and a notice’s click', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
      (key: string, substitutions?: string | string[]) =>
        substitutions === undefined ? key : `${key}:${[substitutions].flat().join('|')}`,
    );
  });

  it('counts unread answers, not suggestions waiting to be sent', async () => {
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    await db.suggestions.bulkAdd([
      suggestion({ unread: { at: 1, status: true } }),
      suggestion({ unread: { at: 2, reply: true } }),
      suggestion({ syncState: 'queued' }),
      suggestion({ syncState: 'failed' }),
      suggestion({}),
    ]);
    await updateBadge(db);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    expect(await fakeBrowser.action.getTitle({})).toBe('badgeTitle:2');
    await db.suggestions.toCollection().modify({ unread: undefined });
    await updateBadge(db);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect(await fakeBrowser.action.getTitle({})).toBe('actionTitle');
  });

  it('opens the list at the suggestion a notice is about', async () => {
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    const own = suggestion({});
    await db.suggestions.add(own);
    const opened = vi.spyOn(fakeBrowser.tabs, 'create');
    createNotices({ db, log: createErrorLog(db) }).start();
    await fakeBrowser.notifications.onClicked.trigger(`${NOTICE_PREFIX}${own.id}`);
    await vi.waitFor(() => expect(opened).toHaveBeenCalledTimes(1));
    expect(opened.mock.calls[0]?.[0].url).toBe(
      `chrome-extension://test-extension-id/popup.html?suggestion=${own.id}`,
    );
    // Another extension's notification, or one for a suggestion no longer here: nothing.
    await fakeBrowser.notifications.onClicked.trigger('someone-else:1');
    await fakeBrowser.notifications.onClicked.trigger(`${NOTICE_PREFIX}${crypto.randomUUID()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toHaveBeenCalledTimes(1);
  });
});

describe('the card’s edit or withdrawal while a 412 waits for the person', () => {
  const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';
  const editor = {
    id: self.id,
    tab: { id: 7, url: PAGE },
    frameId: 3,
    url: `${self.origin}editor.html`,
    documentId: 'doc-1',
  } as Browser.runtime.MessageSender;
  const page = {
    id: self.id,
    tab: { id: 7, url: PAGE },
    frameId: 0,
    url: PAGE,
  } as Browser.runtime.MessageSender;

  async function openOwn(conflicting: Suggestion) {
    const db = new FlywheelDatabase(`t-${crypto.randomUUID()}`);
    await db.suggestions.add(conflicting);
    const sessions = new EditorSessions();
    const capture = createCapture({
      db,
      sessions,
      onSuggestionsChanged: () => {},
      closeEditorInTab: async () => {},
    });
    const marks = createPageSuggestions({
      db,
      sessions,
      reports: new AnchoringReports(),
      onAnchoringChanged: () => {},
    });
    const route = createRouter({ ...capture.handlers, ...marks.handlers }, self);
    const send = (type: string, data: unknown, sender: Browser.runtime.MessageSender) =>
      route({ type, data }, sender) as Promise<unknown>;
    const { capability } = (await send(
      'openSuggestion',
      { pageUrl: PAGE, id: conflicting.id },
      page,
    )) as { capability: string };
    await send('loadEditor', { capability }, editor);
    return {
      db,
      send: (type: string, data: object) => send(type, { capability, ...data }, editor),
    };
  }

  const conflicting = () =>
    suggestion({
      pageUrl: PAGE,
      syncState: 'conflict',
      remoteId: 'http://127.0.0.1:8787/annotations/0c6d3b8e-1f2a-4e57-9a90-3d1b7c2e4f11',
      etag: '"1"',
      text: 'My first edit',
      selectors: [
        { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '', suffix: '' },
      ],
      remoteVersion: {
        text: 'Merge steps 3 and 4',
        status: 'planned',
        etag: '"2"',
        voteCount: 0,
        replyCount: 0,
        modified: '2026-12-01T10:00:00Z',
      },
    });

  it('keeps an edit as the person’s version, beside the endpoint’s, and sends nothing stale', async () => {
    const own = conflicting();
    const { db, send } = await openOwn(own);
    await send('editSuggestion', { id: own.id, text: 'My second edit' });
    expect(await db.suggestions.get(own.id)).toMatchObject({
      syncState: 'conflict',
      text: 'My second edit',
      etag: '"1"',
      remoteVersion: { text: 'Merge steps 3 and 4' },
    });
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps a withdrawal the same way', async () => {
    const own = conflicting();
    const { db, send } = await openOwn(own);
    await send('withdrawSuggestion', { id: own.id });
    expect(await db.suggestions.get(own.id)).toMatchObject({
      syncState: 'conflict',
      withdrawn: true,
      remoteVersion: { text: 'Merge steps 3 and 4' },
    });
    expect(await db.outbox.count()).toBe(0);
  });
});
