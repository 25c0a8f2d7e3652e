// @vitest-environment node
// "Unchanged" is cheap: a listing's or an annotation's ETag comes from revisions the writes
// keep, so a 304 reads one small row and builds no page; and every write a listing shows
// changes that ETag.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { createStore } from '../../server/store';
import { type RecordingDatabase, recording } from './helpers/recording-database';
import { call, create, reply, suggestion, TOKENS, uniquePage } from './helpers/test-endpoint';

let database: RecordingDatabase;
let server: RunningServer;
let container: string;

beforeAll(async () => {
  database = recording(await openDatabase({ memory: true }));
  server = await startServer({
    port: 0,
    database,
    tokens: [
      { token: TOKENS.write, role: 'write' },
      { token: TOKENS.owner, role: 'owner' },
    ],
  });
  container = server.containerUrl;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const listing = (query: Record<string, string>) => `${container}?${new URLSearchParams(query)}`;

/** The statements one request ran. */
async function statementsOf(request: () => Promise<Response>) {
  const before = database.queries.length;
  const response = await request();
  await response.arrayBuffer();
  return { response, sql: database.queries.slice(before).map((query) => query.sql) };
}

async function etagOf(url: string): Promise<string> {
  const response = await call(url);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.get('etag') ?? '';
}

describe('a page listing', () => {
  it('answers 304 from one revision read, without reading or building the items', async () => {
    const page = uniquePage();
    for (let i = 0; i < 5; i++) await create(container, suggestion(page, `idea ${i}`));
    const url = listing({ target: page });
    const etag = await etagOf(url);
    const { response, sql } = await statementsOf(() =>
      call(url, { headers: { 'If-None-Match': etag } }),
    );
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(etag);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/FROM page_revisions WHERE target_source = \$1/);
    expect(sql[0]).not.toMatch(/document/);
  });

  it('answers a full listing from one statement of stored JSON, its ETag read with the items', async () => {
    const page = uniquePage();
    for (let i = 0; i < 3; i++) await create(container, suggestion(page, `idea ${i}`));
    const url = listing({ target: page });
    const { response, sql } = await statementsOf(() => call(url));
    expect(response.status).toBe(200);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/FROM page_revisions\s+WHERE target_source = \$\d/);
    expect(sql[0]).toMatch(/listing_tail/);
    // No document is read, parsed or serialised again per request.
    expect(sql[0]).not.toMatch(/document/);
    const etag = response.headers.get('etag') ?? '';
    expect((await call(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('changes its ETag with every write it shows, and not with writes elsewhere', async () => {
    const page = uniquePage();
    const url = listing({ target: page });
    const seen = new Set<string>([await etagOf(url)]);
    const expectChanged = async (what: string) => {
      const etag = await etagOf(url);
      expect(seen.has(etag), what).toBe(false);
      seen.add(etag);
    };
    const { body, secret, response } = await create(container, suggestion(page));
    await expectChanged('create');
    await call(`${body.id}/votes/voter-${randomUUID()}`, { method: 'PUT' });
    await expectChanged('vote');
    await createStore(database).setStatus(body.id.split('/').pop() ?? '', 'planned');
    await expectChanged('status');
    const { body: answer, response: answered } = await create(container, reply(body.id));
    await expectChanged('reply');
    await call(answer.id, {
      method: 'DELETE',
      token: TOKENS.owner,
      headers: { 'If-Match': answered.headers.get('etag') ?? '' },
    });
    await expectChanged('reply deleted');
    const current = await call(body.id);
    const edited = await call(body.id, {
      method: 'PUT',
      body: suggestion(page, 'edited'),
      headers: { 'If-Match': current.headers.get('etag') ?? response.headers.get('etag') ?? '' },
      secret,
    });
    expect(edited.status).toBe(200);
    await expectChanged('edit');

    // Another page's writes leave this listing's validator alone.
    const before = await etagOf(url);
    await create(container, suggestion(uniquePage()));
    expect(await etagOf(url)).toBe(before);

    await call(body.id, {
      method: 'DELETE',
      secret,
      headers: { 'If-Match': edited.headers.get('etag') ?? '' },
    });
    await expectChanged('delete');
  });

  it('gives each query shape its own ETag (limit, cursor)', async () => {
    const page = uniquePage();
    await create(container, suggestion(page));
    await create(container, suggestion(page, 'second'));
    const all = await etagOf(listing({ target: page }));
    const one = await etagOf(listing({ target: page, limit: '1' }));
    expect(one).not.toBe(all);
  });

  it('changes the replies listing when a reply comes', async () => {
    const { body } = await create(container, suggestion(uniquePage()));
    const url = listing({ target: body.id });
    const before = await etagOf(url);
    await create(container, reply(body.id));
    expect(await etagOf(url)).not.toBe(before);
  });
});

describe('status pulls', () => {
  it('answers an unchanged ?ids= with 304 from the revisions alone, and 200 after a change', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await create(container, suggestion(uniquePage()))).body.id);
    const url = listing({ ids: ids.join(',') });
    const etag = await etagOf(url);
    const { response, sql } = await statementsOf(() =>
      call(url, { headers: { 'If-None-Match': etag } }),
    );
    expect(response.status).toBe(304);
    expect(sql).toEqual([
      'SELECT id, revision FROM annotations WHERE id = ANY($1::uuid[]) ORDER BY id',
    ]);
    await call(`${ids[1]}/votes/voter-${randomUUID()}`, { method: 'PUT' });
    expect((await call(url, { headers: { 'If-None-Match': etag } })).status).toBe(200);
  });

  it('answers GET {id} with If-None-Match from its revision alone', async () => {
    const { body, response } = await create(container, suggestion(uniquePage()));
    const etag = response.headers.get('etag') ?? '';
    const { response: unchanged, sql } = await statementsOf(() =>
      call(body.id, { headers: { 'If-None-Match': etag } }),
    );
    expect(unchanged.status).toBe(304);
    expect(sql).toEqual(['SELECT revision FROM annotations WHERE id = $1']);
  });
});
