// A person's voice on suggestions: their support (one per suggestion, undo by pressing again)
// and their replies, each kept here first and sent through the interactions outbox
// (sync/interactions.ts), so both work offline and show at once.
import { unstorableTextReason } from '../protocol/storable';
import { LIMITS } from '../protocol/vocabulary';
import type { CardSupport, ReplyEntry } from '../shared/messaging';
import type { ColleagueSuggestion, FlywheelDatabase, InteractionOp, StanceRow } from './db';

/** The count to show: the kept count, with the person's own choice in place of the endpoint's. */
export function shownCount(keptCount: number, stance: StanceRow | undefined): number {
  if (!stance) return keptCount;
  return Math.max(0, keptCount - (stance.remoteVoted ? 1 : 0) + (stance.supported ? 1 : 0));
}

/** Why a reply cannot be posted, as a locale key; undefined when it can. */
export function replyProblem(text: string): string | undefined {
  if (text.trim() === '') return 'errorReplyEmpty';
  if (text.trim().length > LIMITS.replyText) return 'errorReplyTooLong';
  if (unstorableTextReason(text) !== undefined) return 'errorReplyUnstorable';
  return undefined;
}

export interface ReplyTarget {
  /** The suggestion's IRI, once it has one. */
  target?: string;
  /** The person's own suggestion (local id). */
  suggestionId?: string;
  pageUrl: string;
  anonymous: boolean;
  /** The display name, or empty. */
  creatorName: string;
}

export function createVoice(db: FlywheelDatabase, now: () => number = Date.now) {
  /** The person's support of one suggestion and the count to show with it. */
  async function supportOf(target: string, keptCount: number) {
    const stance = await db.stances.get(target);
    return { supported: stance?.supported ?? false, voteCount: shownCount(keptCount, stance) };
  }

  /** As `supportOf`, with why the endpoint refused the person's last choice, if it did. */
  async function cardSupport(target: string, keptCount: number): Promise<CardSupport> {
    const stance = await db.stances.get(target);
    return {
      supported: stance?.supported ?? false,
      voteCount: shownCount(keptCount, stance),
      ...(stance?.refused ? { refused: stance.refused } : {}),
    };
  }

  /**
   * Sets the person's support. A toggle while the previous one waits replaces it (the last one
   * wins); a choice that is what the endpoint already has sends nothing.
   */
  async function setSupport(
    target: string,
    pageUrl: string,
    supported: boolean,
    keptCount: number,
  ) {
    await db.transaction('rw', db.stances, db.interactions, async () => {
      const stance = await db.stances.get(target);
      const remoteVoted = stance?.remoteVoted ?? false;
      await db.stances.put({ target, supported, remoteVoted, pageUrl, updatedAt: now() });
      const waiting = (await db.interactions.where('target').equals(target).toArray()).filter(
        (op) => op.kind !== 'reply',
      );
      await db.interactions.bulkDelete(waiting.map((op) => op.id));
      if (supported === remoteVoted) return;
      await db.interactions.add({
        id: crypto.randomUUID(),
        kind: supported ? 'support' : 'unsupport',
        target,
        pageUrl,
        queuedAt: now(),
        attempts: 0,
        notBefore: now(),
      });
    });
    return supportOf(target, keptCount);
  }

  /** Queues a reply; answers it as the card lists it until the endpoint has it. */
  async function postReply(to: ReplyTarget, text: string): Promise<ReplyEntry> {
    const problem = replyProblem(text);
    if (problem) throw new Error(problem);
    const at = now();
    const name = to.anonymous ? '' : to.creatorName.trim().slice(0, LIMITS.creatorName);
    const op: InteractionOp = {
      id: crypto.randomUUID(),
      kind: 'reply',
      ...(to.target ? { target: to.target } : {}),
      ...(to.suggestionId ? { suggestionId: to.suggestionId } : {}),
      pageUrl: to.pageUrl,
      text: text.trim(),
      anonymous: to.anonymous,
      ...(name ? { creatorName: name } : {}),
      queuedAt: at,
      attempts: 0,
      notBefore: at,
    };
    await db.interactions.add(op);
    return pendingEntry(op);
  }

  function pendingEntry(op: InteractionOp): ReplyEntry {
    return {
      id: op.id,
      text: op.text ?? '',
      ...(op.creatorName ? { authorName: op.creatorName } : {}),
      fromOwner: false,
      created: new Date(op.queuedAt).toISOString(),
      ...(op.failed ? { failed: op.failed } : { sending: true }),
    };
  }

  /** The person's replies to one suggestion that the endpoint does not have yet, oldest first. */
  async function pendingReplies(target?: string, suggestionId?: string): Promise<ReplyEntry[]> {
    const [byTarget, byOwn] = await Promise.all([
      target ? db.interactions.where('target').equals(target).toArray() : [],
      suggestionId ? db.interactions.where('suggestionId').equals(suggestionId).toArray() : [],
    ]);
    const ops = new Map([...byTarget, ...byOwn].map((op) => [op.id, op]));
    return [...ops.values()]
      .filter((op) => op.kind === 'reply')
      .sort((a, b) => a.queuedAt - b.queuedAt)
      .map(pendingEntry);
  }

  /** The person's reply refused for good, if it is one to this suggestion (by IRI or own id). */
  async function refusedReply(id: string, target?: string, suggestionId?: string) {
    const op = await db.interactions.get(id);
    if (op?.kind !== 'reply' || op.failed === undefined) return undefined;
    const ours =
      (target !== undefined && op.target === target) ||
      (suggestionId !== undefined && op.suggestionId === suggestionId);
    return ours ? op : undefined;
  }

  /** Sends a refused reply again, as it was (the same key: the endpoint created nothing). */
  async function retryReply(id: string, target?: string, suggestionId?: string) {
    return db.transaction('rw', db.interactions, async () => {
      if (!(await refusedReply(id, target, suggestionId))) return false;
      await db.interactions.update(id, {
        failed: undefined,
        attempts: 0,
        serverErrors: 0,
        notBefore: now(),
      });
      return true;
    });
  }

  /** Drops a refused reply: the person lets it go. */
  async function discardReply(id: string, target?: string, suggestionId?: string) {
    return db.transaction('rw', db.interactions, async () => {
      if (!(await refusedReply(id, target, suggestionId))) return false;
      await db.interactions.delete(id);
      return true;
    });
  }

  return {
    supportOf,
    cardSupport,
    setSupport,
    postReply,
    pendingReplies,
    retryReply,
    discardReply,
  };
}

