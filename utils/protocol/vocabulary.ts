// The wire format's plain vocabulary: statuses and limits, one definition for the extension
// and every endpoint. No code runs here, so any context may import it at no cost.

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
  /** Whole request bodies; the server answers 413 above it. */
  requestBytes: 64 * 1024,
} as const;
