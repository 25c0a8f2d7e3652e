// The annotation container: create, read, replace, delete, list, vote (docs/protocol.md).
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import * as v from 'valibot';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
  AUTHOR_SECRET_PATTERN,
  findUnstorable,
  IncomingAnnotationSchema,
  IncomingReplySchema,
  IncomingSuggestionSchema,
  isWireUrl,
  LIMITS,
  VOTER_KEY_PATTERN,
} from '../utils/protocol/annotation';
import type { AppEnv } from './app-env';
import { problemResponse } from './problem';
import {
  annotationIri,
  canonicalJson,
  etagOf,
  idFromIri,
  ifMatchHits,
  isUuid,
  isWildcard,
  listingEtag,
  noneMatchHits,
  sha256,
  toWireAnnotation,
} from './representation';
import {
  SCREENSHOT_SUFFIX,
  type ScreenshotBytes,
  type ScreenshotChange,
  screenshotEtag,
  screenshotIri,
  splitScreenshot,
  storedScreenshotFormat,
} from './screenshots';
import type { AnnotationRecord, ListedPage, ListQuery, Store } from './store';

export const CONTAINER_PATH = '/annotations/';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
const MAX_IDS_PER_QUERY = 200;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export interface AnnotationRouteOptions {
  store: Store;
  containerUrlOf: (c: Context<AppEnv>) => string;
  pageSize?: number;
  /**
   * Names come from the trusted proxy (FLYWHEEL_TRUSTED_PROXY_SECRET): a client's `creator`
   * is never stored, a signed annotation gets the verified name, an anonymous one none.
   */
  verifiedIdentity?: boolean;
}

type NewScreenshot = ScreenshotBytes | undefined;

type ParseResult<T> = { ok: true; value: T } | { ok: false; response: Response };

function jsonLd(c: Context<AppEnv>, body: unknown, status: 200 | 201, headers = {}): Response {
  return c.body(JSON.stringify(body), status, {
    'Content-Type': ANNOTATION_MEDIA_TYPE,
    'Cache-Control': 'private, no-cache',
    ...headers,
  });
}

/** 415 unless the request says it carries JSON (JSON-LD, or plain JSON for simple clients). */
function requireJsonContent(c: Context<AppEnv>): Response | undefined {
  const mediaType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/ld+json' || mediaType === 'application/json') return undefined;
  return problemResponse(
    c,
    415,
    'unsupported-media-type',
    'Send the annotation as application/ld+json',
    { received: mediaType ?? null, expected: ANNOTATION_MEDIA_TYPE },
  );
}

async function readBody<Schema extends v.GenericSchema>(
  c: Context<AppEnv>,
  schema: Schema,
): Promise<ParseResult<v.InferOutput<Schema>>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch (error) {
    return {
      ok: false,
      response: problemResponse(c, 400, 'malformed-json', 'The body is not valid JSON', {
        message: (error as Error).message,
      }),
    };
  }
  // Before anything walks it: text a database refuses, or nesting that would overflow a stack.
  const unstorable = findUnstorable(json);
  if (unstorable) {
    return {
      ok: false,
      response: problemResponse(
        c,
        400,
        'invalid-annotation',
        'The body holds something no endpoint can store',
        [unstorable],
      ),
    };
  }
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    response: problemResponse(
      c,
      400,
      'invalid-annotation',
      'The body is not a valid Flywheel annotation',
      result.issues.map((issue) => ({
        path: v.getDotPath(issue) ?? '',
        message: issue.message,
      })),
    ),
  };
}

function invalidScreenshot(c: Context<AppEnv>, message: string): Response {
  return problemResponse(
    c,
    400,
    'invalid-annotation',
    'The body is not a valid Flywheel annotation',
    [{ path: 'body', message }],
  );
}

function notFound(c: Context<AppEnv>): Response {
  return problemResponse(c, 404, 'not-found', 'No annotation with this id');
}

