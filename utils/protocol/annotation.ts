// The wire format between the extension and any Flywheel endpoint: W3C Web Annotations
// (https://www.w3.org/TR/annotation-model/) plus a few project terms. Shared by the client and
// the reference server, so it must stay free of Node and extension APIs.
import * as v from 'valibot';
import type { Selector } from '../anchoring/types';
import { SelectorSchema } from './selectors';
import { findUnstorable, unstorableTextReason, utf8Length } from './storable';
import { base64Bytes, LIMITS, SUGGESTION_STATUSES } from './vocabulary';

// The plain vocabulary and the selector schema live in their own modules, so the content
// script can use them without the rest of the wire format.
export { SelectorSchema } from './selectors';
export {
  findUnstorable,
  MAX_JSON_DEPTH,
  type StorableIssue,
  unstorableTextReason,
} from './storable';
export {
  AUTHOR_SECRET_HEADER,
  AUTHOR_SECRET_PATTERN,
  LIMITS,
  SUGGESTION_CATEGORIES,
  SUGGESTION_STATUSES,
  type SuggestionCategory,
  type SuggestionStatus,
} from './vocabulary';

export const ANNOTATION_MEDIA_TYPE =
  'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';
export const W3C_ANNOTATION_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

/**
 * Namespace of Flywheel's own terms. A URN on purpose: it names the vocabulary without
 * pointing at a host that someone could register, and nothing ever dereferences it because
 * the context below is sent inline.
 */
export const FLYWHEEL_VOCABULARY = 'urn:flywheel:vocab:';

export const FLYWHEEL_CONTEXT = {
  status: { '@id': `${FLYWHEEL_VOCABULARY}status` },
  category: { '@id': `${FLYWHEEL_VOCABULARY}category` },
  anonymous: {
    '@id': `${FLYWHEEL_VOCABULARY}anonymous`,
    '@type': 'http://www.w3.org/2001/XMLSchema#boolean',
  },
  voteCount: {
    '@id': `${FLYWHEEL_VOCABULARY}voteCount`,
    '@type': 'http://www.w3.org/2001/XMLSchema#integer',
  },
  replyCount: {
    '@id': `${FLYWHEEL_VOCABULARY}replyCount`,
    '@type': 'http://www.w3.org/2001/XMLSchema#integer',
  },
  fromOwner: {
    '@id': `${FLYWHEEL_VOCABULARY}fromOwner`,
    '@type': 'http://www.w3.org/2001/XMLSchema#boolean',
  },
  // A JSON literal (JSON-LD 1.1): the page context is kept as it came, not as linked data.
  pageContext: { '@id': `${FLYWHEEL_VOCABULARY}pageContext`, '@type': '@json' },
} as const;

/** The `@context` every annotation, page and collection carries on the wire. */
export const ANNOTATION_CONTEXT = [W3C_ANNOTATION_CONTEXT, FLYWHEEL_CONTEXT] as const;

const storableText = v.check(
  (text: string) => unstorableTextReason(text) === undefined,
  'must not contain NUL or half of a character (a lone UTF-16 surrogate)',
);

const httpUrl = v.pipe(
  v.string(),
  v.maxLength(LIMITS.url, `must be at most ${LIMITS.url} characters`),
  // Indexed: an index entry is limited in bytes, and non-ASCII takes up to 4 a character.
  v.check((url) => utf8Length(url) <= LIMITS.url, `must be at most ${LIMITS.url} bytes as UTF-8`),
  storableText,
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//i, 'must be an http(s) URL'),
);

/** True for an absolute http(s) URL the wire accepts (LIMITS.url, storable text). */
export function isWireUrl(url: string): boolean {
  return v.is(httpUrl, url);
}

/** The W3C model allows one value or an array; the canonical form on our side is an array. */
function oneOrMany<T>(item: v.GenericSchema<T>, max: number) {
  return v.pipe(
    v.union([item, v.array(item)]),
    v.transform((value): T[] => (Array.isArray(value) ? value : [value])),
    v.minLength(1),
    v.maxLength(max),
  );
}

