import Dexie, { type EntityTable } from 'dexie';
import type { ErrorEntry } from '../shared/messaging';
import type { ScreenshotDraft } from '../shared/screenshot';
import type { OutboxOperation, Suggestion, SyncState } from '../shared/suggestion';

export type * from '../shared/suggestion';

/** A value only the background may read: it lives in the extension's own IndexedDB. */
export interface SecretRow {
  key: 'accessToken';
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

/** A change the person was told about (one notification per change, across restarts). */
export interface NoticeRow {
  /** `<suggestion id>:<status>` */
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
    // 5, not 4: another capability's tables take version 4 (Dexie allows a gap).
    this.version(5).stores({ screenshots: 'suggestionId' });
  }
}

export const db = new FlywheelDatabase();
