import { useEffect, useRef } from 'preact/hooks';
import { errorKeyText, t } from '@/utils/shared/i18n';
import { siteOf } from '@/utils/shared/pages';
import { statusWord } from '@/utils/shared/status-word';
import type { Suggestion } from '@/utils/shared/suggestion';

export type KeepChoice = 'mine' | 'theirs';

export interface Props {
  suggestion: Suggestion;
  /** "3 minutes ago", in the person's language. */
  relativeTime: string;
  onOpen: (suggestion: Suggestion) => void;
  /** Offered for failed and conflicting suggestions. */
  onRetry?: (suggestion: Suggestion) => void;
  /** After a 412: the person keeps their version or the endpoint's. */
  onKeep?: (suggestion: Suggestion, keep: KeepChoice) => void;
  /** This item was asked for (a notification's click): it takes the focus. */
  focused?: boolean;
}

/** A reason is a locale key of ours, or the endpoint's own words (shown as text). */
export function describeReason(reason: string): string {
  return errorKeyText(reason) ?? reason;
}

/**
 * The one word for where a suggestion stands, and its class: the owner's status once it is at
 * the endpoint, else where it is on this device (never "Sent" beside "Submitted").
 */
export function statusOf(suggestion: Suggestion): { word: string; tone: string } {
  // A withdrawal that met a 412 is not done yet: the person chooses first.
  if (suggestion.syncState === 'conflict') return { word: t('state_conflict'), tone: 'conflict' };
  const tone = suggestion.withdrawn
    ? 'withdrawn'
    : suggestion.syncState === 'synced'
      ? (suggestion.remoteStatus ?? 'synced')
      : suggestion.syncState;
  return { word: statusWord(suggestion), tone };
}

export function SuggestionItem({
  suggestion,
  relativeTime,
  onOpen,
  onRetry,
  onKeep,
  focused,
}: Props) {
  const site = siteOf(suggestion.pageUrl);
  const pageLabel = suggestion.pageTitle ? `${suggestion.pageTitle} · ${site}` : site;
  const status = statusOf(suggestion);
  const theirs = suggestion.syncState === 'conflict' ? suggestion.remoteVersion : undefined;
  const unread = suggestion.unread !== undefined;
  const link = useRef<HTMLAnchorElement>(null);
  // Once, when it is first shown: a list refreshed later leaves the focus where the person put it.
  useEffect(() => {
    if (!focused) return;
    link.current?.focus();
    link.current?.scrollIntoView?.({ block: 'nearest' });
  }, [focused]);
  return (
    <li class={unread ? 'suggestion unread' : 'suggestion'} data-suggestion-id={suggestion.id}>
      <a
        href={suggestion.pageUrl}
        ref={link}
        onClick={(event) => {
          event.preventDefault();
          onOpen(suggestion);
        }}
      >
        <span class="text">{suggestion.text || '…'}</span>
        {suggestion.quote ? <span class="quote-line">“{suggestion.quote}”</span> : null}
        {/* The page's title on lines of its own: in the meta row it was cut to a few letters. */}
        <span class="page" title={pageLabel}>
          {pageLabel}
        </span>
        <span class="meta">
          {unread ? <span class="unread-mark">{t('popupUnread')}</span> : null}
          <span class={`status status-${status.tone}`}>{status.word}</span>
          {suggestion.anonymous ? <span class="anonymous">{t('popupAnonymous')}</span> : null}
          <time dateTime={new Date(suggestion.updatedAt).toISOString()}>{relativeTime}</time>
        </span>
        {suggestion.ownerReply ? (
          <span class="owner-reply">
            <span class="owner-reply-label">{t('popupOwnerReply')}</span>{' '}
            <q>{suggestion.ownerReply.text}</q>
          </span>
        ) : null}
        {suggestion.lastError && suggestion.syncState !== 'synced' && !theirs ? (
          <span class="reason error">{describeReason(suggestion.lastError)}</span>
        ) : null}
      </a>
      {theirs && onKeep ? (
        <div class="conflict">
          <p>{t('conflictExplain')}</p>
          <dl>
            <dt>{t('conflictTheirs')}</dt>
            <dd>
              <span class="conflict-text">{theirs.text}</span>{' '}
              <span class={`status status-${theirs.status}`}>
                {statusWord({ syncState: 'synced', remoteStatus: theirs.status })}
              </span>
            </dd>
            <dt>{t('conflictYours')}</dt>
            <dd class="conflict-text">
              {suggestion.withdrawn ? t('conflictYoursWithdrawn') : suggestion.text}
            </dd>
          </dl>
          <div class="conflict-actions">
            <button type="button" onClick={() => onKeep(suggestion, 'mine')}>
              {t('keepMine')}
            </button>
            <button type="button" onClick={() => onKeep(suggestion, 'theirs')}>
              {t('keepTheirs')}
            </button>
          </div>
        </div>
      ) : onRetry && (suggestion.syncState === 'failed' || suggestion.syncState === 'conflict') ? (
        <button type="button" class="retry" onClick={() => onRetry(suggestion)}>
          {t('retryLabel')}
        </button>
      ) : null}
    </li>
  );
}
