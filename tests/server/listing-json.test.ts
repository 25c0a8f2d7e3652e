// @vitest-environment node
// A listing serves each annotation's stored JSON text (server/migrations/004-listing-json.sql)
// instead of serialising rows per request. These tests hold that text equal to a fresh
// serialisation of the row (toWireAnnotation, what GET {id} answers) after every kind of
// write, on PGlite and PostgreSQL, and check that a listing is one statement.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/database';
import { toWireAnnotation } from '../../server/representation';
import { createStore } from '../../server/store';
import {
  call,
  create,
  DATABASE_KINDS,
  reply,
  suggestion,
  TOKENS,
  uniquePage,
  useTestEndpoints,
} from './helpers/test-endpoint';

interface Listed {
  first: { items: Record<string, unknown>[]; next?: string };
  total: number;
}

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('stored listing JSON on %s', (kind) => {
  let container: string;
  let database: Database;

  beforeAll(async () => {
    const endpoint = await endpointFor(kind);
    container = endpoint.server.containerUrl;
    database = endpoint.server.database;
  }, 60_000);

  const idOf = (iri: string) => iri.slice(container.length);

  /** What GET {id} answers, without the context that items in a page share. */
  async function fetched(iri: string): Promise<Record<string, unknown>> {
    const response = await call(iri);
    expect(response.status).toBe(200);
    const { '@context': context, ...rest } = (await response.json()) as Record<string, unknown>;
    expect(context).toBeDefined();
    return rest;
  }

  async function listing(target: string): Promise<Listed> {
    const response = await call(`${container}?${new URLSearchParams({ target })}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Listed;
  }

  /**
   * The row's stored text, completed as the listing query completes it, against a fresh
   * serialisation of the same row, for every annotation on the page (tombstones included).
   */
  async function expectStoredEqualsFresh(page: string) {
    const rows = await database.query<{
      id: string;
      parent_id: string | null;
      listing_tail: string;
    }>(
      `SELECT a.id, a.parent_id, a.listing_tail FROM annotations a
        WHERE a.target_source = $1 ORDER BY a.seq`,
      [page],
    );
    expect(rows.length).toBeGreaterThan(0);
    const store = createStore(database);
    for (const row of rows) {
      const record = await store.getAnnotation(row.id);
      if (!record) throw new Error(`no row ${row.id}`);
      const target = row.parent_id ? `"target":${JSON.stringify(container + row.parent_id)},` : '';
      // The listing query puts a screenshot's IRI where the text holds U+0001 (migration 005).
      const tail = row.listing_tail.replaceAll('\u0001', `${container}${row.id}/screenshot`);
      const stored = JSON.parse(
        `{"id":${JSON.stringify(container + row.id)},${target}${tail}`,
      ) as unknown;
      expect(stored, `annotation ${row.id}`).toEqual(
        toWireAnnotation(record, container, { withContext: false }),
      );
    }
  }

  /** Every item of the page's listing equals GET of that item. */
  async function expectListingEqualsGets(page: string, expectedCount: number) {
    const listed = await listing(page);
    expect(listed.first.items).toHaveLength(expectedCount);
    expect(listed.total).toBe(expectedCount);
    for (const item of listed.first.items) {
      expect(item).toEqual(await fetched(String(item.id)));
    }
    return listed.first.items;
  }

  it('stays equal to a fresh serialisation through create, vote, status, reply, edit and delete', async () => {
    const page = uniquePage();
    const signed = await create(
      container,
      suggestion(page, 'Signed: "quotes", a \\ backslash, a tab\tand ünïcödé ✓', {
        anonymous: false,
        creator: { type: 'Person', name: 'Alex Visser' },
      }),
    );
    const anonymous = await create(container, suggestion(page, 'Anonymous one'));
    // With a screenshot: named by reference in the stored text as in GET (migration 005).
    const base = suggestion(page, 'With a picture: "\u0001" in text stays text');
    const pictured = await create(container, {
      ...base,
      body: [
        ...base.body,
        { type: 'Image', id: 'data:image/png;base64,iVBORw0KGgo=', format: 'image/png' },
      ],
    });
    expect(pictured.response.status).toBe(201);
    // A suggestion about the whole page, without a client `created` (the server's is used).
    const { created: _created, ...withoutCreated } = suggestion(page, 'The whole page');
    const wholePage = await create(container, { ...withoutCreated, target: page });
    expect(wholePage.response.status).toBe(201);
    await expectStoredEqualsFresh(page);
    let items = await expectListingEqualsGets(page, 4);
    expect(items.find((item) => item.id === wholePage.body.id)?.target).toBe(page);
    expect(items.find((item) => item.id === anonymous.body.id)).not.toHaveProperty('creator');
    expect(items.find((item) => item.id === pictured.body.id)?.body).toContainEqual({
      type: 'Image',
      id: `${pictured.body.id}/screenshot`,
      format: 'image/png',
    });

    await call(`${signed.body.id}/votes/voter-${randomUUID()}`, { method: 'PUT' });
    const voter = `voter-${randomUUID()}`;
    await call(`${anonymous.body.id}/votes/${voter}`, { method: 'PUT' });
    await call(`${anonymous.body.id}/votes/${voter}`, { method: 'DELETE' });
    await createStore(database).setStatus(idOf(signed.body.id), 'under-review');
    const answer = await create(container, reply(signed.body.id, 'Thanks: looking at it'));
    await create(container, reply(signed.body.id, 'From the owner'), randomUUID(), {
      token: TOKENS.owner,
    });
    await expectStoredEqualsFresh(page);
    items = await expectListingEqualsGets(page, 4);
    const signedItem = items.find((item) => item.id === signed.body.id);
    expect(signedItem).toMatchObject({
      voteCount: 1,
      replyCount: 2,
      status: 'under-review',
      creator: { name: 'Alex Visser' },
    });

    // The replies' own listing: each equals GET of the reply, owner's marked by the server.
    const replies = await listing(signed.body.id);
    expect(replies.first.items.map((item) => item.fromOwner)).toEqual([false, true]);
    for (const item of replies.first.items) {
      expect(item).toEqual(await fetched(String(item.id)));
      expect(item.target).toBe(signed.body.id);
    }

    const current = await call(signed.body.id);
    const edited = await call(signed.body.id, {
      method: 'PUT',
      body: suggestion(page, 'Edited text', { anonymous: false, category: 'clarity' }),
      secret: signed.secret,
      headers: { 'If-Match': current.headers.get('etag') ?? '' },
    });
    expect(edited.status).toBe(200);
    const deletedReply = await call(answer.body.id, {
      method: 'DELETE',
      secret: answer.secret,
      headers: { 'If-Match': answer.response.headers.get('etag') ?? '' },
    });
    expect(deletedReply.status).toBe(204);
    await expectStoredEqualsFresh(page);
    items = await expectListingEqualsGets(page, 4);
    expect(items.find((item) => item.id === signed.body.id)).toMatchObject({
      replyCount: 1,
      category: 'clarity',
    });

    const removed = await call(anonymous.body.id, {
      method: 'DELETE',
      secret: anonymous.secret,
      headers: { 'If-Match': (await call(anonymous.body.id)).headers.get('etag') ?? '' },
    });
    expect(removed.status).toBe(204);
    await expectStoredEqualsFresh(page);
    items = await expectListingEqualsGets(page, 3);
    expect(items.map((item) => item.id)).not.toContain(anonymous.body.id);
  });

  it('serves compact JSON: the bytes JSON.stringify would write, spaces inside text kept', async () => {
    const page = uniquePage();
    await create(container, suggestion(page, 'Spaces: after ", " and ": " stay, \\", {"a": 1}'));
    await create(container, { ...suggestion(page, 'Whole page'), target: page });
    const response = await call(`${container}?${new URLSearchParams({ target: page })}`);
    const text = await response.text();
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    const [item] = (JSON.parse(text) as Listed).first.items;
    expect((item?.body as { value: string }[] | undefined)?.[0]?.value).toBe(
      'Spaces: after ", " and ": " stay, \\", {"a": 1}',
    );
  });

  it('is rebuilt by a write made outside the API (an administrator, a bulk import)', async () => {
    const page = uniquePage();
    const { body } = await create(container, suggestion(page));
    await database.query(
      `UPDATE annotations SET status = 'done', vote_count = 7, modified_at = '2026-12-01T10:11:12.345678Z'
        WHERE id = $1`,
      [idOf(body.id)],
    );
    await expectStoredEqualsFresh(page);
    const [item] = await expectListingEqualsGets(page, 1);
    expect(item).toMatchObject({
      status: 'done',
      voteCount: 7,
      modified: '2026-12-01T10:11:12.345Z',
    });
  });

  it('answers a status pull by ids with the same items', async () => {
    const page = uniquePage();
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await create(container, suggestion(page, `n${i}`))).body.id);
    const response = await call(`${container}?${new URLSearchParams({ ids: ids.join(',') })}`);
    expect(response.status).toBe(200);
    const listed = (await response.json()) as Listed;
    expect(listed.first.items.map((item) => item.id)).toEqual(ids);
    for (const item of listed.first.items) expect(item).toEqual(await fetched(String(item.id)));
  });

  it('pages through a long listing with the same items and total', async () => {
    const page = uniquePage();
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await create(container, suggestion(page, `p${i}`))).body.id);
    const seen: string[] = [];
    let url: string | undefined =
      `${container}?${new URLSearchParams({ target: page, limit: '2' })}`;
    let first = true;
    while (url) {
      const response = await call(url);
      const body = (await response.json()) as {
        total?: number;
        first?: { items: { id: string }[]; next?: string };
        items?: { id: string }[];
        next?: string;
        partOf?: { total: number };
      };
      const pageBody = first ? body.first : body;
      expect(first ? body.total : body.partOf?.total).toBe(5);
      seen.push(...(pageBody?.items ?? []).map((item) => item.id));
      url = pageBody?.next;
      first = false;
    }
    expect(seen).toEqual(ids);
  });
});
