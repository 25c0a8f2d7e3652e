// A suggestion's screenshot is stored once, apart from its document (migration 005): the
// document keeps `{ type: "Image", format }`, and the endpoint names the picture by reference,
// `<annotation IRI>/screenshot`, in every representation it gives (docs/protocol.md).
import { createHash } from 'node:crypto';
import { isScreenshotDataIri, type ScreenshotFormat } from '../utils/protocol/annotation';

export const SCREENSHOT_SUFFIX = '/screenshot';

export interface ScreenshotBytes {
  mediaType: ScreenshotFormat;
  bytes: Uint8Array;
  /** Hex SHA-256 of the bytes: the strong ETag of the picture. */
  sha256: string;
}

export function screenshotIri(annotationIri: string): string {
  return `${annotationIri}${SCREENSHOT_SUFFIX}`;
}

export function screenshotEtag(sha256: string): string {
  return `"${sha256}"`;
}

interface ImageBody {
  type: 'Image';
  id: string;
  format: ScreenshotFormat;
}

/** What a write asks of the stored picture. */
export type ScreenshotChange =
  | { kind: 'none' }
  | { kind: 'keep' }
  | { kind: 'replace'; screenshot: ScreenshotBytes };

export type SplitResult<T> =
  | { ok: true; document: T; change: ScreenshotChange }
  | { ok: false; message: string };

function decode(image: ImageBody): ScreenshotBytes {
  const bytes = Buffer.from(image.id.slice(image.id.indexOf(',') + 1), 'base64');
  return {
    mediaType: image.format,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/**
 * The document to store (its Image body without the picture) and what becomes of the stored
 * picture. `ownIri` is the screenshot IRI of the annotation being replaced (a PUT may send it
 * back to keep the picture), with the format stored for it; undefined on create.
 */
export function splitScreenshot<T extends { body: readonly { type: string }[] }>(
  annotation: T,
  own?: { iri: string; format: ScreenshotFormat | undefined },
): SplitResult<T> {
  const image = annotation.body.find(
    (body): body is ImageBody & T['body'][number] => body.type === 'Image',
  );
  if (!image) return { ok: true, document: annotation, change: { kind: 'none' } };
  let change: ScreenshotChange;
  let format = image.format;
  if (isScreenshotDataIri(image.id)) {
    change = { kind: 'replace', screenshot: decode(image) };
  } else if (own && image.id === own.iri && own.format !== undefined) {
    change = { kind: 'keep' };
    format = own.format;
  } else {
    return {
      ok: false,
      message: own
        ? "a screenshot must be a data: IRI, or this suggestion's own screenshot IRI while it has one"
        : 'a new suggestion sends its screenshot as a data: IRI',
    };
  }
  const body = annotation.body.map((item) =>
    item === image ? { type: 'Image' as const, format } : item,
  );
  return { ok: true, document: { ...annotation, body }, change };
}

/** The format of the picture a stored document says it has; undefined for none. */
export function storedScreenshotFormat(
  document: Record<string, unknown>,
): ScreenshotFormat | undefined {
  const body = document.body;
  if (!Array.isArray(body)) return undefined;
  const image = body.find(
    (item): item is { type: 'Image'; format: ScreenshotFormat } =>
      typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'Image',
  );
  return image?.format;
}

/** The stored document's body as the wire has it: the Image body names the picture by IRI. */
export function bodyWithReference(body: unknown, annotationIri: string): unknown {
  if (!Array.isArray(body)) return body;
  return body.map((item) =>
    typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'Image'
      ? {
          type: 'Image',
          id: screenshotIri(annotationIri),
          format: (item as { format?: unknown }).format,
        }
      : item,
  );
}

/** Bytes from either driver (pg gives a Buffer, PGlite a Uint8Array). */
export function asBytes(value: Uint8Array): Uint8Array {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
