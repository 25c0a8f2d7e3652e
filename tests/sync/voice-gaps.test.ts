// The voice loop's gaps, closed, against the real reference endpoint (two replies a page, so
// paging is real): the person's own card hears back (status, owner's reply, seen once shown)
// and offers the 412 choice; a reply refused for good can be sent again or let go; a vote
// refused for good says why; waiting support and replies are counted; every page of replies
// is read.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { countUnread } from '../../entrypoints/background/badge';
import { createCapture } from '../../entrypoints/background/capture';
import { createCard } from '../../entrypoints/background/card';
import { createPageSuggestions } from '../../entrypoints/background/page-suggestions';
import { createPopupLink } from '../../entrypoints/background/popup-link';
import { createRouter } from '../../entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '../../entrypoints/background/tab-store';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import { createPageListing, fetchReplies } from '../../utils/background/page-listing';
import { createSyncEngine } from '../../utils/background/sync/engine';
import { countWaitingInteractions } from '../../utils/background/sync/interactions';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../utils/protocol/annotation';
import type { EditorState, ReplyEntry, Responses } from '../../utils/shared/messaging';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { queueSuggestions } from '../support/suggestions';

const TOKEN = 'voice-gaps-writer';
const OWNER = 'voice-gaps-owner';
const QUOTE = 'Print the form and ask your manager to sign it.';
const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
let server: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  const database = await openDatabase({ memory: true });
  server = await startServer({
    port: 0,
    database,
    log: () => {},
    // Two items a page: a third reply is on the second page.
    pageSize: 2,
    tokens: [
      { token: TOKEN, role: 'write' },
      { token: OWNER, role: 'owner' },
    ],
  });
  proxy = await startFaultProxy(server.containerUrl, { preserveHost: true });
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.close();
  await server?.database.close();
});
beforeEach(() => {
  fakeBrowser.reset();
  proxy.setFaults(() => ({ kind: 'pass' }));
});

const newPage = () => `http://127.0.0.1/process/${crypto.randomUUID()}.html`;

/** A colleague's suggestion, sent as their browser would; answers its IRI and author secret. */
async function colleagueSuggests(pageUrl: string, text: string) {
  const secret = randomBytes(32).toString('base64url');
  const response = await fetch(proxy.containerUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': ANNOTATION_MEDIA_TYPE,
      'Idempotency-Key': crypto.randomUUID(),
      [AUTHOR_SECRET_HEADER]: secret,
    },
    body: JSON.stringify({
      '@context': ANNOTATION_CONTEXT,
      type: 'Annotation',
      motivation: 'editing',
      body: [{ type: 'TextualBody', value: text, format: 'text/plain', purpose: 'editing' }],
      target: { source: pageUrl, selector: [{ type: 'TextQuoteSelector', exact: QUOTE }] },
      creator: { type: 'Person', name: 'Alex Visser' },
    }),
  });
  expect(response.status).toBe(201);
  return {
    iri: ((await response.json()) as { id: string }).id,
    etag: response.headers.get('ETag') as string,
    secret,
  };
}

/** A reply posted with a token: an owner's is marked `fromOwner` by the endpoint. */
async function replyAs(token: string, iri: string, text: string) {
  const response = await fetch(proxy.containerUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': ANNOTATION_MEDIA_TYPE,
      'Idempotency-Key': crypto.randomUUID(),
    },
    body: JSON.stringify({
      '@context': [...ANNOTATION_CONTEXT],
      type: 'Annotation',
      motivation: 'replying',
      created: new Date().toISOString(),
      body: [{ type: 'TextualBody', value: text, format: 'text/plain' }],
      target: iri,
    }),
  });
  expect(response.status).toBe(201);
}

async function setStatus(id: string, status: string) {
  await server.database.query(
    `UPDATE annotations SET status = $2, revision = revision + 1, modified_at = now() WHERE idempotency_key = $1`,
    [id, status],
  );
}

/** Changes the endpoint's copy behind this device's back (as an owner or another client would). */
async function changeAtEndpoint(id: string, text: string) {
  await server.database.query(
    `UPDATE annotations SET document = jsonb_set(document, '{body,0,value}', to_jsonb($2::text)),
       status = 'planned', revision = revision + 1, modified_at = now() WHERE idempotency_key = $1`,
    [id, text],
  );
}

async function endpointText(id: string): Promise<string | undefined> {
  const [row] = await server.database.query<{ text: string }>(
    `SELECT document->'body'->0->>'value' AS text FROM annotations WHERE idempotency_key = $1 AND deleted_at IS NULL`,
    [id],
  );
  return row?.text;
}

