// Colleagues' suggestions on a page: the endpoint's listing of the page, fetched with one
// conditional request per page view and kept for offline use.
import * as v from 'valibot';
import {
  type AnnotationCollection,
  AnnotationCollectionSchema,
  type AnnotationPage,
  AnnotationPageSchema,
  isTextualBody,
  type StoredAnnotation,
  type StoredReply,
  type StoredSuggestion,
} from '../protocol/annotation';
import type { ColleagueSuggestion, FlywheelDatabase, PageListingRow } from './db';
import { type Credentials, exchange } from './sync/http';

/** A page view waits this long for the endpoint before it shows what is kept. */
export const LISTING_WAIT_MS = 1_500;
/** Listings kept for offline use; the least recently fetched go first. */
export const MAX_LISTINGS = 500;
/** The most items taken from one page's listing (W3C paging: the first page only). */
const MAX_ITEMS = 500;

export interface ListingConfig extends Credentials {
  endpointUrl: string;
}

function isSuggestion(item: StoredAnnotation): item is StoredSuggestion {
  return item.motivation === 'editing';
}

/** A reply as a card shows it. */
export interface ReplyView {
  text: string;
  /** Absent: anonymous. */
  authorName?: string;
  /** Posted by a process owner (the endpoint says so, never the client). */
  fromOwner: boolean;
  created: string;
}

/** The most pages of replies read for one suggestion (at the reference endpoint's 100 a page). */
export const MAX_REPLY_PAGES = 20;

/**
 * The replies to one suggestion (`GET {container}?target=<its id>`), oldest first: every page,
 * following `next` (at most MAX_REPLY_PAGES), so a late owner reply is not missed. A `next`
 * outside the endpoint is not followed: the credentials only ever go to the endpoint.
 */
export async function fetchReplies(
  suggestionIri: string,
  config: ListingConfig,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): Promise<ReplyView[]> {
  const items: StoredAnnotation[] = [];
  let url: string | undefined = `${config.endpointUrl}?target=${encodeURIComponent(suggestionIri)}`;
  for (let pages = 0; url !== undefined && pages < MAX_REPLY_PAGES; pages++) {
    const outcome = await exchange(fetchImpl, url, { method: 'GET' }, config, {
      now: Date.now(),
      timeoutMs: 10_000,
    });
    if (outcome.kind !== 'ok')
      throw new Error(
        outcome.kind === 'gone' ? 'errorNoSuchSuggestion' : 'errorEndpointUnreachable',
      );
    let current: AnnotationPage | undefined;
    if (pages === 0) {
      const parsed = v.safeParse(AnnotationCollectionSchema, outcome.body);
      if (!parsed.success) throw new Error('errorEndpointGarbage');
      current = parsed.output.first;
    } else {
      const parsed = v.safeParse(AnnotationPageSchema, outcome.body);
      if (!parsed.success) throw new Error('errorEndpointGarbage');
      current = parsed.output;
    }
    items.push(...(current?.items ?? []));
    const next = current?.next;
    url = next?.startsWith(config.endpointUrl) && next !== url ? next : undefined;
  }
  return items
    .filter((item): item is StoredReply => item.motivation === 'replying')
    .map((reply) => ({
      text: reply.body[0]?.value ?? '',
      authorName: reply.anonymous ? undefined : reply.creator?.name,
      fromOwner: reply.fromOwner === true,
      created: reply.created,
    }))
    .sort((a, b) => a.created.localeCompare(b.created));
}

/** The fields a colleague's card needs, from a stored annotation. */
export function colleagueSuggestion(item: StoredSuggestion, markId: string): ColleagueSuggestion {
  const editing = item.body.filter(isTextualBody).find((body) => body.purpose === 'editing');
  const quote = item.target.selector?.find((s) => s.type === 'TextQuoteSelector');
  return {
    markId,
    remoteId: item.id,
    text: editing?.value ?? '',
    quote: quote && 'exact' in quote ? quote.exact : '',
    selectors: item.target.selector ?? [],
    category: item.category,
    authorName: item.anonymous ? undefined : item.creator?.name,
    status: item.status,
    voteCount: item.voteCount,
    replyCount: item.replyCount,
    created: item.created,
  };
}

