// How stored rows look on the wire, and the HTTP validators (ETags) derived from them.
import { createHash } from 'node:crypto';
import { ANNOTATION_CONTEXT } from '../utils/protocol/annotation';
import { bodyWithReference } from './screenshots';
import type { AnnotationRecord } from './store';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function annotationIri(containerUrl: string, id: string): string {
  return `${containerUrl}${id}`;
}

/** The uuid of an annotation IRI of this container, or undefined for any other IRI. */
export function idFromIri(containerUrl: string, iri: string): string | undefined {
  if (!iri.startsWith(containerUrl)) return undefined;
  const rest = iri.slice(containerUrl.length).toLowerCase();
  return isUuid(rest) ? rest : undefined;
}

export function toWireAnnotation(
  record: AnnotationRecord,
  containerUrl: string,
  { withContext = true } = {},
): Record<string, unknown> {
  // `fromOwner` is the server's to say; a stored document never holds one, but be sure.
  const {
    '@context': _clientContext,
    fromOwner: _claimed,
    type,
    motivation,
    created,
    ...fields
  } = record.document;
  const iri = annotationIri(containerUrl, record.id);
  const common = {
    // Items inside a page share the page's context, as in the W3C protocol's examples.
    ...(withContext ? { '@context': ANNOTATION_CONTEXT } : {}),
    id: iri,
    type,
    motivation,
    // The client's `created` says when the person wrote it (perhaps offline); else ours.
    created: typeof created === 'string' ? created : record.createdAt.toISOString(),
    modified: record.modifiedAt.toISOString(),
    ...fields,
    // A screenshot is named by its own IRI, never carried inline (server/screenshots.ts).
    ...('body' in fields ? { body: bodyWithReference(fields.body, iri) } : {}),
  };
  if (record.kind === 'reply') {
    return {
      ...common,
      target: annotationIri(containerUrl, record.parentId ?? ''),
      fromOwner: record.fromOwner,
    };
  }
  // A suggestion about the whole page targets the page's URL itself (W3C model 3.2).
  const target = record.document.target as { source?: unknown; selector?: unknown[] } | undefined;
  const wholePage = target && typeof target === 'object' && !target.selector?.length;
  return {
    ...common,
    ...(wholePage ? { target: target.source } : {}),
    status: record.status,
    voteCount: record.voteCount,
    replyCount: record.replyCount,
  };
}

/** Every change to the representation bumps the revision, so the revision is the ETag. */
export function etagOf(record: AnnotationRecord): string {
  return `"${record.revision}"`;
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** If-None-Match uses weak comparison (RFC 9110 13.1.2). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return entityTags(header).some((tag) => tag === '*' || opaque(tag) === opaque(etag));
}

/**
 * A listing's ETag from the revision of what it shows (a page's revision, or the revisions of
 * the ids asked for) and what shapes the document (container URL, query): the same inputs
 * always give the same bytes, so it is a strong validator, and it costs no page to compute.
 */
export function listingEtag(revision: string, containerUrl: string, query: string): string {
  const shape = createHash('sha256').update(`${containerUrl}\n${query}`).digest('base64url');
  const state =
    revision.length > 40
      ? createHash('sha256').update(revision).digest('base64url').slice(0, 22)
      : revision;
  return `"L${state}.${shape.slice(0, 16)}"`;
}

/** `If-Match: *` would overwrite whatever is there: writes must name the ETag they saw. */
export function isWildcard(header: string): boolean {
  return header.split(',').some((tag) => tag.trim() === '*');
}

/** If-Match uses strong comparison (RFC 9110 13.1.1): a weak tag never matches. */
export function ifMatchHits(header: string, etag: string): boolean {
  return entityTags(header).some((tag) => tag === '*' || tag === etag);
}
