import type { FlywheelDatabase } from '@/utils/background/db';
import { t } from '@/utils/shared/i18n';
import type { EditorState, SiteRequestType, SyncRequestType } from '@/utils/shared/messaging';
import { PAGE_LABEL_KEYS, type PageLabelTemplates } from '@/utils/shared/page-labels';
import { MAX_SUGGESTION_LENGTH, type Suggestion } from '@/utils/shared/suggestion';
import { createPageSuggestionHandlers } from './page-suggestions';
import { type Handlers, type RequestContext, RequestError, requireTab, senderPage } from './router';
import { AnchoringReports, type EditorSessions } from './tab-store';

export interface HandlerDeps {
  db: FlywheelDatabase;
  sessions: EditorSessions;
  /** What each tab's content script found of its page's suggestions. */
  reports?: AnchoringReports;
  /** Called after anything that changes what the popup or the badge show. */
  onSuggestionsChanged: () => void;
  /** Called after a suggestion went into the outbox. */
  onQueued?: () => void;
  /** Asks the content script of a tab to take its editor frame down. */
  closeEditorInTab: (tabId: number) => Promise<void>;
  now?: () => number;
  newId?: () => string;
}

async function latestDraftFor(db: FlywheelDatabase, pageUrl: string) {
  const onPage = await db.suggestions.where('pageUrl').equals(pageUrl).toArray();
  return onPage.filter((s) => s.syncState === 'draft').sort((a, b) => b.updatedAt - a.updatedAt)[0];
}

export function createHandlers(
  deps: HandlerDeps,
): Omit<Handlers, SyncRequestType | SiteRequestType> {
  const { db, sessions } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());

  async function sessionOf(context: RequestContext, draftId?: string) {
    const session = await sessions.get(requireTab(context));
    if (!session || (draftId !== undefined && session.draftId !== draftId)) {
      throw new RequestError('errorNoEditorSession');
    }
    return session;
  }

  return {
    ...createPageSuggestionHandlers({
      db,
      sessions,
      reports: deps.reports ?? new AnchoringReports(),
    }),

    async openEditor(data, context) {
      const { tabId, pageUrl } = senderPage(context);
      const draft = await latestDraftFor(db, pageUrl);
      const hasSelection = data.quote.trim() !== '' || data.selectors.length > 0;
      // A new selection re-targets the draft; opening with none keeps what it was about.
      const quote = hasSelection ? data.quote : (draft?.quote ?? '');
      const selectors = hasSelection ? data.selectors : (draft?.selectors ?? []);
      const draftId = draft?.id ?? newId();
      if (draft && hasSelection) {
        await db.suggestions.update(draft.id, { quote, selectors, updatedAt: now() });
      }
      await sessions.set(tabId, {
        draftId,
        pageUrl,
        pageTitle: data.title.slice(0, 500),
        quote,
        selectors,
      });
      return { draftId };
    },

    async getPageLabels() {
      // Placeholders come back as $1, $2…: the content script fills them in.
      const slots = ['$1', '$2', '$3', '$4'];
      return Object.fromEntries(
        PAGE_LABEL_KEYS.map((key) => [key, t(key, slots)]),
      ) as PageLabelTemplates;
    },

    async loadEditor(_data, context) {
      const session = await sessionOf(context);
      const draft = await db.suggestions.get(session.draftId);
      const state: EditorState = {
        draftId: session.draftId,
        pageUrl: session.pageUrl,
        pageTitle: session.pageTitle,
        quote: session.quote,
        text: draft?.text ?? '',
        category: draft?.category ?? 'unclear',
        anonymous: draft?.anonymous ?? false,
        syncState: draft?.syncState ?? 'draft',
        remoteStatus: draft?.remoteStatus,
      };
      return state;
    },

    async saveDraft(data, context) {
      const session = await sessionOf(context, data.draftId);
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
      const session = await sessionOf(context, data.draftId);
      const text = data.text.trim();
      if (text === '') throw new RequestError('errorEmpty');
      if (text.length > MAX_SUGGESTION_LENGTH) throw new RequestError('errorTooLong');
      const submittedAt = now();
      await db.transaction('rw', db.suggestions, db.outbox, async () => {
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
        });
        // The outbox row is written with the change, so a crash cannot leave one without the other.
        await db.outbox.add({
          id: newId(),
          suggestionId: data.draftId,
          kind: 'create',
          queuedAt: submittedAt,
          attempts: 0,
          notBefore: submittedAt,
        });
      });
      // The next time the widget opens on this page, it starts a new suggestion.
      await sessions.set(requireTab(context), { ...session, draftId: newId() });
      deps.onSuggestionsChanged();
      deps.onQueued?.();
      return { id: data.draftId };
    },

    async closeEditor(_data, context) {
      const tabId = requireTab(context);
      await deps.closeEditorInTab(tabId);
      return { closed: true };
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
      return { items, total };
    },
  };
}
