import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { countUnsent } from '@/entrypoints/background/badge';
import { CLOSE_GRACE_MS, createCapture } from '@/entrypoints/background/capture';
import { createPageSuggestions } from '@/entrypoints/background/page-suggestions';
import { classifySender, createRouter } from '@/entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import { MAX_SUGGESTION_LENGTH, type Suggestion } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';

function pageSender(tabId = 7, url = `${PAGE}#step-3`): Browser.runtime.MessageSender {
  return { id: self.id, tab: { id: tabId, url } as Browser.tabs.Tab, frameId: 0, url };
}
function editorSender(tabId = 7, documentId = 'doc-1'): Browser.runtime.MessageSender {
  return {
    id: self.id,
    tab: { id: tabId, url: PAGE } as Browser.tabs.Tab,
    frameId: 3,
    url: `${self.origin}editor.html`,
    documentId,
  } as Browser.runtime.MessageSender;
}
const popupSender: Browser.runtime.MessageSender = { id: self.id, url: `${self.origin}popup.html` };

function setup() {
  const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
  const changed = vi.fn();
  const closed: number[] = [];
  let clock = 1_000_000;
  const sessions = new EditorSessions();
  const capture = createCapture({
    db,
    sessions,
    onSuggestionsChanged: changed,
    closeEditorInTab: async (tabId: number) => {
      closed.push(tabId);
    },
    now: () => clock,
  });
  const marks = createPageSuggestions({
    db,
    sessions,
    reports: new AnchoringReports(),
    onAnchoringChanged: () => {},
  });
  const route = createRouter({ ...capture.handlers, ...marks.handlers }, self);
  const send = (type: string, data: unknown, sender: Browser.runtime.MessageSender) =>
    route({ type, data }, sender);
  const open = async (change: object = {}, sender = pageSender()) =>
    (
      (await send(
        'openEditor',
        { pageUrl: PAGE, title: 'Purchase order', quote: '', selectors: [], ...change },
        sender,
      )) as { capability: string }
    ).capability;
  const load = async (capability: string, sender = editorSender()) =>
    (await send('loadEditor', { capability }, sender)) as { draftId: string; text: string };
  const advance = (ms: number) => {
    clock += ms;
  };
  return { db, changed, closed, send, open, load, advance };
}