function gone(c: Context<AppEnv>): Response {
  return problemResponse(c, 410, 'gone', 'This annotation was deleted');
}

/** The live record for `:id`, or the 404/410 to answer with. */
async function findLive(c: Context<AppEnv>, store: Store): Promise<ParseResult<AnnotationRecord>> {
  const id = c.req.param('id')?.toLowerCase() ?? '';
  const record = isUuid(id) ? await store.getAnnotation(id) : undefined;
  if (!record) return { ok: false, response: notFound(c) };
  if (record.deletedAt) return { ok: false, response: gone(c) };
  return { ok: true, value: record };
}

function preconditionRequired(c: Context<AppEnv>): Response {
  return problemResponse(
    c,
    428,
    'precondition-required',
    'Send If-Match with the ETag you last saw, so a concurrent change is not overwritten',
  );
}

function wildcardRefused(c: Context<AppEnv>): Response {
  return problemResponse(
    c,
    428,
    'precondition-required',
    'If-Match: * is not accepted: send the ETag you last saw',
  );
}

function notAuthor(c: Context<AppEnv>): Response {
  return problemResponse(
    c,
    403,
    'not-author',
    "Only the author's browser (its author secret) or an owner token may change this annotation",
  );
}

/** 400 for an author secret that is present but malformed; undefined when absent or fine. */
function authorSecretOf(c: Context<AppEnv>): ParseResult<string | undefined> {
  const secret = c.req.header(AUTHOR_SECRET_HEADER);
  if (secret === undefined || AUTHOR_SECRET_PATTERN.test(secret))
    return { ok: true, value: secret };
  return {
    ok: false,
    response: problemResponse(
      c,
      400,
      'invalid-author-secret',
      `${AUTHOR_SECRET_HEADER} must be 32-128 characters of base64url`,
    ),
  };
}