/** The reply texts the endpoint stored for one suggestion. */
async function storedReplies(iri: string): Promise<string[]> {
  const rows = await server.database.query<{ text: string }>(
    `SELECT document->'body'->0->>'value' AS text FROM annotations WHERE kind = 'reply' AND parent_id = $1 ORDER BY seq`,
    [iri.split('/').pop()],
  );
  return rows.map((row) => row.text);
}

/** One person's browser: its database, sync engine and the background's card handlers. */
function person(displayName = 'Sam Jansen') {
  const db = new FlywheelDatabase(`gaps-${crypto.randomUUID()}`);
  const config = {
    endpointUrl: proxy.containerUrl,
    authMode: 'token' as const,
    token: TOKEN,
    displayName,
  };
  let changes = 0;
  const engine = createSyncEngine({
    db,
    loadConfig: async () => config,
    status: memorySyncStatus(),
    wakeAt: () => {},
    onChange: () => {
      changes++;
    },
    random: () => 0,
  });
  const sessions = new EditorSessions();
  const listing = createPageListing(db);
  const capture = createCapture({
    db,
    sessions,
    onSuggestionsChanged: () => {},
    closeEditorInTab: async () => {},
    replies: (iri) => fetchReplies(iri, config),
    displayName: async () => displayName,
  });
  const popupLink = createPopupLink({
    db,
    self,
    pull: () => engine.pullStatuses(),
    lastPullAt: async () => null,
    onChange: () => {},
    onError: () => {},
  });
  const card = createCard({
    db,
    sessionFor: capture.sessionFor,
    resolveConflict: engine.resolveConflict,
    markSeen: popupLink.markSeen,
    onSuggestionsChanged: () => {},
  });
  const marks = createPageSuggestions({
    db,
    sessions,
    reports: new AnchoringReports(),
    onAnchoringChanged: () => {},
    colleagues: (pageUrl) => listing.refresh(pageUrl, config),
    keptColleagues: (pageUrl) => listing.cached(pageUrl),
  });
  const route = createRouter({ ...capture.handlers, ...card.handlers, ...marks.handlers }, self);
  let documents = 0;
  let editor: Browser.runtime.MessageSender | undefined;
  const send = <K extends keyof Responses>(type: K, data: unknown, sender = editor) =>
    route({ type, data }, sender as Browser.runtime.MessageSender) as Promise<Responses[K]>;

  /** The person views the page and opens the mark with this id (or the first). */
  async function openCard(pageUrl: string, id?: string) {
    const page = {
      id: self.id,
      tab: { id: 7, url: pageUrl } as Browser.tabs.Tab,
      frameId: 0,
      url: pageUrl,
    };
    const { items } = await send('listPageSuggestions', { pageUrl }, page);
    const markId = id ?? items[0]?.id;
    expect(items.map((item) => item.id)).toContain(markId);
    const { capability } = await send('openSuggestion', { pageUrl, id: markId }, page);
    editor = {
      id: self.id,
      tab: { id: 7, url: pageUrl } as Browser.tabs.Tab,
      frameId: 3,
      url: `${self.origin}editor.html`,
      documentId: `doc-${++documents}`,
    } as Browser.runtime.MessageSender;
    const state: EditorState = await send('loadEditor', { capability });
    return { capability, state };
  }
  return { db, engine, send, openCard, changes: () => changes };
}