/** The listing a page view is shown, and the endpoint's answer if it came too late for it. */
export interface ListingView {
  /** The endpoint's answer if it came within the wait, else what is kept. */
  items: ColleagueSuggestion[];
  /**
   * The endpoint's answer, when it came after `items` were taken from what is kept (what is
   * kept then, if the request failed): whoever showed `items` may want to show it too.
   */
  late?: Promise<ColleagueSuggestion[]>;
}

export interface PageListing {
  /** Asks the endpoint about the page (conditionally) and keeps the answer; resolves with it. */
  refresh(pageUrl: string, config: ListingConfig): Promise<ColleagueSuggestion[]>;
  /** What is kept for the page, without asking. */
  cached(pageUrl: string): Promise<ColleagueSuggestion[]>;
  /**
   * One page view: one conditional request, waited on for `waitMs`; a slow endpoint's answer
   * is kept (and handed over as `late`) when it comes. A failed request is told to `onError`.
   */
  view(
    pageUrl: string,
    config: ListingConfig,
    onError: (error: unknown) => unknown,
    waitMs?: number,
  ): Promise<ListingView>;
}

export function createPageListing(
  db: FlywheelDatabase,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  now: () => number = Date.now,
): PageListing {
  async function store(row: PageListingRow) {
    await db.transaction('rw', db.pageListings, async () => {
      await db.pageListings.put(row);
      const excess = (await db.pageListings.count()) - MAX_LISTINGS;
      if (excess > 0) {
        const oldest = await db.pageListings.orderBy('fetchedAt').limit(excess).primaryKeys();
        await db.pageListings.bulkDelete(oldest);
      }
    });
  }

  const cached = async (pageUrl: string) => (await db.pageListings.get(pageUrl))?.items ?? [];

  const listing: PageListing = {
    cached,
    async view(pageUrl, config, onError, waitMs = LISTING_WAIT_MS) {
      const asked = listing.refresh(pageUrl, config).catch(async (error: unknown) => {
        await onError(error);
        return cached(pageUrl);
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), waitMs);
      });
      const answer = await Promise.race([asked, waited]);
      clearTimeout(timer);
      return answer ? { items: answer } : { items: await cached(pageUrl), late: asked };
    },
    async refresh(pageUrl, config) {
      const kept = await db.pageListings.get(pageUrl);
      const url = `${config.endpointUrl}?target=${encodeURIComponent(pageUrl)}`;
      const outcome = await exchange(
        fetchImpl,
        url,
        { method: 'GET', headers: kept?.etag ? { 'If-None-Match': kept.etag } : {} },
        config,
        { now: now(), timeoutMs: 10_000 },
      );
      if (outcome.kind !== 'ok') return kept?.items ?? [];
      if (outcome.status === 304 && kept) {
        await store({ ...kept, fetchedAt: now() });
        return kept.items;
      }
      const parsed = v.safeParse(AnnotationCollectionSchema, outcome.body);
      if (!parsed.success) throw new Error('errorEndpointGarbage');
      const collection: AnnotationCollection = parsed.output;
      // The same suggestion keeps its mark id from one listing to the next.
      const markIds = new Map((kept?.items ?? []).map((item) => [item.remoteId, item.markId]));
      const items = (collection.first?.items ?? [])
        .filter(isSuggestion)
        .slice(0, MAX_ITEMS)
        .map((item) => colleagueSuggestion(item, markIds.get(item.id) ?? crypto.randomUUID()));
      await store({ pageUrl, etag: outcome.etag ?? undefined, fetchedAt: now(), items });
      return items;
    },
  };
  return listing;
}
