// @vitest-environment node
// Listings (paging, filters, statuses in bulk) and the triage page, on PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AnnotationCollectionSchema,
  AnnotationPageSchema,
  type StoredAnnotation,
} from '../../utils/protocol/annotation';
import {
  call,
  create,
  DATABASE_KINDS,
  reply,
  suggestion,
  type TestEndpoint,
  TOKENS,
  uniquePage,
  useTestEndpoints,
} from './helpers/test-endpoint';

const listUrl = (container: string, query: Record<string, string>) =>
  `${container}?${new URLSearchParams(query)}`;

/** Follows `next` links from the collection to the last page. */
async function readAllPages(collectionUrl: string) {
  const collection = v.parse(AnnotationCollectionSchema, await (await call(collectionUrl)).json());
  const pages = [collection.first];
  let next = collection.first?.next;
  while (next) {
    const page = v.parse(AnnotationPageSchema, await (await call(next)).json());
    pages.push(page);
    next = page.next;
  }
  const items = pages.flatMap((page) => page?.items ?? []);
  return { collection, pages, items };
}

/** A browser-like session on the triage page: a cookie jar and the last page's CSRF token. */
function triageSession(baseUrl: string) {
  let cookie = '';
  const request = async (path: string, form?: Record<string, string>, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        ...(cookie ? { Cookie: cookie } : {}),
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    return response;
  };
  return { request, hasCookie: () => cookie.length > 0 };
}

