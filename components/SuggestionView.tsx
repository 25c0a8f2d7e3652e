import { useState } from 'preact/hooks';
import { LIMITS } from '@/utils/protocol/vocabulary';
import { t } from '@/utils/shared/i18n';
import { MAX_SUGGESTION_LENGTH } from '@/utils/shared/suggestion';

/** A reply as the card lists it. */
export interface ReplyLine {
  /** The person's own, not at the endpoint yet: its id (a refused one can be retried). */
  id?: string;
  text: string;
  author: string;
  age: string;
  /** The person's own, not at the endpoint yet. */
  sending?: boolean;
  /** The person's own, refused for good: why, in words. */
  failed?: string;
}

export interface Props {
  quote: string;
  text: string;
  /** Where it stands, as a word (Queued, Under review...). */
  status: string;
  /** A colleague's suggestion: who wrote it (absent: anonymous), its category and support. */
  colleague?: {
    authorName?: string;
    categoryWord?: string;
    supportCount: string;
    replyCount: string;
  };
  /** The replies, oldest first; undefined while they load. */
  replies?: ReplyLine[];
  /** A colleague's suggestion: the person's support, a toggle (one per person). */
  support?: {
    pressed: boolean;
    /** Rejects with words for the person. */
    onToggle: () => Promise<void>;
  };
  /** Replying on this card: how the reply is signed, in words, and the post. */
  reply?: {
    hint: string;
    /** Resolves once queued (the list shows it then); rejects with words for the person. */
    onPost: (text: string) => Promise<void>;
  };
  /** Why the replies could not be had, in words. */
  repliesError?: string;
  /** A reply of the person's refused for good: send it again, or let it go. */
  onRetryReply?: (id: string) => Promise<void>;
  onDiscardReply?: (id: string) => Promise<void>;
  /** The endpoint refused the person's last support choice (it went back): why, in words. */
  supportRefused?: string;
  /** The process owner's latest reply (the person's own suggestion). */
  ownerReply?: string;
  /** The status or reply shown is news to the person: marked New, as in the popup. */
  unread?: boolean;
  /** The person's own suggestion: they may change its text or take it back. */
  own?: {
    withdrawn: boolean;
    /** Resolves once saved (with words to say instead of the usual); rejects with words. */
    onEdit: (text: string) => Promise<string | undefined>;
    onWithdraw: () => Promise<string | undefined>;
    /** After a 412: the endpoint's version beside the person's, and their choice of one. */
    conflict?: {
      theirsText: string;
      /** The endpoint's status, as a word. */
      theirsStatus: string;
      onKeep: (keep: 'mine' | 'theirs') => Promise<void>;
    };
  };
  onClose: () => void;
}

