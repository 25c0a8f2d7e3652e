// The engine against the real endpoint: author secrets, anonymous status polls alone, and one
// item's failure (5xx, 409, 403, unstorable text) not holding up the others.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import {
  createSyncEngine,
  MAX_SERVER_ERRORS,
  type SyncDeps,
} from '../../utils/background/sync/engine';
import { AUTHOR_SECRET_HEADER } from '../../utils/protocol/annotation';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { queueSuggestions, serverCounts } from '../support/suggestions';

const TOKEN = 'sync-authorship-token';
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
beforeEach(() => proxy.setFaults(() => ({ kind: 'pass' })));

function setup(overrides: Partial<SyncDeps> = {}) {
  const db = new FlywheelDatabase(`sync-${crypto.randomUUID()}`);
  const status = memorySyncStatus();
  const engine = createSyncEngine({
    db,
    loadConfig: async () => ({
      endpointUrl: proxy.containerUrl,
      authMode: 'token',
      token: TOKEN,
      displayName: 'Sam Jansen',
    }),
    status,
    wakeAt: () => {},
    onChange: () => {},
    random: () => 0,
    ...overrides,
  });
  return { db, engine, status: status.current };
}

/** Queues an edit of a sent suggestion, as the background does when the person edits it. */
async function queueEdit(db: FlywheelDatabase, id: string, text: string) {
  await db.transaction('rw', db.suggestions, db.outbox, async () => {
    await db.suggestions.update(id, { text, syncState: 'queued' });
    await db.outbox.add({
      id: crypto.randomUUID(),
      suggestionId: id,
      kind: 'update',
      queuedAt: Date.now(),
      attempts: 0,
      notBefore: Date.now(),
    });
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('authorship', () => {
  it('sends a fresh secret with each create, keeps it, and the endpoint keeps only its hash', async () => {
    const { db, engine } = setup();
    const ids = await queueSuggestions(db, 2);
    const sentSecrets: string[] = [];
    proxy.setFaults((request) => {
      const secret = request.headers[AUTHOR_SECRET_HEADER.toLowerCase()];
      if (typeof secret === 'string') sentSecrets.push(secret);
      return { kind: 'pass' };
    });
    await engine.drain();
    const kept = await db.authorSecrets.bulkGet(ids);
    expect(kept.every((row) => row && row.secret.length >= 43)).toBe(true);
    expect(new Set(kept.map((row) => row?.secret)).size).toBe(2);
    expect(sentSecrets.sort()).toEqual(kept.map((row) => row?.secret).sort());
    const rows = await server.database.query<{ author_secret_hash: string; idem: string }>(
      'SELECT author_secret_hash, idempotency_key AS idem FROM annotations WHERE idempotency_key = ANY($1)',
      [ids],
    );
    for (const row of rows) {
      const local = kept.find((secret) => secret?.suggestionId === row.idem);
      expect(row.author_secret_hash).toBe(sha256(local?.secret ?? ''));
    }
    // The secret is nowhere in the suggestion rows the rest of the extension reads.
    expect(JSON.stringify(await db.suggestions.bulkGet(ids))).not.toContain(kept[0]?.secret);
  });

  it('edits with its secret; a 403 for one item fails that item alone, without pausing sync', async () => {
    const { db, engine, status } = setup();
    const [mine, tampered] = (await queueSuggestions(db, 2)) as [string, string];
    await engine.drain();
    await db.authorSecrets.update(tampered, { secret: 'B'.repeat(43) });
    await queueEdit(db, mine, 'Edited: merge steps 3, 4 and 5');
    await queueEdit(db, tampered, 'An edit the endpoint must refuse');
    await engine.drain();

    expect(await db.suggestions.get(mine)).toMatchObject({ syncState: 'synced' });
    const refused = await db.suggestions.get(tampered);
    expect(refused?.syncState).toBe('failed');
    expect(refused?.lastError).toContain('403');
    expect(status().paused).toBeNull();
    const [row] = await server.database.query<{ document: { body: { value: string }[] } }>(
      'SELECT document FROM annotations WHERE idempotency_key = $1',
      [mine],
    );
    expect(row?.document.body[0]?.value).toBe('Edited: merge steps 3, 4 and 5');

    // The others keep flowing after the refusal.
    const [later] = (await queueSuggestions(db, 1)) as [string];
    await engine.drain();
    expect((await db.suggestions.get(later))?.syncState).toBe('synced');
  });
});

describe('anonymous suggestions are polled alone', () => {
  it('never puts an anonymous id in a request with any other id', async () => {
    const { db, engine } = setup();
    const anonymous = await queueSuggestions(db, 3, { anonymous: true });
    const named = await queueSuggestions(db, 3, { anonymous: false });
    await engine.drain();
    const remoteKeys = new Map(
      (await db.suggestions.bulkGet([...anonymous, ...named])).map((s) => [
        s?.id,
        s?.remoteId?.split('/').pop() ?? '',
      ]),
    );
    // A process owner changes every status, so each poll has something to bring back.
    await server.database.query(
      `UPDATE annotations SET status = 'planned', revision = revision + 1, modified_at = now()
        WHERE idempotency_key = ANY($1)`,
      [[...anonymous, ...named]],
    );
    const urls: string[] = [];
    proxy.setFaults((request) => {
      urls.push(decodeURIComponent(request.url ?? ''));
      return { kind: 'pass' };
    });
    expect(await engine.pullStatuses()).toBe(6);
    const all = [...remoteKeys.values()];
    for (const id of anonymous) {
      const key = remoteKeys.get(id) as string;
      const carrying = urls.filter((url) => url.includes(key));
      expect(carrying).toHaveLength(1);
      const others = all.filter((other) => other !== key && carrying[0]?.includes(other));
      expect(others).toEqual([]);
    }
    expect(urls.filter((url) => url.includes('?ids='))).toHaveLength(1);

    // Unchanged since: each anonymous poll is a 304, conditional on its own ETag.
    urls.length = 0;
    expect(await engine.pullStatuses()).toBe(0);
    expect(urls.filter((url) => !url.includes('?ids='))).toHaveLength(3);
  });
});

describe("one item's failure holds up no other", () => {
  it(`ends repeated 5xx for one item as failed after ${MAX_SERVER_ERRORS} answers, with the reason`, async () => {
    const { db, engine } = setup();
    const [broken, fine] = (await queueSuggestions(db, 2)) as [string, string];
    proxy.setFaults((request) =>
      request.headers['idempotency-key'] === broken
        ? {
            kind: 'respond',
            status: 500,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({ title: 'Database refused the row', error: 'internal-error' }),
          }
        : { kind: 'pass' },
    );
    await engine.drain();
    expect((await db.suggestions.get(fine))?.syncState).toBe('synced');
    for (let i = 1; i < MAX_SERVER_ERRORS; i++) {
      expect((await db.suggestions.get(broken))?.syncState).toBe('queued');
      await engine.drain();
    }
    expect(await db.suggestions.get(broken)).toMatchObject({
      syncState: 'failed',
      lastError: 'Database refused the row (500)',
    });
    expect(await db.outbox.count()).toBe(0);

    // Retryable by hand once the endpoint is fixed.
    proxy.setFaults(() => ({ kind: 'pass' }));
    expect(await engine.retry(broken)).toBe(true);
    await engine.drain();
    expect((await db.suggestions.get(broken))?.syncState).toBe('synced');
  });

  it('retries a 409 with backoff and delivers once the endpoint is free', async () => {
    const { db, engine } = setup();
    const [id] = (await queueSuggestions(db, 1)) as [string];
    let conflicts = 2;
    proxy.setFaults(() =>
      conflicts-- > 0 ? { kind: 'respond', status: 409, body: '' } : { kind: 'pass' },
    );
    await engine.drain();
    expect(await db.suggestions.get(id)).toMatchObject({ syncState: 'queued' });
    expect((await db.outbox.toArray())[0]?.serverErrors).toBe(1);
    await engine.drain();
    await engine.drain();
    expect((await db.suggestions.get(id))?.syncState).toBe('synced');
    expect(await serverCounts(server, [id])).toEqual({ rows: 1, distinctKeys: 1 });
  });

  it('fails what no endpoint could store at once, without sending it, and sends the rest', async () => {
    const { db, engine } = setup();
    const [cut] = (await queueSuggestions(db, 1, {
      selectors: [
        { type: 'TextQuoteSelector', exact: 'Manager signs', prefix: '\uDE00 3. ', suffix: '' },
      ],
    })) as [string];
    const [long] = (await queueSuggestions(
      db,
      1,
      {},
      `https://intranet.example/${'a'.repeat(2_100)}`,
    )) as [string];
    const [fine] = (await queueSuggestions(db, 1)) as [string];
    const before = proxy.stats.requests;
    await engine.drain();
    expect(proxy.stats.requests - before).toBe(1);
    expect((await db.suggestions.get(fine))?.syncState).toBe('synced');
    for (const id of [cut, long]) {
      const failed = await db.suggestions.get(id);
      expect(failed?.syncState).toBe('failed');
      expect(failed?.lastError).toMatch(/^Cannot be sent: target\./);
    }
  });
});

describe('the token goes to the configured endpoint only', () => {
  it('reaches an annotation through the container even if its IRI names another host', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const elsewhere = createServer((request, response) => {
      seen.push(String(request.headers.authorization));
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const { db, engine } = setup();
      const [id] = (await queueSuggestions(db, 1, { anonymous: true })) as [string];
      await engine.drain();
      const sent = await db.suggestions.get(id);
      const key = sent?.remoteId?.split('/').pop() ?? '';
      const address = elsewhere.address() as { port: number };
      await db.suggestions.update(id, {
        remoteId: `http://127.0.0.1:${address.port}/annotations/${key}`,
      });
      await server.database.query(
        `UPDATE annotations SET status = 'done', revision = revision + 1 WHERE idempotency_key = $1`,
        [id],
      );
      expect(await engine.pullStatuses()).toBe(1);
      expect((await db.suggestions.get(id))?.remoteStatus).toBe('done');
      expect(seen).toEqual([]);
    } finally {
      elsewhere.close();
    }
  });
});
