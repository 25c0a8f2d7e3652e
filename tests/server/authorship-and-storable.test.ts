// @vitest-environment node
// Who may change a suggestion, who speaks as an owner, and input the server cannot store
// (answered 400 with a reason, never 500), on PGlite and on PostgreSQL.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema } from '../../utils/protocol/annotation';
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
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = v.parse(ProblemSchema, JSON.parse(text));
  expect(problem.error).toBe(error);
  return problem;
}

/** Text no index can shorten: every character different, 3 bytes each in UTF-8. */
function incompressibleCjk(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000));
  return text;
}

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('authorship and storable input on %s', (kind) => {
  let endpoint: TestEndpoint;
  let container: string;

  beforeAll(async () => {
    endpoint = await endpointFor(kind);
    container = endpoint.server.containerUrl;
  }, 60_000);

  describe('only the author or an owner changes a suggestion', () => {
    it('refuses PUT and DELETE without the author secret, or with another one (403)', async () => {
      const page = uniquePage();
      const { body, response } = await create(container, suggestion(page));
      const etag = response.headers.get('etag') ?? '';
      const other = await create(container, suggestion(uniquePage()));
      for (const secret of [undefined, other.secret]) {
        await expectProblem(
          await call(body.id, {
            method: 'PUT',
            body: suggestion(page, 'Now with a name', { anonymous: false, creator: { name: 'X' } }),
            headers: { 'If-Match': etag },
            secret,
          }),
          403,
          'not-author',
        );
        await expectProblem(
          await call(body.id, { method: 'DELETE', headers: { 'If-Match': etag }, secret }),
          403,
          'not-author',
        );
      }
      // Nothing changed: still the anonymous original.
      const stored = (await (await call(body.id)).json()) as { anonymous: boolean };
      expect(stored.anonymous).toBe(true);
    });

    it('lets the author and an owner token change it', async () => {
      const page = uniquePage();
      const { body, response, secret } = await create(container, suggestion(page));
      const byAuthor = await call(body.id, {
        method: 'PUT',
        body: suggestion(page, 'Edited by the author'),
        headers: { 'If-Match': response.headers.get('etag') ?? '' },
        secret,
      });
      expect(byAuthor.status).toBe(200);
      const byOwner = await call(body.id, {
        method: 'DELETE',
        token: TOKENS.owner,
        headers: { 'If-Match': byAuthor.headers.get('etag') ?? '' },
      });
      expect(byOwner.status).toBe(204);
    });

    it('leaves a suggestion created without a secret to owners alone', async () => {
      const { body, response } = await create(container, suggestion(uniquePage()), randomUUID(), {
        secret: null,
      });
      expect(response.status).toBe(201);
      await expectProblem(
        await call(body.id, { method: 'DELETE', headers: { 'If-Match': '"1"' } }),
        403,
        'not-author',
      );
    });

    it('refuses If-Match: * from anyone, owners too (428)', async () => {
      const page = uniquePage();
      const { body, secret } = await create(container, suggestion(page));
      await expectProblem(
        await call(body.id, {
          method: 'PUT',
          body: suggestion(page, 'blind overwrite'),
          headers: { 'If-Match': '*' },
          secret,
        }),
        428,
        'precondition-required',
      );
      await expectProblem(
        await call(body.id, {
          method: 'DELETE',
          token: TOKENS.owner,
          headers: { 'If-Match': '*' },
        }),
        428,
        'precondition-required',
      );
    });

    it('treats the same key with another author secret as a reused key (422)', async () => {
      const key = randomUUID();
      const page = uniquePage();
      await create(container, suggestion(page), key);
      const { response } = await create(container, suggestion(page), key, {
        secret: 'A'.repeat(43),
      });
      expect(response.status).toBe(422);
    });

    it('replays a create first sent without a secret (an older client), granting nothing', async () => {
      const key = randomUUID();
      const page = uniquePage();
      const first = await create(container, suggestion(page), key, { secret: null });
      const again = await create(container, suggestion(page), key);
      expect(again.response.status).toBe(200);
      await expectProblem(
        await call(first.body.id, {
          method: 'DELETE',
          secret: again.secret,
          headers: { 'If-Match': first.response.headers.get('etag') ?? '' },
        }),
        403,
        'not-author',
      );
    });

    it('refuses a malformed author secret (400)', async () => {
      const response = await call(container, {
        method: 'POST',
        body: suggestion(uniquePage()),
        headers: { 'Idempotency-Key': randomUUID() },
        secret: 'short',
      });
      await expectProblem(response, 400, 'invalid-author-secret');
    });

    it('keeps only a hash of the secret', async () => {
      const { body, secret } = await create(container, suggestion(uniquePage()));
      const rows = await endpoint.server.database.query<Record<string, unknown>>(
        'SELECT * FROM annotations WHERE id = $1',
        [body.id.split('/').pop()],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(secret);
    });
  });

  describe('the server, not the client, marks owner replies', () => {
    it('marks a reply from an owner token, and not one that claims it', async () => {
      const { body: parent } = await create(container, suggestion(uniquePage()));
      const claimed = await create(container, {
        ...reply(parent.id, 'I am the owner, honest'),
        fromOwner: true,
      });
      expect(claimed.response.status).toBe(201);
      expect(claimed.body.fromOwner).toBe(false);
      const owner = await create(container, reply(parent.id, 'Planned for March'), randomUUID(), {
        token: TOKENS.owner,
      });
      expect(owner.body.fromOwner).toBe(true);

      const listing = (await (
        await call(`${container}?target=${encodeURIComponent(parent.id)}`)
      ).json()) as { first: { items: { fromOwner: boolean }[] } };
      expect(listing.first.items.map((item) => item.fromOwner)).toEqual([false, true]);
    });
  });

  describe('what cannot be stored is 400 with a reason, never 500', () => {
    const emoji = '\u{1F600}';
    const cases: [string, () => unknown, string][] = [
      [
        'a quote prefix that cut an emoji in half (lone surrogate)',
        () => {
          const annotation = suggestion(uniquePage());
          const [quote] = annotation.target.selector as { prefix?: string }[];
          if (quote) quote.prefix = `${emoji.slice(1)} step 3`;
          return annotation;
        },
        'target.selector.0.prefix',
      ],
      ['a lone high surrogate in the text', () => suggestion(uniquePage(), `ok ${emoji[0]}`), ''],
      ['a NUL character in the text', () => suggestion(uniquePage(), 'before\u0000after'), ''],
      [
        'a NUL character in a key',
        () => ({ ...suggestion(uniquePage()), 'x\u0000': 1 }),
        'x\u0000',
      ],
      [
        'a page URL over 2,048 characters',
        () => suggestion(`https://intranet.example/${'a'.repeat(2_048)}`),
        'target.source',
      ],
      [
        'a page URL of 2,000 characters that is 6,000 bytes',
        () => suggestion(`https://intranet.example/${incompressibleCjk(1_970)}`),
        'target.source',
      ],
      [
        'a deeply nested @context',
        // Written as text: JSON.stringify itself would overflow on 10,000 levels.
        () =>
          JSON.stringify(suggestion(uniquePage())).replace(
            /^\{"@context":\[[^\]]*\]\]?/,
            `{"@context":["http://www.w3.org/ns/anno.jsonld",${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]`,
          ),
        '',
      ],
    ];

    it.each(cases)('POST with %s', async (_name, make, path) => {
      const response = await call(container, {
        method: 'POST',
        body: make(),
        headers: { 'Idempotency-Key': randomUUID() },
      });
      const problem = await expectProblem(response, 400, 'invalid-annotation');
      expect(problem.title).toBeTruthy();
      const details = problem.detail as { path: string; message: string }[];
      expect(details.length).toBeGreaterThan(0);
      expect(details[0]?.message).toBeTruthy();
      if (path) expect(details.map((detail) => detail.path)).toContain(path);
    });

    it('PUT with a lone surrogate', async () => {
      const page = uniquePage();
      const { body, response, secret } = await create(container, suggestion(page));
      const put = await call(body.id, {
        method: 'PUT',
        body: suggestion(page, `half ${emoji[1]}`),
        headers: { 'If-Match': response.headers.get('etag') ?? '' },
        secret,
      });
      await expectProblem(put, 400, 'invalid-annotation');
    });

    it.each([
      ['since in year 0', 'since=0000-01-01T00:00:00Z'],
      ['since before 1970', 'since=1969-12-31T23:59:59Z'],
      ['since past 9999', 'since=99999-01-01T00:00:00Z'],
      ['a target with NUL', `target=${encodeURIComponent('https://intranet.example/a\u0000b')}`],
      ['a target over 2,048 characters', `target=https://intranet.example/${'a'.repeat(2_048)}`],
    ])('a listing with %s', async (_name, query) => {
      const problem = await expectProblem(
        await call(`${container}?${query}`),
        400,
        'invalid-query',
      );
      expect(problem.detail).toBeTruthy();
    });
  });
});
