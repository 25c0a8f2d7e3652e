import '@/components/styles.css';
import './style.css';
import './card.css';
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { FatalError } from '@/components/FatalError';
import { ScreenshotAttach } from '@/components/ScreenshotAttach';
import { SimilarSuggestions } from '@/components/SimilarSuggestions';
import { categoryKey, type EditorValues, SuggestionEditor } from '@/components/SuggestionEditor';
import { type ReplyLine, SuggestionView } from '@/components/SuggestionView';
import { formatNumber, relativeTime } from '@/utils/shared/format';
import { describeError, errorKeyText, inWords, t, uiLocale } from '@/utils/shared/i18n';
import { type EditorState, onEvents, type ReplyEntry, sendMessage } from '@/utils/shared/messaging';
import { statusWord } from '@/utils/shared/status-word';
import { CATEGORIES, type Category } from '@/utils/shared/suggestion';
import { createDraftSaver } from '@/utils/ui/draft-saver';
import { useReallyVisible } from '@/utils/ui/use-really-visible';
import { takeEarlyLoad } from './early-load';
import { reportSize } from './report-size';
import { useScreenshot } from './use-screenshot';
import { useSimilar } from './use-similar';

// The capability the background issued for this frame, handed over in the address's fragment
// (never sent to a server). Read once, then taken out of the address: by the head's early
// script, which has already asked for the editor's state with it (early-load.ts).
const early =
  takeEarlyLoad() ??
  (() => {
    // The early script has not run (it is async) or could not load: the same, from here.
    const fromAddress = location.hash.slice(1);
    history.replaceState(null, '', location.pathname);
    return {
      capability: fromAddress,
      state: sendMessage('loadEditor', { capability: fromAddress }),
    };
  })();
const { capability } = early;

const FOCUSABLE =
  'button:not([disabled]),textarea:not([disabled]),select:not([disabled]),input:not([disabled]),a[href]';

/**
 * Escape closes the editor wherever focus is in it (the draft is kept), and Tab stays inside
 * it: past the last control it comes back to the first, as in a dialog.
 */
function useEscapeToClose(close: () => void) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') return close();
      if (event.key !== 'Tab') return;
      const controls = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = controls[0];
      const last = controls[controls.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });
}

function EditorApp({ state }: { state: EditorState }) {
  const [saveStatus, setSaveStatus] = useState<'idle' | 'saved' | { error: string }>('idle');
  const visible = useReallyVisible();
  const saver = useMemo(
    () =>
      createDraftSaver<EditorValues>(async (values) => {
        try {
          await sendMessage('saveDraft', { capability, draftId: state.draftId, ...values });
          setSaveStatus('saved');
        } catch (error) {
          setSaveStatus({ error: describeError(error) });
          throw error;
        }
      }),
    [state.draftId],
  );

  useEffect(() => {
    // Typing is never lost: flush the moment the frame is hidden or torn down.
    const flush = () => void saver.flush().catch(() => undefined);
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
    };
  }, [saver]);

  const close = async () => {
    // A failed last save is shown; closing still goes ahead (the draft has its last good text).
    await saver.flush().catch(() => undefined);
    await sendMessage('closeEditor', { capability }).catch((error) =>
      setSaveStatus({ error: describeError(error) }),
    );
  };
  useEscapeToClose(() => void close());
  const similar = useSimilar(capability, {
    id: state.draftId,
    pageUrl: state.pageUrl,
    quote: state.quote,
    text: state.text,
  });
  const screenshot = useScreenshot(capability, state);

  return (
    <SuggestionEditor
      quote={state.quote}
      initial={{ text: state.text, category: state.category, anonymous: state.anonymous }}
      saveStatus={saveStatus}
      visible={visible}
      categories={state.categories}
      allowAnonymous={state.allowAnonymous}
      onChange={(values) => {
        saver.schedule(values);
        similar.rank(values.text);
      }}
      similar={
        <>
          <SimilarSuggestions items={similar.items} onSupport={similar.onSupport} />
          {similar.error ? (
            <p class="error" role="alert">
              {similar.error}
            </p>
          ) : null}
        </>
      }
      attachment={(values) => (
        <ScreenshotAttach
          allowed={state.allowScreenshot === true}
          context={state.pageContext}
          anonymous={values.anonymous}
          {...screenshot}
        />
      )}
      onSubmit={async (values) => {
        await saver.flush();
        await inWords(() =>
          sendMessage('submitSuggestion', { capability, draftId: state.draftId, ...values }),
        );
      }}
      onClose={() => void close()}
      // A new document in the frame: the page's script sees a load it did not start and asks
      // for a fresh frame (and capability) on a new suggestion.
      onSuggestAnother={() => window.location.reload()}
    />
  );
}

