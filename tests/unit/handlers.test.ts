import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { countUnsent } from '@/entrypoints/background/badge';
import { createHandlers } from '@/entrypoints/background/handlers';
import { classifySender, createRouter } from '@/entrypoints/background/router';
import { EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import { MAX_SUGGESTION_LENGTH } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';
const tab = { id: 7, url: PAGE } as Browser.tabs.Tab;

const pageSender: Browser.runtime.MessageSender = {
  id: self.id,
  tab,
  frameId: 0,
  url: `${PAGE}#step-3`,
};
const editorSender: Browser.runtime.MessageSender = {
  id: self.id,
  tab,
  frameId: 3,
  url: `${self.origin}editor.html`,
};
const popupSender: Browser.runtime.MessageSender = { id: self.id, url: `${self.origin}popup.html` };

function setup() {
  const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
  const changed = vi.fn();
  const closed: number[] = [];
  const handlers = createHandlers({
    db,
    sessions: new EditorSessions(),
    onSuggestionsChanged: changed,
    closeEditorInTab: async (tabId) => {
      closed.push(tabId);
    },
  });
  const route = createRouter(handlers, self);
  const send = (type: string, data: unknown, sender: Browser.runtime.MessageSender) =>
    route({ type, data }, sender);
  return { db, changed, closed, send };
}

const quoteSelectors = [
  { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
  { type: 'TextPositionSelector', start: 412, end: 430 },
];

describe('background message handlers', () => {
  beforeEach(() => fakeBrowser.reset());

  it('classifies senders by what they are, not by what they claim', () => {
    expect(classifySender(pageSender, self)).toBe('page');
    expect(classifySender(editorSender, self)).toBe('editor');
    expect(classifySender(popupSender, self)).toBe('extension');
    expect(classifySender({ ...pageSender, id: 'another-extension' }, self)).toBeNull();
    // A content script in a sub-frame is not Flywheel's: it runs in top frames only.
    expect(classifySender({ ...pageSender, frameId: 2 }, self)).toBeNull();
    // The editor page opened in its own tab-less window has no page to write for.
    expect(classifySender({ id: self.id, url: `${self.origin}editor.html` }, self)).toBeNull();
  });

  it('opens an editor for the sender page, saves a draft and restores it', async () => {
    const { db, send } = setup();
    const opened = (await send(
      'openEditor',
      { title: 'Purchase order', quote: 'Manager signs form', selectors: quoteSelectors },
      pageSender,
    )) as { draftId: string };
    // Nothing is stored until the person types.
    expect(await db.suggestions.count()).toBe(0);

    await send(
      'saveDraft',
      {
        draftId: opened.draftId,
        text: 'Merge steps 3 and 4',
        category: 'simplify',
        anonymous: true,
      },
      editorSender,
    );
    const stored = await db.suggestions.get(opened.draftId);
    expect(stored).toMatchObject({
      pageUrl: PAGE, // without the fragment the page had
      pageTitle: 'Purchase order',
      quote: 'Manager signs form',
      text: 'Merge steps 3 and 4',
      syncState: 'draft',
      anonymous: true,
    });

    // Opening again on the same page (no selection this time) resumes the same draft.
    const reopened = (await send(
      'openEditor',
      { title: 'Purchase order', quote: '', selectors: [] },
      pageSender,
    )) as {
      draftId: string;
    };
    expect(reopened.draftId).toBe(opened.draftId);
    const state = await send('loadEditor', {}, editorSender);
    expect(state).toMatchObject({
      text: 'Merge steps 3 and 4',
      quote: 'Manager signs form',
      category: 'simplify',
    });
  });

  it('submits a draft as a queued suggestion with its outbox operation, atomically', async () => {
    const { db, send, changed } = setup();
    const { draftId } = (await send(
      'openEditor',
      { title: 'PO', quote: '', selectors: [] },
      pageSender,
    )) as {
      draftId: string;
    };
    await send(
      'submitSuggestion',
      { draftId, text: '  Add the form number  ', category: 'other', anonymous: false },
      editorSender,
    );
    const stored = await db.suggestions.get(draftId);
    expect(stored?.syncState).toBe('queued');
    expect(stored?.text).toBe('Add the form number');
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ suggestionId: draftId, kind: 'create', attempts: 0 });
    expect(await countUnsent(db)).toBe(1);
    expect(changed).toHaveBeenCalled();
    // A submitted suggestion can no longer be changed as a draft.
    await expect(
      send(
        'saveDraft',
        { draftId, text: 'changed', category: 'other', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorNoEditorSession');
    const next = (await send('loadEditor', {}, editorSender)) as { draftId: string; text: string };
    expect(next.draftId).not.toBe(draftId);
    expect(next.text).toBe('');
  });

  it('refuses empty and over-long suggestions but keeps the over-long text as a draft', async () => {
    const { db, send } = setup();
    const { draftId } = (await send(
      'openEditor',
      { title: 'PO', quote: '', selectors: [] },
      pageSender,
    )) as {
      draftId: string;
    };
    await expect(
      send(
        'submitSuggestion',
        { draftId, text: '   ', category: 'other', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorEmpty');
    const long = 'x'.repeat(MAX_SUGGESTION_LENGTH + 1);
    await send(
      'saveDraft',
      { draftId, text: long, category: 'other', anonymous: false },
      editorSender,
    );
    await expect(
      send(
        'submitSuggestion',
        { draftId, text: long, category: 'other', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorTooLong');
    expect((await db.suggestions.get(draftId))?.text).toBe(long);
    expect(await db.outbox.count()).toBe(0);
  });

  it('rejects requests from the wrong context or with bad data, and ignores unknown ones', async () => {
    const { db, send } = setup();
    // Page scripts cannot reach runtime messaging, but a content script of another extension,
    // or a compromised page context, must not write drafts.
    await expect(
      send(
        'saveDraft',
        { draftId: crypto.randomUUID(), text: 'x', category: 'other', anonymous: false },
        pageSender,
      ),
    ).rejects.toThrow('errorForbiddenSender');
    await expect(send('listSuggestions', { offset: 0, limit: 10 }, pageSender)).rejects.toThrow(
      'errorForbiddenSender',
    );
    await expect(
      send('openEditor', { title: 'PO', quote: 'x', selectors: [] }, { ...pageSender, id: 'evil' }),
    ).rejects.toThrow('errorForbiddenSender');
    await expect(
      send('openEditor', { title: 42, quote: '', selectors: [] }, pageSender),
    ).rejects.toThrow('errorInvalidRequest');
    await expect(
      send(
        'openEditor',
        { title: 'PO', quote: '', selectors: [{ type: 'Script', value: 'alert(1)' }] },
        pageSender,
      ),
    ).rejects.toThrow('errorInvalidRequest');
    await expect(
      send(
        'saveDraft',
        { draftId: 'not-a-uuid', text: 'x', category: 'other', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorInvalidRequest');
    await expect(
      send(
        'saveDraft',
        { draftId: crypto.randomUUID(), text: 'x', category: 'gossip', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorInvalidRequest');
    // An editor can only write the draft of the page it was opened on.
    await send('openEditor', { title: 'PO', quote: '', selectors: [] }, pageSender);
    await expect(
      send(
        'saveDraft',
        { draftId: crypto.randomUUID(), text: 'x', category: 'other', anonymous: false },
        editorSender,
      ),
    ).rejects.toThrow('errorNoEditorSession');
    expect(route_unknown()).toBeUndefined();
    expect(await db.suggestions.count()).toBe(0);

    function route_unknown() {
      return createRouter(
        createHandlers({
          db,
          sessions: new EditorSessions(),
          onSuggestionsChanged: () => {},
          closeEditorInTab: async () => {},
        }),
        self,
      )({ type: 'somethingElse', data: {} }, popupSender);
    }
  });

  it('refuses pages that are not web pages', async () => {
    const { send } = setup();
    await expect(
      send(
        'openEditor',
        { title: 'x', quote: '', selectors: [] },
        { ...pageSender, url: 'file:///etc/passwd' },
      ),
    ).rejects.toThrow('errorUnsupportedPage');
  });

  it('lists suggestions newest first, paged, and relays close requests to the tab', async () => {
    const { db, send, closed } = setup();
    for (let i = 0; i < 5; i++) {
      await db.suggestions.add({
        id: crypto.randomUUID(),
        pageUrl: PAGE,
        pageTitle: `t${i}`,
        text: `s${i}`,
        category: 'other',
        anonymous: false,
        quote: '',
        selectors: [],
        syncState: 'queued',
        createdAt: i,
        updatedAt: i,
      });
    }
    const page = (await send('listSuggestions', { offset: 1, limit: 2 }, popupSender)) as {
      items: { text: string }[];
      total: number;
    };
    expect(page.total).toBe(5);
    expect(page.items.map((s) => s.text)).toEqual(['s3', 's2']);
    await send('closeEditor', {}, editorSender);
    expect(closed).toEqual([7]);
  });
});
