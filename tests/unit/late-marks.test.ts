// A slow endpoint's listing lands after the page was answered with what was kept: the
// background tells that tab's page (once, and only while it still shows that page) to ask
// again, and answers the second ask from what it now keeps, with no second request.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createPageSuggestions } from '@/entrypoints/background/page-suggestions';
import { createRouter } from '@/entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '@/entrypoints/background/tab-store';
import { FlywheelDatabase } from '@/utils/background/db';
import { createPageListing } from '@/utils/background/page-listing';
import type { PageMark } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';

const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
const ENDPOINT = 'https://suggestions.example/annotations/';
const PAGE = 'http://127.0.0.1:8080/process/purchase-order.html';
const OTHER_PAGE = 'http://127.0.0.1:8080/process/expense-claim.html';
const config = { endpointUrl: ENDPOINT, authMode: 'token' as const, token: 'secret' };
const MARKS_CHANGED = { command: 'marksChanged', data: {} };

/** A colleague's suggestion as the endpoint lists it. */
function stored(exact: string, text: string) {
  const now = new Date(0).toISOString();
  return {
    id: `${ENDPOINT}${crypto.randomUUID()}`,
    type: 'Annotation',
    motivation: 'editing',
    created: now,
    modified: now,
    body: [{ type: 'TextualBody', value: text, format: 'text/plain', purpose: 'editing' }],
    target: { source: PAGE, selector: [{ type: 'TextQuoteSelector', exact }] },
    status: 'submitted',
    voteCount: 0,
    replyCount: 0,
  };
}

function listingOf(items: object[]) {
  const id = `${ENDPOINT}?target=${encodeURIComponent(PAGE)}`;
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    id,
    type: 'AnnotationCollection',
    total: items.length,
    first: { id: `${id}&page=0`, type: 'AnnotationPage', items },
  };
}

/** An endpoint that answers each listing only when the test says so. */
function slowEndpoint() {
  const held: { target: string; respond: (response: Response) => void }[] = [];
  const fetchImpl = vi.fn(
    (input: RequestInfo | URL) =>
      new Promise<Response>((respond) => {
        held.push({ target: new URL(String(input)).searchParams.get('target') ?? '', respond });
      }),
  );
  /** Answers the listing request at `index` with these suggestions. */
  const answer = (index: number, items: object[]) =>
    held[index]?.respond(Response.json(listingOf(items), { headers: { ETag: `"${index}"` } }));
  return { fetchImpl: fetchImpl as unknown as typeof fetch, calls: fetchImpl, held, answer };
}

function pageSender(tabId: number, url: string, documentId: string): Browser.runtime.MessageSender {
  return {
    id: self.id,
    tab: { id: tabId, url } as Browser.tabs.Tab,
    frameId: 0,
    url,
    documentId,
  } as Browser.runtime.MessageSender;
}

function setup() {
  const db = new FlywheelDatabase(`late-${crypto.randomUUID()}`);
  const endpoint = slowEndpoint();
  const listing = createPageListing(db, endpoint.fetchImpl);
  const errors: unknown[] = [];
  const marks = createPageSuggestions({
    db,
    sessions: new EditorSessions(),
    reports: new AnchoringReports(),
    onAnchoringChanged: () => {},
    // The page gets no time at all: every answer of this endpoint comes late.
    colleagues: (pageUrl) => listing.view(pageUrl, config, (error) => errors.push(error), 0),
    keptColleagues: (pageUrl) => listing.cached(pageUrl),
    onError: (error) => errors.push(error),
  });
  const route = createRouter(marks.handlers, self);
  const ask = async (sender: Browser.runtime.MessageSender) =>
    (
      (await route({ type: 'listPageSuggestions', data: { pageUrl: sender.url } }, sender)) as {
        items: PageMark[];
      }
    ).items;
  const sent = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue(true);
  return { db, endpoint, marks, ask, sent, errors };
}

