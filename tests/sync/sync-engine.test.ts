// The sync engine against the real reference endpoint, over HTTP, through a faulty network.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import {
  createSyncEngine,
  MAX_GARBAGE_ATTEMPTS,
  type SyncDeps,
} from '../../utils/background/sync/engine';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { seededRandom } from '../support/seeded-random';
import { queueSuggestions, serverCounts } from '../support/suggestions';

const TOKEN = 'sync-test-token';
let server: RunningServer;
let proxy: FaultProxy;

beforeAll(async () => {
  const database = await openDatabase({ memory: true });
  server = await startServer({ port: 0, database, tokens: [{ token: TOKEN, role: 'write' }] });
  proxy = await startFaultProxy(server.containerUrl);
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
  let token = TOKEN;
  const wakes: number[] = [];
  const engine = createSyncEngine({
    db,
    loadConfig: async () => ({
      endpointUrl: proxy.containerUrl,
      authMode: 'token',
      token,
      displayName: 'Sam Jansen',
    }),
    status,
    wakeAt: (time) => wakes.push(time),
    onChange: () => {},
    random: () => 0, // retries are due at once unless the endpoint says otherwise
    ...overrides,
  });
  return {
    db,
    engine,
    wakes,
    status: status.current,
    setToken: (next: string) => {
      token = next;
    },
  };
}

describe('sync engine against the reference endpoint', () => {
  it('sends a queued suggestion once and brings its status back', async () => {
    const { db, engine, status } = setup();
    const [id] = await queueSuggestions(db, 1, { anonymous: true });
    await engine.drain();
    const sent = await db.suggestions.get(id as string);
    expect(sent).toMatchObject({ syncState: 'synced', remoteStatus: 'submitted' });
    expect(sent?.remoteId).toMatch(/\/annotations\/[0-9a-f-]{36}$/);
    expect(await db.outbox.count()).toBe(0);
    expect(status().lastSyncAt).not.toBeNull();
    const [row] = await server.database.query<{ document: { creator?: unknown } }>(
      'SELECT document FROM annotations WHERE idempotency_key = $1',
      [id],
    );
    // Anonymous: no name left this device.
    expect(row?.document.creator).toBeUndefined();

    // A process owner sets a status; the next pull brings it back.
    await server.database.query(
      `UPDATE annotations SET status = 'planned', revision = revision + 1, modified_at = now() WHERE idempotency_key = $1`,
      [id],
    );
    expect(await engine.pullStatuses()).toBe(1);
    expect((await db.suggestions.get(id as string))?.remoteStatus).toBe('planned');
  });

  it('keeps suggestions while the endpoint is down and sends them once it is back', async () => {
    const { db, engine, status, wakes } = setup();
    const ids = await queueSuggestions(db, 3);
    proxy.setFaults(() => ({ kind: 'down' }));
    await engine.drain();
    expect(status().offline).toBe(true);
    expect((await db.suggestions.bulkGet(ids)).map((s) => s?.syncState)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    expect(await db.outbox.count()).toBe(3);
    expect(wakes.length).toBeGreaterThan(0);

    proxy.setFaults(() => ({ kind: 'pass' }));
    await engine.drain();
    expect((await db.suggestions.bulkGet(ids)).map((s) => s?.syncState)).toEqual([
      'synced',
      'synced',
      'synced',
    ]);
    expect(await serverCounts(server, ids)).toEqual({ rows: 3, distinctKeys: 3 });
    expect(status().offline).toBe(false);
  });

  it('resends what a stopped worker left in flight with the same key, creating nothing twice', async () => {
    const { db, engine } = setup();
    const [id] = await queueSuggestions(db, 1);
    // The answer never arrives: the worker is stopped while the request is in flight.
    proxy.setFaults(() => ({ kind: 'drop-response' }));
    await engine.drain();
    expect(await serverCounts(server, [id as string])).toEqual({ rows: 1, distinctKeys: 1 });
    await db.suggestions.update(id as string, { syncState: 'sending' });

    // A new worker starts: it finds the row in flight and sends it again.
    proxy.setFaults(() => ({ kind: 'pass' }));
    const restarted = createSyncEngine({
      db,
      loadConfig: async () => ({
        endpointUrl: proxy.containerUrl,
        authMode: 'token',
        token: TOKEN,
        displayName: '',
      }),
      status: memorySyncStatus(),
      wakeAt: () => {},
      onChange: () => {},
      random: () => 0,
    });
    expect(await restarted.recover()).toBe(1);
    await restarted.drain();
    expect((await db.suggestions.get(id as string))?.syncState).toBe('synced');
    expect(await serverCounts(server, [id as string])).toEqual({ rows: 1, distinctKeys: 1 });
  });

  it('honours Retry-After on 503 and retries 429', async () => {
    const { db, engine, wakes } = setup();
    const [id] = await queueSuggestions(db, 1);
    proxy.setFaults(() => ({ kind: 'respond', status: 503, headers: { 'Retry-After': '120' } }));
    const before = Date.now();
    await engine.drain();
    const op = (await db.outbox.toArray())[0];
    expect(op?.attempts).toBe(1);
    expect(op?.notBefore).toBeGreaterThanOrEqual(before + 120_000);
    expect(wakes.at(-1)).toBe(op?.notBefore);
    expect((await db.suggestions.get(id as string))?.lastError).toContain('503');

    let limited = 1;
    proxy.setFaults(() => (limited-- > 0 ? { kind: 'respond', status: 429 } : { kind: 'pass' }));
    await engine.sendNow();
    expect((await db.suggestions.get(id as string))?.syncState).toBe('queued');
    await engine.drain();
    expect((await db.suggestions.get(id as string))?.syncState).toBe('synced');
  });

  it('gives up on a slow answer after the timeout and tries again later', async () => {
    const { db, engine } = setup({ timeoutMs: 300 });
    const [id] = await queueSuggestions(db, 1);
    proxy.setFaults(() => ({ kind: 'delay', ms: 1_500 }));
    await engine.drain();
    expect(await db.suggestions.get(id as string)).toMatchObject({
      syncState: 'queued',
      lastError: 'errorEndpointTimeout',
    });
    proxy.setFaults(() => ({ kind: 'pass' }));
    await engine.drain();
    expect((await db.suggestions.get(id as string))?.syncState).toBe('synced');
    expect(await serverCounts(server, [id as string])).toEqual({ rows: 1, distinctKeys: 1 });
  });

  it('pauses on 401 and goes on once the person fixes the token', async () => {
    const { db, engine, status, setToken } = setup();
    const ids = await queueSuggestions(db, 2);
    setToken('expired-token');
    await engine.drain();
    expect(status().paused).toBe('unauthorized');
    expect((await db.suggestions.bulkGet(ids)).every((s) => s?.syncState === 'queued')).toBe(true);
    expect(await db.outbox.count()).toBe(2);
    // Paused: nothing is sent, however often the alarm fires.
    await engine.drain();
    expect(await serverCounts(server, ids)).toEqual({ rows: 0, distinctKeys: 0 });

    setToken(TOKEN);
    await engine.sendNow();
    expect(status().paused).toBeNull();
    expect(await serverCounts(server, ids)).toEqual({ rows: 2, distinctKeys: 2 });
  });

  it('marks a refused suggestion failed with the endpoint reason, and retries it by hand', async () => {
    const { db, engine } = setup();
    const [id] = await queueSuggestions(db, 1);
    proxy.setFaults(() => ({
      kind: 'respond',
      status: 422,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({
        title: 'Suggestions about this page are closed',
        error: 'closed',
        status: 422,
      }),
    }));
    await engine.drain();
    expect(await db.suggestions.get(id as string)).toMatchObject({
      syncState: 'failed',
      lastError: 'Suggestions about this page are closed (422)',
    });
    expect(await db.outbox.count()).toBe(0);

    proxy.setFaults(() => ({ kind: 'pass' }));
    expect(await engine.retry(id as string)).toBe(true);
    await engine.drain();
    expect((await db.suggestions.get(id as string))?.syncState).toBe('synced');
  });

  it('does not trust an answer that is not an annotation', async () => {
    const { db, engine } = setup();
    const [id] = await queueSuggestions(db, 1);
    proxy.setFaults(() => ({
      kind: 'respond',
      status: 200,
      body: '<html>Sign in to the intranet</html>',
    }));
    for (let i = 0; i < MAX_GARBAGE_ATTEMPTS; i++) await engine.drain();
    expect(await db.suggestions.get(id as string)).toMatchObject({
      syncState: 'failed',
      lastError: 'errorEndpointGarbage',
    });
    // Nothing is lost: the text is still here to retry.
    expect((await db.suggestions.get(id as string))?.text).toContain('suggestion 0');
  });

  it('delivers every suggestion exactly once through lost answers and duplicated requests', async () => {
    const { db, engine } = setup();
    const ids = await queueSuggestions(db, 120);
    const random = seededRandom(42);
    proxy.setFaults(() => {
      const roll = random();
      if (roll < 0.3) return { kind: 'drop-response' };
      if (roll < 0.4) return { kind: 'duplicate' };
      return { kind: 'pass' };
    });
    for (let round = 0; round < 30 && (await db.outbox.count()) > 0; round++) await engine.drain();
    expect(await db.outbox.count()).toBe(0);
    expect(await serverCounts(server, ids)).toEqual({ rows: 120, distinctKeys: 120 });
    expect(proxy.stats.dropped).toBeGreaterThan(10);
    expect(proxy.stats.duplicated).toBeGreaterThan(3);
  });
});
