import Dexie, { type EntityTable } from 'dexie';
import type { ErrorEntry } from '../shared/messaging';
import type { ScreenshotDraft } from '../shared/screenshot';
import type { OutboxOperation, Suggestion, SyncState } from '../shared/suggestion';

export type * from '../shared/suggestion';

/** A value only the background may read: it lives in the extension's own IndexedDB. */
export interface SecretRow {
  /**
   * `accessToken`: the endpoint's token. `voterSecret`: 32 random bytes (base64url) made once
   * per install, from which each suggestion's voter key is derived (sync/interactions.ts).
   */
  key: 'accessToken' | 'voterSecret';
  value: string;
}

export interface ErrorRow extends ErrorEntry {
  id?: number;
}

/**
 * The secret that proves to the endpoint that this browser wrote a suggestion (it keeps only
 * a hash). One per suggestion, random, so secrets link nothing; kept in its own table so that
 * no message carrying suggestion rows can ever carry it, and sent to the endpoint alone.
 */
export interface AuthorSecret {
  suggestionId: string;
  secret: string;
}

/** A colleague's suggestion on a page, as the endpoint's listing of the page gave it. */
export interface ColleagueSuggestion {
  /** The id the page's marks know it by (random, kept across listings). */
  markId: string;
  /** The annotation's IRI at the endpoint. */
  remoteId: string;
  text: string;
  quote: string;
  selectors: Suggestion['selectors'];
  category?: string;
  /** Absent for an anonymous suggestion. */
  authorName?: string;
  status: NonNullable<Suggestion['remoteStatus']>;
  voteCount: number;
  replyCount: number;
  created: string;
}

/** One page's listing, kept for offline use and for the next conditional request. */
export interface PageListingRow {
  pageUrl: string;
  etag?: string;
  fetchedAt: number;
  items: ColleagueSuggestion[];
}

/**
 * One pending interaction with a suggestion at the endpoint: the person's support given or
 * taken back, or a reply. Written in the same transaction as the stance it carries out; sent
 * by the sync engine's run (sync/interactions.ts) and deleted once the endpoint has it.
 */
export interface InteractionOp {
  /** A uuid; a reply's `Idempotency-Key`, so a resend creates nothing new. */
  id: string;
  kind: 'support' | 'unsupport' | 'reply';
  /**
   * The suggestion's annotation IRI. A reply to the person's own suggestion that has not
   * reached the endpoint yet has none until it does (then `suggestionId` says which).
   */
  target?: string;
  /** The person's own suggestion (local id) a reply is to. */
  suggestionId?: string;
  /** The page whose kept listing shows the suggestion (its count is kept current there). */
  pageUrl?: string;
  /** A reply: its text, and how it is signed (decided when the person posted it). */
  text?: string;
  anonymous?: boolean;
  creatorName?: string;
  /** A reply's request body as first sent: every retry sends exactly this. */
  body?: unknown;
  queuedAt: number;
  attempts: number;
  serverErrors?: number;
  /** Earliest time to try again; `NEVER` once failed for good. */
  notBefore: number;
  /** A reply the endpoint refused for good: kept (with why) so its text is not lost. */
  failed?: string;
}

/** `notBefore` of an interaction that will not be sent again by itself. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** The person's support of one suggestion at the endpoint (by its IRI). */
export interface StanceRow {
  target: string;
  /** What the person last chose. */
  supported: boolean;
  /** What the endpoint last confirmed (a vote's answer): kept counts include this, not `supported`. */
  remoteVoted: boolean;
  pageUrl?: string;
  updatedAt: number;
  /** The endpoint refused the person's last choice for good (it went back): why, until they choose again. */
  refused?: string;
}

/** A change the person was told about (one notification per change, across restarts). */
export interface NoticeRow {
  /** `<suggestion id>:<status>@<modified>` for a status, `<suggestion id>:reply:<created>` for an owner reply. */
  key: string;
  at: number;
}

/** A draft's screenshot, as cropped, with its black-outs (sent once the draft is submitted). */
export interface ScreenshotRow extends ScreenshotDraft {
  suggestionId: string;
  capturedAt: number;
}

export class FlywheelDatabase extends Dexie {
  suggestions!: EntityTable<Suggestion, 'id'>;
  outbox!: EntityTable<OutboxOperation, 'id'>;
  /**
   * Credentials. Not in `chrome.storage.local`: content scripts can read that area, and a
   * content script runs inside the intranet's pages.
   */
  secrets!: EntityTable<SecretRow, 'key'>;
  /** The error log, oldest first (see error-log.ts). */
  errors!: EntityTable<ErrorRow, 'id'>;
  authorSecrets!: EntityTable<AuthorSecret, 'suggestionId'>;
  /** Drafts' screenshots: out of the suggestion rows, so lists never carry pictures. */
  screenshots!: EntityTable<ScreenshotRow, 'suggestionId'>;
  pageListings!: EntityTable<PageListingRow, 'pageUrl'>;
  notices!: EntityTable<NoticeRow, 'key'>;
  /** Support and replies waiting for the endpoint (the outbox of interactions). */
  interactions!: EntityTable<InteractionOp, 'id'>;
  stances!: EntityTable<StanceRow, 'target'>;

  /** The suggestions in one sync state, oldest change first (the compound index). */
  inSyncState(state: SyncState) {
    return this.suggestions
      .where('[syncState+updatedAt]')
      .between([state, Dexie.minKey], [state, Dexie.maxKey]);
  }

  constructor(name = 'flywheel') {
    super(name);
    // Index only what is queried: drafts by page, the list by time, the badge by state.
    this.version(1).stores({
      suggestions: 'id, pageUrl, updatedAt, [syncState+updatedAt]',
      outbox: 'id, suggestionId, notBefore',
    });
    this.version(2).stores({ secrets: 'key', errors: '++id', authorSecrets: 'suggestionId' });
    this.version(3).stores({ pageListings: 'pageUrl, fetchedAt', notices: 'key' });
    // Interactions by due time (the sender), by target and by own suggestion (the card's
    // pending replies, the last-one-wins toggle); stances by the suggestion's IRI.
    this.version(4).stores({
      interactions: 'id, notBefore, target, suggestionId',
      stances: 'target',
    });
    // Screenshots kept with their drafts, by suggestion.
    this.version(5).stores({ screenshots: 'suggestionId' });
  }
}

export const db = new FlywheelDatabase();