/** The words for a category Flywheel knows; another client's own category as it came. */
function categoryWord(category: string | undefined): string | undefined {
  if (!category) return undefined;
  return (CATEGORIES as readonly string[]).includes(category)
    ? t(categoryKey(category as Category))
    : category;
}

/** A reply as the card lists it, in words. */
function replyLine(reply: ReplyEntry): ReplyLine {
  return {
    text: reply.text,
    author: reply.fromOwner
      ? t('replyFromOwner', reply.authorName ?? t('cardAnonymous'))
      : (reply.authorName ?? t('cardAnonymous')),
    age: relativeTime(Date.parse(reply.created), Date.now(), uiLocale()),
    id: reply.id,
    sending: reply.sending,
    failed: reply.failed ? describeError(new Error(reply.failed)) : undefined,
  };
}

/** How a reply on this card is signed, in words. */
function replyHint(replyAs: NonNullable<EditorState['replyAs']>): string {
  if (replyAs.anonymous) return t('replyAnonymousHint');
  return replyAs.name ? t('replySignedHint', replyAs.name) : t('replyUnsignedHint');
}

/** A submitted suggestion opened from its mark on the page: shown, not edited. */
function SuggestionViewApp({ state }: { state: EditorState }) {
  // A view has nothing to lose: if the background cannot close it, Escape in the page still does.
  const close = () => void sendMessage('closeEditor', { capability }).catch(() => undefined);
  useEscapeToClose(close);
  const [replies, setReplies] = useState<ReplyLine[]>();
  const [repliesError, setRepliesError] = useState<string>();
  const [support, setSupport] = useState(
    state.colleague && { pressed: state.colleague.supported, count: state.colleague.voteCount },
  );
  const [replyCount, setReplyCount] = useState(state.colleague?.replyCount ?? 0);
  const toggles = useRef(0);
  const [ownCard, setOwnCard] = useState(state.ownCard);
  // Marked New while the card is open, as in the popup, though it is seen once shown.
  const [news, setNews] = useState(state.ownCard?.unread !== undefined);
  const [supportRefused, setSupportRefused] = useState(state.colleague?.supportRefused);

  // Where the suggestion stands now: a 412 met, an owner's answer, a vote refused for good.
  const refresh = async () => {
    const ask = toggles.current;
    const card = await sendMessage('loadCard', { capability });
    if (card.own) setOwnCard(card.own);
    if (card.own?.unread) setNews(true);
    // A press made meanwhile is newer than this answer.
    if (card.support && ask === toggles.current) {
      setSupport({ pressed: card.support.supported, count: card.support.voteCount });
      setSupportRefused(card.support.refused);
    }
    return card;
  };
  useEffect(
    () =>
      onEvents({
        suggestionsChanged: () => void refresh().catch(() => undefined), // shown as it was
      }),
    [],
  );
  // The person's own update, on the screen now: seen (the badge no longer counts it).
  const unreadAt = ownCard?.unread?.at;
  useEffect(() => {
    if (unreadAt === undefined) return;
    void sendMessage('markCardSeen', { capability, at: unreadAt }).catch(() => undefined); // stays counted
  }, [unreadAt]);

  const loadReplies = () =>
    sendMessage('loadReplies', { capability }).then(
      ({ replies: loaded, error }) => {
        setReplies(loaded.map(replyLine));
        setRepliesError(error ? describeError(new Error(error)) : undefined);
      },
      (error) => setRepliesError(describeError(error)),
    );
  useEffect(() => {
    void loadReplies();
  }, []);
  // The person's replies on their way: once the background has sent them, the list is the
  // endpoint's again.
  const waiting = replies?.some((reply) => reply.sending) ?? false;
  useEffect(() => {
    if (!waiting) return;
    return onEvents({ suggestionsChanged: () => void loadReplies() });
  }, [waiting]);

  const toggleSupport = async () => {
    if (!support) return;
    const next = !support.pressed;
    const ask = ++toggles.current;
    const before = support;
    setSupportRefused(undefined);
    // At once: pressed state and count follow the press; the background's answer confirms them.
    setSupport({ pressed: next, count: Math.max(0, before.count + (next ? 1 : -1)) });
    try {
      const result = await inWords(() =>
        sendMessage('supportSuggestion', { capability, support: next }),
      );
      if (ask === toggles.current)
        setSupport({ pressed: result.supported, count: result.voteCount });
    } catch (error) {
      if (ask === toggles.current) setSupport(before);
      throw error;
    }
  };

  return (
    <SuggestionView
      quote={state.quote}
      text={ownCard?.text ?? state.text}
      // A withdrawal that met a 412 is not done yet: the person chooses first (as the popup).
      status={
        ownCard?.syncState === 'conflict' ? t('state_conflict') : statusWord(ownCard ?? state)
      }
      unread={news}
      ownerReply={ownCard?.ownerReply?.text}
      replies={replies}
      repliesError={repliesError}
      onRetryReply={async (id) => {
        await inWords(() => sendMessage('retryReply', { capability, id }));
        await loadReplies();
      }}
      onDiscardReply={async (id) => {
        await inWords(() => sendMessage('discardReply', { capability, id }));
        setReplyCount((count) => Math.max(0, count - 1));
        await loadReplies();
      }}
      // Our reason in words, or the endpoint's own (shown as text), as the popup does.
      supportRefused={supportRefused ? (errorKeyText(supportRefused) ?? supportRefused) : undefined}
      colleague={
        state.colleague && {
          authorName: state.colleague.authorName,
          categoryWord: categoryWord(state.colleague.category),
          supportCount: formatNumber(support?.count ?? state.colleague.voteCount, uiLocale()),
          replyCount: formatNumber(replyCount, uiLocale()),
        }
      }
      support={support && { pressed: support.pressed, onToggle: toggleSupport }}
      reply={
        state.replyAs && {
          hint: replyHint(state.replyAs),
          onPost: async (text) => {
            const { reply } = await inWords(() => sendMessage('postReply', { capability, text }));
            setReplies((shown) => [...(shown ?? []), replyLine(reply)]);
            setReplyCount((count) => count + 1);
          },
        }
      }
      own={
        state.own
          ? {
              withdrawn: (ownCard ? ownCard.withdrawn : state.withdrawn) === true,
              onEdit: async (text) => {
                await inWords(() =>
                  sendMessage('editSuggestion', { capability, id: state.draftId, text }),
                );
                // While a 412 waits, the edit is the person's version beside the endpoint's.
                const card = await refresh().catch(() => undefined);
                return card?.own?.theirs ? t('conflictEditedNotice') : undefined;
              },
              onWithdraw: async () => {
                await inWords(() =>
                  sendMessage('withdrawSuggestion', { capability, id: state.draftId }),
                );
                const card = await refresh().catch(() => undefined);
                return card?.own?.theirs ? t('conflictEditedNotice') : undefined;
              },
              conflict: ownCard?.theirs && {
                theirsText: ownCard.theirs.text,
                theirsStatus: statusWord({
                  syncState: 'synced',
                  remoteStatus: ownCard.theirs.status,
                }),
                onKeep: async (keep) => {
                  await inWords(() => sendMessage('keepVersion', { capability, keep }));
                  await refresh().catch(() => undefined);
                },
              },
            }
          : undefined
      }
      onClose={close}
    />
  );
}

async function start() {
  const root = document.getElementById('app');
  if (!root) return;
  document.documentElement.lang = uiLocale();
  try {
    const state = await early.state;
    render(
      state.syncState === 'draft' ? (
        <EditorApp state={state} />
      ) : (
        <SuggestionViewApp state={state} />
      ),
      root,
    );
  } catch (error) {
    render(<FatalError error={error} />, root);
  }
}

void start();
reportSize();