const quoteSelectors = [
  { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
  { type: 'TextPositionSelector', start: 412, end: 430 },
];
const draft = (draftId: string, capability: string, text = 'Merge steps 3 and 4') => ({
  capability,
  draftId,
  text,
  category: 'simplify',
  anonymous: true,
});

describe('capture in the background', () => {
  beforeEach(() => fakeBrowser.reset());

  it('classifies senders by what they are, not by what they claim', () => {
    expect(classifySender(pageSender(), self)).toBe('page');
    expect(classifySender(editorSender(), self)).toBe('editor');
    expect(classifySender(popupSender, self)).toBe('extension');
    expect(classifySender({ ...pageSender(), id: 'another-extension' }, self)).toBeNull();
    // A content script in a sub-frame is not Flywheel's: it runs in top frames only.
    expect(classifySender({ ...pageSender(), frameId: 2 }, self)).toBeNull();
    // The editor page opened in its own tab-less window has no page to write for.
    expect(classifySender({ id: self.id, url: `${self.origin}editor.html` }, self)).toBeNull();
  });

  it('opens an editor for the sender page, saves a draft and restores it', async () => {
    const { db, send, open, load } = setup();
    const capability = await open({ quote: 'Manager signs form', selectors: quoteSelectors });
    const { draftId } = await load(capability);
    // Nothing is stored until the person types.
    expect(await db.suggestions.count()).toBe(0);
    await send('saveDraft', draft(draftId, capability), editorSender());
    expect(await db.suggestions.get(draftId)).toMatchObject({
      pageUrl: PAGE, // without the fragment the page had
      pageTitle: 'Purchase order',
      quote: 'Manager signs form',
      text: 'Merge steps 3 and 4',
      syncState: 'draft',
      anonymous: true,
    });
    // Opening again on the same page (no selection this time) resumes the same draft, with a
    // new capability for a new frame.
    const again = await open();
    expect(again).not.toBe(capability);
    const state = await load(again, editorSender(7, 'doc-2'));
    expect(state).toMatchObject({
      draftId,
      text: 'Merge steps 3 and 4',
      quote: 'Manager signs form',
    });
  });

  it('gives an editor frame nothing without the capability its tab was issued', async () => {
    const { db, send, open, load } = setup();
    const capability = await open();
    // A page that frames editor.html itself has no capability, or guesses one.
    await expect(
      send('loadEditor', { capability: 'A'.repeat(22) }, editorSender()),
    ).rejects.toThrow('errorNoEditorSession');
    // The right capability shown from another tab, or from a second document, is refused.
    await expect(load(capability, editorSender(8))).rejects.toThrow('errorNoEditorSession');
    const { draftId } = await load(capability, editorSender(7, 'doc-1'));
    await expect(load(capability, editorSender(7, 'doc-evil'))).rejects.toThrow(
      'errorNoEditorSession',
    );
    await expect(
      send('submitSuggestion', draft(draftId, capability), editorSender(7, 'doc-evil')),
    ).rejects.toThrow('errorNoEditorSession');
    // A malformed capability does not even reach a handler.
    await expect(send('loadEditor', { capability: 'x' }, editorSender())).rejects.toThrow(
      'errorInvalidRequest',
    );
    expect(await db.suggestions.count()).toBe(0);
  });

  it('ends a capability when its editor closes, keeping a last flush of typing', async () => {
    const { db, send, open, load, closed, advance } = setup();
    const capability = await open();
    const { draftId } = await load(capability);
    await send('closeEditor', { capability }, editorSender());
    expect(closed).toEqual([7]);
    // The frame's pagehide flush may arrive after the close: kept.
    await send('saveDraft', draft(draftId, capability, 'last words'), editorSender());
    expect((await db.suggestions.get(draftId))?.text).toBe('last words');
    // Nothing else is accepted any more, and after the grace not even that.
    await expect(
      send('submitSuggestion', draft(draftId, capability), editorSender()),
    ).rejects.toThrow('errorNoEditorSession');
    advance(CLOSE_GRACE_MS);
    await expect(
      send('saveDraft', draft(draftId, capability, 'later'), editorSender()),
    ).rejects.toThrow('errorNoEditorSession');
    expect((await db.suggestions.get(draftId))?.text).toBe('last words');
  });

  it('gives two tabs on one page two drafts, so neither overwrites the other', async () => {
    const { db, send, open, load } = setup();
    const first = await open({}, pageSender(7));
    const a = await load(first, editorSender(7));
    await send('saveDraft', draft(a.draftId, first, 'from tab 7'), editorSender(7));
    const second = await open({}, pageSender(8));
    const b = await load(second, editorSender(8, 'doc-8'));
    expect(b.draftId).not.toBe(a.draftId);
    await send('saveDraft', draft(b.draftId, second, 'from tab 8'), editorSender(8, 'doc-8'));
    const texts = (await db.suggestions.toArray()).map((s) => s.text).sort();
    expect(texts).toEqual(['from tab 7', 'from tab 8']);
  });

  it('files the suggestion under the page the content script is on, within its origin', async () => {
    const { send, open, load } = setup();
    // An in-page route the sender's URL has not caught up with.
    const routed = await open({ pageUrl: 'http://127.0.0.1:8080/app#/remote-work' });
    expect(
      (await send('loadEditor', { capability: routed }, editorSender())) as object,
    ).toMatchObject({
      pageUrl: 'http://127.0.0.1:8080/app#/remote-work',
    });
    // A page cannot file a suggestion under another site.
    await expect(open({ pageUrl: 'https://elsewhere.example/' })).rejects.toThrow(
      'errorForbiddenSender',
    );
    await expect(open({ pageUrl: `${PAGE}?${'q'.repeat(2_100)}` })).rejects.toThrow(
      'errorPageUrlTooLong',
    );
    expect(load).toBeDefined();
  });

  it('keeps whole code points and no NUL in what it stores', async () => {
    const { db, send, open, load } = setup();
    // The 32-character prefix cut an emoji in half; the title carries a NUL.
    const capability = await open({
      title: 'Purchase\u0000 order',
      quote: 'Manager signs form',
      selectors: [{ type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '\uDE00 3. ' }],
    });
    const { draftId } = await load(capability);
    await send(
      'submitSuggestion',
      draft(draftId, capability, 'Merge\u0000 them \uD83D'),
      editorSender(),
    );
    const stored = await db.suggestions.get(draftId);
    expect(stored?.pageTitle).toBe('Purchase order');
    expect(stored?.text).toBe('Merge them');
    expect(stored?.selectors[0]).toMatchObject({ prefix: ' 3. ' });
  });

  it('submits a draft as a queued suggestion with its outbox operation, atomically', async () => {
    const { db, send, changed, open, load } = setup();
    const capability = await open();
    const { draftId } = await load(capability);
    await send(
      'submitSuggestion',
      { ...draft(draftId, capability, '  Add the form number  '), anonymous: false },
      editorSender(),
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
      send('saveDraft', draft(draftId, capability, 'changed'), editorSender()),
    ).rejects.toThrow('errorNoEditorSession');
    const next = await load(capability);
    expect(next.draftId).not.toBe(draftId);
    expect(next.text).toBe('');
  });

  it('refuses empty and over-long suggestions but keeps the over-long text as a draft', async () => {
    const { db, send, open, load } = setup();
    const capability = await open();
    const { draftId } = await load(capability);
    await expect(
      send('submitSuggestion', draft(draftId, capability, '   '), editorSender()),
    ).rejects.toThrow('errorEmpty');
    const long = 'x'.repeat(MAX_SUGGESTION_LENGTH + 1);
    await send('saveDraft', draft(draftId, capability, long), editorSender());
    await expect(
      send('submitSuggestion', draft(draftId, capability, long), editorSender()),
    ).rejects.toThrow('errorTooLong');
    expect((await db.suggestions.get(draftId))?.text).toBe(long);
    expect(await db.outbox.count()).toBe(0);
  });

  it('rejects requests from the wrong context or with bad data, and ignores unknown ones', async () => {
    const { db, send, open } = setup();
    const capability = await open();
    await expect(
      send('saveDraft', draft(crypto.randomUUID(), capability), pageSender()),
    ).rejects.toThrow('errorForbiddenSender');
    await expect(send('listSuggestions', { offset: 0, limit: 10 }, pageSender())).rejects.toThrow(
      'errorForbiddenSender',
    );
    await expect(open({}, { ...pageSender(), id: 'evil' })).rejects.toThrow('errorForbiddenSender');
    await expect(open({ title: 42 })).rejects.toThrow('errorInvalidRequest');
    await expect(open({ selectors: [{ type: 'Script', value: 'alert(1)' }] })).rejects.toThrow(
      'errorInvalidRequest',
    );
    await expect(
      send('saveDraft', { ...draft('not-a-uuid', capability) }, editorSender()),
    ).rejects.toThrow('errorInvalidRequest');
    await expect(
      send(
        'saveDraft',
        { ...draft(crypto.randomUUID(), capability), category: 'gossip' },
        editorSender(),
      ),
    ).rejects.toThrow('errorInvalidRequest');
    // An editor can only write the draft it was opened for.
    await expect(
      send('saveDraft', draft(crypto.randomUUID(), capability), editorSender()),
    ).rejects.toThrow('errorNoEditorSession');
    const route = createRouter({}, self);
    expect(route({ type: 'somethingElse', data: {} }, popupSender)).toBeUndefined();
    expect(await db.suggestions.count()).toBe(0);
  });

  it('refuses pages that are not web pages', async () => {
    const { open } = setup();
    await expect(
      open({ pageUrl: 'file:///etc/passwd' }, { ...pageSender(), url: 'file:///etc/passwd' }),
    ).rejects.toThrow('errorUnsupportedPage');
  });

  it('lists suggestions newest first, paged', async () => {
    const { db, send } = setup();
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
  });
});

describe('senders at a per-session address', () => {
  it('takes the editor at its dynamic address for an editor, and nothing else there', () => {
    const dynamic = 'chrome-extension://0b9e1c7d-dynamic/';
    expect(classifySender({ ...editorSender(), url: `${dynamic}editor.html` }, self)).toBe(
      'editor',
    );
    expect(classifySender({ id: self.id, url: `${dynamic}popup.html` }, self)).toBeNull();
  });
});

describe("the author's own submitted suggestion", () => {
  beforeEach(() => fakeBrowser.reset());

  /** Submits one, then opens it again from its mark, as the page's click does. */
  async function submittedAndReopened(change: Partial<Suggestion> = {}) {
    const harness = setup();
    const { db, send, open, load } = harness;
    const first = await open({ quote: 'Manager signs form', selectors: quoteSelectors });
    const { draftId } = await load(first);
    await send('submitSuggestion', draft(draftId, first), editorSender());
    await db.suggestions.update(draftId, change);
    await db.outbox.clear();
    const { capability } = (await send(
      'openSuggestion',
      { pageUrl: PAGE, id: draftId },
      pageSender(),
    )) as { capability: string };
    expect(await load(capability, editorSender(7, 'doc-2'))).toMatchObject({ own: true });
    return { ...harness, draftId, capability, as: editorSender(7, 'doc-2') };
  }

  it('edits a sent suggestion through the outbox, and withdraws it with a delete', async () => {
    const { db, send, draftId, capability, as } = await submittedAndReopened({
      syncState: 'synced',
      remoteId: 'http://endpoint.example/annotations/1',
      etag: '"1"',
    });
    await send('editSuggestion', { capability, id: draftId, text: ' Merge 3, 4 and 5 ' }, as);
    expect(await db.suggestions.get(draftId)).toMatchObject({
      text: 'Merge 3, 4 and 5',
      syncState: 'queued',
    });
    expect((await db.outbox.toArray()).map((op) => op.kind)).toEqual(['update']);
    await send('withdrawSuggestion', { capability, id: draftId }, as);
    expect(await db.suggestions.get(draftId)).toMatchObject({
      withdrawn: true,
      syncState: 'queued',
    });
    expect((await db.outbox.toArray()).map((op) => op.kind)).toEqual(['delete']);
    // Taken back: no more edits, and no mark on the page.
    await expect(
      send('editSuggestion', { capability, id: draftId, text: 'again' }, as),
    ).rejects.toThrow('errorNoSuchSuggestion');
    const marks = (await send('listPageSuggestions', { pageUrl: PAGE }, pageSender())) as {
      items: unknown[];
    };
    expect(marks.items).toEqual([]);
  });

  it('withdraws one that never reached the endpoint without a request', async () => {
    const { db, send, draftId, capability, as } = await submittedAndReopened();
    await db.outbox.add({
      id: crypto.randomUUID(),
      suggestionId: draftId,
      kind: 'create',
      queuedAt: 1,
      attempts: 0,
      notBefore: 1,
    });
    await send('withdrawSuggestion', { capability, id: draftId }, as);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.suggestions.get(draftId)).toMatchObject({ withdrawn: true });
  });

  it("refuses to edit a colleague's or another suggestion than the frame's", async () => {
    const { send, capability, as, open, load } = await submittedAndReopened({
      syncState: 'synced',
    });
    await expect(
      send('editSuggestion', { capability, id: crypto.randomUUID(), text: 'x' }, as),
    ).rejects.toThrow('errorNoSuchSuggestion');
    // A fresh editor for a new draft may not edit as if it were the sent one.
    const fresh = await open();
    const { draftId: newDraft } = await load(fresh, editorSender(7, 'doc-3'));
    await expect(
      send(
        'editSuggestion',
        { capability: fresh, id: newDraft, text: 'x' },
        editorSender(7, 'doc-3'),
      ),
    ).rejects.toThrow('errorNoSuchSuggestion');
  });
});