/** An owner token, or the secret whose hash the annotation keeps. */
function mayChange(c: Context<AppEnv>, record: AnnotationRecord, secret: string | undefined) {
  if (c.get('role') === 'owner') return true;
  if (secret === undefined || record.authorSecretHash === null) return false;
  const given = Buffer.from(sha256(secret));
  const stored = Buffer.from(record.authorSecretHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function preconditionFailed(c: Context<AppEnv>, current: AnnotationRecord): Response {
  c.header('ETag', etagOf(current));
  return problemResponse(
    c,
    412,
    'precondition-failed',
    'The annotation changed since that ETag; fetch it again and retry',
    { currentETag: etagOf(current) },
  );
}

export function registerAnnotationRoutes(app: Hono<AppEnv>, options: AnnotationRouteOptions) {
  const { store, containerUrlOf } = options;
  const defaultPageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;

  /** The document to store: with a verified identity, the name is the proxy's, never the client's. */
  function withIdentity<T extends { anonymous?: boolean; creator?: unknown }>(
    c: Context<AppEnv>,
    annotation: T,
  ): Record<string, unknown> {
    if (!options.verifiedIdentity) return annotation;
    const { creator: _claimed, ...rest } = annotation;
    const name = c.get('verifiedUser');
    if (annotation.anonymous === true || !name) return rest;
    return { ...rest, creator: { type: 'Person', name } };
  }

  const annotationHeaders = (c: Context<AppEnv>, record: AnnotationRecord) => ({
    Location: annotationIri(containerUrlOf(c), record.id),
    ETag: etagOf(record),
  });

  app.post(CONTAINER_PATH, async (c) => {
    const unsupported = requireJsonContent(c);
    if (unsupported) return unsupported;
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey === undefined || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      return problemResponse(
        c,
        400,
        'idempotency-key-required',
        'Send an Idempotency-Key header (the suggestion uuid): 1-200 visible ASCII characters',
      );
    }
    const secret = authorSecretOf(c);
    if (!secret.ok) return secret.response;
    const parsed = await readBody(c, IncomingAnnotationSchema);
    if (!parsed.ok) return parsed.response;
    const annotation = parsed.value;
    const containerUrl = containerUrlOf(c);
    const isReply = annotation.motivation === 'replying';

    let parentId: string | null = null;
    let targetSource: string;
    let stored: Record<string, unknown> = annotation;
    let screenshot: NewScreenshot;
    if (annotation.motivation === 'editing') {
      // The picture is kept apart from the document; the document keeps its type and format.
      const split = splitScreenshot(annotation);
      if (!split.ok) return invalidScreenshot(c, split.message);
      stored = split.document;
      screenshot = split.change.kind === 'replace' ? split.change.screenshot : undefined;
    }
    if (annotation.motivation === 'replying') {
      const parent = await findReplyParent(store, containerUrl, annotation.target);
      if (!parent) {
        return problemResponse(
          c,
          400,
          'unknown-target',
          'A reply must target the id of a live suggestion in this container',
          { target: annotation.target },
        );
      }
      parentId = parent.id;
      targetSource = parent.targetSource;
    } else {
      targetSource = annotation.target.source;
    }

    const result = await store.createAnnotation({
      id: randomUUID(),
      kind: isReply ? 'reply' : 'suggestion',
      targetSource,
      parentId,
      idempotencyKey,
      // The client's own body, its screenshot's data: IRI included: a resend is recognised
      // whatever the server adds to it or keeps apart from it.
      requestHash: sha256(canonicalJson(annotation)),
      document: withIdentity(c, stored as typeof annotation),
      screenshot,
      authorSecretHash: secret.value === undefined ? null : sha256(secret.value),
      // The server says who is an owner: the token's role, never a field of the body.
      fromOwner: isReply && c.get('role') === 'owner',
    });
    if (result.outcome === 'key-reused') {
      return problemResponse(
        c,
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different body or author secret',
        { existing: annotationIri(containerUrl, result.record.id) },
      );
    }
    if (result.record.deletedAt) return gone(c);
    const body = toWireAnnotation(result.record, containerUrl);
    // A replay creates nothing, so it answers 200 with the annotation as it is now.
    return jsonLd(c, body, result.outcome === 'created' ? 201 : 200, {
      ...annotationHeaders(c, result.record),
      ...(result.outcome === 'replayed' ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  });

  app.get(CONTAINER_PATH, async (c) => {
    const containerUrl = containerUrlOf(c);
    const query = parseListQuery(c, containerUrl, defaultPageSize);
    if (!query.ok) return query.response;
    const { listQuery, collectionIri, cursorBase, isFirstPage } = query.value;
    c.header('Cache-Control', 'private, no-cache');
    c.header('Link', '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"');
    c.header('Allow', 'GET, POST, OPTIONS');
    c.header('Accept-Post', ANNOTATION_MEDIA_TYPE);
    const shape = `${collectionIri}|${listQuery.afterSeq ?? (isFirstPage ? 'first' : '0')}`;
    const ifNoneMatch = c.req.header('if-none-match');
    // "Unchanged?" from revisions alone: one small read, no page built.
    if (ifNoneMatch) {
      const revision = await listingRevision(store, listQuery);
      const etag = revision === undefined ? undefined : listingEtag(revision, containerUrl, shape);
      if (etag !== undefined && noneMatchHits(ifNoneMatch, etag)) {
        c.header('ETag', etag);
        return c.body(null, 304);
      }
    }
    // The items arrive as JSON text with the revision they were read with (one statement).
    const listed = await store.listPage(listQuery, jsonStringContent(containerUrl));
    const body = listingBody(listed, {
      collectionIri,
      cursorBase,
      isFirstPage,
      afterSeq: listQuery.afterSeq,
    });
    // A listing of the whole container has no one revision: there the page is hashed.
    const etag =
      listed.revision === undefined
        ? `"${sha256(body)}"`
        : listingEtag(listed.revision, containerUrl, shape);
    c.header('ETag', etag);
    if (noneMatchHits(ifNoneMatch, etag)) return c.body(null, 304);
    return c.body(body, 200, { 'Content-Type': ANNOTATION_MEDIA_TYPE });
  });

  app.get(`${CONTAINER_PATH}:id`, async (c) => {
    // A status poll of one suggestion: "unchanged" from its revision alone.
    const ifNoneMatch = c.req.header('if-none-match');
    const id = c.req.param('id').toLowerCase();
    if (ifNoneMatch && isUuid(id)) {
      const revision = await store.revisionOf(id);
      const etag = revision === undefined ? undefined : `"${revision}"`;
      if (etag !== undefined && noneMatchHits(ifNoneMatch, etag)) {
        c.header('ETag', etag);
        return c.body(null, 304);
      }
    }
    const found = await findLive(c, store);
    if (!found.ok) return found.response;
    const record = found.value;
    const etag = etagOf(record);
    if (noneMatchHits(c.req.header('if-none-match'), etag)) {
      c.header('ETag', etag);
      return c.body(null, 304);
    }
    return jsonLd(c, toWireAnnotation(record, containerUrlOf(c)), 200, { ETag: etag });
  });

  app.put(`${CONTAINER_PATH}:id`, async (c) => {
    const unsupported = requireJsonContent(c);
    if (unsupported) return unsupported;
    const ifMatch = c.req.header('if-match');
    if (!ifMatch) return preconditionRequired(c);
    if (isWildcard(ifMatch)) return wildcardRefused(c);
    const secret = authorSecretOf(c);
    if (!secret.ok) return secret.response;
    const found = await findLive(c, store);
    if (!found.ok) return found.response;
    const current = found.value;
    if (!mayChange(c, current, secret.value)) return notAuthor(c);
    const containerUrl = containerUrlOf(c);

    let document: Record<string, unknown>;
    let targetSource = current.targetSource;
    let screenshot: ScreenshotChange = { kind: 'none' };
    if (current.kind === 'reply') {
      const parsed = await readBody(c, IncomingReplySchema);
      if (!parsed.ok) return parsed.response;
      if (idFromIri(containerUrl, parsed.value.target) !== current.parentId) {
        return problemResponse(c, 400, 'target-changed', 'A reply cannot move to another target');
      }
      document = withIdentity(c, parsed.value);
    } else {
      const parsed = await readBody(c, IncomingSuggestionSchema);
      if (!parsed.ok) return parsed.response;
      // Its own screenshot IRI sent back keeps the picture; a data: IRI replaces it; no Image
      // body removes it.
      const split = splitScreenshot(parsed.value, {
        iri: screenshotIri(annotationIri(containerUrl, current.id)),
        format: storedScreenshotFormat(current.document),
      });
      if (!split.ok) return invalidScreenshot(c, split.message);
      document = withIdentity(c, split.document);
      screenshot = split.change;
      targetSource = parsed.value.target.source;
    }
    if (!ifMatchHits(ifMatch, etagOf(current))) return preconditionFailed(c, current);
    const updated = await store.replaceAnnotation(
      current.id,
      current.revision,
      document,
      targetSource,
      screenshot,
    );
    if (!updated) {
      // Changed or deleted between our read and our write.
      const latest = await store.getAnnotation(current.id);
      return latest && !latest.deletedAt ? preconditionFailed(c, latest) : gone(c);
    }
    return jsonLd(c, toWireAnnotation(updated, containerUrl), 200, { ETag: etagOf(updated) });
  });

  app.delete(`${CONTAINER_PATH}:id`, async (c) => {
    const ifMatch = c.req.header('if-match');
    if (!ifMatch) return preconditionRequired(c);
    if (isWildcard(ifMatch)) return wildcardRefused(c);
    const secret = authorSecretOf(c);
    if (!secret.ok) return secret.response;
    const found = await findLive(c, store);
    if (!found.ok) return found.response;
    const current = found.value;
    if (!mayChange(c, current, secret.value)) return notAuthor(c);
    if (!ifMatchHits(ifMatch, etagOf(current))) return preconditionFailed(c, current);
    if (!(await store.deleteAnnotation(current.id, current.revision))) {
      const latest = await store.getAnnotation(current.id);
      return latest && !latest.deletedAt ? preconditionFailed(c, latest) : gone(c);
    }
    return c.body(null, 204);
  });

  // The picture a suggestion's Image body names: read like the annotation itself.
  app.get(`${CONTAINER_PATH}:id${SCREENSHOT_SUFFIX}`, async (c) => {
    const id = c.req.param('id').toLowerCase();
    const found = isUuid(id) ? await store.getScreenshot(id) : undefined;
    if (!found) return notFound(c);
    if (found.deleted) return gone(c);
    const { screenshot } = found;
    if (!screenshot)
      return problemResponse(c, 404, 'not-found', 'This annotation has no screenshot');
    const etag = screenshotEtag(screenshot.sha256);
    const headers = {
      ETag: etag,
      // Whoever may read the suggestion: no shared cache keeps it, and a replaced picture is
      // asked for again (its ETag answers 304 while it is the same).
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    return c.body(screenshot.bytes as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      'Content-Type': screenshot.mediaType,
    });
  });

  for (const voted of [true, false]) {
    const register = voted ? app.put.bind(app) : app.delete.bind(app);
    register(`${CONTAINER_PATH}:id/votes/:voterKey`, async (c) => {
      const id = c.req.param('id').toLowerCase();
      const voterKey = c.req.param('voterKey');
      if (!VOTER_KEY_PATTERN.test(voterKey)) {
        return problemResponse(
          c,
          400,
          'invalid-voter-key',
          'A voter key is 8-128 characters of A-Z, a-z, 0-9, "_" and "-"',
        );
      }
      const result = isUuid(id) ? await store.setVote(id, voterKey, voted) : undefined;
      if (!result) return problemResponse(c, 404, 'not-found', 'No live suggestion with this id');
      return c.json(
        { id: annotationIri(containerUrlOf(c), id), voteCount: result.voteCount, voted },
        200,
        { 'Cache-Control': 'no-store' },
      );
    });
  }
}

async function findReplyParent(
  store: Store,
  containerUrl: string,
  target: string,
): Promise<AnnotationRecord | undefined> {
  const parentId = idFromIri(containerUrl, target);
  const parent = parentId ? await store.getAnnotation(parentId) : undefined;
  return parent && parent.kind === 'suggestion' && !parent.deletedAt ? parent : undefined;
}

/** A string's JSON form without its quotes, to splice into JSON text. */
function jsonStringContent(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const CONTEXT_JSON = JSON.stringify(ANNOTATION_CONTEXT);

/**
 * The listing document around its ready items (W3C protocol 4.2): the collection with its
 * first page embedded, or a later page that names the collection it is part of. Built as
 * text: the items are JSON already, and are not parsed again.
 */
function listingBody(
  listed: ListedPage,
  page: { collectionIri: string; cursorBase: string; isFirstPage: boolean; afterSeq?: string },
): string {
  const pageId = `${page.cursorBase}after=${page.afterSeq ?? '0'}`;
  const next =
    listed.hasMore && listed.lastSeq !== undefined
      ? `,"next":${JSON.stringify(`${page.cursorBase}after=${listed.lastSeq}`)}`
      : '';
  const items = `"items":[${listed.items}]`;
  if (page.isFirstPage) {
    // Embedded in its collection, the first page needs no partOf (W3C protocol 4.2).
    return `{"@context":${CONTEXT_JSON},"id":${JSON.stringify(page.collectionIri)},"type":["BasicContainer","AnnotationCollection"],"total":${listed.total},"first":{"id":${JSON.stringify(pageId)},"type":"AnnotationPage","startIndex":0${next},${items}}}`;
  }
  return `{"@context":${CONTEXT_JSON},"id":${JSON.stringify(pageId)},"type":"AnnotationPage"${next},${items},"partOf":{"id":${JSON.stringify(page.collectionIri)},"total":${listed.total}}}`;
}

/** What a listing's ETag is made of, when one revision covers it; undefined otherwise. */
async function listingRevision(store: Store, query: ListQuery): Promise<string | undefined> {
  if (query.parentId !== undefined) return `r${await store.repliesRevision(query.parentId)}`;
  if (query.targetSource !== undefined) return `p${await store.pageRevision(query.targetSource)}`;
  if (query.ids !== undefined) return `i${await store.revisionsOf(query.ids)}`;
  return undefined;
}

interface ParsedListQuery {
  listQuery: ListQuery;
  collectionIri: string;
  /** Collection IRI ready for `after=` to be appended. */
  cursorBase: string;
  isFirstPage: boolean;
}

/** Reads `target`, `ids`, `since`, `limit` and the paging cursor `after`. */
function parseListQuery(
  c: Context<AppEnv>,
  containerUrl: string,
  defaultPageSize: number,
): ParseResult<ParsedListQuery> {
  const invalid = (detail: string): ParseResult<ParsedListQuery> => ({
    ok: false,
    response: problemResponse(c, 400, 'invalid-query', 'The listing query is not valid', detail),
  });
  const params = new URLSearchParams();
  const listQuery: ListQuery = { limit: defaultPageSize };

  const target = c.req.query('target');
  if (target !== undefined) {
    params.set('target', target);
    const parentId = idFromIri(containerUrl, target);
    if (parentId) listQuery.parentId = parentId;
    else if (isWireUrl(target)) listQuery.targetSource = target;
    else {
      return invalid(
        `target: a page URL (absolute http(s), at most ${LIMITS.url} characters, no NUL) or an annotation id`,
      );
    }
  }
  const ids = c.req.query('ids');
  if (ids !== undefined) {
    const list = ids
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0)
      .map((entry) => idFromIri(containerUrl, entry) ?? entry.toLowerCase());
    if (list.length > MAX_IDS_PER_QUERY || !list.every(isUuid)) {
      return invalid(
        `ids: up to ${MAX_IDS_PER_QUERY} annotation ids (IRIs or uuids), comma-separated`,
      );
    }
    params.set('ids', ids);
    listQuery.ids = list;
  }
  const since = c.req.query('since');
  if (since !== undefined) {
    const date = new Date(since);
    // Years a database's timestamp type holds, and that a client could mean.
    const year = date.getUTCFullYear();
    if (
      !/^\d{4}-\d\d-\d\dT/.test(since) ||
      Number.isNaN(date.getTime()) ||
      year < 1970 ||
      year > 9999
    ) {
      return invalid('since: an ISO 8601 timestamp from 1970 to 9999, e.g. 2026-11-30T09:00:00Z');
    }
    params.set('since', since);
    listQuery.modifiedSince = date;
  }
  const limit = c.req.query('limit');
  if (limit !== undefined) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      return invalid(`limit: an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    params.set('limit', limit);
    listQuery.limit = value;
  }
  const after = c.req.query('after');
  if (after !== undefined && !/^\d{1,18}$/.test(after)) return invalid('after: a paging cursor');
  if (after !== undefined && after !== '0') listQuery.afterSeq = after;

  const search = params.toString();
  return {
    ok: true,
    value: {
      listQuery,
      collectionIri: search ? `${containerUrl}?${search}` : containerUrl,
      cursorBase: `${containerUrl}?${search ? `${search}&` : ''}`,
      isFirstPage: after === undefined,
    },
  };
}
