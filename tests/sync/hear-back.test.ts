// Authors hear back, against the real reference endpoint: a status or an owner's reply becomes
// an unread update and one notice (never a second, not after a restart either); an anonymous
// suggestion's replies are asked for alone; a 412 keeps both versions until the person chooses.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { countUnread } from '../../entrypoints/background/badge';
import { createNotices, NOTICE_PREFIX } from '../../entrypoints/background/notices';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import { createErrorLog } from '../../utils/background/error-log';
import { createSyncEngine } from '../../utils/background/sync/engine';
import { ANNOTATION_CONTEXT, ANNOTATION_MEDIA_TYPE } from '../../utils/protocol/annotation';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { queueSuggestions } from '../support/suggestions';

const TOKEN = 'hear-back-writer-token';
const OWNER = 'hear-back-owner-token';
let server: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  const database = await openDatabase({ memory: true });
  server = await startServer({
    port: 0,
    database,
    log: () => {},
    tokens: [
      { token: TOKEN, role: 'write' },
      { token: OWNER, role: 'owner' },
    ],
  });
  proxy = await startFaultProxy(server.containerUrl);
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.close();
  await server?.database.close();
});

let created: ReturnType<typeof vi.fn<(id: string, options: unknown) => void>>;
beforeEach(() => {
  fakeBrowser.reset();
  proxy.setFaults(() => ({ kind: 'pass' }));
  // Messages as `key:substitutions`, so the assertions can name what a notice says.
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
    (key: string, substitutions?: string | string[]) =>
      substitutions === undefined ? key : `${key}:${[substitutions].flat().join('|')}`,
  );
  created = vi.fn<(id: string, options: unknown) => void>();
  const create = fakeBrowser.notifications.create.bind(fakeBrowser.notifications);
  vi.spyOn(fakeBrowser.notifications, 'create').mockImplementation(((
    id: string,
    options: unknown,
  ) => {
    created(id, options);
    return create(id, options as never);
  }) as never);
});

/** A background as it starts: the database, the engine and the notices watching it. */
function start(name = `hear-${crypto.randomUUID()}`) {
  const db = new FlywheelDatabase(name);
  const engine = createSyncEngine({
    db,
    loadConfig: async () => ({
      endpointUrl: proxy.containerUrl,
      authMode: 'token',
      token: TOKEN,
      displayName: 'Sam Jansen',
    }),
    status: memorySyncStatus(),
    wakeAt: () => {},
    onChange: () => {},
    random: () => 0,
  });
  createNotices({ db, log: createErrorLog(db) }).start();
  return { db, engine, name };
}

async function setStatus(id: string, status: string) {
  await server.database.query(
    `UPDATE annotations SET status = $2, revision = revision + 1, modified_at = now() WHERE idempotency_key = $1`,
    [id, status],
  );
}

