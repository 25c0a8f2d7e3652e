// Text as the endpoint can store it: whole code points and no NUL. A selection's 32-character
// context can cut an emoji in half, and PostgreSQL refuses both NUL and lone surrogates.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops NUL characters and halves of surrogate pairs; everything else is kept as it is. */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '').replaceAll('\0', '');
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
