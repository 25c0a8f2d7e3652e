// @vitest-environment node
// Listings (paging, filters, statuses in bulk), on PGlite and PostgreSQL. The triage page's
// tests are in triage.test.ts.
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AnnotationCollectionSchema,
  AnnotationPageSchema,
  isTextualBody,
  type StoredAnnotation,
} from '../../utils/protocol/annotation';
import {
  call,
  create,
  DATABASE_KINDS,
  reply,
  suggestion,
  type TestEndpoint,
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

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('listing on %s', (kind) => {
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
      expect(
        items.map((item: StoredAnnotation) => item.body.filter(isTextualBody)[0]?.value),
      ).toEqual(['first reply', 'second reply']);
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
});