describe("the person's own card hears back", () => {
  it("shows the owner's status and latest reply, and marks the update seen once shown", async () => {
    const sam = person();
    const pageUrl = newPage();
    const [id] = (await queueSuggestions(sam.db, 1, {}, pageUrl)) as [string];
    await sam.engine.drain();
    const iri = (await sam.db.suggestions.get(id))?.remoteId as string;
    await setStatus(id, 'planned');
    await replyAs(OWNER, iri, 'Planned for March');
    expect(await sam.engine.pullStatuses()).toBe(1);
    expect(await countUnread(sam.db)).toBe(1);

    const { capability, state } = await sam.openCard(pageUrl, id);
    expect(state.ownCard).toMatchObject({
      syncState: 'synced',
      remoteStatus: 'planned',
      ownerReply: { text: 'Planned for March' },
      unread: { status: true, reply: true },
    });
    const at = state.ownCard?.unread?.at as number;
    // Another update than the one shown (a newer one arrived): it stays unread.
    expect(await sam.send('markCardSeen', { capability, at: at + 1 })).toEqual({ seen: false });
    expect(await countUnread(sam.db)).toBe(1);
    expect(await sam.send('markCardSeen', { capability, at })).toEqual({ seen: true });
    expect(await countUnread(sam.db)).toBe(0);
    expect((await sam.send('loadCard', { capability })).own?.unread).toBeUndefined();

    // A colleague's card cannot mark anything of the person's seen.
    const colleague = person('Alex Visser');
    const other = await colleague.openCard(pageUrl);
    await expect(
      colleague.send('markCardSeen', { capability: other.capability, at }),
    ).rejects.toThrow('errorNoSuchSuggestion');
  });

  it('reads every page of replies: an owner reply after three others is heard', async () => {
    const sam = person();
    const pageUrl = newPage();
    const [id] = (await queueSuggestions(sam.db, 1, {}, pageUrl)) as [string];
    await sam.engine.drain();
    const iri = (await sam.db.suggestions.get(id))?.remoteId as string;
    for (const text of ['Same here', 'Step 5 too', 'And step 6']) await replyAs(TOKEN, iri, text);
    await replyAs(OWNER, iri, 'We merge steps 3 to 6 in March');
    expect(await sam.engine.pullStatuses()).toBe(1);
    expect(await sam.db.suggestions.get(id)).toMatchObject({
      ownerReply: { text: 'We merge steps 3 to 6 in March' },
      unread: { reply: true },
    });
    const { capability } = await sam.openCard(pageUrl, id);
    const { replies } = await sam.send('loadReplies', { capability });
    expect(replies.map((reply) => reply.text)).toEqual([
      'Same here',
      'Step 5 too',
      'And step 6',
      'We merge steps 3 to 6 in March',
    ]);
  });

  it('shows both versions on the card after an edit there meets a 412, and keeps the one chosen', async () => {
    const sam = person();
    const pageUrl = newPage();
    const [id] = (await queueSuggestions(sam.db, 1, {}, pageUrl)) as [string];
    await sam.engine.drain();
    await changeAtEndpoint(id, 'Changed by the owner');

    const { capability } = await sam.openCard(pageUrl, id);
    await sam.send('editSuggestion', { capability, id, text: 'My edit on the card' });
    await sam.engine.drain();
    expect((await sam.send('loadCard', { capability })).own).toMatchObject({
      syncState: 'conflict',
      text: 'My edit on the card',
      theirs: { text: 'Changed by the owner', status: 'planned' },
    });
    // An edit while the choice waits becomes the person's version; nothing is sent over theirs.
    await sam.send('editSuggestion', { capability, id, text: 'My second edit' });
    await sam.engine.drain();
    const reopened = await sam.openCard(pageUrl, id);
    expect(reopened.state.ownCard).toMatchObject({
      syncState: 'conflict',
      text: 'My second edit',
      theirs: { text: 'Changed by the owner' },
    });
    expect(await endpointText(id)).toBe('Changed by the owner');

    expect(
      await sam.send('keepVersion', { capability: reopened.capability, keep: 'mine' }),
    ).toEqual({ resolved: true });
    await sam.engine.drain();
    expect(await endpointText(id)).toBe('My second edit');
    const kept = (await sam.send('loadCard', { capability: reopened.capability })).own;
    expect(kept).toMatchObject({ syncState: 'synced', remoteStatus: 'planned' });
    expect(kept?.theirs).toBeUndefined();
    // No conflict left: nothing to keep.
    await expect(
      sam.send('keepVersion', { capability: reopened.capability, keep: 'theirs' }),
    ).rejects.toThrow('errorNoSuchSuggestion');
  });

  it("Keep theirs on the card takes the endpoint's version of a withdrawal that met a 412", async () => {
    const sam = person();
    const pageUrl = newPage();
    const [id] = (await queueSuggestions(sam.db, 1, {}, pageUrl)) as [string];
    await sam.engine.drain();
    await changeAtEndpoint(id, 'Planned meanwhile');
    const { capability } = await sam.openCard(pageUrl, id);
    await sam.send('withdrawSuggestion', { capability, id });
    await sam.engine.drain();
    expect((await sam.send('loadCard', { capability })).own).toMatchObject({
      syncState: 'conflict',
      withdrawn: true,
      theirs: { text: 'Planned meanwhile' },
    });
    expect(await sam.send('keepVersion', { capability, keep: 'theirs' })).toEqual({
      resolved: true,
    });
    const own = (await sam.send('loadCard', { capability })).own;
    expect(own).toMatchObject({ syncState: 'synced', text: 'Planned meanwhile' });
    expect(own?.withdrawn).toBeUndefined();
    expect(await endpointText(id)).toBe('Planned meanwhile');
  });
});