export type Voice = ReturnType<typeof createVoice>;

/** The origin's pages as the database keys them: `https://host/` and everything below. */
function sitePrefix(pageUrl: string): string {
  return `${new URL(pageUrl).origin}/`;
}

export interface SiteColleague {
  suggestion: ColleagueSuggestion;
  pageUrl: string;
}

/** Colleagues' suggestions kept for the pages of one site (not the person's own, not declined). */
export async function siteColleagues(
  db: FlywheelDatabase,
  pageUrl: string,
  ownRemoteIds: ReadonlySet<string>,
): Promise<SiteColleague[]> {
  const listings = await db.pageListings.where('pageUrl').startsWith(sitePrefix(pageUrl)).toArray();
  const seen = new Set<string>();
  const found: SiteColleague[] = [];
  for (const listing of listings) {
    for (const suggestion of listing.items) {
      if (suggestion.status === 'declined' || ownRemoteIds.has(suggestion.remoteId)) continue;
      if (seen.has(suggestion.remoteId)) continue;
      seen.add(suggestion.remoteId);
      found.push({ suggestion, pageUrl: listing.pageUrl });
    }
  }
  return found;
}

/** The person's own submitted suggestions on one site. */
export async function siteOwn(db: FlywheelDatabase, pageUrl: string) {
  return (await db.suggestions.where('pageUrl').startsWith(sitePrefix(pageUrl)).toArray()).filter(
    (s) => s.syncState !== 'draft' && !s.withdrawn,
  );
}