const contextSchema = v.union(
  [
    v.literal(W3C_ANNOTATION_CONTEXT),
    v.pipe(
      v.array(v.unknown()),
      v.check((entries) => entries[0] === W3C_ANNOTATION_CONTEXT),
    ),
  ],
  `@context must be "${W3C_ANNOTATION_CONTEXT}" or an array starting with it`,
);

const textualBody = <Purpose extends string>(purposes: readonly Purpose[], maxText: number) =>
  v.object({
    type: v.literal('TextualBody'),
    value: v.pipe(v.string(), v.maxLength(maxText)),
    format: v.optional(v.literal('text/plain')),
    language: v.optional(v.pipe(v.string(), v.maxLength(35))),
    purpose: v.optional(v.picklist(purposes)),
  });

const suggestionBody = textualBody(
  ['editing', 'tagging', 'commenting', 'describing'],
  LIMITS.suggestionText,
);
export type SuggestionBody = v.InferOutput<typeof suggestionBody>;

/** The image formats a screenshot body may have. */
export const SCREENSHOT_FORMATS = ['image/webp', 'image/jpeg', 'image/png'] as const;
export type ScreenshotFormat = (typeof SCREENSHOT_FORMATS)[number];
/** The longest `data:` IRI of a screenshot: its media type, `;base64,` and the base64 text. */
export const MAX_SCREENSHOT_IRI = 40 + Math.ceil(LIMITS.screenshotBytes / 3) * 4;
const SCREENSHOT_IRI = /^data:(image\/(?:webp|jpeg|png));base64,([A-Za-z0-9+/]*={0,2})$/;

/** The image's bytes, before base64, of a `data:` IRI. */
export function dataIriBytes(iri: string): number {
  return base64Bytes(iri.slice(iri.indexOf(',') + 1));
}

/** True for a screenshot sent as a `data:` IRI (the picture itself). */
export function isScreenshotDataIri(iri: string): boolean {
  return SCREENSHOT_IRI.test(iri);
}

/**
 * The form an endpoint answers a screenshot in: `<annotation IRI>/screenshot`, an External Web
 * Resource it serves apart (docs/protocol.md). A client may send it back on PUT (it keeps the
 * stored picture); the endpoint refuses any other such IRI.
 */
const SCREENSHOT_REFERENCE = /^https?:\/\/[^\s]+\/screenshot$/;
const MAX_SCREENSHOT_REFERENCE = LIMITS.url + '/screenshot'.length;

/**
 * A screenshot of the page, cropped to what the suggestion is about: an Image body whose IRI is
 * a `data:` IRI (RFC 2397), as the W3C model has it for any External Web Resource
 * (`TextualBody` is its only embedded kind, and `value` is for text alone). No `purpose`: the
 * model gives one only to Textual Bodies and Specific Resources (3.3.5). Endpoints answer it by
 * reference (`<annotation IRI>/screenshot`), which is accepted too.
 */
const screenshotBody = v.pipe(
  v.object({
    id: v.pipe(
      v.string(),
      v.maxLength(
        MAX_SCREENSHOT_IRI,
        `a screenshot must be at most ${LIMITS.screenshotBytes / 1024} KB`,
      ),
      v.check(
        (iri) =>
          SCREENSHOT_IRI.test(iri) ||
          (iri.length <= MAX_SCREENSHOT_REFERENCE && SCREENSHOT_REFERENCE.test(iri)),
        "a screenshot must be a base64 data: IRI of a WebP, JPEG or PNG (or the endpoint's own IRI of it)",
      ),
    ),
    type: v.literal('Image'),
    format: v.picklist(SCREENSHOT_FORMATS),
  }),
  v.check(
    (body) => !isScreenshotDataIri(body.id) || dataIriBytes(body.id) <= LIMITS.screenshotBytes,
    `a screenshot must be at most ${LIMITS.screenshotBytes / 1024} KB`,
  ),
  v.check(
    (body) => !isScreenshotDataIri(body.id) || SCREENSHOT_IRI.exec(body.id)?.[1] === body.format,
    "a screenshot's format must be the media type of its data: IRI",
  ),
);
export type ScreenshotBody = v.InferOutput<typeof screenshotBody>;

