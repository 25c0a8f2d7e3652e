// @vitest-environment node
// Several stateless instances on one PostgreSQL: they migrate at once safely, a create raced
// against both makes one row, each sees the other's writes; and every query the API runs
// can be answered from an index (EXPLAIN with sequential scans ruled out).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { createStore } from '../../server/store';
import { startTestPostgres, type TestPostgres } from './helpers/postgres-cluster';
import { type RecordingDatabase, recording } from './helpers/recording-database';
import {
  call,
  create,
  reply,
  secretFor,
  suggestion,
  TOKENS,
  uniquePage,
} from './helpers/test-endpoint';

const tokens = [
  { token: TOKENS.write, role: 'write' as const },
  { token: TOKENS.owner, role: 'owner' as const },
];
let postgres: TestPostgres;
let instances: RunningServer[] = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  // Both start (and migrate) at the same moment on an empty database.
  instances = await Promise.all(
    [0, 1].map(() => startServer({ port: 0, databaseUrl: postgres.databaseUrl, tokens })),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await postgres?.stop();
}, 60_000);

describe('two instances on one PostgreSQL', () => {
  it('applied each migration exactly once', async () => {
    const rows = await instances[0]?.database.query<{ name: string; n: number }>(
      'SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY name',
    );
    expect(rows?.length).toBeGreaterThanOrEqual(2);
    expect(rows?.every((row) => row.n === 1)).toBe(true);
  });

  it('makes one row of the same idempotent create raced against both', async () => {
    const [a, b] = instances as [RunningServer, RunningServer];
    const key = randomUUID();
    const page = uniquePage();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        create((i % 2 === 0 ? a : b).containerUrl, suggestion(page), key),
      ),
    );
    const statuses = results.map((result) => result.response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(11);
    const [count] = await a.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM annotations WHERE idempotency_key = $1',
      [key],
    );
    expect(count?.n).toBe(1);
  });

  it("sees the other instance's writes in its ETags and listings", async () => {
    const [a, b] = instances as [RunningServer, RunningServer];
    const page = uniquePage();
    const { body } = await create(a.containerUrl, suggestion(page));
    const url = (instance: RunningServer) =>
      `${instance.containerUrl}?target=${encodeURIComponent(page)}`;
    const before = await call(url(a));
    const etag = before.headers.get('etag') ?? '';
    const id = body.id.split('/').pop() ?? '';
    expect(
      (await call(`${b.containerUrl}${id}/votes/voter-${randomUUID()}`, { method: 'PUT' })).status,
    ).toBe(200);
    const after = await call(url(a), { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(
      ((await after.json()) as { first: { items: { voteCount: number }[] } }).first.items[0]
        ?.voteCount,
    ).toBe(1);
  });
});

describe('every query of the request path uses an index', () => {
  let recorded: RecordingDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    recorded = recording(await openDatabase({ databaseUrl: postgres.databaseUrl }));
    server = await startServer({ port: 0, database: recorded, tokens });
    // Enough rows on other pages that an index is what a planner would want anyway.
    await recorded.query(
      `INSERT INTO annotations (id, kind, target_source, document, idempotency_key)
       SELECT gen_random_uuid(), 'suggestion', 'https://intranet.example/seed/' || (n % 300),
              '{"type":"Annotation"}'::jsonb, 'seed-' || n
         FROM generate_series(1, 3000) AS n`,
    );
    await recorded.query('ANALYZE');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await recorded?.close();
  });

  it('runs every API route, then EXPLAINs each statement it ran', async () => {
    const container = server.containerUrl;
    const page = uniquePage();
    recorded.queries.length = 0;
    const key = randomUUID();
    const first = await create(container, suggestion(page), key);
    await create(container, suggestion(page), key);
    const { body } = first;
    const id = body.id.split('/').pop() ?? '';
    const answer = await create(container, reply(body.id));
    await create(container, reply(body.id, 'From the owner'), randomUUID(), {
      token: TOKENS.owner,
    });
    const read = await call(body.id);
    await call(body.id, { headers: { 'If-None-Match': read.headers.get('etag') ?? '' } });
    const listing = await call(`${container}?target=${encodeURIComponent(page)}&limit=1`);
    const next = ((await listing.json()) as { first: { next?: string } }).first.next;
    if (next) await call(next);
    await call(`${container}?target=${encodeURIComponent(page)}`, {
      headers: { 'If-None-Match': listing.headers.get('etag') ?? '' },
    });
    await call(`${container}?target=${encodeURIComponent(body.id)}`);
    await call(`${container}?ids=${id}&since=2026-01-01T00:00:00Z`);
    await call(`${container}?ids=${id},${randomUUID()}`);
    await call(`${container}?since=2026-01-01T00:00:00Z&limit=5`);
    await call(`${container}?limit=5`);
    await call(`${body.id}/votes/voter-${randomUUID()}`, { method: 'PUT' });
    const voter = `voter-${randomUUID()}`;
    await call(`${body.id}/votes/${voter}`, { method: 'PUT' });
    await call(`${body.id}/votes/${voter}`, { method: 'DELETE' });
    const store = createStore(recorded);
    await store.setStatus(id, 'planned');
    await store.listForTriage(undefined, 50);
    await store.listForTriage('planned', 50);
    const current = await call(body.id);
    const edited = await call(body.id, {
      method: 'PUT',
      body: suggestion(page, 'edited'),
      secret: secretFor(key),
      headers: { 'If-Match': current.headers.get('etag') ?? '' },
    });
    expect(edited.status).toBe(200);
    await call(answer.body.id, {
      method: 'DELETE',
      secret: answer.secret,
      headers: { 'If-Match': answer.response.headers.get('etag') ?? '' },
    });
    await call(body.id, {
      method: 'DELETE',
      secret: secretFor(key),
      headers: { 'If-Match': edited.headers.get('etag') ?? '' },
    });
    await fetch(`${server.url}/readyz`);

    const statements = new Map(recorded.queries.map((query) => [query.sql, query.params]));
    expect(statements.size).toBeGreaterThan(15);
    const client = new pg.Client({ connectionString: postgres.databaseUrl });
    await client.connect();
    const sequential: string[] = [];
    try {
      for (const [sql, params] of statements) {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const [row] = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, [...params])).rows as {
          'QUERY PLAN': { Plan: PlanNode }[];
        }[];
        await client.query('ROLLBACK');
        const plan = row?.['QUERY PLAN'][0]?.Plan;
        for (const node of walk(plan)) {
          if (node['Node Type'] === 'Seq Scan') {
            sequential.push(`${node['Relation Name']}: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
          }
        }
      }
    } finally {
      await client.end();
    }
    expect(sequential).toEqual([]);
  }, 120_000);
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function* walk(node: PlanNode | undefined): Generator<PlanNode> {
  if (!node) return;
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}
