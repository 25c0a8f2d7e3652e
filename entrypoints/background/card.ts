// The open card's requests beside capture's: where the suggestion stands now (the card asks
// again when something changed), the person's own update marked seen once their card showed
// it, the choice after a 412 made on the card, and a way out for a reply refused for good.
// Each acts only with the capability of the frame, for the suggestion the frame shows.
import type { FlywheelDatabase } from '@/utils/background/db';
import { createVoice } from '@/utils/background/voice';
import type { CardSupport, OwnCardState } from '@/utils/shared/messaging';
import type { Suggestion } from '@/utils/shared/suggestion';
import { defineHandlers, type RequestContext, RequestError } from './router';
import type { EditorSession } from './tab-store';

/** The person's own suggestion, as its card shows it (the popup's item, on the page). */
export function ownCardState(row: Suggestion): OwnCardState {
  const theirs = row.syncState === 'conflict' ? row.remoteVersion : undefined;
  return {
    text: row.text,
    syncState: row.syncState,
    ...(row.remoteStatus ? { remoteStatus: row.remoteStatus } : {}),
    ...(row.withdrawn ? { withdrawn: true } : {}),
    ...(row.ownerReply ? { ownerReply: row.ownerReply } : {}),
    ...(row.unread ? { unread: row.unread } : {}),
    ...(theirs ? { theirs: { text: theirs.text, status: theirs.status } } : {}),
  };
}

export interface CardDeps {
  db: FlywheelDatabase;
  /** Capture's check of the frame's capability (see capture.ts). */
  sessionFor: (
    context: RequestContext,
    capability: string,
    use: 'act' | 'save',
  ) => Promise<EditorSession>;
  /** The sync engine's choice after a 412 (the popup's `resolveConflict`). */
  resolveConflict: (id: string, keep: 'mine' | 'theirs') => Promise<boolean>;
  /** The popup's marking of updates seen: each only if it is still the one shown. */
  markSeen: (items: { id: string; at: number }[]) => Promise<number>;
  /** Called after a reply went back into the outbox. */
  onQueued?: () => void;
  /** Called after anything that changes what the popup or the badge show. */
  onSuggestionsChanged: () => void;
  now?: () => number;
}

export function createCard(deps: CardDeps) {
  const { db } = deps;
  const voice = createVoice(db, deps.now);

  /** The person's own submitted suggestion the frame shows (withdrawn ones too). */
  async function ownOf(session: EditorSession): Promise<Suggestion> {
    const own = session.colleague ? undefined : await db.suggestions.get(session.draftId);
    if (!own || own.syncState === 'draft') throw new RequestError('errorNoSuchSuggestion');
    return own;
  }

  /** Whose replies the card lists: a colleague's suggestion by IRI, the person's own by id. */
  async function replyScope(session: EditorSession) {
    if (session.colleague) return { target: session.colleague.remoteId };
    const own = await ownOf(session);
    return { target: own.remoteId, suggestionId: own.id };
  }

  const handlers = defineHandlers({
    async loadCard(data, context) {
      const session = await deps.sessionFor(context, data.capability, 'act');
      const { colleague } = session;
      if (!colleague) return { own: ownCardState(await ownOf(session)) };
      const listing = await db.pageListings.get(session.pageUrl);
      const kept =
        listing?.items.find((item) => item.remoteId === colleague.remoteId)?.voteCount ??
        colleague.voteCount;
      const support: CardSupport = await voice.cardSupport(colleague.remoteId, kept);
      return { support };
    },

    async markCardSeen(data, context) {
      const session = await deps.sessionFor(context, data.capability, 'act');
      const own = await ownOf(session);
      return { seen: (await deps.markSeen([{ id: own.id, at: data.at }])) > 0 };
    },

    async keepVersion(data, context) {
      const session = await deps.sessionFor(context, data.capability, 'act');
      const own = await ownOf(session);
      if (own.syncState !== 'conflict') throw new RequestError('errorNoSuchSuggestion');
      return { resolved: await deps.resolveConflict(own.id, data.keep) };
    },

    async retryReply(data, context) {
      const session = await deps.sessionFor(context, data.capability, 'act');
      const { target, suggestionId } = await replyScope(session);
      const queued = await voice.retryReply(data.id, target, suggestionId);
      if (!queued) throw new RequestError('errorNoSuchReply');
      deps.onQueued?.();
      return { queued };
    },

    async discardReply(data, context) {
      const session = await deps.sessionFor(context, data.capability, 'act');
      const { target, suggestionId } = await replyScope(session);
      const discarded = await voice.discardReply(data.id, target, suggestionId);
      if (!discarded) throw new RequestError('errorNoSuchReply');
      deps.onSuggestionsChanged();
      return { discarded };
    },
  });

  return { handlers };
}