describe("the organisation's policy in the editor", () => {
  beforeEach(() => fakeBrowser.reset());

  it('offers only its categories, and refuses anonymity where it is not allowed', async () => {
    await fakeBrowser.storage.managed.set({ allowAnonymous: false, categories: ['simplify'] });
    const { db, send, open, load } = setup();
    const capability = await open();
    const state = (await send('loadEditor', { capability }, editorSender())) as {
      categories: string[];
      allowAnonymous: boolean;
      anonymous: boolean;
    };
    expect(state).toMatchObject({
      categories: ['simplify'],
      allowAnonymous: false,
      anonymous: false,
    });
    const { draftId } = await load(capability);
    await expect(
      send('submitSuggestion', { ...draft(draftId, capability), anonymous: true }, editorSender()),
    ).rejects.toThrow('errorAnonymousNotAllowed');
    await expect(
      send(
        'submitSuggestion',
        { ...draft(draftId, capability), anonymous: false, category: 'other' },
        editorSender(),
      ),
    ).rejects.toThrow('errorInvalidRequest');
    await send(
      'submitSuggestion',
      { ...draft(draftId, capability), anonymous: false },
      editorSender(),
    );
    expect(await db.suggestions.get(draftId)).toMatchObject({
      syncState: 'queued',
      anonymous: false,
    });
  });
});

