// @vitest-environment node
// The W3C Web Annotation Working Group's own model tests (tests/fixtures/w3c-web-annotation-
// tests, BSD-3-Clause): every MUST assertion, on each kind of document the reference endpoint
// serves and on the bodies the extension sends.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { toAnnotation } from '../../utils/background/sync/annotation';
import type { Suggestion } from '../../utils/shared/suggestion';
import { call, create, reply, suggestion, TOKENS, uniquePage } from './helpers/test-endpoint';

const SUITE = join(import.meta.dirname, '../fixtures/w3c-web-annotation-tests');
const readJson = (path: string) => JSON.parse(readFileSync(join(SUITE, path), 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const file of readdirSync(join(SUITE, 'definitions'))) {
  if (file.endsWith('.json')) ajv.addSchema(readJson(`definitions/${file}`));
}

interface Assertion {
  file: string;
  validate: ReturnType<typeof ajv.compile>;
  errorMessage: string;
}

/** The MUST assertions a `.test` file lists, compiled. */
function mustsOf(testFile: string): Assertion[] {
  const test = readJson(testFile) as { assertions: string[] };
  return test.assertions.map((file) => {
    const schema = readJson(file) as {
      assertionType: string;
      expectedResult: string;
      errorMessage: string;
    };
    expect(schema.assertionType).toBe('must');
    expect(schema.expectedResult).toBe('valid');
    return { file, validate: ajv.compile(schema), errorMessage: schema.errorMessage };
  });
}

const annotationMusts = mustsOf('annotations/annotationMusts.test');
const collectionMusts = mustsOf('collections/collectionMusts.test');
const pageMusts = mustsOf('collections/pages/pageMusts.test');

/** The assertions this document fails, with the suite's own error messages. */
function failures(document: unknown, assertions: Assertion[]): string[] {
  return assertions
    .filter((assertion) => !assertion.validate(document))
    .map((assertion) => `${assertion.file}: ${assertion.errorMessage}`);
}

let server: RunningServer;
const served: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startServer({
    port: 0,
    database: await openDatabase({ memory: true }),
    tokens: [
      { token: TOKENS.write, role: 'write' },
      { token: TOKENS.owner, role: 'owner' },
    ],
  });
  const container = server.containerUrl;
  const page = uniquePage();
  const signed = await create(
    container,
    suggestion(page, 'Signed', {
      anonymous: false,
      creator: { type: 'Person', name: 'Sam Jansen' },
    }),
  );
  const anonymous = await create(container, suggestion(page, 'Anonymous'));
  const colleague = await create(container, reply(signed.body.id, 'Same here'));
  await create(container, reply(signed.body.id, 'Planned for March'), undefined, {
    token: TOKENS.owner,
  });
  served['a signed suggestion'] = await (await call(signed.body.id)).json();
  served['an anonymous suggestion'] = await (await call(anonymous.body.id)).json();
  served['a reply'] = await (await call(colleague.body.id)).json();
  const collection = (await (
    await call(`${container}?target=${encodeURIComponent(page)}&limit=1`)
  ).json()) as { first: { next: string } };
  served["a page's collection"] = collection;
  served['an AnnotationPage fetched alone'] = await (await call(collection.first.next)).json();
  const replies = (await (
    await call(`${container}?target=${encodeURIComponent(signed.body.id)}`)
  ).json()) as { first: { items: unknown[] } };
  served['an owner reply'] = {
    '@context': collection['@context' as keyof typeof collection],
    ...(replies.first.items[1] as object),
  };
}, 60_000);
afterAll(async () => {
  await server?.close();
  await server?.database.close();
});

describe('W3C Web Annotation model: MUST assertions', () => {
  it('has the assertions of the suite to run', () => {
    expect(annotationMusts.length).toBe(54);
    expect(collectionMusts.length).toBe(10);
    expect(pageMusts.length).toBe(15);
  });

  it.each(['a signed suggestion', 'an anonymous suggestion', 'a reply', 'an owner reply'])(
    'holds for %s the endpoint serves',
    (kind) => {
      expect(served[kind]).toBeTruthy();
      expect(failures(served[kind], annotationMusts)).toEqual([]);
    },
  );

  it("holds for a page's collection, and for its first page", () => {
    const collection = served["a page's collection"] as { first: object };
    expect(failures(collection, collectionMusts)).toEqual([]);
    // The embedded first page shares the collection's @context.
    const first = {
      '@context': (collection as Record<string, unknown>)['@context'],
      ...collection.first,
    };
    expect(failures(first, pageMusts)).toEqual([]);
  });

  it('holds for an AnnotationPage fetched alone', () => {
    expect(failures(served['an AnnotationPage fetched alone'], pageMusts)).toEqual([]);
  });

  const local: Suggestion = {
    id: crypto.randomUUID(),
    pageUrl: 'https://intranet.example/process/po',
    pageTitle: 'Raising a purchase order',
    text: 'Merge steps 3 and 4',
    category: 'simplify',
    anonymous: false,
    quote: 'Manager signs form',
    selectors: [
      { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
      { type: 'TextPositionSelector', start: 412, end: 430 },
      { type: 'CssSelector', value: 'main ol > li:nth-child(3)' },
    ],
    syncState: 'queued',
    createdAt: Date.UTC(2026, 10, 30, 9),
    updatedAt: Date.UTC(2026, 10, 30, 9),
  };
  // The protocol has the server give a new annotation its IRI (W3C Annotation Protocol 5.1),
  // so a body sent to create one has no `id`: that one assertion is for what is stored.
  const beforeCreation = () =>
    annotationMusts.filter(
      (assertion) => !assertion.file.endsWith('3.1-annotationIdValidated.json'),
    );

  it.each([
    ['a signed suggestion', { ...local, anonymous: false }, 'Sam Jansen'],
    ['an anonymous suggestion', { ...local, anonymous: true }, 'Sam Jansen'],
    ['a suggestion about the whole page', { ...local, quote: '', selectors: [] }, ''],
    [
      'a suggestion with a screenshot and its page context',
      {
        ...local,
        screenshot: { format: 'image/webp', data: 'UklGRg==', width: 1, height: 1 },
        pageContext: { url: local.pageUrl, time: '2026-11-30T09:00:00.000Z' },
      } satisfies Suggestion,
      'Sam Jansen',
    ],
  ])('holds for the body the extension sends for %s', (_kind, stored, name) => {
    const body = toAnnotation(stored, name);
    expect(body).not.toHaveProperty('id');
    expect(failures(body, beforeCreation())).toEqual([]);
    expect(
      failures({ ...body, id: 'https://feedback.intranet.example/annotations/x' }, annotationMusts),
    ).toEqual([]);
  });

  it('can fail: a document the model forbids is caught', () => {
    const broken = {
      ...(served['a reply'] as object),
      '@context': 'http://example.org/other',
      type: 'Note',
    };
    expect(failures(broken, annotationMusts).length).toBeGreaterThan(0);
    expect(failures({ id: 'x', type: 'AnnotationPage' }, pageMusts).length).toBeGreaterThan(0);
  });
});