/** True for the text bodies (the suggestion, its category tag); false for a screenshot. */
export function isTextualBody<Body extends { type: string }>(
  body: Body,
): body is Extract<Body, { type: 'TextualBody' }> {
  return body.type === 'TextualBody';
}

const contextText = v.pipe(v.string(), v.maxLength(LIMITS.contextText), storableText);
const pixels = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000));

/**
 * What the owner needs to know of the page as the person saw it. Browser: name and major
 * version only; for an anonymous suggestion the viewport is rounded (see docs/protocol.md).
 */
export const PageContextSchema = v.object({
  url: httpUrl,
  title: v.optional(contextText),
  browser: v.optional(
    v.object({
      name: v.pipe(contextText, v.maxLength(50)),
      version: v.pipe(
        v.string(),
        v.regex(/^\d{1,5}$/, 'browser version is the major version alone'),
      ),
    }),
  ),
  viewport: v.optional(v.object({ width: pixels, height: pixels })),
  time: v.pipe(v.string(), v.isoTimestamp('must be an ISO timestamp')),
});
export type PageContext = v.InferOutput<typeof PageContextSchema>;

const creatorSchema = v.object({
  type: v.optional(v.literal('Person')),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.creatorName)),
});

const createdSchema = v.optional(v.pipe(v.string(), v.isoTimestamp('must be an ISO timestamp')));

/**
 * A part of a page (a Specific Resource: its `source` and selectors) or, for a suggestion
 * about the whole page, the page's URL alone, as the W3C model has it (an object with a
 * `source` and no selector is neither a Specific Resource nor an External Web Resource).
 * Parsed to one shape either way: `{ source, selector? }`.
 */
const suggestionTarget = v.pipe(
  v.union([
    httpUrl,
    v.object({
      source: httpUrl,
      selector: v.optional(oneOrMany(SelectorSchema, LIMITS.selectors)),
    }),
  ]),
  v.transform((target): { source: string; selector?: Selector[] } =>
    typeof target === 'string' ? { source: target } : target,
  ),
);

const UNSTORABLE_MESSAGE =
  'text must not contain NUL or half of a character, nor nest deeper than 16 levels';
const storableAnnotation = <T>() =>
  v.check<T, typeof UNSTORABLE_MESSAGE>(
    (annotation) => findUnstorable(annotation) === undefined,
    UNSTORABLE_MESSAGE,
  );

/** What a client sends to create (POST) or replace (PUT) a suggestion. */
export const IncomingSuggestionSchema = v.pipe(
  v.object({
    '@context': contextSchema,
    type: v.literal('Annotation'),
    motivation: v.literal('editing'),
    created: createdSchema,
    body: oneOrMany(v.variant('type', [suggestionBody, screenshotBody]), LIMITS.bodies),
    target: suggestionTarget,
    category: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.category))),
    anonymous: v.optional(v.boolean()),
    creator: v.optional(creatorSchema),
    pageContext: v.optional(PageContextSchema),
  }),
  v.check(
    (annotation) =>
      annotation.body.filter((body) => isTextualBody(body) && body.purpose === 'editing').length ===
      1,
    'body must hold exactly one TextualBody with purpose "editing" (the suggestion text)',
  ),
  v.check(
    (annotation) => annotation.body.filter((body) => !isTextualBody(body)).length <= 1,
    'body may hold at most one screenshot (an Image)',
  ),
  v.check(
    (annotation) =>
      annotation.body.every(
        (body) =>
          !isTextualBody(body) || body.purpose !== 'tagging' || body.value.length <= LIMITS.tag,
      ),
    `a tagging body is at most ${LIMITS.tag} characters`,
  ),
  // Anonymity is the client's promise to the person; an endpoint must not be handed a name
  // it would then have to hide.
  v.check(
    (annotation) => !(annotation.anonymous === true && annotation.creator !== undefined),
    'an anonymous suggestion must not carry a creator',
  ),
  storableAnnotation(),
);
export type IncomingSuggestion = v.InferOutput<typeof IncomingSuggestionSchema>;
/** The same as a client writes it (before parsing): `target` may be the page URL alone. */
export type SuggestionBodyToSend = v.InferInput<typeof IncomingSuggestionSchema>;

