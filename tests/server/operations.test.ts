// @vitest-environment node
// Ready to operate: health and readiness, JSON-lines logs that hold no identity, graceful
// shutdown, and the optional identity from a trusted sign-in proxy.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { openDatabase } from '../../server/database';
import type { LogEntry } from '../../server/logging';
import { type RunningServer, startServer } from '../../server/start-server';
import { type RecordingDatabase, recording } from './helpers/recording-database';
import { call, create, suggestion, TOKENS, uniquePage } from './helpers/test-endpoint';

const PROXY_SECRET = 'proxy-shared-secret-for-tests';
const USER = 'Dana Verhoeven';
let database: RecordingDatabase;
let server: RunningServer;
const logs: LogEntry[] = [];

beforeAll(async () => {
  database = recording(await openDatabase({ memory: true }));
  server = await startServer({
    port: 0,
    database,
    tokens: [
      { token: TOKENS.write, role: 'write' },
      { token: TOKENS.owner, role: 'owner' },
    ],
    trustedProxy: { secret: PROXY_SECRET },
    log: (entry) => logs.push(entry),
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** Headers the organisation's sign-in proxy adds to every request it forwards. */
const viaProxy = { 'Flywheel-Proxy-Secret': PROXY_SECRET, 'Flywheel-User': USER };

describe('health', () => {
  it('answers /healthz and /readyz without a token', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('is not ready while draining or when the database does not answer', async () => {
    const draining = createApp({ database, lifecycle: { draining: true }, log: () => {} });
    expect((await draining.request('/readyz')).status).toBe(503);
    const broken = createApp({
      database: {
        kind: 'postgres',
        query: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')),
        close: async () => {},
      },
      log: () => {},
    });
    const answer = await broken.request('/readyz');
    expect(answer.status).toBe(503);
    expect((await broken.request('/healthz')).status).toBe(200);
  });
});

describe('logs and rows of an anonymous suggestion', () => {
  it('hold no token, no address, no name and no secret', async () => {
    logs.length = 0;
    const firstRow = database.queries.length;
    const page = uniquePage();
    const key = randomUUID();
    const response = await fetch(server.containerUrl, {
      method: 'POST',
      headers: {
        ...viaProxy,
        Authorization: `Bearer ${TOKENS.write}`,
        'Content-Type': 'application/ld+json',
        'Idempotency-Key': key,
        'Flywheel-Author-Secret': 'S'.repeat(43),
        'User-Agent': 'Mozilla/5.0 (Dana laptop)',
        'X-Forwarded-For': '10.20.30.40',
      },
      body: JSON.stringify(suggestion(page, 'Anonymous: the form is pointless')),
    });
    expect(response.status).toBe(201);
    const stored = (await response.json()) as { id: string; creator?: unknown };
    expect(stored.creator).toBeUndefined();
    // Also a listing and a failing request, so error lines are looked at too.
    await call(`${server.containerUrl}?target=${encodeURIComponent(page)}`);
    const failing = createApp({
      database: {
        kind: 'postgres',
        query: () => Promise.reject(new Error(`duplicate key value "${USER}"`)),
        close: async () => {},
      },
      log: (entry) => logs.push(entry),
    });
    expect(
      (await failing.request(`/annotations/${randomUUID()}`, { headers: viaProxy })).status,
    ).toBe(500);

    const [row] = await database.query<Record<string, unknown>>(
      'SELECT * FROM annotations WHERE idempotency_key = $1',
      [key],
    );
    const pageRows = await database.query('SELECT * FROM page_revisions WHERE target_source = $1', [
      page,
    ]);
    const everything = JSON.stringify({ row, pageRows, logs });
    for (const identity of [
      USER,
      'Dana',
      TOKENS.write,
      PROXY_SECRET,
      'S'.repeat(43),
      '127.0.0.1',
      '10.20.30.40',
      'Mozilla',
    ]) {
      expect(everything, identity).not.toContain(identity);
    }
    // Nor do the logs say which annotation a request was about.
    expect(JSON.stringify(logs)).not.toContain(stored.id.split('/').pop() ?? 'no id');
    expect(logs.some((entry) => entry.msg === 'request' && entry.route === '/annotations/')).toBe(
      true,
    );
    expect(logs.some((entry) => entry.level === 'error')).toBe(true);
    // Every line is one JSON object, as written by the default sink.
    for (const entry of logs) expect(() => JSON.parse(JSON.stringify(entry))).not.toThrow();
    // Nothing the server stored or ran names the person.
    const statements = JSON.stringify(database.queries.slice(firstRow));
    expect(statements).not.toContain(USER);
  });
});

describe('identity from the trusted proxy', () => {
  it('names a signed suggestion with the verified user, not the name the client sent', async () => {
    const { body } = await (async () => {
      const response = await fetch(server.containerUrl, {
        method: 'POST',
        headers: {
          ...viaProxy,
          Authorization: `Bearer ${TOKENS.write}`,
          'Content-Type': 'application/ld+json',
          'Idempotency-Key': randomUUID(),
        },
        body: JSON.stringify(
          suggestion(uniquePage(), 'Signed', { anonymous: false, creator: { name: 'The CEO' } }),
        ),
      });
      return { body: (await response.json()) as { creator?: { name: string } } };
    })();
    expect(body.creator).toEqual({ type: 'Person', name: USER });
  });

  it('ignores the user header without the shared secret, and drops a claimed name', async () => {
    const { body } = await create(
      server.containerUrl,
      suggestion(uniquePage(), 'Claims a name', { anonymous: false, creator: { name: 'The CEO' } }),
    );
    expect(body.creator).toBeUndefined();
    const spoofed = await fetch(server.containerUrl, {
      method: 'POST',
      headers: {
        'Flywheel-Proxy-Secret': 'wrong-secret-guessed-by-someone',
        'Flywheel-User': 'The CEO',
        Authorization: `Bearer ${TOKENS.write}`,
        'Content-Type': 'application/ld+json',
        'Idempotency-Key': randomUUID(),
      },
      body: JSON.stringify(suggestion(uniquePage(), 'Spoof', { anonymous: false })),
    });
    expect(((await spoofed.json()) as { creator?: unknown }).creator).toBeUndefined();
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    const own = recording(await openDatabase({ memory: true }));
    const instance = await startServer({ port: 0, database: own, log: () => {} });
    const created = await create(instance.containerUrl, suggestion(uniquePage()), randomUUID(), {
      token: null,
    });
    own.delayMs = 400;
    const inFlight = fetch(created.body.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = instance.close();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { id: string }).id).toBe(created.body.id);
    await closing;
    await expect(fetch(`${instance.url}/healthz`)).rejects.toThrow();
    await own.close();
  }, 60_000);
});
