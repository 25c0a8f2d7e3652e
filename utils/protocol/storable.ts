// What any endpoint can store: text a database accepts, JSON a server can walk. Checked on
// both ends, so the extension refuses at once what the endpoint would refuse for good.

/** Deepest nesting of arrays and objects a request body may have (an annotation needs 5). */
export const MAX_JSON_DEPTH = 16;

// A UTF-16 surrogate without its partner (a quote cut in the middle of an emoji) is not a
// character: PostgreSQL refuses it in text and jsonb, as it refuses NUL.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why this text cannot be stored, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains half of a character (a lone UTF-16 surrogate)';
  return undefined;
}

/**
 * The text as it can be stored: NUL characters and halves of surrogate pairs dropped (a
 * selection's 32-character context can cut an emoji in half); everything else kept.
 */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATES, '').replaceAll('\0', '');
}

/** The same for every string of a selector. */
export function storableSelector<T extends object>(selector: T): T {
  return Object.fromEntries(
    Object.entries(selector).map(([key, value]) => [
      key,
      typeof value === 'string' ? storableText(value) : value,
    ]),
  ) as T;
}

export interface StorableIssue {
  path: string;
  message: string;
}

/**
 * The first thing in a parsed JSON value that no endpoint could store: text with NUL or a lone
 * surrogate (in values or keys), or nesting deeper than MAX_JSON_DEPTH. Iterative, so a
 * hostile depth cannot overflow the stack.
 */
export function findUnstorable(value: unknown): StorableIssue | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as (typeof stack)[number];
    if (typeof item.value === 'string') {
      const reason = unstorableTextReason(item.value);
      if (reason) return { path: item.path, message: `text ${reason}` };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_JSON_DEPTH) {
      return { path: item.path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    }
    const entries = Array.isArray(item.value)
      ? item.value.map((entry, index) => [String(index), entry] as const)
      : Object.entries(item.value);
    for (const [key, entry] of entries) {
      const path = item.path ? `${item.path}.${key}` : key;
      const reason = Array.isArray(item.value) ? undefined : unstorableTextReason(key);
      if (reason) return { path, message: `a key ${reason}` };
      stack.push({ value: entry, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** UTF-8 length: URLs are indexed, and an index entry is limited in bytes, not characters. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
