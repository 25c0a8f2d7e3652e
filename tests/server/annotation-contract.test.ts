// @vitest-environment node
// The annotation contract of docs/protocol.md over real HTTP, on PGlite and on PostgreSQL.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ANNOTATION_MEDIA_TYPE,
  isTextualBody,
  LIMITS,
  ProblemSchema,
  StoredSuggestionSchema,
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

async function expectProblem(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = v.parse(ProblemSchema, await response.json());
  expect(problem.error).toBe(error);
  return problem;
}

async function countOnPage(containerUrl: string, page: string): Promise<number> {
  const response = await call(`${containerUrl}?target=${encodeURIComponent(page)}`);
  return ((await response.json()) as { total: number }).total;
}

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('annotation contract on %s', (kind) => {
  let endpoint: TestEndpoint;
  let container: string;

  beforeAll(async () => {
    endpoint = await endpointFor(kind);
    container = endpoint.server.containerUrl;
  }, 60_000);

  describe('POST creates with an idempotency key', () => {
    it('answers 201 with Location, ETag and the stored annotation', async () => {
      const page = uniquePage();
      const { response, body } = await create(container, suggestion(page));
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe(ANNOTATION_MEDIA_TYPE);
      expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
      const stored = v.parse(StoredSuggestionSchema, body);
      expect(stored.id.startsWith(container)).toBe(true);
      expect(response.headers.get('location')).toBe(stored.id);
      expect(stored).toMatchObject({
        status: 'submitted',
        voteCount: 0,
        replyCount: 0,
        category: 'process',
        anonymous: true,
        created: '2026-11-30T09:00:00.000Z',
        target: { source: page },
      });
    });

    it('replays the same key and body as 200 with the same annotation, creating nothing', async () => {
      const page = uniquePage();
      const key = randomUUID();
      const first = await create(container, suggestion(page), key);
      // Same content, keys in another order: still the same request.
      const reordered = Object.fromEntries(Object.entries(suggestion(page)).reverse());
      const again = await create(container, reordered, key);
      expect(first.response.status).toBe(201);
      expect(again.response.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.response.headers.get('location')).toBe(first.body.id);
      expect(await countOnPage(container, page)).toBe(1);
    });

    it('answers 422 when the key comes back with another body', async () => {
      const page = uniquePage();
      const key = randomUUID();
      await create(container, suggestion(page, 'first text'), key);
      const { response } = await create(container, suggestion(page, 'other text'), key);
      expect(response.status).toBe(422);
      expect(await countOnPage(container, page)).toBe(1);
    });

    it('stores one row when identical POSTs race each other', async () => {
      const page = uniquePage();
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => create(container, suggestion(page), key)),
      );
      const statuses = results.map((result) => result.response.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
      expect(await countOnPage(container, page)).toBe(1);
    });

    it('refuses a POST without Idempotency-Key with 400', async () => {
      const response = await call(container, { method: 'POST', body: suggestion(uniquePage()) });
      await expectProblem(response, 400, 'idempotency-key-required');
    });
  });

  describe('GET, PUT and DELETE with ETags', () => {
    it('GET answers 200 with the ETag, then 304 for If-None-Match until it changes', async () => {
      const { body, response: created } = await create(container, suggestion(uniquePage()));
      const read = await call(body.id);
      expect(read.status).toBe(200);
      const etag = read.headers.get('etag') ?? '';
      expect(etag).toBe(created.headers.get('etag'));
      expect(await read.json()).toEqual(body);

      const notModified = await call(body.id, { headers: { 'If-None-Match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);

      await call(`${body.id}/votes/voter-${randomUUID()}`, { method: 'PUT' });
      const changed = await call(body.id, { headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('PUT needs If-Match (428), refuses a stale one (412) and replaces on a match', async () => {
      const page = uniquePage();
      const { body, response: created, secret } = await create(container, suggestion(page));
      const etag = created.headers.get('etag') ?? '';
      const replacement = suggestion(page, 'Merge steps 3, 4 and 5');

      await expectProblem(
        await call(body.id, { method: 'PUT', body: replacement, secret }),
        428,
        'precondition-required',
      );
      await expectProblem(
        await call(body.id, {
          method: 'PUT',
          body: replacement,
          secret,
          headers: { 'If-Match': '"999"' },
        }),
        412,
        'precondition-failed',
      );
      await expectProblem(
        await call(body.id, {
          method: 'PUT',
          body: replacement,
          secret,
          headers: { 'If-Match': `W/${etag}` },
        }),
        412,
        'precondition-failed',
      );

      const replaced = await call(body.id, {
        method: 'PUT',
        body: replacement,
        secret,
        headers: { 'If-Match': etag },
      });
      expect(replaced.status).toBe(200);
      const newEtag = replaced.headers.get('etag');
      expect(newEtag).not.toBe(etag);
      const stored = v.parse(StoredSuggestionSchema, await replaced.json());
      expect(
        stored.body.filter(isTextualBody).find((item) => item.purpose === 'editing')?.value,
      ).toBe('Merge steps 3, 4 and 5');
      expect(stored.id).toBe(body.id);

      // The first writer's ETag is now stale: a second replacement with it must fail.
      const lostUpdate = await call(body.id, {
        method: 'PUT',
        body: suggestion(page, 'an older edit'),
        secret,
        headers: { 'If-Match': etag },
      });
      expect(lostUpdate.status).toBe(412);
      expect(lostUpdate.headers.get('etag')).toBe(newEtag);
    });

    it('DELETE needs a matching If-Match, answers 204, then the annotation is gone', async () => {
      const page = uniquePage();
      const key = randomUUID();
      const { body, response: created, secret } = await create(container, suggestion(page), key);
      const etag = created.headers.get('etag') ?? '';

      expect((await call(body.id, { method: 'DELETE', secret })).status).toBe(428);
      expect(
        (await call(body.id, { method: 'DELETE', secret, headers: { 'If-Match': '"0"' } })).status,
      ).toBe(412);
      const deleted = await call(body.id, {
        method: 'DELETE',
        secret,
        headers: { 'If-Match': etag },
      });
      expect(deleted.status).toBe(204);
      expect(await deleted.text()).toBe('');

      await expectProblem(await call(body.id), 410, 'gone');
      expect(await countOnPage(container, page)).toBe(0);
      // A late retry of the original POST must not bring it back.
      const retried = await create(container, suggestion(page), key);
      expect(retried.response.status).toBe(410);
      expect(await countOnPage(container, page)).toBe(0);
    });

    it('answers 404 for ids that do not exist', async () => {
      await expectProblem(await call(`${container}${randomUUID()}`), 404, 'not-found');
      await expectProblem(await call(`${container}not-a-uuid`), 404, 'not-found');
    });
  });

  describe('request validation', () => {
    it('answers 413 for a body over the limit', async () => {
      const huge = suggestion(uniquePage(), 'x'.repeat(LIMITS.requestBytes + 1024));
      const response = await call(container, {
        method: 'POST',
        body: huge,
        headers: { 'Idempotency-Key': randomUUID() },
      });
      await expectProblem(response, 413, 'payload-too-large');
    });

    it('answers 415 for a body that is not JSON', async () => {
      const response = await call(container, {
        method: 'POST',
        body: 'Merge steps 3 and 4',
        headers: { 'Idempotency-Key': randomUUID(), 'Content-Type': 'text/plain' },
      });
      await expectProblem(response, 415, 'unsupported-media-type');
    });

    it('answers 400 with a problem body for malformed JSON', async () => {
      const response = await call(container, {
        method: 'POST',
        body: '{"type": "Annotation",',
        headers: { 'Idempotency-Key': randomUUID() },
      });
      const problem = await expectProblem(response, 400, 'malformed-json');
      expect(problem.title).toBeTruthy();
    });

    it.each([
      ['text over 10,000 characters', suggestion(uniquePage(), 'x'.repeat(10_001)), 'body'],
      [
        'a name on an anonymous suggestion',
        suggestion(uniquePage(), 'hi', { creator: { name: 'Ann' } }),
        '',
      ],
      ['no editing body', { ...suggestion(uniquePage()), body: [] }, 'body'],
      [
        'a target that is not a URL',
        { ...suggestion(uniquePage()), target: { source: 'page 7' } },
        'target.source',
      ],
      [
        'another motivation',
        { ...suggestion(uniquePage()), motivation: 'bookmarking' },
        'motivation',
      ],
    ])('answers 400 with the failing path for %s', async (_name, annotation, path) => {
      const response = await call(container, {
        method: 'POST',
        body: annotation,
        headers: { 'Idempotency-Key': randomUUID() },
      });
      const problem = await expectProblem(response, 400, 'invalid-annotation');
      const issues = problem.detail as { path: string; message: string }[];
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.some((issue) => issue.path.startsWith(path))).toBe(true);
    });

    it('accepts exactly 10,000 characters of text', async () => {
      const { response } = await create(container, suggestion(uniquePage(), 'x'.repeat(10_000)));
      expect(response.status).toBe(201);
    });
  });

  describe('auth', () => {
    it('answers 401 with WWW-Authenticate without a token or with a wrong one', async () => {
      for (const token of [null, 'not-a-valid-token']) {
        const response = await call(container, { token });
        await expectProblem(response, 401, 'unauthorized');
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      const post = await call(container, {
        method: 'POST',
        token: null,
        body: suggestion(uniquePage()),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      expect(post.status).toBe(401);
    });

    it('lets a read token list but not create (403)', async () => {
      expect((await call(container, { token: TOKENS.read })).status).toBe(200);
      const response = await call(container, {
        method: 'POST',
        token: TOKENS.read,
        body: suggestion(uniquePage()),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      await expectProblem(response, 403, 'forbidden');
    });

    it('is open when no tokens are configured', async () => {
      const page = uniquePage();
      const response = await call(endpoint.openServer.containerUrl, {
        method: 'POST',
        token: null,
        body: suggestion(page),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      expect(response.status).toBe(201);
      expect(await countOnPage(container, page)).toBe(1);
    });
  });

  describe('CORS for the extension', () => {
    const extensionOrigin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

    it('allows a preflight from an extension origin with the protocol headers', async () => {
      const response = await fetch(container, {
        method: 'OPTIONS',
        headers: {
          Origin: extensionOrigin,
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key,if-match',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(extensionOrigin);
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of ['authorization', 'idempotency-key', 'if-match', 'if-none-match']) {
        expect(allowed).toContain(header);
      }
      expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
    });

    it('exposes ETag and Location, also on 401, and ignores web origins', async () => {
      const created = await call(container, {
        method: 'POST',
        body: suggestion(uniquePage()),
        headers: { 'Idempotency-Key': randomUUID(), Origin: 'moz-extension://1234-abcd' },
      });
      expect(created.headers.get('access-control-allow-origin')).toBe('moz-extension://1234-abcd');
      const exposed = (created.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      for (const header of ['etag', 'location', 'retry-after']) expect(exposed).toContain(header);

      const unauthorized = await call(container, {
        token: null,
        headers: { Origin: extensionOrigin },
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(extensionOrigin);

      const web = await call(container, { headers: { Origin: 'https://evil.example' } });
      expect(web.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('replies', () => {
    it('creates a reply to a suggestion and counts it on the suggestion', async () => {
      const { body: parent, response: parentCreated } = await create(
        container,
        suggestion(uniquePage()),
      );
      const { response, body, secret } = await create(container, reply(parent.id));
      expect(response.status).toBe(201);
      expect(body).toMatchObject({ motivation: 'replying', target: parent.id });

      const reread = await call(parent.id);
      expect(((await reread.json()) as { replyCount: number }).replyCount).toBe(1);
      expect(reread.headers.get('etag')).not.toBe(parentCreated.headers.get('etag'));

      const deleted = await call(body.id, {
        method: 'DELETE',
        secret,
        headers: { 'If-Match': response.headers.get('etag') ?? '' },
      });
      expect(deleted.status).toBe(204);
      const afterDelete = (await (await call(parent.id)).json()) as { replyCount: number };
      expect(afterDelete.replyCount).toBe(0);
    });

    it('refuses a reply whose target is not a suggestion here', async () => {
      const response = await call(container, {
        method: 'POST',
        body: reply(`${container}${randomUUID()}`),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      await expectProblem(response, 400, 'unknown-target');
    });
  });

  describe('votes', () => {
    it('counts one vote per voter, however often it is sent', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      const voteUrl = (voter: string) => `${body.id}/votes/${voter}`;
      const alice = `voter-${randomUUID()}`;
      const bob = `voter-${randomUUID()}`;
      const counts: number[] = [];
      for (const [method, voter] of [
        ['PUT', alice],
        ['PUT', alice],
        ['PUT', bob],
        ['DELETE', alice],
        ['DELETE', alice],
      ] as const) {
        const response = await call(voteUrl(voter), { method });
        expect(response.status).toBe(200);
        counts.push(((await response.json()) as { voteCount: number }).voteCount);
      }
      expect(counts).toEqual([1, 1, 2, 1, 1]);
      const stored = (await (await call(body.id)).json()) as { voteCount: number };
      expect(stored.voteCount).toBe(1);
    });

    it('keeps concurrent votes by different voters', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      await Promise.all(
        Array.from({ length: 6 }, () =>
          call(`${body.id}/votes/voter-${randomUUID()}`, { method: 'PUT' }),
        ),
      );
      const stored = (await (await call(body.id)).json()) as { voteCount: number };
      expect(stored.voteCount).toBe(6);
    });

    it('refuses bad voter keys (400) and unknown suggestions (404)', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      await expectProblem(
        await call(`${body.id}/votes/x`, { method: 'PUT' }),
        400,
        'invalid-voter-key',
      );
      await expectProblem(
        await call(`${container}${randomUUID()}/votes/voter-12345678`, { method: 'PUT' }),
        404,
        'not-found',
      );
    });
  });
});
