// @vitest-environment node
// A suggestion's screenshot (an Image body with a data: IRI) and its page context at the
// reference endpoint: stored and returned as sent; over the limit refused with a problem that
// says why; shown on the triage page as an image, under a policy that allows data: images only.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { ProblemSchema, StoredSuggestionSchema } from '../../utils/protocol/annotation';
import { LIMITS } from '../../utils/protocol/vocabulary';
import { call, create, suggestion, uniquePage } from './helpers/test-endpoint';

let server: RunningServer;
beforeAll(async () => {
  // Open mode (no tokens): the triage page needs no sign-in, as in the demo.
  server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await server?.database.close();
});

const imageBody = (bytes: number, format = 'image/jpeg') => ({
  type: 'Image',
  id: `data:${format};base64,${Buffer.alloc(bytes, 9).toString('base64')}`,
  format,
});
const context = (page: string) => ({
  url: page,
  title: 'Raising a purchase order',
  browser: { name: 'Chromium', version: '156' },
  viewport: { width: 1280, height: 720 },
  time: '2026-12-02T10:00:00.000Z',
});
const withScreenshot = (page: string, bytes: number, text = 'Merge steps 3 and 4') => {
  const base = suggestion(page, text);
  return { ...base, body: [...base.body, imageBody(bytes)], pageContext: context(page) };
};

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return v.parse(ProblemSchema, await response.json());
}

describe('a screenshot at the reference endpoint', () => {
  it('is stored and returned as sent, with the page context', async () => {
    const page = uniquePage();
    const sent = withScreenshot(page, LIMITS.screenshotBytes);
    const { response, body } = await create(server.containerUrl, sent);
    expect(response.status).toBe(201);
    const fetched = v.parse(StoredSuggestionSchema, await (await call(body.id)).json());
    expect(fetched.body[2]).toEqual(sent.body[2]);
    expect(fetched.pageContext).toEqual(context(page));
    // And in the page's listing.
    const listing = (await (
      await call(`${server.containerUrl}?target=${encodeURIComponent(page)}`)
    ).json()) as { first: { items: { body: unknown[] }[] } };
    expect(listing.first.items[0]?.body[2]).toEqual(sent.body[2]);
  });

  it('refuses an image over the limit with 400 and says the limit', async () => {
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: withScreenshot(uniquePage(), LIMITS.screenshotBytes + 1),
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
      body: withScreenshot(uniquePage(), LIMITS.requestBytes),
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(413);
    // Answered before the body was read: the client must not send its next request after it.
    expect(response.headers.get('connection')).toBe('close');
    expect((await problemOf(response)).error).toBe('payload-too-large');
  });

  it('refuses an image that is not a data: IRI (the endpoint fetches nothing)', async () => {
    const base = suggestion(uniquePage());
    const response = await call(server.containerUrl, {
      method: 'POST',
      body: {
        ...base,
        body: [...base.body, { ...imageBody(10), id: 'https://tracker.example/pixel.png' }],
      },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(response.status).toBe(400);
  });

  it('is shown on the triage page as an image, which its policy allows as data: only', async () => {
    const page = uniquePage();
    const sent = withScreenshot(page, 2_000, 'Show who signs when the manager is away');
    await create(server.containerUrl, sent);
    const response = await fetch(`${server.url}/triage?page=${encodeURIComponent(page)}`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain('img-src data:;');
    expect(policy).not.toMatch(/img-src[^;]*(https?:|\*)/);
    const html = await response.text();
    expect(html).toContain(`<img src="${imageBody(2_000).id}"`);
    expect(html).toContain('Chromium 156');
    expect(html).toContain('1,280 × 720 pixels');
  });
});
