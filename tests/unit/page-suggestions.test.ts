import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createCapture } from '@/entrypoints/background/capture';
import { createPageSuggestions } from '@/entrypoints/background/page-suggestions';
import { createRouter } from '@/entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import type { Suggestion } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';
const OTHER_PAGE = 'http://127.0.0.1:8080/process/expense-claim.html';

function pageSender(url: string, tabId = 7): Browser.runtime.MessageSender {
  return { id: self.id, tab: { id: tabId, url } as Browser.tabs.Tab, frameId: 0, url };
}
const popupSender: Browser.runtime.MessageSender = { id: self.id, url: `${self.origin}popup.html` };

function suggestion(change: Partial<Suggestion>): Suggestion {
  return {
    id: crypto.randomUUID(),
    pageUrl: PAGE,
    pageTitle: 'Raising a purchase order',
    text: 'Merge steps 3 and 4',
    category: 'simplify',
    anonymous: false,
    quote: 'Manager signs form',
    selectors: [{ type: 'TextQuoteSelector', exact: 'Manager signs form' }],
    syncState: 'queued',
    createdAt: 1,
    updatedAt: 1,
    ...change,
  };
}

function setup() {
  const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
  const sessions = new EditorSessions();
  const anchoringChanged = vi.fn();
  const handlers = {
    ...createCapture({
      db,
      sessions,
      onSuggestionsChanged: () => {},
      closeEditorInTab: async () => {},
    }).handlers,
    ...createPageSuggestions({
      db,
      sessions,
      reports: new AnchoringReports(),
      onAnchoringChanged: anchoringChanged,
    }).handlers,
  };
  const route = createRouter(handlers, self);
  const send = (type: string, data: unknown, sender: Browser.runtime.MessageSender) =>
    route({ type, data }, sender);
  return { db, sessions, send, anchoringChanged };
}

describe("the page's suggestions, for highlighting", () => {
  beforeEach(() => fakeBrowser.reset());

  it('gives a page where its submitted suggestions are, and nothing of what they say', async () => {
    const { db, send } = setup();
    const onPage = suggestion({ text: 'On this page' });
    await db.suggestions.bulkAdd([
      onPage,
      suggestion({ text: 'Whole page', quote: '', selectors: [] }),
      suggestion({ text: 'Elsewhere', pageUrl: OTHER_PAGE }),
      // Drafts are not marked on the page.
      suggestion({ text: 'Still a draft', syncState: 'draft' }),
    ]);
    // The page is the sender's, whatever its fragment.
    const response = (await send(
      'listPageSuggestions',
      { pageUrl: `${PAGE}#step-3` },
      pageSender(`${PAGE}#step-3`),
    )) as { items: object[] };
    // Only where it is: no text, no quote, no state that would tell the viewer's own apart.
    expect(response.items).toEqual([{ id: onPage.id, selectors: onPage.selectors }]);
    await expect(send('listPageSuggestions', { pageUrl: PAGE }, popupSender)).rejects.toThrow(
      'errorForbiddenSender',
    );
    // Data cannot name a page of another site.
    await expect(
      send('listPageSuggestions', { pageUrl: 'https://elsewhere.example/' }, pageSender(PAGE)),
    ).rejects.toThrow('errorForbiddenSender');
  });

  it("lists for the popup the suggestions a tab's page reported not found, for that page only", async () => {
    const { db, send, anchoringChanged } = setup();
    const lost = suggestion({ text: 'Lost' });
    const elsewhere = suggestion({ text: 'Not of this page', pageUrl: OTHER_PAGE });
    await db.suggestions.bulkAdd([lost, elsewhere]);
    await send('listPageSuggestions', { pageUrl: PAGE }, pageSender(PAGE));
    await send(
      'reportAnchoring',
      { pageUrl: PAGE, orphans: [lost.id, elsewhere.id] },
      pageSender(PAGE),
    );
    expect(anchoringChanged).toHaveBeenCalledTimes(1);

    const listed = (await send(
      'listPageOrphans',
      { tabId: 7, pageUrl: `${PAGE}#top` },
      popupSender,
    )) as { items: Suggestion[] };
    expect(listed.items.map((s) => s.text)).toEqual(['Lost']);
    // Another tab, or the tab showing another page now: nothing to list.
    expect(await send('listPageOrphans', { tabId: 8, pageUrl: PAGE }, popupSender)).toEqual({
      items: [],
    });
    expect(await send('listPageOrphans', { tabId: 7, pageUrl: OTHER_PAGE }, popupSender)).toEqual({
      items: [],
    });
    // Looking at the page again starts afresh.
    await send('listPageSuggestions', { pageUrl: PAGE }, pageSender(PAGE));
    expect(await send('listPageOrphans', { tabId: 7, pageUrl: PAGE }, popupSender)).toEqual({
      items: [],
    });
    // Only a page reports, and only ids.
    await expect(
      send('reportAnchoring', { pageUrl: PAGE, orphans: [lost.id] }, popupSender),
    ).rejects.toThrow('errorForbiddenSender');
    await expect(
      send('reportAnchoring', { pageUrl: PAGE, orphans: ['not-an-id'] }, pageSender(PAGE)),
    ).rejects.toThrow('errorInvalidRequest');
  });

  it('opens a highlighted suggestion in the editor, shown read-only once submitted', async () => {
    const { db, send } = setup();
    const submitted = suggestion({
      text: 'Sent already',
      remoteStatus: 'planned',
      syncState: 'synced',
    });
    const foreign = suggestion({ pageUrl: OTHER_PAGE });
    await db.suggestions.bulkAdd([submitted, foreign]);

    const { capability } = (await send(
      'openSuggestion',
      { pageUrl: PAGE, id: submitted.id },
      pageSender(PAGE),
    )) as { capability: string };
    const editorSender = { ...pageSender(PAGE), frameId: 3, url: `${self.origin}editor.html` };
    const state = await send('loadEditor', { capability }, editorSender);
    expect(state).toMatchObject({
      draftId: submitted.id,
      text: 'Sent already',
      quote: 'Manager signs form',
      syncState: 'synced',
      remoteStatus: 'planned',
    });
    // A page opens only its own suggestions.
    await expect(
      send('openSuggestion', { pageUrl: PAGE, id: foreign.id }, pageSender(PAGE)),
    ).rejects.toThrow('errorNoSuchSuggestion');
  });
});
