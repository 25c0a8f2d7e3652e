// Capture: the editor on a page, from opening it to a queued suggestion. The content script
// opens it for its own tab and page; the editor frame then acts only with the capability it
// was handed, for that tab and page, until it closes.
import type { ColleagueSuggestion, FlywheelDatabase } from '@/utils/background/db';
import {
  createVoice,
  replyProblem,
  shownCount,
  siteColleagues,
  siteOwn,
} from '@/utils/background/voice';
import { storableSelector, storableText } from '@/utils/protocol/storable';
import { LIMITS } from '@/utils/protocol/vocabulary';
import type { EditorState, ReplyEntry, SimilarEntry } from '@/utils/shared/messaging';
import { MAX_SUGGESTION_LENGTH, type Suggestion } from '@/utils/shared/suggestion';
import {
  anonymityAllowed,
  offeredCategories,
  type Policy,
  readPolicy,
  screenshotAllowed,
} from './policy';
import {
  defineHandlers,
  type RequestContext,
  RequestError,
  requireTab,
  senderPage,
} from './router';
import type { Screenshots } from './screenshot';
import type { EditorSession, EditorSessions } from './tab-store';

/** After the editor closes, its last flush of typing may still arrive. */
export const CLOSE_GRACE_MS = 10_000;

export interface CaptureDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  /** Called after anything that changes what the popup or the badge show. */
  onSuggestionsChanged: () => void;
  /** Called after a suggestion went into the outbox. */
  onQueued?: () => void;
  /** Asks the content script of a tab to take its editor frame down. */
  closeEditorInTab: (tabId: number) => Promise<void>;
  /** A draft's screenshot and the page context sent with it (see screenshot.ts). */
  screenshots?: Pick<Screenshots, 'draftFor' | 'forSubmit' | 'pageContext'>;
  now?: () => number;
  newId?: () => string;
  /** The replies to one suggestion at the endpoint, by its IRI. */
  replies?: (suggestionIri: string) => Promise<ReplyEntry[]>;
  /** The organisation's policy (tests hand in their own). */
  policy?: () => Promise<Policy>;
  /** The person's display name (the options page), which signs their replies; empty: none. */
  displayName?: () => Promise<string>;
}

/** The most suggestions of a site handed to the editor to rank; each text at most this long. */
const MAX_SIMILAR = 2_000;
const MAX_SIMILAR_TEXT = 2_000;

