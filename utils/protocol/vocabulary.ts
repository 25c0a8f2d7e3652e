// The wire format's plain vocabulary: statuses and limits, one definition for the extension
// and every endpoint. Nothing here runs when imported (one pure helper), so any context may
// import it at no cost.

export const SUGGESTION_STATUSES = [
  'submitted',
  'under-review',
  'planned',
  'done',
  'declined',
] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

export const LIMITS = {
  suggestionText: 10_000,
  replyText: 10_000,
  quote: 2_000,
  quoteContext: 256,
  elementSelector: 1_000,
  selectors: 8,
  bodies: 10,
  tag: 64,
  category: 64,
  creatorName: 200,
  url: 2_048,
  /**
   * Whole request bodies; the server answers 413 above it. Room for the text (64 KB) and one
   * screenshot's data IRI (base64 makes 4 characters of every 3 bytes).
   */
  requestBytes: 512 * 1024,
  /** One screenshot body: its image's bytes (before base64), and its width and height in pixels. */
  screenshotBytes: 300 * 1024,
  screenshotSide: 4_096,
  /** A page context's free text (its title, the browser's name). */
  contextText: 500,
} as const;

/** The bytes a base64 text holds (a screenshot's size against LIMITS.screenshotBytes). */
export function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * The categories the extension offers. The wire takes any `category` of 1-64 characters (an
 * organisation's own client may have others); these are the ones Flywheel's editor sends.
 */
export const SUGGESTION_CATEGORIES = [
  'unclear',
  'missing-step',
  'outdated',
  'simplify',
  'other',
] as const;
export type SuggestionCategory = (typeof SUGGESTION_CATEGORIES)[number];

/**
 * The request header that carries a suggestion's author secret: random per suggestion, made
 * by the author's browser, sent only to the endpoint, which keeps only its hash. With it (or
 * an owner token) a suggestion may be replaced or deleted.
 */
export const AUTHOR_SECRET_HEADER = 'Flywheel-Author-Secret';
/** 32-128 characters of base64url: at least 192 bits from a 32-byte random value. */
export const AUTHOR_SECRET_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;
