// The suggestion model shared by every context. No storage code here: the content script
// imports these names and must not pull in the database.
import type { Selector } from '../anchoring/types';
import { LIMITS, SUGGESTION_CATEGORIES, type SuggestionStatus } from '../protocol/vocabulary';
import type { PageContext, SentScreenshot } from './screenshot';

/** Where a suggestion stands on this device. */
export type SyncState = 'draft' | 'queued' | 'sending' | 'synced' | 'failed' | 'conflict';
/** What the process owner made of it, as the endpoint reports. */
export type RemoteStatus = SuggestionStatus;

export const CATEGORIES = SUGGESTION_CATEGORIES;
export type Category = (typeof CATEGORIES)[number];

/** The longest suggestion that can be submitted; a longer draft is kept, never cut. */
export const MAX_SUGGESTION_LENGTH = LIMITS.suggestionText;
/** Drafts keep whatever was typed or pasted, up to a size that cannot hurt the database. */
export const MAX_DRAFT_LENGTH = 200_000;
export const MAX_QUOTE_LENGTH = LIMITS.quote;
export const MAX_TITLE_LENGTH = 500;
/** The most suggestions highlighted on one page. */
export const MAX_PAGE_SUGGESTIONS = 500;

export interface Suggestion {
  id: string;
  /** The page, without its fragment: the key drafts are restored by. */
  pageUrl: string;
  pageTitle: string;
  text: string;
  /**
   * Chosen by the person, never preset. Absent only on a draft where none was chosen yet: a
   * submitted suggestion always has one (the background refuses to submit without).
   */
  category?: Category;
  anonymous: boolean;
  /** The exact text the suggestion is about; empty for the whole page. */
  quote: string;
  selectors: Selector[];
  syncState: SyncState;
  remoteStatus?: RemoteStatus;
  /** The annotation's IRI at the endpoint, once it has one. */
  remoteId?: string;
  etag?: string;
  voteCount?: number;
  replyCount?: number;
  /** Why the last send failed, in the endpoint's words or ours. */
  lastError?: string;
  /** The author took it back: deleted at the endpoint (once sent), kept here as a record. */
  withdrawn?: boolean;
  /** The process owner's latest reply (the endpoint marks it `fromOwner`), once read. */
  ownerReply?: OwnerReply;
  /** The `replyCount` the replies were last read at: another count means read them again. */
  repliesReadAt?: number;
  /**
   * An answer the person has not had the chance to see yet (a new status, a new owner reply):
   * marked in the popup and counted by the toolbar badge until seen.
   */
  unread?: UnreadUpdate;
  /**
   * The text the endpoint last stored from this device. An edit that meets a 412 over nothing
   * but colleagues' votes or replies (this text and the status unchanged there) is no conflict:
   * it is sent again with the fresh ETag, without asking.
   */
  sentText?: string;
  /**
   * After a `412 Precondition Failed` on an edit or a withdrawal: the endpoint's current
   * version, kept beside the person's (the row's own fields) until they keep one.
   */
  remoteVersion?: RemoteVersion;
  createdAt: number;
  updatedAt: number;
  submittedAt?: number;
  /** The screenshot as it is sent (blacked out, compressed), set when it is submitted. */
  screenshot?: SentScreenshot;
  /** The page as the person saw it (see docs/protocol.md), set when it is submitted. */
  pageContext?: PageContext;
}

/** A reply from the process owner, as the author's popup shows it. */
export interface OwnerReply {
  text: string;
  /** When the endpoint says it was posted (ISO 8601): tells one reply from the next. */
  created: string;
}

export interface UnreadUpdate {
  /** When it arrived: a popup that showed this one marks this one seen, not a later one. */
  at: number;
  /** The status changed (to the row's `remoteStatus`). */
  status?: boolean;
  /** The process owner replied (the row's `ownerReply`). */
  reply?: boolean;
  /** The annotation's `modified` when it arrived: one notice per change, across restarts. */
  modified?: string;
}

/** The endpoint's copy of a suggestion, as it was when an edit or withdrawal met a 412. */
export interface RemoteVersion {
  text: string;
  status: RemoteStatus;
  /** Its ETag: keeping the person's version replaces exactly this one. */
  etag?: string;
  voteCount: number;
  replyCount: number;
  modified: string;
}

/** One pending change for the endpoint, written in the same transaction as the change. */
export interface OutboxOperation {
  id: string;
  suggestionId: string;
  kind: 'create' | 'update' | 'delete';
  queuedAt: number;
  attempts: number;
  /** Earliest time to try again (backoff, Retry-After). */
  notBefore: number;
  /**
   * Answers that said the endpoint itself failed (5xx) or was busy with it (409), for this
   * operation. At MAX_SERVER_ERRORS the suggestion is `failed`, so one item cannot retry for ever.
   */
  serverErrors?: number;
  /**
   * The request body as first sent. Every retry sends exactly this, so a setting changed in
   * between (a display name) cannot make a resend look like another suggestion to the endpoint.
   */
  body?: unknown;
}