/** A submitted suggestion, opened from its mark: shown as it was sent, not editable. */
export function SuggestionView(props: Props) {
  const { quote, text, status, colleague, own, onClose, replies, repliesError, support, reply } =
    props;
  const [shown, setShown] = useState(text);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [withdrawn, setWithdrawn] = useState(own?.withdrawn ?? false);
  // The card follows where the suggestion stands: a version kept after a 412 replaces what
  // the person did here (during this render, so the old text is never shown beside the new).
  const given = { text, withdrawn: own?.withdrawn ?? false };
  const [seen, setSeen] = useState(given);
  if (seen.text !== given.text || seen.withdrawn !== given.withdrawn) {
    setSeen(given);
    setShown(given.text);
    setWithdrawn(given.withdrawn);
  }
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');

  /** Runs an action; its own words (a string it resolves with) say what became of it. */
  const act = async (action: () => Promise<unknown>, done: string) => {
    setError('');
    try {
      const said = await action();
      setNotice(typeof said === 'string' && said !== '' ? said : done);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const save = (event: Event) => {
    event.preventDefault();
    const next = editing ?? '';
    void act(async () => {
      const said = await own?.onEdit(next);
      setShown(next.trim());
      setEditing(null);
      return said;
    }, t('editedNotice'));
  };
  const tooLong = (editing?.trim().length ?? 0) > MAX_SUGGESTION_LENGTH;
  const [replyText, setReplyText] = useState('');
  const [replyError, setReplyError] = useState('');
  const [posting, setPosting] = useState(false);
  const replyTooLong = replyText.trim().length > LIMITS.replyText;
  const postReply = async (event: Event) => {
    event.preventDefault();
    if (!reply || posting || replyTooLong || replyText.trim() === '') return;
    setPosting(true);
    setReplyError('');
    try {
      await reply.onPost(replyText);
      // Queued: it is in the list now; the box is free for the next one.
      setReplyText('');
    } catch (e) {
      // The text stays in the box, with why it could not be posted.
      setReplyError(e instanceof Error ? e.message : String(e));
    } finally {
      setPosting(false);
    }
  };

  return (
    <div class="editor">
      <header class="editor-header">
        <h1>{colleague ? t('cardHeading') : t('viewHeading')}</h1>
        <button type="button" class="icon" aria-label={t('closeLabel')} onClick={onClose}>
          ×
        </button>
      </header>
      {quote ? (
        <figure>
          <figcaption class="muted">{t('editorAboutQuote')}</figcaption>
          <blockquote class="quote">{quote}</blockquote>
        </figure>
      ) : null}
      {editing === null ? (
        <p class="view-text">{shown}</p>
      ) : (
        <form onSubmit={save} noValidate>
          <label for="edit-text">{t('suggestionLabel')}</label>
          <textarea
            id="edit-text"
            rows={6}
            value={editing}
            aria-invalid={tooLong}
            onInput={(event) => setEditing(event.currentTarget.value)}
          />
          <div class="actions">
            <button type="button" onClick={() => setEditing(null)}>
              {t('cancelLabel')}
            </button>
            <button
              type="submit"
              class="primary"
              disabled={tooLong || (editing ?? '').trim() === ''}
            >
              {t('saveEditLabel')}
            </button>
          </div>
        </form>
      )}
      {colleague ? (
        <dl class="card-facts">
          <dt>{t('cardAuthor')}</dt>
          <dd>{colleague.authorName ?? t('cardAnonymous')}</dd>
          {colleague.categoryWord ? (
            <>
              <dt>{t('categoryLabel')}</dt>
              <dd>{colleague.categoryWord}</dd>
            </>
          ) : null}
          <dt>{t('cardSupport')}</dt>
          <dd id="support-count">{colleague.supportCount}</dd>
          <dt>{t('cardReplies')}</dt>
          <dd>{colleague.replyCount}</dd>
        </dl>
      ) : null}
      {support ? (
        <div class="support-row">
          <button
            type="button"
            class="support"
            aria-pressed={support.pressed}
            aria-describedby={colleague ? 'support-count' : undefined}
            onClick={() => {
              setError('');
              support.onToggle().catch((e) => setError(e instanceof Error ? e.message : String(e)));
            }}
          >
            {t('supportLabel')}
          </button>
          {props.supportRefused ? (
            <p class="error" role="alert">
              {t('supportRefused', props.supportRefused)}
            </p>
          ) : null}
        </div>
      ) : null}
      <p class="muted card-status">
        {props.unread ? <span class="unread-mark">{t('popupUnread')}</span> : null}{' '}
        {t('viewStatus', withdrawn && !own?.conflict ? t('state_withdrawn') : status)}
      </p>
      {props.ownerReply ? (
        <p class="owner-reply">
          <span class="owner-reply-label">{t('popupOwnerReply')}</span> <q>{props.ownerReply}</q>
        </p>
      ) : null}
      {own?.conflict ? (
        <section class="conflict" aria-labelledby="conflict-explain">
          <p id="conflict-explain">{t('conflictExplain')}</p>
          <dl>
            <dt>{t('conflictTheirs')}</dt>
            <dd>
              <span class="conflict-text">{own.conflict.theirsText}</span>
              <span class="conflict-status muted">
                {t('viewStatus', own.conflict.theirsStatus)}
              </span>
            </dd>
            <dt>{t('conflictYours')}</dt>
            <dd class="conflict-text">{withdrawn ? t('conflictYoursWithdrawn') : shown}</dd>
          </dl>
          <div class="actions">
            <button
              type="button"
              onClick={() =>
                void act(
                  () => own.conflict?.onKeep('mine') ?? Promise.resolve(),
                  t('keptMineNotice'),
                )
              }
            >
              {t('keepMine')}
            </button>
            <button
              type="button"
              onClick={() =>
                void act(
                  () => own.conflict?.onKeep('theirs') ?? Promise.resolve(),
                  t('keptTheirsNotice'),
                )
              }
            >
              {t('keepTheirs')}
            </button>
          </div>
        </section>
      ) : null}
      <section aria-labelledby="replies-heading">
        <h2 id="replies-heading">{t('repliesHeading')}</h2>
        {repliesError ? <p class="muted">{repliesError}</p> : null}
        {replies && replies.length === 0 ? <p class="muted">{t('repliesNone')}</p> : null}
        {replies && replies.length > 0 ? (
          <ul class="replies" aria-labelledby="replies-heading">
            {replies.map((line, index) => (
              <li
                key={line.id ?? `${index}-${line.text}`}
                class={line.sending ? 'sending' : undefined}
              >
                <span class="reply-meta">
                  {line.author} · {line.age}
                  {line.sending ? ` · ${t('replySending')}` : ''}
                  {line.failed ? ` · ${t('replyFailed', line.failed)}` : ''}
                </span>
                <span class="reply-text" id={line.id ? `reply-${line.id}` : undefined}>
                  {line.text}
                </span>
                {line.failed && line.id ? (
                  <span class="reply-actions">
                    {(
                      [
                        [props.onRetryReply, 'replyRetriedNotice', 'replyTryAgainLabel'],
                        [props.onDiscardReply, 'replyDiscardedNotice', 'replyDiscardLabel'],
                      ] as const
                    ).map(([handler, notice, label]) =>
                      handler ? (
                        <button
                          key={label}
                          type="button"
                          aria-describedby={`reply-${line.id}`}
                          onClick={() => void act(() => handler(line.id as string), t(notice))}
                        >
                          {t(label)}
                        </button>
                      ) : null,
                    )}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {reply && !withdrawn && editing === null ? (
          <form class="reply-form" onSubmit={postReply} noValidate>
            <label for="reply-text">{t('replyLabel')}</label>
            <textarea
              id="reply-text"
              rows={3}
              value={replyText}
              aria-invalid={replyTooLong}
              aria-describedby="reply-hint reply-error"
              onInput={(event) => {
                setReplyText(event.currentTarget.value);
                setReplyError('');
              }}
            />
            <p id="reply-hint" class="muted">
              {reply.hint}
            </p>
            <p id="reply-error" class="error" role="alert">
              {replyTooLong ? t('errorReplyTooLong') : replyError}
            </p>
            <div class="actions">
              <button type="submit" disabled={posting || replyTooLong || replyText.trim() === ''}>
                {t('postReplyLabel')}
              </button>
            </div>
          </form>
        ) : null}
      </section>
      {own && !withdrawn && editing === null ? (
        confirming ? (
          <div class="actions">
            <p>{t('withdrawConfirm')}</p>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('cancelLabel')}
            </button>
            <button
              type="button"
              class="primary"
              onClick={() =>
                void act(async () => {
                  const said = await own.onWithdraw();
                  setWithdrawn(true);
                  setConfirming(false);
                  return said;
                }, t('withdrawnNotice'))
              }
            >
              {t('withdrawLabel')}
            </button>
          </div>
        ) : (
          <div class="actions">
            <button type="button" onClick={() => setConfirming(true)}>
              {t('withdrawLabel')}
            </button>
            <button type="button" class="primary" onClick={() => setEditing(shown)}>
              {t('editLabel')}
            </button>
          </div>
        )
      ) : null}
      <p role="status" class="ok">
        {notice}
      </p>
      <p role="alert" class="error">
        {error}
      </p>
    </div>
  );
}