/** 128 random bits, URL-safe. */
export function newCapability(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** The editor document a request came from: Chromium names documents; Firefox has frame ids. */
function documentOf(context: RequestContext): string {
  const { documentId, frameId } = context.sender as { documentId?: string; frameId?: number };
  return documentId ?? `frame:${frameId ?? -1}`;
}

export function createCapture(deps: CaptureDeps) {
  const { db, sessions } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const policy = deps.policy ?? readPolicy;
  const voice = createVoice(db, now);
  const displayName = deps.displayName ?? (async () => '');

  /** The count the page's kept listing has now for a colleague's suggestion. */
  async function keptCount(pageUrl: string, colleague: ColleagueSuggestion): Promise<number> {
    const listing = await db.pageListings.get(pageUrl);
    return (
      listing?.items.find((item) => item.remoteId === colleague.remoteId)?.voteCount ??
      colleague.voteCount
    );
  }

  async function ownRemoteIds(pageUrl: string): Promise<Set<string>> {
    const own = await siteOwn(db, pageUrl);
    return new Set(own.map((s) => s.remoteId).filter((id): id is string => id !== undefined));
  }

  /** Drafts open in another tab's editor are left to it: two editors never share one draft. */
  async function draftsOpenElsewhere(tabId: number): Promise<Set<string>> {
    const open = await sessions.entries();
    return new Set(
      open.filter(([tab, s]) => tab !== tabId && s.endedAt === undefined).map(([, s]) => s.draftId),
    );
  }

  async function latestDraftFor(pageUrl: string, tabId: number) {
    const [onPage, elsewhere] = await Promise.all([
      db.suggestions.where('pageUrl').equals(pageUrl).toArray(),
      draftsOpenElsewhere(tabId),
    ]);
    return onPage
      .filter((s) => s.syncState === 'draft' && !elsewhere.has(s.id))
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];
  }

  /**
   * The session a frame's capability names. The first document to show it holds it; any other
   * document, tab, or a closed session (beyond the grace a last save gets) is refused.
   */
  async function sessionFor(
    context: RequestContext,
    capability: string,
    use: 'act' | 'save',
  ): Promise<EditorSession> {
    const tabId = requireTab(context);
    const holder = documentOf(context);
    const session = await sessions.update(tabId, (current) => {
      if (current.capability !== capability) return current;
      return current.holder === undefined ? { ...current, holder } : current;
    });
    const valid =
      session !== undefined &&
      session.capability === capability &&
      session.holder === holder &&
      (session.endedAt === undefined ||
        (use === 'save' && now() - session.endedAt < CLOSE_GRACE_MS));
    if (!valid) throw new RequestError('errorNoEditorSession');
    return session;
  }

  /** The person's own submitted suggestion this frame was opened for. */
  async function ownSubmitted(session: EditorSession, id: string): Promise<Suggestion> {
    const own = session.colleague ? undefined : await db.suggestions.get(id);
    if (!own || session.draftId !== id || own.syncState === 'draft' || own.withdrawn) {
      throw new RequestError('errorNoSuchSuggestion');
    }
    return own;
  }

  function operation(suggestionId: string, kind: 'create' | 'update' | 'delete') {
    const at = now();
    return { id: newId(), suggestionId, kind, queuedAt: at, attempts: 0, notBefore: at };
  }

  const handlers = defineHandlers({
    async openEditor(data, context) {
      const { tabId, pageUrl } = senderPage(context, data.pageUrl);
      if (pageUrl.length > LIMITS.url) throw new RequestError('errorPageUrlTooLong');
      const draft = await latestDraftFor(pageUrl, tabId);
      const quote = storableText(data.quote);
      const hasSelection = quote.trim() !== '' || data.selectors.length > 0;
      // A new selection re-targets the draft; opening with none keeps what it was about.
      const selectors = hasSelection
        ? data.selectors.map(storableSelector)
        : (draft?.selectors ?? []);
      const target = hasSelection ? quote : (draft?.quote ?? '');
      const draftId = draft?.id ?? newId();
      if (draft && hasSelection) {
        await db.suggestions.update(draft.id, { quote: target, selectors, updatedAt: now() });
      }
      const capability = newCapability();
      await sessions.set(tabId, {
        capability,
        draftId,
        pageUrl,
        pageTitle: storableText(data.title).slice(0, 500),
        quote: target,
        selectors,
      });
      return { capability };
    },

    async loadEditor(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      const { colleague } = session;
      if (colleague) {
        const [support, name] = await Promise.all([
          keptCount(session.pageUrl, colleague).then((count) =>
            voice.supportOf(colleague.remoteId, count),
          ),
          displayName(),
        ]);
        const card: EditorState = {
          draftId: session.draftId,
          pageUrl: session.pageUrl,
          pageTitle: session.pageTitle,
          quote: colleague.quote,
          text: colleague.text,
          category: 'other',
          anonymous: colleague.authorName === undefined,
          syncState: 'synced',
          remoteStatus: colleague.status,
          categories: [],
          allowAnonymous: false,
          colleague: {
            authorName: colleague.authorName,
            category: colleague.category,
            voteCount: support.voteCount,
            replyCount: colleague.replyCount,
            supported: support.supported,
          },
          replyAs: { anonymous: false, name: name.trim() },
        };
        return card;
      }
      const [draft, rules] = await Promise.all([db.suggestions.get(session.draftId), policy()]);
      const allowAnonymous = anonymityAllowed(rules);
      const categories = offeredCategories(rules);
      // Screenshot and page context: what will be sent with it, shown before it is.
      const attached =
        deps.screenshots && (draft?.syncState ?? 'draft') === 'draft'
          ? {
              allowScreenshot: screenshotAllowed(rules),
              screenshot: await deps.screenshots.draftFor(session.draftId, rules),
              pageContext: await deps.screenshots.pageContext(requireTab(context), session),
            }
          : {};
      const state: EditorState = {
        draftId: session.draftId,
        pageUrl: session.pageUrl,
        pageTitle: session.pageTitle,
        quote: session.quote,
        text: draft?.text ?? '',
        // None is preset; a draft's own choice comes back while the organisation still offers it.
        category:
          draft?.category && categories.includes(draft.category) ? draft.category : undefined,
        anonymous: allowAnonymous && (draft?.anonymous ?? false),
        syncState: draft?.syncState ?? 'draft',
        remoteStatus: draft?.remoteStatus,
        categories,
        allowAnonymous,
        own: draft !== undefined && draft.syncState !== 'draft',
        withdrawn: draft?.withdrawn,
        ...attached,
      };
      if (state.own) {
        // On their own anonymous suggestion a person's reply is anonymous too.
        state.replyAs = draft?.anonymous
          ? { anonymous: true, name: '' }
          : { anonymous: false, name: (await displayName()).trim() };
      }
      return state;
    },

    async saveDraft(data, context) {
      const session = await sessionFor(context, data.capability, 'save');
      if (session.draftId !== data.draftId || session.colleague) {
        throw new RequestError('errorNoEditorSession');
      }
      const savedAt = now();
      await db.transaction('rw', db.suggestions, async () => {
        const existing = await db.suggestions.get(data.draftId);
        if (existing && existing.syncState !== 'draft')
          throw new RequestError('errorAlreadySubmitted');
        if (data.text.trim() === '' && !existing) return;
        const draft: Suggestion = {
          id: data.draftId,
          pageUrl: session.pageUrl,
          pageTitle: session.pageTitle,
          quote: session.quote,
          selectors: session.selectors,
          text: data.text,
          category: data.category,
          anonymous: data.anonymous,
          syncState: 'draft',
          createdAt: existing?.createdAt ?? savedAt,
          updatedAt: savedAt,
        };
        await db.suggestions.put(draft);
      });
      deps.onSuggestionsChanged();
      return { savedAt };
    },

    async submitSuggestion(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      if (session.draftId !== data.draftId || session.colleague) {
        throw new RequestError('errorNoEditorSession');
      }
      const text = storableText(data.text).trim();
      if (text === '') throw new RequestError('errorEmpty');
      if (text.length > MAX_SUGGESTION_LENGTH) throw new RequestError('errorTooLong');
      const rules = await policy();
      if (data.anonymous && !anonymityAllowed(rules)) {
        throw new RequestError('errorAnonymousNotAllowed');
      }
      if (!offeredCategories(rules).includes(data.category)) {
        throw new RequestError('errorInvalidRequest');
      }
      // The screenshot is blacked out and compressed before the transaction (canvas work).
      const attached = await deps.screenshots?.forSubmit(
        data.draftId,
        requireTab(context),
        session,
        rules,
      );
      const submittedAt = now();
      await db.transaction('rw', db.suggestions, db.outbox, db.screenshots, async () => {
        const existing = await db.suggestions.get(data.draftId);
        if (existing && existing.syncState !== 'draft')
          throw new RequestError('errorAlreadySubmitted');
        await db.suggestions.put({
          id: data.draftId,
          pageUrl: session.pageUrl,
          pageTitle: session.pageTitle,
          quote: session.quote,
          selectors: session.selectors,
          text,
          category: data.category,
          anonymous: data.anonymous,
          syncState: 'queued',
          createdAt: existing?.createdAt ?? submittedAt,
          updatedAt: submittedAt,
          submittedAt,
          ...attached,
        });
        // What is sent is on the suggestion now; the draft's copy is done with.
        await db.screenshots.delete(data.draftId);
        // The outbox row is written with the change, so a crash cannot leave one without the other.
        await db.outbox.add(operation(data.draftId, 'create'));
      });
      // The next time the editor opens on this page, it starts a new suggestion.
      await sessions.update(requireTab(context), (s) => ({ ...s, draftId: newId() }));
      deps.onSuggestionsChanged();
      deps.onQueued?.();
      return { id: data.draftId };
    },

    async closeEditor(data, context) {
      await sessionFor(context, data.capability, 'act');
      const tabId = requireTab(context);
      await sessions.update(tabId, (s) => ({ ...s, endedAt: now() }));
      await deps.closeEditorInTab(tabId);
      return { closed: true };
    },

    async loadReplies(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      const ownId = session.colleague ? undefined : session.draftId;
      const iri =
        session.colleague?.remoteId ?? (await db.suggestions.get(session.draftId))?.remoteId;
      const waiting = await voice.pendingReplies(iri, ownId);
      // Not at the endpoint yet: no one else can have replied.
      if (!iri || !deps.replies) return { replies: waiting };
      try {
        return { replies: [...(await deps.replies(iri)), ...waiting] };
      } catch (error) {
        // Offline: the person's own waiting replies are still theirs to see.
        const reason = error instanceof Error ? error.message : String(error);
        if (waiting.length === 0) throw error;
        return { replies: waiting, error: reason };
      }
    },

    async supportSuggestion(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      let target: { colleague: ColleagueSuggestion; pageUrl: string } | undefined;
      if (data.id === undefined) {
        if (session.colleague) target = { colleague: session.colleague, pageUrl: session.pageUrl };
      } else if (!session.colleague) {
        // One the editor offered as similar: a colleague's on this site, never the person's own.
        const found = (await siteColleagues(db, session.pageUrl, new Set())).find(
          (c) => c.suggestion.markId === data.id,
        );
        if (found) target = { colleague: found.suggestion, pageUrl: found.pageUrl };
      }
      if (!target || (await ownRemoteIds(session.pageUrl)).has(target.colleague.remoteId)) {
        throw new RequestError('errorNoSuchSuggestion');
      }
      const result = await voice.setSupport(
        target.colleague.remoteId,
        target.pageUrl,
        data.support,
        await keptCount(target.pageUrl, target.colleague),
      );
      deps.onQueued?.();
      return result;
    },

    async postReply(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      const own = session.colleague ? undefined : await db.suggestions.get(session.draftId);
      if (!session.colleague && (!own || own.syncState === 'draft' || own.withdrawn)) {
        throw new RequestError('errorNoSuchSuggestion');
      }
      const problem = replyProblem(data.text);
      if (problem) throw new RequestError(problem);
      const reply = await voice.postReply(
        {
          target: session.colleague?.remoteId ?? own?.remoteId,
          suggestionId: own?.id,
          pageUrl: session.pageUrl,
          anonymous: own?.anonymous === true,
          creatorName: await displayName(),
        },
        data.text,
      );
      deps.onQueued?.();
      return { reply };
    },

    async loadSimilar(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      if (session.colleague) return { candidates: [] };
      const own = await siteOwn(db, session.pageUrl);
      const ownIris = new Set(own.map((s) => s.remoteId).filter((id): id is string => !!id));
      const colleagues = await siteColleagues(db, session.pageUrl, ownIris);
      const stances = await db.stances.bulkGet(colleagues.map((c) => c.suggestion.remoteId));
      const candidates: SimilarEntry[] = [
        ...own
          .filter((s) => s.id !== session.draftId)
          .map((s) => ({
            id: s.id,
            text: s.text.slice(0, MAX_SIMILAR_TEXT),
            quote: s.quote.slice(0, MAX_SIMILAR_TEXT),
            pageUrl: s.pageUrl,
            supportCount: s.voteCount ?? 0,
            supported: false,
            own: true,
          })),
        ...colleagues.map(({ suggestion, pageUrl }, i) => {
          const stance = stances[i];
          return {
            id: suggestion.markId,
            text: suggestion.text.slice(0, MAX_SIMILAR_TEXT),
            quote: suggestion.quote.slice(0, MAX_SIMILAR_TEXT),
            pageUrl,
            supportCount: shownCount(suggestion.voteCount, stance),
            supported: stance?.supported ?? false,
            own: false,
          };
        }),
      ];
      return { candidates: candidates.slice(0, MAX_SIMILAR) };
    },

    async editSuggestion(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      const text = storableText(data.text).trim();
      if (text === '') throw new RequestError('errorEmpty');
      if (text.length > MAX_SUGGESTION_LENGTH) throw new RequestError('errorTooLong');
      await db.transaction('rw', db.suggestions, db.outbox, async () => {
        const own = await ownSubmitted(session, data.id);
        if (own.syncState === 'conflict') {
          // An earlier change met a 412: the endpoint's version waits beside the person's for
          // them to keep one (the popup). This edit becomes their version; nothing is sent
          // with the stale ETag.
          await db.suggestions.update(own.id, { text, updatedAt: now() });
          return;
        }
        const pending = await db.outbox.where('suggestionId').equals(own.id).toArray();
        await db.suggestions.update(own.id, {
          text,
          syncState: own.syncState === 'synced' ? 'queued' : own.syncState,
          updatedAt: now(),
        });
        // A create or update not yet sent carries the new text itself (its body is built when it
        // is first sent); otherwise the endpoint's copy is replaced with If-Match and the
        // author's secret.
        if (pending.some((op) => op.kind !== 'delete' && op.body === undefined)) return;
        await db.outbox.add(operation(own.id, 'update'));
      });
      deps.onSuggestionsChanged();
      deps.onQueued?.();
      return { text };
    },

    async withdrawSuggestion(data, context) {
      const session = await sessionFor(context, data.capability, 'act');
      await db.transaction('rw', db.suggestions, db.outbox, async () => {
        const own = await ownSubmitted(session, data.id);
        if (own.syncState === 'conflict') {
          // As for an edit: withdrawing becomes the person's version beside the endpoint's.
          await db.suggestions.update(own.id, { withdrawn: true, updatedAt: now() });
          return;
        }
        const pending = await db.outbox.where('suggestionId').equals(own.id).toArray();
        const neverSent = !own.remoteId && pending.every((op) => op.body === undefined);
        if (neverSent) {
          // Nothing reached the endpoint: nothing to delete there.
          await db.outbox.where('suggestionId').equals(own.id).delete();
          await db.suggestions.update(own.id, {
            withdrawn: true,
            syncState: 'synced',
            updatedAt: now(),
          });
          return;
        }
        // Sent, or being sent: an edit still waiting is moot; the endpoint's copy is deleted
        // (after the create in flight, if there is one).
        if (own.remoteId) await db.outbox.where('suggestionId').equals(own.id).delete();
        await db.suggestions.update(own.id, {
          withdrawn: true,
          syncState: 'queued',
          updatedAt: now(),
        });
        await db.outbox.add(operation(own.id, 'delete'));
      });
      deps.onSuggestionsChanged();
      deps.onQueued?.();
      return { withdrawn: true };
    },

    async listSuggestions(data) {
      const [items, total] = await Promise.all([
        db.suggestions
          .orderBy('updatedAt')
          .reverse()
          .offset(data.offset)
          .limit(data.limit)
          .toArray(),
        db.suggestions.count(),
      ]);
      // Pictures stay in the database: a list has no use for them and would carry megabytes.
      return { items: items.map(({ screenshot: _picture, ...item }) => item), total };
    },
  });

  return {
    handlers,
    /** The check every editor request goes through, for capabilities beside capture's. */
    sessionFor,
    /** The tab is gone: so is its editor. */
    tabClosed: (tabId: number) => sessions.delete(tabId),
  };
}