/** A reply posted with a token: an owner's is marked `fromOwner` by the endpoint. */
async function reply(iri: string, text: string, token = OWNER) {
  const response = await fetch(server.containerUrl, {
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

/** What the notifications said, oldest first (the fake keeps only the latest per id). */
const notices = () =>
  created.mock.calls
    .filter(([id]) => String(id).startsWith(NOTICE_PREFIX))
    .map(([id, options]) => ({
      id: String(id),
      ...(options as { title: string; message: string }),
    }));

/** Notices are told once the transaction is written: give them that moment. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

async function sentSuggestion(db: FlywheelDatabase, extra = {}) {
  const [id] = (await queueSuggestions(db, 1, extra)) as [string];
  return id;
}

describe('authors hear back', () => {
  it('turns a status change into one unread update and one notice that says it', async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    // The first "submitted" only acknowledges it: no news.
    expect(await engine.pullStatuses()).toBe(0);
    await settle();
    expect(notices()).toEqual([]);
    expect(await countUnread(db)).toBe(0);

    await setStatus(id, 'planned');
    expect(await engine.pullStatuses()).toBe(1);
    const row = await db.suggestions.get(id);
    expect(row).toMatchObject({ remoteStatus: 'planned', unread: { status: true } });
    expect(row?.unread?.reply).toBeUndefined();
    expect(await countUnread(db)).toBe(1);
    await vi.waitFor(() => expect(notices()).toHaveLength(1));
    expect(notices()[0]).toMatchObject({
      id: `${NOTICE_PREFIX}${id}`,
      title: 'noticeStatusTitle:status_planned',
      message: row?.text,
    });

    // Pulled again: nothing new, nothing told again.
    expect(await engine.pullStatuses()).toBe(0);
    await settle();
    expect(notices()).toHaveLength(1);
  });

  it("stores the owner's reply as unread and tells it; a colleague's reply is no news", async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    const iri = (await db.suggestions.get(id))?.remoteId as string;

    await reply(iri, 'Same here, step 5 too', TOKEN);
    expect(await engine.pullStatuses()).toBe(1);
    await settle();
    expect(await db.suggestions.get(id)).toMatchObject({ replyCount: 1, repliesReadAt: 1 });
    expect((await db.suggestions.get(id))?.ownerReply).toBeUndefined();
    expect(await countUnread(db)).toBe(0);
    expect(notices()).toEqual([]);

    await reply(iri, 'We will merge steps 3 and 4 in March');
    expect(await engine.pullStatuses()).toBe(1);
    const row = await db.suggestions.get(id);
    expect(row?.ownerReply?.text).toBe('We will merge steps 3 and 4 in March');
    expect(row?.unread).toMatchObject({ reply: true });
    expect(row?.unread?.status).toBeUndefined();
    await vi.waitFor(() => expect(notices()).toHaveLength(1));
    expect(notices()[0]).toMatchObject({
      title: 'noticeReplyTitle',
      message: 'We will merge steps 3 and 4 in March',
    });

    // A status and a second reply at once: one notice that says both.
    await setStatus(id, 'done');
    await reply(iri, 'Done: the new form is live');
    expect(await engine.pullStatuses()).toBe(1);
    await vi.waitFor(() => expect(notices()).toHaveLength(2));
    expect(notices()[1]).toMatchObject({
      title: 'noticeStatusTitle:status_done',
      message: 'noticeOwnerRepliedWith:Done: the new form is live',
    });
    expect(await db.suggestions.get(id)).toMatchObject({
      ownerReply: { text: 'Done: the new form is live' },
      unread: { status: true, reply: true },
    });
  });

  it("asks for an anonymous suggestion's replies in a request of its own", async () => {
    const { db, engine } = start();
    const anonymous = await sentSuggestion(db, { anonymous: true });
    const named = await sentSuggestion(db);
    await engine.drain();
    const rows = await db.suggestions.bulkGet([anonymous, named]);
    const keys = rows.map((row) => row?.remoteId?.split('/').pop() as string);
    for (const row of rows) await reply(row?.remoteId as string, `An answer to ${row?.id}`);

    const urls: string[] = [];
    proxy.setFaults((request) => {
      urls.push(decodeURIComponent(request.url ?? ''));
      return { kind: 'pass' };
    });
    expect(await engine.pullStatuses()).toBe(2);
    const replyRequests = urls.filter((url) => url.includes('?target='));
    expect(replyRequests).toHaveLength(2);
    const [anonymousKey, namedKey] = keys as [string, string];
    const carrying = urls.filter((url) => url.includes(anonymousKey));
    // Its status poll and its replies: each names it alone.
    expect(carrying).toHaveLength(2);
    for (const url of carrying) expect(url).not.toContain(namedKey);
    expect(replyRequests.filter((url) => url.includes(anonymousKey))).toHaveLength(1);
    expect((await db.suggestions.get(anonymous))?.ownerReply?.text).toBe(
      `An answer to ${anonymous}`,
    );
    await vi.waitFor(() => expect(notices()).toHaveLength(2));
  });

  it('tells nothing twice after a restart, even if the same change is seen again', async () => {
    const first = start();
    const id = await sentSuggestion(first.db);
    await first.engine.drain();
    await setStatus(id, 'under-review');
    await reply((await first.db.suggestions.get(id))?.remoteId as string, 'Looking into it');
    expect(await first.engine.pullStatuses()).toBe(1);
    await vi.waitFor(() => expect(notices()).toHaveLength(1));

    // The browser restarts: a new database connection, engine and notices, same storage.
    const restarted = start(first.name);
    expect(await restarted.engine.pullStatuses()).toBe(0);
    await settle();
    expect(notices()).toHaveLength(1);
    // A worker stopped before it kept what it read sees the same answer again: still one.
    await restarted.db.suggestions.update(id, {
      remoteStatus: 'submitted',
      ownerReply: undefined,
      repliesReadAt: 0,
      unread: undefined,
    });
    expect(await restarted.engine.pullStatuses()).toBe(1);
    await settle();
    expect(notices()).toHaveLength(1);
    // The update itself is unread again (nothing says the person saw it), told once only.
    expect(await countUnread(restarted.db)).toBe(1);
  });
});

/** Changes the endpoint's copy behind this device's back (as another client or owner would). */
async function changeAtEndpoint(id: string, text: string) {
  await server.database.query(
    `UPDATE annotations SET document = jsonb_set(document, '{body,0,value}', to_jsonb($2::text)),
       status = 'planned', revision = revision + 1, modified_at = now() WHERE idempotency_key = $1`,
    [id, text],
  );
}

/** Queues an edit of a sent suggestion, as the background does when the person edits it. */
async function queueChange(
  db: FlywheelDatabase,
  id: string,
  change: { text?: string; withdrawn?: boolean },
) {
  await db.transaction('rw', db.suggestions, db.outbox, async () => {
    await db.suggestions.update(id, { ...change, syncState: 'queued' });
    await db.outbox.add({
      id: crypto.randomUUID(),
      suggestionId: id,
      kind: change.withdrawn ? 'delete' : 'update',
      queuedAt: Date.now(),
      attempts: 0,
      notBefore: Date.now(),
    });
  });
}

async function endpointText(id: string): Promise<string | undefined> {
  const [row] = await server.database.query<{ text: string }>(
    `SELECT document->'body'->0->>'value' AS text FROM annotations WHERE idempotency_key = $1 AND deleted_at IS NULL`,
    [id],
  );
  return row?.text;
}

describe('an edit or withdrawal that meets 412 Precondition Failed', () => {
  /** Records each write's method and If-Match. */
  function recordWrites() {
    const writes: { method: string; ifMatch?: string }[] = [];
    proxy.setFaults((request) => {
      if (request.method === 'PUT' || request.method === 'DELETE') {
        writes.push({ method: request.method, ifMatch: request.headers['if-match'] as string });
      }
      return { kind: 'pass' };
    });
    return writes;
  }

  it('keeps both versions, resends nothing stale, and Keep mine sends with the fresh ETag', async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    const sentEtag = (await db.suggestions.get(id))?.etag;
    await changeAtEndpoint(id, 'Changed at the endpoint');
    await queueChange(db, id, { text: 'My edit: merge steps 3, 4 and 5' });
    const writes = recordWrites();
    await engine.drain();

    const row = await db.suggestions.get(id);
    expect(row).toMatchObject({
      syncState: 'conflict',
      text: 'My edit: merge steps 3, 4 and 5',
      remoteVersion: { text: 'Changed at the endpoint', status: 'planned' },
    });
    expect(row?.remoteVersion?.etag).toBeDefined();
    expect(row?.remoteVersion?.etag).not.toBe(sentEtag);
    expect(writes).toEqual([{ method: 'PUT', ifMatch: sentEtag }]);
    expect(await db.outbox.count()).toBe(0);

    // Retry does not send the stale If-Match again: it only asks what the endpoint has.
    expect(await engine.retry(id)).toBe(false);
    await engine.drain();
    expect(writes).toHaveLength(1);
    expect((await db.suggestions.get(id))?.syncState).toBe('conflict');

    expect(await engine.resolveConflict(id, 'mine')).toBe(true);
    await engine.drain();
    expect(writes).toEqual([
      { method: 'PUT', ifMatch: sentEtag },
      { method: 'PUT', ifMatch: row?.remoteVersion?.etag },
    ]);
    const kept = await db.suggestions.get(id);
    expect(kept).toMatchObject({ syncState: 'synced', remoteStatus: 'planned' });
    expect(kept?.remoteVersion).toBeUndefined();
    expect(await endpointText(id)).toBe('My edit: merge steps 3, 4 and 5');
  });

  it('sends an edit again without asking when colleagues only supported it meanwhile', async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    const sent = await db.suggestions.get(id);
    const vote = await fetch(`${sent?.remoteId}/votes/colleague-voter-key-1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(vote.status).toBe(200);
    await queueChange(db, id, { text: 'Edited after a colleague supported it' });
    const writes = recordWrites();
    await engine.drain();
    expect(writes).toHaveLength(2);
    expect(writes[0]?.ifMatch).toBe(sent?.etag);
    expect(writes[1]?.ifMatch).not.toBe(sent?.etag);
    const row = await db.suggestions.get(id);
    expect(row).toMatchObject({ syncState: 'synced', voteCount: 1 });
    expect(row?.remoteVersion).toBeUndefined();
    expect(await endpointText(id)).toBe('Edited after a colleague supported it');
  });

  it("Keep theirs takes the endpoint's version here and sends nothing", async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    await changeAtEndpoint(id, 'The endpoint knows best');
    await queueChange(db, id, { text: 'An edit I will let go' });
    await engine.drain();
    const writes = recordWrites();
    expect(await engine.resolveConflict(id, 'theirs')).toBe(true);
    await engine.drain();
    expect(writes).toEqual([]);
    const row = await db.suggestions.get(id);
    expect(row).toMatchObject({
      syncState: 'synced',
      text: 'The endpoint knows best',
      remoteStatus: 'planned',
    });
    expect(row?.remoteVersion).toBeUndefined();
    expect(await endpointText(id)).toBe('The endpoint knows best');
    // Its ETag is the endpoint's: a later edit is not refused.
    await queueChange(db, id, { text: 'A later edit' });
    await engine.drain();
    expect((await db.suggestions.get(id))?.syncState).toBe('synced');
    expect(await endpointText(id)).toBe('A later edit');
  });

  it('keeps a withdrawal that met a 412 until the person keeps it, then deletes with the fresh ETag', async () => {
    const { db, engine } = start();
    const id = await sentSuggestion(db);
    await engine.drain();
    await changeAtEndpoint(id, 'Planned meanwhile');
    await queueChange(db, id, { withdrawn: true });
    const writes = recordWrites();
    await engine.drain();
    const row = await db.suggestions.get(id);
    expect(row).toMatchObject({
      syncState: 'conflict',
      withdrawn: true,
      remoteVersion: { text: 'Planned meanwhile', status: 'planned' },
    });
    expect(await endpointText(id)).toBe('Planned meanwhile');
    await engine.resolveConflict(id, 'mine');
    await engine.drain();
    expect(writes.map((w) => w.method)).toEqual(['DELETE', 'DELETE']);
    expect(writes[1]?.ifMatch).toBe(row?.remoteVersion?.etag);
    expect(await endpointText(id)).toBeUndefined();
    expect((await db.suggestions.get(id))?.syncState).toBe('synced');
  });
});