describe('the category of a draft', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is never preset, comes back as chosen, and must be chosen to submit', async () => {
    const { db, send, open, load } = setup();
    const capability = await open();
    const fresh = (await load(capability)) as { draftId: string; category?: string };
    expect(fresh.category).toBeUndefined();
    const { draftId } = fresh;

    // A draft without a category is kept as typed, and restored without one.
    const { category: _none, ...unchosen } = draft(draftId, capability);
    await send('saveDraft', unchosen, editorSender());
    expect((await db.suggestions.get(draftId))?.category).toBeUndefined();
    const again = await open();
    expect(await load(again, editorSender(7, 'doc-2'))).toMatchObject({
      draftId,
      text: 'Merge steps 3 and 4',
    });
    expect(
      ((await load(again, editorSender(7, 'doc-2'))) as { category?: string }).category,
    ).toBeUndefined();

    // Submitting without one is refused at the door and nothing changes.
    await expect(send('submitSuggestion', unchosen, editorSender(7, 'doc-2'))).rejects.toThrow(
      'errorInvalidRequest',
    );
    expect(await db.suggestions.get(draftId)).toMatchObject({ syncState: 'draft' });

    // A chosen one is saved with the draft and restored in the next frame.
    await send(
      'saveDraft',
      { ...unchosen, capability: again, category: 'outdated' },
      editorSender(7, 'doc-2'),
    );
    const third = await open();
    expect(await load(third, editorSender(7, 'doc-3'))).toMatchObject({ category: 'outdated' });
  });

  it('is not restored when the organisation no longer offers it', async () => {
    const { send, open, load } = setup();
    const capability = await open();
    const { draftId } = await load(capability);
    await send('saveDraft', { ...draft(draftId, capability), category: 'other' }, editorSender());
    await fakeBrowser.storage.managed.set({ categories: ['simplify', 'outdated'] });
    const again = await open();
    const state = (await load(again, editorSender(7, 'doc-2'))) as unknown as {
      category?: string;
      categories: string[];
    };
    expect(state.categories).toEqual(['simplify', 'outdated']);
    expect(state.category).toBeUndefined();
  });
});

describe('replies for a card', () => {
  beforeEach(() => fakeBrowser.reset());

  it('are asked only by the frame that holds the capability', async () => {
    const { send, open, load } = setup();
    const capability = await open();
    await load(capability, editorSender(7, 'doc-1'));
    // Not at the endpoint yet: no one can have replied.
    expect(await send('loadReplies', { capability }, editorSender(7, 'doc-1'))).toEqual({
      replies: [],
    });
    await expect(send('loadReplies', { capability }, editorSender(7, 'doc-evil'))).rejects.toThrow(
      'errorNoEditorSession',
    );
    await expect(
      send('loadReplies', { capability: 'B'.repeat(22) }, editorSender(7, 'doc-1')),
    ).rejects.toThrow('errorNoEditorSession');
  });
});