describe('a listing that lands after the page was answered', () => {
  beforeEach(() => fakeBrowser.reset());

  it('tells the tab still on the page once, and its next ask gets the listing without a request', async () => {
    const { endpoint, marks, ask, sent, errors } = setup();
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const page = pageSender(tab.id as number, PAGE, 'doc-1');

    // A first view: nothing kept, and the endpoint has not answered yet.
    expect(await ask(page)).toEqual([]);
    expect(endpoint.held.map((h) => h.target)).toEqual([PAGE]);
    expect(sent).not.toHaveBeenCalled();

    endpoint.answer(0, [
      stored('Print the form and ask your manager to sign it.', 'Sign in the portal'),
      stored('Scan the signed form.', 'One upload'),
    ]);
    await marks.settled();
    expect(sent).toHaveBeenCalledTimes(1);
    // To that tab's top frame and that document only, with nothing of the suggestions in it.
    expect(sent).toHaveBeenCalledWith(tab.id, MARKS_CHANGED, { frameId: 0, documentId: 'doc-1' });

    // Asked again, it is given both, from what is kept: the view made one request.
    const again = await ask(page);
    expect(again.map((m) => m.selectors[0])).toEqual([
      { type: 'TextQuoteSelector', exact: 'Print the form and ask your manager to sign it.' },
      { type: 'TextQuoteSelector', exact: 'Scan the signed form.' },
    ]);
    expect(JSON.stringify(again)).not.toContain('Sign in the portal');
    expect(endpoint.calls).toHaveBeenCalledTimes(1);
    await marks.settled();
    expect(sent).toHaveBeenCalledTimes(1);

    // A later view of the page asks the endpoint (conditionally) again; the same answer tells
    // nothing, since the page was given it already.
    expect(await ask(page)).toEqual(again);
    expect(endpoint.calls).toHaveBeenCalledTimes(2);
    endpoint.held[1]?.respond(new Response(null, { status: 304, headers: { ETag: '"0"' } }));
    await marks.settled();
    expect(sent).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([]);
  });

  it('tells no page the person has left: another page, another document, a closed tab', async () => {
    const { endpoint, marks, ask, sent, errors } = setup();
    const suggestions = [stored('Scan the signed form.', 'One upload')];
    const moved = await fakeBrowser.tabs.create({ url: PAGE });
    const reloaded = await fakeBrowser.tabs.create({ url: PAGE });
    const closed = await fakeBrowser.tabs.create({ url: PAGE });
    await ask(pageSender(moved.id as number, PAGE, 'moved-1'));
    await ask(pageSender(reloaded.id as number, PAGE, 'reloaded-1'));
    await ask(pageSender(closed.id as number, PAGE, 'closed-1'));

    // Before the answers land: one tab follows a link (its new page has not asked yet), one
    // loads the page anew (a new document, with its own request), one is closed.
    await fakeBrowser.tabs.update(moved.id as number, { url: OTHER_PAGE });
    await ask(pageSender(reloaded.id as number, PAGE, 'reloaded-2'));
    // What the background does on tabs.onRemoved.
    await marks.tabClosed(closed.id as number);
    expect(endpoint.held).toHaveLength(4);

    // All four land late; of the pages that asked, only the reloaded one's is still shown:
    // that document is told, once.
    for (const index of [0, 1, 2, 3]) endpoint.answer(index, suggestions);
    await marks.settled();
    expect(sent.mock.calls).toEqual([
      [reloaded.id, MARKS_CHANGED, { frameId: 0, documentId: 'reloaded-2' }],
    ]);
    expect(errors).toEqual([]);
  });

  it('tells nothing when the late listing holds what the page was given', async () => {
    const { endpoint, marks, ask, sent } = setup();
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    await ask(pageSender(tab.id as number, PAGE, 'doc-1'));
    // Nobody suggested anything here: the page already shows all there is.
    endpoint.answer(0, []);
    await marks.settled();
    // Declined suggestions are not marked: a listing of one changes nothing on the page.
    await ask(pageSender(tab.id as number, PAGE, 'doc-1'));
    endpoint.answer(1, [{ ...stored('Scan the signed form.', 'One upload'), status: 'declined' }]);
    await marks.settled();
    expect(sent).not.toHaveBeenCalled();
  });

  it("tells the tabs on a page when the person's own suggestion there is sent or withdrawn elsewhere", async () => {
    const { db, endpoint, marks, ask, sent } = setup();
    const onPage = await fakeBrowser.tabs.create({ url: PAGE });
    const elsewhere = await fakeBrowser.tabs.create({ url: OTHER_PAGE });
    await ask(pageSender(onPage.id as number, PAGE, 'doc-1'));
    await ask(pageSender(elsewhere.id as number, OTHER_PAGE, 'doc-2'));
    endpoint.answer(0, []);
    endpoint.answer(1, []);
    await marks.settled();

    // Nothing changed yet: nobody is told.
    await marks.suggestionsChanged();
    expect(sent).not.toHaveBeenCalled();

    // Submitted from another tab on the same page (a draft is not marked: no command for it).
    const own: Suggestion = {
      id: crypto.randomUUID(),
      pageUrl: PAGE,
      pageTitle: 'Raising a purchase order',
      text: 'Merge steps 3 and 4',
      category: 'simplify',
      anonymous: false,
      quote: 'Manager signs form',
      selectors: [{ type: 'TextQuoteSelector', exact: 'Manager signs form' }],
      syncState: 'draft',
      createdAt: 1,
      updatedAt: 1,
    };
    await db.suggestions.add(own);
    await marks.suggestionsChanged();
    expect(sent).not.toHaveBeenCalled();
    await db.suggestions.update(own.id, { syncState: 'queued' });
    await marks.suggestionsChanged();
    expect(sent.mock.calls).toEqual([
      [onPage.id, MARKS_CHANGED, { frameId: 0, documentId: 'doc-1' }],
    ]);
    // The page asks again and is given it, from what is kept.
    expect((await ask(pageSender(onPage.id as number, PAGE, 'doc-1'))).map((m) => m.id)).toEqual([
      own.id,
    ]);
    expect(endpoint.calls).toHaveBeenCalledTimes(2);

    // Withdrawn (from the popup, say): told again, once.
    await db.suggestions.update(own.id, { withdrawn: true });
    await marks.suggestionsChanged();
    await marks.suggestionsChanged();
    expect(sent).toHaveBeenCalledTimes(2);
    expect(sent.mock.calls.every(([tabId]) => tabId === onPage.id)).toBe(true);
  });
});
