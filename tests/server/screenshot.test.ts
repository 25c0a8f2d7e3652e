// @vitest-environment node
// A suggestion's screenshot (an Image body sent with a data: IRI) and its page context at the
// reference endpoint, on PGlite and PostgreSQL: the picture is stored once, apart from the
// document (migration 005), and every representation names it by reference,
// `<annotation IRI>/screenshot`, which answers the exact bytes sent to whoever may read the
// suggestion. Over the limit refused with a problem that says why; shown on the triage page
// from its own session-bound route, under a policy that allows images from 'self' only.
import { createHash, randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server';
import { ProblemSchema, StoredSuggestionSchema } from '../../utils/protocol/annotation';
import { LIMITS } from '../../utils/protocol/vocabulary';
import {
  call,
  create,
  DATABASE_KINDS,
  suggestion,
  TOKENS,
  uniquePage,
  useTestEndpoints,
} from './helpers/test-endpoint';

/** Bytes no two tests share, so a test sees its own picture only. */
const pictureBytes = (size: number) => {
  const seed = randomUUID();
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = seed.charCodeAt(i % seed.length) ^ (i & 0xff);
  return bytes;
};
const imageBody = (bytes: Buffer, format = 'image/jpeg') => ({
  type: 'Image',
  id: `data:${format};base64,${bytes.toString('base64')}`,
  format,
});
const context = (page: string) => ({
  url: page,
  title: 'Raising a purchase order',
  browser: { name: 'Chromium', version: '156' },
  viewport: { width: 1280, height: 720 },
  time: '2026-12-02T10:00:00.000Z',
});
const withScreenshot = (page: string, bytes: Buffer, text = 'Merge steps 3 and 4') => {
  const base = suggestion(page, text);
  return { ...base, body: [...base.body, imageBody(bytes)], pageContext: context(page) };
};

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return v.parse(ProblemSchema, await response.json());
}

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('a screenshot at the reference endpoint on %s', (kind) => {
  let server: RunningServer;
  let openServer: RunningServer;
  beforeAll(async () => {
    ({ server, openServer } = await endpointFor(kind));
  }, 60_000);

  const listingOf = (page: string) =>
    call(`${server.containerUrl}?${new URLSearchParams({ target: page })}`);

  it('is named by reference in GET and listings, and GET of that IRI answers the bytes sent', async () => {
    const page = uniquePage();
    const bytes = pictureBytes(LIMITS.screenshotBytes);
    const sent = withScreenshot(page, bytes);
    const { response, body } = await create(server.containerUrl, sent);
    expect(response.status).toBe(201);
    const reference = { type: 'Image', id: `${body.id}/screenshot`, format: 'image/jpeg' };
    expect(body.body).toContainEqual(reference);
    const fetched = v.parse(StoredSuggestionSchema, await (await call(body.id)).json());
    expect(fetched.body[2]).toEqual(reference);
    expect(fetched.pageContext).toEqual(context(page));
    const listing = await listingOf(page);
    const text = await listing.text();
    expect(text).not.toContain('data:');
    expect(text).not.toContain(bytes.toString('base64').slice(0, 64));
    const items = (JSON.parse(text) as { first: { items: { body: unknown[] }[] } }).first.items;
    expect(items[0]?.body[2]).toEqual(reference);
    // A status pull by ids is a listing too.
    const pulled = await (
      await call(`${server.containerUrl}?${new URLSearchParams({ ids: body.id })}`)
    ).text();
    expect(pulled).not.toContain('data:');
    expect(pulled).toContain(reference.id);

    const picture = await call(reference.id);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
    expect(picture.headers.get('cache-control')).toMatch(/^private\b/);
    const etag = picture.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(Buffer.from(await picture.arrayBuffer()).equals(bytes)).toBe(true);
    const again = await call(reference.id, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    // The same as the database keeps: once, apart from the document.
    const [row] = await server.database.query<{ document: unknown; bytes: Uint8Array }>(
      `SELECT a.document, s.bytes FROM annotations a JOIN screenshots s ON s.annotation_id = a.id
        WHERE a.id = $1`,
      [body.id.slice(server.containerUrl.length)],
    );
    expect(JSON.stringify(row?.document)).not.toContain('data:');
    expect(Buffer.from(row?.bytes ?? new Uint8Array()).equals(bytes)).toBe(true);
  });

  it('keeps a listing the same size whatever the size of its picture', async () => {
    const sizes = [];
    for (const size of [10, 200_000]) {
      const page = 'https://intranet.example/process/size-of-listing-'.concat(
        String(size).padStart(6, '0'),
        randomUUID(),
      );
      await create(server.containerUrl, withScreenshot(page, pictureBytes(size)));
      const listing = await (await listingOf(page)).json();
      // Ids, times and the page differ in value only, not in length.
      const { first } = listing as { first: { items: Record<string, unknown>[] } };
      sizes.push(JSON.stringify(first.items).length);
    }
    expect(sizes[1]).toBe(sizes[0]);
    expect(sizes[0]).toBeLessThan(4_000);
  });

  it('answers its picture with the same auth as the annotation: 401 without a token, 404 for none', async () => {
    const page = uniquePage();
    const withPicture = await create(server.containerUrl, withScreenshot(page, pictureBytes(500)));
    const without = await create(server.containerUrl, suggestion(page, 'No picture'));
    const unauthorized = await call(`${withPicture.body.id}/screenshot`, { token: null });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call(`${withPicture.body.id}/screenshot`, { token: TOKENS.read })).status).toBe(
      200,
    );
    const none = await call(`${without.body.id}/screenshot`);
    expect(none.status).toBe(404);
    expect((await problemOf(none)).error).toBe('not-found');
    expect((await call(`${server.containerUrl}${randomUUID()}/screenshot`)).status).toBe(404);
    // Deleted: gone, and its bytes with it.
    const removed = await call(withPicture.body.id, {
      method: 'DELETE',
      secret: withPicture.secret,
      headers: { 'If-Match': withPicture.response.headers.get('etag') ?? '' },
    });
    expect(removed.status).toBe(204);
    expect((await call(`${withPicture.body.id}/screenshot`)).status).toBe(410);
    const left = await server.database.query('SELECT 1 FROM screenshots WHERE annotation_id = $1', [
      withPicture.body.id.slice(server.containerUrl.length),
    ]);
    expect(left).toHaveLength(0);
  });

  it('keeps the picture on a PUT that echoes its IRI, replaces it with a new data: IRI, removes it without', async () => {
    const page = uniquePage();
    const first = pictureBytes(800);
    const { body, response, secret } = await create(
      server.containerUrl,
      withScreenshot(page, first),
    );
    let etag = response.headers.get('etag') ?? '';
    const put = async (annotation: unknown) => {
      const answer = await call(body.id, {
        method: 'PUT',
        body: annotation,
        secret,
        headers: { 'If-Match': etag },
      });
      etag = answer.headers.get('etag') ?? etag;
      return answer;
    };
    const bytesNow = async () => {
      const picture = await call(`${body.id}/screenshot`);
      return picture.status === 200 ? Buffer.from(await picture.arrayBuffer()) : picture.status;
    };

    // What GET gave, edited and sent back: the reference keeps the stored picture.
    const got = (await (await call(body.id)).json()) as { body: { value?: string }[] };
    const echoed = {
      ...got,
      body: got.body.map((b, i) => (i === 0 ? { ...b, value: 'Edited' } : b)),
    };
    const kept = await put(echoed);
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as { body: unknown[] }).body).toContainEqual({
      type: 'Image',
      id: `${body.id}/screenshot`,
      format: 'image/jpeg',
    });
    expect(await bytesNow()).toEqual(first);

    // Another annotation's IRI is not this one's picture.
    const foreign = await put({
      ...echoed,
      body: [
        echoed.body[0],
        {
          type: 'Image',
          id: `${server.containerUrl}${randomUUID()}/screenshot`,
          format: 'image/jpeg',
        },
      ],
    });
    expect(foreign.status).toBe(400);
    expect(await bytesNow()).toEqual(first);

    const second = pictureBytes(900);
    const replaced = await put(withScreenshot(page, second, 'Edited again'));
    expect(replaced.status).toBe(200);
    expect(await bytesNow()).toEqual(second);

    const removed = await put(suggestion(page, 'No picture now'));
    expect(removed.status).toBe(200);
    expect(JSON.stringify(await removed.json())).not.toContain('Image');
    expect(await bytesNow()).toBe(404);
    // Nothing left to keep: echoing the old IRI is refused.
    expect((await put(echoed)).status).toBe(400);
  });

  it('replays a create against the body first POSTed, data: IRI and all', async () => {
    const page = uniquePage();
    const key = randomUUID();
    const sent = withScreenshot(page, pictureBytes(700));
    const first = await create(server.containerUrl, sent, key);
    expect(first.response.status).toBe(201);
    const replay = await create(server.containerUrl, sent, key);
    expect(replay.response.status).toBe(200);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    // The same key with another picture is another body.
    const other = await create(server.containerUrl, withScreenshot(page, pictureBytes(700)), key);
    expect(other.response.status).toBe(422);
    // A create that sends back the reference it got refers to nothing yet: refused outright.
    const echoed = await create(server.containerUrl, { ...sent, body: first.body.body }, key);
    expect(echoed.response.status).toBe(400);
  });

  it('refuses a new suggestion whose screenshot is a reference (there is nothing to refer to)', async () => {
    const base = suggestion(uniquePage());
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: {
        ...base,
        body: [
          ...base.body,
          {
            type: 'Image',
            id: `${server.containerUrl}${randomUUID()}/screenshot`,
            format: 'image/png',
          },
        ],
      },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).error).toBe('invalid-annotation');
  });

  it('refuses an image over the limit with 400 and says the limit', async () => {
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: withScreenshot(uniquePage(), pictureBytes(LIMITS.screenshotBytes + 1)),
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.error).toBe('invalid-annotation');
    expect(JSON.stringify(problem.detail)).toContain('a screenshot must be at most 300 KB');
  });

  it('refuses a request over the whole-body limit with 413, and closes that connection', async () => {
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: withScreenshot(uniquePage(), pictureBytes(LIMITS.requestBytes)),
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(413);
    // Answered before the body was read: the client must not send its next request after it.
    expect(response.headers.get('connection')).toBe('close');
    expect((await problemOf(response)).error).toBe('payload-too-large');
  });

  it('refuses an image that is neither a data: IRI nor its own (the endpoint fetches nothing)', async () => {
    const base = suggestion(uniquePage());
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: {
        ...base,
        body: [
          ...base.body,
          { ...imageBody(pictureBytes(10)), id: 'https://tracker.example/pixel.png' },
        ],
      },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(400);
  });

  it('is shown on the triage page from its own route, under a policy without data:', async () => {
    const page = uniquePage();
    const bytes = pictureBytes(2_000);
    const { body } = await create(
      openServer.containerUrl,
      withScreenshot(page, bytes, 'Show who signs when the manager is away'),
    );
    const id = body.id.slice(openServer.containerUrl.length);
    const response = await fetch(`${openServer.url}/triage?page=${encodeURIComponent(page)}`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("img-src 'self';");
    expect(policy).not.toContain('data:');
    expect(policy).not.toMatch(/img-src[^;]*(https?:|\*)/);
    const html = await response.text();
    expect(html).toContain(`<img src="/triage/screenshots/${id}"`);
    expect(html).not.toContain('data:');
    expect(html).toContain('Chromium 156');
    expect(html).toContain('1,280 × 720 pixels');
    const picture = await fetch(`${openServer.url}/triage/screenshots/${id}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
    expect(picture.headers.get('cache-control')).toMatch(/^private\b/);
    expect(
      createHash('sha256')
        .update(Buffer.from(await picture.arrayBuffer()))
        .digest('hex'),
    ).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await fetch(`${openServer.url}/triage/screenshots/${randomUUID()}`)).status).toBe(404);
  });

  it('is served to the triage page only within an owner session', async () => {
    const page = uniquePage();
    const { body } = await create(server.containerUrl, withScreenshot(page, pictureBytes(300)));
    const route = `${server.url}/triage/screenshots/${body.id.slice(server.containerUrl.length)}`;
    expect((await fetch(route)).status).toBe(401);
    // A bearer token is not a session: the page's route takes the cookie only.
    expect(
      (await fetch(route, { headers: { Authorization: `Bearer ${TOKENS.owner}` } })).status,
    ).toBe(401);
    const login = await fetch(`${server.url}/triage/login`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: server.url,
        'Sec-Fetch-Site': 'same-origin',
      },
      body: new URLSearchParams({ token: TOKENS.owner }),
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/=/);
    const picture = await fetch(route, { headers: { Cookie: cookie } });
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
  });
});