describe('what the endpoint refused for good', () => {
  it('keeps a refused reply with its reason, sends it again on Try again', async () => {
    const pageUrl = newPage();
    const { iri } = await colleagueSuggests(pageUrl, 'Let managers sign PO-7 in the portal');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    await sam.send('postReply', { capability, text: 'Same for PO-8' });
    proxy.setFaults((request) =>
      request.method === 'POST'
        ? {
            kind: 'respond',
            status: 422,
            headers: { 'Content-Type': 'application/problem+json' },
            body: JSON.stringify({ title: 'Replies are closed', status: 422 }),
          }
        : { kind: 'pass' },
    );
    const before = sam.changes();
    await sam.engine.drain();
    // An open card hears of it.
    expect(sam.changes()).toBeGreaterThan(before);
    const refused = (await sam.send('loadReplies', { capability })).replies;
    expect(refused).toHaveLength(1);
    const [line] = refused as [ReplyEntry];
    expect(line.failed).toContain('422');
    expect(line.id).toBeDefined();
    expect(await countWaitingInteractions(sam.db)).toBe(0);

    proxy.setFaults(() => ({ kind: 'pass' }));
    expect(await sam.send('retryReply', { capability, id: line.id })).toEqual({ queued: true });
    expect(await countWaitingInteractions(sam.db)).toBe(1);
    await sam.engine.drain();
    expect(await storedReplies(iri)).toEqual(['Same for PO-8']);
    const after = (await sam.send('loadReplies', { capability })).replies;
    expect(after.map((r) => [r.text, r.failed, r.sending])).toEqual([
      ['Same for PO-8', undefined, undefined],
    ]);
    // Sent: there is nothing left to try again.
    await expect(sam.send('retryReply', { capability, id: line.id })).rejects.toThrow(
      'errorNoSuchReply',
    );
  });

  it("discards a refused reply, and only from its own suggestion's card", async () => {
    const pageUrl = newPage();
    const { iri } = await colleagueSuggests(pageUrl, 'One upload instead of email');
    const otherPage = newPage();
    await colleagueSuggests(otherPage, 'Another idea elsewhere');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    await sam.send('postReply', { capability, text: 'A reply to let go' });
    proxy.setFaults((request) =>
      request.method === 'POST' ? { kind: 'respond', status: 400 } : { kind: 'pass' },
    );
    await sam.engine.drain();
    proxy.setFaults(() => ({ kind: 'pass' }));
    const [line] = (await sam.send('loadReplies', { capability })).replies as [ReplyEntry];
    expect(line.failed).toBeDefined();

    const elsewhere = await sam.openCard(otherPage);
    await expect(
      sam.send('discardReply', { capability: elsewhere.capability, id: line.id }),
    ).rejects.toThrow('errorNoSuchReply');
    await expect(
      sam.send('retryReply', { capability: elsewhere.capability, id: line.id }),
    ).rejects.toThrow('errorNoSuchReply');
    expect(await sam.db.interactions.count()).toBe(1);

    const again = await sam.openCard(pageUrl);
    expect(await sam.send('discardReply', { capability: again.capability, id: line.id })).toEqual({
      discarded: true,
    });
    expect((await sam.send('loadReplies', { capability: again.capability })).replies).toEqual([]);
    await sam.engine.drain();
    expect(await storedReplies(iri)).toEqual([]);
  });

  it('says why a vote was refused for good, keeps it taken back, and forgets why on the next press', async () => {
    const pageUrl = newPage();
    const { iri, etag, secret } = await colleagueSuggests(pageUrl, 'A checklist for suppliers');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    expect(await sam.send('supportSuggestion', { capability, support: true })).toEqual({
      supported: true,
      voteCount: 1,
    });
    // The author withdraws it before the vote arrives.
    const deleted = await fetch(iri, {
      method: 'DELETE',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'If-Match': etag,
        [AUTHOR_SECRET_HEADER]: secret,
      },
    });
    expect(deleted.status).toBe(204);
    const before = sam.changes();
    await sam.engine.drain();
    expect(sam.changes()).toBeGreaterThan(before);
    expect((await sam.send('loadCard', { capability })).support).toEqual({
      supported: false,
      voteCount: 0,
      refused: 'errorEndpointGone',
    });
    // Loaded again (the card reopened), it still says why.
    const again: EditorState = await sam.send('loadEditor', { capability });
    expect(again.colleague).toMatchObject({
      supported: false,
      supportRefused: 'errorEndpointGone',
    });
    await sam.send('supportSuggestion', { capability, support: true });
    expect((await sam.send('loadCard', { capability })).support?.refused).toBeUndefined();
  });
});

describe('waiting support and replies', () => {
  it('are counted while the endpoint is down, and no longer once sent', async () => {
    const pageUrl = newPage();
    await colleagueSuggests(pageUrl, 'Fewer signatures on PO-7');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    proxy.setFaults(() => ({ kind: 'down' }));
    await sam.send('supportSuggestion', { capability, support: true });
    await sam.send('postReply', { capability, text: 'Yes please' });
    await sam.engine.drain();
    expect(await countWaitingInteractions(sam.db)).toBe(2);
    proxy.setFaults(() => ({ kind: 'pass' }));
    await sam.engine.sendNow();
    expect(await countWaitingInteractions(sam.db)).toBe(0);
  });
});
