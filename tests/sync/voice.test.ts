// Support and replies, from the card's requests through the interactions outbox to the real
// reference endpoint (and its stored rows), through a network that fails on purpose.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createCapture } from '../../entrypoints/background/capture';
import { createPageSuggestions } from '../../entrypoints/background/page-suggestions';
import { createRouter } from '../../entrypoints/background/router';
import { AnchoringReports, EditorSessions } from '../../entrypoints/background/tab-store';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import { createPageListing, fetchReplies } from '../../utils/background/page-listing';
import { createSyncEngine } from '../../utils/background/sync/engine';
import { voterKey, voterSecret } from '../../utils/background/sync/interactions';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
  VOTER_KEY_PATTERN,
} from '../../utils/protocol/annotation';
import type { EditorState, ReplyEntry } from '../../utils/shared/messaging';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { queueSuggestions } from '../support/suggestions';

const TOKEN = 'sync-voice-token';
const QUOTE = 'Print the form and ask your manager to sign it.';
const self = { id: 'flywheel-id', origin: 'chrome-extension://flywheel-id/' };
let server: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  const database = await openDatabase({ memory: true });
  server = await startServer({ port: 0, database, tokens: [{ token: TOKEN, role: 'write' }] });
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

/** A colleague's suggestion, sent as their browser would (through the proxy: its IRIs). */
async function colleagueSuggests(pageUrl: string, text: string): Promise<string> {
  const response = await fetch(proxy.containerUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': ANNOTATION_MEDIA_TYPE,
      'Idempotency-Key': crypto.randomUUID(),
      [AUTHOR_SECRET_HEADER]: randomBytes(32).toString('base64url'),
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
  return ((await response.json()) as { id: string }).id;
}

async function endpointVoteCount(iri: string): Promise<number> {
  const response = await fetch(iri, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return ((await response.json()) as { voteCount: number }).voteCount;
}

/** The reply rows the endpoint stored for one suggestion, as stored. */
async function storedReplies(iri: string) {
  const id = iri.split('/').pop();
  return server.database.query<{
    document: { creator?: { name: string }; anonymous?: boolean; body: { value: string }[] };
    idempotency_key: string;
  }>(
    `SELECT document, idempotency_key FROM annotations WHERE kind = 'reply' AND parent_id = $1 ORDER BY seq`,
    [id],
  );
}

/** One person's browser: its database, sync engine and background handlers. */
function person(
  displayName = 'Sam Jansen',
  db = new FlywheelDatabase(`voice-${crypto.randomUUID()}`),
) {
  const config = {
    endpointUrl: proxy.containerUrl,
    authMode: 'token' as const,
    token: TOKEN,
    displayName,
  };
  const status = memorySyncStatus();
  const startEngine = () =>
    createSyncEngine({
      db,
      loadConfig: async () => config,
      status,
      wakeAt: () => {},
      onChange: () => {},
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
  const marks = createPageSuggestions({
    db,
    sessions,
    reports: new AnchoringReports(),
    onAnchoringChanged: () => {},
    colleagues: (pageUrl) => listing.refresh(pageUrl, config),
    keptColleagues: (pageUrl) => listing.cached(pageUrl),
  });
  const route = createRouter({ ...capture.handlers, ...marks.handlers }, self);
  let documents = 0;
  let editor: Browser.runtime.MessageSender | undefined;
  const send = <T>(type: string, data: unknown, sender = editor) =>
    route({ type, data }, sender as Browser.runtime.MessageSender) as Promise<T>;

  /** The person views the page and opens its first mark (or the one with this id). */
  async function openCard(pageUrl: string, id?: string) {
    const page = {
      id: self.id,
      tab: { id: 7, url: pageUrl } as Browser.tabs.Tab,
      frameId: 0,
      url: pageUrl,
    };
    const { items } = await send<{ items: { id: string }[] }>(
      'listPageSuggestions',
      { pageUrl },
      page,
    );
    const markId = id ?? items[0]?.id;
    expect(items.map((item) => item.id)).toContain(markId);
    const { capability } = await send<{ capability: string }>(
      'openSuggestion',
      { pageUrl, id: markId },
      page,
    );
    editor = {
      id: self.id,
      tab: { id: 7, url: pageUrl } as Browser.tabs.Tab,
      frameId: 3,
      url: `${self.origin}editor.html`,
      documentId: `doc-${++documents}`,
    } as Browser.runtime.MessageSender;
    const state = await send<EditorState>('loadEditor', { capability });
    return { capability, state };
  }
  return { db, send, openCard, status: status.current, engine: startEngine(), startEngine };
}

describe('support through the outbox, against the reference endpoint', () => {
  it('is on, off and on again (counts 1, 0, 1), shown at once and kept after a reload', async () => {
    const pageUrl = newPage();
    const iri = await colleagueSuggests(pageUrl, 'Let managers sign PO-7 in the portal');
    const sam = person();
    const { capability, state } = await sam.openCard(pageUrl);
    expect(state.colleague).toMatchObject({ voteCount: 0, supported: false });

    for (const [support, count] of [
      [true, 1],
      [false, 0],
      [true, 1],
    ] as const) {
      // The answer is the count to show at once, before anything is sent.
      expect(await sam.send('supportSuggestion', { capability, support })).toEqual({
        supported: support,
        voteCount: count,
      });
      expect(await sam.db.interactions.count()).toBe(1);
      await sam.engine.drain();
      expect(await endpointVoteCount(iri)).toBe(count);
      expect(await sam.db.interactions.count()).toBe(0);
    }

    // A reload: the page is viewed again, the card opened again.
    const again = await sam.openCard(pageUrl);
    expect(again.state.colleague).toMatchObject({ voteCount: 1, supported: true });

    // The same vote again is the same vote: the count stays 1.
    const key = await voterKey(await voterSecret(sam.db), iri);
    const repeated = await fetch(`${iri}/votes/${key}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(await repeated.json()).toMatchObject({ voteCount: 1, voted: true });
  });

  it('waits offline, keeps the last choice only, and sends it once after a restart', async () => {
    const pageUrl = newPage();
    const iri = await colleagueSuggests(pageUrl, 'One upload instead of email');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);

    proxy.setFaults(() => ({ kind: 'down' }));
    await sam.send('supportSuggestion', { capability, support: true });
    await sam.engine.drain();
    expect(sam.status().offline).toBe(true);
    expect(await sam.db.interactions.count()).toBe(1);
    // Taken back while still waiting: nothing is left to send for nothing.
    expect(await sam.send('supportSuggestion', { capability, support: false })).toEqual({
      supported: false,
      voteCount: 0,
    });
    expect(await sam.db.interactions.count()).toBe(0);
    // And given again: one operation, whatever came before.
    await sam.send('supportSuggestion', { capability, support: true });
    expect((await sam.db.interactions.toArray()).map((op) => op.kind)).toEqual(['support']);

    // The worker is stopped and a new one starts once the endpoint is back.
    let votes = 0;
    proxy.setFaults((request) => {
      if (request.url?.includes('/votes/')) votes++;
      return { kind: 'pass' };
    });
    const restarted = sam.startEngine();
    await restarted.recover();
    await restarted.drain();
    expect(votes).toBe(1);
    expect(await endpointVoteCount(iri)).toBe(1);
    expect(await sam.db.interactions.count()).toBe(0);
    await restarted.drain();
    expect(votes).toBe(1);
    expect((await sam.openCard(pageUrl)).state.colleague).toMatchObject({
      voteCount: 1,
      supported: true,
    });
  });

  it('sends the last choice when the person changes their mind while a vote is on its way', async () => {
    const pageUrl = newPage();
    const iri = await colleagueSuggests(pageUrl, 'A checklist for new suppliers');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    proxy.setFaults((request) => {
      if (!request.url?.includes('/votes/')) return { kind: 'pass' };
      arrived();
      return { kind: 'delay', ms: 300 };
    });
    await sam.send('supportSuggestion', { capability, support: true });
    const running = sam.engine.drain();
    await inFlight;
    // Taken back while the vote is on the wire: there is nothing waiting to replace.
    await sam.send('supportSuggestion', { capability, support: false });
    await running;
    await sam.engine.drain();
    expect(await endpointVoteCount(iri)).toBe(0);
    expect(await sam.db.interactions.count()).toBe(0);
    expect((await sam.openCard(pageUrl)).state.colleague).toMatchObject({
      voteCount: 0,
      supported: false,
    });
  });

  it('derives a voter key per suggestion: unlinkable across suggestions and installs', async () => {
    const db = new FlywheelDatabase(`voice-${crypto.randomUUID()}`);
    const secret = await voterSecret(db);
    expect(await voterSecret(db)).toBe(secret);
    const first = await voterKey(secret, `${proxy.containerUrl}${crypto.randomUUID()}`);
    const second = await voterKey(secret, `${proxy.containerUrl}${crypto.randomUUID()}`);
    expect(first).toMatch(VOTER_KEY_PATTERN);
    expect(first).toHaveLength(43);
    expect(second).not.toBe(first);
    const iri = `${proxy.containerUrl}${crypto.randomUUID()}`;
    expect(await voterKey(secret, iri)).toBe(await voterKey(secret, iri));
    const otherInstall = await voterSecret(new FlywheelDatabase(`voice-${crypto.randomUUID()}`));
    expect(await voterKey(otherInstall, iri)).not.toBe(await voterKey(secret, iri));

    // Two suggestions supported from one install: the endpoint stores two unrelated keys.
    const pageUrl = newPage();
    const a = await colleagueSuggests(pageUrl, 'First idea for this step');
    const b = await colleagueSuggests(pageUrl, 'Second idea for this step');
    const sam = person();
    for (const id of [a, b]) {
      const listing = await sam.db.pageListings.get(pageUrl);
      const markId = listing?.items.find((item) => item.remoteId === id)?.markId;
      const { capability } = await sam.openCard(pageUrl, markId);
      await sam.send('supportSuggestion', { capability, support: true });
    }
    await sam.engine.drain();
    const keys = await server.database.query<{ voter_key: string }>(
      'SELECT voter_key FROM votes WHERE annotation_id = ANY($1)',
      [[a, b].map((iri) => iri.split('/').pop())],
    );
    expect(keys).toHaveLength(2);
    expect(new Set(keys.map((k) => k.voter_key)).size).toBe(2);
  });
});

describe('replies through the outbox', () => {
  it('signs a reply with the display name, lists it as sending, then as the endpoint has it', async () => {
    const pageUrl = newPage();
    const iri = await colleagueSuggests(pageUrl, 'Let managers sign PO-7 in the portal');
    const sam = person('Sam Jansen');
    const { capability, state } = await sam.openCard(pageUrl);
    expect(state.replyAs).toEqual({ anonymous: false, name: 'Sam Jansen' });

    const { reply } = await sam.send<{ reply: ReplyEntry }>('postReply', {
      capability,
      text: 'Same for <b>PO-8</b>',
    });
    expect(reply).toMatchObject({ text: 'Same for <b>PO-8</b>', authorName: 'Sam Jansen' });
    expect(reply.sending).toBe(true);
    const before = await sam.send<{ replies: ReplyEntry[] }>('loadReplies', { capability });
    expect(before.replies.map((r) => [r.text, r.sending])).toEqual([
      ['Same for <b>PO-8</b>', true],
    ]);

    // The answer is lost once: the resend with the same key creates nothing new.
    proxy.setFaults((request) =>
      request.method === 'POST' ? { kind: 'drop-response' } : { kind: 'pass' },
    );
    await sam.engine.drain();
    expect(await sam.db.interactions.count()).toBe(1);
    proxy.setFaults(() => ({ kind: 'pass' }));
    await sam.engine.drain();
    expect(await sam.db.interactions.count()).toBe(0);
    const rows = await storedReplies(iri);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.document.creator?.name).toBe('Sam Jansen');

    const after = await sam.send<{ replies: ReplyEntry[] }>('loadReplies', { capability });
    expect(after.replies).toHaveLength(1);
    expect(after.replies[0]).toMatchObject({
      text: 'Same for <b>PO-8</b>',
      authorName: 'Sam Jansen',
    });
    expect(after.replies[0]?.sending).toBeUndefined();

    // Someone without a display name replies with no name at all.
    const nameless = person('');
    const card = await nameless.openCard(pageUrl);
    await nameless.send('postReply', { capability: card.capability, text: 'Agreed' });
    await nameless.engine.drain();
    const [, unnamed] = await storedReplies(iri);
    expect(unnamed?.document.body[0]?.value).toBe('Agreed');
    expect(unnamed?.document.creator).toBeUndefined();
  });

  it("keeps a reply on the person's own anonymous suggestion anonymous", async () => {
    const pageUrl = newPage();
    const sam = person('Sam Jansen');
    const [id] = await queueSuggestions(sam.db, 1, { anonymous: true }, pageUrl);
    // Opened and replied to before the suggestion itself reached the endpoint.
    const { capability, state } = await sam.openCard(pageUrl, id);
    expect(state.replyAs).toEqual({ anonymous: true, name: '' });
    await sam.send('postReply', { capability, text: 'Step 5 has the same problem' });
    await sam.engine.drain();
    const own = await sam.db.suggestions.get(id as string);
    expect(own?.syncState).toBe('synced');
    expect(await sam.db.interactions.count()).toBe(0);
    const rows = await storedReplies(own?.remoteId as string);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.document.body[0]?.value).toBe('Step 5 has the same problem');
    expect(rows[0]?.document.anonymous).toBe(true);
    expect(rows[0]?.document.creator).toBeUndefined();
    expect(JSON.stringify(rows[0]?.document)).not.toContain('Sam Jansen');
  });

  it('refuses over-long and unstorable replies with a reason, and queues nothing', async () => {
    const pageUrl = newPage();
    await colleagueSuggests(pageUrl, 'Let managers sign PO-7 in the portal');
    const sam = person();
    const { capability } = await sam.openCard(pageUrl);
    await expect(sam.send('postReply', { capability, text: 'x'.repeat(10_001) })).rejects.toThrow(
      'errorReplyTooLong',
    );
    await expect(sam.send('postReply', { capability, text: 'a\u0000b' })).rejects.toThrow(
      'errorReplyUnstorable',
    );
    await expect(sam.send('postReply', { capability, text: '   ' })).rejects.toThrow(
      'errorReplyEmpty',
    );
    expect(await sam.db.interactions.count()).toBe(0);
  });
});
