// The editor's requests for similar suggestions and support: what the frame is handed (the
// site's suggestions, nothing of other sites, no more than ranking needs), and what it may do.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createCapture } from '@/entrypoints/background/capture';
import { createRouter } from '@/entrypoints/background/router';
import { EditorSessions } from '@/entrypoints/background/tab-store';
import { type ColleagueSuggestion, FlywheelDatabase } from '@/utils/background/db';
import type { SimilarEntry } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const SITE = 'http://127.0.0.1:8080';
const PAGE = `${SITE}/process/purchase-order.html`;
const ENDPOINT = 'https://feedback.example/annotations/';

const pageSender = (url = PAGE): Browser.runtime.MessageSender => ({
  id: self.id,
  tab: { id: 7, url } as Browser.tabs.Tab,
  frameId: 0,
  url,
});
const editorSender = (): Browser.runtime.MessageSender =>
  ({
    id: self.id,
    tab: { id: 7, url: PAGE } as Browser.tabs.Tab,
    frameId: 3,
    url: `${self.origin}editor.html`,
    documentId: 'doc-1',
  }) as Browser.runtime.MessageSender;

function colleague(change: Partial<ColleagueSuggestion> = {}): ColleagueSuggestion {
  return {
    markId: crypto.randomUUID(),
    remoteId: `${ENDPOINT}${crypto.randomUUID()}`,
    text: 'Sign purchase orders in the portal',
    quote: 'Manager signs form',
    selectors: [{ type: 'TextQuoteSelector', exact: 'Manager signs form' }],
    status: 'submitted',
    voteCount: 2,
    replyCount: 0,
    created: '2026-11-30T09:00:00Z',
    authorName: 'Alex Visser',
    ...change,
  };
}

function own(change: Partial<Suggestion> = {}): Suggestion {
  return {
    id: crypto.randomUUID(),
    pageUrl: PAGE,
    pageTitle: 'Purchase order',
    text: 'My own idea',
    category: 'simplify',
    anonymous: false,
    quote: '',
    selectors: [],
    syncState: 'synced',
    createdAt: 1,
    updatedAt: 1,
    ...change,
  };
}

async function setup() {
  const db = new FlywheelDatabase(`test-${crypto.randomUUID()}`);
  const capture = createCapture({
    db,
    sessions: new EditorSessions(),
    onSuggestionsChanged: () => {},
    closeEditorInTab: async () => {},
  });
  const route = createRouter(capture.handlers, self);
  const send = <T>(type: string, data: unknown, sender = editorSender()) =>
    route({ type, data }, sender) as Promise<T>;
  const { capability } = await send<{ capability: string }>(
    'openEditor',
    { pageUrl: PAGE, title: 'Purchase order', quote: '', selectors: [] },
    pageSender(),
  );
  await send('loadEditor', { capability });
  return { db, send, capability };
}

describe('similar suggestions for the editor', () => {
  beforeEach(() => fakeBrowser.reset());

  it("hands the frame the site's suggestions, its own marked, and nothing of other sites", async () => {
    const { db, send, capability } = await setup();
    const mine = own({ remoteId: `${ENDPOINT}${crypto.randomUUID()}`, voteCount: 4 });
    const here = colleague({ text: 'On this page' });
    const elsewhere = colleague({ text: 'On another page of the site' });
    await db.suggestions.bulkAdd([
      mine,
      own({ text: 'Still a draft', syncState: 'draft' }),
      own({ text: 'Taken back', withdrawn: true }),
      own({ text: 'Another site', pageUrl: 'https://other.example/page' }),
    ]);
    await db.pageListings.bulkPut([
      {
        pageUrl: PAGE,
        fetchedAt: 1,
        // The person's own, as the endpoint lists it: offered once, as theirs.
        items: [here, colleague({ remoteId: mine.remoteId as string, text: 'My own idea' })],
      },
      {
        pageUrl: `${SITE}/process/expense-claim.html`,
        fetchedAt: 1,
        items: [elsewhere, colleague({ text: 'Declined', status: 'declined' })],
      },
      {
        pageUrl: 'https://other.example/page',
        fetchedAt: 1,
        items: [colleague({ text: 'Of another site' })],
      },
    ]);
    const { candidates } = await send<{ candidates: SimilarEntry[] }>('loadSimilar', {
      capability,
    });
    expect(candidates.map((c) => c.text).sort()).toEqual(
      ['My own idea', 'On another page of the site', 'On this page'].sort(),
    );
    expect(candidates.find((c) => c.text === 'My own idea')).toEqual({
      id: mine.id,
      text: 'My own idea',
      quote: '',
      pageUrl: PAGE,
      supportCount: 4,
      supported: false,
      own: true,
    });
    // What ranking needs, no more: no author, no IRI, no selectors.
    expect(Object.keys(candidates.find((c) => c.id === here.markId) ?? {}).sort()).toEqual(
      ['id', 'own', 'pageUrl', 'quote', 'supportCount', 'supported', 'text'].sort(),
    );
  });

  it('supports one of them, counted at once, but not the person’s own nor one of another site', async () => {
    const { db, send, capability } = await setup();
    const mine = own({ remoteId: `${ENDPOINT}${crypto.randomUUID()}` });
    const offered = colleague();
    const foreign = colleague();
    const ownListed = colleague({ remoteId: mine.remoteId as string });
    await db.suggestions.add(mine);
    await db.pageListings.bulkPut([
      { pageUrl: `${SITE}/process/other.html`, fetchedAt: 1, items: [offered, ownListed] },
      { pageUrl: 'https://other.example/page', fetchedAt: 1, items: [foreign] },
    ]);
    expect(
      await send('supportSuggestion', { capability, id: offered.markId, support: true }),
    ).toEqual({ supported: true, voteCount: 3 });
    expect(await db.interactions.toArray()).toMatchObject([
      { kind: 'support', target: offered.remoteId, pageUrl: `${SITE}/process/other.html` },
    ]);
    // Taken back before it was sent: nothing is left to send.
    expect(
      await send('supportSuggestion', { capability, id: offered.markId, support: false }),
    ).toEqual({ supported: false, voteCount: 2 });
    expect(await db.interactions.count()).toBe(0);

    for (const id of [mine.id, ownListed.markId, foreign.markId]) {
      await expect(send('supportSuggestion', { capability, id, support: true })).rejects.toThrow(
        'errorNoSuchSuggestion',
      );
    }
    // A draft editor has no card to support without an id; the page cannot ask at all.
    await expect(send('supportSuggestion', { capability, support: true })).rejects.toThrow(
      'errorNoSuchSuggestion',
    );
    await expect(
      send('supportSuggestion', { capability, id: offered.markId, support: true }, pageSender()),
    ).rejects.toThrow('errorForbiddenSender');
    expect(await db.interactions.count()).toBe(0);
  });
});