/** A reply (from a colleague or a process owner) to one suggestion, targeting its `id`. */
export const IncomingReplySchema = v.pipe(
  v.object({
    '@context': contextSchema,
    type: v.literal('Annotation'),
    motivation: v.literal('replying'),
    created: createdSchema,
    body: oneOrMany(textualBody(['replying', 'commenting'], LIMITS.replyText), 1),
    target: httpUrl,
    anonymous: v.optional(v.boolean()),
    creator: v.optional(creatorSchema),
  }),
  v.check(
    (reply) => !(reply.anonymous === true && reply.creator !== undefined),
    'an anonymous reply must not carry a creator',
  ),
  storableAnnotation(),
);
export type IncomingReply = v.InferOutput<typeof IncomingReplySchema>;

/** Either kind of annotation a client may POST to the container. */
export const IncomingAnnotationSchema = v.variant('motivation', [
  IncomingSuggestionSchema,
  IncomingReplySchema,
]);
export type IncomingAnnotation = v.InferOutput<typeof IncomingAnnotationSchema>;

const serverFields = {
  // Absent on items inside a page: they share the page's context.
  '@context': v.optional(v.unknown()),
  id: httpUrl,
  created: v.pipe(v.string(), v.isoTimestamp()),
  modified: v.pipe(v.string(), v.isoTimestamp()),
};

/** A suggestion as the server returns it: the client's fields plus those the server owns. */
export const StoredSuggestionSchema = v.object({
  ...IncomingSuggestionSchema.pipe[0].entries,
  ...serverFields,
  status: v.picklist(SUGGESTION_STATUSES),
  voteCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  replyCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type StoredSuggestion = v.InferOutput<typeof StoredSuggestionSchema>;

export const StoredReplySchema = v.object({
  ...IncomingReplySchema.pipe[0].entries,
  ...serverFields,
  /** Set by the endpoint, never by a client: the reply was posted by a process owner. */
  fromOwner: v.optional(v.boolean()),
});
export type StoredReply = v.InferOutput<typeof StoredReplySchema>;

export const StoredAnnotationSchema = v.variant('motivation', [
  StoredSuggestionSchema,
  StoredReplySchema,
]);
export type StoredAnnotation = v.InferOutput<typeof StoredAnnotationSchema>;

/** One page of a listing (W3C Web Annotation Protocol, section 4.2). */
export const AnnotationPageSchema = v.object({
  '@context': v.optional(v.unknown()),
  id: httpUrl,
  type: v.literal('AnnotationPage'),
  partOf: v.optional(v.union([httpUrl, v.object({ id: httpUrl })])),
  startIndex: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  next: v.optional(httpUrl),
  items: v.array(StoredAnnotationSchema),
});
export type AnnotationPage = v.InferOutput<typeof AnnotationPageSchema>;

export const AnnotationCollectionSchema = v.object({
  '@context': v.unknown(),
  id: httpUrl,
  type: v.union([v.literal('AnnotationCollection'), v.array(v.string())]),
  total: v.pipe(v.number(), v.integer(), v.minValue(0)),
  first: v.optional(AnnotationPageSchema),
});
export type AnnotationCollection = v.InferOutput<typeof AnnotationCollectionSchema>;

/** Answer to `PUT`/`DELETE {id}/votes/{voterKey}`. */
export const VoteResultSchema = v.object({
  id: httpUrl,
  voteCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  voted: v.boolean(),
});
export type VoteResult = v.InferOutput<typeof VoteResultSchema>;

/** A voter key is the client's (Flywheel derives one per suggestion: docs/protocol.md, Votes), so votes say nothing of who. */
export const VOTER_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** Error bodies (RFC 9457 problem details, plus `error` as a stable machine code). */
export const ProblemSchema = v.object({
  type: v.optional(v.string()),
  title: v.optional(v.string()),
  status: v.optional(v.number()),
  error: v.string(),
  detail: v.optional(v.unknown()),
});
export type Problem = v.InferOutput<typeof ProblemSchema>;