function csrfFrom(page: string): string {
  const match = page.match(/name="csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('listing and triage on %s', (kind) => {
  let endpoint: TestEndpoint;
  let container: string;

  beforeAll(async () => {
    endpoint = await endpointFor(kind);
    container = endpoint.server.containerUrl;
  }, 60_000);

  describe('GET the container', () => {
    it('lists only the suggestions of the target page, across pages linked by next', async () => {
      const page = uniquePage();
      const other = uniquePage();
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.push((await create(container, suggestion(page, `suggestion ${index}`))).body.id);
        await create(container, suggestion(other, `elsewhere ${index}`));
      }
      const { collection, pages, items } = await readAllPages(
        listUrl(container, { target: page, limit: '2' }),
      );
      expect(collection.type).toContain('AnnotationCollection');
      expect(collection.total).toBe(5);
      expect(pages.map((current) => current?.items.length)).toEqual([2, 2, 1]);
      expect(pages[0]?.startIndex).toBe(0);
      expect(items.map((item) => item.id)).toEqual(ids);
      expect(pages.at(-1)?.next).toBeUndefined();
    });

    it('answers 304 to If-None-Match until the listing changes', async () => {
      const page = uniquePage();
      await create(container, suggestion(page));
      const url = listUrl(container, { target: page });
      const first = await call(url);
      const etag = first.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      expect((await call(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);

      await create(container, suggestion(page, 'another one'));
      const changed = await call(url, { headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('gives a client the statuses of its own suggestions by ids, optionally since a time', async () => {
      const mine = [
        (await create(container, suggestion(uniquePage()))).body.id,
        (await create(container, suggestion(uniquePage()))).body.id,
      ];
      await create(container, suggestion(uniquePage(), 'not mine'));
      const byIds = v.parse(
        AnnotationCollectionSchema,
        await (await call(listUrl(container, { ids: mine.join(',') }))).json(),
      );
      expect(byIds.total).toBe(2);
      expect(byIds.first?.items.map((item) => item.id).sort()).toEqual([...mine].sort());
      expect(
        byIds.first?.items.every((item) => 'status' in item && item.status === 'submitted'),
      ).toBe(true);

      const since = new Date(Date.now() + 60_000).toISOString();
      const nothingNewer = await call(listUrl(container, { ids: mine.join(','), since }));
      expect(((await nothingNewer.json()) as { total: number }).total).toBe(0);
    });

    it('lists the replies of a suggestion when the target is its id', async () => {
      const { body: parent } = await create(container, suggestion(uniquePage()));
      await create(container, reply(parent.id, 'first reply'));
      await create(container, reply(parent.id, 'second reply'));
      const { items } = await readAllPages(listUrl(container, { target: parent.id }));
      expect(items.map((item: StoredAnnotation) => item.body[0]?.value)).toEqual([
        'first reply',
        'second reply',
      ]);
    });

    it('answers 400 to a query it cannot read', async () => {
      const unreadable: Record<string, string>[] = [
        { limit: '0' },
        { ids: 'nope' },
        { since: 'yesterday' },
        { after: 'x' },
      ];
      for (const query of unreadable) {
        expect((await call(listUrl(container, query))).status).toBe(400);
      }
    });
  });

  describe('triage page', () => {
    it('asks for an owner token before showing anything', async () => {
      const page = uniquePage();
      await create(container, suggestion(page, 'secret plan'));
      const session = triageSession(endpoint.server.url);
      const signInPage = await (await session.request('/triage')).text();
      expect(signInPage).toContain('Process owner token');
      expect(signInPage).not.toContain('secret plan');

      const writer = await session.request('/triage/login', { token: TOKENS.write });
      expect(writer.status).toBe(401);
      expect(session.hasCookie()).toBe(false);

      const owner = await session.request('/triage/login', { token: TOKENS.owner });
      expect(owner.status).toBe(303);
      expect(owner.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      expect(owner.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
      expect(await (await session.request('/triage')).text()).toContain('secret plan');
    });

    it('shows suggestions grouped by page with HTML in them as text', async () => {
      const page = uniquePage();
      const attack = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      await create(
        container,
        suggestion(page, `Fix this ${attack}`, {
          category: '<b>bold</b>',
          target: {
            source: page,
            selector: [{ type: 'TextQuoteSelector', exact: `quote ${attack}` }],
          },
        }),
      );
      const response = await fetch(`${endpoint.openServer.url}/triage`);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await response.text();
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>bold');
      expect(html).toContain('Fix this &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x');
      expect(html).toContain('quote &lt;script&gt;');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(html).toContain(`<h2>${page}</h2>`);
    });

    it('sets a status and posts a reply that clients then see', async () => {
      const { body } = await create(container, suggestion(uniquePage(), 'Use the new form'));
      const id = body.id.slice(container.length);
      const before = (await call(body.id)).headers.get('etag');
      const session = triageSession(endpoint.server.url);
      await session.request('/triage/login', { token: TOKENS.owner });
      const csrf = csrfFrom(await (await session.request('/triage')).text());

      const setStatus = await session.request(`/triage/suggestions/${id}/status`, {
        status: 'planned',
        csrf,
      });
      expect(setStatus.status).toBe(303);
      const updated = await call(body.id);
      expect(((await updated.json()) as { status: string }).status).toBe('planned');
      expect(updated.headers.get('etag')).not.toBe(before);

      const key = randomUUID();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const posted = await session.request(`/triage/suggestions/${id}/replies`, {
          text: 'Planned for <March>',
          key,
          csrf,
        });
        expect(posted.status).toBe(303);
      }
      const { items } = await readAllPages(listUrl(container, { target: body.id }));
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        motivation: 'replying',
        target: body.id,
        creator: { name: 'Process owner' },
      });
      expect(await (await session.request('/triage')).text()).toContain(
        'Planned for &lt;March&gt;',
      );
    });

    it('refuses status changes without the CSRF token, from another site, or signed out', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      const id = body.id.slice(container.length);
      const session = triageSession(endpoint.server.url);
      await session.request('/triage/login', { token: TOKENS.owner });
      const csrf = csrfFrom(await (await session.request('/triage')).text());
      const path = `/triage/suggestions/${id}/status`;

      expect((await session.request(path, { status: 'done' })).status).toBe(403);
      expect((await session.request(path, { status: 'done', csrf: 'forged' })).status).toBe(403);
      const crossSite = await session.request(
        path,
        { status: 'done', csrf },
        { Origin: 'https://evil.example' },
      );
      expect(crossSite.status).toBe(403);
      const signedOut = triageSession(endpoint.server.url);
      expect((await signedOut.request(path, { status: 'done', csrf })).status).toBe(401);
      expect((await session.request(path, { status: 'finished', csrf })).status).toBe(400);

      const stored = (await (await call(body.id)).json()) as { status: string };
      expect(stored.status).toBe('submitted');
    });
  });
});
